// BLAS level 1 over Float64Array: the shipped kernel library's first module.
// Sums are accumulated left to right, so results equal the plain loop exactly.

/** Dot product: the sum of x[i] * y[i]; x and y must have the same length. */
export function dot(x: Float64Array, y: Float64Array): f64 {
  const n = x.length;
  if (y.length != n) throw new RangeError("dot: x and y must have the same length");
  let s: f64 = 0;
  for (let i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

/** y += a * x, in place. */
export function axpy(a: f64, x: Float64Array, y: Float64Array): void {
  const n = x.length;
  if (y.length != n) throw new RangeError("axpy: x and y must have the same length");
  for (let i = 0; i < n; i++) y[i] += a * x[i];
}

/** x *= a, in place. */
export function scal(a: f64, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] *= a;
}

/** Euclidean norm, scaled to avoid overflow and underflow (as reference BLAS dnrm2). */
export function nrm2(x: Float64Array): f64 {
  let scale: f64 = 0;
  let ssq: f64 = 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v != 0) {
      const a = Math.abs(v);
      if (scale < a) {
        const r = scale / a;
        ssq = 1 + ssq * r * r;
        scale = a;
      } else {
        const r = a / scale;
        ssq += r * r;
      }
    }
  }
  return scale * Math.sqrt(ssq);
}

/** Sum of elements, left to right. */
export function sum(x: Float64Array): f64 {
  let s: f64 = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}
