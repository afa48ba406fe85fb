// `// @tskern parallel`: kernel.parallel(total, ...rest) on the worker pool
// over the build's shared memory (runtime/worker-pool.js).
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import { readFile } from "node:fs/promises";
import nodePath from "node:path";
import { buildProject, importBuilt } from "./support/build-fixture.js";
import { alloc, free, collect, configurePool, closePool, workerPool, KernelError, KernelBuild } from "../runtime/index.js";

const KERNELS = `// Parallel kernels of tests/parallel.test.js. (A directive above the first
// function would be file-wide, like every directive.)
export function serialOnly(x: Float64Array): f64 {
  return x[0];
}

// @tskern parallel
export function rows(start: i32, end: i32, width: i32, out: Float64Array): void {
  for (let y = start; y < end; y++) {
    // uneven: row y costs about y * y / 64 steps
    const steps = (y * y) >> 6;
    let acc: f64 = 0;
    for (let s = 0; s < steps; s++) acc += Math.sin(<f64>(s + y)) * 0.5;
    for (let x = 0; x < width; x++) out[y * width + x] = acc + <f64>x;
  }
}

// @tskern parallel
export function scale(start: i32, end: i32, a: f64, x: Float64Array, y: Int32Array): void {
  for (let i = start; i < end; i++) {
    x[i] = x[i] * a;
    y[i] = i;
  }
}

// @tskern parallel
export function poke(start: i32, end: i32, x: Float64Array, bad: i32): void {
  for (let i = start; i < end; i++) {
    x[i] = 1;
    if (i == bad) x[i + x.length] = 2;
  }
}

// @tskern parallel
export function divide(start: i32, end: i32, out: Int32Array, zeroAt: i32): void {
  for (let i = start; i < end; i++) {
    out[i] = 1000 / (i - zeroAt);
  }
}

// @tskern parallel
export function sum(start: i32, end: i32, x: Float64Array): f64 {
  let s: f64 = 0;
  for (let i = start; i < end; i++) s += x[i];
  return s;
}

// @tskern parallel
export function positive(start: i32, end: i32, x: Float64Array): void {
  for (let i = start; i < end; i++) assert(x[i] >= 0, "x must be non-negative");
}

// @tskern parallel
export function chunks(start: i32, end: i32, out: Int32Array): void {
  out[start] = end - start;
}
`;

let k, outDir, dir;
beforeAll(async () => {
  const built = await buildProject("parallel", { sources: { "kernels/par.kernel.ts": KERNELS }, options: { cache: false } });
  expect(built.result.ok, built.errors).toBe(true);
  ({ outDir, dir } = built);
  k = await importBuilt(outDir, "par.kernel.js");
  await configurePool({ size: 2 });
});
afterAll(() => closePool());

