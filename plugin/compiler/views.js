/**
 * 2-D view parameters: `m: View2D<f64>` (any row and column stride) and
 * `m: ContiguousView2D<f64>` (rows packed back to back: colStride 1 and
 * stride == cols). The classes live in aslib/views.ts; a view argument
 * crosses into wasm as the address of a 5-word descriptor the binding fills
 * (runtime/views.js), so passing one is O(1) and copies no element.
 */
import { NodeKind } from "assemblyscript";
import { DTYPES } from "./generics.js";

/** View class -> whether it requires a contiguous view. */
export const VIEW_CLASSES = { View2D: false, ContiguousView2D: true };

/**
 * `View2D<f64>` for a view type node with a known element type, else null.
 * @param {any} node
 * @returns {string | null}
 */
export function viewTypeName(node) {
  if (!node || node.kind !== NodeKind.NamedType || node.isNullable || node.name.next) return null;
  const cls = node.name.identifier.text;
  if (!Object.hasOwn(VIEW_CLASSES, cls) || node.typeArguments?.length !== 1) return null;
  const arg = node.typeArguments[0];
  if (arg.kind !== NodeKind.NamedType || arg.name.next || arg.typeArguments?.length) return null;
  const elem = arg.name.identifier.text;
  return Object.hasOwn(DTYPES, elem) ? `${cls}<${elem}>` : null;
}

/** True when a type node names a view class at all (to explain a bad element type). @param {any} node */
export function isViewClass(node) {
  return !!node && node.kind === NodeKind.NamedType && !node.name.next && Object.hasOwn(VIEW_CLASSES, node.name.identifier.text);
}
