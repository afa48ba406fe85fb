/**
 * Generates docs/diagnostics.md, the catalogue of tskern's diagnostics, from
 * the code catalogues (plugin/compiler/diagnostic-codes.js for TSK1xx,
 * runtime/errors.js for TSK2xx) and the explanations below (an example
 * message and the fix for every code). tests/annotate.test.js fails when a
 * code lacks an explanation or the doc on disk is stale.
 *
 *   node plugin/annotate/diagnostics-doc.js          rewrite docs/diagnostics.md
 *   node plugin/annotate/diagnostics-doc.js --check  exit 1 if it is stale
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { COMPILE_CODES } from "../compiler/diagnostic-codes.js";
import { RUNTIME_CODES } from "../../runtime/errors.js";
import { LINT_RULES } from "./lint-rules.js";

export const DOC_PATH = fileURLToPath(new URL("../../docs/diagnostics.md", import.meta.url));

/**
 * @typedef {object} CodeDoc
 * @property {string} [thrown]   run time: the error class
 * @property {string} when       what triggers it
 * @property {string} example    a message as the user sees it
 * @property {string} fix
 */

/** @type {Record<string, CodeDoc>} */
export const CODE_DOCS = {
  TSK100: {
    when: "AssemblyScript's type checker or parser rejects the kernel source (an unknown name, a type mismatch, a syntax error). The diagnostic keeps AssemblyScript's own code, shown as `AS<number>`, with the kernel path relative to the build root and a code frame; TSK100 is the family name, it never appears in a message.",
    example: "kernels/blas.kernel.ts:3:14: error AS2304: Cannot find name 'undefinedName'.\n  1 | export function f(x: f64): i32 {\n  2 |   let y: i32 = 1;\n> 3 |   return y + undefinedName;\n    |              ^^^^^^^^^^^^^",
    fix: "Fix the code at the marked position. Where the message names an AssemblyScript type, remember that kernels are AssemblyScript, not TypeScript: integers and floats are distinct types (`i32`, `f64`), and mixing them needs an explicit conversion (`<f64>i`).",
  },
  TSK101: {
    when: "An exported function (a kernel) has a parameter whose type cannot cross between JavaScript and WebAssembly: strings, objects, arrays of arrays, nullable or generic types.",
    example: "kernels/text.kernel.ts:1:30: error TSK101: Parameter 's' of kernel 'f' has type 'string', which a kernel cannot take. Supported: i8, i16, i32, u8, u16, u32, i64, u64, f32, f64, bool, Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray, Int64Array, Uint64Array, View2D<T>, ContiguousView2D<T>.",
    fix: "Use one of the supported types: pass text as a `Uint8Array` of its bytes, structured data as typed arrays (one per field) or scalars. A helper function that is not exported may take any type.",
  },
  TSK102: {
    when: "A kernel returns a type that cannot be passed back to JavaScript, or has no return type annotation.",
    example: "kernels/list.kernel.ts:1:28: error TSK102: Kernel 'f' returns 'Array<i32>', which tskern cannot pass back to JavaScript. Supported: void, i8, i16, i32, u8, u16, u32, i64, u64, f32, f64, bool, Float64Array, ...",
    fix: "Return a scalar, `void`, or a typed array (`Int32Array` instead of `Array<i32>`), or write the results into an array parameter. Annotate the return type (`: f64`, `: void`).",
  },
  TSK103: {
    when: "A `// @tskern` directive comment names a directive tskern does not know, or gives it a value it does not take; or a `// @tskern parallel` kernel does not start with `start: i32, end: i32`, allocates, makes indirect calls or reads module-level variables set at startup (it runs on worker threads).",
    example: "kernels/blas.kernel.ts:1:12: error TSK103: Unknown directive 'boundcheck' (did you mean 'boundscheck'?). Known directives: boundscheck, fastmath, parallel. Write them as '// @tskern key=value'.",
    fix: "Correct the spelling or the value (`true` or `false`), or remove the directive. Directives are written `// @tskern key=value`, before the first statement (file-wide) or right above a function.",
  },
  TSK104: {
    when: "A kernel file exports something other than a function (a constant, a class, a re-export). Every export of a kernel file becomes a kernel, and only functions can be.",
    example: "kernels/blas.kernel.ts:1:1: error TSK104: A kernel module exports only functions, written 'export function name(...)'. Remove 'export' here, or move this to a helper module the kernel imports.",
    fix: "Remove `export`, or move the declaration into a helper `.ts` module that the kernel file imports.",
  },
  TSK105: {
    when: "A kernel file given to the build does not exist, cannot be read, or is not named `*.kernel.ts`; or no kernel files were found in the inputs.",
    example: "kernels/blas.kernl.ts: error TSK105: Kernel file 'kernels/blas.kernl.ts' must end in .kernel.ts.",
    fix: "Check the path (relative to the current directory, or to `--root`), and name kernel files `NAME.kernel.ts`.",
  },
  TSK106: {
    when: "A kernel file lies outside the build root, so its paths in messages, the manifest and the output directory would not be relative to the project.",
    example: "../shared/blas.kernel.ts: error TSK106: Kernel file '../shared/blas.kernel.ts' is outside the build root '/home/me/app'. Run the build from a directory that contains it, or pass --root.",
    fix: "Run the build from a directory that contains every kernel file, or pass `--root` (build option `cwd`) naming one.",
  },
  TSK107: {
    when: "A kernel is generic, or has an optional, defaulted or rest parameter: the bindings need one fixed signature per kernel.",
    example: "kernels/blas.kernel.ts:1:27: error TSK107: Parameter 'b' of kernel 'f' is optional or a rest parameter; kernels take a fixed list of parameters.",
    fix: "Export one kernel per element type (`sumF32`, `sumF64`) calling a shared generic helper, and pass every argument explicitly (put the default on the JavaScript side).",
  },
  TSK108: {
    when: "A directive that a later version of tskern will support (`wraparound`).",
    example: "kernels/blas.kernel.ts:1:12: error TSK108: Directive 'wraparound' is not supported by this version of tskern yet. Remove it.",
    fix: "Remove the directive.",
  },
  TSK109: {
    when: "The AssemblyScript compiler crashed, or failed without reporting a located error. This is a bug in tskern or AssemblyScript, not in the kernel.",
    example: "kernels/blas.kernel.ts: error TSK109: The AssemblyScript compiler crashed: unreachable. Please report this with the kernel source.",
    fix: "Report it with the kernel source. Meanwhile, undo the last change to the kernel or simplify the code it touched until the file compiles.",
  },
  TSK110: {
    when: "A kernel marked `// @tskern parallel` cannot run on the worker pool: its first two parameters are not `start: i32, end: i32`, or (checked in the compiled wasm) it allocates kernel memory, makes an indirect call (a closure or virtual method), or reads a module-level variable set when the module starts. Each worker runs its own instance of the module over the shared memory, without the start function, and the allocator's state is the main thread's. Located at the kernel's parameters or name.",
    example: "kernels/par.kernel.ts:4:17: error TSK110: Parallel kernel 'grow' allocates kernel memory (new arrays or objects, array push, string building, ...), which the allocator cannot do on a worker thread. Allocate the arrays it needs on the host with alloc() and pass them in; or remove '// @tskern parallel'.",
    fix: "Start the parameter list with `start: i32, end: i32` and loop over `[start, end)`; allocate scratch arrays on the host with `alloc()` and pass them in; pass values that a module-level variable held as parameters; call plain functions instead of closures. Or remove `// @tskern parallel`.",
  },
  TSK111: {
    when: "The value of `// @tskern dtypes=` names an element type tskern cannot build a generic kernel for, or lists one twice. Known dtypes: f64, f32, i32, u32, i16, u16, i8, u8, i64, u64 (comma-separated, no spaces). Located at the directive.",
    example: "kernels/gen.kernel.ts:2:12: error TSK111: 'f16' is not a dtype tskern can build a generic kernel for. Known dtypes: f64, f32, i32, u32, i16, u16, i8, u8, i64, u64. Write e.g. '// @tskern dtypes=f32,f64,i32' (no spaces).",
    fix: "List known dtypes, each once: `// @tskern dtypes=f32,f64,i32`.",
  },
  TSK112: {
    when: "A function-level `// @tskern dtypes=` sits above a kernel that is not generic, or above a function that is not an exported kernel. (A file-wide `dtypes` applies to the file's generic kernels only.) Located at the function's name.",
    example: "kernels/gen.kernel.ts:3:17: error TSK112: '// @tskern dtypes=...' applies to exported generic kernels ('export function sum<T>(x: TypedArray<T>, ...)'), and 'sum' is not generic. Remove the directive, or make the kernel generic over its element type T.",
    fix: "Remove the directive, or write the kernel once over its element type: `export function sum<T>(x: TypedArray<T>): T`.",
  },
  TSK113: {
    when: "A generic kernel with `dtypes` cannot be built per dtype: it has more than one type parameter, no parameter of type `TypedArray<T>` or `View2D<T>` whose class picks the specialisation at a call, or it is also `// @tskern parallel`. Located at the kernel's name.",
    example: "kernels/gen.kernel.ts:2:17: error TSK113: Generic kernel 'fill' has no parameter of type 'TypedArray<T>' (or 'View2D<T>'), so a call cannot tell which dtype to run. Give it one, or write one kernel per element type.",
    fix: "Give the kernel exactly one type parameter (the element type) and at least one `TypedArray<T>` or `View2D<T>` parameter; write parallel kernels once per element type.",
  },
  TSK114: {
    when: "A `View2D<...>` or `ContiguousView2D<...>` parameter whose element type is not a numeric dtype (f64, f32, i32, u32, i16, u16, i8, u8, i64, u64), or a 2-D view parameter of a `// @tskern parallel` kernel. Located at the parameter's type.",
    example: "kernels/img.kernel.ts:1:22: error TSK114: Parameter 'm' of kernel 'f' has type 'View2D<string>'; a 2-D view takes one numeric element type: View2D<f64>, View2D<f32>, View2D<i32>, ... (also u32, i16, u16, i8, u8, i64, u64), or View2D<T> in a generic kernel.",
    fix: "Use a numeric element type (`View2D<f64>`); for a parallel kernel pass the view's data array and its rows, cols and stride as separate parameters.",
  },
  TSK120: {
    when: "A kernel marked `// @tskern gpu` runs once per index on the GPU, so its signature is fixed: the first parameter is the index `i: i32`, the others are `Float32Array`, `Int32Array`, `Uint32Array` (storage buffers) or `f32`, `i32`, `u32` (uniforms), at most 8 arrays (WebGPU's default binding limit), and it returns `void`. Located at the offending parameter or result.",
    example: "kernels/gpu.kernel.ts:2:38: error TSK120: Parameter 'x' of GPU kernel 'scale' has type 'Float64Array'; a GPU kernel takes Float32Array, Int32Array, Uint32Array and the scalars f32, i32, u32 (WGSL has no f64, i64 or 8/16-bit storage).",
    fix: "Write the kernel per element: `export function k(i: i32, a: f32, x: Float32Array, y: Float32Array): void { y[i] = a * x[i]; }`; use f32 data on the GPU; write results into arrays instead of returning them. Or remove `// @tskern gpu`.",
  },
  TSK121: {
    when: "A `// @tskern gpu` kernel contains a statement outside the GPU subset: switch, try/throw, a labelled break, `for (;;)` without a condition, `return value`, a call used as a statement, or a declaration of a function or class. The message lists the statements the subset has.",
    example: "kernels/gpu.kernel.ts:3:3: error TSK121: 'switch (i & 3) {' is not supported in GPU kernel 'pick'. A GPU kernel may contain: let/const locals (f32, i32, u32, bool), assignments (=, +=, ...) to locals and array elements, ++/--, if/else, for, while, do-while, break, continue, return;",
    fix: "Rewrite it with if/else and loops that have a condition; write results into an array; inline helper code into the kernel.",
  },
  TSK122: {
    when: "A `// @tskern gpu` kernel uses an expression the GPU cannot run: a module-level variable (`let`, `var`) or function (they do not exist on the GPU; a module-level `const` with a constant initializer does), `new`, a closure, a string, an assignment or `++` inside an expression, a property other than `.length` and the `Mathf` constants, or indexes something that is not an array parameter.",
    example: "kernels/gpu.kernel.ts:4:18: error TSK122: 'scale' is not a parameter, local or module-level constant of GPU kernel 'apply'. Module-level variables (let, var) and functions do not exist on the GPU: pass the value as a parameter, declare it inside the kernel, or make it 'const NAME: f32 = <constant expression>'.",
    fix: "Pass the value as a parameter, declare it in the kernel, or make it a module-level `const` with a constant initializer; allocate arrays on the host and pass them in; make assignments and `++` statements of their own.",
  },
  TSK123: {
    when: "A `// @tskern gpu` kernel calls something the GPU cannot run: a function of the kernel file or a helper module, `Math.*` (it computes in f64, which WGSL lacks), or a `Mathf` function WGSL has no counterpart for (`Mathf.random`, `Mathf.cbrt`, ...).",
    example: "kernels/gpu.kernel.ts:3:16: error TSK123: 'Math.sqrt' computes in f64, and WGSL has no f64. Use Mathf (f32) in GPU kernels: Mathf.sqrt, Mathf.exp, Mathf.PI, ...",
    fix: "Use `Mathf` (f32) functions and the built-ins `abs`, `min`, `max`, `sqrt`, `floor`, `ceil`, `trunc`, `nearest`; inline helper functions into the kernel.",
  },
  TSK124: {
    when: "A `// @tskern gpu` kernel uses a type WGSL lacks (f64, i64, 8/16-bit integers), an untyped float local (`let t = 0.5` is f64 in AssemblyScript), or mixes types WGSL does not convert implicitly: i32 with u32, an integer with a float literal, a float where an integer or bool is needed.",
    example: "kernels/gpu.kernel.ts:3:7: error TSK124: Local 't' would be f64 (an untyped float literal is f64 in AssemblyScript), and WGSL has no f64. Declare it f32: 'let t: f32 = 0.5'.",
    fix: "Declare float locals `: f32`; convert explicitly where types meet (`f32(i)`, `<u32>k`, `i32(u)`); compare floats rather than using them as conditions.",
  },
  TSK201: {
    thrown: "KernelError",
    when: "A kernel indexed a typed array outside `0 .. length - 1` with bounds checks on (the default). The message names the access's `path:line:col`; what the kernel wrote before the failing access stays written, and the memory and all live arrays are intact.",
    example: "dot: index 7 out of bounds for length 4 at kernels/blas.kernel.ts:9:43 (valid indices are 0 to 3). Check the index expression and the loop bound against the array's length",
    fix: "Fix the index expression or the loop bound at that line, or pass arrays of the length the kernel expects (check lengths at the top of the kernel with `assert` to fail early with your own message).",
  },
  TSK202: {
    thrown: "Error",
    when: "An array passed to a kernel was already freed with `free` (or by a `using` declaration).",
    example: "dot: parameter 'x' is an array that was already freed. Pass a live array: free it only after its last use, or allocate a new one [TSK202]",
    fix: "Free the array only after its last use, or allocate a new one.",
  },
  TSK203: {
    thrown: "Error",
    when: "`free` was called twice on the same array.",
    example: "free: this array was already freed. Free each array once (a `using` declaration frees it when its block ends) [TSK203]",
    fix: "Free each array exactly once; drop the explicit `free` of an array declared with `using`.",
  },
  TSK204: {
    thrown: "Error",
    when: "`free` was given something `alloc` did not return: a plain typed array, a subarray, or an array of another build.",
    example: "free: this array was not allocated by tskern's alloc (plain arrays and subarrays need no free) [TSK204]",
    fix: "Only free what `alloc` (or a kernel returning a new array) gave you; plain arrays are garbage-collected as usual.",
  },
  TSK205: {
    thrown: "KernelError",
    when: "A kernel called `assert` with a false condition, threw, or called `abort`. The message is the kernel's own, with the `path:line:col` of the `assert` or `throw`.",
    example: "positive: n must be positive at kernels/arrays.kernel.ts:49:3",
    fix: "The kernel's own message says what is wrong; fix the arguments, or the condition.",
  },
  TSK206: {
    thrown: "KernelError",
    when: "WebAssembly trapped inside a kernel: `unreachable()`, integer division by zero, a memory access outside kernel memory (with bounds checks off), a stack overflow. The message names the kernel source line of the trap when the source map knows it, else the kernel's declaration; `cause` holds the `WebAssembly.RuntimeError`.",
    example: "divide: divide by zero at kernels/arrays.kernel.ts:61:10. Integer division or remainder by zero traps in WebAssembly; check the divisor before dividing",
    fix: "Follow the hint after the location: check divisors before dividing, bound recursion, turn bounds checks back on to locate a bad `unchecked` access.",
  },
  TSK207: {
    thrown: "RangeError",
    when: "`alloc` (or a kernel call copying a plain array in) needs more memory than the limit allows. Existing arrays stay intact.",
    example: "alloc: cannot allocate 4.0 MiB: the kernel memory limit is 32.0 MiB and about 1.2 MiB is left (30.8 MiB in 8 live arrays). Free arrays you no longer need, or raise the limit (build option memoryLimit, or TSKERN_MEMORY_LIMIT). Existing arrays are intact [TSK207]",
    fix: "Free arrays you no longer need, or raise the limit: `tskern build --memory-limit 4GiB`, or `TSKERN_MEMORY_LIMIT=4GiB` at run time (4 GiB is the wasm32 maximum). One array holds at most 1 GiB.",
  },
  TSK208: {
    thrown: "TypeError",
    when: "A kernel was called with the wrong number of arguments.",
    example: "addI32(a: i32, b: i32) takes 2 arguments, got 1 [TSK208]",
    fix: "Call it with the arguments its signature (shown in the message and in the generated `.d.ts`) lists.",
  },
  TSK209: {
    thrown: "TypeError",
    when: "An argument has the wrong type or is out of range for its parameter (a number for a `bigint`, a float for an `i32`, a `Float32Array` for a `Float64Array`, ...), or `alloc` got an unsupported array type or a bad length.",
    example: "sumF64: parameter 'x' expects a Float64Array, got a Float32Array [TSK209]",
    fix: "Pass what the message says the parameter expects: `i64`/`u64` take `bigint`, integer types take integers in their range, arrays must be of the exact typed-array class.",
  },
  TSK210: {
    thrown: "Error",
    when: "`alloc` (or another runtime call that needs a build) ran before any kernel module was imported, so there is no kernel memory yet.",
    example: "No kernel build is loaded yet: import a kernel module (e.g. `import { dot } from \"./blas.kernel.js\"`) before calling alloc [TSK210]",
    fix: "Import a kernel module before calling `alloc`, or pass `{ build }` explicitly.",
  },
  TSK211: {
    thrown: "Error",
    when: "The kernel's wasm imports a host function the runtime does not provide (an `@external` declaration, or a standard-library API that needs the host).",
    example: "This kernel build imports 'env.now', which the tskern runtime does not provide. Kernels cannot call host functions; remove the @external declaration or the API that needs it [TSK211]",
    fix: "Remove the `@external` declaration or the API that needs it; pass what it provided as a kernel argument instead.",
  },
  TSK213: {
    thrown: "TypeError",
    when: "A generic kernel (`// @tskern dtypes=`) was called with an array (or a 2-D view of one) whose class is not among the dtypes it was built for; the message lists those.",
    example: "sum: parameter 'x' is a Uint16Array, but sum is built only for Float32Array, Float64Array, Int32Array. Pass one of those, or add its element type to the kernel's '// @tskern dtypes=' directive [TSK213]",
    fix: "Pass an array of one of the listed classes, or add its dtype (`u16`) to the kernel's `dtypes` directive and rebuild.",
  },
  TSK214: {
    thrown: "TypeError",
    when: "A 2-D view parameter (`View2D<T>`, `ContiguousView2D<T>`) received something that is not a view from `alloc2d`/`view2d` (a bare typed array, a look-alike object), or a view of another array class.",
    example: "sum2d: parameter 'm' expects a 2-D view of Float64Array (from alloc2d or view2d), got a Float64Array (wrap it: view2d(array, rows, cols)) [TSK214]",
    fix: "Wrap the array: `view2d(array, rows, cols)`, or allocate with `alloc2d(Float64Array, rows, cols)`; match the parameter's element type.",
  },
  TSK215: {
    thrown: "TypeError",
    when: "A view whose rows are not packed back to back (a sub-block narrower than its parent, a transpose, a column-strided view) was passed to a `ContiguousView2D<T>` parameter, which requires colStride 1 and stride == cols.",
    example: "sumFlat: parameter 'm' is a ContiguousView2D (rows packed: colStride 1, stride == cols), got a 2x3 view with stride 6 and colStride 1. Pass a packed view (alloc2d, or copy into one), or declare the parameter View2D<f64> to accept strided views [TSK215]",
    fix: "Declare the parameter `View2D<T>` to accept strided views, or pass a packed copy (`view2d(v.toArray(), v.rows, v.cols)`).",
  },
  TSK216: {
    thrown: "RangeError",
    when: "A 2-D view was made with a shape, offset or strides that reach past its data (or negative or non-integer ones), `block()` asked for a region outside the view, or `get`/`set` on the host got an index outside it. (Inside a kernel an out-of-range `get`/`set` is a KernelError TSK201.)",
    example: "a 3x4 view with offset 0, stride 4 and colStride 1 reaches element 11, but its data has 10 elements. Use a smaller shape or stride, or larger data [TSK216]",
    fix: "Keep `offset + (rows - 1) * stride + (cols - 1) * colStride` below the data's length; check block and index bounds against `rows` and `cols`.",
  },
};

