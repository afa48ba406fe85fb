// Plain-JS twins of every kernel in kernels/*.kernel.ts.
//
// Same names, same parameters, same errors and bit-identical results (the
// exact semantics are at the top of each kernel file). They are the "JS"
// column of `npm run bench` and the oracle of tests/kernels-library.test.js,
// so they are written the way a JS performance expert writes for V8:
// monomorphic typed-array loops, hoisted lengths, int32 locals kept int32
// with `| 0`, doubles kept doubles with `+`, no closures or allocation in the
// loops, the same blocking as the kernel where it pays. Where a variant was
// measurably faster in V8 (bench/README.md lists what was tried), it is the
// one here.

const fround = Math.fround;

// ------------------------------------------------------------ blas.kernel.ts

/** @param {Float64Array} x @param {Float64Array} y @returns {number} */
export function dot(x, y) {
  const n = x.length | 0;
  if ((y.length | 0) !== n) throw new RangeError("dot: x and y must have the same length");
  let s = 0.0;
  for (let i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

/** y += a * x. @param {number} a @param {Float64Array} x @param {Float64Array} y */
export function axpy(a, x, y) {
  a = +a;
  const n = x.length | 0;
  if ((y.length | 0) !== n) throw new RangeError("axpy: x and y must have the same length");
  for (let i = 0; i < n; i++) y[i] += a * x[i];
}

/** x *= a. @param {number} a @param {Float64Array} x */
export function scal(a, x) {
  a = +a;
  const n = x.length | 0;
  for (let i = 0; i < n; i++) x[i] *= a;
}

/** @param {Float64Array} x @returns {number} */
export function nrm2(x) {
  const n = x.length | 0;
  let scale = 0.0;
  let ssq = 1.0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v !== 0) {
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
  const norm = scale * Math.sqrt(ssq);
  if (norm !== norm) {
    for (let i = 0; i < n; i++) if (x[i] !== x[i]) return norm;
    return Infinity;
  }
  return norm;
}

/** @param {Float64Array} x @returns {number} */
export function sum(x) {
  const n = x.length | 0;
  let s = 0.0;
  for (let i = 0; i < n; i++) s += x[i];
  return s;
}

// ---------------------------------------------------------- reduce.kernel.ts

/** Math.min(...x), two running minima (faster in V8 too). @param {Float64Array} x @returns {number} */
export function min(x) {
  const n = x.length | 0;
  let m0 = Infinity;
  let m1 = Infinity;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    m0 = Math.min(m0, x[i]);
    m1 = Math.min(m1, x[i + 1]);
  }
  if (i < n) m0 = Math.min(m0, x[i]);
  return Math.min(m0, m1);
}

/** Math.max(...x). @param {Float64Array} x @returns {number} */
export function max(x) {
  const n = x.length | 0;
  let m0 = -Infinity;
  let m1 = -Infinity;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    m0 = Math.max(m0, x[i]);
    m1 = Math.max(m1, x[i + 1]);
  }
  if (i < n) m0 = Math.max(m0, x[i]);
  return Math.max(m0, m1);
}

/** @param {Float64Array} x @returns {number} */
export function argmin(x) {
  const n = x.length | 0;
  if (n === 0) return -1;
  let best = x[0];
  if (best !== best) return 0;
  let at = 0;
  for (let i = 1; i < n; i++) {
    const v = x[i];
    if (!(v >= best)) {
      if (v !== v) return i;
      best = v;
      at = i;
    }
  }
  return at;
}

/** @param {Float64Array} x @returns {number} */
export function argmax(x) {
  const n = x.length | 0;
  if (n === 0) return -1;
  let best = x[0];
  if (best !== best) return 0;
  let at = 0;
  for (let i = 1; i < n; i++) {
    const v = x[i];
    if (!(v <= best)) {
      if (v !== v) return i;
      best = v;
      at = i;
    }
  }
  return at;
}

/** @param {Float64Array} x @returns {number} */
export function mean(x) {
  const n = x.length | 0;
  let s = 0.0;
  for (let i = 0; i < n; i++) s += x[i];
  return s / n;
}

