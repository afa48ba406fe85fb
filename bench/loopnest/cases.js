// The loop-nest bench cases, shared by bench/loopnest.js (JS and wasm) and,
// through the same generator, by harness.c (native): inputs come from the
// mulberry32 PRNG with fixed seeds, so every implementation gets the same bits.
//
// case: { name, kernelFile, kernel, sizeLabel, sizes: number[] (passed to the
//   C harness), setup(alloc) => args, output: index of the array compared,
//   reset: indices of arrays restored before every timed call (in-place
//   kernels), flops: arithmetic operations per call (for a GFLOP/s column) }

// mulberry32 (floats in [0, 1)): the example cases' PRNG; harness.c has the same one.
import { mulberry32 } from "../../examples/cases.js";

/** Fills `arr` with lo + (hi - lo) * u, u from mulberry32(seed). */
export function fillUniform(arr, seed, lo, hi) {
  const rng = mulberry32(seed);
  for (let i = 0; i < arr.length; i++) arr[i] = lo + (hi - lo) * rng();
  return arr;
}

/** Random graph distances: weight 1..100 with probability 1/4, else 1 << 29; 0 on the diagonal. */
export function fillGraph(d, n, seed) {
  const rng = mulberry32(seed);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const u = rng();
      const w = 1 + Math.floor(rng() * 100);
      d[i * n + j] = i === j ? 0 : u < 0.25 ? w : 1 << 29;
    }
  }
  return d;
}

/** @param {number} scale 1 for the bench sizes, smaller for quick runs */
export function makeCases(scale = 1) {
  const s = (n) => Math.max(8, Math.round(n * scale));
  const mm = s(256), mv = s(768), st = s(768), sw = s(768), fw = s(256);
  return [
    {
      name: "matmul", kernelFile: "matmul.kernel.ts", kernel: "matmul", sizeLabel: `${mm}x${mm} * ${mm}x${mm}`, sizes: [mm],
      setup: (alloc) => [fillUniform(alloc(Float64Array, mm * mm), 1, -1, 1), fillUniform(alloc(Float64Array, mm * mm), 2, -1, 1), alloc(Float64Array, mm * mm), mm, mm, mm],
      output: 2, reset: [],
    },
    {
      name: "matvec", kernelFile: "matvec.kernel.ts", kernel: "matvec", sizeLabel: `${mv}x${mv}`, sizes: [mv],
      setup: (alloc) => [fillUniform(alloc(Float64Array, mv * mv), 1, -1, 1), fillUniform(alloc(Float64Array, mv), 2, -1, 1), alloc(Float64Array, mv), mv, mv],
      output: 2, reset: [],
    },
    {
      name: "stencil5 (Jacobi)", kernelFile: "stencil5.kernel.ts", kernel: "jacobi5", sizeLabel: `${st}x${st}`, sizes: [st],
      setup: (alloc) => [fillUniform(alloc(Float64Array, st * st), 1, 0, 1), alloc(Float64Array, st * st), st, st],
      output: 1, reset: [],
    },
    {
      name: "sweep9 (in place)", kernelFile: "sweep9.kernel.ts", kernel: "sweep9", sizeLabel: `${sw}x${sw}`, sizes: [sw],
      setup: (alloc) => [fillUniform(alloc(Float64Array, sw * sw), 1, 0, 1), sw, sw],
      output: 0, reset: [0],
    },
    {
      name: "apsp (Floyd-Warshall)", kernelFile: "apsp.kernel.ts", kernel: "floydWarshall", sizeLabel: `n=${fw}`, sizes: [fw],
      setup: (alloc) => [fillGraph(alloc(Int32Array, fw * fw), fw, 1), fw],
      output: 0, reset: [0],
    },
  ];
}

/**
 * Variants of the five kinds in another style (bench/loopnest/variants/, run
 * with `--variants`): written after the optimizer, as a check that it is not
 * tuned to the main set.
 * @param {number} scale
 */
export function makeVariants(scale = 1) {
  const s = (n) => Math.max(8, Math.round(n * scale));
  const mm = s(256), mv = s(768), st = s(1024), so = s(768), fw = s(200);
  return [
    {
      name: "matmul i-j-k", kernelFile: "variants/matmul-ijk.kernel.ts", kernel: "matmulIJK", sizeLabel: `${mm}x${mm}`, sizes: [mm],
      setup: (alloc) => [fillUniform(alloc(Float64Array, mm * mm), 1, -1, 1), fillUniform(alloc(Float64Array, mm * mm), 2, -1, 1), alloc(Float64Array, mm * mm), mm],
      output: 2, reset: [],
    },
    {
      name: "matvec transposed", kernelFile: "variants/matvec-t.kernel.ts", kernel: "matvecT", sizeLabel: `${mv}x${mv}`, sizes: [mv],
      setup: (alloc) => [fillUniform(alloc(Float64Array, mv * mv), 1, -1, 1), fillUniform(alloc(Float64Array, mv), 2, -1, 1), alloc(Float64Array, mv), mv, mv],
      output: 2, reset: [],
    },
    {
      name: "stencil5 f32", kernelFile: "variants/stencil-f32.kernel.ts", kernel: "stencilF32", sizeLabel: `${st}x${st}`, sizes: [st],
      setup: (alloc) => [fillUniform(alloc(Float32Array, st * st), 1, 0, 1), alloc(Float32Array, st * st), st, st],
      output: 1, reset: [],
    },
    {
      name: "SOR (in place)", kernelFile: "variants/sor.kernel.ts", kernel: "sor", sizeLabel: `${so}x${so}`, sizes: [so],
      setup: (alloc) => [fillUniform(alloc(Float64Array, so * so), 1, 0, 1), so, so, 1.5],
      output: 0, reset: [0],
    },
    {
      name: "apsp f64 Math.min", kernelFile: "variants/apsp-f64.kernel.ts", kernel: "floydMin", sizeLabel: `n=${fw}`, sizes: [fw],
      setup: (alloc) => [copyInto(alloc(Float64Array, fw * fw), fillGraph(new Int32Array(fw * fw), fw, 1)), fw],
      output: 0, reset: [0],
    },
  ];
}

function copyInto(dst, src) {
  for (let i = 0; i < src.length; i++) dst[i] = src[i];
  return dst;
}

/** FNV-1a over the bytes of a typed array: compares results across JS, wasm and C. */
export function hashBytes(view) {
  const b = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}
