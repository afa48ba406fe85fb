/**
 * A compact wasm-offset -> kernel-source table, derived from the build's
 * source map, so the runtime can name the `path:line:col` of a trap
 * (`unreachable`, division by zero, ...) from the offsets V8 puts in the
 * error's stack. Standard-library code stays in the table as "not user
 * code" markers, so a trap inside it is attributed to the calling kernel line.
 */

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/**
 * @param {string} sourceMapJson
 * @returns {{ files: string[], pc: number[] }}  pc: flat [offset, fileIndex (-1: library), line, column]*, sorted by offset
 */
export function trapLocationTable(sourceMapJson) {
  const map = JSON.parse(sourceMapJson);
  /** @type {string[]} */
  const sources = map.sources;
  const files = [];
  const fileIndex = sources.map((s) => (s.startsWith("~lib/") || s.startsWith("__tskern") ? -1 : files.push(s) - 1));
  const pc = [];
  let offset = 0, src = 0, line = 0, col = 0;
  let lastFile = -2, lastLine = -1, lastCol = -1;
  for (const segment of map.mappings.split(/[,;]/)) {
    if (!segment) continue;
    const f = decodeVlq(segment);
    offset += f[0];
    if (f.length < 4) continue;
    src += f[1];
    line += f[2];
    col += f[3];
    const file = fileIndex[src];
    // Keep only changes of location: the table stays small.
    if (file === lastFile && (file === -1 || (line === lastLine && col === lastCol))) continue;
    pc.push(offset, file, file === -1 ? 0 : line + 1, file === -1 ? 0 : col + 1);
    lastFile = file; lastLine = line; lastCol = col;
  }
  return { files, pc };
}

/**
 * One source-map segment's base64 VLQ fields.
 * @param {string} segment
 * @returns {number[]}
 */
export function decodeVlq(segment) {
  const out = [];
  let value = 0, shift = 0;
  for (const ch of segment) {
    const digit = /** @type {number} */ (DIGIT.get(ch));
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}
