// Interleaving of independent escape-time loops (plugin/compiler/optimize/interleave.js):
// kernels it must interleave give the same results as the unoptimized build
// (`optimizeKernels: false`) bit for bit, over odd widths, remainders, widths
// 0 and 1 and loop ranges at the ends of i32; kernels it must refuse say why
// in the report and still compute the same; a bounds-checked store after the
// while loop throws the same located KernelError after the same writes.
import { describe, it, expect, beforeAll } from "vitest";
import { readFile } from "node:fs/promises";
import nodePath from "node:path";
import { buildProject, importBuilt, REPO } from "./support/build-fixture.js";
import { compileKernels } from "../plugin/compiler/compile.js";
import * as reference from "../kernels/reference.js";

const KERNELS = `
// Newton's method for the cube root of a = a0 + i * da, per element.
export function cbrtNewton(out: Float64Array, iters: Int32Array, n: i32, a0: f64, da: f64, tol: f64, maxIter: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const a: f64 = a0 + f64(i) * da;
    let x: f64 = abs(a) > 1.0 ? a : 1.0;
    let k: i32 = 0;
    while (k < maxIter) {
      const fx: f64 = x * x * x - a;
      const step: f64 = fx / (3.0 * x * x);
      x -= step;
      k++;
      if (abs(step) <= tol * abs(x)) break;
    }
    out[i] = x;
    iters[i] = k;
  }
}

// Collatz steps of lo..hi-1 (capped) with a float checksum of each orbit; the
// running total is assigned after the while loop only.
export function collatzOrbit(out: Float64Array, lo: i32, hi: i32, cap: i32): i32 {
  let total: i32 = 0;
  for (let j: i32 = lo; j < hi; j++) {
    let x: i64 = i64(j);
    let steps: i32 = 0;
    let orbit: f64 = 0;
    while (x > 1 && steps < cap) {
      if ((x & 1) == 0) x = x / 2;
      else x = 3 * x + 1;
      orbit = orbit * 0.5 + f64(x);
      steps++;
    }
    out[j - lo] = orbit;
    total += steps;
  }
  return total;
}

// Integer-only: refused by the cost model (no gain measured).
export function collatz(out: Int32Array, lo: i32, hi: i32, cap: i32): i32 {
  let total: i32 = 0;
  for (let i: i32 = lo; i < hi; i++) {
    let x: i64 = i64(i);
    let steps: i32 = 0;
    while (x > 1 && steps < cap) {
      if ((x & 1) == 0) x = x / 2;
      else x = 3 * x + 1;
      steps++;
    }
    out[i - lo] = steps;
    total += steps;
  }
  return total;
}

// Escape counts without the length check: a short 'out' fails at the store.
export function escapeNoCheck(out: Uint16Array, width: i32, height: i32, maxIter: i32): void {
  for (let py: i32 = 0; py < height; py++) {
    const cy: f64 = -1.5 + f64(py) * (3.0 / f64(height));
    for (let px: i32 = 0; px < width; px++) {
      const cx: f64 = -2.2 + f64(px) * (3.0 / f64(width));
      let zx: f64 = 0;
      let zy: f64 = 0;
      let n: i32 = 0;
      while (n < maxIter) {
        const zx2: f64 = zx * zx;
        const zy2: f64 = zy * zy;
        if (zx2 + zy2 > 4.0) break;
        zy = 2.0 * zx * zy + cy;
        zx = zx2 - zy2 + cx;
        n++;
      }
      out[py * width + px] = <u16>n;
    }
  }
}

// while (true), breaks in nested ifs, a ternary and min/sqrt in the scalar part.
export function orbitTrap(out: Float64Array, n: i32, c0: f64, dc: f64, maxIter: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const c: f64 = c0 + f64(i) * dc;
    let z: f64 = 0;
    let k: i32 = 0;
    let trap: f64 = 1e9;
    while (true) {
      if (k >= maxIter) break;
      z = z * z + c;
      const d: f64 = sqrt(abs(z - 0.25));
      if (d < trap) {
        trap = min(d, trap);
      } else if (abs(z) > 2.0) {
        break;
      }
      k++;
      if (trap < 1e-3) { k += k > 7 ? 1000 : 500; break; }
    }
    out[i] = trap + f64(k);
  }
}

// ---- to refuse -------------------------------------------------------------------

export function storeInWhile(out: Float64Array, n: i32, m: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    let x: f64 = f64(i);
    let k: i32 = 0;
    while (k < m) {
      x = x * 0.5 + 1.0;
      out[i] = x;
      k++;
    }
  }
}

function userStep(x: f64): f64 {
  return x * 0.5 + 1.0;
}

export function callInWhile(out: Float64Array, n: i32, m: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    let x: f64 = f64(i);
    let k: i32 = 0;
    while (k < m) {
      x = userStep(x);
      k++;
    }
    out[i] = x;
  }
}

export function readInWhile(out: Float64Array, coef: Float64Array, n: i32, m: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    let x: f64 = f64(i);
    let k: i32 = 0;
    while (k < m) {
      x = x * coef[k] + 1.0;
      k++;
    }
    out[i] = x;
  }
}

export function divideInWhile(out: Int32Array, n: i32, d: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    let x: i32 = i + 100;
    while (x > 3) {
      x = x / d;
    }
    out[i] = x;
  }
}

export function carried(out: Float64Array, n: i32): void {
  let prev: f64 = 1.0;
  for (let i: i32 = 0; i < n; i++) {
    let x: f64 = prev + f64(i);
    let k: i32 = 0;
    while (k < 4) {
      x = x * 0.5;
      k++;
    }
    out[i] = x;
    prev = x;
  }
}

export function readBeforeWhile(out: Float64Array, seeds: Float64Array, n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    let x: f64 = seeds[i];
    let k: i32 = 0;
    while (x > 1.0 && k < 60) {
      x = x * 0.5;
      k++;
    }
    out[i] = f64(k);
  }
}
`;

