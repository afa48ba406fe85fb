/**
 * Bounds-check elimination by loop versioning.
 *
 * For an element access `a[e]` inside loops, we look for the outermost
 * enclosing loop L (the "level") such that, before L starts, a handful of
 * integer conditions on values that L never changes imply that every
 * execution of the access during L is in bounds. Then the optimizer emits
 *
 *     if (conditions) { L with the access unchecked } else { L, every access checked }
 *
 * so a failing access still raises its located KernelError, at the same
 * iteration, after the same side effects (the checked copy is the original
 * loop). The conditions are exact integer arithmetic evaluated in i64:
 *
 *  - the index `e` is a polynomial (poly.js) in loop variables and atoms;
 *    each loop variable of a canonical loop (loops.js) lies in
 *    [INIT, BOUND - 1]; eliminating loop variables from the innermost out
 *    (each appears linearly; its coefficient's sign is assumed and that
 *    assumption becomes a condition) gives min(e) and max(e) as polynomials
 *    in atoms: conditions `min(e) >= 0` and `max(e) <= a.length - 1`;
 *  - INIT and BOUND must equal their mathematical values (no i32 wrap), and
 *    `i += STEP` must not wrap past BOUND: more conditions;
 *  - every polynomial is evaluated in i64 only if its terms cannot overflow
 *    (symbols are i32, lengths at most 2^30); otherwise the atoms get caps
 *    (|x| <= 2^k) that make it safe, also checked at run time.
 *
 * Atoms are values fixed during L: i32 locals and parameters that nothing in
 * L writes and that are declared outside L, `a.length` of arrays whose header
 * the optimizer caches (their header never changes), and side-effect-free,
 * trap-free invariant expressions such as `n >> 1`. Locals declared inside L
 * with an affine initializer and never written (`const row = y * w`) are
 * replaced by that initializer, and derived induction variables (`bp += 4`
 * once per iteration of a counted loop) by their value in terms of the loop
 * counter (derivedInduction).
 *
 * An index read from data (not a polynomial) is still proved when its type
 * bounds its value (value-ranges.js): `counts[x[i]]` with x a Uint8Array
 * needs only `counts.length >= 256` (rangedIndex).
 */
import * as P from "./poly.js";
import { NodeKind, Token, unparen, intValue, LiteralKind, walk } from "./ast.js";
import { within } from "./loops.js";
import { valueRange } from "./value-ranges.js";

/** @typedef {import("./ast.js").AstNode} AstNode */
/** @typedef {import("./scope.js").Decl} Decl */
/** @typedef {import("./loops.js").LoopInfo} LoopInfo */
/** @typedef {import("./poly.js").Poly} Poly */

const I32_MIN = -(2n ** 31n);
const I32_MAX = 2n ** 31n - 1n;
/** Longest typed array: 1 GiB of bytes (the allocator's block limit). */
const LEN_MAX = 2n ** 30n;

/**
 * @typedef {object} Sym
 * @property {"var" | "atom" | "len" | "expr" | "entry"} kind   entry: a loop variable's value before its loop
 * @property {Decl} [decl]        var / atom: the declaration; len: the array's declaration
 * @property {AstNode} [node]     expr: the invariant expression
 * @property {bigint} lo          value range (for simplification)
 * @property {bigint} hi
 */

/**
 * A condition: `poly >= 0`, evaluated in i64.
 * @typedef {object} Cond
 * @property {Poly} poly
 * @property {string} key
 * @property {string} why   what it guarantees (reports)
 */

/**
 * @typedef {object} ArrayInfo
 * @property {Decl} decl
 * @property {string} typeName
 * @property {string} elem    element type (`f64`)
 * @property {number} shift   log2 of the element size
 * @property {string} ds      name of the local caching `dataStart`
 * @property {string} len     name of the local caching `length`
 */

/**
 * @typedef {object} Ctx  what the analysis knows about one function
 * @property {import("./scope.js").FunctionScope} scope
 * @property {import("./loops.js").Structure} structure
 * @property {Map<Decl, ArrayInfo>} arrays
 * @property {Map<string, Sym>} syms   every symbol met, by name
 * @property {Poly[]} [inductions]     set while analyzeAccess converts an index: derived induction values met
 */