/** @param {Float64Array} x @param {number} ddof @returns {number} */
export function variance(x, ddof) {
  ddof |= 0;
  const n = x.length | 0;
  if (n - ddof <= 0) return NaN;
  let s = 0.0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let q = 0.0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    q += d * d;
  }
  return q / (n - ddof);
}

// ------------------------------------------------------------ scan.kernel.ts

/** @param {Float64Array} x @param {Float64Array} out */
export function prefixSum(x, out) {
  const n = x.length | 0;
  if ((out.length | 0) !== n) throw new RangeError("prefixSum: out must have the same length as x");
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    s += x[i];
    out[i] = s;
  }
}

// ------------------------------------------------------- histogram.kernel.ts

/** @param {Float64Array} x @param {number} lo @param {number} hi @param {Uint32Array} counts */
export function histogram(x, lo, hi, counts) {
  lo = +lo;
  hi = +hi;
  const bins = counts.length | 0;
  const width = hi - lo;
  if (!(width > 0) || !Number.isFinite(width) || bins < 1) {
    throw new RangeError("histogram: needs lo < hi (finite) and at least one bin");
  }
  counts.fill(0);
  const scale = bins / width;
  const last = bins - 1;
  const n = x.length | 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v >= lo) {
      if (v < hi) {
        let b = ((v - lo) * scale) | 0;
        if (b > last) b = last;
        counts[b]++;
      } else if (v === hi) {
        counts[last]++;
      }
    }
  }
}

/** @param {Uint8Array} x @param {Uint32Array} counts */
export function histogramU8(x, counts) {
  if (counts.length !== 256) throw new RangeError("histogramU8: counts must have length 256");
  counts.fill(0);
  const n = x.length | 0;
  for (let i = 0; i < n; i++) counts[x[i]]++;
}

// ---------------------------------------------------------- matmul.kernel.ts

const KB = 128;
const JB = 256;
let packBuffer = new Float64Array(0);

/**
 * C = A * B, row-major: the same blocking, packing of B and 2 x 4 register
 * tile as the kernel (in JS too the fastest variant we measured).
 * @param {Float64Array} a @param {Float64Array} b @param {Float64Array} c
 * @param {number} m @param {number} k @param {number} n
 */