const PATH = "kernels/interleave.kernel.ts";
let opt, ref, optMandel, refMandel, rt, optBuild, refBuild, notes, mandelNotes, mandelSource, allNotes;

beforeAll(async () => {
  mandelSource = await readFile(nodePath.join(REPO, "kernels/mandelbrot.kernel.ts"), "utf8");
  const sources = { [PATH]: KERNELS, "kernels/mandelbrot.kernel.ts": mandelSource };
  const builds = await Promise.all([
    buildProject("interleave-opt", { sources }),
    buildProject("interleave-ref", { sources, options: { optimizeKernels: false } }),
  ]);
  for (const b of builds) if (!b.result.ok) throw new Error(b.errors);
  [opt, ref] = await Promise.all(builds.map((b) => importBuilt(b.outDir, "interleave.kernel.js")));
  [optMandel, refMandel] = await Promise.all(builds.map((b) => importBuilt(b.outDir, "mandelbrot.kernel.js")));
  rt = await import("../runtime/index.js");
  [optBuild, refBuild] = builds.map((b) => rt.builds().find((x) => x.id === b.result.manifest.build));
  const compiled = await compileKernels({ files: [PATH, "kernels/mandelbrot.kernel.ts"], root: "/virtual", readFile: async (p) => (p.endsWith("mandelbrot.kernel.ts") ? mandelSource : KERNELS) });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  allNotes = compiled.optimizations;
  notes = compiled.optimizations.filter((n) => n.kind === "interleaved" && n.path === PATH);
  mandelNotes = compiled.optimizations.filter((n) => n.kind === "interleaved" && n.path !== PATH);
}, 120_000);

const lineOf = (needle) => KERNELS.split("\n").findIndex((l) => l.includes(needle)) + 1;
const noteAt = (needle) => notes.filter((n) => n.line === lineOf(needle)).map((n) => n.message);

/** Runs `name` in both builds on fresh copies of the arrays in each build's memory; compares results, arrays and errors. */
function compare(modO, modR, name, args) {
  const inBuild = (build) => args.map((a) => {
    if (!ArrayBuffer.isView(a)) return a;
    const c = rt.alloc(a.constructor, a.length, { build });
    c.set(a);
    return c;
  });
  const run = (mod, as) => {
    try { return { value: mod[name](...as), as }; } catch (error) { return { error, as }; }
  };
  const o = run(modO, inBuild(optBuild)), r = run(modR, inBuild(refBuild));
  expect(o.error?.message, `${name}: error`).toBe(r.error?.message);
  expect(Object.is(o.value, r.value), `${name}: result ${o.value} vs ${r.value}`).toBe(true);
  o.as.forEach((a, i) => {
    if (!ArrayBuffer.isView(a)) return;
    const b = r.as[i];
    for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) expect(`${name}: array ${i}[${k}] = ${a[k]}`).toBe(`${b[k]}`);
  });
  return o;
}

