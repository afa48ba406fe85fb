// Image filters on row-major images (pixel (x, y) at index y * width + x).
//
// Exact semantics (kernels/reference.js implements the same, bit for bit):
// - conv2d(src, dst, width, height, weights, kw, kh): 2-D correlation (the
//   kernel is not flipped, as OpenCV filter2D) with a kw x kh window (odd
//   sizes) of weights[ky * kw + kx], borders replicated (coordinates clamped
//   to the image):
//     dst(x, y) = sum over ky = 0..kh-1, then kx = 0..kw-1, of
//                 weights[ky * kw + kx] * src(clamp(x + kx - kw/2), clamp(y + ky - kh/2))
//   in single precision: the sum starts at +0 and each product and each
//   partial sum is rounded to f32, in exactly that order.
// - blurSeparable(src, dst, tmp, width, height, weights): the separable
//   filter with the 1-D window `weights` (odd length r2 + 1, centre r = r2/2):
//   a horizontal pass into tmp, tmp(x, y) = sum over t of
//   weights[t] * src(clamp(x + t - r), y), then a vertical pass,
//   dst(x, y) = sum over t of weights[t] * tmp(x, clamp(y + t - r)); same f32
//   rounding and order as conv2d. A normalised Gaussian window gives a
//   Gaussian blur.
// - sobel(src, dst, width, height) on 8-bit images: border pixels are 0;
//   interior dst = min(255, |gx| + |gy|), with
//   gx = (p(x+1,y-1) + 2 p(x+1,y) + p(x+1,y+1)) - (p(x-1,y-1) + 2 p(x-1,y) + p(x-1,y+1))
//   gy = (p(x-1,y+1) + 2 p(x,y+1) + p(x+1,y+1)) - (p(x-1,y-1) + 2 p(x,y-1) + p(x+1,y-1)).
// src, dst (and tmp) must each hold width * height pixels and must not
// overlap, else RangeError (checked: sizes, not overlap).

function checkImage(srcLength: i32, dstLength: i32, width: i32, height: i32): bool {
  if (width < 0 || height < 0) return false;
  const size: f64 = f64(width) * f64(height);
  return f64(srcLength) >= size && f64(dstLength) >= size;
}

function clampTo(v: i32, hi: i32): i32 {
  if (v < 0) return 0;
  if (v > hi) return hi;
  return v;
}

/** 2-D correlation with replicated borders, f32; kw and kh odd. */
export function conv2d(src: Float32Array, dst: Float32Array, width: i32, height: i32, weights: Float32Array, kw: i32, kh: i32): void {
  if (!checkImage(src.length, dst.length, width, height)) {
    throw new RangeError("conv2d: src and dst must hold width*height pixels");
  }
  if (kw < 1 || kh < 1 || (kw & 1) == 0 || (kh & 1) == 0 || f64(weights.length) < f64(kw) * f64(kh)) {
    throw new RangeError("conv2d: kw and kh must be odd and weights must hold kw*kh values");
  }
  if (width == 0 || height == 0) return;
  const rx: i32 = kw >> 1;
  const ry: i32 = kh >> 1;
  const xLast: i32 = width - 1;
  const yLast: i32 = height - 1;
  // Interior columns [x0, x1) need no clamping.
  const x0: i32 = rx < width ? rx : width;
  const x1: i32 = width - rx > x0 ? width - rx : x0;
  for (let y: i32 = 0; y < height; y++) {
    const row: i32 = y * width;
    const inside: bool = y >= ry && y + ry <= yLast;
    let x: i32 = 0;
    if (inside) {
      for (; x < x0; x++) {
        dst[row + x] = clampedPixel(src, width, xLast, yLast, weights, kw, kh, x, y);
      }
      const top: i32 = (y - ry) * width - rx;
      for (; x < x1; x++) {
        let acc: f32 = 0;
        let base: i32 = top + x;
        let w: i32 = 0;
        for (let ky: i32 = 0; ky < kh; ky++) {
          for (let kx: i32 = 0; kx < kw; kx++) {
            acc = f32(acc + f32(weights[w] * src[base + kx]));
            w++;
          }
          base += width;
        }
        dst[row + x] = acc;
      }
    }
    for (; x < width; x++) {
      dst[row + x] = clampedPixel(src, width, xLast, yLast, weights, kw, kh, x, y);
    }
  }
}

