/**
 * Starting the parallel pool's threads (runtime/worker-pool.js), in Node and
 * in browsers. Both run the same worker source text (runtime/parallel-worker.js),
 * so no worker file has to be located or emitted by a bundler: the code works
 * the same from `tskern/runtime`, from a build's `tskern-runtime.js` copy and
 * from any bundle.
 *
 *   Node      `new Worker(code, { eval: true })` (worker_threads)
 *   browsers  a module worker from a `blob:` URL of that text. A blob worker
 *             shares the page's origin and inherits its cross-origin isolation
 *             (COOP/COEP), so the build's shared Memory and compiled Module
 *             can be posted to it. A Content-Security-Policy must allow it
 *             (`worker-src blob:`, or `script-src blob:` without worker-src).
 *
 * No Node-only import at top level.
 */
import { WORKER_SOURCE } from "./parallel-worker.js";

/**
 * What the pool needs of a worker (a Node `Worker` has all of it).
 * @typedef {object} PoolWorker
 * @property {(message: any) => void} postMessage
 * @property {() => unknown} terminate
 * @property {() => void} ref     keep the process alive (Node; no-op in browsers)
 * @property {() => void} unref
 * @property {Set<number>} tokens  builds this worker has instantiated
 */

/**
 * @typedef {object} WorkerEvents
 * @property {(message: any) => void} onMessage
 * @property {(worker: PoolWorker, error: Error) => void} onCrash
 */

/** "node", "browser", or null where no worker threads can run kernels. @returns {"node" | "browser" | null} */
export function workerPlatform() {
  const g = /** @type {any} */ (globalThis);
  if (typeof g.process?.versions?.node === "string") return "node";
  if (typeof g.Worker === "function" && typeof g.Blob === "function" && typeof g.URL?.createObjectURL === "function") return "browser";
  return null;
}

/** Workers when not configured: $TSKERN_WORKERS or the machine's cores (Node), navigator.hardwareConcurrency (browsers). */
export async function defaultPoolSize() {
  const g = /** @type {any} */ (globalThis);
  if (workerPlatform() !== "node") return Math.max(1, Math.floor(g.navigator?.hardwareConcurrency) || 1);
  const fromEnv = Number.parseInt(g.process.env.TSKERN_WORKERS ?? "", 10);
  if (fromEnv >= 1) return fromEnv;
  const osName = "node:os";
  const os = await import(/* @vite-ignore */ /* webpackIgnore: true */ osName);
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}

/**
 * Starts `size` workers running the worker source.
 * @param {number} size @param {WorkerEvents} events
 * @returns {Promise<PoolWorker[]>}
 */
export async function startWorkers(size, events) {
  return workerPlatform() === "node" ? startNodeWorkers(size, events) : startBrowserWorkers(size, events);
}

/** @param {number} size @param {WorkerEvents} events */
async function startNodeWorkers(size, events) {
  const threadsName = "node:worker_threads";
  const { Worker } = await import(/* @vite-ignore */ /* webpackIgnore: true */ threadsName);
  const code = `${WORKER_SOURCE}workerMain(require("node:worker_threads").parentPort);\n`;
  /** @type {PoolWorker[]} */
  const workers = [];
  for (let i = 0; i < size; i++) {
    const worker = new Worker(code, { eval: true, name: `tskern-parallel-${i}` });
    worker.tokens = new Set();
    worker.unref();
    worker.on("message", events.onMessage);
    worker.on("error", (/** @type {Error} */ error) => events.onCrash(worker, error));
    worker.on("exit", (/** @type {number} */ code) => events.onCrash(worker, new Error(`tskern: a parallel worker exited (code ${code})`)));
    workers.push(worker);
  }
  return workers;
}

/** @type {string | null} one blob URL per runtime copy: the text never changes */
let blobUrl = null;

/** @param {number} size @param {WorkerEvents} events */
function startBrowserWorkers(size, events) {
  // The browser's message events carry `.data`; workerMain expects Node's port shape.
  const port = `{ on: (type, fn) => self.addEventListener(type, (e) => fn(e.data)), postMessage: (m) => self.postMessage(m) }`;
  const code = `${WORKER_SOURCE}workerMain(${port});\n`;
  blobUrl ??= URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  /** @type {PoolWorker[]} */
  const workers = [];
  try {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(blobUrl, { type: "module", name: `tskern-parallel-${i}` });
      /** @type {PoolWorker} */
      const handle = {
        tokens: new Set(),
        postMessage: (message) => worker.postMessage(message),
        // Browsers report no exit: tell the pool, as Node's "exit" event does.
        terminate: () => {
          worker.terminate();
          events.onCrash(handle, new Error("tskern: a parallel worker exited (terminated)"));
        },
        ref: () => {},
        unref: () => {},
      };
      let ready = false;
      worker.addEventListener("message", (e) => {
        if (e.data?.type === "ready") ready = true;
        else events.onMessage(e.data);
      });
      worker.addEventListener("error", (e) => {
        e.preventDefault();
        if (ready) events.onCrash(handle, new Error(`tskern: a parallel worker failed: ${e.message || "it crashed"}`));
        else events.onCrash(handle, startError(e.message ? `a parallel worker could not start: ${e.message}` : "a parallel worker could not start"));
      });
      worker.addEventListener("messageerror", () => events.onCrash(handle, new Error("tskern: a parallel worker could not read a message")));
      workers.push(handle);
    }
  } catch (error) {
    for (const w of workers) w.terminate();
    throw startError(`cannot start a parallel worker: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  return workers;
}

/**
 * Workers cannot run here: the pool runs `.parallel` serially from now on
 * (`workersUnavailable`), with a warning carrying this message.
 * @param {string} what @param {unknown} [cause]
 */
function startError(what, cause) {
  const error = new Error(`tskern: ${what}. Parallel kernels run on module workers from a blob: URL; a Content-Security-Policy must allow them (worker-src blob:)`, cause === undefined ? undefined : { cause });
  return Object.assign(error, { workersUnavailable: true });
}