describe("interleaved loops compute what the unoptimized build computes", () => {
  it("reports mandelbrot's pixel loop, Newton and collatz as interleaved", () => {
    expect(mandelNotes.map((n) => n.message).join("\n")).toMatch(/^loop interleaved: two iterations run their while loops in lockstep/);
    expect(mandelNotes[0].line).toBe(mandelSource.split("\n").findIndex((l) => l.includes("for (let px")) + 1);
    expect(noteAt("for (let i: i32 = 0; i < n; i++) {")[0]).toMatch(/^loop interleaved/); // cbrtNewton (first such line)
    expect(noteAt("for (let j: i32 = lo; j < hi; j++)")).toEqual([expect.stringMatching(/^loop interleaved/)]);
    expect(noteAt("for (let i: i32 = lo; i < hi; i++)")).toEqual([expect.stringMatching(/^loop not interleaved: the while loop updates no f64\/f32 local/)]);
    expect(noteAt("for (let px: i32 = 0; px < width; px++)")).toEqual([expect.stringMatching(/^loop interleaved/)]);
  });

  it("loop outlining still applies (mandelbrot, the pairs loop of a one-level kernel)", () => {
    expect(allNotes.some((n) => n.path !== PATH && n.kind === "outlined" && n.message.startsWith("loop outlined"))).toBe(true);
    const collatzLoop = lineOf("for (let j: i32 = lo; j < hi; j++)");
    expect(allNotes.filter((n) => n.path === PATH && n.kind === "outlined" && n.line === collatzLoop).some((n) => n.message.startsWith("loop outlined"))).toBe(true);
  });

  it("mandelbrot (library kernel), odd and tiny widths and heights", () => {
    for (const [w, h] of [[0, 0], [0, 3], [1, 1], [1, 5], [2, 2], [3, 1], [5, 4], [17, 9], [64, 33], [101, 7]]) {
      for (const maxIter of [0, 1, 2, 37, 256]) {
        compare(optMandel, refMandel, "mandelbrot", [new Uint16Array(w * h), w, h, -2.2, -1.5, 3 / Math.max(w, 1), 3 / Math.max(h, 1), maxIter]);
      }
    }
    // and the same as the plain-JS twin
    const w = 97, h = 61, js = new Uint16Array(w * h), k = rt.alloc(Uint16Array, w * h, { build: optBuild });
    reference.mandelbrot(js, w, h, -2.2, -1.5, 3 / w, 3 / h, 300);
    optMandel.mandelbrot(k, w, h, -2.2, -1.5, 3 / w, 3 / h, 300);
    expect(Array.from(k)).toEqual(Array.from(js));
  });

  it("mandelbrot's argument errors are unchanged", () => {
    compare(optMandel, refMandel, "mandelbrot", [new Uint16Array(5), 3, 2, -2, -1.5, 0.1, 0.1, 10]);
    compare(optMandel, refMandel, "mandelbrot", [new Uint16Array(6), 3, 2, -2, -1.5, 0.1, 0.1, 70000]);
  });

  it("Newton iteration per element (float division, break on convergence)", () => {
    for (const n of [0, 1, 2, 3, 8, 31]) {
      for (const [a0, da] of [[-5, 0.37], [0, 0], [1e-300, 1e5], [-1e12, 7.3e10]]) {
        for (const maxIter of [0, 1, 5, 100]) compare(opt, ref, "cbrtNewton", [new Float64Array(n), new Int32Array(n), n, a0, da, 1e-12, maxIter]);
      }
    }
  });

  it("collatz counts with a float checksum, a running total, ranges at the ends of i32", () => {
    const ranges = [[0, 0], [0, 1], [1, 2], [0, 2], [5, 8], [1, 100], [27, 28], [-3, 4], [10, 3],
      [2 ** 31 - 3, 2 ** 31 - 1], [2 ** 31 - 2, 2 ** 31 - 1], [2 ** 31 - 4, 2 ** 31 - 1], [-(2 ** 31), -(2 ** 31) + 3], [5, -(2 ** 31)]];
    for (const [lo, hi] of ranges) {
      const n = Math.max(0, Math.min(hi - lo, 1000));
      for (const cap of [0, 1, 50, 1000]) {
        compare(opt, ref, "collatzOrbit", [new Float64Array(n), lo, hi, cap]);
        compare(opt, ref, "collatz", [new Int32Array(n), lo, hi, cap]);
      }
    }
  });

  it("while (true) with breaks in nested ifs", () => {
    const line = KERNELS.slice(0, KERNELS.indexOf("for (", KERNELS.indexOf("export function orbitTrap("))).split("\n").length;
    expect(notes.filter((n) => n.line === line).map((n) => n.message)).toEqual([expect.stringMatching(/^loop interleaved/)]);
    for (const n of [0, 1, 2, 3, 10, 41]) {
      for (const [c0, dc] of [[-2.1, 0.11], [0.2, 0.001], [-0.75, 0.013]]) {
        for (const maxIter of [0, 1, 3, 64]) compare(opt, ref, "orbitTrap", [new Float64Array(n), n, c0, dc, maxIter]);
      }
    }
  });
});

