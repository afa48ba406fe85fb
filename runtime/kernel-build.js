/**
 * One loaded build: a wasm instance, its memory, the arrays allocated in it,
 * and the helpers the generated bindings call. Every kernel of a build shares
 * this one memory, so an array allocated once passes to any kernel as a
 * pointer (O(1), no copy).
 *
 * Memory layout facts used here (AssemblyScript `--runtime minimal`):
 * a typed array is a header object { buffer: usize @0, dataStart: usize @4,
 * byteLength: i32 @8 }; objects stay where they are; the collector runs only
 * when we call `__collect()`, and frees what is neither reachable nor pinned.
 */
import { ARRAY_CTORS, KIND_OF, MAX_ARRAY_BYTES } from "./array-kinds.js";
import { KernelError, codedError } from "./errors.js";
import { readMemoryImport, withUnsharedMemory } from "./wasm-binary.js";
import { createImports, checkImports } from "./wasm-imports.js";
import { sharedState } from "./shared-state.js";
import { runParallel } from "./worker-pool.js";
import { passView } from "./views.js";
import { dtypeError } from "./dtype-dispatch.js";
import { runCpu, runGpu } from "./gpu.js";

const PAGE = 65536;
/** Default memory limit: 2 GiB. */
export const DEFAULT_MEMORY_LIMIT = 2 * 1024 * 1024 * 1024;
/** Default reservation where memory cannot be shared (no cross-origin isolation). */
export const DEFAULT_UNSHARED_RESERVE = 256 * 1024 * 1024;
const FREED = -1;
/** Collect before allocating once this much has been freed (and enough for the request). */
const GC_MIN_GARBAGE = 1 << 20;
const DISPOSE = Symbol.dispose ?? Symbol.for("Symbol.dispose");

/**
 * @typedef {object} KernelMeta
 * @property {string} name
 * @property {string} file
 * @property {number} line
 * @property {number} column
 * @property {Array<{ name: string, type: string }>} params
 * @property {string} result
 */

/**
 * @typedef {object} BuildMeta
 * @property {string} id                   content hash of the build
 * @property {string[]} files              kernel source paths
 * @property {KernelMeta[]} kernels        indexed by the bindings
 * @property {Array<[string, number, number]>} locations  bounds-check sites
 * @property {{ files: string[], pc: number[] }} [traps]   wasm offset -> source (see plugin/compiler/trap-locations.js)
 * @property {number} [memoryLimit]        bytes
 */

/**
 * @typedef {object} LoadOptions
 * @property {number} [memoryLimit]   bytes; default 2 GiB (or TSKERN_MEMORY_LIMIT)
 * @property {boolean} [shared]       force shared (true) or unshared (false) memory
 * @property {number} [unsharedReserve]  bytes reserved up front without shared memory
 */

/** Called as `array[Symbol.dispose]()` by `using`. @this {any} */
function disposeArray() {
  const build = buildOf(this);
  if (build && this[build.S] !== FREED) build.free(this);
}

/**
 * A subarray of an array from alloc -> that array. Keeps it (and so its
 * memory) alive while the view lives, and lets a kernel call refuse a view of
 * a freed array (TSK202) instead of writing into memory reused by another.
 */
const VIEW_OF = /** @type {WeakMap<object, any>} */ (/** @type {any} */ (sharedState()).viewOf ??= new WeakMap()); // shared: another build's runtime copy may have made the view
/** Own `subarray` of arrays from alloc: a real subarray, remembered in VIEW_OF. @this {any} @param {number} [begin] @param {number} [end] */
function trackedSubarray(begin, end) {
  const view = Object.getPrototypeOf(this).subarray.call(this, begin, end);
  VIEW_OF.set(view, VIEW_OF.get(this) ?? this);
  Object.defineProperty(view, "subarray", TRACKED);
  return view;
}

/** Non-enumerable, so inspecting or comparing an array does not show it. */
const TRACKED = { value: trackedSubarray, writable: true, configurable: true };

/** array -> owning build (slow paths only), shared by every runtime copy */
const OWNER = sharedState().owners;
/** @param {object} array */
export function buildOf(array) {
  return OWNER.get(array);
}

