// The bundler plugins (tskern/esbuild, tskern/rollup, tskern/webpack,
// tskern/rspack): the fixture app (tests/fixtures/bundler-app) is bundled with
// each bundler's real JS API, then run in Node; its kernel results must equal
// plain JS. A broken kernel must fail each build with a located error, the
// bundler's own way. (Vite, in Chromium: vite-browser.test.js.)
import { describe, it, expect, beforeAll, vi } from "vitest";
import { execFile } from "node:child_process";
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import nodePath from "node:path";
import { promisify } from "node:util";
import * as esbuild from "esbuild";
import { rollup } from "rollup";
import webpack from "webpack";
import { rspack } from "@rspack/core";
import tskernEsbuild from "tskern/esbuild";
import tskernRollup from "tskern/rollup";
import tskernWebpack from "tskern/webpack";
import tskernRspack from "tskern/rspack";
import { unplugin } from "../plugin/bundler/unplugin-core.js";
import { FIXTURES, REPO, scratchDir } from "./support/build-fixture.js";

// A cold compile (the first kernel in a process) takes several seconds, more on a busy machine.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const run = promisify(execFile);
/** Shared by the bundler suites: a kernel compiled once is a cache hit for the next bundler. */
const cacheDir = nodePath.join(REPO, "tests/.tmp/bundler-cache");
const options = { cacheDir };

/** What the fixture app reports when every kernel agrees with plain JS. */
const EXPECTED = {
  version: 1,
  sumsEqual: true,
  thresholdEqual: true,
  brightenEqual: true,
  zeroCopy: true,
  afterGrowth: true,
  shared: true,
};

/** A scratch copy of the fixture app. @param {string} name */
async function fixtureApp(name) {
  const dir = await scratchDir(name);
  await cp(nodePath.join(FIXTURES, "bundler-app"), dir, { recursive: true });
  return dir;
}

/** Runs a bundle with Node; returns what the app printed. @param {string} file */
async function runBundle(file) {
  const { stdout } = await run(process.execPath, [file], { timeout: 90_000 });
  return JSON.parse(stdout);
}

/** The emitted .wasm files under dir (recursively). @param {string} dir */
async function wasmFiles(dir) {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((f) => f.endsWith(".wasm")).map((f) => f.split(nodePath.sep).join("/")).sort();
}

/** webpack and Rspack share an API shape. @param {any} create @param {object} config */
function compile(create, config) {
  const compiler = create(config);
  return new Promise((resolve, reject) => {
    compiler.run((/** @type {any} */ error, /** @type {any} */ stats) => {
      compiler.close(() => (error ? reject(error) : resolve(stats)));
    });
  });
}

/** @param {string} dir @param {"esm" | "cjs"} format @param {object} plugin */
function webpackConfig(dir, format, plugin) {
  const outDir = nodePath.join(dir, "out");
  return {
    mode: /** @type {const} */ ("production"),
    context: dir,
    entry: "./node-main.js",
    target: "node20",
    output: format === "esm"
      ? { path: outDir, filename: "main.mjs", module: true, chunkFormat: "module", library: { type: "module" } }
      : { path: outDir, filename: "main.cjs" },
    experiments: format === "esm" ? { outputModule: true } : {},
    optimization: { minimize: false },
    infrastructureLogging: { level: "error" },
    plugins: [plugin],
  };
}

