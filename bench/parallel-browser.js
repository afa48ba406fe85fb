#!/usr/bin/env node
// Parallel kernels in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core; never downloads a browser): the kernels of
// bench/parallel.js bundled by tskern/esbuild, served cross-origin isolated
// from localhost; `kernel.parallel(total, ...)` on a pool of module workers
// against the same kernel called serially on the page's main thread. Warmed
// up first; serial and parallel runs alternate. Target: >= 1.8x on 2 workers.
//
//   node bench/parallel-browser.js [--workers 2] [--runs 7] [--json]
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import nodePath from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import tskern from "../plugin/bundler/esbuild.js";
import { launchChromium } from "../tests/support/chromium.js";

const argv = process.argv.slice(2);
const opt = (/** @type {string} */ name, /** @type {number} */ fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const workers = opt("workers", 2);
const runs = opt("runs", 7);
const here = fileURLToPath(new URL(".", import.meta.url));

// The page: the same cases as bench/parallel.js, timed in the browser.
const ENTRY = `
import { mandelbrot, smithWaterman } from "./parallel/parallel.kernel.ts";
import { alloc, configurePool, workerPool } from "tskern/runtime";

async function compare(serialFn, parallelFn, runs) {
  const s = [], p = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    serialFn();
    s.push(performance.now() - t);
    t = performance.now();
    await parallelFn();
    p.push(performance.now() - t);
  }
  const sorted = (a) => [...a].sort((x, y) => x - y);
  const [ss, ps] = [sorted(s), sorted(p)];
  return { serialMs: ss[0], parallelMs: ps[0], ratio: ss[0] / ps[0], medianRatio: ss[ss.length >> 1] / ps[ps.length >> 1] };
}

// What the machine gives right now: the same pure-JS spin split over 1 and
// over 2 plain workers. Near 2x: cores are free; near 1x: other load takes
// them, and no parallel ratio below means much.
async function calibrate() {
  const url = URL.createObjectURL(new Blob(["self.onmessage = (e) => { let x = 0; for (let i = 0; i < e.data; i++) x = (x * 1103515245 + 12345) | 0; self.postMessage(x); };"], { type: "text/javascript" }));
  const run = async (k) => {
    const t = performance.now();
    await Promise.all(Array.from({ length: k }, () => new Promise((resolve) => {
      const w = new Worker(url, { type: "module" });
      w.onmessage = () => { w.terminate(); resolve(); };
      w.postMessage(2e8 / k);
    })));
    return performance.now() - t;
  };
  const one = Math.min(await run(1), await run(1)), two = Math.min(await run(2), await run(2));
  URL.revokeObjectURL(url);
  return one / two;
}

globalThis.runBench = async (workers, runs) => {
  await configurePool({ size: workers });
  const calibration = await calibrate();
  const rows = [];
  {
    const W = 1600, H = 1200, N = 500;
    const a = alloc(Int32Array, W * H), b = alloc(Int32Array, W * H);
    for (let i = 0; i < 2; i++) { mandelbrot(0, H, W, H, N, a); await mandelbrot.parallel(H, W, H, N, b); }
    const r = await compare(() => mandelbrot(0, H, W, H, N, a), () => mandelbrot.parallel(H, W, H, N, b), runs);
    rows.push({ kernel: "mandelbrot 1600x1200x500", ...r, identical: a.every((v, i) => v === b[i]) });
  }
  {
    const S = 3000, M = 256;
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
    const query = alloc(Uint8Array, M);
    for (let i = 0; i < M; i++) query[i] = (rnd() * 4) | 0;
    const offsets = alloc(Int32Array, S + 1);
    for (let s = 0; s < S; s++) offsets[s + 1] = offsets[s] + 100 + ((rnd() * 300) | 0);
    const db = alloc(Uint8Array, offsets[S]);
    for (let i = 0; i < db.length; i++) db[i] = (rnd() * 4) | 0;
    const dp = alloc(Int32Array, S * (M + 1));
    const a = alloc(Int32Array, S), b = alloc(Int32Array, S);
    const args = [query, db, offsets, dp];
    for (let i = 0; i < 2; i++) { smithWaterman(0, S, ...args, a, 2, -1, 1); await smithWaterman.parallel(S, ...args, b, 2, -1, 1); }
    const r = await compare(() => smithWaterman(0, S, ...args, a, 2, -1, 1), () => smithWaterman.parallel(S, ...args, b, 2, -1, 1), runs);
    rows.push({ kernel: "smith-waterman " + S + " x " + M + " (row blocks)", ...r, identical: a.every((v, i) => v === b[i]) });
  }
  return { rows, calibration, poolWorkers: workerPool().workers.length, cores: navigator.hardwareConcurrency, crossOriginIsolated };
};
document.title = "ready";
`;

const dir = await mkdtemp(nodePath.join(os.tmpdir(), "tskern-parallel-browser-bench-"));
/** @type {import("node:http").Server | undefined} */
let server;
/** @type {import("playwright-core").Browser | undefined} */
let browser;
try {
  await esbuild.build({
    absWorkingDir: here,
    stdin: { contents: ENTRY, resolveDir: here, sourcefile: "parallel-browser-entry.js", loader: "js" },
    bundle: true, format: "esm", platform: "browser", outfile: nodePath.join(dir, "main.js"), logLevel: "error",
    plugins: [tskern({ cache: false })],
  });
  await writeFile(nodePath.join(dir, "index.html"), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./main.js"></script>');
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  server = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const file = nodePath.join(dir, path === "/" ? "index.html" : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "Content-Type": /** @type {any} */ (types)[nodePath.extname(file)] ?? "application/octet-stream",
        "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp",
      });
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise((resolve) => /** @type {import("node:http").Server} */ (server).listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  browser = await launchChromium();
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "warning" || m.type() === "error") console.error(`page ${m.type()}: ${m.text()}`); });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => document.title === "ready", null, { timeout: 120_000 });
  const result = await page.evaluate(([w, r]) => /** @type {any} */ (globalThis).runBench(w, r), [workers, runs]);
  const version = browser.version();
  if (argv.includes("--json")) console.log(JSON.stringify({ workers, browser: `Chromium ${version}`, ...result }, null, 2));
  else {
    console.log(`parallel kernels in headless Chromium ${version}: ${result.poolWorkers} module workers (${result.cores} cores, crossOriginIsolated ${result.crossOriginIsolated}, load ${os.loadavg()[0].toFixed(1)}), best of ${runs} alternating runs after warm-up`);
    console.log(`  machine check: a pure-JS spin on 2 workers vs 1: ${result.calibration.toFixed(2)}x (near 1x: other processes hold the cores)`);
    for (const r of result.rows) {
      console.log(`  ${r.kernel.padEnd(40)} serial ${r.serialMs.toFixed(1).padStart(8)} ms  parallel ${r.parallelMs.toFixed(1).padStart(8)} ms  ${r.ratio.toFixed(2)}x (median ${r.medianRatio.toFixed(2)}x)  ${r.identical ? "identical" : "DIFFERENT"}`);
    }
  }
} finally {
  await browser?.close();
  server?.close();
  await rm(dir, { recursive: true, force: true });
}
