/**
 * The bundler plugin: one core on unplugin, adapted to Vite, esbuild, Rollup,
 * webpack and Rspack by the one-line modules next to this file.
 *
 * Modules it serves, for each kernel file `x.kernel.ts` the app imports:
 *
 *   x.kernel.ts                the kernel module (one JS function per kernel),
 *                              as `tskern build` writes it; imports
 *   x.kernel.ts?tskern-build   the build module: `await loadBuild(wasm, meta)`,
 *                              one per unit (see below); imports `tskern/runtime`
 *                              and reaches its wasm the bundler's way:
 *     Vite dev                 a URL the dev server answers (/@tskern/wasm/<sha256>.wasm)
 *     Vite build, Rollup       an emitted asset (import.meta.ROLLUP_FILE_URL_<ref>), which becomes
 *                              new URL("assets/x.kernel-<hash>.wasm", import.meta.url) (Vite: Vite's asset URL)
 *     esbuild                  import of x.kernel.ts?tskern-wasm with the `file` loader
 *     webpack, Rspack          new URL("./x.kernel.ts?tskern-wasm", import.meta.url): an asset module
 *
 * A unit is the set of kernel files compiled into one wasm with one memory:
 * each kernel file on its own, unless the `shared` option groups files.
 */
import nodePath from "node:path";
import { fileURLToPath } from "node:url";
import { createUnplugin } from "unplugin";
import { createKernelCompiler, BUILD_PLACEHOLDER, WASM_EXPRESSION } from "./kernel-compiler.js";
import { findKernelFiles } from "../build/find-kernels.js";

export const PLUGIN_NAME = "tskern";
/** The runtime file every generated module (and the app's `tskern/runtime`) resolves to. */
export const RUNTIME_FILE = fileURLToPath(new URL("../../runtime/index.js", import.meta.url));
const RUNTIME_DIR = nodePath.dirname(RUNTIME_FILE);
const WASM_LOADER = fileURLToPath(new URL("./wasm-loader.js", import.meta.url));
const KERNEL_ID = /\.kernel\.ts$/;
const BUILD_QUERY = "?tskern-build";
const WASM_QUERY = "?tskern-wasm";
/** Dev-server path of a compiled wasm, by its sha256. */
/** Dev-server page with the annotate report of a kernel. */
export const ANNOTATE_ROUTE = "/__tskern/annotate";
const DEV_WASM_ROUTE = /\/@tskern\/wasm\/([0-9a-f]{64})\.wasm(?:\?.*)?$/;
export const ISOLATION_HEADERS = Object.freeze({
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
});

/**
 * @typedef {object} TskernPluginOptions
 * @property {boolean} [boundsCheck]   bounds checks in kernels (default true; `// @tskern boundscheck=` in a file wins)
 * @property {number | string} [memoryLimit]   default memory limit baked into builds: bytes, or "512MiB", "4GiB"
 * @property {string[]} [shared]       kernel files or directories (relative to the bundler's root or absolute)
 *   compiled together into ONE build with one memory; other kernel files are each their own build
 * @property {boolean} [crossOriginIsolation]  Vite: send COOP/COEP headers from `vite dev` and `vite preview` (default true)
 * @property {boolean} [cache]         on-disk compile cache (default true; `TSKERN_NO_CACHE=1` also turns it off)
 * @property {string} [cacheDir]       default `node_modules/.cache/tskern` of the kernel's project, or `$TSKERN_CACHE_DIR`
 * @property {boolean} [debug]         log cache hits, misses and compile times (also `TSKERN_DEBUG=1`)
 */

const TRUE = /^(1|true|yes)$/i;

