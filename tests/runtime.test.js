// The zero-copy runtime: arrays live in kernel memory, pass in O(1), survive
// growth, and misuse is caught.
import { describe, it, expect, beforeAll } from "vitest";
import { buildProject, importBuilt } from "./support/build-fixture.js";

let a, other, rt, build;

beforeAll(async () => {
  const built = await buildProject("runtime", { fixtures: ["arrays.kernel.ts", "other.kernel.ts"] });
  if (!built.result.ok) throw new Error(built.errors);
  a = await importBuilt(built.outDir, "arrays.kernel.js");
  other = await importBuilt(built.outDir, "other.kernel.js");
  rt = await import("../runtime/index.js");
  build = rt.defaultBuild();
});

describe("zero copy", () => {
  it("alloc returns a real typed array viewing kernel memory", () => {
    const x = rt.alloc(Float64Array, 8);
    expect(x).toBeInstanceOf(Float64Array);
    expect(x.length).toBe(8);
    expect(x.buffer).toBe(build.memory.buffer.constructor === SharedArrayBuffer ? x.buffer : x.buffer);
    expect(x.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect([...x]).toEqual(new Array(8).fill(0));
  });
  it("a kernel's writes are visible in JS without a copy, and JS writes in the kernel", () => {
    const x = rt.alloc(Float64Array, 3), y = rt.alloc(Float64Array, 3);
    x.set([1, 2, 3]);
    const yBefore = y;
    a.axpy(2, x, y);
    expect(y).toBe(yBefore);
    expect([...y]).toEqual([2, 4, 6]);
    y[1] = 100;
    expect(a.sumF64(y)).toBe(108);
  });
  it("the allocated-array path makes no temporary (passes the pointer)", () => {
    const x = rt.alloc(Float64Array, 1000);
    const before = rt.memoryStats();
    for (let i = 0; i < 1000; i++) a.sumF64(x);
    expect(rt.memoryStats().liveArrays).toBe(before.liveArrays);
    expect(rt.memoryStats().memoryBytes).toBe(before.memoryBytes);
    expect(build.tempCount).toBe(0);
  });
  it("all kernels of one build share one memory", () => {
    const x = rt.alloc(Float64Array, 4), y = rt.alloc(Float64Array, 4);
    x.fill(2); y.fill(3);
    a.axpy(1, x, y); // y = 5
    expect(other.dot(x, y)).toBe(40);
  });
  it("a subarray of an allocated array passes without a copy", () => {
    const x = rt.alloc(Float64Array, 10);
    x.set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const mid = x.subarray(2, 5);
    expect(a.sumF64(mid)).toBe(9);
    a.fillF32; // (different type: below)
    const y = rt.alloc(Float64Array, 10);
    a.axpy(1, x.subarray(0, 3), y.subarray(7, 10));
    expect([...y.subarray(7)]).toEqual([0, 1, 2]);
    expect(build.tempCount).toBe(0);
  });
});

describe("plain arrays: copy in and back", () => {
  it("gives the same results as allocated arrays", () => {
    expect(other.dot(new Float64Array([1, 2]), new Float64Array([3, 4]))).toBe(11);
  });
  it("written parameters reach the caller's array", () => {
    const y = new Float64Array([1, 1, 1]);
    a.axpy(2, new Float64Array([1, 2, 3]), y);
    expect([...y]).toEqual([3, 5, 7]);
  });
  it("the same plain array passed twice is one array to the kernel", () => {
    const v = new Float64Array([1, 2, 3]);
    a.axpy(1, v, v);
    expect([...v]).toEqual([2, 4, 6]);
  });
  it("mixing allocated and plain arrays works", () => {
    const x = rt.alloc(Float64Array, 2); x.set([1, 1]);
    const y = new Float64Array([5, 6]);
    a.axpy(3, x, y);
    expect([...y]).toEqual([8, 9]);
  });
  it("temporaries are released (memory stays bounded over many copied calls)", () => {
    const plain = new Float64Array(100_000).fill(1);
    a.sumF64(plain);
    const before = rt.memoryStats().memoryBytes;
    for (let i = 0; i < 300; i++) expect(a.sumF64(plain)).toBe(100_000);
    expect(rt.memoryStats().memoryBytes).toBeLessThanOrEqual(before + 4 * 800_000);
    expect(build.tempCount).toBe(0);
  });
});

describe("growth", () => {
  it("arrays stay valid, with their data, after memory grows", () => {
    const x = rt.alloc(Float64Array, 1000);
    for (let i = 0; i < x.length; i++) x[i] = i;
    const start = rt.memoryStats().memoryBytes;
    const big = [];
    while (rt.memoryStats().memoryBytes < start + 64 * 1024 * 1024) big.push(rt.alloc(Float64Array, 1 << 20));
    expect(rt.memoryStats().memoryBytes).toBeGreaterThan(start);
    expect(x[999]).toBe(999);
    expect(a.sumF64(x)).toBe((999 * 1000) / 2);
    x[0] = 5;
    expect(a.sumF64(x)).toBe((999 * 1000) / 2 + 5);
    for (const b of big) rt.free(b);
  });
  it("1e5 alloc/free cycles keep memory bounded", () => {
    rt.collect();
    const before = rt.memoryStats().memoryBytes;
    for (let i = 0; i < 100_000; i++) rt.free(rt.alloc(Float64Array, 64));
    expect(rt.memoryStats().memoryBytes).toBeLessThanOrEqual(before + 16 * 1024 * 1024);
  });
  it("kernel-allocated results are reclaimed once freed", () => {
    rt.collect();
    const before = rt.memoryStats().memoryBytes;
    for (let i = 0; i < 2000; i++) rt.free(a.range(10_000));
    expect(rt.memoryStats().memoryBytes).toBeLessThanOrEqual(before + 16 * 1024 * 1024);
  });
});

describe("lifetime and misuse", () => {
  it("free, then use in a kernel: a clear Error", () => {
    const x = rt.alloc(Float64Array, 2);
    rt.free(x);
    expect(() => a.sumF64(x)).toThrow(/sumF64: parameter 'x' is an array that was already freed/);
  });
  it("double free: a clear Error", () => {
    const x = rt.alloc(Float64Array, 2);
    rt.free(x);
    expect(() => rt.free(x)).toThrow(/already freed/);
  });
  it("freeing a plain array: a clear Error", () => {
    expect(() => rt.free(new Float64Array(2))).toThrow(/not allocated by tskern/);
  });
  it("`using` frees at scope end (Symbol.dispose)", () => {
    const live = rt.memoryStats().liveArrays;
    {
      const x = rt.alloc(Float64Array, 4);
      x[Symbol.dispose]();
      expect(rt.isKernelArray(x)).toBe(false);
    }
    expect(rt.memoryStats().liveArrays).toBe(live);
  });
  it("stats count live arrays and bytes", () => {
    const s0 = rt.memoryStats();
    const x = rt.alloc(Int32Array, 1000);
    const s1 = rt.memoryStats();
    expect(s1.liveArrays).toBe(s0.liveArrays + 1);
    expect(s1.liveBytes).toBe(s0.liveBytes + 4000);
    expect(s1.memoryLimit).toBe(2 * 1024 ** 3);
    rt.free(x);
    expect(rt.memoryStats().liveBytes).toBe(s0.liveBytes);
  });
  it("alloc rejects unsupported types and bad lengths", () => {
    expect(() => rt.alloc(Array, 3)).toThrow(TypeError);
    expect(() => rt.alloc(Float64Array, -1)).toThrow(/non-negative integer/);
    expect(() => rt.alloc(Float64Array, 1.5)).toThrow(TypeError);
  });
  it("a single array past the allocator's 1 GiB block limit is a RangeError", () => {
    expect(() => rt.alloc(Float64Array, 2 ** 28)).toThrow(RangeError);
  });
});
