/**
 * Vectorization of innermost loops with `v128` SIMD (f64x2, f32x4, i32x4).
 *
 * A loop is vectorized only when the vector code computes, lane by lane,
 * exactly what the scalar code computes, in the same order per element:
 *
 *  - canonical, counting up by 1 (`for (let j = lo; j < hi; j++)`), with a
 *    loop-invariant bound, no break/continue/return, no calls but the
 *    lane-wise math built-ins (sqrt, abs, floor, ceil, trunc, nearest, min,
 *    max), one element type throughout (f64, f32 or i32: no conversions,
 *    no integer division);
 *  - every access is unchecked (proved in bounds, or boundscheck=false) and
 *    goes through a row pointer (innermost.js) with stride 1, or is
 *    loop-invariant;
 *  - the body is a list of `const t = e`, stores `a[..] = e` / `a[..] op= e`,
 *    `if (c) a[..] = e` where that same element is read unconditionally in
 *    the iteration (it becomes a select: the element is rewritten with its
 *    own value when c is false), and reductions `s += e`, `s = max(s, e)`...
 *    into a scalar declared outside: integer sums, products and bitwise ops
 *    and float min/max give the same bits in any order; float sums and
 *    products only with `// @tskern fastmath`;
 *  - memory dependences: two accesses to one row at different offsets are
 *    fine only when the load reads ahead of the store (x[j] = x[j + 1]);
 *    accesses through different rows (or arrays, which may be the same array
 *    twice or overlapping subarrays) must not overlap at run time, or must
 *    touch the same element in the same iteration: checked before the loop,
 *    with the scalar loop as fallback.
 *
 * Shape of the result:
 *
 *     let j = lo;
 *     if (hi >= MIN + VF && no overlap) {
 *       splats of invariants; accumulators
 *       for (; j < hi - (VF - 1); j += VF) { vector body }
 *       fold the accumulators into the scalars
 *     }
 *     for (; j < hi; j++) { scalar body }          // remainder (or everything)
 */
import { NodeKind, Token, LiteralKind, unparen, intValue, compoundBase, walk, children as childNodes, id, int, float, cast, bin, call, prop, decl, block, ifStmt, exprStmt, and, deepCopy, mapChildren, Node } from "./ast.js";
import { toPoly, invariantIn } from "./bounds.js";
import { pointerAddress } from "./innermost.js";
import { simpleTypeName } from "./scope.js";
import { within } from "./loops.js";

/** @typedef {import("./ast.js").AstNode} AstNode */
/** @typedef {import("./scope.js").Decl} Decl */
/** @typedef {import("./innermost.js").Pointered} Pointered */
/** @typedef {import("./innermost.js").Group} Group */

const LANES = { f64: { vec: "f64x2", n: 2 }, f32: { vec: "f32x4", n: 4 }, i32: { vec: "i32x4", n: 4 } };
const ELEM_LANE = { f64: "f64", f32: "f32", i32: "i32" };

/** Largest stride (in elements) of a read gathered lane by lane: the lanes' load offsets must stay small immediates. */
const MAX_STRIDE = 64n;

/**
 * @typedef {{ t: string, k: "load", p: Pointered, access: AstNode }
 *   | { t: string, k: "const", node: AstNode }
 *   | { t: string, k: "scalar", node: AstNode }
 *   | { t: string, k: "temp", decl: Decl }
 *   | { t: string, k: "bin", op: string, a: E, b: E }
 *   | { t: string, k: "un", op: string, a: E }
 *   | { t: string, k: "select", m: E, a: E, b: E }} E
 * `t`: lane type ("f64" | "f32" | "i32"), "mask", or "lit" (a literal not yet typed).
 */

/**
 * @typedef {{ k: "let", decl: Decl, e: E }
 *   | { k: "store", p: Pointered, access: AstNode, e: E }
 *   | { k: "reduce", decl: Decl, op: string, e: E, ordered: boolean }} S
 */

class Bail extends Error {}
const bail = (/** @type {string} */ why) => { throw new Bail(why); };

/**
 * @param {import("./function.js").Codegen} gen
 * @param {AstNode} node   the loop
 * @param {import("./loops.js").LoopInfo} info
 * @param {import("./function.js").Mode} m
 * @param {Group[]} groups  row-pointer groups of this loop
 * @returns {AstNode | string}  the vectorized loop, or why not
 */
export function vectorize(gen, node, info, m, groups) {
  let result;
  try {
    result = vectorizeOrBail(gen, node, info, m, groups);
  } catch (e) {
    if (!(e instanceof Bail)) throw e;
    result = e.message;
  }
  const interesting = typeof result !== "string" || !/^(no array access|not a counting-up)/.test(result);
  if (interesting && !m.slow) {
    gen.loopNotes.push({
      path: gen.env.path, start: node.range.start, kind: typeof result === "string" ? "scalar" : "vectorized",
      message: typeof result === "string" ? `not vectorized: ${result}` : gen.lastVector,
    });
  }
  return result;
}

