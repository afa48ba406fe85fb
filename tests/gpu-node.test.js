// `// @tskern gpu` kernels in Node, which has no WebGPU adapter: `.cpu` runs
// the wasm loop, `.gpu` falls back to it with one warning, GPU arrays live on
// the host, and bad calls fail with TypeErrors naming the kernel and the
// parameter; a trap in `.cpu` is a KernelError at the kernel's line.
import { describe, it, expect, beforeAll, afterEach, vi } from "vitest";
import { readFile } from "node:fs/promises";
import nodePath from "node:path";
import { FIXTURES, buildProject, importBuilt } from "./support/build-fixture.js";
import { alloc, free, gpuAlloc, toGPU, toHost, gpuAvailable, configureGPU, isGPUArray, KernelError } from "tskern/runtime";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

/** @type {any} */
let mod;
/** @type {string} */
let dts;
/** @type {string} */
let js;

beforeAll(async () => {
  const source = await readFile(nodePath.join(FIXTURES, "gpu-app/kernels/gpu.kernel.ts"), "utf8");
  const { outDir, result, errors } = await buildProject("gpu-node", { sources: { "kernels/gpu.kernel.ts": source }, options: { runtimeImport: "tskern/runtime" } });
  expect(result.ok, errors).toBe(true);
  mod = await importBuilt(outDir, "gpu.kernel.js");
  dts = await readFile(nodePath.join(outDir, "gpu.kernel.d.ts"), "utf8");
  js = await readFile(nodePath.join(outDir, "gpu.kernel.js"), "utf8");
});

afterEach(() => {
  configureGPU({ gpu: undefined, device: undefined, fallback: true });
  vi.restoreAllMocks();
});

const f = Math.fround;

describe("kernel.cpu: the wasm loop over [0, n)", () => {
  it("saxpy.cpu equals plain JS and the per-index kernel; works on arrays from alloc (no copy) and plain ones", () => {
    const n = 1000;
    const x = alloc(Float32Array, n), y = alloc(Float32Array, n);
    for (let i = 0; i < n; i++) { x[i] = i * 0.5; y[i] = 1; }
    mod.saxpy.cpu(n, 3, x, y);
    for (let i = 0; i < n; i++) expect(y[i]).toBe(f(f(3 * x[i]) + 1));
    const y2 = new Float32Array(n).fill(1);
    for (let i = 0; i < n; i++) mod.saxpy(i, 3, x, y2);
    expect([...y2]).toEqual([...y]);
    // Only [0, n): the rest is untouched.
    const y3 = new Float32Array(n).fill(1);
    mod.saxpy.cpu(10, 3, x, y3);
    expect(y3[9]).toBe(f(f(3 * x[9]) + 1));
    expect(y3[10]).toBe(1);
    free(x); free(y);
  });

  it("an index past an array's end traps as a KernelError at the kernel's line; later calls work", () => {
    const x = new Float32Array(5), y = new Float32Array(5);
    const error = /** @type {any} */ (catchError(() => mod.saxpy.cpu(6, 1, x, y)));
    expect(error).toBeInstanceOf(KernelError);
    expect(error.message).toMatch(/^saxpy: index 5 out of bounds for length 5 at kernels\/gpu\.kernel\.ts:6:\d+/);
    expect([error.path, error.line]).toEqual(["kernels/gpu.kernel.ts", 6]);
    mod.saxpy.cpu(5, 1, x, y);
  });

  it("bad calls: wrong count, bad n, wrong scalar, wrong array type -> TypeError naming the kernel and the parameter", () => {
    const x = new Float32Array(4);
    expect(() => mod.saxpy.cpu(4, 1, x)).toThrow(/^saxpy\.cpu\(n, a, x, y\) takes 4 arguments, got 3 \[TSK208\]$/);
    expect(() => mod.saxpy.cpu(-1, 1, x, x)).toThrow(/saxpy\.cpu: n \(the number of indices to run\) must be an integer in \[0, 2\^31\), got the number -1/);
    expect(() => mod.saxpy.cpu(1.5, 1, x, x)).toThrow(TypeError);
    expect(() => mod.saxpy.cpu(4, "2", x, x)).toThrow(/saxpy: parameter 'a' expects a number \(f32\), got a string/);
    expect(() => mod.saxpy.cpu(4, 2, new Float64Array(4), x)).toThrow(/saxpy: parameter 'x' expects a Float32Array, got a Float64Array/);
    expect(() => mod.mandelbrot.cpu(4, 2.5, 10, 0, 0, 1, 1, new Int32Array(4))).toThrow(/parameter 'width' expects an integer/);
  });
});