/**
 * Converts an i32 expression into a polynomial, or null.
 * @param {Ctx} ctx
 * @param {AstNode} expr
 * @param {LoopInfo} level        the loop before which conditions are evaluated
 * @param {Map<Decl, LoopInfo>} vars  loop variables in range at `expr`
 * @param {number} [depth]
 * @returns {Poly | null}
 */
export function toPoly(ctx, expr, level, vars, depth = 0) {
  if (depth > 16) return null;
  const e = unparen(expr);
  switch (e.kind) {
    case NodeKind.Literal: {
      if (e.literalKind !== LiteralKind.Integer) return null;
      const v = intValue(e);
      return v !== null && v >= -(2 ** 31) && v < 2 ** 31 ? P.constant(v) : null;
    }
    case NodeKind.Identifier: {
      const d = ctx.scope.refs.get(e);
      if (!d) return null;
      if (vars.has(d)) return sym(ctx, `v${d.index}`, { kind: "var", decl: d, lo: I32_MIN, hi: I32_MAX });
      if (d.type !== "i32") return null;
      if (invariantIn(ctx, d, level)) return sym(ctx, `a${d.index}`, { kind: "atom", decl: d, lo: I32_MIN, hi: I32_MAX });
      const iv = ctx.inductions ? derivedInduction(ctx, d, e, level, vars, depth) : null;
      if (iv) return iv;
      // A never-written local declared inside the level: its initializer, in
      // terms of the loop variables in range where it is declared.
      if ((d.kind === "const" || d.kind === "let") && d.writes.length === 0 && d.init) {
        const declLoop = ctx.structure.loopOf.get(d.node) ?? null;
        const visible = new Map([...vars].filter(([, l]) => within(declLoop, l) && !inInitializer(l, d)));
        return toPoly(ctx, d.init, level, visible, depth + 1);
      }
      return null;
    }
    case NodeKind.PropertyAccess: {
      const arr = lengthOf(ctx, e);
      if (arr && !declaredInside(ctx, arr.decl, level)) return sym(ctx, `n${arr.decl.index}`, { kind: "len", decl: arr.decl, lo: 0n, hi: LEN_MAX });
      return null;
    }
    case NodeKind.UnaryPrefix: {
      if (e.operator === Token.Plus) return toPoly(ctx, e.operand, level, vars, depth + 1);
      if (e.operator === Token.Minus) {
        const p = toPoly(ctx, e.operand, level, vars, depth + 1);
        return p && P.scale(p, -1);
      }
      return invariantExpr(ctx, e, level);
    }
    case NodeKind.Binary: {
      const op = e.operator;
      if (op === Token.Plus || op === Token.Minus || op === Token.Asterisk) {
        const a = toPoly(ctx, e.left, level, vars, depth + 1);
        const b = a && toPoly(ctx, e.right, level, vars, depth + 1);
        if (!a || !b) return invariantExpr(ctx, e, level);
        return op === Token.Plus ? P.add(a, b) : op === Token.Minus ? P.sub(a, b) : P.mul(a, b);
      }
      if (op === Token.LessThan_LessThan) {
        const c = intValue(e.right);
        const a = c !== null && c >= 0 && c <= 30 ? toPoly(ctx, e.left, level, vars, depth + 1) : null;
        return a ? P.scale(a, 2n ** BigInt(c ?? 0)) : invariantExpr(ctx, e, level);
      }
      return invariantExpr(ctx, e, level);
    }
    default:
      return null;
  }
}

/**
 * A derived induction variable: an i32 local that its loop L (a canonical
 * loop with step 1 whose variable is in range here) changes by exactly one
 * unconditional `d += c` / `d -= c` / `d++` / `d--` statement of L's own body
 * (c invariant), with no `continue` in L. At a read of `d` in L, in the
 * iteration where L's variable is v,
 *
 *     d = E + (v - INIT) * c        (+ c when the read comes after the update)
 *
 * where E, d's value when L starts, is read just before L when L is the level,
 * or else is d's initializer when d is declared directly in L's parent loop
 * and nothing else writes it (`let bp = strip; for (p..) { ...pack[bp]...; bp += 4; }`).
 * The value is recorded in ctx.inductions: analyzeAccess adds conditions that
 * it never leaves the i32 range (so the i32 updates never wrapped).
 * @param {Ctx} ctx @param {Decl} d @param {AstNode} at  the read @param {LoopInfo} level
 * @param {Map<Decl, LoopInfo>} vars @param {number} depth
 * @returns {Poly | null}
 */
