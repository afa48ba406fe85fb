/**
 * `// @tskern gpu` kernels in the build: the transform hook that lowers each
 * to WGSL (wgsl-lower.js) and records it on the kernel, and the wasm loop
 * `kernel.cpu(n, ...)` calls, exported as `PREFIX__name__cpu(n, ...)`: one
 * call from JS instead of n.
 *
 * The loop is the kernel's body inlined into `for (let i = 0; i < n; i++)`
 * in the kernel's own file, so the optimizer treats it as any kernel loop
 * (bounds checks hoisted by loop versioning). Where inlining would change
 * the meaning (the body assigns a parameter, returns from inside a loop, or
 * declares a function-scoped `var`), the entry gets a loop that calls the
 * kernel instead.
 */
import { Node, NodeKind, CommonFlags, ParameterKind } from "assemblyscript";
import { ENTRY_FILE } from "../codegen-options.js";
import { id, int, type, bin, block, decl, Token, deepCopy, walk, unparen, isAssignOp } from "../optimize/ast.js";
import { Rewriter, rewriteNode } from "../optimize/inline-checks.js";
import { lowerGpuKernel } from "./wgsl-lower.js";

/** kernel -> its inlined loop function (not exported until the entry is built) */
const INLINED = new WeakMap();

/**
 * @typedef {import("./wgsl-lower.js").GpuLowering & { cpuExport: string }} GpuKernelInfo
 */

/**
 * Lowers the exported function `decl` (already read as a kernel, if its
 * signature was valid) to WGSL; problems go to the build's located errors.
 * @param {{ kernels: any[], problems: any[] }} state
 * @param {any} source
 * @param {any} decl
 */
export function readGpuKernel(state, source, decl) {
  const path = source.normalizedPath;
  const name = decl.name.text;
  const kernel = state.kernels.find((k) => k.file === path && (k.local ?? k.name) === name);
  if (!kernel) return; // its signature already failed with TSK101/TSK102
  if (kernel.local) {
    // One instantiation of a `dtypes=` generic kernel: not lowered (one error per kernel, not per type).
    const at = { path, start: decl.name.range.start, end: decl.name.range.end };
    if (!state.problems.some((p) => p.path === at.path && p.code === "TSK120" && p.start === at.start)) {
      state.problems.push({ ...at, code: "TSK120", message: `GPU kernel '${kernel.name}' is generic ('// @tskern dtypes=...'); GPU kernels take concrete types in this version. Write one '// @tskern gpu' kernel per element type.` });
    }
    return;
  }
  const { lowering, problems } = lowerGpuKernel({ source, decl, name });
  for (const p of problems) state.problems.push({ path, ...p });
  if (!lowering) return;
  kernel.gpu = { ...lowering, cpuExport: `${kernel.exportName}__cpu` };
  const loop = inlinedLoop(state, path, decl, kernel);
  if (loop) {
    // Appended to the file: the transform's statement loop reaches it next and optimizes it.
    source.statements.push(loop);
    INLINED.set(kernel, loop);
  }
}

/**
 * `function __tsk_cpu_NAME(__tsk_n: i32, ...rest): void { for (let i: i32 = 0; i < __tsk_n; i++) { body } }`
 * with `return;` as `continue;`, or null where that would not mean the same.
 * @param {any} state @param {string} path @param {any} fn @param {any} kernel
 */