describe("kernel.gpu without WebGPU: falls back to kernel.cpu", () => {
  it("Node has no adapter here; .gpu warns once and gives .cpu's results", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(await gpuAvailable()).toBe(false);
    const w = 64, h = 48, n = w * h;
    const args = [w, 100, -2.2, -1.2, 3.2 / w, 2.4 / h];
    const viaGpu = new Int32Array(n), viaCpu = new Int32Array(n);
    await mod.mandelbrot.gpu(n, ...args, viaGpu);
    mod.mandelbrot.cpu(n, ...args, viaCpu);
    expect(viaGpu).toEqual(viaCpu);
    expect(viaCpu.some((v) => v === 100) && viaCpu.some((v) => v < 5)).toBe(true);
    const y = new Float32Array(3).fill(1);
    await mod.saxpy.gpu(3, 2, Float32Array.of(1, 2, 3), y);
    expect([...y]).toEqual([3, 5, 7]);
    // One warning in all (the runtime may have warned in an earlier test of this process: at most one).
    const ours = warn.mock.calls.filter((c) => String(c[0]).includes("WebGPU is not available"));
    expect(ours.length).toBeLessThanOrEqual(1);
  });

  it("the warning says what happened and is printed once per process", async () => {
    // A fresh state: a different implementation object resets the device, not the warning.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const state = /** @type {any} */ (globalThis)[Symbol.for("tskern.gpu.v1")];
    state.warned = false;
    const y = new Float32Array(2);
    await mod.saxpy.gpu(2, 1, Float32Array.of(1, 2), y);
    await mod.saxpy.gpu(2, 1, Float32Array.of(1, 2), y);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/WebGPU is not available here.*kernel\.cpu/);
    expect([...y]).toEqual([2, 4]);
  });

  it("a WebGPU implementation without an adapter (configureGPU({ gpu })) falls back too; fallback: false rejects instead", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    configureGPU({ gpu: { requestAdapter: async () => null } });
    expect(await gpuAvailable()).toBe(false);
    const y = new Float32Array(1);
    await mod.saxpy.gpu(1, 2, Float32Array.of(4), y);
    expect(y[0]).toBe(8);
    configureGPU({ fallback: false });
    await expect(mod.saxpy.gpu(1, 2, Float32Array.of(4), y)).rejects.toThrow(/saxpy\.gpu: WebGPU is not available here \(no GPU adapter\), and configureGPU\(\{ fallback: false \}\) forbids running saxpy\.cpu instead/);
  });

  it("GPU arrays live on the host: a chain of kernels, then toHost", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const x = await toGPU(Float32Array.of(1, 2, 3, 4));
    const y = await gpuAlloc(Float32Array, 4);
    expect(isGPUArray(x) && isGPUArray(y)).toBe(true);
    expect([x.length, y.type]).toEqual([4, Float32Array]);
    await mod.saxpy.gpu(4, 2, x, y);
    await mod.saxpy.gpu(4, 2, x, y);
    expect([...(await toHost(y))]).toEqual([4, 8, 12, 16]);
    const out = new Float32Array(4);
    expect(await toHost(y, out)).toBe(out);
    mod.saxpy.cpu(4, 1, x, y); // host-backed GPU arrays work with .cpu too
    expect([...(await toHost(y))]).toEqual([5, 10, 15, 20]);
    y.free();
    expect(() => y.free()).toThrow(/already freed/);
    await expect(toHost(y)).rejects.toThrow(/already freed/);
  });

  it("bad GPU-array calls: wrong element type, wrong arguments to gpuAlloc / toGPU / toHost", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(gpuAlloc(Float64Array, 4)).rejects.toThrow(/gpuAlloc: the element type must be Float32Array, Int32Array or Uint32Array, got Float64Array/);
    await expect(gpuAlloc(Float32Array, -1)).rejects.toThrow(/gpuAlloc: length must be a non-negative integer/);
    await expect(toGPU(/** @type {any} */ ([1, 2]))).rejects.toThrow(/toGPU: expects a Float32Array, Int32Array or Uint32Array, got an object \(Array\)/);
    await expect(toHost(/** @type {any} */ (new Float32Array(2)))).rejects.toThrow(/toHost: expects a GPUArray/);
    const g = await gpuAlloc(Int32Array, 4);
    await expect(toHost(g, /** @type {any} */ (new Int32Array(2)))).rejects.toThrow(/'out' must be a Int32Array of length >= 4/);
    await expect(mod.saxpy.gpu(4, 1, g, new Float32Array(4))).rejects.toThrow(/saxpy: parameter 'x' expects a Float32Array, got a Int32Array/);
  });
});

