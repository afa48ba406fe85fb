#!/usr/bin/env node
// Parallel kernels in headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core; never downloads a browser): the kernels of
// bench/parallel.js bundled by tskern/esbuild, served cross-origin isolated
// from localhost; `kernel.parallel(total, ...)` on a pool of module workers
// against the same kernel called serially on the page's main thread. Warmed
// up first; serial and parallel runs alternate. Target: >= 1.8x on 2 workers.
// On Linux it also reads the threads' CPU time (/proc): the serial call's
// against the workers' sum shows the pool's overhead whatever the load, and
// the busiest worker's time what the ratio would be on free cores.
//
//   node bench/parallel-browser.js [--workers 2] [--runs 7] [--json]
import { existsSync, readdirSync, readFileSync } from "node:fs";
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

// The page: the cases of bench/parallel.js. It exposes `setup(workers)` and
// `run(case, mode)` (one timed call, after warm-up); this script drives the
// alternation, so it can read the threads' CPU time around each call.
const ENTRY = `
import { mandelbrot, smithWaterman } from "./parallel/parallel.kernel.ts";
import { alloc, configurePool, workerPool } from "tskern/runtime";

// What the machine gives right now: the same pure-JS spin split over 1 and
// over 2 plain workers. Near 2x: cores are free; near 1x: other load takes them.
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

const cases = {};
globalThis.setup = async (workers) => {
  await configurePool({ size: workers });
  {
    const W = 1600, H = 1200, N = 500;
    const a = alloc(Int32Array, W * H), b = alloc(Int32Array, W * H);
    cases.mandelbrot = {
      label: "mandelbrot 1600x1200x500",
      serial: () => mandelbrot(0, H, W, H, N, a),
      parallel: () => mandelbrot.parallel(H, W, H, N, b),
      identical: () => a.every((v, i) => v === b[i]),
    };
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
    cases.smithWaterman = {
      label: "smith-waterman " + S + " x " + M + " (row blocks)",
      serial: () => smithWaterman(0, S, ...args, a, 2, -1, 1),
      parallel: () => smithWaterman.parallel(S, ...args, b, 2, -1, 1),
      identical: () => a.every((v, i) => v === b[i]),
    };
  }
  for (const c of Object.values(cases)) for (let i = 0; i < 2; i++) { c.serial(); await c.parallel(); } // warm-up
  return { cases: Object.keys(cases), calibration: await calibrate(), poolWorkers: workerPool().workers.length, cores: navigator.hardwareConcurrency, crossOriginIsolated };
};
globalThis.run = async (name, mode) => {
  const t = performance.now();
  await cases[name][mode]();
  return performance.now() - t;
};
globalThis.check = (name) => ({ label: cases[name].label, identical: cases[name].identical() });
document.title = "ready";
`;

/**
 * CPU milliseconds per thread of this process's descendants (the browser's
 * processes), from /proc (Linux). Parallel efficiency does not depend on
 * other load: the workers' CPU time summed against the serial call's.
 * @returns {Map<string, { name: string, ms: number }>}
 */
function threadCpu() {
  const out = new Map();
  if (!existsSync("/proc/self/task")) return out;
  const parents = new Map();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parents.set(Number(pid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch { /* exited */ }
  }
  const mine = new Set([process.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parents) if (!mine.has(pid) && mine.has(ppid)) { mine.add(pid); grew = true; }
  }
  mine.delete(process.pid);
  const tick = 1000 / 100; // USER_HZ
  for (const pid of mine) {
    let tasks = [];
    try { tasks = readdirSync(`/proc/${pid}/task`); } catch { continue; }
    for (const tid of tasks) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        out.set(`${pid}/${tid}`, { name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), ms: (Number(fields[11]) + Number(fields[12])) * tick });
      } catch { /* exited */ }
    }
  }
  return out;
}

