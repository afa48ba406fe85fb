// Value ranges of data-dependent indexes (plugin/compiler/optimize/value-ranges.js,
// used by bounds.js) and unrolling of short innermost loops
// (plugin/compiler/optimize/unroll.js): the optimized build must compute
// exactly what the unoptimized build (`optimizeKernels: false`) computes, on
// random and edge inputs (sizes around the unroll factor, NaN, -0, early
// exits), and an index out of range must still throw the same located
// KernelError after the same writes.
import { describe, it, expect, beforeAll } from "vitest";
import { buildProject, importBuilt } from "./support/build-fixture.js";
import { compileKernels } from "../plugin/compiler/compile.js";
import { valueRange } from "../plugin/compiler/optimize/value-ranges.js";
import { mulberry32 } from "../examples/cases.js";

const FILE = "kernels/ranges.kernel.ts";
const SRC = `
export function hist8(x: Uint8Array, counts: Uint32Array): void {
  if (counts.length != 256) throw new RangeError("hist8: counts must have length 256");
  for (let i: i32 = 0; i < x.length; i++) counts[x[i]]++;
}
export function hist16(x: Uint16Array, counts: Uint32Array): void {
  if (counts.length < 256) throw new RangeError("hist16: counts too short");
  const n: i32 = x.length;
  for (let i: i32 = 0; i < n; i++) counts[x[i]]++;
}
export function nibbles(x: Uint8Array, counts: Int32Array): void {
  const n: i32 = x.length;
  for (let i: i32 = 0; i < n; i++) {
    counts[x[i] & 15] += 1;
    counts[(x[i] >> 4) + 16] += 2;
  }
}
export function lookup(x: Int32Array, table: Float64Array, out: Float64Array): void {
  const n: i32 = x.length < out.length ? x.length : out.length;
  for (let i: i32 = 0; i < n; i++) {
    const k: i32 = x[i] & 63;
    out[i] = table[k] + table[x[i] >>> 26];
  }
}
export function signed8(x: Int8Array, counts: Uint32Array): void {
  for (let i: i32 = 0; i < x.length; i++) counts[x[i] + 128]++;
}
export function wrapped8(x: Uint8Array, counts: Uint32Array): void {
  for (let i: i32 = 0; i < x.length; i++) counts[x[i] + 200]++;
}
export function smallLocal(x: Uint8Array, counts: Uint32Array): void {
  for (let i: i32 = 0; i < x.length; i++) {
    let b: u8 = x[i];
    b += 200;
    counts[b]++;
  }
}
export function argminK(x: Float64Array): i32 {
  const n: i32 = x.length;
  if (n == 0) return -1;
  let best: f64 = x[0];
  if (best != best) return 0;
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
export function findFirst(x: Int32Array, key: i32, from: i32): i32 {
  for (let i: i32 = from; i < x.length; i++) {
    const v: i32 = x[i];
    if (v == key) return i;
  }
  return -1;
}
export function countAbove(x: Float64Array, t: f64, out: Float64Array): i32 {
  let c: i32 = 0;
  for (let i: i32 = 0; i < x.length; i++) {
    if (x[i] > t) {
      out[c] = x[i];
      c++;
    }
  }
  return c;
}
export function skipOdd(x: Int32Array, out: Int32Array): i32 {
  let s: i32 = 0;
  for (let i: i32 = 0; i < x.length; i++) {
    if ((x[i] & 1) != 0) continue;
    s += x[i];
    out[i] = s;
  }
  return s;
}
export function recordsAbove(x: Float64Array, t: f64, out: Int32Array): i32 {
  let lim: f64 = t;
  let k: i32 = 0;
  for (let i: i32 = 0; i < x.length; i++) {
    const v: f64 = x[i] * 2;
    if (v > lim) {
      lim = v;
      out[k] = i;
      k++;
      continue;
    }
  }
  return k;
}
export function scaleK(x: Float64Array, out: Float64Array): void {
  for (let i: i32 = 0; i < x.length; i++) out[i] = x[i] * 2 + out[i];
}
export function scatterK(x: Float64Array, idx: Int32Array, out: Float64Array): void {
  for (let i: i32 = 0; i < x.length; i++) out[idx[i]] += x[i] * 2;
}
export function untilNegative(x: Float64Array, out: Float64Array, n: i32): f64 {
  let s: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const v: f64 = x[i];
    if (v < 0) break;
    s += v;
    out[i] = s;
  }
  return s;
}
`;

const SIZES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 16, 17, 31, 100, 4099];

