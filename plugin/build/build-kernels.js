/**
 * `tskern build`: compiles kernel files into one wasm program and lays out the
 * artifacts (in memory; `writeOutputs` puts them on disk):
 *
 *   NAME.kernel.js / NAME.kernel.d.ts   per kernel file, mirroring the inputs
 *   tskern.wasm                         the one program, one memory
 *   tskern-build.js                     loads it once; shared by the kernel modules
 *   tskern-runtime.js                   the runtime (unless runtimeImport is given)
 *   tskern-manifest.json                every input and output with its sha256
 */
import { createHash } from "node:crypto";
import { mkdir, writeFile, readFile, rename, rm } from "node:fs/promises";
import nodePath from "node:path";
import { compileKernels, COMPILER_VERSIONS } from "../compiler/compile.js";
import { WASM_FILE } from "../compiler/codegen-options.js";
import { generateKernelModule, generateBuildModule } from "../bindings/js-module.js";
import { generateKernelDts } from "../bindings/dts-module.js";
import { findKernelFiles, commonDir } from "./find-kernels.js";
import { runtimeBundle } from "./runtime-bundle.js";
import { makeDiagnostic } from "../compiler/diagnostics.js";
import { trapLocationTable } from "../compiler/trap-locations.js";

export const BUILD_MODULE = "tskern-build.js";
export const RUNTIME_MODULE = "tskern-runtime.js";
export const MANIFEST = "tskern-manifest.json";

/**
 * @typedef {object} BuildOptions
 * @property {string[]} inputs            kernel files or directories
 * @property {string} [cwd]               default process.cwd(); also the root paths are relative to
 * @property {boolean} [boundsCheck]      default true
 * @property {string} [runtimeImport]     import the runtime from here (e.g. "tskern/runtime") instead of shipping a copy
 * @property {number} [memoryLimit]       default memory limit in bytes, baked into the build
 */

/**
 * @typedef {object} BuildResult
 * @property {boolean} ok
 * @property {import("../compiler/diagnostics.js").Diagnostic[]} diagnostics
 * @property {Array<{ path: string, contents: Uint8Array | string }>} outputs  paths relative to outDir
 * @property {Array<{ file: string, out: string, kernels: string[] }>} files
 * @property {object | null} manifest
 */

/**
 * @param {BuildOptions} options
 * @returns {Promise<BuildResult>}
 */
export async function buildKernels(options) {
  const cwd = nodePath.resolve(options.cwd ?? process.cwd());
  const { files, missing, bases } = await findKernelFiles(options.inputs, cwd);
  const diagnostics = missing.map((m) =>
    makeDiagnostic({ code: "TSK105", path: m, message: `'${m}' does not exist. Pass kernel files (*.kernel.ts) or directories containing them.` }));
  if (missing.length) return { ok: false, diagnostics, outputs: [], files: [], manifest: null };
  if (!files.length) {
    diagnostics.push(makeDiagnostic({ code: "TSK105", path: options.inputs.join(" "), message: "No *.kernel.ts files found in the given inputs." }));
    return { ok: false, diagnostics, outputs: [], files: [], manifest: null };
  }
  const boundsCheck = options.boundsCheck ?? true;
  if (options.memoryLimit !== undefined && !(Number.isInteger(options.memoryLimit) && options.memoryLimit >= 65536 && options.memoryLimit <= 2 ** 32)) {
    throw new RangeError(`buildKernels: memoryLimit must be a whole number of bytes from 64 KiB to 4 GiB, got ${options.memoryLimit}`);
  }
  const compiled = await compileKernels({ root: cwd, files, boundsCheck });
  if (!compiled.ok || !compiled.wasm) return { ok: false, diagnostics: compiled.diagnostics, outputs: [], files: [], manifest: null };

  const base = nodePath.relative(cwd, commonDir(bases)).split(nodePath.sep).join("/");
  const outOf = (/** @type {string} */ rel) => (base && rel.startsWith(`${base}/`) ? rel.slice(base.length + 1) : rel);
  const kernels = compiled.kernels.map((k, index) => ({ ...k, index }));
  // The id keys the runtime's one-instance-per-build cache: what changes the
  // instance (the binary, the memory limit) changes the id.
  const buildId = sha256(Buffer.concat([compiled.wasm, Buffer.from(`\0${options.memoryLimit ?? ""}`)])).slice(0, 16);
  const meta = {
    id: buildId,
    files: compiled.kernelFiles,
    kernels: kernels.map((k) => ({ name: k.name, file: k.file, line: k.line, column: k.column, params: k.params, result: k.result })),
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
  if (!options.runtimeImport) outputs.push({ path: RUNTIME_MODULE, contents: await runtimeBundle() });
  const fileRecords = [];
  for (const file of compiled.kernelFiles) {
    const fileKernels = kernels.filter((k) => k.file === file);
    const outJs = outOf(file).replace(/\.ts$/, ".js");
    const depth = outJs.split("/").length - 1;
    const buildImport = `${depth ? "../".repeat(depth) : "./"}${BUILD_MODULE}`;
    outputs.push({ path: outJs, contents: generateKernelModule({ file, kernels: fileKernels, buildImport, version }) });
    outputs.push({ path: outJs.replace(/\.js$/, ".d.ts"), contents: generateKernelDts({ file, kernels: fileKernels, version }) });
    fileRecords.push({ file, out: outJs, kernels: fileKernels.map((k) => k.name) });
  }
  outputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest = {
    tool: "tskern",
    versions: COMPILER_VERSIONS,
    options: { boundsCheck, runtimeImport, memoryLimit: options.memoryLimit ?? null },
    build: buildId,
    inputs: compiled.inputs.map((i) => ({ path: i.path, sha256: sha256(i.text) })),
    outputs: outputs.map((o) => ({ path: o.path, sha256: sha256(o.contents), size: byteLength(o.contents) })),
    kernels: kernels.map((k) => ({ file: k.file, name: k.name, signature: `(${k.params.map((p) => `${p.name}: ${p.type}`).join(", ")}) => ${k.result}` })),
  };
  outputs.push({ path: MANIFEST, contents: JSON.stringify(manifest, null, 2) + "\n" });
  return { ok: true, diagnostics: compiled.diagnostics, outputs, files: fileRecords, manifest };
}

/**
 * Writes build outputs under `outDir`.
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
