/**
 * Inline bounds checks: the element-access rewrite every build applies.
 *
 * The reference form (what `optimizeKernels: false` builds, and what the
 * optimizer falls back to for accesses it cannot see through, e.g.
 * `this.data[i]`) rewrites `a[i]` in place into
 * `unchecked(a[__tsk_chk(a, i, LOC)])`: one unsigned compare against the
 * length, a cold call reporting location LOC. Assignments (`a[i] = v`,
 * `a[i] += v`, `a[i]++`) are wrapped whole. An access whose target has
 * effects (`f()[i]`) keeps AssemblyScript's own check, and so does an
 * assignment whose right side contains one. `boundscheck=false` wraps every
 * access in `unchecked` with no check.
 *
 * The optimizer's forms for typed arrays whose header it caches in locals
 * (`ds`: dataStart, `len`: length) are built by `loadExpr` / `storeExpr`.
 */
import { Node, NodeKind, Token, isAssignOp, call, id, cast, bin, int } from "./ast.js";

/** @typedef {import("./ast.js").AstNode} AstNode */
/** @typedef {import("../kernel-transform.js").TransformState} TransformState */

const ASSIGN_FIRST = Token.Equals;
const ASSIGN_LAST = Token.Caret_Equals;

/** Location ids of checked accesses, shared by every copy of an access. */
export class Locations {
  /** @param {TransformState} state @param {string} path */
  constructor(state, path) {
    this.state = state;
    this.path = path;
    /** @type {Map<AstNode, number>} */
    this.ids = new Map();
  }

  /** The location id of an access (allocated on first use). @param {AstNode} access */
  of(access) {
    let loc = this.ids.get(access);
    if (loc === undefined) {
      loc = this.state.locations.length;
      this.state.locations.push([this.path, access.range.start]);
      this.ids.set(access, loc);
    }
    return loc;
  }
}

/** Rewrites element accesses of one source into checked-unchecked form, in place. */
export class Rewriter {
  /** @param {TransformState} state @param {string} path @param {boolean} check */
  constructor(state, path, check) {
    this.state = state;
    this.path = path;
    /** false under `boundscheck=false`: accesses become plain `unchecked` ones. */
    this.check = check;
    /** Count of accesses left as AssemblyScript's own checked access. */
    this.unrewritten = 0;
    this.locations = new Locations(state, path);
  }

  /** Adds the check to an element access in place. @param {any} access */
  addCheck(access) {
    const r = access.range;
    const loc = this.locations.of(access);
    access.elementExpression = Node.createCallExpression(
      Node.createIdentifierExpression("__tsk_chk", r), null,
      [cloneTarget(access.expression), access.elementExpression, Node.createIntegerLiteralExpression(/** @type {any} */ (globalThis).i64_new(loc), r)],
      r,
    );
  }
}

/** `unchecked(node)` @param {any} node */
export function unchecked(node) {
  return Node.createCallExpression(Node.createIdentifierExpression("unchecked", node.range), null, [node], node.range);
}

/** Targets we can evaluate twice without changing meaning: `a`, `this`, `a.b.c`. @param {any} node @returns {boolean} */
export function isPurePath(node) {
  if (node.kind === NodeKind.Identifier || node.kind === NodeKind.This) return true;
  if (node.kind === NodeKind.PropertyAccess) return isPurePath(node.expression);
  return false;
}

/** @param {any} node */
export function cloneTarget(node) {
  if (node.kind === NodeKind.Identifier) return Node.createIdentifierExpression(node.text, node.range);
  if (node.kind === NodeKind.This) return Node.createThisExpression(node.range);
  return Node.createPropertyAccessExpression(cloneTarget(node.expression), Node.createIdentifierExpression(node.property.text, node.property.range), node.range);
}

/** Is this an element access we can check? @param {any} node */
function isCheckable(node) {
  return node.kind === NodeKind.ElementAccess && isPurePath(node.expression);
}

/**
 * Rewrites children of `node` in place.
 * @param {any} node
 * @param {Rewriter} rw
 */
export function rewriteNode(node, rw) {
  for (const key of Object.keys(node)) {
    if (key === "range") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (value[i] instanceof Node && value[i].kind !== NodeKind.Source) value[i] = rewriteExpr(value[i], rw);
      }
    } else if (value instanceof Node && value.kind !== NodeKind.Source) {
      node[key] = rewriteExpr(value, rw);
    }
  }
}

/**
 * Rewrites one node and returns its replacement.
 * @param {any} node
 * @param {Rewriter} rw
 * @returns {any}
 */
export function rewriteExpr(node, rw) {
  if (!rw.check) return rewriteUnchecked(node, rw);
  // `a[i] = v`, `a[i] += v`, ...: the whole assignment goes under `unchecked`
  // (an element access that is a target cannot be wrapped on its own).
  if (node.kind === NodeKind.Binary && node.operator >= ASSIGN_FIRST && node.operator <= ASSIGN_LAST && isCheckable(node.left)) {
    return rewriteTarget(node, node.left, () => { node.right = rewriteExpr(node.right, rw); }, rw);
  }
  // `a[i]++`, `--a[i]`
  if ((node.kind === NodeKind.UnaryPostfix || node.kind === NodeKind.UnaryPrefix) &&
      (node.operator === Token.Plus_Plus || node.operator === Token.Minus_Minus) && isCheckable(node.operand)) {
    return rewriteTarget(node, node.operand, () => {}, rw);
  }
  rewriteNode(node, rw);
  if (node.kind === NodeKind.ElementAccess) {
    if (isPurePath(node.expression)) {
      rw.addCheck(node);
      return unchecked(node);
    }
    rw.unrewritten++;
  }
  return node;
}

