/**
 * The worker pool behind `kernel.parallel(total, ...rest)` (`// @tskern parallel`).
 *
 * Workers each instantiate the build's module over the
 * build's one shared `WebAssembly.Memory`: arrays are never copied, a kernel
 * argument is the same pointer on every thread. `[0, total)` is cut into many
 * more chunks than workers; workers pull the next chunk from a shared counter
 * (`Atomics.add`), so uneven chunks (fractal rows) balance.
 *
 * A worker must not write memory when it instantiates: the module's start
 * function re-initializes the collector's lists in memory, and active data
 * segments rewrite static data the main thread may have changed. So workers
 * get a variant of the module (`workerModuleBytes`) whose start section is
 * blanked (replaced by a custom section of the same size, so code offsets, and
 * with them trap locations, stay the same) and whose data segments are
 * passive. Parallel kernels cannot allocate (compile error, see
 * plugin/compiler/parallel-check.js): the allocator's root is a per-instance
 * global.
 *
 * Workers are Node `worker_threads` or browser module workers (started in
 * runtime/pool-workers.js). Where memory cannot be shared (`build.shared ===
 * false`: a page without cross-origin isolation) or there are no workers,
 * `.parallel` runs the kernel serially, with a one-time warning.
 */
import { ARRAY_CTORS } from "./array-kinds.js";
import { codedError } from "./errors.js";
import { sharedState } from "./shared-state.js";
import { startWorkers, defaultPoolSize, workerPlatform } from "./pool-workers.js";
import { eachSection, readU32 } from "./wasm-binary.js";

/** Chunks per worker: enough for dynamic scheduling to balance uneven work. */
const CHUNKS_PER_WORKER = 16;

/**
 * @typedef {object} PoolOptions
 * @property {number} [size]              workers (default: $TSKERN_WORKERS, else os.availableParallelism(); browsers: navigator.hardwareConcurrency)
 * @property {number} [chunksPerWorker]   default 16
 */

/** Scalar checks, as in the generated bindings (plugin/compiler/kernel-types.js). */
/** @type {Record<string, [(v: any) => boolean, string]>} */
const SCALARS = {
  i8: [(v) => typeof v === "number" && (v << 24 >> 24) === v, "an integer in [-128, 127] (i8)"],
  i16: [(v) => typeof v === "number" && (v << 16 >> 16) === v, "an integer in [-32768, 32767] (i16)"],
  i32: [(v) => typeof v === "number" && (v | 0) === v, "an integer in [-2^31, 2^31) (i32)"],
  u8: [(v) => typeof v === "number" && (v & 0xff) === v, "an integer in [0, 255] (u8)"],
  u16: [(v) => typeof v === "number" && (v & 0xffff) === v, "an integer in [0, 65535] (u16)"],
  u32: [(v) => typeof v === "number" && (v >>> 0) === v, "an integer in [0, 2^32) (u32)"],
  i64: [(v) => typeof v === "bigint" && BigInt.asIntN(64, v) === v, "a bigint in [-2^63, 2^63) (i64)"],
  u64: [(v) => typeof v === "bigint" && BigInt.asUintN(64, v) === v, "a bigint in [0, 2^64) (u64)"],
  f32: [(v) => typeof v === "number", "a number (f32)"],
  f64: [(v) => typeof v === "number", "a number (f64)"],
  bool: [(v) => typeof v === "boolean", "a boolean (bool)"],
};

export class WorkerPool {
  /** @param {PoolOptions} [options] */
  constructor(options = {}) {
    /** @type {PoolOptions} */
    this.options = { ...options };
    /** @type {Promise<any[]> | null} */
    this.starting = null;
    /** @type {any[]} */
    this.workers = [];
    /** @type {Map<number, { left: number, errors: any[], resolve: () => void, reject: (e: unknown) => void }>} */
    this.jobs = new Map();
    this.nextJob = 1;
    /** @type {string | null} why workers cannot start here (then `.parallel` runs serially); reset by close/configure */
    this.unavailable = null;
  }

