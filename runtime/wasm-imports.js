/**
 * The imports a tskern module may ask for: the AssemblyScript environment
 * (`env.abort`, `env.seed`, `console.*`, `Date.now`, `trace`) and tskern's own
 * bounds-check reporter (`tskern.oob`).
 */
import { codedError } from "./errors.js";

/**
 * @param {{ memory: WebAssembly.Memory, onAbort: (message: string, file: string, line: number, column: number) => never, onOutOfBounds: (loc: number, index: number, length: number) => never }} host
 */
export function createImports(host) {
  const readString = (/** @type {number} */ ptr) => {
    if (!ptr) return "";
    const buffer = host.memory.buffer;
    const bytes = new Uint32Array(buffer, ptr - 4, 1)[0];
    const units = new Uint16Array(buffer, ptr, bytes >>> 1);
    let s = "";
    for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.subarray(i, i + 4096));
    return s;
  };
  const log = (/** @type {(...a: unknown[]) => void} */ fn) => (/** @type {number} */ ptr) => fn(readString(ptr));
  return {
    memory: host.memory,
    readString,
    imports: {
      env: {
        memory: host.memory,
        abort: (/** @type {number} */ msg, /** @type {number} */ file, /** @type {number} */ line, /** @type {number} */ column) =>
          host.onAbort(readString(msg), readString(file), line, column),
        seed: () => Date.now() * Math.random(),
        "Date.now": () => Date.now(),
        trace: (/** @type {number} */ msg, /** @type {number} */ n, /** @type {number[]} */ ...args) =>
          console.log(`trace: ${readString(msg)}${n ? " " : ""}${args.slice(0, n).join(", ")}`),
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
        oob: (/** @type {number} */ loc, /** @type {number} */ index, /** @type {number} */ length) => host.onOutOfBounds(loc, index, length),
      },
    },
  };
}

/**
 * Checks a module's imports against what we provide, naming the first we lack.
 * @param {WebAssembly.Module} module
 * @param {Record<string, Record<string, unknown>>} imports
 */
export function checkImports(module, imports) {
  for (const imp of WebAssembly.Module.imports(module)) {
    if (!imports[imp.module] || !(imp.name in imports[imp.module])) {
      throw codedError(Error, "TSK211",
        `This kernel build imports '${imp.module}.${imp.name}', which the tskern runtime does not provide. Kernels cannot call host functions; remove the @external declaration or the API that needs it`);
    }
  }
}
