/**
 * Readable names for the functions of a build, for the annotate listing.
 * Release builds carry no name section, so a function is named, in order of
 * preference, by the name section (if any), the kernel it implements, its
 * export or import name, or the declaration found above its first source
 * line (in the kernel file, or in AssemblyScript's standard library:
 * `~lib/typedarray.ts Float64Array#constructor`).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import nodePath from "node:path";
import { fileURLToPath } from "node:url";

const TSKERN_LIB = fileURLToPath(new URL("../compiler/aslib/", import.meta.url));
const KEYWORDS = new Set(["if", "for", "while", "switch", "return", "catch", "do", "else", "new", "typeof", "throw", "super", "assert"]);
const FUNCTION_DECL = /\bfunction\s+([A-Za-z_$][\w$]*)/;
const METHOD_DECL = /^\s*(?:@[\w.]+(?:\([^)]*\))?\s*)*(?:(?:export|public|private|protected|static|abstract|override|readonly)\s+)*(?:(get|set)\s+)?([A-Za-z_$][\w$]*)\s*(?:<[^>()]*>)?\s*\([^;]*$/;
const CLASS_DECL = /\bclass\s+([A-Za-z_$][\w$]*)/;

/** @type {string | null | undefined} */
let stdDir;
/** @type {Map<string, string[] | null>} */
const stdTexts = new Map();

/** Lines of a standard-library file (`~lib/typedarray.ts`), or null. @param {string} source */
function stdLines(source) {
  if (stdTexts.has(source)) return stdTexts.get(source) ?? null;
  let lines = null;
  try {
    const rel = source.slice("~lib/".length);
    let file;
    if (rel === "tskern.ts") file = nodePath.join(TSKERN_LIB, "tskern.ts");
    else {
      if (stdDir === undefined) {
        try {
          stdDir = nodePath.join(nodePath.dirname(createRequire(import.meta.url).resolve("assemblyscript/package.json")), "std/assembly");
        } catch {
          stdDir = null;
        }
      }
      file = stdDir ? nodePath.join(stdDir, rel) : null;
    }
    if (file) lines = readFileSync(file, "utf8").split(/\r?\n/);
  } catch {
    lines = null;
  }
  stdTexts.set(source, lines);
  return lines;
}

/**
 * The name of the function or method declared at or above `line`.
 * @param {string[]} lines
 * @param {number} line  1-based
 * @returns {string | null}
 */
export function declarationAbove(lines, line) {
  for (let n = Math.min(line, lines.length); n >= 1 && n > line - 400; n--) {
    const text = lines[n - 1];
    const fn = FUNCTION_DECL.exec(text);
    if (fn) return fn[1];
    const m = METHOD_DECL.exec(text);
    if (m && !KEYWORDS.has(m[2]) && !/=\s*$|[=!<>]=|\breturn\b/.test(text.slice(0, m.index + m[0].indexOf(m[2])))) {
      const cls = classAbove(lines, n);
      const name = m[1] ? `${m[1]} ${m[2]}` : m[2];
      return cls ? `${cls}#${name}` : name;
    }
  }
  return null;
}

/** @param {string[]} lines @param {number} line */
function classAbove(lines, line) {
  for (let n = line; n >= 1; n--) {
    const m = CLASS_DECL.exec(lines[n - 1]);
    if (m) return m[1];
  }
  return null;
}

/**
 * @param {string} source  e.g. `~lib/typedarray.ts` or the kernel path
 * @param {number} line
 * @param {Map<string, string[]>} userTexts  user sources by path, as lines
 * @returns {string}
 */
export function nameFromSource(source, line, userTexts) {
  const lines = source.startsWith("~lib/") ? stdLines(source) : userTexts.get(source) ?? null;
  const decl = lines ? declarationAbove(lines, line) : null;
  return decl ? `${source} ${decl}` : `${source}:${line}`;
}
