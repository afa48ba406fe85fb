/**
 * Runtime errors (TSK2xx). Every message names what failed and what to do.
 */
import { sharedState } from "./shared-state.js";

/** The runtime diagnostics catalogue. */
export const RUNTIME_CODES = {
  TSK201: "index out of bounds inside a kernel",
  TSK202: "array used after free",
  TSK203: "array freed twice",
  TSK204: "array not allocated by this build's alloc (or not a kernel array at all)",
  TSK205: "assert, throw or abort inside a kernel",
  TSK206: "WebAssembly trap inside a kernel (unreachable, division by zero, ...)",
  TSK207: "allocation beyond the memory limit",
  TSK208: "wrong number of arguments to a kernel",
  TSK209: "wrong argument type or value (a kernel parameter, or alloc's arguments)",
  TSK210: "no kernel build loaded yet",
  TSK211: "the kernel module needs an import the runtime does not provide",
  TSK213: "a generic kernel called with an array type it was not built for (its `// @tskern dtypes=`)",
  TSK214: "a 2-D view parameter given something that is not a view, or a view of the wrong array type",
  TSK215: "a strided (non-contiguous) view passed to a ContiguousView2D parameter",
  TSK216: "a 2-D view whose shape, offset or strides do not fit its data, or an index outside it",
};

const classes = sharedState().classes;

/**
 * A failure inside a kernel: catchable; memory and live arrays stay intact.
 * `path`, `line` and `column` locate the kernel source.
 */
export const KernelError = /** @type {typeof KernelErrorClass} */ (classes.KernelError ??= class KernelErrorClass extends Error {
  /**
   * @param {string} message
   * @param {{ code: string, kernel?: string, path?: string, line?: number, column?: number, cause?: unknown }} info
   */
  constructor(message, info) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = "KernelError";
    this.code = info.code;
    this.kernel = info.kernel ?? "";
    this.path = info.path ?? "";
    this.line = info.line ?? 0;
    this.column = info.column ?? 0;
  }
});
/** @typedef {InstanceType<typeof KernelError>} KernelErrorInstance */

/**
 * An Error with a TSK code, of the given class.
 * @template {ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor} C
 * @param {C} Ctor
 * @param {keyof typeof RUNTIME_CODES} code
 * @param {string} message
 * @returns {InstanceType<C> & { code: string }}
 */
export function codedError(Ctor, code, message) {
  const error = /** @type {any} */ (new Ctor(`${message} [${code}]`));
  error.code = code;
  return error;
}
