/**
 * Worker thread for the compiler fuzz suite: compiles one case per message,
 * so the main thread can time each case out and terminate a hung compiler
 * (AssemblyScript and Binaryen run synchronously and cannot be interrupted
 * otherwise). Replies `{ id, result }`, or `{ id, threw }` when the compiler
 * API threw instead of returning diagnostics (an invariant violation).
 */
import { parentPort } from "node:worker_threads";
import { compileKernels } from "../../plugin/compiler/compile.js";
import { buildKernels } from "../../plugin/build/build-kernels.js";

/** @param {any} msg */
async function handle(msg) {
  if (msg.op === "compile") {
    // Sources in memory: { relPath: text }; nothing touches the disk.
    const files = Object.keys(msg.sources);
    const r = await compileKernels({
      files,
      root: msg.root,
      readFile: async (abs) => {
        const rel = abs.slice(msg.root.length + 1).split("\\").join("/");
        return Object.hasOwn(msg.sources, rel) ? msg.sources[rel] : null;
      },
    });
    return { ok: r.ok, diagnostics: r.diagnostics, kernels: r.kernels.length, wasmBytes: r.wasm?.length ?? 0 };
  }
  if (msg.op === "build") {
    const r = await buildKernels({ inputs: msg.inputs, cwd: msg.cwd, cache: false });
    return { ok: r.ok, diagnostics: r.diagnostics, outputs: r.outputs };
  }
  throw new Error(`unknown op ${msg.op}`);
}

parentPort?.on("message", async (msg) => {
  try {
    parentPort?.postMessage({ id: msg.id, result: await handle(msg) });
  } catch (error) {
    parentPort?.postMessage({ id: msg.id, threw: error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error) });
  }
});
