// All-pairs shortest paths (Floyd-Warshall) on an n x n distance matrix of
// i32 weights, in place. Distances must stay below 2^30 (use 1 << 29 for
// "no edge") so sums never overflow.
export function floydWarshall(d: Int32Array, n: i32): void {
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < n; i++) {
      const dik = d[i * n + k];
      for (let j = 0; j < n; j++) {
        const t = dik + d[k * n + j];
        if (t < d[i * n + j]) d[i * n + j] = t;
      }
    }
  }
}
