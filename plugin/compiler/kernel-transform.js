/**
 * The AssemblyScript transform tskern runs on every build. After parsing it
 *  1. reads each kernel file's exported functions and checks their signatures
 *     (the source of the bindings and .d.ts), and
 *  2. rewrites typed-array element access: with the optimizer on (the
 *     default), each function goes through optimize/function.js (cached
 *     array headers, bounds checks proved away by loop versioning, index
 *     arithmetic, vectorization); otherwise, and for code the optimizer does
 *     not handle, `a[i]` becomes `unchecked(a[__tsk_chk(a, i, LOC)])`
 *     (optimize/inline-checks.js), where LOC indexes a location table so a
 *     failing check names `path:line:col`. `// @tskern boundscheck=false`
 *     (file or function) and the build option `boundsCheck: false` drop the
 *     checks.
 */
import { NodeKind, CommonFlags, ParameterKind } from "assemblyscript";
import { readDirectives } from "./directives.js";
import { Rewriter, rewriteNode, Locations } from "./optimize/inline-checks.js";
import { optimizeFunction } from "./optimize/function.js";
import { interleaveLoops } from "./optimize/interleave.js";
import { lookupType, SUPPORTED_PARAM_TYPES, SUPPORTED_RESULT_TYPES, SUPPORTED_VIEW_TYPES } from "./kernel-types.js";
import { expandGenerics, cachedDirectives, genericOf } from "./generics.js";
import { viewTypeName, isViewClass } from "./views.js";
import { readGpuKernel } from "./gpu/gpu-kernel.js";
import { renameShadowing, originalName } from "./rename-shadowing.js";

/**
 * @typedef {object} KernelParam
 * @property {string} name
 * @property {string} type   AssemblyScript type name
 */

/**
 * @typedef {object} KernelInfo
 * @property {string} file        kernel path relative to the root
 * @property {string} name        exported function name
 * @property {string} exportName  name of the wasm export
 * @property {KernelParam[]} params
 * @property {string} result      AssemblyScript result type name
 * @property {number} line
 * @property {number} column
 * @property {boolean} boundsCheck
 * @property {boolean} [parallel]  `// @tskern parallel`: the first two params are `start: i32, end: i32`
 * @property {string} [dtype]     a specialisation of a generic kernel (`// @tskern dtypes=`): its element type
 * @property {string} [local]     ... whose AssemblyScript name (`sum$f64`) differs from `name` (`sum`)
 * @property {number} [dispatch]  ... and the parameter whose class picks it (plugin/compiler/generics.js)
 * @property {import("./gpu/gpu-kernel.js").GpuKernelInfo} [gpu]  `// @tskern gpu`: the WGSL lowering and the wasm loop export
 * @property {boolean} [allocates]  its call graph reaches the allocator (set by compile.js from the final wasm)
 */

/**
 * @typedef {object} TransformState
 * @property {Set<string>} kernelFiles        normalized paths (no `.ts`) of kernel files
 * @property {boolean} boundsCheck            build default
 * @property {boolean} optimize               run the optimizer (default true)
 * @property {Array<{ path: string, start: number, kind: string, message: string }>} notes  filled in: what the optimizer did, and why not
 * @property {(path: string) => string} exportPrefix
 * @property {KernelInfo[]} kernels           filled in
 * @property {Array<[string, number]>} locations  filled in: [path, offset] per check id
 * @property {Array<{ path: string, start: number, end: number, code: string, message: string }>} problems
 */

/**
 * Creates the transform class for one build (asc instantiates it).
 * @param {TransformState} state
 */