/** @param {import("./function.js").Codegen} gen @param {AstNode} node @param {import("./loops.js").LoopInfo} info @param {import("./function.js").Mode} m @param {Group[]} groups */
function vectorizeOrBail(gen, node, info, m, groups) {
  const c = info.canonical;
  if (!c || c.dir !== 1 || c.step !== 1 || c.inclusive) bail("not a counting-up loop `for (let j = lo; j < hi; j++)`");
  const ctx = gen.ctx;
  if (!groups.length) bail("no array access through a row pointer");
  if (!toPoly(ctx, c.bound, info, new Map())) bail("the loop bound changes inside the loop");
  const body = node.body.kind === NodeKind.Block ? node.body.statements : [node.body];
  const an = new Analysis(gen, info, m);
  for (const s of body) an.statement(s);
  if (!an.lane) bail("no vector work (no store or reduction of f64, f32 or i32)");
  // Every access of the body must be one the analysis took through a pointer.
  walk(node.body, (n) => {
    if (n.kind === NodeKind.ElementAccess && !an.seen.has(n)) bail("an array access is not through a row pointer");
  });
  // A gathered lane costs a scalar load and a lane insert: measured, loops of
  // adds and multiplies on strided rows ran 0.8-1.0x their scalar speed, and
  // only square roots and divisions (one vector instruction at about the
  // scalar one's cost) made it pay (1.8-2.3x: n-body's pair loop).
  if (an.uses.some((u) => u.p.coef !== 0n && u.p.coef !== 1n) && !an.stmts.some((st) => costly(st.e))) bail("strided reads without a square root or division (gathering the lanes costs what the vector saves)");
  const lane = /** @type {"f64" | "f32" | "i32"} */ (an.lane);
  const L = LANES[lane];
  const deps = an.dependences(groups, c);
  return emit(gen, node, info, m, an, L, deps);
}

/** What the body does, as vector IR. */
class Analysis {
  /** @param {import("./function.js").Codegen} gen @param {import("./loops.js").LoopInfo} info @param {import("./function.js").Mode} m */
  constructor(gen, info, m) {
    this.gen = gen;
    this.ctx = gen.ctx;
    this.info = info;
    this.m = m;
    /** @type {string | null} */
    this.lane = null;
    /** @type {S[]} */
    this.stmts = [];
    /** @type {Set<AstNode>} accesses taken */
    this.seen = new Set();
    /** @type {Map<Decl, E>} body temporaries */
    this.temps = new Map();
    /** @type {Array<{ p: Pointered, pos: number, store: boolean }>} every access with its statement position */
    this.uses = [];
    /** @type {Set<Decl>} reduction accumulators */
    this.accs = new Set();
  }

  /** @param {string} t */
  setLane(t) {
    if (t !== "f64" && t !== "f32" && t !== "i32") bail(`element type ${t} (only f64, f32, i32 lanes)`);
    if (this.lane && this.lane !== t) bail(`mixes ${this.lane} and ${t}`);
    this.lane = t;
  }

  /** @param {AstNode} s */
  statement(s) {
    const pos = this.stmts.length;
    switch (s.kind) {
      case NodeKind.Empty:
        return;
      case NodeKind.Variable: {
        for (const d of s.declarations) {
          const dec = this.ctx.scope.decls.find((x) => x.node === d);
          if (!dec || dec.writes.length || !d.initializer) bail("a local in the loop is reassigned");
          // An index (`const i = row + j`) used only inside the subscripts of
          // pointer accesses: the pointers replace it.
          if (dec.type === "i32" && this.onlyInSubscripts(dec)) continue;
          const e = this.typed(this.expr(d.initializer, pos));
          const declared = simpleTypeName(d.type);
          if (declared && declared !== e.t) bail(`local '${dec.name}' converts ${e.t} to ${declared}`);
          this.temps.set(dec, e);
          this.stmts.push({ k: "let", decl: dec, e });
        }
        return;
      }
      case NodeKind.Expression:
        return this.expressionStatement(s.expression, pos);
      case NodeKind.If:
        return this.ifStatement(s, pos);
      case NodeKind.Block:
        for (const x of s.statements) this.statement(x);
        return;
      default:
        bail(`a ${NodeKind[s.kind]} statement in the loop body`);
    }
  }

  /** Is every use of `d` inside the subscript of an access that goes through a row pointer? @param {Decl} d */
  onlyInSubscripts(d) {
    let ok = true;
    const visit = (/** @type {AstNode} */ n, /** @type {boolean} */ inSub) => {
      if (!ok) return;
      if (n.kind === NodeKind.Identifier && this.ctx.scope.refs.get(n) === d && !inSub) ok = false;
      if (n.kind === NodeKind.ElementAccess) {
        const p = this.gen.pointers.get(n);
        visit(n.expression, inSub);
        visit(n.elementExpression, inSub || (!!p && this.gen.mode(n, this.m) !== "checked"));
        return;
      }
      for (const c of childNodes(n)) visit(c, inSub);
    };
    const body = this.info.node.body;
    for (const c of childNodes(body)) visit(c, false);
    // its own declaration's initializer does not count
    return ok;
  }

  /** @param {AstNode} e @param {number} pos */
  expressionStatement(e, pos) {
    e = unparen(e);
    // a[..] = v, a[..] op= v, a[..]++
    if ((e.kind === NodeKind.Binary && e.operator >= Token.Equals && e.operator <= Token.Caret_Equals && unparen(e.left).kind === NodeKind.ElementAccess) ||
        ((e.kind === NodeKind.UnaryPostfix || e.kind === NodeKind.UnaryPrefix) && (e.operator === Token.Plus_Plus || e.operator === Token.Minus_Minus) && unparen(e.operand).kind === NodeKind.ElementAccess)) {
      const target = unparen(e.kind === NodeKind.Binary ? e.left : e.operand);
      const p = this.pointer(target, pos, true);
      const elemT = ELEM_LANE[/** @type {keyof typeof ELEM_LANE} */ (p.group.array.elem)] ?? bail(`element type ${p.group.array.elem}`);
      if (p.coef !== 1n) bail("a store to a loop-invariant element");
      this.setLane(elemT);
      let value;
      if (e.kind === NodeKind.Binary && e.operator === Token.Equals) value = this.expr(e.right, pos);
      else {
        const op = e.kind === NodeKind.Binary ? compoundBase(e.operator) : e.operator === Token.Plus_Plus ? Token.Plus : Token.Minus;
        const rhs = e.kind === NodeKind.Binary ? this.expr(e.right, pos) : /** @type {E} */ ({ t: "lit", k: "const", node: int(1, e.range) });
        const self = /** @type {E} */ ({ t: elemT, k: "load", p, access: target });
        this.uses.push({ p, pos, store: false });
        value = this.binary(/** @type {number} */ (op), self, rhs);
      }
      value = this.typed(value, elemT);
      if (value.t !== elemT) bail(`stores ${value.t} into ${elemT} elements`);
      this.stmts.push({ k: "store", p, access: target, e: value });
      this.uses.push({ p, pos, store: true });
      return;
    }
    // Reductions into a scalar declared outside the loop.
    if (e.kind === NodeKind.Binary && (e.operator === Token.Equals || compoundBase(e.operator) !== null) && unparen(e.left).kind === NodeKind.Identifier) {
      const d = this.ctx.scope.refs.get(unparen(e.left));
      if (!d) bail("assigns a global");
      return this.reduction(d, e, pos);
    }
    bail("an expression statement that is neither a store nor a reduction");
  }

