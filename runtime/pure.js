/**
 * tskern/pure — the AssemblyScript built-ins as plain JavaScript, for kernels
 * running in pure mode (no WebAssembly). The pure-mode transpiler imports from
 * here exactly the names a kernel uses; scripts can call `installGlobals()`.
 *
 * Values have no static type in JavaScript, so conversions decide from the
 * value itself. For 8- to 32-bit targets an integral number is treated as an
 * integer and wraps modulo 2^N (like `<i32>` of a `u32` or of an overflowed
 * sum), while a non-integral or infinite number can only be a float and
 * truncates toward zero, saturating at the target's limits (WebAssembly's
 * `trunc_sat`, which AssemblyScript uses). NaN converts to 0. 64-bit targets
 * return bigints: bigints wrap, numbers saturate (a number can only leave the
 * i64 range as a float). 8- to 32-bit integers and floats are numbers.
 *
 * @module
 */

const TWO_POW_32 = 2 ** 32;
const TWO_POW_63 = 2 ** 63;
const TWO_POW_64 = 2 ** 64;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

/**
 * @typedef {number | bigint | boolean} Numeric
 */

/**
 * Truncates a float toward zero and clamps it to `[lo, hi]` (NaN → 0).
 * @param {number} x
 * @param {number} lo
 * @param {number} hi
 * @returns {number}
 */
function truncSat(x, lo, hi) {
  if (x !== x) return 0;
  const t = Math.trunc(x);
  return t < lo ? lo : t > hi ? hi : t === 0 ? 0 : t;
}

/**
 * 32-bit signed conversion of any numeric value.
 * @param {Numeric} x
 * @returns {number}
 */
function toInt32(x) {
  if (typeof x === "number") {
    const r = x | 0;
    if (r === x || Number.isInteger(x)) return r;
    return truncSat(x, -2147483648, 2147483647);
  }
  if (typeof x === "bigint") return Number(BigInt.asIntN(32, x));
  return x ? 1 : 0;
}

/**
 * 32-bit unsigned conversion of any numeric value.
 * @param {Numeric} x
 * @returns {number}
 */
function toUint32(x) {
  if (typeof x === "number") {
    const r = x >>> 0;
    if (r === x || Number.isInteger(x)) return r;
    return truncSat(x, 0, TWO_POW_32 - 1);
  }
  if (typeof x === "bigint") return Number(BigInt.asUintN(32, x));
  return x ? 1 : 0;
}

/**
 * 64-bit signed conversion. A number beyond the i64 range can only be a
 * float, so numbers truncate and saturate; bigints wrap.
 * @param {Numeric} x
 * @returns {bigint}
 */
function toInt64(x) {
  if (typeof x === "bigint") return BigInt.asIntN(64, x);
  if (typeof x === "boolean") return x ? 1n : 0n;
  if (x !== x) return 0n;
  if (x >= TWO_POW_63) return I64_MAX;
  if (x < -TWO_POW_63) return I64_MIN;
  return BigInt(Math.trunc(x));
}

/**
 * 64-bit unsigned conversion. Negative integers wrap (as from an `i32`),
 * negative fractions become 0 and numbers past the range saturate (as from
 * an `f64`); bigints wrap.
 * @param {Numeric} x
 * @returns {bigint}
 */
function toUint64(x) {
  if (typeof x === "bigint") return BigInt.asUintN(64, x);
  if (typeof x === "boolean") return x ? 1n : 0n;
  if (x !== x) return 0n;
  if (x >= TWO_POW_64) return U64_MAX;
  if (x < 0) return Number.isInteger(x) && x >= -TWO_POW_63 ? BigInt.asUintN(64, BigInt(x)) : 0n;
  return BigInt(Math.trunc(x));
}

// ---- conversions ----------------------------------------------------------

/**
 * Converts to an 8-bit signed integer (wraps, sign-extends).
 * @param {Numeric} x
 * @returns {number}
 */
export function i8(x) {
  return (toInt32(x) << 24) >> 24;
}
i8.MIN_VALUE = -128;
i8.MAX_VALUE = 127;

/**
 * Converts to a 16-bit signed integer (wraps, sign-extends).
 * @param {Numeric} x
 * @returns {number}
 */
export function i16(x) {
  return (toInt32(x) << 16) >> 16;
}
i16.MIN_VALUE = -32768;
i16.MAX_VALUE = 32767;

/**
 * Converts to a 32-bit signed integer: `i32(2 ** 31) === -(2 ** 31)`,
 * `i32(-3.7) === -3`.
 * @param {Numeric} x
 * @returns {number}
 */
export function i32(x) {
  return toInt32(x);
}
i32.MIN_VALUE = -2147483648;
i32.MAX_VALUE = 2147483647;

/**
 * Converts to a 64-bit signed integer (a bigint).
 * @param {Numeric} x
 * @returns {bigint}
 */