/** CPU ms per busy thread between two snapshots. @param {ReturnType<typeof threadCpu>} before @param {ReturnType<typeof threadCpu>} after */
function busyThreads(before, after) {
  return [...after].map(([id, t]) => ({ name: t.name, ms: t.ms - (before.get(id)?.ms ?? 0) })).filter((t) => t.ms >= 20);
}

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
  const info = await page.evaluate((w) => /** @type {any} */ (globalThis).setup(w), workers);
  const rows = [];
  for (const name of info.cases) {
    const serial = [], parallel = [];
    let cpu = { serial: 0, workers: /** @type {number[]} */ ([]) };
    for (let i = 0; i < runs; i++) {
      // serial and parallel alternate, so load from other processes hits both alike
      let before = threadCpu();
      serial.push(await page.evaluate(([n, m]) => /** @type {any} */ (globalThis).run(n, m), [name, "serial"]));
      const serialCpu = busyThreads(before, threadCpu()).reduce((n, t) => n + t.ms, 0);
      before = threadCpu();
      parallel.push(await page.evaluate(([n, m]) => /** @type {any} */ (globalThis).run(n, m), [name, "parallel"]));
      const workerCpu = busyThreads(before, threadCpu()).filter((t) => /worker/i.test(t.name)).map((t) => t.ms);
      cpu = { serial: cpu.serial + serialCpu, workers: workerCpu.map((ms, j) => ms + (cpu.workers[j] ?? 0)) };
    }
    const sorted = (/** @type {number[]} */ a) => [...a].sort((x, y) => x - y);
    const [ss, ps] = [sorted(serial), sorted(parallel)];
    const workerTotal = cpu.workers.reduce((n, ms) => n + ms, 0);
    rows.push({
      ...(await page.evaluate((n) => /** @type {any} */ (globalThis).check(n), name)),
      serialMs: ss[0], parallelMs: ps[0], ratio: ss[0] / ps[0], medianRatio: ss[ss.length >> 1] / ps[ps.length >> 1],
      // CPU over all runs: the serial call's page thread, the pool's worker threads
      cpuSerialMs: cpu.serial, cpuWorkersMs: cpu.workers, cpuEfficiency: workerTotal ? cpu.serial / workerTotal : null,
    });
  }
  const version = browser.version();
  const load = os.loadavg()[0];
  if (argv.includes("--json")) console.log(JSON.stringify({ workers, browser: `Chromium ${version}`, load, ...info, rows }, null, 2));
  else {
    console.log(`parallel kernels in headless Chromium ${version}: ${info.poolWorkers} module workers (${info.cores} cores, crossOriginIsolated ${info.crossOriginIsolated}, load ${load.toFixed(1)}), best of ${runs} alternating runs after warm-up`);
    console.log(`  machine check: a pure-JS spin on 2 workers vs 1: ${info.calibration.toFixed(2)}x (near 1x: other processes hold the cores)`);
    for (const r of rows) {
      console.log(`  ${r.label.padEnd(40)} serial ${r.serialMs.toFixed(1).padStart(8)} ms  parallel ${r.parallelMs.toFixed(1).padStart(8)} ms  ${r.ratio.toFixed(2)}x (median ${r.medianRatio.toFixed(2)}x)  ${r.identical ? "identical" : "DIFFERENT"}`);
      if (r.cpuEfficiency !== null) {
        console.log(`  ${"".padEnd(40)} CPU: serial ${r.cpuSerialMs.toFixed(0)} ms; workers ${r.cpuWorkersMs.map((ms) => ms.toFixed(0)).join(" + ")} ms (serial CPU / workers' CPU ${r.cpuEfficiency.toFixed(2)}; on ${r.cpuWorkersMs.length} free cores: ~${(r.cpuSerialMs / Math.max(...r.cpuWorkersMs)).toFixed(2)}x, an estimate)`);
      }
    }
  }
} finally {
  await browser?.close();
  server?.close();
  await rm(dir, { recursive: true, force: true });
}
