/**
 * What the lint rules need to know about a kernel's source, read from
 * AssemblyScript's own parser: loops (their conditions and nesting),
 * allocations, element accesses, declared float types and `Math.*` calls,
 * each with its source range.
 */
import { Parser, NodeKind, Token, LiteralKind, DiagnosticCategory } from "assemblyscript";

/** @typedef {{ start: number, end: number }} Range */

/**
 * @typedef {object} LoopFact
 * @property {"for" | "while" | "do" | "for-of"} kind
 * @property {number} start
 * @property {number} end
 * @property {number} depth        1 = outermost loop of its function
 * @property {Range | null} condition
 * @property {Range | null} body
 * @property {number | null} parent  index of the enclosing loop
 */

/**
 * @typedef {object} ConditionAnd
 * @property {number} loop         index into `loops`
 * @property {number} operator     offset of the (outermost) `&&`
 * @property {Range[]} clauses     the operands of the `&&` chain, in order
 */

/**
 * @typedef {object} AllocationFact
 * @property {"new" | "array"} kind
 * @property {number} start
 * @property {number} end
 * @property {string} type         `Float64Array`, `Array<i32>`, `[...]`
 * @property {number | null} loop  innermost enclosing loop
 * @property {boolean} cold        inside a `throw` (runs once, on failure)
 * @property {{ start: number, end: number, name: string } | null} declaration  `const name = new ...` it initializes
 */

/**
 * @typedef {object} AccessFact
 * @property {number} start        the access `a[i]` (its target's start)
 * @property {number} end
 * @property {string} target       source text of `a`
 * @property {number | null} loop
 * @property {boolean} unchecked   already inside `unchecked(...)`
 * @property {Range | null} assignment  the whole `a[i] = v` / `a[i]++` when the access is its target
 */

/**
 * @typedef {object} SourceFacts
 * @property {string} text
 * @property {LoopFact[]} loops
 * @property {ConditionAnd[]} conditionAnds
 * @property {AllocationFact[]} allocations
 * @property {AccessFact[]} accesses
 * @property {Array<{ name: string, type: string, scope: Range, decl: Range }>} floatNames  declarations with a float type
 *   (f32 | f64 | Float32Array | Float64Array): parameters and variables, scoped to their function
 * @property {Range[]} mathCalls               `Math.f(...)` callee ranges
 * @property {boolean} parsed                   false when the parser reported an error
 */

const ASSIGN_FIRST = Token.Equals;
const ASSIGN_LAST = Token.Caret_Equals;
const FLOAT_TYPES = new Set(["f32", "f64", "Float32Array", "Float64Array"]);

/**
 * @param {string} text  the kernel source
 * @returns {SourceFacts}
 */
