// Generic kernels (`// @tskern dtypes=f32,f64,i32` on `name<T>(x: TypedArray<T>)`):
// one source, one wasm export per dtype, a binding that dispatches on the
// array's class, one .d.ts overload per dtype. Each specialisation against
// JS; unsupported dtypes, bad directives and undispatchable signatures give
// located errors; pure mode runs the same source.
import { describe, it, expect, beforeAll } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import nodePath from "node:path";
import ts from "typescript";
import { buildProject, importBuilt, scratchDir } from "./support/build-fixture.js";
import { compileKernels } from "../plugin/compiler/compile.js";
import { importPure } from "../plugin/pure/load.js";

const GENERIC = `// Generic BLAS-1: one source for every dtype.

// @tskern dtypes=f32,f64,i32
export function sum<T>(x: TypedArray<T>): T {
  let s: T = <T>0;
  for (let i: i32 = 0; i < x.length; i++) s += x[i];
  return s;
}

// @tskern dtypes=f32,f64,i32
export function axpy<T>(a: T, x: TypedArray<T>, y: TypedArray<T>): void {
  if (x.length != y.length) throw new RangeError("axpy: x and y must have the same length");
  for (let i: i32 = 0; i < x.length; i++) y[i] += a * x[i];
}

// @tskern dtypes=u8,i64
export function scaled<T>(x: TypedArray<T>, a: T): TypedArray<T> {
  const out = new TypedArray<T>(x.length);
  for (let i: i32 = 0; i < x.length; i++) out[i] = x[i] * a;
  return out;
}

// @tskern dtypes=f64,i32
export function trace<T>(m: View2D<T>): T {
  let s: T = <T>0;
  const n = min(m.rows, m.cols);
  for (let i: i32 = 0; i < n; i++) s += m.get(i, i);
  return s;
}

export function plain(x: Float64Array): f64 {
  return x.length > 0 ? x[0] : 0;
}
`;

let mod, rt, outDir, dts, js;

beforeAll(async () => {
  const built = await buildProject("generics", { sources: { "kernels/gen.kernel.ts": GENERIC } });
  if (!built.result.ok) throw new Error(built.errors);
  outDir = built.outDir;
  mod = await importBuilt(outDir, "gen.kernel.js");
  rt = await import("../runtime/index.js");
  dts = await readFile(nodePath.join(outDir, "gen.kernel.d.ts"), "utf8");
  js = await readFile(nodePath.join(outDir, "gen.kernel.js"), "utf8");
}, 120_000);

const f32sum = (a) => a.reduce((s, v) => Math.fround(s + v), 0);
const i32sum = (a) => a.reduce((s, v) => (s + v) | 0, 0);
const f64sum = (a) => a.reduce((s, v) => s + v, 0);

