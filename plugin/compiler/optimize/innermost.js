/**
 * Innermost loops: index arithmetic, then vectorization (vectorize.js).
 *
 * Index arithmetic. In an innermost canonical loop over `j`, every
 * unchecked access (proved, or boundscheck=false) whose index is
 * `c*j + BASE + k` (c and k integer constants, BASE loop-invariant: `i * n`,
 * `row - w`, ...) gets its row address computed once before the loop:
 *
 *     const p = ds + (<usize>(BASE + kmin) << shift);        // before the loop
 *     load<f64>(p + (<usize>j << 3), (k - kmin) << 3)        // in the loop
 *
 * Accesses to one array with the same BASE and c share one pointer and
 * differ only in the load's immediate offset (a 3x3 stencil needs three
 * pointers, not nine index computations). The arithmetic is modular: the
 * address of an in-bounds element is exact even if BASE alone wraps.
 */
import * as P from "./poly.js";
import { NodeKind, Token, mapChildren, walk, id, int, cast, bin, decl, block } from "./ast.js";
import { toPoly } from "./bounds.js";
import { emitPoly } from "./poly-emit.js";
import { vectorize } from "./vectorize.js";
import { carryAcrossIterations } from "./carry.js";

/** @typedef {import("./ast.js").AstNode} AstNode */

/**
 * An access rewritten to a row pointer.
 * @typedef {object} Pointered
 * @property {AstNode} access
 * @property {string} ptr      local holding the row address
 * @property {number} shift
 * @property {bigint} coef     of the loop variable
 * @property {number} offset   bytes, the load/store immediate
 * @property {string} v        loop variable name
 * @property {Group} group
 */

/**
 * @typedef {object} Group  accesses to one array through one pointer
 * @property {import("./bounds.js").ArrayInfo} array
 * @property {bigint} coef
 * @property {P.Poly} base      BASE + kmin
 * @property {string} ptr
 * @property {bigint} kmin
 * @property {bigint} kmax
 * @property {Array<{ access: AstNode, k: bigint }>} members
 */

const MAX_SPAN = 1n << 16n;

/**
 * @param {import("./function.js").Codegen} gen
 * @param {AstNode} node
 * @param {import("./loops.js").LoopInfo} info
 * @param {import("./function.js").Mode} m
 * @returns {AstNode | null}  the rewritten loop, or null for the default rewrite
 */
export function optimizeInnermost(gen, node, info, m) {
  const c = info.canonical;
  if (!c) return null;
  const ctx = gen.ctx;
  const vsym = `v${c.decl.index}`;
  const vars = new Map([[c.decl, info]]);
  /** @type {Map<string, Group>} */
  const groups = new Map();
  /** @type {AstNode[]} */
  const accesses = [];
  walk(node.body, (n) => { if (n.kind === NodeKind.ElementAccess) accesses.push(n); });
  for (const access of accesses) {
    const a = gen.plan.accesses.get(access)?.array;
    if (!a || gen.mode(access, m) === "checked") continue;
    const idx = toPoly(ctx, access.elementExpression, info, vars);
    const split = idx && P.splitLinear(idx, vsym);
    const coef = split && P.constValue(split.coef);
    if (!split || coef === null) continue;
    const k = split.rest.terms.get("") ?? 0n;
    const base = P.sub(split.rest, P.constant(k));
    const key = `${a.decl.index}|${coef}|${P.toKey(base)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { array: a, coef, base, ptr: "", kmin: k, kmax: k, members: [] }));
    g.members.push({ access, k });
    if (k < g.kmin) g.kmin = k;
    if (k > g.kmax) g.kmax = k;
  }
  const usable = [...groups.values()].filter((g) => (g.kmax - g.kmin) << BigInt(g.array.shift) < MAX_SPAN);
  if (!usable.length) {
    const why = vectorize(gen, node, info, m, []);
    if (typeof why !== "string") return why;
    return null;
  }
  const r = node.range;
  const ptrDecls = [];
  for (const g of usable) {
    g.ptr = gen.temp();
    g.base = P.add(g.base, P.constant(g.kmin));
    const baseExpr = emitPoly(ctx, g.base, "i32", r);
    const scaled = g.array.shift ? bin(Token.LessThan_LessThan, cast("usize", baseExpr, r), int(g.array.shift, r), r) : cast("usize", baseExpr, r);
    ptrDecls.push(decl(g.ptr, "usize", P.constValue(g.base) === 0n ? id(g.array.ds, r) : bin(Token.Plus, id(g.array.ds, r), scaled, r), r, true));
    for (const mem of g.members) {
      gen.pointers.set(mem.access, {
        access: mem.access, ptr: g.ptr, shift: g.array.shift, coef: g.coef,
        offset: Number((mem.k - g.kmin) << BigInt(g.array.shift)), v: c.decl.name, group: g,
      });
    }
  }
  const vec = vectorize(gen, node, info, m, usable);
  const loop = typeof vec !== "string" ? vec : carryAcrossIterations(gen, node, info, m, usable) ?? mapChildren(node, (x) => gen.any(x, m));
  for (const g of usable) for (const mem of g.members) gen.pointers.delete(mem.access);
  gen.loopNotes.push({ path: gen.env.path, start: node.range.start, kind: "strength-reduced", message: `${usable.length} row pointer${usable.length === 1 ? "" : "s"} computed before the loop for ${usable.reduce((n, g) => n + g.members.length, 0)} access${usable.reduce((n, g) => n + g.members.length, 0) === 1 ? "" : "es"}` });
  return block([...ptrDecls, loop], r);
}

/**
 * Address of a pointered access: `p + (<usize>(j * c) << shift)`.
 * @param {Pointered} p @returns {AstNode}
 */
export function pointerAddress(p) {
  const r = p.access.range;
  if (p.coef === 0n) return id(p.ptr, r);
  const scaledVar = p.coef === 1n ? id(p.v, r) : bin(Token.Asterisk, id(p.v, r), int(Number(p.coef), r), r);
  const bytes = p.shift ? bin(Token.LessThan_LessThan, cast("usize", scaledVar, r), int(p.shift, r), r) : cast("usize", scaledVar, r);
  return bin(Token.Plus, id(p.ptr, r), bytes, r);
}
