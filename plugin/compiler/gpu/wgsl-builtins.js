/**
 * The functions and constants a `// @tskern gpu` kernel may use, and the WGSL
 * each becomes. WGSL has no f64, so only `Mathf` (f32) is offered; the
 * generic AssemblyScript built-ins (`sqrt(x)`, `min(a, b)`, ...) work on the
 * types WGSL shares with them.
 */

/**
 * `Mathf.name(args)` -> WGSL. A string is a WGSL built-in of the same arity;
 * a function builds the expression from the lowered arguments.
 * @type {Record<string, { arity: number, wgsl: string | ((a: string[]) => string) }>}
 */
export const MATHF_FUNCTIONS = {
  abs: { arity: 1, wgsl: "abs" },
  acos: { arity: 1, wgsl: "acos" },
  acosh: { arity: 1, wgsl: "acosh" },
  asin: { arity: 1, wgsl: "asin" },
  asinh: { arity: 1, wgsl: "asinh" },
  atan: { arity: 1, wgsl: "atan" },
  atan2: { arity: 2, wgsl: "atan2" },
  atanh: { arity: 1, wgsl: "atanh" },
  ceil: { arity: 1, wgsl: "ceil" },
  cos: { arity: 1, wgsl: "cos" },
  cosh: { arity: 1, wgsl: "cosh" },
  exp: { arity: 1, wgsl: "exp" },
  floor: { arity: 1, wgsl: "floor" },
  log: { arity: 1, wgsl: "log" },
  log2: { arity: 1, wgsl: "log2" },
  max: { arity: 2, wgsl: "max" },
  min: { arity: 2, wgsl: "min" },
  pow: { arity: 2, wgsl: "pow" },
  sign: { arity: 1, wgsl: "sign" },
  sin: { arity: 1, wgsl: "sin" },
  sinh: { arity: 1, wgsl: "sinh" },
  sqrt: { arity: 1, wgsl: "sqrt" },
  tan: { arity: 1, wgsl: "tan" },
  tanh: { arity: 1, wgsl: "tanh" },
  trunc: { arity: 1, wgsl: "trunc" },
  // JS rounds halves up; WGSL's round() rounds them to even.
  round: { arity: 1, wgsl: (a) => `floor(${a[0]} + 0.5)` },
  log10: { arity: 1, wgsl: (a) => `(log2(${a[0]}) * 0.30102999566398120)` },
  expm1: { arity: 1, wgsl: (a) => `(exp(${a[0]}) - 1.0)` },
  log1p: { arity: 1, wgsl: (a) => `log(1.0 + ${a[0]})` },
  hypot: { arity: 2, wgsl: (a) => `length(vec2<f32>(${a[0]}, ${a[1]}))` },
  fround: { arity: 1, wgsl: (a) => a[0] },
};

/** `Mathf.NAME` constants (f32). @type {Record<string, string>} */
export const MATHF_CONSTANTS = {
  E: "2.718281828459045",
  LN2: "0.6931471805599453",
  LN10: "2.302585092994046",
  LOG2E: "1.4426950408889634",
  LOG10E: "0.4342944819032518",
  PI: "3.141592653589793",
  SQRT1_2: "0.7071067811865476",
  SQRT2: "1.4142135623730951",
};

/**
 * Generic AssemblyScript built-ins (`sqrt<T>(x)`): name -> [arity, WGSL name,
 * whether integer arguments are allowed].
 * @type {Record<string, [number, string, boolean]>}
 */
export const GENERIC_BUILTINS = {
  abs: [1, "abs", true],
  min: [2, "min", true],
  max: [2, "max", true],
  sqrt: [1, "sqrt", false],
  floor: [1, "floor", false],
  ceil: [1, "ceil", false],
  trunc: [1, "trunc", false],
  // wasm's `nearest` and WGSL's round() both round halves to even.
  nearest: [1, "round", false],
};

/** Conversions written `f32(x)`, `<f32>x` or `x as f32`. */
export const CONVERSIONS = new Set(["f32", "i32", "u32", "bool"]);

/** Types a gpu kernel's locals may have. */
export const LOCAL_TYPES = new Set(["f32", "i32", "u32", "bool"]);

/** Array parameter types -> WGSL element type. @type {Record<string, string>} */
export const GPU_ARRAYS = { Float32Array: "f32", Int32Array: "i32", Uint32Array: "u32" };

/** Scalar parameter types (a uniform word each). */
export const GPU_SCALARS = new Set(["f32", "i32", "u32"]);

/** WebGPU's default limit on storage buffers per shader stage. */
export const MAX_GPU_ARRAYS = 8;

/** What the subset holds, for error messages. */
export const SUBSET_STATEMENTS = "let/const locals (f32, i32, u32, bool), assignments (=, +=, ...) to locals and array elements, ++/--, if/else, for, while, do-while, break, continue, return;";
export const SUBSET_EXPRESSIONS = "arithmetic, comparisons, && || !, bit operations and shifts on integers, c ? a : b, array elements x[j], x.length, module-level consts, casts (<f32>x, f32(x), x as f32), Mathf functions and constants, and the built-ins abs, min, max, sqrt, floor, ceil, trunc, nearest";
