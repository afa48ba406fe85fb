/**
 * The types a kernel may take and return, and how each crosses the JS/wasm
 * boundary. One table drives the signature check, the JS bindings and the .d.ts.
 */

/**
 * @typedef {object} ScalarType
 * @property {"scalar"} kind
 * @property {string} name      AssemblyScript name (`f64`)
 * @property {string} ts        TypeScript type in bindings (`number`)
 * @property {string} check     JS expression, over `v`, true when `v` is acceptable
 * @property {string} expected  words for the TypeError
 * @property {string} [fromWasm] JS expression over `r` normalising a wasm result
 */

/**
 * @typedef {object} ArrayType
 * @property {"array"} kind
 * @property {string} name      AssemblyScript class (`Int64Array`)
 * @property {string} ts        TypeScript/JS class (`BigInt64Array`)
 * @property {number} id        element kind id shared with the runtime (`ARRAY_KINDS`)
 * @property {number} bytes     bytes per element
 */

/** @type {Record<string, ScalarType>} */
export const SCALAR_TYPES = {
  i8: { kind: "scalar", name: "i8", ts: "number", check: "typeof v === \"number\" && (v << 24 >> 24) === v", expected: "an integer in [-128, 127] (i8)", fromWasm: "r << 24 >> 24" },
  i16: { kind: "scalar", name: "i16", ts: "number", check: "typeof v === \"number\" && (v << 16 >> 16) === v", expected: "an integer in [-32768, 32767] (i16)", fromWasm: "r << 16 >> 16" },
  i32: { kind: "scalar", name: "i32", ts: "number", check: "typeof v === \"number\" && (v | 0) === v", expected: "an integer in [-2^31, 2^31) (i32)" },
  u8: { kind: "scalar", name: "u8", ts: "number", check: "typeof v === \"number\" && (v & 0xff) === v", expected: "an integer in [0, 255] (u8)", fromWasm: "r & 0xff" },
  u16: { kind: "scalar", name: "u16", ts: "number", check: "typeof v === \"number\" && (v & 0xffff) === v", expected: "an integer in [0, 65535] (u16)", fromWasm: "r & 0xffff" },
  u32: { kind: "scalar", name: "u32", ts: "number", check: "typeof v === \"number\" && (v >>> 0) === v", expected: "an integer in [0, 2^32) (u32)", fromWasm: "r >>> 0" },
  i64: { kind: "scalar", name: "i64", ts: "bigint", check: "typeof v === \"bigint\" && BigInt.asIntN(64, v) === v", expected: "a bigint in [-2^63, 2^63) (i64)" },
  u64: { kind: "scalar", name: "u64", ts: "bigint", check: "typeof v === \"bigint\" && BigInt.asUintN(64, v) === v", expected: "a bigint in [0, 2^64) (u64)", fromWasm: "BigInt.asUintN(64, r)" },
  f32: { kind: "scalar", name: "f32", ts: "number", check: "typeof v === \"number\"", expected: "a number (f32)" },
  f64: { kind: "scalar", name: "f64", ts: "number", check: "typeof v === \"number\"", expected: "a number (f64)" },
  bool: { kind: "scalar", name: "bool", ts: "boolean", check: "typeof v === \"boolean\"", expected: "a boolean (bool)", fromWasm: "r !== 0" },
};
SCALAR_TYPES.boolean = { ...SCALAR_TYPES.bool, name: "boolean" };

/**
 * Array element kinds. The numeric `id` is the contract with the runtime and
 * with `__tsk_new_array` in aslib/tskern.ts: keep the three in step.
 * @type {Record<string, ArrayType>}
 */
export const ARRAY_TYPES = {
  Float64Array: { kind: "array", name: "Float64Array", ts: "Float64Array", id: 0, bytes: 8 },
  Float32Array: { kind: "array", name: "Float32Array", ts: "Float32Array", id: 1, bytes: 4 },
  Int32Array: { kind: "array", name: "Int32Array", ts: "Int32Array", id: 2, bytes: 4 },
  Uint32Array: { kind: "array", name: "Uint32Array", ts: "Uint32Array", id: 3, bytes: 4 },
  Int16Array: { kind: "array", name: "Int16Array", ts: "Int16Array", id: 4, bytes: 2 },
  Uint16Array: { kind: "array", name: "Uint16Array", ts: "Uint16Array", id: 5, bytes: 2 },
  Int8Array: { kind: "array", name: "Int8Array", ts: "Int8Array", id: 6, bytes: 1 },
  Uint8Array: { kind: "array", name: "Uint8Array", ts: "Uint8Array", id: 7, bytes: 1 },
  Uint8ClampedArray: { kind: "array", name: "Uint8ClampedArray", ts: "Uint8ClampedArray", id: 8, bytes: 1 },
  Int64Array: { kind: "array", name: "Int64Array", ts: "BigInt64Array", id: 9, bytes: 8 },
  Uint64Array: { kind: "array", name: "Uint64Array", ts: "BigUint64Array", id: 10, bytes: 8 },
};

/**
 * @typedef {object} ViewType
 * @property {"view"} kind
 * @property {string} name        `View2D<f64>` or `ContiguousView2D<f64>` (aslib/views.ts)
 * @property {string} elem        element type (`f64`)
 * @property {string} array       AssemblyScript array class of the data (`Float64Array`)
 * @property {number} id          the data's array kind id (as ArrayType.id)
 * @property {number} bytes       bytes per element
 * @property {boolean} contiguous true: the kernel requires colStride 1 and stride == cols
 * @property {string} ts          the host-side type in the .d.ts (a runtime View2D fits it)
 */

const VIEW_NAME = /^(View2D|ContiguousView2D)<(f64|f32|i32|u32|i16|u16|i8|u8|i64|u64)>$/;
const VIEW_ARRAY = { f64: "Float64Array", f32: "Float32Array", i32: "Int32Array", u32: "Uint32Array", i16: "Int16Array", u16: "Uint16Array", i8: "Int8Array", u8: "Uint8Array", i64: "Int64Array", u64: "Uint64Array" };

/**
 * A 2-D view parameter type by name (`View2D<f64>`), or undefined.
 * @param {string} name
 * @returns {ViewType | undefined}
 */
export function viewType(name) {
  const m = VIEW_NAME.exec(name);
  if (!m) return undefined;
  const array = ARRAY_TYPES[VIEW_ARRAY[/** @type {keyof typeof VIEW_ARRAY} */ (m[2])]];
  return {
    kind: "view", name, elem: m[2], array: array.name, id: array.id, bytes: array.bytes, contiguous: m[1] === "ContiguousView2D",
    ts: `{ readonly data: ${array.ts}; readonly offset: number; readonly rows: number; readonly cols: number; readonly stride: number; readonly colStride: number }`,
  };
}

export const SUPPORTED_PARAM_TYPES = [
  ...Object.keys(SCALAR_TYPES).filter((n) => n !== "boolean"),
  ...Object.keys(ARRAY_TYPES),
];
export const SUPPORTED_RESULT_TYPES = ["void", ...SUPPORTED_PARAM_TYPES];
/** Parameters may also be 2-D views (not results). */
export const SUPPORTED_VIEW_TYPES = ["View2D<T>", "ContiguousView2D<T>"];

/**
 * Looks a type name up.
 * @param {string} name
 * @returns {ScalarType | ArrayType | ViewType | undefined}
 */
export function lookupType(name) {
  return Object.hasOwn(SCALAR_TYPES, name) ? SCALAR_TYPES[name] : Object.hasOwn(ARRAY_TYPES, name) ? ARRAY_TYPES[name] : viewType(name);
}
