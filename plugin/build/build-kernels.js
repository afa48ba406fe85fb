/**
 * `tskern build`: compiles kernel files into one wasm program and lays out the
 * artifacts (in memory; `writeOutputs` puts them on disk):
 *
 *   NAME.kernel.js / NAME.kernel.d.ts   per kernel file, mirroring the inputs
 *   tskern.wasm                         the one program, one memory
 *   tskern.wasm.map                     its source map (kernel source lines in devtools)
 *   tskern-build.js                     loads it once; shared by the kernel modules
 *   tskern-runtime.js                   the runtime (unless runtimeImport is given)
 *   tskern-manifest.json                versions, options, every input and output with its sha256
 *
 * Output is a pure function of the kernel sources (and the files they
 * import), the options and the tool: no absolute paths, timestamps or
 * unordered iteration reach any artifact, so two builds of the same sources
 * from any checkout path are byte-identical. That makes the on-disk cache
 * (build-cache.js) exact: a hit returns the stored artifacts without loading
 * the compiler.
 */
import { createHash } from "node:crypto";
import { mkdir, writeFile, readFile, rename, rm } from "node:fs/promises";
import nodePath from "node:path";
import { COMPILER_VERSIONS } from "../compiler/versions.js";
import { WASM_FILE } from "../compiler/codegen-options.js";
import { makeDiagnostic } from "../compiler/diagnostics.js";
import { findKernelFiles, commonDir } from "./find-kernels.js";
import { cacheDir, cacheDisabledByEnv, cacheKey, normalizeSource, readEntry, sourceHash, toolFingerprint, writeEntry } from "./build-cache.js";

export const BUILD_MODULE = "tskern-build.js";
export const RUNTIME_MODULE = "tskern-runtime.js";
export const MANIFEST = "tskern-manifest.json";
export const SOURCE_MAP = `${WASM_FILE}.map`;

/**
 * @typedef {object} BuildOptions
 * @property {string[]} inputs            kernel files or directories
 * @property {string} [cwd]               default process.cwd(); also the root paths are relative to
 * @property {boolean} [boundsCheck]      default true
 * @property {string} [runtimeImport]     import the runtime from here (e.g. "tskern/runtime") instead of shipping a copy
 * @property {number} [memoryLimit]       default memory limit in bytes, baked into the build
 * @property {boolean} [optimizeKernels]  default true; false builds the reference without tskern's loop optimizations
 * @property {number} [optimizeLevel]     Binaryen optimization level 0-3 (default: the compiler's, 3); recorded in the manifest when given
 * @property {boolean} [cache]            default true (unless $TSKERN_NO_CACHE is set): serve an unchanged build from
 *                                        the on-disk cache, and store a fresh one there (see build-cache.js)
 * @property {string} [cacheDir]          default: cacheDir(cwd) from build-cache.js ($TSKERN_CACHE_DIR, or node_modules/.cache/tskern)
 * @property {(message: string) => void} [log]   told about cache hits and misses (with the reason)
 */

/**
 * @typedef {object} BuildResult
 * @property {boolean} ok
 * @property {import("../compiler/diagnostics.js").Diagnostic[]} diagnostics
 * @property {Array<{ path: string, contents: Uint8Array | string }>} outputs  paths relative to outDir
 * @property {Array<{ file: string, out: string, kernels: string[] }>} files
 * @property {object | null} manifest
 * @property {Array<{ path: string, sha256: string }>} inputs  every source file the build read (kernel files and
 *                                        the files they import; relative to cwd), also when it failed: what to watch
 * @property {boolean} fromCache          true when served from the on-disk cache without compiling
 */

/** What the cache stores with a build, besides the outputs. */
const CACHE_KIND = "tskern-build";

/**
 * @param {BuildOptions} options
 * @returns {Promise<BuildResult>}
 */
