/**
 * Where to point a TSK109 diagnostic (the AssemblyScript compiler, or a
 * tskern pass over its AST, crashed instead of reporting an error), so that
 * even a crash names a `path:line:col`.
 *
 * The crash found by fuzzing is the JS stack running out on source nested
 * thousands deep (`((((x))))`, `x + (x + (...))`, `if (a) if (a) ...`,
 * `{ { { } } }`): the parser and the AST passes recurse. No AST exists to
 * ask, so the location is a text heuristic: the deepest bracket when brackets
 * nest deeply, else the start of the longest line (chains of `if`, `+` or
 * unary operators written on one line). A source pattern known to crash
 * AssemblyScript (KNOWN_CRASHES) is located at the pattern, with the fix. Any
 * other crash points at the first kernel file's first line and says the
 * exact place is not known.
 */

/**
 * Source patterns known to crash AssemblyScript 0.28 (found by fuzzing), with
 * what to write instead. Only consulted after a crash.
 * @type {Array<[RegExp, string]>}
 */
const KNOWN_CRASHES = [
  // `const n: void = x.length;` fails an assertion in addScopedDummyLocal.
  [/\b(?:let|const|var)\s+[A-Za-z_$][\w$]*\s*:\s*void\b/, "A variable cannot have type 'void' (AssemblyScript crashes on it). Give it a value type such as i32 or f64, or drop the variable."],
];

/**
 * The first match of a known crash pattern in the user sources.
 * @param {Map<string, string>} texts
 */
function knownCrash(texts) {
  for (const [re, message] of KNOWN_CRASHES) {
    for (const [path, text] of texts) {
      const m = re.exec(text);
      if (m) return { path, start: m.index, end: m.index + m[0].length, message };
    }
  }
  return null;
}

/** Bracket depth from which a stack overflow is blamed on that bracket. */
const DEEP_BRACKETS = 64;

/**
 * @param {Map<string, string>} texts  user sources by relative path
 * @param {string[]} kernelFiles
 * @param {string} reason  the crash's message
 * @returns {{ path: string, start: number, end: number, message: string }}
 */
export function crashLocation(texts, kernelFiles, reason) {
  const first = kernelFiles[0] ?? "";
  if (!/call stack/i.test(reason)) {
    const known = knownCrash(texts);
    if (known) return known;
    return { path: first, start: 0, end: 0, message: `The AssemblyScript compiler crashed: ${reason}. The exact place in the source is not known (shown: the start of the first kernel file). Please report this with the kernel source.` };
  }
  /** @type {{ path: string, start: number, depth: number } | null} */
  let deepest = null;
  for (const [path, text] of texts) {
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 40 || c === 91 || c === 123) { // ( [ {
        depth++;
        if (!deepest || depth > deepest.depth) deepest = { path, start: i, depth };
      } else if (c === 41 || c === 93 || c === 125) {
        depth = Math.max(0, depth - 1);
      }
    }
  }
  const fix = "Split it into smaller pieces: intermediate variables, helper functions, or a loop instead of a generated chain";
  if (deepest && deepest.depth >= DEEP_BRACKETS) {
    return { path: deepest.path, start: deepest.start, end: deepest.start + 1, message: `The kernel source nests too deeply for the compiler (it ran out of stack); the deepest point is here, ${deepest.depth} brackets deep. ${fix}.` };
  }
  /** @type {{ path: string, start: number, length: number }} */
  let longest = { path: first, start: 0, length: -1 };
  for (const [path, text] of texts) {
    let lineStart = 0;
    for (let i = 0; i <= text.length; i++) {
      if (i === text.length || text.charCodeAt(i) === 10) {
        if (i - lineStart > longest.length) longest = { path, start: lineStart, length: i - lineStart };
        lineStart = i + 1;
      }
    }
  }
  const start = longest.start + ((texts.get(longest.path) ?? "").slice(longest.start).search(/\S|$/));
  return { path: longest.path, start, end: start + 1, message: `The kernel source nests too deeply for the compiler (it ran out of stack), probably in this line, the longest (${longest.length} characters): a chain of operators or statements thousands long. ${fix}.` };
}
