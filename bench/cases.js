// The benchmark cases of `npm run bench`: one per kernel of the library
// (kernels/*.kernel.ts), each over sizes from 16 elements (the call is all
// overhead) to past the L2 cache (1 MiB on the bench machine).
//
// A case: {
//   name       kernel name: the same in kernels/<file>.kernel.ts, in
//              kernels/reference.js (the JS column) and in bench/c (the C column)
//   file       kernel file (kernels/<file>.kernel.ts)
//   bound      "memory" (streams its inputs once) or "compute": which native-C
//              target applies
//   sizes      size parameters; quickSizes for `--quick`
//   label(s)   size label, elements(s): element count (for the chart)
//   setup(alloc, s)  the argument list; alloc(Ctor, length) gives a zeroed
//              typed array (tskern's `alloc`, or `new Ctor(length)` for plain
//              JS). Inputs come from a seeded PRNG: every call builds the same
//              arguments.
//   output     index of the array argument the kernel writes, if any
//   simd       name of the kernel's SIMD variant in the library's
//              kernels/simd/simd.kernel.ts (SIMD_FILE)
//   simdExact  false when the SIMD variant reassociates a sum (results then
//              agree to a relative tolerance, not bit for bit)
// }

// mulberry32: the seeded PRNG of the example cases (floats in [0, 1)).
import { mulberry32 } from "../examples/cases.js";

const fmt = (n) => n.toLocaleString("en-US");

function uniform(alloc, C, n, seed, lo = -1, hi = 1) {
  const rng = mulberry32(seed);
  const a = alloc(C, n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rng();
  return a;
}

const DNA = [65, 67, 71, 84];
const LETTERS = Array.from({ length: 26 }, (_, i) => 97 + i);

/** Two related sequences: b is a with ~rate substitutions, insertions and deletions. */
function sequences(alloc, n, seed, alphabet, rate) {
  const rng = mulberry32(seed);
  const a = alloc(Uint8Array, n);
  for (let i = 0; i < n; i++) a[i] = alphabet[(rng() * alphabet.length) | 0];
  const b = alloc(Uint8Array, n);
  let i = 0;
  for (let k = 0; k < n; k++) {
    const r = rng();
    if (r < rate / 3) {
      b[k] = alphabet[(rng() * alphabet.length) | 0];
      i++;
    } else if (r < (2 * rate) / 3) {
      b[k] = alphabet[(rng() * alphabet.length) | 0];
    } else {
      if (r < rate) i++;
      b[k] = a[i % n];
      i++;
    }
  }
  return [a, b];
}

/** A smooth test image with edges and noise, values in [0, 1) (f32) or [0, 255] (u8). */
function image(alloc, C, w, h, seed) {
  const rng = mulberry32(seed);
  const img = alloc(C, w * h);
  const scale = C === Uint8Array ? 255 : 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = 0.5 + 0.25 * Math.sin(x / 7) * Math.cos(y / 11);
      if ((((x >> 4) ^ (y >> 4)) & 1) === 1) v += 0.2;
      v += (rng() - 0.5) * 0.1;
      v = v < 0 ? 0 : v > 0.999 ? 0.999 : v;
      img[y * w + x] = C === Uint8Array ? (v * scale) | 0 : v;
    }
  }
  return img;
}

/** Normalised 1-D Gaussian window of `taps` values (f32). */
function gaussian(alloc, taps) {
  const w = alloc(Float32Array, taps);
  const r = taps >> 1, sigma = taps / 4;
  let s = 0;
  for (let t = 0; t < taps; t++) s += Math.exp(-((t - r) ** 2) / (2 * sigma * sigma));
  for (let t = 0; t < taps; t++) w[t] = Math.exp(-((t - r) ** 2) / (2 * sigma * sigma)) / s;
  return w;
}

/** The library's SIMD kernels: each measured as the SIMD column of its scalar case. */
export const SIMD_FILE = "kernels/simd/simd.kernel.ts";

const VEC = { sizes: [16, 1024, 65536, 1 << 20, 1 << 23], quickSizes: [16, 1 << 20], label: (n) => `n=${fmt(n)}`, elements: (n) => n };
const IMG = { label: (s) => `${s}x${s}`, elements: (s) => s * s };