function derivedInduction(ctx, d, at, level, vars, depth) {
  if (d.kind === "const") return null;
  const loopOf = ctx.structure.loopOf;
  let found = null;
  for (const w of d.writes) {
    const L = loopOf.get(w) ?? null;
    if (!L || !L.canonical || vars.get(L.canonical.decl) !== L || !within(L, level)) continue;
    if (found) return null; // two updates in loops in range
    found = { w, L };
  }
  if (!found) return null;
  const { w, L } = found;
  const c = /** @type {import("./loops.js").Canonical} */ (L.canonical);
  if (c.step !== 1 || L.node.body.kind !== NodeKind.Block) return null;
  if (!L.node.body.statements.some((/** @type {AstNode} */ st) => st.kind === NodeKind.Expression && st.expression === w)) return null;
  // Every other write must be outside L (and, unless L is the level, there are none).
  if (d.writes.some((x) => x !== w && within(loopOf.get(x) ?? null, L))) return null;
  if (hasContinue(L.node.body)) return null;
  // The step.
  const t = unparen(w);
  /** @type {Poly | null} */
  let step = null;
  if (t.kind === NodeKind.UnaryPostfix || t.kind === NodeKind.UnaryPrefix) {
    step = P.constant(t.operator === Token.Plus_Plus ? 1 : -1);
  } else if (t.kind === NodeKind.Binary && (t.operator === Token.Plus_Equals || t.operator === Token.Minus_Equals)) {
    const q = toPoly(ctx, t.right, level, new Map(), depth + 1);
    step = q && (t.operator === Token.Plus_Equals ? q : P.scale(q, -1));
  }
  if (!step) return null;
  // Loops strictly outside L whose variables are in range.
  const outside = new Map([...vars].filter(([, l]) => l !== L && within(L, l)));
  const init = c.init ? toPoly(ctx, c.init, level, outside, depth + 1) : L === level ? sym(ctx, `e${c.decl.index}`, { kind: "entry", decl: c.decl, lo: I32_MIN, hi: I32_MAX }) : null;
  if (!init) return null;
  /** @type {Poly | null} */
  let entry = null;
  if (L === level) entry = sym(ctx, `e${d.index}`, { kind: "entry", decl: d, lo: I32_MIN, hi: I32_MAX });
  else if (d.writes.length === 1 && d.init && (loopOf.get(d.node) ?? null) === L.parent) {
    const visible = new Map([...outside].filter(([, l]) => within(L.parent, l) && !inInitializer(l, d)));
    entry = toPoly(ctx, d.init, level, visible, depth + 1);
  }
  if (!entry) return null;
  const k = c.dir > 0 ? P.sub(P.symbol(`v${c.decl.index}`), init) : P.sub(init, P.symbol(`v${c.decl.index}`));
  sym(ctx, `v${c.decl.index}`, { kind: "var", decl: c.decl, lo: I32_MIN, hi: I32_MAX });
  let value = P.add(entry, P.mul(k, step));
  if (at.range.start >= w.range.end) value = P.add(value, step);
  /** @type {Poly[]} */ (ctx.inductions).push(value);
  return value;
}

/** Does a loop body contain a `continue` (of any loop)? @param {AstNode} body */
function hasContinue(body) {
  let found = false;
  walk(body, (n) => {
    if (n.kind === NodeKind.Continue) found = true;
    return !found;
  });
  return found;
}

/** Is `d` declared in the initializer of loop `l` (so `l`'s variable is not in range there)? @param {LoopInfo} l @param {Decl} d */
function inInitializer(l, d) {
  const ini = l.node.initializer;
  return !!ini && ini.kind === NodeKind.Variable && ini.declarations.includes(d.node);
}

/** @param {Ctx} ctx @param {string} name @param {Sym} s */
function sym(ctx, name, s) {
  if (!ctx.syms.has(name)) ctx.syms.set(name, s);
  return P.symbol(name);
}

/** The cached array whose `.length` this is. @param {Ctx} ctx @param {AstNode} e */
export function lengthOf(ctx, e) {
  if (e.kind !== NodeKind.PropertyAccess || e.property.text !== "length") return null;
  const t = unparen(e.expression);
  if (t.kind !== NodeKind.Identifier) return null;
  const d = ctx.scope.refs.get(t);
  return d ? ctx.arrays.get(d) ?? null : null;
}

