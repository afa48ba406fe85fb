// Plain-JS reference implementations of every kernel in examples/kernels/*.kernel.ts.
//
// Same names, same parameter order and bit-identical results as the kernels
// (the exact semantics are spelled out at the top of each kernel file). They
// are written the way a JS performance expert would write them for V8:
// monomorphic typed-array loops, hoisted lengths, int32 locals kept int32 with
// `| 0`, no closures or allocation in the loops. They serve as the "JS" column
// of `npm run demo` and as the oracle for differential tests.

// ---------------------------------------------------------------- blas.kernel.ts

/** @param {Float64Array} x @param {Float64Array} y @returns {number} */
export function dot(x, y) {
  const n = x.length | 0;
  if ((y.length | 0) !== n) throw new RangeError("dot: x and y must have the same length");
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    s += x[i] * y[i];
  }
  return s;
}

/** y[i] += a * x[i]. @param {number} a @param {Float64Array} x @param {Float64Array} y */
export function axpy(a, x, y) {
  const n = x.length | 0;
  if ((y.length | 0) !== n) throw new RangeError("axpy: x and y must have the same length");
  a = +a;
  for (let i = 0; i < n; i++) {
    y[i] += a * x[i];
  }
}

/** @param {Float64Array} x @returns {number} */
export function sum(x) {
  const n = x.length | 0;
  let s = 0.0;
  for (let i = 0; i < n; i++) {
    s += x[i];
  }
  return s;
}

// --------------------------------------------------------------- align.kernel.ts

/**
 * Best local alignment score (linear gap; match, mismatch and gap are added).
 * @param {Uint8Array} a @param {Uint8Array} b
 * @param {number} match @param {number} mismatch @param {number} gap
 * @param {Int32Array} row scratch, length >= b.length + 1
 * @returns {number}
 */
export function smithWaterman(a, b, match, mismatch, gap, row) {
  const n = a.length | 0;
  const m = b.length | 0;
  if ((row.length | 0) <= m) throw new RangeError("smithWaterman: row must have length >= b.length + 1");
  match |= 0;
  mismatch |= 0;
  gap |= 0;
  for (let j = 0; j <= m; j++) row[j] = 0;
  let best = 0;
  for (let i = 1; i <= n; i++) {
    const ai = a[i - 1];
    let diag = 0;
    let left = 0;
    for (let j = 1; j <= m; j++) {
      const up = row[j];
      let h = (diag + (ai === b[j - 1] ? match : mismatch)) | 0;
      const fromUp = (up + gap) | 0;
      if (fromUp > h) h = fromUp;
      const fromLeft = (left + gap) | 0;
      if (fromLeft > h) h = fromLeft;
      if (h < 0) h = 0;
      if (h > best) best = h;
      row[j] = h;
      diag = up;
      left = h;
    }
  }
  return best;
}

/**
 * Edit distance (unit costs).
 * @param {Uint8Array} a @param {Uint8Array} b
 * @param {Int32Array} row scratch, length >= b.length + 1
 * @returns {number}
 */
export function levenshtein(a, b, row) {
  const n = a.length | 0;
  const m = b.length | 0;
  if ((row.length | 0) <= m) throw new RangeError("levenshtein: row must have length >= b.length + 1");
  for (let j = 0; j <= m; j++) row[j] = j;
  for (let i = 1; i <= n; i++) {
    const ai = a[i - 1];
    let diag = row[0];
    let left = i;
    row[0] = i;
    for (let j = 1; j <= m; j++) {
      const up = row[j];
      let d = (diag + (ai === b[j - 1] ? 0 : 1)) | 0;
      const ins = (left + 1) | 0;
      if (ins < d) d = ins;
      const del = (up + 1) | 0;
      if (del < d) d = del;
      row[j] = d;
      diag = up;
      left = d;
    }
  }
  return row[m];
}

// ---------------------------------------------------------- mandelbrot.kernel.ts

/**
 * Escape-time counts, out[py * width + px].
 * @param {Uint16Array} out @param {number} width @param {number} height
 * @param {number} x0 @param {number} y0 @param {number} dx @param {number} dy
 * @param {number} maxIter 0..65535
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

// --------------------------------------------------------------- image.kernel.ts

function checkImage(name, src, dst, width, height) {
  const size = width * height;
  if (width < 0 || height < 0 || src.length < size || dst.length < size) {
    throw new RangeError(name + ": src and dst must hold width*height bytes");
  }
}

/**
 * 3x3 mean, integer division, borders copied.
 * @param {Uint8Array} src @param {Uint8Array} dst @param {number} width @param {number} height
 */
export function boxBlur3(src, dst, width, height) {
  width |= 0;
  height |= 0;
  checkImage("boxBlur3", src, dst, width, height);
  if (width === 0 || height === 0) return;
  const last = ((height - 1) * width) | 0;
  for (let x = 0; x < width; x++) {
    dst[x] = src[x];
    dst[last + x] = src[last + x];
  }
  const yEnd = height - 1;
  const xEnd = width - 1;
  for (let y = 1; y < yEnd; y++) {
    const r = (y * width) | 0;
    dst[r] = src[r];
    dst[r + xEnd] = src[r + xEnd];
  }
  for (let y = 1; y < yEnd; y++) {
    const r1 = (y * width) | 0;
    const r0 = (r1 - width) | 0;
    const r2 = (r1 + width) | 0;
    for (let x = 1; x < xEnd; x++) {
      const s =
        src[r0 + x - 1] + src[r0 + x] + src[r0 + x + 1] +
        src[r1 + x - 1] + src[r1 + x] + src[r1 + x + 1] +
        src[r2 + x - 1] + src[r2 + x] + src[r2 + x + 1];
      dst[r1 + x] = (s / 9) | 0;
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
  checkImage("sobel", src, dst, width, height);
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
      let gx = (p02 + 2 * p12 + p22) - (p00 + 2 * p10 + p20);
      let gy = (p20 + 2 * p21 + p22) - (p00 + 2 * p01 + p02);
      if (gx < 0) gx = -gx;
      if (gy < 0) gy = -gy;
      let g = gx + gy;
      if (g > 255) g = 255;
      dst[r1 + x] = g;
    }
  }
}