function clampedPixel(src: Float32Array, width: i32, xLast: i32, yLast: i32, weights: Float32Array, kw: i32, kh: i32, x: i32, y: i32): f32 {
  const rx: i32 = kw >> 1;
  const ry: i32 = kh >> 1;
  let acc: f32 = 0;
  let w: i32 = 0;
  for (let ky: i32 = 0; ky < kh; ky++) {
    const row: i32 = clampTo(y + ky - ry, yLast) * width;
    for (let kx: i32 = 0; kx < kw; kx++) {
      acc = f32(acc + f32(weights[w] * src[row + clampTo(x + kx - rx, xLast)]));
      w++;
    }
  }
  return acc;
}

/** Separable filter (horizontal pass into tmp, vertical into dst), f32, replicated borders. */
export function blurSeparable(src: Float32Array, dst: Float32Array, tmp: Float32Array, width: i32, height: i32, weights: Float32Array): void {
  if (!checkImage(src.length, dst.length, width, height) || !checkImage(tmp.length, tmp.length, width, height)) {
    throw new RangeError("blurSeparable: src, dst and tmp must hold width*height pixels");
  }
  const taps: i32 = weights.length;
  if ((taps & 1) == 0) throw new RangeError("blurSeparable: weights must have odd length");
  if (width == 0 || height == 0) return;
  const r: i32 = taps >> 1;
  const xLast: i32 = width - 1;
  const yLast: i32 = height - 1;
  const x0: i32 = r < width ? r : width;
  const x1: i32 = width - r > x0 ? width - r : x0;
  // Horizontal pass: src -> tmp.
  for (let y: i32 = 0; y < height; y++) {
    const row: i32 = y * width;
    let x: i32 = 0;
    for (; x < x0; x++) {
      let acc: f32 = 0;
      for (let t: i32 = 0; t < taps; t++) {
        acc = f32(acc + f32(weights[t] * src[row + clampTo(x + t - r, xLast)]));
      }
      tmp[row + x] = acc;
    }
    for (; x < x1; x++) {
      let acc: f32 = 0;
      const base: i32 = row + x - r;
      for (let t: i32 = 0; t < taps; t++) {
        acc = f32(acc + f32(weights[t] * src[base + t]));
      }
      tmp[row + x] = acc;
    }
    for (; x < width; x++) {
      let acc: f32 = 0;
      for (let t: i32 = 0; t < taps; t++) {
        acc = f32(acc + f32(weights[t] * src[row + clampTo(x + t - r, xLast)]));
      }
      tmp[row + x] = acc;
    }
  }
  // Vertical pass: tmp -> dst, one tap at a time over whole rows.
  for (let y: i32 = 0; y < height; y++) {
    const row: i32 = y * width;
    dst.fill(0, row, row + width);
    for (let t: i32 = 0; t < taps; t++) {
      const wt: f32 = weights[t];
      const srow: i32 = clampTo(y + t - r, yLast) * width;
      for (let x: i32 = 0; x < width; x++) {
        dst[row + x] = f32(dst[row + x] + f32(wt * tmp[srow + x]));
      }
    }
  }
}

/** Sobel L1 gradient magnitude of an 8-bit image, clamped to 255; borders 0. */
export function sobel(src: Uint8Array, dst: Uint8Array, width: i32, height: i32): void {
  if (!checkImage(src.length, dst.length, width, height)) {
    throw new RangeError("sobel: src and dst must hold width*height bytes");
  }
  if (width == 0 || height == 0) return;
  const last: i32 = (height - 1) * width;
  for (let x: i32 = 0; x < width; x++) {
    dst[x] = 0;
    dst[last + x] = 0;
  }
  for (let y: i32 = 1; y < height - 1; y++) {
    const r: i32 = y * width;
    dst[r] = 0;
    dst[r + width - 1] = 0;
  }
  for (let y: i32 = 1; y < height - 1; y++) {
    const r1: i32 = y * width;
    const r0: i32 = r1 - width;
    const r2: i32 = r1 + width;
    for (let x: i32 = 1; x < width - 1; x++) {
      const p00: i32 = src[r0 + x - 1];
      const p01: i32 = src[r0 + x];
      const p02: i32 = src[r0 + x + 1];
      const p10: i32 = src[r1 + x - 1];
      const p12: i32 = src[r1 + x + 1];
      const p20: i32 = src[r2 + x - 1];
      const p21: i32 = src[r2 + x];
      const p22: i32 = src[r2 + x + 1];
      let gx: i32 = p02 + 2 * p12 + p22 - (p00 + 2 * p10 + p20);
      let gy: i32 = p20 + 2 * p21 + p22 - (p00 + 2 * p01 + p02);
      if (gx < 0) gx = -gx;
      if (gy < 0) gy = -gy;
      let g: i32 = gx + gy;
      if (g > 255) g = 255;
      dst[r1 + x] = <u8>g;
    }
  }
}