export async function buildKernels(options) {
  const cwd = nodePath.resolve(options.cwd ?? process.cwd());
  const log = options.log ?? (() => {});
  const { files, missing, bases } = await findKernelFiles(options.inputs, cwd);
  const failed = (/** @type {import("../compiler/diagnostics.js").Diagnostic[]} */ diagnostics, inputs = []) =>
    ({ ok: false, diagnostics, outputs: [], files: [], manifest: null, inputs, fromCache: false });
  const diagnostics = missing.map((m) =>
    makeDiagnostic({ code: "TSK105", path: m, message: `'${m}' does not exist. Pass kernel files (*.kernel.ts) or directories containing them.` }));
  if (missing.length) return failed(diagnostics);
  if (!files.length) {
    diagnostics.push(makeDiagnostic({ code: "TSK105", path: options.inputs.join(" "), message: "No *.kernel.ts files found in the given inputs." }));
    return failed(diagnostics);
  }
  if (options.memoryLimit !== undefined && !(Number.isInteger(options.memoryLimit) && options.memoryLimit >= 65536 && options.memoryLimit <= 2 ** 32)) {
    throw new RangeError(`buildKernels: memoryLimit must be a whole number of bytes from 64 KiB to 4 GiB, got ${options.memoryLimit}`);
  }
  if (options.optimizeLevel !== undefined && !(Number.isInteger(options.optimizeLevel) && options.optimizeLevel >= 0 && options.optimizeLevel <= 3)) {
    throw new RangeError(`buildKernels: optimizeLevel must be 0, 1, 2 or 3, got ${options.optimizeLevel}`);
  }
  const settings = {
    boundsCheck: options.boundsCheck ?? true,
    runtimeImport: options.runtimeImport ?? null,
    memoryLimit: options.memoryLimit ?? null,
    optimizeLevel: options.optimizeLevel ?? null,
    optimizeKernels: options.optimizeKernels ?? true,
  };
  const base = toPosix(nodePath.relative(cwd, commonDir(bases)));

  // Each kernel file is read once: the cache key and the compiler see the same text.
  /** @type {Map<string, string>} absolute path -> normalized text */
  const texts = new Map();
  for (const file of files) {
    try {
      texts.set(file, normalizeSource(await readFile(file, "utf8")));
    } catch {
      // the compiler reports it, located
    }
  }

  const useCache = (options.cache ?? !cacheDisabledByEnv()) && texts.size === files.length;
  const dir = useCache ? nodePath.resolve(options.cacheDir ?? cacheDir(cwd)) : "";
  const key = useCache
    ? cacheKey([CACHE_KIND, toolFingerprint(), JSON.stringify(settings), base, ...files.flatMap((f) => [toPosix(nodePath.relative(cwd, f)), /** @type {string} */ (texts.get(f))])])
    : "";
  const label = `${files.length === 1 ? toPosix(nodePath.relative(cwd, files[0])) : `${files.length} kernel files`} (${key.slice(0, 12)})`;
  if (useCache) {
    const hit = await fromCache(dir, key, cwd, (reason) => log(`cache miss ${label}: ${reason}`));
    if (hit) {
      log(`cache hit ${label}`);
      return hit;
    }
  }

  const result = await compileBuild({ cwd, files, texts, settings, base, options });
  if (useCache && result.ok) {
    try {
      await toCache(dir, key, result.built);
    } catch (error) {
      log(`cannot write the cache in ${dir} (${/** @type {any} */ (error).message}); continuing without it`);
    }
  }
  const { built, ...rest } = result;
  return rest;
}

/**
 * @typedef {object} Read  a file the compiler read (or looked for)
 * @property {string} path            relative to cwd, posix
 * @property {string | null} sha256   of the normalized text; null: it did not exist
 */

/**
 * The uncached build: compiles, generates the modules, writes the manifest.
 * The compiler, the bindings generators and esbuild are loaded here, so a
 * cache hit never loads them.
 * @param {{ cwd: string, files: string[], texts: Map<string, string>, settings: { boundsCheck: boolean, runtimeImport: string | null,
 *   memoryLimit: number | null, optimizeLevel: number | null, optimizeKernels: boolean }, base: string, options: BuildOptions }} job
 * @returns {Promise<BuildResult & { built: { reads: Read[], result: BuildResult } | null }>}
 */
