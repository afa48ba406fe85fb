// Plain-JS versions of the guide's kernels: the fastest straightforward
// loops (same arguments, same results bit for bit as the kernels), and the
// "array operations" style (map/reduce chains, NumPy-like) of step 3.

/**
 * Edit distance, two-row dynamic programme (same as kernels/levenshtein.kernel.ts).
 * @param {Uint8Array} a @param {Uint8Array} b @param {Int32Array} row  at least b.length + 1
 */
export function levenshtein(a, b, row) {
  const n = b.length;
  if (row.length < n + 1) throw new RangeError(`levenshtein: row needs ${n + 1} elements, got ${row.length}`);
  for (let j = 0; j <= n; j++) row[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ca = a[i - 1];
    let diag = row[0];
    let left = i;
    row[0] = i;
    for (let j = 1; j <= n; j++) {
      const up = row[j];
      let d = diag + (ca === b[j - 1] ? 0 : 1);
      if (up + 1 < d) d = up + 1;
      if (left + 1 < d) d = left + 1;
      row[j] = d;
      diag = up;
      left = d;
    }
  }
  return row[n];
}

/**
 * Edit distance written with whole-row array operations only, the way one
 * would in NumPy: the left-neighbour dependency becomes a cumulative minimum
 * (d[j] = j + min over k <= j of (t[k] - k)), which is a scan, not a map.
 * @param {Uint8Array} a @param {Uint8Array} b
 */
export function levenshteinArrayOps(a, b) {
  const n = b.length;
  const js = Int32Array.from({ length: n + 1 }, (_, j) => j);
  let prev = js.slice();
  for (let i = 1; i <= a.length; i++) {
    const ca = a[i - 1];
    const p = prev;
    const t = js.map((j) => (j === 0 ? i : Math.min(p[j - 1] + (b[j - 1] === ca ? 0 : 1), p[j] + 1)));
    let m = Infinity;
    const cummin = t.map((v, j) => (m = Math.min(m, v - j)));
    prev = cummin.map((v, j) => v + j);
  }
  return prev[n];
}

/**
 * Escape-time counts, one pixel at a time with an early exit (same as
 * kernels/mandelbrot.kernel.ts).
 * @param {number} width @param {number} height @param {number} maxIter @param {Int32Array} out
 */
export function mandelbrot(width, height, maxIter, out) {
  for (let y = 0; y < height; y++) {
    const ci = (y / height) * 2.4 - 1.2;
    for (let x = 0; x < width; x++) {
      const cr = (x / width) * 3.5 - 2.5;
      let zr = 0, zi = 0;
      let i = 0;
      while (i < maxIter) {
        const zr2 = zr * zr, zi2 = zi * zi;
        if (zr2 + zi2 > 4) break;
        zi = 2 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        i++;
      }
      out[y * width + x] = i;
    }
  }
}

/**
 * Escape-time counts with whole-image array operations: every iteration
 * updates every pixel (escaped ones are masked out of the count), because an
 * array operation cannot stop early for one element.
 * @param {number} width @param {number} height @param {number} maxIter
 * @returns {Int32Array}
 */
export function mandelbrotArrayOps(width, height, maxIter) {
  const n = width * height;
  const cr = Float64Array.from({ length: n }, (_, k) => ((k % width) / width) * 3.5 - 2.5);
  const ci = Float64Array.from({ length: n }, (_, k) => (Math.floor(k / width) / height) * 2.4 - 1.2);
  let zr = new Float64Array(n), zi = new Float64Array(n);
  let alive = new Int32Array(n).fill(1);
  let count = new Int32Array(n);
  for (let it = 0; it < maxIter; it++) {
    const zr2 = zr.map((v) => v * v);
    const zi2 = zi.map((v) => v * v);
    alive = alive.map((a, k) => (a && zr2[k] + zi2[k] <= 4 ? 1 : 0));
    const al = alive;
    count = count.map((c, k) => c + al[k]);
    const oldZr = zr, oldZi = zi;
    zi = oldZi.map((v, k) => 2 * oldZr[k] * v + ci[k]);
    zr = zr2.map((v, k) => v - zi2[k] + cr[k]);
  }
  return count;
}

/** A seeded PRNG (xorshift32): the same inputs on every run. @param {number} seed */
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

/**
 * Two related random strings over a 4-letter alphabet: `b` is `a` with about
 * 20% of its letters changed, inserted or deleted.
 * @param {number} n @param {number} seed
 */
export function relatedStrings(n, seed) {
  const r = rng(seed);
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = 65 + ((r() * 4) | 0);
  const out = [];
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.07) continue; // deletion
    if (u < 0.14) out.push(65 + ((r() * 4) | 0)); // substitution
    else out.push(a[i]);
    if (u > 0.93) out.push(65 + ((r() * 4) | 0)); // insertion
  }
  return { a, b: Uint8Array.from(out) };
}
