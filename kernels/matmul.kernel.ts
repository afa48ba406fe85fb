// Dense matrix product, row-major Float64Array.
//
// Exact semantics (kernels/reference.js implements the same, bit for bit):
// matmul(a, b, c, m, k, n): C = A * B with A m x k, B k x n, C m x n, all
// row-major (A[i][p] = a[i * k + p]). Every C[i][j] is accumulated in the
// order p = 0, 1, ..., k - 1 starting from +0, one rounding per multiply and
// per add (no fused multiply-add): exactly the naive triple loop. c is
// overwritten and must not share memory with a or b. RangeError if a
// dimension is negative or an array is shorter than its matrix.
//
// Blocking: k in blocks of KB rows of B, n in blocks of JB columns. Each
// KB x JB panel of B is first copied into a contiguous scratch buffer, four
// columns at a time (allocated once per call; 256 KiB at most, it stays in
// L2), so the inner loop reads it sequentially: read in place, B's rows are
// n * 8 bytes apart, and for n a power of two every row of a 4-column strip
// falls into the same L1 cache set. The buffer is allocated on first use and
// kept for later calls (allocating it per call would leave garbage in kernel
// memory on every call). Inside, a 2 x 4 tile of C is held in eight
// locals while p runs over the k block. Blocks visit p in increasing order,
// so the per-element order of the sum is the naive one.

const KB: i32 = 128;
const JB: i32 = 256;

let packBuffer: Float64Array = new Float64Array(0);

function packScratch(size: i32): Float64Array {
  if (packBuffer.length < size) packBuffer = new Float64Array(size);
  return packBuffer;
}

/** C = A * B (row-major; A m x k, B k x n, C m x n). */
export function matmul(a: Float64Array, b: Float64Array, c: Float64Array, m: i32, k: i32, n: i32): void {
  if (m < 0 || k < 0 || n < 0) throw new RangeError("matmul: dimensions must be >= 0");
  if (f64(a.length) < f64(m) * f64(k) || f64(b.length) < f64(k) * f64(n) || f64(c.length) < f64(m) * f64(n)) {
    throw new RangeError("matmul: a, b and c must hold m*k, k*n and m*n elements");
  }
  c.fill(0, 0, m * n);
  if (m == 0 || k == 0 || n == 0) return;
  const pack: Float64Array = packScratch((KB < k ? KB : k) * ((JB < n ? JB : n) & ~3));
  const m2: i32 = m - (m & 1);
  for (let kk: i32 = 0; kk < k; kk += KB) {
    const kEnd: i32 = kk + KB < k ? kk + KB : k;
    const kLen: i32 = kEnd - kk;
    for (let jj: i32 = 0; jj < n; jj += JB) {
      const jEnd: i32 = jj + JB < n ? jj + JB : n;
      const j4: i32 = jj + ((jEnd - jj) & ~3);
      // Pack B[kk..kEnd][jj..j4] as strips of 4 columns, p-major.
      let q: i32 = 0;
      for (let jt: i32 = jj; jt < j4; jt += 4) {
        let src: i32 = kk * n + jt;
        for (let p: i32 = kk; p < kEnd; p++) {
          pack[q] = b[src];
          pack[q + 1] = b[src + 1];
          pack[q + 2] = b[src + 2];
          pack[q + 3] = b[src + 3];
          q += 4;
          src += n;
        }
      }
      let i: i32 = 0;
      for (; i < m2; i += 2) {
        const a0: i32 = i * k;
        const a1: i32 = a0 + k;
        const c0: i32 = i * n;
        const c1: i32 = c0 + n;
        let j: i32 = jj;
        let strip: i32 = 0;
        for (; j < j4; j += 4) {
          let s00: f64 = c[c0 + j];
          let s01: f64 = c[c0 + j + 1];
          let s02: f64 = c[c0 + j + 2];
          let s03: f64 = c[c0 + j + 3];
          let s10: f64 = c[c1 + j];
          let s11: f64 = c[c1 + j + 1];
          let s12: f64 = c[c1 + j + 2];
          let s13: f64 = c[c1 + j + 3];
          let bp: i32 = strip;
          for (let p: i32 = kk; p < kEnd; p++) {
            const x0: f64 = a[a0 + p];
            const x1: f64 = a[a1 + p];
            const b0: f64 = pack[bp];
            const b1: f64 = pack[bp + 1];
            const b2: f64 = pack[bp + 2];
            const b3: f64 = pack[bp + 3];
            s00 += x0 * b0;
            s01 += x0 * b1;
            s02 += x0 * b2;
            s03 += x0 * b3;
            s10 += x1 * b0;
            s11 += x1 * b1;
            s12 += x1 * b2;
            s13 += x1 * b3;
            bp += 4;
          }
          c[c0 + j] = s00;
          c[c0 + j + 1] = s01;
          c[c0 + j + 2] = s02;
          c[c0 + j + 3] = s03;
          c[c1 + j] = s10;
          c[c1 + j + 1] = s11;
          c[c1 + j + 2] = s12;
          c[c1 + j + 3] = s13;
          strip += kLen * 4;
        }
        for (; j < jEnd; j++) {
          let s0: f64 = c[c0 + j];
          let s1: f64 = c[c1 + j];
          let bp: i32 = kk * n + j;
          for (let p: i32 = kk; p < kEnd; p++) {
            const bv: f64 = b[bp];
            s0 += a[a0 + p] * bv;
            s1 += a[a1 + p] * bv;
            bp += n;
          }
          c[c0 + j] = s0;
          c[c1 + j] = s1;
        }
      }
      if (i < m) {
        // The last row when m is odd.
        const a0: i32 = i * k;
        const c0: i32 = i * n;
        for (let j: i32 = jj; j < jEnd; j++) {
          let s: f64 = c[c0 + j];
          let bp: i32 = kk * n + j;
          for (let p: i32 = kk; p < kEnd; p++) {
            s += a[a0 + p] * b[bp];
            bp += n;
          }
          c[c0 + j] = s;
        }
      }
    }
  }
}
