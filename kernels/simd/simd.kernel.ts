// @ts-nocheck: plain TypeScript has no v128 operations (f64x2.*, v128.load, ...)
// or `dataStart`; tskern/types declares only the opaque `v128` type.
// 128-bit wasm SIMD versions of library kernels: dot, axpy and sum
// (kernels/blas.kernel.ts) and sobel (kernels/image.kernel.ts). Same
// arguments and errors as the scalar kernel of the same name without `Simd`.
//
// Exact semantics (kernels/reference.js has JS twins that compute the same,
// bit for bit):
// - axpySimd and sobelSimd equal axpy and sobel bit for bit: lanes are
//   independent output elements, each keeps the scalar order of operations.
// - dotSimd and sumSimd keep eight partial sums, lane j of 8 accumulating
//   elements i with i % 8 == j (each partial sum left to right, from +0), then
//   add them as ((p0 + p2) + (p4 + p6)) + ((p1 + p3) + (p5 + p7)) (`sum8`);
//   the tail (n % 8 elements) is then added left to right. They round
//   differently from dot and sum (by a few ulps on random data); their twins
//   dotSimd/sumSimd in kernels/reference.js reproduce them exactly.
//
// They read data through raw addresses (`dataStart`) after checking every
// length up front, so there is no per-element bounds check; they have no pure
// mode (plain TypeScript has no v128 operations), which is why this file sits
// in kernels/simd/, outside the pure-mode library.

/** Adds the two lanes of each accumulator in the fixed order the JS twins use. */
// @ts-ignore: decorator
@inline function sum8(a0: v128, a1: v128, a2: v128, a3: v128): f64 {
  // lanes: a0 = (p0, p1), a1 = (p2, p3), a2 = (p4, p5), a3 = (p6, p7)
  const s = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Dot product with eight partial sums (see the header for the order). */
export function dotSimd(x: Float64Array, y: Float64Array): f64 {
  const n: i32 = x.length;
  if (y.length != n) throw new RangeError("dot: x and y must have the same length");
  const px = x.dataStart, py = y.dataStart;
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  const n8: i32 = n & ~7;
  let i: i32 = 0;
  for (; i < n8; i += 8) {
    const o = <usize>i << 3;
    a0 = f64x2.add(a0, f64x2.mul(v128.load(px + o), v128.load(py + o)));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(px + o, 16), v128.load(py + o, 16)));
    a2 = f64x2.add(a2, f64x2.mul(v128.load(px + o, 32), v128.load(py + o, 32)));
    a3 = f64x2.add(a3, f64x2.mul(v128.load(px + o, 48), v128.load(py + o, 48)));
  }
  let r = sum8(a0, a1, a2, a3);
  for (; i < n; i++) {
    const o = <usize>i << 3;
    r += load<f64>(px + o) * load<f64>(py + o);
  }
  return r;
}

/** y += a * x, in place, two elements per instruction (bit-identical to axpy). */
export function axpySimd(a: f64, x: Float64Array, y: Float64Array): void {
  const n: i32 = x.length;
  if (y.length != n) throw new RangeError("axpy: x and y must have the same length");
  const px = x.dataStart, py = y.dataStart;
  const av = f64x2.splat(a);
  const n4: i32 = n & ~3;
  let i: i32 = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 3;
    v128.store(py + o, f64x2.add(v128.load(py + o), f64x2.mul(av, v128.load(px + o))));
    v128.store(py + o, f64x2.add(v128.load(py + o, 16), f64x2.mul(av, v128.load(px + o, 16))), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(py + o, load<f64>(py + o) + a * load<f64>(px + o));
  }
}

