/**
 * Compiles one `*.kernel.ts` file for `tskern/register` and returns the two
 * ES modules Node serves for it: the kernel module (what the app imports) and
 * its build module (which loads the wasm). Results are cached on disk (see
 * ../build/build-cache.js); a hit does not load the compiler at all.
 *
 * Each kernel file is its own build, with its own memory: `alloc` uses the
 * build loaded first unless told otherwise, and arrays passed to another
 * file's kernels are copied (correct, just not zero-copy).
 */
import { readFile } from "node:fs/promises";
import nodePath from "node:path";
import { pathToFileURL } from "node:url";
import { cacheDir, cacheKey, findPackageRoot, normalizeSource, readEntry, sourceHash, toolFingerprint, writeEntry } from "../build/build-cache.js";

/** The runtime every served kernel imports: the same module instance as the app's `tskern/runtime`. */
export const RUNTIME_URL = new URL("../../runtime/index.js", import.meta.url).href;

const WASM = "tskern.wasm";
const BUILD = "tskern-build.js";
const KERNEL = "kernel.js";
/** How build-kernels.js's build module locates its wasm; replaced when served. */
const WASM_EXPRESSION = `new URL("./${WASM}", import.meta.url)`;

/**
 * @typedef {object} KernelModules
 * @property {string} kernelSource  the kernel module; imports "./tskern-build.js"
 * @property {string} buildSource   the build module, with the wasm's location filled in
 * @property {boolean} fromCache
 * @property {string} path          the kernel file relative to its project root
 */

/**
 * @typedef {object} LoadOptions
 * @property {boolean} [cache]              default true (false: compile, write nothing)
 * @property {string} [cacheDir]            default: cacheDir() of the kernel's project (see build-cache.js)
 * @property {boolean} [boundsCheck]        default true
 * @property {(message: string) => void} [log]       debug messages ("cache hit ...")
 * @property {(message: string) => void} [warn]      compiler warnings, formatted
 */

/**
 * Compiles (or fetches from the cache) the modules for one kernel file.
 * Throws a `KernelCompileError` whose message is the formatted diagnostics
 * (`path:line:col: error CODE: message` + code frame) when the kernel does
 * not compile.
 * @param {string} file  absolute path of a `*.kernel.ts` file
 * @param {LoadOptions} [options]
 * @returns {Promise<KernelModules>}
 */
export async function loadKernelModules(file, options = {}) {
  const log = options.log ?? (() => {});
  const warn = options.warn ?? (() => {});
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(`tskern: cannot read kernel file '${file}' (${/** @type {any} */ (error).code ?? error}). Check the import path.`);
  }
  const dir = nodePath.dirname(file);
  const root = findPackageRoot(dir) ?? dir;
  const path = nodePath.relative(root, file).split(nodePath.sep).join("/");
  const buildOptions = { boundsCheck: options.boundsCheck ?? true, runtimeImport: RUNTIME_URL };
  const key = cacheKey(["tskern-register", toolFingerprint(), JSON.stringify(buildOptions), path, normalizeSource(text)]);
  const useCache = options.cache ?? true;
  const cache = useCache ? (options.cacheDir ?? cacheDir(root)) : "";

  if (useCache) {
    const entry = await readEntry(cache, key, { onMiss: (reason) => log(`cache miss ${path} (${key.slice(0, 12)}): ${reason}`) });
    if (entry) {
      const stale = await staleInput(root, entry.meta?.inputs);
      if (!stale) {
        log(`cache hit ${path} (${key.slice(0, 12)})`);
        for (const w of entry.meta?.warnings ?? []) warn(w);
        return {
          kernelSource: entry.files[KERNEL].toString("utf8"),
          buildSource: withWasmUrl(entry.files[BUILD].toString("utf8"), pathToFileURL(entry.paths[WASM]).href),
          fromCache: true,
          path,
        };
      }
      log(`cache miss ${path} (${key.slice(0, 12)}): ${stale} changed`);
    }
  }

  const started = performance.now();
  const [{ buildKernels }, { KernelCompileError, formatDiagnostic }] = await Promise.all([
    import("../build/build-kernels.js"),
    import("../compiler/diagnostics.js"),
  ]);
  // This loader keeps its own cache entry (the modules it serves), so the build itself is not cached twice.
  const result = await buildKernels({ inputs: [file], cwd: root, ...buildOptions, cache: false });
  if (!result.ok || !result.manifest) throw forTerminal(new KernelCompileError(result.diagnostics), root);
  const warnings = result.diagnostics.filter((d) => d.severity !== "error").map(formatDiagnostic);
  for (const w of warnings) warn(w);
  const output = (/** @type {string} */ name) => {
    const found = result.outputs.find((o) => o.path === name);
    if (!found) throw new Error(`tskern: internal error: the build of ${path} has no ${name}. Please report this.`);
    return found.contents;
  };
  const kernelSource = String(output(result.files[0].out));
  const buildSource = String(output(BUILD));
  const wasm = /** @type {Uint8Array} */ (output(WASM));
  log(`compiled ${path} in ${Math.round(performance.now() - started)} ms`);

  if (useCache) {
    try {
      const entry = await writeEntry(cache, key, { [KERNEL]: kernelSource, [BUILD]: buildSource, [WASM]: wasm }, {
        file: path,
        inputs: result.inputs, // every file the compiler read, node_modules included
        warnings,
      });
      return { kernelSource, buildSource: withWasmUrl(buildSource, pathToFileURL(entry.paths[WASM]).href), fromCache: false, path };
    } catch (error) {
      log(`cannot write the cache in ${cache} (${/** @type {any} */ (error).message}); serving ${path} without it`);
    }
  }
  return { kernelSource, buildSource: withInlineWasm(buildSource, wasm), fromCache: false, path };
}

