/**
 * Unrolling of short innermost streaming loops, on the fast (versioned or
 * boundscheck=false) copy of a loop, after its body has been rewritten.
 *
 * V8 compiles every wasm loop back edge with a stack-guard check and tests
 * the loop condition at the top; for a 3-5 instruction body that overhead
 * is as large as the work. Exact rewrites of `for (...; i < B; i++) F`
 * (B invariant, F at most MAX_BODY nodes, no nested loop, switch or label)
 * pay it once per several iterations:
 *
 *  - skip-ahead, for a "search" body `const v = f(i); ... if (C) S` whose
 *    condition reads a local that S writes (a running best: argmin, argmax)
 *    or whose S ends in `return` / `break` (find-first): C is rarely true, so
 *
 *        if (<u32>(B - i) > 7) {
 *          if (!(C(i) | C(i+1) | ... | C(i+7))) { i += 7; continue; }
 *          F(i); F(i+1); ... F(i+6); i += 7;      // (bodies up to MAX_SKIP_COPY nodes)
 *        }
 *        F(i)
 *
 *    skips eight iterations that would do nothing: the declarations before
 *    the `if` and C are pure and cannot trap (loads of the rewrite, `<usize>`
 *    casts, arithmetic without division, no calls), and while every C is
 *    false no state changes, so each C(i+k) is what iteration i+k would
 *    test. Otherwise the eight iterations run as written. On the versioned copy the
 *    loads read only elements of iterations in [i, B), all proved in bounds;
 *    with boundscheck=false they read elements the loop could have read;
 *  - plain unrolling of other small bodies that store through an address
 *    computed from memory they read (histogramU8's `counts[x[i]]++`; only
 *    there did it pay, see `scatters`):
 *
 *        if (<u32>(B - i) > 7) { F(i); F(i+1); ... F(i+6); i += 7; }
 *        F(i)
 *
 *    where F(i+k) is F with `i + k` for i and the loads / stores of
 *    `P + (<usize>i << s)` given the immediate offset k << s (one address
 *    for eight elements). A body with `break` / `continue` gets copies of F
 *    separated by `i++` instead (a `continue` then moves on from its own i).
 *
 * `B - i` as u32 is exact: the loop condition just held, so 0 < B - i < 2^32.
 */
import { Node, NodeKind, Token, unparen, walk, deepCopy, mapChildren, id, int, cast, bin, call, block, ifStmt, exprStmt, intValue, paren } from "./ast.js";
import { ASTBuilder } from "assemblyscript";
import { toPoly } from "./bounds.js";

/** Printed form of a (possibly generated) node: ranges of generated nodes point at the source they replace. @param {AstNode} n */
const printed = (n) => ASTBuilder.build(n);

/** @typedef {import("./ast.js").AstNode} AstNode */

/** Iterations per trip of an unrolled loop (8 measured faster than 4 for histogramU8 and histogram). */
export const UNROLL = 8;
/** Iterations tested at once by skip-ahead (the tests are independent, so more of them fill the pipeline). */
export const SKIP = 8;
/** Largest body (AST nodes, after the rewrite) that is copied. */
const MAX_BODY = 200;
/** Largest search body copied SKIP - 1 times for a block where a condition holds. */
const MAX_SKIP_COPY = 100;

/** Byte sizes of the load types the rewrite emits. */
const SIZES = /** @type {Record<string, number>} */ ({ f64: 8, i64: 8, u64: 8, f32: 4, i32: 4, u32: 4, i16: 2, u16: 2, i8: 1, u8: 1 });

/**
 * Unrolls the rewritten innermost loop when it qualifies, else returns it unchanged.
 * @param {import("./function.js").Codegen} gen
 * @param {AstNode} node   the loop as written
 * @param {import("./loops.js").LoopInfo} info
 * @param {import("./function.js").Mode} m
 * @param {AstNode} emitted  the rewrite of `node` (a For, or a block of declarations ending in one)
 * @returns {AstNode}
 */
