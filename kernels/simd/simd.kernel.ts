// @ts-nocheck: plain TypeScript has no v128 operations (f64x2.*, v128.load, ...)
// or `dataStart`; tskern/types declares only the opaque `v128` type.
// 128-bit wasm SIMD versions of library kernels, one `<name>Simd` per scalar
// kernel `<name>` of kernels/*.kernel.ts: dot, axpy, scal, sum (blas), min
// (reduce), matmul, conv2d, blurSeparable, sobel (image), mandelbrot,
// levenshtein, smithWaterman (align), nbodyStep, nbodyEnergy (nbody). Each
// takes the same arguments and throws the same RangeError (same message) for
// the same bad input as its scalar kernel.
//
// Exact semantics (tests/simd.test.js checks them against the scalar kernels
// and the JS twins in kernels/reference.js):
// - Every kernel except dotSimd and sumSimd equals its scalar kernel bit for
//   bit: lanes are independent output elements (pixels, C entries, rows of
//   the DP table, partner bodies), each keeps the scalar order of operations.
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
// in kernels/simd/, outside the pure-mode library. matmulSimd,
// levenshteinSimd and smithWatermanSimd keep a scratch array in kernel memory
// across calls (grown to the largest size seen).

// ---------------------------------------------------------------- BLAS-1, reduce

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
  axpyAt(a, x.dataStart, y.dataStart, n);
}

