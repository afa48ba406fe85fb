// Variant: matrix product in i-j-k order, one dot product per element of c
// (a float sum over k with a strided walk down b: kept in order, scalar).
export function matmulIJK(a: Float64Array, b: Float64Array, c: Float64Array, n: i32): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0.0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
  }
}
