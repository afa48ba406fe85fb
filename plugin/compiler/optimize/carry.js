/**
 * Carrying values across iterations (gcc's "predictive commoning") in
 * innermost loops that are not vectorized.
 *
 * In `for (j...) g[r + j - 1] + g[r + j] + g[r + j + 1]`, the element read at
 * offset +1 in iteration j is read again at offset 0 in iteration j + 1 and at
 * -1 in j + 2. The loop keeps those values in locals and loads only the
 * leading element of each row per iteration; an element the iteration stores
 * is carried as the stored value, so an in-place sweep
 * (`g[i] = f(g[i - 1], g[i], g[i + 1])`) no longer waits for its own store to
 * come back from memory.
 *
 * When it applies (per row pointer group, stride 1, loop counting up by 1):
 *  - every access of the row is unconditional (not under an if, a ternary
 *    branch or the right side of && / ||) and the body has no `continue`;
 *  - a carried offset o is read before any store to o in the iteration, and
 *    the value at o + 1 at the end of the iteration is known: the last store
 *    to it, or the value read there;
 *  - elements are f64, f32, i32 or i64 (a carried store value must be
 *    exactly the element's new value);
 *  - stores through other rows or arrays cannot reach the row: their byte
 *    ranges are checked not to overlap before the loop; otherwise the plain
 *    loop runs.
 */
import { NodeKind, Token, unparen, id, int, cast, bin, decl, block, ifStmt, exprStmt, and, mapChildren, walk, children } from "./ast.js";
import { loadAt } from "./inline-checks.js";
import { toPoly } from "./bounds.js";

/** @typedef {import("./ast.js").AstNode} AstNode */
/** @typedef {import("./innermost.js").Group} Group */

const WIDE = new Set(["f64", "f32", "i32", "i64"]);

/**
 * @param {import("./function.js").Codegen} gen @param {AstNode} node @param {import("./loops.js").LoopInfo} info
 * @param {import("./function.js").Mode} m @param {Group[]} groups
 * @returns {AstNode | null}
 */
