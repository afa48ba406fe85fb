/**
 * Expands CLI inputs (files and directories) into sorted kernel file paths.
 */
import { readdir, stat } from "node:fs/promises";
import nodePath from "node:path";

export const KERNEL_SUFFIX = ".kernel.ts";

/**
 * @param {string[]} inputs   files or directories, relative to `cwd`
 * @param {string} cwd
 * @returns {Promise<{ files: string[], missing: string[], bases: string[] }>}
 *   absolute kernel files; inputs that do not exist; the directory each input contributes from
 */
export async function findKernelFiles(inputs, cwd) {
  const files = new Set();
  const missing = [];
  const bases = [];
  for (const input of inputs) {
    const abs = nodePath.resolve(cwd, input);
    let info;
    try {
      info = await stat(abs);
    } catch {
      missing.push(input);
      continue;
    }
    if (info.isDirectory()) {
      bases.push(abs);
      for (const f of await walk(abs)) files.add(f);
    } else {
      bases.push(nodePath.dirname(abs));
      files.add(abs);
    }
  }
  return { files: [...files].sort(), missing, bases };
}

/** @param {string} dir @returns {Promise<string[]>} */
async function walk(dir) {
  const out = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = nodePath.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.name.endsWith(KERNEL_SUFFIX)) out.push(p);
  }
  return out;
}

/**
 * The deepest directory containing every path.
 * @param {string[]} dirs absolute
 */
export function commonDir(dirs) {
  if (!dirs.length) return "";
  let parts = dirs[0].split(nodePath.sep);
  for (const d of dirs.slice(1)) {
    const other = d.split(nodePath.sep);
    let i = 0;
    while (i < parts.length && i < other.length && parts[i] === other[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(nodePath.sep) || nodePath.sep;
}
