// `// @tskern gpu` kernels on WebGPU in headless Chromium (Debian's chromium,
// SwiftShader's software adapter), against the same kernels as wasm loops
// (kernel.cpu) and plain JS: saxpy, elementwise math, a 2-D stencil,
// mandelbrot, the rest of the subset, and a kernel this test writes itself.
// The page is bundled with tskern/esbuild and served from localhost (WebGPU
// needs a secure context) with COOP/COEP, so kernel memory is shared.
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import { cp, writeFile } from "node:fs/promises";
import nodePath from "node:path";
import * as esbuild from "esbuild";
import tskern from "tskern/esbuild";
import { ensureChromium } from "./support/chromium.js";
import { FIXTURES, REPO, scratchDir } from "./support/build-fixture.js";
import { launchWebGPUChromium, serveDir } from "./support/gpu-page.js";
import { compileKernels } from "../plugin/compiler/compile.js";
import { MATHF_FUNCTIONS, MATHF_CONSTANTS, GENERIC_BUILTINS } from "../plugin/compiler/gpu/wgsl-builtins.js";

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

// A kernel this test writes: Collatz steps and peaks (integer, exact) plus a
// float polynomial by Horner's rule (products and sums only: correctly rounded).
const FRESH_KERNEL = `
// @tskern gpu
export function fresh(i: i32, start: u32, limit: i32, coef: Float32Array, steps: Int32Array, peak: Uint32Array, poly: Float32Array): void {
  let v: u32 = start + <u32>i;
  let top = v;
  let s = 0;
  while (v != 1 && s < limit) {
    if ((v & 1) == 0) v = v >> 1;
    else v = 3 * v + 1;
    if (v > top) top = v;
    s++;
  }
  steps[i] = s;
  peak[i] = top;
  const t: f32 = <f32>(i % 100) * 0.01 - 0.5;
  let p: f32 = 0;
  for (let k = coef.length - 1; k >= 0; k--) p = p * t + coef[k];
  poly[i] = p;
}
`;

const FRESH_JS = `
export { fresh } from "./kernels/fresh.kernel.ts";
const f = Math.fround;
export function freshArgs() {
  const n = 5000;
  return {
    n,
    args: [27, 500, Float32Array.of(1, -0.5, 0.25, 2, -1.5)],
    outputs: () => [new Int32Array(n), new Uint32Array(n), new Float32Array(n)],
  };
}
export function freshReference(n, start, limit, coef, steps, peak, poly) {
  for (let i = 0; i < n; i++) {
    let v = (start + i) >>> 0, top = v, s = 0;
    while (v !== 1 && s < limit) {
      v = (v & 1) === 0 ? v >>> 1 : (Math.imul(3, v) + 1) >>> 0;
      if (v > top) top = v;
      s++;
    }
    steps[i] = s;
    peak[i] = top;
    const t = f(f((i % 100) * f(0.01)) - 0.5); // the literal 0.01 is an f32 in the kernel
    let p = 0;
    for (let k = coef.length - 1; k >= 0; k--) p = f(f(p * t) + coef[k]);
    poly[i] = p;
  }
}
`;

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {{ url: string, close: () => Promise<void> }} */
let server;
/** @type {any} */
let result;
/** @type {string[]} */
const pageErrors = [];
/** @type {string[]} */
const warnings = [];