export const unplugin = createUnplugin((/** @type {TskernPluginOptions | undefined} */ rawOptions, meta) => {
  const options = rawOptions ?? {};
  const framework = meta.framework;
  const debug = options.debug ?? TRUE.test(process.env.TSKERN_DEBUG ?? "");
  const compiler = createKernelCompiler({
    boundsCheck: options.boundsCheck ?? true,
    memoryLimit: parseMemoryLimit(options.memoryLimit),
    cache: options.cache,
    cacheDir: options.cacheDir,
    log: debug ? (message) => console.error(`tskern: ${message}`) : undefined,
  });
  /** Vite state (from configResolved). */
  const vite = { command: /** @type {"serve" | "build" | null} */ (null), base: "/" };
  /** Dev server: wasm by sha256. */
  const devWasm = new Map();
  /** webpack/rspack/esbuild root for the `shared` option. */
  let root = process.cwd();
  /** @type {Promise<Set<string>> | null} the kernel files of the `shared` unit */
  let sharedFiles = null;
  // webpack and Rspack resolve `x.kernel.ts?tskern-build` themselves (file + resourceQuery);
  // esbuild resolves tskern/runtime natively (see esbuild.setup).
  const resolveFilter = framework === "webpack" || framework === "rspack" ? /^tskern\/runtime$/
    : framework === "esbuild" ? /\?tskern-build$/
    : /^tskern\/runtime$|\?tskern-build$/;

  /** The unit (kernel files compiled together) a kernel file belongs to. @param {string} file */
  async function unitOf(file) {
    if (!options.shared?.length) return [file];
    sharedFiles ??= findKernelFiles(options.shared, root).then((found) => {
      if (found.missing.length) {
        throw new Error(`tskern: the shared option names ${found.missing.map((m) => `'${m}'`).join(", ")}, which do not exist (relative to ${root})`);
      }
      return new Set(found.files);
    });
    const shared = await sharedFiles;
    return shared.has(file) ? [...shared].sort() : [file];
  }

  /**
   * Compiles the unit of `file`, reporting warnings and watching every input.
   * @param {any} ctx  the hook's this
   * @param {string} file
   */
  async function compileFor(ctx, file, isBuild = false) {
    const files = await unitOf(file);
    const unit = await compiler.compile(files);
    // Helpers and (for a shared unit) the other kernel files; esbuild loads a
    // build module in its own namespace, so it must also be told about the kernel file.
    for (const input of unit.inputs) {
      if (input !== file || (isBuild && framework === "esbuild")) ctx.addWatchFile?.(input);
    }
    for (const w of unit.warnings) ctx.warn?.(w);
    return unit;
  }

  /** The wasm expression of a build module, the bundler's way. @param {any} ctx @param {import("./kernel-compiler.js").CompiledUnit} unit @param {string} anchor */
  function wasmReference(ctx, unit, anchor) {
    const local = `./${nodePath.basename(anchor)}${WASM_QUERY}`;
    if (framework === "vite" && vite.command === "serve" && ctx.environment?.config?.consumer === "server") {
      // SSR in the dev server (ssrLoadModule): Node has no page URL to fetch from.
      const base64 = Buffer.from(unit.wasm.buffer, unit.wasm.byteOffset, unit.wasm.byteLength).toString("base64");
      return { expression: `Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0))` };
    }
    if (framework === "vite" && vite.command === "serve") {
      devWasm.set(unit.wasmHash, unit.wasm);
      return { expression: JSON.stringify(`${vite.base}@tskern/wasm/${unit.wasmHash}.wasm`) };
    }
    if (framework === "vite" || framework === "rollup" || framework === "rolldown" || framework === "unloader") {
      const ref = ctx.emitFile({ type: "asset", name: nodePath.basename(anchor).replace(/\.ts$/, ".wasm"), source: unit.wasm });
      // Rollup renders this as new URL("assets/x.kernel-<hash>.wasm", import.meta.url).href; Vite
      // as its asset URL ("/assets/...", base-relative or renderBuiltUrl's), which the outer
      // new URL(..., import.meta.url) resolves the way Vite resolves `new URL("./x.wasm", import.meta.url)`.
      const url = `import.meta.ROLLUP_FILE_URL_${ref}`;
      return { expression: framework === "vite" ? `new URL(${url}, import.meta.url)` : url };
    }
    if (framework === "esbuild") {
      return { prelude: `import __tskern_wasm from ${JSON.stringify(local)};\n`, expression: "new URL(__tskern_wasm, import.meta.url)" };
    }
    // webpack, rspack: an asset module (see the wasm rule below)
    return { expression: `new URL(${JSON.stringify(local)}, import.meta.url)` };
  }

  /**
   * Reports a failed compile the bundler's way.
   * @param {any} ctx @param {any} error
   */
  function fail(ctx, error) {
    if (!error?.diagnostics) throw error;
    if (framework === "webpack" || framework === "rspack") {
      // Loader errors print message and stack: give the CLI's full text once, no stack.
      const forLoader = new Error(error.formatted);
      forLoader.name = error.name;
      Object.assign(forLoader, { hideStack: true, stack: "", diagnostics: error.diagnostics, loc: error.loc, id: error.id });
      throw forLoader;
    }
    // Vite (overlay: message, loc, frame), Rollup (RollupError with loc and frame).
    throw error;
  }

  /** @type {import("unplugin").UnpluginOptions} */
  const plugin = {
    name: PLUGIN_NAME,
    enforce: "pre",

    buildStart() {
      sharedFiles = null;
    },

    resolveId: {
      filter: { id: resolveFilter },
      handler(id, importer) {
        if (id === "tskern/runtime") return RUNTIME_FILE;
        if (!importer || !id.endsWith(BUILD_QUERY)) return null;
        const file = nodePath.resolve(nodePath.dirname(cleanId(importer)), id.slice(0, -BUILD_QUERY.length));
        return `${file}${BUILD_QUERY}`;
      },
    },

    load: {
      filter: { id: /\.kernel\.ts(\?tskern-build)?$/ },
      async handler(id) {
        const isBuild = id.endsWith(BUILD_QUERY);
        const file = isBuild ? id.slice(0, -BUILD_QUERY.length) : cleanId(id);
        if (!KERNEL_ID.test(file)) return null;
        let unit;
        try {
          unit = await compileFor(this, file, isBuild);
        } catch (error) {
          // Watch what the failed compile read, so fixing a helper file recovers too.
          for (const input of /** @type {any} */ (error)?.inputs ?? []) if (input !== file) this.addWatchFile?.(input);
          return fail(this, error);
        }
        const anchor = unit.files[0];
        if (!isBuild) {
          const source = unit.kernelSources.get(file);
          if (source == null) throw new Error(`tskern: internal error: no kernel module for ${file}. Please report this.`);
          let rel = nodePath.relative(nodePath.dirname(file), anchor).split(nodePath.sep).join("/");
          if (!rel.startsWith(".")) rel = `./${rel}`;
          return { code: source.replace(JSON.stringify(BUILD_PLACEHOLDER), JSON.stringify(`${rel}${BUILD_QUERY}`)), map: null, moduleType: "js" };
        }
        if (file !== anchor) {
          throw new Error(`tskern: internal error: ${file} is not the build anchor of its unit (${anchor}). Please report this.`);
        }
        const { prelude = "", expression } = wasmReference(this, unit, anchor);
        let code = prelude + unit.buildSource.replace(WASM_EXPRESSION, expression);
        if (framework === "vite" && vite.command === "serve") code += hotReplacement();
        return { code, map: null, moduleType: "js" };
      },
    },

    esbuild: {
      // Go-side filters: other files never reach the plugin's JS hooks.
      onResolveFilter: /\?tskern-build$/,
      onLoadFilter: /\.kernel\.ts(\?tskern-build)?$/,
      loader: "js",
      setup(build) {
        root = build.initialOptions.absWorkingDir ?? process.cwd();
        build.onResolve({ filter: /^tskern\/runtime$/ }, () => ({ path: RUNTIME_FILE }));
        // Compile errors as esbuild messages: located, with the source line.
        // (Runs before unplugin's onLoad; on success the compile is reused from memory.)
        build.onLoad({ filter: KERNEL_ID }, async (args) => {
          try {
            await compiler.compile(await unitOf(args.path));
            return undefined;
          } catch (error) {
            if (!(/** @type {any} */ (error)?.diagnostics)) throw error;
            return { errors: esbuildMessages(/** @type {any} */ (error), root), watchFiles: [args.path] };
          }
        });
        // The wasm of a build module, emitted with esbuild's own `file` loader
        // (hashed name, assetNames and publicPath apply).
        build.onResolve({ filter: /\?tskern-wasm$/ }, (args) => {
          const file = nodePath.resolve(args.resolveDir, args.path.slice(0, -WASM_QUERY.length));
          return { path: file.replace(/\.ts$/, ".wasm"), namespace: "tskern-wasm", pluginData: { file } };
        });
        build.onLoad({ filter: /.*/, namespace: "tskern-wasm" }, async (args) => {
          const unit = await compiler.compile(await unitOf(args.pluginData.file));
          return { contents: unit.wasm, loader: "file" };
        });
      },
    },

    rollup: {
      options(inputOptions) {
        root = process.cwd();
        return inputOptions;
      },
    },

    webpack(webpackCompiler) {
      root = webpackCompiler.options.context ?? process.cwd();
      addWasmRule(webpackCompiler, wasmBytes);
    },

    rspack(rspackCompiler) {
      root = rspackCompiler.options.context ?? process.cwd();
      addWasmRule(rspackCompiler, wasmBytes);
    },

    vite: {
      config(config) {
        const isolate = options.crossOriginIsolation ?? true;
        return {
          ...(isolate ? { server: { headers: { ...ISOLATION_HEADERS } }, preview: { headers: { ...ISOLATION_HEADERS } } } : {}),
          // Served as source: kernel modules and the app must share one runtime module.
          optimizeDeps: { exclude: ["tskern"] },
        };
      },
      configResolved(config) {
        vite.command = config.command;
        vite.base = config.base.endsWith("/") ? config.base : `${config.base}/`;
        root = config.root;
        // The runtime must be servable even when tskern lives outside the project (npm link, monorepo).
        const allow = /** @type {any} */ (config.server?.fs)?.allow;
        if (Array.isArray(allow) && !allow.some((dir) => isInside(RUNTIME_DIR, dir))) allow.push(nodePath.dirname(RUNTIME_DIR));
      },
      configureServer(server) {
        // `/__tskern/annotate?file=src/x.kernel.ts`: the `tskern annotate` report, live.
        server.middlewares.use(ANNOTATE_ROUTE, (req, res) => {
          const file = new URL(req.url ?? "", "http://localhost").searchParams.get("file") ?? "";
          const abs = nodePath.resolve(root, file);
          const send = (/** @type {number} */ status, /** @type {string} */ html) => {
            res.statusCode = status;
            res.setHeader("Content-Type", "text/html; charset=utf-8");
            res.end(html);
          };
          if (!KERNEL_ID.test(file) || !isInside(abs, root)) {
            send(400, `<!doctype html><title>tskern annotate</title><p>Pass a kernel file of this project: <code>${ANNOTATE_ROUTE}?file=src/blur.kernel.ts</code></p>`);
            return;
          }
          import("../annotate/report.js")
            .then(({ renderAnnotateReport }) => renderAnnotateReport(nodePath.relative(root, abs), { cwd: root }))
            .then((r) => send(r.ok ? 200 : 422, r.html), (error) => send(500, `<!doctype html><pre>${String(error).replace(/[<&]/g, (c) => (c === "<" ? "&lt;" : "&amp;"))}</pre>`));
        });
        server.middlewares.use((req, res, next) => {
          const match = DEV_WASM_ROUTE.exec(req.url ?? "");
          if (!match) return next();
          const bytes = devWasm.get(match[1]);
          if (!bytes) {
            res.statusCode = 404;
            res.end("tskern: no such wasm (the kernel was edited since; reload the page)");
            return;
          }
          res.setHeader("Content-Type", "application/wasm");
          res.setHeader("Cache-Control", "max-age=31536000, immutable");
          res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        });
      },
      handleHotUpdate(ctx) {
        // A file of the shared unit changed: every module of the unit is affected
        // (the build module changes, and so may the kernel indices).
        if (!options.shared?.length || !sharedFiles || !KERNEL_ID.test(ctx.file)) return;
        return sharedFiles.then((shared) => {
          if (!shared.has(ctx.file)) return;
          const modules = new Set(ctx.modules);
          for (const f of shared) for (const m of ctx.server.moduleGraph.getModulesByFile(f) ?? []) modules.add(m);
          return [...modules];
        }, () => undefined);
      },
    },
  };

  /** For the webpack/rspack wasm loader. @param {string} file */
  async function wasmBytes(file) {
    const unit = await compiler.compile(await unitOf(file));
    return unit.wasm;
  }

  return plugin;
});

