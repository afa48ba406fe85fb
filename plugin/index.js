/**
 * tskern's build-time API (the package's main entry). Runtime APIs live in
 * `tskern/runtime`; bundler plugins in `tskern/vite`, `tskern/esbuild`, ...
 */
export { compileKernels, COMPILER_VERSIONS } from "./compiler/compile.js";
export { formatDiagnostic, KernelCompileError } from "./compiler/diagnostics.js";
export { COMPILE_CODES } from "./compiler/diagnostic-codes.js";
export { buildKernels, writeOutputs, compareOutputs } from "./build/build-kernels.js";
export { transpilePure } from "./pure/transpile.js";
export { importPure } from "./pure/load.js";
