/**
 * `tskern build --watch`: runs a build, then waits for a change to any file
 * the build read (kernel files and the helpers they import) or to the set of
 * kernel files under the inputs (a file added, removed or renamed), and runs
 * it again, until the signal aborts.
 *
 * Change detection is by content: file system events (fs.watch on every
 * directory involved, not recursive, so editors that save by renaming are
 * seen) only wake the loop, which then hashes the inputs and rebuilds only if
 * a hash differs from what the last build compiled. So a burst of events is
 * one build (debounced), a save without changes is none, and writes to the
 * output directory never trigger a build. A slow poll backs fs.watch up (a
 * missed event is caught within `pollMs`); where fs.watch is unavailable, or
 * with TSKERN_WATCH_POLL=<ms>, polling alone is used.
 */
import { watch as fsWatch } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import nodePath from "node:path";
import { findKernelFiles } from "../build/find-kernels.js";
import { sourceHash } from "../build/build-cache.js";

/**
 * @typedef {object} WatchOptions
 * @property {(control: { superseded: () => boolean }) => Promise<Array<{ path: string, sha256: string | null }>>} build
 *   runs one build (and reports it); returns the files it read, absolute, with the sha256 it compiled.
 *   `superseded()` turns true once a file system event arrived since the build started (a build in
 *   several steps can then stop early: a check for changes, and maybe another build, follows anyway)
 * @property {string[]} roots       the build's inputs (absolute files or directories)
 * @property {string} [outDir]      absolute; never watched
 * @property {AbortSignal} [signal] stops the loop
 * @property {(path: string, how: "changed" | "added" | "removed") => void} onChange  before each rebuild
 * @property {(watched: { files: number, dirs: number, polling: boolean }) => void} [onWatching]  after the first build
 * @property {number} [debounceMs]  default 80: quiet time after the last event before checking
 * @property {number} [pollMs]      default 2000 alongside fs.watch, 300 when polling alone
 */

/**
 * @param {WatchOptions} options
 * @returns {Promise<void>} when the signal aborts
 */
export async function watchBuilds(options) {
  const { roots, signal } = options;
  const debounceMs = options.debounceMs ?? 80;
  const forcedPoll = Number(process.env.TSKERN_WATCH_POLL ?? "") || 0;
  let polling = forcedPoll > 0;
  /** @type {Map<string, import("node:fs").FSWatcher>} */
  const watchers = new Map();
  /** @type {ReturnType<typeof setTimeout> | null} */
  let debounce = null;
  /** @type {ReturnType<typeof setInterval> | null} */
  let poller = null;
  let pending = false;
  /** @type {(() => void) | null} */
  let wake = null;

  const trigger = () => {
    pending = true;
    wake?.();
  };
  // File system events seen (not poll ticks): a build in steps asks whether one came in meanwhile.
  let events = 0;
  const onEvent = () => {
    events++;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = null;
      trigger();
    }, debounceMs);
  };
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);

  const startPolling = () => {
    if (poller) clearInterval(poller);
    poller = setInterval(trigger, options.pollMs ?? (polling ? forcedPoll || 300 : 2000));
    poller.unref?.();
  };

  /** Watches exactly `dirs` (closing watchers of directories no longer involved). @param {Set<string>} dirs */
  const syncWatchers = (dirs) => {
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    if (polling) return;
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = fsWatch(dir, { persistent: true }, onEvent);
        w.on("error", () => {
          w.close();
          watchers.delete(dir);
          trigger();
        });
        watchers.set(dir, w);
      } catch (error) {
        const code = /** @type {NodeJS.ErrnoException} */ (error).code;
        if (code === "ENOENT" || code === "ENOTDIR") continue; // gone since; its parent is watched
        // No more inotify watches, or no fs.watch on this file system: poll instead.
        polling = true;
        for (const w of watchers.values()) w.close();
        watchers.clear();
        startPolling();
        return;
      }
    }
  };

  /** Kernel files under the roots now. */
  const kernelFiles = async () => {
    const existing = [];
    for (const r of roots) if (await exists(r)) existing.push(r);
    return (await findKernelFiles(existing, nodePath.parse(roots[0] ?? "/").root)).files;
  };

  /** What the last build compiled: path -> sha256 (null: looked for, absent). */
  let baseline = new Map();
  const runBuild = async () => {
    const eventsBefore = events;
    const read = await options.build({ superseded: () => events !== eventsBefore });
    const next = new Map();
    for (const f of await kernelFiles()) next.set(f, await sourceHash(f));
    for (const r of read) next.set(r.path, r.sha256);
    baseline = next;
    syncWatchers(await dirsToWatch(baseline, roots, options.outDir));
  };

  startPolling();
  try {
    await runBuild();
    options.onWatching?.({ files: baseline.size, dirs: watchers.size, polling });
    while (!signal?.aborted) {
      if (!pending) {
        await new Promise((resolve) => {
          wake = () => resolve(undefined);
        });
        wake = null;
      }
      if (signal?.aborted) break;
      pending = false;
      const change = await firstChange(baseline, await kernelFiles());
      if (!change) continue;
      options.onChange(change.path, change.how);
      await runBuild();
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (debounce) clearTimeout(debounce);
    if (poller) clearInterval(poller);
    for (const w of watchers.values()) w.close();
    watchers.clear();
  }
}

/**
 * The first file whose contents differ from the baseline, or a kernel file
 * added under the roots; null if nothing changed.
 * @param {Map<string, string | null>} baseline @param {string[]} kernelFiles
 * @returns {Promise<{ path: string, how: "changed" | "added" | "removed" } | null>}
 */
async function firstChange(baseline, kernelFiles) {
  for (const f of kernelFiles) if (!baseline.has(f)) return { path: f, how: "added" };
  for (const [path, hash] of baseline) {
    const now = await sourceHash(path);
    if (now !== hash) return { path, how: now === null ? "removed" : hash === null ? "added" : "changed" };
  }
  return null;
}

/**
 * The directories to watch: each watched file's directory, every directory
 * under a directory input (new kernel files may appear anywhere there), and
 * for a missing path its nearest existing ancestor; never the output directory.
 * @param {Map<string, string | null>} files @param {string[]} roots @param {string} [outDir]
 */
async function dirsToWatch(files, roots, outDir) {
  const dirs = new Set();
  const inOut = (/** @type {string} */ d) => outDir !== undefined && (d === outDir || d.startsWith(outDir + nodePath.sep));
  const addExisting = async (/** @type {string} */ p) => {
    let d = p;
    while (!(await isDir(d))) {
      const up = nodePath.dirname(d);
      if (up === d) return;
      d = up;
    }
    if (!inOut(d)) dirs.add(d);
  };
  for (const f of files.keys()) await addExisting(nodePath.dirname(f));
  for (const r of roots) {
    if (await isDir(r)) {
      for (const d of await walkDirs(r)) if (!inOut(d)) dirs.add(d);
    } else {
      await addExisting(nodePath.dirname(r));
    }
  }
  return dirs;
}

/** A directory and its subdirectories, as find-kernels.js walks them. @param {string} dir @returns {Promise<string[]>} */
async function walkDirs(dir) {
  const out = [dir];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules") out.push(...(await walkDirs(nodePath.join(dir, e.name))));
  }
  return out;
}

/** @param {string} p */
async function isDir(p) {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}

/** @param {string} p */
async function exists(p) {
  return (await stat(p).catch(() => null)) !== null;
}
