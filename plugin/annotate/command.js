/**
 * `tskern annotate <kernel file> [-o report.html]`, as a function the CLI
 * calls: writes the HTML report, prints the lint hints, and returns the exit
 * code (0 written, 1 the kernel does not compile or the report cannot be
 * written, 2 no file given). It never exits the process.
 */
import { mkdir, writeFile, rename, rm } from "node:fs/promises";
import nodePath from "node:path";
import { formatDiagnostic } from "../compiler/diagnostics.js";
import { renderAnnotateReport } from "./report.js";

/**
 * @typedef {{ write(chunk: string): unknown }} Writable
 */

/**
 * @param {{ file: string, out?: string, cwd: string, boundsCheck?: boolean }} args
 *   `file`: the kernel (relative to cwd); `out`: the report path (default: next to
 *   the kernel, `NAME.kernel.html`); `boundsCheck`: as `tskern build` (default true)
 * @param {{ stdout: Writable, stderr: Writable }} io
 * @returns {Promise<number>}
 */
export async function annotateCommand(args, io) {
  const say = (/** @type {string} */ s) => { io.stdout.write(`${s}\n`); };
  const complain = (/** @type {string} */ s) => { io.stderr.write(`${s}\n`); };
  const cwd = nodePath.resolve(args.cwd);
  if (!args.file) {
    complain("tskern annotate: no kernel file given; e.g. 'tskern annotate kernels/blas.kernel.ts -o report.html'. Run 'tskern --help' for usage.");
    return 2;
  }
  const out = nodePath.resolve(cwd, args.out ?? args.file.replace(/\.ts$/, "") + ".html");
  const shownOut = display(cwd, out);
  if (out === nodePath.resolve(cwd, args.file)) {
    complain(`tskern annotate: the report would overwrite the kernel '${args.file}'; pass another -o.`);
    return 2;
  }

  let result;
  try {
    result = await renderAnnotateReport(args.file, { cwd, ...(args.boundsCheck === undefined ? {} : { boundsCheck: args.boundsCheck }) });
  } catch (error) {
    complain(`tskern annotate: internal error: ${error instanceof Error ? error.stack : String(error)}\nPlease report this with the kernel source.`);
    return 1;
  }
  for (const d of result.diagnostics) complain(`${formatDiagnostic(d)}\n`);
  if (!result.ok || !result.report) {
    const n = result.diagnostics.filter((d) => d.severity === "error").length;
    complain(`tskern annotate: ${n} error${n === 1 ? "" : "s"} in ${args.file}; no report was written.`);
    return 1;
  }

  const tmp = `${out}.${process.pid}.tmp`;
  try {
    await mkdir(nodePath.dirname(out), { recursive: true });
    await writeFile(tmp, result.html);
    await rename(tmp, out);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => {});
    const e = /** @type {NodeJS.ErrnoException} */ (error);
    complain(`tskern annotate: cannot write ${shownOut} (${e.code ?? e.message}). Check that its directory is writable, or pass another -o.`);
    return 1;
  }

  const report = result.report;
  for (const h of report.hints) {
    say(`${report.file}:${h.line}:${h.column}: hint ${h.rule}: ${h.message}\n  fix: ${h.fix}${h.rewrite ? `\n  ${h.rewrite.split("\n").join("\n  ")}` : ""}`);
  }
  const t = report.costs?.totals;
  const summary = [
    `${report.kernels.length} kernel${report.kernels.length === 1 ? "" : "s"}`,
    t ? `${t.count} wasm instructions` : "",
    t ? `${t.checks} bounds check${t.checks === 1 ? "" : "s"}` : "",
    `${report.hints.length} hint${report.hints.length === 1 ? "" : "s"}`,
  ].filter(Boolean).join(", ");
  say(`wrote ${shownOut} (${summary})`);
  return 0;
}

/** @param {string} cwd @param {string} abs */
function display(cwd, abs) {
  const rel = nodePath.relative(cwd, abs);
  return (rel.startsWith("..") || nodePath.isAbsolute(rel) ? abs : rel).split(nodePath.sep).join("/");
}