export function unrollInnermost(gen, node, info, m, emitted) {
  if (m.slow || info.inner.length) return emitted;
  const c = info.canonical;
  if (!c || c.dir !== 1 || c.step !== 1 || c.inclusive) return emitted;
  // The bound must not change in the loop (an affine expression of invariant values).
  if (!toPoly(gen.ctx, c.bound, info, new Map())) return emitted;
  const loop = emitted.kind === NodeKind.For ? emitted
    : emitted.kind === NodeKind.Block && emitted.statements.length && emitted.statements.slice(0, -1).every((/** @type {AstNode} */ s) => s.kind === NodeKind.Variable)
      ? emitted.statements[emitted.statements.length - 1] : null;
  if (!loop || loop.kind !== NodeKind.For || !loop.incrementor || !loop.condition) return emitted;
  if (printed(loop.incrementor) !== printed(node.incrementor) || printed(loop.condition) !== printed(node.condition)) return emitted; // vectorized or otherwise reshaped
  const body = loop.body && loop.body.kind !== NodeKind.Block ? block([loop.body], loop.body.range) : loop.body;
  if (!body || body.kind !== NodeKind.Block || size(body) > MAX_BODY || hasLabelOrLoop(body)) return emitted;
  const name = c.decl.name;
  const bound = boundOf(loop.condition, name);
  if (!bound) return emitted;
  const r = loop.range;
  const skip = skipAhead(body, name, r);
  const factor = skip ? SKIP : UNROLL;
  const room = bin(Token.GreaterThan, cast("u32", bin(Token.Minus, deepCopy(bound), id(name, r), r), r), cast("u32", int(factor - 1, r), r), r);
  /** @type {AstNode} */
  let head;
  let how;
  if (skip) {
    // No condition holds: skip the block. One does: run the block's iterations as
    // written (re-testing after a single iteration would pay the test per element
    // while the running best still changes often, at the start of an array).
    const skipIt = ifStmt(skip, block([
      exprStmt(bin(Token.Plus_Equals, id(name, r), int(SKIP - 1, r), r)),
      Node.createContinueStatement(null, r),
    ], r), null, r);
    head = ifStmt(room, block([skipIt, ...(size(body) <= MAX_SKIP_COPY ? copiesOf(body, name, SKIP, r) : [])], r), null, r);
    how = `skip-ahead: ${SKIP} iterations whose condition is false are skipped after one combined test`;
  } else if (!scatters(body)) {
    // Measured on the library: plain unrolling paid only for histograms (a
    // data-dependent store, 1.1-1.5x); it cost 7-9% on min/max's two-chain
    // loop, 25% on conv2d's 5-tap loops (the 8-iteration block never runs)
    // and 50% on matmul's 2x4 register tile.
    return emitted;
  } else {
    head = ifStmt(room, block(copiesOf(body, name, UNROLL, r), r), null, r);
    how = `unrolled ${UNROLL}x`;
  }
  const out = mapChildren(loop, (x) => x);
  out.body = block([head, ...body.statements], body.range);
  gen.loopNotes.push({ path: gen.env.path, start: node.range.start, kind: "unrolled", message: `${how} (V8's per-iteration stack check and loop test paid once per ${factor} elements)` });
  if (emitted === loop) return out;
  const b = mapChildren(emitted, (x) => x);
  b.statements = [...emitted.statements.slice(0, -1), out];
  return b;
}

/**
 * Iterations i .. i + factor - 2 of `body`, leaving i at the last one (the
 * loop's own body then runs it): copies for i + k with the loads' and stores'
 * immediate offsets and `i += factor - 1`, or, when the body has `break` /
 * `continue` (a `continue` must move on from its own i), copies separated by `i++`.
 * @param {AstNode} body @param {string} name @param {number} factor @param {any} r @returns {AstNode[]}
 */
function copiesOf(body, name, factor, r) {
  const copies = [];
  if (!leavesIteration(body) && !declares(body, name)) {
    for (let k = 0; k < factor - 1; k++) copies.push(at(body, k, name, new Map(), r));
    copies.push(exprStmt(bin(Token.Plus_Equals, id(name, r), int(factor - 1, r), r)));
  } else {
    for (let k = 0; k < factor - 1; k++) copies.push(deepCopy(body), exprStmt(Node.createUnaryPostfixExpression(Token.Plus_Plus, id(name, r), r)));
  }
  return copies;
}

/** The bound B of a rewritten `i < B` / `B > i`. @param {AstNode} cond @param {string} name */
function boundOf(cond, name) {
  const e = unparen(cond);
  if (e.kind !== NodeKind.Binary) return null;
  const isVar = (/** @type {AstNode} */ x) => unparen(x).kind === NodeKind.Identifier && unparen(x).text === name;
  if (e.operator === Token.LessThan && isVar(e.left)) return e.right;
  if (e.operator === Token.GreaterThan && isVar(e.right)) return e.left;
  return null;
}

/**
 * Does the body store through a data-dependent address, one computed from
 * memory it read (`counts[x[i]]++`, or `counts[b]++` with `b` from `x[i]`)?
 * Locals of the body are followed through their initializers and assignments.
 * @param {AstNode} body
 */
