// Every error row of DESIGN.md section 4: located, catchable, nothing lost.
import { describe, it, expect, beforeAll } from "vitest";
import { buildProject, importBuilt } from "./support/build-fixture.js";
import { compileKernels } from "../plugin/compiler/compile.js";
import { formatDiagnostic } from "../plugin/compiler/diagnostics.js";

/** Compiles one in-memory kernel file. @param {string} text @param {object} [options] */
async function compileText(text, options = {}) {
  const files = { "/virtual/k/test.kernel.ts": text };
  const r = await compileKernels({ root: "/virtual", files: ["k/test.kernel.ts"], readFile: async (p) => files[p] ?? null, ...options });
  return { ...r, errors: r.diagnostics.filter((d) => d.severity === "error") };
}

describe("compile errors are located data", () => {
  it("syntax error: path:line:col, message, code frame", async () => {
    const r = await compileText("export function f(x: f64): f64 {\n  return x +;\n}\n");
    expect(r.ok).toBe(false);
    const d = r.errors[0];
    expect(d).toMatchObject({ path: "k/test.kernel.ts", line: 2 });
    expect(d.column).toBeGreaterThan(1);
    expect(d.code).toMatch(/^AS\d+$/);
    expect(d.frame).toContain("return x +;");
    expect(formatDiagnostic(d)).toMatch(/^k\/test\.kernel\.ts:2:\d+: error AS\d+: /);
  });
  it("type error names the line", async () => {
    const r = await compileText("export function f(x: f64): i32 {\n  let y: i32 = 1;\n  return y + undefinedName;\n}\n");
    expect(r.errors[0]).toMatchObject({ path: "k/test.kernel.ts", line: 3, code: "AS2304" });
    expect(r.errors[0].message).toContain("undefinedName");
  });
  it("unsupported parameter type: TSK101 at the parameter, naming the supported ones", async () => {
    const r = await compileText("export function f(a: i32, s: string): i32 {\n  return a;\n}\n");
    const d = r.errors.find((e) => e.code === "TSK101");
    expect(d).toMatchObject({ line: 1, column: 30 });
    expect(d.message).toContain("'s' of kernel 'f' has type 'string'");
    expect(d.message).toContain("Float64Array");
    expect(d.message).toContain("i64");
  });
  it("unsupported return type: TSK102", async () => {
    const r = await compileText("export function f(a: i32): Array<i32> {\n  return [a];\n}\n");
    expect(r.errors.find((e) => e.code === "TSK102")).toMatchObject({ line: 1, column: 28 });
  });
  it("generic or optional parameters: TSK107", async () => {
    const r = await compileText("export function f(a: i32, b: i32 = 2): i32 { return a + b; }\n");
    expect(r.errors.find((e) => e.code === "TSK107")?.message).toContain("'b'");
  });
  it("exported non-function: TSK104", async () => {
    const r = await compileText("export const N: i32 = 3;\nexport function f(): i32 { return N; }\n");
    expect(r.errors.find((e) => e.code === "TSK104")).toMatchObject({ line: 1, column: 1 });
  });
  it("unknown or malformed directive: TSK103 at the directive", async () => {
    const r = await compileText("// @tskern boundscheck=maybe speed=11\nexport function f(): i32 { return 1; }\n");
    const codes = r.errors.filter((e) => e.code === "TSK103");
    expect(codes).toHaveLength(2);
    expect(codes[0]).toMatchObject({ line: 1, column: 12 });
    expect(codes[1].message).toContain("Unknown directive 'speed'");
  });
  it("missing file: TSK105", async () => {
    const r = await compileKernels({ root: "/virtual", files: ["nope.kernel.ts"], readFile: async () => null });
    expect(r.diagnostics[0]).toMatchObject({ code: "TSK105", path: "nope.kernel.ts" });
  });
  it("a good file still compiles after a bad one (the compiler keeps no broken state)", async () => {
    await compileText("export function f(: {");
    const r = await compileText("export function f(x: i32): i32 { return x * 2; }\n");
    expect(r.ok).toBe(true);
    expect(r.kernels.map((k) => k.name)).toEqual(["f"]);
  });
});