/** Is `d` declared inside `loop` (its initializer included)? @param {Ctx} ctx @param {Decl} d @param {LoopInfo} loop */
function declaredInside(ctx, d, loop) {
  if (d.kind === "param") return false;
  return within(ctx.structure.loopOf.get(d.node) ?? null, loop);
}

/** Does nothing in `loop` write `d`, and is it declared outside? @param {Ctx} ctx @param {Decl} d @param {LoopInfo} loop */
export function invariantIn(ctx, d, loop) {
  if (declaredInside(ctx, d, loop)) return false;
  return !d.writes.some((w) => within(ctx.structure.loopOf.get(w) ?? null, loop));
}

/**
 * An invariant i32 expression that is safe to evaluate early (no calls, no
 * writes, no trap: division only by a non-zero literal) becomes one atom.
 * @param {Ctx} ctx @param {AstNode} e @param {LoopInfo} level
 */
function invariantExpr(ctx, e, level) {
  const key = exprKey(ctx, e, level);
  if (!key) return null;
  return sym(ctx, `x${key}`, { kind: "expr", node: e, lo: I32_MIN, hi: I32_MAX });
}

/**
 * Canonical text of a safe invariant i32 expression, or null.
 * @param {Ctx} ctx @param {AstNode} expr @param {LoopInfo} level @returns {string | null}
 */
function exprKey(ctx, expr, level) {
  const e = unparen(expr);
  switch (e.kind) {
    case NodeKind.Literal: {
      const v = intValue(e);
      return v !== null && v >= -(2 ** 31) && v < 2 ** 31 ? String(v) : null;
    }
    case NodeKind.Identifier: {
      const d = ctx.scope.refs.get(e);
      return d && d.type === "i32" && invariantIn(ctx, d, level) ? `#${d.index}` : null;
    }
    case NodeKind.PropertyAccess: {
      const arr = lengthOf(ctx, e);
      return arr && !declaredInside(ctx, arr.decl, level) ? `len#${arr.decl.index}` : null;
    }
    case NodeKind.UnaryPrefix: {
      if (e.operator !== Token.Minus && e.operator !== Token.Tilde) return null;
      const a = exprKey(ctx, e.operand, level);
      return a && `(${e.operator === Token.Minus ? "-" : "~"}${a})`;
    }
    case NodeKind.Binary: {
      const ops = { [Token.Plus]: "+", [Token.Minus]: "-", [Token.Asterisk]: "*", [Token.Ampersand]: "&", [Token.Bar]: "|", [Token.Caret]: "^",
        [Token.LessThan_LessThan]: "<<", [Token.GreaterThan_GreaterThan]: ">>", [Token.GreaterThan_GreaterThan_GreaterThan]: ">>>", [Token.Slash]: "/", [Token.Percent]: "%" };
      const op = /** @type {Record<number, string>} */ (ops)[e.operator];
      if (!op) return null;
      if (op === "/" || op === "%") {
        const c = intValue(e.right);
        if (c === null || c === 0 || c === -1) return null; // -1: INT_MIN / -1 traps
      }
      const a = exprKey(ctx, e.left, level), b = exprKey(ctx, e.right, level);
      return a && b && `(${a}${op}${b})`;
    }
    default:
      return null;
  }
}

// ---- ranges of loop variables and of polynomials -------------------------------

/**
 * @typedef {object} LoopRange
 * @property {LoopInfo} loop
 * @property {string} v       symbol of its variable
 * @property {Poly} min       smallest value the variable takes (over outer variables and atoms)
 * @property {Poly} max
 * @property {Poly} init
 * @property {Poly} bound
 */

/**
 * Extreme value of `p` over the iterations of `ranges` (innermost first).
 * Returns the polynomial in atoms and the sign assumptions it relies on.
 * @param {Poly} p @param {LoopRange[]} ranges @param {boolean} wantMax
 * @returns {{ value: Poly, conds: Poly[] } | null}
 */