export function createKernelTransform(state) {
  return class KernelTransform {
    /** @param {import("assemblyscript").Parser} parser */
    afterParse(parser) {
      for (const source of parser.sources) {
        const path = source.normalizedPath;
        if (path.startsWith("~lib/") || path.startsWith("__tskern")) continue;
        const text = source.text;
        const fileDirectives = readDirectives(text, 0, firstStatementStart(source), problemsFor(state, path));
        const fileCheck = pick(fileDirectives.boundscheck, state.boundsCheck);
        const fileFastmath = pick(fileDirectives.fastmath, false);
        const isKernelFile = state.kernelFiles.has(path.replace(/\.ts$/, ""));
        // Generic kernels with `// @tskern dtypes=`: one concrete copy per dtype (generics.js).
        expandGenerics(source, fileDirectives, isKernelFile, (from, to) => readDirectives(text, from, to, problemsFor(state, path)), (p) => { state.problems.push({ path, ...p }); });
        const locations = new Locations(state, path);
        // The optimizer's generated code calls AssemblyScript built-ins by name;
        // a file declaring one of those names would capture the calls.
        // Such declarations are renamed in this file (rename-shadowing.js);
        // only a name brought in by an `import` turns the optimizer off.
        const kept = state.optimize ? renameShadowing(source, OPTIMIZER_BUILTINS, isKernelFile) : { imported: [], exported: [] };
        if (kept.imported.length) {
          state.notes.push({ path, start: 0, kind: "function",
            message: `not optimized: this file imports '${kept.imported.join("', '")}', a name the optimizer's generated code needs; import it under another name (import { ${kept.imported[0]} as my_${kept.imported[0]} } ...) to get the optimized build` });
        } else if (kept.exported.length) {
          state.notes.push({ path, start: 0, kind: "function",
            message: `not optimized: this module exports '${kept.exported.join("', '")}', a name the optimizer's generated code needs; rename it (e.g. my_${kept.exported[0]}) to get the optimized build` });
        }
        const optimize = state.optimize && !kept.imported.length && !kept.exported.length;
        let prevEnd = 0;
        for (const statement of source.statements) {
          let check = fileCheck;
          let fastmath = fileFastmath;
          if (statement.kind === NodeKind.FunctionDeclaration) {
            // Comments above the first statement are file-wide; above any later
            // function, they are that function's.
            const fnDirectives = cachedDirectives(statement) ?? (prevEnd > 0 ? readDirectives(text, prevEnd, statement.range.start, problemsFor(state, path)) : {});
            check = pick(fnDirectives.boundscheck, fileCheck);
            fastmath = pick(fnDirectives.fastmath, fileFastmath);
            if (isKernelFile && statement.is(CommonFlags.Export)) readKernel(state, source, statement, check, pick(fnDirectives.parallel, fileDirectives.parallel) === true);
            // `// @tskern gpu`: lowered to WGSL before the optimizer rewrites the body (plugin/compiler/gpu/).
            if (isKernelFile && statement.is(CommonFlags.Export) && pick(fnDirectives.gpu, fileDirectives.gpu) === true) readGpuKernel(state, source, statement);
          } else if (isKernelFile) {
            rejectNonFunctionExport(state, source, statement);
          }
          if (optimize) rewriteOptimized(statement, { state, path, check, fastmath, locations, notes: state.notes });
          else {
            const rw = new Rewriter(state, path, check);
            rw.locations = locations;
            rewriteNode(statement, rw);
          }
          prevEnd = statement.range.end;
        }
      }
    }
  };
}

/**
 * Sends every function of a top-level statement through the optimizer, and
 * the rest (field initializers, top-level code) through the reference rewrite.
 * @param {any} statement @param {import("./optimize/function.js").Env} env
 */
function rewriteOptimized(statement, env) {
  const reference = (/** @type {any} */ node) => {
    const rw = new Rewriter(env.state, env.path, env.check);
    rw.locations = env.locations;
    rewriteNode(node, rw);
  };
  switch (statement.kind) {
    case NodeKind.FunctionDeclaration:
    case NodeKind.MethodDeclaration:
      // Interleaving (optimize/interleave.js) first: loop outlining then moves the interleaved loop.
      interleaveLoops(statement, (at, message) => env.notes.push({ path: env.path, start: at.range.start, kind: "interleaved", message }));
      optimizeFunction(statement, env);
      return;
    case NodeKind.ClassDeclaration:
    case NodeKind.InterfaceDeclaration:
    case NodeKind.NamespaceDeclaration:
      for (const m of statement.members) rewriteOptimized(m, env);
      return;
    case NodeKind.ExportDefault:
      rewriteOptimized(statement.declaration, env);
      return;
    default:
      reference(statement);
  }
}

/** Built-in names the optimizer emits as plain calls. */
const OPTIMIZER_BUILTINS = new Set(["load", "store", "min", "max", "abs", "sqrt", "floor", "ceil", "trunc", "nearest", "select", "unchecked", "v128", "f64x2", "f32x4", "i32x4", "i64", "i32", "u32", "f64", "f32", "usize"]);

/** @param {any} source */
function firstStatementStart(source) {
  return source.statements.length ? source.statements[0].range.start : source.text.length;
}

/** @template T @param {T | undefined} value @param {T} fallback */
function pick(value, fallback) {
  return value === undefined ? fallback : value;
}

/** @param {TransformState} state @param {string} path */
function problemsFor(state, path) {
  return {
    push(/** @type {any} */ p) {
      state.problems.push({ path, ...p });
      return 0;
    },
  };
}

/**
 * @param {TransformState} state
 * @param {any} source
 * @param {any} decl   FunctionDeclaration
 * @param {boolean} boundsCheck
 * @param {boolean} [parallel]
 */