describe("kernel.parallel", () => {
  it("only parallel kernels get .parallel", () => {
    expect(typeof k.rows.parallel).toBe("function");
    expect(k.serialOnly.parallel).toBeUndefined();
  });

  it("equals the serial kernel, with uneven rows", async () => {
    const W = 64, H = 300;
    const a = alloc(Float64Array, W * H), b = alloc(Float64Array, W * H);
    k.rows(0, H, W, a);
    await expect(k.rows.parallel(H, W, b)).resolves.toBeUndefined();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(workerPool().size).toBe(2);
    free(a); free(b);
  });

  it("cuts the range into many more chunks than workers (dynamic scheduling), covering it exactly", async () => {
    const out = new Int32Array(1000);
    await k.chunks.parallel(1000, out);
    const sizes = Array.from(out).filter((v) => v > 0);
    expect(sizes.length).toBeGreaterThanOrEqual(16);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it("passes alloc arrays as pointers, copies plain arrays in and back", async () => {
    const n = 5000;
    const x = new Float64Array(n).map((_, i) => i);
    const y = new Int32Array(n);
    await k.scale.parallel(n, 2, x, y);
    expect(x[4999]).toBe(9998);
    expect(y[4321]).toBe(4321);
    const xa = alloc(Float64Array, n).fill(3);
    const ya = alloc(Int32Array, n);
    await k.scale.parallel(n, 2, xa, ya);
    expect(xa.every((v) => v === 6)).toBe(true);
    expect(ya[n - 1]).toBe(n - 1);
    // a subarray of an allocated array: a view, no copy
    await k.scale.parallel(100, 0.5, xa.subarray(100), ya.subarray(100));
    expect(xa[99]).toBe(6);
    expect(xa[100]).toBe(3);
    expect(ya[100]).toBe(0);
    await k.scale.parallel(0, 2, xa, ya); // empty range: nothing runs
    free(xa); free(ya);
  });

  it("a bounds-check failure in one chunk rejects with the located KernelError; later calls work", async () => {
    const x = alloc(Float64Array, 1000);
    const error = await k.poke.parallel(1000, x, 777).catch((e) => e);
    expect(error).toBeInstanceOf(KernelError);
    expect(error.code).toBe("TSK201");
    expect(error.kernel).toBe("poke");
    expect(error).toMatchObject({ path: "kernels/par.kernel.ts", line: 30 });
    expect(error.message).toMatch(/^poke: index 1777 out of bounds for length 1000 at kernels\/par\.kernel\.ts:30:\d+/);
    expect(error.chunk[0]).toBeLessThanOrEqual(777);
    expect(error.chunk[1]).toBeGreaterThan(777);
    await k.poke.parallel(1000, x, -1);
    expect(x.every((v) => v === 1)).toBe(true);
    free(x);
  });

  it("a wasm trap in a worker is located like a serial one", async () => {
    const out = alloc(Int32Array, 500);
    let serial;
    try { k.divide(0, 500, out, 321); } catch (e) { serial = e; }
    const error = await k.divide.parallel(500, out, 321).catch((e) => e);
    expect(error).toBeInstanceOf(KernelError);
    expect(error.code).toBe("TSK206");
    expect(error).toMatchObject({ kernel: "divide", path: serial.path, line: serial.line, column: serial.column });
    expect(error.line).toBe(37);
    expect(error.message).toContain("divide by zero");
    await k.divide.parallel(500, out, -1);
    expect(out[499]).toBe(2);
    free(out);
  });

  it("an assert in a worker: the serial call's KernelError", async () => {
    const x = new Float64Array(200).fill(1);
    x[150] = -1;
    let serial;
    try { k.positive(0, 200, x); } catch (e) { serial = e; }
    const error = await k.positive.parallel(200, x).catch((e) => e);
    expect(error).toBeInstanceOf(KernelError);
    expect(error.message).toBe(serial.message);
    expect(error).toMatchObject({ code: "TSK205", path: "kernels/par.kernel.ts", line: serial.line });
    expect(error.message).toContain("x must be non-negative");
    // sum returns a value per chunk: .parallel resolves to undefined (write results to an array)
    await expect(k.sum.parallel(10, new Float64Array(10))).resolves.toBeUndefined();
  });

  it("wrong arguments: TypeError naming the kernel and parameter", async () => {
    const x = alloc(Float64Array, 10), y = alloc(Int32Array, 10);
    await expect(k.scale.parallel(10, 2, x)).rejects.toThrow(/scale\.parallel\(total, a: f64, x: Float64Array, y: Int32Array\) takes 4 arguments, got 3/);
    await expect(k.scale.parallel(10, "2", x, y)).rejects.toThrow(TypeError);
    await expect(k.scale.parallel(10, 2, y, y)).rejects.toThrow(/parameter 'x' expects a Float64Array/);
    await expect(k.scale.parallel(-1, 2, x, y)).rejects.toThrow(/'total'/);
    await expect(k.scale.parallel(1.5, 2, x, y)).rejects.toThrow(TypeError);
    free(x); free(y);
  });

  it("kernel memory stays intact: workers never touch the allocator or the collector's lists", async () => {
    const keep = [];
    for (let i = 0; i < 20; i++) keep.push(alloc(Float64Array, 1000 + i).fill(i));
    await configurePool({ size: 2 }); // fresh workers instantiate the module again
    const out = alloc(Float64Array, 64 * 50);
    await k.rows.parallel(50, 64, out);
    for (let i = 0; i < 10; i++) free(keep[i]);
    collect();
    const more = [];
    for (let i = 0; i < 20; i++) more.push(alloc(Float64Array, 500).fill(-1));
    for (let i = 10; i < 20; i++) expect(keep[i].every((v) => v === i)).toBe(true);
    for (const m of more) expect(m.every((v) => v === -1)).toBe(true);
  });

  it("close and reopen the pool; configure its size", async () => {
    const x = alloc(Float64Array, 100).fill(1), y = alloc(Int32Array, 100);
    await closePool();
    expect(workerPool().workers.length).toBe(0);
    await k.scale.parallel(100, 3, x, y); // starts again
    expect(x[50]).toBe(3);
    await configurePool({ size: 1 });
    await k.scale.parallel(100, 2, x, y);
    expect(workerPool().size).toBe(1);
    expect(x[99]).toBe(6);
    await workerPool().close();
    await configurePool({ size: 2 });
    expect(() => configurePool({ size: 0 })).toThrow(TypeError);
  });

  it("a worker that dies fails the call in flight; the next call starts a fresh pool", async () => {
    const W = 64, H = 400;
    const out = alloc(Float64Array, W * H);
    await workerPool().start();
    const running = k.rows.parallel(H, W, out);
    const [first] = workerPool().workers;
    first.terminate(); // exits (a later task) before it can finish its chunks
    await expect(running).rejects.toThrow(/worker exited/);
    await k.rows.parallel(H, W, out);
    const check = alloc(Float64Array, W * H);
    k.rows(0, H, W, check);
    expect(out.every((v, i) => v === check[i])).toBe(true);
    expect(workerPool().workers).toHaveLength(2);
  });

  it("without shared memory, .parallel runs serially with a one-time warning", async () => {
    const bytes = await readFile(nodePath.join(outDir, "tskern.wasm"));
    const meta = (await importBuilt(outDir, "tskern-build.js")).meta;
    const unshared = await KernelBuild.instantiate(new Uint8Array(bytes), { ...meta, id: `${meta.id}-unshared` }, { shared: false, unsharedReserve: 1 << 20 });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const calls = [];
    const index = meta.kernels.findIndex((x) => x.name === "scale");
    await unshared.parallel(index, 10, [2, new Float64Array(10), new Int32Array(10)], (...args) => calls.push(args.length));
    await unshared.parallel(index, 10, [2, new Float64Array(10), new Int32Array(10)], (...args) => calls.push(args.length));
    expect(calls).toEqual([5, 5]);
    expect(warn.mock.calls.filter((c) => /runs serially/.test(String(c[0])))).toHaveLength(1);
    warn.mockRestore();
  });
});

describe("compile errors", () => {
  /** @param {string} text */
  const build = (text) => buildProject("parallel-bad", { sources: { "kernels/bad.kernel.ts": text }, options: { cache: false } });

  it("allocation inside a parallel kernel: located error at the kernel", async () => {
    const { result, errors } = await build("export function ok(x: f64): f64 { return x; }\n\n// @tskern parallel\nexport function grow(start: i32, end: i32, out: Float64Array): void {\n  const tmp = new Float64Array(end - start);\n  for (let i = start; i < end; i++) out[i] = tmp[i - start];\n}\n");
    expect(result.ok).toBe(false);
    const d = result.diagnostics.find((x) => x.code === "TSK110");
    expect(d).toMatchObject({ path: "kernels/bad.kernel.ts", line: 4, column: 17 });
    expect(d.message).toContain("Parallel kernel 'grow' allocates kernel memory");
    expect(errors).toMatch(/^kernels\/bad\.kernel\.ts:4:17: error TSK110/m);
  });

  it("a module-level variable set at startup: located error", async () => {
    const { result } = await build("const table = new Float64Array(16);\n\n// @tskern parallel\nexport function look(start: i32, end: i32, out: Float64Array): void {\n  for (let i = start; i < end; i++) out[i] = table[i & 15];\n}\n");
    const d = result.diagnostics.find((x) => x.code === "TSK110");
    expect(d).toMatchObject({ line: 4, column: 17 });
    expect(d.message).toContain("module-level variable");
  });

  it("first params not start: i32, end: i32: located error", async () => {
    const { result, errors } = await build("export function ok(x: f64): f64 { return x; }\n\n// @tskern parallel\nexport function bad(n: f64, out: Float64Array): void {\n  out[0] = n;\n}\n");
    expect(result.ok).toBe(false);
    const d = result.diagnostics.find((x) => x.code === "TSK110");
    expect(d).toMatchObject({ path: "kernels/bad.kernel.ts", line: 4, column: 21 });
    expect(d.message).toContain("'start: i32, end: i32'");
    expect(errors).toContain("bad(n: f64");
  });

  it("Math functions are fine in a parallel kernel (no false positive)", async () => {
    const { result, errors } = await build("// @tskern parallel\nexport function waves(start: i32, end: i32, out: Float64Array): void {\n  for (let i = start; i < end; i++) out[i] = Math.sin(<f64>i) + Math.exp(<f64>i * 0.001);\n}\n");
    expect(result.ok, errors).toBe(true);
  });
});