export function extreme(p, ranges, wantMax) {
  const conds = [];
  let value = p;
  const loopVars = new Set(ranges.map((r) => r.v));
  for (const r of ranges) {
    const split = P.splitLinear(value, r.v);
    if (!split) return null;
    const { coef, rest } = split;
    if (coef.terms.size === 0) continue;
    for (const s of P.symbols(coef)) if (loopVars.has(s)) return null;
    let sign = P.likelySign(coef);
    if (sign === 0) return null;
    if (P.constValue(coef) === null) conds.push(sign > 0 ? coef : P.scale(coef, -1));
    const pick = (sign > 0) === wantMax ? r.max : r.min;
    value = P.add(P.mul(coef, pick), rest);
  }
  for (const s of P.symbols(value)) if (loopVars.has(s)) return null;
  return { value, conds };
}

/**
 * Interval of a polynomial given its symbols' ranges.
 * @param {Ctx} ctx @param {Poly} p @returns {[bigint, bigint]}
 */
function interval(ctx, p) {
  let lo = 0n, hi = 0n;
  for (const [k, c] of p.terms) {
    let tlo = c, thi = c;
    for (const f of P.factors(k)) {
      const s = ctx.syms.get(f);
      const slo = s ? s.lo : I32_MIN, shi = s ? s.hi : I32_MAX;
      const cands = [tlo * slo, tlo * shi, thi * slo, thi * shi];
      tlo = cands.reduce((a, b) => (b < a ? b : a));
      thi = cands.reduce((a, b) => (b > a ? b : a));
    }
    lo += tlo;
    hi += thi;
  }
  return [lo, hi];
}

/** Bits bounding |symbol|. @param {Ctx} ctx @param {Map<string, number>} caps @param {string} f */
function bitsOf(ctx, caps, f) {
  if (caps.has(f)) return /** @type {number} */ (caps.get(f));
  return ctx.syms.get(f)?.kind === "len" ? 30 : 31;
}

const I64_SAFE = 2n ** 63n;

/**
 * Analyses one access at one level: the conditions under which every
 * execution of it during `level` is in bounds, or why there are none.
 * @param {Ctx} ctx
 * @param {AstNode} access  ElementAccess of a cached array
 * @param {ArrayInfo} array
 * @param {LoopInfo} level
 * @param {Map<string, LoopRange | string>} rangeCache  per level
 * @returns {{ conds: Cond[] } | { why: string }}
 */
