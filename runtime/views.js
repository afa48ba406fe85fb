/**
 * 2-D views: a typed array seen as a rows x cols matrix with a row stride
 * and a column stride (in elements), like a NumPy array or a Cython typed
 * memoryview. Sub-blocks and transposes are new views over the same data:
 * nothing is copied. A kernel taking `View2D<f64>` (or
 * `ContiguousView2D<f64>`, aslib/views.ts) receives a view in O(1): the
 * binding writes its five words into a per-build descriptor area in kernel
 * memory and passes that address.
 *
 *   const m = alloc2d(Float64Array, 512, 512);   // m.data: a Float64Array in kernel memory
 *   trace(m.block(128, 128, 64, 64));             // a sub-block, no copy
 *   trace(m.transpose());                         // strided, no copy
 */
import { KIND_OF, ARRAY_CTORS } from "./array-kinds.js";
import { codedError } from "./errors.js";
import { sharedState } from "./shared-state.js";

/** Words per descriptor (5 used: dataStart, rows, cols, stride, colStride) and descriptors per build. */
const SLOT_WORDS = 8;
const SLOTS = 64;

/** @param {string} what @param {unknown} v */
function count(what, v) {
  if (!Number.isSafeInteger(v) || /** @type {number} */ (v) < 0 || /** @type {number} */ (v) > 0x7fffffff) {
    throw codedError(RangeError, "TSK216", `${what} must be an integer in [0, 2^31), got ${String(v)}`);
  }
  return /** @type {number} */ (v);
}

/**
 * A strided 2-D view over a typed array. One class per realm, shared by every
 * copy of the runtime (so `instanceof` holds across them).
 */
