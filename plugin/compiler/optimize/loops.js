/**
 * The loop structure of a function: every loop with its parent, and for each
 * `for` loop whether it is canonical, i.e. of the form
 *
 *   for (let i = INIT; i < BOUND; i += STEP) BODY      (or <=, and i++ / ++i / i = i + STEP)
 *   for (let i = INIT; i > BOUND; i -= STEP) BODY      (or >=, and i-- / --i / i = i - STEP)
 *
 * with `i` an i32 that nothing but the incrementor writes and STEP a positive
 * literal. Its variable then takes values in [INIT, BOUND - 1] (or
 * [BOUND + 1, INIT]) in every iteration that runs, provided INIT and BOUND do
 * not change during the loop and nothing wraps; bounds.js turns those
 * provisos into run-time conditions.
 */
import { NodeKind, Token, unparen, intValue, isAssignOp, children, textOf, walk } from "./ast.js";

/** @typedef {import("./ast.js").AstNode} AstNode */
/** @typedef {import("./scope.js").Decl} Decl */
/** @typedef {import("./scope.js").FunctionScope} FunctionScope */

/**
 * @typedef {object} Canonical
 * @property {Decl} decl          the loop variable
 * @property {AstNode | null} init  its initial value (null: the loop has no initializer and
 *                                starts from the variable's value before the loop)
 * @property {AstNode} bound      the other side of the condition
 * @property {1 | -1} dir         counting up or down
 * @property {number} step        positive
 * @property {boolean} inclusive  `<=` / `>=`
 */

/**
 * @typedef {object} LoopInfo
 * @property {AstNode} node
 * @property {LoopInfo | null} parent
 * @property {number} depth
 * @property {Canonical | null} canonical
 * @property {string} why         why it is not canonical ("" when it is)
 * @property {LoopInfo[]} inner   loops directly inside
 */

/**
 * @typedef {object} Structure
 * @property {Map<AstNode, LoopInfo>} loops           by loop statement
 * @property {Map<AstNode, LoopInfo | null>} loopOf   innermost enclosing loop of element accesses, writes and declarations
 * @property {AstNode[]} accesses                     element accesses, in source order
 */

/**
 * Records the loops of a function body and where each access, write and
 * declaration sits. Accesses in a loop's initializer, condition or
 * incrementor belong to the enclosing loop (they do not run with the loop
 * variable in range); writes there belong to the loop itself.
 * @param {AstNode} body @param {FunctionScope} scope
 * @returns {Structure}
 */
export function analyzeLoops(body, scope) {
  /** @type {Map<AstNode, LoopInfo>} */
  const loops = new Map();
  /** @type {Map<AstNode, LoopInfo | null>} */
  const loopOf = new Map();
  /** @type {AstNode[]} */
  const accesses = [];

  /** @param {AstNode} node @param {LoopInfo | null} loop @param {LoopInfo | null} writeLoop */
  function visit(node, loop, writeLoop) {
    if (!node) return;
    switch (node.kind) {
      case NodeKind.For:
      case NodeKind.While:
      case NodeKind.Do: {
        /** @type {LoopInfo} */
        const info = { node, parent: loop, depth: loop ? loop.depth + 1 : 0, canonical: null, why: "", inner: [] };
        if (loop) loop.inner.push(info);
        loops.set(node, info);
        if (node.kind === NodeKind.For) {
          visit(node.initializer, loop, info);
          visit(node.condition, loop, info);
          visit(node.incrementor, loop, info);
        } else {
          visit(node.condition, loop, info);
        }
        visit(node.body, info, info);
        return;
      }
      case NodeKind.ElementAccess:
        accesses.push(node);
        loopOf.set(node, loop);
        break;
      case NodeKind.Variable:
        for (const d of node.declarations) loopOf.set(d, writeLoop);
        break;
      case NodeKind.Binary:
        if (isAssignOp(node.operator)) loopOf.set(node, writeLoop);
        break;
      case NodeKind.UnaryPostfix:
      case NodeKind.UnaryPrefix:
        if (node.operator === Token.Plus_Plus || node.operator === Token.Minus_Minus) loopOf.set(node, writeLoop);
        break;
    }
    for (const c of children(node)) visit(c, loop, writeLoop);
  }
  visit(body, null, null);

  for (const info of loops.values()) {
    const r = recognize(info, scope, loopOf);
    if (typeof r === "string") info.why = r;
    else info.canonical = r;
  }
  return { loops, loopOf, accesses };
}

