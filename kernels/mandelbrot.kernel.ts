// Escape-time Mandelbrot set: pure f64 arithmetic, no memory traffic in the
// inner loop.
//
// Exact semantics (kernels/reference.js implements the same):
// for pixel (px, py), 0 <= px < width, 0 <= py < height:
//   cx = x0 + px * dx, cy = y0 + py * dy, zx = zy = 0, n = 0
//   while n < maxIter: zx2 = zx*zx, zy2 = zy*zy
//     if zx2 + zy2 > 4: stop
//     zy = (2*zx)*zy + cy, zx = zx2 - zy2 + cx, n++
//   out[py * width + px] = n
// out must hold width*height counts and 0 <= maxIter <= 65535, else
// RangeError.

/** Escape counts of the width x height grid starting at (x0, y0) with steps (dx, dy). */
export function mandelbrot(out: Uint16Array, width: i32, height: i32, x0: f64, y0: f64, dx: f64, dy: f64, maxIter: i32): void {
  if (width < 0 || height < 0 || f64(out.length) < f64(width) * f64(height)) {
    throw new RangeError("mandelbrot: out must hold width*height elements");
  }
  if (maxIter < 0 || maxIter > 65535) throw new RangeError("mandelbrot: maxIter must be in [0, 65535]");
  for (let py: i32 = 0; py < height; py++) {
    const cy: f64 = y0 + f64(py) * dy;
    const rowStart: i32 = py * width;
    for (let px: i32 = 0; px < width; px++) {
      const cx: f64 = x0 + f64(px) * dx;
      let zx: f64 = 0;
      let zy: f64 = 0;
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
