/**
 * The compiler driver: compiles a set of kernel files in-process into ONE wasm
 * program with one memory, and returns diagnostics, kernels and the binary as
 * data. Nothing here writes to disk or exits the process.
 */
import { kernelsThatAllocate } from "./parallel-check.js";
import { readFile as fsReadFile } from "node:fs/promises";
import nodePath from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { Node } from "assemblyscript";
import { ascArguments, ENTRY_FILE, LIB_DIR, WASM_FILE } from "./codegen-options.js";
import { createKernelTransform } from "./kernel-transform.js";
import { markOutlinedNoInline } from "./optimize/outline.js";
import { addCpuLoops } from "./gpu/gpu-kernel.js";
import { makeDiagnostic, lineColumnAt } from "./diagnostics.js";
import { crashLocation } from "./crash-location.js";

const LIB_PATH = fileURLToPath(new URL("./aslib/", import.meta.url));
const LIB_FILES = ["tskern.ts", "views.ts"];

export { COMPILER_VERSIONS } from "./versions.js";

/**
 * @typedef {import("./kernel-transform.js").KernelInfo} KernelInfo
 * @typedef {import("./diagnostics.js").Diagnostic} Diagnostic
 */

/**
 * @typedef {object} CompileOptions
 * @property {string[]} files            kernel files (absolute, or relative to root)
 * @property {string} [root]             paths in output are relative to it (default: cwd)
 * @property {boolean} [boundsCheck]     default true; `// @tskern boundscheck=` overrides
 * @property {number} [optimizeLevel]    0-3, default 3
 * @property {boolean} [optimizeKernels] default true: tskern's loop optimizations (bounds-check
 *                                       elimination, index arithmetic, vectorization); false builds
 *                                       the plain inline-checked reference (differential tests)
 * @property {(absPath: string) => Promise<string | null>} [readFile]  for tests and dev servers
 */

/**
 * @typedef {object} CompileResult
 * @property {boolean} ok
 * @property {Diagnostic[]} diagnostics
 * @property {Uint8Array | null} wasm
 * @property {string | null} sourceMap          JSON text, sources relative to root
 * @property {KernelInfo[]} kernels
 * @property {string[]} kernelFiles             relative paths, in input order
 * @property {Array<[string, number, number]>} locations  bounds-check id -> [path, line, column]
 * @property {Optimization[]} optimizations     what the optimizer did and why not, by source location
 * @property {Array<{ path: string, text: string }>} inputs  every user source read
 */

/**
 * @typedef {object} Optimization
 * @property {string} path
 * @property {number} line
 * @property {number} column
 * @property {string} kind     "versioned" (a loop whose checks were proved away), "vectorized", "strength-reduced",
 *                             "checked" (an access that keeps its check), "scalar" (a loop not vectorized), "function",
 *                             "outlined" (a loop moved into its own function for V8's tier-up, or why not: optimize/outline.js),
 *                             "interleaved" (two iterations' float while-loops stepped in turn, or why not: optimize/interleave.js)
 * @property {string} message  what was done, or why not
 */

let queue = Promise.resolve();

/**
 * Compiles kernel files into one wasm program.
 * @param {CompileOptions} options
 * @returns {Promise<CompileResult>}
 */
export function compileKernels(options) {
  // AssemblyScript and Binaryen keep process-global state: one compile at a time.
  const run = queue.then(() => compileNow(options));
  queue = run.catch(() => {});
  return run;
}