/** py[i] += a * px[i] for i < n (raw addresses), each element as y + a * x. Also nbodyStepSimd's position update. */
// @ts-ignore: decorator
@inline function axpyAt(a: f64, px: usize, py: usize, n: i32): void {
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

/** x *= a, in place, two elements per instruction (bit-identical to scal). */
export function scalSimd(a: f64, x: Float64Array): void {
  const n: i32 = x.length;
  const px = x.dataStart;
  const av = f64x2.splat(a);
  let i: i32 = 0;
  const n4: i32 = n & ~3;
  for (; i < n4; i += 4) {
    const o = <usize>i << 3;
    v128.store(px + o, f64x2.mul(v128.load(px + o), av));
    v128.store(px + o, f64x2.mul(v128.load(px + o, 16), av), 16);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    store<f64>(px + o, load<f64>(px + o) * a);
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

// Math.min is associative and commutative (NaN wins, -0 < +0), so lanes can
// fold independently: exact.
/** Smallest element (Infinity when empty, NaN if any is NaN); bit-identical to min. */
export function minSimd(x: Float64Array): f64 {
  const n: i32 = x.length;
  const px = x.dataStart;
  let m0 = f64x2.splat(Infinity), m1 = f64x2.splat(Infinity);
  let i: i32 = 0;
  const n4: i32 = n & ~3;
  for (; i < n4; i += 4) {
    const o = <usize>i << 3;
    m0 = f64x2.min(m0, v128.load(px + o));
    m1 = f64x2.min(m1, v128.load(px + o, 16));
  }
  const m = f64x2.min(m0, m1);
  let r = Math.min(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  for (; i < n; i++) r = Math.min(r, load<f64>(px + (<usize>i << 3)));
  return r;
}

// ---------------------------------------------------------------- matmul

const KB: i32 = 128;
const JB: i32 = 256;

// Scratch kept across calls (a fresh allocation per call would be garbage in
// kernel memory that the host only collects now and then).
let f64Scratch: Float64Array = new Float64Array(0);
let i32Scratch: Int32Array = new Int32Array(0);

function f64Buffer(size: i32): Float64Array {
  if (f64Scratch.length < size) f64Scratch = new Float64Array(size);
  return f64Scratch;
}

function i32Buffer(size: i32): Int32Array {
  if (i32Scratch.length < size) i32Scratch = new Int32Array(size);
  return i32Scratch;
}

// Same blocking and packing of B as kernels/matmul.kernel.ts, with a 4 x 4
// tile of C in eight f64x2 registers (two per row); each C element still sums
// p in order.
/** C = A * B (row-major), bit-identical to matmul. */
export function matmulSimd(a: Float64Array, b: Float64Array, c: Float64Array, m: i32, k: i32, n: i32): void {
  if (m < 0 || k < 0 || n < 0) throw new RangeError("matmul: dimensions must be >= 0");
  if (f64(a.length) < f64(m) * f64(k) || f64(b.length) < f64(k) * f64(n) || f64(c.length) < f64(m) * f64(n)) {
    throw new RangeError("matmul: a, b and c must hold m*k, k*n and m*n elements");
  }
  const pa = a.dataStart, pb = b.dataStart, pc = c.dataStart;
  memory.fill(pc, 0, <usize>(m * n) << 3);
  if (m == 0 || k == 0 || n == 0) return;
  const packArray = f64Buffer((KB < k ? KB : k) * ((JB < n ? JB : n) & ~3));
  const pk = packArray.dataStart;
  const m4: i32 = m & ~3;
  const rowA = <usize>k << 3, rowB = <usize>n << 3, rowC = <usize>n << 3;
  for (let kk: i32 = 0; kk < k; kk += KB) {
    const kEnd: i32 = kk + KB < k ? kk + KB : k;
    const kLen: i32 = kEnd - kk;
    for (let jj: i32 = 0; jj < n; jj += JB) {
      const jEnd: i32 = jj + JB < n ? jj + JB : n;
      const j4: i32 = jj + ((jEnd - jj) & ~3);
      let q = pk;
      for (let jt: i32 = jj; jt < j4; jt += 4) {
        let src = pb + <usize>kk * rowB + (<usize>jt << 3);
        for (let p: i32 = kk; p < kEnd; p++) {
          v128.store(q, v128.load(src));
          v128.store(q, v128.load(src, 16), 16);
          q += 32;
          src += rowB;
        }
      }
      let i: i32 = 0;
      for (; i < m4; i += 4) {
        const a0 = pa + <usize>i * rowA + (<usize>kk << 3);
        const c0 = pc + <usize>i * rowC;
        let strip = pk;
        for (let j: i32 = jj; j < j4; j += 4) {
          const cj = c0 + (<usize>j << 3);
          let s00 = v128.load(cj), s01 = v128.load(cj, 16);
          let s10 = v128.load(cj + rowC), s11 = v128.load(cj + rowC, 16);
          let s20 = v128.load(cj + 2 * rowC), s21 = v128.load(cj + 2 * rowC, 16);
          let s30 = v128.load(cj + 3 * rowC), s31 = v128.load(cj + 3 * rowC, 16);
          let bp = strip;
          let ap = a0;
          for (let p: i32 = kk; p < kEnd; p++) {
            const b0 = v128.load(bp), b1 = v128.load(bp, 16);
            let x = f64x2.splat(load<f64>(ap));
            s00 = f64x2.add(s00, f64x2.mul(x, b0));
            s01 = f64x2.add(s01, f64x2.mul(x, b1));
            x = f64x2.splat(load<f64>(ap + rowA));
            s10 = f64x2.add(s10, f64x2.mul(x, b0));
            s11 = f64x2.add(s11, f64x2.mul(x, b1));
            x = f64x2.splat(load<f64>(ap + 2 * rowA));
            s20 = f64x2.add(s20, f64x2.mul(x, b0));
            s21 = f64x2.add(s21, f64x2.mul(x, b1));
            x = f64x2.splat(load<f64>(ap + 3 * rowA));
            s30 = f64x2.add(s30, f64x2.mul(x, b0));
            s31 = f64x2.add(s31, f64x2.mul(x, b1));
            bp += 32;
            ap += 8;
          }
          v128.store(cj, s00); v128.store(cj, s01, 16);
          v128.store(cj + rowC, s10); v128.store(cj + rowC, s11, 16);
          v128.store(cj + 2 * rowC, s20); v128.store(cj + 2 * rowC, s21, 16);
          v128.store(cj + 3 * rowC, s30); v128.store(cj + 3 * rowC, s31, 16);
          strip += <usize>kLen << 5;
        }
        for (let r: i32 = i; r < i + 4; r++) scalarCols(pa, pb, pc, r, j4, jEnd, kk, kEnd, k, n);
      }
      for (; i < m; i++) scalarCols(pa, pb, pc, i, jj, jEnd, kk, kEnd, k, n);
    }
  }
}

function scalarCols(pa: usize, pb: usize, pc: usize, i: i32, j0: i32, j1: i32, kk: i32, kEnd: i32, k: i32, n: i32): void {
  for (let j: i32 = j0; j < j1; j++) {
    const cp = pc + ((<usize>i * n + j) << 3);
    let s = load<f64>(cp);
    for (let p: i32 = kk; p < kEnd; p++) {
      s += load<f64>(pa + ((<usize>i * k + p) << 3)) * load<f64>(pb + ((<usize>p * n + j) << 3));
    }
    store<f64>(cp, s);
  }
}

// ---------------------------------------------------------------- image

function imageOk(srcLength: i32, dstLength: i32, width: i32, height: i32): bool {
  if (width < 0 || height < 0) return false;
  const size: f64 = f64(width) * f64(height);
  return f64(srcLength) >= size && f64(dstLength) >= size;
}

function clampTo(v: i32, hi: i32): i32 {
  return v < 0 ? 0 : v > hi ? hi : v;
}

function clampedPixel(src: usize, width: i32, xLast: i32, yLast: i32, w: usize, kw: i32, kh: i32, x: i32, y: i32): f32 {
  const rx = kw >> 1, ry = kh >> 1;
  let acc: f32 = 0;
  let t: usize = w;
  for (let ky: i32 = 0; ky < kh; ky++) {
    const row = src + ((<usize>clampTo(y + ky - ry, yLast) * width) << 2);
    for (let kx: i32 = 0; kx < kw; kx++) {
      acc = acc + load<f32>(t) * load<f32>(row + (<usize>clampTo(x + kx - rx, xLast) << 2));
      t += 4;
    }
  }
  return acc;
}

// Four pixels per f32x4, same tap order per pixel as the scalar kernel.
export function conv2dSimd(src: Float32Array, dst: Float32Array, width: i32, height: i32, weights: Float32Array, kw: i32, kh: i32): void {
  if (!imageOk(src.length, dst.length, width, height)) throw new RangeError("conv2d: src and dst must hold width*height pixels");
  if (kw < 1 || kh < 1 || (kw & 1) == 0 || (kh & 1) == 0 || f64(weights.length) < f64(kw) * f64(kh)) {
    throw new RangeError("conv2d: kw and kh must be odd and weights must hold kw*kh values");
  }
  if (width == 0 || height == 0) return;
  const ps = src.dataStart, pd = dst.dataStart, pw = weights.dataStart;
  const rx = kw >> 1, ry = kh >> 1, xLast = width - 1, yLast = height - 1;
  const x0: i32 = rx < width ? rx : width;
  const x1: i32 = width - rx > x0 ? width - rx : x0;
  const rowBytes = <usize>width << 2;
  for (let y: i32 = 0; y < height; y++) {
    const drow = pd + <usize>y * rowBytes;
    let x: i32 = 0;
    if (y >= ry && y + ry <= yLast) {
      for (; x < x0; x++) store<f32>(drow + (<usize>x << 2), clampedPixel(ps, width, xLast, yLast, pw, kw, kh, x, y));
      const top = ps + <usize>(y - ry) * rowBytes - (<usize>rx << 2);
      for (; x + 4 <= x1; x += 4) {
        let acc = f32x4.splat(0);
        let base = top + (<usize>x << 2);
        let t = pw;
        for (let ky: i32 = 0; ky < kh; ky++) {
          for (let kx: i32 = 0; kx < kw; kx++) {
            acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(t)), v128.load(base + (<usize>kx << 2))));
            t += 4;
          }
          base += rowBytes;
        }
        v128.store(drow + (<usize>x << 2), acc);
      }
      for (; x < x1; x++) {
        let acc: f32 = 0;
        let base = top + (<usize>x << 2);
        let t = pw;
        for (let ky: i32 = 0; ky < kh; ky++) {
          for (let kx: i32 = 0; kx < kw; kx++) {
            acc = acc + load<f32>(t) * load<f32>(base + (<usize>kx << 2));
            t += 4;
          }
          base += rowBytes;
        }
        store<f32>(drow + (<usize>x << 2), acc);
      }
    }
    for (; x < width; x++) store<f32>(drow + (<usize>x << 2), clampedPixel(ps, width, xLast, yLast, pw, kw, kh, x, y));
  }
}

export function blurSeparableSimd(src: Float32Array, dst: Float32Array, tmp: Float32Array, width: i32, height: i32, weights: Float32Array): void {
  if (!imageOk(src.length, dst.length, width, height) || !imageOk(tmp.length, tmp.length, width, height)) {
    throw new RangeError("blurSeparable: src, dst and tmp must hold width*height pixels");
  }
  const taps: i32 = weights.length;
  if ((taps & 1) == 0) throw new RangeError("blurSeparable: weights must have odd length");
  if (width == 0 || height == 0) return;
  const ps = src.dataStart, pd = dst.dataStart, pt = tmp.dataStart, pw = weights.dataStart;
  const r = taps >> 1, xLast = width - 1, yLast = height - 1;
  const x0: i32 = r < width ? r : width;
  const x1: i32 = width - r > x0 ? width - r : x0;
  const rowBytes = <usize>width << 2;
  for (let y: i32 = 0; y < height; y++) {
    const srow = ps + <usize>y * rowBytes;
    const trow = pt + <usize>y * rowBytes;
    let x: i32 = 0;
    for (; x < x0; x++) {
      let acc: f32 = 0;
      for (let t: i32 = 0; t < taps; t++) acc = acc + load<f32>(pw + (<usize>t << 2)) * load<f32>(srow + (<usize>clampTo(x + t - r, xLast) << 2));
      store<f32>(trow + (<usize>x << 2), acc);
    }
    for (; x + 4 <= x1; x += 4) {
      let acc = f32x4.splat(0);
      const base = srow + (<usize>(x - r) << 2);
      for (let t: i32 = 0; t < taps; t++) {
        acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(pw + (<usize>t << 2))), v128.load(base + (<usize>t << 2))));
      }
      v128.store(trow + (<usize>x << 2), acc);
    }
    for (; x < width; x++) {
      let acc: f32 = 0;
      for (let t: i32 = 0; t < taps; t++) acc = acc + load<f32>(pw + (<usize>t << 2)) * load<f32>(srow + (<usize>clampTo(x + t - r, xLast) << 2));
      store<f32>(trow + (<usize>x << 2), acc);
    }
  }
  const w4: i32 = width & ~3;
  for (let y: i32 = 0; y < height; y++) {
    const drow = pd + <usize>y * rowBytes;
    memory.fill(drow, 0, rowBytes);
    for (let t: i32 = 0; t < taps; t++) {
      const wt: f32 = load<f32>(pw + (<usize>t << 2));
      const wv = f32x4.splat(wt);
      const trow = pt + <usize>clampTo(y + t - r, yLast) * rowBytes;
      let x: i32 = 0;
      for (; x < w4; x += 4) {
        const o = <usize>x << 2;
        v128.store(drow + o, f32x4.add(v128.load(drow + o), f32x4.mul(wv, v128.load(trow + o))));
      }
      for (; x < width; x++) {
        const o = <usize>x << 2;
        store<f32>(drow + o, load<f32>(drow + o) + wt * load<f32>(trow + o));
      }
    }
  }
}

