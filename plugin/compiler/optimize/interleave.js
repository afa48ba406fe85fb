/**
 * Interleaving of independent escape-time loops (unroll-and-jam by two).
 *
 * An escape-time loop (mandelbrot's `while (n < maxIter) { ... }`) is one
 * chain of dependent float operations: each iteration needs the last one's
 * result, so the core waits on the chain's latency (~9 cycles per iteration)
 * and V8 compiles JS and wasm to the same instructions. Two pixels are
 * independent, so running their loops in lockstep gives the out-of-order
 * core two chains at once:
 *
 *     for (let i = INIT; i < BOUND; i++) { PRO; while (C) { BODY } EPI }
 *  -> const from = INIT, end = BOUND != i32.MIN_VALUE ? BOUND - 1 : BOUND;
 *     for (let i = from; i < end; i += 2) {
 *       PRO(i); PRO'(i + 1); let liveA = true, liveB = true;
 *       while (true) {                       // both pixels step in turn
 *         if (!C) { liveA = false; break; }  BODY   (break -> liveA = false; break)
 *         if (!C') { liveB = false; break; } BODY'  (break -> liveB = false; break)
 *       }
 *       if (liveA) while (C) { BODY }        // each finishes alone
 *       if (liveB) while (C') { BODY' }
 *       EPI(i); EPI'(i + 1);                 // effects in the original order
 *     }
 *     const rest = from < BOUND ? from + ((BOUND - from) & ~1) : from;   // in i64
 *     if (rest < BOUND) { const i = rest; PRO; while (C) { BODY } EPI }   // an odd last iteration
 *
 * (primed: the copy for iteration i + 1, its locals renamed). Only where that
 * cannot change a result, an effect or a trap:
 *  - the loop counts up by 1 with `<` against an i32 bound that the body
 *    does not change; its counter is its own (`for (let i = ...)`);
 *  - PRO is declarations only, and PRO, C and BODY are scalar: they read
 *    parameters and locals, write only locals declared in the loop body,
 *    touch no memory (no element or property access), call only pure
 *    built-ins (sqrt, abs, min, max, floor, ...; casts), divide integers only
 *    by a literal other than 0 and -1: nothing there can trap or be seen,
 *    so running iteration i + 1's PRO and while loop before iteration i's
 *    EPI is unobservable (float-to-int casts saturate in AssemblyScript);
 *  - BODY has no nested loop, `switch`, `continue` or labeled `break`, and
 *    updates an f64/f32 local (the cost model: a float chain waits on
 *    latency; an integer-only one, such as a collatz count, measured no gain);
 *  - EPI may do anything (stores, checked accesses, calls) except leave the
 *    iteration (`break`, `continue`, `return`); an outer variable it assigns
 *    (a running sum) must not be read by PRO, C or BODY.
 * A trap in EPI (a bounds-checked store) keeps its source location, and the
 * writes before it are the same as in the original order (the only code moved
 * before it is scalar). One difference remains: if iteration i + 1's while
 * loop never ends, iteration i's EPI does not run before the hang.
 *
 * Runs before loop outlining (outline.js), which then treats the pairs loop
 * like any other loop. Report kind "interleaved" (what was done, or why not,
 * for every counted loop whose body holds a top-level while loop).
 */
import { Node, NodeKind, Token, LiteralKind, AssertionKind, CommonFlags, id, int, bin, cast, prop, decl, block, ifStmt, exprStmt, mapChildren, walk, walkNested, replaceChild, unparen, intValue, isAssignOp, compoundBase, textOf } from "./ast.js";
import { analyzeScope, inferType, simpleTypeName } from "./scope.js";
import { analyzeLoops, boundChangeProblem, within } from "./loops.js";
import { isOutlined } from "./outline.js";

/** @typedef {import("./ast.js").AstNode} AstNode */
/** @typedef {import("./scope.js").Decl} Decl */
/** @typedef {import("./scope.js").FunctionScope} FunctionScope */
/** @typedef {import("./loops.js").LoopInfo} LoopInfo */

/**
 * Built-ins the scalar part may call: pure, non-trapping, and protected from
 * capture by a user declaration of the same name (kernel-transform.js renames
 * such declarations, rename-shadowing.js).
 */
