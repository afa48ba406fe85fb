// Reductions over Float64Array.
//
// Exact semantics (kernels/reference.js implements the same, bit for bit):
// - min / max: the same value as JS `Math.min(...x)` / `Math.max(...x)`:
//   NaN if any element is NaN, -0 is smaller than +0, and +Infinity /
//   -Infinity for an empty array.
// - argmin / argmax: the index of the first smallest / largest element (by
//   `<` / `>`, so -0 and +0 tie), or of the first NaN if there is one; -1 for
//   an empty array.
// - mean: sum left to right (as blas `sum`) divided by the length; NaN when
//   empty.
// - variance(x, ddof): two passes, m = mean(x), then q = sum of (x[i] - m)^2
//   left to right, result q / (n - ddof); NaN when n - ddof <= 0. ddof = 0 is
//   the population variance, ddof = 1 the sample variance.

// min and max keep two running values (even and odd elements): Math.min is
// associative and commutative (NaN wins, -0 < +0), so the result is the same,
// and the two chains of f64.min run in parallel.

/** Smallest element (Math.min semantics). */
export function min(x: Float64Array): f64 {
  const n: i32 = x.length;
  const half: i32 = n >> 1;
  let m0: f64 = Infinity;
  let m1: f64 = Infinity;
  for (let h: i32 = 0; h < half; h++) {
    m0 = Math.min(m0, x[2 * h]);
    m1 = Math.min(m1, x[2 * h + 1]);
  }
  if ((n & 1) != 0) m0 = Math.min(m0, x[n - 1]);
  return Math.min(m0, m1);
}

/** Largest element (Math.max semantics). */
export function max(x: Float64Array): f64 {
  const n: i32 = x.length;
  const half: i32 = n >> 1;
  let m0: f64 = -Infinity;
  let m1: f64 = -Infinity;
  for (let h: i32 = 0; h < half; h++) {
    m0 = Math.max(m0, x[2 * h]);
    m1 = Math.max(m1, x[2 * h + 1]);
  }
  if ((n & 1) != 0) m0 = Math.max(m0, x[n - 1]);
  return Math.max(m0, m1);
}

/** Index of the first smallest element, or of the first NaN; -1 if empty. */
export function argmin(x: Float64Array): i32 {
  const n: i32 = x.length;
  if (n == 0) return -1;
  let best: f64 = x[0];
  if (best != best) return 0;
  let at: i32 = 0;
  for (let i: i32 = 1; i < n; i++) {
    const v: f64 = x[i];
    if (!(v >= best)) {
      if (v != v) return i;
      best = v;
      at = i;
    }
  }
  return at;
}

/** Index of the first largest element, or of the first NaN; -1 if empty. */
export function argmax(x: Float64Array): i32 {
  const n: i32 = x.length;
  if (n == 0) return -1;
  let best: f64 = x[0];
  if (best != best) return 0;
  let at: i32 = 0;
  for (let i: i32 = 1; i < n; i++) {
    const v: f64 = x[i];
    if (!(v <= best)) {
      if (v != v) return i;
      best = v;
      at = i;
    }
  }
  return at;
}

/** Arithmetic mean; NaN for an empty array. */
export function mean(x: Float64Array): f64 {
  const n: i32 = x.length;
  let s: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    s += x[i];
  }
  return s / f64(n);
}

/** Variance with `ddof` delta degrees of freedom (0: population, 1: sample). */
export function variance(x: Float64Array, ddof: i32): f64 {
  const n: i32 = x.length;
  if (n - ddof <= 0) return NaN;
  let s: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    s += x[i];
  }
  const m: f64 = s / f64(n);
  let q: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const d: f64 = x[i] - m;
    q += d * d;
  }
  return q / f64(n - ddof);
}
