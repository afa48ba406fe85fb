// Variant: successive over-relaxation, 5-point, in place.
export function sor(u: Float64Array, w: i32, h: i32, omega: f64): void {
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      u[i] = u[i] + omega * ((u[i - 1] + u[i + 1] + u[i - w] + u[i + w]) * 0.25 - u[i]);
    }
  }
}
