/**
 * Generic kernels: `// @tskern dtypes=f32,f64,i32` above
 * `export function sum<T>(x: TypedArray<T>): T` builds one specialisation per
 * listed element type. Before the kernel transform reads signatures, each
 * such declaration is copied once per dtype with `T` replaced by the element
 * type and `TypedArray<T>` by its array class (`f64` -> `Float64Array`), so
 * every copy is an ordinary concrete kernel: the optimizer sees real types,
 * and errors point at the one source (the copies share its ranges). The
 * generic original stays, unexported, so the body may call itself (`sum<T>`).
 * The binding (plugin/bindings/generic-dispatch.js) picks the copy by the
 * class of the first `TypedArray<T>` (or 2-D view of `T`) argument.
 */
import { Node, NodeKind, CommonFlags } from "assemblyscript";

/**
 * Element types a generic kernel may be built for, with their array class.
 * (`Uint8ClampedArray` has no dtype of its own: `u8` means `Uint8Array`.)
 * @type {Record<string, { array: string, ts: string }>}
 */
export const DTYPES = {
  f64: { array: "Float64Array", ts: "Float64Array" },
  f32: { array: "Float32Array", ts: "Float32Array" },
  i32: { array: "Int32Array", ts: "Int32Array" },
  u32: { array: "Uint32Array", ts: "Uint32Array" },
  i16: { array: "Int16Array", ts: "Int16Array" },
  u16: { array: "Uint16Array", ts: "Uint16Array" },
  i8: { array: "Int8Array", ts: "Int8Array" },
  u8: { array: "Uint8Array", ts: "Uint8Array" },
  i64: { array: "Int64Array", ts: "BigInt64Array" },
  u64: { array: "Uint64Array", ts: "BigUint64Array" },
};

/** Type names a dispatch parameter may have: `TypedArray<T>` and the 2-D views of `T` (aslib/views.ts). */
const ARRAY_OF_T = new Set(["TypedArray", "View2D", "ContiguousView2D"]);

/**
 * Parses the value of `dtypes=`: a comma-separated list of distinct dtype names.
 * @param {string} raw
 * @returns {string[] | { code: string, message: string }}
 */
export function parseDtypes(raw) {
  const names = raw.split(",").map((s) => s.trim());
  const known = Object.keys(DTYPES).join(", ");
  const bad = names.find((n) => !Object.hasOwn(DTYPES, n));
  if (bad !== undefined) {
    return { code: "TSK111", message: `'${bad || raw}' is not a dtype tskern can build a generic kernel for. Known dtypes: ${known}. Write e.g. '// @tskern dtypes=f32,f64,i32' (no spaces).` };
  }
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) return { code: "TSK111", message: `dtype '${twice}' is listed twice in 'dtypes=${raw}'. List each once.` };
  return names;
}

/** @typedef {{ name: string, dtype: string, dispatch: number }} GenericOf */

/** Specialised copy -> what it specialises; any function -> its directives, read once. */
const SPECIALISED = new WeakMap();
const DIRECTIVES = new WeakMap();

/** The generic kernel a specialised copy comes from, or undefined. @param {any} decl @returns {GenericOf | undefined} */
export function genericOf(decl) {
  return SPECIALISED.get(decl);
}

/** The function-level directives read by {@link expandGenerics}, or undefined. @param {any} statement */
export function cachedDirectives(statement) {
  return DIRECTIVES.get(statement);
}

/**
 * Reads every function's directives (remembered for the transform's main
 * loop, so each comment is read and reported once) and replaces each exported
 * generic kernel that has `dtypes` with its specialised copies.
 * @param {any} source
 * @param {Record<string, unknown>} fileDirectives
 * @param {boolean} isKernelFile
 * @param {(from: number, to: number) => Record<string, unknown>} readFnDirectives
 * @param {(p: { start: number, end: number, code: string, message: string }) => void} report
 */
export function expandGenerics(source, fileDirectives, isKernelFile, readFnDirectives, report) {
  const statements = [...source.statements];
  let prevEnd = 0;
  /** @type {Array<[any, any[]]>} */
  const inserts = [];
  for (const st of statements) {
    if (st.kind === NodeKind.FunctionDeclaration) {
      const fn = prevEnd > 0 ? readFnDirectives(prevEnd, st.range.start) : {};
      DIRECTIVES.set(st, fn);
      const generic = !!(st.typeParameters && st.typeParameters.length);
      const kernel = isKernelFile && st.is(CommonFlags.Export);
      const dtypes = /** @type {string[] | undefined} */ (fn.dtypes ?? fileDirectives.dtypes);
      if (fn.dtypes !== undefined && !(generic && kernel)) {
        report({ start: st.name.range.start, end: st.name.range.end, code: "TSK112",
          message: `'// @tskern dtypes=...' applies to exported generic kernels ('export function ${st.name.text}<T>(x: TypedArray<T>, ...)'), and '${st.name.text}' is ${kernel ? "not generic" : "not an exported kernel"}. Remove the directive, or make the kernel generic over its element type T.` });
      } else if (generic && kernel && dtypes) {
        const copies = specialise(st, dtypes, fn.parallel ?? fileDirectives.parallel, report);
        // The generic original is no kernel any more (after a TSK113 either: one error, not a TSK107 too).
        st.flags &= ~CommonFlags.Export;
        if (copies) {
          for (const c of copies) DIRECTIVES.set(c, fn);
          inserts.push([st, copies]);
        }
      }
    }
    prevEnd = st.range.end;
  }
  for (const [st, copies] of inserts) source.statements.splice(source.statements.indexOf(st) + 1, 0, ...copies);
}