export class KernelBuild {
  /**
   * Instantiates a build from its wasm bytes.
   * @param {Uint8Array} bytes
   * @param {BuildMeta} meta
   * @param {LoadOptions} [options]
   */
  static async instantiate(bytes, meta, options = {}) {
    const imp = readMemoryImport(bytes);
    if (!imp) throw new Error(`tskern build ${meta.id}: the wasm module has no memory import, so tskern did not build it (or another version did). Rebuild with 'tskern build': tskern.wasm and tskern-build.js must come from the same build`);
    const limit = clampLimit(options.memoryLimit ?? envLimit() ?? meta.memoryLimit ?? DEFAULT_MEMORY_LIMIT);
    const shared = options.shared ?? canShareMemory();
    let memory;
    let moduleBytes = bytes;
    if (shared) {
      memory = new WebAssembly.Memory({ initial: imp.minPages, maximum: limit / PAGE, shared: true });
    } else {
      // Unshared views detach when memory grows, so never grow: reserve up front.
      const reserve = clampLimit(Math.min(limit, options.unsharedReserve ?? DEFAULT_UNSHARED_RESERVE));
      const pages = Math.max(imp.minPages, reserve / PAGE);
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      moduleBytes = withUnsharedMemory(bytes, imp);
    }
    const module = await WebAssembly.compile(moduleBytes);
    /** @type {KernelBuild | null} */
    let self = null;
    const host = createImports({
      memory,
      onAbort: (message, file, line, column) => { throw /** @type {KernelBuild} */ (self).abortError(message, file, line, column); },
      onOutOfBounds: (loc, index, length) => { throw /** @type {KernelBuild} */ (self).outOfBoundsError(loc, index, length); },
    });
    checkImports(module, host.imports);
    const instance = await WebAssembly.instantiate(module, host.imports);
    self = new KernelBuild(meta, instance, memory, shared, shared ? limit : memory.buffer.byteLength, module);
    self.bytes = moduleBytes; // workers of the parallel pool instantiate a variant (runtime/worker-pool.js)
    return self;
  }

  /**
   * @param {BuildMeta} meta
   * @param {WebAssembly.Instance} instance
   * @param {WebAssembly.Memory} memory
   * @param {boolean} shared
   * @param {number} limit
   * @param {WebAssembly.Module} module
   */
  constructor(meta, instance, memory, shared, limit, module) {
    this.meta = meta;
    this.id = meta.id;
    this.module = module;
    /** @type {any} */
    this.exports = instance.exports;
    this.memory = memory;
    this.shared = shared;
    this.memoryLimit = limit;
    /** Property key holding an array's header pointer; FREED after free(). */
    this.S = Symbol(`tskern.array(${meta.id.slice(0, 8)})`);
    /** @type {Map<number, WeakRef<any>>} pinned header pointer -> its JS array */
    this.live = new Map();
    this.liveBytes = 0;
    /** Temporaries of the call in flight: [value, ptr, view|null, restoreDataStart] per entry. */
    /** @type {any[]} */
    this.temps = [];
    this.tempCount = 0;
    this.lastSize = memory.buffer.byteLength;
    this.collections = 0;
    /** Bytes unpinned since the last collection (freed arrays, call temporaries). */
    this.garbage = 0;
    /** @type {WeakSet<ArrayBufferLike>} buffers that are views of this memory */
    this.buffers = new WeakSet();
    this.finalizer = new FinalizationRegistry((/** @type {number} */ ptr) => {
      if (this.live.has(ptr)) this.unpin(ptr, 0);
    });
  }

  // ---- allocation -------------------------------------------------------

  /**
   * Allocates a typed array in this build's memory.
   * @template {new (...args: any[]) => any} C
   * @param {C} Ctor
   * @param {number} length
   * @returns {InstanceType<C>}
   */
  alloc(Ctor, length) {
    const kind = KIND_OF.get(Ctor);
    if (kind === undefined) {
      throw codedError(TypeError, "TSK209", `alloc: ${Ctor?.name ?? String(Ctor)} is not a supported array type; use one of ${ARRAY_CTORS.map((c) => c.name).join(", ")}`);
    }
    if (!Number.isSafeInteger(length) || length < 0) {
      throw codedError(TypeError, "TSK209", `alloc: length must be a non-negative integer, got ${String(length)}`);
    }
    const bytes = length * Ctor.BYTES_PER_ELEMENT;
    const ptr = this.newArray(kind, length, bytes, "alloc");
    return this.adoptPinned(kind, ptr);
  }