describe("the fixture app, bundled, runs in Node with kernel results equal to plain JS", () => {
  it("esbuild (ESM; .wasm via the file loader)", async () => {
    const dir = await fixtureApp("esbuild");
    const result = await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ["node-main.js"],
      bundle: true,
      format: "esm",
      platform: "node",
      outdir: "out",
      outExtension: { ".js": ".mjs" },
      metafile: true,
      logLevel: "silent",
      plugins: [tskernEsbuild(options)],
    });
    expect(result.errors).toEqual([]);
    // Hook filters: kernel files became modules; the helper they import was
    // compiled into the wasm, never bundled as JS.
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain("kernels/stats.kernel.ts");
    expect(inputs).toContain("kernels/pixels.kernel.ts");
    expect(inputs.some((i) => i.includes("clamp"))).toBe(false);
    expect(await wasmFiles(nodePath.join(dir, "out"))).toEqual([
      expect.stringMatching(/^pixels\.kernel-\w{8}\.wasm$/),
      expect.stringMatching(/^stats\.kernel-\w{8}\.wasm$/),
    ]);
    const bundle = await readFile(nodePath.join(dir, "out/node-main.mjs"), "utf8");
    expect(bundle).toMatch(/await loadBuild\(new URL\(\w+, import\.meta\.url\)/);
    expect(await runBundle(nodePath.join(dir, "out/node-main.mjs"))).toMatchObject({ ...EXPECTED, builds: 2 });
  });

  it("Rollup (ES output; .wasm as an emitted asset)", async () => {
    const dir = await fixtureApp("rollup");
    const bundle = await rollup({ input: nodePath.join(dir, "node-main.js"), plugins: [tskernRollup(options)], onwarn: () => {} });
    await bundle.write({ dir: nodePath.join(dir, "out"), format: "es", entryFileNames: "[name].mjs" });
    await bundle.close();
    expect(await wasmFiles(nodePath.join(dir, "out"))).toEqual([
      expect.stringMatching(/^assets\/pixels\.kernel-[\w-]{8}\.wasm$/),
      expect.stringMatching(/^assets\/stats\.kernel-[\w-]{8}\.wasm$/),
    ]);
    const code = await readFile(nodePath.join(dir, "out/node-main.mjs"), "utf8");
    expect(code).toMatch(/loadBuild\(new URL\('assets\/stats\.kernel-[\w-]{8}\.wasm', import\.meta\.url\)/);
    expect(await runBundle(nodePath.join(dir, "out/node-main.mjs"))).toMatchObject({ ...EXPECTED, builds: 2 });
  });

  it("webpack (ES module output; .wasm as an asset module)", async () => {
    const dir = await fixtureApp("webpack");
    const stats = /** @type {any} */ (await compile(webpack, webpackConfig(dir, "esm", tskernWebpack(options))));
    expect(stats.toJson({ all: false, errors: true }).errors).toEqual([]);
    expect(await wasmFiles(nodePath.join(dir, "out"))).toEqual([
      expect.stringMatching(/^pixels\.kernel-[0-9a-f]{8}\.wasm$/),
      expect.stringMatching(/^stats\.kernel-[0-9a-f]{8}\.wasm$/),
    ]);
    expect(await runBundle(nodePath.join(dir, "out/main.mjs"))).toMatchObject({ ...EXPECTED, builds: 2 });
  });

  it("Rspack (CommonJS output; top-level await as async modules)", async () => {
    const dir = await fixtureApp("rspack");
    const stats = /** @type {any} */ (await compile(rspack, webpackConfig(dir, "cjs", tskernRspack(options))));
    expect(stats.toJson({ all: false, errors: true }).errors).toEqual([]);
    expect(await wasmFiles(nodePath.join(dir, "out"))).toEqual([
      expect.stringMatching(/^pixels\.kernel-[0-9a-f]{8}\.wasm$/),
      expect.stringMatching(/^stats\.kernel-[0-9a-f]{8}\.wasm$/),
    ]);
    expect(await runBundle(nodePath.join(dir, "out/main.cjs"))).toMatchObject({ ...EXPECTED, builds: 2 });
  });

  it("the shared option compiles a directory's kernel files into one build (one memory)", async () => {
    const dir = await fixtureApp("shared");
    await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ["node-main.js"],
      bundle: true,
      format: "esm",
      platform: "node",
      outdir: "out",
      outExtension: { ".js": ".mjs" },
      logLevel: "silent",
      plugins: [tskernEsbuild({ ...options, shared: ["kernels"] })],
    });
    expect(await wasmFiles(nodePath.join(dir, "out"))).toEqual([expect.stringMatching(/^pixels\.kernel-\w{8}\.wasm$/)]);
    expect(await runBundle(nodePath.join(dir, "out/node-main.mjs"))).toMatchObject({ ...EXPECTED, builds: 1 });
  });
});

