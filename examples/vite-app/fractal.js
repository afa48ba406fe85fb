// The kernels of kernels/fractal.kernel.ts as plain JavaScript: the baseline
// of the timing readout, and the check that both give identical pixels.

export function mandelbrot(out, width, height, x0, y0, dx, dy, maxIter) {
  for (let py = 0; py < height; py++) {
    const cy = y0 + py * dy;
    const rowStart = py * width;
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

export function colorize(counts, rgba, maxIter) {
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i];
    const o = i * 4;
    if (n >= maxIter) {
      rgba[o] = 0;
      rgba[o + 1] = 0;
      rgba[o + 2] = 0;
    } else {
      const t = (n * 6) & 255;
      rgba[o] = Math.min(255, t * 4);
      rgba[o + 1] = Math.min(255, t * 2);
      rgba[o + 2] = 255 - t;
    }
    rgba[o + 3] = 255;
  }
}