describe("a trap after the while loop", () => {
  it("a short output array: same KernelError at the store's line:col, after the same writes", () => {
    const line = lineOf("out[py * width + px] = <u16>n;");
    const col = KERNELS.split("\n")[line - 1].indexOf("out[py * width + px]") + 1;
    for (const [w, h, len] of [[4, 3, 5], [5, 3, 6], [7, 2, 7], [2, 2, 1], [3, 3, 0]]) {
      const o = compare(opt, ref, "escapeNoCheck", [new Uint16Array(len), w, h, 200]);
      expect(o.error).toBeInstanceOf(rt.KernelError);
      expect(o.error.message).toContain(`index ${len} out of bounds for length ${len} at ${PATH}:${line}:${col}`);
    }
    // without the trap, the same counts
    compare(opt, ref, "escapeNoCheck", [new Uint16Array(35), 7, 5, 200]);
  });
});

describe("loops it must not interleave", () => {
  const cases = {
    storeInWhile: ["stores to array memory ('out[i]')", [new Float64Array(5), 5, 3]],
    callInWhile: ["calls 'userStep'", [new Float64Array(5), 5, 3]],
    readInWhile: ["accesses array memory ('coef[k]')", [new Float64Array(5), new Float64Array([0.5, 0.25, 2]), 5, 3]],
    divideInWhile: ["divides by 'd'", [new Int32Array(6), 6, 2]],
    carried: ["'prev' is assigned after the while loop and read before it", [new Float64Array(7), 7]],
    readBeforeWhile: ["before the while loop, 'x: f64 = seeds[i]' accesses array memory", [new Float64Array(6), new Float64Array([3, 0.5, 1e10, 8, -1, 2]), 6]],
  };
  for (const [name, [why, args]] of Object.entries(cases)) {
    it(`${name}: refused with the reason, same results`, () => {
      const start = KERNELS.indexOf(`export function ${name}(`);
      const line = KERNELS.slice(0, KERNELS.indexOf("for (", start)).split("\n").length;
      const msgs = notes.filter((n) => n.line === line).map((n) => n.message);
      expect(msgs.length, `${name}: ${JSON.stringify(notes)}`).toBe(1);
      expect(msgs[0]).toMatch(/^loop not interleaved: /);
      expect(msgs[0]).toContain(why);
      compare(opt, ref, name, args);
    });
  }

  it("a divisor of 0 still throws the same error in both builds (refused, not reordered)", () => {
    const o = compare(opt, ref, "divideInWhile", [new Int32Array(3), 3, 0]);
    expect(o.error).toBeDefined();
  });

  it("library kernels other than mandelbrot are not matched", async () => {
    const files = ["align", "blas", "histogram", "image", "matmul", "nbody", "reduce", "scan", "simd/simd"].map((f) => `kernels/${f}.kernel.ts`);
    const r = await compileKernels({ files, root: REPO });
    expect(r.ok, JSON.stringify(r.diagnostics.slice(0, 3))).toBe(true);
    // (refusals are reported; simd.kernel.ts's one-pixel remainder loop is one)
    expect(r.optimizations.filter((n) => n.kind === "interleaved" && n.message.startsWith("loop interleaved")).map((n) => `${n.path}:${n.line}`)).toEqual([]);
  }, 120_000);
});
