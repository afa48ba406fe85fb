// Sequence alignment by dynamic programming over byte strings: O(n*m) time,
// O(m) memory. The caller passes one scratch row (Int32Array of length at
// least b.length + 1) so the kernels never allocate; its previous contents
// are ignored and overwritten.
//
// Exact semantics (kernels/reference.js implements the same):
// - levenshtein(a, b, row): edit distance, each insertion, deletion and
//   substitution costing 1.
// - smithWaterman(a, b, match, mismatch, gap, row): best local alignment
//   score with a linear gap model; all three scores are ADDED (typically
//   match > 0, mismatch < 0, gap < 0, e.g. 2, -1, -2):
//     H[i][0] = H[0][j] = 0
//     H[i][j] = max(0, H[i-1][j-1] + (a[i-1] == b[j-1] ? match : mismatch),
//                      H[i-1][j] + gap, H[i][j-1] + gap)
//   returns the maximum over all H[i][j] (0 for empty inputs).
// Intermediate values must fit in i32. RangeError if row is too short.
//
// The inner loops use min/max (wasm `select`, a conditional move) rather than
// `if`: with random sequences the comparisons are unpredictable, and a
// mispredicted branch costs more than the whole cell. `left` (the cell just
// computed) enters last, so the chain from one cell to the next is one add
// and one select.

/** Edit distance between byte strings a and b; row: scratch of length >= b.length + 1. */
export function levenshtein(a: Uint8Array, b: Uint8Array, row: Int32Array): i32 {
  const n: i32 = a.length;
  const m: i32 = b.length;
  if (row.length <= m) throw new RangeError("levenshtein: row must have length >= b.length + 1");
  for (let j: i32 = 0; j <= m; j++) {
    row[j] = j;
  }
  for (let i: i32 = 1; i <= n; i++) {
    const ai: i32 = a[i - 1];
    let diag: i32 = i - 1; // D[i-1][j-1]
    let left: i32 = i; // D[i][j-1]
    row[0] = i;
    for (let j: i32 = 1; j <= m; j++) {
      const up: i32 = row[j]; // D[i-1][j]
      const sub: i32 = diag + select<i32>(0, 1, ai == <i32>b[j - 1]);
      const d: i32 = min(left + 1, min(sub, up + 1));
      row[j] = d;
      diag = up;
      left = d;
    }
  }
  return row[m];
}

/** Smith-Waterman local alignment score (linear gap); row: scratch of length >= b.length + 1. */
export function smithWaterman(a: Uint8Array, b: Uint8Array, match: i32, mismatch: i32, gap: i32, row: Int32Array): i32 {
  const n: i32 = a.length;
  const m: i32 = b.length;
  if (row.length <= m) throw new RangeError("smithWaterman: row must have length >= b.length + 1");
  for (let j: i32 = 0; j <= m; j++) {
    row[j] = 0;
  }
  let best: i32 = 0;
  for (let i: i32 = 1; i <= n; i++) {
    const ai: i32 = a[i - 1];
    let diag: i32 = 0; // H[i-1][j-1]
    let left: i32 = 0; // H[i][j-1]
    let rowBest: i32 = 0;
    for (let j: i32 = 1; j <= m; j++) {
      const up: i32 = row[j]; // H[i-1][j]
      const h0: i32 = diag + select<i32>(match, mismatch, ai == <i32>b[j - 1]);
      const h: i32 = max(left + gap, max(max(h0, up + gap), 0));
      rowBest = max(rowBest, h);
      row[j] = h;
      diag = up;
      left = h;
    }
    best = max(best, rowBest);
  }
  return best;
}