  /** Workers in the pool (configured, or the machine's parallelism). */
  get size() {
    return this.workers.length || this.options.size || 0;
  }

  /** @param {PoolOptions} options  takes effect at the next start; closes running workers */
  configure(options) {
    if (options.size !== undefined && !(Number.isInteger(options.size) && options.size >= 1)) {
      throw codedError(TypeError, "TSK209", `configurePool: size must be a positive integer, got ${String(options.size)}`);
    }
    Object.assign(this.options, options);
    return this.close();
  }

  /** Starts the workers (once). */
  start() {
    if (this.starting) return this.starting;
    const starting = (async () => {
      const size = this.options.size ?? await defaultPoolSize();
      const workers = await startWorkers(size, {
        onMessage: (msg) => this.onMessage(msg),
        onCrash: (worker, error) => this.onCrash(worker, error),
      });
      this.workers = workers;
      return workers;
    })();
    // A failed start fails this call; the next one tries again.
    starting.catch(() => { if (this.starting === starting) this.starting = null; });
    return (this.starting = starting);
  }

  /** @param {any} msg */
  onMessage(msg) {
    const job = this.jobs.get(msg.job);
    if (!job) return;
    if (msg.error) job.errors.push(msg.error);
    if (--job.left === 0) {
      this.jobs.delete(msg.job);
      if (this.jobs.size === 0) for (const w of this.workers) w.unref();
      job.resolve();
    }
  }

  /** A worker died: fail what is in flight; the next call starts a fresh pool. @param {any} worker @param {unknown} error */
  onCrash(worker, error) {
    if (!this.workers.includes(worker) || this.closing) return;
    const others = this.workers.filter((w) => w !== worker);
    this.workers = [];
    this.starting = null;
    for (const w of others) w.terminate();
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const j of jobs) j.reject(error);
  }

  /**
   * Runs `fn(start, end, ...args)` over [0, total) on every worker.
   * @param {import("./kernel-build.js").KernelBuild} build @param {string} fn @param {number} total @param {any[]} args
   * @returns {Promise<any[]>}  the workers' error data (empty: success)
   */
  async run(build, fn, total, args) {
    const workers = await this.start();
    const b = /** @type {any} */ (build);
    b.$workerToken ??= sharedTokens.next++;
    b.$workerModule ??= WebAssembly.compile(workerModuleBytes(b.bytes));
    const module = await b.$workerModule;
    if (this.workers !== workers) return this.run(build, fn, total, args); // closed meanwhile
    const chunk = Math.max(1, Math.ceil(total / (workers.length * (this.options.chunksPerWorker ?? CHUNKS_PER_WORKER))));
    const ctl = new Int32Array(new SharedArrayBuffer(8));
    const id = this.nextJob++;
    /** @type {any[]} */
    const errors = [];
    const done = new Promise((resolve, reject) => {
      this.jobs.set(id, { left: workers.length, errors, resolve: () => resolve(errors), reject });
    });
    if (this.jobs.size === 1) for (const w of workers) w.ref();
    for (const w of workers) {
      if (!w.tokens.has(b.$workerToken)) {
        w.tokens.add(b.$workerToken);
        w.postMessage({ type: "build", token: b.$workerToken, module, memory: build.memory });
      }
      w.postMessage({ type: "run", job: id, token: b.$workerToken, fn, args, total, chunk, ctl });
    }
    return done;
  }

  /** Stops the workers; the next `.parallel` call starts new ones. */
  async close() {
    this.unavailable = null;
    const workers = this.starting ? await this.starting.catch(() => []) : [];
    this.starting = null;
    this.workers = [];
    this.closing = true;
    try {
      await Promise.all(workers.map((/** @type {any} */ w) => w.terminate()));
    } finally {
      this.closing = false;
    }
    const jobs = [...this.jobs.values()];
    this.jobs.clear();
    for (const j of jobs) j.reject(new Error("tskern: the worker pool was closed while a parallel kernel ran"));
  }
}

const sharedTokens = /** @type {any} */ (sharedState()).workerTokens ??= { next: 1 };

