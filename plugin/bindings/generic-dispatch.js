/**
 * The exported function of a generic kernel (`// @tskern dtypes=`): one
 * `instanceof` chain over the array classes of its dtypes, on the argument
 * that picks the specialisation (its first `TypedArray<T>` or 2-D view of
 * `T`), calling that dtype's ordinary binding (`$tskK<index>`, written by
 * js-module.js like any kernel's, only not exported). Each branch calls one
 * function, so every call site stays monomorphic.
 */
import { lookupType } from "../compiler/kernel-types.js";

/**
 * @typedef {import("../compiler/kernel-transform.js").KernelInfo & { index: number }} IndexedKernel
 */

/**
 * Dispatchers for the generic kernels among `kernels` (none: []).
 * @param {IndexedKernel[]} kernels
 * @returns {string[]}
 */
export function genericDispatchers(kernels) {
  /** @type {Map<string, IndexedKernel[]>} */
  const groups = new Map();
  for (const k of kernels) {
    if (!k.dtype) continue;
    if (!groups.has(k.name)) groups.set(k.name, []);
    /** @type {IndexedKernel[]} */ (groups.get(k.name)).push(k);
  }
  const out = [];
  for (const [name, group] of groups) {
    const first = group[0];
    const p = /** @type {number} */ (first.dispatch);
    const args = first.params.map((_, i) => `a${i}`).join(", ");
    const classes = group.map((k) => arrayClass(k.params[p].type));
    const isView = lookupType(first.params[p].type)?.kind === "view";
    out.push(
      "",
      `/** ${name}<T> for T in ${group.map((k) => k.dtype).join(", ")}, picked by the class of '${first.params[p].name}' (${first.file}:${first.line}:${first.column}) */`,
      `export function ${name}(${args}) {`,
      `  if (arguments.length !== ${first.params.length}) $tsk.argc(${first.index}, arguments.length);`,
      isView ? `  const d = a${p} == null ? a${p} : a${p}.data;` : `  const d = a${p};`,
      ...group.map((k, i) => `  if (d instanceof ${classes[i]}) return $tskK${k.index}(${args});`),
      `  return $tsk.dtype(${first.index}, ${p}, a${p}, ${JSON.stringify(classes)});`,
      "}",
    );
  }
  return out;
}

/** The JS class of an array or view parameter type. @param {string} type */
function arrayClass(type) {
  const t = /** @type {any} */ (lookupType(type));
  return t.kind === "view" ? /** @type {any} */ (lookupType(t.array)).ts : t.ts;
}