let opt, ref, optU, notes, rt;
beforeAll(async () => {
  const sources = { [FILE]: SRC };
  const builds = await Promise.all([
    buildProject("ranges-opt", { sources }),
    buildProject("ranges-ref", { sources, options: { optimizeKernels: false } }),
    buildProject("ranges-optu", { sources, options: { boundsCheck: false } }),
  ]);
  for (const b of builds) if (!b.result.ok) throw new Error(b.errors);
  [opt, ref, optU] = await Promise.all(builds.map((b) => importBuilt(b.outDir, "ranges.kernel.js")));
  notes = (await compileKernels({ root: "/", files: [`/p/${FILE}`], readFile: async () => SRC })).optimizations;
  rt = await import("../runtime/index.js");
});

const ints = (C) => (rng, n, lo, hi) => C.from({ length: n }, () => Math.floor(lo + (hi - lo + 1) * rng()));
const U8 = ints(Uint8Array), U16 = ints(Uint16Array), I8 = ints(Int8Array), I32 = ints(Int32Array);
const F64 = (rng, n) => Float64Array.from({ length: n }, () => rng() * 2 - 1);

function run(mod, name, args) {
  const copy = args.map((a) => (ArrayBuffer.isView(a) ? a.slice() : a));
  try {
    return { value: mod[name](...copy), args: copy };
  } catch (error) {
    return { error, args: copy };
  }
}

/** Same value (Object.is), same error (message and code), same array arguments afterwards. */
function expectSame(what, x, y) {
  if (x.error || y.error) {
    expect(x.error?.message, `${what}: error`).toBe(y.error?.message);
    expect(x.error?.code, `${what}: error code`).toBe(y.error?.code);
  } else expect(Object.is(x.value, y.value), `${what}: ${x.value} vs ${y.value}`).toBe(true);
  x.args.forEach((a, i) => {
    if (ArrayBuffer.isView(a)) expect(Array.from(a), `${what}: argument ${i}`).toEqual(Array.from(y.args[i]));
  });
}

const line = (text) => SRC.split("\n").findIndex((l) => l.includes(text)) + 1;
const noteAt = (kind, text) => notes.filter((n) => n.kind === kind && n.line === line(text));