/** Sobel edge magnitude on 8-bit images, eight pixels per step (bit-identical to sobel). */
export function sobelSimd(src: Uint8Array, dst: Uint8Array, width: i32, height: i32): void {
  if (!imageOk(src.length, dst.length, width, height)) {
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

// ---------------------------------------------------------------- mandelbrot

// Two pixels per f64x2; a lane stops counting once it escapes (the loop runs
// until both have), so counts equal the scalar kernel's.
export function mandelbrotSimd(out: Uint16Array, width: i32, height: i32, x0: f64, y0: f64, dx: f64, dy: f64, maxIter: i32): void {
  if (width < 0 || height < 0 || f64(out.length) < f64(width) * f64(height)) {
    throw new RangeError("mandelbrot: out must hold width*height elements");
  }
  if (maxIter < 0 || maxIter > 65535) throw new RangeError("mandelbrot: maxIter must be in [0, 65535]");
  const po = out.dataStart;
  const four = f64x2.splat(4.0), two = f64x2.splat(2.0);
  for (let py: i32 = 0; py < height; py++) {
    const cy = f64x2.splat(y0 + f64(py) * dy);
    const rowStart = po + ((<usize>py * width) << 1);
    let px: i32 = 0;
    for (; px + 2 <= width; px += 2) {
      const cx = f64x2(x0 + f64(px) * dx, x0 + f64(px + 1) * dx);
      let zx = f64x2.splat(0), zy = f64x2.splat(0);
      let active = i64x2.splat(-1);
      let count = i64x2.splat(0);
      for (let n: i32 = 0; n < maxIter; n++) {
        const zx2 = f64x2.mul(zx, zx);
        const zy2 = f64x2.mul(zy, zy);
        active = v128.andnot(active, f64x2.gt(f64x2.add(zx2, zy2), four));
        if (!v128.any_true(active)) break;
        count = i64x2.sub(count, active);
        zy = f64x2.add(f64x2.mul(f64x2.mul(two, zx), zy), cy);
        zx = f64x2.add(f64x2.sub(zx2, zy2), cx);
      }
      store<u16>(rowStart + (<usize>px << 1), <u16>i64x2.extract_lane(count, 0));
      store<u16>(rowStart + (<usize>px << 1), <u16>i64x2.extract_lane(count, 1), 2);
    }
    for (; px < width; px++) {
      const cx: f64 = x0 + f64(px) * dx;
      const cyy: f64 = y0 + f64(py) * dy;
      let zx: f64 = 0, zy: f64 = 0;
      let n: i32 = 0;
      while (n < maxIter) {
        const zx2 = zx * zx, zy2 = zy * zy;
        if (zx2 + zy2 > 4.0) break;
        zy = 2.0 * zx * zy + cyy;
        zx = zx2 - zy2 + cx;
        n++;
      }
      store<u16>(rowStart + (<usize>px << 1), <u16>n);
    }
  }
}

// ---------------------------------------------------------------- alignment

// Four rows at once along anti-diagonals: lane r computes row i + r at column
// t - r in step t, so every lane's up and diagonal neighbours were computed by
// lane r - 1 one and two steps earlier (a one-lane shift of the previous
// vectors). Lane 0 reads the row above from `row`, lane 3 writes its row back.
// b is read reversed (brev) so the four characters of a step are one load.
// Rows left over (n % 4) and short b (m < 4) use the scalar loop.

function reversedPadded(b: Uint8Array, m: i32): Int32Array {
  const rev = i32Buffer(m + 8);
  for (let k: i32 = 0; k < m; k++) unchecked(rev[k + 4] = b[m - 1 - k]);
  // Padding lanes (out-of-range columns) get -1, never equal to a byte.
  for (let k: i32 = 0; k < 4; k++) {
    unchecked(rev[k] = -1);
    unchecked(rev[m + 4 + k] = -1);
  }
  return rev;
}

export function levenshteinSimd(a: Uint8Array, b: Uint8Array, row: Int32Array): i32 {
  const n: i32 = a.length;
  const m: i32 = b.length;
  if (row.length <= m) throw new RangeError("levenshtein: row must have length >= b.length + 1");
  const pr = row.dataStart, pa = a.dataStart, pb = b.dataStart;
  for (let j: i32 = 0; j <= m; j++) store<i32>(pr + (<usize>j << 2), j);
  let i: i32 = 1; // next row to compute (1-based)
  if (m >= 4) {
    const rev = reversedPadded(b, m);
    const pv = rev.dataStart;
    const one = i32x4.splat(1);
    const lanes = i32x4(0, 1, 2, 3);
    for (; i + 3 <= n; i += 4) {
      const av = i32x4(load<u8>(pa + <usize>(i - 1)), load<u8>(pa + <usize>i), load<u8>(pa + <usize>(i + 1)), load<u8>(pa + <usize>(i + 2)));
      const boundary = i32x4.add(i32x4.splat(i), lanes); // D[i + r][0]
      let prev = boundary;
      let upPrev = i32x4.splat(i - 1); // lane 0: D[i-1][0]
      // Steps 1..3: lanes r >= t are still at column <= 0 (the boundary).
      for (let t: i32 = 1; t <= 3; t++) {
        const up = v128.shuffle<i32>(v128.load(pr + (<usize>(t - 3) << 2)), prev, 3, 4, 5, 6);
        const eq = i32x4.eq(av, v128.load(pv + (<usize>(m - t + 4) << 2)));
        const sub = i32x4.add(i32x4.add(upPrev, one), eq);
        const d = i32x4.min_s(i32x4.add(prev, one), i32x4.min_s(sub, i32x4.add(up, one)));
        prev = v128.bitselect(boundary, d, i32x4.ge_s(lanes, i32x4.splat(t)));
        upPrev = up;
      }
      for (let t: i32 = 4; t <= m; t++) {
        const up = v128.shuffle<i32>(v128.load(pr + (<usize>(t - 3) << 2)), prev, 3, 4, 5, 6);
        const eq = i32x4.eq(av, v128.load(pv + (<usize>(m - t + 4) << 2)));
        const sub = i32x4.add(i32x4.add(upPrev, one), eq);
        const d = i32x4.min_s(i32x4.add(prev, one), i32x4.min_s(sub, i32x4.add(up, one)));
        v128.store32_lane(pr + (<usize>(t - 3) << 2), d, 3);
        prev = d;
        upPrev = up;
      }
      // Steps m+1..m+3: lane 0 is past the end; lanes finish their rows.
      const zero = i32x4.splat(0);
      for (let t: i32 = m + 1; t <= m + 3; t++) {
        const up = v128.shuffle<i32>(zero, prev, 3, 4, 5, 6);
        const eq = i32x4.eq(av, v128.load(pv + (<usize>(m - t + 4) << 2)));
        const sub = i32x4.add(i32x4.add(upPrev, one), eq);
        const d = i32x4.min_s(i32x4.add(prev, one), i32x4.min_s(sub, i32x4.add(up, one)));
        v128.store32_lane(pr + (<usize>(t - 3) << 2), d, 3);
        prev = d;
        upPrev = up;
      }
      store<i32>(pr, i + 3);
    }
  }
  for (; i <= n; i++) {
    const ai: i32 = load<u8>(pa + <usize>(i - 1));
    let diag: i32 = i - 1;
    let left: i32 = i;
    store<i32>(pr, i);
    for (let j: i32 = 1; j <= m; j++) {
      const up = load<i32>(pr + (<usize>j << 2));
      const sub = diag + select<i32>(0, 1, ai == <i32>load<u8>(pb + <usize>(j - 1)));
      const d = min(left + 1, min(sub, up + 1));
      store<i32>(pr + (<usize>j << 2), d);
      diag = up;
      left = d;
    }
  }
  return load<i32>(pr + (<usize>m << 2));
}

export function smithWatermanSimd(a: Uint8Array, b: Uint8Array, match: i32, mismatch: i32, gap: i32, row: Int32Array): i32 {
  const n: i32 = a.length;
  const m: i32 = b.length;
  if (row.length <= m) throw new RangeError("smithWaterman: row must have length >= b.length + 1");
  const pr = row.dataStart, pa = a.dataStart, pb = b.dataStart;
  for (let j: i32 = 0; j <= m; j++) store<i32>(pr + (<usize>j << 2), 0);
  let best: i32 = 0;
  let i: i32 = 1;
  if (m >= 4) {
    const rev = reversedPadded(b, m);
    const pv = rev.dataStart;
    const zero = i32x4.splat(0);
    const gapv = i32x4.splat(gap), misv = i32x4.splat(mismatch), delta = i32x4.splat(match - mismatch);
    const lanes = i32x4(0, 1, 2, 3);
    let bestv = zero;
    for (; i + 3 <= n; i += 4) {
      const av = i32x4(load<u8>(pa + <usize>(i - 1)), load<u8>(pa + <usize>i), load<u8>(pa + <usize>(i + 1)), load<u8>(pa + <usize>(i + 2)));
      let prev = zero;
      let upPrev = zero;
      for (let t: i32 = 1; t <= 3; t++) {
        const up = v128.shuffle<i32>(v128.load(pr + (<usize>(t - 3) << 2)), prev, 3, 4, 5, 6);
        const eq = i32x4.eq(av, v128.load(pv + (<usize>(m - t + 4) << 2)));
        const h0 = i32x4.add(upPrev, i32x4.add(misv, v128.and(eq, delta)));
        const h = i32x4.max_s(i32x4.add(prev, gapv), i32x4.max_s(i32x4.max_s(h0, i32x4.add(up, gapv)), zero));
        prev = v128.andnot(h, i32x4.ge_s(lanes, i32x4.splat(t))); // column <= 0: H = 0
        bestv = i32x4.max_s(bestv, prev);
        upPrev = up;
      }
      for (let t: i32 = 4; t <= m; t++) {
        const up = v128.shuffle<i32>(v128.load(pr + (<usize>(t - 3) << 2)), prev, 3, 4, 5, 6);
        const eq = i32x4.eq(av, v128.load(pv + (<usize>(m - t + 4) << 2)));
        const h0 = i32x4.add(upPrev, i32x4.add(misv, v128.and(eq, delta)));
        const h = i32x4.max_s(i32x4.add(prev, gapv), i32x4.max_s(i32x4.max_s(h0, i32x4.add(up, gapv)), zero));
        v128.store32_lane(pr + (<usize>(t - 3) << 2), h, 3);
        bestv = i32x4.max_s(bestv, h);
        prev = h;
        upPrev = up;
      }
      for (let t: i32 = m + 1; t <= m + 3; t++) {
        const up = v128.shuffle<i32>(zero, prev, 3, 4, 5, 6);
        const eq = i32x4.eq(av, v128.load(pv + (<usize>(m - t + 4) << 2)));
        const h0 = i32x4.add(upPrev, i32x4.add(misv, v128.and(eq, delta)));
        const h = i32x4.max_s(i32x4.add(prev, gapv), i32x4.max_s(i32x4.max_s(h0, i32x4.add(up, gapv)), zero));
        v128.store32_lane(pr + (<usize>(t - 3) << 2), h, 3);
        // Lanes past column m (r < t - m) are not cells: keep them out of best.
        prev = v128.and(h, i32x4.ge_s(lanes, i32x4.splat(t - m)));
        bestv = i32x4.max_s(bestv, prev);
        upPrev = up;
      }
    }
    best = max(max(i32x4.extract_lane(bestv, 0), i32x4.extract_lane(bestv, 1)), max(i32x4.extract_lane(bestv, 2), i32x4.extract_lane(bestv, 3)));
  }
  for (; i <= n; i++) {
    const ai: i32 = load<u8>(pa + <usize>(i - 1));
    let diag: i32 = 0;
    let left: i32 = 0;
    for (let j: i32 = 1; j <= m; j++) {
      const up = load<i32>(pr + (<usize>j << 2));
      const h0 = diag + select<i32>(match, mismatch, ai == <i32>load<u8>(pb + <usize>(j - 1)));
      const h = max(left + gap, max(max(h0, up + gap), 0));
      best = max(best, h);
      store<i32>(pr + (<usize>j << 2), h);
      diag = up;
      left = h;
    }
  }
  return best;
}

// ---------------------------------------------------------------- n-body

// Two partner bodies j, j+1 per f64x2 (sqrt and division are the cost); the
// sums into body i's velocity and the energy are still taken in j order, lane
// by lane, so results equal the scalar kernel's.
function bodiesOk(pos: Float64Array, vel: Float64Array, n: i32): void {
  if (f64(pos.length) < 3 * f64(n) || f64(vel.length) < 3 * f64(n)) {
    throw new RangeError("nbody: pos and vel must hold 3 * mass.length values");
  }
}

export function nbodyStepSimd(pos: Float64Array, vel: Float64Array, mass: Float64Array, dt: f64, eps2: f64, steps: i32): void {
  const n: i32 = mass.length;
  bodiesOk(pos, vel, n);
  const pp = pos.dataStart, pv = vel.dataStart, pm = mass.dataStart;
  const dtv = f64x2.splat(dt), epsv = f64x2.splat(eps2);
  for (let s: i32 = 0; s < steps; s++) {
    for (let i: i32 = 0; i < n; i++) {
      const pi = pp + <usize>i * 24;
      const xi: f64 = load<f64>(pi), yi: f64 = load<f64>(pi, 8), zi: f64 = load<f64>(pi, 16);
      const xiv = f64x2.splat(xi), yiv = f64x2.splat(yi), ziv = f64x2.splat(zi);
      const vi = pv + <usize>i * 24;
      let vxi: f64 = load<f64>(vi), vyi: f64 = load<f64>(vi, 8), vzi: f64 = load<f64>(vi, 16);
      const mi: f64 = load<f64>(pm + (<usize>i << 3));
      const miv = f64x2.splat(mi);
      let j: i32 = i + 1;
      for (; j + 2 <= n; j += 2) {
        const pj = pp + <usize>j * 24;
        const a = v128.load(pj), b = v128.load(pj, 16), c = v128.load(pj, 32); // xj yj | zj xk | yk zk
        const dx = f64x2.sub(xiv, v128.shuffle<f64>(a, b, 0, 3));
        const dy = f64x2.sub(yiv, v128.shuffle<f64>(a, c, 1, 2));
        const dz = f64x2.sub(ziv, v128.shuffle<f64>(b, c, 0, 3));
        const d2 = f64x2.add(f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz)), epsv);
        const mag = f64x2.div(dtv, f64x2.mul(d2, f64x2.sqrt(d2)));
        const mj = f64x2.mul(v128.load(pm + (<usize>j << 3)), mag);
        const ex = f64x2.mul(dx, mj), ey = f64x2.mul(dy, mj), ez = f64x2.mul(dz, mj);
        vxi = vxi - f64x2.extract_lane(ex, 0) - f64x2.extract_lane(ex, 1);
        vyi = vyi - f64x2.extract_lane(ey, 0) - f64x2.extract_lane(ey, 1);
        vzi = vzi - f64x2.extract_lane(ez, 0) - f64x2.extract_lane(ez, 1);
        const mim = f64x2.mul(miv, mag);
        const gx = f64x2.mul(dx, mim), gy = f64x2.mul(dy, mim), gz = f64x2.mul(dz, mim);
        const vj = pv + <usize>j * 24;
        v128.store(vj, f64x2.add(v128.load(vj), v128.shuffle<f64>(gx, gy, 0, 2)));
        v128.store(vj, f64x2.add(v128.load(vj, 16), v128.shuffle<f64>(gz, gx, 0, 3)), 16);
        v128.store(vj, f64x2.add(v128.load(vj, 32), v128.shuffle<f64>(gy, gz, 1, 3)), 32);
      }
      for (; j < n; j++) {
        const pj = pp + <usize>j * 24;
        const dx: f64 = xi - load<f64>(pj), dy: f64 = yi - load<f64>(pj, 8), dz: f64 = zi - load<f64>(pj, 16);
        const d2: f64 = dx * dx + dy * dy + dz * dz + eps2;
        const mag: f64 = dt / (d2 * Math.sqrt(d2));
        const mj: f64 = load<f64>(pm + (<usize>j << 3)) * mag;
        vxi -= dx * mj;
        vyi -= dy * mj;
        vzi -= dz * mj;
        const mim: f64 = mi * mag;
        const vj = pv + <usize>j * 24;
        store<f64>(vj, load<f64>(vj) + dx * mim);
        store<f64>(vj, load<f64>(vj, 8) + dy * mim, 8);
        store<f64>(vj, load<f64>(vj, 16) + dz * mim, 16);
      }
      store<f64>(vi, vxi);
      store<f64>(vi, vyi, 8);
      store<f64>(vi, vzi, 16);
    }
    axpyAt(dt, pv, pp, n * 3); // pos += dt * vel
  }
}