/** Is `loop` `inner` or one of its ancestors? @param {LoopInfo | null} inner @param {LoopInfo} loop */
export function within(inner, loop) {
  for (let l = inner; l; l = l.parent) if (l === loop) return true;
  return false;
}

/**
 * @param {LoopInfo} info @param {FunctionScope} scope @param {Map<AstNode, LoopInfo | null>} loopOf
 * @returns {Canonical | string}
 */
function recognize(info, scope, loopOf) {
  const node = info.node;
  if (node.kind !== NodeKind.For) return node.kind === NodeKind.While ? "a while loop" : "a do-while loop";
  // The loop variable is what the incrementor updates.
  const incTarget = updatedName(node.incrementor);
  const decl = incTarget ? scope.refs.get(incTarget) ?? null : null;
  if (!decl) return "the update is not i++, i--, i += c or i -= c";
  // Initializer: `let i = INIT`, `i = INIT`, or none (the loop continues
  // from the variable's current value: the start is then known only just
  // before the loop).
  let init = null;
  const ini = node.initializer;
  if (ini && ini.kind === NodeKind.Variable && ini.declarations.length === 1 && ini.declarations[0].initializer) {
    if (scope.decls.find((x) => x.node === ini.declarations[0]) !== decl) return "the initializer declares another variable than the update";
    init = ini.declarations[0].initializer;
  } else if (ini && ini.kind === NodeKind.Expression) {
    const e = unparen(ini.expression);
    if (e.kind === NodeKind.Binary && e.operator === Token.Equals && unparen(e.left).kind === NodeKind.Identifier && scope.refs.get(unparen(e.left)) === decl) {
      init = e.right;
    } else return "the initializer is not `i = start`";
  } else if (ini) return "the initializer is not `let i = start`";
  if (decl.type !== "i32") return `loop variable '${decl.name}' is not an i32`;
  // Condition: `i < B`, `i <= B`, `B > i`, ... (and the mirrored forms for counting down).
  const cond = node.condition ? unparen(node.condition) : null;
  if (!cond || cond.kind !== NodeKind.Binary) return "the condition is not a comparison of the loop variable";
  let op = cond.operator, bound;
  const isVar = (/** @type {AstNode} */ e) => unparen(e).kind === NodeKind.Identifier && scope.refs.get(unparen(e)) === decl;
  if (isVar(cond.left)) bound = cond.right;
  else if (isVar(cond.right)) {
    bound = cond.left;
    op = op === Token.LessThan ? Token.GreaterThan : op === Token.GreaterThan ? Token.LessThan
      : op === Token.LessThan_Equals ? Token.GreaterThan_Equals : op === Token.GreaterThan_Equals ? Token.LessThan_Equals : -1;
  } else return "the condition is not a comparison of the loop variable";
  // Incrementor.
  const step = stepOf(node.incrementor, decl, scope);
  if (step === null) return "the update is not i++, i--, i += c or i -= c";
  let dir, inclusive;
  if (op === Token.LessThan || op === Token.LessThan_Equals) { dir = 1; inclusive = op === Token.LessThan_Equals; }
  else if (op === Token.GreaterThan || op === Token.GreaterThan_Equals) { dir = -1; inclusive = op === Token.GreaterThan_Equals; }
  else return `the condition '${textOf(cond)}' is not <, <=, > or >=`;
  if (Math.sign(step) !== dir) return "the update moves the loop variable away from its bound";
  // Nothing else in the loop writes the loop variable.
  for (const w of decl.writes) {
    if (w === unparen(node.incrementor) || (ini && ini.kind === NodeKind.Expression && w === unparen(ini.expression))) continue;
    if (within(loopOf.get(w) ?? null, info) || (decl.kind === "var" && init)) return `the loop body writes '${decl.name}'`;
  }
  return { decl, init, bound, dir: /** @type {1 | -1} */ (dir), step: Math.abs(step), inclusive };
}