export function i64(x) {
  return toInt64(x);
}
i64.MIN_VALUE = I64_MIN;
i64.MAX_VALUE = I64_MAX;

/**
 * Converts to a pointer-sized signed integer (32-bit).
 * @param {Numeric} x
 * @returns {number}
 */
export function isize(x) {
  return toInt32(x);
}
isize.MIN_VALUE = i32.MIN_VALUE;
isize.MAX_VALUE = i32.MAX_VALUE;

/**
 * Converts to an 8-bit unsigned integer: `u8(300) === 44`.
 * @param {Numeric} x
 * @returns {number}
 */
export function u8(x) {
  return toUint32(x) & 0xff;
}
u8.MIN_VALUE = 0;
u8.MAX_VALUE = 0xff;

/**
 * Converts to a 16-bit unsigned integer (wraps).
 * @param {Numeric} x
 * @returns {number}
 */
export function u16(x) {
  return toUint32(x) & 0xffff;
}
u16.MIN_VALUE = 0;
u16.MAX_VALUE = 0xffff;

/**
 * Converts to a 32-bit unsigned integer (wraps).
 * @param {Numeric} x
 * @returns {number}
 */
export function u32(x) {
  return toUint32(x);
}
u32.MIN_VALUE = 0;
u32.MAX_VALUE = TWO_POW_32 - 1;

/**
 * Converts to a 64-bit unsigned integer (a bigint).
 * @param {Numeric} x
 * @returns {bigint}
 */
export function u64(x) {
  return toUint64(x);
}
u64.MIN_VALUE = 0n;
u64.MAX_VALUE = U64_MAX;

/**
 * Converts to a pointer-sized unsigned integer (32-bit).
 * @param {Numeric} x
 * @returns {number}
 */
export function usize(x) {
  return toUint32(x);
}
usize.MIN_VALUE = 0;
usize.MAX_VALUE = u32.MAX_VALUE;

/**
 * Converts to a 32-bit float (rounds to nearest).
 * @param {Numeric} x
 * @returns {number}
 */
export function f32(x) {
  return Math.fround(Number(x));
}
Object.assign(f32, {
  MIN_VALUE: Math.fround(1.401298464324817e-45),
  MAX_VALUE: Math.fround(3.4028234663852886e38),
  MIN_NORMAL_VALUE: Math.fround(1.1754943508222875e-38),
  MIN_SAFE_INTEGER: -16777215,
  MAX_SAFE_INTEGER: 16777215,
  POSITIVE_INFINITY: Infinity,
  NEGATIVE_INFINITY: -Infinity,
  NaN: NaN,
  EPSILON: Math.fround(1.1920928955078125e-7),
});

/**
 * Converts to a 64-bit float.
 * @param {Numeric} x
 * @returns {number}
 */
export function f64(x) {
  return Number(x);
}
Object.assign(f64, {
  MIN_VALUE: Number.MIN_VALUE,
  MAX_VALUE: Number.MAX_VALUE,
  MIN_NORMAL_VALUE: 2.2250738585072014e-308,
  MIN_SAFE_INTEGER: Number.MIN_SAFE_INTEGER,
  MAX_SAFE_INTEGER: Number.MAX_SAFE_INTEGER,
  POSITIVE_INFINITY: Infinity,
  NEGATIVE_INFINITY: -Infinity,
  NaN: NaN,
  EPSILON: Number.EPSILON,
});

/**
 * Converts to a boolean: non-zero and not NaN.
 * @param {Numeric} x
 * @returns {boolean}
 */
export function bool(x) {
  return !!x;
}
bool.MIN_VALUE = false;
bool.MAX_VALUE = true;

// ---- generic built-ins ----------------------------------------------------

/**
 * Identity: bounds checks are the typed array's own business in pure mode.
 * @template T
 * @param {T} value
 * @returns {T}
 */
export function unchecked(value) {
  return value;
}

/**
 * Throws unless `isTrueish` is truthy (a non-zero number counts); returns it.
 * @template T
 * @param {T} isTrueish
 * @param {string} [message]
 * @returns {T}
 */
export function assert(isTrueish, message) {
  if (!isTrueish) throw new Error(message ? `assertion failed: ${message}` : "assertion failed");
  return isTrueish;
}

/**
 * Throws: marks code that must never run.
 * @returns {never}
 */
export function unreachable() {
  throw new Error("unreachable executed");
}

/**
 * The smaller value (NaN if either is NaN, `-0` before `+0`, like wasm).
 * @template {number | bigint} T
 * @param {T} a
 * @param {T} b
 * @returns {T}
 */
export function min(a, b) {
  if (typeof a === "bigint") return /** @type {T} */ (a < b ? a : b);
  return /** @type {T} */ (Math.min(/** @type {number} */ (a), /** @type {number} */ (b)));
}

