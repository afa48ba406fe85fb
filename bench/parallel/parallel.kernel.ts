// Kernels of bench/parallel.js: `kernel.parallel(total, ...)` on the worker
// pool against the same kernel called serially.

// Mandelbrot: rows [start, end) of a width x height image, escape counts.
// Rows near the set's middle take far longer than the edges: uneven work.
// @tskern parallel
export function mandelbrot(start: i32, end: i32, width: i32, height: i32, maxIter: i32, out: Int32Array): void {
  for (let y = start; y < end; y++) {
    const ci = (<f64>y / <f64>height) * 2.4 - 1.2;
    for (let x = 0; x < width; x++) {
      const cr = (<f64>x / <f64>width) * 3.5 - 2.5;
      let zr = 0.0, zi = 0.0;
      let i = 0;
      while (i < maxIter && zr * zr + zi * zi <= 4.0) {
        const t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        i++;
      }
      out[y * width + x] = i;
    }
  }
}

// Smith-Waterman local alignment scores, row blocks: one query against
// database sequences [start, end); sequence i is db[offsets[i] .. offsets[i+1]).
// `rows` holds one DP row of (query length + 1) per sequence (no allocation
// inside a parallel kernel).
// @tskern parallel
export function smithWaterman(start: i32, end: i32, query: Uint8Array, db: Uint8Array, offsets: Int32Array,
                              rows: Int32Array, scores: Int32Array, matchScore: i32, mismatch: i32, gap: i32): void {
  const m = query.length;
  for (let s = start; s < end; s++) {
    const base = s * (m + 1);
    for (let j = 0; j <= m; j++) rows[base + j] = 0;
    let best = 0;
    const from = offsets[s], to = offsets[s + 1];
    for (let k = from; k < to; k++) {
      const c = db[k];
      let diag = 0;
      let left = 0;
      for (let j = 1; j <= m; j++) {
        const up = rows[base + j];
        let h = diag + (query[j - 1] == c ? matchScore : mismatch);
        const g1 = up - gap;
        const g2 = left - gap;
        if (g1 > h) h = g1;
        if (g2 > h) h = g2;
        if (h < 0) h = 0;
        if (h > best) best = h;
        diag = up;
        rows[base + j] = h;
        left = h;
      }
    }
    scores[s] = best;
  }
}
