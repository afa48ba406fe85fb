// The kernel transform: inline bounds checks keep every access safe and
// located, in every syntactic form; directives switch them off per file or
// per function.
import { describe, it, expect, beforeAll } from "vitest";
import { buildProject, importBuilt } from "./support/build-fixture.js";
import { compileKernels } from "../plugin/compiler/compile.js";

const SOURCE = `
class Grid {
  data: Float64Array;
  constructor(n: i32) { this.data = new Float64Array(n); }
  get(i: i32): f64 { return this.data[i]; }
}

export function gather(x: Float64Array, idx: Int32Array, out: Float64Array): void {
  for (let i = 0; i < idx.length; i++) out[i] = x[idx[i]];
}
export function addInto(x: Float64Array, i: i32, v: f64): f64 {
  x[i] += v;
  return x[i];
}
export function bump(x: Int32Array, i: i32): i32 {
  x[i]++;
  return ++x[i];
}
export function fieldAccess(n: i32, i: i32): f64 {
  const g = new Grid(n);
  return g.get(i);
}
function pick(x: Float64Array): Float64Array { return x; }
export function callResult(x: Float64Array, i: i32): f64 {
  return pick(x)[i];
}
// @tskern boundscheck=false
export function fast(x: Float64Array, i: i32): f64 {
  return x[i];
}
export function slow(x: Float64Array, i: i32): f64 {
  return x[i];
}
`;

let k, rt;
beforeAll(async () => {
  const built = await buildProject("transform", { sources: { "kernels/t.kernel.ts": SOURCE } });
  if (!built.result.ok) throw new Error(built.errors);
  k = await importBuilt(built.outDir, "t.kernel.js");
  rt = await import("../runtime/index.js");
});

/** 1-based line:column of the n-th occurrence of `needle` in SOURCE. */
function at(needle, nth = 0) {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = SOURCE.indexOf(needle, offset + 1);
  const before = SOURCE.slice(0, offset).split("\n");
  return `${before.length}:${before.at(-1).length + 1}`;
}

const err = (fn) => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return null;
};

describe("inline bounds checks", () => {
  it("nested index expressions check both accesses, each at its own column", () => {
    const x = new Float64Array([10, 20, 30]);
    const out = new Float64Array(2);
    k.gather(x, new Int32Array([2, 0]), out);
    expect([...out]).toEqual([30, 10]);
    const e = err(() => k.gather(x, new Int32Array([0, 3]), out));
    expect(e.message).toContain(`index 3 out of bounds for length 3 at kernels/t.kernel.ts:${at("x[idx[i]]")}`);
    const e2 = err(() => k.gather(x, new Int32Array([0, 1, 2]), out));
    expect(e2.message).toContain(`index 2 out of bounds for length 2 at kernels/t.kernel.ts:${at("out[i] =")}`);
  });
  it("compound assignment and ++ are checked and still correct", () => {
    const x = new Float64Array([1, 2]);
    expect(k.addInto(x, 1, 5)).toBe(7);
    expect(err(() => k.addInto(x, 2, 1)).code).toBe("TSK201");
    const y = new Int32Array([0, 0]);
    expect(k.bump(y, 0)).toBe(2);
    expect(err(() => k.bump(y, 5)).message).toContain(`bump: index 5 out of bounds for length 2 at kernels/t.kernel.ts:${at("x[i]++")}`);
  });
  it("field access `this.data[i]` in a helper class is checked", () => {
    expect(k.fieldAccess(4, 3)).toBe(0);
    expect(err(() => k.fieldAccess(4, 4)).message).toContain(`index 4 out of bounds for length 4 at kernels/t.kernel.ts:${at("this.data[i]")}`);
  });
  it("an access we cannot rewrite keeps AssemblyScript's own check (still a KernelError)", () => {
    const x = new Float64Array(2);
    const e = err(() => k.callResult(x, 2));
    expect(e).toBeInstanceOf(rt.KernelError);
    expect(e.message).toContain("callResult");
  });
  it("boundscheck=false applies to the function below it only", () => {
    const x = rt.alloc(Float64Array, 2);
    expect(err(() => k.fast(x, 2))).toBeNull();
    expect(err(() => k.slow(x, 2)).code).toBe("TSK201");
  });
});

describe("the build option boundsCheck: false", () => {
  it("turns every check off unless a directive turns it on", async () => {
    const src = "export function f(x: Float64Array, i: i32): f64 { return x[i]; }\n// @tskern boundscheck=true\nexport function g(x: Float64Array, i: i32): f64 { return x[i]; }\n";
    const built = await buildProject("nocheck", { sources: { "kernels/n.kernel.ts": src }, options: { boundsCheck: false } });
    const n = await importBuilt(built.outDir, "n.kernel.js");
    const x = rt.alloc(Float64Array, 2, { build: rt.builds().at(-1) });
    expect(err(() => n.f(x, 2))).toBeNull();
    expect(err(() => n.g(x, 2)).code).toBe("TSK201");
  });
});

