/**
 * The error of a generic kernel (`// @tskern dtypes=`) called with an array
 * whose class it was not built for; the generated dispatcher
 * (plugin/bindings/generic-dispatch.js) calls it when no branch matched.
 */
import { codedError } from "./errors.js";

/**
 * @param {{ name: string, params: Array<{ name: string, type: string }> }} kernel  the first specialisation's meta
 * @param {number} p  the dispatch parameter
 * @param {unknown} value
 * @param {string[]} classes  the array classes the kernel was built for
 * @returns {never}
 */
export function dtypeError(kernel, p, value, classes) {
  const param = kernel.params[p];
  const isView = /^(View2D|ContiguousView2D)</.test(param.type);
  const data = isView && value != null ? /** @type {any} */ (value).data : value;
  const list = classes.join(", ");
  if (isView && !(data && ArrayBuffer.isView(data))) {
    throw codedError(TypeError, "TSK214", `${kernel.name}: parameter '${param.name}' expects a 2-D view (from alloc2d or view2d) of one of ${list}, got ${describe(value)}`);
  }
  throw codedError(TypeError, "TSK213",
    `${kernel.name}: parameter '${param.name}' is ${describe(data)}${isView ? " view" : ""}, but ${kernel.name} is built only for ${list}. Pass one of those, or add its element type to the kernel's '// @tskern dtypes=' directive`);
}

/** @param {unknown} value */
function describe(value) {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (Array.isArray(value)) return `an Array of length ${value.length}`;
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  return `the ${typeof value} ${String(value)}`;
}
