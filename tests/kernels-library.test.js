// The shipped kernel library (kernels/*.kernel.ts) against its plain-JS twins
// (kernels/reference.js): on random inputs and on edge inputs (empty, length
// 1, NaN, infinities, signed zeros, huge and tiny values, odd shapes that hit
// every remainder loop and block edge), every kernel gives exactly the
// reference's result (return value and output arrays, bit for bit) in four
// ways: wasm with arrays from `alloc` (zero copy), wasm with plain arrays
// (copied), wasm built with boundscheck=false, and pure mode. Inconsistent
// sizes throw in all of them. The kernels also type-check as plain
// TypeScript, and kernels/README.md documents every one.
import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import nodePath from "node:path";
import ts from "typescript";
import { scratchDir, importBuilt, REPO } from "./support/build-fixture.js";
import { buildKernels, writeOutputs } from "../plugin/build/build-kernels.js";
import { formatDiagnostic } from "../plugin/compiler/diagnostics.js";
import { importPure } from "../plugin/pure/load.js";
import * as reference from "../kernels/reference.js";

const KERNEL_DIR = nodePath.join(REPO, "kernels");
const FILES = readdirSync(KERNEL_DIR).filter((f) => f.endsWith(".kernel.ts")).sort();

/** file -> { checked, unchecked, pure } modules; builds -> KernelBuild */
const mods = {};
let rt, checkedBuild, uncheckedBuild, simd, simdBuild;

async function buildInto(name, options, inputs = ["kernels"]) {
  const result = await buildKernels({ inputs, cwd: REPO, ...options });
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n\n"));
  const outDir = await scratchDir(name);
  await writeOutputs(outDir, result.outputs);
  const out = {};
  for (const f of result.files) out[nodePath.basename(f.file)] = await importBuilt(outDir, f.out);
  return out;
}

beforeAll(async () => {
  rt = await import("../runtime/index.js");
  const checked = await buildInto("library", {});
  checkedBuild = rt.builds().at(-1);
  const unchecked = await buildInto("library-nocheck", { boundsCheck: false });
  uncheckedBuild = rt.builds().at(-1);
  simd = (await buildInto("library-simd", {}, ["kernels/simd/simd.kernel.ts"]))["simd.kernel.ts"];
  simdBuild = rt.builds().at(-1);
  for (const f of FILES) {
    mods[f] = { checked: checked[f], unchecked: unchecked[f], pure: await importPure(nodePath.join(KERNEL_DIR, f)) };
  }
}, 120_000);

// ---- inputs -----------------------------------------------------------------

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const F64 = (values) => Float64Array.from(values);
const F32 = (values) => Float32Array.from(values);
const U8 = (values) => Uint8Array.from(values);
const randF64 = (n, seed, lo = -1, hi = 1) => {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
};
const randF32 = (n, seed) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 0.5);
};
const randBytes = (n, seed, alphabet) => {
  const r = rng(seed);
  return Uint8Array.from({ length: n }, () => alphabet[(r() * alphabet.length) | 0]);
};
const DNA = [65, 67, 71, 84];
const TEXT = Array.from({ length: 26 }, (_, i) => 97 + i);

/** Vectors that exercise every reduction: lengths 0, 1, 2, 3, odd, large; specials. */
const VECTORS = [
  ["empty", F64([])],
  ["length 1", F64([-2.5])],
  ["length 1 NaN", F64([NaN])],
  ["length 2", F64([3, -4])],
  ["7 random", randF64(7, 1)],
  ["1000 random", randF64(1000, 2)],
  ["100k random", randF64(100_000, 3, -1e3, 1e3)],
  ["NaN inside", F64([1, 2, NaN, -7, 3])],
  ["NaN last", F64([1, -9, 2, NaN])],
  ["infinities", F64([1, Infinity, -Infinity, 2])],
  ["two +Infinity", F64([Infinity, 3, Infinity])],
  ["signed zeros", F64([0, -0, 0, -0])],
  ["negative zero first", F64([-0, 0])],
  ["ties", F64([5, 1, 7, 1, 7, 5])],
  ["huge", F64([1e308, 1e308, -1e307, 1.7976931348623157e308])],
  ["tiny", F64([5e-324, 1e-310, -2e-320, 1e-300])],
  ["mixed scale", F64([1e200, 1, 1e-200, -1e200, 3])],
];