export function matmul(a, b, c, m, k, n) {
  m |= 0;
  k |= 0;
  n |= 0;
  if (m < 0 || k < 0 || n < 0) throw new RangeError("matmul: dimensions must be >= 0");
  if (a.length < m * k || b.length < k * n || c.length < m * n) {
    throw new RangeError("matmul: a, b and c must hold m*k, k*n and m*n elements");
  }
  c.fill(0, 0, m * n);
  if (m === 0 || k === 0 || n === 0) return;
  const size = (KB < k ? KB : k) * ((JB < n ? JB : n) & ~3);
  if (packBuffer.length < size) packBuffer = new Float64Array(size);
  const pack = packBuffer;
  const m2 = m - (m & 1);
  for (let kk = 0; kk < k; kk += KB) {
    const kEnd = kk + KB < k ? kk + KB : k;
    const kLen = kEnd - kk;
    for (let jj = 0; jj < n; jj += JB) {
      const jEnd = jj + JB < n ? jj + JB : n;
      const j4 = jj + ((jEnd - jj) & ~3);
      let q = 0;
      for (let jt = jj; jt < j4; jt += 4) {
        let src = kk * n + jt;
        for (let p = kk; p < kEnd; p++) {
          pack[q] = b[src];
          pack[q + 1] = b[src + 1];
          pack[q + 2] = b[src + 2];
          pack[q + 3] = b[src + 3];
          q += 4;
          src += n;
        }
      }
      let i = 0;
      for (; i < m2; i += 2) {
        const a0 = i * k;
        const a1 = a0 + k;
        const c0 = i * n;
        const c1 = c0 + n;
        let j = jj;
        let strip = 0;
        for (; j < j4; j += 4) {
          let s00 = c[c0 + j], s01 = c[c0 + j + 1], s02 = c[c0 + j + 2], s03 = c[c0 + j + 3];
          let s10 = c[c1 + j], s11 = c[c1 + j + 1], s12 = c[c1 + j + 2], s13 = c[c1 + j + 3];
          let bp = strip;
          for (let p = kk; p < kEnd; p++) {
            const x0 = a[a0 + p];
            const x1 = a[a1 + p];
            const b0 = pack[bp], b1 = pack[bp + 1], b2 = pack[bp + 2], b3 = pack[bp + 3];
            s00 += x0 * b0;
            s01 += x0 * b1;
            s02 += x0 * b2;
            s03 += x0 * b3;
            s10 += x1 * b0;
            s11 += x1 * b1;
            s12 += x1 * b2;
            s13 += x1 * b3;
            bp += 4;
          }
          c[c0 + j] = s00;
          c[c0 + j + 1] = s01;
          c[c0 + j + 2] = s02;
          c[c0 + j + 3] = s03;
          c[c1 + j] = s10;
          c[c1 + j + 1] = s11;
          c[c1 + j + 2] = s12;
          c[c1 + j + 3] = s13;
          strip += kLen * 4;
        }
        for (; j < jEnd; j++) {
          let s0 = c[c0 + j];
          let s1 = c[c1 + j];
          let bp = kk * n + j;
          for (let p = kk; p < kEnd; p++) {
            const bv = b[bp];
            s0 += a[a0 + p] * bv;
            s1 += a[a1 + p] * bv;
            bp += n;
          }
          c[c0 + j] = s0;
          c[c1 + j] = s1;
        }
      }
      if (i < m) {
        const a0 = i * k;
        const c0 = i * n;
        for (let j = jj; j < jEnd; j++) {
          let s = c[c0 + j];
          let bp = kk * n + j;
          for (let p = kk; p < kEnd; p++) {
            s += a[a0 + p] * b[bp];
            bp += n;
          }
          c[c0 + j] = s;
        }
      }
    }
  }
}

// ----------------------------------------------------------- image.kernel.ts

function imageOk(srcLength, dstLength, width, height) {
  if (width < 0 || height < 0) return false;
  const size = width * height;
  return srcLength >= size && dstLength >= size;
}

function clampedPixel(src, width, xLast, yLast, weights, kw, kh, x, y) {
  const rx = kw >> 1;
  const ry = kh >> 1;
  let acc = 0;
  let w = 0;
  for (let ky = 0; ky < kh; ky++) {
    let yy = y + ky - ry;
    yy = yy < 0 ? 0 : yy > yLast ? yLast : yy;
    const row = yy * width;
    for (let kx = 0; kx < kw; kx++) {
      let xx = x + kx - rx;
      xx = xx < 0 ? 0 : xx > xLast ? xLast : xx;
      acc = fround(acc + fround(weights[w] * src[row + xx]));
      w++;
    }
  }
  return acc;
}

/**
 * 2-D correlation, replicated borders, f32 rounding.
 * @param {Float32Array} src @param {Float32Array} dst @param {number} width @param {number} height
 * @param {Float32Array} weights @param {number} kw @param {number} kh
 */
