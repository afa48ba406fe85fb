/**
 * The content-addressed on-disk cache of build artifacts, shared by
 * `tskern build` (buildKernels), `tskern/register` and the bundler plugins.
 * Callers compute the key (a hash of sources, options and the tool, see
 * `cacheKey` and `toolFingerprint`) and store whatever artifacts they need.
 *
 * Layout: one directory per entry, `<dir>/<key>/`, holding the artifacts
 * (plain file names) and `entry.json`: the format, the key, the tool
 * fingerprint, every artifact's sha256 and size, the caller's metadata, and a
 * checksum over all of that.
 *
 * - **Atomic, concurrent-safe writes.** An entry is written into a temporary
 *   directory `<dir>/<key>.<pid>.<random>.tmp` and renamed into place whole,
 *   so a reader sees either no entry or a complete one. When two writers race
 *   on one key, the first rename wins; the second keeps it if it holds the same
 *   artifacts, and otherwise moves it aside and renames its own in (a reader
 *   in between sees a miss, never mixed files).
 * - **Verified reads.** `readEntry` checks entry.json's checksum, the tool
 *   fingerprint and every artifact's sha256; anything that does not match
 *   (truncated, edited, half-deleted, written by another tskern) is reported as
 *   a miss, so the caller rebuilds and replaces it. A corrupt entry is never
 *   served.
 * - **Bounded size, least recently used first.** A hit sets the entry
 *   directory's mtime to now; after each write, `pruneCache` removes the
 *   least recently used entries while there are more than
 *   `$TSKERN_CACHE_MAX_ENTRIES` (default 200) or they take more than
 *   `$TSKERN_CACHE_MAX_BYTES` (default 256 MiB), and temporary directories
 *   left by crashed writers.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import nodePath from "node:path";
import { fileURLToPath } from "node:url";
import { COMPILER_VERSIONS } from "../compiler/versions.js";

/** Bump when the entry layout changes; old entries then read as misses. */
export const CACHE_FORMAT = 2;
const ENTRY_FILE = "entry.json";
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** Defaults of the size bound (see cacheLimits). */
export const DEFAULT_CACHE_MAX_BYTES = 256 * 2 ** 20;
export const DEFAULT_CACHE_MAX_ENTRIES = 200;
/** Temporary directories older than this are debris of a crashed writer. */
const STALE_TEMP_MS = 60 * 60 * 1000;

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
 * True when `$TSKERN_NO_CACHE` asks for no cache (`1`, `true`, `yes`).
 */
export function cacheDisabledByEnv() {
  return /^(1|true|yes)$/i.test(process.env.TSKERN_NO_CACHE ?? "");
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

const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));
/** The package's folders whose files decide what a build emits. */
const TOOL_DIRS = ["plugin/compiler", "plugin/bindings", "plugin/build", "plugin/bundler", "runtime"];
/** @type {string | null} */
let fingerprint = null;

/**
 * A hash of everything in this tskern installation that decides build output:
 * the tool versions (tskern, AssemblyScript, Binaryen, esbuild, which bundles
 * the shipped runtime) and the contents of the compiler, bindings, build and
 * runtime sources. Part of every cache key and checked on every read, so an
 * edited compiler (a tskern checkout under development, a patched install)
 * never gets artifacts an older one produced. Reads about 50 small files once
 * per process (a few milliseconds); loads no compiler.
 *
 * `$TSKERN_TOOL_FINGERPRINT` pins it instead (test suites whose child
 * processes must agree while the tool's sources are being edited, or CI that
 * identifies the tool its own way); whoever sets it vouches that the tool
 * behind it does not change.
 * @returns {string} hex sha256 (or the pinned value)
 */
export function toolFingerprint() {
  const pinned = process.env.TSKERN_TOOL_FINGERPRINT;
  if (pinned) return pinned;
  if (fingerprint) return fingerprint;
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ format: CACHE_FORMAT, ...COMPILER_VERSIONS, esbuild: esbuildVersion() }));
  for (const dir of TOOL_DIRS) {
    for (const rel of listFiles(nodePath.join(PACKAGE_DIR, dir), dir)) {
      let data;
      try {
        data = readFileSync(nodePath.join(PACKAGE_DIR, rel));
      } catch {
        data = Buffer.from("\0unreadable\0"); // removed while we looked: still a fingerprint, just a different one
      }
      hash.update(`\0${rel}\0${data.byteLength}\0`).update(data);
    }
  }
  fingerprint = hash.digest("hex");
  return fingerprint;
}