  /**
   * `s += e`, `s = s + e`, `s = max(s, e)`, `s = Math.min(s, e)`, ...
   * @param {Decl} d @param {AstNode} e @param {number} pos
   */
  reduction(d, e, pos) {
    if (!d.type || !(d.type in LANES)) bail(`reduction into '${d.name}' of type ${d.type ?? "unknown"}`);
    if (this.ctx.structure.loopOf.get(d.node) && within(this.ctx.structure.loopOf.get(d.node), this.info)) bail(`'${d.name}' is declared in the loop`);
    // The accumulator appears nowhere else in the body.
    let uses = 0;
    walk(this.info.node.body, (n) => { if (n.kind === NodeKind.Identifier && this.ctx.scope.refs.get(n) === d) uses++; });
    let op, rhs;
    const base = compoundBase(e.operator);
    if (base !== null) {
      op = base;
      rhs = e.right;
      if (uses !== 1) bail(`'${d.name}' is used elsewhere in the loop`);
    } else {
      let r = unparen(e.right);
      // `s = f32(s + e)`: a conversion to the accumulator's own type is no conversion.
      if (r.kind === NodeKind.Call && this.conversion(r) === d.type) r = unparen(r.args[0]);
      const isAcc = (/** @type {AstNode} */ x) => unparen(x).kind === NodeKind.Identifier && this.ctx.scope.refs.get(unparen(x)) === d;
      if (r.kind === NodeKind.Binary && (r.operator === Token.Plus || r.operator === Token.Minus || r.operator === Token.Asterisk || r.operator === Token.Ampersand || r.operator === Token.Bar || r.operator === Token.Caret) && isAcc(r.left)) {
        op = r.operator;
        rhs = r.right;
      } else if (r.kind === NodeKind.Call && r.args.length === 2 && (isAcc(r.args[0]) || isAcc(r.args[1]))) {
        const fn = this.mathFunction(r);
        if (fn !== "min" && fn !== "max") bail("a reduction other than +, -, *, &, |, ^, min, max");
        op = fn;
        rhs = isAcc(r.args[0]) ? r.args[1] : r.args[0];
      } else bail(`'${d.name}' is updated in a way that is not a reduction`);
      if (uses !== 2) bail(`'${d.name}' is used elsewhere in the loop`);
    }
    const names = { [Token.Plus]: "add", [Token.Minus]: "sub", [Token.Asterisk]: "mul", [Token.Ampersand]: "and", [Token.Bar]: "or", [Token.Caret]: "xor", min: "min", max: "max" };
    const name = /** @type {Record<string | number, string>} */ (names)[op] ?? bail("a reduction other than +, -, *, &, |, ^, min, max");
    const t = d.type;
    // A float sum, difference or product keeps its order unless fastmath:
    // the vector computes the terms, then they go into the scalar lane by
    // lane (`e -= t` per element is `e = (e - t0) - t1`, as in scalar code).
    const ordered = (t === "f64" || t === "f32") && (name === "add" || name === "sub" || name === "mul") && !this.gen.env.fastmath;
    if ((t === "f64" || t === "f32") && (name === "and" || name === "or" || name === "xor")) bail("bitwise reduction of floats");
    this.setLane(t);
    const ev = this.typed(this.expr(rhs, pos), t);
    if (ev.t !== t) bail(`reduces ${ev.t} into ${t}`);
    this.accs.add(d);
    this.stmts.push({ k: "reduce", decl: d, op: name, e: ev, ordered });
  }

  /** `if (c) a[x] = e;` (and `else a[x] = e2;`) as a select. @param {AstNode} s @param {number} pos */
  ifStatement(s, pos) {
    const single = (/** @type {AstNode | null} */ st) => {
      if (!st) return null;
      if (st.kind === NodeKind.Block) return st.statements.length === 1 ? single(st.statements[0]) : bail("an if with more than one statement");
      if (st.kind !== NodeKind.Expression) bail("an if whose branch is not one store");
      const e = unparen(st.expression);
      if (e.kind !== NodeKind.Binary || e.operator !== Token.Equals || unparen(e.left).kind !== NodeKind.ElementAccess) bail("an if whose branch is not one store `a[i] = v`");
      return e;
    };
    const thenE = /** @type {AstNode} */ (single(s.ifTrue));
    const elseE = single(s.ifFalse);
    const mask = this.expr(s.condition, pos);
    if (mask.t !== "mask") bail("an if condition that is not a comparison");
    const target = unparen(thenE.left);
    const p = this.pointer(target, pos, true);
    if (p.coef !== 1n) bail("a store to a loop-invariant element");
    if (elseE) {
      const p2 = this.pointer(unparen(elseE.left), pos, true);
      if (p2.group !== p.group || p2.offset !== p.offset) bail("if and else store to different elements");
    } else {
      // The element must be read, unconditionally, earlier in this iteration.
      const readBefore = this.uses.some((u) => !u.store && u.p.group === p.group && u.p.offset === p.offset);
      if (!readBefore) bail("a conditional store to an element the iteration does not read");
    }
    const elemT = ELEM_LANE[/** @type {keyof typeof ELEM_LANE} */ (p.group.array.elem)] ?? bail(`element type ${p.group.array.elem}`);
    this.setLane(elemT);
    const a = this.typed(this.expr(thenE.right, pos), elemT);
    const b = elseE ? this.typed(this.expr(elseE.right, pos), elemT) : /** @type {E} */ ({ t: elemT, k: "load", p, access: target });
    if (a.t !== elemT || b.t !== elemT) bail("an if that stores a value of another type");
    this.stmts.push({ k: "store", p, access: target, e: { t: elemT, k: "select", m: mask, a, b } });
    this.uses.push({ p, pos, store: true });
  }

