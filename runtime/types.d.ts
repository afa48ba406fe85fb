/**
 * tskern/types — the AssemblyScript built-ins that kernels use, declared for
 * plain TypeScript, so that `*.kernel.ts` files type-check in editors and
 * under the host project's `tsc --noEmit`, and a host importing a kernel sees
 * its real signature (`f64` is `number`, `i64` is `bigint`).
 *
 * Enable it once per project:
 *   tsconfig.json  "compilerOptions": { "types": ["tskern/types"] }
 *   or a .d.ts     /// <reference types="tskern/types" />
 * (this resolves through package exports: moduleResolution "bundler",
 * "node16" or "nodenext"; under the legacy "node10" reference the file
 * itself, `node_modules/tskern/runtime/types.d.ts`).
 *
 * Everything here is global. The values (`i32(x)`, `min`, `Mathf`, ...) exist
 * at run time only inside kernels (compiled to WebAssembly, or in pure mode
 * where the transpiler imports them from `tskern/pure`); host code that calls
 * them directly type-checks but needs `installGlobals()` from `tskern/pure`.
 *
 * Conventions that keep a kernel valid in both worlds:
 * - 64-bit integers are `bigint` here (as at the kernel boundary), so write
 *   `i64(0)` rather than `0` where an `i64` is expected, and convert between
 *   32- and 64-bit values with the conversion functions (`i64(x)`, `i32(v)`),
 *   not with `<i64>x` (TypeScript rejects `<bigint>` on a `number`).
 * - Decorators on top-level functions and variables (`@inline`, `@unsafe`,
 *   `@lazy`, `@global`, `@external`) are valid AssemblyScript but not valid
 *   TypeScript: tsc reports TS1206 "Decorators are not valid here" (and
 *   nothing else: it does not resolve the decorator's name), and no
 *   declaration can change that. `// @ts-ignore` on the line before the
 *   decorator silences it; it silences every error on that line, so keep the
 *   decorator on a line of its own. Otherwise leave top-level decorators out
 *   of kernels that must pass tsc. (Decorators on class members are checked
 *   as TypeScript decorators and are not declared here either.) The
 *   pure-mode transpiler strips every decorator.
 * - SIMD: `v128` is declared only as an opaque type; the `v128.*`/`f64x2.*`
 *   operations are not declared and SIMD kernels have no pure mode.
 * - Unsafe memory built-ins (`load`, `store`, `changetype`, `memory.*`) are
 *   deliberately not declared: they have no meaning outside WebAssembly.
 */

declare const tskernV128Brand: unique symbol;

/** Widens literal types (`1 | 2`) to their primitive (`number`). */
type TskernWiden<T> = T extends number
  ? number
  : T extends bigint
    ? bigint
    : T extends boolean
      ? boolean
      : T;

/** Any value a numeric conversion accepts. */
type TskernNumeric = number | bigint | boolean;

/** `Math`, in single precision: every result is rounded to `f32`. */
interface TskernMathf {
  readonly E: f32;
  readonly LN2: f32;
  readonly LN10: f32;
  readonly LOG2E: f32;
  readonly LOG10E: f32;
  readonly PI: f32;
  readonly SQRT1_2: f32;
  readonly SQRT2: f32;
  abs(x: f32): f32;
  acos(x: f32): f32;
  acosh(x: f32): f32;
  asin(x: f32): f32;
  asinh(x: f32): f32;
  atan(x: f32): f32;
  atan2(y: f32, x: f32): f32;
  atanh(x: f32): f32;
  cbrt(x: f32): f32;
  ceil(x: f32): f32;
  clz32(x: f32): f32;
  cos(x: f32): f32;
  cosh(x: f32): f32;
  exp(x: f32): f32;
  expm1(x: f32): f32;
  floor(x: f32): f32;
  fround(x: f32): f32;
  hypot(value1: f32, value2: f32): f32;
  imul(a: f32, b: f32): f32;
  log(x: f32): f32;
  log10(x: f32): f32;
  log1p(x: f32): f32;
  log2(x: f32): f32;
  max(value1: f32, value2: f32): f32;
  min(value1: f32, value2: f32): f32;
  pow(base: f32, exponent: f32): f32;
  random(): f32;
  round(x: f32): f32;
  sign(x: f32): f32;
  signbit(x: f32): bool;
  sin(x: f32): f32;
  sinh(x: f32): f32;
  sqrt(x: f32): f32;
  tan(x: f32): f32;
  tanh(x: f32): f32;
  trunc(x: f32): f32;
}

