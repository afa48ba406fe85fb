// Kernels of the Vite example: an escape-time Mandelbrot and its colouring.
// fractal.js holds the same functions in plain JavaScript (bit-identical results).

// Escape-time counts: out[py * width + px] = iterations before |z| > 2 (at most maxIter).
export function mandelbrot(out: Uint16Array, width: i32, height: i32, x0: f64, y0: f64, dx: f64, dy: f64, maxIter: i32): void {
  if (width < 0 || height < 0 || out.length < width * height) {
    throw new RangeError("mandelbrot: out must hold width*height elements");
  }
  if (maxIter < 0 || maxIter > 65535) throw new RangeError("mandelbrot: maxIter must be in [0, 65535]");
  for (let py: i32 = 0; py < height; py++) {
    const cy: f64 = y0 + f64(py) * dy;
    const rowStart: i32 = py * width;
    for (let px: i32 = 0; px < width; px++) {
      const cx: f64 = x0 + f64(px) * dx;
      let zx: f64 = 0.0;
      let zy: f64 = 0.0;
      let n: i32 = 0;
      while (n < maxIter) {
        const zx2: f64 = zx * zx;
        const zy2: f64 = zy * zy;
        if (zx2 + zy2 > 4.0) break;
        zy = 2.0 * zx * zy + cy;
        zx = zx2 - zy2 + cx;
        n++;
      }
      out[rowStart + px] = <u16>n;
    }
  }
}

// RGBA pixels from counts: black inside the set, repeating blue-to-gold bands outside.
export function colorize(counts: Uint16Array, rgba: Uint8ClampedArray, maxIter: i32): void {
  if (rgba.length < counts.length * 4) throw new RangeError("colorize: rgba must hold 4 bytes per count");
  for (let i: i32 = 0; i < counts.length; i++) {
    const n: i32 = counts[i];
    const o: i32 = i * 4;
    if (n >= maxIter) {
      rgba[o] = 0;
      rgba[o + 1] = 0;
      rgba[o + 2] = 0;
    } else {
      const t: i32 = (n * 6) & 255;
      rgba[o] = <u8>min<i32>(255, t * 4);
      rgba[o + 1] = <u8>min<i32>(255, t * 2);
      rgba[o + 2] = <u8>(255 - t);
    }
    rgba[o + 3] = 255;
  }
}