/** name -> list of [label, args (plain), output index?] */
const INPUTS = {
  dot: VECTORS.map(([l, v]) => [l, [v, v.map((x, i) => (i % 3) - 1.5 * x)]]),
  axpy: VECTORS.map(([l, v]) => [l, [0.75, v, v.map((x, i) => i - x)], 2]).concat([["a = NaN", [NaN, F64([1, 2]), F64([3, 4])], 2], ["a = huge", [1e300, F64([1e10, -1]), F64([1, 2])], 2]]),
  scal: VECTORS.map(([l, v]) => [l, [-1.5, v], 1]).concat([["a = 0 with Inf", [0, F64([Infinity, 1])], 1], ["a = -0", [-0, F64([1, -1])], 1]]),
  nrm2: VECTORS.map(([l, v]) => [l, [v]]).concat([["one Infinity and NaN", [F64([Infinity, NaN])]], ["overflowing squares", [F64([3e200, 4e200])]], ["underflowing squares", [F64([3e-200, 4e-200])]]]),
  sum: VECTORS.map(([l, v]) => [l, [v]]),
  min: VECTORS.map(([l, v]) => [l, [v]]),
  max: VECTORS.map(([l, v]) => [l, [v]]),
  argmin: VECTORS.map(([l, v]) => [l, [v]]),
  argmax: VECTORS.map(([l, v]) => [l, [v]]),
  mean: VECTORS.map(([l, v]) => [l, [v]]),
  variance: VECTORS.flatMap(([l, v]) => [[`${l}, ddof 0`, [v, 0]], [`${l}, ddof 1`, [v, 1]]]).concat([["ddof > n", [F64([1, 2]), 3]]]),
  prefixSum: VECTORS.map(([l, v]) => [l, [v, new Float64Array(v.length)], 1]),
  histogram: [
    ["empty", [F64([]), 0, 1, new Uint32Array(4)], 3],
    ["one bin", [F64([0, 0.5, 1, 2, -1]), 0, 1, new Uint32Array(1)], 3],
    ["edges and outside", [F64([-1, -1e-300, 0, 0.25, 0.5, 0.999999, 1, 1.0000001, NaN, Infinity, -Infinity]), 0, 1, new Uint32Array(4)], 3],
    ["random", [randF64(5000, 4, -1.2, 1.2), -1, 1, new Uint32Array(256)], 3],
    ["odd bins, odd range", [randF64(999, 5, 0, 10), 0.3, 7.1, new Uint32Array(13)], 3],
    ["counts not zeroed", [F64([0.5]), 0, 1, Uint32Array.from([7, 7])], 3],
  ],
  histogramU8: [
    ["empty", [U8([]), new Uint32Array(256)], 1],
    ["bytes", [U8([0, 255, 255, 3, 0, 128]), new Uint32Array(256)], 1],
    ["random", [randBytes(10_000, 6, Array.from({ length: 256 }, (_, i) => i)), Uint32Array.from({ length: 256 }, () => 9)], 1],
  ],
  matmul: [
    ...[[0, 0, 0], [1, 1, 1], [1, 3, 1], [3, 5, 2], [2, 4, 8], [7, 9, 13], [5, 1, 6], [4, 0, 3], [33, 130, 9], [130, 131, 263]].map(([m, k, n], i) => [
      `${m}x${k} * ${k}x${n}`,
      [randF64(m * k, 10 + i), randF64(k * n, 20 + i), new Float64Array(m * n), m, k, n],
      2,
    ]),
    ["NaN and Inf entries", [F64([1, NaN, Infinity, 2]), F64([1, 2, 3, -Infinity]), new Float64Array(4), 2, 2, 2], 2],
    ["huge entries", [F64([1e300, 1e300, -1e300, 1e-300]), F64([1e10, 1, 1, 1e-10]), new Float64Array(4), 2, 2, 2], 2],
    ["signed zeros", [F64([-0, -0, -0, -0]), F64([1, 1, 1, 1]), F64([5, 5, 5, 5]), 2, 2, 2], 2],
  ],
  conv2d: [
    ...[[1, 1, 3, 3], [2, 3, 5, 5], [5, 5, 5, 5], [4, 1, 3, 1], [1, 6, 1, 3], [17, 13, 3, 3], [17, 13, 5, 3], [64, 48, 5, 5], [9, 9, 7, 9]].map(([w, h, kw, kh], i) => [
      `${w}x${h} image, ${kw}x${kh} kernel`,
      [randF32(w * h, 30 + i), new Float32Array(w * h), w, h, randF32(kw * kh, 40 + i), kw, kh],
      1,
    ]),
    ["empty image", [F32([]), F32([]), 0, 0, F32([1]), 1, 1], 1],
    ["0 x 5 image", [F32([]), F32([]), 0, 5, F32([1, 2, 3]), 3, 1], 1],
    ["NaN and huge pixels", [F32([1, NaN, 3e38, -3e38, 2, 1, 0, 3e38, 1]), new Float32Array(9), 3, 3, F32([1, 1, 1, 1, 2, 1, 1, 1, 1]), 3, 3], 1],
  ],
  blurSeparable: [
    ...[[1, 1, 3], [2, 3, 5], [5, 5, 5], [4, 1, 3], [1, 6, 3], [17, 13, 3], [64, 48, 9], [9, 9, 11], [20, 20, 1]].map(([w, h, taps], i) => [
      `${w}x${h} image, ${taps} taps`,
      [randF32(w * h, 50 + i), new Float32Array(w * h), new Float32Array(w * h), w, h, randF32(taps, 60 + i)],
      1,
    ]),
    ["empty image", [F32([]), F32([]), F32([]), 0, 0, F32([1])], 1],
    ["NaN and huge pixels", [F32([1, NaN, 3e38, -3e38, 2, 1, 0, 3e38, 1]), new Float32Array(9), new Float32Array(9), 3, 3, F32([0.25, 0.5, 0.25])], 1],
  ],
  sobel: [
    ...[[0, 0], [1, 1], [2, 2], [3, 3], [1, 7], [7, 1], [37, 29], [64, 64]].map(([w, h], i) => [
      `${w}x${h}`,
      [randBytes(w * h, 70 + i, Array.from({ length: 256 }, (_, v) => v)), new Uint8Array(w * h), w, h],
      1,
    ]),
    ["all 255", [new Uint8Array(25).fill(255), new Uint8Array(25), 5, 5], 1],
    ["checkerboard (saturates)", [Uint8Array.from({ length: 64 }, (_, i) => (((i >> 3) ^ i) & 1 ? 255 : 0)), new Uint8Array(64), 8, 8], 1],
  ],
  levenshtein: [
    ["both empty", [U8([]), U8([]), new Int32Array(1)]],
    ["a empty", [U8([]), U8([1, 2, 3]), new Int32Array(4)]],
    ["b empty", [U8([1, 2, 3]), U8([]), new Int32Array(1)]],
    ["single equal", [U8([7]), U8([7]), new Int32Array(2)]],
    ["single different", [U8([7]), U8([8]), new Int32Array(2)]],
    ["kitten / sitting", [U8([..."kitten"].map((c) => c.charCodeAt(0))), U8([..."sitting"].map((c) => c.charCodeAt(0))), new Int32Array(8)]],
    ["equal 100", [randBytes(100, 80, TEXT), randBytes(100, 80, TEXT), new Int32Array(101)]],
    ["random 97 x 203", [randBytes(97, 81, TEXT), randBytes(203, 82, TEXT), new Int32Array(204)]],
    ["random 300 x 5", [randBytes(300, 83, DNA), randBytes(5, 84, DNA), new Int32Array(50)]],
    ["row longer than needed, dirty", [randBytes(40, 85, DNA), randBytes(33, 86, DNA), new Int32Array(100).fill(-5)]],
  ],
  smithWaterman: [
    ["both empty", [U8([]), U8([]), 2, -1, -2, new Int32Array(1)]],
    ["a empty", [U8([]), U8([1, 2]), 2, -1, -2, new Int32Array(3)]],
    ["single equal", [U8([7]), U8([7]), 2, -1, -2, new Int32Array(2)]],
    ["single different", [U8([7]), U8([8]), 2, -1, -2, new Int32Array(2)]],
    ["equal 100", [randBytes(100, 90, DNA), randBytes(100, 90, DNA), 2, -1, -2, new Int32Array(101)]],
    ["random 97 x 203", [randBytes(97, 91, DNA), randBytes(203, 92, DNA), 2, -1, -2, new Int32Array(204)]],
    ["random, other scores", [randBytes(150, 93, DNA), randBytes(140, 94, DNA), 5, -4, -7, new Int32Array(141)]],
    ["all mismatch", [new Uint8Array(20).fill(1), new Uint8Array(30).fill(2), 3, -3, -1, new Int32Array(31)]],
    ["row dirty", [randBytes(40, 95, DNA), randBytes(33, 96, DNA), 1, -1, -1, new Int32Array(34).fill(99)]],
  ],
  mandelbrot: [
    ["0 x 0", [new Uint16Array(0), 0, 0, -2, -1, 0.1, 0.1, 100], 0],
    ["1 x 1 inside", [new Uint16Array(1), 1, 1, 0, 0, 0.1, 0.1, 500], 0],
    ["7 x 5", [new Uint16Array(35), 7, 5, -2.2, -1.5, 3 / 7, 3 / 5, 200], 0],
    ["40 x 30", [new Uint16Array(1200), 40, 30, -2.5, -1.25, 3.5 / 40, 2.5 / 30, 100], 0],
    ["maxIter 0", [new Uint16Array(4), 2, 2, 0, 0, 1, 1, 0], 0],
    ["maxIter 65535", [new Uint16Array(4), 2, 2, -0.1, -0.1, 0.05, 0.05, 65535], 0],
    ["NaN origin", [new Uint16Array(4), 2, 2, NaN, 0, 1, 1, 10], 0],
    ["huge origin", [new Uint16Array(4), 2, 2, 1e300, -1e300, 1e300, 1, 10], 0],
  ],
  nbodyStep: [
    ["no bodies", [F64([]), F64([]), F64([]), 0.01, 0, 3], 1],
    ["one body", [F64([1, 2, 3]), F64([0.1, 0, -0.1]), F64([5]), 0.01, 0, 2], 1],
    ["two bodies", [F64([0, 0, 0, 1, 0, 0]), F64([0, 0, 0, 0, 1, 0]), F64([1, 0.001]), 0.01, 0, 10], 1],
    ["50 bodies, 3 steps", [randF64(150, 100), randF64(150, 101, -0.01, 0.01), randF64(50, 102, 0.5, 1.5), 1e-3, 1e-4, 3], 1],
    ["0 steps", [randF64(9, 103), randF64(9, 104), randF64(3, 105, 1, 2), 0.1, 0, 0], 1],
    ["coincident bodies (NaN)", [F64([1, 1, 1, 1, 1, 1]), F64([0, 0, 0, 0, 0, 0]), F64([1, 1]), 0.01, 0, 1], 1],
    ["huge masses", [F64([0, 0, 0, 1, 1, 1]), F64([0, 0, 0, 0, 0, 0]), F64([1e300, 1e300]), 0.01, 0, 1], 1],
  ],
  nbodyEnergy: [
    ["no bodies", [F64([]), F64([]), F64([]), 0]],
    ["one body", [F64([1, 2, 3]), F64([0.1, 0, -0.1]), F64([5]), 0]],
    ["50 bodies", [randF64(150, 110), randF64(150, 111, -0.01, 0.01), randF64(50, 112, 0.5, 1.5), 1e-4]],
    ["coincident bodies", [F64([1, 1, 1, 1, 1, 1]), F64([0, 0, 0, 0, 0, 0]), F64([1, 1]), 0]],
  ],
};

