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
 * Which loops (of exported kernels only: a helper runs inside a kernel call,
 * usually many times, and tiers up by its own calls). Height counts the
 * levels of a nest; loops over at most SHORT_LOOP literal iterations (filter
 * taps) do not count as a level.
 *  - A height-3 loop (rows of mandelbrot) holding a single nest, when it runs
 *    inside another loop or reads its own counter, or an outermost one that
 *    reads its counter holding several (blurSeparable's rows): CHUNK
 *    (outermost) or CHUNK_NESTED iterations per call.
 *  - Otherwise its height-2 loops, each on its own: an outermost loop that
 *    never reads its counter repeats a caller-chosen number of times, often
 *    once (nbodyStep's `steps`), and several nests inside another loop make
 *    a function slow for TurboFan to compile (the library's matmul).
 *  - A height-2 loop with no height-3 loop around it (rows of a DP table).
 *  - An outermost loop with no inner loop (a streaming loop: dot, sum,
 *    argmin, prefixSum): CHUNK_STREAM iterations per call.
 *
 * Limits: iteration counts are unknown at compile time, so the rules above
 * are guesses about which level runs long; a kernel whose work is a few ms
 * split over several functions (blurSeparable) spends most of its first call
 * waiting for their compiles.
 *
 * When: the loop may read any parameter or local of the function (they become
 * parameters of the outlined function, so their types must be known: written,
 * or inferred by scope.js). Of those it writes, the outlined function returns
 * one (the counter, when declared outside the loop) and hands the others
 * back through module-level globals, which must therefore hold numbers or
 * bools (argmin's `best` and `at`). A `return` inside (of a number, bool or
 * nothing) and a `break` out of the loop set a flag global that the caller
 * tests after each chunk. The body must not declare a `var` or a function,
 * and the bound must not change while the loop runs (it is read once per
 * chunk). Everything else keeps its source range, so bounds-check and
 * trap locations still name the kernel line, and the iterations run in the
 * same order with the same effects. The outlined function
 * (`__tsk_outline<n>_<function>`) is marked not-inlinable for Binaryen
 * (markOutlinedNoInline, run after AssemblyScript has compiled and before
 * Binaryen optimizes); otherwise Binaryen would inline it straight back into
 * its single caller. Each outlined function has a checked twin
 * (`__tsk_outline<n>_<function>_checked`, see `checkedTwinOf`) that its
 * versioned chunk loop calls when the run-time conditions fail.
 */
import { Node, NodeKind, CommonFlags, Token, id, int, intValue, cast, call, decl, block, exprStmt, ifStmt, bin, deepCopy, walk, walkNested, replaceChild, hasEffects, type as namedType } from "./ast.js";
import { ParameterKind, ArrowKind } from "assemblyscript";
import { analyzeScope } from "./scope.js";
import { analyzeLoops, boundChangeProblem } from "./loops.js";

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
 * The checked twin of each outlined function: the same chunk loop, compiled
 * with the reference rewrite (every access checked). The optimized function
 * calls it when its versioning conditions fail, instead of carrying its own
 * checked copy of the loop: that copy doubled the function TurboFan has to
 * compile before a first call can switch to optimized code (matmul's strip
 * loop: 1964 bytes, 6 ms). Same source ranges, so the same located errors.
 * @type {WeakMap<AstNode, string>}
 */
const twinOf = new WeakMap();
/** @type {WeakSet<AstNode>} */
const twins = new WeakSet();

/** The name of the checked twin of outlined function `fn`, if it has one. @param {AstNode} fn */
export const checkedTwinOf = (fn) => twinOf.get(fn) ?? null;
/** Is `fn` a checked twin (compile it with the reference rewrite)? @param {AstNode} fn */
export const isCheckedTwin = (fn) => twins.has(fn);

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
/**
 * A loop without inner loops (a streaming loop: dot, sum, prefixSum) does a
 * few ns per iteration, so its chunks are long: CHUNK_STREAM iterations keep
 * the call, the header loads and the bounds-versioning test per chunk below
 * 1% warm, and are still short enough (a few microseconds in baseline code)
 * that V8's tier-up budget runs out within the first percent of an 8M-element
 * first call.
 */
export const CHUNK_STREAM = 4096;

/** Types a value handed back through a module-level global may have. */
const VALUE_TYPES = new Set(["i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "isize", "usize", "f32", "f64", "bool"]);

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
  // Only kernels (exported): JS calls them once per use, while a helper runs
  // inside a kernel call, usually many times, and tiers up by its own calls
  // (outlining its loops would only add calls).
  if ((fn.flags & CommonFlags.Export) === 0) return [];
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
  // The nearest enclosing loop of height 3 (a two-deep nest inside it).
  const top3 = (/** @type {LoopInfo} */ l) => {
    for (let p = l.parent; p; p = p.parent) if (!isShort(p) && h(p) === 3) return p;
    return null;
  };
  /** @type {Map<LoopInfo, number>} */
  const nests = new Map();
  for (const l of loops) {
    const t = !isShort(l) && h(l) === 2 ? top3(l) : null;
    if (t) nests.set(t, (nests.get(t) ?? 0) + 1);
  }
  // A height-3 loop is outlined whole when it holds a single nest, and either
  // runs inside another loop or reads its own counter (rows of an image); an
  // outermost row loop (it reads its counter) also with several nests
  // (blurSeparable's three pixel loops per row: outlined one by one, 64
  // pixels per call, they ran 5-8% slower). An outermost loop whose body
  // never reads its counter repeats the same work a caller-chosen number of
  // times, often once (nbodyStep's `steps`), and several nests inside
  // another loop make a big function that TurboFan compiles slowly and
  // optimizes worse (the library's matmul: 0.66-0.87x the time outlined per
  // nest): then its height-2 loops are outlined instead.
  const whole = (/** @type {LoopInfo | null} */ t) => !!t && (nests.get(t) === 1 ? !!outer(t) || readsCounter(t, scope) : !outer(t) && readsCounter(t, scope));
  const candidates = loops.filter((l) => !isShort(l) && ((h(l) === 3 && whole(l)) || (h(l) === 2 && !whole(top3(l))) || (h(l) === 1 && !outer(l))));
  const out = [];
  const inserted = [];
  let k = 0;
  for (const loop of candidates) {
    const plan = planOutline(loop, scope, fn);
    if (typeof plan === "string") {
      note(loop.node, `loop not outlined (its first call runs in V8's baseline code): ${plan}`);
      continue;
    }
    const name = `${OUTLINE_PREFIX}${k++}_${fn.name.text}`;
    const chunk = h(loop) === 1 ? CHUNK_STREAM : outer(loop) ? CHUNK_NESTED : CHUNK;
    const c = /** @type {import("./loops.js").Canonical} */ (loop.canonical);
    // Streaming loops keep a direct copy for calls of at most one chunk (a
    // 16-element dot would otherwise pay the call); the test re-evaluates
    // the start and bound, so both must be free of effects.
    const guard = h(loop) === 1 && !hasEffects(c.bound) && !(loop.node.initializer && hasEffects(loop.node.initializer));
    const [outlined, ...globals] = emit(fn, loop, plan, name, k, chunk, guard);
    const twin = checkedTwin(outlined, `${name}_checked`);
    out.push(outlined, twin);
    inserted.push(outlined, twin, ...globals);
    const carried = plan.extras.length ? `; '${plan.extras.map((d) => d.name).join("', '")}' handed back through globals` : "";
    const direct = guard ? `; a run of at most ${chunk} iterations takes a direct copy of the loop` : "";
    note(loop.node, `loop outlined into '${name}' (${chunk} iterations per call, not inlined${carried}${direct}), so V8's optimized code takes over after the first iterations of the first call`);
  }
  if (inserted.length) source.statements.splice(source.statements.indexOf(fn) + 1, 0, ...inserted);
  return out;
}

/**
 * A copy of an outlined function (made before any rewrite) under `name`.
 * @param {AstNode} outlined @param {string} name
 */
function checkedTwin(outlined, name) {
  const twin = deepCopy(outlined);
  twin.name = id(name, outlined.name.range);
  created.add(twin);
  twins.add(twin);
  twinOf.set(outlined, name);
  return twin;
}

/** Does the loop's body read its counter? (true when it has no canonical counter) @param {LoopInfo} l @param {import("./scope.js").FunctionScope} scope */
function readsCounter(l, scope) {
  const d = l.canonical?.decl;
  if (!d) return true;
  let reads = false;
  walk(l.node.body, (n) => {
    if (n.kind === NodeKind.Identifier && scope.refs.get(n) === d) reads = true;
    return !reads;
  });
  return reads;
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
 * @typedef {object} Slot  where a node sits: `parent[key]` or `parent[key][index]`
 * @property {AstNode} parent @property {string} key @property {number} index  -1: not in an array
 */

/**
 * @typedef {object} OutlinePlan
 * @property {Decl[]} inputs            outer parameters and locals the loop reads or writes (but its counter), in declaration order
 * @property {Decl | null} result       what the outlined function returns: the counter when it is declared outside the
 *                                      loop (the caller needs its final value), or the first outer variable the body assigns
 * @property {Decl[]} extras            the other outer variables the body assigns: handed back through module-level globals
 * @property {Slot[]} returns           `return` statements in the body (they leave the kernel)
 * @property {Slot[]} breaks            `break` statements that leave the loop
 * @property {string | null} returnType the kernel's return type (a value type or void), when the body returns
 */

/**
 * What outlining `loop` takes, or why it cannot be outlined.
 * @param {LoopInfo} info @param {import("./scope.js").FunctionScope} scope @param {AstNode} fn
 * @returns {OutlinePlan | string}
 */
function planOutline(info, scope, fn) {
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
  /** @type {Slot[]} */
  const returns = [];
  /** @type {Slot[]} */
  const breaks = [];
  let problem = "";
  // The body's nodes with their nesting (walkNested: loops entered inside
  // the body, switches entered at loop level 0; the body itself has no slot).
  walkNested(body, (node, at) => {
    if (problem) return false;
    const slot = at.parent ? { parent: at.parent, key: at.key, index: at.index } : null;
    inside.add(node);
    switch (node.kind) {
      case NodeKind.Return:
        if (slot) returns.push(slot);
        else problem = "the loop body is a bare 'return'";
        return true;
      case NodeKind.Break:
        if (node.label) problem = "the loop body contains a labeled 'break'";
        else if (at.loops === 0 && at.switches === 0) {
          if (slot) breaks.push(slot);
          else problem = "the loop body is a bare 'break'";
        }
        return false;
      case NodeKind.Continue: // continues the outlined loop, as before
        if (node.label) problem = "the loop body contains a labeled 'continue'";
        return false;
      case NodeKind.Variable:
        for (const d of node.declarations) {
          if ((d.flags & (CommonFlags.Const | CommonFlags.Let)) === 0) problem = "the loop body declares a 'var' (function-scoped)";
          declaredInside.add(d);
        }
        return true;
      case NodeKind.FunctionDeclaration: case NodeKind.Function:
        problem = "the loop body declares a function";
        return false;
      default:
        return true;
    }
  });
  if (problem) return problem;
  /** @type {string | null} */
  let returnType = null;
  if (returns.length) {
    returnType = typeName(fn.signature.returnType);
    if (!returnType || (returnType !== "void" && !VALUE_TYPES.has(returnType))) {
      return `the loop body contains 'return' and the function returns '${returnType ?? "a reference"}' (only a number, bool or void can be handed back from an outlined loop)`;
    }
  }
  // The bound is evaluated once per call instead of once per iteration: it
  // must not change while the loop runs.
  const boundProblem = boundChangeProblem(c.bound, scope, inside, c.decl);
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
  const result = ownCounter ? written[0] ?? null : c.decl;
  const extras = ownCounter ? written.slice(1) : written;
  const boxed = extras.filter((d) => !VALUE_TYPES.has(/** @type {string} */ (typeName(typeNodeOf(d)))));
  if (boxed.length) {
    return `the loop assigns '${boxed.map((d) => d.name).join("', '")}', not a number or bool, besides '${result?.name}'; only one such variable can be handed back (returned)`;
  }
  return { inputs, result, extras, returns, breaks, returnType };
}

/** The name of a plain named type (`f64`, `Float64Array`), or null. @param {AstNode | null} t */
function typeName(t) {
  if (!t || t.kind !== NodeKind.NamedType || t.isNullable || (t.typeArguments && t.typeArguments.length) || t.name.next) return null;
  return t.name.identifier.text;
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
 *  -> for (let c: i64 = INIT; c < BOUND; c += CHUNK * S) {
 *       r = f(<i32>c, ...inputs); x = f_x; ...        // r: the result, x: the extras
 *       if (f__stop != 0) { ... return f__ret; / break; }  // when BODY returns or breaks
 *     }
 *     function f(i: i32, ...inputs): R {
 *       const end: i32 = <i32>min<i64>(<i64>i + CHUNK * S, <i64>BOUND);
 *       for (; i < end; i += S) BODY'
 *       f_x = x; ...
 *       return r;
 *     }
 *
 * In BODY', `return E` becomes `{ f__ret = E; f__stop = 2; return r; }` and a
 * `break` of the loop `{ f__stop = 1; break; }` (the chunk's loop ends, the
 * extras are handed back, the caller breaks). Globals are per wasm instance
 * (each worker of a parallel kernel has its own) and are read right after
 * the call that wrote them.
 *
 * The chunk counter is an i64, so it cannot wrap; inside a chunk the loop
 * steps exactly as the original did (down-counting loops and <=, >= alike).
 * @param {AstNode} fn @param {LoopInfo} info @param {OutlinePlan} plan @param {string} name @param {number} n  unique per function
 * @param {number} chunk  iterations per call
 * @param {boolean} guard  keep a direct copy of the loop for runs of at most one chunk:
 *     `if (<i64>INIT + CHUNK * S >= <i64>BOUND) LOOP else CHUNK_LOOP` (INIT, then BOUND, evaluated as the loop would)
 * @returns {AstNode[]}  the outlined function and the globals it declares
 */
function emit(fn, info, plan, name, n, chunk, guard) {
  const loop = info.node;
  const direct = guard ? deepCopy(loop) : null;
  const c = /** @type {import("./loops.js").Canonical} */ (info.canonical);
  const r = loop.body.range;
  const lr = loop.range;
  const counter = c.decl.name;
  const K = chunk * c.step;
  const i64 = (/** @type {AstNode} */ e) => cast("i64", e, lr);
  const result = () => (plan.result ? id(plan.result.name, r) : null);
  const set = (/** @type {string} */ target, /** @type {AstNode} */ value, /** @type {any} */ at) => exprStmt(bin(Token.Equals, id(target, at), value, at));
  /** @type {AstNode[]} */
  const globals = [];
  const global = (/** @type {string} */ g, /** @type {AstNode} */ t) => {
    globals.push(Node.createVariableStatement(null, [Node.createVariableDeclaration(id(g, lr), null, CommonFlags.Let, t, null, fn.range)], fn.range));
    return g;
  };
  const extraGlobals = plan.extras.map((d) => global(`${name}_${d.name}`, /** @type {AstNode} */ (typeNodeOf(d))));
  const exits = plan.returns.length + plan.breaks.length > 0;
  const stop = exits ? global(`${name}__stop`, namedType("i32", lr)) : "";
  const ret = plan.returns.length && plan.returnType !== "void" ? global(`${name}__ret`, namedType(/** @type {string} */ (plan.returnType), lr)) : "";
  // Early exits inside the body (see above).
  for (const slot of plan.returns) {
    const node = slotGet(slot);
    const at = node.range;
    const value = node.value;
    slotSet(slot, block([
      ...(value ? [set(ret, value, at)] : []),
      set(stop, int(2, at), at),
      Node.createReturnStatement(plan.result ? id(plan.result.name, at) : null, at),
    ], at));
  }
  for (const slot of plan.breaks) {
    const node = slotGet(slot);
    slotSet(slot, block([set(stop, int(1, node.range), node.range), Node.createBreakStatement(null, node.range)], node.range));
  }
  // The outlined function.
  const up = c.dir > 0;
  const reach = up ? bin(Token.Plus, i64(id(counter, lr)), i64(int(c.inclusive ? K - 1 : K, lr)), lr)
    : bin(Token.Minus, i64(id(counter, lr)), i64(int(c.inclusive ? K - 1 : K, lr)), lr);
  const endName = "__tsk_end";
  const end = decl(endName, "i32", cast("i32", call(up ? "min" : "max", [reach, i64(deepCopy(c.bound))], lr, ["i64"]), lr), lr, true);
  const cmp = up ? (c.inclusive ? Token.LessThan_Equals : Token.LessThan) : (c.inclusive ? Token.GreaterThan_Equals : Token.GreaterThan);
  const inner = Node.createForStatement(null, bin(cmp, id(counter, lr), id(endName, lr), lr), loop.incrementor, loop.body, lr);
  const statements = [end, inner, ...plan.extras.map((d, k) => set(extraGlobals[k], id(d.name, r), r))];
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
  const after = plan.extras.map((d, k) => set(d.name, id(extraGlobals[k], lr), lr));
  if (exits) {
    const leave = [];
    if (plan.returns.length) {
      const back = [set(stop, int(0, lr), lr), Node.createReturnStatement(ret ? id(ret, lr) : null, lr)];
      leave.push(plan.breaks.length ? ifStmt(bin(Token.Equals_Equals, id(stop, lr), int(2, lr), lr), block(back, lr), null, lr) : block(back, lr));
    }
    if (plan.breaks.length) leave.push(set(stop, int(0, lr), lr), Node.createBreakStatement(null, lr));
    after.push(ifStmt(bin(Token.Exclamation_Equals, id(stop, lr), int(0, lr), lr), block(leave, lr), null, lr));
  }
  loop.body = block([exprStmt(plan.result ? bin(Token.Equals, id(plan.result.name, lr), callExpr, lr) : callExpr), ...after], r);
  if (direct) {
    const from = direct.initializer ? deepCopy(direct.initializer.declarations[0].initializer) : id(counter, lr);
    const span = c.inclusive ? K - 1 : K;
    const small = up ? bin(Token.GreaterThan_Equals, bin(Token.Plus, i64(from), i64(int(span, lr)), lr), i64(deepCopy(c.bound)), lr)
      : bin(Token.LessThan_Equals, bin(Token.Minus, i64(from), i64(int(span, lr)), lr), i64(deepCopy(c.bound)), lr);
    replaceChild(fn.body, loop, ifStmt(small, block([direct], lr), block([loop], lr), lr));
  }
  return [outlined, ...globals];
}

/** @param {Slot} s */
const slotGet = (s) => (s.index < 0 ? s.parent[s.key] : s.parent[s.key][s.index]);
/** @param {Slot} s @param {AstNode} node */
function slotSet(s, node) {
  if (s.index < 0) s.parent[s.key] = node;
  else s.parent[s.key][s.index] = node;
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
