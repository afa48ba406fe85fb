/**
 * Loop-body outlining, so that a long kernel's first call is not stuck in
 * V8's baseline code.
 *
 * V8 compiles a wasm function first with its baseline compiler (Liftoff) and
 * compiles it again with the optimizing one (TurboFan) once it has run
 * enough; the optimized code is used from the next CALL of that function on.
 * Wasm has no on-stack replacement in V8, so a kernel that does all its work
 * in one call runs that call to its end in baseline code (2-4x slower). Here
 * an outer loop is split into chunks of CHUNK (CHUNK_NESTED) iterations, and
 * the loop over one chunk becomes a separate function called once per chunk:
 * after a few calls it is hot, V8 optimizes it in the background, and the
 * remaining chunks call the optimized code.
 *
 * Which loop: a counted loop (loops.js) whose body holds a two-deep nest (its
 * height is 3: the rows of mandelbrot, the row pairs of a blocked matmul),
 * and an outermost counted loop of height 2 (the rows of a DP table or an
 * image); loops over at most SHORT_LOOP literal iterations (filter taps) do
 * not count as a level. A chunk of those is long enough that the call costs
 * little (measured: +10-20% only for rows of 2 elements), and there are
 * enough chunks that most of them run optimized.
 *
 * Limits: the iteration count is unknown at compile time, so an outer loop
 * of few iterations (nbodyStep's `steps`, usually 1) gains nothing; a height-2
 * loop inside such a loop is not outlined (one level per nest).
 *
 * When: the loop may read any parameter or local of the function (they become
 * parameters of the outlined function, so their types must be known: written,
 * or inferred by scope.js) and write at most one of them that is used after
 * it (the counter, when declared outside the loop, counts; the outlined
 * function returns it); it must not `return`, `break` out of the loop or
 * declare a `var`, and its bound must not change while it runs (it is read
 * once per chunk). Everything else keeps its source range, so bounds-check and
 * trap locations still name the kernel line, and the iterations run in the
 * same order with the same effects. The outlined function
 * (`__tsk_outline<n>_<function>`) is marked not-inlinable for Binaryen
 * (markOutlinedNoInline, run after AssemblyScript has compiled and before
 * Binaryen optimizes); otherwise Binaryen would inline it straight back into
 * its single caller.
 */
import { Node, NodeKind, CommonFlags, Token, id, int, intValue, cast, call, decl, block, exprStmt, bin, deepCopy, walk, type as namedType } from "./ast.js";
import { ParameterKind, ArrowKind } from "assemblyscript";
import { analyzeScope } from "./scope.js";
import { analyzeLoops } from "./loops.js";

/** @typedef {import("./ast.js").AstNode} AstNode */
/** @typedef {import("./scope.js").Decl} Decl */
/** @typedef {import("./loops.js").LoopInfo} LoopInfo */

/** Name prefix of outlined functions (the no-inline pattern matches it). */
export const OUTLINE_PREFIX = "__tsk_outline";

/** Functions this pass created (the transform meets them again in the source's statement list). */
const created = new WeakSet();

/** Was `fn` created by outlining? @param {AstNode} fn */
export const isOutlined = (fn) => created.has(fn);

/**
 * Iterations of the outlined loop per call: enough to make the call's cost
 * (arguments, header loads, versioning conditions) vanish, few enough that
 * only a small part of the first call runs before V8's optimized code is
 * ready. An outermost loop's iterations are usually long (image rows); a loop
 * inside another runs once per outer iteration, so it gets longer chunks
 * (conv2d's pixel loop: 16 pixels per call cost 5-8% warm, 64 nothing).
 */
export const CHUNK = 16;
export const CHUNK_NESTED = 64;

/** Loops with literal bounds and at most this many iterations count as straight-line code (a 3-tap filter loop is not a nest level). */
const SHORT_LOOP = 16;

/**
 * Outlines the outer loops of `fn` (see above). `fn.body` is changed in
 * place; the new functions are inserted into the source right after `fn` and
 * returned (the caller optimizes them).
 * @param {AstNode} fn  a top-level FunctionDeclaration
 * @param {(at: AstNode, message: string) => void} note  report entries (kind "outlined")
 * @returns {AstNode[]}
 */
