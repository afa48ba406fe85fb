// BLAS level 1 over Float64Array.
//
// Exact semantics (kernels/reference.js implements the same, bit for bit):
// - dot, axpy: x and y must have the same length, else RangeError.
// - dot and sum accumulate strictly left to right in one f64 accumulator that
//   starts at +0, so results equal the naive JS loop exactly.
// - axpy computes y[i] = y[i] + a * x[i] and scal x[i] = x[i] * a (two
//   roundings, no fused multiply-add).
// - nrm2 is reference BLAS dnrm2's one-pass scaled sum of squares (no overflow
//   or underflow for huge or tiny values); NaN anywhere gives NaN, otherwise
//   an infinite element gives +Infinity.

/** Dot product: the sum of x[i] * y[i], left to right. */
export function dot(x: Float64Array, y: Float64Array): f64 {
  const n: i32 = x.length;
  if (y.length != n) throw new RangeError("dot: x and y must have the same length");
  let s: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    s += x[i] * y[i];
  }
  return s;
}

/** y += a * x, in place. */
export function axpy(a: f64, x: Float64Array, y: Float64Array): void {
  const n: i32 = x.length;
  if (y.length != n) throw new RangeError("axpy: x and y must have the same length");
  for (let i: i32 = 0; i < n; i++) {
    y[i] += a * x[i];
  }
}

/** x *= a, in place. */
export function scal(a: f64, x: Float64Array): void {
  const n: i32 = x.length;
  for (let i: i32 = 0; i < n; i++) {
    x[i] *= a;
  }
}

/** Euclidean norm sqrt(sum of x[i]^2), scaled to avoid overflow and underflow. */
export function nrm2(x: Float64Array): f64 {
  const n: i32 = x.length;
  let scale: f64 = 0;
  let ssq: f64 = 1;
  for (let i: i32 = 0; i < n; i++) {
    const v: f64 = x[i];
    if (v != 0) {
      const a: f64 = Math.abs(v);
      if (scale < a) {
        const r: f64 = scale / a;
        ssq = 1 + ssq * r * r;
        scale = a;
      } else {
        const r: f64 = a / scale;
        ssq += r * r;
      }
    }
  }
  const norm: f64 = scale * Math.sqrt(ssq);
  // Two infinite elements make Inf / Inf = NaN above: the norm is +Infinity
  // unless the input itself holds a NaN (a cold path, outside the loop).
  if (norm != norm) {
    for (let i: i32 = 0; i < n; i++) {
      const v: f64 = x[i];
      if (v != v) return norm;
    }
    return Infinity;
  }
  return norm;
}

/** Sum of the elements, left to right. */
export function sum(x: Float64Array): f64 {
  const n: i32 = x.length;
  let s: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    s += x[i];
  }
  return s;
}
