/**
 * The catalogue of tskern's own compile-time diagnostics (TSK1xx). Runtime
 * codes (TSK2xx) live in runtime/errors.js. AssemblyScript's own diagnostics
 * pass through with their code as `AS<code>`.
 */
export const COMPILE_CODES = {
  TSK100: "AssemblyScript reported an error in the kernel source; it keeps AssemblyScript's own code, shown as AS<number> (e.g. AS2304).",
  TSK101: "A kernel parameter has a type tskern cannot pass between JavaScript and WebAssembly.",
  TSK102: "A kernel returns a type tskern cannot pass back to JavaScript.",
  TSK103: "An unknown or malformed `// @tskern` directive.",
  TSK104: "A kernel module exports something that is not a function.",
  TSK105: "A kernel file is missing, unreadable or not named NAME.kernel.ts, or no kernel files were given.",
  TSK106: "A kernel file lies outside the build root.",
  TSK107: "A kernel is generic, or has optional or rest parameters.",
  TSK108: "A directive reserved for a later version of tskern.",
  TSK109: "The AssemblyScript compiler crashed, or failed without a located error (a bug to report).",
  TSK110: "A `// @tskern parallel` kernel that cannot run on worker threads (first parameters not `start: i32, end: i32`, allocation, indirect calls, start-time globals).",
  TSK111: "An unknown or repeated dtype in `// @tskern dtypes=`.",
  TSK112: "`// @tskern dtypes=` on a function that is not an exported generic kernel.",
  TSK113: "A generic kernel with `dtypes` that cannot be dispatched: not exactly one type parameter, no `TypedArray<T>` (or 2-D view of `T`) parameter, or also `parallel`.",
  TSK114: "A 2-D view parameter with an element type a view cannot have, or a view passed to a `// @tskern parallel` kernel.",
  TSK120: "A `// @tskern gpu` kernel's signature is not a GPU one: first parameter not `i: i32`, a parameter other than Float32Array/Int32Array/Uint32Array/f32/i32/u32, a non-void result, or more arrays than WebGPU binds.",
  TSK121: "A statement a `// @tskern gpu` kernel cannot lower to WGSL.",
  TSK122: "An expression, operator or name a `// @tskern gpu` kernel cannot lower to WGSL (module-level names, allocation, closures, strings, assignments inside expressions).",
  TSK123: "A call a `// @tskern gpu` kernel cannot make on the GPU (user functions, `Math` in f64, Mathf functions WGSL lacks).",
  TSK124: "A type a `// @tskern gpu` kernel cannot use, or a mix of types WGSL does not convert implicitly (f64, i64, i32 with u32, float literals with integers).",
};
