/**
 * Typed-array kinds shared with the compiler: the ids match ARRAY_TYPES in
 * plugin/compiler/kernel-types.js and `__tsk_new_array` in the AS library.
 */
export const ARRAY_CTORS = [
  Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array,
  Int8Array, Uint8Array, Uint8ClampedArray, BigInt64Array, BigUint64Array,
];

/** @type {Map<Function, number>} */
export const KIND_OF = new Map(ARRAY_CTORS.map((C, i) => [C, i]));

/** Largest single array AssemblyScript's allocator can hold (1 GiB minus block overhead). */
export const MAX_ARRAY_BYTES = (1 << 30) - 16;