async function compileBuild({ cwd, files, texts, settings, base, options }) {
  const [{ compileKernels }, { generateKernelModule, generateBuildModule }, { generateKernelDts }, { runtimeBundle }, { trapLocationTable }] = await Promise.all([
    import("../compiler/compile.js"),
    import("../bindings/js-module.js"),
    import("../bindings/dts-module.js"),
    import("./runtime-bundle.js"),
    import("../compiler/trap-locations.js"),
  ]);
  const { boundsCheck } = settings;
  const optimize = settings.optimizeKernels === false ? { optimizeKernels: false } : {};
  const level = settings.optimizeLevel === null ? {} : { optimizeLevel: settings.optimizeLevel };

  // Every file the compiler reads goes through here: kernel files from `texts`,
  // the rest from disk, all with normalized line endings. What it read (and
  // looked for in vain) is recorded, so a cache hit can check the helpers too.
  /** @type {Map<string, string | null>} */
  const reads = new Map();
  const readSource = async (/** @type {string} */ abs) => {
    let text = texts.get(abs) ?? null;
    if (text === null) {
      try {
        text = normalizeSource(await readFile(abs, "utf8"));
      } catch {
        text = null;
      }
    }
    reads.set(toPosix(nodePath.relative(cwd, abs)), text === null ? null : sha256(text));
    return text;
  };
  const compiled = await compileKernels({ root: cwd, files, boundsCheck, readFile: readSource, ...level, ...optimize });
  const readList = [...reads].map(([path, hash]) => ({ path, sha256: hash })).sort(byPath);
  const inputs = /** @type {Array<{ path: string, sha256: string }>} */ (readList.filter((r) => r.sha256 !== null));
  if (!compiled.ok || !compiled.wasm) {
    return { ok: false, diagnostics: compiled.diagnostics, outputs: [], files: [], manifest: null, inputs, fromCache: false, built: null };
  }
  // `// @tskern parallel` kernels must not allocate (see parallel-check.js): located at the kernel's name.
  if (compiled.kernels.some((k) => k.parallel)) {
    const { checkParallelKernels } = await import("../compiler/parallel-check.js");
    const bad = checkParallelKernels(compiled.wasm, compiled.kernels);
    if (bad.length) {
      const diagnostics = bad.map((p) => {
        const k = /** @type {any} */ (compiled.kernels.find((x) => x.name === p.kernel));
        const text = texts.get(nodePath.join(cwd, k.file));
        const start = text === undefined ? undefined : text.split("\n").slice(0, k.line - 1).reduce((n, l) => n + l.length + 1, 0) + k.column - 1;
        return makeDiagnostic({ code: p.code, path: k.file, message: p.message, text, start, end: start === undefined ? undefined : start + k.name.length });
      });
      return { ok: false, diagnostics: [...compiled.diagnostics, ...diagnostics], outputs: [], files: [], manifest: null, inputs, fromCache: false, built: null };
    }
  }

  const outOf = (/** @type {string} */ rel) => (base && rel.startsWith(`${base}/`) ? rel.slice(base.length + 1) : rel);
  const kernels = compiled.kernels.map((k, index) => ({ ...k, index }));
  // The id keys the runtime's one-instance-per-build cache: what changes the
  // instance (the binary, the memory limit) changes the id.
  const buildId = sha256(Buffer.concat([compiled.wasm, Buffer.from(`\0${options.memoryLimit ?? ""}`)])).slice(0, 16);
  const meta = {
    id: buildId,
    files: compiled.kernelFiles,
    kernels: kernels.map((k) => ({ name: k.name, file: k.file, line: k.line, column: k.column, params: k.params, result: k.result, ...(k.parallel ? { parallel: true, exportName: k.exportName } : {}), ...(k.gpu ? { gpu: { wgsl: k.gpu.wgsl, slots: k.gpu.slots, words: k.gpu.words, cpu: k.gpu.cpuExport } } : {}) })),
    locations: compiled.locations,
    traps: compiled.sourceMap ? trapLocationTable(compiled.sourceMap) : { files: [], pc: [] },
    ...(options.memoryLimit ? { memoryLimit: options.memoryLimit } : {}),
  };
  const version = COMPILER_VERSIONS.tskern;
  const runtimeImport = options.runtimeImport ?? `./${RUNTIME_MODULE}`;

  /** @type {Array<{ path: string, contents: Uint8Array | string }>} */
  const outputs = [
    { path: WASM_FILE, contents: compiled.wasm },
    { path: BUILD_MODULE, contents: generateBuildModule({ runtimeImport, wasmUrl: `new URL("./${WASM_FILE}", import.meta.url)`, meta, version }) },
  ];
  // The wasm's sourceMappingURL section names "./tskern.wasm.map": devtools
  // load it from next to the wasm and show kernel source lines (the map
  // embeds the kernel sources, not the AssemblyScript standard library).
  if (compiled.sourceMap) outputs.push({ path: SOURCE_MAP, contents: compiled.sourceMap });
  if (!options.runtimeImport) outputs.push({ path: RUNTIME_MODULE, contents: await runtimeBundle() });
  const fileRecords = [];
  for (const file of compiled.kernelFiles) {
    const fileKernels = kernels.filter((k) => k.file === file);
    const outJs = outOf(file).replace(/\.ts$/, ".js");
    const depth = outJs.split("/").length - 1;
    const buildImport = `${depth ? "../".repeat(depth) : "./"}${BUILD_MODULE}`;
    outputs.push({ path: outJs, contents: generateKernelModule({ file, kernels: fileKernels, buildImport, version }) });
    outputs.push({ path: outJs.replace(/\.js$/, ".d.ts"), contents: generateKernelDts({ file, kernels: fileKernels, version }) });
    fileRecords.push({ file, out: outJs, kernels: [...new Set(fileKernels.map((k) => k.name))] }); // a generic kernel: one name, several specialisations
  }
  outputs.sort(byPath);
  const manifest = {
    tool: "tskern",
    versions: COMPILER_VERSIONS,
    options: { boundsCheck, runtimeImport, memoryLimit: options.memoryLimit ?? null, ...level, ...optimize },
    build: buildId,
    inputs: compiled.inputs.map((i) => ({ path: i.path, sha256: sha256(i.text) })),
    outputs: outputs.map((o) => ({ path: o.path, sha256: sha256(o.contents), size: byteLength(o.contents) })),
    files: fileRecords.map((f) => ({ file: f.file, module: f.out, types: f.out.replace(/\.js$/, ".d.ts"), exports: f.kernels })),
    kernels: kernels.map((k) => ({
      file: k.file,
      name: k.name,
      signature: `(${k.params.map((p) => `${p.name}: ${p.type}`).join(", ")}) => ${k.result}`,
      wasmExport: k.exportName,
    })),
  };
  outputs.push({ path: MANIFEST, contents: JSON.stringify(manifest, null, 2) + "\n" });
  /** @type {BuildResult} */
  const result = { ok: true, diagnostics: compiled.diagnostics, outputs, files: fileRecords, manifest, inputs, fromCache: false };
  return { ...result, built: { reads: readList, result } };
}