export function conv2d(src, dst, width, height, weights, kw, kh) {
  width |= 0;
  height |= 0;
  kw |= 0;
  kh |= 0;
  if (!imageOk(src.length, dst.length, width, height)) {
    throw new RangeError("conv2d: src and dst must hold width*height pixels");
  }
  if (kw < 1 || kh < 1 || (kw & 1) === 0 || (kh & 1) === 0 || weights.length < kw * kh) {
    throw new RangeError("conv2d: kw and kh must be odd and weights must hold kw*kh values");
  }
  if (width === 0 || height === 0) return;
  const rx = kw >> 1;
  const ry = kh >> 1;
  const xLast = width - 1;
  const yLast = height - 1;
  const x0 = rx < width ? rx : width;
  const x1 = width - rx > x0 ? width - rx : x0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let x = 0;
    if (y >= ry && y + ry <= yLast) {
      for (; x < x0; x++) dst[row + x] = clampedPixel(src, width, xLast, yLast, weights, kw, kh, x, y);
      const top = (y - ry) * width - rx;
      for (; x < x1; x++) {
        let acc = 0;
        let base = top + x;
        let w = 0;
        for (let ky = 0; ky < kh; ky++) {
          for (let kx = 0; kx < kw; kx++) {
            acc = fround(acc + fround(weights[w] * src[base + kx]));
            w++;
          }
          base += width;
        }
        dst[row + x] = acc;
      }
    }
    for (; x < width; x++) dst[row + x] = clampedPixel(src, width, xLast, yLast, weights, kw, kh, x, y);
  }
}

/**
 * Separable filter: horizontal pass into tmp, vertical pass into dst.
 * @param {Float32Array} src @param {Float32Array} dst @param {Float32Array} tmp
 * @param {number} width @param {number} height @param {Float32Array} weights
 */
export function blurSeparable(src, dst, tmp, width, height, weights) {
  width |= 0;
  height |= 0;
  if (!imageOk(src.length, dst.length, width, height) || !imageOk(tmp.length, tmp.length, width, height)) {
    throw new RangeError("blurSeparable: src, dst and tmp must hold width*height pixels");
  }
  const taps = weights.length | 0;
  if ((taps & 1) === 0) throw new RangeError("blurSeparable: weights must have odd length");
  if (width === 0 || height === 0) return;
  const r = taps >> 1;
  const xLast = width - 1;
  const yLast = height - 1;
  const x0 = r < width ? r : width;
  const x1 = width - r > x0 ? width - r : x0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let x = 0;
    for (; x < x0; x++) {
      let acc = 0;
      for (let t = 0; t < taps; t++) {
        let xx = x + t - r;
        xx = xx < 0 ? 0 : xx > xLast ? xLast : xx;
        acc = fround(acc + fround(weights[t] * src[row + xx]));
      }
      tmp[row + x] = acc;
    }
    for (; x < x1; x++) {
      let acc = 0;
      const base = row + x - r;
      for (let t = 0; t < taps; t++) acc = fround(acc + fround(weights[t] * src[base + t]));
      tmp[row + x] = acc;
    }
    for (; x < width; x++) {
      let acc = 0;
      for (let t = 0; t < taps; t++) {
        let xx = x + t - r;
        xx = xx < 0 ? 0 : xx > xLast ? xLast : xx;
        acc = fround(acc + fround(weights[t] * src[row + xx]));
      }
      tmp[row + x] = acc;
    }
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    dst.fill(0, row, row + width);
    for (let t = 0; t < taps; t++) {
      const wt = weights[t];
      let yy = y + t - r;
      yy = yy < 0 ? 0 : yy > yLast ? yLast : yy;
      const srow = yy * width;
      for (let x = 0; x < width; x++) dst[row + x] = fround(dst[row + x] + fround(wt * tmp[srow + x]));
    }
  }
}

/**
 * Sobel L1 gradient magnitude min(255, |gx| + |gy|), borders 0.
 * @param {Uint8Array} src @param {Uint8Array} dst @param {number} width @param {number} height
 */