export function outlineLoopBodies(fn, note) {
  const source = fn.range?.source;
  if (fn.kind !== NodeKind.FunctionDeclaration || !source || !source.statements.includes(fn)) return [];
  if (!fn.body || fn.body.kind !== NodeKind.Block || (fn.typeParameters && fn.typeParameters.length)) return [];
  const scope = analyzeScope(fn);
  if (scope.unsupported) return [];
  const structure = analyzeLoops(fn.body, scope);
  const loops = [...structure.loops.values()];
  const height = new Map();
  const h = (/** @type {LoopInfo} */ l) => {
    if (!height.has(l)) height.set(l, (isShort(l) ? 0 : 1) + Math.max(0, ...l.inner.map(h)));
    return height.get(l);
  };
  // The outermost enclosing loop that is not short.
  const outer = (/** @type {LoopInfo} */ l) => {
    for (let p = l.parent; p; p = p.parent) if (!isShort(p)) return p;
    return null;
  };
  const candidates = loops.filter((l) => !isShort(l) && (h(l) === 3 || (h(l) === 2 && !outer(l))));
  const out = [];
  let k = 0;
  for (const loop of candidates) {
    const plan = planOutline(loop, scope);
    if (typeof plan === "string") {
      note(loop.node, `loop not outlined (its first call runs in V8's baseline code): ${plan}`);
      continue;
    }
    const name = `${OUTLINE_PREFIX}${k++}_${fn.name.text}`;
    const chunk = outer(loop) ? CHUNK_NESTED : CHUNK;
    out.push(emit(fn, loop, plan, name, k, chunk));
    note(loop.node, `loop outlined into '${name}' (${chunk} iterations per call, not inlined), so V8's optimized code takes over after the first iterations of the first call`);
  }
  if (out.length) source.statements.splice(source.statements.indexOf(fn) + 1, 0, ...out);
  return out;
}

/** A counted loop from a literal to a literal, at most SHORT_LOOP iterations. @param {LoopInfo} l */
function isShort(l) {
  const c = l.canonical;
  if (!c || !c.init) return false;
  const a = intValue(c.init), b = intValue(c.bound);
  if (a === null || b === null) return false;
  const span = (c.dir > 0 ? b - a : a - b) + (c.inclusive ? 1 : 0);
  return span / c.step <= SHORT_LOOP;
}

/**
 * @typedef {object} OutlinePlan
 * @property {Decl[]} inputs            outer parameters and locals the loop reads or writes (but its counter), in declaration order
 * @property {Decl | null} result       what the outlined function returns: the counter when it is declared outside the
 *                                      loop (the caller needs its final value), or the one outer variable the body assigns
 */

/**
 * What outlining `loop` takes, or why it cannot be outlined.
 * @param {LoopInfo} info @param {import("./scope.js").FunctionScope} scope
 * @returns {OutlinePlan | string}
 */