describe("kernel.cpu where the body cannot simply be inlined into the loop", () => {
  it("a top-level return, a return inside a loop, assigned parameters, a var, boundscheck=false: .cpu equals calling the kernel per index", async () => {
    const { outDir, result, errors } = await buildProject("gpu-node-loops", {
      sources: {
        "kernels/loops.kernel.ts": `
// @tskern gpu
export function early(i: i32, x: Int32Array): void {
  if (i % 2 == 0) return;
  x[i] = i;
}
// @tskern gpu
export function nestedReturn(i: i32, x: Int32Array): void {
  for (let j = 0; j < 10; j++) {
    if (j == i) return;
    x[i] += 1;
  }
}
// @tskern gpu
export function mutates(i: i32, a: i32, x: Int32Array): void {
  a += i;
  i = i * 1;
  x[i] = a;
}
// @tskern gpu
export function hoisted(i: i32, x: Int32Array): void {
  var t = i * 2;
  x[i] = t;
}
// @tskern gpu boundscheck=false
export function nocheck(i: i32, x: Int32Array): void {
  x[i] = i * 3;
}
`,
      },
      options: { runtimeImport: "tskern/runtime" },
    });
    expect(result.ok, errors).toBe(true);
    const k = await importBuilt(outDir, "loops.kernel.js");
    const n = 16;
    for (const [name, extra] of /** @type {const} */ ([["early", []], ["nestedReturn", []], ["mutates", [5]], ["hoisted", []], ["nocheck", []]])) {
      const viaLoop = new Int32Array(n), perIndex = new Int32Array(n);
      k[name].cpu(n, ...extra, viaLoop);
      for (let i = 0; i < n; i++) k[name](i, ...extra, perIndex);
      expect([...viaLoop], name).toEqual([...perIndex]);
    }
    const x = new Int32Array(n);
    k.mutates.cpu(n, 5, x);
    expect(x[3]).toBe(8); // a starts at 5 for every index
    k.nestedReturn.cpu(n, x.fill(0));
    expect([x[0], x[4], x[15]]).toEqual([0, 4, 10]);
  });
});

describe("generated bindings and types", () => {
  it("the module attaches .gpu and .cpu to gpu kernels; the .d.ts declares both, .gpu also taking GPU arrays", () => {
    expect(js).toContain("saxpy.gpu = (n, ...rest) => $tsk.gpu(0, n, rest);");
    expect(js).toContain("saxpy.cpu = (n, ...rest) => $tsk.cpu(0, n, rest);");
    expect(dts).toContain("function gpu(n: number, a: number, x: Float32Array | TskernGPUArray<Float32Array>, y: Float32Array | TskernGPUArray<Float32Array>): Promise<void>;");
    expect(dts).toContain("function cpu(n: number, a: number, x: Float32Array, y: Float32Array): void;");
    expect(dts).toContain("interface TskernGPUArray<T>");
  });
});

/** @param {() => unknown} fn */
function catchError(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}
