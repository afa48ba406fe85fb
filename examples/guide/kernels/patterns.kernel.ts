// Step 5: slow patterns next to their rewrites. `tskern annotate` flags the
// slow ones (see the step's output); the guide times each pair.

// Gather: out[i] = x[idx[i]]. `i` is proved in range by the loop bound, but
// `idx[i]` is data: every x[...] keeps one bounds check...
export function gather(x: Float64Array, idx: Int32Array, out: Float64Array): void {
  for (let i = 0; i < idx.length; i++) out[i] = x[idx[i]];
}

// ...unless the directive drops it. A bad index then reads whatever memory is
// there instead of throwing: use it only for code whose indices you trust.
// @tskern boundscheck=false
export function gatherUnchecked(x: Float64Array, idx: Int32Array, out: Float64Array): void {
  for (let i = 0; i < idx.length; i++) out[i] = x[idx[i]];
}

// Escape-time loop with `&&` in the loop condition (slow pattern)...
export function escapeAnd(width: i32, height: i32, maxIter: i32, out: Int32Array): void {
  for (let y = 0; y < height; y++) {
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

// ...and rewritten: the counter bound in the header, `break` for the other
// exit, and the squares computed once.
export function escapeBreak(width: i32, height: i32, maxIter: i32, out: Int32Array): void {
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

// Edit distance that allocates a fresh row for every row of the table (slow
// pattern: an allocator call per row, and memory reclaimed only after the
// kernel returns). levenshtein.kernel.ts takes the row from the caller.
export function levenshteinAlloc(a: Uint8Array, b: Uint8Array): i32 {
  const n = b.length;
  let prev = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const cur = new Int32Array(n + 1);
    cur[0] = i;
    const ca = a[i - 1];
    for (let j = 1; j <= n; j++) {
      cur[j] = min(min(prev[j], cur[j - 1]) + 1, prev[j - 1] + i32(ca != b[j - 1]));
    }
    prev = cur;
  }
  return prev[n];
}

// Edit distance with `if`s choosing the minimum: on random text the branches
// are unpredictable, and every mispredicted one costs a pipeline flush.
// levenshtein.kernel.ts uses min(), which compiles to a branch-free select.
export function levenshteinBranchy(a: Uint8Array, b: Uint8Array, row: Int32Array): i32 {
  const n = b.length;
  for (let j = 0; j <= n; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ca = a[i - 1];
    let diag = row[0];
    let left = i;
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const up = row[j];
      let d = diag + (ca == b[j - 1] ? 0 : 1);
      if (up + 1 < d) d = up + 1;
      if (left + 1 < d) d = left + 1;
      row[j] = d;
      diag = up;
      left = d;
    }
  }
  return row[n];
}
