// Runtime fuzzing: seeded random sequences of alloc / free / subarray /
// kernel calls that write known patterns / kernel-internal allocation /
// memory growth / collect(). Every live array has a JS shadow copy; the
// invariants: no live array's data changes unless a kernel (or the test)
// wrote it, arrays stay valid after growth, memory is bounded after frees,
// use after free and double free are caught (TSK202, TSK203).
// TSKERN_FUZZ_CASES=N scales the number of sequences.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { buildProject, importBuilt } from "../support/build-fixture.js";
import { Rng } from "./gen-kernels.js";

const KERNELS = `// Kernels of tests/reliability/runtime-fuzz.test.js: each writes a pattern the test predicts.
export function fillPattern(x: Int32Array, seed: i32): void {
  for (let i = 0; i < x.length; i++) x[i] = seed ^ (i * 40503);
}
export function sumI32(x: Int32Array): i32 {
  let s: i32 = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}
export function scaleF64(x: Float64Array, a: f64): void {
  for (let i = 0; i < x.length; i++) x[i] *= a;
}
export function incU8(x: Uint8Array): void {
  for (let i = 0; i < x.length; i++) x[i]++;
}
export function makePattern(n: i32, seed: i32): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = seed ^ (i * 40503);
  return out;
}
export function churn(n: i32): i32 {
  // Kernel-internal allocations, dropped on return: garbage for the collector.
  let s: i32 = 0;
  for (let r = 0; r < 3; r++) {
    const t = new Float64Array(n + 1);
    t[n] = <f64>r;
    s += <i32>t[n];
  }
  return s;
}
`;

const SEQUENCES = Math.max(4, Math.round(Number(process.env.TSKERN_FUZZ_CASES || 100) / 8));
const STEPS = 300;

/** @type {any} */ let k;
/** @type {any} */ let build;
/** @type {any} */ let rt;
const figures = { sequences: 0, steps: 0, kernelCalls: 0, allocs: 0, frees: 0, growths: 0, collects: 0, useAfterFreeCaught: 0, doubleFreeCaught: 0, checks: 0, failures: 0, peakMemory: 0 };

beforeAll(async () => {
  const built = await buildProject("runtime-fuzz", { sources: { "kernels/rf.kernel.ts": KERNELS } });
  if (!built.result.ok) throw new Error(built.errors);
  k = await importBuilt(built.outDir, "rf.kernel.js");
  ({ build } = await importBuilt(built.outDir, "tskern-build.js"));
  rt = await import("../../runtime/index.js");
});

afterAll(() => {
  console.log(`[reliability] runtime fuzz: ${figures.sequences} sequences, ${figures.steps} steps (${figures.allocs} allocs, ${figures.frees} frees, ` +
    `${figures.kernelCalls} kernel calls, ${figures.growths} growths, ${figures.collects} collects), ${figures.checks} array checks against shadows, ` +
    `${figures.useAfterFreeCaught} use-after-free and ${figures.doubleFreeCaught} double frees caught, peak memory ${(figures.peakMemory / 2 ** 20).toFixed(1)} MiB, failures ${figures.failures}`);
});

/** The pattern fillPattern and makePattern write. @param {number} seed @param {number} i */
const pattern = (seed, i) => seed ^ Math.imul(i, 40503);

/**
 * Runs one random sequence; returns the violations found (empty when all invariants held).
 * @param {number} seed
 */