/**
 * The first input (kernel file or a helper it imports) whose contents no
 * longer match the cache entry, or null if all match.
 * @param {string} root
 * @param {unknown} inputs  `[{ path, sha256 }]` as stored
 * @returns {Promise<string | null>}
 */
async function staleInput(root, inputs) {
  if (!Array.isArray(inputs) || !inputs.length) return "the entry's input list";
  for (const input of inputs) {
    if (typeof input?.path !== "string") return "the entry's input list";
    // Hashed as the build hashes its inputs (normalized line endings).
    if ((await sourceHash(nodePath.join(root, input.path))) !== input.sha256) return input.path;
  }
  return null;
}

/**
 * Node prints an uncaught import error with its stack and own enumerable
 * properties: make the stack the message plus one `at path:line:col` line per
 * error (clickable, and no loader frames), and keep the data properties
 * (`diagnostics`, `loc`, ...) but hide them from that printout.
 * @param {Error & { diagnostics: import("../compiler/diagnostics.js").Diagnostic[] }} error
 * @param {string} root
 */
function forTerminal(error, root) {
  const at = error.diagnostics
    .filter((d) => d.severity === "error" && d.path)
    .map((d) => `    at ${nodePath.join(root, d.path)}${d.line ? `:${d.line}:${d.column}` : ""}`);
  error.stack = [`${error.name}: ${error.message}`, ...at].join("\n");
  for (const key of Object.keys(error)) {
    Object.defineProperty(error, key, { enumerable: false });
  }
  return error;
}

/**
 * Points the build module at the wasm file.
 * @param {string} source
 * @param {string} wasmUrl  absolute file URL
 */
function withWasmUrl(source, wasmUrl) {
  return replaceOnce(source, `new URL(${JSON.stringify(wasmUrl)})`);
}

/**
 * Embeds the wasm in the build module (no cache to load it from).
 * @param {string} source
 * @param {Uint8Array} wasm
 */
function withInlineWasm(source, wasm) {
  return replaceOnce(source, `Buffer.from(${JSON.stringify(Buffer.from(wasm).toString("base64"))}, "base64")`);
}

/** @param {string} source @param {string} replacement */
function replaceOnce(source, replacement) {
  const at = source.indexOf(WASM_EXPRESSION);
  if (at < 0 || source.indexOf(WASM_EXPRESSION, at + 1) >= 0) {
    throw new Error(`tskern: internal error: the generated build module does not load its wasm with \`${WASM_EXPRESSION}\` exactly once. Please report this.`);
  }
  return source.slice(0, at) + replacement + source.slice(at + WASM_EXPRESSION.length);
}
