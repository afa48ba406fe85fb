/**
 * Value ranges of data-dependent i32 index expressions.
 *
 * An index read from data (`counts[x[i]]`) is not a polynomial, so bounds.js
 * cannot bound it through loop ranges; but its value often lies in a range
 * fixed by types alone: an element of a Uint8Array is 0..255, `v & 1023` is
 * 0..1023, `w >>> 20` is 0..4095, a `u16` local is 0..65535. With such a
 * range [lo, hi] and lo >= 0, the access is in bounds whenever
 * `a.length >= hi + 1`: one run-time condition before the loop (bounds.js
 * adds it to the loop's versioning guard), or none when an earlier
 * `if (a.length != K) throw` guard already proves it (guards.js).
 *
 * Only expressions with no effects are ranged, and every rule is exact for
 * AssemblyScript's i32 semantics (wrapping arithmetic is ranged only when the
 * interval arithmetic proves it cannot wrap).
 */
import { NodeKind, Token, unparen, intValue, LiteralKind } from "./ast.js";

/** @typedef {import("./ast.js").AstNode} AstNode */
/** @typedef {import("./scope.js").Decl} Decl */
/** @typedef {[bigint, bigint]} Range */

const I32_MIN = -(2n ** 31n);
const I32_MAX = 2n ** 31n - 1n;

/** Ranges of element types of typed arrays, and of small integer locals (AssemblyScript keeps them wrapped). */
const TYPE_RANGES = /** @type {Record<string, Range>} */ ({
  Uint8Array: [0n, 255n], Uint8ClampedArray: [0n, 255n], Int8Array: [-128n, 127n],
  Uint16Array: [0n, 65535n], Int16Array: [-32768n, 32767n],
  u8: [0n, 255n], i8: [-128n, 127n], u16: [0n, 65535n], i16: [-32768n, 32767n], bool: [0n, 1n],
});

/** @param {Range | null} r @returns {Range | null} a range within i32, or null */
const fit = (r) => (r && r[0] >= I32_MIN && r[1] <= I32_MAX ? r : null);

/**
 * The range of an i32 expression's value, or null when not known.
 *
 * AssemblyScript computes `u8 + u8` (and `x[i] + 200` for a Uint8Array x) in
 * the small type and wraps the result when it is used, so an interval is
 * kept only if it fits every small type read unconverted in the expression
 * (wrapping is then the identity): `(x[i] & 15) + 16` is 16..31, `x[i] + 200`
 * is not ranged.
 * @param {import("./scope.js").FunctionScope} scope
 * @param {AstNode} expr
 * @returns {Range | null}
 */
export function valueRange(scope, expr) {
  const r = ranged(scope, expr, 0);
  return r && [r.lo, r.hi];
}

/**
 * @typedef {object} Ranged
 * @property {bigint} lo
 * @property {bigint} hi
 * @property {Range | null} cap  intersection of the small types read in the expression (null: none)
 */

/** @param {Range | null} a @param {Range | null} b @returns {Range | null} */
function meet(a, b) {
  if (!a) return b;
  if (!b) return a;
  return [a[0] > b[0] ? a[0] : b[0], a[1] < b[1] ? a[1] : b[1]];
}

/**
 * @param {import("./scope.js").FunctionScope} scope @param {AstNode} expr @param {number} depth
 * @returns {Ranged | null}
 */