/**
 * Code appended to a build module in the Vite dev server: when an edit
 * replaces the build, the new one takes the old one's place (so `alloc`
 * without `{ build }` keeps using the current kernels' memory).
 */
function hotReplacement() {
  return [
    "",
    'import { retireBuild as __tskern_retire } from "tskern/runtime";',
    "if (import.meta.hot) {",
    "  const previous = import.meta.hot.data.tskernBuild;",
    "  if (previous && previous !== build) __tskern_retire(previous, build);",
    "  import.meta.hot.data.tskernBuild = build;",
    "}",
    "",
  ].join("\n");
}

/**
 * webpack and Rspack: `new URL("./x.kernel.ts?tskern-wasm", import.meta.url)`
 * becomes an asset module whose bytes are the compiled wasm.
 * @param {any} compiler
 * @param {(file: string) => Promise<Uint8Array>} wasmBytes
 */
function addWasmRule(compiler, wasmBytes) {
  compiler.options.module.rules.push({
    test: KERNEL_ID,
    resourceQuery: /^\?tskern-wasm$/,
    type: "asset/resource",
    generator: { filename: "[name]-[contenthash:8].wasm" },
    use: [{ loader: WASM_LOADER, options: { wasmBytes } }],
  });
}

/**
 * esbuild messages for a compile error (esbuild columns are 0-based, its
 * paths relative to the working directory).
 * @param {any} error @param {string} cwd
 */