describe("runtime errors", () => {
  let a, s, rt;
  beforeAll(async () => {
    const built = await buildProject("errors", { fixtures: ["arrays.kernel.ts", "scalars.kernel.ts"] });
    if (!built.result.ok) throw new Error(built.errors);
    a = await importBuilt(built.outDir, "arrays.kernel.js");
    s = await importBuilt(built.outDir, "scalars.kernel.js");
    rt = await import("../runtime/index.js");
  });

  /** @param {() => unknown} fn */
  const caught = (fn) => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    throw new Error("expected a throw");
  };

  it("wrong argument count: TypeError naming kernel and signature", () => {
    const e = caught(() => s.addI32(1));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toContain("addI32(a: i32, b: i32) takes 2 arguments, got 1");
  });
  it("wrong argument type: TypeError naming kernel and parameter", () => {
    expect(caught(() => a.sumF64(new Float32Array(2))).message).toContain("sumF64: parameter 'x' expects a Float64Array, got a Float32Array");
    expect(caught(() => a.sumF64([1, 2])).message).toContain("got an Array of length 2");
    expect(caught(() => s.addI32(1.5, 2)).message).toContain("parameter 'a' expects an integer");
    expect(caught(() => s.mulF64("2", 2))).toBeInstanceOf(TypeError);
    expect(caught(() => s.not(1)).message).toContain("expects a boolean");
  });
  it("BigInt vs number: TypeError both ways", () => {
    expect(caught(() => s.addI64(1, 2n)).message).toContain("parameter 'a' expects a bigint");
    expect(caught(() => s.addI32(1n, 2)).message).toContain("got the bigint 1n");
    expect(caught(() => s.addU64(-1n, 0n)).message).toContain("in [0, 2^64)");
  });
  it("out-of-bounds read: KernelError at the kernel source line, memory intact", () => {
    const x = rt.alloc(Float64Array, 4); x.set([1, 2, 3, 4]);
    const e = caught(() => a.readAt(x, 4));
    expect(e).toBeInstanceOf(rt.KernelError);
    expect(e.code).toBe("TSK201");
    expect(e.message).toMatch(/readAt: index 4 out of bounds for length 4 at kernels\/arrays\.kernel\.ts:43:10/);
    expect(e).toMatchObject({ kernel: "readAt", path: "kernels/arrays.kernel.ts", line: 43, column: 10 });
    expect([...x]).toEqual([1, 2, 3, 4]);
    expect(a.readAt(x, 3)).toBe(4);
    expect(caught(() => a.readAt(x, -1)).message).toContain("index -1 out of bounds");
  });
  it("out-of-bounds write: KernelError, and the writes before it stay", () => {
    const x = rt.alloc(Float64Array, 4);
    const e = caught(() => a.fillThenFail(x, 2));
    expect(e.code).toBe("TSK201");
    expect(e.line).toBe(66);
    expect([...x]).toEqual([9, 9, 0, 0]);
    expect(caught(() => a.writeAt(x, 10, 1)).message).toContain("index 10 out of bounds for length 4");
  });
  it("assert: KernelError with the assertion message and location", () => {
    const e = caught(() => a.positive(0));
    expect(e).toBeInstanceOf(rt.KernelError);
    expect(e.code).toBe("TSK205");
    expect(e.message).toBe("positive: n must be positive at kernels/arrays.kernel.ts:49:3");
    expect(a.positive(3)).toBe(3);
  });
  it("throw: KernelError with the thrown message", () => {
    expect(caught(() => a.thrower(7)).message).toMatch(/thrower: seven is not allowed at kernels\/arrays\.kernel\.ts:53:\d+/);
    expect(a.thrower(1)).toBe(1);
  });
  it("unreachable and division by zero: KernelError naming the kernel source", () => {
    const e = caught(() => a.trap(1));
    expect(e).toBeInstanceOf(rt.KernelError);
    expect(e.code).toBe("TSK206");
    expect(e.message).toMatch(/^trap: unreachable.* at kernels\/arrays\.kernel\.ts:57:\d+/);
    expect(e).toMatchObject({ path: "kernels/arrays.kernel.ts", line: 57 });
    expect(e.cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect(caught(() => a.divide(1, 0)).message).toMatch(/divide: divide by zero at kernels\/arrays\.kernel\.ts:61:\d+/);
    expect(a.divide(9, 2)).toBe(4);
  });
  it("after every kind of trap, live arrays and later calls are fine", () => {
    const x = rt.alloc(Float64Array, 1000).fill(1);
    const plain = new Float64Array([5, 5]);
    for (const fn of [() => a.readAt(x, 5000), () => a.positive(-1), () => a.trap(1), () => a.divide(1, 0), () => a.readAt(plain, 9)]) {
      expect(caught(fn)).toBeInstanceOf(rt.KernelError);
    }
    expect(a.sumF64(x)).toBe(1000);
    expect([...plain]).toEqual([5, 5]);
    const r = a.range(3);
    expect([...r]).toEqual([0, 1, 2]);
  });
  it("boundscheck=false leaves the access unchecked (no KernelError for an in-memory read)", () => {
    const x = rt.alloc(Float64Array, 4);
    expect(() => a.readUnchecked(x, 5)).not.toThrow();
  });
});

describe("memory limit", () => {
  it("alloc beyond the limit: RangeError with sizes; existing arrays intact", async () => {
    const built = await buildProject("limit", { fixtures: ["arrays.kernel.ts"], options: { memoryLimit: 32 * 1024 * 1024 } });
    const a = await importBuilt(built.outDir, "arrays.kernel.js");
    const rt = await import("../runtime/index.js");
    const build = rt.builds().find((b) => b.memoryLimit === 32 * 1024 * 1024);
    const keep = rt.alloc(Float64Array, 1000, { build }).fill(2);
    const held = [];
    let error;
    try {
      for (let i = 0; i < 100; i++) held.push(rt.alloc(Float64Array, 1 << 19, { build }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toMatch(/cannot allocate 4\.0 MiB: the kernel memory limit is 32\.0 MiB and about .* is left/);
    expect(held.length).toBeGreaterThan(2);
    expect(a.sumF64(keep)).toBe(2000);
    for (const h of held) rt.free(h);
    expect(rt.alloc(Float64Array, 1 << 19, { build }).length).toBe(1 << 19);
  });
});