beforeAll(async () => {
  ensureChromium(); // apt-get install chromium when missing (never a browser download)
  const app = await scratchDir("gpu-app");
  await cp(nodePath.join(FIXTURES, "gpu-app"), app, { recursive: true });
  await writeFile(nodePath.join(app, "kernels/fresh.kernel.ts"), FRESH_KERNEL);
  await writeFile(nodePath.join(app, "fresh.js"), FRESH_JS);
  const built = await esbuild.build({
    absWorkingDir: app,
    entryPoints: ["page.js"],
    bundle: true,
    format: "esm",
    platform: "browser",
    outdir: "out",
    logLevel: "silent",
    plugins: [tskern({ cacheDir: nodePath.join(REPO, "tests/.tmp/bundler-cache") })],
  });
  expect(built.errors).toEqual([]);
  await writeFile(nodePath.join(app, "out/index.html"), '<!doctype html><meta charset="utf-8"><script type="module" src="./page.js"></script>\n');
  server = await serveDir(nodePath.join(app, "out"));
  browser = await launchWebGPUChromium();
  const page = await browser.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => { if (m.type() === "warning") warnings.push(m.text()); });
  await page.goto(server.url);
  result = await (await page.waitForFunction(() => /** @type {any} */ (window).__result, null, { timeout: 200_000 })).jsonValue();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe("gpu kernels in headless Chromium (WebGPU on SwiftShader)", () => {
  it("the page ran on a WebGPU adapter, without errors or fallback warnings", () => {
    expect(result.error).toBeUndefined();
    expect(pageErrors).toEqual([]);
    expect(result.gpu).toBe(true);
    expect(warnings.filter((w) => w.includes("tskern"))).toEqual([]);
  });

  it("saxpy: GPU, wasm and JS agree exactly (one correctly rounded product and sum per element)", () => {
    expect(result.saxpy.cpuJs).toEqual({ max: 0, count: 0 });
    expect(result.saxpy.gpuCpu).toEqual({ max: 0, count: 0 });
  });

  it("elementwise sqrt / exp / sin*cos: within WGSL's stated precision of wasm, and wasm within 1 ulp of JS", () => {
    const e = result.elementwise;
    // WGSL: sqrt within 2.5 ulp (relative ~3e-7), exp within 3 + 2|x| ulp, sin/cos absolute 2^-11 on [-pi, pi].
    expect(e.sqrt.gpuCpuRel).toBeLessThan(1e-6);
    expect(e.exp.gpuCpuRel).toBeLessThan(1e-5);
    expect(e.sincos.gpuCpuAbs).toBeLessThan(2 ** -10);
    expect(e.sqrt.cpuJsRel).toBe(0);
    expect(e.exp.cpuJsRel).toBeLessThan(2e-7);
    expect(e.sincos.cpuJsAbs).toBeLessThan(1e-6);
  });

  it("2-D stencil (row/col from i / w and i % w): GPU, wasm and JS agree exactly", () => {
    expect(result.stencil.cpuJs).toEqual({ max: 0, count: 0 });
    expect(result.stencil.gpuCpu).toEqual({ max: 0, count: 0 });
  });

  it("mandelbrot per pixel: integer escape counts identical on GPU, wasm and JS (output in kernel memory)", () => {
    expect(result.mandelbrot.sum).toBeGreaterThan(320 * 240);
    expect(result.mandelbrot.cpuJs).toEqual({ max: 0, count: 0 });
    expect(result.mandelbrot.gpuCpu).toEqual({ max: 0, count: 0 });
  });

  it("the rest of the subset (loops, break/continue, do-while, i32/u32 bit operations, ternaries, casts, Mathf): GPU equals wasm", () => {
    expect(result.constructs.ints).toEqual({ max: 0, count: 0 });
    expect(result.constructs.bits).toEqual({ max: 0, count: 0 });
    // pow, atan2, hypot are not correctly rounded in WGSL.
    expect(result.constructs.floatsRel).toBeLessThan(1e-5);
  });

  it("a kernel written in this test gives the same results on GPU, in wasm and in JS", () => {
    expect(result.fresh.cpuJs).toEqual([{ max: 0, count: 0 }, { max: 0, count: 0 }, { max: 0, count: 0 }]);
    expect(result.fresh.gpuCpu).toEqual([{ max: 0, count: 0 }, { max: 0, count: 0 }, { max: 0, count: 0 }]);
    expect(result.fresh.checksum[0]).toBeGreaterThan(5000);
  });

  it("bad calls reject with TypeErrors naming the kernel and parameter; an index past the end does not trap on the GPU", () => {
    expect(result.errors.alias).toMatch(/^TypeError: saxpy\.gpu: the same array is passed as 'x' and 'y', and the kernel writes one of them; WebGPU cannot bind one buffer twice when it is written/);
    expect(result.errors.type).toMatch(/^TypeError: saxpy\.gpu: parameter 'x' expects a Float32Array or a GPUArray, got a Float64Array/);
    expect(result.errors.count).toMatch(/^TypeError: saxpy\.gpu\(n, a, x, y\) takes 4 arguments, got 3/);
    // n = 10 over arrays of 4: no KernelError (unlike .cpu). WebGPU clamps or drops the accesses past
    // the end, so in-bounds elements may be overwritten: SwiftShader clamps the writes onto y[3].
    expect(result.outOfBounds.error).toBeNull();
    expect(result.outOfBounds.y).toHaveLength(4);
  });

  it("GPU-resident arrays chain two kernels with one upload and one download; n / 64 > 65535 dispatches in 2-D", () => {
    expect(result.chain).toEqual({ bad: 0, last: result.chain.expectedLast, expectedLast: result.chain.expectedLast });
    expect(result.chain.last).toBeGreaterThan(0);
  });
});

describe("WGSL validity", () => {
  it("every Mathf function and constant, every built-in, and names that are WGSL keywords compile in Chromium's WebGPU", async () => {
    const calls = Object.entries(MATHF_FUNCTIONS).map(([name, spec]) => `  s += Mathf.${name}(${spec.arity === 2 ? "v, 0.75" : "v"});`);
    const consts = Object.keys(MATHF_CONSTANTS).map((name) => `  s += Mathf.${name};`);
    const builtins = Object.entries(GENERIC_BUILTINS).map(([name, [arity]]) => `  s += ${name}(${arity === 2 ? "v, 0.75" : "v"});`);
    const text = `// @tskern gpu
export function allMath(i: i32, x: Float32Array, out: Float32Array): void {
  const v: f32 = x[i];
  let s: f32 = 0;
${[...calls, ...consts, ...builtins].join("\n")}
  out[i] = s;
}
// @tskern gpu
export function keywords(i: i32, loop: f32, array: Float32Array, fn: Int32Array): void {
  const let_: f32 = loop;
  var struct: i32 = fn[i];
  const index: i32 = i;
  array[index] = let_ + <f32>struct;
}
`;
    const compiled = await compileKernels({ root: "/virtual", files: ["m.kernel.ts"], readFile: async () => text });
    expect(compiled.ok, compiled.diagnostics.map((d) => d.message).join("\n")).toBe(true);
    const shaders = compiled.kernels.map((k) => /** @type {any} */ (k.gpu).wgsl);
    expect(shaders).toHaveLength(2);
    const page = await browser.newPage();
    try {
      await page.goto(server.url);
      const errors = await page.evaluate(async (codes) => {
        const device = await (await navigator.gpu.requestAdapter())?.requestDevice();
        if (!device) return ["no WebGPU device"];
        const out = [];
        for (const code of codes) {
          const module = device.createShaderModule({ code });
          const info = await module.getCompilationInfo();
          for (const m of info.messages) if (m.type === "error") out.push(`${m.lineNum}:${m.linePos}: ${m.message}`);
        }
        return out;
      }, shaders);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