function ranged(scope, expr, depth) {
  if (depth > 12) return null;
  const e = unparen(expr);
  switch (e.kind) {
    case NodeKind.Literal: {
      if (e.literalKind !== LiteralKind.Integer) return null;
      const v = intValue(e);
      return v !== null && v >= -(2 ** 31) && v < 2 ** 31 ? { lo: BigInt(v), hi: BigInt(v), cap: null } : null;
    }
    case NodeKind.ElementAccess: {
      // Any element read of a narrow typed array: the element type bounds it.
      const t = unparen(e.expression);
      const d = t.kind === NodeKind.Identifier ? scope.refs.get(t) : null;
      if (!d || !d.type || !Object.hasOwn(TYPE_RANGES, d.type) || !d.type.endsWith("Array")) return null;
      const [lo, hi] = TYPE_RANGES[d.type];
      return { lo, hi, cap: [lo, hi] };
    }
    case NodeKind.Identifier: {
      const d = scope.refs.get(e);
      if (!d) return null;
      // Small integer locals and parameters hold their type's values whatever is written to them.
      if (d.type && Object.hasOwn(TYPE_RANGES, d.type) && !d.type.endsWith("Array")) {
        const [lo, hi] = TYPE_RANGES[d.type];
        return { lo, hi, cap: [lo, hi] };
      }
      // A never-written i32 local: its initializer's range (converted to i32 when it was stored).
      if (d.type === "i32" && (d.kind === "const" || d.kind === "let") && d.writes.length === 0 && d.init) {
        const r = ranged(scope, d.init, depth + 1);
        return r && { lo: r.lo, hi: r.hi, cap: null };
      }
      return null;
    }
    case NodeKind.Binary: {
      const a = ranged(scope, e.left, depth + 1), b = ranged(scope, e.right, depth + 1);
      const cap = meet(a?.cap ?? null, b?.cap ?? null);
      const r = fit(binaryRange(scope, e, a, b));
      if (!r || (cap && (r[0] < cap[0] || r[1] > cap[1]))) return null;
      return { lo: r[0], hi: r[1], cap };
    }
    default:
      return null;
  }
}

/**
 * @param {import("./scope.js").FunctionScope} scope
 * @param {AstNode} e  a BinaryExpression
 * @param {Ranged | null} a  its left operand's range
 * @param {Ranged | null} b  its right operand's range
 * @returns {Range | null}
 */
function binaryRange(scope, e, a, b) {
  const op = e.operator;
  const kr = intValue(e.right);
  if (op === Token.Ampersand) {
    // x & y with either side in 0..K is in 0..K whatever the other side is.
    const his = [a, b].filter((x) => x && x.lo >= 0n).map((x) => /** @type {Ranged} */ (x).hi);
    return his.length ? [0n, his.reduce((x, y) => (y < x ? y : x))] : null;
  }
  if (op === Token.GreaterThan_GreaterThan_GreaterThan || op === Token.GreaterThan_GreaterThan) {
    if (kr === null || kr < 0) return null;
    const k = BigInt(kr & 31); // wasm shift counts are taken mod 32
    if (a && a.lo >= 0n) return [a.lo >> k, a.hi >> k];
    // An unranged x >>> k is 0..2^(32-k)-1 only in i32: a small signed type would wrap it back to negative values.
    if (op === Token.GreaterThan_GreaterThan_GreaterThan) return k > 0n && !a && !readsSmall(scope, e.left) ? [0n, (1n << (32n - k)) - 1n] : null;
    return a ? [a.lo >> k, a.hi >> k] : null; // arithmetic shift of a signed range
  }
  if (op === Token.Percent) {
    // x % K (K > 0) for x >= 0: 0..min(x, K - 1).
    if (kr === null || kr <= 0 || !a || a.lo < 0n) return null;
    const k = BigInt(kr) - 1n;
    return [0n, a.hi < k ? a.hi : k];
  }
  if (!a || !b) return null;
  if (op === Token.Plus) return [a.lo + b.lo, a.hi + b.hi];
  if (op === Token.Minus) return [a.lo - b.hi, a.hi - b.lo];
  if (op === Token.Asterisk) {
    const c = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
    return [c.reduce((x, y) => (y < x ? y : x)), c.reduce((x, y) => (y > x ? y : x))];
  }
  return null;
}

/**
 * Might the expression be computed in a small integer type (a narrow array
 * element, a small local, a call that may return one)? Only i32 / u32
 * locals, literals, elements of Int32Array / Uint32Array and arithmetic of
 * those are known not to be.
 * @param {import("./scope.js").FunctionScope} scope @param {AstNode} expr @returns {boolean}
 */
function readsSmall(scope, expr) {
  const e = unparen(expr);
  switch (e.kind) {
    case NodeKind.Literal:
      return e.literalKind !== LiteralKind.Integer;
    case NodeKind.Identifier: {
      const d = scope.refs.get(e);
      return !d || (d.type !== "i32" && d.type !== "u32");
    }
    case NodeKind.ElementAccess: {
      const t = unparen(e.expression);
      const d = t.kind === NodeKind.Identifier ? scope.refs.get(t) : null;
      return !d || (d.type !== "Int32Array" && d.type !== "Uint32Array");
    }
    case NodeKind.Binary:
      return readsSmall(scope, e.left) || readsSmall(scope, e.right);
    default:
      return true;
  }
}
