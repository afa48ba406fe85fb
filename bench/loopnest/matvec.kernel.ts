// Matrix-vector product y = a * x, a row-major n x m: one dot product per
// row, summed left to right (a float reduction: not reordered).
export function matvec(a: Float64Array, x: Float64Array, y: Float64Array, n: i32, m: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    let s: f64 = 0.0;
    for (let j: i32 = 0; j < m; j++) {
      s += a[i * m + j] * x[j];
    }
    y[i] = s;
  }
}