/**
 * Stores a build: each output as an artifact, and what is needed to return
 * the same BuildResult (diagnostics, file records) plus every file the
 * compiler read with its hash, checked on a hit.
 * @param {string} dir @param {string} key @param {{ reads: Read[], result: BuildResult }} built
 */
async function toCache(dir, key, { reads, result }) {
  /** @type {Record<string, string | Uint8Array>} */
  const artifacts = {};
  const outputs = result.outputs.map((o, i) => {
    const name = artifactName(i, o.path);
    artifacts[name] = o.contents;
    return { path: o.path, name, binary: typeof o.contents !== "string" };
  });
  await writeEntry(dir, key, artifacts, {
    kind: CACHE_KIND,
    outputs,
    files: result.files,
    diagnostics: result.diagnostics,
    inputs: result.inputs,
    reads,
  });
}

/**
 * A build from the cache, or null (absent, corrupt, or an input the compiler
 * read has changed since).
 * @param {string} dir @param {string} key @param {string} cwd @param {(reason: string) => void} miss
 * @returns {Promise<BuildResult | null>}
 */
async function fromCache(dir, key, cwd, miss) {
  const entry = await readEntry(dir, key, { onMiss: miss });
  if (!entry) return null;
  const meta = entry.meta;
  if (meta?.kind !== CACHE_KIND || !Array.isArray(meta.outputs) || !Array.isArray(meta.reads) || !Array.isArray(meta.files) || !Array.isArray(meta.diagnostics)) {
    miss("corrupt: the entry does not describe a build");
    return null;
  }
  for (const r of meta.reads) {
    if (typeof r?.path !== "string" || (r.sha256 !== null && typeof r.sha256 !== "string")) {
      miss("corrupt: the entry's input list");
      return null;
    }
    if ((await sourceHash(nodePath.join(cwd, r.path))) !== r.sha256) {
      miss(`${r.path} ${r.sha256 === null ? "appeared" : "changed"}`);
      return null;
    }
  }
  /** @type {BuildResult["outputs"]} */
  const outputs = [];
  for (const o of meta.outputs) {
    const data = entry.files[o?.name];
    if (!data || typeof o.path !== "string") {
      miss("corrupt: the entry's output list");
      return null;
    }
    outputs.push({ path: o.path, contents: o.binary ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : data.toString("utf8") });
  }
  let manifest;
  try {
    manifest = JSON.parse(String(outputs.find((o) => o.path === MANIFEST)?.contents));
  } catch {
    miss("corrupt: the entry has no manifest");
    return null;
  }
  return { ok: true, diagnostics: meta.diagnostics, outputs, files: meta.files, manifest, inputs: meta.inputs ?? [], fromCache: true };
}

