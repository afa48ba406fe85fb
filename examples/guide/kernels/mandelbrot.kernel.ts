// Steps 3-4: escape-time fractal. For each pixel, iterate z = z^2 + c until
// |z| > 2 or maxIter: the number of iterations depends on the pixel, so a
// per-pixel loop stops early where whole-array code cannot.
export function mandelbrot(width: i32, height: i32, maxIter: i32, out: Int32Array): void {
  for (let y = 0; y < height; y++) {
    const ci = (<f64>y / <f64>height) * 2.4 - 1.2;
    for (let x = 0; x < width; x++) {
      const cr = (<f64>x / <f64>width) * 3.5 - 2.5;
      let zr = 0.0, zi = 0.0;
      let i = 0;
      while (i < maxIter) {
        const zr2 = zr * zr, zi2 = zi * zi;
        if (zr2 + zi2 > 4.0) break;
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        i++;
      }
      out[y * width + x] = i;
    }
  }
}