/** What each lint rule of `tskern annotate` means and what to do. */
export const LINT_DOCS = {
  "loop-condition-and": "A loop condition joins tests with `&&` (`while (i < n && x[i] > 0)`). Keep the counter bound in the header and leave the loop with `break`: `for (; i < n; i++) { if (!(x[i] > 0)) break; ... }`.",
  "allocation-in-loop": "`new ...` or an array literal (or a call that allocates) inside a loop allocates on every iteration, and kernel-internal garbage is only reclaimed after the kernel returns. Allocate once before the loop and reuse the array (`.fill(0)` to reset it).",
  "float-mix": "A line in a loop compiles to `f64.promote_f32` / `f32.demote_f64`: f32 data is computed in f64 (`Math.sqrt` of an f32, an f64 constant times an f32). Use `Mathf` for f32 math and declare constants with the data's type, unless the f64 precision is deliberate.",
  "checked-inner-loop": "An array access in a loop nested inside another loop keeps its bounds check (the optimizer could not prove it in range). Check the range once before the loops and use `unchecked(a[i])` inside, or put `// @tskern boundscheck=false` above the function.",
};

/** @param {string} code @param {string} meaning @param {CodeDoc} doc */
function entry(code, meaning, doc) {
  const lines = [`### ${code}: ${meaning.replace(/\.$/, "")}`, ""];
  if (doc.thrown) lines.push(`Thrown as \`${doc.thrown}\` with \`error.code === "${code}"\`.`, "");
  lines.push(doc.when, "", "Example:", "", "```text", doc.example, "```", "", `**Fix:** ${doc.fix}`, "");
  return lines.join("\n");
}

