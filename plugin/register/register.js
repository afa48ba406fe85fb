/**
 * `node --import tskern/register app.mjs`: compiles `*.kernel.ts` files when
 * they are imported (like Cython's pyximport), caching the results under
 * `node_modules/.cache/tskern/`. Installs the loader hooks in ./hooks.js.
 */
import * as nodeModule from "node:module";

if (typeof nodeModule.register !== "function") {
  throw new Error(`tskern/register needs Node.js >= 20.6 (module.register); this is Node.js ${process.version}. Upgrade Node, or build kernels ahead of time with \`tskern build\`.`);
}
nodeModule.register("./hooks.js", import.meta.url);