/** @param {CompileOptions} options @returns {Promise<CompileResult>} */
async function compileNow(options) {
  const root = nodePath.resolve(options.root ?? process.cwd());
  const read = options.readFile ?? defaultReadFile;
  /** @type {Diagnostic[]} */
  const diagnostics = [];
  /** @type {Map<string, string>} user sources read, by relative path */
  const texts = new Map();
  const result = (/** @type {Partial<CompileResult>} */ extra) => ({
    ok: !diagnostics.some((d) => d.severity === "error"),
    diagnostics,
    wasm: null,
    sourceMap: null,
    kernels: [],
    kernelFiles,
    locations: [],
    optimizations: [],
    inputs: [...texts].map(([path, text]) => ({ path, text })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    ...extra,
  });

  // 1. Kernel files, relative to the root, posix separators.
  /** @type {string[]} */
  const kernelFiles = [];
  for (const file of options.files) {
    const abs = nodePath.resolve(root, file);
    const rel = nodePath.relative(root, abs).split(nodePath.sep).join("/");
    if (rel.startsWith("../") || nodePath.isAbsolute(rel)) {
      diagnostics.push(makeDiagnostic({ code: "TSK106", path: file, message: `Kernel file '${file}' is outside the build root '${root}'. Run the build from a directory that contains it, or pass --root.` }));
      continue;
    }
    if (!rel.endsWith(".kernel.ts")) {
      diagnostics.push(makeDiagnostic({ code: "TSK105", path: rel, message: `Kernel file '${rel}' must end in .kernel.ts.` }));
      continue;
    }
    // A readFile that throws (EACCES, EISDIR, a dev server's own reader) is a diagnostic, not a rejection.
    const text = await Promise.resolve().then(() => read(abs)).catch((/** @type {any} */ error) => ({ error }));
    if (text == null || typeof text !== "string") {
      const why = text?.error ? `: ${text.error?.message ?? text.error}` : "";
      diagnostics.push(makeDiagnostic({ code: "TSK105", path: rel, message: `Cannot read kernel file '${rel}'${why}. Check the path.` }));
      continue;
    }
    texts.set(rel, text);
    if (!kernelFiles.includes(rel)) kernelFiles.push(rel);
  }
  if (diagnostics.length || !kernelFiles.length) {
    if (!kernelFiles.length && !diagnostics.length) {
      diagnostics.push(makeDiagnostic({ code: "TSK105", path: "", message: "No kernel files to compile. Pass files named *.kernel.ts or directories containing them." }));
    }
    return result({});
  }

  // 2. The transform's shared state.
  const prefixes = exportPrefixes(kernelFiles);
  /** @type {import("./kernel-transform.js").TransformState} */
  const state = {
    kernelFiles: new Set(kernelFiles.map((f) => f.replace(/\.ts$/, ""))),
    boundsCheck: options.boundsCheck ?? true,
    optimize: options.optimizeKernels ?? true,
    notes: [],
    exportPrefix: (path) => prefixes.get(path) ?? "",
    kernels: [],
    locations: [],
    problems: [],
  };
  const KernelTransform = createKernelTransform(state);
  class EntryExports extends KernelTransform {
    /** @param {any} parser */
    afterParse(parser) {
      super.afterParse(parser);
      addEntryExports(parser, state.kernels);
      addCpuLoops(parser, state.kernels); // `// @tskern gpu` kernels: the wasm loop behind kernel.cpu(n, ...)
    }
    /** @param {any} module  Binaryen module, before Binaryen optimizes it */
    afterCompile(module) {
      if (state.optimize) markOutlinedNoInline(module, /** @type {any} */ (this).binaryen); // optimize/outline.js
    }
  }

  const entryText = kernelFiles.map((f) => `import "./${f.replace(/\.ts$/, "")}";`).join("\n") + "\nexport { __tsk_new_array };\n";
  /** @type {Record<string, Uint8Array | string>} */
  const outputs = {};
  const ascDiagnostics = [];
  const stderr = [];

  const readForAsc = async (/** @type {string} */ name, /** @type {string} */ baseDir) => {
    if (baseDir === LIB_DIR || baseDir.endsWith(LIB_DIR)) {
      return LIB_FILES.includes(name) ? fsReadFile(nodePath.join(LIB_PATH, name), "utf8") : null;
    }
    const rel = nodePath.posix.normalize(nodePath.relative(root, nodePath.resolve(root, baseDir, name)).split(nodePath.sep).join("/"));
    if (rel === ENTRY_FILE) return entryText;
    if (rel.startsWith("__tskern_no_asconfig__")) return null;
    if (texts.has(rel)) return texts.get(rel) ?? null;
    // Unreadable (readFile threw) counts as missing: AssemblyScript then reports it at the import.
    const text = await Promise.resolve().then(() => read(nodePath.join(root, rel))).catch(() => null);
    if (text != null && !rel.startsWith("node_modules/")) texts.set(rel, text);
    return text;
  };

  const restoreExit = guardProcessExit();
  let apiResult;
  try {
    apiResult = await asc.main(ascArguments({ optimizeLevel: options.optimizeLevel ?? 3 }), {
      transforms: [/** @type {any} */ (EntryExports)],
      readFile: readForAsc,
      writeFile: (name, contents) => { outputs[name] = contents; },
      listFiles: (dirname) => (dirname === LIB_DIR || dirname.endsWith(LIB_DIR) ? [...LIB_FILES] : []),
      reportDiagnostic: (d) => ascDiagnostics.push(d),
      stdout: memoryStream([]),
      stderr: memoryStream(stderr),
    });
  } catch (error) {
    // Located even so (crash-location.js): source nested too deep for the stack, or the first file.
    const at = crashLocation(texts, kernelFiles, error instanceof Error ? error.message : String(error));
    diagnostics.push(makeDiagnostic({ code: "TSK109", path: at.path, text: texts.get(at.path), start: at.start, end: at.end, message: at.message }));
    return result({});
  } finally {
    restoreExit();
  }

  // 3. Diagnostics: ours first (they explain the AssemblyScript ones), then asc's.
  for (const p of state.problems) {
    diagnostics.push(makeDiagnostic({ code: p.code, message: p.message, path: p.path, text: texts.get(p.path), start: p.start, end: p.end }));
  }
  for (const d of ascDiagnostics) diagnostics.push(fromAscDiagnostic(d, texts));
  if (apiResult.error && !diagnostics.some((d) => d.severity === "error")) {
    const at = crashLocation(texts, kernelFiles, apiResult.error.message);
    const message = /call stack/i.test(apiResult.error.message) ? at.message : `AssemblyScript failed: ${apiResult.error.message}${stderr.length ? `\n${stderr.join("")}` : ""}`;
    diagnostics.push(makeDiagnostic({ code: "TSK109", path: at.path, text: texts.get(at.path), start: at.start, end: at.end, message }));
  }
  const ok = !diagnostics.some((d) => d.severity === "error");
  if (!ok) return result({ kernels: state.kernels });

  const wasmOut = outputs[WASM_FILE];
  const wasm = typeof wasmOut === "string" ? new TextEncoder().encode(wasmOut) : wasmOut;
  // Kernels that allocate (call graph of the final wasm): their bindings collect near the memory limit.
  const allocating = kernelsThatAllocate(wasm, state.kernels);
  for (const k of state.kernels) if (allocating.has(k.exportName)) k.allocates = true;
  return result({
    wasm,
    sourceMap: cleanSourceMap(outputs[`${WASM_FILE}.map`]),
    kernels: state.kernels,
    locations: state.locations.map(([path, offset]) => {
      const { line, column } = lineColumnAt(texts.get(path) ?? "", offset);
      return [path, line, column];
    }),
    optimizations: dedupeNotes(state.notes.map((n) => ({ path: n.path, ...lineColumnAt(texts.get(n.path) ?? "", n.start), kind: n.kind, message: n.message })))
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column)),
  });
}

