// The "AssemblyScript --bindings esm" column of `npm run bench`: the same
// kernel sources compiled by AssemblyScript's own CLI with its defaults
// (incremental GC runtime, its own bounds checks) and its generated ES module
// bindings, which copy every typed-array argument into wasm memory on each
// call (and do not copy it back: an output array is left unchanged, so only
// return values are compared). Outputs go to bench/.build/asc/, rebuilt only
// when a source or the asc version changes.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import nodePath from "node:path";
import { promisify } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const repo = nodePath.join(here, "..");
const outDir = nodePath.join(here, ".build", "asc");
const asc = nodePath.join(repo, "node_modules", ".bin", "asc");

export const ASC_FLAGS = ["--bindings", "esm", "-O3"];

/**
 * Builds kernels/<file>.kernel.ts for each file (two at a time) and imports
 * the generated modules. @param {string[]} files
 * @returns {Promise<Record<string, Record<string, Function>>>} file -> exports
 */
export async function loadAscEsm(files) {
  await mkdir(outDir, { recursive: true });
  const version = JSON.parse(await readFile(createRequire(import.meta.url).resolve("assemblyscript/package.json"), "utf8")).version;
  const modules = {};
  const queue = [...files];
  const worker = async () => {
    while (queue.length > 0) {
      const file = /** @type {string} */ (queue.shift());
      const src = nodePath.join(repo, "kernels", `${file}.kernel.ts`);
      const hash = createHash("sha256").update(version).update(ASC_FLAGS.join(" ")).update(await readFile(src)).digest("hex");
      const stamp = nodePath.join(outDir, `${file}.hash`);
      const wasm = nodePath.join(outDir, `${file}.wasm`);
      const current = await readFile(stamp, "utf8").catch(() => "");
      if (current !== hash) {
        // An empty config: asc would otherwise read the repository's
        // asconfig.json (tskern's settings), and this column is asc's defaults.
        const config = nodePath.join(outDir, "asconfig.defaults.json");
        await writeFile(config, "{}\n");
        await run(asc, [src, ...ASC_FLAGS, "--config", config, "--outFile", wasm], { cwd: repo });
        await writeFile(stamp, hash);
      }
      modules[file] = await import(pathToFileURL(nodePath.join(outDir, `${file}.js`)).href);
    }
  };
  await Promise.all([worker(), worker()]);
  return modules;
}
