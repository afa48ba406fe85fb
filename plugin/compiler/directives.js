/**
 * `// @tskern key=value ...` directives, Cython-style: file-wide when they sit
 * before the first statement, per function when they sit in the comment block
 * right above an exported function.
 */

import { parseDtypes } from "./generics.js";

const DIRECTIVE_LINE = /^[ \t]*\/\/[ \t]*@tskern\b(.*)$/gm;

/** Directives this version understands, with their value parser. */
const KNOWN = {
  /** false: no bounds checks (default: the build option, itself default true) */
  boundscheck: parseBool,
  /** true: float sums and products may be reassociated (vectorized reductions); results may differ in the last bits */
  fastmath: parseBool,
  /** true: the kernel's first two parameters (start: i32, end: i32) are a range `kernel.parallel(total, ...)` splits over a worker pool */
  parallel: parseBool,
  /** true: a per-index kernel `(i: i32, ...)` also lowered to WGSL: `kernel.gpu(n, ...)`, `kernel.cpu(n, ...)` (plugin/compiler/gpu/) */
  gpu: parseBool,
  /** f32,f64,i32: build a generic kernel `name<T>(x: TypedArray<T>, ...)` once per element type (plugin/compiler/generics.js) */
  dtypes: parseDtypes,
};

/** Directives reserved for later versions: named so the error can say so. */
const RESERVED = new Set(["wraparound"]);

/**
 * @typedef {object} DirectiveProblem
 * @property {number} start  offset in the source
 * @property {number} end
 * @property {string} code   TSK code
 * @property {string} message
 */

/**
 * Reads the directives found in `text` between offsets `from` and `to`.
 * @param {string} text
 * @param {number} from
 * @param {number} to
 * @param {DirectiveProblem[]} problems  receives located errors
 * @returns {Record<string, unknown>}
 */
export function readDirectives(text, from, to, problems) {
  /** @type {Record<string, unknown>} */
  const out = {};
  const slice = text.slice(from, to);
  DIRECTIVE_LINE.lastIndex = 0;
  let match;
  while ((match = DIRECTIVE_LINE.exec(slice))) {
    const bodyStart = from + match.index + match[0].length - match[1].length;
    const tokenRe = /\S+/g;
    let tok;
    while ((tok = tokenRe.exec(match[1]))) {
      const start = bodyStart + tok.index;
      const end = start + tok[0].length;
      const eq = tok[0].indexOf("=");
      const key = eq < 0 ? tok[0] : tok[0].slice(0, eq);
      const raw = eq < 0 ? "true" : tok[0].slice(eq + 1);
      if (Object.hasOwn(KNOWN, key)) {
        const value = KNOWN[/** @type {keyof typeof KNOWN} */ (key)](raw);
        if (value && typeof value === "object" && "code" in value) {
          problems.push({ start, end, ...value }); // a parser's own located message (dtypes: TSK111)
        } else if (value === undefined) {
          problems.push({ start, end, code: "TSK103", message: `Directive '${key}' takes true or false, got '${raw}'. Write '// @tskern ${key}=false' or '// @tskern ${key}=true'.` });
        } else out[key] = value;
      } else if (RESERVED.has(key)) {
        problems.push({ start, end, code: "TSK108", message: `Directive '${key}' is not supported by this version of tskern yet. Remove it.` });
      } else {
        const near = Object.keys(KNOWN).find((k) => editDistance(k, key.toLowerCase()) <= 2);
        problems.push({ start, end, code: "TSK103", message: `Unknown directive '${key}'${near ? ` (did you mean '${near}'?)` : ""}. Known directives: ${Object.keys(KNOWN).join(", ")}. Write them as '// @tskern key=value'.` });
      }
    }
  }
  return out;
}

/** @param {string} raw */
function parseBool(raw) {
  if (raw === "true" || raw === "1" || raw === "on") return true;
  if (raw === "false" || raw === "0" || raw === "off") return false;
  return undefined;
}

/** Levenshtein distance, for "did you mean" suggestions. @param {string} a @param {string} b */
function editDistance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