function runSequence(seed) {
  const rng = new Rng(seed);
  const problems = /** @type {string[]} */ ([]);
  /** @type {Array<{ arr: any, shadow: any }>} */
  const live = [];
  /** @type {any[]} */
  const freed = [];
  /** subarrays of freed arrays (in `freed` too) */
  const deadSubs = new Set();
  const check = (/** @type {{ arr: any, shadow: any }} */ e, /** @type {string} */ when) => {
    figures.checks++;
    if (e.arr.length !== e.shadow.length) return problems.push(`${when}: length ${e.arr.length} != ${e.shadow.length}`);
    for (let i = 0; i < e.arr.length; i++) {
      if (!Object.is(e.arr[i], e.shadow[i])) return problems.push(`${when}: ${e.arr.constructor.name}[${i}] is ${e.arr[i]}, expected ${e.shadow[i]}`);
    }
  };
  const checkAll = (/** @type {string} */ when) => { for (const e of live) check(e, when); };
  const newArray = (/** @type {any} */ Ctor, /** @type {number} */ n) => {
    const arr = rt.alloc(Ctor, n, { build });
    figures.allocs++;
    for (let i = 0; i < n; i++) arr[i] = Ctor === Float64Array ? rng.next() * 100 - 50 : rng.int(1 << 30);
    return { arr, shadow: arr.slice() };
  };
  const ofType = (/** @type {any} */ Ctor) => live.filter((e) => e.arr instanceof Ctor);

  for (let step = 0; step < STEPS && problems.length === 0; step++) {
    figures.steps++;
    const op = rng.int(100);
    const before = build.memory.buffer.byteLength;
    if (op < 22) {
      live.push(newArray(rng.pick([Int32Array, Float64Array, Uint8Array]), rng.int(2000)));
    } else if (op < 36 && live.length) {
      const [e] = live.splice(rng.int(live.length), 1);
      check(e, `step ${step} before free`);
      // Sometimes keep a subarray taken before the free: it is dead too.
      const sub = rng.chance(0.5) ? e.arr.subarray(rng.int(e.arr.length + 1)) : null;
      rt.free(e.arr);
      figures.frees++;
      freed.push(e.arr);
      if (sub) {
        freed.push(sub);
        deadSubs.add(sub);
      }
    } else if (op < 50) {
      const list = ofType(Int32Array);
      if (!list.length) continue;
      const e = rng.pick(list);
      const s = rng.int(1 << 30);
      if (rng.chance(0.5)) {
        // A subarray: the kernel may write only its elements.
        const from = rng.int(e.arr.length + 1), to = from + rng.int(e.arr.length - from + 1);
        k.fillPattern(e.arr.subarray(from, to), s);
        for (let i = from; i < to; i++) e.shadow[i] = pattern(s, i - from);
      } else {
        k.fillPattern(e.arr, s);
        for (let i = 0; i < e.shadow.length; i++) e.shadow[i] = pattern(s, i);
      }
      figures.kernelCalls++;
    } else if (op < 58) {
      const list = ofType(Int32Array);
      if (!list.length) continue;
      const e = rng.pick(list);
      let s = 0;
      for (const v of e.shadow) s = (s + v) | 0;
      const got = k.sumI32(e.arr);
      figures.kernelCalls++;
      if (got !== s) problems.push(`step ${step}: sumI32 = ${got}, shadow sum ${s}`);
    } else if (op < 64) {
      const list = ofType(Float64Array);
      if (!list.length) continue;
      const e = rng.pick(list);
      const a = rng.pick([2, 0.5, -1, 3]);
      k.scaleF64(e.arr, a);
      for (let i = 0; i < e.shadow.length; i++) e.shadow[i] *= a;
      figures.kernelCalls++;
    } else if (op < 68) {
      const list = ofType(Uint8Array);
      if (!list.length) continue;
      const e = rng.pick(list);
      // A plain copy of it goes through the copy-in/copy-out path; the original must not change.
      const plain = e.arr.slice();
      k.incU8(plain);
      figures.kernelCalls++;
      for (let i = 0; i < plain.length; i++) if (plain[i] !== ((e.shadow[i] + 1) & 255)) { problems.push(`step ${step}: plain incU8[${i}]`); break; }
    } else if (op < 76) {
      const n = rng.int(3000), s = rng.int(1 << 30);
      const arr = k.makePattern(n, s);
      figures.kernelCalls++;
      figures.allocs++;
      live.push({ arr, shadow: Int32Array.from({ length: n }, (_, i) => pattern(s, i)) });
    } else if (op < 82) {
      const n = rng.int(20000);
      if (k.churn(n) !== 3) problems.push(`step ${step}: churn(${n}) != 3`);
      figures.kernelCalls++;
    } else if (op < 85) {
      // Growth: a big array, often freed again soon.
      live.push(newArray(Float64Array, 1 << (15 + rng.int(4))));
      figures.growths++;
    } else if (op < 88) {
      rt.collect({ build });
      figures.collects++;
    } else if (op < 94 && freed.length) {
      const dead = rng.pick(freed);
      const isSub = deadSubs.has(dead);
      const fn = dead instanceof Int32Array ? () => k.sumI32(dead) : dead instanceof Float64Array ? () => k.scaleF64(dead, 1) : () => k.incU8(dead);
      const e1 = catchError(fn);
      if (e1?.code !== "TSK202") problems.push(`step ${step}: use after free (${isSub ? "a subarray" : "the array"}) gave ${e1?.code ?? "no error"}`);
      else figures.useAfterFreeCaught++;
      // Freeing it again: TSK203; a subarray was never allocated: TSK204.
      const e2 = catchError(() => rt.free(dead));
      if (e2?.code !== (isSub ? "TSK204" : "TSK203")) problems.push(`step ${step}: freeing a freed ${isSub ? "subarray" : "array"} again gave ${e2?.code ?? "no error"}`);
      else figures.doubleFreeCaught++;
    } else if (live.length) {
      // The app writes into an array from JS: shadow follows.
      const e = rng.pick(live);
      if (e.arr.length) {
        const i = rng.int(e.arr.length);
        e.arr[i] = e.shadow[i] = e.arr instanceof Float64Array ? rng.next() : rng.int(200);
      }
    }
    if (build.memory.buffer.byteLength !== before) checkAll(`step ${step} after growth`);
    else if (step % 25 === 0) checkAll(`step ${step}`);
    figures.peakMemory = Math.max(figures.peakMemory, build.memory.buffer.byteLength);
  }
  checkAll("end");
  for (const e of live) rt.free(e.arr);
  return problems;
}