export function sobel(src, dst, width, height) {
  width |= 0;
  height |= 0;
  if (!imageOk(src.length, dst.length, width, height)) {
    throw new RangeError("sobel: src and dst must hold width*height bytes");
  }
  if (width === 0 || height === 0) return;
  const last = ((height - 1) * width) | 0;
  for (let x = 0; x < width; x++) {
    dst[x] = 0;
    dst[last + x] = 0;
  }
  const yEnd = height - 1;
  const xEnd = width - 1;
  for (let y = 1; y < yEnd; y++) {
    const r = (y * width) | 0;
    dst[r] = 0;
    dst[r + xEnd] = 0;
  }
  for (let y = 1; y < yEnd; y++) {
    const r1 = (y * width) | 0;
    const r0 = (r1 - width) | 0;
    const r2 = (r1 + width) | 0;
    for (let x = 1; x < xEnd; x++) {
      const p00 = src[r0 + x - 1];
      const p01 = src[r0 + x];
      const p02 = src[r0 + x + 1];
      const p10 = src[r1 + x - 1];
      const p12 = src[r1 + x + 1];
      const p20 = src[r2 + x - 1];
      const p21 = src[r2 + x];
      const p22 = src[r2 + x + 1];
      let gx = p02 + 2 * p12 + p22 - (p00 + 2 * p10 + p20);
      let gy = p20 + 2 * p21 + p22 - (p00 + 2 * p01 + p02);
      if (gx < 0) gx = -gx;
      if (gy < 0) gy = -gy;
      let g = gx + gy;
      if (g > 255) g = 255;
      dst[r1 + x] = g;
    }
  }
}

// ----------------------------------------------------------- align.kernel.ts

// V8 compiles `if (x < d) d = x` and Math.min/Math.max on int32 to branches,
// and with random sequences those branches mispredict about as often as not
// (measured: 3x slower than the code below). So these twins compute min and
// max without branches, with the sign bit: for int32 t = x - d (no overflow,
// as all values are small), d + (t & (t >> 31)) is min(x, d). They also order
// the operations as the kernels do, so the chain from one cell to the next
// (through `left`) is short.

/**
 * Edit distance (unit costs).
 * @param {Uint8Array} a @param {Uint8Array} b @param {Int32Array} row scratch, length >= b.length + 1
 * @returns {number}
 */
export function levenshtein(a, b, row) {
  const n = a.length | 0;
  const m = b.length | 0;
  if ((row.length | 0) <= m) throw new RangeError("levenshtein: row must have length >= b.length + 1");
  for (let j = 0; j <= m; j++) row[j] = j;
  for (let i = 1; i <= n; i++) {
    const ai = a[i - 1];
    let diag = i - 1;
    let left = i;
    row[0] = i;
    for (let j = 1; j <= m; j++) {
      const up = row[j];
      const x = ai ^ b[j - 1];
      const sub = (diag + ((x | -x) >>> 31)) | 0; // diag + (ai != b[j-1])
      let t = (sub - up - 1) | 0;
      const su = (up + 1 + (t & (t >> 31))) | 0; // min(sub, up + 1)
      t = (left + 1 - su) | 0;
      const d = (su + (t & (t >> 31))) | 0; // min(left + 1, su)
      row[j] = d;
      diag = up;
      left = d;
    }
  }
  return row[m];
}

/**
 * Best local alignment score (linear gap; match, mismatch and gap are added).
 * @param {Uint8Array} a @param {Uint8Array} b
 * @param {number} match @param {number} mismatch @param {number} gap
 * @param {Int32Array} row scratch, length >= b.length + 1
 * @returns {number}
 */
export function smithWaterman(a, b, match, mismatch, gap, row) {
  match |= 0;
  mismatch |= 0;
  gap |= 0;
  const n = a.length | 0;
  const m = b.length | 0;
  if ((row.length | 0) <= m) throw new RangeError("smithWaterman: row must have length >= b.length + 1");
  const delta = (match - mismatch) | 0;
  for (let j = 0; j <= m; j++) row[j] = 0;
  let best = 0;
  for (let i = 1; i <= n; i++) {
    const ai = a[i - 1];
    let diag = 0;
    let left = 0;
    let rowBest = 0;
    for (let j = 1; j <= m; j++) {
      const up = row[j];
      const x = ai ^ b[j - 1];
      const h0 = (diag + mismatch + (delta & ~((x | -x) >> 31))) | 0; // diag + (equal ? match : mismatch)
      const ug = (up + gap) | 0;
      let t = (ug - h0) | 0;
      let y = (h0 + (t & ~(t >> 31))) | 0; // max(h0, up + gap)
      y &= ~(y >> 31); // max(y, 0)
      t = (left + gap - y) | 0;
      const h = (y + (t & ~(t >> 31))) | 0; // max(left + gap, y)
      t = (h - rowBest) | 0;
      rowBest = (rowBest + (t & ~(t >> 31))) | 0;
      row[j] = h;
      diag = up;
      left = h;
    }
    if (rowBest > best) best = rowBest;
  }
  return best;
}

