// Histograms.
//
// Exact semantics (kernels/reference.js implements the same):
// histogram(x, lo, hi, counts): counts.length = B equal-width bins over
//   [lo, hi]; counts is zeroed first. A value v with lo <= v < hi goes to bin
//   min(B - 1, i32((v - lo) * (B / (hi - lo)))); v == hi goes to the last bin
//   (like numpy); values outside [lo, hi] and NaN are not counted.
//   RangeError unless lo < hi (both finite, hi - lo finite) and B >= 1.
// histogramU8(x, counts): counts[v] = number of bytes equal to v; counts must
//   have length 256 and is zeroed first.

/** Counts of x's values in counts.length equal bins over [lo, hi]. */
export function histogram(x: Float64Array, lo: f64, hi: f64, counts: Uint32Array): void {
  const bins: i32 = counts.length;
  const width: f64 = hi - lo;
  if (!(width > 0) || !isFinite(width) || bins < 1) {
    throw new RangeError("histogram: needs lo < hi (finite) and at least one bin");
  }
  counts.fill(0);
  const scale: f64 = f64(bins) / width;
  const last: i32 = bins - 1;
  const n: i32 = x.length;
  for (let i: i32 = 0; i < n; i++) {
    const v: f64 = x[i];
    if (v >= lo) {
      if (v < hi) {
        let b: i32 = i32((v - lo) * scale);
        if (b > last) b = last;
        counts[b]++;
      } else if (v == hi) {
        counts[last]++;
      }
    }
  }
}

/** Counts of each byte value 0..255 of x; counts must have length 256. */
export function histogramU8(x: Uint8Array, counts: Uint32Array): void {
  if (counts.length != 256) throw new RangeError("histogramU8: counts must have length 256");
  counts.fill(0);
  const n: i32 = x.length;
  for (let i: i32 = 0; i < n; i++) {
    counts[x[i]]++;
  }
}