/** name -> list of [label, args]: inconsistent sizes; every implementation throws. */
const BAD = {
  dot: [["lengths differ", [F64([1, 2]), F64([1])]]],
  axpy: [["lengths differ", [1, F64([1, 2]), F64([1])]]],
  prefixSum: [["out too short", [F64([1, 2]), F64([0])]]],
  histogram: [
    ["lo == hi", [F64([1]), 1, 1, new Uint32Array(2)]],
    ["lo > hi", [F64([1]), 2, 1, new Uint32Array(2)]],
    ["NaN bound", [F64([1]), NaN, 1, new Uint32Array(2)]],
    ["infinite range", [F64([1]), -Infinity, 1, new Uint32Array(2)]],
    ["no bins", [F64([1]), 0, 1, new Uint32Array(0)]],
  ],
  histogramU8: [["255 counts", [U8([1]), new Uint32Array(255)]]],
  matmul: [
    ["a too short", [F64([1, 2, 3]), F64([1, 2, 3, 4]), new Float64Array(4), 2, 2, 2]],
    ["c too short", [F64([1, 2, 3, 4]), F64([1, 2, 3, 4]), new Float64Array(3), 2, 2, 2]],
    ["negative dimension", [F64([]), F64([]), F64([]), -1, 0, 0]],
  ],
  conv2d: [
    ["even kernel", [F32([1, 2, 3, 4]), new Float32Array(4), 2, 2, F32([1, 1, 1, 1]), 2, 2]],
    ["weights too short", [F32([1, 2, 3, 4]), new Float32Array(4), 2, 2, F32([1, 1]), 3, 1]],
    ["dst too short", [F32([1, 2, 3, 4]), new Float32Array(3), 2, 2, F32([1]), 1, 1]],
  ],
  blurSeparable: [
    ["even weights", [F32([1, 2, 3, 4]), new Float32Array(4), new Float32Array(4), 2, 2, F32([0.5, 0.5])]],
    ["tmp too short", [F32([1, 2, 3, 4]), new Float32Array(4), new Float32Array(2), 2, 2, F32([1])]],
  ],
  sobel: [["src too short", [U8([1, 2, 3]), new Uint8Array(4), 2, 2]], ["negative width", [U8([]), U8([]), -1, 2]]],
  levenshtein: [["row too short", [U8([1]), U8([1, 2]), new Int32Array(2)]]],
  smithWaterman: [["row too short", [U8([1]), U8([1, 2]), 2, -1, -2, new Int32Array(2)]]],
  mandelbrot: [
    ["out too short", [new Uint16Array(3), 2, 2, 0, 0, 1, 1, 10]],
    ["maxIter too large", [new Uint16Array(4), 2, 2, 0, 0, 1, 1, 65536]],
    ["negative maxIter", [new Uint16Array(4), 2, 2, 0, 0, 1, 1, -1]],
  ],
  nbodyStep: [["pos too short", [F64([1, 2]), F64([0, 0, 0]), F64([1]), 0.1, 0, 1]]],
  nbodyEnergy: [["vel too short", [F64([1, 2, 3]), F64([0, 0]), F64([1]), 0]]],
};