describe("value ranges: data-dependent indexes", () => {
  it("`counts[x[i]]` with x a Uint8Array loses its check; reports say why others keep theirs", () => {
    for (const text of ["counts[x[i]]++;\n}", "counts[x[i] & 15] += 1", "table[k] + table"]) {
      const kept = notes.filter((n) => n.kind === "checked" && n.line === line(text.split("\n")[0]));
      expect(kept.map((n) => n.message), text).toEqual([]);
    }
    expect(noteAt("checked", "counts[x[i] + 128]++")[0].message).toMatch(/read from an array \(data-dependent\)/);
    expect(noteAt("checked", "counts[x[i] + 200]++")[0].message).toMatch(/read from an array \(data-dependent\)/);
    expect(notes.some((n) => n.kind === "versioned" && n.line === line("for (let i: i32 = 0; i < x.length; i++) counts[x[i]]++;"))).toBe(true);
  });

  it("same counts as the unoptimized build on random bytes, shorts, masks and shifts", () => {
    for (const n of SIZES) {
      const rng = mulberry32(100 + n);
      const cases = [
        ["hist8", [U8(rng, n, 0, 255), new Uint32Array(256)]],
        ["hist16", [U16(rng, n, 0, 255), new Uint32Array(256)]],
        ["hist16", [U16(rng, n, 0, 65535), new Uint32Array(65536)]],
        ["nibbles", [U8(rng, n, 0, 255), new Int32Array(32)]],
        ["lookup", [I32(rng, n, -(2 ** 31), 2 ** 31 - 1), F64(rng, 64), new Float64Array(n)]],
        ["signed8", [I8(rng, n, -128, 127), new Uint32Array(256)]],
        ["smallLocal", [U8(rng, n, 0, 255), new Uint32Array(256)]],
      ];
      for (const [name, args] of cases) expectSame(`${name}(n=${n})`, run(opt, name, args), run(ref, name, args));
    }
  });

  it("an index past the array (guard `length < 256`, index from a Uint16Array) throws the same located KernelError after the same writes", () => {
    for (const n of [1, 3, 4, 5, 9, 4099]) {
      const x = U16(mulberry32(n), n, 0, 255);
      x[n - 1] = 256 + n; // the last element is out of range for counts of length 256
      const o = run(opt, "hist16", [x, new Uint32Array(256)]), r = run(ref, "hist16", [x, new Uint32Array(256)]);
      expect(r.error, `n=${n}`).toBeInstanceOf(rt.KernelError);
      expect(o.error).toBeInstanceOf(rt.KernelError);
      expect(o.error.message).toContain(`index ${256 + n} out of bounds for length 256 at ${FILE}:${line("if (counts.length < 256)") + 2}:`);
      expectSame(`hist16 oob n=${n}`, o, r);
    }
    // a longer counts array takes the proved loop; a shorter one throws the guard's RangeError
    const x = Uint16Array.from([0, 1, 299]);
    expectSame("hist16 long counts", run(opt, "hist16", [x, new Uint32Array(300)]), run(ref, "hist16", [x, new Uint32Array(300)]));
    const short = run(opt, "hist16", [x, new Uint32Array(255)]);
    expect(short.error).toBeInstanceOf(rt.KernelError);
    expect(short.error.message).toContain("hist16: counts too short");
  });

  it("a counts array of the wrong length: the kernel's own RangeError (as a KernelError), nothing counted", () => {
    const o = run(opt, "hist8", [Uint8Array.from([1, 2, 3]), new Uint32Array(255)]);
    expect(o.error).toBeInstanceOf(rt.KernelError);
    expect(o.error.message).toContain("hist8: counts must have length 256");
    expect(Array.from(o.args[1]).every((c) => c === 0)).toBe(true);
  });

  it("ranges only where AssemblyScript's small-type wrapping cannot change the value", async () => {
    const { parse } = await rangesOf(`
      function f(a: Uint8Array, b: Int8Array, c: Uint16Array, s: u8, w: i32): void {
        const k: i32 = a[0] & 7;
        g(a[0]); g(a[0] & 1023); g(b[0]); g(b[0] & 255); g(a[0] + 200); g((a[0] & 15) + 16); g(c[0] >> 8);
        g(w >>> 24); g(w & 255); g(w % 10); g(s); g(k * 4 + 1); g(w); g(b[0] >>> 1); g(a[0] * 2);
      }`);
    expect(parse).toEqual([[0n, 255n], [0n, 255n], [-128n, 127n], null, null, [16n, 31n], [0n, 255n],
      [0n, 255n], [0n, 255n], null, [0n, 255n], [1n, 29n], null, null, null]);
  });
});

/** Parses a function and returns valueRange of every `g(...)` argument. @param {string} text */
async function rangesOf(text) {
  const { Program, Options, Parser, NodeKind } = await import("assemblyscript");
  const { analyzeScope } = await import("../plugin/compiler/optimize/scope.js");
  const { walk } = await import("../plugin/compiler/optimize/ast.js");
  const parser = new Parser(new Program(new Options(), null));
  parser.parseFile(text, "t.ts", true);
  const fn = parser.sources.find((s) => s.normalizedPath === "t.ts").statements[0];
  const scope = analyzeScope(fn);
  const out = [];
  walk(fn.body, (n) => {
    if (n.kind === NodeKind.Call && n.expression.text === "g") out.push(valueRange(scope, n.args[0]));
    return true;
  });
  return { parse: out };
}

