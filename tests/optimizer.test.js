// The optimizing compiler (plugin/compiler/optimize/): every kernel of
// tests/fixtures/optimizer/ runs optimized, unoptimized (`optimizeKernels:
// false`, the reference) and, where pure mode computes the same thing, as
// plain JS, on random inputs of many sizes (0, 1, odd lengths, remainders of
// vector loops); results must be identical bit for bit. Out-of-bounds calls
// must throw the same located KernelError, after the same writes, in both
// builds. Also: what the optimizer reports, and that it really removed checks
// and vectorized where it says so.
import { describe, it, expect, beforeAll } from "vitest";
import { readFile } from "node:fs/promises";
import nodePath from "node:path";
import { buildProject, importBuilt, FIXTURES } from "./support/build-fixture.js";
import { compileKernels } from "../plugin/compiler/compile.js";
import { importPure } from "../plugin/index.js";
import { mulberry32 } from "../examples/cases.js";

const FIXTURE = nodePath.join(FIXTURES, "optimizer", "loopnest.kernel.ts");
const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 64];

let opt, ref, optU, refU, pure, rt, source, optBuild, refBuild;
beforeAll(async () => {
  source = await readFile(FIXTURE, "utf8");
  const sources = { "kernels/loopnest.kernel.ts": source };
  const builds = await Promise.all([
    buildProject("opt", { sources }),
    buildProject("ref", { sources, options: { optimizeKernels: false } }),
    buildProject("optu", { sources, options: { boundsCheck: false } }),
    buildProject("refu", { sources, options: { boundsCheck: false, optimizeKernels: false } }),
  ]);
  for (const b of builds) if (!b.result.ok) throw new Error(b.errors);
  [opt, ref, optU, refU] = await Promise.all(builds.map((b) => importBuilt(b.outDir, "loopnest.kernel.js")));
  pure = await importPure(FIXTURE);
  rt = await import("../runtime/index.js");
  [optBuild, refBuild] = builds.slice(0, 2).map((b) => rt.builds().find((x) => x.id === b.result.manifest.build));
});

// ---- inputs ----------------------------------------------------------------------

const floats = (C) => (rng, n, lo = -1, hi = 1) => C.from({ length: n }, () => lo + (hi - lo) * rng());
const ints = (C) => (rng, n, lo = -1000, hi = 1000) => C.from({ length: n }, () => Math.floor(lo + (hi - lo + 1) * rng()));
const F64 = floats(Float64Array), F32 = floats(Float32Array), I32 = ints(Int32Array), U32 = ints(Uint32Array);
const I16 = ints(Int16Array), U16 = ints(Uint16Array), I8 = ints(Int8Array), U8 = ints(Uint8Array);
const I64 = (rng, n) => BigInt64Array.from({ length: n }, () => BigInt(Math.floor((rng() - 0.5) * 2 ** 40)));
const U64 = (rng, n) => BigUint64Array.from({ length: n }, () => BigInt(Math.floor(rng() * 2 ** 50)));
const graph = (rng, n) => Int32Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 0 : rng() < 0.3 ? 1 + Math.floor(rng() * 100) : 1 << 29));

/**
 * Cases: `args(rng, s)` builds the arguments for size s; `pure: false` where
 * pure mode's JS numbers differ from wasm (f32 intermediates); `oob(rng, s)`
 * builds arguments that go out of bounds for s >= 1.
 */