  /**
   * Allocates and pins an AssemblyScript typed array; RangeError past the limit.
   * @param {number} kind @param {number} length @param {number} bytes @param {string} what
   */
  newArray(kind, length, bytes, what) {
    if (bytes > MAX_ARRAY_BYTES) {
      throw this.limitError(bytes, what, `a single array holds at most ${formatBytes(MAX_ARRAY_BYTES)}`);
    }
    // Reuse what was freed before the allocator grows memory for it (the
    // allocator grows by doubling, so growing first would never stop).
    if (this.garbage >= GC_MIN_GARBAGE && this.garbage >= bytes) this.collect();
    let ptr = 0;
    for (let attempt = 0; attempt < 2 && !ptr; attempt++) {
      try {
        ptr = this.exports.__tsk_new_array(kind, length);
      } catch (error) {
        if (!(error instanceof WebAssembly.RuntimeError) && !(error instanceof KernelError)) throw error;
        if (attempt === 0) this.collect();
      }
    }
    if (!ptr) throw this.limitError(bytes, what, "");
    this.exports.__pin(ptr);
    this.maybeCollect();
    return ptr;
  }

  /** @param {number} bytes @param {string} what @param {string} extra */
  limitError(bytes, what, extra) {
    const left = Math.max(0, this.memoryLimit - this.liveBytes);
    return codedError(RangeError, "TSK207",
      `${what}: cannot allocate ${formatBytes(bytes)}: ${extra || `the kernel memory limit is ${formatBytes(this.memoryLimit)} and about ${formatBytes(left)} is left (${formatBytes(this.liveBytes)} in ${this.live.size} live arrays)`}. ` +
      "Free arrays you no longer need, or raise the limit (build option memoryLimit, or TSKERN_MEMORY_LIMIT). Existing arrays are intact");
  }

  /**
   * Wraps a pinned header pointer as a JS typed array owned by the caller.
   * @param {number} kind @param {number} ptr
   */
  adoptPinned(kind, ptr) {
    const Ctor = ARRAY_CTORS[kind];
    const buffer = this.buffer();
    const words = new Uint32Array(buffer, ptr, 3);
    const byteLength = words[2];
    const array = new Ctor(buffer, words[1], byteLength / Ctor.BYTES_PER_ELEMENT);
    array[this.S] = ptr;
    array[DISPOSE] = disposeArray;
    Object.defineProperty(array, "subarray", TRACKED);
    this.live.set(ptr, new WeakRef(array));
    this.liveBytes += byteLength;
    OWNER.set(array, this);
    this.finalizer.register(array, ptr, array);
    return array;
  }

  /**
   * Frees an array from `alloc` (or returned by a kernel).
   * @param {any} array
   */
  free(array) {
    const ptr = array?.[this.S];
    if (ptr === FREED) throw codedError(Error, "TSK203", "free: this array was already freed. Free each array once (a `using` declaration frees it when its block ends)");
    if (!(ptr > 0)) {
      throw codedError(Error, "TSK204", "free: this array was not allocated by this tskern build's alloc (plain arrays and subarrays need no free)");
    }
    array[this.S] = FREED;
    this.finalizer.unregister(array);
    this.unpin(ptr, array.byteLength);
  }

  /** @param {number} ptr @param {number} byteLength */
  unpin(ptr, byteLength) {
    if (!this.live.delete(ptr)) return;
    if (!byteLength) byteLength = new Uint32Array(this.buffer(), ptr, 3)[2];
    this.liveBytes -= byteLength;
    this.garbage += byteLength;
    this.exports.__unpin(ptr);
    this.collectIfMuchGarbage();
  }

  /** Runs the collector now: frees kernel temporaries and freed arrays. */
  collect() {
    this.exports.__collect();
    this.collections++;
    this.garbage = 0;
    this.lastSize = this.memory.buffer.byteLength;
  }

