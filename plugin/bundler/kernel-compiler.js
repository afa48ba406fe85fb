/**
 * Compiles kernel files for the bundler plugins. Two cache levels: in memory
 * (per plugin instance: a dev server or watch build recompiles a unit only
 * when one of the files it read changed), and on disk, which is buildKernels'
 * own content-addressed cache (build-cache.js): a warm cache loads no compiler.
 *
 * A "unit" is the set of kernel files compiled into one wasm program with one
 * memory: by default each kernel file on its own (see README "Bundlers").
 * The result is bundler-neutral: the adapters fill in how the build module
 * reaches its wasm (see unplugin-core.js).
 */
import nodePath from "node:path";
import { findPackageRoot, sha256, sourceHash } from "../build/build-cache.js";

/** The runtime specifier generated modules import (the plugin resolves it). */
export const RUNTIME_IMPORT = "tskern/runtime";
/** How build-kernels.js's build module locates its wasm; the adapters replace it. */
export const WASM_EXPRESSION = 'new URL("./tskern.wasm", import.meta.url)';
/** The specifier kernel modules use for their build module until an adapter rewrites it. */
export const BUILD_PLACEHOLDER = "\0tskern-build";
const BUILD_IMPORT = /^import \{ build as (\$\w*) \} from "((?:\.\.\/)*|\.\/)tskern-build\.js";$/m;
const WASM = "tskern.wasm";
const BUILD = "tskern-build.js";

/**
 * @typedef {object} CompiledUnit
 * @property {string} root                     the directory kernel paths are relative to
 * @property {string[]} files                  the unit's kernel files (absolute, sorted)
 * @property {Map<string, string>} kernelSources  absolute kernel file -> its module; imports BUILD_PLACEHOLDER
 * @property {string} buildSource              the build module; loads its wasm with WASM_EXPRESSION
 * @property {Uint8Array} wasm
 * @property {string} wasmHash                 sha256 of the wasm, hex
 * @property {string[]} inputs                 every source file read (absolute): watch these
 * @property {Map<string, string>} stamps      input -> hash of what was compiled (build-cache.js sourceHash)
 * @property {string[]} warnings               formatted compiler warnings
 * @property {boolean} fromCache               served by the on-disk cache
 */

/**
 * @typedef {object} CompilerOptions
 * @property {boolean} [boundsCheck]   default true
 * @property {number} [memoryLimit]    bytes, baked into the build
 * @property {boolean} [cache]         default true (unless $TSKERN_NO_CACHE): buildKernels' on-disk cache
 * @property {string} [cacheDir]       default: build-cache.js's cacheDir() of the unit's project
 * @property {(message: string) => void} [log]
 */

/**
 * @param {CompilerOptions} options
 */
