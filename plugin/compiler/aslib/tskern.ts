// tskern's AssemblyScript support library, compiled into every build as
// `~lib/tskern`. The host runtime (runtime/) and the kernel transform
// (plugin/compiler/kernel-transform.js) rely on the names below.

// Reports an out-of-bounds access to the host, which throws a located
// KernelError; `loc` indexes the build's location table.
@external("tskern", "oob")
declare function __tsk_oob_host(loc: i32, index: i32, length: i32): void;

// Cold path of a bounds check: kept out of line so loops stay small.
// @ts-ignore: decorator
@global function __tsk_oob(loc: i32, index: i32, length: i32): void {
  __tsk_oob_host(loc, index, length);
  unreachable();
}

// Inline bounds check emitted by the kernel transform for `a[i]`:
// one unsigned compare, then the caller accesses `unchecked(a[i])`.
// @ts-ignore: decorator
@global @inline function __tsk_chk<T>(arr: T, index: i32, loc: i32): i32 {
  if (isArrayLike<T>()) {
    let length = arr.length;
    if (<u32>index >= <u32>length) __tsk_oob(loc, index, length);
  }
  return index;
}

// Inline bounds check of the optimizer's cached-header accesses
// (plugin/compiler/optimize/): the length was read once into a local.
// @ts-ignore: decorator
@global @inline function __tsk_chkn(index: i32, length: i32, loc: i32): i32 {
  if (<u32>index >= <u32>length) __tsk_oob(loc, index, length);
  return index;
}

// An unchecked index (boundscheck=false) of a cached-header access: only
// keeps AssemblyScript's typing of indices (an f64 or i64 index stays an error).
// @ts-ignore: decorator
@global @inline function __tsk_i32(index: i32): i32 {
  return index;
}

// The value of a cached-header store, typed as the typed array's own setter
// types it (`native<T>`: a u8 element takes a u32, an f32 element an f32), so
// `a[i] = v` accepts and rejects exactly what AssemblyScript's `a[i] = v` does.
// @ts-ignore: decorator
@global @inline function __tsk_v<T>(value: native<T>): native<T> {
  return value;
}

// Allocates a zeroed typed array for the host. Kind ids match ARRAY_TYPES in
// plugin/compiler/kernel-types.js.
// @ts-ignore: decorator
@global function __tsk_new_array(kind: i32, length: i32): usize {
  switch (kind) {
    case 0: return changetype<usize>(new Float64Array(length));
    case 1: return changetype<usize>(new Float32Array(length));
    case 2: return changetype<usize>(new Int32Array(length));
    case 3: return changetype<usize>(new Uint32Array(length));
    case 4: return changetype<usize>(new Int16Array(length));
    case 5: return changetype<usize>(new Uint16Array(length));
    case 6: return changetype<usize>(new Int8Array(length));
    case 7: return changetype<usize>(new Uint8Array(length));
    case 8: return changetype<usize>(new Uint8ClampedArray(length));
    case 9: return changetype<usize>(new Int64Array(length));
    case 10: return changetype<usize>(new Uint64Array(length));
  }
  unreachable();
  return 0;
}
