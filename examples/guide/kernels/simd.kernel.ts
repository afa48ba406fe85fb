// Step 5: SIMD. Summing floats in order is one long chain of dependent adds;
// each waits for the previous one. Several partial sums break the chain, and
// v128 adds two f64 lanes per instruction. The order of the additions
// changes, so results may differ from the in-order sum in the last bits.
// (SIMD code has no pure-JS mode: this file only builds to wasm.)

// In order: one add at a time.
export function sumScalar(x: Float64Array): f64 {
  let s: f64 = 0.0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

// The same loop; `fastmath` lets tskern's optimizer reorder the sum and
// vectorize it for you.
// @tskern fastmath
export function sumFastmath(x: Float64Array): f64 {
  let s: f64 = 0.0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

// By hand: two f64x2 accumulators (four partial sums), 4 elements a step.
export function sumSimd(x: Float64Array): f64 {
  const n = x.length;
  const p = x.dataStart;
  let a = f64x2.splat(0.0);
  let b = f64x2.splat(0.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = p + (<usize>i << 3);
    a = f64x2.add(a, v128.load(at));
    b = f64x2.add(b, v128.load(at, 16));
  }
  const ab = f64x2.add(a, b);
  let s = f64x2.extract_lane(ab, 0) + f64x2.extract_lane(ab, 1);
  for (; i < n; i++) s += x[i];
  return s;
}