  /** The row pointer of an access. @param {AstNode} access @param {number} pos @param {boolean} store @returns {Pointered} */
  pointer(access, pos, store) {
    const p = this.gen.pointers.get(access);
    if (!p || this.gen.mode(access, this.m) === "checked") bail("an array access keeps its bounds check, or its index is not j + invariant (strided or data-dependent)");
    // Strided reads (`pos[3 * j + 1]`) are gathered lane by lane (vexpr);
    // strided stores are not done.
    if (p.coef !== 0n && p.coef !== 1n && (store || p.coef < 0n || p.coef > MAX_STRIDE)) bail(store ? "a strided store" : "a strided access with a negative or large stride");
    this.seen.add(access);
    return /** @type {Pointered} */ (p);
  }

  /** @param {AstNode} node @param {number} pos @returns {E} */
  expr(node, pos) {
    const e = unparen(node);
    switch (e.kind) {
      case NodeKind.Literal:
        if (e.literalKind === LiteralKind.Integer || e.literalKind === LiteralKind.Float) return { t: "lit", k: "const", node: e };
        return bail("a non-numeric literal");
      case NodeKind.Identifier: {
        const d = this.ctx.scope.refs.get(e);
        if (d && this.temps.has(d)) return { t: /** @type {E} */ (this.temps.get(d)).t, k: "temp", decl: d };
        if (d && d.type && d.type in LANES && invariantIn(this.ctx, d, this.info) && !this.accs.has(d)) return { t: d.type, k: "scalar", node: e };
        if (d && this.info.canonical && d === this.info.canonical.decl) return bail("uses the loop variable as a value");
        return bail(`uses '${e.text}', which is not a loop-invariant f64, f32 or i32`);
      }
      case NodeKind.ElementAccess: {
        const p = this.pointer(e, pos, false);
        const t = ELEM_LANE[/** @type {keyof typeof ELEM_LANE} */ (p.group.array.elem)] ?? bail(`element type ${p.group.array.elem}`);
        this.uses.push({ p, pos, store: false });
        return { t, k: "load", p, access: e };
      }
      case NodeKind.UnaryPrefix: {
        if (e.operator === Token.Minus) {
          const inner = unparen(e.operand);
          if (inner.kind === NodeKind.Literal) return { t: "lit", k: "const", node: e };
          const a = this.expr(e.operand, pos);
          if (a.t === "mask" || a.t === "lit") bail("negates a comparison");
          return { t: a.t, k: "un", op: "neg", a };
        }
        if (e.operator === Token.Plus) return this.expr(e.operand, pos);
        if (e.operator === Token.Exclamation) {
          const a = this.expr(e.operand, pos);
          if (a.t !== "mask") bail("`!` of a number");
          return { t: "mask", k: "un", op: "not", a };
        }
        if (e.operator === Token.Tilde) {
          const a = this.typed(this.expr(e.operand, pos), "i32");
          if (a.t !== "i32") bail("`~` of a float");
          return { t: "i32", k: "un", op: "not", a };
        }
        return bail("an unsupported unary operator");
      }
      case NodeKind.Binary:
        return this.binary(e.operator, this.expr(e.left, pos), this.expr(e.right, pos));
      case NodeKind.Ternary: {
        const m = this.expr(e.condition, pos);
        if (m.t !== "mask") bail("a ternary whose condition is not a comparison");
        const [a, b] = this.unify(this.expr(e.ifThen, pos), this.expr(e.ifElse, pos));
        return { t: a.t, k: "select", m, a, b };
      }
      case NodeKind.Call: {
        const conv = this.conversion(e);
        if (conv) {
          const a = this.expr(e.args[0], pos);
          if (a.t === "lit") return this.typed(a, conv);
          if (a.t !== conv) bail(`a conversion from ${a.t} to ${conv}`);
          return a;
        }
        const fn = this.mathFunction(e);
        if (!fn) return bail("a call");
        const args = e.args.map((/** @type {AstNode} */ a) => this.expr(a, pos));
        if (fn === "min" || fn === "max") {
          if (args.length !== 2) bail(`${fn} with ${args.length} arguments`);
          const [a, b] = this.unify(args[0], args[1]);
          return { t: a.t, k: "bin", op: fn, a, b };
        }
        if (args.length !== 1) bail(`${fn} with ${args.length} arguments`);
        const a = this.typed(args[0], this.mathType(e) ?? undefined);
        if (a.t === "i32" && fn !== "abs") bail(`${fn} of an integer`);
        return { t: a.t, k: "un", op: fn, a };
      }
      case NodeKind.Assertion: {
        const to = simpleTypeName(e.toType);
        const a = this.expr(e.expression, pos);
        if (a.t === "lit" && to && to in LANES) return this.typed(a, to);
        if (a.t !== to) bail(`a conversion to ${to}`);
        return a;
      }
      default:
        return bail(`a ${NodeKind[e.kind]} expression`);
    }
  }

  /** `f64(x)`, `f32(x)`, `i32(x)`: the type converted to, if `e` is such a call. @param {AstNode} e @returns {string | null} */
  conversion(e) {
    const callee = unparen(e.expression);
    if (e.kind === NodeKind.Call && callee.kind === NodeKind.Identifier && callee.text in LANES && !this.ctx.scope.refs.has(callee) && e.args.length === 1 && !e.typeArguments) return callee.text;
    return null;
  }

