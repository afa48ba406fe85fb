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
};