export function analyzeAccess(ctx, access, array, level, rangeCache) {
  const inner = ctx.structure.loopOf.get(access) ?? null;
  if (!within(inner, level)) return { why: "not inside the loop" };
  if (declaredInside(ctx, array.decl, level)) return { why: `'${array.decl.name}' is declared inside the loop` };
  // Canonical loops from the access out to the level: their variables are in range.
  /** @type {LoopInfo[]} */
  const chain = [];
  for (let l = inner; l; l = l.parent) {
    chain.push(l);
    if (l === level) break;
  }
  /** @type {Map<Decl, LoopInfo>} */
  const vars = new Map();
  for (const l of chain) if (l.canonical) vars.set(l.canonical.decl, l);
  ctx.inductions = [];
  const idx = toPoly(ctx, access.elementExpression, level, vars);
  const inductions = ctx.inductions;
  ctx.inductions = undefined;
  if (!idx) return rangedIndex(ctx, access, array) ?? { why: whyNotAffine(ctx, access.elementExpression, level, vars) };

  // The loops whose variables matter, innermost first, with their ranges.
  /** @type {LoopRange[]} */
  const ranges = [];
  let needed = new Set([P.symbols(idx), ...inductions.map((q) => P.symbols(q))].flatMap((x) => [...x]));
  /** @type {Poly[]} */
  const guards = [];
  /** @type {string[]} */
  const guardWhy = [];
  for (let i = 0; i < chain.length; i++) {
    const l = chain[i];
    if (!l.canonical) continue;
    const v = `v${l.canonical.decl.index}`;
    if (!needed.has(v)) continue;
    const cacheKey = `${l.node.range.start}:${v}`;
    let r = rangeCache.get(cacheKey);
    if (r === undefined) {
      r = loopRange(ctx, l, level, chain.slice(i + 1), v);
      rangeCache.set(cacheKey, r);
    }
    if (typeof r === "string") return { why: r };
    ranges.push(r);
    needed = new Set([...needed, ...P.symbols(r.init), ...P.symbols(r.bound)]);
  }
  // Conditions of each loop (no wrap), over the loops outside it.
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i], outer = ranges.slice(i + 1), c = /** @type {import("./loops.js").Canonical} */ (r.loop.canonical);
    for (const [p, what] of /** @type {Array<[Poly, string]>} */ ([[r.init, "start"], [r.bound, "bound"]])) {
      if (p.terms.size <= 1 && P.degree(p) <= 1 && [...p.terms.values()].every((x) => x === 1n || x === 0n)) continue; // a symbol or a constant
      const mx = extreme(p, outer, true), mn = extreme(p, outer, false);
      if (!mx || !mn) return { why: `the loop ${what} is not affine in the outer loop variables` };
      guards.push(P.sub(P.constant(I32_MAX), mx.value), P.sub(mn.value, P.constant(I32_MIN)), ...mx.conds, ...mn.conds);
      guardWhy.push(`loop ${what} in i32 range`, `loop ${what} in i32 range`, ...mx.conds.map(() => "sign"), ...mn.conds.map(() => "sign"));
    }
    const step = BigInt(c.step);
    if (c.dir > 0) {
      const mx = extreme(r.bound, outer, true);
      if (!mx) return { why: "the loop bound is not affine in the outer loop variables" };
      // next value after the last iteration must not wrap
      guards.push(P.sub(P.constant(I32_MAX - step + (c.inclusive ? 0n : 1n)), mx.value), ...mx.conds);
      guardWhy.push("loop variable does not wrap", ...mx.conds.map(() => "sign"));
    } else {
      const mn = extreme(r.bound, outer, false);
      if (!mn) return { why: "the loop bound is not affine in the outer loop variables" };
      guards.push(P.sub(mn.value, P.constant(I32_MIN + step - (c.inclusive ? 0n : 1n))), ...mn.conds);
      guardWhy.push("loop variable does not wrap", ...mn.conds.map(() => "sign"));
    }
  }
  // Derived induction variables (derivedInduction): their i32 updates must not wrap.
  for (const q of inductions) {
    const qx = extreme(q, ranges, true), qn = extreme(q, ranges, false);
    if (!qx || !qn) return { why: "a derived induction variable is not linear in the loop variables" };
    guards.push(P.sub(P.constant(I32_MAX), qx.value), P.sub(qn.value, P.constant(I32_MIN)), ...qx.conds, ...qn.conds);
    guardWhy.push("induction variable in i32 range", "induction variable in i32 range", ...qx.conds.map(() => "sign"), ...qn.conds.map(() => "sign"));
  }
  const mx = extreme(idx, ranges, true), mn = extreme(idx, ranges, false);
  if (!mx || !mn) return { why: "the index is not linear in each loop variable with a loop-invariant coefficient" };
  const len = P.symbol(`n${array.decl.index}`);
  ctx.syms.set(`n${array.decl.index}`, { kind: "len", decl: array.decl, lo: 0n, hi: LEN_MAX });
  const polys = [mn.value, P.sub(P.sub(len, mx.value), P.constant(1)), ...mx.conds, ...mn.conds, ...guards];
  const whys = ["index >= 0", "index < length", ...mx.conds.map(() => "sign"), ...mn.conds.map(() => "sign"), ...guardWhy];
  /** @type {Cond[]} */
  const conds = [];
  for (let i = 0; i < polys.length; i++) {
    const p = polys[i];
    const [lo, hi] = interval(ctx, p);
    if (lo >= 0n) continue; // always true
    if (hi < 0n) return { why: `${whys[i]} never holds` };
    conds.push({ poly: p, key: P.toKey(p), why: whys[i] });
  }
  // i64 evaluation must not overflow: cap the atoms of high-degree terms if needed.
  const caps = new Map();
  for (const c of conds) {
    if (P.magnitude(c.poly, (f) => bitsOf(ctx, caps, f)) < I64_SAFE) continue;
    const d = P.degree(c.poly);
    const bits = Math.floor(60 / d) - 1;
    for (const s of P.symbols(c.poly)) if (bitsOf(ctx, caps, s) > bits) caps.set(s, bits);
    if (P.magnitude(c.poly, (f) => bitsOf(ctx, caps, f)) >= I64_SAFE) return { why: "the bounds need more than 64-bit arithmetic" };
  }
  for (const [s, bits] of [...caps].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const lim = 2n ** BigInt(bits);
    for (const p of [P.add(P.symbol(s), P.constant(lim)), P.sub(P.constant(lim), P.symbol(s))]) {
      const [lo] = interval(ctx, p);
      if (lo < 0n) conds.unshift({ poly: p, key: P.toKey(p), why: "magnitude cap" });
    }
  }
  return { conds };
}