// ------------------------------------------------------ mandelbrot.kernel.ts

/**
 * @param {Uint16Array} out @param {number} width @param {number} height
 * @param {number} x0 @param {number} y0 @param {number} dx @param {number} dy @param {number} maxIter
 */
export function mandelbrot(out, width, height, x0, y0, dx, dy, maxIter) {
  width |= 0;
  height |= 0;
  maxIter |= 0;
  x0 = +x0;
  y0 = +y0;
  dx = +dx;
  dy = +dy;
  if (width < 0 || height < 0 || out.length < width * height) {
    throw new RangeError("mandelbrot: out must hold width*height elements");
  }
  if (maxIter < 0 || maxIter > 65535) throw new RangeError("mandelbrot: maxIter must be in [0, 65535]");
  for (let py = 0; py < height; py++) {
    const cy = y0 + py * dy;
    const rowStart = (py * width) | 0;
    for (let px = 0; px < width; px++) {
      const cx = x0 + px * dx;
      let zx = 0.0;
      let zy = 0.0;
      let n = 0;
      while (n < maxIter) {
        const zx2 = zx * zx;
        const zy2 = zy * zy;
        if (zx2 + zy2 > 4.0) break;
        zy = 2.0 * zx * zy + cy;
        zx = zx2 - zy2 + cx;
        n++;
      }
      out[rowStart + px] = n;
    }
  }
}

// ----------------------------------------------------------- nbody.kernel.ts

function checkBodies(pos, vel, n) {
  if (pos.length < 3 * n || vel.length < 3 * n) {
    throw new RangeError("nbody: pos and vel must hold 3 * mass.length values");
  }
}

/**
 * @param {Float64Array} pos @param {Float64Array} vel @param {Float64Array} mass
 * @param {number} dt @param {number} eps2 @param {number} steps
 */
export function nbodyStep(pos, vel, mass, dt, eps2, steps) {
  dt = +dt;
  eps2 = +eps2;
  steps |= 0;
  const n = mass.length | 0;
  checkBodies(pos, vel, n);
  for (let s = 0; s < steps; s++) {
    for (let i = 0; i < n; i++) {
      const i3 = i * 3;
      const xi = pos[i3], yi = pos[i3 + 1], zi = pos[i3 + 2];
      let vxi = vel[i3], vyi = vel[i3 + 1], vzi = vel[i3 + 2];
      const mi = mass[i];
      let j3 = i3 + 3;
      for (let j = i + 1; j < n; j++) {
        const dx = xi - pos[j3];
        const dy = yi - pos[j3 + 1];
        const dz = zi - pos[j3 + 2];
        const d2 = dx * dx + dy * dy + dz * dz + eps2;
        const mag = dt / (d2 * Math.sqrt(d2));
        const mj = mass[j] * mag;
        vxi -= dx * mj;
        vyi -= dy * mj;
        vzi -= dz * mj;
        const mim = mi * mag;
        vel[j3] += dx * mim;
        vel[j3 + 1] += dy * mim;
        vel[j3 + 2] += dz * mim;
        j3 += 3;
      }
      vel[i3] = vxi;
      vel[i3 + 1] = vyi;
      vel[i3 + 2] = vzi;
    }
    const n3 = n * 3;
    for (let k = 0; k < n3; k++) pos[k] += dt * vel[k];
  }
}

/**
 * @param {Float64Array} pos @param {Float64Array} vel @param {Float64Array} mass @param {number} eps2
 * @returns {number}
 */