/** The pool of this realm (shared by every copy of the runtime). @returns {WorkerPool} */
export function workerPool() {
  const state = /** @type {any} */ (sharedState());
  return (state.pool ??= new WorkerPool());
}

/** Sets the pool's size (`{ size }`) and chunking; running workers are closed. @param {PoolOptions} options */
export function configurePool(options) {
  return workerPool().configure(options);
}

/** Stops the pool's workers (a later `.parallel` call starts them again). */
export function closePool() {
  return workerPool().close();
}

/**
 * `kernel.parallel(total, ...rest)`: checks the arguments like the kernel's
 * binding, passes arrays from alloc as pointers, copies plain arrays into
 * kernel memory (and back after), and runs [0, total) on the pool.
 * @param {import("./kernel-build.js").KernelBuild} build
 * @param {number} k  kernel index
 * @param {number} total
 * @param {unknown[]} rest
 * @param {Function} serial  the kernel's binding, for the serial fallback
 */
export async function runParallel(build, k, total, rest, serial) {
  const kernel = build.meta.kernels[k];
  const params = kernel.params.slice(2);
  if (typeof total !== "number" || !Number.isInteger(total) || total < 0 || total > 0x7fffffff) {
    throw codedError(TypeError, "TSK209", `${kernel.name}.parallel: 'total' (the range [0, total) split over workers) expects a non-negative integer below 2^31, got ${typeof total === "number" ? `the number ${total}` : typeof total}`);
  }
  if (rest.length !== params.length) {
    throw codedError(TypeError, "TSK208",
      `${kernel.name}.parallel(total${params.map((p) => `, ${p.name}: ${p.type}`).join("")}) takes ${params.length + 1} argument${params.length ? "s" : ""}, got ${rest.length + 1}`);
  }
  const pool = workerPool();
  if (!build.shared || !build.bytes || !hasWorkers() || pool.unavailable) {
    warnSerial(!build.shared ? `kernel memory cannot be shared here (a page without cross-origin isolation). ${ISOLATION_ADVICE}`
      : pool.unavailable ? pool.unavailable : "this JavaScript runtime has no worker threads");
    serial(0, total, ...rest);
    return;
  }
  const args = [0, 0];
  try {
    for (let i = 0; i < params.length; i++) {
      const p = params[i], v = /** @type {any} */ (rest[i]);
      const scalar = SCALARS[p.type === "boolean" ? "bool" : p.type];
      if (scalar) {
        if (!scalar[0](v)) build.bad(k, i + 2, v, scalar[1]);
        args.push(v);
      } else {
        const Ctor = ARRAY_CTORS[arrayKind(p.type)];
        const ptr = v instanceof Ctor ? v[build.S] : 0;
        args.push(ptr > 0 ? ptr : build.arg(k, i + 2, v));
      }
    }
  } catch (error) {
    if (build.tempCount !== 0) build.release();
    throw error;
  }
  // The copies of plain arrays stay pinned while the workers run; serial
  // calls made meanwhile must not release them, so keep them aside.
  const temps = build.temps.slice(0, build.tempCount);
  build.tempCount = 0;
  let errors = [];
  let unavailable = false;
  try {
    if (total > 0) errors = await pool.run(build, /** @type {any} */ (kernel).exportName, total, args);
  } catch (error) {
    // The workers never started (a browser CSP refusing blob: workers): no chunk ran, so run it all serially.
    if (!(/** @type {any} */ (error)?.workersUnavailable)) throw error;
    pool.unavailable = /** @type {Error} */ (error).message.replace(/^tskern: /, "");
    unavailable = true;
  } finally {
    for (let i = 0; i < temps.length; i++) build.temps[build.tempCount + i] = temps[i];
    build.tempCount += temps.length;
    build.release();
  }
  if (unavailable) return runParallel(build, k, total, rest, serial);
  if (errors.length) throw toKernelError(build, k, errors[0]);
}

