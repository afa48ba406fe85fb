// 3x3 stencils on 8-bit grayscale images stored row-major (index y*width + x),
// integer arithmetic only.
//
// Exact semantics (examples/kernels/reference.js implements the same):
// src and dst must each hold width*height bytes, else RangeError; they must
// not overlap. Pixel p(x, y) = src[y*width + x].
// boxBlur3: border pixels (x == 0, y == 0, x == width-1, y == height-1) are
//   copied; interior dst = floor(sum of the 3x3 neighbourhood / 9),
//   i.e. ((sum / 9) | 0) in JS.
// sobel: border pixels are 0; interior dst = min(255, |gx| + |gy|) with
//   gx = (p(x+1,y-1) + 2 p(x+1,y) + p(x+1,y+1)) - (p(x-1,y-1) + 2 p(x-1,y) + p(x-1,y+1))
//   gy = (p(x-1,y+1) + 2 p(x,y+1) + p(x+1,y+1)) - (p(x-1,y-1) + 2 p(x,y-1) + p(x+1,y-1))
//   (L1 gradient magnitude).
// Note: pixels are read into i32 locals (or cast with <i32>) before adding;
// in AssemblyScript the sum of two u8 values is a u8 and would wrap.

export function boxBlur3(src: Uint8Array, dst: Uint8Array, width: i32, height: i32): void {
  if (width < 0 || height < 0 || src.length < width * height || dst.length < width * height) {
    throw new RangeError("boxBlur3: src and dst must hold width*height bytes");
  }
  if (width == 0 || height == 0) return;
  const last: i32 = (height - 1) * width;
  for (let x: i32 = 0; x < width; x++) {
    dst[x] = src[x];
    dst[last + x] = src[last + x];
  }
  for (let y: i32 = 1; y < height - 1; y++) {
    const r: i32 = y * width;
    dst[r] = src[r];
    dst[r + width - 1] = src[r + width - 1];
  }
  for (let y: i32 = 1; y < height - 1; y++) {
    const r1: i32 = y * width;
    const r0: i32 = r1 - width;
    const r2: i32 = r1 + width;
    for (let x: i32 = 1; x < width - 1; x++) {
      const s: i32 =
        <i32>src[r0 + x - 1] + <i32>src[r0 + x] + <i32>src[r0 + x + 1] +
        <i32>src[r1 + x - 1] + <i32>src[r1 + x] + <i32>src[r1 + x + 1] +
        <i32>src[r2 + x - 1] + <i32>src[r2 + x] + <i32>src[r2 + x + 1];
      dst[r1 + x] = <u8>(s / 9);
    }
  }
}

export function sobel(src: Uint8Array, dst: Uint8Array, width: i32, height: i32): void {
  if (width < 0 || height < 0 || src.length < width * height || dst.length < width * height) {
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
      let gx: i32 = (p02 + 2 * p12 + p22) - (p00 + 2 * p10 + p20);
      let gy: i32 = (p20 + 2 * p21 + p22) - (p00 + 2 * p01 + p02);
      if (gx < 0) gx = -gx;
      if (gy < 0) gy = -gy;
      let g: i32 = gx + gy;
      if (g > 255) g = 255;
      dst[r1 + x] = <u8>g;
    }
  }
}
