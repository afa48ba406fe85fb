#!/usr/bin/env node
// GPU kernels (`// @tskern gpu`) in headless Chromium: kernel.gpu on WebGPU
// against kernel.cpu (the wasm loop) and a plain-JS loop, for saxpy and
// mandelbrot. Chromium here has no GPU: WebGPU runs on SwiftShader, a CPU
// implementation, so the "GPU" figures are CPU-emulated and say nothing
// about a real GPU. What they do show: the cost of transfers against
// device-resident arrays, and that the three agree.
//
//   node bench/gpu.js [--runs 7] [--json]
import { cp, mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import nodePath from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import tskern from "../plugin/bundler/esbuild.js";
import { launchWebGPUChromium, serveDir } from "../tests/support/gpu-page.js";

const argv = process.argv.slice(2);
const runsAt = argv.indexOf("--runs");
const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 7;
const here = fileURLToPath(new URL(".", import.meta.url));

const PAGE = `
import { saxpy, mandelbrot } from "./kernels/gpu.kernel.ts";
import { alloc, toGPU, gpuAlloc, toHost, gpuDevice, gpuAvailable } from "tskern/runtime";
const RUNS = ${runs};
const f = Math.fround;
const median = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];

/** Interleaves the implementations RUNS times (load elsewhere hits all alike); median ms each. */
async function time(impls) {
  const t = Object.fromEntries(Object.keys(impls).map((k) => [k, []]));
  for (const fn of Object.values(impls)) await fn(); // warm-up: compiles wasm tiers and GPU pipelines
  for (let r = 0; r < RUNS; r++) {
    for (const [k, fn] of Object.entries(impls)) {
      const t0 = performance.now();
      await fn();
      t[k].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
}

async function run() {
  const device = await gpuDevice();
  const done = () => device.queue.onSubmittedWorkDone();
  const out = { gpu: await gpuAvailable(), adapter: "swiftshader" };

  { // saxpy, 4M elements
    const n = 1 << 22;
    const xs = Float32Array.from({ length: n }, (_, i) => (i % 1000) * 0.001);
    const xj = xs.slice(), yj = new Float32Array(n);
    const xw = alloc(Float32Array, n), yw = alloc(Float32Array, n);
    xw.set(xs);
    const xp = xs.slice(), yp = new Float32Array(n);
    const gx = await toGPU(xs), gy = await gpuAlloc(Float32Array, n);
    out.saxpy = { n, ms: await time({
      js: () => { for (let i = 0; i < n; i++) yj[i] = f(1.5 * xj[i]) + yj[i]; },
      wasm: () => saxpy.cpu(n, 1.5, xw, yw),
      gpuCopy: () => saxpy.gpu(n, 1.5, xp, yp),
      gpuResident: async () => { await saxpy.gpu(n, 1.5, gx, gy); await done(); },
    }) };
    const yg = await toHost(gy);
    out.saxpy.agree = yj.every((v, i) => v === yw[i]) && yp.every((v, i) => v === yw[i]) && yg.every((v, i) => v === yw[i]);
  }

  { // mandelbrot 1024x768, 256 iterations
    const w = 1024, h = 768, n = w * h, maxIter = 256;
    const args = [w, maxIter, -2.2, -1.2, 3.2 / w, 2.4 / h];
    const [x0, y0, dx, dy] = args.slice(2).map(f);
    const mj = new Int32Array(n), mw = alloc(Int32Array, n), mp = new Int32Array(n);
    const gm = await gpuAlloc(Int32Array, n);
    const js = () => {
      for (let i = 0; i < n; i++) {
        const cx = f(x0 + f(f(i % w) * dx)), cy = f(y0 + f(f(Math.floor(i / w)) * dy));
        let zx = 0, zy = 0, k = 0;
        while (k < maxIter) {
          const xx = f(zx * zx), yy = f(zy * zy);
          if (f(xx + yy) > 4) break;
          const t = f(f(xx - yy) + cx);
          zy = f(f(f(2 * zx) * zy) + cy);
          zx = t;
          k++;
        }
        mj[i] = k;
      }
    };
    out.mandelbrot = { n, maxIter, ms: await time({
      js,
      wasm: () => mandelbrot.cpu(n, ...args, mw),
      gpuCopy: () => mandelbrot.gpu(n, ...args, mp),
      gpuResident: async () => { await mandelbrot.gpu(n, ...args, gm); await done(); },
    }) };
    const mg = await toHost(gm);
    out.mandelbrot.agree = mj.every((v, i) => v === mw[i]) && mp.every((v, i) => v === mw[i]) && mg.every((v, i) => v === mw[i]);
  }
  return out;
}
run().then((r) => { window.__result = r; }, (e) => { window.__result = { error: String(e && e.stack || e) }; });
`;

const dir = await mkdtemp(nodePath.join(os.tmpdir(), "tskern-gpu-bench-"));
const browser = await launchWebGPUChromium();
let server;
try {
  await mkdir(nodePath.join(dir, "kernels"), { recursive: true });
  await cp(nodePath.join(here, "../tests/fixtures/gpu-app/kernels/gpu.kernel.ts"), nodePath.join(dir, "kernels/gpu.kernel.ts"));
  await writeFile(nodePath.join(dir, "page.js"), PAGE);
  await esbuild.build({
    absWorkingDir: dir, entryPoints: ["page.js"], bundle: true, format: "esm", platform: "browser", outdir: "out", logLevel: "error",
    plugins: [tskern({ cache: false })],
    alias: { "tskern/runtime": nodePath.join(here, "../runtime/index.js") },
  });
  await writeFile(nodePath.join(dir, "out/index.html"), '<!doctype html><script type="module" src="./page.js"></script>\n');
  server = await serveDir(nodePath.join(dir, "out"));
  const page = await browser.newPage();
  await page.goto(server.url);
  const r = await (await page.waitForFunction(() => /** @type {any} */ (window).__result, null, { timeout: 600_000 })).jsonValue();
  if (r.error) throw new Error(r.error);
  if (argv.includes("--json")) console.log(JSON.stringify(r, null, 2));
  else {
    console.log(`GPU kernels in headless Chromium, WebGPU adapter: ${r.gpu ? "SwiftShader (software)" : "none (fell back to wasm)"}; median of ${runs} interleaved runs`);
    console.log("NOTE: SwiftShader runs WebGPU on the CPU. Its timings are CPU-emulated, not GPU timings.\n");
    const row = (/** @type {string[]} */ c) => console.log(c.map((s, i) => (i ? s.padStart(18) : s.padEnd(30))).join(""));
    row(["case", "JS ms", "wasm ms", "gpu+copy ms", "gpu-resident", "all agree"]);
    const fmt = (/** @type {number} */ ms, /** @type {number} */ js) => `${ms.toFixed(2)} (${(js / ms).toFixed(2)}x)`;
    for (const [name, c] of [[`saxpy n=${r.saxpy.n}`, r.saxpy], [`mandelbrot ${r.mandelbrot.n} px x${r.mandelbrot.maxIter}`, r.mandelbrot]]) {
      row([name, c.ms.js.toFixed(2), fmt(c.ms.wasm, c.ms.js), fmt(c.ms.gpuCopy, c.ms.js), fmt(c.ms.gpuResident, c.ms.js), String(c.agree)]);
    }
    console.log("\n(x) = speed relative to the JS loop. gpu+copy uploads the inputs and reads the written array back on every call;");
    console.log("gpu-resident passes GPUArrays (toGPU/gpuAlloc) and waits for the queue, with no transfers.");
  }
  if (!r.saxpy.agree || !r.mandelbrot.agree) process.exitCode = 1;
} finally {
  await browser.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
}