export function readSourceFacts(text) {
  /** @type {SourceFacts} */
  const facts = {
    text, loops: [], conditionAnds: [], allocations: [], accesses: [],
    floatNames: [], mathCalls: [], parsed: true,
  };
  const parser = new Parser();
  parser.parseFile(text, "kernel.ts", true);
  if (parser.diagnostics.some((d) => d.category === DiagnosticCategory.Error)) facts.parsed = false;
  const source = parser.sources[0];
  if (!source) return facts;
  const seen = new Set();
  /** @type {Range} */
  let scope = { start: 0, end: text.length };

  /**
   * @param {any} node
   * @param {{ loop: number | null, cold: boolean, unchecked: boolean, assignment: Range | null }} ctx
   */
  const visit = (node, ctx) => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    const kind = node.kind;
    const r = node.range ? { start: node.range.start, end: node.range.end } : null;

    if (kind === NodeKind.FunctionDeclaration || kind === NodeKind.MethodDeclaration) {
      const outer = scope;
      if (r) scope = r;
      for (const p of node.signature?.parameters ?? []) noteType(p.name?.text, p.type, p.range);
      if (node.body) visit(node.body, { loop: null, cold: false, unchecked: false, assignment: null });
      scope = outer;
      return;
    }
    if (kind === NodeKind.VariableDeclaration) noteType(node.name?.text, node.type, node.range);

    if (kind === NodeKind.For || kind === NodeKind.While || kind === NodeKind.Do || kind === NodeKind.ForOf) {
      const parent = ctx.loop;
      const index = facts.loops.length;
      /** @type {LoopFact} */
      const loop = {
        kind: kind === NodeKind.For ? "for" : kind === NodeKind.While ? "while" : kind === NodeKind.Do ? "do" : "for-of",
        start: r?.start ?? 0, end: r?.end ?? 0,
        depth: parent === null ? 1 : facts.loops[parent].depth + 1,
        condition: node.condition?.range ? { start: node.condition.range.start, end: node.condition.range.end } : null,
        body: node.body?.range ? { start: node.body.range.start, end: node.body.range.end } : null,
        parent,
      };
      facts.loops.push(loop);
      if (node.condition) findAnds(node.condition, index);
      // A for loop's initializer (and a for-of's iterable) run once, outside the loop.
      const outside = { ...ctx };
      const inside = { ...ctx, loop: index };
      if (kind === NodeKind.For) {
        visit(node.initializer, outside);
        visit(node.condition, inside);
        visit(node.incrementor, inside);
      } else if (kind === NodeKind.ForOf) {
        visit(node.variable, inside);
        visit(node.iterable, outside);
      } else {
        visit(node.condition, inside);
      }
      visit(node.body, inside);
      return;
    }

    if (kind === NodeKind.Throw) {
      visitChildren(node, { ...ctx, cold: true });
      return;
    }
    if (kind === NodeKind.New && r) {
      facts.allocations.push({ kind: "new", ...r, type: text.slice(node.typeName?.range?.start ?? r.start, (node.typeArguments?.at(-1)?.range?.end ?? node.typeName?.range?.end ?? r.end) + (node.typeArguments?.length ? 1 : 0)), loop: ctx.loop, cold: ctx.cold, declaration: null });
    }
    if (kind === NodeKind.Literal && node.literalKind === LiteralKind.Array && r) {
      facts.allocations.push({ kind: "array", ...r, type: "[...]", loop: ctx.loop, cold: ctx.cold, declaration: null });
    }
    if (kind === NodeKind.Variable) {
      for (const d of node.declarations ?? []) {
        const init = d.initializer;
        if (init && (init.kind === NodeKind.New || (init.kind === NodeKind.Literal && init.literalKind === LiteralKind.Array))) {
          visit(init, ctx);
          const a = facts.allocations.find((x) => x.start === init.range.start && x.end === init.range.end);
          if (a) a.declaration = { start: node.range.start, end: node.range.end, name: d.name.text };
        }
      }
    }
    if (kind === NodeKind.Call && node.expression?.kind === NodeKind.Identifier && node.expression.text === "unchecked") {
      visitChildren(node, { ...ctx, unchecked: true });
      return;
    }
    if (kind === NodeKind.Call && node.expression?.kind === NodeKind.PropertyAccess &&
        node.expression.expression?.kind === NodeKind.Identifier && node.expression.expression.text === "Math") {
      facts.mathCalls.push({ start: node.expression.range.start, end: node.expression.range.end });
    }
    if (kind === NodeKind.Binary && node.operator >= ASSIGN_FIRST && node.operator <= ASSIGN_LAST && node.left?.kind === NodeKind.ElementAccess && r) {
      visit(node.left, { ...ctx, assignment: r });
      visit(node.right, { ...ctx, assignment: null });
      return;
    }
    if ((kind === NodeKind.UnaryPostfix || kind === NodeKind.UnaryPrefix) && node.operand?.kind === NodeKind.ElementAccess &&
        (node.operator === Token.Plus_Plus || node.operator === Token.Minus_Minus) && r) {
      visit(node.operand, { ...ctx, assignment: r });
      return;
    }
    if (kind === NodeKind.ElementAccess && r) {
      facts.accesses.push({
        ...r,
        target: text.slice(node.expression.range.start, node.expression.range.end),
        loop: ctx.loop,
        unchecked: ctx.unchecked,
        assignment: ctx.assignment,
      });
      visit(node.expression, { ...ctx, assignment: null });
      visit(node.elementExpression, { ...ctx, assignment: null });
      return;
    }
    visitChildren(node, { ...ctx, assignment: null });
  };

  /** @param {any} node @param {any} ctx */
  const visitChildren = (node, ctx) => {
    for (const key of Object.keys(node)) {
      if (key === "range") continue;
      const value = node[key];
      if (Array.isArray(value)) for (const v of value) { if (v && typeof v === "object" && "kind" in v) visit(v, ctx); }
      else if (value && typeof value === "object" && "kind" in value && value.kind !== NodeKind.Source) visit(value, ctx);
    }
  };

  /** The `&&` clauses of a loop condition (through parentheses). @param {any} node @param {number} loop */
  const findAnds = (node, loop) => {
    const unwrap = (/** @type {any} */ n) => { while (n.kind === NodeKind.Parenthesized) n = n.expression; return n; };
    const isAnd = (/** @type {any} */ n) => n.kind === NodeKind.Binary && n.operator === Token.Ampersand_Ampersand;
    const top = unwrap(node);
    if (!isAnd(top)) return;
    /** @type {Range[]} */
    const clauses = [];
    const collect = (/** @type {any} */ n) => {
      const u = unwrap(n);
      if (isAnd(u)) { collect(u.left); collect(u.right); } else clauses.push({ start: n.range.start, end: n.range.end });
    };
    collect(top);
    const between = text.slice(clauses[0].end, clauses[1].start);
    facts.conditionAnds.push({ loop, operator: clauses[0].end + Math.max(0, between.indexOf("&&")), clauses });
  };

  /** @param {string | undefined} name @param {any} type @param {any} range */
  const noteType = (name, type, range) => {
    if (!name || !type || !range || type.kind !== NodeKind.NamedType || type.typeArguments?.length) return;
    const t = type.name?.identifier?.text;
    if (FLOAT_TYPES.has(t)) facts.floatNames.push({ name, type: t, scope, decl: { start: range.start, end: range.end } });
  };

  for (const statement of source.statements) visit(statement, { loop: null, cold: false, unchecked: false, assignment: null });
  facts.allocations.sort((a, b) => a.start - b.start);
  facts.accesses.sort((a, b) => a.start - b.start);
  return facts;
}