/**
 * One entry per location and message (a loop copied by versioning is
 * reported once).
 * @param {Optimization[]} notes
 */
function dedupeNotes(notes) {
  const seen = new Set();
  return notes.filter((n) => {
    const key = `${n.path}:${n.line}:${n.column}:${n.kind}:${n.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** @param {string} abs */
async function defaultReadFile(abs) {
  try {
    return await fsReadFile(abs, "utf8");
  } catch {
    return null;
  }
}

/**
 * Per-file prefixes for wasm export names: `kernels/blas.kernel.ts` ->
 * `kernels_blas__`. Unique even where two paths sanitize alike.
 * @param {string[]} files
 */
function exportPrefixes(files) {
  const used = new Set();
  const out = new Map();
  for (const f of files) {
    let base = f.replace(/\.kernel\.ts$|\.ts$/, "").replace(/[^A-Za-z0-9_]/g, "_");
    if (/^[0-9]/.test(base)) base = `_${base}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    out.set(f, `${name}__`);
  }
  return out;
}

/**
 * Adds `export { kernel as prefix__kernel } from "./file"` to the entry.
 * @param {any} parser
 * @param {KernelInfo[]} kernels
 */
function addEntryExports(parser, kernels) {
  const entry = parser.sources.find((/** @type {any} */ s) => s.normalizedPath === ENTRY_FILE);
  if (!entry) return;
  const range = entry.range;
  const byFile = new Map();
  for (const k of kernels) {
    if (!byFile.has(k.file)) byFile.set(k.file, []);
    byFile.get(k.file).push(k);
  }
  for (const [file, list] of byFile) {
    const members = list.map((/** @type {KernelInfo} */ k) =>
      Node.createExportMember(Node.createIdentifierExpression(k.local ?? k.name, range), Node.createIdentifierExpression(k.exportName, range), range));
    const path = Node.createStringLiteralExpression(`./${file.replace(/\.ts$/, "")}`, range);
    entry.statements.push(Node.createExportStatement(members, path, false, range));
  }
}

/**
 * @param {any} d  asc DiagnosticMessage
 * @param {Map<string, string>} texts
 * @returns {Diagnostic}
 */
function fromAscDiagnostic(d, texts) {
  const severity = d.category === 3 ? "error" : "warning";
  // Prefer a location in user code: the related range when the main one is in the standard library.
  let range = d.range;
  if ((!range || range.source.normalizedPath.startsWith("~lib/")) && d.relatedRange && !d.relatedRange.source.normalizedPath.startsWith("~lib/")) {
    range = d.relatedRange;
  }
  const path = range ? range.source.normalizedPath : "";
  return makeDiagnostic({
    severity,
    code: `AS${d.code}`,
    message: d.message,
    path,
    text: texts.get(path) ?? null,
    start: range?.start,
    end: range?.end,
  });
}

/**
 * Source map with sources relative to the root, without the standard
 * library's text (it is not the user's and would bloat every build).
 * @param {string | Uint8Array | undefined} raw
 */
function cleanSourceMap(raw) {
  if (raw == null) return null;
  const map = JSON.parse(typeof raw === "string" ? raw : new TextDecoder().decode(raw));
  delete map.sourceRoot;
  map.file = WASM_FILE;
  map.sourcesContent = map.sources.map((/** @type {string} */ s, /** @type {number} */ i) =>
    s.startsWith("~lib/") || s === ENTRY_FILE ? null : map.sourcesContent?.[i] ?? null);
  return JSON.stringify(map);
}

/** @param {string[]} sink */
function memoryStream(sink) {
  const stream = /** @type {any} */ ([]);
  stream.write = (/** @type {string | Uint8Array} */ chunk) => { sink.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk)); };
  stream.toString = () => sink.join("");
  return stream;
}

/**
 * asc calls process.exit(1) when its compiler crashes; inside a dev server or
 * a test that would take the whole process down. Turn it into an exception.
 */
function guardProcessExit() {
  const original = process.exit;
  process.exit = /** @type {any} */ ((code) => {
    throw new Error(`AssemblyScript compiler crashed (it asked to exit with code ${code})`);
  });
  return () => { process.exit = original; };
}
