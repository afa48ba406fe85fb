/**
 * The AssemblyScript transform tskern runs on every build. After parsing it
 *  1. reads each kernel file's exported functions and checks their signatures
 *     (the source of the bindings and .d.ts), and
 *  2. rewrites typed-array element access `a[i]` into an inline bounds check
 *     plus an unchecked access: `unchecked(a[__tsk_chk(a, i, LOC)])`, where
 *     LOC indexes a location table so a failing check names `path:line:col`.
 *     `// @tskern boundscheck=false` (file or function) and the build option
 *     `boundsCheck: false` leave `unchecked` accesses without the check.
 */
import { Node, NodeKind, Token, CommonFlags, ParameterKind } from "assemblyscript";
import { readDirectives } from "./directives.js";
import { lookupType, SUPPORTED_PARAM_TYPES, SUPPORTED_RESULT_TYPES } from "./kernel-types.js";

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
 */

/**
 * @typedef {object} TransformState
 * @property {Set<string>} kernelFiles        normalized paths (no `.ts`) of kernel files
 * @property {boolean} boundsCheck            build default
 * @property {(path: string) => string} exportPrefix
 * @property {KernelInfo[]} kernels           filled in
 * @property {Array<[string, number]>} locations  filled in: [path, offset] per check id
 * @property {Array<{ path: string, start: number, end: number, code: string, message: string }>} problems
 */

const ASSIGN_FIRST = Token.Equals;
const ASSIGN_LAST = Token.Caret_Equals;

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
        const isKernelFile = state.kernelFiles.has(path.replace(/\.ts$/, ""));
        let prevEnd = 0;
        for (const statement of source.statements) {
          let check = fileCheck;
          if (statement.kind === NodeKind.FunctionDeclaration) {
            // Comments above the first statement are file-wide; above any later
            // function, they are that function's.
            const fnDirectives = prevEnd > 0 ? readDirectives(text, prevEnd, statement.range.start, problemsFor(state, path)) : {};
            check = pick(fnDirectives.boundscheck, fileCheck);
            if (isKernelFile && statement.is(CommonFlags.Export)) readKernel(state, source, statement, check);
          } else if (isKernelFile) {
            rejectNonFunctionExport(state, source, statement);
          }
          rewriteNode(statement, new Rewriter(state, path, check));
          prevEnd = statement.range.end;
        }
      }
    }
  };
}

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
 */
