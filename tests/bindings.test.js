// Generated bindings for every supported type: values cross both ways with
// AssemblyScript semantics, and the .d.ts states the exact TS types.
import { describe, it, expect, beforeAll } from "vitest";
import { readFile } from "node:fs/promises";
import nodePath from "node:path";
import { buildProject, importBuilt } from "./support/build-fixture.js";

let s, a, outDir, runtime;

beforeAll(async () => {
  const built = await buildProject("bindings", { fixtures: ["scalars.kernel.ts", "arrays.kernel.ts", "other.kernel.ts"] });
  if (!built.result.ok) throw new Error(built.errors);
  outDir = built.outDir;
  s = await importBuilt(outDir, "scalars.kernel.js");
  a = await importBuilt(outDir, "arrays.kernel.js");
  runtime = await import("../runtime/index.js");
});

describe("scalar types", () => {
  it("i32 wraps like wasm", () => {
    expect(s.addI32(2, 3)).toBe(5);
    expect(s.addI32(2 ** 31 - 1, 1)).toBe(-(2 ** 31));
  });
  it("u32 comes back unsigned", () => {
    expect(s.addU32(2 ** 32 - 1, 1)).toBe(0);
    expect(s.addU32(2 ** 31, 5)).toBe(2 ** 31 + 5);
  });
  it("i64 and u64 are bigints", () => {
    expect(s.addI64(2n ** 62n, 2n ** 62n)).toBe(-(2n ** 63n));
    expect(s.addU64(2n ** 64n - 1n, 0n)).toBe(2n ** 64n - 1n);
    expect(s.addU64(2n ** 63n, 1n)).toBe(2n ** 63n + 1n);
  });
  it("f32 rounds to single precision, f64 does not", () => {
    expect(s.mulF32(0.1, 3)).toBe(Math.fround(Math.fround(0.1) * 3));
    expect(s.mulF64(0.1, 3)).toBe(0.1 * 3);
  });
  it("small integers wrap to their width", () => {
    expect(s.negI8(-128)).toBe(-128);
    expect(s.incU8(255)).toBe(0);
    expect(s.incI16(32767)).toBe(-32768);
    expect(s.incU16(65535)).toBe(0);
  });
  it("bool is boolean both ways; void returns undefined", () => {
    expect(s.not(true)).toBe(false);
    expect(s.not(false)).toBe(true);
    expect(s.nothing()).toBeUndefined();
  });
});

describe("array types", () => {
  const { alloc } = { alloc: (...args) => runtime.alloc(...args) };
  it("Float64Array", () => {
    const x = alloc(Float64Array, 4); x.set([1, 2, 3, 4.5]);
    expect(a.sumF64(x)).toBe(10.5);
  });
  it("Float32Array written by the kernel is seen by JS", () => {
    const x = alloc(Float32Array, 3);
    a.fillF32(x, 1.5);
    expect([...x]).toEqual([1.5, 1.5, 1.5]);
  });
  it("Int32Array, Uint32Array", () => {
    const x = alloc(Int32Array, 3); x.set([1, -2, 3]);
    a.scaleI32(x, -2);
    expect([...x]).toEqual([-2, 4, -6]);
    const u = alloc(Uint32Array, 2); u.set([2 ** 31, 7]);
    expect(a.sumU32(u)).toBe(2 ** 31 + 7);
  });
  it("16- and 8-bit arrays wrap per element", () => {
    const i16 = alloc(Int16Array, 2); i16.set([32767, -1]); a.incI16(i16); expect([...i16]).toEqual([-32768, 0]);
    const u16 = alloc(Uint16Array, 1); u16[0] = 65535; a.incU16(u16); expect(u16[0]).toBe(0);
    const i8 = alloc(Int8Array, 1); i8[0] = 127; a.incI8(i8); expect(i8[0]).toBe(-128);
    const u8 = alloc(Uint8Array, 2); u8.set([255, 1]); a.incU8(u8); expect([...u8]).toEqual([0, 2]);
  });
  it("Uint8ClampedArray clamps on store", () => {
    const c = alloc(Uint8ClampedArray, 2); c.set([250, 3]);
    a.addClamped(c, 10);
    expect([...c]).toEqual([255, 13]);
  });
  it("64-bit integer arrays are BigInt64Array / BigUint64Array in JS", () => {
    const x = alloc(BigInt64Array, 2); x.set([2n ** 40n, -5n]);
    expect(a.sumI64(x)).toBe(2n ** 40n - 5n);
    const u = alloc(BigUint64Array, 1); u[0] = 2n ** 64n - 1n; a.incU64(u); expect(u[0]).toBe(0n);
  });
  it("a returned array is a kernel-memory Float64Array owned by the caller", () => {
    const r = a.range(5);
    expect(r).toBeInstanceOf(Float64Array);
    expect([...r]).toEqual([0, 1, 2, 3, 4]);
    expect(runtime.isKernelArray(r)).toBe(true);
    expect(a.sumF64(r)).toBe(10);
    runtime.free(r);
  });
  it("returning an argument gives back the same JS object", () => {
    const x = alloc(Float64Array, 3);
    expect(a.same(x)).toBe(x);
    const plain = new Float64Array([1, 2]);
    expect(a.same(plain)).toBe(plain);
  });
});

describe("generated .d.ts", () => {
  it("declares exact TS types", async () => {
    const dts = await readFile(nodePath.join(outDir, "scalars.kernel.d.ts"), "utf8");
    expect(dts).toContain("export declare function addI32(a: number, b: number): number;");
    expect(dts).toContain("export declare function addI64(a: bigint, b: bigint): bigint;");
    expect(dts).toContain("export declare function not(a: boolean): boolean;");
    expect(dts).toContain("export declare function nothing(): void;");
    const arrays = await readFile(nodePath.join(outDir, "arrays.kernel.d.ts"), "utf8");
    expect(arrays).toContain("export declare function sumI64(x: BigInt64Array): bigint;");
    expect(arrays).toContain("export declare function range(n: number): Float64Array;");
    expect(arrays).toContain("export declare function axpy(a: number, x: Float64Array, y: Float64Array): void;");
  });
});