const CASES = {
  matmul: { args: (r, s) => [F64(r, s * (s + 1)), F64(r, (s + 1) * (s + 2)), F64(r, s * (s + 2)), s, s + 1, s + 2], oob: (r, s) => [F64(r, s * 2), F64(r, 2 * (s + 1)), F64(r, s * (s + 1)), s, 2, s + 2] },
  matmulIJK: { pure: false, args: (r, s) => [F32(r, s * 3), F32(r, 3 * (s + 1)), F32(r, s * (s + 1)), s, 3, s + 1], oob: (r, s) => [F32(r, s * 3), F32(r, 3 * s), F32(r, s * (s + 1)), s, 3, s + 1] },
  matvec: { args: (r, s) => [F64(r, s * (s + 3)), F64(r, s + 3), F64(r, s), s, s + 3], oob: (r, s) => [F64(r, s * s), F64(r, s), F64(r, s), s, s + 1] },
  jacobi5: { args: (r, s) => [F64(r, (s + 2) * (s + 1)), F64(r, (s + 2) * (s + 1)), s + 2, s + 1], oob: (r, s) => [F64(r, (s + 2) * (s + 2) - 3), F64(r, (s + 2) * (s + 2)), s + 2, s + 2] },
  sweep9: { args: (r, s) => [F64(r, (s + 3) * (s + 2)), s + 3, s + 2], oob: (r, s) => [F64(r, (s + 2) * (s + 2) - 1), s + 2, s + 2] },
  floydWarshall: { args: (r, s) => [graph(r, s), s], oob: (r, s) => [graph(r, s).subarray(1), s] },
  axpy: { args: (r, s) => [0.5 + r(), F64(r, s), F64(r, s + 2)], oob: (r, s) => [2, F64(r, s + 1), F64(r, s)] },
  dot: { args: (r, s) => [F64(r, s), F64(r, s + 1), s], oob: (r, s) => [F64(r, s + 1), F64(r, s), s + 1] },
  sumI32: { args: (r, s) => [I32(r, s, -(2 ** 31), 2 ** 31 - 1), s], oob: (r, s) => [I32(r, s), s + 1] },
  maxF32: { args: (r, s) => [F32(r, s), s], oob: (r, s) => [F32(r, s), s + 1] },
  reverseInto: { args: (r, s) => [F64(r, s), F64(r, s), s], oob: (r, s) => [F64(r, s), F64(r, s - 1), s] },
  strided: { args: (r, s) => [F64(r, s), F64(r, s), s], oob: (r, s) => [F64(r, s), F64(r, s), s + 3] },
  downBy2: { args: (r, s) => [I32(r, s), s], oob: (r, s) => [I32(r, s), s + 2] },
  lowerSum: { args: (r, s) => [F64(r, s * s), F64(r, s), s], oob: (r, s) => [F64(r, s * s - 1), F64(r, s), s] },
  symmetrize: { args: (r, s) => [F64(r, s * s), s], oob: (r, s) => [F64(r, (s + 1) * s), s + 1] },
  box3d: { args: (r, s) => [F32(r, (s + 1) * s * 3), F32(r, (s + 1) * s), s + 1, s, 3], oob: (r, s) => [F32(r, (s + 1) * s * 3 - 1), F32(r, (s + 1) * s), s + 1, s, 3] },
  bytes: { args: (r, s) => [U8(r, s, 0, 255), U8(r, s + 1, 0, 255), Math.floor(r() * 600) - 300], oob: (r, s) => [U8(r, s, 0, 255), U8(r, s - 1, 0, 255), 1] },
  shorts: { args: (r, s) => [I16(r, s, -32768, 32767), U16(r, s, 0, 65535), s], oob: (r, s) => [I16(r, s), U16(r, s - 1, 0, 100), s] },
  int8s: { args: (r, s) => [I8(r, s, -128, 127), s], oob: (r, s) => [I8(r, s, -5, 5), s + 1] },
  u32s: { args: (r, s) => [U32(r, s, 0, 2 ** 32 - 1), s], oob: (r, s) => [U32(r, s, 0, 100), s + 1] },
  i64s: { args: (r, s) => [I64(r, s), U64(r, s), s], oob: (r, s) => [I64(r, s), U64(r, s - 1), s] },
  gather: { args: (r, s) => [F64(r, s + 1), I32(r, s, 0, s), F64(r, s)], oob: (r, s) => [F64(r, s), Int32Array.from({ length: s }, (_, i) => (i === s - 1 ? s : 0)), F64(r, s)] },
  findFirst: { args: (r, s) => [I32(r, s, 0, 5), 3, s], oob: (r, s) => [new Int32Array(s), 3, s + 1] },
  prefixUntil: { args: (r, s) => [F64(r, s, 0, 1), F64(r, s), s, s / 3], oob: (r, s) => [F64(r, s, 0, 0.001), F64(r, s), s + 1, 1e9] },
  skipNegative: { args: (r, s) => [F64(r, s), F64(r, s), s], oob: (r, s) => [F64(r, s, 0, 1), F64(r, s - 1), s] },
  shadow: { args: (r, s) => [F64(r, s), s], oob: (r, s) => [F64(r, s), s + 1] },
  reassigned: { args: (r, s) => [F64(r, s), F64(r, s + 1), s], oob: (r, s) => [F64(r, s), F64(r, s - 1), s] },
  shrinking: { args: (r, s) => [F64(r, s), s], oob: (r, s) => [F64(r, s - 1 > 2 ? s - 2 : 0), s] },
  scaleAdd: { args: (r, s) => [F64(r, s), F64(r, s), F64(r, s), r() * 4 - 2, s], oob: (r, s) => [F64(r, s), F64(r, s - 1), F64(r, s), 1, s] },
  shiftLeft: { args: (r, s) => [F64(r, s), s], oob: (r, s) => [F64(r, s), s + 1] },
  shiftRight: { args: (r, s) => [F64(r, s), s], oob: (r, s) => [F64(r, s), s + 1] },
  f32ops: { pure: false, args: (r, s) => [F32(r, s, -4, 4), F32(r, s, -4, 4), s, 0.5 + r()], oob: (r, s) => [F32(r, s), F32(r, s - 1), s, 1] },
  i32ops: { args: (r, s) => [I32(r, s), I32(r, s, -(2 ** 31), 2 ** 31 - 1), s, Math.floor(r() * 200) - 100], oob: (r, s) => [I32(r, s - 1), I32(r, s), s, 3] },
  prefixSum: { args: (r, s) => [F64(r, s), s], oob: (r, s) => [F64(r, s), s + 1] },
  prefixInto: { args: (r, s) => [F64(r, s), F64(r, s), s], oob: (r, s) => [F64(r, s + 1), F64(r, s), s + 1] },
  smooth3: { pure: false, args: (r, s) => [F32(r, s), s], oob: (r, s) => [F32(r, s), s + 2] },
  runningMax: { args: (r, s) => [I32(r, s), I32(r, s), s], oob: (r, s) => [I32(r, s + 2), I32(r, s + 1), s + 2] },
  diffs: { args: (r, s) => [I64(r, s), I64(r, s), s], oob: (r, s) => [I64(r, s + 1), I64(r, s - 1), s + 1] },
  shapes: { args: (r, s) => [F64(r, s), F64(r, s), s], oob: (r, s) => [F64(r, s), F64(r, s - 1), s] },
  remainderLoops: { args: (r, s) => [F32(r, s), F32(r, s), s], oob: (r, s) => [F32(r, s), F32(r, s - 1), s] },
  convSum: { args: (r, s) => [F32(r, 5), F32(r, s + 4), F32(r, s), 5, s], oob: (r, s) => [F32(r, 5), F32(r, s + 3), F32(r, s), 5, s] },
  floydMin: { args: (r, s) => [F64(r, s * s, -3, 20).map(Math.round), s], oob: (r, s) => [F64(r, s * s - 1), s] },
  // i32 sums overflow with negative cycles: wasm wraps them, pure mode does not.
  floydIf: { pure: false, args: (r, s) => [I32(r, s * s, -3, 20), s], oob: (r, s) => [I32(r, s * s - 1), s] },
  clampF64: { args: (r, s) => [F64(r, s, -2, 2), -0.5, 0.75, s], oob: (r, s) => [F64(r, s), 0, 1, s + 1] },
  pairEnergy: { args: (r, s) => [F64(r, 3 * s), F64(r, s, 0.5, 2), s, 0.01], oob: (r, s) => [F64(r, 3 * s), F64(r, s - 1), s, 0.01] },
  oddDotF32: { pure: false, args: (r, s) => [F32(r, 2 * s + 1), F32(r, s), s], oob: (r, s) => [F32(r, 2 * s - 1), F32(r, s), s] },
  strideSubI32: { args: (r, s) => [I32(r, 4 * s, -(2 ** 31), 2 ** 31 - 1), s], oob: (r, s) => [I32(r, 4 * s - 3), s] },
  // pure mode computes in JS numbers: no wrapping at 8 or 16 bits
  narrowWrap: { pure: false, args: (r, s) => [U8(r, s, 0, 255), I8(r, s, -128, 127), U16(r, s, 0, 65535), I32(r, s), s], oob: (r, s) => [U8(r, s, 0, 255), I8(r, s - 1, -128, 127), U16(r, s, 0, 65535), I32(r, s), s] },
  subI32: { args: (r, s) => [I32(r, s, -(2 ** 31), 2 ** 31 - 1), s], oob: (r, s) => [I32(r, s - 1), s] },
  deinterleave: { args: (r, s) => [F64(r, 3 * s), F64(r, s), s], oob: (r, s) => [F64(r, 3 * s - 2), F64(r, s), s] },
  scatterPairs: { args: (r, s) => [F64(r, s), F64(r, 2 * s), s], oob: (r, s) => [F64(r, s), F64(r, 2 * s - 2), s] },
};

/** Aliased calls: the same array passed as two parameters. */
const ALIASED = {
  scaleAdd: (r, s) => { const x = F64(r, s); return [x, F64(r, s), x, 1.5, s]; },
  scaleAddOutY: (r, s) => { const y = F64(r, s); return [F64(r, s), y, y, -0.5, s]; },
  scaleAddAll: (r, s) => { const x = F64(r, s); return [x, x, x, 3, s]; },
  jacobi5: (r, s) => { const g = F64(r, (s + 2) * (s + 2)); return [g, g, s + 2, s + 2]; },
  i32ops: (r, s) => { const x = I32(r, s); return [x, x, s, 7]; },
  prefixInto: (r, s) => { const x = F64(r, s); return [x, x, s]; },
  runningMax: (r, s) => { const x = I32(r, s); return [x, x, s]; },
  // overlapping views of one buffer, shifted by one element
  prefixIntoShifted: (r, s) => { const b = F64(r, s + 1); return [b.subarray(1), b.subarray(0, s), s]; },
  runningMaxShifted: (r, s) => { const b = I32(r, s + 2); return [b.subarray(0, s), b.subarray(2), s]; },
  scaleAddShifted: (r, s) => { const b = F64(r, s + 1); return [b.subarray(0, s), F64(r, s), b.subarray(1), 2, s]; },
  // out overlaps the strided rows of x (the overlap check must account for the stride)
  deinterleaveShifted: (r, s) => { const b = F64(r, 3 * s + 1); return [b, b.subarray(s + 1), s]; },
  deinterleaveSame: (r, s) => { const b = F64(r, 3 * s); return [b, b, s]; },
  // out starts past x[0..s+2] (what a check ignoring the stride would take as
  // x's extent) and out[j] is x[3 * (j + 1)], read by the next iteration of
  // the same vector pair: only a stride-aware check sees the overlap
  deinterleaveFar: (r, s) => { const b = F64(r, 3 * s); const j = (s - 2) & ~1; const k = s >= 4 ? 2 * j + 3 : 0; return [b, b.subarray(k, k + s), s]; },
};