  /** Lane-wise math built-in called by `e`, if any. @param {AstNode} e @returns {string | null} */
  mathFunction(e) {
    const callee = unparen(e.expression);
    const ok = new Set(["sqrt", "abs", "floor", "ceil", "trunc", "nearest", "min", "max"]);
    if (callee.kind === NodeKind.Identifier && !this.ctx.scope.refs.has(callee) && ok.has(callee.text)) return callee.text;
    if (callee.kind === NodeKind.PropertyAccess && unparen(callee.expression).kind === NodeKind.Identifier) {
      const ns = unparen(callee.expression);
      if ((ns.text === "Math" || ns.text === "Mathf") && !this.ctx.scope.refs.has(ns) && ok.has(callee.property.text) && callee.property.text !== "nearest") return callee.property.text;
    }
    return null;
  }

  /** The float type a `Math.`/`Mathf.` call works in (literal arguments take it). @param {AstNode} e */
  mathType(e) {
    const callee = unparen(e.expression);
    if (callee.kind === NodeKind.PropertyAccess) return unparen(callee.expression).text === "Mathf" ? "f32" : "f64";
    return null;
  }

  /** @param {number} op @param {E} a @param {E} b @returns {E} */
  binary(op, a, b) {
    const arith = { [Token.Plus]: "add", [Token.Minus]: "sub", [Token.Asterisk]: "mul", [Token.Slash]: "div", [Token.Ampersand]: "and", [Token.Bar]: "or", [Token.Caret]: "xor" };
    const shifts = { [Token.LessThan_LessThan]: "shl", [Token.GreaterThan_GreaterThan]: "shr_s", [Token.GreaterThan_GreaterThan_GreaterThan]: "shr_u" };
    const cmps = { [Token.LessThan]: "lt", [Token.LessThan_Equals]: "le", [Token.GreaterThan]: "gt", [Token.GreaterThan_Equals]: "ge", [Token.Equals_Equals]: "eq", [Token.Exclamation_Equals]: "ne" };
    if (op === Token.Ampersand_Ampersand || op === Token.Bar_Bar) {
      if (a.t !== "mask" || b.t !== "mask") bail("&& or || of numbers");
      return { t: "mask", k: "bin", op: op === Token.Ampersand_Ampersand ? "and" : "or", a, b };
    }
    const sh = /** @type {Record<number, string>} */ (shifts)[op];
    if (sh) {
      const x = this.typed(a, "i32");
      if (x.t !== "i32" || (b.k !== "scalar" && b.k !== "const") || (b.t !== "i32" && b.t !== "lit")) bail("a shift by a per-element amount");
      return { t: "i32", k: "bin", op: sh, a: x, b: this.typed(b, "i32") };
    }
    const [x, y] = this.unify(a, b);
    const ar = /** @type {Record<number, string>} */ (arith)[op];
    if (ar) {
      if (x.t === "mask") bail("arithmetic on a comparison");
      if (x.t === "i32" && ar === "div") bail("integer division (no SIMD instruction)");
      if ((x.t === "f64" || x.t === "f32") && (ar === "and" || ar === "or" || ar === "xor")) bail("bitwise operator on floats");
      return { t: x.t, k: "bin", op: ar, a: x, b: y };
    }
    const cmp = /** @type {Record<number, string>} */ (cmps)[op];
    if (cmp) {
      if (x.t === "mask") bail("comparison of comparisons");
      return { t: "mask", k: "bin", op: cmp, a: x, b: y, ...{ lane: x.t } };
    }
    return bail(`the operator ${Token[op]}`);
  }

  /** Types two operands alike (literals take the other side's type). @param {E} a @param {E} b @returns {[E, E]} */
  unify(a, b) {
    if (a.t === "lit" && b.t === "lit") {
      const t = this.lane ?? bail("an expression of literals only");
      return [this.typed(a, t), this.typed(b, t)];
    }
    if (a.t === "lit") a = this.typed(a, b.t);
    if (b.t === "lit") b = this.typed(b, a.t);
    if (a.t !== b.t) bail(`mixes ${a.t} and ${b.t}`);
    return [a, b];
  }

  /** A literal takes type t (if it can); other expressions are returned as they are. @param {E} e @param {string} [t] @returns {E} */
  typed(e, t) {
    if (e.t !== "lit") return e;
    t = t ?? this.lane ?? undefined;
    if (!t || !(t in LANES)) return bail("a literal of unknown type");
    if (t === "i32") {
      const v = e.k === "const" ? intValue(e.node) : null;
      if (v === null || v < -(2 ** 31) || v >= 2 ** 31) bail("a non-integer literal in integer arithmetic");
    }
    return { ...e, t };
  }