describe("generic kernels: one source, every dtype", () => {
  it("sum<T> gives each dtype's own arithmetic (f64, f32 rounding, i32 wrapping)", () => {
    const values = [0.1, 0.2, 0.3, 1e8, -3.75];
    expect(mod.sum(new Float64Array(values))).toBe(f64sum(values));
    const f = new Float32Array(values);
    expect(mod.sum(f)).toBe(f32sum(f));
    expect(mod.sum(f)).not.toBe(f64sum(values));
    const ints = new Int32Array([2 ** 31 - 1, 5, -7, 1]);
    expect(mod.sum(ints)).toBe(i32sum(ints));
    expect(mod.sum(new Int32Array(0))).toBe(0);
    expect(mod.sum(new Float64Array([NaN, 1]))).toBeNaN();
  });

  it("axpy<T> for each dtype, with arrays from alloc (zero copy) and plain arrays (copied)", () => {
    for (const [C, a, round] of [[Float64Array, 0.5, (v) => v], [Float32Array, 0.1, Math.fround], [Int32Array, 3, (v) => v | 0]]) {
      const x = C.from([1, 2, 3, 2 ** 20]);
      const want = C.from([4, 5, 6, 7]).map((v, i) => round(v + round(a * x[i])));
      const y = rt.alloc(C, 4);
      y.set([4, 5, 6, 7]);
      mod.axpy(a, x, y);
      expect([...y], C.name).toEqual([...want]);
      const plain = C.from([4, 5, 6, 7]);
      mod.axpy(a, rt.alloc(C, 4).fill(0), plain);
      expect([...plain]).toEqual([4, 5, 6, 7]);
      rt.free(y);
    }
  });

  it("a generic kernel may return TypedArray<T> (u8 wraps, i64 is bigint)", () => {
    const u = mod.scaled(new Uint8Array([1, 100, 200]), 2);
    expect(u).toBeInstanceOf(Uint8Array);
    expect([...u]).toEqual([2, 200, 144]);
    const b = mod.scaled(new BigInt64Array([3n, -4n]), 5n);
    expect(b).toBeInstanceOf(BigInt64Array);
    expect([...b]).toEqual([15n, -20n]);
    rt.free(u);
    rt.free(b);
  });

  it("dispatches on a 2-D view of T too", () => {
    const m = rt.alloc2d(Float64Array, 3, 3);
    m.data.set([1, 2, 3, 4, 5.5, 6, 7, 8, 9]);
    expect(mod.trace(m)).toBe(15.5);
    const n = rt.alloc2d(Int32Array, 2, 4);
    n.data.set([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(mod.trace(n.transpose())).toBe(7);
    rt.free(m.data);
    rt.free(n.data);
  });

  it("an unsupported dtype is a TypeError naming the ones built (TSK213)", () => {
    let error;
    try {
      mod.sum(new Uint16Array(3));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe("TSK213");
    expect(error.message).toContain("sum: parameter 'x' is a Uint16Array");
    expect(error.message).toContain("Float32Array, Float64Array, Int32Array");
    expect(error.message).toContain("dtypes=");
    expect(() => mod.sum([1, 2])).toThrow(/an Array of length 2.*\[TSK213\]/);
    expect(() => mod.axpy(1, new Float64Array(2), new Float32Array(2))).toThrow(/axpy: parameter 'y' expects a Float64Array, got a Float32Array \[TSK209\]/);
    expect(() => mod.axpy(1.5, new Int32Array(2), new Int32Array(2))).toThrow(/parameter 'a' expects an integer .*\[TSK209\]/);
    expect(() => mod.trace(new Float64Array(4))).toThrow(/trace: parameter 'm' expects a 2-D view .*\[TSK214\]/);
    expect(() => mod.trace(rt.view2d(new Float32Array(4), 2, 2))).toThrow(/is a Float32Array view, but trace is built only for Float64Array, Int32Array\..*\[TSK213\]/);
    expect(() => mod.sum()).toThrow(/takes 1 argument, got 0 \[TSK208\]/);
    // a located KernelError from one specialisation; later calls work
    expect(() => mod.axpy(1, new Float32Array(2), new Float32Array(3))).toThrow(/x and y must have the same length at kernels\/gen\.kernel\.ts:12:\d+/);
    expect(mod.sum(new Float64Array([2, 3]))).toBe(5);
  });

  it("the .d.ts has one overload per dtype, and TypeScript picks them", async () => {
    expect(dts).toContain("export declare function sum(x: Float32Array): number;");
    expect(dts).toContain("export declare function sum(x: Float64Array): number;");
    expect(dts).toContain("export declare function sum(x: Int32Array): number;");
    expect(dts).toContain("export declare function scaled(x: BigInt64Array, a: bigint): BigInt64Array;");
    expect(js).toMatch(/export function sum\(a0\) \{\n  if \(arguments.length !== 1\)[^\n]*\n  const d = a0;\n  if \(d instanceof Float32Array\) return \$tskK\d+\(a0\);/);
    const dir = await scratchDir("generics-tsc");
    await writeFile(nodePath.join(dir, "gen.kernel.d.ts"), dts);
    await writeFile(nodePath.join(dir, "host.ts"), [
      'import { sum, scaled } from "./gen.kernel.js";',
      "const a: number = sum(new Float32Array(2));",
      "const b: BigInt64Array = scaled(new BigInt64Array(2), 2n);",
      "sum(new Uint16Array(2));",
      "scaled(new Uint8Array(2), 2n);",
      "export { a, b };",
    ].join("\n"));
    const program = ts.createProgram([nodePath.join(dir, "host.ts")], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
    expect(errors.map((e) => e.split(":")[0])).toEqual(["4", "5"]);
    expect(errors[0]).toContain("No overload matches this call");
  });

  it("ordinary kernels in the same file are unchanged", () => {
    expect(mod.plain(new Float64Array([4]))).toBe(4);
    expect(js).toContain("export function plain(a0) {");
  });

  it("pure mode runs the same generic source for any dtype", async () => {
    const dir = await scratchDir("generics-pure");
    const file = nodePath.join(dir, "gen.kernel.ts");
    await writeFile(file, GENERIC);
    const pure = await importPure(file);
    expect(pure.sum(new Float64Array([0.5, 0.25]))).toBe(0.75);
    expect(pure.sum(new Int32Array([1, 2, 3]))).toBe(6);
    const y = new Int32Array([1, 1]);
    pure.axpy(2, new Int32Array([3, 4]), y);
    expect([...y]).toEqual([7, 9]);
    expect(pure.trace(rt.view2d(new Float64Array([1, 0, 0, 2]), 2, 2))).toBe(3);
  });
});

/** Compiles one kernel file from text; errors with their locations. */
async function compileText(text) {
  const files = { "/virtual/k/g.kernel.ts": text };
  const r = await compileKernels({ root: "/virtual", files: ["k/g.kernel.ts"], readFile: async (p) => files[p] ?? null });
  return r.diagnostics.filter((d) => d.severity === "error");
}

describe("generic kernels: located compile errors", () => {
  it("a generic kernel without dtypes: TSK107 pointing at the directive", async () => {
    const errors = await compileText("export function sum<T>(x: TypedArray<T>): T {\n  return x[0];\n}\n");
    expect(errors[0]).toMatchObject({ code: "TSK107", line: 1, column: 17 });
    expect(errors[0].message).toContain("// @tskern dtypes=f32,f64,i32");
  });

  it("an unknown or repeated dtype: TSK111 at the directive, listing the known ones", async () => {
    const errors = await compileText("export function a(): void {}\n// @tskern dtypes=f32,f16\nexport function sum<T>(x: TypedArray<T>): T {\n  return x[0];\n}\n");
    expect(errors[0]).toMatchObject({ code: "TSK111", line: 2, column: 12 });
    expect(errors[0].message).toContain("'f16' is not a dtype");
    expect(errors[0].message).toContain("f64, f32, i32, u32");
    const twice = await compileText("// @tskern dtypes=f64,f64\nexport function sum<T>(x: TypedArray<T>): T {\n  return x[0];\n}\n");
    expect(twice[0]).toMatchObject({ code: "TSK111", line: 1 });
    expect(twice[0].message).toContain("listed twice");
  });

  it("dtypes on a kernel that is not generic: TSK112 at its name", async () => {
    const errors = await compileText("export function a(): void {}\n// @tskern dtypes=f64\nexport function sum(x: Float64Array): f64 {\n  return x[0];\n}\n");
    expect(errors[0]).toMatchObject({ code: "TSK112", line: 3, column: 17 });
    expect(errors[0].message).toContain("is not generic");
  });

  it("nothing to dispatch on, two type parameters, or parallel: TSK113", async () => {
    const none = await compileText("// @tskern dtypes=f64,i32\nexport function fill<T>(n: i32, v: T): T {\n  return v;\n}\n");
    expect(none[0]).toMatchObject({ code: "TSK113", line: 2, column: 17 });
    expect(none[0].message).toContain("no parameter of type 'TypedArray<T>'");
    const two = await compileText("// @tskern dtypes=f64\nexport function f<T, U>(x: TypedArray<T>): T {\n  return x[0];\n}\n");
    expect(two[0]).toMatchObject({ code: "TSK113", line: 2 });
    expect(two[0].message).toContain("2 type parameters");
    const par = await compileText("// @tskern dtypes=f64 parallel\nexport function f<T>(start: i32, end: i32, x: TypedArray<T>): void {\n}\n");
    expect(par.find((e) => e.code === "TSK113")?.message).toContain("parallel generic kernels are not supported");
  });

  it("a file-wide dtypes applies to the file's generic kernels only", async () => {
    const errors = await compileText("// @tskern dtypes=f64,i32\n\nexport function first<T>(x: TypedArray<T>): T {\n  return x[0];\n}\nexport function plain(x: Float64Array): f64 {\n  return x[0];\n}\n");
    expect(errors).toEqual([]);
  });

  it("a type error in one specialisation is located in the one source", async () => {
    // bitwise ops exist for i32 but not for f64
    const errors = await compileText("export function a(): void {}\n// @tskern dtypes=i32,f64\nexport function mask<T>(x: TypedArray<T>): T {\n  return x[0] & x[1];\n}\n");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ path: "k/g.kernel.ts", line: 4 });
  });
});