export function carryAcrossIterations(gen, node, info, m, groups) {
  const c = info.canonical;
  if (!c || c.dir !== 1 || c.step !== 1) return null;
  // No continue (it would skip the rotation), and no early exit (the values
  // loaded before the loop must be ones the first iteration reads).
  let hasContinue = false;
  walk(node.body, (n) => { if (n.kind === NodeKind.Continue || n.kind === NodeKind.Break || n.kind === NodeKind.Return || n.kind === NodeKind.Throw) hasContinue = true; });
  if (hasContinue || !toPoly(gen.ctx, c.bound, info, new Map())) return null;
  // Calls other than pure math could store anywhere.
  let call = false;
  walk(node.body, (n) => { if (n.kind === NodeKind.Call && !isPureCall(gen, n)) call = true; });
  if (call) return null;
  const events = accessEvents(node.body);
  // Every store must go through a row pointer (so its range is known).
  const pointered = new Set(groups.flatMap((g) => g.members.map((mm) => mm.access)));
  if (events.some((e) => e.store && !pointered.has(e.access))) return null;
  /** @type {Map<AstNode, { conditional: boolean, store: boolean, storeTime: number, alsoLoad: boolean }>} */
  const byAccess = new Map();
  for (const e of events) {
    let info = byAccess.get(e.access);
    if (!info) byAccess.set(e.access, (info = { conditional: e.conditional, store: false, storeTime: -1, alsoLoad: false }));
    if (e.store) { info.store = true; info.storeTime = e.time; } else info.alsoLoad = true;
  }
  const storedGroups = new Set();
  for (const g of groups) for (const mem of g.members) if (byAccess.get(mem.access)?.store) storedGroups.add(g);

  const plans = [];
  for (const g of groups) {
    if (g.coef !== 1n || !WIDE.has(g.array.elem)) continue;
    const mems = g.members.map((mm) => ({ ...mm, ev: byAccess.get(mm.access) }));
    if (mems.some((mm) => !mm.ev || mm.ev.conditional)) continue;
    const off = (/** @type {bigint} */ k) => Number(k - g.kmin);
    /** @type {Map<number, number[]>} load times per offset */
    const loads = new Map(), stores = new Map();
    for (const e of events) {
      const mm = mems.find((x) => x.access === e.access);
      if (!mm) continue;
      const o = off(mm.k);
      const map = e.store ? stores : loads;
      if (!map.has(o)) map.set(o, []);
      map.get(o).push(e.time);
    }
    /** @type {number[]} */
    const carried = [];
    for (const [o, times] of loads) {
      const firstStore = stores.has(o) ? Math.min(...stores.get(o)) : Infinity;
      if (Math.max(...times) > firstStore) continue; // read after a store: not the start-of-iteration value
      if (stores.has(o + 1) || loads.has(o + 1)) carried.push(o);
    }
    if (!carried.length) continue;
    carried.sort((a, b) => a - b);
    plans.push({ g, carried, loads, stores });
  }
  if (!plans.length) return null;

  const r = node.range;
  const v = c.decl.name;
  const elemSize = (/** @type {Group} */ g) => 1 << g.array.shift;
  // Names: carried values, captured stores, leading loads.
  const pre = [], head = [], rotate = [];
  /** @type {Array<[AstNode, string]>} */
  const replaced = [], captured = [];
  for (const pl of plans) {
    const { g, carried, loads, stores } = pl;
    const T = g.array.elem;
    const names = new Map(carried.map((o) => [o, gen.temp()]));
    /** value of offset o at the end of the iteration */
    const endValue = new Map();
    for (const o of carried) {
      const next = o + 1;
      if (endValue.has(next)) continue;
      if (stores.has(next)) {
        const cap = gen.temp();
        pre.push(decl(cap, T, zeroOf(T, r), r, false));
        endValue.set(next, cap);
        const lastTime = Math.max(...stores.get(next));
        for (const mm of g.members) {
          const ev = byAccess.get(mm.access);
          if (Number(mm.k - g.kmin) === next && ev?.store && ev.storeTime === lastTime) captured.push([mm.access, cap]);
        }
      } else if (names.has(next)) {
        endValue.set(next, /** @type {string} */ (names.get(next)));
      } else {
        const lead = gen.temp();
        endValue.set(next, lead);
        head.push(decl(lead, T, loadAt(T, leadAddress(g, v, r), next * elemSize(g), node), r, true));
        for (const mm of g.members) if (Number(mm.k - g.kmin) === next) replaced.push([mm.access, lead]);
      }
    }
    for (const o of carried) {
      const name = /** @type {string} */ (names.get(o));
      pre.push(decl(name, T, loadAt(T, leadAddress(g, v, r), o * elemSize(g), node), r, false));
      for (const mm of g.members) {
        if (Number(mm.k - g.kmin) !== o) continue;
        const ev = byAccess.get(mm.access);
        if (ev && ev.alsoLoad) replaced.push([mm.access, name]);
      }
      rotate.push(exprStmt(bin(Token.Equals, id(name, r), id(endValue.get(o + 1), r), r)));
    }
    void loads;
  }
  // Stores through other rows must not reach a carried row.
  const guards = [];
  for (const pl of plans) for (const s of storedGroups) if (s !== pl.g) guards.push(disjoint(s, pl.g, v, c.bound, gen, m, r));

  for (const [a, n] of replaced) gen.replaced.set(a, n);
  for (const [a, n] of captured) gen.captured.set(a, n);
  const fast = mapChildren(node, (x) => gen.any(x, m));
  for (const [a] of replaced) gen.replaced.delete(a);
  for (const [a] of captured) gen.captured.delete(a);
  const bodyStatements = fast.body.kind === NodeKind.Block ? fast.body.statements : [fast.body];
  fast.body = block([...head, ...bodyStatements, ...rotate], r);
  fast.initializer = null;
  const plain = mapChildren(node, (x) => gen.any(x, m));
  plain.initializer = null;

  const out = [];
  const ini = node.initializer;
  if (ini && ini.kind === NodeKind.Variable) out.push(decl(v, "i32", gen.expr(ini.declarations[0].initializer, m), r, false));
  else if (ini) out.push(mapChildren(ini, (x) => gen.any(x, m)));
  const enter = [gen.expr(node.condition, m), ...guards];
  out.push(ifStmt(and(enter, r), block([...pre, fast], r), block([plain], r), r));
  gen.loopNotes.push({
    path: gen.env.path, start: node.range.start, kind: "carried",
    message: `${plans.reduce((n, p) => n + p.carried.length, 0)} loaded value${plans.reduce((n, p) => n + p.carried.length, 0) === 1 ? "" : "s"} carried to the next iteration instead of reloaded${guards.length ? ` (${guards.length} overlap check${guards.length === 1 ? "" : "s"} before the loop)` : ""}`,
  });
  return block(out, r);
}

const PURE = new Set(["sqrt", "abs", "floor", "ceil", "trunc", "nearest", "min", "max", "copysign", "i32", "u32", "f32", "f64", "i64", "u64", "i8", "u8", "i16", "u16", "bool", "isize", "usize", "load"]);
/** Math built-ins, conversions, and our own loads. @param {import("./function.js").Codegen} gen @param {AstNode} n */
function isPureCall(gen, n) {
  const callee = unparen(n.expression);
  if (callee.kind === NodeKind.Identifier) return !gen.ctx.scope.refs.has(callee) && PURE.has(callee.text);
  if (callee.kind === NodeKind.PropertyAccess && unparen(callee.expression).kind === NodeKind.Identifier) {
    const ns = unparen(callee.expression);
    return (ns.text === "Math" || ns.text === "Mathf") && !gen.ctx.scope.refs.has(ns) && PURE.has(callee.property.text);
  }
  return false;
}