/** Turns a worker's error data into what the serial call would have thrown. @param {any} build @param {number} k @param {any} data */
function toKernelError(build, k, data) {
  let error;
  if (data.tskern === "oob") error = build.outOfBoundsError(data.loc, data.index, data.length);
  else if (data.tskern === "abort") error = build.abortError(data.message, data.file, data.line, data.column, data.stack);
  else if (data.tskern === "trap" || data.tskern === "range") {
    error = data.tskern === "trap" ? new WebAssembly.RuntimeError(data.message) : new RangeError(data.message);
    Object.defineProperty(error, "stack", { value: data.stack, configurable: true, writable: true });
  } else error = new Error(`tskern: a parallel worker failed: ${data.message}`);
  const out = build.fail(k, error);
  if (data.chunk && out && typeof out === "object") out.chunk = data.chunk;
  return out;
}

/** @param {string} type */
function arrayKind(type) {
  const name = type === "Int64Array" ? "BigInt64Array" : type === "Uint64Array" ? "BigUint64Array" : type;
  return ARRAY_CTORS.findIndex((C) => C.name === name);
}

/** Node's worker_threads, or a browser's module workers (runtime/pool-workers.js). */
function hasWorkers() {
  return workerPlatform() !== null;
}

const ISOLATION_ADVICE = "Serve the page cross-origin isolated (headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp; the tskern Vite plugin sends them from vite dev and vite preview) so kernel memory can be shared with workers";

/** @param {string} why */
function warnSerial(why) {
  const warned = sharedState().warned;
  if (warned.has("parallel-serial")) return;
  warned.add("parallel-serial");
  console.warn(`tskern: kernel.parallel() runs serially: ${why}`);
}

// ---- the workers' variant of the module ------------------------------------

/**
 * The module bytes workers instantiate: the start section blanked (a custom
 * section of the same size: code offsets do not move) and every active data
 * segment made passive, so instantiating writes nothing to the shared memory.
 * @param {Uint8Array} bytes
 */
export function workerModuleBytes(bytes) {
  /** @type {Uint8Array[]} */
  const parts = [bytes.subarray(0, 8)];
  eachSection(bytes, (id, contentStart, end, sectionStart) => {
    if (id === 8) {
      const blank = bytes.slice(sectionStart, end);
      blank[0] = 0; // custom section ...
      blank.fill(0, contentStart - sectionStart); // ... named "" holding zeros
      parts.push(blank);
    } else if (id === 11) {
      parts.push(passiveDataSection(bytes, contentStart, end));
    } else {
      parts.push(bytes.subarray(sectionStart, end));
    }
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/** @param {Uint8Array} bytes @param {number} pos @param {number} end */
function passiveDataSection(bytes, pos, end) {
  const count = readU32(bytes, pos);
  pos = count.next;
  /** @type {number[]} */
  const content = [...writeU32(count.value)];
  for (let i = 0; i < count.value; i++) {
    const flags = readU32(bytes, pos);
    pos = flags.next;
    if (flags.value === 2) pos = readU32(bytes, pos).next; // memory index
    if (flags.value !== 1) pos = skipConstExpr(bytes, pos);
    const len = readU32(bytes, pos);
    const dataEnd = len.next + len.value;
    content.push(1, ...writeU32(len.value));
    for (let j = len.next; j < dataEnd; j++) content.push(bytes[j]);
    pos = dataEnd;
  }
  if (pos !== end) throw new Error("tskern: cannot read the wasm data section");
  return Uint8Array.from([11, ...writeU32(content.length), ...content]);
}

/** Skips a constant expression up to and including its `end`. @param {Uint8Array} bytes @param {number} pos */
function skipConstExpr(bytes, pos) {
  for (;;) {
    const op = bytes[pos++];
    if (op === 0x0b) return pos;
    if (op === 0x41 || op === 0x42 || op === 0x23) pos = readU32(bytes, pos).next; // i32/i64.const, global.get (LEB skip)
    else if (op === 0x6a || op === 0x6b || op === 0x6c || op === 0x7c || op === 0x7d || op === 0x7e) continue; // extended-const arithmetic
    else throw new Error(`tskern: unsupported opcode 0x${op.toString(16)} in a data segment offset`);
  }
}


/** @param {number} n */
function writeU32(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
