// Step 6: a kernel the worker pool can split. `start, end` first: the pool
// hands each worker chunks of rows [start, end); every worker writes its own
// rows of `out`, in memory shared by all of them. No allocation inside.
// @tskern parallel
export function mandelbrotRows(start: i32, end: i32, width: i32, height: i32, maxIter: i32, out: Int32Array): void {
  for (let y = start; y < end; y++) {
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