const PURE_CALLS = new Set(["abs", "sqrt", "floor", "ceil", "trunc", "nearest", "min", "max", "select", "i32", "u32", "i64", "f64", "f32"]);
const NUMERIC = new Set(["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "bool", "isize", "usize"]);
const UNARY = new Set([Token.Plus, Token.Minus, Token.Exclamation, Token.Tilde]);

/** Loops this pass wrote (never interleaved again, e.g. when met inside an outlined function). */
const generated = new WeakSet();

/**
 * @typedef {object} Plan
 * @property {LoopInfo} info
 * @property {AstNode} loop         the `for` statement
 * @property {AstNode} whileLoop    the escape-time loop in its body
 * @property {AstNode[]} pro        declarations before it
 * @property {AstNode[]} epi        statements after it
 * @property {Set<Decl>} inside     locals declared in the loop body (renamed in the copy for i + 1)
 */

/**
 * Interleaves the loops of `fn` that have the shape above, in place.
 * @param {AstNode} fn  a FunctionDeclaration
 * @param {(at: AstNode, message: string) => void} note  report entries (kind "interleaved")
 */
export function interleaveLoops(fn, note) {
  if (fn.kind !== NodeKind.FunctionDeclaration || isOutlined(fn)) return;
  if (!fn.body || fn.body.kind !== NodeKind.Block || (fn.typeParameters && fn.typeParameters.length)) return;
  const scope = analyzeScope(fn);
  if (scope.unsupported) return;
  const { loops } = analyzeLoops(fn.body, scope);
  /** @type {Plan[]} */
  const plans = [];
  for (const info of loops.values()) {
    const loop = info.node;
    if (loop.kind !== NodeKind.For || generated.has(loop)) continue;
    const body = loop.body;
    const at = body && body.kind === NodeKind.Block ? body.statements.findIndex((/** @type {AstNode} */ s) => s.kind === NodeKind.While) : -1;
    if (at < 0) continue; // not the shape: no report
    const plan = planInterleave(info, at, scope);
    if (typeof plan === "string") note(loop, `loop not interleaved: ${plan}`);
    else plans.push(plan);
  }
  // A candidate inside another one's body is left alone (the outer one copies it).
  const chosen = plans.filter((p) => !plans.some((q) => q !== p && within(p.info, q.info)));
  for (const p of plans) if (!chosen.includes(p)) note(p.loop, "loop not interleaved: it sits inside a loop that is interleaved");
  chosen.forEach((p, k) => {
    if (!replaceChild(fn.body, p.loop, emit(p, scope, k))) return;
    note(p.loop, "loop interleaved: two iterations run their while loops in lockstep (two independent dependency chains for the CPU), then each finishes alone; the code after the while loop runs for iteration i, then i + 1; an odd last iteration runs alone");
  });
}

/**
 * The plan for interleaving `info`, or why it cannot be done.
 * @param {LoopInfo} info @param {number} at  index of the while loop in the body @param {FunctionScope} scope
 * @returns {Plan | string}
 */
function planInterleave(info, at, scope) {
  const loop = info.node;
  const c = info.canonical;
  if (!c) return `not a counted loop (${info.why})`;
  if (c.dir !== 1 || c.step !== 1 || c.inclusive) return "the loop does not count up by 1 with '<'";
  const ini = loop.initializer;
  if (ini && ini.kind === NodeKind.Variable && ini.declarations.length !== 1) return "its initializer declares more than the counter";
  if (!ini || ini.kind !== NodeKind.Variable) return `its counter '${c.decl.name}' is declared outside the loop (write 'for (let ${c.decl.name} = ...')`;
  if (inferType(c.bound, scope.refs) !== "i32") return `the bound '${textOf(c.bound)}' is not an i32 expression whose type is known before compiling`;
  const statements = loop.body.statements;
  const whileLoop = statements[at];
  const pro = statements.slice(0, at);
  const epi = statements.slice(at + 1);
  /** @type {Set<AstNode>} */
  const bodyNodes = new Set();
  walk(loop.body, (n) => { bodyNodes.add(n); });
  /** @type {Set<Decl>} */
  const inside = new Set(scope.decls.filter((d) => bodyNodes.has(d.node)));
  // The bound is read once per pair of iterations, twice more for the last one: it must not change.
  let why = boundChangeProblem(c.bound, scope, bodyNodes, c.decl);
  if (why) return why;
  const ctx = { scope, inside };
  for (const s of pro) {
    if (s.kind !== NodeKind.Variable || s.declarations.some((/** @type {AstNode} */ d) => (d.flags & (CommonFlags.Let | CommonFlags.Const)) === 0)) {
      return `'${short(s)}' comes before the while loop: only 'let'/'const' declarations may (they run for both iterations before either loop)`;
    }
    for (const d of s.declarations) {
      why = d.initializer ? scalarProblem(d.initializer, ctx, false) : "";
      if (why) return `before the while loop, '${short(d)}' ${why}`;
    }
  }
  why = scalarProblem(whileLoop.condition, ctx, false) || statementProblem(whileLoop.body, ctx);
  if (why) return `the while loop ${why}`;
  // Cost: only a float chain (3-4 cycles per operation) waits on latency
  // enough to gain; an integer-only loop (collatz: a 1-cycle add and a
  // mispredicted branch per step) measured 0.93-0.98x.
  let float = false;
  walk(whileLoop.body, (n) => {
    const target = n.kind === NodeKind.Binary && isAssignOp(n.operator) ? n.left
      : (n.kind === NodeKind.UnaryPrefix || n.kind === NodeKind.UnaryPostfix) && (n.operator === Token.Plus_Plus || n.operator === Token.Minus_Minus) ? n.operand : null;
    const t = target ? scope.refs.get(unparen(target))?.type : null;
    if (t === "f64" || t === "f32") float = true;
  });
  if (!float) return "the while loop updates no f64/f32 local: an integer chain is short (about a cycle per operation), two of them in lockstep do not run faster";
  // After the while loop: anything that stays within the iteration.
  why = epilogueProblem(epi);
  if (why) return `after the while loop, ${why}`;
  // Outer variables assigned after the while loop must not feed the scalar part of the next iteration.
  /** @type {Set<AstNode>} */
  const epiNodes = new Set();
  for (const s of epi) walk(s, (n) => { epiNodes.add(n); });
  /** @type {Set<Decl>} */
  const written = new Set(scope.decls.filter((d) => !inside.has(d) && d !== c.decl && d.writes.some((w) => epiNodes.has(w))));
  /** @type {string} */
  let read = "";
  for (const part of [...pro, whileLoop]) {
    walk(part, (n) => {
      const d = n.kind === NodeKind.Identifier ? scope.refs.get(n) : undefined;
      if (d && written.has(d)) read = d.name;
    });
  }
  if (read) return `'${read}' is assigned after the while loop and read before it or in it (the next iteration depends on this one)`;
  // The copy for i + 1 renames the loop's own locals; an outer name used in the body must not be one of theirs.
  const insideNames = new Set([...inside].map((d) => d.name));
  for (const n of bodyNodes) {
    const d = n.kind === NodeKind.Identifier ? scope.refs.get(n) : undefined;
    if (d && !inside.has(d) && d !== c.decl && insideNames.has(d.name)) return `the loop body declares '${d.name}' and also uses an outer '${d.name}'`;
  }
  return { info, loop, whileLoop, pro, epi, inside };
}

/** @param {AstNode} n */
function short(n) {
  const t = textOf(n).replace(/\s+/g, " ");
  return t.length > 50 ? `${t.slice(0, 47)}...` : t;
}

/**
 * Why an expression of the scalar part is not pure, trap-free scalar code, or "".
 * @param {AstNode} node @param {{ scope: FunctionScope, inside: Set<Decl> }} ctx @param {boolean} assign  assignments (to the loop's own locals) allowed
 * @returns {string}
 */
function scalarProblem(node, ctx, assign) {
  const e = node;
  const sub = (/** @type {AstNode} */ x) => scalarProblem(x, ctx, assign);
  switch (e.kind) {
    case NodeKind.Literal:
      return e.literalKind === LiteralKind.Integer || e.literalKind === LiteralKind.Float ? "" : `uses a literal that is not a number ('${short(e)}')`;
    case NodeKind.True: case NodeKind.False:
      return "";
    case NodeKind.Parenthesized:
      return sub(e.expression);
    case NodeKind.Identifier:
      return ctx.scope.refs.has(e) ? "" : `reads '${e.text}', which is not a local or a parameter`;
    case NodeKind.ElementAccess:
      return `accesses array memory ('${short(e)}'): only scalar locals can run ahead of the previous iteration`;
    case NodeKind.PropertyAccess:
      return `reads a property ('${short(e)}'): only scalar locals can run ahead of the previous iteration`;
    case NodeKind.Call: {
      const callee = unparen(e.expression);
      if (callee.kind !== NodeKind.Identifier || ctx.scope.refs.has(callee) || !PURE_CALLS.has(callee.text)) {
        return `calls '${short(e.expression)}' (only pure built-ins such as sqrt, abs, min, max and casts can run ahead of the previous iteration)`;
      }
      for (const a of e.args) {
        const why = sub(a);
        if (why) return why;
      }
      return "";
    }
    case NodeKind.Assertion: {
      const t = simpleTypeName(e.toType);
      if ((e.assertionKind !== AssertionKind.Prefix && e.assertionKind !== AssertionKind.As) || !t || !NUMERIC.has(t)) return `has a cast that is not to a number type ('${short(e)}')`;
      return sub(e.expression);
    }
    case NodeKind.Ternary:
      return sub(e.condition) || sub(e.ifThen) || sub(e.ifElse);
    case NodeKind.UnaryPrefix:
    case NodeKind.UnaryPostfix:
      if (e.operator === Token.Plus_Plus || e.operator === Token.Minus_Minus) return targetProblem(e.operand, ctx, assign);
      if (e.kind === NodeKind.UnaryPrefix && UNARY.has(e.operator)) return sub(e.operand);
      return `has an operator it does not handle ('${short(e)}')`;
    case NodeKind.Binary: {
      const op = e.operator;
      if (isAssignOp(op)) {
        const why = targetProblem(e.left, ctx, assign) || sub(e.right);
        if (why) return why;
        const base = compoundBase(op);
        return base === null ? "" : divisionProblem(base, e.left, e.right, ctx.scope);
      }
      if (op === Token.Asterisk_Asterisk) return `uses '**' ('${short(e)}'), which calls a function`;
      if (op === Token.Comma) return `uses the comma operator ('${short(e)}')`;
      return sub(e.left) || sub(e.right) || divisionProblem(op, e.left, e.right, ctx.scope);
    }
    default:
      return `has an expression it does not handle ('${short(e)}')`;
  }
}

/**
 * An assignment target of the scalar part: a local declared in the loop body.
 * @param {AstNode} target @param {{ scope: FunctionScope, inside: Set<Decl> }} ctx @param {boolean} assign
 */
function targetProblem(target, ctx, assign) {
  const t = unparen(target);
  if (!assign) return `assigns ('${short(target)}')`;
  if (t.kind === NodeKind.ElementAccess) return `stores to array memory ('${short(t)}'): only scalar locals can run ahead of the previous iteration`;
  if (t.kind !== NodeKind.Identifier) return `assigns to '${short(t)}', which is not a local`;
  const d = ctx.scope.refs.get(t);
  if (!d) return `assigns '${t.text}', which is not a local or a parameter`;
  if (!ctx.inside.has(d)) return `assigns '${d.name}', which is declared outside the loop body (the two iterations would share it)`;
  return "";
}

/**
 * Integer `/` and `%` trap on a zero divisor (and MIN / -1): allowed only on
 * floats or with a literal divisor other than 0 and -1.
 * @param {number} op @param {AstNode} left @param {AstNode} right @param {FunctionScope} scope
 */
function divisionProblem(op, left, right, scope) {
  if (op !== Token.Slash && op !== Token.Percent) return "";
  const lt = inferType(left, scope.refs), rt = inferType(right, scope.refs);
  const isFloat = (/** @type {string | null} */ t) => t === "f64" || t === "f32";
  if (isFloat(lt) || isFloat(rt)) return "";
  const v = intValue(right);
  if (v !== null && v !== 0 && v !== -1) return "";
  return `divides by '${short(right)}' ('${short(left)} ${op === Token.Slash ? "/" : "%"} ${short(right)}'): an integer division can trap, and would then trap before the previous iteration's stores`;
}

/**
 * Why a statement of the while loop's body is not scalar, or "".
 * @param {AstNode} s @param {{ scope: FunctionScope, inside: Set<Decl> }} ctx
 * @returns {string}
 */
function statementProblem(s, ctx) {
  switch (s.kind) {
    case NodeKind.Block:
      for (const x of s.statements) {
        const why = statementProblem(x, ctx);
        if (why) return why;
      }
      return "";
    case NodeKind.Empty:
      return "";
    case NodeKind.Expression:
      return scalarProblem(s.expression, ctx, true);
    case NodeKind.Variable:
      for (const d of s.declarations) {
        if ((d.flags & (CommonFlags.Let | CommonFlags.Const)) === 0) return "declares a 'var'";
        const why = d.initializer ? scalarProblem(d.initializer, ctx, false) : "";
        if (why) return why;
      }
      return "";
    case NodeKind.If:
      return scalarProblem(s.condition, ctx, false) || statementProblem(s.ifTrue, ctx) || (s.ifFalse ? statementProblem(s.ifFalse, ctx) : "");
    case NodeKind.Break:
      return s.label ? "has a labeled 'break'" : "";
    case NodeKind.Continue:
      return "uses 'continue'";
    case NodeKind.For: case NodeKind.While: case NodeKind.Do:
      return "holds a nested loop";
    case NodeKind.Return:
      return "returns";
    case NodeKind.Throw:
      return "throws (an abort would happen before the previous iteration's stores)";
    default:
      return `has a statement it does not handle ('${short(s)}')`;
  }
}

/**
 * Why the code after the while loop cannot run once per iteration of the
 * pair in order (it leaves the iteration), or "".
 * @param {AstNode[]} epi
 */
function epilogueProblem(epi) {
  let why = "";
  const visit = (/** @type {AstNode} */ root) => walkNested(root, (node, at) => {
    if (why) return false;
    switch (node.kind) {
      case NodeKind.Return: why = "it returns"; return false;
      case NodeKind.Break:
        if (node.label) why = "it has a labeled 'break'";
        else if (at.loops === 0 && at.switches === 0) why = "it breaks out of the loop";
        return false;
      case NodeKind.Continue:
        if (node.label) why = "it has a labeled 'continue'";
        else if (at.loops === 0) why = "it uses 'continue'";
        return false;
      case NodeKind.Variable:
        if (node.declarations.some((/** @type {AstNode} */ d) => (d.flags & (CommonFlags.Let | CommonFlags.Const)) === 0)) why = "it declares a 'var'";
        return true;
      default:
        return true;
    }
  });
  for (const s of epi) visit(s);
  return why;
}

/**
 * A copy of `node` where `override` may replace any node (returning a
 * replacement) or leave it to be copied (undefined).
 * @param {AstNode} node @param {(n: AstNode) => AstNode | undefined} override
 * @returns {AstNode}
 */
function copyWith(node, override) {
  const o = override(node);
  return o !== undefined ? o : mapChildren(node, (ch) => copyWith(ch, override));
}

/**
 * The code that replaces the loop (see the file comment).
 * @param {Plan} plan @param {FunctionScope} scope @param {number} k  unique per function
 */
function emit(plan, scope, k) {
  const { loop, whileLoop, pro, epi, inside } = plan;
  const c = /** @type {import("./loops.js").Canonical} */ (plan.info.canonical);
  const r = loop.range;
  const counter = c.decl.name;
  const liveA = `__tsk_live${k}a`, liveB = `__tsk_live${k}b`, end = `__tsk_pairs${k}`, from = `__tsk_from${k}`, rest = `__tsk_rest${k}`;
  /** @type {Map<Decl, string>} */
  const renamed = new Map([...inside].map((d) => [d, `__tsk_i${k}_${d.name}`]));
  /** @type {Map<AstNode, Decl>} */
  const declOf = new Map(scope.decls.map((d) => [d.node, d]));
  // Iteration i keeps the source's names; iteration i + 1 reads `(i + 1)` and renamed locals.
  /** @param {AstNode} n */
  const forB = (n) => {
    if (n.kind === NodeKind.Identifier) {
      const d = scope.refs.get(n);
      if (d === c.decl) return Node.createParenthesizedExpression(bin(Token.Plus, id(counter, n.range), int(1, n.range), n.range), n.range);
      if (d && renamed.has(d)) return id(/** @type {string} */ (renamed.get(d)), n.range);
      return undefined;
    }
    if (n.kind === NodeKind.VariableDeclaration) {
      const d = declOf.get(n);
      if (!d || !renamed.has(d)) return undefined;
      const copy = mapChildren(n, (ch) => copyWith(ch, forB));
      copy.name = id(/** @type {string} */ (renamed.get(d)), n.name.range);
      return copy;
    }
    return undefined;
  };
  const forA = () => undefined;
  // In lockstep a `break` (which ends one iteration's while loop) ends the lockstep loop and says whose.
  const exits = (/** @type {(n: AstNode) => AstNode | undefined} */ base, /** @type {string} */ flag) => (/** @type {AstNode} */ n) =>
    n.kind === NodeKind.Break ? block([exprStmt(bin(Token.Equals, id(flag, n.range), Node.createFalseExpression(n.range), n.range)), Node.createBreakStatement(null, n.range)], n.range) : base(n);
  const cond = unparen(whileLoop.condition);
  const wr = whileLoop.range;
  const step = (/** @type {(n: AstNode) => AstNode | undefined} */ map, /** @type {string} */ flag) => {
    const out = [];
    if (cond.kind !== NodeKind.True) {
      const notCond = Node.createUnaryPrefixExpression(Token.Exclamation, Node.createParenthesizedExpression(copyWith(whileLoop.condition, map), wr), wr);
      out.push(ifStmt(notCond, block([exprStmt(bin(Token.Equals, id(flag, wr), Node.createFalseExpression(wr), wr)), Node.createBreakStatement(null, wr)], wr), null, wr));
    }
    out.push(copyWith(whileLoop.body, exits(map, flag)));
    return out;
  };
  const lockstep = Node.createWhileStatement(Node.createTrueExpression(wr), block([...step(forA, liveA), ...step(forB, liveB)], wr), wr);
  const pairBody = [
    ...pro.map((s) => copyWith(s, forA)),
    ...pro.map((s) => copyWith(s, forB)),
    decl(liveA, "bool", Node.createTrueExpression(wr), wr),
    decl(liveB, "bool", Node.createTrueExpression(wr), wr),
    lockstep,
    ifStmt(id(liveA, wr), copyWith(whileLoop, forA), null, wr),
    ifStmt(id(liveB, wr), copyWith(whileLoop, forB), null, wr),
    ...epi.map((s) => copyWith(s, forA)),
    ...epi.map((s) => copyWith(s, forB)),
  ];
  const bound = () => copyWith(c.bound, forA);
  const br = c.bound.range;
  const i64 = (/** @type {AstNode} */ e) => cast("i64", e, br);
  const counterDecl = loop.initializer.declarations[0];
  const ir = counterDecl.range;
  // INIT once, as the original did; the pairs run while i + 1 < BOUND, i.e.
  // i < BOUND - 1 (none when BOUND is i32's minimum); an odd last iteration
  // starts at from + ((BOUND - from) & ~1), in i64 so nothing wraps. Both
  // loops keep a counter of their own (loop outlining needs that).
  const fromDecl = decl(from, "i32", counterDecl.initializer, ir, true);
  const pairsEnd = decl(end, "i32", Node.createTernaryExpression(
    bin(Token.Exclamation_Equals, bound(), prop(id("i32", br), "MIN_VALUE", br), br),
    bin(Token.Minus, bound(), int(1, br), br), bound(), br), br, true);
  const pairs = Node.createForStatement(decl(counter, "i32", id(from, ir), ir), bin(Token.LessThan, id(counter, r), id(end, r), r),
    bin(Token.Plus_Equals, id(counter, r), int(2, r), r), block(pairBody, loop.body.range), r);
  const restDecl = decl(rest, "i32", Node.createTernaryExpression(
    bin(Token.LessThan, id(from, br), bound(), br),
    cast("i32", bin(Token.Plus, i64(id(from, br)), bin(Token.Ampersand, bin(Token.Minus, i64(bound()), i64(id(from, br)), br), int(-2, br), br), br), br),
    id(from, br), br), br, true);
  // The odd last iteration, if any: the original body once (it has no
  // break or continue of the loop, so no loop is needed around it).
  const last = ifStmt(bin(Token.LessThan, id(rest, br), bound(), br),
    block([decl(counter, "i32", id(rest, ir), ir, true), ...loop.body.statements], loop.body.range), null, r);
  generated.add(pairs);
  return block([fromDecl, pairsEnd, pairs, restDecl, last], r);
}