/** @param {() => unknown} fn @returns {any} */
function catchError(fn) {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}

describe("runtime fuzz", () => {
  it(`${SEQUENCES} random sequences of ${STEPS} steps: shadows match, misuse is caught, nothing leaks`, () => {
    const base = rt.memoryStats({ build });
    const failures = [];
    /** @type {number[]} */
    const memoryAfterPass = [];
    // Two passes over the same seeds: the second must not need more memory than the first.
    for (let pass = 0; pass < 2; pass++) {
      for (let s = 0; s < SEQUENCES; s++) {
        const seed = 9001 + s;
        const problems = runSequence(seed);
        figures.sequences++;
        if (problems.length) failures.push({ seed, pass, problems: problems.slice(0, 3) });
        rt.collect({ build });
        const stats = rt.memoryStats({ build });
        // Everything this sequence allocated was freed: live counts are back to the start.
        if (stats.liveArrays !== base.liveArrays || stats.liveBytes !== base.liveBytes) {
          failures.push({ seed, pass, problems: [`after freeing everything: ${stats.liveArrays} live arrays / ${stats.liveBytes} bytes, expected ${base.liveArrays} / ${base.liveBytes}`] });
        }
      }
      memoryAfterPass.push(build.memory.buffer.byteLength);
    }
    figures.failures = failures.length;
    expect(failures).toEqual([]);
    expect(memoryAfterPass[1]).toBe(memoryAfterPass[0]);
  });

  // Found by this suite: a subarray of a freed array passed to a kernel was
  // taken as a live view, and the kernel wrote into memory that a newer array
  // reused (silent corruption). Fixed in runtime/kernel-build.js (VIEW_OF).
  it("a subarray of a freed array is refused (TSK202), and the array that reused its memory is intact", () => {
    const a = rt.alloc(Int32Array, 100, { build });
    const sub = a.subarray(10, 20);
    k.fillPattern(sub, 3);
    expect([a[9], a[10], a[19], a[20]]).toEqual([0, pattern(3, 0), pattern(3, 9), 0]);
    rt.free(a);
    rt.collect({ build });
    const b = rt.alloc(Int32Array, 100, { build }).fill(5);
    const error = catchError(() => k.fillPattern(sub, 123));
    expect(error?.code).toBe("TSK202");
    expect(error.message).toMatch(/^fillPattern: parameter 'x' is a subarray of an array that was already freed\. Pass a live array/);
    expect(catchError(() => k.sumI32(a.subarray(1).subarray(2)))?.code).toBe("TSK202");
    expect(b.every((v) => v === 5)).toBe(true);
    rt.free(b);
  });

  it("a subarray keeps its array alive: after the array object is dropped and collected, its memory is not reused", async () => {
    const { setFlagsFromString } = await import("node:v8");
    const { runInNewContext } = await import("node:vm");
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc");
    let sub = (() => {
      const a = rt.alloc(Int32Array, 4096, { build });
      k.fillPattern(a, 11);
      return a.subarray(100, 200);
    })();
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10)); // finalizers run between tasks
    }
    rt.collect({ build });
    const others = Array.from({ length: 20 }, () => rt.alloc(Int32Array, 4096, { build }).fill(-1));
    expect(Array.from(sub)).toEqual(Array.from({ length: 100 }, (_, i) => pattern(11, i + 100)));
    expect(k.sumI32(sub)).toBe(Array.from(sub).reduce((s, v) => (s + v) | 0, 0));
    for (const o of others) rt.free(o);
    sub = /** @type {any} */ (null);
  });

  // Found by this suite: an array freed in one build and passed to another
  // build's kernel was copied in from, and back out into, memory the first
  // build had reused for a newer array. Fixed in runtime/kernel-build.js (arg).
  it("arrays of one build passed to another build's kernels (whole, subarrays, freed) are copied, never misread", async () => {
    const built = await buildProject("runtime-fuzz-b", { sources: { "kernels/rf.kernel.ts": `${KERNELS}export function secondBuild(): i32 { return 2; }\n` } });
    if (!built.result.ok) throw new Error(built.errors);
    const kb = await importBuilt(built.outDir, "rf.kernel.js");
    const { build: other } = await importBuilt(built.outDir, "tskern-build.js");
    expect(other).not.toBe(build);
    const rng = new Rng(5150);
    for (let round = 0; round < 200; round++) {
      const n = 1 + rng.int(3000);
      const a = rt.alloc(Int32Array, n, { build: rng.chance(0.5) ? build : other });
      const shadow = Int32Array.from({ length: n }, () => rng.int(1 << 30));
      a.set(shadow);
      const from = rng.int(n), to = from + rng.int(n - from + 1);
      const s = rng.int(1000);
      (rng.chance(0.5) ? k : kb).fillPattern(a.subarray(from, to), s);
      for (let i = from; i < to; i++) shadow[i] = pattern(s, i - from);
      let sum = 0;
      for (const v of shadow) sum = (sum + v) | 0;
      expect((rng.chance(0.5) ? k : kb).sumI32(a)).toBe(sum);
      expect(a).toEqual(shadow);
      const sub = a.subarray(rng.int(n));
      rt.free(a);
      // Freed, whichever build is asked: a copy would read, and write back into, reused memory.
      for (const kk of [k, kb]) {
        expect(catchError(() => kk.sumI32(a))?.code).toBe("TSK202");
        expect(catchError(() => kk.fillPattern(sub, 1))?.code).toBe("TSK202");
      }
    }
  });

  it("an array stays valid, with its data, across memory growth", () => {
    const keep = rt.alloc(Int32Array, 1000, { build });
    k.fillPattern(keep, 77);
    const big = [];
    const start = build.memory.buffer.byteLength;
    while (build.memory.buffer.byteLength < start + 64 * 2 ** 20) big.push(rt.alloc(Float64Array, 1 << 20, { build }));
    expect(keep.length).toBe(1000);
    expect(Array.from(keep)).toEqual(Array.from({ length: 1000 }, (_, i) => pattern(77, i)));
    k.fillPattern(keep, 78);
    expect(keep[999]).toBe(pattern(78, 999));
    for (const b of big) rt.free(b);
    rt.free(keep);
  });
});