/** `p + (<usize>j << shift)` for a group. @param {Group} g @param {string} v @param {any} r */
function leadAddress(g, v, r) {
  return bin(Token.Plus, id(g.ptr, r), g.array.shift ? bin(Token.LessThan_LessThan, cast("usize", id(v, r), r), int(g.array.shift, r), r) : cast("usize", id(v, r), r), r);
}

/** @param {string} T @param {any} r */
function zeroOf(T, r) {
  return T === "f64" || T === "f32" ? cast(T, int(0, r), r) : cast(T, int(0, r), r);
}

/**
 * The byte ranges two rows cover during the loop do not overlap.
 * @param {Group} s @param {Group} a @param {string} v @param {AstNode} bound
 * @param {import("./function.js").Codegen} gen @param {import("./function.js").Mode} m @param {any} r
 */
function disjoint(s, a, v, bound, gen, m, r) {
  const range = (/** @type {Group} */ g) => {
    const span = Number((g.kmax - g.kmin) << BigInt(g.array.shift)) + (1 << g.array.shift);
    if (g.coef === 0n) return [id(g.ptr, r), bin(Token.Plus, id(g.ptr, r), int(span, r), r)];
    const at = (/** @type {AstNode} */ idx) => bin(Token.Plus, id(g.ptr, r), g.array.shift ? bin(Token.LessThan_LessThan, cast("usize", idx, r), int(g.array.shift, r), r) : cast("usize", idx, r), r);
    return [at(id(v, r)), bin(Token.Plus, at(bin(Token.Minus, gen.expr(bound, m), int(1, r), r)), int(span, r), r)];
  };
  const [s0, s1] = range(s), [a0, a1] = range(a);
  return bin(Token.Bar_Bar, bin(Token.LessThan_Equals, s1, a0, r), bin(Token.LessThan_Equals, a1, s0, r), r);
}

/**
 * Element accesses of a loop body in evaluation order, with whether each
 * runs conditionally. A store's right side runs before the store; a compound
 * assignment reads its target first.
 * @param {AstNode} body
 * @returns {Array<{ access: AstNode, time: number, store: boolean, conditional: boolean }>}
 */
function accessEvents(body) {
  /** @type {Array<{ access: AstNode, time: number, store: boolean, conditional: boolean }>} */
  const out = [];
  let time = 0;
  const ev = (/** @type {AstNode} */ access, /** @type {boolean} */ store, /** @type {boolean} */ cond) => out.push({ access, time: time++, store, conditional: cond });
  /** @param {AstNode} n @param {boolean} cond */
  function visit(n, cond) {
    if (!n) return;
    switch (n.kind) {
      case NodeKind.If:
        visit(n.condition, cond);
        visit(n.ifTrue, true);
        visit(n.ifFalse, true);
        return;
      case NodeKind.Ternary:
        visit(n.condition, cond);
        visit(n.ifThen, true);
        visit(n.ifElse, true);
        return;
      case NodeKind.Binary: {
        if (n.operator === Token.Ampersand_Ampersand || n.operator === Token.Bar_Bar) {
          visit(n.left, cond);
          visit(n.right, true);
          return;
        }
        const left = unparen(n.left);
        if (n.operator >= Token.Equals && n.operator <= Token.Caret_Equals && left.kind === NodeKind.ElementAccess) {
          visit(left.elementExpression, cond);
          if (n.operator !== Token.Equals) ev(left, false, cond);
          visit(n.right, cond);
          ev(left, true, cond);
          return;
        }
        visit(n.left, cond);
        visit(n.right, cond);
        return;
      }
      case NodeKind.UnaryPostfix:
      case NodeKind.UnaryPrefix: {
        const op = unparen(n.operand);
        if ((n.operator === Token.Plus_Plus || n.operator === Token.Minus_Minus) && op.kind === NodeKind.ElementAccess) {
          visit(op.elementExpression, cond);
          ev(op, false, cond);
          ev(op, true, cond);
          return;
        }
        visit(n.operand, cond);
        return;
      }
      case NodeKind.ElementAccess:
        visit(n.expression, cond);
        visit(n.elementExpression, cond);
        ev(n, false, cond);
        return;
      default:
        for (const c of children(n)) visit(c, cond);
    }
  }
  visit(body, false);
  return out;
}