declare global {
  // ---- numeric types -----------------------------------------------------

  /** 8-bit signed integer. */
  type i8 = number;
  /** 16-bit signed integer. */
  type i16 = number;
  /** 32-bit signed integer. */
  type i32 = number;
  /** 64-bit signed integer (a `bigint` outside WebAssembly). */
  type i64 = bigint;
  /** Pointer-sized signed integer (32-bit). */
  type isize = number;
  /** 8-bit unsigned integer. */
  type u8 = number;
  /** 16-bit unsigned integer. */
  type u16 = number;
  /** 32-bit unsigned integer. */
  type u32 = number;
  /** 64-bit unsigned integer (a `bigint` outside WebAssembly). */
  type u64 = bigint;
  /** Pointer-sized unsigned integer (32-bit). */
  type usize = number;
  /** 32-bit float. */
  type f32 = number;
  /** 64-bit float. */
  type f64 = number;
  /** Boolean (0 or 1 inside WebAssembly). */
  type bool = boolean;
  /** 128-bit SIMD vector: opaque, only usable inside WebAssembly. */
  type v128 = { readonly [tskernV128Brand]: "v128" };

  // ---- conversions (`i32(x)` is the same as `<i32>x`) --------------------

  /** Converts to an 8-bit signed integer (wraps, sign-extends). */
  function i8(value: TskernNumeric): i8;
  /** Converts to a 16-bit signed integer (wraps, sign-extends). */
  function i16(value: TskernNumeric): i16;
  /** Converts to a 32-bit signed integer (floats truncate toward zero). */
  function i32(value: TskernNumeric): i32;
  /** Converts to a 64-bit signed integer. */
  function i64(value: TskernNumeric): i64;
  /** Converts to a pointer-sized signed integer. */
  function isize(value: TskernNumeric): isize;
  /** Converts to an 8-bit unsigned integer (wraps). */
  function u8(value: TskernNumeric): u8;
  /** Converts to a 16-bit unsigned integer (wraps). */
  function u16(value: TskernNumeric): u16;
  /** Converts to a 32-bit unsigned integer (wraps). */
  function u32(value: TskernNumeric): u32;
  /** Converts to a 64-bit unsigned integer. */
  function u64(value: TskernNumeric): u64;
  /** Converts to a pointer-sized unsigned integer. */
  function usize(value: TskernNumeric): usize;
  /** Converts to a 32-bit float (rounds to nearest). */
  function f32(value: TskernNumeric): f32;
  /** Converts to a 64-bit float. */
  function f64(value: TskernNumeric): f64;
  /** Converts to a boolean (non-zero and not NaN). */
  function bool(value: TskernNumeric): bool;

  namespace i8 {
    /** Smallest representable value. */
    const MIN_VALUE: i8;
    /** Largest representable value. */
    const MAX_VALUE: i8;
  }
  namespace i16 {
    /** Smallest representable value. */
    const MIN_VALUE: i16;
    /** Largest representable value. */
    const MAX_VALUE: i16;
  }
  namespace i32 {
    /** Smallest representable value. */
    const MIN_VALUE: i32;
    /** Largest representable value. */
    const MAX_VALUE: i32;
  }
  namespace i64 {
    /** Smallest representable value. */
    const MIN_VALUE: i64;
    /** Largest representable value. */
    const MAX_VALUE: i64;
  }
  namespace isize {
    /** Smallest representable value. */
    const MIN_VALUE: isize;
    /** Largest representable value. */
    const MAX_VALUE: isize;
  }
  namespace u8 {
    /** Smallest representable value. */
    const MIN_VALUE: u8;
    /** Largest representable value. */
    const MAX_VALUE: u8;
  }
  namespace u16 {
    /** Smallest representable value. */
    const MIN_VALUE: u16;
    /** Largest representable value. */
    const MAX_VALUE: u16;
  }
  namespace u32 {
    /** Smallest representable value. */
    const MIN_VALUE: u32;
    /** Largest representable value. */
    const MAX_VALUE: u32;
  }
  namespace u64 {
    /** Smallest representable value. */
    const MIN_VALUE: u64;
    /** Largest representable value. */
    const MAX_VALUE: u64;
  }
  namespace usize {
    /** Smallest representable value. */
    const MIN_VALUE: usize;
    /** Largest representable value. */
    const MAX_VALUE: usize;
  }
  namespace f32 {
    /** Smallest positive value. */
    const MIN_VALUE: f32;
    /** Largest finite value. */
    const MAX_VALUE: f32;
    /** Smallest normalized positive value. */
    const MIN_NORMAL_VALUE: f32;
    /** Smallest safely representable integer. */
    const MIN_SAFE_INTEGER: f32;
    /** Largest safely representable integer. */
    const MAX_SAFE_INTEGER: f32;
    /** Positive infinity. */
    const POSITIVE_INFINITY: f32;
    /** Negative infinity. */
    const NEGATIVE_INFINITY: f32;
    /** Not a number. */
    const NaN: f32;
    /** Difference between 1 and the next representable value. */
    const EPSILON: f32;
  }
  namespace f64 {
    /** Smallest positive value. */
    const MIN_VALUE: f64;
    /** Largest finite value. */
    const MAX_VALUE: f64;
    /** Smallest normalized positive value. */
    const MIN_NORMAL_VALUE: f64;
    /** Smallest safely representable integer. */
    const MIN_SAFE_INTEGER: f64;
    /** Largest safely representable integer. */
    const MAX_SAFE_INTEGER: f64;
    /** Positive infinity. */
    const POSITIVE_INFINITY: f64;
    /** Negative infinity. */
    const NEGATIVE_INFINITY: f64;
    /** Not a number. */
    const NaN: f64;
    /** Difference between 1 and the next representable value. */
    const EPSILON: f64;
  }
  namespace bool {
    /** Smallest representable value. */
    const MIN_VALUE: bool;
    /** Largest representable value. */
    const MAX_VALUE: bool;
  }

  // ---- generic built-ins --------------------------------------------------

  /** Returns `value` and skips the bounds check of an array access inside it. */
  function unchecked<T>(value: T): T;
  /** Traps (throws) with `message` unless `isTrueish` is truthy; returns it. */
  function assert<T>(isTrueish: T, message?: string): T;
  /** Traps (throws): marks code that must never run. */
  function unreachable(): never;

  /** The smaller of two values. */
  function min<T extends number | bigint>(left: T, right: T): TskernWiden<T>;
  /** The larger of two values. */
  function max<T extends number | bigint>(left: T, right: T): TskernWiden<T>;
  /** Absolute value. */
  function abs<T extends number | bigint>(value: T): TskernWiden<T>;
  /** Square root (floats). */
  function sqrt<T extends number>(value: T): TskernWiden<T>;
  /** Rounds down (floats). */
  function floor<T extends number>(value: T): TskernWiden<T>;
  /** Rounds up (floats). */
  function ceil<T extends number>(value: T): TskernWiden<T>;
  /** Rounds toward zero (floats). */
  function trunc<T extends number>(value: T): TskernWiden<T>;
  /** Rounds to nearest, ties to even (floats). */
  function nearest<T extends number>(value: T): TskernWiden<T>;
  /** `x` with the sign of `y` (floats). */
  function copysign<T extends number>(x: T, y: T): TskernWiden<T>;
  /** `condition ? ifTrue : ifFalse`, evaluating both operands. */
  function select<T>(ifTrue: T, ifFalse: T, condition: bool | number): TskernWiden<T>;
  /** Count of leading zero bits (integers). */
  function clz<T extends number | bigint>(value: T): TskernWiden<T>;
  /** Count of trailing zero bits (integers). */
  function ctz<T extends number | bigint>(value: T): TskernWiden<T>;
  /** Count of set bits (integers). */
  function popcnt<T extends number | bigint>(value: T): TskernWiden<T>;
  /** Rotates the bits of `value` left by `shift` (integers). */
  function rotl<T extends number | bigint>(value: T, shift: T): TskernWiden<T>;
  /** Rotates the bits of `value` right by `shift` (integers). */
  function rotr<T extends number | bigint>(value: T, shift: T): TskernWiden<T>;

  /** Tests for NaN; the generic form `isNaN<f64>(x)` is AssemblyScript's. */
  function isNaN<T extends number>(value: T): bool;
  /** Tests for a finite value; the generic form `isFinite<f64>(x)` is AssemblyScript's. */
  function isFinite<T extends number>(value: T): bool;

  /** Single-precision `Math`. */
  const Mathf: TskernMathf;

  // ---- generic kernels and 2-D views ------------------------------------

  /**
   * The array of element type `T` in a generic kernel
   * (`// @tskern dtypes=f32,f64,i32`); each specialisation makes it the real
   * class (`Float32Array`, ...). Plain TypeScript has no arithmetic on a type
   * parameter, so generic kernel bodies type-check only with casts
   * (`<T>(<f64>s + <f64>x[i])`); non-generic view kernels type-check fully.
   */
  interface TypedArray<T> {
    readonly length: i32;
    [index: number]: T;
  }

  /** A 2-D view parameter (any row and column stride); valid during the call only. */
  interface View2D<T> {
    readonly rows: i32;
    readonly cols: i32;
    /** elements from one row to the next */
    readonly stride: i32;
    /** elements from one column to the next */
    readonly colStride: i32;
    /** Element (r, c), index-checked. */
    get(r: i32, c: i32): T;
    /** Sets element (r, c), index-checked. */
    set(r: i32, c: i32, value: T): void;
    getUnchecked(r: i32, c: i32): T;
    setUnchecked(r: i32, c: i32, value: T): void;
  }

  /** A 2-D view parameter with rows packed back to back (colStride 1, stride == cols; checked at the call). */
  interface ContiguousView2D<T> extends View2D<T> {
    /** rows * cols */
    readonly length: i32;
    /** Element i = r * cols + c, index-checked. */
    at(i: i32): T;
    /** Sets element i = r * cols + c, index-checked. */
    setAt(i: i32, value: T): void;
  }

  // ---- 64-bit integer arrays ---------------------------------------------

  /** AssemblyScript's name for `BigInt64Array`. */
  type Int64Array = BigInt64Array;
  /** AssemblyScript's name for `BigInt64Array`. */
  const Int64Array: BigInt64ArrayConstructor;
  /** AssemblyScript's name for `BigUint64Array`. */
  type Uint64Array = BigUint64Array;
  /** AssemblyScript's name for `BigUint64Array`. */
  const Uint64Array: BigUint64ArrayConstructor;
}

export {};
