// Builds guide kernels with the real toolchain (`buildKernels`, what
// `tskern build` runs) into a temporary directory and imports the generated
// modules. The directory is removed when the process exits; the build cache
// (node_modules/.cache/tskern) makes the next run's build instant.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildKernels, writeOutputs, formatDiagnostic } from "tskern";

/** examples/guide/, the root the kernel paths in messages are relative to. */
export const GUIDE_DIR = fileURLToPath(new URL(".", import.meta.url));

/**
 * The kernels the steps use, built together as one build: one compile (then
 * served from the cache) for every step, and one memory, so an array from
 * `alloc` can go to any of them. Step 4 builds its two files itself, with the
 * CLI; step 7's GPU kernel is built on its own.
 */
export const GUIDE_KERNELS = ["sum", "levenshtein", "mandelbrot", "patterns", "simd", "parallel", "myths"].map((n) => `kernels/${n}.kernel.ts`);

/** A fresh temporary directory, removed at exit. @param {string} name */
export function tempDir(name) {
  const dir = mkdtempSync(nodePath.join(os.tmpdir(), `tskern-guide-${name}-`));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Builds `files` (default GUIDE_KERNELS; paths relative to examples/guide, e.g. "kernels/sum.kernel.ts")
 * as one build (one wasm, one memory) and imports every kernel module.
 * A compile error throws an Error whose message is the located diagnostics
 * (`kernels/x.kernel.ts:3:5: error ...` with a code frame).
 * @param {string[]} [files]
 * @param {{ boundsCheck?: boolean, cwd?: string }} [options]
 * @returns {Promise<{ dir: string, modules: Record<string, any>, ms: number, fromCache: boolean }>}
 *   modules: by file name without `.kernel.ts`
 */
export async function buildGuideKernels(files = GUIDE_KERNELS, options = {}) {
  const cwd = options.cwd ?? GUIDE_DIR;
  const t0 = performance.now();
  const result = await buildKernels({ inputs: files, cwd, ...(options.boundsCheck === undefined ? {} : { boundsCheck: options.boundsCheck }) });
  const ms = performance.now() - t0;
  if (!result.ok) {
    throw new Error(`the guide kernels ${files.join(", ")} do not compile:\n${result.diagnostics.map(formatDiagnostic).join("\n")}`);
  }
  const dir = tempDir("build");
  await writeOutputs(dir, result.outputs);
  /** @type {Record<string, any>} */
  const modules = {};
  for (const f of result.files) {
    modules[nodePath.basename(f.file, ".kernel.ts")] = await import(pathToFileURL(nodePath.join(dir, f.out)).href);
  }
  return { dir, modules, ms, fromCache: result.fromCache };
}