export const View2D = /** @type {typeof View2DClass} */ (sharedState().classes.View2D ??= class View2DClass {
  /**
   * @param {any} data  the typed array holding the elements
   * @param {number} rows
   * @param {number} cols
   * @param {{ offset?: number, stride?: number, colStride?: number }} [layout]  in elements; default: row-major, packed
   */
  constructor(data, rows, cols, layout = {}) {
    if (!ArrayBuffer.isView(data) || !KIND_OF.has(/** @type {any} */ (data).constructor)) {
      throw codedError(TypeError, "TSK216", `a 2-D view needs a typed array of one of ${ARRAY_CTORS.map((c) => c.name).join(", ")} as its data, got ${describe(data)}`);
    }
    count("rows", rows);
    count("cols", cols);
    const offset = count("offset", layout.offset ?? 0);
    const stride = count("stride", layout.stride ?? cols);
    const colStride = count("colStride", layout.colStride ?? 1);
    const length = /** @type {any} */ (data).length;
    if (rows > 0 && cols > 0) {
      const last = offset + (rows - 1) * stride + (cols - 1) * colStride;
      if (last >= length) {
        throw codedError(RangeError, "TSK216",
          `a ${rows}x${cols} view with offset ${offset}, stride ${stride} and colStride ${colStride} reaches element ${last}, but its data has ${length} elements. Use a smaller shape or stride, or larger data`);
      }
    } else if (offset > length) {
      throw codedError(RangeError, "TSK216", `offset ${offset} is past the end of the data (${length} elements)`);
    }
    /** @readonly */ this.data = data;
    /** @readonly */ this.rows = rows;
    /** @readonly */ this.cols = cols;
    /** @readonly */ this.offset = offset;
    /** @readonly */ this.stride = stride;
    /** @readonly */ this.colStride = colStride;
    /** Byte address of element (0, 0) within the data's buffer: what a kernel receives when the data is kernel memory (computed once: `byteOffset` is slow on wasm memory). */
    this.byteAddress = /** @type {any} */ (data).byteOffset + offset * /** @type {any} */ (data).BYTES_PER_ELEMENT;
    Object.freeze(this);
  }

  /** True when rows are packed back to back (colStride 1, stride == cols): what ContiguousView2D parameters accept. */
  get contiguous() {
    const { rows, cols } = this;
    if (rows === 0 || cols === 0) return true;
    return (cols === 1 || this.colStride === 1) && (rows === 1 || this.stride === cols);
  }

  /** rows * cols */
  get length() {
    return this.rows * this.cols;
  }

  /** Element (r, c). @param {number} r @param {number} c */
  get(r, c) {
    return this.data[this.index(r, c)];
  }

  /** Sets element (r, c). @param {number} r @param {number} c @param {number | bigint} value */
  set(r, c, value) {
    this.data[this.index(r, c)] = value;
  }

  /** As get(), without the range check (for pure-mode parity with kernels). @param {number} r @param {number} c */
  getUnchecked(r, c) {
    return this.data[this.offset + r * this.stride + c * this.colStride];
  }

  /** As set(), without the range check. @param {number} r @param {number} c @param {number | bigint} value */
  setUnchecked(r, c, value) {
    this.data[this.offset + r * this.stride + c * this.colStride] = value;
  }

  /** Element i = r * cols + c of a contiguous view (pure-mode parity with ContiguousView2D). @param {number} i */
  at(i) {
    return this.get(Math.floor(i / this.cols), i % this.cols);
  }

  /** @param {number} i @param {number | bigint} value */
  setAt(i, value) {
    this.set(Math.floor(i / this.cols), i % this.cols, value);
  }

  /** @param {number} r @param {number} c */
  index(r, c) {
    if (!(Number.isInteger(r) && Number.isInteger(c) && r >= 0 && c >= 0 && r < this.rows && c < this.cols)) {
      throw codedError(RangeError, "TSK216", `index out of range: (${r}, ${c}) in a ${this.rows}x${this.cols} view`);
    }
    return this.offset + r * this.stride + c * this.colStride;
  }

  /**
   * The rows x cols sub-block whose top-left element is (r0, c0): a view of
   * the same data, no copy.
   * @param {number} r0 @param {number} c0 @param {number} rows @param {number} cols
   */
  block(r0, c0, rows, cols) {
    count("block row", r0);
    count("block column", c0);
    count("block rows", rows);
    count("block cols", cols);
    if (r0 + rows > this.rows || c0 + cols > this.cols) {
      throw codedError(RangeError, "TSK216", `block(${r0}, ${c0}, ${rows}, ${cols}) does not fit in a ${this.rows}x${this.cols} view`);
    }
    const offset = rows && cols ? this.offset + r0 * this.stride + c0 * this.colStride : this.offset;
    return new View2D(this.data, rows, cols, { offset, stride: this.stride, colStride: this.colStride });
  }

  /** The transpose: rows and columns (and their strides) swapped, same data, no copy. */
  transpose() {
    return new View2D(this.data, this.cols, this.rows, { offset: this.offset, stride: this.colStride, colStride: this.stride });
  }

  /** Row r as a subarray of the data (contiguous rows only, else a copy would be needed: throws). @param {number} r */
  row(r) {
    if (this.colStride !== 1) throw codedError(RangeError, "TSK216", "row(): this view's columns are strided (colStride != 1); read it with get() or copy it");
    const start = this.index(r, 0);
    return this.data.subarray(start, start + this.cols);
  }

  /** The elements, row by row, in a new plain typed array of the data's class. */
  toArray() {
    const C = /** @type {any} */ (this.data.constructor);
    const out = new C(this.rows * this.cols);
    for (let r = 0; r < this.rows; r++) for (let c = 0; c < this.cols; c++) out[r * this.cols + c] = this.getUnchecked(r, c);
    return out;
  }
});
/** @typedef {InstanceType<typeof View2D>} View2DInstance */

/**
 * Allocates a rows x cols matrix in kernel memory (row-major, packed) and
 * returns a view of it. Free it with `free(view.data)` or `using`.
 * @param {new (length: number) => any} Ctor  Float64Array, Float32Array, Int32Array, ...
 * @param {number} rows
 * @param {number} cols
 * @param {{ build?: any }} [options]  which build's memory (default: the first loaded)
 */
export function alloc2d(Ctor, rows, cols, options) {
  count("alloc2d: rows", rows);
  count("alloc2d: cols", cols);
  const build = options?.build ?? sharedState().builds[0];
  if (!build) {
    throw codedError(Error, "TSK210", "No kernel build is loaded yet: import a kernel module (e.g. `import { dot } from \"./blas.kernel.js\"`) before calling alloc2d");
  }
  return new View2D(build.alloc(Ctor, rows * cols), rows, cols);
}

