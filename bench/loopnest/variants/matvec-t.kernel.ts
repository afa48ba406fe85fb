// Variant: transposed matrix-vector product y = a^T x, accumulated row by row
// (an elementwise update of y for each row of a).
export function matvecT(a: Float64Array, x: Float64Array, y: Float64Array, n: i32, m: i32): void {
  for (let j = 0; j < m; j++) y[j] = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    for (let j = 0; j < m; j++) y[j] += a[i * m + j] * xi;
  }
}