  /**
   * Memory dependences: static for two offsets of one row, run-time
   * conditions (no overlap, or the same element in the same iteration) for
   * different rows.
   * @param {Group[]} groups @param {import("./loops.js").Canonical} c
   * A loop-invariant element read before the stores of the iteration may
   * lie in the row being stored (textbook Floyd-Warshall: d[i][k] in row i):
   * that pair is not checked but split: vector iterations up to the one
   * that stores the element, that iteration in scalar, the element re-read,
   * vector iterations after it.
   * @returns {{ pairs: Array<{ s: Group, a: Group }>, split: { inv: Group, store: Group } | null }}
   */
  dependences(groups, c) {
    const used = new Set(this.uses.map((u) => u.p.group));
    const stored = new Set(this.uses.filter((u) => u.store).map((u) => u.p.group));
    for (const g of stored) {
      const stores = this.uses.filter((u) => u.store && u.p.group === g);
      const offsets = new Set(stores.map((u) => u.p.offset));
      if (offsets.size > 1) bail("stores to one row at two offsets");
      const ks = stores[0].p.offset, firstStore = Math.min(...stores.map((u) => u.pos));
      for (const u of this.uses) {
        if (u.store || u.p.group !== g || u.p.offset === ks) continue;
        // Reading ahead of the store, before it, is a read of old values: fine.
        if (u.p.offset > ks && u.pos <= firstStore) continue;
        bail("a loop-carried dependence (an element stored in one iteration is read in another)");
      }
    }
    /** @type {Array<{ s: Group, a: Group }>} */
    const pairs = [];
    const list = [...used];
    for (const s of stored) for (const a of list) {
      if (a === s) continue;
      if (stored.has(a) && list.indexOf(a) < list.indexOf(s)) continue; // each store pair once
      pairs.push({ s, a });
    }
    /** @type {{ inv: Group, store: Group } | null} */
    let split = null;
    const firstStorePos = (/** @type {Group} */ g) => Math.min(...this.uses.filter((u) => u.store && u.p.group === g).map((u) => u.pos));
    for (const pr of pairs) {
      const { s, a } = pr;
      if (split || a.coef !== 0n || stored.has(a) || a.kmin !== a.kmax || s.coef !== 1n) continue;
      if (a.array.decl !== s.array.decl) continue;
      const lastRead = Math.max(...this.uses.filter((u) => u.p.group === a).map((u) => u.pos));
      if (lastRead > firstStorePos(s)) continue;
      split = { inv: a, store: s };
    }
    return { pairs: split ? pairs.filter((pr) => !(pr.s === split?.store && pr.a === split?.inv)) : pairs, split };
  }
}

/** Does the expression take a square root or divide? @param {E} e @returns {boolean} */
function costly(e) {
  switch (e.k) {
    case "un": return e.op === "sqrt" || costly(e.a);
    case "bin": return e.op === "div" || costly(e.a) || costly(e.b);
    case "select": return costly(e.m) || costly(e.a) || costly(e.b);
    default: return false;
  }
}

// ---- code ----------------------------------------------------------------------

/**
 * @param {import("./function.js").Codegen} gen @param {AstNode} node @param {import("./loops.js").LoopInfo} info
 * @param {import("./function.js").Mode} m @param {Analysis} an @param {{ vec: string, n: number }} L
 * @param {{ pairs: Array<{ s: Group, a: Group }>, split: { inv: Group, store: Group } | null }} deps
 */