/**
 * A plain file name for output `index`: `03-blas.kernel.js`.
 * @param {number} index @param {string} path
 */
function artifactName(index, path) {
  const base = path.split("/").pop()?.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/^\.+/, "") ?? "";
  return `${String(index).padStart(2, "0")}-${base}`.slice(0, 120);
}

/**
 * Writes build outputs under `outDir`. A file whose contents are already
 * there is left untouched (its mtime too), so watchers downstream of `outDir`
 * see only real changes.
 * @param {string} outDir absolute
 * @param {BuildResult["outputs"]} outputs
 */
export async function writeOutputs(outDir, outputs) {
  // Outputs of the previous build that this one no longer produces (a kernel
  // file deleted or renamed) would otherwise linger: the old manifest names them.
  const previous = await readManifestOutputs(outDir);
  const current = new Set(outputs.map((o) => o.path));
  for (const o of outputs) {
    const target = nodePath.join(outDir, o.path);
    const existing = await readFile(target).catch(() => null);
    if (existing && existing.equals(typeof o.contents === "string" ? Buffer.from(o.contents) : o.contents)) continue;
    await mkdir(nodePath.dirname(target), { recursive: true });
    // Write beside, then rename: a reader never sees a half-written file.
    const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temp, o.contents);
    await rename(temp, target);
  }
  for (const stale of previous) {
    if (!current.has(stale)) await rm(nodePath.join(outDir, stale), { force: true });
  }
}

/** Output paths listed in outDir's manifest, if any. @param {string} outDir @returns {Promise<string[]>} */
async function readManifestOutputs(outDir) {
  try {
    const manifest = JSON.parse(await readFile(nodePath.join(outDir, MANIFEST), "utf8"));
    return (manifest.outputs ?? [])
      .map((/** @type {{ path: string }} */ o) => o.path)
      .filter((/** @type {string} */ p) => typeof p === "string" && !p.startsWith("/") && !p.split("/").includes(".."));
  } catch {
    return [];
  }
}

/**
 * Compares build outputs with what is on disk; lists differing paths.
 * @param {string} outDir
 * @param {BuildResult["outputs"]} outputs
 * @returns {Promise<Array<{ path: string, reason: "missing" | "modified" }>>}
 */
export async function compareOutputs(outDir, outputs) {
  const diffs = [];
  for (const o of outputs) {
    let onDisk;
    try {
      onDisk = await readFile(nodePath.join(outDir, o.path));
    } catch {
      diffs.push({ path: o.path, reason: /** @type {const} */ ("missing") });
      continue;
    }
    if (sha256(onDisk) !== sha256(o.contents)) diffs.push({ path: o.path, reason: /** @type {const} */ ("modified") });
  }
  return diffs;
}

/** @param {Uint8Array | string} data */
export function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/** @param {Uint8Array | string} data */
function byteLength(data) {
  return typeof data === "string" ? Buffer.byteLength(data) : data.byteLength;
}

/** @param {{ path: string }} a @param {{ path: string }} b */
function byPath(a, b) {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** @param {string} p */
function toPosix(p) {
  return p.split(nodePath.sep).join("/");
}
