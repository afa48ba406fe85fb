// Variant: Floyd-Warshall on f64 distances with Math.min and no hoisting.
export function floydMin(d: Float64Array, n: i32): void {
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        d[i * n + j] = Math.min(d[i * n + j], d[i * n + k] + d[k * n + j]);
      }
    }
  }
}
