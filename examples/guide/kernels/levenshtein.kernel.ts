// Steps 3-4: edit distance (Levenshtein) between two byte strings, the
// two-row dynamic programme. Every cell depends on its left neighbour, so the
// inner loop cannot be written as one array operation.
//
// `row` is caller-supplied scratch of at least b.length + 1 elements (a kernel
// that allocates it on every call is slower; see step 5).
export function levenshtein(a: Uint8Array, b: Uint8Array, row: Int32Array): i32 {
  const n = b.length;
  for (let j = 0; j <= n; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ca = a[i - 1];
    let diag = row[0];
    let left = i;
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const up = row[j];
      // min() compiles to a branch-free select: no mispredicted branches on
      // random text (patterns.kernel.ts has the if-version, for step 5).
      const d = min(min(up, left) + 1, diag + i32(ca != b[j - 1]));
      row[j] = d;
      diag = up;
      left = d;
    }
  }
  return row[n];
}
