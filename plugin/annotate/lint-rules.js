/**
 * Lint hints for known slow patterns in kernels, each with the suggested
 * rewrite. A rule looks at the source (source-facts.js) and, where the cost
 * only shows in the compiled code, at the line costs (line-costs.js), so a
 * hint fires where the slow code really is and goes away with the rewrite.
 *
 * Rules:
 *  - loop-condition-and   `&&` in a loop condition
 *  - allocation-in-loop   `new ...` / `[...]` (or a call that allocates) on every iteration
 *  - float-mix            f32 <-> f64 conversions on every iteration
 *  - checked-inner-loop   bounds-checked accesses in a loop nested in another loop
 */
import { lineStarts, positionAt, loopDepthByLine, floatNameAt } from "./source-facts.js";

/**
 * @typedef {object} LintHint
 * @property {string} rule
 * @property {number} line
 * @property {number} column
 * @property {string} message   what is slow here, and why
 * @property {string} fix       what to do instead
 * @property {string} rewrite   the suggested code ("" when no concrete rewrite applies)
 */

/** Rule names and one-line descriptions, for the report's legend and docs. */
export const LINT_RULES = {
  "loop-condition-and": "`&&` in a loop condition",
  "allocation-in-loop": "allocation on every iteration of a loop",
  "float-mix": "f32/f64 conversions on every iteration of a loop",
  "checked-inner-loop": "bounds-checked access in an inner loop",
};

/**
 * @param {import("./source-facts.js").SourceFacts} facts
 * @param {import("./line-costs.js").LineCosts | null} costs
 * @param {{ file: string, locations?: Array<[string, number, number]>, optimizations?: Array<{ path: string, line: number, column: number, kind: string, message: string }> }} build
 * @returns {LintHint[]}
 */
