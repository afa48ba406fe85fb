/**
 * The annotate report of one kernel file, as data and as HTML: compiles the
 * file alone (as `tskern build` would, bounds checks on by default), then
 * puts together its per-line costs, the lint hints and the optimizer's notes.
 *
 * `renderAnnotateReport(kernelPath, { cwd })` is what a dev server mounts: it
 * never throws on a bad kernel; it returns `ok: false`, the located
 * diagnostics and an HTML page showing them.
 */
import { readFile } from "node:fs/promises";
import nodePath from "node:path";
import { compileKernels, COMPILER_VERSIONS } from "../compiler/compile.js";
import { makeDiagnostic } from "../compiler/diagnostics.js";
import { computeLineCosts } from "./line-costs.js";
import { readSourceFacts } from "./source-facts.js";
import { lintKernel } from "./lint-rules.js";
import { renderReportHtml, renderErrorHtml } from "./render-html.js";

/**
 * @typedef {object} AnnotateOptions
 * @property {string} [cwd]            paths are resolved against it and shown relative to it (default: process.cwd())
 * @property {boolean} [boundsCheck]   default true, as in `tskern build`
 * @property {(absPath: string) => Promise<string | null>} [readFile]  for tests and dev servers (unsaved buffers)
 */

/**
 * @typedef {object} AnnotateReport
 * @property {string} file           the kernel path, relative to the root
 * @property {string} text           its source
 * @property {boolean} boundsCheck
 * @property {Array<{ name: string, line: number, column: number }>} kernels
 * @property {import("./line-costs.js").LineCosts | null} costs   null when the wasm could not be analysed
 * @property {import("./lint-rules.js").LintHint[]} hints
 * @property {Array<{ line: number, column: number, kind: string, message: string }>} optimizations  the optimizer's notes for this file
 * @property {Array<{ line: number, column: number }>} checkSites  bounds checks the transform inserted
 * @property {string[]} notes        limits of this report
 * @property {Record<string, string>} versions
 */

/**
 * @typedef {object} AnnotateResult
 * @property {boolean} ok
 * @property {import("../compiler/diagnostics.js").Diagnostic[]} diagnostics
 * @property {AnnotateReport | null} report
 */

/**
 * Compiles and analyses one kernel file.
 * @param {string} kernelPath   absolute, or relative to `cwd`
 * @param {AnnotateOptions} [options]
 * @returns {Promise<AnnotateResult>}
 */
export async function annotateKernel(kernelPath, options = {}) {
  const cwd = nodePath.resolve(options.cwd ?? process.cwd());
  const abs = nodePath.resolve(cwd, kernelPath);
  const inside = !nodePath.relative(cwd, abs).startsWith("..") && !nodePath.isAbsolute(nodePath.relative(cwd, abs));
  // Paths are shown relative to cwd; a kernel outside it is compiled from its own directory.
  const root = inside ? cwd : nodePath.dirname(abs);
  const rel = nodePath.relative(root, abs).split(nodePath.sep).join("/");
  const read = options.readFile ?? defaultReadFile;
  if (rel.endsWith(".kernel.ts") && (await read(abs)) == null) {
    const shown = inside ? rel : abs;
    return {
      ok: false,
      report: null,
      diagnostics: [makeDiagnostic({ code: "TSK105", path: shown, message: `Cannot read kernel file '${shown}': it does not exist or is not readable. Check the path (it is relative to ${cwd}).` })],
    };
  }
  const boundsCheck = options.boundsCheck ?? true;
  const compiled = await compileKernels({ files: [rel], root, boundsCheck, readFile: read });
  if (!compiled.ok) return { ok: false, report: null, diagnostics: compiled.diagnostics };
  const text = compiled.inputs.find((i) => i.path === rel)?.text ?? (await read(abs)) ?? "";
  const notes = [];
  let costs = null;
  try {
    if (!compiled.wasm || !compiled.sourceMap) throw new Error("the compiler returned no binary or no source map");
    costs = computeLineCosts(/** @type {any} */ (compiled), rel);
    notes.push(...costs.notes);
  } catch (error) {
    notes.push(`The compiled code could not be analysed (${error instanceof Error ? error.message : String(error)}); the report shows the source and its source-level hints only.`);
  }
  const facts = readSourceFacts(text);
  const optimizations = (/** @type {any} */ (compiled).optimizations ?? [])
    .filter((/** @type {any} */ o) => o.path === rel)
    .map((/** @type {any} */ o) => ({ line: o.line, column: o.column, kind: o.kind, message: o.message }));
  const hints = lintKernel(facts, costs, { file: rel, locations: compiled.locations, optimizations: /** @type {any} */ (compiled).optimizations });
  return {
    ok: true,
    diagnostics: compiled.diagnostics,
    report: {
      file: rel,
      text,
      boundsCheck,
      kernels: compiled.kernels.filter((k) => k.file === rel).map((k) => ({ name: k.name, line: k.line, column: k.column })),
      costs,
      hints,
      optimizations,
      checkSites: compiled.locations.filter(([p]) => p === rel).map(([, line, column]) => ({ line, column })),
      notes,
      versions: { tskern: COMPILER_VERSIONS.tskern, assemblyscript: COMPILER_VERSIONS.assemblyscript, binaryen: COMPILER_VERSIONS.binaryen },
    },
  };
}

/**
 * The report page of one kernel file (for `tskern annotate` and dev servers).
 * On compile errors `ok` is false and `html` is a page listing them.
 * @param {string} kernelPath   absolute, or relative to `options.cwd`
 * @param {AnnotateOptions} [options]
 * @returns {Promise<AnnotateResult & { html: string }>}
 */
export async function renderAnnotateReport(kernelPath, options = {}) {
  const result = await annotateKernel(kernelPath, options);
  const html = result.ok && result.report ? renderReportHtml(result.report) : renderErrorHtml(kernelPath, result.diagnostics);
  return { ...result, html };
}

/** @param {string} abs */
async function defaultReadFile(abs) {
  try {
    return await readFile(abs, "utf8");
  } catch {
    return null;
  }
}