/**
 * The larger value (NaN if either is NaN, `+0` before `-0`, like wasm).
 * @template {number | bigint} T
 * @param {T} a
 * @param {T} b
 * @returns {T}
 */
export function max(a, b) {
  if (typeof a === "bigint") return /** @type {T} */ (a > b ? a : b);
  return /** @type {T} */ (Math.max(/** @type {number} */ (a), /** @type {number} */ (b)));
}

/**
 * Absolute value.
 * @template {number | bigint} T
 * @param {T} x
 * @returns {T}
 */
export function abs(x) {
  if (typeof x === "bigint") return /** @type {T} */ (x < 0n ? -x : x);
  return /** @type {T} */ (Math.abs(/** @type {number} */ (x)));
}

/**
 * Square root.
 * @param {number} x
 * @returns {number}
 */
export function sqrt(x) {
  return Math.sqrt(x);
}

/**
 * Rounds down.
 * @param {number} x
 * @returns {number}
 */
export function floor(x) {
  return Math.floor(x);
}

/**
 * Rounds up.
 * @param {number} x
 * @returns {number}
 */
export function ceil(x) {
  return Math.ceil(x);
}

/**
 * Rounds toward zero.
 * @param {number} x
 * @returns {number}
 */
export function trunc(x) {
  return Math.trunc(x);
}

/**
 * Rounds to the nearest integer, ties to even (wasm `nearest`): 2.5 → 2.
 * @param {number} x
 * @returns {number}
 */
export function nearest(x) {
  const f = Math.floor(x);
  const d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : r;
}

/**
 * `x` with the sign of `y`.
 * @param {number} x
 * @param {number} y
 * @returns {number}
 */
export function copysign(x, y) {
  const m = Math.abs(x);
  return y < 0 || Object.is(y, -0) ? -m : m;
}

/**
 * `condition ? ifTrue : ifFalse` (both operands are already evaluated).
 * @template T
 * @param {T} ifTrue
 * @param {T} ifFalse
 * @param {unknown} condition
 * @returns {T}
 */
export function select(ifTrue, ifFalse, condition) {
  return condition ? ifTrue : ifFalse;
}

/**
 * Count of leading zeros: 32-bit for numbers, 64-bit for bigints.
 * @template {number | bigint} T
 * @param {T} x
 * @returns {T}
 */
export function clz(x) {
  if (typeof x === "bigint") {
    const v = BigInt.asUintN(64, x);
    const hi = Number(v >> 32n);
    return /** @type {T} */ (BigInt(hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(Number(v & 0xffffffffn))));
  }
  return /** @type {T} */ (Math.clz32(/** @type {number} */ (x)));
}

/**
 * Count of trailing zeros: 32-bit for numbers, 64-bit for bigints.
 * @template {number | bigint} T
 * @param {T} x
 * @returns {T}
 */
export function ctz(x) {
  if (typeof x === "bigint") {
    const v = BigInt.asUintN(64, x);
    const lo = Number(v & 0xffffffffn);
    return /** @type {T} */ (BigInt(lo !== 0 ? ctz32(lo) : 32 + ctz32(Number(v >> 32n))));
  }
  return /** @type {T} */ (ctz32(/** @type {number} */ (x)));
}

/**
 * @param {number} x
 * @returns {number}
 */
function ctz32(x) {
  const v = x | 0;
  return v === 0 ? 32 : 31 - Math.clz32(v & -v);
}

/**
 * Count of set bits: 32-bit for numbers, 64-bit for bigints.
 * @template {number | bigint} T
 * @param {T} x
 * @returns {T}
 */
export function popcnt(x) {
  if (typeof x === "bigint") {
    const v = BigInt.asUintN(64, x);
    return /** @type {T} */ (BigInt(popcnt32(Number(v & 0xffffffffn)) + popcnt32(Number(v >> 32n))));
  }
  return /** @type {T} */ (popcnt32(/** @type {number} */ (x)));
}

/**
 * @param {number} x
 * @returns {number}
 */