/**
 * The float-typed declaration of `name` visible at `offset` (innermost scope), if any.
 * @param {SourceFacts} facts @param {string} name @param {number} offset
 */
export function floatNameAt(facts, name, offset) {
  let best = null;
  for (const f of facts.floatNames) {
    if (f.name !== name || offset < f.scope.start || offset > f.scope.end) continue;
    if (!best || f.scope.end - f.scope.start < best.scope.end - best.scope.start) best = f;
  }
  return best;
}

/**
 * Offsets where each line starts, for offset -> line lookups.
 * @param {string} text
 * @returns {number[]}  index 0 is line 1
 */
export function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/**
 * 1-based line and column of an offset.
 * @param {number[]} starts  from lineStarts
 * @param {number} offset
 */
export function positionAt(starts, offset) {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/**
 * How many loops each line runs inside (its code runs per iteration): the
 * deepest loop whose condition or body covers part of the line.
 * @param {SourceFacts} facts
 * @param {number[]} starts
 * @returns {Int32Array}  index = line (1-based); 0 outside loops
 */
export function loopDepthByLine(facts, starts) {
  const depth = new Int32Array(starts.length + 2);
  for (const loop of facts.loops) {
    for (const r of [loop.condition, loop.body]) {
      if (!r) continue;
      const from = positionAt(starts, r.start).line;
      const to = positionAt(starts, Math.max(r.start, r.end - 1)).line;
      for (let l = from; l <= to; l++) depth[l] = Math.max(depth[l], loop.depth);
    }
  }
  return depth;
}