// ---- comparing -------------------------------------------------------------------

const copyArgs = (args) => args.map((a) => (ArrayBuffer.isView(a) ? a.slice() : a));
/**
 * Copies that keep aliasing: views of one buffer stay views of one buffer,
 * at the same offsets (overlapping subarrays included). With `build`, the
 * buffer lives in that build's kernel memory, so the kernel sees the overlap
 * (plain arrays would be copied in one by one).
 */
function copyAliased(args, build) {
  const buffers = new Map();
  return args.map((a) => {
    if (!ArrayBuffer.isView(a)) return a;
    if (!buffers.has(a.buffer)) {
      const bytes = new Uint8Array(a.buffer);
      let copy;
      if (build) {
        copy = rt.alloc(Uint8Array, bytes.length, { build });
        copy.set(bytes);
      } else copy = bytes.slice();
      buffers.set(a.buffer, copy);
    }
    const base = buffers.get(a.buffer);
    return new a.constructor(base.buffer, base.byteOffset + a.byteOffset, a.length);
  });
}

function run(mod, name, args) {
  try {
    return { value: mod[name](...args), args };
  } catch (error) {
    return { error, args };
  }
}

/** Elementwise identity (Object.is: NaN equals NaN, -0 differs from 0). */
function same(a, b) {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.length !== b.length || a.constructor !== b.constructor) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  return Object.is(a, b);
}

function expectSame(what, x, y) {
  if (x.error || y.error) {
    expect(x.error?.message, `${what}: error`).toBe(y.error?.message);
    expect(x.error?.code, `${what}: error code`).toBe(y.error?.code);
  } else {
    expect(same(x.value, y.value), `${what}: result ${x.value} vs ${y.value}`).toBe(true);
  }
  x.args.forEach((a, i) => {
    if (ArrayBuffer.isView(a)) expect(same(a, y.args[i]), `${what}: array argument ${i}`).toBe(true);
  });
}

// ---- tests -----------------------------------------------------------------------

describe("optimized = unoptimized = plain JS on random inputs", () => {
  for (const [name, c] of Object.entries(CASES)) {
    it(name, () => {
      for (const s of SIZES) {
        for (let seed = 1; seed <= 3; seed++) {
          const args = c.args(mulberry32(seed * 1000 + s), s);
          const o = run(opt, name, copyArgs(args));
          const r = run(ref, name, copyArgs(args));
          expect(o.error, `${name}(size ${s}) threw ${o.error?.message}`).toBeUndefined();
          expectSame(`${name} size ${s} seed ${seed}: optimized vs unoptimized`, o, r);
          if (c.pure !== false) {
            const p = run(pure, name, copyArgs(args));
            if (p.error) throw p.error;
            if (typeof p.value === "number" && typeof o.value === "number" && !Number.isInteger(o.value) && name !== "dot" && name !== "maxF32") {
              // float results are compared through the arrays below
            }
            expectSame(`${name} size ${s} seed ${seed}: optimized vs plain JS`, o, p);
          }
          // boundscheck=false builds agree too (inputs are in bounds).
          const ou = run(optU, name, copyArgs(args));
          const ru = run(refU, name, copyArgs(args));
          expectSame(`${name} size ${s}: unchecked optimized vs unchecked unoptimized`, ou, ru);
        }
      }
    });
  }
});

describe("aliased arguments (the same array twice)", () => {
  for (const [label, make] of Object.entries(ALIASED)) {
    const name = label.replace(/(OutY|All|Shifted|Same|Far)$/, "");
    it(label, () => {
      for (const s of SIZES) {
        const args = make(mulberry32(77 + s), s);
        const o = run(opt, name, copyAliased(args, optBuild));
        expectSame(`${label} size ${s}`, o, run(ref, name, copyAliased(args, refBuild)));
        if (CASES[name].pure !== false) expectSame(`${label} size ${s} vs JS`, o, run(pure, name, copyAliased(args)));
      }
    });
  }
});

describe("out of bounds inside optimized loops", () => {
  for (const [name, c] of Object.entries(CASES)) {
    if (!c.oob) continue;
    it(`${name}: same located KernelError, after the same writes`, () => {
      for (const s of [1, 2, 3, 5, 8, 17]) {
        const args = c.oob(mulberry32(5000 + s), s);
        const o = run(opt, name, copyArgs(args));
        const r = run(ref, name, copyArgs(args));
        expect(r.error, `${name} oob size ${s} should throw`).toBeDefined();
        expectSame(`${name} oob size ${s}`, o, r);
        if (r.error && r.error.code === "TSK201") {
          expect(o.error).toBeInstanceOf(rt.KernelError);
          expect(o.error.message).toMatch(/index -?\d+ out of bounds for length \d+ at kernels\/loopnest\.kernel\.ts:\d+:\d+/);
        }
      }
    });
  }

  it("a loop bound n > x.length names the access and the first bad index", () => {
    const x = new Float64Array(5), y = new Float64Array(9);
    let e;
    try { opt.dot(x, y, 9); } catch (err) { e = err; }
    const line = source.split("\n").findIndex((l) => l.includes("s += x[i] * y[i]")) + 1;
    const col = source.split("\n")[line - 1].indexOf("x[i] * y[i]") + 1;
    expect(e).toBeInstanceOf(rt.KernelError);
    expect(e.code).toBe("TSK201");
    expect(e.message).toContain(`dot: index 5 out of bounds for length 5 at kernels/loopnest.kernel.ts:${line}:${col}`);
    // later calls work
    expect(opt.dot(new Float64Array([1, 2]), new Float64Array([3, 4]), 2)).toBe(11);
  });
});

describe("sizes that overflow i32 index arithmetic, negative sizes", () => {
  const EXTREME = [-1, -7, -(2 ** 31), 2 ** 31 - 1, 2 ** 31 - 2, 46341, 65536, 1 << 30];
  const calls = {
    matmul: (n) => [F64(mulberry32(1), 12), F64(mulberry32(2), 12), F64(mulberry32(3), 12), n, 3, n],
    matvec: (n) => [F64(mulberry32(1), 10), F64(mulberry32(2), 10), F64(mulberry32(3), 10), 4, n],
    jacobi5: (n) => [F64(mulberry32(1), 30), F64(mulberry32(2), 30), n, 4],
    sweep9: (n) => [F64(mulberry32(1), 30), 5, n],
    floydWarshall: (n) => [graph(mulberry32(4), 3), n],
    lowerSum: (n) => [F64(mulberry32(1), 9), F64(mulberry32(2), 9), n],
    box3d: (n) => [F32(mulberry32(1), 24), F32(mulberry32(2), 8), 4, 2, n],
    strided: (n) => [F64(mulberry32(1), 9), F64(mulberry32(2), 9), n],
    reverseInto: (n) => [F64(mulberry32(1), 9), F64(mulberry32(2), 9), n],
    downBy2: (n) => [I32(mulberry32(1), 9), n],
    shapes: (n) => [F64(mulberry32(1), 9), F64(mulberry32(2), 9), n],
    prefixInto: (n) => [F64(mulberry32(1), 9), F64(mulberry32(2), 9), n],
    pairEnergy: (n) => [F64(mulberry32(1), 9), F64(mulberry32(2), 3), n, 0.01],
    deinterleave: (n) => [F64(mulberry32(1), 9), F64(mulberry32(2), 3), n],
    strideSubI32: (n) => [I32(mulberry32(1), 12), n],
  };
  for (const [name, make] of Object.entries(calls)) {
    it(name, () => {
      for (const n of EXTREME) {
        const args = make(n);
        expectSame(`${name}(${n})`, run(opt, name, copyArgs(args)), run(ref, name, copyArgs(args)));
      }
    });
  }
});

