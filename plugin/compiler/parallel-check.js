/**
 * The static check behind `// @tskern parallel`: a parallel kernel runs on
 * worker threads, each with its own instance of the build's module over the
 * one shared memory. An instance's globals are its own, and the allocator
 * (TLSF) keeps its root in a global, so a kernel that allocates on a worker
 * would initialize a second heap over the main thread's. Workers also skip
 * the start function (it re-initializes the collector's lists in memory), so
 * module-level variables set at startup read as 0 there.
 *
 * So a parallel kernel must not reach, in the final wasm's call graph:
 *  - the allocator (`__new`, or any function that grows memory: TLSF's
 *    `__alloc`/`__realloc` path), nor
 *  - a global that the start function (or what it calls) sets, nor
 *  - an indirect call (a closure or virtual method: not provably safe).
 */
import { decodeModule } from "../annotate/wasm-code.js";
import { eachSection, readU32 } from "../../runtime/wasm-binary.js";

/** The diagnostic code of every invalid parallel kernel (here and in kernel-transform.js). */
export const PARALLEL_CODE = "TSK110";

/**
 * @param {Uint8Array} wasm
 * @param {Array<{ name: string, exportName: string, parallel?: boolean }>} kernels
 * @returns {Array<{ kernel: string, code: string, message: string }>}  one problem per offending parallel kernel
 */
export function checkParallelKernels(wasm, kernels) {
  const parallel = kernels.filter((k) => k.parallel);
  if (!parallel.length) return [];
  const { byIndex, exportIndex, allocators, reach } = callGraph(wasm);
  /** @param {Set<number>} fns @param {string} op */
  const globalsUsed = (fns, op) => {
    const out = new Set();
    for (const i of fns) for (const ins of byIndex.get(i)?.instructions ?? []) if (ins.op === op) out.add(Number.parseInt(ins.imm, 10));
    return out;
  };

  const start = startFunction(wasm);
  const startGlobals = start === null ? new Set() : globalsUsed(reach(start).seen, "global.set");

  const problems = [];
  for (const k of parallel) {
    const index = exportIndex.get(k.exportName);
    if (index === undefined) continue;
    const r = reach(index);
    const why = [...r.seen].some((i) => allocators.has(i))
      ? "allocates kernel memory (new arrays or objects, array push, string building, ...), which the allocator cannot do on a worker thread. Allocate the arrays it needs on the host with alloc() and pass them in"
      : r.indirect
        ? "makes an indirect call (a closure or a virtual method), which tskern cannot prove free of allocation. Call a plain function instead"
        : r.undecoded
          ? "compiles to code tskern cannot analyze for allocation"
          : [...globalsUsed(r.seen, "global.get")].some((g) => startGlobals.has(g))
            ? "reads a module-level variable initialized when the module starts, which worker threads do not see. Pass the value (or the array) as a parameter instead"
            : "";
    if (why) problems.push({ kernel: k.name, code: PARALLEL_CODE, message: `Parallel kernel '${k.name}' ${why}; or remove '// @tskern parallel'.` });
  }
  return problems;
}

/**
 * The start function's index, or null.
 * @param {Uint8Array} bytes
 */
export function startFunction(bytes) {
  let found = null;
  eachSection(bytes, (id, pos) => {
    if (id === 8) found = readU32(bytes, pos).value;
  });
  return found;
}

/**
 * Export names of the kernels whose call graph in the final wasm reaches the
 * allocator (`__new`, or code that grows memory), or makes an indirect call
 * or has a body tskern cannot decode (not provably free of allocation). The
 * bindings collect kernel garbage after such a kernel's calls when memory
 * nears its limit (runtime/kernel-build.js `settle`), so a kernel that
 * allocates scratch on every call never fills it.
 * @param {Uint8Array} wasm
 * @param {Array<{ exportName: string }>} kernels
 * @returns {Set<string>}
 */
export function kernelsThatAllocate(wasm, kernels) {
  const { exportIndex, allocators, reach } = callGraph(wasm);
  const out = new Set();
  for (const k of kernels) {
    const root = exportIndex.get(k.exportName);
    if (root === undefined) continue;
    const r = reach(root);
    if (r.indirect || r.undecoded || [...r.seen].some((i) => allocators.has(i))) out.add(k.exportName);
  }
  return out;
}

/**
 * The wasm's direct-call graph, decoded once per binary (compileKernels flags
 * allocating kernels, and the build then checks parallel kernels, on the same bytes).
 * @type {WeakMap<Uint8Array, ReturnType<typeof decodeCallGraph>>}
 */
const GRAPHS = new WeakMap();

/** @param {Uint8Array} wasm */
function callGraph(wasm) {
  let graph = GRAPHS.get(wasm);
  if (!graph) GRAPHS.set(wasm, (graph = decodeCallGraph(wasm)));
  return graph;
}

/** @param {Uint8Array} wasm */
function decodeCallGraph(wasm) {
  const mod = decodeModule(wasm);
  /** @type {Map<number, import("../annotate/wasm-code.js").WasmFunction>} */
  const byIndex = new Map(mod.functions.map((f) => [f.index, f]));
  const exportIndex = new Map(mod.exports.filter((e) => e.kind === 0).map((e) => [e.name, e.index]));
  const allocators = new Set(mod.functions.filter((f) => f.instructions.some((i) => i.op === "memory.grow")).map((f) => f.index));
  const newFn = exportIndex.get("__new");
  if (newFn !== undefined) allocators.add(newFn);

  /** Functions reachable from `root` by direct calls; flags indirect calls and undecodable bodies. @param {number} root */
  const reach = (root) => {
    const seen = new Set([root]);
    const stack = [root];
    let indirect = false, undecoded = false;
    while (stack.length) {
      const fn = byIndex.get(/** @type {number} */ (stack.pop()));
      if (!fn) continue; // an import (abort, tskern.oob)
      if (fn.error) undecoded = true;
      for (const ins of fn.instructions) {
        if (ins.op === "call_indirect" || ins.op === "return_call_indirect" || ins.op === "call_ref" || ins.op === "return_call_ref") indirect = true;
        if (ins.callee !== undefined && !seen.has(ins.callee)) {
          seen.add(ins.callee);
          stack.push(ins.callee);
        }
      }
    }
    return { seen, indirect, undecoded };
  };
  return { byIndex, exportIndex, allocators, reach };
}