function esbuildMessages(error, cwd) {
  return error.diagnostics.filter((/** @type {any} */ d) => d.severity === "error").map((/** @type {any} */ d) => {
    const lines = d.frame ? d.frame.split("\n") : [];
    const marked = lines.find((/** @type {string} */ l) => l.startsWith(">"));
    const markerLine = marked ? lines[lines.indexOf(marked) + 1] ?? "" : "";
    return {
      text: `${d.code}: ${d.message}`,
      pluginName: PLUGIN_NAME,
      location: d.file && d.line ? {
        file: nodePath.relative(cwd, d.file).split(nodePath.sep).join("/"),
        line: d.line,
        column: Math.max(0, d.column - 1),
        length: Math.max(1, (markerLine.match(/\^+/)?.[0].length) ?? 1),
        lineText: marked ? marked.replace(/^>\s*\d+ \| /, "") : "",
      } : null,
      detail: error,
    };
  });
}

/** @param {string} id */
function cleanId(id) {
  return id.replace(/[?#].*$/, "");
}

/** @param {string} path @param {string} dir */
function isInside(path, dir) {
  const rel = nodePath.relative(dir, path);
  return !rel.startsWith("..") && !nodePath.isAbsolute(rel);
}

/**
 * @param {number | string | undefined} value
 * @returns {number | undefined}
 */
export function parseMemoryLimit(value) {
  if (value == null) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(b|[kmg](?:i?b)?)?$/i.exec(String(value).trim());
  const unit = (m?.[2] ?? "b").toLowerCase()[0];
  const bytes = m ? Math.floor(Number(m[1]) * (unit === "g" ? 2 ** 30 : unit === "m" ? 2 ** 20 : unit === "k" ? 2 ** 10 : 1)) : NaN;
  if (!(bytes >= 2 ** 16 && bytes <= 2 ** 32)) {
    throw new TypeError(`tskern: memoryLimit '${value}' is not a size between 64KiB and 4GiB; write e.g. 512MiB or 4GiB, or a number of bytes`);
  }
  return bytes;
}