  /**
   * Collects once freed bytes reach a quarter of memory, so the allocator
   * (which grows by doubling) finds room for kernel allocations without growing.
   */
  collectIfMuchGarbage() {
    if (this.garbage >= GC_MIN_GARBAGE && this.garbage * 4 >= this.lastSize) this.collect();
  }

  /**
   * After a call of a kernel that allocates (the binding calls this): its
   * scratch is garbage now. Collect when memory grew since the last
   * collection, or when it is within an eighth of the limit (so the next
   * call finds room instead of failing at the limit). Otherwise one read.
   */
  settle() {
    const size = this.memory.buffer.byteLength;
    if (size !== this.lastSize || size > this.memoryLimit - this.memoryLimit / 8) this.collect();
  }

  /** Collects when memory grew since the last look: bounds memory without a collection per call. */
  maybeCollect() {
    if (this.memory.buffer.byteLength !== this.lastSize) this.collect();
  }

  /** The current buffer (a new object after growth; old views stay valid when shared). */
  buffer() {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return buffer;
  }

  /** Memory statistics. */
  stats() {
    return {
      build: this.id,
      shared: this.shared,
      memoryBytes: this.memory.buffer.byteLength,
      memoryLimit: this.memoryLimit,
      liveArrays: this.live.size,
      liveBytes: this.liveBytes,
      collections: this.collections,
    };
  }

  // ---- helpers for generated bindings ----------------------------------

  /** Wrong argument count. @param {number} k @param {number} got @returns {never} */
  argc(k, got) {
    const kernel = this.meta.kernels[k];
    const want = kernel.params.length;
    throw codedError(TypeError, "TSK208",
      `${kernel.name}(${kernel.params.map((p) => `${p.name}: ${p.type}`).join(", ")}) takes ${want} argument${want === 1 ? "" : "s"}, got ${got}`);
  }

  /** Wrong scalar. @param {number} k @param {number} p @param {unknown} value @param {string} expected @returns {never} */
  bad(k, p, value, expected) {
    const kernel = this.meta.kernels[k];
    throw codedError(TypeError, "TSK209", `${kernel.name}: parameter '${kernel.params[p].name}' expects ${expected}, got ${describe(value)}`);
  }

  /**
   * Slow path of an array argument: a foreign, plain, freed or wrong-typed
   * array. Returns the header pointer to pass (a temporary) or throws.
   * @param {number} k @param {number} p @param {any} value
   */
  arg(k, p, value) {
    const kernel = this.meta.kernels[k];
    const param = kernel.params[p];
    const kind = kernel.params[p].kind ?? (kernel.params[p].kind = arrayKindOf(param.type));
    const Ctor = ARRAY_CTORS[kind];
    if (!(value instanceof Ctor)) {
      throw codedError(TypeError, "TSK209", `${kernel.name}: parameter '${param.name}' expects a ${Ctor.name}, got ${describe(value)}`);
    }
    if (value[this.S] === FREED) {
      throw codedError(Error, "TSK202", `${kernel.name}: parameter '${param.name}' is an array that was already freed. Pass a live array: free it only after its last use, or allocate a new one`);
    }
    // A subarray of a freed array, or a freed array of another build (which this
    // build would copy in and back out: into memory that build may have reused).
    const root = VIEW_OF.get(value) ?? value;
    const owner = OWNER.get(root);
    if (owner && root[owner.S] === FREED) {
      throw codedError(Error, "TSK202", `${kernel.name}: parameter '${param.name}' is ${root === value ? "an array" : "a subarray of an array"} that was already freed. Pass a live array: free it only after its last use${root === value ? "" : " (and that of its subarrays)"}, or allocate a new one`);
    }
    for (let i = 0; i < this.tempCount; i += 4) if (this.temps[i] === value) return this.temps[i + 1];
    const buffer = value.buffer;
    if (this.buffers.has(buffer) || buffer === this.memory.buffer) {
      // A view into this memory (a subarray of an allocated array): point a
      // temporary header at it. No copy.
      const ptr = this.newArray(kind, 0, 0, kernel.name);
      const words = new Uint32Array(this.buffer(), ptr, 3);
      const restore = words[1];
      words[1] = value.byteOffset;
      words[2] = value.byteLength;
      this.pushTemp(value, ptr, null, restore);
      return ptr;
    }
    // A plain array (or another build's): copy in now, copy back after the call.
    const ptr = this.newArray(kind, value.length, value.byteLength, kernel.name);
    const words = new Uint32Array(this.buffer(), ptr, 3);
    const view = new Ctor(this.buffer(), words[1], value.length);
    view.set(value);
    this.pushTemp(value, ptr, view, 0);
    return ptr;
  }