function planOutline(info, scope) {
  const loop = info.node;
  const c = info.canonical;
  if (!c) return `not a counted loop (${info.why})`;
  const ini = loop.initializer;
  const ownCounter = !!ini && ini.kind === NodeKind.Variable;
  if (ini && !ownCounter) return "the loop's initializer assigns an outer variable";
  if (c.decl.kind === "var") return `its counter '${c.decl.name}' is a 'var'`;
  const body = loop.body;
  /** @type {Set<AstNode>} */
  const inside = new Set();
  /** @type {Set<AstNode>} */
  const declaredInside = new Set();
  let problem = "";
  // loops: loops entered inside the body; switches: switches entered at loop level 0.
  const visit = (/** @type {AstNode} */ node, loops = 0, switches = 0) => {
    if (problem) return;
    inside.add(node);
    switch (node.kind) {
      case NodeKind.Return: problem = "the loop body contains 'return'"; return;
      case NodeKind.Break:
        if (node.label) problem = "the loop body contains a labeled 'break'";
        else if (loops === 0 && switches === 0) problem = "the loop body contains a 'break' out of the loop";
        return;
      case NodeKind.Continue: // continues the outlined loop, as before
        if (node.label) problem = "the loop body contains a labeled 'continue'";
        return;
      case NodeKind.Variable:
        for (const d of node.declarations) {
          if ((d.flags & (CommonFlags.Const | CommonFlags.Let)) === 0) problem = "the loop body declares a 'var' (function-scoped)";
          declaredInside.add(d);
        }
        break;
      default:
    }
    const isLoop = node.kind === NodeKind.For || node.kind === NodeKind.While || node.kind === NodeKind.Do;
    const isSwitch = node.kind === NodeKind.Switch;
    for (const k of Object.keys(node)) {
      if (k === "range") continue;
      const v = node[k];
      const next = (/** @type {AstNode} */ ch) => visit(ch, loops + (isLoop ? 1 : 0), switches + (isSwitch && loops === 0 ? 1 : 0));
      if (Array.isArray(v)) v.forEach((ch) => ch instanceof Node && ch.kind !== NodeKind.Source && next(ch));
      else if (v instanceof Node && v.kind !== NodeKind.Source) next(v);
    }
  };
  visit(body);
  if (problem) return problem;
  // The bound is evaluated once per call instead of once per iteration: it
  // must not change while the loop runs.
  const boundProblem = checkBound(c.bound, scope, inside);
  if (boundProblem) return boundProblem;
  /** @type {Set<AstNode>} */
  const boundNodes = new Set();
  walk(c.bound, (n) => { boundNodes.add(n); });
  /** @type {Set<Decl>} */
  const used = new Set();
  for (const [ref, d] of scope.refs) if ((inside.has(ref) || boundNodes.has(ref)) && !declaredInside.has(d.node) && d !== c.decl) used.add(d);
  const inputs = [...used].sort((x, y) => x.index - y.index);
  const untyped = inputs.filter((d) => !typeNodeOf(d));
  if (untyped.length) return `the type of '${untyped.map((d) => d.name).join("', '")}' is not known before compiling (annotate it: 'const ${untyped[0].name}: T = ...')`;
  const written = inputs.filter((d) => d.writes.some((w) => inside.has(w)));
  if (written.length + (ownCounter ? 0 : 1) > 1) {
    const names = [...(ownCounter ? [] : [c.decl.name]), ...written.map((d) => d.name)];
    return `the loop assigns ${names.length} variables used after it ('${names.join("', '")}'); at most one can be returned`;
  }
  return { inputs, result: ownCounter ? written[0] ?? null : c.decl };
}

/**
 * Why the loop bound might change during the loop, or "".
 * @param {AstNode} bound @param {import("./scope.js").FunctionScope} scope @param {Set<AstNode>} inside  the body's nodes
 */
function checkBound(bound, scope, inside) {
  let why = "";
  walk(bound, (n) => {
    if (why) return false;
    switch (n.kind) {
      case NodeKind.Literal: case NodeKind.Parenthesized: return true;
      case NodeKind.Binary:
        if (n.operator >= Token.Equals && n.operator <= Token.Caret_Equals) why = "the loop condition assigns";
        return true;
      case NodeKind.UnaryPrefix:
        if (n.operator === Token.Plus_Plus || n.operator === Token.Minus_Minus) why = "the loop condition assigns";
        return true;
      case NodeKind.Identifier: {
        const d = scope.refs.get(n);
        if (!d) why = `the loop bound reads '${n.text}', which is not a local or a parameter`;
        else if (d.writes.some((w) => inside.has(w))) why = `the loop body changes '${d.name}', which the bound reads`;
        return false;
      }
      case NodeKind.PropertyAccess:
        if (n.property.text !== "length" || n.expression.kind !== NodeKind.Identifier || !scope.refs.has(n.expression)) why = "the loop bound reads a property";
        return !why;
      default:
        why = "the loop bound is not arithmetic on locals, parameters and lengths";
        return false;
    }
  });
  return why;
}

/** The declared (or inferred) type of a parameter or local, as a new type node. @param {Decl} d */
function typeNodeOf(d) {
  if (d.node.type) return deepCopy(d.node.type);
  return d.type ? namedType(d.type, d.node.range) : null;
}

/**
 * Builds the outlined function (the loop over one chunk of iterations) and
 * turns the loop into a loop over chunks calling it:
 *
 *     for (let i = INIT; i < BOUND; i += S) BODY
 *  -> for (let c: i64 = INIT; c < BOUND; c += CHUNK * S) f(<i32>c, ...inputs);
 *     function f(i: i32, ...inputs): void {
 *       const end: i32 = <i32>min<i64>(<i64>i + CHUNK * S, <i64>BOUND);
 *       for (; i < end; i += S) BODY
 *     }
 *
 * The chunk counter is an i64, so it cannot wrap; inside a chunk the loop
 * steps exactly as the original did (down-counting loops and <=, >= alike).
 * @param {AstNode} fn @param {LoopInfo} info @param {OutlinePlan} plan @param {string} name @param {number} n  unique per function
 * @param {number} chunk  iterations per call
 */