function esbuildVersion() {
  try {
    const require = createRequire(import.meta.url);
    return JSON.parse(readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
  } catch {
    return "none";
  }
}

/**
 * Files under `abs`, as sorted package-relative posix paths.
 * @param {string} abs @param {string} rel
 * @returns {string[]}
 */
function listFiles(abs, rel) {
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch {
    return [];
  }
  const out = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    if (e.isDirectory()) out.push(...listFiles(nodePath.join(abs, e.name), `${rel}/${e.name}`));
    else if (e.isFile() && !e.name.endsWith(".md")) out.push(`${rel}/${e.name}`);
  }
  return out;
}

/**
 * A cache key: the sha256 of the given parts, in order (each length-prefixed,
 * so no two lists of parts collide).
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
 * A source file's text as the build sees it: UTF-8, with CRLF line endings
 * turned into LF, so a Windows checkout (git's autocrlf) builds the same bytes
 * as a Unix one. Build inputs are hashed in this form (see sourceHash).
 * @param {string} text
 */
export function normalizeSource(text) {
  return text.includes("\r\n") ? text.replace(/\r\n/g, "\n") : text;
}

/**
 * The sha256 a build records for a source file (its normalized text, see
 * normalizeSource), or null if it cannot be read.
 * @param {string} path absolute
 * @returns {Promise<string | null>}
 */
export async function sourceHash(path) {
  try {
    return sha256(normalizeSource(await readFile(path, "utf8")));
  } catch {
    return null;
  }
}

/**
 * Reads an entry and verifies it (entry.json's checksum, the tool
 * fingerprint, every artifact against its recorded sha256). A hit marks the
 * entry as recently used.
 * @param {string} dir  the cache directory
 * @param {string} key
 * @param {{ onMiss?: (reason: string) => void, touch?: boolean }} [options]  told why an entry was not usable
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
  if (!index || typeof index !== "object" || index.format !== CACHE_FORMAT) {
    return miss(`written by another version of tskern (${ENTRY_FILE} format ${JSON.stringify(index?.format ?? null)}, expected ${CACHE_FORMAT})`);
  }
  if (index.check !== entryChecksum(index)) return miss(`corrupt: ${ENTRY_FILE} does not match its checksum`);
  if (index.key !== key || typeof index.files !== "object" || !index.files) return miss(`corrupt: ${ENTRY_FILE} has the wrong key or no file list`);
  if (index.tool !== toolFingerprint()) return miss("written by another build of tskern (the compiler or runtime sources differ)");
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
  if (options.touch ?? true) await touch(entryDir);
  return { key, dir: entryDir, files, paths, meta: index.meta ?? null };
}

/**
 * Writes an entry atomically (into a temporary directory renamed into place
 * whole) and then prunes the cache to its size bound. Replaces an existing
 * entry with the same key unless it already holds exactly these artifacts.
 * @param {string} dir  the cache directory (created if needed)
 * @param {string} key
 * @param {Record<string, string | Uint8Array>} files  artifact name -> contents
 * @param {any} [meta]  JSON-serialisable data returned by readEntry
 * @param {{ prune?: boolean }} [options]  prune: default true
 * @returns {Promise<CacheEntry>}
 */
export async function writeEntry(dir, key, files, meta = null, options = {}) {
  const entryDir = nodePath.join(dir, checkKey(key));
  /** @type {Record<string, { sha256: string, size: number }>} */
  const list = {};
  /** @type {Record<string, Buffer>} */
  const buffers = {};
  for (const [name, contents] of Object.entries(files)) {
    if (name === ENTRY_FILE) throw new Error(`build cache: '${ENTRY_FILE}' is reserved; name the artifact differently`);
    checkName(name);
    const data = typeof contents === "string" ? Buffer.from(contents) : Buffer.from(contents.buffer, contents.byteOffset, contents.byteLength);
    list[name] = { sha256: sha256(data), size: data.byteLength };
    buffers[name] = data;
  }
  const index = { format: CACHE_FORMAT, key, tool: toolFingerprint(), files: list, meta, check: "" };
  index.check = entryChecksum(index);

  await mkdir(dir, { recursive: true });
  const temp = tempName(dir, key);
  try {
    await mkdir(temp);
    for (const [name, data] of Object.entries(buffers)) await writeFile(nodePath.join(temp, name), data);
    await writeFile(nodePath.join(temp, ENTRY_FILE), JSON.stringify(index, null, 1) + "\n");
    await placeEntry(dir, key, temp, index);
  } finally {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
  }
  if (options.prune ?? true) await pruneCache(dir, { keep: key }).catch(() => {});
  const paths = Object.fromEntries(Object.keys(buffers).map((name) => [name, nodePath.join(entryDir, name)]));
  return { key, dir: entryDir, files: buffers, paths, meta };
}

