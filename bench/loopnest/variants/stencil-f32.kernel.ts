// Variant: 5-point average on f32 with the row offsets hoisted by hand.
export function stencilF32(inp: Float32Array, out: Float32Array, w: i32, h: i32): void {
  for (let y = 1; y < h - 1; y++) {
    const up = (y - 1) * w, mid = y * w, dn = (y + 1) * w;
    for (let x = 1; x < w - 1; x++) {
      out[mid + x] = <f32>0.2 * (inp[mid + x] + inp[up + x] + inp[dn + x] + inp[mid + x - 1] + inp[mid + x + 1]);
    }
  }
}
