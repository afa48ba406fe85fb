/**
 * Polynomials (poly.js) back into AssemblyScript expressions: run-time
 * conditions in i64, row addresses in i32.
 */
import * as P from "./poly.js";
import { id, int, cast, bin, deepCopy, Token } from "./ast.js";

/** @typedef {import("./ast.js").AstNode} AstNode */
/** @typedef {import("./scope.js").Decl} Decl */
/** @typedef {import("./bounds.js").ArrayInfo} ArrayInfo */

/**
 * A polynomial as an expression: in i64 (conditions: every symbol widened,
 * no overflow by construction) or in i32 (addresses: wrapping is fine).
 * @param {import("./bounds.js").Ctx} ctx @param {P.Poly} p @param {"i64" | "i32"} t @param {any} r
 * @param {(sym: string) => AstNode} [symExpr]
 */
export function emitPoly(ctx, p, t, r, symExpr = (s) => symbolExpr(ctx, s, r)) {
  const terms = P.sortedTerms(p);
  if (!terms.length) return t === "i64" ? cast("i64", int(0, r), r) : int(0, r);
  /** @type {AstNode | null} */
  let out = null;
  for (const [k, coef] of terms) {
    const neg = coef < 0n;
    const mag = neg ? -coef : coef;
    /** @type {AstNode | null} */
    let term = null;
    for (const f of P.factors(k)) {
      const s = t === "i64" ? cast("i64", symExpr(f), r) : symExpr(f);
      term = term ? bin(Token.Asterisk, term, s, r) : s;
    }
    const c = t === "i64" ? cast("i64", int(Number(mag), r), r) : int(Number(mag), r);
    term = term ? (mag === 1n ? term : bin(Token.Asterisk, term, c, r)) : c;
    if (!out) out = neg ? (t === "i64" ? bin(Token.Minus, cast("i64", int(0, r), r), term, r) : bin(Token.Minus, int(0, r), term, r)) : term;
    else out = bin(neg ? Token.Minus : Token.Plus, out, term, r);
  }
  return /** @type {AstNode} */ (out);
}

/** The expression standing for a symbol. @param {import("./bounds.js").Ctx} ctx @param {string} s @param {any} r */
export function symbolExpr(ctx, s, r) {
  const sym = ctx.syms.get(s);
  if (!sym) throw new Error(`tskern optimizer: unknown symbol ${s}`);
  if (sym.kind === "len") return id(/** @type {ArrayInfo} */ (ctx.arrays.get(/** @type {Decl} */ (sym.decl))).len, r);
  if (sym.kind === "expr") return deepCopy(sym.node);
  return id(/** @type {Decl} */ (sym.decl).name, r);
}
