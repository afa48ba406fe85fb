// BLAS level-1 style kernels on Float64Array.
//
// Exact semantics (examples/kernels/reference.js implements the same):
// - x and y must have the same length, else RangeError.
// - dot and sum accumulate strictly left to right in one f64 accumulator
//   starting at 0, so results are bit-identical to the naive JS loop.
// - axpy computes y[i] = y[i] + a * x[i] (two roundings, no fused multiply-add).

export function dot(x: Float64Array, y: Float64Array): f64 {
  const n: i32 = x.length;
  if (y.length != n) throw new RangeError("dot: x and y must have the same length");
  let s: f64 = 0.0;
  for (let i: i32 = 0; i < n; i++) {
    s += x[i] * y[i];
  }
  return s;
}

export function axpy(a: f64, x: Float64Array, y: Float64Array): void {
  const n: i32 = x.length;
  if (y.length != n) throw new RangeError("axpy: x and y must have the same length");
  for (let i: i32 = 0; i < n; i++) {
    y[i] += a * x[i];
  }
}

export function sum(x: Float64Array): f64 {
  const n: i32 = x.length;
  let s: f64 = 0.0;
  for (let i: i32 = 0; i < n; i++) {
    s += x[i];
  }
  return s;
}