function emit(gen, node, info, m, an, L, deps) {
  const { pairs, split } = deps;
  const r = node.range;
  const c = /** @type {import("./loops.js").Canonical} */ (info.canonical);
  const v = c.decl.name;
  const VF = L.n;
  const hiName = gen.temp();
  const pre = [];     // before the vector loop, inside the guard
  const post = [];    // after it, inside the guard
  /** @type {Map<string, string>} hoisted splats by key */
  const splats = new Map();
  /** @type {Map<Decl, string>} */
  const tempNames = new Map();
  /** @type {Map<Decl, string>} */
  const accNames = new Map();

  /** The split element's splat, re-read after the iteration that stores it. */
  let reload = /** @type {AstNode | null} */ (null);
  const splat = (/** @type {string} */ key, /** @type {() => AstNode} */ make, /** @type {string} */ t, mutable = false) => {
    let name = splats.get(key);
    if (!name) {
      name = gen.temp();
      splats.set(key, name);
      const value = () => call(`${LANES[/** @type {keyof typeof LANES} */ (t)].vec}.splat`, [make()], r);
      pre.push(decl(name, "v128", value(), r, !mutable));
      if (mutable) reload = exprStmt(bin(Token.Equals, id(name, r), value(), r));
    }
    return id(name, r);
  };

  /** @param {E} e @returns {AstNode} */
  const vexpr = (e) => {
    switch (e.k) {
      case "const": return splat(`c:${e.t}:${literalKey(e.node)}`, () => deepCopy(e.node), e.t);
      case "scalar": return splat(`s:${e.node.text}`, () => id(e.node.text, r), e.t);
      case "temp": return id(/** @type {string} */ (tempNames.get(e.decl)), r);
      case "load": {
        if (e.p.coef === 0n) {
          const p = e.p;
          return splat(`l:${p.ptr}:${p.offset}`, () => call("load", p.offset ? [id(p.ptr, r), int(p.offset, r)] : [id(p.ptr, r)], r, [/** @type {string} */ (e.t)]), e.t, split?.inv === p.group);
        }
        if (e.p.coef !== 1n) return gather(e.p, /** @type {string} */ (e.t));
        return call("v128.load", e.p.offset ? [pointerAddress(e.p), int(e.p.offset, r)] : [pointerAddress(e.p)], r);
      }
      case "un": {
        const a = vexpr(e.a);
        if (e.op === "not") return call("v128.not", [a], r);
        return call(`${LANES[/** @type {keyof typeof LANES} */ (e.t)].vec}.${e.op}`, [a], r);
      }
      case "bin": {
        const a = vexpr(e.a), b = e.op.startsWith("sh") ? scalarOf(e.b) : vexpr(e.b);
        if (e.t === "mask") {
          if (e.op === "and" || e.op === "or") return call(`v128.${e.op}`, [a, b], r);
          const lt = /** @type {any} */ (e).lane;
          const suffix = lt === "i32" && ["lt", "le", "gt", "ge"].includes(e.op) ? "_s" : "";
          return call(`${LANES[/** @type {keyof typeof LANES} */ (lt)].vec}.${e.op}${suffix}`, [a, b], r);
        }
        if (e.op === "and" || e.op === "or" || e.op === "xor") return call(`v128.${e.op}`, [a, b], r);
        const suffix = e.t === "i32" && (e.op === "min" || e.op === "max") ? "_s" : "";
        return call(`${LANES[/** @type {keyof typeof LANES} */ (e.t)].vec}.${e.op}${suffix}`, [a, b], r);
      }
      case "select": return call("v128.bitselect", [vexpr(e.a), vexpr(e.b), vexpr(e.m)], r);
    }
    throw new Error("unreachable");
  };
  /**
   * A strided read: lane k is the element `coef * k` after lane 0's, a load
   * at a constant offset from lane 0's address (`replace_lane` into a splat).
   * @param {Pointered} p @param {string} t
   */
  const gather = (p, t) => {
    const vec = LANES[/** @type {keyof typeof LANES} */ (t)].vec;
    const laneLoad = (/** @type {number} */ k) => {
      const off = p.offset + k * Number(p.coef << BigInt(p.shift));
      return call("load", off ? [pointerAddress(p), int(off, r)] : [pointerAddress(p)], r, [t]);
    };
    let x = call(`${vec}.splat`, [laneLoad(0)], r);
    for (let k = 1; k < L.n; k++) x = call(`${vec}.replace_lane`, [x, int(k, r), laneLoad(k)], r);
    return x;
  };
  /** A scalar shift amount. @param {E} e */
  const scalarOf = (e) => (e.k === "const" ? deepCopy(e.node) : e.k === "scalar" ? id(e.node.text, r) : bail("shift amount"));

  const makeVBody = () => {
  const vbody = [];
  for (const s of an.stmts) {
    if (s.k === "let") {
      const name = gen.temp();
      tempNames.set(s.decl, name);
      vbody.push(decl(name, "v128", vexpr(s.e), r, true));
    } else if (s.k === "store") {
      vbody.push(exprStmt(call("v128.store", s.p.offset ? [pointerAddress(s.p), vexpr(s.e), int(s.p.offset, r)] : [pointerAddress(s.p), vexpr(s.e)], r)));
    } else if (s.ordered) {
      const terms = gen.temp();
      vbody.push(decl(terms, "v128", vexpr(s.e), r, true));
      for (let i = 0; i < L.n; i++) {
        const lane = call(`${L.vec}.extract_lane`, [id(terms, r), int(i, r)], r);
        const op = s.op === "add" ? Token.Plus : s.op === "sub" ? Token.Minus : Token.Asterisk;
        vbody.push(exprStmt(bin(Token.Equals, id(s.decl.name, r), bin(op, id(s.decl.name, r), lane, r), r)));
      }
    } else {
      let acc = accNames.get(s.decl);
      if (!acc) {
        acc = gen.temp();
        accNames.set(s.decl, acc);
        pre.push(decl(acc, "v128", call(`${L.vec}.splat`, [identity(s.op, /** @type {string} */ (s.decl.type), r)], r), r, false));
        post.push(...foldAccumulator(s, acc, L, r));
      }
      // A difference accumulates the terms' sum (subtracted once at the end).
      const op = s.op === "min" || s.op === "max" ? `${L.vec}.${s.op}${s.decl.type === "i32" ? "_s" : ""}` : s.op === "and" || s.op === "or" || s.op === "xor" ? `v128.${s.op}` : `${L.vec}.${s.op === "sub" ? "add" : s.op}`;
      vbody.push(exprStmt(bin(Token.Equals, id(acc, r), call(op, [id(acc, r), vexpr(s.e)], r), r)));
    }
  }
  return vbody;
  };
  tempNames.clear();
  const vbody1 = makeVBody();

  // The loop variable, hoisted out of the for (both loops continue it).
  const out = [];
  const ini = node.initializer;
  if (ini && ini.kind === NodeKind.Variable) out.push(decl(v, "i32", gen.expr(ini.declarations[0].initializer, m), r, false));
  else if (ini) out.push(mapChildren(ini, (x) => gen.any(x, m)));
  const hi = gen.expr(c.bound, m);
  // At least one vector iteration (invariant loads are hoisted into the
  // guarded block, and must only run when the loop reads them).
  const guards = [
    bin(Token.GreaterThan_Equals, id(hiName, r), int(-(2 ** 31) + VF, r), r),
    bin(Token.LessThan, id(v, r), bin(Token.Minus, id(hiName, r), int(VF - 1, r), r), r),
  ];
  for (const { s, a } of pairs) guards.push(noOverlap(s, a, v, hiName, r));
  const inc = () => bin(Token.Plus_Equals, id(v, r), int(VF, r), r);
  const hv = () => bin(Token.Minus, id(hiName, r), int(VF - 1, r), r);
  out.push(decl(hiName, "i32", hi, r, true));
  if (!split) {
    const vloop = Node.createForStatement(null, bin(Token.LessThan, id(v, r), hv(), r), inc(), block(vbody1, r), r);
    out.push(ifStmt(and(guards, r), block([...pre, vloop, ...post], r), null, r));
  } else {
    // t: the iteration that stores the invariant element (hi if none).
    const { inv, store } = split;
    const t = gen.temp(), lim = gen.temp();
    const sOff = /** @type {{ p: Pointered }} */ (an.uses.find((u) => u.store && u.p.group === store)).p.offset;
    const sAt = (/** @type {AstNode} */ x) => bin(Token.Plus, bin(Token.Plus, id(store.ptr, r), bin(Token.LessThan_LessThan, cast("usize", x, r), int(store.array.shift, r), r), r), int(sOff, r), r);
    const A = () => bin(Token.Plus, id(inv.ptr, r), int(0, r), r);
    const onRow = and([bin(Token.GreaterThan_Equals, A(), sAt(id(v, r)), r), bin(Token.LessThan, A(), sAt(id(hiName, r)), r)], r);
    const splitAt = cast("i32", bin(Token.GreaterThan_GreaterThan_GreaterThan, bin(Token.Minus, A(), bin(Token.Plus, id(store.ptr, r), int(sOff, r), r), r), int(store.array.shift, r), r), r);
    guards.push(bin(Token.GreaterThan_Equals, id(v, r), int(-(2 ** 31) + VF, r), r));
    const phase1 = Node.createForStatement(null, bin(Token.LessThan, id(v, r), id(lim, r), r), inc(), block(vbody1, r), r);
    const middle = mapChildren(node, (x) => gen.any(x, m));
    middle.initializer = null;
    middle.condition = and([bin(Token.LessThan_Equals, id(v, r), id(t, r), r), gen.expr(node.condition, m)], r);
    tempNames.clear();
    const phase2 = Node.createForStatement(null, bin(Token.LessThan, id(v, r), hv(), r), inc(), block(makeVBody(), r), r);
    const body = [
      ...pre,
      decl(t, "i32", id(hiName, r), r, false),
      ifStmt(onRow, exprStmt(bin(Token.Equals, id(t, r), splitAt, r)), null, r),
      decl(lim, "i32", Node.createTernaryExpression(bin(Token.LessThan, bin(Token.Minus, id(t, r), int(VF - 2, r), r), hv(), r), bin(Token.Minus, id(t, r), int(VF - 2, r), r), hv(), r), r, true),
      phase1, middle, /** @type {AstNode} */ (reload), phase2, ...post,
    ];
    out.push(ifStmt(and(guards, r), block(body, r), null, r));
  }
  // The scalar loop finishes (or does everything when the guard fails).
  const scalar = mapChildren(node, (x) => gen.any(x, m));
  scalar.initializer = null;
  out.push(scalar);
  gen.lastVector = `vectorized (${L.vec}${split ? ", split where the row overwrites an invariant element" : ""}${pairs.length ? `, ${pairs.length} overlap check${pairs.length === 1 ? "" : "s"} before the loop` : ""}${an.stmts.some((x) => x.k === "reduce" && !x.ordered) ? ", reduction" : ""}${an.stmts.some((x) => x.k === "reduce" && x.ordered) ? ", in-order float reduction" : ""})`;
  return block(out, r);
}

