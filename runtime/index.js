/**
 * tskern/runtime: arrays in kernel memory, memory stats, errors.
 *
 *   const x = alloc(Float64Array, 1_000_000); // lives in kernel memory
 *   kernel(x);                                // passed as a pointer, no copy
 *   free(x);                                  // or `using x = alloc(...)`
 */
import { sharedState } from "./shared-state.js";
import { buildOf } from "./kernel-build.js";
import { codedError } from "./errors.js";
import { View2D } from "./views.js";

export { KernelError, RUNTIME_CODES } from "./errors.js";
export { loadBuild, retireBuild } from "./load-build.js";
export { KernelBuild, DEFAULT_MEMORY_LIMIT } from "./kernel-build.js";
export { configurePool, closePool, workerPool } from "./worker-pool.js";
export { View2D, alloc2d, view2d } from "./views.js";
export { gpuAlloc, toGPU, toHost, GPUArray, isGPUArray, configureGPU, gpuAvailable, gpuDevice } from "./gpu.js";

/** @typedef {import("./kernel-build.js").KernelBuild} KernelBuild */

/** Builds loaded in this realm, first loaded first. */
export function builds() {
  return [...sharedState().builds];
}

/**
 * The build `alloc` uses when not told: the one loaded first.
 * @returns {KernelBuild}
 */
export function defaultBuild() {
  const first = sharedState().builds[0];
  if (!first) {
    throw codedError(Error, "TSK210", "No kernel build is loaded yet: import a kernel module (e.g. `import { dot } from \"./blas.kernel.js\"`) before calling alloc");
  }
  return first;
}

/**
 * Allocates a typed array in kernel memory. It stays valid, with its data,
 * when memory grows. Free it with `free`, `using`, or let the GC do so.
 * @template {new (...args: any[]) => any} C
 * @param {C} Ctor       Float64Array, Float32Array, Int32Array, ...
 * @param {number} length
 * @param {{ build?: KernelBuild }} [options]  which build's memory (default: the first loaded)
 * @returns {InstanceType<C>}
 */
export function alloc(Ctor, length, options) {
  return (options?.build ?? defaultBuild()).alloc(Ctor, length);
}

/**
 * Frees an array from `alloc`. Using it in a kernel afterwards, or freeing it
 * again, throws.
 * @param {ArrayBufferView} array
 */
export function free(array) {
  const owner = array && typeof array === "object" ? buildOf(array) : undefined;
  if (!owner) {
    throw codedError(Error, "TSK204", array instanceof View2D
      ? "free: this is a 2-D view, which owns no memory; free the array it views: free(view.data)"
      : "free: this array was not allocated by tskern's alloc (plain arrays and subarrays need no free)");
  }
  owner.free(array);
}

/**
 * Memory statistics of a build (default: the first loaded).
 * @param {{ build?: KernelBuild }} [options]
 */
export function memoryStats(options) {
  return (options?.build ?? defaultBuild()).stats();
}

/**
 * Runs the kernel-memory collector now (it also runs by itself when memory grows).
 * @param {{ build?: KernelBuild }} [options]
 */
export function collect(options) {
  (options?.build ?? defaultBuild()).collect();
}

/** True when `array` lives in kernel memory and has not been freed. @param {unknown} array */
export function isKernelArray(array) {
  const owner = array && typeof array === "object" ? buildOf(array) : undefined;
  return !!owner && /** @type {any} */ (array)[owner.S] > 0;
}
