/**
 * State shared by every copy of the runtime in one JS realm. A build's output
 * ships its own copy of the runtime (`tskern-runtime.js`) so browsers can load
 * it without a bundler, while app code imports `tskern/runtime`; both copies
 * must see the same builds and the same error classes.
 */
const KEY = Symbol.for("tskern.runtime.v1");

/**
 * @typedef {object} SharedState
 * @property {any[]} builds            loaded builds, first loaded first
 * @property {Map<string, Promise<any>>} loading   build id -> instantiation in flight or done
 * @property {Record<string, any>} classes        shared classes (KernelError)
 * @property {Set<string>} warned      one-time warnings already printed
 * @property {WeakMap<object, any>} owners  array from alloc -> its build
 */

/** @returns {SharedState} */
export function sharedState() {
  const g = /** @type {any} */ (globalThis);
  return (g[KEY] ??= { builds: [], loading: new Map(), classes: {}, warned: new Set(), owners: new WeakMap() });
}
