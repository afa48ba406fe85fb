/**
 * An on-disk cache of build artifacts, keyed by a hash the caller computes
 * (sources + compiler versions + options). Shared by `tskern/register`, and
 * meant for the CLI and the bundler plugins too.
 *
 * Layout: `<dir>/<key>/<name>` for each artifact, plus `<dir>/<key>/entry.json`
 * listing every artifact with its sha256 and the caller's metadata. Every file
 * is written to a temporary name and renamed into place, and entry.json is
 * written last, so a reader never trusts a partial entry: one that is missing
 * a file, has bad JSON, or whose file hashes do not match is reported as a
 * miss, and the caller rebuilds and overwrites it. Two processes filling the
 * same entry at once each rename complete files, so either result is whole.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import nodePath from "node:path";
import { COMPILER_VERSIONS } from "../compiler/versions.js";

/** Bump when the entry layout changes; old entries then read as misses. */
export const CACHE_FORMAT = 1;
const ENTRY_FILE = "entry.json";

/**
 * @typedef {object} CacheEntry
 * @property {string} key
 * @property {string} dir                      the entry's directory (absolute)
 * @property {Record<string, Buffer>} files    artifact name -> contents
 * @property {Record<string, string>} paths    artifact name -> absolute path
 * @property {any} meta                        what the writer stored
 */

/**
 * The cache directory: `$TSKERN_CACHE_DIR` if set, else
 * `node_modules/.cache/tskern` under the nearest directory (from `root` up)
 * that contains a package.json, else `<os tmpdir>/tskern-cache`.
 * @param {string} root  a directory inside the project (absolute or relative to cwd)
 * @returns {string} absolute path (not created here)
 */
export function cacheDir(root) {
  const fromEnv = process.env.TSKERN_CACHE_DIR;
  if (fromEnv) return nodePath.resolve(fromEnv);
  const project = findPackageRoot(nodePath.resolve(root));
  return project ? nodePath.join(project, "node_modules", ".cache", "tskern") : nodePath.join(os.tmpdir(), "tskern-cache");
}

/**
 * The nearest directory, from `dir` up, that contains a package.json.
 * @param {string} dir absolute
 * @returns {string | null}
 */
export function findPackageRoot(dir) {
  for (let d = dir; ; d = nodePath.dirname(d)) {
    if (existsSync(nodePath.join(d, "package.json"))) return d;
    if (nodePath.dirname(d) === d) return null;
  }
}

/**
 * The versions that define compiler output (compiler/versions.js reads them
 * from package.json files, so a cache hit need not load the compiler).
 * @returns {Readonly<{ tskern: string, assemblyscript: string, binaryen: string }>}
 */
export function toolVersions() {
  return COMPILER_VERSIONS;
}

/**
 * A cache key: the sha256 of the given parts, in order.
 * @param {Array<string | Uint8Array>} parts
 */
export function cacheKey(parts) {
  const hash = createHash("sha256");
  for (const p of parts) {
    const bytes = typeof p === "string" ? Buffer.from(p) : p;
    hash.update(`${bytes.byteLength}:`).update(bytes);
  }
  return hash.digest("hex");
}

/**
 * Reads an entry and verifies every artifact against its recorded sha256.
 * @param {string} dir  the cache directory
 * @param {string} key
 * @param {{ onMiss?: (reason: string) => void }} [options]  told why an entry was not usable
 * @returns {Promise<CacheEntry | null>} null when absent, partial or corrupt
 */
export async function readEntry(dir, key, options = {}) {
  const miss = (/** @type {string} */ reason) => {
    options.onMiss?.(reason);
    return null;
  };
  const entryDir = nodePath.join(dir, checkKey(key));
  let raw;
  try {
    raw = await readFile(nodePath.join(entryDir, ENTRY_FILE), "utf8");
  } catch {
    return miss("missing");
  }
  let index;
  try {
    index = JSON.parse(raw);
  } catch {
    return miss(`corrupt: ${ENTRY_FILE} is not valid JSON`);
  }
  if (!index || index.format !== CACHE_FORMAT || index.key !== key || typeof index.files !== "object" || !index.files) {
    return miss(`corrupt: ${ENTRY_FILE} has the wrong format or key`);
  }
  /** @type {Record<string, Buffer>} */
  const files = {};
  /** @type {Record<string, string>} */
  const paths = {};
  for (const [name, info] of Object.entries(index.files)) {
    const path = nodePath.join(entryDir, checkName(name));
    let data;
    try {
      data = await readFile(path);
    } catch {
      return miss(`corrupt: ${name} is missing`);
    }
    if (sha256(data) !== info?.sha256) return miss(`corrupt: ${name} does not match its recorded sha256`);
    files[name] = data;
    paths[name] = path;
  }
  return { key, dir: entryDir, files, paths, meta: index.meta ?? null };
}

/**
 * Writes an entry atomically (each file to a temporary name, then renamed;
 * entry.json last). Overwrites an existing entry with the same key.
 * @param {string} dir  the cache directory (created if needed)
 * @param {string} key
 * @param {Record<string, string | Uint8Array>} files  artifact name -> contents
 * @param {any} [meta]  JSON-serialisable data returned by readEntry
 * @returns {Promise<CacheEntry>}
 */
export async function writeEntry(dir, key, files, meta = null) {
  const entryDir = nodePath.join(dir, checkKey(key));
  await mkdir(entryDir, { recursive: true });
  /** @type {Record<string, { sha256: string, size: number }>} */
  const index = {};
  /** @type {Record<string, Buffer>} */
  const buffers = {};
  /** @type {Record<string, string>} */
  const paths = {};
  for (const [name, contents] of Object.entries(files)) {
    if (name === ENTRY_FILE) throw new Error(`build cache: '${ENTRY_FILE}' is reserved; name the artifact differently`);
    const data = typeof contents === "string" ? Buffer.from(contents) : Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
    const path = nodePath.join(entryDir, checkName(name));
    await atomicWrite(path, data);
    index[name] = { sha256: sha256(data), size: data.byteLength };
    buffers[name] = data;
    paths[name] = path;
  }
  const entry = { format: CACHE_FORMAT, key, files: index, meta };
  await atomicWrite(nodePath.join(entryDir, ENTRY_FILE), Buffer.from(JSON.stringify(entry, null, 1) + "\n"));
  return { key, dir: entryDir, files: buffers, paths, meta };
}

/** @param {string} path @param {Buffer} data */
async function atomicWrite(path, data) {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/**
 * Hex sha256 of a file's contents (cheap to import, unlike build-kernels.js).
 * @param {Uint8Array | string} data
 */
export function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/** @param {string} key */
function checkKey(key) {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(key)) throw new Error(`build cache: invalid key '${key}' (use letters, digits, '-' and '_')`);
  return key;
}

/** @param {string} name */
function checkName(name) {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name) || name.startsWith(".")) {
    throw new Error(`build cache: invalid artifact name '${name}' (a plain file name without directories)`);
  }
  return name;
}