/**
 * A data-dependent index whose value range is fixed by types (value-ranges.js:
 * `counts[x[i]]` with x a Uint8Array is 0..255): in bounds when
 * `length >= hi + 1`, one condition on an invariant length. Null when the
 * index has no known range (the caller reports why it is not affine).
 * @param {Ctx} ctx @param {AstNode} access @param {ArrayInfo} array
 * @returns {{ conds: Cond[] } | { why: string } | null}
 */
function rangedIndex(ctx, access, array) {
  const r = valueRange(ctx.scope, access.elementExpression);
  if (!r) return null;
  const [lo, hi] = r;
  if (lo < 0n) return { why: `the index is read from data and may be negative (its values lie in ${lo}..${hi})` };
  const name = `n${array.decl.index}`;
  ctx.syms.set(name, { kind: "len", decl: array.decl, lo: 0n, hi: LEN_MAX });
  if (hi + 1n > LEN_MAX) return { why: `the index is read from data and may reach ${hi}, past any array's length` };
  const poly = P.sub(P.symbol(name), P.constant(hi + 1n));
  return { conds: [{ poly, key: P.toKey(poly), why: `length > ${hi} (the index is in ${lo}..${hi})` }] };
}

/**
 * Names what keeps an index from being affine, for the report.
 * @param {Ctx} ctx @param {AstNode} expr @param {LoopInfo} level @param {Map<Decl, LoopInfo>} vars
 */
function whyNotAffine(ctx, expr, level, vars) {
  let why = "";
  walk(expr, (n) => {
    if (why) return false;
    if (n.kind === NodeKind.ElementAccess) { why = "the index is read from an array (data-dependent)"; return false; }
    if (n.kind === NodeKind.Call) { why = "the index calls a function"; return false; }
    if (n.kind === NodeKind.Identifier) {
      const d = ctx.scope.refs.get(n);
      if (!d) { why = `the index uses '${n.text}', which is not a local or a parameter`; return false; }
      if (vars.has(d) || toPoly(ctx, n, level, vars)) return false;
      why = d.type !== "i32" ? `the index uses '${d.name}', which is not an i32`
        : `the index uses '${d.name}', which changes inside the loop and is not the counter of a \`for (let i = a; i < b; i++)\` loop`;
      return false;
    }
    return true;
  });
  return why || "the index is not an affine function (a*i + b*j + ...) of loop counters and loop-invariant i32 values";
}

/**
 * Range of a canonical loop's variable in terms of the loops outside it.
 * @param {Ctx} ctx @param {LoopInfo} l @param {LoopInfo} level @param {LoopInfo[]} outside  loops between l and the level (exclusive of l), innermost first
 * @param {string} v
 * @returns {LoopRange | string}
 */
function loopRange(ctx, l, level, outside, v) {
  const c = /** @type {import("./loops.js").Canonical} */ (l.canonical);
  /** @type {Map<Decl, LoopInfo>} */
  const vars = new Map();
  for (const o of outside) if (o.canonical) vars.set(o.canonical.decl, o);
  // Without an initializer the start is the variable's value when the loop
  // begins: a known quantity only for conditions evaluated right there.
  const init = c.init ? toPoly(ctx, c.init, level, vars)
    : l === level ? sym(ctx, `e${c.decl.index}`, { kind: "entry", decl: c.decl, lo: I32_MIN, hi: I32_MAX }) : null;
  const bound = toPoly(ctx, c.bound, level, vars);
  if (!init) return c.init ? `the start of loop '${c.decl.name}' is not affine in invariant values` : `loop '${c.decl.name}' has no initializer (its start is known only just before it)`;
  if (!bound) return `the bound of loop '${c.decl.name}' is not affine in invariant values`;
  // Bound written inside the loop itself (not just the level) would change the range.
  const one = P.constant(1);
  if (c.dir > 0) return { loop: l, v, init, bound, min: init, max: c.inclusive ? bound : P.sub(bound, one) };
  return { loop: l, v, init, bound, min: c.inclusive ? bound : P.add(bound, one), max: init };
}
