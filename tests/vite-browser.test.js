// tskern/vite in headless Chromium (Debian's chromium, driven by
// playwright-core): the fixture app in `vite dev` (kernels compiled on demand,
// hot updates, the error overlay), in `vite build` + `vite preview` (hashed
// .wasm assets, COOP/COEP headers, the unshared-memory fallback), and the
// examples/vite-app page.
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import nodePath from "node:path";
import { createServer, build, preview } from "vite";
import tskern from "tskern/vite";
import { launchChromium, ensureChromium } from "./support/chromium.js";
import { FIXTURES, REPO, scratchDir } from "./support/build-fixture.js";

// A cold compile (the first kernel in a process) takes several seconds, more on a busy machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const cacheDir = nodePath.join(REPO, "tests/.tmp/bundler-cache");
const EXPECTED = { sumsEqual: true, thresholdEqual: true, brightenEqual: true, zeroCopy: true, afterGrowth: true };

/** @type {import("playwright-core").Browser} */
let browser;
/** @type {string} */
let app;

beforeAll(async () => {
  ensureChromium(); // apt-get install chromium when missing (never a browser download)
  browser = await launchChromium();
  app = await scratchDir("vite-app");
  await cp(nodePath.join(FIXTURES, "bundler-app"), app, { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

/** A new page that records page errors. */
async function newPage() {
  const page = await browser.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, errors };
}

/** The app's result once the page shows one. @param {import("playwright-core").Page} page @param {(r: any) => boolean} [until] */
async function result(page, until = () => true) {
  const handle = await page.waitForFunction((pred) => {
    const text = document.querySelector("#out")?.textContent ?? "";
    if (!text.startsWith("{")) return null;
    const r = JSON.parse(text);
    return new Function("r", `return (${pred})(r)`)(r) ? r : null;
  }, until.toString(), { timeout: 90_000 });
  return handle.jsonValue();
}

/** Rewrites a file of the app copy. @param {string} rel @param {(text: string) => string} edit */
async function edit(rel, edit) {
  const file = nodePath.join(app, rel);
  await writeFile(file, edit(await readFile(file, "utf8")));
}

describe("vite dev", () => {
  /** @type {import("vite").ViteDevServer} */
  let server;
  /** @type {import("playwright-core").Page} */
  let page;
  /** @type {string[]} */
  let pageErrors;
  const original = { stats: "", clamp: "" };

  beforeAll(async () => {
    original.stats = await readFile(nodePath.join(app, "kernels/stats.kernel.ts"), "utf8");
    original.clamp = await readFile(nodePath.join(app, "kernels/clamp.ts"), "utf8");
    server = await createServer({
      root: app,
      configFile: false,
      logLevel: "silent",
      server: { port: 0, host: "127.0.0.1" },
      plugins: [tskern({ cacheDir })],
    });
    await server.listen();
    ({ page, errors: pageErrors } = await newPage());
  });

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it("compiles kernels on demand; the page is cross-origin isolated and kernel results equal plain JS", async () => {
    const response = await page.goto(server.resolvedUrls?.local[0] ?? "");
    expect(response?.headers()).toMatchObject({ "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" });
    const r = await result(page);
    expect(r).toMatchObject({ ...EXPECTED, version: 1, shared: true, crossOriginIsolated: true, builds: 2 });
    expect(pageErrors).toEqual([]);
    await page.evaluate(() => { /** @type {any} */ (window).__notReloaded = true; });
  });

  it("editing a kernel hot-updates its importers without a full reload", async () => {
    const version = 100 + Math.floor(Math.random() * 1e6); // a new source: a real compile, never a cache hit
    await edit("kernels/stats.kernel.ts", (t) => t.replace("return 1;", `return ${version};`));
    const r = await result(page, new Function("r", `return r.version === ${version}`));
    expect(r).toMatchObject({ ...EXPECTED, shared: true });
    // The new build replaced the old one (alloc uses it): still one build per kernel file.
    expect(r.builds).toBe(2);
    expect(await page.evaluate(() => [/** @type {any} */ (window).__notReloaded, /** @type {any} */ (window).__tskernRuns])).toEqual([true, 2]);
  });

  it("editing a helper module a kernel imports hot-updates it too", async () => {
    // Clamp to 0..200 instead of 0..255: brighten() now differs from its JS twin.
    await edit("kernels/clamp.ts", (t) => t.replace("v > 255 ? 255", "v > 200 ? 200"));
    expect(await result(page, (r) => r.brightenEqual === false)).toMatchObject({ thresholdEqual: true, sumsEqual: true });
    await edit("kernels/clamp.ts", () => original.clamp);
    expect(await result(page, (r) => r.brightenEqual === true)).toMatchObject(EXPECTED);
    expect(await page.evaluate(() => /** @type {any} */ (window).__notReloaded)).toBe(true);
  });

  it("a broken kernel shows the error overlay with file:line:col and code frame; the next good save recovers", async () => {
    await edit("kernels/stats.kernel.ts", () => original.stats.replace("return 1;", "return undefinedName;"));
    await page.waitForSelector("vite-error-overlay", { timeout: 90_000 });
    const overlay = await page.evaluate(() => {
      const root = /** @type {ShadowRoot} */ (document.querySelector("vite-error-overlay")?.shadowRoot);
      const text = (/** @type {string} */ sel) => /** @type {HTMLElement | null} */ (root.querySelector(sel))?.innerText ?? "";
      return { plugin: text(".plugin"), message: text(".message"), file: text(".file"), frame: text(".frame") };
    });
    expect(overlay.plugin).toContain("tskern");
    expect(overlay.message).toContain("kernels/stats.kernel.ts:4:10: error AS2304: Cannot find name 'undefinedName'.");
    expect(overlay.file).toBe(`${nodePath.join(app, "kernels/stats.kernel.ts")}:4:10`);
    expect(overlay.frame).toContain("> 4 |   return undefinedName;");
    expect(overlay.frame).toContain("^^^^^^^^^^^^^");

    // The server kept running; fixing the kernel updates the page and clears the overlay.
    const version = 100 + Math.floor(Math.random() * 1e6);
    await edit("kernels/stats.kernel.ts", () => original.stats.replace("return 1;", `return ${version};`));
    expect(await result(page, new Function("r", `return r.version === ${version}`))).toMatchObject({ ...EXPECTED, shared: true });
    expect(await page.locator("vite-error-overlay").count()).toBe(0);
    expect(await page.evaluate(() => /** @type {any} */ (window).__notReloaded)).toBe(true);
    await edit("kernels/stats.kernel.ts", () => original.stats);
  });

  it("serves the annotate report of a kernel at /__tskern/annotate; refuses non-kernel paths", async () => {
    const base = server.resolvedUrls?.local[0] ?? "";
    const ok = await fetch(new URL("__tskern/annotate?file=kernels/stats.kernel.ts", base));
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html).toContain("kernels/stats.kernel.ts");
    expect(html).toMatch(/<html[\s>]/i);
    expect((await fetch(new URL("__tskern/annotate?file=../package.json", base))).status).toBe(400);
  });

  it("server-side rendering (ssrLoadModule) runs kernels in Node", async () => {
    const mod = await server.ssrLoadModule("/app.js");
    expect(mod.run()).toMatchObject({ ...EXPECTED, version: 1, shared: true });
  });
});

describe("vite build + vite preview", () => {
  /** @type {string} */
  let outDir;

  beforeAll(async () => {
    outDir = nodePath.join(app, "dist");
    await build({ root: app, configFile: false, logLevel: "silent", build: { outDir, emptyOutDir: true }, plugins: [tskern({ cacheDir })] });
  });

  /** Serves outDir with `vite preview`; returns the page's result. @param {object} pluginOptions */
  async function previewResult(pluginOptions) {
    const server = await preview({
      root: app, configFile: false, logLevel: "silent",
      build: { outDir }, preview: { port: 0, host: "127.0.0.1" },
      plugins: [tskern(pluginOptions)],
    });
    const { page, errors } = await newPage();
    try {
      const response = await page.goto(server.resolvedUrls?.local[0] ?? "");
      const r = await result(page);
      expect(errors).toEqual([]);
      return { r, headers: response?.headers() ?? {} };
    } finally {
      await page.close();
      await server.close();
    }
  }

  it("emits hashed .wasm assets loaded with new URL(..., import.meta.url)", async () => {
    const assets = await readdir(nodePath.join(outDir, "assets"));
    const wasm = assets.filter((f) => f.endsWith(".wasm")).sort();
    expect(wasm).toEqual([expect.stringMatching(/^pixels\.kernel-[\w-]{8}\.wasm$/), expect.stringMatching(/^stats\.kernel-[\w-]{8}\.wasm$/)]);
    const js = assets.find((f) => f.endsWith(".js"));
    const code = await readFile(nodePath.join(outDir, "assets", /** @type {string} */ (js)), "utf8");
    for (const name of wasm) expect(code).toContain(`new URL(\`/assets/${name}\`,import.meta.url)`);
  });

  it("the preview is cross-origin isolated: shared memory, results equal plain JS", async () => {
    const { r, headers } = await previewResult({});
    expect(headers).toMatchObject({ "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" });
    expect(r).toMatchObject({ ...EXPECTED, version: 1, shared: true, crossOriginIsolated: true, builds: 2 });
  });

  it("with crossOriginIsolation: false the runtime falls back to unshared memory, reserved up front: arrays stay valid", async () => {
    const { r, headers } = await previewResult({ crossOriginIsolation: false });
    expect(headers["cross-origin-embedder-policy"]).toBeUndefined();
    expect(r).toMatchObject({ ...EXPECTED, version: 1, shared: false, crossOriginIsolated: false });
    expect(r.memoryBytes).toBe(256 * 2 ** 20); // DEFAULT_UNSHARED_RESERVE: never grows, so views never detach
  });
});

describe("examples/vite-app", () => {
  it("builds with its vite.config.js and renders identical pixels with JS and the kernels", async () => {
    const root = nodePath.join(REPO, "examples/vite-app");
    const outDir = await scratchDir("vite-example");
    await build({ root, logLevel: "silent", build: { outDir, emptyOutDir: true } });
    const server = await preview({ root, logLevel: "silent", build: { outDir }, preview: { port: 0, host: "127.0.0.1" } });
    const { page, errors } = await newPage();
    try {
      await page.goto(server.resolvedUrls?.local[0] ?? "");
      await page.waitForFunction(() => document.querySelector("#status")?.getAttribute("data-identical"), null, { timeout: 90_000 });
      expect(await page.getAttribute("#status", "data-identical")).toBe("true");
      expect(await page.textContent("#status")).toContain("shared (cross-origin isolated)");
      expect(await page.textContent("#kernel-mandelbrot")).toMatch(/^\d+\.\d ms$/);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