  /** @param {any} value @param {number} ptr @param {any} view @param {number} restore */
  pushTemp(value, ptr, view, restore) {
    this.temps[this.tempCount] = value;
    this.temps[this.tempCount + 1] = ptr;
    this.temps[this.tempCount + 2] = view;
    this.temps[this.tempCount + 3] = restore;
    this.tempCount += 4;
  }

  /** After a call with temporaries: copy back, unpin. */
  release() {
    const t = this.temps;
    const n = this.tempCount;
    this.tempCount = 0;
    for (let i = 0; i < n; i += 4) {
      const value = t[i], ptr = t[i + 1], view = t[i + 2];
      if (view) {
        value.set(view);
        this.garbage += view.byteLength;
      } else {
        const words = new Uint32Array(this.buffer(), ptr, 3);
        words[1] = t[i + 3];
        words[2] = 0;
      }
      this.exports.__unpin(ptr);
      t[i] = t[i + 2] = null;
    }
    this.maybeCollect();
    this.collectIfMuchGarbage();
  }

  /**
   * A typed array returned by a kernel: the same JS object when the kernel
   * returned one of its arguments, else a new caller-owned array in kernel
   * memory (free it, or let the GC do so).
   * @param {number} kind @param {number} ptr
   */
  ret(kind, ptr) {
    if (!ptr) return null;
    for (let i = 0; i < this.tempCount; i += 4) if (this.temps[i + 1] === ptr) return this.temps[i];
    const known = this.live.get(ptr)?.deref();
    if (known) return known;
    this.exports.__pin(ptr);
    const array = this.adoptPinned(kind, ptr);
    this.maybeCollect();
    return array;
  }