/** The whole document. */
export function renderDiagnosticsDoc() {
  const out = [
    "# Diagnostics",
    "",
    "<!-- Generated by plugin/annotate/diagnostics-doc.js from plugin/compiler/diagnostic-codes.js and runtime/errors.js. Edit those, then run `node plugin/annotate/diagnostics-doc.js`. -->",
    "",
    "Every error tskern reports carries a code and says where (`path:line:col` of the kernel source, or the kernel and parameter), what went wrong, and what to do.",
    "",
    "- **TSK1xx, compile time**: `tskern build`, `tskern check`, `tskern annotate` and `tskern/register` print `path:line:col: error CODE: message` and a code frame, and write nothing. The diagnostics are also data: `compileKernels()` returns `{ path, line, column, code, message, frame }` objects.",
    "- **TSK2xx, run time**: thrown by `tskern/runtime` and the generated bindings as `KernelError`, `TypeError`, `RangeError` or `Error`, with `error.code` set. Messages of errors other than `KernelError` end with the code in brackets. After any of them, kernel memory and all live arrays are intact and later calls work.",
    "- **AS<number>**: errors of the AssemblyScript compiler itself, passed through with their own code (see TSK100).",
    "",
    "## Compile time (TSK1xx)",
    "",
  ];
  for (const [code, meaning] of Object.entries(COMPILE_CODES)) out.push(entry(code, meaning, CODE_DOCS[code] ?? missing(code)));
  out.push("## Run time (TSK2xx)", "");
  for (const [code, meaning] of Object.entries(RUNTIME_CODES)) out.push(entry(code, meaning, CODE_DOCS[code] ?? missing(code)));
  out.push(
    "## Hints from `tskern annotate`",
    "",
    "Not errors: `tskern annotate` prints these as `path:line:col: hint RULE: message`, with the suggested rewrite, and shows them in the report.",
    "",
  );
  for (const [rule, title] of Object.entries(LINT_RULES)) {
    out.push(`### ${rule}: ${title}`, "", LINT_DOCS[/** @type {keyof typeof LINT_DOCS} */ (rule)] ?? "(undocumented)", "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** @param {string} code @returns {CodeDoc} */
function missing(code) {
  return { when: `(No explanation for ${code} yet: add one to plugin/annotate/diagnostics-doc.js.)`, example: "", fix: "" };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = renderDiagnosticsDoc();
  if (process.argv.includes("--check")) {
    let current = "";
    try { current = readFileSync(DOC_PATH, "utf8"); } catch { /* missing */ }
    if (current !== text) {
      process.stderr.write("docs/diagnostics.md is stale: run `node plugin/annotate/diagnostics-doc.js`\n");
      process.exitCode = 1;
    }
  } else {
    writeFileSync(DOC_PATH, text);
    process.stdout.write(`wrote ${DOC_PATH}\n`);
  }
}
