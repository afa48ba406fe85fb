// Dense matrix product c = a * b, row-major: a is n x p, b is p x m, c is n x m.
// The i-k-j loop order (rows of b streamed, one multiply-add per element of c),
// as a performance-minded user writes it. Each c element accumulates its
// products in k order, so every build gives bit-identical results.
export function matmul(a: Float64Array, b: Float64Array, c: Float64Array, n: i32, p: i32, m: i32): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) c[i * m + j] = 0.0;
    for (let k = 0; k < p; k++) {
      const aik = a[i * p + k];
      for (let j = 0; j < m; j++) {
        c[i * m + j] += aik * b[k * m + j];
      }
    }
  }
}