function scatters(body) {
  const isCall = (/** @type {AstNode} */ y, /** @type {string} */ fn) => y.kind === NodeKind.Call && unparen(y.expression).kind === NodeKind.Identifier && unparen(y.expression).text === fn;
  /** @type {Set<string>} locals whose value depends on a load */
  const tainted = new Set();
  const dependsOnMemory = (/** @type {AstNode} */ e) => {
    let dep = false;
    walk(e, (y) => {
      if (isCall(y, "load") || (y.kind === NodeKind.Identifier && tainted.has(y.text))) dep = true;
      return !dep;
    });
    return dep;
  };
  for (let changed = true; changed;) {
    changed = false;
    walk(body, (x) => {
      let target = null, value = null;
      if (x.kind === NodeKind.VariableDeclaration && x.initializer) { target = x.name.text; value = x.initializer; }
      else if (x.kind === NodeKind.Binary && x.operator >= Token.Equals && x.operator <= Token.Caret_Equals && unparen(x.left).kind === NodeKind.Identifier) { target = unparen(x.left).text; value = x.right; }
      if (target && !tainted.has(target) && dependsOnMemory(/** @type {AstNode} */ (value))) { tainted.add(target); changed = true; }
      return true;
    });
  }
  let found = false;
  walk(body, (x) => {
    if (!found && isCall(x, "store") && x.args.length >= 2 && dependsOnMemory(x.args[0])) found = true;
    return !found;
  });
  return found;
}

/** Does the body contain `break` or `continue` (the copies with offsets keep i fixed)? @param {AstNode} n */
function leavesIteration(n) {
  let found = false;
  walk(n, (x) => {
    if (x.kind === NodeKind.Break || x.kind === NodeKind.Continue) found = true;
    return !found;
  });
  return found;
}

/** Does the body declare a local named `name` (which would shadow the loop variable)? @param {AstNode} n @param {string} name */
function declares(n, name) {
  let found = false;
  walk(n, (x) => {
    if (x.kind === NodeKind.VariableDeclaration && x.name.text === name) found = true;
    return !found;
  });
  return found;
}

/** @param {AstNode} n */
function size(n) {
  let k = 0;
  walk(n, () => { k++; return true; });
  return k;
}

/** @param {AstNode} n */
function hasLabelOrLoop(n) {
  let found = false;
  walk(n, (x) => {
    if (x.kind === NodeKind.For || x.kind === NodeKind.While || x.kind === NodeKind.Do || x.kind === NodeKind.ForOf || x.kind === NodeKind.Switch) found = true;
    if ((x.kind === NodeKind.Break || x.kind === NodeKind.Continue) && x.label) found = true;
    return !found;
  });
  return found;
}

/**
 * For a search body `[const v = pure(i)]* if (C) S` (no else; C pure; C reads
 * a local S writes, or S ends in return / break): `!(C(i) | ... | C(i+3))`.
 * @param {AstNode} body @param {string} name @param {any} r
 * @returns {AstNode | null}
 */
function skipAhead(body, name, r) {
  const st = body.statements;
  if (!st.length) return null;
  const last = st[st.length - 1];
  if (last.kind !== NodeKind.If || last.elseStatement) return null;
  /** @type {Map<string, AstNode>} */
  const inits = new Map();
  for (const s of st.slice(0, -1)) {
    if (s.kind !== NodeKind.Variable) return null;
    for (const d of s.declarations) {
      if (!d.initializer || !pure(d.initializer)) return null;
      inits.set(d.name.text, d.initializer);
    }
  }
  const cond = last.condition;
  if (!pure(cond)) return null;
  // Rarely true: it reads a local the branch writes, or the branch leaves the loop.
  const then = last.ifTrue;
  const tail = then.kind === NodeKind.Block ? then.statements[then.statements.length - 1] : then;
  const leaves = !!tail && (tail.kind === NodeKind.Return || (tail.kind === NodeKind.Break && !tail.label));
  const read = new Set();
  walk(cond, (x) => { if (x.kind === NodeKind.Identifier) read.add(x.text); return true; });
  for (const [v, init] of inits) if (read.has(v)) walk(init, (x) => { if (x.kind === NodeKind.Identifier) read.add(x.text); return true; });
  let writesRead = false;
  walk(then, (x) => {
    if (x.kind === NodeKind.Binary && x.operator >= Token.Equals && x.operator <= Token.Caret_Equals) {
      const t = unparen(x.left);
      if (t.kind === NodeKind.Identifier && read.has(t.text) && !inits.has(t.text)) writesRead = true;
    }
    return !writesRead;
  });
  if (!leaves && !writesRead) return null;
  const parts = [];
  for (let k = 0; k < SKIP; k++) parts.push(cast("i32", at(cond, k, name, inits, r), r));
  const any = parts.reduce((a, b) => bin(Token.Bar, a, b, r));
  return Node.createUnaryPrefixExpression(Token.Exclamation, paren(any, r), r);
}