/** @type {Array<Record<string, any>>} */
export const cases = [
  { name: "dot", file: "blas", bound: "memory", ...VEC, simd: "dotSimd", simdExact: false,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 1), uniform(alloc, Float64Array, n, 2)] },
  { name: "axpy", file: "blas", bound: "memory", ...VEC, output: 2, simd: "axpySimd", simdExact: true,
    setup: (alloc, n) => [0.5, uniform(alloc, Float64Array, n, 3), uniform(alloc, Float64Array, n, 4)] },
  { name: "scal", file: "blas", bound: "memory", ...VEC, output: 1, simd: "scalSimd", simdExact: true,
    setup: (alloc, n) => [-1, uniform(alloc, Float64Array, n, 5)] },
  { name: "nrm2", file: "blas", bound: "memory", ...VEC,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 6)] },
  { name: "sum", file: "blas", bound: "memory", ...VEC, simd: "sumSimd", simdExact: false,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 7)] },
  { name: "min", file: "reduce", bound: "memory", ...VEC, simd: "minSimd", simdExact: true,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 8)] },
  { name: "max", file: "reduce", bound: "memory", ...VEC,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 9)] },
  { name: "argmin", file: "reduce", bound: "memory", ...VEC,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 10)] },
  { name: "argmax", file: "reduce", bound: "memory", ...VEC,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 11)] },
  { name: "mean", file: "reduce", bound: "memory", ...VEC,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 12)] },
  { name: "variance", file: "reduce", bound: "memory", ...VEC,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 13), 1] },
  { name: "prefixSum", file: "scan", bound: "memory", ...VEC, output: 1,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 14), alloc(Float64Array, n)] },
  { name: "histogram", file: "histogram", bound: "memory", ...VEC, output: 3,
    setup: (alloc, n) => [uniform(alloc, Float64Array, n, 15, -1.1, 1.1), -1, 1, alloc(Uint32Array, 256)] },
  { name: "histogramU8", file: "histogram", bound: "memory", ...VEC, output: 1,
    setup: (alloc, n) => [image(alloc, Uint8Array, n, 1, 16), alloc(Uint32Array, 256)] },
  { name: "matmul", file: "matmul", bound: "compute", ...IMG, sizes: [4, 32, 128, 512], quickSizes: [4, 256],
    output: 2, simd: "matmulSimd", simdExact: true,
    setup: (alloc, s) => [uniform(alloc, Float64Array, s * s, 17), uniform(alloc, Float64Array, s * s, 18), alloc(Float64Array, s * s), s, s, s] },
  { name: "conv2d", file: "image", bound: "compute", ...IMG, label: (s) => `${s}x${s}, 5x5`, sizes: [4, 32, 256, 1024], quickSizes: [4, 512],
    output: 1, simd: "conv2dSimd", simdExact: true,
    setup: (alloc, s) => {
      const k = alloc(Float32Array, 25);
      const rng = mulberry32(19);
      for (let i = 0; i < 25; i++) k[i] = rng() - 0.3;
      return [image(alloc, Float32Array, s, s, 20), alloc(Float32Array, s * s), s, s, k, 5, 5];
    } },
  { name: "blurSeparable", file: "image", bound: "compute", ...IMG, label: (s) => `${s}x${s}, 9 taps`, sizes: [4, 32, 256, 1024], quickSizes: [4, 512],
    output: 1, simd: "blurSeparableSimd", simdExact: true,
    setup: (alloc, s) => [image(alloc, Float32Array, s, s, 21), alloc(Float32Array, s * s), alloc(Float32Array, s * s), s, s, gaussian(alloc, 9)] },
  { name: "sobel", file: "image", bound: "compute", ...IMG, sizes: [4, 32, 256, 2048], quickSizes: [4, 1024],
    output: 1, simd: "sobelSimd", simdExact: true,
    setup: (alloc, s) => [image(alloc, Uint8Array, s, s, 22), alloc(Uint8Array, s * s), s, s] },
  { name: "levenshtein", file: "align", bound: "compute", sizes: [16, 128, 1024, 4096], quickSizes: [16, 2048],
    label: (n) => `${n}x${n} text`, elements: (n) => n * n, simd: "levenshteinSimd", simdExact: true,
    setup: (alloc, n) => [...sequences(alloc, n, 23, LETTERS, 0.2), alloc(Int32Array, n + 1)] },
  { name: "smithWaterman", file: "align", bound: "compute", sizes: [16, 128, 1024, 4096], quickSizes: [16, 2048],
    label: (n) => `${n}x${n} DNA`, elements: (n) => n * n, simd: "smithWatermanSimd", simdExact: true,
    setup: (alloc, n) => {
      const [a, b] = sequences(alloc, n, 24, DNA, 0.3);
      return [a, b, 2, -1, -2, alloc(Int32Array, n + 1)];
    } },
  { name: "mandelbrot", file: "mandelbrot", bound: "compute", ...IMG, label: (s) => `${s}x${s}, 256 iter`, sizes: [4, 32, 256, 1024], quickSizes: [4, 512],
    output: 0, simd: "mandelbrotSimd", simdExact: true,
    setup: (alloc, s) => [alloc(Uint16Array, s * s), s, s, -2.2, -1.5, 3 / s, 3 / s, 256] },
  { name: "nbodyStep", file: "nbody", bound: "compute", sizes: [16, 128, 1024, 4096], quickSizes: [16, 2048],
    label: (n) => `${n} bodies`, elements: (n) => n, output: 1, simd: "nbodyStepSimd", simdExact: true,
    setup: (alloc, n) => {
      const rng = mulberry32(25);
      const pos = alloc(Float64Array, 3 * n), vel = alloc(Float64Array, 3 * n), mass = alloc(Float64Array, n);
      for (let i = 0; i < 3 * n; i++) {
        pos[i] = 2 * rng() - 1;
        vel[i] = 0.01 * (rng() - 0.5);
      }
      for (let i = 0; i < n; i++) mass[i] = (0.5 + rng()) / n;
      return [pos, vel, mass, 1e-3, 1e-4, 1];
    } },
  { name: "nbodyEnergy", file: "nbody", bound: "compute", sizes: [16, 128, 1024, 4096], quickSizes: [16, 2048],
    label: (n) => `${n} bodies`, elements: (n) => n, simd: "nbodyEnergySimd", simdExact: true,
    setup: (alloc, n) => {
      const rng = mulberry32(26);
      const pos = alloc(Float64Array, 3 * n), vel = alloc(Float64Array, 3 * n), mass = alloc(Float64Array, n);
      for (let i = 0; i < 3 * n; i++) {
        pos[i] = 2 * rng() - 1;
        vel[i] = 0.01 * (rng() - 0.5);
      }
      for (let i = 0; i < n; i++) mass[i] = (0.5 + rng()) / n;
      return [pos, vel, mass, 1e-4];
    } },
];

export default cases;
