// 2-D views for kernels (plugin/compiler/views.js): a view parameter arrives
// as the address of a descriptor the host filled in for this call (see
// runtime/views.js): the address of element (0, 0), the shape, and the row
// and column strides in elements. Nothing is copied; `get`/`set` compute
// `dataStart + (r * stride + c * colStride) * sizeof<T>()`. The field order
// is the descriptor layout: keep it in step with runtime/views.js.
//
// A view is valid only during the call that received it (the descriptor is
// reused by the next call): do not keep it in a global.

// Out-of-range (r, c): an abort the runtime turns into a KernelError (TSK201)
// naming the kernel. A static message, so the cold path allocates nothing
// (and `tskern annotate` sees no allocation in loops that call get/set).
function __tsk_view_oob(r: i32, c: i32, rows: i32, cols: i32): void {
  abort("index out of range: a 2-D view's get/set got a row outside [0, rows) or a column outside [0, cols)", "~lib/views.ts", 0, 0);
}

// Any row and column stride: sub-blocks, transposes, every other column.
// @ts-ignore: decorator
@unmanaged export class View2D<T> {
  readonly dataStart: usize;
  readonly rows: i32;
  readonly cols: i32;
  /** elements from one row to the next */
  readonly stride: i32;
  /** elements from one column to the next (1 unless transposed or strided) */
  readonly colStride: i32;

  /** Element (r, c), index-checked. */
  // @ts-ignore: decorator
  @inline get(r: i32, c: i32): T {
    if (<u32>r >= <u32>this.rows || <u32>c >= <u32>this.cols) __tsk_view_oob(r, c, this.rows, this.cols);
    return load<T>(this.dataStart + ((<usize>(r * this.stride + c * this.colStride)) << alignof<T>()));
  }
  /** Sets element (r, c), index-checked. */
  // @ts-ignore: decorator
  @inline set(r: i32, c: i32, value: T): void {
    if (<u32>r >= <u32>this.rows || <u32>c >= <u32>this.cols) __tsk_view_oob(r, c, this.rows, this.cols);
    store<T>(this.dataStart + ((<usize>(r * this.stride + c * this.colStride)) << alignof<T>()), value);
  }
  /** Element (r, c) without the index check. */
  // @ts-ignore: decorator
  @inline getUnchecked(r: i32, c: i32): T {
    return load<T>(this.dataStart + ((<usize>(r * this.stride + c * this.colStride)) << alignof<T>()));
  }
  /** Sets element (r, c) without the index check. */
  // @ts-ignore: decorator
  @inline setUnchecked(r: i32, c: i32, value: T): void {
    store<T>(this.dataStart + ((<usize>(r * this.stride + c * this.colStride)) << alignof<T>()), value);
  }
}

// Rows packed back to back (colStride 1, stride == cols), checked at the
// call: element (r, c) is element r * cols + c of a flat run of rows * cols.
// @ts-ignore: decorator
@unmanaged export class ContiguousView2D<T> {
  readonly dataStart: usize;
  readonly rows: i32;
  readonly cols: i32;
  readonly stride: i32;
  readonly colStride: i32;

  /** rows * cols */
  // @ts-ignore: decorator
  @inline get length(): i32 {
    return this.rows * this.cols;
  }
  // @ts-ignore: decorator
  @inline get(r: i32, c: i32): T {
    if (<u32>r >= <u32>this.rows || <u32>c >= <u32>this.cols) __tsk_view_oob(r, c, this.rows, this.cols);
    return load<T>(this.dataStart + ((<usize>(r * this.cols + c)) << alignof<T>()));
  }
  // @ts-ignore: decorator
  @inline set(r: i32, c: i32, value: T): void {
    if (<u32>r >= <u32>this.rows || <u32>c >= <u32>this.cols) __tsk_view_oob(r, c, this.rows, this.cols);
    store<T>(this.dataStart + ((<usize>(r * this.cols + c)) << alignof<T>()), value);
  }
  // @ts-ignore: decorator
  @inline getUnchecked(r: i32, c: i32): T {
    return load<T>(this.dataStart + ((<usize>(r * this.cols + c)) << alignof<T>()));
  }
  // @ts-ignore: decorator
  @inline setUnchecked(r: i32, c: i32, value: T): void {
    store<T>(this.dataStart + ((<usize>(r * this.cols + c)) << alignof<T>()), value);
  }
  /** Element i of the flat run (i = r * cols + c), index-checked. */
  // @ts-ignore: decorator
  @inline at(i: i32): T {
    const n = this.rows * this.cols;
    if (<u32>i >= <u32>n) __tsk_view_oob(i / max(this.cols, 1), i % max(this.cols, 1), this.rows, this.cols);
    return load<T>(this.dataStart + ((<usize>i) << alignof<T>()));
  }
  /** Sets element i of the flat run, index-checked. */
  // @ts-ignore: decorator
  @inline setAt(i: i32, value: T): void {
    const n = this.rows * this.cols;
    if (<u32>i >= <u32>n) __tsk_view_oob(i / max(this.cols, 1), i % max(this.cols, 1), this.rows, this.cols);
    store<T>(this.dataStart + ((<usize>i) << alignof<T>()), value);
  }
}