/**
 * Pure and trap-free: identifiers, literals, operators other than
 * assignment, update and division, `<usize>` casts and `load<T>(...)` calls
 * (the rewrite's loads of unchecked accesses).
 * @param {AstNode} e
 */
function pure(e) {
  let ok = true;
  walk(e, (x) => {
    if (!ok) return false;
    switch (x.kind) {
      case NodeKind.Identifier: case NodeKind.Literal: case NodeKind.Parenthesized: case NodeKind.NamedType: case NodeKind.TypeName:
        return true;
      case NodeKind.Assertion:
        // Address casts of the rewrite only: a float-to-int cast could trap in an iteration that never runs.
        if (!x.toType || printed(x.toType) !== "usize") ok = false;
        return ok;
      case NodeKind.Binary:
        if ((x.operator >= Token.Equals && x.operator <= Token.Caret_Equals) || x.operator === Token.Slash || x.operator === Token.Percent) ok = false;
        return ok;
      case NodeKind.UnaryPrefix:
        if (x.operator === Token.Plus_Plus || x.operator === Token.Minus_Minus) ok = false;
        return ok;
      case NodeKind.Call: {
        const callee = unparen(x.expression);
        if (callee.kind !== NodeKind.Identifier || callee.text !== "load" || !x.typeArguments || x.typeArguments.length !== 1) ok = false;
        return ok;
      }
      default:
        ok = false;
        return false;
    }
  });
  return ok;
}

/**
 * `e` in iteration i + k: declared locals replaced by their initializers,
 * loads `load<T>(P + (<usize>i << s))` given the offset k << s, any other
 * `i` replaced by `(i + k)`.
 * @param {AstNode} e @param {number} k @param {string} name @param {Map<string, AstNode>} inits @param {any} r
 * @returns {AstNode}
 */
function at(e, k, name, inits, r) {
  const map = (/** @type {AstNode} */ x) => {
    if (x.kind === NodeKind.Identifier) {
      if (inits.has(x.text)) return paren(at(/** @type {AstNode} */ (inits.get(x.text)), k, name, inits, r), r);
      if (k && x.text === name) return bin(Token.Plus, id(name, r), int(k, r), r);
      return deepCopy(x);
    }
    if (x.kind === NodeKind.PropertyAccess) {
      const c = mapChildren(x, (y) => y);
      c.expression = map(x.expression); // the property name is not a variable
      return c;
    }
    const fn = x.kind === NodeKind.Call && unparen(x.expression).kind === NodeKind.Identifier ? unparen(x.expression).text : "";
    if (k && fn === "load" && x.args.length <= 2) {
      const s = strided(x.args[0], name);
      const t = x.typeArguments?.[0] ? printed(x.typeArguments[0]) : "";
      const off = x.args.length === 2 ? intValue(x.args[1]) : 0;
      if (s !== null && Object.hasOwn(SIZES, t) && (1 << s) === SIZES[t] && off !== null) {
        return call("load", [deepCopy(x.args[0]), int(off + (k << s), r)], r, [t]);
      }
    }
    if (k && fn === "store" && (x.args.length === 2 || x.args.length === 3)) {
      const s = strided(x.args[0], name);
      const t = x.typeArguments?.[0] ? printed(x.typeArguments[0]) : "";
      const off = x.args.length === 3 ? intValue(x.args[2]) : 0;
      if (s !== null && Object.hasOwn(SIZES, t) && (1 << s) === SIZES[t] && off !== null) {
        return call("store", [deepCopy(x.args[0]), map(x.args[1]), int(off + (k << s), r)], r, [t]);
      }
    }
    return mapChildren(x, map);
  };
  return map(e);
}

/**
 * s when `addr` is `P + (<usize>i << s)` or `P + <usize>i` (s = 0) with P free of i, else null.
 * @param {AstNode} addr @param {string} name @returns {number | null}
 */
function strided(addr, name) {
  const a = unparen(addr);
  if (a.kind !== NodeKind.Binary || a.operator !== Token.Plus) return null;
  let free = true;
  walk(a.left, (x) => { if (x.kind === NodeKind.Identifier && x.text === name) free = false; return free; });
  if (!free) return null;
  let y = unparen(a.right), s = 0;
  if (y.kind === NodeKind.Binary && y.operator === Token.LessThan_LessThan) {
    const k = intValue(y.right);
    if (k === null || k < 0 || k > 3) return null;
    s = k;
    y = unparen(y.left);
  }
  if (y.kind !== NodeKind.Assertion) return null;
  const inner = unparen(y.expression);
  return inner.kind === NodeKind.Identifier && inner.text === name && printed(y.toType) === "usize" ? s : null;
}
