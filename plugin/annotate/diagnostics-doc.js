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
    example: "kernels/text.kernel.ts:1:30: error TSK101: Parameter 's' of kernel 'f' has type 'string', which a kernel cannot take. Supported: i8, i16, i32, u8, u16, u32, i64, u64, f32, f64, bool, Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array, Uint8ClampedArray, Int64Array, Uint64Array.",
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
    when: "A directive that a later version of tskern will support (`gpu`, `dtypes`, `wraparound`).",
    example: "kernels/blas.kernel.ts:1:12: error TSK108: Directive 'gpu' is not supported by this version of tskern yet. Remove it.",
    fix: "Remove the directive.",
  },
  TSK109: {
    when: "The AssemblyScript compiler crashed, or failed without reporting a located error. This is a bug in tskern or AssemblyScript, not in the kernel.",
    example: "kernels/blas.kernel.ts: error TSK109: The AssemblyScript compiler crashed: unreachable. Please report this with the kernel source.",
    fix: "Report it with the kernel source. Meanwhile, undo the last change to the kernel or simplify the code it touched until the file compiles.",
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
