/**
 * `// @tskern key=value ...` directives, Cython-style: file-wide when they sit
 * before the first statement, per function when they sit in the comment block
 * right above an exported function.
 */

const DIRECTIVE_LINE = /^[ \t]*\/\/[ \t]*@tskern\b(.*)$/gm;

/** Directives this version understands, with their value parser. */
const KNOWN = {
  boundscheck: parseBool,
};

/** Directives reserved for later versions: named so the error can say so. */
const RESERVED = new Set(["parallel", "gpu", "fastmath", "dtypes", "wraparound"]);

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
        if (value === undefined) {
          problems.push({ start, end, code: "TSK103", message: `Directive '${key}' takes true or false, got '${raw}'. Write '// @tskern ${key}=false'.` });
        } else out[key] = value;
      } else if (RESERVED.has(key)) {
        problems.push({ start, end, code: "TSK108", message: `Directive '${key}' is not supported by this version of tskern yet. Remove it.` });
      } else {
        problems.push({ start, end, code: "TSK103", message: `Unknown directive '${key}'. Known directives: ${Object.keys(KNOWN).join(", ")}.` });
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
