// One Gauss-Seidel sweep of a 9-point smoother, in place on a w x h grid
// (row-major): each interior point becomes the mean of its 3x3 neighbourhood,
// using the values already updated in this sweep (a loop-carried dependence:
// the loop cannot be vectorized, only tightened).
export function sweep9(g: Float64Array, w: i32, h: i32): void {
  const r: f64 = 1.0 / 9.0;
  for (let y: i32 = 1; y < h - 1; y++) {
    const row: i32 = y * w;
    for (let x: i32 = 1; x < w - 1; x++) {
      const i: i32 = row + x;
      g[i] = (g[i - w - 1] + g[i - w] + g[i - w + 1] +
              g[i - 1] + g[i] + g[i + 1] +
              g[i + w - 1] + g[i + w] + g[i + w + 1]) * r;
    }
  }
}
