// Sequence alignment by dynamic programming over byte strings, O(n*m) time,
// O(m) memory: the caller passes one scratch row (Int32Array of length at
// least b.length + 1) so the kernels never allocate. The row's previous
// contents are ignored and overwritten.
//
// Exact semantics (examples/kernels/reference.js implements the same):
// smithWaterman: best local alignment score with a linear gap model. All three
//   scores are ADDED: typically match > 0, mismatch < 0, gap < 0 (e.g. 2, -1, -2).
//     H[i][0] = H[0][j] = 0
//     H[i][j] = max(0, H[i-1][j-1] + (a[i-1] == b[j-1] ? match : mismatch),
//                      H[i-1][j] + gap, H[i][j-1] + gap)
//   returns max over all H[i][j] (0 for empty inputs).
// levenshtein: edit distance (insert, delete, substitute, each cost 1).
// Intermediate values must fit in i32 (always true for sane scores and lengths
// below ~10^8).

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
    for (let j: i32 = 1; j <= m; j++) {
      const up: i32 = row[j]; // H[i-1][j]
      let h: i32 = diag + (ai == b[j - 1] ? match : mismatch);
      const fromUp: i32 = up + gap;
      if (fromUp > h) h = fromUp;
      const fromLeft: i32 = left + gap;
      if (fromLeft > h) h = fromLeft;
      if (h < 0) h = 0;
      if (h > best) best = h;
      row[j] = h;
      diag = up;
      left = h;
    }
  }
  return best;
}

export function levenshtein(a: Uint8Array, b: Uint8Array, row: Int32Array): i32 {
  const n: i32 = a.length;
  const m: i32 = b.length;
  if (row.length <= m) throw new RangeError("levenshtein: row must have length >= b.length + 1");
  for (let j: i32 = 0; j <= m; j++) {
    row[j] = j;
  }
  for (let i: i32 = 1; i <= n; i++) {
    const ai: i32 = a[i - 1];
    let diag: i32 = row[0]; // D[i-1][j-1]
    let left: i32 = i; // D[i][j-1]
    row[0] = i;
    for (let j: i32 = 1; j <= m; j++) {
      const up: i32 = row[j]; // D[i-1][j]
      let d: i32 = diag + (ai == b[j - 1] ? 0 : 1);
      const ins: i32 = left + 1;
      if (ins < d) d = ins;
      const del: i32 = up + 1;
      if (del < d) d = del;
      row[j] = d;
      diag = up;
      left = d;
    }
  }
  return row[m];
}
