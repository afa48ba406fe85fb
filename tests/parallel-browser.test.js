// `kernel.parallel` in headless Chromium (Debian's chromium via
// playwright-core): the parallel fixture app (tests/fixtures/parallel-app)
// served by `vite dev`, by `vite build` + `vite preview`, and bundled by
// esbuild. Workers are module workers started from a blob: URL, sharing the
// build's memory; pages without cross-origin isolation run `.parallel`
// serially with one warning. Speed is measured in bench/parallel-browser.js,
// never asserted here.
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import { cp, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import nodePath from "node:path";
import * as esbuild from "esbuild";
import { createServer, build, preview } from "vite";
import tskernVite from "tskern/vite";
import tskernEsbuild from "tskern/esbuild";
import { launchChromium, ensureChromium } from "./support/chromium.js";
import { FIXTURES, REPO, scratchDir } from "./support/build-fixture.js";

// A cold compile (the first kernel in a process) takes several seconds, more on a busy machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 300_000 });

const cacheDir = nodePath.join(REPO, "tests/.tmp/bundler-cache");
const ISOLATED = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

// Kernels the fixture app was not written against; compared with JS references below.
const FRESH = `// Written by tests/parallel-browser.test.js.

// Collatz step counts of n = base + i (wildly uneven per element).
// @tskern parallel
export function collatz(start: i32, end: i32, base: i32, steps: Int32Array): void {
  for (let i = start; i < end; i++) {
    let n: i64 = <i64>(base + i);
    let c = 0;
    while (n != 1) {
      n = (n & 1) != 0 ? 3 * n + 1 : n >> 1;
      c++;
    }
    steps[i] = c;
  }
}

// One Jacobi step of a 5-point stencil over rows [start, end) of a w x h grid; the border is copied.
// @tskern parallel
export function stencil(start: i32, end: i32, w: i32, h: i32, src: Float64Array, dst: Float64Array): void {
  for (let y = start; y < end; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (y == 0 || y == h - 1 || x == 0 || x == w - 1) dst[i] = src[i];
      else dst[i] = 0.2 * (src[i] + src[i - 1] + src[i + 1] + src[i - w] + src[i + w]);
    }
  }
}
`;

/** @param {number} base @param {number} n */
function collatzJs(base, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    let v = base + i, c = 0;
    while (v !== 1) { v = v % 2 ? 3 * v + 1 : v / 2; c++; }
    out.push(c);
  }
  return out;
}

/** @param {number} w @param {number} h @param {number[]} src */
function stencilJs(w, h, src) {
  const dst = new Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      dst[i] = y === 0 || y === h - 1 || x === 0 || x === w - 1 ? src[i] : 0.2 * (src[i] + src[i - 1] + src[i + 1] + src[i - w] + src[i + w]);
    }
  }
  return dst;
}

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {string} */
let app;

beforeAll(async () => {
  ensureChromium(); // apt-get install chromium when missing (never a browser download)
  browser = await launchChromium();
  app = await scratchDir("parallel-app");
  await cp(nodePath.join(FIXTURES, "parallel-app"), app, { recursive: true });
  await writeFile(nodePath.join(app, "kernels/fresh.kernel.ts"), FRESH);
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

/**
 * Opens the app; records page errors and console warnings.
 * @param {string} url
 */
async function openApp(url) {
  const page = await browser.newPage();
  /** @type {string[]} */
  const errors = [];
  /** @type {string[]} */
  const warnings = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "warning") warnings.push(m.text()); });
  const response = await page.goto(url);
  await page.waitForFunction(() => document.querySelector("#out")?.textContent === "ready", null, { timeout: 120_000 });
  return { page, errors, warnings, headers: response?.headers() ?? {} };
}

/** Calls `window.tskernApp[method](...args)` in the page. @param {import("playwright-core").Page} page @param {string} method @param {...any} args */
function call(page, method, ...args) {
  return page.evaluate(([m, a]) => /** @type {any} */ (globalThis).tskernApp[m](...a), /** @type {const} */ ([method, args]));
}