/**
 * `boundscheck=false`: every element access and element assignment goes
 * under `unchecked`, with no check at all.
 * @param {any} node
 * @param {Rewriter} rw
 */
function rewriteUnchecked(node, rw) {
  const isTarget =
    (node.kind === NodeKind.Binary && node.operator >= ASSIGN_FIRST && node.operator <= ASSIGN_LAST && node.left.kind === NodeKind.ElementAccess) ||
    ((node.kind === NodeKind.UnaryPostfix || node.kind === NodeKind.UnaryPrefix) &&
      (node.operator === Token.Plus_Plus || node.operator === Token.Minus_Minus) && node.operand.kind === NodeKind.ElementAccess);
  if (isTarget) {
    const target = node.kind === NodeKind.Binary ? node.left : node.operand;
    rewriteNode(target, rw);
    if (node.kind === NodeKind.Binary) node.right = rewriteExpr(node.right, rw);
    return unchecked(node);
  }
  rewriteNode(node, rw);
  return node.kind === NodeKind.ElementAccess ? unchecked(node) : node;
}

/**
 * @param {any} whole        the assignment or update expression
 * @param {any} access       its element-access target
 * @param {() => void} rewriteRest  rewrites the other operands
 * @param {Rewriter} rw
 */
function rewriteTarget(whole, access, rewriteRest, rw) {
  rewriteNode(access, rw);
  const before = rw.unrewritten;
  rewriteRest();
  // An unchecked wrapper would also cover any access we could not check in
  // the rest of the expression; keep AssemblyScript's own check then.
  if (rw.unrewritten !== before) return whole;
  rw.addCheck(access);
  return unchecked(whole);
}

/** Is `node` an assignment or ++/-- whose target is an element access? @param {AstNode} node */
export function elementTarget(node) {
  if (node.kind === NodeKind.Binary && isAssignOp(node.operator) && node.left.kind === NodeKind.ElementAccess) return node.left;
  if ((node.kind === NodeKind.UnaryPostfix || node.kind === NodeKind.UnaryPrefix) &&
      (node.operator === Token.Plus_Plus || node.operator === Token.Minus_Minus) && node.operand.kind === NodeKind.ElementAccess) return node.operand;
  return null;
}

// ---- cached-header forms (the optimizer's) --------------------------------------

/**
 * @typedef {object} Cached  an array whose header the function caches
 * @property {string} elem   element type
 * @property {number} shift  log2 element size
 * @property {string} ds     local holding dataStart
 * @property {string} len    local holding length
 */

/**
 * The index operand, as it goes into the address: checked
 * (`__tsk_chkn(i, len, LOC)`), proved (as is: an i32 the optimizer typed),
 * or unchecked (`__tsk_i32(i)`, which keeps AssemblyScript's typing of
 * indices: an i64 or f64 index is still a compile error).
 * @param {Cached} a @param {AstNode} index @param {"checked" | "proved" | "unchecked"} mode @param {number} loc @param {AstNode} access
 */
export function indexExpr(a, index, mode, loc, access) {
  const r = access.range;
  if (mode === "checked") return call("__tsk_chkn", [index, id(a.len, r), int(loc, r)], r);
  if (mode === "unchecked") return call("__tsk_i32", [index], r);
  return index;
}

/** `ds + (<usize>index << shift)` @param {Cached} a @param {AstNode} index @param {AstNode} access */
export function addressExpr(a, index, access) {
  const r = access.range;
  const scaled = a.shift ? bin(Token.LessThan_LessThan, cast("usize", index, r), int(a.shift, r), r) : cast("usize", index, r);
  return bin(Token.Plus, id(a.ds, r), scaled, r);
}

/** Element types narrower than i32: AssemblyScript wraps arithmetic on them. */
const SMALL = new Set(["u8", "i8", "u16", "i16"]);

/**
 * `load<T>(addr[, offset])`; `<T>load<T>(...)` for u8/i8/u16/i16. The
 * built-in `load` of a small type takes the type of its context (an i32
 * context gets an i32), so `x[i] + 200` would no longer wrap at 255 as the
 * element access it replaces does; the assertion keeps the element's type
 * (the loaded value is already in range: no extra instruction).
 * @param {string} elem @param {AstNode} addr @param {number} offset @param {AstNode} access
 */
export function loadAt(elem, addr, offset, access) {
  const r = access.range;
  const load = call("load", offset ? [addr, int(offset, r)] : [addr], r, [elem]);
  return SMALL.has(elem) ? cast(elem, load, r) : load;
}

/** `store<T>(addr, value[, offset])` @param {string} elem @param {AstNode} addr @param {AstNode} value @param {number} offset @param {AstNode} access */
export function storeAt(elem, addr, value, offset, access) {
  const r = access.range;
  const typed = call("__tsk_v", [value], r, [elem]);
  return call("store", offset ? [addr, typed, int(offset, r)] : [addr, typed], r, [elem]);
}