export function lintKernel(facts, costs, build) {
  const text = facts.text;
  const starts = lineStarts(text);
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const loopDepth = loopDepthByLine(facts, starts);
  const at = (/** @type {number} */ offset) => positionAt(starts, offset);
  const slice = (/** @type {{ start: number, end: number }} */ r) => text.slice(r.start, r.end);
  const indentOf = (/** @type {number} */ line) => /^[ \t]*/.exec(lines[line - 1] ?? "")?.[0] ?? "";
  /** @type {LintHint[]} */
  const hints = [];

  // ---- `&&` in a loop condition ---------------------------------------------
  for (const and of facts.conditionAnds) {
    const loop = facts.loops[and.loop];
    const clauses = and.clauses.map(slice);
    // The counter bound (`i < n`) stays in the header; the rest becomes a break.
    let bound = clauses.findIndex((c) => /^\s*[A-Za-z_$][\w$]*\s*(<=?|>=?|!=)\s*[\w$.]+(\s*[-+]\s*[\w$.]+)?\s*$/.test(c));
    if (bound < 0) bound = 0;
    const rest = clauses.filter((_, i) => i !== bound);
    const stay = clauses[bound];
    const leave = rest.length === 1 ? rest[0] : rest.join(" && ");
    const pos = at(and.operator);
    const ind = indentOf(at(loop.start).line);
    // A one-statement body is written out; a block body is elided.
    const bodyText = loop.body ? slice(loop.body).trim() : "";
    const body = bodyText && !bodyText.startsWith("{") ? bodyText.replace(/\s*\n\s*/g, " ").replace(/([^;}])$/, "$1;") : "...";
    let rewrite;
    if (loop.kind === "do") {
      rewrite = dedent(`${ind}do {\n${ind}  ${body}\n${ind}  if (!(${leave})) break;\n${ind}} while (${stay});`);
    } else {
      const header = loop.condition && loop.body ? text.slice(loop.start, loop.condition.start) + stay + text.slice(loop.condition.end, loop.body.start).replace(/\s*$/, "") : `while (${stay})`;
      rewrite = dedent(`${ind}${header} {\n${ind}  if (!(${leave})) break;\n${ind}  ${body}\n${ind}}`);
    }
    hints.push({
      rule: "loop-condition-and",
      line: pos.line,
      column: pos.column,
      message: `This loop's exit test joins ${clauses.length} conditions with \`&&\`: every iteration runs a branch per condition before the body, and the loop no longer has the single \`i < n\` exit test that the optimizer can reason about.`,
      fix: `Keep the counter bound (\`${stay}\`) in the loop header and leave the loop with \`break\` when the other condition fails.`,
      rewrite,
    });
  }

  // ---- allocation in a loop ---------------------------------------------------
  const allocLines = new Set();
  for (const a of facts.allocations) {
    if (a.loop === null || a.cold) continue;
    const loop = facts.loops[a.loop];
    const pos = at(a.start);
    const loopLine = at(loop.start).line;
    allocLines.add(pos.line);
    const what = slice(a);
    const ind = indentOf(loopLine);
    let rewrite;
    if (a.declaration) {
      const decl = slice(a.declaration).replace(/;?\s*$/, "");
      const name = a.declaration.name;
      const reset = a.kind === "new" && /Array\b/.test(a.type) ? `\n${ind}  ${name}.fill(0); // only if each iteration needs it zeroed` : "";
      rewrite = dedent(`${ind}${decl}; // once, before the loop\n${(lines[loopLine - 1] ?? "").trimEnd()}${reset}\n${ind}  ... // use ${name}\n${ind}}`);
    } else {
      rewrite = dedent(`${ind}const tmp = ${what}; // once, before the loop\n${(lines[loopLine - 1] ?? "").trimEnd()}\n${ind}  ... // use tmp instead of ${what}\n${ind}}`);
    }
    hints.push({
      rule: "allocation-in-loop",
      line: pos.line,
      column: pos.column,
      message: `\`${shorten(what)}\` allocates on every iteration of the loop at line ${loopLine}: a call into the allocator each time, and memory the collector reclaims only after the kernel returns.`,
      fix: "Allocate once before the loop (or further out, if the length does not change) and reuse it.",
      rewrite,
    });
  }
  if (costs) {
    for (const c of costs.lines.values()) {
      if (!c.allocs || allocLines.has(c.line) || !loopDepth[c.line]) continue;
      const lineText = lines[c.line - 1] ?? "";
      const col = lineText.length - lineText.trimStart().length + 1;
      hints.push({
        rule: "allocation-in-loop",
        line: c.line,
        column: col,
        message: `This line calls code that allocates (${c.callees.slice(0, 3).join(", ") || "the allocator"}) on every iteration of its loop: memory the collector reclaims only after the kernel returns.`,
        fix: "Move the allocating call out of the loop, or write into an array allocated once before the loop.",
        rewrite: "",
      });
    }
  }

  // ---- f32/f64 mix ----------------------------------------------------------------
  if (costs) {
    for (const c of costs.lines.values()) {
      if (!c.floatMix || !loopDepth[c.line]) continue;
      const lineText = lines[c.line - 1] ?? "";
      const lineStart = starts[c.line - 1];
      const lineEnd = lineStart + lineText.length;
      const math = facts.mathCalls.filter((m) => m.start >= lineStart && m.end <= lineEnd);
      const names = [...new Set(lineText.match(/[A-Za-z_$][\w$]*/g) ?? [])];
      const typeOf = (/** @type {string} */ n) => floatNameAt(facts, n, lineStart)?.type;
      const f64Names = names.filter((n) => typeOf(n) === "f64");
      const f32Names = names.filter((n) => typeOf(n) === "f32" || typeOf(n) === "Float32Array");
      let fix, rewrite = "";
      if (math.length) {
        fix = "`Math` works in f64; `Mathf` has the same functions in f32. Call `Mathf` on f32 values.";
        rewrite = lineText.replace(/<f32>\s*Math\./g, "Mathf.").replace(/\bMath\./g, "Mathf.").trim();
      } else if (f64Names.length && f32Names.length) {
        const decls = f64Names.map((n) => floatNameAt(facts, n, lineStart)?.decl).filter((d) => d !== undefined);
        fix = `\`${f64Names.join("`, `")}\` ${f64Names.length === 1 ? "is" : "are"} f64 while \`${f32Names.join("`, `")}\` ${f32Names.length === 1 ? "is" : "are"} f32. If f32 precision is enough, declare ${f64Names.length === 1 ? "it" : "them"} f32; if the f64 accumulation is deliberate, keep it and ignore this hint.`;
        rewrite = decls.map((d) => {
          // The whole declaration line, with f64 turned into f32.
          const pos = at(/** @type {{ start: number }} */ (d).start);
          return (lines[pos.line - 1] ?? "").trim().replace(/:\s*f64\b/, ": f32");
        }).join("\n");
      } else {
        fix = "Keep the expression in one precision: give literals and locals the type of the data (`<f32>0.5`, `let acc: f32`), or convert once outside the loop.";
      }
      const col = lineText.length - lineText.trimStart().length + 1;
      hints.push({
        rule: "float-mix",
        line: c.line,
        column: math.length ? at(math[0].start).column : col,
        message: `This line runs in a loop and compiles to ${c.floatMix} conversion${c.floatMix === 1 ? "" : "s"} between f32 and f64 (\`f64.promote_f32\`, \`f32.demote_f64\`): the computation switches precision on every iteration.`,
        fix,
        rewrite,
      });
    }
  }

  // ---- checked access in an inner loop ------------------------------------------------
  const optimizer = Array.isArray(build.optimizations) ? build.optimizations.filter((o) => o.path === build.file) : null;
  const sites = new Set((build.locations ?? []).filter(([p]) => p === build.file).map(([, l, c]) => `${l}:${c}`));
  /** @type {Map<number, import("./source-facts.js").AccessFact[]>} */
  const byLine = new Map();
  for (const a of facts.accesses) {
    if (a.unchecked || a.loop === null || facts.loops[a.loop].depth < 2) continue;
    const pos = at(a.start);
    const c = costs?.lines.get(pos.line);
    if (!c || !c.checks) continue;
    // The access must carry a check: one the transform recorded, and (when the
    // optimizer reports) one it kept on the fast path.
    if (!sites.has(`${pos.line}:${pos.column}`)) continue;
    if (optimizer && !optimizer.some((o) => o.kind === "checked" && o.line === pos.line && o.column === pos.column)) continue;
    if (!byLine.has(pos.line)) byLine.set(pos.line, []);
    /** @type {import("./source-facts.js").AccessFact[]} */ (byLine.get(pos.line)).push(a);
  }
  for (const [line, accesses] of byLine) {
    const lineText = lines[line - 1] ?? "";
    const lineStart = starts[line - 1];
    const lineEnd = lineStart + lineText.length;
    // Wrap the outermost ranges: an assignment whole, else the access.
    const ranges = accesses.map((a) => a.assignment ?? { start: a.start, end: a.end })
      .filter((r) => r.start >= lineStart && r.end <= lineEnd)
      .sort((a, b) => a.start - b.start || b.end - a.end)
      .filter((r, i, all) => !all.some((o, j) => j !== i && o.start <= r.start && o.end >= r.end && (o.start !== r.start || o.end !== r.end)));
    let rewritten = lineText;
    for (const r of [...ranges].reverse()) {
      const s = r.start - lineStart, e = r.end - lineStart;
      rewritten = `${rewritten.slice(0, s)}unchecked(${rewritten.slice(s, e)})${rewritten.slice(e)}`;
    }
    const first = at(accesses[0].start);
    const loop = facts.loops[/** @type {number} */ (accesses[0].loop)];
    const targets = [...new Set(accesses.map((a) => a.target))];
    const reasons = optimizer ? [...new Set(optimizer.filter((o) => o.kind === "checked" && o.line === line).map((o) => o.message))] : [];
    hints.push({
      rule: "checked-inner-loop",
      line,
      column: first.column,
      message: `${accesses.length === 1 ? "A bounds-checked access" : `${accesses.length} bounds-checked accesses`} (\`${targets.join("`, `")}\`) in a loop nested ${loop.depth} deep: a compare and a branch on every iteration of the innermost loop${reasons.length ? ` (${reasons.join("; ")})` : ""}.`,
      fix: `Check the index range once before the loops (e.g. \`assert(<largest index> < ${targets[0]}.length)\`) and use \`unchecked(...)\` inside, or put \`// @tskern boundscheck=false\` above the function.`,
      rewrite: rewritten.trim(),
    });
  }

  return hints.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Removes the indentation common to all non-blank lines. @param {string} s */
function dedent(s) {
  const lines = s.split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(Math.min(indent, /^[ \t]*/.exec(l)?.[0].length ?? 0))).join("\n");
}

/** @param {string} s */
function shorten(s) {
  const one = s.replace(/\s+/g, " ");
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}