export function createKernelCompiler(options = {}) {
  const log = options.log ?? (() => {});
  const buildOptions = {
    boundsCheck: options.boundsCheck ?? true,
    runtimeImport: RUNTIME_IMPORT,
    ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
  };
  /** unit key (its files joined) -> the last compile */
  const memory = new Map();

  /**
   * Compiles a unit, or returns the last result if none of the files it read
   * changed. Throws a bundlerError when it does not compile.
   * @param {string[]} unitFiles absolute kernel files
   * @returns {Promise<CompiledUnit>}
   */
  async function compile(unitFiles) {
    const files = [...new Set(unitFiles)].sort();
    const key = files.join("\n");
    const previous = memory.get(key);
    if (previous) {
      const result = await previous.promise.catch(() => null);
      if (result && !(await changed(result.stamps))) return result;
      if (memory.get(key) !== previous) return compile(files);
    }
    const entry = { promise: compileNow(files) };
    memory.set(key, entry);
    try {
      return await entry.promise;
    } catch (error) {
      if (memory.get(key) === entry) memory.delete(key);
      throw error;
    }
  }

  /** @param {string[]} files @returns {Promise<CompiledUnit>} */
  async function compileNow(files) {
    const root = unitRoot(files);
    const label = files.map((f) => toPosix(nodePath.relative(root, f))).join(", ");
    const started = performance.now();
    const [{ buildKernels }, { formatDiagnostic }] = await Promise.all([
      import("../build/build-kernels.js"),
      import("../compiler/diagnostics.js"),
    ]);
    const result = /** @type {any} */ (await buildKernels(/** @type {any} */ ({
      inputs: files, cwd: root, ...buildOptions,
      ...(options.cache === false ? { cache: false } : {}),
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      log,
    })));
    /** @type {Array<{ path: string, sha256: string }>} */
    const inputs = result.inputs ?? result.manifest?.inputs ?? [];
    if (!result.ok || !result.manifest) {
      const error = await bundlerError(result.diagnostics, root);
      error.inputs = inputs.map((i) => nodePath.join(root, i.path));
      throw error;
    }
    const output = (/** @type {string} */ name) => {
      const found = result.outputs.find((/** @type {any} */ o) => o.path === name);
      if (!found) throw new Error(`tskern: internal error: the build of ${label} has no ${name}. Please report this.`);
      return found.contents;
    };
    const kernelSources = new Map();
    for (const f of result.files) {
      const source = String(output(f.out));
      if (!BUILD_IMPORT.test(source)) {
        throw new Error(`tskern: internal error: the kernel module of ${f.file} does not import its build module as expected. Please report this.`);
      }
      kernelSources.set(nodePath.join(root, f.file), source.replace(BUILD_IMPORT, (_, alias) => `import { build as ${alias} } from ${JSON.stringify(BUILD_PLACEHOLDER)};`));
    }
    const buildSource = String(output(BUILD));
    if (buildSource.split(WASM_EXPRESSION).length !== 2) {
      throw new Error(`tskern: internal error: the build module does not load its wasm with \`${WASM_EXPRESSION}\` exactly once. Please report this.`);
    }
    const wasm = /** @type {Uint8Array} */ (output(WASM));
    if (!result.fromCache) log(`compiled ${label} in ${Math.round(performance.now() - started)} ms`);
    const stamps = new Map(inputs.map((i) => [nodePath.join(root, i.path), i.sha256]));
    return {
      root, files, kernelSources, buildSource, wasm,
      wasmHash: sha256(wasm),
      inputs: [...stamps.keys()],
      stamps,
      warnings: result.diagnostics.filter((/** @type {any} */ d) => d.severity !== "error").map(formatDiagnostic),
      fromCache: !!result.fromCache,
    };
  }

  return { compile, options: buildOptions };
}

/**
 * The directory a unit's paths are relative to: the nearest package root
 * containing every file (so paths in messages and in the build are
 * project-relative, and builds are the same on every machine).
 * @param {string[]} files
 */
function unitRoot(files) {
  const first = nodePath.dirname(files[0]);
  let root = findPackageRoot(first) ?? first;
  while (!files.every((f) => isInside(f, root))) {
    const up = nodePath.dirname(root);
    if (up === root) break;
    root = findPackageRoot(up) ?? up;
  }
  return root;
}

/** @param {string} path @param {string} dir */
function isInside(path, dir) {
  const rel = nodePath.relative(dir, path);
  return !rel.startsWith("..") && !nodePath.isAbsolute(rel);
}

/**
 * True when a file read by the compile changed since.
 * @param {Map<string, string>} stamps
 */
async function changed(stamps) {
  for (const [input, hash] of stamps) if ((await sourceHash(input)) !== hash) return true;
  return false;
}

/**
 * A KernelCompileError shaped for bundlers: `id` and `loc.file` are absolute,
 * `message` is every error's `path:line:col: error CODE: message` line,
 * `frame` the code frames, `formatted` the CLI's full text; `diagnostics`
 * keeps the data (paths relative to `root`, absolute in `file`).
 * @param {import("../compiler/diagnostics.js").Diagnostic[]} diagnostics
 * @param {string} root
 */
export async function bundlerError(diagnostics, root) {
  const { KernelCompileError, formatDiagnostic } = await import("../compiler/diagnostics.js");
  const error = /** @type {any} */ (new KernelCompileError(diagnostics));
  const errors = diagnostics.filter((d) => d.severity === "error");
  const abs = (/** @type {string} */ p) => (p ? nodePath.join(root, p) : root);
  error.formatted = error.message;
  error.root = root;
  error.plugin = "tskern";
  error.diagnostics = diagnostics.map((d) => ({ ...d, file: d.path ? abs(d.path) : "" }));
  error.message = errors.map((d) => formatDiagnostic({ ...d, frame: "" })).join("\n") || error.message;
  error.frame = errors.length > 1
    ? errors.filter((d) => d.frame).map((d) => `${formatDiagnostic({ ...d, frame: "" })}\n${d.frame}`).join("\n\n")
    : errors[0]?.frame ?? "";
  const first = errors[0];
  if (first?.path) {
    error.id = abs(first.path);
    error.loc = { file: abs(first.path), line: first.line, column: first.column };
  }
  error.stack = `${error.name}: ${error.message}`;
  return error;
}

/** @param {string} p */
function toPosix(p) {
  return p.split(nodePath.sep).join("/");
}