export function nbodyEnergy(pos, vel, mass, eps2) {
  eps2 = +eps2;
  const n = mass.length | 0;
  checkBodies(pos, vel, n);
  let e = 0.0;
  for (let i = 0; i < n; i++) {
    const i3 = i * 3;
    const vx = vel[i3], vy = vel[i3 + 1], vz = vel[i3 + 2];
    e += 0.5 * mass[i] * (vx * vx + vy * vy + vz * vz);
  }
  for (let i = 0; i < n; i++) {
    const i3 = i * 3;
    const mi = mass[i];
    for (let j = i + 1; j < n; j++) {
      const j3 = j * 3;
      const dx = pos[i3] - pos[j3];
      const dy = pos[i3 + 1] - pos[j3 + 1];
      const dz = pos[i3 + 2] - pos[j3 + 2];
      e -= (mi * mass[j]) / Math.sqrt(dx * dx + dy * dy + dz * dz + eps2);
    }
  }
  return e;
}

// ------------------------------------------------------- simd/simd.kernel.ts
// axpySimd and sobelSimd compute exactly what axpy and sobel do; dotSimd and
// sumSimd keep the kernel's eight partial sums (lane j takes i % 8 == j) and
// combine them in its order, so they match it bit for bit.

/** @param {Float64Array} x @param {Float64Array} y @returns {number} */
export function dotSimd(x, y) {
  const n = x.length | 0;
  if ((y.length | 0) !== n) throw new RangeError("dot: x and y must have the same length");
  let p0 = 0.0, p1 = 0.0, p2 = 0.0, p3 = 0.0, p4 = 0.0, p5 = 0.0, p6 = 0.0, p7 = 0.0;
  const n8 = n & ~7;
  let i = 0;
  for (; i < n8; i += 8) {
    p0 += x[i] * y[i]; p1 += x[i + 1] * y[i + 1]; p2 += x[i + 2] * y[i + 2]; p3 += x[i + 3] * y[i + 3];
    p4 += x[i + 4] * y[i + 4]; p5 += x[i + 5] * y[i + 5]; p6 += x[i + 6] * y[i + 6]; p7 += x[i + 7] * y[i + 7];
  }
  let r = ((p0 + p2) + (p4 + p6)) + ((p1 + p3) + (p5 + p7));
  for (; i < n; i++) r += x[i] * y[i];
  return r;
}

/** @param {number} a @param {Float64Array} x @param {Float64Array} y */
export function axpySimd(a, x, y) {
  axpy(a, x, y);
}

/** @param {Float64Array} x @returns {number} */
export function sumSimd(x) {
  const n = x.length | 0;
  let p0 = 0.0, p1 = 0.0, p2 = 0.0, p3 = 0.0, p4 = 0.0, p5 = 0.0, p6 = 0.0, p7 = 0.0;
  const n8 = n & ~7;
  let i = 0;
  for (; i < n8; i += 8) {
    p0 += x[i]; p1 += x[i + 1]; p2 += x[i + 2]; p3 += x[i + 3];
    p4 += x[i + 4]; p5 += x[i + 5]; p6 += x[i + 6]; p7 += x[i + 7];
  }
  let r = ((p0 + p2) + (p4 + p6)) + ((p1 + p3) + (p5 + p7));
  for (; i < n; i++) r += x[i];
  return r;
}

/** @param {Uint8Array} src @param {Uint8Array} dst @param {number} width @param {number} height */
export function sobelSimd(src, dst, width, height) {
  sobel(src, dst, width, height);
}

// The other SIMD kernels of simd/simd.kernel.ts equal their scalar kernel bit
// for bit (lanes are independent outputs, each in the scalar order), so their
// twins are the scalar twins.
export const scalSimd = scal;
export const minSimd = min;
export const matmulSimd = matmul;
export const conv2dSimd = conv2d;
export const blurSeparableSimd = blurSeparable;
export const mandelbrotSimd = mandelbrot;
export const levenshteinSimd = levenshtein;
export const smithWatermanSimd = smithWaterman;
export const nbodyStepSimd = nbodyStep;
export const nbodyEnergySimd = nbodyEnergy;
