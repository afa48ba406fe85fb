/**
 * Loads a kernel in pure mode: transpiles it (and the `.ts` files it imports
 * relatively) to plain JavaScript and imports the result.
 *
 * @module
 */

import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { transpilePure } from "./transpile.js";

/** The shim as an absolute URL: the generated files live in a temp dir. */
const SHIM_URL = new URL("../../runtime/pure.js", import.meta.url).href;

/**
 * Imports a kernel file in pure mode and returns its module namespace
 * (`const { dot } = await importPure("./blas.kernel.ts")`).
 *
 * Relative imports of other `.ts` files (`"./util"`, `"./util.ts"`,
 * `"./dir"` for `dir/index.ts`) are transpiled too, into a temporary
 * directory mirroring their layout; the directory is removed once the module
 * graph is loaded. Every call evaluates the files afresh (new module
 * instances). Bare imports (packages) are not supported in pure mode.
 *
 * @param {string} kernelPath path of the `.ts` kernel file
 * @returns {Promise<Record<string, any>>}
 */
export async function importPure(kernelPath) {
  const entry = resolve(kernelPath);
  const graph = await transpileGraph(entry);
  const root = commonDirectory([...graph.keys()]);
  const outDir = await mkdtemp(join(tmpdir(), "tskern-pure-"));
  try {
    for (const [file, code] of graph) {
      const out = join(outDir, outputName(relative(root, file)));
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, code);
    }
    return await import(pathToFileURL(join(outDir, outputName(relative(root, entry)))).href);
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/**
 * Transpiles `entry` and every file it reaches through relative imports.
 * @param {string} entry absolute path
 * @returns {Promise<Map<string, string>>} absolute source path → JS code
 */
async function transpileGraph(entry) {
  /** @type {Map<string, string>} */
  const graph = new Map();
  const queue = [entry];
  while (queue.length > 0) {
    const file = /** @type {string} */ (queue.shift());
    if (graph.has(file)) continue;
    const source = await readFile(file, "utf8");
    const result = await transpilePure(source, {
      path: file,
      shimSpecifier: SHIM_URL,
      sourcemap: true,
      rewriteImport(specifier) {
        const target = resolveImport(file, specifier);
        queue.push(target);
        return toSpecifier(outputName(relative(dirname(file), target)));
      },
    });
    const map = { ...result.map, sources: [pathToFileURL(file).href] };
    const inline = Buffer.from(JSON.stringify(map)).toString("base64");
    graph.set(file, `${result.code}//# sourceMappingURL=data:application/json;base64,${inline}\n`);
  }
  return graph;
}

/**
 * Resolves a kernel's import the way AssemblyScript does for relative paths.
 * @param {string} importer absolute path of the importing file
 * @param {string} specifier
 * @returns {string} absolute path of the imported `.ts` file
 */
function resolveImport(importer, specifier) {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
    throw new Error(
      `${importer}: pure mode supports only relative imports of .ts files, not "${specifier}"`,
    );
  }
  const base = resolve(dirname(importer), specifier);
  const candidates = base.endsWith(".ts") ? [base] : [`${base}.ts`, join(base, "index.ts")];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  if (!found) {
    throw new Error(`${importer}: cannot resolve "${specifier}" for pure mode (tried ${candidates.join(", ")})`);
  }
  return found;
}

/**
 * `a/b.kernel.ts` → `a/b.kernel.js`.
 * @param {string} path
 */
function outputName(path) {
  return path.replace(/\.ts$/, ".js");
}

/**
 * A relative path as an ES import specifier (`./x.js`, `../y/z.js`).
 * @param {string} path
 */
function toSpecifier(path) {
  const posix = path.split(sep).join("/");
  return posix.startsWith("../") ? posix : `./${posix}`;
}

/**
 * The deepest directory containing every file.
 * @param {string[]} files absolute paths
 */
function commonDirectory(files) {
  let common = dirname(files[0]);
  for (const file of files) {
    let rel = relative(common, file);
    while ((rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) && dirname(common) !== common) {
      common = dirname(common);
      rel = relative(common, file);
    }
  }
  return common;
}