/**
 * Renames the finished temporary directory to `<dir>/<key>`. If an entry is
 * there already (another writer, or an entry a reader found corrupt or
 * stale), keeps it when it is exactly ours (same artifacts and metadata),
 * else moves it aside.
 * @param {string} dir @param {string} key @param {string} temp
 * @param {{ check: string, files: Record<string, { sha256: string }> }} index  what we wrote
 */
async function placeEntry(dir, key, temp, index) {
  const target = nodePath.join(dir, key);
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(temp, target);
      return;
    } catch (error) {
      const code = /** @type {NodeJS.ErrnoException} */ (error).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "EPERM" && code !== "EACCES" && code !== "EBUSY") throw error;
      if (attempt >= 5) {
        if (!existsSync(nodePath.join(target, ENTRY_FILE))) throw error;
        return; // writers keep racing: leave theirs (complete, by construction)
      }
    }
    if (await sameEntry(target, index)) return;
    await removeDir(dir, key);
  }
}

/**
 * True if the entry at `target` is the one we would write (its entry.json has
 * our checksum, so the same artifacts, metadata and tool) and its artifacts
 * verify.
 * @param {string} target @param {{ check: string, files: Record<string, { sha256: string }> }} ours
 */
async function sameEntry(target, ours) {
  try {
    const index = JSON.parse(await readFile(nodePath.join(target, ENTRY_FILE), "utf8"));
    if (index?.check !== ours.check || entryChecksum(index) !== ours.check) return false;
    for (const [name, info] of Object.entries(ours.files)) {
      if (sha256(await readFile(nodePath.join(target, checkName(name)))) !== info.sha256) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** @param {{ format: number, key: string, tool: string, files: object, meta: any }} index */
function entryChecksum(index) {
  return sha256(JSON.stringify([index.format, index.key, index.tool, index.files, index.meta ?? null]));
}

/** @param {string} dir @param {string} key */
function tempName(dir, key) {
  return nodePath.join(dir, `${key}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Marks an entry as used now (its directory's mtime orders pruning). @param {string} entryDir */
async function touch(entryDir) {
  const now = new Date();
  await utimes(entryDir, now, now).catch(() => {});
}

/**
 * Removes an entry directory: renamed aside first (atomic: readers see it
 * gone, not half-deleted), then deleted.
 * @param {string} dir @param {string} name
 */
async function removeDir(dir, name) {
  const aside = tempName(dir, name.replace(/\..*$/, ""));
  try {
    await rename(nodePath.join(dir, name), aside);
  } catch {
    return false; // gone already (another process pruned it)
  }
  await rm(aside, { recursive: true, force: true }).catch(() => {});
  return true;
}

/**
 * The cache's size bound, from the environment:
 * `TSKERN_CACHE_MAX_BYTES` (bytes, or with a unit: `512MiB`, `1GiB`; default
 * 256 MiB) and `TSKERN_CACHE_MAX_ENTRIES` (default 200). An unreadable value
 * falls back to the default.
 * @returns {{ maxBytes: number, maxEntries: number }}
 */
export function cacheLimits() {
  return {
    maxBytes: parseBytes(process.env.TSKERN_CACHE_MAX_BYTES) ?? DEFAULT_CACHE_MAX_BYTES,
    maxEntries: parseCount(process.env.TSKERN_CACHE_MAX_ENTRIES) ?? DEFAULT_CACHE_MAX_ENTRIES,
  };
}

/** @param {string | undefined} value @returns {number | null} */
function parseBytes(value) {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|[kmg](?:i?b)?)?\s*$/i.exec(value ?? "");
  if (!m) return null;
  const unit = (m[2] ?? "b").toLowerCase()[0];
  return Math.floor(Number(m[1]) * (unit === "g" ? 2 ** 30 : unit === "m" ? 2 ** 20 : unit === "k" ? 2 ** 10 : 1));
}

/** @param {string | undefined} value @returns {number | null} */
function parseCount(value) {
  return /^\s*\d+\s*$/.test(value ?? "") ? Number(value) : null;
}

/**
 * @typedef {object} CacheListing
 * @property {Array<{ key: string, bytes: number, usedMs: number }>} entries  least recently used first
 * @property {string[]} temporary   names of temporary directories (writers in progress, or debris)
 * @property {number} bytes         total size of the entries
 */

/** Entry sizes already measured, by entry directory: an entry never changes in place (a replacement is a new directory). */
const sizes = new Map();

/**
 * Lists the entries of a cache directory (anything else in it is ignored).
 * @param {string} dir
 * @returns {Promise<CacheListing>}
 */
export async function listCache(dir) {
  /** @type {CacheListing} */
  const listing = { entries: [], temporary: [], bytes: 0 };
  let names;
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch {
    return listing;
  }
  for (const d of names) {
    if (!d.isDirectory()) continue;
    if (d.name.endsWith(".tmp") && KEY_PATTERN.test(d.name.split(".")[0])) {
      listing.temporary.push(d.name);
      continue;
    }
    if (!KEY_PATTERN.test(d.name)) continue;
    const entryDir = nodePath.join(dir, d.name);
    try {
      const info = await stat(entryDir);
      const id = `${info.ino}:${info.birthtimeMs}`;
      const known = sizes.get(entryDir);
      let bytes = known?.id === id ? known.bytes : 0;
      if (known?.id !== id) {
        for (const f of await readdir(entryDir)) bytes += (await stat(nodePath.join(entryDir, f)).catch(() => ({ size: 0 }))).size;
        sizes.set(entryDir, { id, bytes });
      }
      listing.entries.push({ key: d.name, bytes, usedMs: info.mtimeMs });
      listing.bytes += bytes;
    } catch {
      // removed while we looked
    }
  }
  listing.entries.sort((a, b) => a.usedMs - b.usedMs || (a.key < b.key ? -1 : 1));
  return listing;
}

/**
 * Removes the least recently used entries until at most `maxEntries` remain
 * and they take at most `maxBytes`, never the entry `keep`; also removes
 * temporary directories older than an hour (a crashed writer's).
 * @param {string} dir
 * @param {{ maxBytes?: number, maxEntries?: number, keep?: string }} [options]  defaults: cacheLimits()
 * @returns {Promise<{ removed: number, bytes: number }>}
 */
export async function pruneCache(dir, options = {}) {
  const limits = cacheLimits();
  const maxBytes = options.maxBytes ?? limits.maxBytes;
  const maxEntries = options.maxEntries ?? limits.maxEntries;
  const listing = await listCache(dir);
  let removed = 0;
  let freed = 0;
  let count = listing.entries.length;
  let total = listing.bytes;
  for (const e of listing.entries) {
    if (count <= maxEntries && total <= maxBytes) break;
    if (e.key === options.keep) continue;
    if (await removeDir(dir, e.key)) {
      removed++;
      freed += e.bytes;
    }
    count--;
    total -= e.bytes;
  }
  const now = Date.now();
  for (const name of listing.temporary) {
    const info = await stat(nodePath.join(dir, name)).catch(() => null);
    if (info && now - info.mtimeMs > STALE_TEMP_MS) await rm(nodePath.join(dir, name), { recursive: true, force: true }).catch(() => {});
  }
  return { removed, bytes: freed };
}

/**
 * Removes every entry (and temporary directory) from a cache directory.
 * Only removes what looks like a cache entry, so a cache directory pointed at
 * a folder with other contents keeps them.
 * @param {string} dir
 * @returns {Promise<{ removed: number, bytes: number }>}
 */
export async function cleanCache(dir) {
  const listing = await listCache(dir);
  let removed = 0;
  let bytes = 0;
  for (const e of listing.entries) {
    if (await removeDir(dir, e.key)) {
      removed++;
      bytes += e.bytes;
    }
  }
  for (const name of listing.temporary) await rm(nodePath.join(dir, name), { recursive: true, force: true }).catch(() => {});
  return { removed, bytes };
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
  if (!KEY_PATTERN.test(key)) throw new Error(`build cache: invalid key '${key}' (use letters, digits, '-' and '_')`);
  return key;
}

/** @param {string} name */
function checkName(name) {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name) || name.startsWith(".")) {
    throw new Error(`build cache: invalid artifact name '${name}' (a plain file name without directories)`);
  }
  return name;
}