function readKernel(state, source, decl, boundsCheck, parallel = false) {
  const path = source.normalizedPath;
  // A kernel renamed to free a built-in name keeps its own name for JS.
  const renamedFrom = originalName(decl);
  const name = renamedFrom ?? decl.name.text;
  const problem = (/** @type {any} */ node, /** @type {string} */ code, /** @type {string} */ message) =>
    state.problems.push({ path, start: node.range.start, end: node.range.end, code, message });
  if (decl.typeParameters && decl.typeParameters.length) {
    problem(decl.name, "TSK107", `Kernel '${name}' is generic; kernels need concrete types. Add '// @tskern dtypes=f32,f64,i32' (the element types to build) on the line above it, or write one exported function per element type.`);
    return;
  }
  const params = [];
  let ok = true;
  for (const param of decl.signature.parameters) {
    const pname = param.name.text;
    if (param.parameterKind !== ParameterKind.Default || param.initializer) {
      problem(param, "TSK107", `Parameter '${pname}' of kernel '${name}' is optional or a rest parameter; kernels take a fixed list of parameters.`);
      ok = false;
      continue;
    }
    const type = typeName(param.type) ?? viewTypeName(param.type);
    if (type && parallel && lookupType(type)?.kind === "view") {
      problem(param.type, "TSK114", `Parameter '${pname}' of parallel kernel '${name}' is a 2-D view; views cannot be passed to '// @tskern parallel' kernels yet. Pass the view's data array with its rows, cols and stride as separate parameters.`);
      ok = false;
      continue;
    }
    if (!type || !lookupType(type)) {
      problem(param.type, isViewClass(param.type) ? "TSK114" : "TSK101", isViewClass(param.type)
        ? `Parameter '${pname}' of kernel '${name}' has type '${typeText(source, param.type)}'; a 2-D view takes one numeric element type: View2D<f64>, View2D<f32>, View2D<i32>, ... (also u32, i16, u16, i8, u8, i64, u64), or View2D<T> in a generic kernel.`
        : `Parameter '${pname}' of kernel '${name}' has type '${typeText(source, param.type)}', which a kernel cannot take. Supported: ${SUPPORTED_PARAM_TYPES.join(", ")}, ${SUPPORTED_VIEW_TYPES.join(", ")}.`);
      ok = false;
      continue;
    }
    params.push({ name: pname, type: type === "boolean" ? "bool" : type });
  }
  const resultNode = decl.signature.returnType;
  let result = typeName(resultNode);
  if (resultNode && resultNode.range && resultNode.range.start === resultNode.range.end) {
    // No annotation: AssemblyScript needs one on exported functions; say so plainly.
    problem(decl.name, "TSK102", `Kernel '${name}' has no return type annotation. Add ': void', ': f64', ... after the parameter list.`);
    ok = false;
  } else if (!result || (result !== "void" && !lookupType(result))) {
    problem(resultNode, "TSK102",
      `Kernel '${name}' returns '${typeText(source, resultNode)}', which tskern cannot pass back to JavaScript. Supported: ${SUPPORTED_RESULT_TYPES.join(", ")}.`);
    ok = false;
  }
  if (parallel && !(params.length >= 2 && params[0].type === "i32" && params[1].type === "i32")) {
    const ps = decl.signature.parameters;
    problem(ps.length ? { range: { start: ps[0].range.start, end: ps[Math.min(1, ps.length - 1)].range.end } } : decl.name, "TSK110",
      `Kernel '${name}' is marked '// @tskern parallel', so its first two parameters must be 'start: i32, end: i32' (the range kernel.parallel(total, ...) splits into chunks). Add them, or remove the directive.`);
    return;
  }
  if (!ok) return;
  if (result === "boolean") result = "bool";
  const at = lineColumn(source.text, decl.name.range.start);
  const generic = genericOf(decl);
  state.kernels.push({
    file: path,
    name: generic ? generic.name : name,
    exportName: state.exportPrefix(path) + name,
    params,
    result: /** @type {string} */ (result),
    line: at.line,
    column: at.column,
    boundsCheck,
    ...(parallel ? { parallel: true } : {}),
    ...(generic ? { dtype: generic.dtype, local: name, dispatch: generic.dispatch } : {}),
    ...(renamedFrom && !generic ? { local: decl.name.text } : {}),
  });
}

/** @param {TransformState} state @param {any} source @param {any} statement */
function rejectNonFunctionExport(state, source, statement) {
  const flags = statement.kind === NodeKind.Variable ? statement.declarations?.[0]?.flags : statement.flags;
  const exported =
    statement.kind === NodeKind.Export || statement.kind === NodeKind.ExportDefault ||
    (statement.kind !== NodeKind.FunctionDeclaration && typeof flags === "number" && (flags & CommonFlags.Export) !== 0);
  if (!exported) return;
  state.problems.push({
    path: source.normalizedPath,
    start: statement.range.start,
    end: Math.min(statement.range.end, statement.range.start + 40),
    code: "TSK104",
    message: "A kernel module exports only functions, written 'export function name(...)'. Remove 'export' here, or move this to a helper module the kernel imports.",
  });
}

/** @param {any} node @returns {string | null} */
function typeName(node) {
  if (!node || node.kind !== NodeKind.NamedType) return null;
  if (node.isNullable || (node.typeArguments && node.typeArguments.length) || node.name.next) return null;
  return node.name.identifier.text;
}

/** @param {any} source @param {any} node */
function typeText(source, node) {
  return node ? source.text.slice(node.range.start, node.range.end) : "?";
}

/** @param {string} text @param {number} offset */
function lineColumn(text, offset) {
  let line = 1, start = 0;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) { line++; start = i + 1; }
  return { line, column: offset - start + 1 };
}
