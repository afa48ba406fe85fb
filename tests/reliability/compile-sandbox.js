/**
 * Runs compiles in a worker thread with a per-case timeout: a case that does
 * not answer in time is recorded as a hang, the worker is terminated and a
 * fresh one takes the next case. Used by the compiler fuzz suite.
 *
 * A fresh worker first compiles a tiny kernel (loading AssemblyScript takes
 * seconds on a busy machine); a case's clock starts only once that is done,
 * so a restart does not make the next case look hung.
 */
import { Worker } from "node:worker_threads";

const WORKER_URL = new URL("./compile-worker.js", import.meta.url);
/** Loading AssemblyScript and Binaryen in a fresh worker: generous, the machine may be busy. */
const WARM_UP_TIMEOUT_MS = 180_000;

/**
 * @typedef {{ result?: any, threw?: string, hung?: boolean, crashed?: string }} Outcome
 */

export class CompileSandbox {
  /** @param {{ timeoutMs: number }} options */
  constructor({ timeoutMs }) {
    this.timeoutMs = timeoutMs;
    /** @type {Worker | null} */
    this.worker = null;
    /** @type {Promise<Outcome> | null} the fresh worker's warm-up */
    this.ready = null;
    this.nextId = 0;
    this.restarts = 0;
    /** AssemblyScript's "Whoops, the compiler has crashed" banners (it prints them itself), counted, not echoed. */
    this.crashBanners = 0;
  }

  /** @returns {Worker} */
  ensure() {
    if (!this.worker) {
      // stackSizeMb: 1, like the main thread's (V8 default ~984 KiB), so stack overflows reproduce as in a dev server.
      const worker = new Worker(WORKER_URL, { resourceLimits: { stackSizeMb: 1, maxOldGenerationSizeMb: 1024 }, stdout: true, stderr: true });
      worker.unref();
      for (const stream of [worker.stdout, worker.stderr]) {
        stream.setEncoding("utf8");
        stream.on("data", (/** @type {string} */ text) => { this.crashBanners += text.split("compiler has crashed").length - 1; });
      }
      this.worker = worker;
      this.ready = this.send(worker, { op: "compile", root: "/warm-up", sources: { "w.kernel.ts": "export function w(x: i32): i32 { return x + 1; }\n" } }, WARM_UP_TIMEOUT_MS);
    }
    return this.worker;
  }

  /**
   * Sends one job; resolves `{ result }`, `{ threw }`, `{ hung: true }` or `{ crashed }` (the worker died).
   * @param {object} job  `{ op: "compile", root, sources }` or `{ op: "build", cwd, inputs }`
   * @param {number} [timeoutMs]
   * @returns {Promise<Outcome>}
   */
  async run(job, timeoutMs = this.timeoutMs) {
    const worker = this.ensure();
    const warm = await this.ready;
    if (warm && !warm.result) return { crashed: `the compile worker did not start: ${warm.crashed ?? warm.threw ?? "no answer to its warm-up"}` };
    return this.send(worker, job, timeoutMs);
  }

  /**
   * @param {Worker} worker @param {object} job @param {number} timeoutMs
   * @returns {Promise<Outcome>}
   */
  send(worker, job, timeoutMs) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const done = (/** @type {Outcome} */ value) => {
        clearTimeout(timer);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        resolve(value);
      };
      const restart = () => {
        if (this.worker === worker) this.worker = null;
        this.restarts++;
        worker.terminate();
      };
      const timer = setTimeout(() => { restart(); done({ hung: true }); }, timeoutMs);
      const onMessage = (/** @type {any} */ msg) => { if (msg.id === id) done(msg.threw ? { threw: msg.threw } : { result: msg.result }); };
      const onError = (/** @type {Error} */ error) => { restart(); done({ crashed: String(error?.stack ?? error) }); };
      const onExit = (/** @type {number} */ code) => { if (this.worker === worker) this.worker = null; done({ crashed: `worker exited with code ${code}` }); };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
      worker.postMessage({ id, ...job });
    });
  }

  async close() {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
