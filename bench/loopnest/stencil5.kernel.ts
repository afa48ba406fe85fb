// One Jacobi step of the 5-point Laplace stencil on a w x h grid (row-major):
// every interior point of dst becomes the mean of its four neighbours in src.
// The border of dst is left as it is.
export function jacobi5(src: Float64Array, dst: Float64Array, w: i32, h: i32): void {
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      dst[y * w + x] = 0.25 * (src[(y - 1) * w + x] + src[(y + 1) * w + x] + src[y * w + x - 1] + src[y * w + x + 1]);
    }
  }
}
