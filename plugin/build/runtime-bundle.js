/**
 * The runtime as one self-contained ES module, shipped next to built kernels
 * so `dist/` is importable by browsers without a bundler. Built with esbuild
 * from runtime/index.js; deterministic (paths in it are package-relative).
 */
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));
/** @type {Promise<string> | null} */
let cached = null;

/** @returns {Promise<string>} */
export function runtimeBundle() {
  cached ??= esbuild
    .build({
      absWorkingDir: PACKAGE_DIR,
      entryPoints: ["runtime/index.js"],
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2022",
      write: false,
      legalComments: "none",
      charset: "utf8",
    })
    .then((r) => r.outputFiles[0].text);
  return cached;
}