describe("what the optimizer did (the compile result's optimizations)", () => {
  let notes;
  beforeAll(async () => {
    const r = await compileKernels({ root: nodePath.join(FIXTURES, "optimizer"), files: ["loopnest.kernel.ts"] });
    expect(r.ok).toBe(true);
    notes = r.optimizations;
  });
  const at = (needle) => source.split("\n").findIndex((l) => l.includes(needle)) + 1;
  const kinds = (line) => notes.filter((n) => n.line === line).map((n) => `${n.kind}: ${n.message}`);

  it("matmul: checks removed at the outer loop, inner loops vectorized with an overlap check", () => {
    expect(kinds(at("for (let i = 0; i < n; i++) {")).find((k) => k.startsWith("versioned"))).toMatch(/^versioned: 4 bounds checks removed \(\d+ run-time conditions? before the loop/);
    expect(kinds(at("for (let j = 0; j < m; j++) {"))).toContain("vectorized: vectorized (f64x2, 1 overlap check before the loop)");
  });
  it("reductions: integer and min/max in any order; float sums in order", () => {
    expect(kinds(at("for (let i = 0; i < n; i++) s += x[i];"))).toContain("vectorized: vectorized (i32x4, reduction)");
    expect(kinds(at("m = Mathf.max(m, x[i])"))).toContain("vectorized: vectorized (f32x4, reduction)");
    expect(kinds(at("s += x[i] * y[i];")).join()).toContain("in-order float reduction");
  });
  it("u8/i8/u16 element arithmetic wraps like AssemblyScript's (the direct loads keep the element type)", async () => {
    const x = new Uint8Array([100, 200]), y = new Int8Array([100, -100]), z = new Uint16Array([10000, 65535]);
    const o = new Int32Array(2), want = [(100 + 200) & 255, (200 + 200) & 255].map((v, i) => v + ((([100, -100][i] * 3) << 24) >> 24) + (([10000, 65535][i] + 60000) & 65535));
    opt.narrowWrap(x, y, z, o, 2);
    expect([...o]).toEqual(want);
  });
  it("strided reads are gathered lane by lane; differences reduce in order (floats) or as a sum (i32); strided stores stay scalar", () => {
    expect(kinds(at("for (let j: i32 = i + 1; j < n; j++) {")).join()).toContain("vectorized (f64x2, in-order float reduction)");
    expect(kinds(at("s = s - x[2 * j + 1] / y[j]")).join()).toContain("vectorized (f32x4, in-order float reduction)");
    expect(kinds(at("s -= x[j] * 3"))).toContain("vectorized: vectorized (i32x4, reduction)");
    expect(kinds(at("s -= x[4 * j] ^ x[4 * j + 3]"))).toContain("scalar: not vectorized: strided reads without a square root or division (gathering the lanes costs what the vector saves)");
    expect(kinds(at("out[j] = Math.sqrt(Math.abs(x[3 * j]))"))).toContain("vectorized: vectorized (f64x2, 1 overlap check before the loop)");
    expect(kinds(at("out[2 * j] = x[j] * 2.0"))).toContain("scalar: not vectorized: a strided store");
  });
  it("a loop-carried dependence is not vectorized, and says why; the in-place sweep carries values instead", () => {
    const line = at("for (let x: i32 = 1; x < w - 1; x++) {");
    expect(kinds(line)).toContain("scalar: not vectorized: a loop-carried dependence (an element stored in one iteration is read in another)");
    expect(kinds(line).join()).toMatch(/carried: 6 loaded values carried/);
    expect(kinds(at("x[i] = x[i - 1] + 1.0;")).join()).toContain("not vectorized: a loop-carried dependence");
  });
  it("accesses that keep their check say why", () => {
    expect(kinds(at("out[i] = x[idx[i]]")).join()).toMatch(/checked: bounds check kept: the index is read from an array \(data-dependent\)/);
    expect(notes.some((n) => /the index uses 'i', which changes inside the loop and is not the counter of a `for/.test(n.message))).toBe(true);
    expect(kinds(at("if (i == 2) n = n - 1;") - 1).join()).toMatch(/checked: bounds check kept: the bound of loop 'i' is not affine/);
  });
  it("u8 and i16 loops are not vectorized, with the reason", () => {
    expect(kinds(at("for (let i = 0; i < src.length; i++) {")).join()).toContain("not vectorized: element type u8");
  });
});

describe("// @tskern fastmath", () => {
  const SRC = `
export function sum(x: Float64Array): f64 {
  let s: f64 = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}
// @tskern fastmath
export function sumFast(x: Float64Array): f64 {
  let s: f64 = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}
`;
  it("is a directive: it lets float sums be reassociated (vectorized); results agree to rounding", async () => {
    const r = await compileKernels({ root: "/", files: ["/k/f.kernel.ts"], readFile: async () => SRC });
    expect(r.ok).toBe(true);
    const byLine = (l) => r.optimizations.filter((n) => n.line === l).map((n) => n.message).join();
    expect(byLine(4)).toContain("in-order float reduction");
    expect(byLine(10)).toMatch(/vectorized \(f64x2, reduction\)/);
    const built = await buildProject("fastmath", { sources: { "kernels/f.kernel.ts": SRC } });
    const k = await importBuilt(built.outDir, "f.kernel.js");
    const x = F64(mulberry32(9), 1001);
    let exact = 0;
    for (const v of x) exact += v;
    expect(k.sum(x)).toBe(exact);
    expect(Math.abs(k.sumFast(x) - exact)).toBeLessThan(1e-12);
  });
  it("takes true or false", async () => {
    const r = await compileKernels({ root: "/", files: ["/k/f.kernel.ts"], readFile: async () => "// @tskern fastmath=maybe\nexport function f(): void {}\n" });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].code).toBe("TSK103");
  });
});

describe("functions the optimizer leaves to the reference rewrite", () => {
  it("still check every access, located", async () => {
    const SRC = `
class Acc { data: Float64Array; constructor(n: i32) { this.data = new Float64Array(n); } }
export function viaField(n: i32, i: i32): f64 {
  const a = new Acc(n);
  for (let j = 0; j < n; j++) a.data[j] = <f64>j;
  return a.data[i];
}
export function viaLoop(x: Float64Array, n: i32): f64 {
  let s: f64 = 0;
  let i = 0;
  while (i < n) { s += x[i]; i++; }
  return s;
}
`;
    const pos = (needle) => {
      const before = SRC.slice(0, SRC.indexOf(needle)).split("\n");
      return `${before.length}:${before.at(-1).length + 1}`;
    };
    const built = await buildProject("fallback", { sources: { "kernels/b.kernel.ts": SRC } });
    if (!built.result.ok) throw new Error(built.errors);
    const k = await importBuilt(built.outDir, "b.kernel.js");
    expect(k.viaField(4, 3)).toBe(3);
    let e;
    try { k.viaField(4, 4); } catch (err) { e = err; }
    expect(e.message).toContain(`index 4 out of bounds for length 4 at kernels/b.kernel.ts:${pos("a.data[i]")}`);
    try { k.viaLoop(new Float64Array(3), 4); } catch (err) { e = err; }
    expect(e.message).toContain(`index 3 out of bounds for length 3 at kernels/b.kernel.ts:${pos("x[i]; i++")}`);
  });
});

// Random loop nests: affine bounds and indices with random signs, strides and
// offsets, in f64 and i32, counting up and down. A wrong proof would let an
// out-of-bounds access run unchecked in the optimized build (silently reading
// or writing memory outside the array) where the reference throws: any
// difference in results, writes or errors fails.
describe("random loop nests: optimized = unoptimized", () => {
  const N_KERNELS = 60;
  let gen, genRef, kernels;
  beforeAll(async () => {
    const rng = mulberry32(20240611);
    const pick = (xs) => xs[Math.floor(rng() * xs.length)];
    const coef = () => pick([-2, -1, 0, 1, 1, 1, 2, 3]);
    const term = (c, v) => (c === 0 ? "" : c === 1 ? ` + ${v}` : c === -1 ? ` - ${v}` : c < 0 ? ` - ${-c} * ${v}` : ` + ${c} * ${v}`);
    const affine = (vars, k = pick([-2, -1, 0, 0, 1, 2])) => {
      let e = String(k);
      for (const v of vars) e += term(coef(), v);
      return `(${e})`;
    };
    const src = [];
    kernels = [];
    for (let n = 0; n < N_KERNELS; n++) {
      const f = n % 3 === 2 ? "i32" : "f64";
      const A = f === "f64" ? "Float64Array" : "Int32Array";
      const depth = 1 + Math.floor(rng() * 3);
      const names = ["i", "j", "k"].slice(0, depth);
      let body = "";
      const lines = [];
      let indent = "  ";
      const outer = [];
      for (const v of names) {
        const lo = pick(["0", "1", "-1", "p", ...outer.map((o) => o), ...outer.map((o) => `${o} + 1`)]);
        const hi = pick(["n", "m", "n - 1", "m + 1", "p", ...outer.map((o) => `${o}`), ...outer.map((o) => `n - ${o}`)]);
        const shape = pick(["up", "up", "up", "le", "down", "step2"]);
        const head =
          shape === "up" ? `for (let ${v} = ${lo}; ${v} < ${hi}; ${v}++)` :
          shape === "le" ? `for (let ${v} = ${lo}; ${v} <= ${hi}; ${v}++)` :
          shape === "down" ? `for (let ${v} = ${hi}; ${v} >= ${lo}; ${v}--)` :
          `for (let ${v} = ${lo}; ${v} < ${hi}; ${v} += 2)`;
        lines.push(`${indent}${head} {`);
        indent += "  ";
        outer.push(v);
      }
      const idx = () => pick([
        () => affine(names),
        () => affine(names),
        () => `${names[0]} * m + ${names[names.length - 1]}${pick(["", " - 1", " + 1"])}`,
        () => `(n - 1 - ${names[0]}) * m + ${names[names.length - 1]}`,
        () => `${names[0]} * ${pick(["n", "m", "p"])} ${pick(["+", "-"])} ${affine(names.slice(1))}`,
      ])();
      const stmts = f === "f64"
        ? [`a[${idx()}] += b[${idx()}] * 0.5;`, `s += a[${idx()}] - b[${idx()}];`, `b[${idx()}] = a[${idx()}] + 1.0;`, `s = Math.max(s, b[${idx()}]);`]
        : [`a[${idx()}] += b[${idx()}] * 3;`, `s += a[${idx()}] ^ b[${idx()}];`, `b[${idx()}] = a[${idx()}] + 1;`, `s = max(s, b[${idx()}]);`];
      const count = 1 + Math.floor(rng() * 2);
      for (let c = 0; c < count; c++) lines.push(`${indent}${pick(stmts)}`);
      for (let d = depth; d > 0; d--) { indent = indent.slice(2); lines.push(`${indent}}`); }
      body = lines.join("\n");
      src.push(`export function gen${n}(a: ${A}, b: ${A}, n: i32, m: i32, p: i32): ${f} {\n  let s: ${f} = 0;\n${body}\n  return s;\n}\n`);
      kernels.push({ name: `gen${n}`, A: f === "f64" ? Float64Array : Int32Array });
    }
    const sources = { "kernels/gen.kernel.ts": src.join("\n") };
    const [o, r] = await Promise.all([buildProject("gen-opt", { sources }), buildProject("gen-ref", { sources, options: { optimizeKernels: false } })]);
    if (!o.result.ok) throw new Error(o.errors);
    if (!r.result.ok) throw new Error(r.errors);
    gen = await importBuilt(o.outDir, "gen.kernel.js");
    genRef = await importBuilt(r.outDir, "gen.kernel.js");
  });

  it(`${N_KERNELS} kernels x 40 argument sets`, () => {
    let inBounds = 0, errors = 0;
    for (const { name, A } of kernels) {
      const rng = mulberry32(7919 + Number(name.slice(3)));
      for (let t = 0; t < 40; t++) {
        const big = t % 2 === 1 ? 140 : 0; // large arrays: guards pass, the fast paths run
        const sizeA = big + Math.floor(rng() * 60), sizeB = big + Math.floor(rng() * 60);
        const args = [A.from({ length: sizeA }, () => Math.floor(rng() * 100) - 50), A.from({ length: sizeB }, () => Math.floor(rng() * 100) - 50),
          Math.floor(rng() * 12) - 2, Math.floor(rng() * 12) - 2, Math.floor(rng() * 12) - 2];
        const o = run(gen, name, copyArgs(args)), r = run(genRef, name, copyArgs(args));
        expectSame(`${name}(${args.slice(2).join(", ")}) sizes ${sizeA}, ${sizeB}`, o, r);
        if (r.error) errors++; else inBounds++;
      }
    }
    // Both outcomes must be well represented for the comparison to mean something.
    expect(inBounds).toBeGreaterThan(300);
    expect(errors).toBeGreaterThan(300);
  });
});

describe("type errors are the same with and without the optimizer", () => {
  it("element stores and indices keep AssemblyScript's typing", async () => {
    const SRC = `
export function f(a: Float32Array, v: f64): void {
  for (let i = 0; i < a.length; i++) a[i] = v;
}
export function g(a: Int32Array): void {
  for (let i = 0; i < a.length; i++) a[i] += 1.5;
}
export function h(a: Uint8Array, v: i64): void {
  for (let i = 0; i < a.length; i++) a[i] = v;
}
export function k(a: Float64Array, i: f64): f64 {
  return a[i];
}
export function ok(a: Uint8Array, b: Int16Array, c: Float32Array, v: i32): void {
  for (let i = 0; i < a.length; i++) { a[i] = v; b[i] = a[i] + 1; c[i] = 1; c[i]++; }
}
`;
    const compile = (optimizeKernels) => compileKernels({ root: "/", files: ["/k/t.kernel.ts"], readFile: async () => SRC, optimizeKernels });
    const [o, r] = await Promise.all([compile(true), compile(false)]);
    const shape = (res) => res.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);
    expect(shape(o)).toEqual(shape(r));
    expect(shape(r).length).toBe(4);
  });
});

describe("loop outlining for first-call tier-up (optimize/outline.js)", () => {
  // Each kernel's outer loop is a candidate; the comments say whether it is outlined.
  const SRC = `
// outlined: height 3, reads its counter (rows), a written outer variable returned
export function rowsBest(a: Float64Array, w: i32, h: i32, k: i32): f64 {
  let best: f64 = -1.0;
  for (let y: i32 = 0; y < h; y++) {
    for (let x: i32 = 0; x < w; x++) {
      let s: f64 = 0;
      for (let t: i32 = 0; t < k; t++) s += a[y * w + x] * f64(t + 1);
      if (s > best) best = s;
    }
  }
  return best;
}
// outlined: the counter is declared outside and used after the loop; step 2; continue inside
export function pairs(a: Int32Array, out: Int32Array, m: i32, n: i32): i32 {
  let i: i32 = 0;
  for (; i < m - 1; i += 2) {
    if (a[i] < 0) continue;
    for (let j: i32 = 0; j < n; j++) out[i * n + j] = a[i] * j + a[i + 1];
  }
  return i;
}
// outlined: counting down, inclusive; a trap (division by zero) inside
export function down(a: Int32Array, d: Int32Array, n: i32, m: i32): void {
  for (let i: i32 = n - 1; i >= 0; i--) {
    for (let j: i32 = 0; j < m; j++) a[i * m + j] = a[i * m + j] / d[j];
  }
}
// outlined, nested in another loop: 64 iterations per call
export function nest(a: Float64Array, reps: i32, n: i32, m: i32): f64 {
  let s: f64 = 0;
  for (let r: i32 = 0; r < reps; r++) {
    for (let i: i32 = 0; i < n; i++) {
      for (let j: i32 = 0; j < m; j++) {
        for (let k: i32 = 0; k < 2 + (j & 1); k++) s += a[i * m + j] * f64(k + r);
      }
    }
  }
  return s;
}
// outlined: break out of the loop (a flag global tells the caller to break too)
export function withBreak(a: Float64Array, n: i32, m: i32): f64 {
  let s: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    if (a[i] < -0.9) break;
    for (let j: i32 = 0; j < m; j++) s += a[j];
  }
  return s;
}
// outlined as a streaming loop: its inner loop runs 3 literal iterations (no nest level)
export function xyz(a: Float64Array, n: i32): f64 {
  let s: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    for (let d: i32 = 0; d < 3; d++) s += a[i * 3 + d];
  }
  return s;
}
// not outlined: the body changes the bound
export function shrink(a: Float64Array, n: i32): f64 {
  let m: i32 = n;
  let s: f64 = 0;
  for (let i: i32 = 0; i < m; i++) {
    for (let j: i32 = 0; j < i; j++) s += a[j];
    if (a[i] > 0.5) m--;
  }
  return s;
}
// outlined (streaming, 4096 iterations per call): one carried value, returned
export function sumS(a: Float64Array): f64 {
  let s: f64 = 0;
  for (let i: i32 = 0; i < a.length; i++) s += a[i];
  return s;
}
// outlined (streaming): two carried values and a return from the kernel
export function argminS(x: Float64Array): i32 {
  const n: i32 = x.length;
  if (n == 0) return -1;
  let best: f64 = x[0];
  let at: i32 = 0;
  for (let i: i32 = 1; i < n; i++) {
    const v: f64 = x[i];
    if (!(v >= best)) {
      if (v != v) return i;
      best = v;
      at = i;
    }
  }
  return at;
}
// outlined (streaming): the counter declared outside, three more carried values, a break, a bounds error when out is short
export function scanUntil(a: Int32Array, out: Int32Array, limit: i32): f64 {
  let lo: i32 = 0;
  let hi: i32 = 0;
  let s: i32 = 0;
  let i: i32 = 0;
  for (; i < a.length; i++) {
    if (s > limit) break;
    s += a[i];
    out[i] = s;
    if (a[i] < lo) lo = a[i];
    if (a[i] > hi) hi = a[i];
  }
  return f64(i) + f64(lo) * 1e3 + f64(hi) * 1e7 + f64(s) * 1e-3;
}
// outlined (streaming): a void kernel that returns early; a trap (division by zero)
export function divUntil(a: Int32Array, d: Int32Array, out: Int32Array): void {
  for (let i: i32 = 0; i < a.length; i++) {
    if (a[i] == 12345) return;
    out[i] = a[i] / d[i];
  }
}
// not outlined: returns a reference from inside the loop
export function firstNeg(a: Float64Array, b: Float64Array): Float64Array {
  for (let i: i32 = 0; i < a.length; i++) if (a[i] < -0.99) return b;
  return a;
}
// not outlined: assigns two array references
export function swapRefs(a: Float64Array, b: Float64Array): f64 {
  let p: Float64Array = a;
  let q: Float64Array = b;
  let s: f64 = 0;
  for (let i: i32 = 0; i < a.length; i++) {
    s += p[i];
    const t: Float64Array = p;
    p = q;
    q = t;
  }
  return s;
}
// outermost height 3 whose body never reads its counter (a repeat count, often 1): the height-2 loop inside is
// outlined instead; the height-1 loop inside is not
export function stepsLike(pos: Float64Array, vel: Float64Array, n: i32, steps: i32): void {
  for (let st: i32 = 0; st < steps; st++) {
    for (let b: i32 = 0; b < n; b++) {
      let v: f64 = vel[b];
      for (let c: i32 = 0; c < n; c++) v += (pos[c] - pos[b]) * 0.001;
      vel[b] = v;
    }
    for (let k: i32 = 0; k < n; k++) pos[k] += vel[k];
  }
}
// height 3 inside another loop, holding two nests (a big function): each nest is outlined on its own
export function twoNests(a: Float64Array, out: Float64Array, reps: i32, m: i32, n: i32): void {
  for (let r: i32 = 0; r < reps; r++) {
    for (let i: i32 = 0; i < m; i++) {
      let j: i32 = 0;
      for (; j < n - 1; j += 2) {
        let s: f64 = 0;
        for (let k: i32 = 0; k < n; k++) s += a[i * n + k] * f64(j + r);
        out[i * n + j] = s;
      }
      for (; j < n; j++) {
        let s: f64 = 0;
        for (let k: i32 = 0; k < n; k++) s -= a[i * n + k];
        out[i * n + j] = s + 1;
      }
    }
  }
}
// not outlined: a helper (only exported kernels are; a helper tiers up by its own calls)
function helperSum(a: Float64Array): f64 {
  let s: f64 = 0;
  for (let i: i32 = 0; i < a.length; i++) s += a[i] * 2;
  return s;
}
export function useHelper(a: Float64Array): f64 {
  return helperSum(a) + 1;
}
`;
  const FILE = "kernels/outline.kernel.ts";
  const lineOf = (needle) => SRC.split("\n").findIndex((l) => l.includes(needle)) + 1;
  let o, r, notes, wasmO, wasmR;
  beforeAll(async () => {
    const sources = { [FILE]: SRC };
    const [ob, rb] = await Promise.all([buildProject("outline-opt", { sources }), buildProject("outline-ref", { sources, options: { optimizeKernels: false } })]);
    if (!ob.result.ok) throw new Error(ob.errors);
    if (!rb.result.ok) throw new Error(rb.errors);
    o = await importBuilt(ob.outDir, "outline.kernel.js");
    r = await importBuilt(rb.outDir, "outline.kernel.js");
    const c = await compileKernels({ root: "/", files: [`/p/${FILE}`], readFile: async () => SRC });
    notes = c.optimizations;
    wasmO = c.wasm;
    wasmR = (await compileKernels({ root: "/", files: [`/p/${FILE}`], readFile: async () => SRC, optimizeKernels: false })).wasm;
  });
  const kinds = (needle) => notes.filter((n) => n.line === lineOf(needle) && n.kind === "outlined").map((n) => n.message);

  it("applies where it can and says why not elsewhere", () => {
    expect(kinds("for (let y: i32 = 0; y < h; y++)").join()).toMatch(/^loop outlined into '__tsk_outline0_rowsBest' \(16 iterations per call/);
    expect(kinds("for (let st: i32 = 0; st < steps; st++)").length + kinds("for (let k: i32 = 0; k < n; k++) pos[k]").length).toBe(0);
    expect(kinds("for (let b: i32 = 0; b < n; b++)").join()).toMatch(/^loop outlined into '__tsk_outline0_stepsLike' \(64 iterations per call/);
    expect(kinds("for (; j < n - 1; j += 2) {").join()).toMatch(/^loop outlined into '__tsk_outline0_twoNests' \(64 iterations per call/);
    expect(kinds("for (; j < n; j++) {").join()).toMatch(/^loop outlined into '__tsk_outline1_twoNests' \(64 iterations per call/);
    expect(kinds("for (; i < m - 1; i += 2)").join()).toMatch(/^loop outlined into/);
    expect(kinds("for (let i: i32 = n - 1; i >= 0; i--)").join()).toMatch(/^loop outlined into/);
    expect(notes.some((n) => n.kind === "outlined" && n.message.startsWith("loop outlined into '__tsk_outline0_withBreak'"))).toBe(true);
    expect(notes.some((n) => n.kind === "outlined" && n.message.includes("the loop body changes 'm', which the bound reads"))).toBe(true);
    expect(kinds("for (let d: i32 = 0; d < 3; d++)").length).toBe(0);
    expect(notes.filter((n) => n.kind === "outlined" && n.line === lineOf("export function xyz") + 2).map((n) => n.message).join()).toMatch(/^loop outlined into '__tsk_outline0_xyz' \(4096 iterations per call/);
    // Inner loops are not outlined again.
    expect(kinds("for (let i: i32 = 0; i < n; i++) {").join()).toMatch(/^loop outlined into '__tsk_outline0_nest' \(64 iterations per call/);
    // Streaming loops: carried values beyond the returned one go through globals.
    expect(kinds("for (let i: i32 = 0; i < a.length; i++) s += a[i];").join()).toBe(
      "loop outlined into '__tsk_outline0_sumS' (4096 iterations per call, not inlined; a run of at most 4096 iterations takes a direct copy of the loop), so V8's optimized code takes over after the first iterations of the first call");
    expect(kinds("for (let i: i32 = 1; i < n; i++) {").join()).toMatch(/^loop outlined into '__tsk_outline0_argminS' \(4096 iterations per call, not inlined; 'at' handed back through globals; a run of at most/);
    expect(kinds("for (; i < a.length; i++) {").join()).toMatch(/; 'lo', 'hi', 's' handed back through globals; a run of at most 4096 iterations takes a direct copy/);
    expect(kinds("if (a[i] == 12345) return;").length + notes.filter((n) => n.kind === "outlined" && n.message.includes("__tsk_outline0_divUntil")).length).toBe(1);
    // Refused, with the reason.
    expect(kinds("for (let i: i32 = 0; i < a.length; i++) if (a[i] < -0.99) return b;").join()).toBe(
      "loop not outlined (its first call runs in V8's baseline code): the loop body contains 'return' and the function returns 'Float64Array' (only a number, bool or void can be handed back from an outlined loop)");
    expect(notes.some((n) => n.kind === "outlined" && n.message.endsWith("the loop assigns 'q', not a number or bool, besides 'p'; only one such variable can be handed back (returned)"))).toBe(true);
    expect(notes.some((n) => n.kind === "outlined" && /helperSum/.test(n.message))).toBe(false);
    expect(kinds("for (let i: i32 = 0; i < a.length; i++) s += a[i] * 2;").length).toBe(0);
    expect(notes.filter((n) => n.kind === "outlined" && n.message.startsWith("loop outlined")).length).toBe(13);
  });

  it("the outlined functions and their checked twins stay functions (Binaryen does not inline them back)", async () => {
    const { default: binaryen } = await import("binaryen");
    const count = (wasm) => binaryen.readBinary(wasm).getNumFunctions();
    // 13 outlined chunk loops, each with the checked twin its versioning falls back on
    expect(count(wasmO) - count(wasmR)).toBe(26);
  });

  it("gives the results of the un-outlined build, bit for bit", () => {
    for (const s of [0, 1, 2, 3, 7, 8, 9, 16, 17, 25]) {
      const rng = mulberry32(900 + s);
      const cases = [
        ["rowsBest", [F64(rng, s * (s + 2)), s + 2, s, 3]],
        ["pairs", [I32(rng, s + 1), new Int32Array((s + 1) * 3), s + 1, 3]],
        ["down", [I32(rng, s * 4), I32(rng, 4, 1, 9), s, 4]],
        ["withBreak", [F64(rng, s + 3), s, 3]],
        ["shrink", [F64(rng, s, 0, 1), s]],
        ["xyz", [F64(rng, s * 3), s]],
        ["nest", [F64(rng, 3 * s * 3 + 2), 2, 3 * s, 3]],
        ["nest", [F64(rng, 3 * s * 3), 2, 3 * s + 1, 3]],
        ["stepsLike", [F64(rng, s), F64(rng, s), s, 1]],
        ["stepsLike", [F64(rng, 3 * s), F64(rng, 3 * s), 3 * s, 3]],
        ["twoNests", [F64(rng, 3 * s * (s + 1)), new Float64Array(3 * s * (s + 1)), 2, 3 * s, s + 1]],
        ["twoNests", [F64(rng, 70 * (s + 2)), new Float64Array(70 * (s + 2)), 1, 70, s + 2]],
      ];
      for (const [name, args] of cases) expectSame(`${name} size ${s}`, run(o, name, copyArgs(args)), run(r, name, copyArgs(args)));
    }
  });

  it("streaming loops: same results across chunk boundaries, early returns and breaks in any chunk", () => {
    for (const s of [0, 1, 2, 4095, 4096, 4097, 8193, 10000]) {
      const rng = mulberry32(1700 + s);
      const nan = F64(rng, s);
      if (s > 2) nan[s - 2] = NaN;
      const stopAt = I32(rng, s, -5, 5);
      if (s > 5000) stopAt[5000] = 12345;
      const cases = [
        ["sumS", [F64(rng, s)]],
        ["argminS", [F64(rng, s)]],
        ["argminS", [nan]],
        ["scanUntil", [I32(rng, s, -9, 10), new Int32Array(s), 1 << 30]],
        ["scanUntil", [I32(rng, s, 0, 10), new Int32Array(s), 5 * s]], // breaks about halfway
        ["scanUntil", [I32(rng, s, 0, 10), new Int32Array(s), 20]], // breaks in the first chunk
        ["divUntil", [stopAt, I32(rng, s, 1, 9), new Int32Array(s)]],
        ["firstNeg", [F64(rng, s), F64(rng, 3)]],
        ["swapRefs", [F64(rng, s), F64(rng, s)]],
        ["useHelper", [F64(rng, s)]],
      ];
      for (const [name, args] of cases) {
        const x = run(o, name, copyArgs(args));
        const y = run(r, name, copyArgs(args));
        if (name === "firstNeg") expect(same(x.value, y.value), `firstNeg size ${s}`).toBe(true);
        else expectSame(`${name} size ${s}`, x, y);
      }
    }
  });

  it("streaming loops: a bounds error or trap in a later chunk keeps its location and the writes before it", () => {
    const a = Int32Array.from({ length: 9000 }, (_, k) => k % 7);
    const x = run(o, "scanUntil", [a.slice(), new Int32Array(6000), 1 << 30]);
    const y = run(r, "scanUntil", [a.slice(), new Int32Array(6000), 1 << 30]);
    expectSame("scanUntil out of bounds", x, y);
    expect(x.error).toBeInstanceOf(rt.KernelError);
    expect(x.error.message).toContain(`index 6000 out of bounds for length 6000 at ${FILE}:${lineOf("out[i] = s;")}:`);
    // The same in a run short enough for the direct copy of the loop.
    const xs = run(o, "scanUntil", [a.slice(0, 10), new Int32Array(6), 1 << 30]);
    expectSame("scanUntil out of bounds, short", xs, run(r, "scanUntil", [a.slice(0, 10), new Int32Array(6), 1 << 30]));
    expect(xs.error.message).toContain(`index 6 out of bounds for length 6 at ${FILE}:${lineOf("out[i] = s;")}:`);
    const d = new Int32Array(9000).fill(3);
    d[7000] = 0;
    const u = run(o, "divUntil", [a.slice(), d.slice(), new Int32Array(9000)]);
    const v = run(r, "divUntil", [a.slice(), d.slice(), new Int32Array(9000)]);
    expectSame("divUntil division by zero", u, v);
    expect(u.error).toBeInstanceOf(rt.KernelError);
    expect(u.error.message).toContain(`${FILE}:${lineOf("out[i] = a[i] / d[i];")}:`);
    expect(u.error.message).toMatch(/divi/i);
    expect(u.args[2][6999]).toBe(a[6999] / 3 | 0);
  });

  it("bounds errors inside an outlined loop keep their location", () => {
    const x = run(o, "pairs", [new Int32Array(6), new Int32Array(8), 6, 2]);
    const y = run(r, "pairs", [new Int32Array(6), new Int32Array(8), 6, 2]);
    expectSame("pairs out of bounds", x, y);
    expect(x.error).toBeInstanceOf(rt.KernelError);
    const line = lineOf("out[i * n + j] = a[i] * j");
    expect(x.error.message).toContain(`index 8 out of bounds for length 8 at ${FILE}:${line}:`);
  });

  it("a bounds error in the second of two outlined nests keeps its location and the writes before it", () => {
    const a = F64(mulberry32(5), 70 * 5);
    const x = run(o, "twoNests", [a.slice(), new Float64Array(70 * 5 - 1), 2, 70, 5]);
    const y = run(r, "twoNests", [a.slice(), new Float64Array(70 * 5 - 1), 2, 70, 5]);
    expectSame("twoNests out of bounds", x, y);
    expect(x.error).toBeInstanceOf(rt.KernelError);
    expect(x.error.message).toContain(`index 349 out of bounds for length 349 at ${FILE}:${lineOf("out[i * n + j] = s + 1;")}:`);
  });

  it("a trap inside an outlined loop names its kernel line", () => {
    const d = Int32Array.from([1, 2, 0, 4]);
    const x = run(o, "down", [new Int32Array(40), d, 10, 4]);
    const y = run(r, "down", [new Int32Array(40), Int32Array.from(d), 10, 4]);
    expect(x.error).toBeInstanceOf(rt.KernelError);
    expect(x.error.message).toBe(y.error.message);
    expect(x.error.message).toContain(`${FILE}:${lineOf("a[i * m + j] = a[i * m + j] / d[j]")}:`);
    expect(x.error.message).toMatch(/divi/i);
  });
});

describe("derived induction variables (bounds.js)", () => {
  const SRC = `
export function pack4(b: Float64Array, out: Float64Array, n: i32, cols: i32, rows: i32, start: i32): f64 {
  const tmp: Float64Array = scratch(rows * cols);
  let q: i32 = 0;
  for (let jt: i32 = 0; jt < cols; jt += 4) {
    let src: i32 = start + jt;
    for (let p: i32 = 0; p < rows; p++) {
      tmp[q] = b[src];
      tmp[q + 1] = b[src + 1];
      tmp[q + 2] = b[src + 2];
      tmp[q + 3] = b[src + 3];
      q += 4;
      src += n;
    }
  }
  let s: f64 = 0;
  let bp: i32 = 0;
  for (let p: i32 = 0; p < rows * cols; p++) {
    s += tmp[bp];
    bp++;
    out[p] = s + tmp[bp - 1];
  }
  return s;
}
function scratch(n: i32): Float64Array {
  return new Float64Array(n);
}
`;
  const FILE = "kernels/iv.kernel.ts";
  let o, r, notes, wasm;
  beforeAll(async () => {
    const sources = { [FILE]: SRC };
    const [ob, rb] = await Promise.all([buildProject("iv-opt", { sources }), buildProject("iv-ref", { sources, options: { optimizeKernels: false } })]);
    if (!ob.result.ok) throw new Error(ob.errors);
    if (!rb.result.ok) throw new Error(rb.errors);
    o = await importBuilt(ob.outDir, "iv.kernel.js");
    r = await importBuilt(rb.outDir, "iv.kernel.js");
    const c = await compileKernels({ root: "/", files: [`/p/${FILE}`], readFile: async () => SRC });
    notes = c.optimizations;
    wasm = c.wasm;
  });

  it("proved `a[q + k]` accesses share one address: k goes into the load's offset", async () => {
    const { default: binaryen } = await import("binaryen");
    const text = binaryen.readBinary(wasm).emitText();
    for (const k of [1, 2, 3]) expect(text).toContain(`f64.load offset=${k * 8}`);
  });

  it("accesses indexed by `q += c` variables lose their checks (versioned), with a typed local from a call cached", () => {
    const kept = notes.filter((n) => n.kind === "checked");
    expect(kept.map((n) => `${n.line}:${n.column} ${n.message}`)).toEqual([]);
    expect(notes.filter((n) => n.kind === "versioned").length).toBeGreaterThanOrEqual(2);
  });

  it("same results and the same located errors as the unoptimized build (also where the variable would wrap)", () => {
    const I32_MAX = 2 ** 31 - 1;
    for (const [n, cols, rows, start, len] of [[8, 8, 2, 0, 16], [8, 8, 3, 0, 24], [4, 4, 0, 0, 4], [5, 8, 4, 1, 30], [8, 8, 2, 3, 16],
      [8, 4, 3, I32_MAX - 6, 16], [1 << 30, 4, 3, 0, 16], [-8, 4, 3, 20, 24]]) {
      const rng = mulberry32(n + cols + rows + start);
      const args = [F64(rng, len), new Float64Array(cols * rows), n, cols, rows, start];
      expectSame(`pack4(${args.slice(2).join(", ")})`, run(o, "pack4", copyArgs(args)), run(r, "pack4", copyArgs(args)));
    }
  });
});
