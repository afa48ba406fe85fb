/**
 * The AssemblyScript options every tskern build uses. These choices are the
 * product (see plugin/README.md, "Codegen"): AssemblyScript's defaults make
 * kernels slower than plain JS.
 *
 * - `--runtime minimal`: a real allocator (TLSF) and a collector that runs only
 *   when the host calls `__collect()`; no shadow stack (the default
 *   incremental runtime stores to it on every array access).
 * - imported, shared memory: one memory per build, created by the host, so
 *   views survive growth and workers can share it.
 * - bounds checks come from the kernel transform, inline.
 */

/** Wasm pages (64 KiB) the module may declare at most: 4 GiB, the wasm32 limit. */
export const MAX_PAGES = 65536;

/** Name of the generated entry module and the virtual library directory. */
export const ENTRY_FILE = "__tskern_entry__.ts";
export const LIB_DIR = "__tskern_lib__";
export const WASM_FILE = "tskern.wasm";

/**
 * @param {{ optimizeLevel?: number, shrinkLevel?: number, sourceMap?: boolean }} options
 * @returns {string[]}
 */
export function ascArguments({ optimizeLevel = 3, shrinkLevel = 0, sourceMap = true } = {}) {
  const args = [
    ENTRY_FILE,
    "--outFile", WASM_FILE,
    "--runtime", "minimal",
    "--exportRuntime",
    "--importMemory",
    "--sharedMemory",
    "--maximumMemory", String(MAX_PAGES),
    "--enable", "threads",
    "--enable", "simd",
    "--optimizeLevel", String(optimizeLevel),
    "--shrinkLevel", String(shrinkLevel),
    "--lib", LIB_DIR,
    "--config", "__tskern_no_asconfig__.json",
    "--noColors",
  ];
  if (sourceMap) args.push("--sourceMap");
  return args;
}
