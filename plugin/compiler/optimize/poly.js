/**
 * Integer polynomials over named symbols, with exact (bigint) coefficients:
 * the algebra of index expressions. A symbol is a loop variable or an atom
 * (a value that does not change inside the loop nest being analysed).
 *
 * Why exact integers describe wrapping i32 code: `+`, `-` and `*` on i32 are
 * the ring operations modulo 2^32, so an index computed in i32 is congruent
 * to the polynomial's value; once the polynomial is proved to lie in
 * [0, length) (so in i32 range), the two are equal.
 */

/**
 * @typedef {object} Poly
 * @property {Map<string, bigint>} terms  monomial key ("" for the constant, "a*b*b" sorted) -> coefficient
 */

/** @param {Map<string, bigint>} terms @returns {Poly} */
function make(terms) {
  for (const [k, c] of terms) if (c === 0n) terms.delete(k);
  return { terms };
}

/** @param {number | bigint} c */
export const constant = (c) => make(new Map([["", BigInt(c)]]));
/** @param {string} name */
export const symbol = (name) => make(new Map([[name, 1n]]));
export const zero = () => make(new Map());

/** @param {Poly} a @param {Poly} b */
export function add(a, b) {
  const t = new Map(a.terms);
  for (const [k, c] of b.terms) t.set(k, (t.get(k) ?? 0n) + c);
  return make(t);
}
/** @param {Poly} a @param {bigint | number} s */
export function scale(a, s) {
  const f = BigInt(s);
  return make(new Map([...a.terms].map(([k, c]) => [k, c * f])));
}
/** @param {Poly} a @param {Poly} b */
export const sub = (a, b) => add(a, scale(b, -1n));

/** @param {string} a @param {string} b */
function mulKeys(a, b) {
  if (!a) return b;
  if (!b) return a;
  return [...a.split("*"), ...b.split("*")].sort().join("*");
}
/** @param {Poly} a @param {Poly} b */
export function mul(a, b) {
  const t = new Map();
  for (const [ka, ca] of a.terms) for (const [kb, cb] of b.terms) {
    const k = mulKeys(ka, kb);
    t.set(k, (t.get(k) ?? 0n) + ca * cb);
  }
  return make(t);
}

/** Constant value, or null if the polynomial has symbols. @param {Poly} a @returns {bigint | null} */
export function constValue(a) {
  if (a.terms.size === 0) return 0n;
  if (a.terms.size === 1 && a.terms.has("")) return /** @type {bigint} */ (a.terms.get(""));
  return null;
}

/** Symbols of a monomial key. @param {string} k */
export const factors = (k) => (k ? k.split("*") : []);

/** @param {Poly} a @returns {Set<string>} */
export function symbols(a) {
  const s = new Set();
  for (const k of a.terms.keys()) for (const f of factors(k)) s.add(f);
  return s;
}

/** Highest total degree. @param {Poly} a */
export function degree(a) {
  let d = 0;
  for (const k of a.terms.keys()) d = Math.max(d, factors(k).length);
  return d;
}

/**
 * Splits `a` as `coef * sym + rest` when `a` is at most linear in `sym`.
 * @param {Poly} a @param {string} sym
 * @returns {{ coef: Poly, rest: Poly } | null}
 */
export function splitLinear(a, sym) {
  const coef = new Map(), rest = new Map();
  for (const [k, c] of a.terms) {
    const f = factors(k);
    const n = f.filter((x) => x === sym).length;
    if (n === 0) rest.set(k, c);
    else if (n === 1) {
      const others = f.filter((x) => x !== sym).join("*");
      coef.set(others, (coef.get(others) ?? 0n) + c);
    } else return null;
  }
  return { coef: make(coef), rest: make(rest) };
}

/** `a` with `sym` replaced by `value`. @param {Poly} a @param {string} sym @param {Poly} value */
export function substitute(a, sym, value) {
  let out = zero();
  for (const [k, c] of a.terms) {
    let term = constant(c);
    for (const f of factors(k)) term = mul(term, f === sym ? value : symbol(f));
    out = add(out, term);
  }
  return out;
}

/** Canonical text (deterministic): used as a key and in reports. @param {Poly} a */
export function toKey(a) {
  if (a.terms.size === 0) return "0";
  return [...a.terms].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, c]) => `${c}${k ? `*${k}` : ""}`).join(" + ");
}

/** Terms in deterministic order. @param {Poly} a @returns {Array<[string, bigint]>} */
export function sortedTerms(a) {
  return [...a.terms].sort(([x], [y]) => (factors(x).length - factors(y).length) || (x < y ? -1 : x > y ? 1 : 0));
}

/**
 * Upper bound of |a| given a bound 2^bits(sym) on |sym| for every symbol:
 * what evaluating `a` term by term can reach.
 * @param {Poly} a @param {(sym: string) => number} bits
 * @returns {bigint}
 */
export function magnitude(a, bits) {
  let m = 0n;
  for (const [k, c] of a.terms) {
    let t = c < 0n ? -c : c;
    for (const f of factors(k)) t <<= BigInt(bits(f));
    m += t;
  }
  return m;
}

/**
 * A guess at the sign of `a` for typical inputs (all symbols large and
 * positive, like sizes): the sign of its leading terms. Used only to pick
 * which sign to assume (the assumption is then checked at run time).
 * @param {Poly} a @returns {1 | -1 | 0}
 */
export function likelySign(a) {
  const c = constValue(a);
  if (c !== null) return c > 0n ? 1 : c < 0n ? -1 : 0;
  // Evaluate with every symbol = 2^20: the highest-degree terms dominate.
  let v = 0n;
  for (const [k, coef] of a.terms) v += coef << BigInt(20 * factors(k).length);
  return v > 0n ? 1 : v < 0n ? -1 : 0;
}
