/**
 * Test support: builds kernel sources into a scratch directory with the real
 * build pipeline and imports the generated modules.
 */
import { mkdir, writeFile, rm, cp } from "node:fs/promises";
import nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildKernels, writeOutputs } from "../../plugin/build/build-kernels.js";
import { formatDiagnostic } from "../../plugin/compiler/diagnostics.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const FIXTURES = nodePath.join(REPO, "tests/fixtures");
let counter = 0;

/** A fresh scratch directory under tests/.tmp. @param {string} name */
export async function scratchDir(name) {
  const dir = nodePath.join(REPO, "tests/.tmp", `${name}-${process.pid}-${counter++}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

/**
 * Writes `sources` ({ relPath: text }) or copies fixture kernels into a
 * scratch project, builds it, and returns the build result and outDir.
 * @param {string} name
 * @param {{ sources?: Record<string, string>, fixtures?: string[], options?: object }} spec
 */
export async function buildProject(name, { sources = {}, fixtures = [], options = {} }) {
  const dir = await scratchDir(name);
  for (const [rel, text] of Object.entries(sources)) {
    await mkdir(nodePath.dirname(nodePath.join(dir, rel)), { recursive: true });
    await writeFile(nodePath.join(dir, rel), text);
  }
  for (const f of fixtures) {
    await mkdir(nodePath.join(dir, "kernels"), { recursive: true });
    await cp(nodePath.join(FIXTURES, "kernels", f), nodePath.join(dir, "kernels", f));
  }
  const result = await buildKernels({ inputs: ["kernels"], cwd: dir, ...options });
  const outDir = nodePath.join(dir, "dist");
  if (result.ok) await writeOutputs(outDir, result.outputs);
  return { dir, outDir, result, errors: result.diagnostics.map(formatDiagnostic).join("\n\n") };
}

/** Imports a built module from outDir. @param {string} outDir @param {string} rel */
export function importBuilt(outDir, rel) {
  return import(pathToFileURL(nodePath.join(outDir, rel)).href);
}
