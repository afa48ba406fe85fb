// Prefix sums.
//
// Exact semantics (kernels/reference.js implements the same, bit for bit):
// prefixSum: out[i] = x[0] + x[1] + ... + x[i] (inclusive scan), accumulated
// left to right in one f64 that starts at +0. out must have the same length
// as x, else RangeError; out may be x itself (in place).

/** Inclusive prefix sum of x into out (out may be x). */
export function prefixSum(x: Float64Array, out: Float64Array): void {
  const n: i32 = x.length;
  if (out.length != n) throw new RangeError("prefixSum: out must have the same length as x");
  let s: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    s += x[i];
    out[i] = s;
  }
}
