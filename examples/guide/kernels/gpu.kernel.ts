// Step 7: GPU kernels. Written per index: the first parameter `i` is the
// element this invocation computes; `kernel.gpu(n, ...)` runs i = 0..n-1 on
// the GPU (WebGPU), `kernel.cpu(n, ...)` as a wasm loop. f32/i32/u32 only.
// Built on its own (not with the other guide kernels): a tskern without GPU
// support rejects the `gpu` directive.

// Little work per byte moved: 2 flops for 12 bytes read and written.
// @tskern gpu
export function saxpy(i: i32, a: f32, x: Float32Array, y: Float32Array): void {
  y[i] = a * x[i] + y[i];
}

// Much work per byte: up to maxIter iterations for 4 bytes written.
// The plane is x0 + col * dx, y0 + row * dy (no division: exact in f32).
// @tskern gpu
export function mandelbrotPixel(i: i32, width: i32, maxIter: i32, x0: f32, y0: f32, dx: f32, dy: f32, out: Int32Array): void {
  const cx: f32 = x0 + f32(i % width) * dx;
  const cy: f32 = y0 + f32(i / width) * dy;
  let zx: f32 = 0;
  let zy: f32 = 0;
  let k = 0;
  while (k < maxIter) {
    const xx = zx * zx;
    const yy = zy * zy;
    if (xx + yy > 4.0) break;
    const t = xx - yy + cx;
    zy = 2.0 * zx * zy + cy;
    zx = t;
    k++;
  }
  out[i] = k;
}