/**
 * The specialised copies of one generic kernel, or null after reporting why not.
 * @param {any} decl @param {string[]} dtypes @param {unknown} parallel @param {(p: any) => void} report
 */
function specialise(decl, dtypes, parallel, report) {
  const name = decl.name.text;
  const at = (/** @type {any} */ node) => ({ start: node.range.start, end: node.range.end });
  if (decl.typeParameters.length !== 1) {
    report({ ...at(decl.name), code: "TSK113", message: `Generic kernel '${name}' has ${decl.typeParameters.length} type parameters; a kernel built per dtype has exactly one, the element type: 'export function ${name}<T>(x: TypedArray<T>, ...)'.` });
    return null;
  }
  if (parallel === true) {
    report({ ...at(decl.name), code: "TSK113", message: `Generic kernel '${name}' is also marked '// @tskern parallel'; parallel generic kernels are not supported yet. Write one parallel kernel per element type, or remove one of the directives.` });
    return null;
  }
  const T = decl.typeParameters[0].name.text;
  const dispatch = decl.signature.parameters.findIndex((/** @type {any} */ p) => isArrayOfT(p.type, T));
  if (dispatch < 0) {
    report({ ...at(decl.name), code: "TSK113", message: `Generic kernel '${name}' has no parameter of type 'TypedArray<${T}>' (or 'View2D<${T}>'), so a call cannot tell which dtype to run. Give it one, or write one kernel per element type.` });
    return null;
  }
  return dtypes.map((dtype) => {
    const copy = cloneNode(decl);
    substitute(copy, T, dtype);
    copy.typeParameters = null;
    copy.flags &= ~CommonFlags.Generic;
    copy.name.text = `${name}$${dtype}`;
    SPECIALISED.set(copy, { name, dtype, dispatch });
    return copy;
  });
}

/** @param {any} type @param {string} T */
function isArrayOfT(type, T) {
  return type && type.kind === NodeKind.NamedType && !type.name.next && ARRAY_OF_T.has(type.name.identifier.text) &&
    type.typeArguments?.length === 1 && isNamed(type.typeArguments[0], T);
}

/** @param {any} type @param {string} name */
function isNamed(type, name) {
  return type && type.kind === NodeKind.NamedType && !type.name.next && !type.typeArguments?.length && type.name.identifier.text === name;
}

/**
 * Deep copy of an AST subtree: nodes are copied, ranges (and so source
 * locations) shared.
 * @param {any} value
 * @returns {any}
 */
function cloneNode(value) {
  if (Array.isArray(value)) return value.map(cloneNode);
  if (!(value instanceof Node)) return value;
  const copy = Object.create(Object.getPrototypeOf(value));
  for (const key of Object.keys(value)) copy[key] = key === "range" ? value[key] : cloneNode(/** @type {any} */ (value)[key]);
  return copy;
}

/**
 * Replaces, in place, `T` by the dtype and `TypedArray<T>` by its array
 * class, in every type position (annotations, casts, type arguments, `new`).
 * @param {any} node @param {string} T @param {string} dtype
 */
function substitute(node, T, dtype) {
  if (Array.isArray(node)) {
    for (const n of node) substitute(n, T, dtype);
    return;
  }
  if (!(node instanceof Node)) return;
  const n = /** @type {any} */ (node);
  if (n.kind === NodeKind.NamedType && !n.name.next) {
    if (isNamed(n, T)) n.name.identifier.text = dtype;
    else if (n.name.identifier.text === "TypedArray" && n.typeArguments?.length === 1 && isNamed(n.typeArguments[0], T)) {
      n.name.identifier.text = DTYPES[dtype].array;
      n.typeArguments = null;
    }
  } else if (n.kind === NodeKind.New && !n.typeName.next && n.typeName.identifier.text === "TypedArray" && n.typeArguments?.length === 1 && isNamed(n.typeArguments[0], T)) {
    n.typeName.identifier.text = DTYPES[dtype].array;
    n.typeArguments = null;
  }
  for (const key of Object.keys(n)) if (key !== "range") substitute(n[key], T, dtype);
}
