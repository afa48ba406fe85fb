/**
 * Diagnostics as data: `{ path, line, column, code, message, severity, frame }`,
 * and their `path:line:col: message` + code-frame text form.
 */

/**
 * @typedef {object} Diagnostic
 * @property {"error" | "warning"} severity
 * @property {string} code      `TSK101`, or `AS2304` for AssemblyScript's own
 * @property {string} message   what is wrong and how to fix it
 * @property {string} path      kernel path relative to the build root ("" if none)
 * @property {number} line      1-based (0 if unknown)
 * @property {number} column    1-based (0 if unknown)
 * @property {number} [endLine]
 * @property {number} [endColumn]
 * @property {string} frame     code frame ("" if no source)
 */

/**
 * Converts an offset to a 1-based line and column.
 * @param {string} text
 * @param {number} offset
 */
export function lineColumnAt(text, offset) {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * A code frame: the offending line with two lines of context and a marker.
 * @param {string} text
 * @param {number} line    1-based
 * @param {number} column  1-based
 * @param {number} [length]  marker length on that line
 */
export function codeFrame(text, line, column, length = 1) {
  const lines = text.split(/\r?\n/);
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 1);
  const width = String(last).length;
  const out = [];
  for (let n = first; n <= last; n++) {
    const gutter = `${n === line ? ">" : " "} ${String(n).padStart(width)} | `;
    out.push(gutter + lines[n - 1]);
    if (n === line) {
      const lineText = lines[n - 1] ?? "";
      const marker = "^".repeat(Math.max(1, Math.min(length, lineText.length - column + 1)));
      const pad = lineText.slice(0, column - 1).replace(/[^\t]/g, " ");
      out.push(`  ${" ".repeat(width)} | ${pad}${marker}`);
    }
  }
  return out.join("\n");
}

/**
 * Builds a located diagnostic from source offsets.
 * @param {{ severity?: "error" | "warning", code: string, message: string, path: string, text?: string | null, start?: number, end?: number }} d
 * @returns {Diagnostic}
 */
export function makeDiagnostic({ severity = "error", code, message, path, text, start, end }) {
  if (text == null || start == null) return { severity, code, message, path, line: 0, column: 0, frame: "" };
  const from = lineColumnAt(text, start);
  const to = lineColumnAt(text, end ?? start);
  const length = to.line === from.line ? Math.max(1, to.column - from.column) : 1;
  return {
    severity, code, message, path,
    line: from.line, column: from.column, endLine: to.line, endColumn: to.column,
    frame: codeFrame(text, from.line, from.column, length),
  };
}

/**
 * `path:line:col: error TSK101: message` followed by the code frame.
 * @param {Diagnostic} d
 */
export function formatDiagnostic(d) {
  const where = d.line ? `${d.path}:${d.line}:${d.column}` : d.path || "tskern";
  const head = `${where}: ${d.severity} ${d.code}: ${d.message}`;
  return d.frame ? `${head}\n${d.frame}` : head;
}

/** Error thrown by APIs that fail on diagnostics; carries them as data. */
export class KernelCompileError extends Error {
  /**
   * @param {Diagnostic[]} diagnostics
   * @param {{ cause?: unknown }} [options]
   */
  constructor(diagnostics, options) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    super(errors.map(formatDiagnostic).join("\n\n") || "kernel compilation failed", options);
    this.name = "KernelCompileError";
    this.diagnostics = diagnostics;
    const first = errors[0];
    if (first) {
      this.id = first.path;
      this.loc = { file: first.path, line: first.line, column: first.column };
      this.frame = first.frame;
    }
  }
}