function inlinedLoop(state, path, fn, kernel) {
  if (!fn.body || fn.body.kind !== NodeKind.Block) return null;
  const params = new Set(fn.signature.parameters.map((/** @type {any} */ p) => p.name.text));
  let ok = true;
  /** @param {any} node @param {number} loops */
  const scan = (node, loops) => {
    if (!ok) return;
    if (node.kind === NodeKind.Return && loops > 0) ok = false; // `continue` would mean the inner loop
    // `var` is function-scoped: AssemblyScript rejects the copy as a duplicate of the kernel's own.
    if (node.kind === NodeKind.Variable && node.declarations.some((/** @type {any} */ d) => !(d.flags & (CommonFlags.Let | CommonFlags.Const)))) ok = false;
    const target = node.kind === NodeKind.Binary && isAssignOp(node.operator) ? node.left
      : (node.kind === NodeKind.UnaryPostfix || node.kind === NodeKind.UnaryPrefix) && (node.operator === Token.Plus_Plus || node.operator === Token.Minus_Minus) ? node.operand : null;
    if (target && unparen(target).kind === NodeKind.Identifier && params.has(unparen(target).text)) ok = false; // would carry over to the next index
    const inner = node.kind === NodeKind.For || node.kind === NodeKind.While || node.kind === NodeKind.Do ? loops + 1 : loops;
    walk(node, (c) => {
      if (c === node) return true;
      scan(c, inner);
      return false;
    });
  };
  scan(fn.body, 0);
  if (!ok) return null;
  const r = fn.range;
  const body = deepCopy(fn.body);
  /** @param {any} node */
  const returns = (node) => {
    for (const key of Object.keys(node)) {
      if (key === "range") continue;
      const v = node[key];
      if (Array.isArray(v)) v.forEach((c, i) => { if (c instanceof Node) { if (c.kind === NodeKind.Return) v[i] = Node.createContinueStatement(null, c.range); else returns(c); } });
      else if (v instanceof Node && v.kind !== NodeKind.Source) {
        if (v.kind === NodeKind.Return) node[key] = Node.createContinueStatement(null, v.range);
        else returns(v);
      }
    }
  };
  returns(body);
  // `boundscheck=false` on the kernel: its loop has no checks either (the optimizer uses the file's setting).
  if (!kernel.boundsCheck) rewriteNode(body, new Rewriter(state, path, false));
  const index = fn.signature.parameters[0].name.text;
  const loop = Node.createForStatement(
    decl(index, "i32", int(0, r), r),
    bin(Token.LessThan, id(index, r), id("__tsk_n", r), r),
    Node.createUnaryPostfixExpression(Token.Plus_Plus, id(index, r), r),
    body,
    r,
  );
  const params2 = fn.signature.parameters.map((/** @type {any} */ p, /** @type {number} */ i) =>
    Node.createParameter(ParameterKind.Default, id(i === 0 ? "__tsk_n" : p.name.text, r), type(i === 0 ? "i32" : kernel.params[i].type, r), null, r));
  const signature = Node.createFunctionType(params2, type("void", r), null, false, r);
  return Node.createFunctionDeclaration(id(`__tsk_cpu_${kernel.name}`, r), null, CommonFlags.None, null, signature, block([loop], r), 0, r);
}

/**
 * Adds to the generated entry, for each gpu kernel, the export of its
 * inlined loop (`export { __tsk_cpu_name as PREFIX__name__cpu } from "./file"`)
 * or else a loop that calls the kernel:
 *   import { name as __tsk_gpuK } from "./file";
 *   export function PREFIX__name__cpu(n: i32, a1: T1, ...): void {
 *     for (let i: i32 = 0; i < n; i++) __tsk_gpuK(i, a1, ...);
 *   }
 * @param {any} parser
 * @param {any[]} kernels
 */
export function addCpuLoops(parser, kernels) {
  const entry = parser.sources.find((/** @type {any} */ s) => s.normalizedPath === ENTRY_FILE);
  if (!entry) return;
  const r = entry.range;
  kernels.forEach((k, index) => {
    if (!k.gpu) return;
    const inlined = INLINED.get(k);
    const path = Node.createStringLiteralExpression(`./${k.file.replace(/\.ts$/, "")}`, r);
    if (inlined) {
      inlined.flags |= CommonFlags.Export; // read when the program is initialized, after parsing
      const member = Node.createExportMember(id(inlined.name.text, r), id(k.gpu.cpuExport, r), r);
      entry.statements.push(Node.createExportStatement([member], path, false, r));
      return;
    }
    const local = `__tsk_gpu${index}`;
    const importDecl = Node.createImportDeclaration(id(k.local ?? k.name, r), id(local, r), r);
    entry.statements.push(Node.createImportStatement([importDecl], path, r));
    const params = k.params.map((/** @type {{ type: string }} */ p, /** @type {number} */ i) =>
      Node.createParameter(ParameterKind.Default, id(i === 0 ? "n" : `a${i}`, r), type(p.type, r), null, r));
    const args = k.params.map((/** @type {unknown} */ _, /** @type {number} */ i) => id(i === 0 ? "i" : `a${i}`, r));
    const loop = Node.createForStatement(
      decl("i", "i32", int(0, r), r),
      bin(Token.LessThan, id("i", r), id("n", r), r),
      Node.createUnaryPostfixExpression(Token.Plus_Plus, id("i", r), r),
      Node.createExpressionStatement(Node.createCallExpression(id(local, r), null, args, r)),
      r,
    );
    const signature = Node.createFunctionType(params, type("void", r), null, false, r);
    entry.statements.push(Node.createFunctionDeclaration(id(k.gpu.cpuExport, r), null, CommonFlags.Export, null, signature, block([loop], r), 0, r));
  });
}