describe("unrolled innermost loops", () => {
  it("reports: skip-ahead for the search loops, plain unrolling for the counting loop", () => {
    expect(noteAt("unrolled", "for (let i: i32 = 1; i < n; i++) {")[0]?.message).toMatch(/skip-ahead/);
    expect(noteAt("unrolled", "for (let i: i32 = from; i < x.length; i++) {")[0]?.message).toMatch(/skip-ahead/);
    expect(notes.filter((n) => n.kind === "unrolled" && /skip-ahead/.test(n.message)).length).toBe(3); // argminK, findFirst, recordsAbove
    expect(noteAt("unrolled", "for (let i: i32 = 0; i < x.length; i++) counts[x[i]]++;")[0]?.message).toMatch(/unrolled \dx/);
    // Plain unrolling only where a store's address comes from memory (it
    // slowed min/max, conv2d's tap loops and matmul's tile): not here.
    expect(noteAt("unrolled", "out[i] = x[i] * 2 + out[i]")).toEqual([]);
  });

  it("argmin: same index as the unoptimized build with NaN, -0 / +0 ties, infinities and equal values anywhere", () => {
    for (const n of SIZES) {
      const rng = mulberry32(7 + n);
      const variants = [F64(rng, n), Float64Array.from({ length: n }, () => Math.floor(rng() * 3)), new Float64Array(n)];
      for (let k = 0; k < Math.min(n, 9); k++) {
        const a = F64(rng, n); a[k] = NaN; variants.push(a);
        const b = Float64Array.from({ length: n }, (_, j) => (j === k ? -0 : j % 2 ? 1 : 0)); variants.push(b);
        const c = F64(rng, n); c[n - 1 - k] = -Infinity; c[k] = NaN; variants.push(c);
      }
      for (const x of variants) {
        expectSame(`argminK(n=${n})`, run(opt, "argminK", [x]), run(ref, "argminK", [x]));
        expectSame(`argminK unchecked (n=${n})`, run(optU, "argminK", [x]), run(ref, "argminK", [x]));
      }
    }
  });

  it("find-first, counting with a store, continue and break: same results and writes", () => {
    for (const n of SIZES) {
      const rng = mulberry32(300 + n);
      const x = I32(rng, n, -5, 5);
      for (const key of [-5, 0, 5, 99]) for (const from of [0, 1, 3, n - 1, n, n + 2, -1]) {
        expectSame(`findFirst(n=${n}, ${key}, ${from})`, run(opt, "findFirst", [x, key, from]), run(ref, "findFirst", [x, key, from]));
      }
      const f = F64(rng, n);
      expectSame(`countAbove(n=${n})`, run(opt, "countAbove", [f, 0.2, new Float64Array(n)]), run(ref, "countAbove", [f, 0.2, new Float64Array(n)]));
      const up = Float64Array.from({ length: n }, (_, j) => (j % 3 === 0 ? j : rng()));
      for (const v of [f, up, f.map((q) => -q)]) {
        expectSame(`recordsAbove(n=${n})`, run(opt, "recordsAbove", [v, 0, new Int32Array(n)]), run(ref, "recordsAbove", [v, 0, new Int32Array(n)]));
      }
      expectSame(`skipOdd(n=${n})`, run(opt, "skipOdd", [x, new Int32Array(n)]), run(ref, "skipOdd", [x, new Int32Array(n)]));
      const pos = Float64Array.from({ length: n }, () => rng());
      for (const stop of [0, 1, 2, 3, 4, 5, n - 1]) {
        const y = pos.slice();
        if (stop >= 0 && stop < n) y[stop] = -1;
        expectSame(`untilNegative(n=${n}, stop ${stop})`, run(opt, "untilNegative", [y, new Float64Array(n), n]), run(ref, "untilNegative", [y, new Float64Array(n), n]));
      }
    }
  });

  it("an unrolled loop whose copies keep a check (data-dependent index): same located KernelError at the same element, same writes", () => {
    expect(noteAt("unrolled", "out[idx[i]] += x[i] * 2")[0]?.message).toMatch(/unrolled \dx/);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 13]) {
      const rng = mulberry32(900 + n);
      const x = F64(rng, n);
      for (const bad of [-1, 0, 1, 2, 3, 4, n - 1]) {
        const idx = I32(rng, n + 2, 0, 9);
        if (bad >= 0 && bad < n) idx[bad] = bad % 2 ? 10 : -3;
        const o = run(opt, "scatterK", [x, idx, new Float64Array(10)]), r = run(ref, "scatterK", [x, idx, new Float64Array(10)]);
        if (bad >= 0 && bad < n) {
          expect(o.error, `n=${n} bad=${bad}`).toBeInstanceOf(rt.KernelError);
          expect(o.error.message).toMatch(new RegExp(`index (10|-3) out of bounds for length 10 at kernels/ranges\\.kernel\\.ts:${line("out[idx[i]] += x[i] * 2")}:\\d+`));
        }
        expectSame(`scatterK(n=${n}, bad ${bad})`, o, r);
      }
    }
  });

  it("a loop bound past the array: the same located KernelError, after the same writes", () => {
    for (const n of [1, 4, 5, 8, 9]) {
      const x = Float64Array.from({ length: n }, (_, k) => k + 1);
      const o = run(opt, "untilNegative", [x, new Float64Array(n + 3), n + 3]);
      const r = run(ref, "untilNegative", [x, new Float64Array(n + 3), n + 3]);
      expect(o.error).toBeInstanceOf(rt.KernelError);
      expect(o.error.message).toMatch(new RegExp(`index ${n} out of bounds for length ${n} at kernels/ranges\\.kernel\\.ts:\\d+:\\d+`));
      expectSame(`untilNegative oob n=${n}`, o, r);
    }
  });
});