// ---- comparison -------------------------------------------------------------

function copyArgs(args, alloc) {
  return args.map((a) => {
    if (!ArrayBuffer.isView(a)) return a;
    const c = alloc(a.constructor, a.length);
    c.set(a);
    return c;
  });
}

function sameValue(a, b) {
  return Object.is(a, b);
}

/** First index where two typed arrays differ (by Object.is), or -1. */
function firstDifference(a, b) {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const fileOf = new Map();
for (const f of FILES) {
  const src = readFileSync(nodePath.join(KERNEL_DIR, f), "utf8");
  for (const m of src.matchAll(/^export function (\w+)\(/gm)) fileOf.set(m[1], f);
}

function implementations(name) {
  const f = fileOf.get(name);
  const plain = (C, n) => new C(n);
  return [
    ["wasm, alloc'd arrays", mods[f].checked[name], (C, n) => rt.alloc(C, n, { build: checkedBuild })],
    ["wasm, plain arrays", mods[f].checked[name], plain],
    ["wasm boundscheck=false", mods[f].unchecked[name], (C, n) => rt.alloc(C, n, { build: uncheckedBuild })],
    ["pure mode", mods[f].pure[name], plain],
  ];
}

describe("kernel library: every kernel equals its JS twin bit for bit", () => {
  it("has a JS twin and test inputs for every exported kernel", () => {
    const names = [...fileOf.keys()].sort();
    expect(names.filter((n) => typeof reference[n] !== "function")).toEqual([]);
    expect(names.filter((n) => !INPUTS[n])).toEqual([]);
  });

  for (const [name, inputs] of Object.entries(INPUTS)) {
    it(name, () => {
      for (const [label, args, output] of inputs) {
        const wantArgs = copyArgs(args, (C, n) => new C(n));
        const want = reference[name](...wantArgs);
        for (const [impl, fn, alloc] of implementations(name)) {
          const a = copyArgs(args, alloc);
          const got = fn(...a);
          const where = `${name} (${label}), ${impl}`;
          expect(sameValue(got, want), `${where}: returned ${got}, want ${want}`).toBe(true);
          if (output !== undefined) {
            const at = firstDifference(a[output], wantArgs[output]);
            expect(at, `${where}: output[${at}] = ${a[output][at]}, want ${wantArgs[output][at]}`).toBe(-1);
          }
          for (const x of a) if (rt.isKernelArray(x)) rt.free(x);
        }
      }
    });
  }

  for (const [name, bad] of Object.entries(BAD)) {
    it(`${name} rejects inconsistent sizes`, () => {
      for (const [label, args] of bad) {
        let refError;
        try {
          reference[name](...copyArgs(args, (C, n) => new C(n)));
        } catch (e) {
          refError = e;
        }
        expect(refError, `${name} (${label}): reference did not throw`).toBeInstanceOf(RangeError);
        for (const [impl, fn, alloc] of implementations(name)) {
          const a = copyArgs(args, alloc);
          let error;
          try {
            fn(...a);
          } catch (e) {
            error = e;
          }
          expect(error, `${name} (${label}), ${impl}: did not throw`).toBeDefined();
          expect(error.message, `${name} (${label}), ${impl}`).toContain(refError.message);
          for (const x of a) if (rt.isKernelArray(x)) rt.free(x);
        }
      }
    });
  }

  it("gives the expected values on known inputs", () => {
    const k = (n) => mods[fileOf.get(n)].checked[n];
    expect(k("dot")(F64([1, 2, 3]), F64([4, 5, 6]))).toBe(32);
    expect(k("nrm2")(F64([3e200, 4e200])) / 5e200).toBeCloseTo(1, 14);
    expect(k("nrm2")(F64([Infinity, -Infinity]))).toBe(Infinity);
    expect(k("min")(F64([]))).toBe(Infinity);
    expect(Object.is(k("min")(F64([0, -0])), -0)).toBe(true);
    expect(k("argmax")(F64([1, 9, 9]))).toBe(1);
    expect(k("argmin")(F64([1, NaN, -5]))).toBe(1);
    expect(k("variance")(F64([1, 2, 3, 4]), 1)).toBe(5 / 3);
    expect(k("levenshtein")(U8([..."kitten"].map((c) => c.charCodeAt(0))), U8([..."sitting"].map((c) => c.charCodeAt(0))), new Int32Array(8))).toBe(3);
    const counts = new Uint32Array(2);
    k("histogram")(F64([0, 0.5, 1, 1.5]), 0, 1, counts);
    expect([...counts]).toEqual([1, 2]);
    const c = new Float64Array(4);
    k("matmul")(F64([1, 2, 3, 4]), F64([5, 6, 7, 8]), c, 2, 2, 2);
    expect([...c]).toEqual([19, 22, 43, 50]);
  });
});

// The library's SIMD kernels (kernels/simd/simd.kernel.ts, used by the bench) must
// compute what the library kernels compute, on every shape (the bench only
// checks its own, regular sizes): bit for bit, except dot and sum, which keep
// eight partial sums.
const SIMD = { dot: "dotSimd", axpy: "axpySimd", scal: "scalSimd", sum: "sumSimd", min: "minSimd", matmul: "matmulSimd", conv2d: "conv2dSimd", blurSeparable: "blurSeparableSimd", sobel: "sobelSimd", levenshtein: "levenshteinSimd", smithWaterman: "smithWatermanSimd", mandelbrot: "mandelbrotSimd" };
const MORE_ALIGN = [
  ...[[4, 4], [5, 4], [8, 9], [13, 7], [64, 3], [3, 64], [101, 250], [250, 101]].map(([n, m], i) => [`random ${n} x ${m}`, [randBytes(n, 200 + i, DNA), randBytes(m, 300 + i, DNA)]]),
  ["equal 57", [randBytes(57, 400, DNA), randBytes(57, 400, DNA)]],
];

describe("bench SIMD variants equal the library kernels", () => {
  for (const [name, simdName] of Object.entries(SIMD)) {
    it(simdName, () => {
      let inputs = INPUTS[name];
      if (name === "levenshtein") inputs = inputs.concat(MORE_ALIGN.map(([l, [a, b]]) => [l, [a, b, new Int32Array(b.length + 1)]]));
      if (name === "smithWaterman") inputs = inputs.concat(MORE_ALIGN.map(([l, [a, b]]) => [l, [a, b, 2, -1, -2, new Int32Array(b.length + 1)]]));
      for (const [label, args, output] of inputs) {
        const wantArgs = copyArgs(args, (C, n) => new C(n));
        const want = reference[name](...wantArgs);
        const a = copyArgs(args, (C, n) => rt.alloc(C, n, { build: simdBuild }));
        const got = simd[simdName](...a);
        const where = `${simdName} (${label})`;
        if (name === "dot" || name === "sum") {
          const ok = Object.is(got, want) || Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)) || (Number.isNaN(got) && Number.isNaN(want));
          expect(ok, `${where}: returned ${got}, want ${want}`).toBe(true);
        } else {
          expect(Object.is(got, want), `${where}: returned ${got}, want ${want}`).toBe(true);
        }
        if (output !== undefined) {
          const at = firstDifference(a[output], wantArgs[output]);
          expect(at, `${where}: output[${at}] = ${a[output][at]}, want ${wantArgs[output][at]}`).toBe(-1);
        }
        for (const x of a) if (rt.isKernelArray(x)) rt.free(x);
      }
    });
  }
});

describe("kernel library: sources", () => {
  it("type-check as plain TypeScript with tskern/types", () => {
    const files = FILES.map((f) => nodePath.join(KERNEL_DIR, f)).concat(nodePath.join(REPO, "runtime/types.d.ts"));
    const program = ts.createProgram(files, {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext, lib: ["lib.es2023.d.ts"], types: [], allowImportingTsExtensions: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(diagnostics).toEqual([]);
  });

  it("kernels/README.md documents every kernel's signature", () => {
    const readme = readFileSync(nodePath.join(KERNEL_DIR, "README.md"), "utf8");
    const missing = [...fileOf.keys()].filter((n) => !new RegExp(`\`${n}\\(`).test(readme));
    expect(missing).toEqual([]);
  });
});