/** @param {AstNode} n */
function literalKey(n) {
  const v = intValue(n);
  if (v !== null) return `i${v}`;
  const u = unparen(n);
  if (u.kind === NodeKind.UnaryPrefix) return `-${literalKey(u.operand)}`;
  return `f${u.value}`;
}

/** Identity of a reduction. @param {string} op @param {string} t @param {any} r */
function identity(op, t, r) {
  const isF = t === "f64" || t === "f32";
  switch (op) {
    case "add": case "sub": case "or": case "xor": return isF ? float(0, r) : int(0, r);
    case "mul": return isF ? float(1, r) : int(1, r);
    case "and": return int(-1, r);
    case "min": return isF ? prop(id(t, r), "POSITIVE_INFINITY", r) : int(2 ** 31 - 1, r);
    case "max": return isF ? prop(id(t, r), "NEGATIVE_INFINITY", r) : int(-(2 ** 31), r);
  }
  throw new Error(op);
}

/**
 * `s = s op (lane0 op lane1 op ...)` after the vector loop.
 * @param {S & { k: "reduce" }} s @param {string} acc @param {{ vec: string, n: number }} L @param {any} r
 */
function foldAccumulator(s, acc, L, r) {
  const t = /** @type {string} */ (s.decl.type);
  const lanes = [];
  for (let i = 0; i < L.n; i++) lanes.push(call(`${L.vec}.extract_lane`, [id(acc, r), int(i, r)], r));
  const combine = (/** @type {AstNode} */ x, /** @type {AstNode} */ y) => {
    switch (s.op) {
      case "add": return bin(Token.Plus, x, y, r);
      case "mul": return bin(Token.Asterisk, x, y, r);
      case "and": return bin(Token.Ampersand, x, y, r);
      case "or": return bin(Token.Bar, x, y, r);
      case "xor": return bin(Token.Caret, x, y, r);
      default: return call(s.op, [x, y], r, [t]);
    }
  };
  if (s.op === "sub") {
    const folded = lanes.reduce((x, y) => bin(Token.Plus, x, y, r));
    return [exprStmt(bin(Token.Equals, id(s.decl.name, r), bin(Token.Minus, id(s.decl.name, r), folded, r), r))];
  }
  const folded = lanes.reduce(combine);
  return [exprStmt(bin(Token.Equals, id(s.decl.name, r), combine(id(s.decl.name, r), folded), r))];
}

/**
 * Run-time condition: the byte ranges a store row and another row cover
 * during the loop do not overlap, or both are single elements at the same
 * address in every iteration.
 * @param {Group} s @param {Group} a @param {string} v @param {string} hi @param {any} r
 */
function noOverlap(s, a, v, hi, r) {
  const range = (/** @type {Group} */ g) => {
    const size = 1 << g.array.shift;
    const span = Number((g.kmax - g.kmin) << BigInt(g.array.shift)) + size;
    if (g.coef === 0n) return [id(g.ptr, r), bin(Token.Plus, id(g.ptr, r), int(span, r), r)];
    // Element index `coef * idx` (a gathered strided read: coef > 1).
    const scaled = (/** @type {AstNode} */ idx) => (g.coef === 1n ? idx : bin(Token.Asterisk, idx, int(Number(g.coef), r), r));
    const at = (/** @type {AstNode} */ idx) => bin(Token.Plus, id(g.ptr, r), g.array.shift ? bin(Token.LessThan_LessThan, cast("usize", scaled(idx), r), int(g.array.shift, r), r) : cast("usize", scaled(idx), r), r);
    return [at(id(v, r)), bin(Token.Plus, at(bin(Token.Minus, id(hi, r), int(1, r), r)), int(span, r), r)];
  };
  const [s0, s1] = range(s), [a0, a1] = range(a);
  const disjoint = bin(Token.Bar_Bar, bin(Token.LessThan_Equals, s1, a0, r), bin(Token.LessThan_Equals, a1, s0, r), r);
  if (s.kmin === s.kmax && a.kmin === a.kmax && s.coef === a.coef && s.array.shift === a.array.shift) {
    return bin(Token.Bar_Bar, disjoint, bin(Token.Equals_Equals, id(s.ptr, r), id(a.ptr, r), r), r);
  }
  return disjoint;
}