/** A static server for the esbuild output. @param {string} dir @param {Record<string, string>} headers */
async function serveStatic(dir, headers) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".map": "application/json" };
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const file = nodePath.join(dir, path === "/" ? "index.html" : path);
    if (!file.startsWith(dir)) { res.statusCode = 403; res.end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "Content-Type": /** @type {any} */ (types)[nodePath.extname(file)] ?? "application/octet-stream", ...headers });
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * The checks every cross-origin isolated setup must pass.
 * @param {() => string} url  the app's URL once the setup's server runs
 */
function isolatedChecks(url) {
  /** @type {Awaited<ReturnType<typeof openApp>>} */
  let opened;
  beforeAll(async () => { opened = await openApp(url()); });
  afterAll(async () => { await opened?.page.close(); });

  it("the page is cross-origin isolated; .parallel equals the serial call, on navigator.hardwareConcurrency module workers", async () => {
    const { page, errors, warnings } = opened;
    const info = await call(page, "info");
    expect(info).toMatchObject({ crossOriginIsolated: true, shared: true });
    const r = await call(page, "mandelbrot");
    expect(r).toMatchObject({ identical: true, plainIdentical: true, workers: info.cores });
    expect(r.sum).toBeGreaterThan(0);
    await call(page, "closePool");
    expect(await call(page, "workers")).toBe(0);
    await call(page, "configurePool", { size: 2 });
    expect(await call(page, "mandelbrot", 200, 150, 300)).toMatchObject({ identical: true, plainIdentical: true, workers: 2 });
    // 16 chunks per worker, pulled from a shared counter; together they cover [0, total) exactly
    expect(await call(page, "chunks", 1000)).toEqual({ count: 32, covered: 1000 });
    expect(warnings.filter((w) => /runs serially/.test(w))).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("a failing chunk rejects with the located KernelError; the pool and memory stay usable", async () => {
    const { page, errors } = opened;
    const r = await call(page, "failing");
    const { oob, trap } = r;
    expect(oob.parallel).toMatchObject({ isKernelError: true, code: "TSK201", kernel: "poke", path: "kernels/par.kernel.ts", line: 29 });
    expect(oob.parallel.message).toMatch(/^poke: index 1777 out of bounds for length 1000 at kernels\/par\.kernel\.ts:29:\d+ \(valid indices are 0 to 999\)/);
    expect(oob.parallel.column).toBe(oob.serial.column);
    expect(oob.parallel.chunk[0]).toBeLessThanOrEqual(777);
    expect(oob.parallel.chunk[1]).toBeGreaterThan(777);
    // A wasm trap: located from the worker's stack like the serial call's.
    expect(trap.parallel).toMatchObject({ isKernelError: true, code: "TSK206", kernel: "divide", path: "kernels/par.kernel.ts", line: 37 });
    expect(trap.parallel).toMatchObject({ line: trap.serial.line, column: trap.serial.column });
    expect(trap.parallel.message).toContain("divide by zero");
    expect(trap.parallel.message).toContain("check the divisor");
    expect(r).toMatchObject({ afterOob: true, afterTrap: true, memoryOk: true, workers: 2 });
    expect(errors).toEqual([]);
  });

  it("kernels written for this test (collatz lengths, a 5-point stencil) equal their JS references", async () => {
    const { page } = opened;
    const n = 20_000;
    const c = await call(page, "fresh", "collatz", n, [1, ["Int32Array", n, 3]]);
    expect(c.parallel).toEqual(c.serial);
    expect(c.parallel[0]).toEqual(collatzJs(1, n));
    const w = 97, h = 203;
    const s = await call(page, "fresh", "stencil", h, [w, h, ["Float64Array", w * h, 7], ["Float64Array", w * h, 9]]);
    expect(s.parallel).toEqual(s.serial);
    expect(s.parallel[1]).toEqual(stencilJs(w, h, s.inputs[0]));
    expect(s.parallel[0]).toEqual(s.inputs[0]); // src untouched
  });
}

describe("vite dev (cross-origin isolated)", () => {
  /** @type {import("vite").ViteDevServer} */
  let server;
  beforeAll(async () => {
    server = await createServer({
      root: app, configFile: false, logLevel: "silent",
      server: { port: 0, host: "127.0.0.1" },
      plugins: [tskernVite({ cacheDir })],
    });
    await server.listen();
  });
  afterAll(async () => { await server?.close(); });
  isolatedChecks(() => server.resolvedUrls?.local[0] ?? "");
});

describe("vite build + vite preview", () => {
  /** @type {string} */
  let outDir;
  /** @type {import("vite").PreviewServer} */
  let server;
  beforeAll(async () => {
    outDir = nodePath.join(app, "dist-vite");
    await build({ root: app, configFile: false, logLevel: "silent", build: { outDir, emptyOutDir: true }, plugins: [tskernVite({ cacheDir })] });
    server = await preview({ root: app, configFile: false, logLevel: "silent", build: { outDir }, preview: { port: 0, host: "127.0.0.1" }, plugins: [tskernVite({ cacheDir })] });
  });
  afterAll(async () => { await server?.close(); });
  isolatedChecks(() => server.resolvedUrls?.local[0] ?? "");

  it("without cross-origin isolation: .parallel runs serially, with one warning, same results", async () => {
    const unisolated = await preview({
      root: app, configFile: false, logLevel: "silent", build: { outDir },
      preview: { port: 0, host: "127.0.0.1" }, plugins: [tskernVite({ cacheDir, crossOriginIsolation: false })],
    });
    const { page, errors, warnings, headers } = await openApp(unisolated.resolvedUrls?.local[0] ?? "");
    try {
      expect(headers["cross-origin-embedder-policy"]).toBeUndefined();
      expect(await call(page, "info")).toMatchObject({ crossOriginIsolated: false, shared: false });
      expect(await call(page, "mandelbrot")).toMatchObject({ identical: true, plainIdentical: true, workers: 0 });
      const failing = await call(page, "failing");
      expect(failing.oob.parallel).toMatchObject({ isKernelError: true, code: "TSK201", line: 29 });
      expect(failing).toMatchObject({ afterOob: true, afterTrap: true, memoryOk: true, workers: 0 });
      const serialWarnings = warnings.filter((w) => /runs serially/.test(w));
      expect(serialWarnings).toHaveLength(1);
      expect(serialWarnings[0]).toMatch(/cross-origin isolat/);
      expect(serialWarnings[0]).toContain("Cross-Origin-Embedder-Policy: require-corp");
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await unisolated.close();
    }
  });
});

describe("esbuild bundle", () => {
  /** @type {string} */
  let outDir;
  /** @type {{ url: string, close: () => Promise<unknown> }} */
  let server;
  beforeAll(async () => {
    outDir = nodePath.join(app, "dist-esbuild");
    const result = await esbuild.build({
      absWorkingDir: app, entryPoints: ["main.js"], bundle: true, format: "esm", platform: "browser",
      // minify + keepNames: esbuild rewrites function bodies with helpers; the worker source must not be affected
      outdir: outDir, minify: true, keepNames: true, logLevel: "silent", plugins: [tskernEsbuild({ cacheDir })],
    });
    expect(result.errors).toEqual([]);
    await cp(nodePath.join(app, "index.html"), nodePath.join(outDir, "index.html"));
    server = await serveStatic(outDir, ISOLATED);
  });
  afterAll(async () => { await server?.close(); });
  isolatedChecks(() => server.url);

  it("a Content-Security-Policy that forbids blob: workers: .parallel runs serially, with one warning saying why", async () => {
    const strict = await serveStatic(outDir, { ...ISOLATED, "Content-Security-Policy": "worker-src 'self'" });
    const { page, errors, warnings } = await openApp(strict.url);
    try {
      expect(await call(page, "info")).toMatchObject({ crossOriginIsolated: true, shared: true });
      expect(await call(page, "mandelbrot", 64, 48, 50)).toMatchObject({ identical: true, plainIdentical: true, workers: 0 });
      const failing = await call(page, "failing");
      expect(failing.trap.parallel).toMatchObject({ isKernelError: true, code: "TSK206", line: 37 });
      expect(failing).toMatchObject({ afterOob: true, afterTrap: true, memoryOk: true, workers: 0 });
      const serialWarnings = warnings.filter((w) => /runs serially/.test(w));
      expect(serialWarnings).toHaveLength(1);
      expect(serialWarnings[0]).toMatch(/a parallel worker could not start/);
      expect(serialWarnings[0]).toContain("worker-src blob:");
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await strict.close();
    }
  });
});