describe("names a kernel may use", () => {
  it("kernels named like binding internals or optimizer built-ins compile and run", async () => {
    const src = [
      "export function k0(x: i32): i32 { return x + 1; }",
      "export function S(x: Float64Array): f64 { let s: f64 = 0; for (let i = 0; i < x.length; i++) s += x[i]; return s; }",
      "export function min(x: Float64Array): f64 { let m = Infinity; for (let i = 0; i < x.length; i++) { const v = x[i]; if (v < m) m = v; } return m; }",
      "export function load(x: Int32Array, i: i32): i32 { return x[i]; }",
    ].join("\n") + "\n";
    const built = await buildProject("names", { sources: { "kernels/names.kernel.ts": src } });
    if (!built.result.ok) throw new Error(built.errors);
    const n = await importBuilt(built.outDir, "names.kernel.js");
    expect(n.k0(1)).toBe(2);
    expect(n.S(new Float64Array([1, 2, 3]))).toBe(6);
    expect(n.min(new Float64Array([3, -1, 2]))).toBe(-1);
    expect(n.load(new Int32Array([4, 5]), 1)).toBe(5);
    expect(err(() => n.load(new Int32Array([4, 5]), 2)).code).toBe("TSK201");
  });

  it("a kernel file declaring a built-in's name (min, max, load) is still optimized; only its own references are renamed", async () => {
    const src = [
      "export function min(x: Float64Array): f64 { let m = Infinity; for (let i = 0; i < x.length; i++) { const v = x[i]; if (v < m) m = v; } return m; }",
      "export function max(x: Float64Array): f64 { let m = -Infinity; for (let i = 0; i < x.length; i++) m = Math.max(m, x[i]); return m; }",
      "export function range(x: Float64Array): f64 { return max(x) - min(x); }",
      "export function clampSum(x: Float64Array, lo: f64): f64 { let s: f64 = 0; for (let i = 0; i < x.length; i++) { const max = x[i]; s += max > lo ? max : lo; } return s; }",
      "class Box { min: f64 = 1; max(): f64 { return this.min + 1; } }",
      "export function boxed(): f64 { const b = new Box(); return b.max() + b.min; }",
    ].join("\n") + "\n";
    const files = { "/p/k/r.kernel.ts": src };
    const result = await compileKernels({ files: ["k/r.kernel.ts"], root: "/p", readFile: (f) => files[f] ?? null });
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
    const notes = result.optimizations.filter((o) => o.path === "k/r.kernel.ts");
    expect(notes.some((o) => o.message.startsWith("not optimized"))).toBe(false);
    expect(notes.filter((o) => o.kind === "versioned").map((o) => o.line)).toEqual(expect.arrayContaining([1, 2, 4]));
    expect(result.kernels.map((k) => k.name)).toEqual(["min", "max", "range", "clampSum", "boxed"]);

    const built = await buildProject("names-renamed", { sources: { "kernels/r.kernel.ts": src } });
    const r = await importBuilt(built.outDir, "r.kernel.js");
    const x = new Float64Array([3, -1, 2, 7]);
    expect(r.min(x)).toBe(-1);
    expect(r.max(x)).toBe(7);
    expect(r.range(x)).toBe(8);
    expect(r.clampSum(x, 0)).toBe(12); // the local `max` is the local, not the kernel
    expect(r.boxed()).toBe(3); // member names are not renamed
    expect(r.min(new Float64Array(0))).toBe(Infinity);
  });

  it("a built-in's name brought in by an import turns the optimizer off for that file, with a note saying how to fix it", async () => {
    const files = {
      "/p/k/i.kernel.ts": `import { max } from "./util";\nexport function top(x: Float64Array): f64 { let m = -Infinity; for (let i = 0; i < x.length; i++) m = max(m, x[i]); return m; }\n`,
      "/p/k/util.ts": "export function max(a: f64, b: f64): f64 { return a > b ? a : b; }\n",
    };
    const result = await compileKernels({ files: ["k/i.kernel.ts"], root: "/p", readFile: (f) => files[f] ?? null });
    expect(result.ok).toBe(true);
    const note = result.optimizations.find((o) => o.path === "k/i.kernel.ts" && o.message.startsWith("not optimized"));
    expect(note?.message).toBe("not optimized: this file imports 'max', a name the optimizer's generated code needs; import it under another name (import { max as my_max } ...) to get the optimized build");
  });
});

describe("kernels that allocate", () => {
  it("are flagged from the wasm call graph, and only their bindings settle kernel garbage after the call", async () => {
    const files = {
      "/p/k/a.kernel.ts": [
        "export function scratch(n: i32): f64 { const t = new Float64Array(n); t[0] = 1; return t[0]; }",
        "function helperAlloc(n: i32): Int32Array { return new Int32Array(n); }",
        "export function indirect(n: i32): i32 { return helperAlloc(n).length; }",
        "export function pure(x: Float64Array): f64 { let s: f64 = 0; for (let i = 0; i < x.length; i++) s += x[i]; return s; }",
        "export function fresh(n: i32): Float64Array { return new Float64Array(n); }",
      ].join("\n") + "\n",
    };
    const result = await compileKernels({ files: ["k/a.kernel.ts"], root: "/p", readFile: (f) => files[f] ?? null });
    if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
    expect(Object.fromEntries(result.kernels.map((k) => [k.name, k.allocates === true]))).toEqual({ scratch: true, indirect: true, pure: false, fresh: true });
    const { generateKernelModule } = await import("../plugin/bindings/js-module.js");
    const js = generateKernelModule({ file: "k/a.kernel.ts", kernels: result.kernels.map((k, index) => ({ ...k, index })), buildImport: "./b.js", version: "test" });
    const body = (name) => js.slice(js.indexOf(`export function ${name}(`), js.indexOf("\n}\n", js.indexOf(`export function ${name}(`)));
    expect(body("scratch")).toContain("$tsk.settle();");
    expect(body("pure")).not.toContain("settle");
  });
});

