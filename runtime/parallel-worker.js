/**
 * The worker side of the parallel pool (runtime/worker-pool.js).
 *
 * `workerMain` is self-contained (it uses nothing from this module's scope):
 * the pool starts each worker from its source text (`new Worker(code, {
 * eval: true })`), so the same code runs from `tskern/runtime` and from a
 * build's bundled `tskern-runtime.js` copy, with no worker file to locate.
 *
 * Messages from the pool:
 *   { type: "build", token, module, memory }  instantiate a build's worker
 *       module (no start function, passive data: see worker-pool.js) over the
 *       build's shared memory. Nothing is written to memory.
 *   { type: "run", job, token, fn, args, total, chunk, ctl }  pull chunks:
 *       `Atomics.add(ctl, 0, 1)` hands out chunk numbers, `ctl[1] !== 0` stops
 *       everyone after a failure; calls `fn(start, end, ...args.slice(2))`.
 * Replies: { type: "done", job, error }  error: null, or plain data that the
 *   main thread turns into the located KernelError (it owns the location tables).
 */

/** @param {import("node:worker_threads").MessagePort} port */
export function workerMain(port) {
  /** @type {Map<number, { exports?: any, error?: any }>} */
  const builds = new Map();
  /** @param {WebAssembly.Memory} memory @param {number} ptr */
  const readString = (memory, ptr) => {
    if (!ptr) return "";
    const buffer = memory.buffer;
    const bytes = new Uint32Array(buffer, ptr - 4, 1)[0];
    const units = new Uint16Array(buffer, ptr, bytes >>> 1);
    let s = "";
    for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.subarray(i, i + 4096));
    return s;
  };
  /** @param {WebAssembly.Memory} memory */
  const importsFor = (memory) => {
    const log = (/** @type {(...a: unknown[]) => void} */ fn) => (/** @type {number} */ ptr) => fn(readString(memory, ptr));
    return {
      env: {
        memory,
        abort: (/** @type {number} */ m, /** @type {number} */ f, /** @type {number} */ line, /** @type {number} */ column) => {
          throw { tskern: "abort", message: readString(memory, m), file: readString(memory, f), line, column, stack: String(new Error().stack ?? "") };
        },
        seed: () => Date.now() * Math.random(),
        "Date.now": () => Date.now(),
        trace: (/** @type {number} */ msg, /** @type {number} */ n, /** @type {number[]} */ ...args) =>
          console.log(`trace: ${readString(memory, msg)}${n ? " " : ""}${args.slice(0, n).join(", ")}`),
        "console.log": log(console.log),
        "console.debug": log(console.debug),
        "console.info": log(console.info),
        "console.warn": log(console.warn),
        "console.error": log(console.error),
        "console.time": log(console.time),
        "console.timeLog": log(console.timeLog),
        "console.timeEnd": log(console.timeEnd),
      },
      tskern: {
        oob: (/** @type {number} */ loc, /** @type {number} */ index, /** @type {number} */ length) => {
          throw { tskern: "oob", loc, index, length };
        },
      },
    };
  };
  /** @param {any} e */
  const describe = (e) => {
    if (e && typeof e === "object" && typeof e.tskern === "string") return e;
    if (e instanceof WebAssembly.RuntimeError) return { tskern: "trap", message: e.message, stack: String(e.stack ?? "") };
    if (e instanceof RangeError) return { tskern: "range", message: e.message, stack: String(e.stack ?? "") };
    return { tskern: "other", message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? String(e.stack ?? "") : "" };
  };
  port.on("message", (/** @type {any} */ msg) => {
    if (msg.type === "build") {
      try {
        const instance = new WebAssembly.Instance(msg.module, importsFor(msg.memory));
        builds.set(msg.token, { exports: instance.exports });
      } catch (e) {
        builds.set(msg.token, { error: describe(e) });
      }
      return;
    }
    if (msg.type !== "run") return;
    const { job, ctl, total, chunk, args } = msg;
    const build = builds.get(msg.token);
    let error = null;
    let at = null;
    if (!build || build.error) error = build?.error ?? { tskern: "other", message: "the worker has not loaded this build", stack: "" };
    else {
      const fn = build.exports[msg.fn];
      try {
        for (;;) {
          if (Atomics.load(ctl, 1) !== 0) break;
          const start = Atomics.add(ctl, 0, 1) * chunk;
          if (start >= total) break;
          const end = Math.min(total, start + chunk);
          at = [start, end];
          args[0] = start;
          args[1] = end;
          fn(...args);
        }
      } catch (e) {
        Atomics.store(ctl, 1, 1);
        error = { ...describe(e), chunk: at };
      }
    }
    port.postMessage({ type: "done", job, error });
  });
}