function popcnt32(x) {
  let v = x | 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/**
 * Rotates left. Numbers rotate as 32-bit values and come back as signed
 * `i32` (wrap in `u32()` for unsigned); bigints as 64-bit values, keeping
 * their signedness.
 * @template {number | bigint} T
 * @param {T} x
 * @param {T} shift
 * @returns {T}
 */
export function rotl(x, shift) {
  if (typeof x === "bigint") return /** @type {T} */ (rot64(x, Number(BigInt(shift) & 63n)));
  return /** @type {T} */ (rot32(/** @type {number} */ (x), Number(shift) & 31));
}

/**
 * Rotates right; see {@link rotl} for the representation of the result.
 * @template {number | bigint} T
 * @param {T} x
 * @param {T} shift
 * @returns {T}
 */
export function rotr(x, shift) {
  if (typeof x === "bigint") return /** @type {T} */ (rot64(x, (64 - Number(BigInt(shift) & 63n)) & 63));
  return /** @type {T} */ (rot32(/** @type {number} */ (x), (32 - (Number(shift) & 31)) & 31));
}

/**
 * 32-bit rotate left by `n` in [0, 31], as a signed i32.
 * @param {number} x
 * @param {number} n
 * @returns {number}
 */
function rot32(x, n) {
  const v = x | 0;
  return n === 0 ? v : (v << n) | (v >>> (32 - n));
}

/**
 * 64-bit rotate left by `n` in [0, 63], preserving the signedness of `x`.
 * @param {bigint} x
 * @param {number} n
 * @returns {bigint}
 */
function rot64(x, n) {
  const v = BigInt.asUintN(64, x);
  const k = BigInt(n);
  const r = n === 0 ? v : BigInt.asUintN(64, (v << k) | (v >> (64n - k)));
  return x < 0n ? BigInt.asIntN(64, r) : r;
}

// ---- Mathf ----------------------------------------------------------------

const fr = Math.fround;

/**
 * Wraps a `Math` function so its arguments and result are rounded to f32.
 * @param {(...args: number[]) => number} fn
 * @returns {(...args: number[]) => number}
 */
function single(fn) {
  switch (fn.length) {
    case 0:
      return () => fr(fn());
    case 1:
      return (x) => fr(fn(fr(x)));
    default:
      return (x, y) => fr(fn(fr(x), fr(y)));
  }
}

/**
 * Single-precision `Math`: constants are f32, results are rounded to f32.
 * @type {Readonly<Record<string, any>>}
 */
export const Mathf = Object.freeze({
  E: fr(Math.E),
  LN2: fr(Math.LN2),
  LN10: fr(Math.LN10),
  LOG2E: fr(Math.LOG2E),
  LOG10E: fr(Math.LOG10E),
  PI: fr(Math.PI),
  SQRT1_2: fr(Math.SQRT1_2),
  SQRT2: fr(Math.SQRT2),
  abs: single(Math.abs),
  acos: single(Math.acos),
  acosh: single(Math.acosh),
  asin: single(Math.asin),
  asinh: single(Math.asinh),
  atan: single(Math.atan),
  atan2: single(Math.atan2),
  atanh: single(Math.atanh),
  cbrt: single(Math.cbrt),
  ceil: single(Math.ceil),
  clz32: single(Math.clz32),
  cos: single(Math.cos),
  cosh: single(Math.cosh),
  exp: single(Math.exp),
  expm1: single(Math.expm1),
  floor: single(Math.floor),
  fround: single(Math.fround),
  hypot: single(Math.hypot),
  imul: single(Math.imul),
  log: single(Math.log),
  log10: single(Math.log10),
  log1p: single(Math.log1p),
  log2: single(Math.log2),
  max: single(Math.max),
  min: single(Math.min),
  pow: single(Math.pow),
  random: single(Math.random),
  round: single(Math.round),
  sign: single(Math.sign),
  /** @param {number} x @returns {boolean} */
  signbit: (x) => x < 0 || Object.is(x, -0),
  sin: single(Math.sin),
  sinh: single(Math.sinh),
  sqrt: single(Math.sqrt),
  tan: single(Math.tan),
  tanh: single(Math.tanh),
  trunc: single(Math.trunc),
});

// ---- 64-bit integer arrays -------------------------------------------------

/** AssemblyScript's `Int64Array` is JavaScript's `BigInt64Array`. */
export const Int64Array = BigInt64Array;
/** AssemblyScript's `Uint64Array` is JavaScript's `BigUint64Array`. */
export const Uint64Array = BigUint64Array;

// ---- globals ---------------------------------------------------------------

/**
 * Every built-in this module provides, by name (what the transpiler may
 * import and what `installGlobals` installs).
 */
export const builtins = Object.freeze({
  i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64, bool,
  unchecked, assert, unreachable,
  min, max, abs, sqrt, floor, ceil, trunc, nearest, copysign, select,
  clz, ctz, popcnt, rotl, rotr,
  Mathf, Int64Array, Uint64Array,
});

/**
 * Defines every built-in on `globalThis` (writable, configurable, not
 * enumerable), for scripts that run kernel source without the transpiler.
 * Existing globals of the same name are left alone.
 * @param {object} [target] where to install them (default `globalThis`)
 * @returns {string[]} the names installed
 */
export function installGlobals(target = globalThis) {
  /** @type {string[]} */
  const installed = [];
  for (const [name, value] of Object.entries(builtins)) {
    if (Object.prototype.hasOwnProperty.call(target, name)) continue;
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
    installed.push(name);
  }
  return installed;
}