describe("a kernel compile error fails the build the bundler's own way, located", () => {
  /** @type {string} */
  let dir;
  const WHERE = "kernels/stats.kernel.ts:4:10: error AS2304: Cannot find name 'undefinedName'.";

  beforeAll(async () => {
    dir = await fixtureApp("broken");
    const file = nodePath.join(dir, "kernels/stats.kernel.ts");
    await writeFile(file, (await readFile(file, "utf8")).replace("return 1;", "return undefinedName;"));
  });

  it("esbuild: a message with location and source line", async () => {
    const error = /** @type {any} */ (await esbuild.build({
      absWorkingDir: dir, entryPoints: ["node-main.js"], bundle: true, format: "esm", platform: "node",
      write: false, outdir: "out", logLevel: "silent", plugins: [tskernEsbuild(options)],
    }).catch((e) => e));
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]).toMatchObject({
      text: "AS2304: Cannot find name 'undefinedName'.",
      pluginName: "tskern",
      location: { file: "kernels/stats.kernel.ts", line: 4, column: 9, length: 13, lineText: "  return undefinedName;" },
    });
    const [formatted] = await esbuild.formatMessages(error.errors, { kind: "error" });
    expect(formatted).toContain("kernels/stats.kernel.ts:4:9:");
    expect(formatted).toContain("return undefinedName;");
  });

  it("Rollup: a RollupError with loc and frame", async () => {
    const error = /** @type {any} */ (await rollup({ input: nodePath.join(dir, "node-main.js"), plugins: [tskernRollup(options)], onwarn: () => {} }).catch((e) => e));
    expect(error.plugin).toBe("tskern");
    expect(error.message).toContain(WHERE);
    expect(error.id).toBe(nodePath.join(dir, "kernels/stats.kernel.ts"));
    expect(error.loc).toEqual({ file: nodePath.join(dir, "kernels/stats.kernel.ts"), line: 4, column: 10 });
    expect(error.frame).toContain("> 4 |   return undefinedName;");
  });

  it("webpack: a module build error with location and code frame", async () => {
    const stats = /** @type {any} */ (await compile(webpack, webpackConfig(dir, "esm", tskernWebpack(options))));
    const { errors } = stats.toJson({ all: false, errors: true, moduleTrace: false });
    expect(errors).toHaveLength(1);
    expect(errors[0].moduleName).toBe("./kernels/stats.kernel.ts");
    expect(errors[0].message).toContain(WHERE);
    expect(errors[0].message).toContain("> 4 |   return undefinedName;");
  });

  it("Rspack: a module build error with location and code frame", async () => {
    const stats = /** @type {any} */ (await compile(rspack, webpackConfig(dir, "esm", tskernRspack(options))));
    const { errors } = stats.toJson({ all: false, errors: true, moduleTrace: false });
    expect(errors).toHaveLength(1);
    expect(errors[0].moduleName).toBe("./kernels/stats.kernel.ts");
    expect(errors[0].message).toContain(WHERE);
    expect(errors[0].message).toContain("> 4 |   return undefinedName;");
  });
});

describe("plugin core", () => {
  it("hook filters let only *.kernel.ts (and the modules it generates) reach the compiler", () => {
    for (const framework of /** @type {const} */ (["rollup", "vite", "esbuild", "webpack", "rspack"])) {
      const plugin = /** @type {any} */ (unplugin.raw({}, /** @type {any} */ ({ framework })));
      const load = plugin.load.filter.id;
      expect(load.test("/app/src/blur.kernel.ts")).toBe(true);
      expect(load.test("/app/src/blur.kernel.ts?tskern-build")).toBe(true);
      for (const id of ["/app/src/main.ts", "/app/src/kernel.ts", "/app/src/blur.kernel.js", "/app/src/blur.kernel.tsx", "/app/src/util.ts"]) {
        expect(load.test(id)).toBe(false);
      }
      const resolve = plugin.resolveId.filter.id;
      expect(resolve.test("./blur.kernel.ts")).toBe(false);
      expect(resolve.test("./main.js")).toBe(false);
    }
  });

  it("memoryLimit accepts bytes or sizes and rejects the rest", () => {
    expect(() => unplugin.raw({ memoryLimit: "1.5TB" }, /** @type {any} */ ({ framework: "rollup" }))).toThrow(/memoryLimit '1.5TB' is not a size/);
    expect(() => unplugin.raw({ memoryLimit: "512MiB" }, /** @type {any} */ ({ framework: "rollup" }))).not.toThrow();
  });
});