export function nbodyEnergySimd(pos: Float64Array, vel: Float64Array, mass: Float64Array, eps2: f64): f64 {
  const n: i32 = mass.length;
  bodiesOk(pos, vel, n);
  const pp = pos.dataStart, pv = vel.dataStart, pm = mass.dataStart;
  let e: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const vi = pv + <usize>i * 24;
    const vx: f64 = load<f64>(vi), vy: f64 = load<f64>(vi, 8), vz: f64 = load<f64>(vi, 16);
    e += 0.5 * load<f64>(pm + (<usize>i << 3)) * (vx * vx + vy * vy + vz * vz);
  }
  const epsv = f64x2.splat(eps2);
  for (let i: i32 = 0; i < n; i++) {
    const pi = pp + <usize>i * 24;
    const xi: f64 = load<f64>(pi), yi: f64 = load<f64>(pi, 8), zi: f64 = load<f64>(pi, 16);
    const xiv = f64x2.splat(xi), yiv = f64x2.splat(yi), ziv = f64x2.splat(zi);
    const mi: f64 = load<f64>(pm + (<usize>i << 3));
    const miv = f64x2.splat(mi);
    let j: i32 = i + 1;
    for (; j + 2 <= n; j += 2) {
      const pj = pp + <usize>j * 24;
      const a = v128.load(pj), b = v128.load(pj, 16), c = v128.load(pj, 32);
      const dx = f64x2.sub(xiv, v128.shuffle<f64>(a, b, 0, 3));
      const dy = f64x2.sub(yiv, v128.shuffle<f64>(a, c, 1, 2));
      const dz = f64x2.sub(ziv, v128.shuffle<f64>(b, c, 0, 3));
      const d2 = f64x2.add(f64x2.add(f64x2.add(f64x2.mul(dx, dx), f64x2.mul(dy, dy)), f64x2.mul(dz, dz)), epsv);
      const t = f64x2.div(f64x2.mul(miv, v128.load(pm + (<usize>j << 3))), f64x2.sqrt(d2));
      e = e - f64x2.extract_lane(t, 0) - f64x2.extract_lane(t, 1);
    }
    for (; j < n; j++) {
      const pj = pp + <usize>j * 24;
      const dx: f64 = xi - load<f64>(pj), dy: f64 = yi - load<f64>(pj, 8), dz: f64 = zi - load<f64>(pj, 16);
      e -= (mi * load<f64>(pm + (<usize>j << 3))) / Math.sqrt(dx * dx + dy * dy + dz * dz + eps2);
    }
  }
  return e;
}