  /**
   * Turns what a kernel threw into a located KernelError.
   * @param {number} k @param {unknown} error
   */
  fail(k, error) {
    const kernel = this.meta.kernels[k];
    if (error instanceof KernelError) {
      error.kernel = kernel.name;
      if (error.path.startsWith("~lib/")) {
        // Aborted inside the standard library with no kernel frame to name: point at the kernel.
        error.message += ` in kernel '${kernel.name}' declared at ${kernel.file}:${kernel.line}:${kernel.column} (the exact line is not known)`;
        error.path = kernel.file;
        error.line = kernel.line;
        error.column = kernel.column;
      }
      error.message = `${kernel.name}: ${error.message}`;
      return error;
    }
    if (error instanceof WebAssembly.RuntimeError && this.isAllocatorTrap(error)) {
      // The allocator could not grow memory for an allocation inside the kernel.
      // Kernel allocations are collected only between calls (no roots are known
      // during one), and a call on resident arrays never reaches the runtime, so
      // the garbage of earlier calls may be what fills memory: collect it now,
      // so the next call finds it reclaimed.
      this.collect();
      const at = this.locateTrap(error, kernel);
      const where = at.exact ? `at ${at.path}:${at.line}:${at.column}` : `in kernel '${kernel.name}' declared at ${at.path}:${at.line}:${at.column}`;
      return new KernelError(`${kernel.name}: out of kernel memory: an allocation inside the kernel failed ${where} (memory ${formatBytes(this.memory.buffer.byteLength)}, limit ${formatBytes(this.memoryLimit)}, ${formatBytes(this.liveBytes)} in ${this.live.size} live arrays). ` +
        "Memory the kernel allocated in earlier calls has been collected now, so the call may succeed if retried. Allocate scratch arrays once and pass them in, free arrays you no longer need, or raise the limit (memoryLimit, TSKERN_MEMORY_LIMIT)", {
        code: "TSK207", kernel: kernel.name, path: at.path, line: at.line, column: at.column, cause: error,
      });
    }
    if (error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/i.test(error.message))) {
      const at = this.locateTrap(error, kernel);
      const where = at.exact ? `at ${at.path}:${at.line}:${at.column}` : `in kernel '${kernel.name}' declared at ${at.path}:${at.line}:${at.column} (the exact line is not known)`;
      const hint = TRAP_HINTS.find(([re]) => re.test(error.message))?.[1];
      return new KernelError(`${kernel.name}: ${error.message} ${where}${hint ? `. ${hint}` : ""}`, {
        code: "TSK206", kernel: kernel.name, path: at.path, line: at.line, column: at.column, cause: error,
      });
    }
    return error;
  }

  /**
   * A 2-D view argument: its descriptor's address for this call (runtime/views.js).
   * @param {number} k @param {number} p @param {number} slot @param {unknown} value
   */
  view(k, p, slot, value) {
    return passView(this, k, p, slot, value);
  }

  /**
   * A generic kernel called with an array class it was not built for (runtime/dtype-dispatch.js).
   * @param {number} k @param {number} p @param {unknown} value @param {string[]} classes @returns {never}
   */
  dtype(k, p, value, classes) {
    return dtypeError(this.meta.kernels[k], p, value, classes);
  }

  /**
   * `kernel.parallel(total, ...rest)` of a `// @tskern parallel` kernel: [0, total) in chunks on the worker pool.
   * @param {number} k @param {number} total @param {unknown[]} rest @param {Function} serial  the kernel's binding
   */
  parallel(k, total, rest, serial) {
    return runParallel(this, k, total, rest, serial);
  }

  /**
   * `kernel.cpu(n, ...rest)` / `kernel.gpu(n, ...rest)` of a `// @tskern gpu` kernel (runtime/gpu.js).
   * @param {number} k @param {number} n @param {unknown[]} rest
   */
  cpu(k, n, rest) {
    return runCpu(this, k, n, rest);
  }

  /** @param {number} k @param {number} n @param {unknown[]} rest @returns {Promise<void>} */
  gpu(k, n, rest) {
    return runGpu(this, k, n, rest);
  }

  /** @param {number} loc @param {number} index @param {number} length */
  outOfBoundsError(loc, index, length) {
    const [path, line, column] = this.meta.locations[loc] ?? ["?", 0, 0];
    const valid = length > 0 ? `valid indices are 0 to ${length - 1}` : "the array is empty";
    return new KernelError(`index ${index} out of bounds for length ${length} at ${path}:${line}:${column} (${valid}). Check the index expression and the loop bound against the array's length`, { code: "TSK201", path, line, column });
  }

  /** @param {string} message @param {string} file @param {number} line @param {number} column @param {string} [stack] where it happened (a worker's) */
  abortError(message, file, line, column, stack = String(new Error().stack ?? "")) {
    const path = file.replace(/^\.\//, "");
    if (path.startsWith("~lib/")) {
      // AssemblyScript's standard library aborted (its own index check on an
      // access tskern could not rewrite, an invalid length, ...): name the
      // kernel line below it on the stack when there is one.
      const code = /index out of range/i.test(message) ? "TSK201" : "TSK205";
      const at = this.locateStack(stack);
      const text = `${message || "abort"} (raised in AssemblyScript's ${path}:${line}:${column})`;
      return at ? new KernelError(`${text} at ${at.path}:${at.line}:${at.column}`, { code, ...at }) : new KernelError(text, { code, path, line, column });
    }
    return new KernelError(`${message || "abort"} at ${path}:${line}:${column}`, { code: "TSK205", path, line, column });
  }

  /**
   * True when a trap is AssemblyScript's allocator failing to grow memory: it
   * executes `unreachable` in standard-library code (the innermost wasm frame
   * maps to no kernel source), where user code's `unreachable()` is in a kernel.
   * @param {Error} error
   */
  isAllocatorTrap(error) {
    const table = this.meta.traps;
    if (!/^unreachable/.test(error.message) || !table || !table.pc.length) return false;
    const m = /wasm-function\[\d+\]:0x([0-9a-f]+)/.exec(String(error.stack ?? ""));
    return !!m && !lookupPc(table, parseInt(m[1], 16));
  }

  /**
   * Where a trap happened: the kernel source line of the innermost wasm
   * frame that maps to one (`exact`), else the kernel's declaration.
   * @param {Error} error @param {KernelMeta} kernel
   * @returns {{ path: string, line: number, column: number, exact: boolean }}
   */
  locateTrap(error, kernel) {
    const at = this.locateStack(String(error.stack ?? ""));
    return at ? { ...at, exact: true } : { path: kernel.file, line: kernel.line, column: kernel.column, exact: false };
  }

  /**
   * The kernel source location of the innermost wasm frame of a stack that maps to one.
   * @param {string} stack
   */
  locateStack(stack) {
    const table = this.meta.traps;
    if (!table || !table.pc.length) return null;
    for (const m of stack.matchAll(/wasm-function\[\d+\]:0x([0-9a-f]+)/g)) {
      const at = lookupPc(table, parseInt(m[1], 16));
      if (at) return at;
    }
    return null;
  }
}