/** Sum with eight partial sums (see the header for the order). */
export function sumSimd(x: Float64Array): f64 {
  const n: i32 = x.length;
  const px = x.dataStart;
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  const n8: i32 = n & ~7;
  let i: i32 = 0;
  for (; i < n8; i += 8) {
    const o = <usize>i << 3;
    a0 = f64x2.add(a0, v128.load(px + o));
    a1 = f64x2.add(a1, v128.load(px + o, 16));
    a2 = f64x2.add(a2, v128.load(px + o, 32));
    a3 = f64x2.add(a3, v128.load(px + o, 48));
  }
  let r = sum8(a0, a1, a2, a3);
  for (; i < n; i++) r += load<f64>(px + (<usize>i << 3));
  return r;
}

/** Sobel edge magnitude on 8-bit images, eight pixels per step (bit-identical to sobel). */
export function sobelSimd(src: Uint8Array, dst: Uint8Array, width: i32, height: i32): void {
  if (width < 0 || height < 0 || f64(src.length) < f64(width) * f64(height) || f64(dst.length) < f64(width) * f64(height)) {
    throw new RangeError("sobel: src and dst must hold width*height bytes");
  }
  if (width == 0 || height == 0) return;
  const ps = src.dataStart, pd = dst.dataStart;
  const w = <usize>width;
  // Border pixels are 0.
  memory.fill(pd, 0, w);
  memory.fill(pd + <usize>(height - 1) * w, 0, w);
  for (let y: i32 = 1; y < height - 1; y++) {
    store<u8>(pd + <usize>y * w, 0);
    store<u8>(pd + <usize>y * w + w - 1, 0);
  }
  const c255 = i16x8.splat(255);
  for (let y: i32 = 1; y < height - 1; y++) {
    const r0 = ps + <usize>(y - 1) * w, r1 = r0 + w, r2 = r1 + w;
    const d = pd + <usize>y * w;
    let x: i32 = 1;
    // Eight pixels widened to i16 lanes: |gx| + |gy| <= 2040 fits, then clamp and narrow.
    for (; x + 8 <= width - 1; x += 8) {
      const o = <usize>x;
      const p00 = v128.load8x8_u(r0 + o - 1), p01 = v128.load8x8_u(r0 + o), p02 = v128.load8x8_u(r0 + o + 1);
      const p10 = v128.load8x8_u(r1 + o - 1), p12 = v128.load8x8_u(r1 + o + 1);
      const p20 = v128.load8x8_u(r2 + o - 1), p21 = v128.load8x8_u(r2 + o), p22 = v128.load8x8_u(r2 + o + 1);
      const gx = i16x8.sub(i16x8.add(i16x8.add(p02, i16x8.shl(p12, 1)), p22), i16x8.add(i16x8.add(p00, i16x8.shl(p10, 1)), p20));
      const gy = i16x8.sub(i16x8.add(i16x8.add(p20, i16x8.shl(p21, 1)), p22), i16x8.add(i16x8.add(p00, i16x8.shl(p01, 1)), p02));
      const g = i16x8.min_s(i16x8.add(i16x8.abs(gx), i16x8.abs(gy)), c255);
      v128.store64_lane(d + o, i8x16.narrow_i16x8_u(g, g), 0);
    }
    for (; x < width - 1; x++) {
      const o = <usize>x;
      const p00: i32 = load<u8>(r0 + o - 1), p01: i32 = load<u8>(r0 + o), p02: i32 = load<u8>(r0 + o + 1);
      const p10: i32 = load<u8>(r1 + o - 1), p12: i32 = load<u8>(r1 + o + 1);
      const p20: i32 = load<u8>(r2 + o - 1), p21: i32 = load<u8>(r2 + o), p22: i32 = load<u8>(r2 + o + 1);
      let gx = p02 + 2 * p12 + p22 - (p00 + 2 * p10 + p20);
      let gy = p20 + 2 * p21 + p22 - (p00 + 2 * p01 + p02);
      if (gx < 0) gx = -gx;
      if (gy < 0) gy = -gy;
      const g = gx + gy;
      store<u8>(d + o, g > 255 ? 255 : g);
    }
  }
}