function readKernel(state, source, decl, boundsCheck) {
  const path = source.normalizedPath;
  const name = decl.name.text;
  const problem = (/** @type {any} */ node, /** @type {string} */ code, /** @type {string} */ message) =>
    state.problems.push({ path, start: node.range.start, end: node.range.end, code, message });
  if (decl.typeParameters && decl.typeParameters.length) {
    problem(decl.name, "TSK107", `Kernel '${name}' is generic; kernels need concrete types. Write one exported function per element type.`);
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
    const type = typeName(param.type);
    if (!type || !lookupType(type)) {
      problem(param.type, "TSK101",
        `Parameter '${pname}' of kernel '${name}' has type '${typeText(source, param.type)}', which a kernel cannot take. Supported: ${SUPPORTED_PARAM_TYPES.join(", ")}.`);
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
  if (!ok) return;
  if (result === "boolean") result = "bool";
  const at = lineColumn(source.text, decl.name.range.start);
  state.kernels.push({
    file: path,
    name,
    exportName: state.exportPrefix(path) + name,
    params,
    result: /** @type {string} */ (result),
    line: at.line,
    column: at.column,
    boundsCheck,
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

/** Rewrites element accesses of one source into checked-unchecked form. */
class Rewriter {
  /** @param {TransformState} state @param {string} path @param {boolean} check */
  constructor(state, path, check) {
    this.state = state;
    this.path = path;
    /** false under `boundscheck=false`: accesses become plain `unchecked` ones. */
    this.check = check;
    /** Count of accesses left as AssemblyScript's own checked access. */
    this.unrewritten = 0;
  }

  /** Adds the check to an element access in place. @param {any} access */
  addCheck(access) {
    const r = access.range;
    const id = this.state.locations.length;
    this.state.locations.push([this.path, r.start]);
    access.elementExpression = Node.createCallExpression(
      Node.createIdentifierExpression("__tsk_chk", r), null,
      [cloneTarget(access.expression), access.elementExpression, Node.createIntegerLiteralExpression(globalThis.i64_new(id), r)],
      r,
    );
  }
}

/** `unchecked(node)` @param {any} node */
function unchecked(node) {
  return Node.createCallExpression(Node.createIdentifierExpression("unchecked", node.range), null, [node], node.range);
}

/** Targets we can evaluate twice without changing meaning: `a`, `this`, `a.b.c`. @param {any} node @returns {boolean} */
function isPurePath(node) {
  if (node.kind === NodeKind.Identifier || node.kind === NodeKind.This) return true;
  if (node.kind === NodeKind.PropertyAccess) return isPurePath(node.expression);
  return false;
}

/** @param {any} node */
function cloneTarget(node) {
  if (node.kind === NodeKind.Identifier) return Node.createIdentifierExpression(node.text, node.range);
  if (node.kind === NodeKind.This) return Node.createThisExpression(node.range);
  return Node.createPropertyAccessExpression(cloneTarget(node.expression), Node.createIdentifierExpression(node.property.text, node.property.range), node.range);
}

/** Is this an element access we can check? @param {any} node */
function isCheckable(node) {
  return node.kind === NodeKind.ElementAccess && isPurePath(node.expression);
}

/**
 * Rewrites children of `node` in place.
 * @param {any} node
 * @param {Rewriter} rw
 */
function rewriteNode(node, rw) {
  for (const key of Object.keys(node)) {
    if (key === "range") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        if (value[i] instanceof Node && value[i].kind !== NodeKind.Source) value[i] = rewriteExpr(value[i], rw);
      }
    } else if (value instanceof Node && value.kind !== NodeKind.Source) {
      node[key] = rewriteExpr(value, rw);
    }
  }
}

/**
 * Rewrites one node and returns its replacement.
 * @param {any} node
 * @param {Rewriter} rw
 * @returns {any}
 */
function rewriteExpr(node, rw) {
  if (!rw.check) return rewriteUnchecked(node, rw);
  // `a[i] = v`, `a[i] += v`, ...: the whole assignment goes under `unchecked`
  // (an element access that is a target cannot be wrapped on its own).
  if (node.kind === NodeKind.Binary && node.operator >= ASSIGN_FIRST && node.operator <= ASSIGN_LAST && isCheckable(node.left)) {
    return rewriteTarget(node, node.left, () => { node.right = rewriteExpr(node.right, rw); }, rw);
  }
  // `a[i]++`, `--a[i]`
  if ((node.kind === NodeKind.UnaryPostfix || node.kind === NodeKind.UnaryPrefix) &&
      (node.operator === Token.Plus_Plus || node.operator === Token.Minus_Minus) && isCheckable(node.operand)) {
    return rewriteTarget(node, node.operand, () => {}, rw);
  }
  rewriteNode(node, rw);
  if (node.kind === NodeKind.ElementAccess) {
    if (isPurePath(node.expression)) {
      rw.addCheck(node);
      return unchecked(node);
    }
    rw.unrewritten++;
  }
  return node;
}

/**
 * `boundscheck=false`: every element access and element assignment goes
 * under `unchecked`, with no check at all.
 * @param {any} node
 * @param {Rewriter} rw
 */
function rewriteUnchecked(node, rw) {
  const isTarget =
    (node.kind === NodeKind.Binary && node.operator >= ASSIGN_FIRST && node.operator <= ASSIGN_LAST && node.left.kind === NodeKind.ElementAccess) ||
    ((node.kind === NodeKind.UnaryPostfix || node.kind === NodeKind.UnaryPrefix) &&
      (node.operator === Token.Plus_Plus || node.operator === Token.Minus_Minus) && node.operand.kind === NodeKind.ElementAccess);
  if (isTarget) {
    const target = node.kind === NodeKind.Binary ? node.left : node.operand;
    rewriteNode(target, rw);
    if (node.kind === NodeKind.Binary) node.right = rewriteExpr(node.right, rw);
    return unchecked(node);
  }
  rewriteNode(node, rw);
  return node.kind === NodeKind.ElementAccess ? unchecked(node) : node;
}

/**
 * @param {any} whole        the assignment or update expression
 * @param {any} access       its element-access target
 * @param {() => void} rewriteRest  rewrites the other operands
 * @param {Rewriter} rw
 */
function rewriteTarget(whole, access, rewriteRest, rw) {
  rewriteNode(access, rw);
  const before = rw.unrewritten;
  rewriteRest();
  // An unchecked wrapper would also cover any access we could not check in
  // the rest of the expression; keep AssemblyScript's own check then.
  if (rw.unrewritten !== before) return whole;
  rw.addCheck(access);
  return unchecked(whole);
}