/**
 * What to do about a WebAssembly trap, by V8's message.
 * @type {Array<[RegExp, string]>}
 */
const TRAP_HINTS = [
  [/^unreachable/, "The kernel executed `unreachable()`, or code it calls reached a state it rules out; check the values that lead there"],
  [/divide by zero|remainder by zero/, "Integer division or remainder by zero traps in WebAssembly; check the divisor before dividing"],
  [/divide result unrepresentable/, "The integer division overflows (the minimum value divided by -1); check the operands"],
  [/float unrepresentable/, "A float that is NaN, infinite or out of range was converted to an integer; check it before converting"],
  [/memory access out of bounds/, "A load or store outside kernel memory: an `unchecked` access or raw `load`/`store` with a bad index. Rebuild with bounds checks on to find the access"],
  [/call stack/i, "The recursion is too deep; bound it or rewrite it as a loop"],
  [/table index|signature mismatch|null function/, "An indirect call went to a missing function or one of the wrong type"],
];

/**
 * The kernel-source location of a wasm byte offset, or null in library code.
 * @param {{ files: string[], pc: number[] }} table @param {number} offset
 */
function lookupPc(table, offset) {
  const pc = table.pc;
  let lo = 0, hi = pc.length / 4 - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (pc[mid * 4] <= offset) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (found < 0 || pc[found * 4 + 1] < 0) return null;
  return { path: table.files[pc[found * 4 + 1]], line: pc[found * 4 + 2], column: pc[found * 4 + 3] };
}

/** @param {string} type */
function arrayKindOf(type) {
  const name = type === "Int64Array" ? "BigInt64Array" : type === "Uint64Array" ? "BigUint64Array" : type;
  return ARRAY_CTORS.findIndex((C) => C.name === name);
}

/** @param {unknown} value */
function describe(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an Array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "bigint") return `the bigint ${value}n`;
  if (typeof value === "string") return `a string`;
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return String(value);
}

/** @param {number} n */
function formatBytes(n) {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** @param {number} bytes */
function clampLimit(bytes) {
  const pages = Math.min(65536, Math.max(1, Math.floor(bytes / PAGE)));
  return pages * PAGE;
}

function envLimit() {
  const raw = typeof process !== "undefined" ? process.env?.TSKERN_MEMORY_LIMIT : undefined;
  if (!raw) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?)?$/i.exec(raw.trim());
  if (!m) throw new Error(`TSKERN_MEMORY_LIMIT='${raw}' is not a size; write e.g. 512MiB or 4GiB`);
  const unit = (m[2] ?? "").toLowerCase()[0];
  return Number(m[1]) * (unit === "g" ? 2 ** 30 : unit === "m" ? 2 ** 20 : unit === "k" ? 1024 : 1);
}

function canShareMemory() {
  if (typeof SharedArrayBuffer === "undefined") return false;
  const g = /** @type {any} */ (globalThis);
  if (g.crossOriginIsolated === false) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}