/**
 * A view of an existing typed array (from alloc, a subarray of one, or a
 * plain array, which kernels then copy in and back like plain array arguments).
 * @param {any} data
 * @param {number} rows
 * @param {number} cols
 * @param {{ offset?: number, stride?: number, colStride?: number }} [layout]
 */
export function view2d(data, rows, cols, layout) {
  return new View2D(data, rows, cols, layout);
}

/**
 * The binding's helper for a view parameter: checks the argument, fills
 * descriptor `slot` for this call and returns its address.
 * @param {any} build  the KernelBuild
 * @param {number} k @param {number} p @param {number} slot @param {unknown} value
 * @returns {number}
 */
export function passView(build, k, p, slot, value) {
  const kernel = build.meta.kernels[k];
  const param = kernel.params[p];
  const info = param.view ?? (param.view = parseViewType(param.type));
  if (!(value instanceof View2D)) {
    throw codedError(TypeError, "TSK214", `${kernel.name}: parameter '${param.name}' expects a 2-D view of ${info.Ctor.name} (from alloc2d or view2d), got ${describe(value)}`);
  }
  const data = value.data;
  if (!(data instanceof info.Ctor)) {
    throw codedError(TypeError, "TSK214", `${kernel.name}: parameter '${param.name}' expects a 2-D view of ${info.Ctor.name}, got a view of ${data.constructor.name}. Allocate it with alloc2d(${info.Ctor.name}, rows, cols)`);
  }
  if (info.contiguous && !value.contiguous) {
    throw codedError(TypeError, "TSK215",
      `${kernel.name}: parameter '${param.name}' is a ContiguousView2D (rows packed: colStride 1, stride == cols), got a ${value.rows}x${value.cols} view with stride ${value.stride} and colStride ${value.colStride}. Pass a packed view (alloc2d, or copy into one), or declare the parameter View2D<${info.elem}> to accept strided views`);
  }
  if (slot >= SLOTS) throw codedError(TypeError, "TSK214", `${kernel.name}: a kernel takes at most ${SLOTS} view parameters`);
  let base;
  if (data[build.S] > 0) base = value.byteAddress; // from alloc: its view starts at the array's dataStart
  else {
    // Freed, a subarray of kernel memory, plain or another build's: the array
    // argument's slow path (located errors, temporary header, or copy in and back).
    param.kind = info.kind;
    const header = build.arg(k, p, data);
    base = new Uint32Array(build.buffer(), header, 3)[1] + value.offset * info.Ctor.BYTES_PER_ELEMENT;
  }
  const slots = build.viewSlots ?? (build.viewSlots = descriptorArea(build));
  const d = slots.words;
  const o = slot * SLOT_WORDS;
  d[o] = base;
  d[o + 1] = value.rows;
  d[o + 2] = value.cols;
  d[o + 3] = value.stride;
  d[o + 4] = value.colStride;
  return slots.address + o * 4;
}

/** A build's view descriptors: one pinned Int32Array, allocated at the first view call. @param {any} build */
function descriptorArea(build) {
  const words = build.alloc(Int32Array, SLOT_WORDS * SLOTS);
  return { words, address: words.byteOffset };
}

const VIEW_TYPE = /^(View2D|ContiguousView2D)<(\w+)>$/;
const ELEMENT_KIND = { f64: 0, f32: 1, i32: 2, u32: 3, i16: 4, u16: 5, i8: 6, u8: 7, i64: 9, u64: 10 };

/** @param {string} type  `View2D<f64>` */
function parseViewType(type) {
  const m = /** @type {RegExpExecArray} */ (VIEW_TYPE.exec(type));
  const kind = ELEMENT_KIND[/** @type {keyof typeof ELEMENT_KIND} */ (m[2])];
  return { kind, Ctor: ARRAY_CTORS[kind], elem: m[2], contiguous: m[1] === "ContiguousView2D" };
}

/** @param {unknown} value */
function describe(value) {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} (wrap it: view2d(array, rows, cols))`;
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return `${typeof value} ${String(value)}`;
}
