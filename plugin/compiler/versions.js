/**
 * The versions that define a build's output (part of every cache key and
 * manifest), read from package.json files: cheap, loads no compiler.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const version = (/** @type {string} */ path) => JSON.parse(readFileSync(path, "utf8")).version;

export const COMPILER_VERSIONS = Object.freeze({
  tskern: version(fileURLToPath(new URL("../../package.json", import.meta.url))),
  assemblyscript: version(require.resolve("assemblyscript/package.json")),
  binaryen: version(require.resolve("binaryen/package.json")),
});