function emit(fn, info, plan, name, n, chunk) {
  const loop = info.node;
  const c = /** @type {import("./loops.js").Canonical} */ (info.canonical);
  const r = loop.body.range;
  const lr = loop.range;
  const counter = c.decl.name;
  const K = chunk * c.step;
  const i64 = (/** @type {AstNode} */ e) => cast("i64", e, lr);
  const result = () => (plan.result ? id(plan.result.name, r) : null);
  // The outlined function.
  const up = c.dir > 0;
  const reach = up ? bin(Token.Plus, i64(id(counter, lr)), i64(int(c.inclusive ? K - 1 : K, lr)), lr)
    : bin(Token.Minus, i64(id(counter, lr)), i64(int(c.inclusive ? K - 1 : K, lr)), lr);
  const endName = "__tsk_end";
  const end = decl(endName, "i32", cast("i32", call(up ? "min" : "max", [reach, i64(deepCopy(c.bound))], lr, ["i64"]), lr), lr, true);
  const cmp = up ? (c.inclusive ? Token.LessThan_Equals : Token.LessThan) : (c.inclusive ? Token.GreaterThan_Equals : Token.GreaterThan);
  const inner = Node.createForStatement(null, bin(cmp, id(counter, lr), id(endName, lr), lr), loop.incrementor, loop.body, lr);
  const statements = [end, inner];
  if (plan.result) statements.push(Node.createReturnStatement(result(), r));
  const params = [
    Node.createParameter(ParameterKind.Default, id(counter, c.decl.node.range), namedType("i32", lr), null, c.decl.node.range),
    ...plan.inputs.map((d) => Node.createParameter(ParameterKind.Default, id(d.name, d.node.range), typeNodeOf(d), null, d.node.range)),
  ];
  const returnType = plan.result ? (plan.result === c.decl ? namedType("i32", lr) : typeNodeOf(plan.result)) : namedType("void", r);
  const signature = Node.createFunctionType(params, returnType, null, false, r);
  // The declaration's own range is the enclosing function's, so the
  // transform's directive scan between statements is unchanged.
  const outlined = Node.createFunctionDeclaration(id(name, lr), null, CommonFlags.None, null, signature, block(statements, r), ArrowKind.None, fn.range);
  created.add(outlined);
  // The loop over chunks, in place of the loop.
  const chunkVar = `__tsk_chunk${n}`;
  const start = loop.initializer ? loop.initializer.declarations[0].initializer : id(counter, lr);
  const callExpr = Node.createCallExpression(id(name, lr), null, [cast("i32", id(chunkVar, lr), lr), ...plan.inputs.map((d) => id(d.name, lr))], lr);
  loop.initializer = Node.createVariableStatement(null, [Node.createVariableDeclaration(id(chunkVar, lr), null, CommonFlags.Let, namedType("i64", lr), i64(start), lr)], lr);
  loop.condition = bin(cmp, id(chunkVar, lr), i64(deepCopy(c.bound)), lr);
  loop.incrementor = bin(up ? Token.Plus_Equals : Token.Minus_Equals, id(chunkVar, lr), i64(int(K, lr)), lr);
  loop.body = block([exprStmt(plan.result ? bin(Token.Equals, id(plan.result.name, lr), callExpr, lr) : callExpr)], r);
  return outlined;
}

/**
 * Marks every outlined function not-inlinable in a compiled Binaryen module
 * (call from the transform's afterCompile, before Binaryen optimizes).
 * @param {any} module   binaryen Module
 * @param {any} binaryen the binaryen.js instance AssemblyScript uses
 */
export function markOutlinedNoInline(module, binaryen) {
  binaryen.setPassArgument("no-inline", `*${OUTLINE_PREFIX}*`);
  try {
    module.runPasses(["no-inline"]);
  } finally {
    binaryen.setPassArgument("no-inline", null);
  }
}