/** The identifier an incrementor updates (`i++`, `i += 2`, `i = i + 1`). @param {AstNode | null} inc */
function updatedName(inc) {
  if (!inc) return null;
  const e = unparen(inc);
  const t = (e.kind === NodeKind.UnaryPostfix || e.kind === NodeKind.UnaryPrefix) ? unparen(e.operand) : e.kind === NodeKind.Binary ? unparen(e.left) : null;
  return t && t.kind === NodeKind.Identifier ? t : null;
}

/** +c for `i++`, `i += c`, `i = i + c`; -c for the decrements; else null. @param {AstNode | null} inc @param {Decl} decl @param {FunctionScope} scope */
function stepOf(inc, decl, scope) {
  if (!inc) return null;
  const e = unparen(inc);
  const isVar = (/** @type {AstNode} */ x) => unparen(x).kind === NodeKind.Identifier && scope.refs.get(unparen(x)) === decl;
  if ((e.kind === NodeKind.UnaryPostfix || e.kind === NodeKind.UnaryPrefix) && isVar(e.operand)) {
    return e.operator === Token.Plus_Plus ? 1 : e.operator === Token.Minus_Minus ? -1 : null;
  }
  if (e.kind === NodeKind.Binary && isVar(e.left)) {
    if (e.operator === Token.Plus_Equals || e.operator === Token.Minus_Equals) {
      const c = intValue(e.right);
      if (c === null || c <= 0 || c > 1 << 20) return null;
      return e.operator === Token.Plus_Equals ? c : -c;
    }
    if (e.operator === Token.Equals) {
      const r = unparen(e.right);
      if (r.kind === NodeKind.Binary && (r.operator === Token.Plus || r.operator === Token.Minus)) {
        const c = isVar(r.left) ? intValue(r.right) : r.operator === Token.Plus && isVar(r.right) ? intValue(r.left) : null;
        if (c === null || c <= 0 || c > 1 << 20) return null;
        return r.operator === Token.Plus ? c : -c;
      }
    }
  }
  return null;
}

/** Unary operators that do not assign. */
const PURE_UNARY = new Set([Token.Plus, Token.Minus, Token.Exclamation, Token.Tilde]);

/**
 * Why a canonical loop's bound might change while the loop runs, or "": a
 * pass that reads the bound once (per chunk of iterations, or per pair of
 * them) needs it to be arithmetic on locals, parameters and array lengths
 * that the body does not write, and not on the loop's own counter.
 * @param {AstNode} bound @param {FunctionScope} scope
 * @param {Set<AstNode>} bodyNodes  the loop body's nodes @param {Decl} counter  the loop's variable
 */
export function boundChangeProblem(bound, scope, bodyNodes, counter) {
  let why = "";
  walk(bound, (n) => {
    if (why) return false;
    switch (n.kind) {
      case NodeKind.Literal: case NodeKind.Parenthesized: return true;
      case NodeKind.Binary:
        if (isAssignOp(n.operator)) why = "the loop condition assigns";
        return true;
      case NodeKind.UnaryPrefix:
        if (!PURE_UNARY.has(n.operator)) why = "the loop condition assigns";
        return true;
      case NodeKind.Identifier: {
        const d = scope.refs.get(n);
        if (!d) why = `the loop bound reads '${n.text}', which is not a local or a parameter`;
        else if (d === counter) why = "the loop bound reads the counter";
        else if (d.writes.some((w) => bodyNodes.has(w))) why = `the loop body changes '${d.name}', which the bound reads`;
        return false;
      }
      case NodeKind.PropertyAccess: {
        // `a.length` of a local or parameter: fixed while `a` is (a typed array's length is readonly).
        const d = n.property.text === "length" && n.expression.kind === NodeKind.Identifier ? scope.refs.get(n.expression) : null;
        if (!d) why = "the loop bound reads a property other than an array's length";
        else if (d.writes.some((w) => bodyNodes.has(w))) why = `the loop body changes '${d.name}', whose length the bound reads`;
        return false;
      }
      default:
        why = "the loop bound is not arithmetic on locals, parameters and lengths";
        return false;
    }
  });
  return why;
}
