// The content-addressed build cache as `tskern build` uses it: hits without
// loading the compiler, keys that cover imported helpers and options, corrupt
// entries detected and rebuilt (never served), --no-cache, two concurrent
// builds into one cache, LRU pruning to a bound, and `tskern cache`.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import { execFile } from "node:child_process";
import { mkdir, writeFile, readFile, rm, readdir, stat, utimes } from "node:fs/promises";
import nodePath from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../plugin/cli/main.js";
import { cacheDir, listCache, pruneCache, readEntry, toolFingerprint, writeEntry } from "../plugin/build/build-cache.js";
import { loadKernelModules } from "../plugin/register/kernel-loader.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const SCRATCH = nodePath.join(REPO, "tests", ".tmp", `cache-${process.pid}-${Date.now().toString(36)}`);
const ENV_KEYS = ["TSKERN_CACHE_DIR", "TSKERN_NO_CACHE", "TSKERN_DEBUG", "TSKERN_CACHE_MAX_BYTES", "TSKERN_CACHE_MAX_ENTRIES", "TSKERN_TOOL_FINGERPRINT"];
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

const KERNEL = `import { scaleBy } from "./lib/helper";

export function scale(a: f64, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] = scaleBy(a, x[i]);
}

export function total(x: Float64Array): f64 {
  let s: f64 = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}
`;
const HELPER = "export function scaleBy(a: f64, v: f64): f64 { return a * v; }\n";

let counter = 0;
/** A scratch project with the kernel and its helper; its own cache dir in TSKERN_CACHE_DIR. */
async function project(files = {}) {
  const dir = nodePath.join(SCRATCH, `p${counter++}`);
  for (const [path, text] of Object.entries({ "k/scale.kernel.ts": KERNEL, "k/lib/helper.ts": HELPER, ...files })) {
    await mkdir(nodePath.dirname(nodePath.join(dir, path)), { recursive: true });
    await writeFile(nodePath.join(dir, path), text);
  }
  const cache = nodePath.join(dir, ".cache");
  process.env.TSKERN_CACHE_DIR = cache;
  return { dir, cache };
}

async function run(argv, cwd) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { cwd, stdout: { write: (s) => { stdout += s; } }, stderr: { write: (s) => { stderr += s; } } });
  return { code, stdout, stderr };
}

/** `tskern build k --outDir dist` with cache hits and misses logged. */
async function build(dir, extra = []) {
  process.env.TSKERN_DEBUG = "1";
  try {
    const r = await run(["build", "k", "--outDir", "dist", ...extra], dir);
    expect(r.code, r.stderr).toBe(0);
    return { ...r, hit: / \(from cache\)$/m.test(r.stdout), wasm: await readFile(nodePath.join(dir, "dist/tskern.wasm")) };
  } finally {
    delete process.env.TSKERN_DEBUG;
  }
}

/**
 * Runs the real bin in a child process. The child uses this process's tool
 * fingerprint, so cache keys agree even if the compiler's sources are edited
 * while the suite runs.
 */
function bin(argv, cwd, { env = {}, nodeArgs = [] } = {}) {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, TSKERN_TOOL_FINGERPRINT: toolFingerprint(), ...env };
    execFile(process.execPath, [...nodeArgs, nodePath.join(REPO, "plugin/cli/bin.js"), ...argv], { cwd, env: childEnv, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

/** Every file of a directory tree: relative path -> bytes. */
async function tree(dir) {
  const out = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[nodePath.relative(dir, nodePath.join(e.parentPath ?? e.path, e.name))] = (await readFile(nodePath.join(e.parentPath ?? e.path, e.name))).toString("base64");
  }
  return out;
}

/** The one entry of a cache dir. */
async function onlyEntry(cache) {
  const { entries, temporary } = await listCache(cache);
  expect(temporary).toEqual([]);
  expect(entries).toHaveLength(1);
  return nodePath.join(cache, entries[0].key);
}

beforeAll(async () => {
  await mkdir(SCRATCH, { recursive: true });
});

afterEach(() => {
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

afterAll(async () => {
  await rm(SCRATCH, { recursive: true, force: true });
});

describe("tskern build and the cache", () => {
  it("serves a second build of unchanged sources from the cache without loading the compiler", async () => {
    const { dir, cache } = await project();
    // A loader hook that reports every compiler-side package the process loads.
    await writeFile(nodePath.join(dir, "hooks.mjs"), `import { writeSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (/node_modules\\/(assemblyscript|binaryen|esbuild)\\//.test(r.url)) writeSync(2, "LOADED " + r.url + "\\n");
  return r;
}
`);
    await writeFile(nodePath.join(dir, "spy.mjs"), `import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url);\n`);
    const spy = { nodeArgs: ["--import", nodePath.join(dir, "spy.mjs")], env: { TSKERN_CACHE_DIR: cache } };

    const first = await bin(["build", "k", "--outDir", "dist"], dir, spy);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain("LOADED "); // the spy works: a miss loads the compiler
    expect(first.stdout).not.toContain("from cache");
    const built = await tree(nodePath.join(dir, "dist"));

    await rm(nodePath.join(dir, "dist"), { recursive: true });
    const second = await bin(["build", "k", "--outDir", "dist"], dir, { ...spy, env: { ...spy.env, TSKERN_DEBUG: "1" } });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^built 2 kernels from 1 file into dist\/ in \d+ ms \(from cache\)$/m);
    expect(second.stderr).toMatch(/^tskern: cache hit k\/scale\.kernel\.ts \(\w+\)$/m);
    expect(second.stderr).not.toContain("LOADED ");
    expect(await tree(nodePath.join(dir, "dist"))).toEqual(built);
  });

  it("keys on imported helpers and options: a changed helper is a miss, then a hit", async () => {
    const { dir } = await project();
    const first = await build(dir);
    expect(first.hit).toBe(false);
    expect(first.stderr).toMatch(/cache miss k\/scale\.kernel\.ts \(\w+\): missing/);
    expect((await build(dir)).hit).toBe(true);

    await writeFile(nodePath.join(dir, "k/lib/helper.ts"), HELPER.replace("a * v", "a * v + 1.0"));
    const changed = await build(dir);
    expect(changed.hit).toBe(false);
    expect(changed.stderr).toMatch(/cache miss k\/scale\.kernel\.ts \(\w+\): k\/lib\/helper\.ts changed/);
    expect(changed.wasm.equals(first.wasm)).toBe(false);
    expect((await build(dir)).hit).toBe(true);

    await writeFile(nodePath.join(dir, "k/lib/helper.ts"), HELPER);
    const reverted = await build(dir);
    expect(reverted.wasm.equals(first.wasm)).toBe(true);

    const release = await build(dir, ["--no-boundscheck"]);
    expect(release.hit).toBe(false);
    expect(release.stderr).toMatch(/: missing/);
    expect((await build(dir, ["--no-boundscheck"])).hit).toBe(true);
    expect((await build(dir)).hit).toBe(true); // both variants cached side by side
  });

  it("detects a corrupt entry, rebuilds and replaces it, and never serves it", async () => {
    const { dir, cache } = await project();
    const good = await build(dir);
    const goodTree = await tree(nodePath.join(dir, "dist"));
    const entry = await onlyEntry(cache);
    const names = await readdir(entry);
    const wasmName = names.find((n) => n.endsWith("tskern.wasm"));
    const jsName = names.find((n) => n.endsWith("scale.kernel.js"));

    const corruptions = [
      ["a truncated wasm", async () => writeFile(nodePath.join(entry, wasmName), (await readFile(nodePath.join(entry, wasmName))).subarray(0, 30)),
        `corrupt: ${wasmName} does not match its recorded sha256`],
      ["a flipped byte in a module", async () => {
        const data = await readFile(nodePath.join(entry, jsName));
        data[data.length >> 1] ^= 0x20;
        await writeFile(nodePath.join(entry, jsName), data);
      }, `corrupt: ${jsName} does not match its recorded sha256`],
      ["a deleted artifact", () => rm(nodePath.join(entry, wasmName)), `corrupt: ${wasmName} is missing`],
      ["an edited entry.json", async () => {
        const text = await readFile(nodePath.join(entry, "entry.json"), "utf8");
        await writeFile(nodePath.join(entry, "entry.json"), text.replace('"scale.kernel.js"', '"scale.kernel.mjs"'));
      }, "corrupt: entry.json does not match its checksum"],
      ["a garbled entry.json", () => writeFile(nodePath.join(entry, "entry.json"), "{ no"), "corrupt: entry.json is not valid JSON"],
    ];
    for (const [what, corrupt, reason] of corruptions) {
      await corrupt();
      await rm(nodePath.join(dir, "dist"), { recursive: true });
      const rebuilt = await build(dir);
      expect(rebuilt.hit, what).toBe(false);
      expect(rebuilt.stderr, what).toContain(reason);
      expect(await tree(nodePath.join(dir, "dist")), what).toEqual(goodTree);
      // The entry was replaced whole: the next build is a hit with the same bytes.
      const again = await build(dir);
      expect(again.hit, what).toBe(true);
      expect(again.wasm.equals(good.wasm), what).toBe(true);
      expect(await onlyEntry(cache)).toBe(entry);
    }
  });

  it("--no-cache and TSKERN_NO_CACHE=1 neither read nor write the cache", async () => {
    const { dir, cache } = await project();
    expect((await build(dir, ["--no-cache"])).hit).toBe(false);
    await expect(stat(cache)).rejects.toThrow();
    process.env.TSKERN_NO_CACHE = "1";
    expect((await build(dir)).hit).toBe(false);
    await expect(stat(cache)).rejects.toThrow();
    delete process.env.TSKERN_NO_CACHE;
    await build(dir);
    expect((await build(dir, ["--no-cache"])).hit).toBe(false); // an entry exists; --no-cache still compiles
  });

  it("two concurrent builds of the same sources into one cache both succeed and leave one valid entry", async () => {
    const { dir, cache } = await project();
    const env = { env: { TSKERN_CACHE_DIR: cache } };
    const [a, b] = await Promise.all([
      bin(["build", "k", "--outDir", "out-a"], dir, env),
      bin(["build", "k", "--outDir", "out-b"], dir, env),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(await tree(nodePath.join(dir, "out-a"))).toEqual(await tree(nodePath.join(dir, "out-b")));
    const entry = await onlyEntry(cache); // no temporary directories left either
    expect(await readEntry(cache, nodePath.basename(entry))).not.toBeNull();
    const third = await build(dir);
    expect(third.hit).toBe(true);
  });

  it("keeps the cache to TSKERN_CACHE_MAX_ENTRIES, dropping the least recently used", async () => {
    const { dir, cache } = await project();
    process.env.TSKERN_CACHE_MAX_ENTRIES = "2";
    await build(dir); // A
    await build(dir, ["--no-boundscheck"]); // B
    await build(dir); // A again: a hit, now the most recently used
    await build(dir, ["--memory-limit", "64MiB"]); // C: B goes
    expect((await listCache(cache)).entries).toHaveLength(2);
    expect((await build(dir)).hit).toBe(true);
    expect((await build(dir, ["--memory-limit", "64MiB"])).hit).toBe(true);
    expect((await build(dir, ["--no-boundscheck"])).hit).toBe(false);
  });
});

describe("build-cache.js", () => {
  it("prunes least recently used entries by count and bytes, and stale temporary directories", async () => {
    const cache = nodePath.join(SCRATCH, "prune");
    const keys = ["k1", "k2", "k3", "k4", "k5"];
    const past = Date.now() / 1000 - 3600;
    for (const [i, key] of keys.entries()) {
      await writeEntry(cache, key, { "a.bin": new Uint8Array(10_000).fill(i) }, { i }, { prune: false });
      await utimes(nodePath.join(cache, key), past + i, past + i); // k1 oldest
    }
    expect((await readEntry(cache, "k1"))?.meta).toEqual({ i: 0 }); // a hit makes k1 the newest
    await mkdir(nodePath.join(cache, "k9.123.abcdef.tmp"));
    await utimes(nodePath.join(cache, "k9.123.abcdef.tmp"), past - 7200, past - 7200);
    await mkdir(nodePath.join(cache, "k8.123.abcdef.tmp")); // a writer at work: kept
    await writeFile(nodePath.join(cache, "README"), "not ours");

    expect(await pruneCache(cache, { maxEntries: 3 })).toEqual({ removed: 2, bytes: expect.any(Number) });
    expect((await listCache(cache)).entries.map((e) => e.key)).toEqual(["k4", "k5", "k1"]);
    expect((await readdir(cache)).sort()).toEqual(["README", "k1", "k4", "k5", "k8.123.abcdef.tmp"]);

    const perEntry = (await listCache(cache)).entries[0].bytes;
    await pruneCache(cache, { maxBytes: perEntry * 2, keep: "k4" }); // k4 is kept even though it is the oldest
    expect((await listCache(cache)).entries.map((e) => e.key)).toEqual(["k4", "k1"]);

    process.env.TSKERN_CACHE_MAX_BYTES = "15KB"; // one entry's worth: writing prunes to the new entry alone
    await writeEntry(cache, "k6", { "a.bin": new Uint8Array(10_000) });
    expect((await listCache(cache)).entries.map((e) => e.key)).toEqual(["k6"]);
  });

  it("reads an entry written by another build of tskern (another tool fingerprint) as a miss", async () => {
    const cache = nodePath.join(SCRATCH, "tool");
    process.env.TSKERN_TOOL_FINGERPRINT = "an-older-compiler";
    await writeEntry(cache, "k", { "a.txt": "old output" });
    delete process.env.TSKERN_TOOL_FINGERPRINT;
    const reasons = [];
    expect(await readEntry(cache, "k", { onMiss: (r) => reasons.push(r) })).toBeNull();
    expect(reasons).toEqual(["written by another build of tskern (the compiler or runtime sources differ)"]);
    expect(toolFingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keeps an existing entry with the same artifacts, replaces one with different artifacts", async () => {
    const cache = nodePath.join(SCRATCH, "replace");
    await writeEntry(cache, "k", { "a.txt": "one" }, { n: 1 });
    const ino = (await stat(nodePath.join(cache, "k"))).ino;
    await writeEntry(cache, "k", { "a.txt": "one" }, { n: 1 });
    expect((await stat(nodePath.join(cache, "k"))).ino).toBe(ino);
    await writeEntry(cache, "k", { "a.txt": "two" }, { n: 2 });
    const entry = await readEntry(cache, "k");
    expect(entry?.meta).toEqual({ n: 2 });
    expect(entry?.files["a.txt"].toString()).toBe("two");
    expect((await readdir(cache)).sort()).toEqual(["k"]);
  });
});

describe("tskern cache", () => {
  it("prints the location and contents, and cleans only cache entries", async () => {
    const { dir, cache } = await project();
    await build(dir);
    await build(dir, ["--no-boundscheck"]);
    expect(await run(["cache", "dir"], dir)).toEqual({ code: 0, stdout: `${cache}\n`, stderr: "" });
    const info = await run(["cache", "info"], dir);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`^${cache.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: 2 entries, [\\d.]+ KiB \\(limits: 200 entries, 256 MiB`));

    await writeFile(nodePath.join(cache, "keep-me.txt"), "not a cache entry");
    const clean = await run(["cache", "clean"], dir);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^removed 2 entries \([\d.]+ KiB\) from /);
    expect(await readdir(cache)).toEqual(["keep-me.txt"]);
    expect((await build(dir)).hit).toBe(false);

    for (const argv of [["cache"], ["cache", "nuke"], ["cache", "dir", "extra"]]) {
      const r = await run(argv, dir);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toContain("'tskern cache' takes one of dir, info, clean");
    }
  });

  it("is one directory for the CLI and tskern/register: node_modules/.cache/tskern of the project", async () => {
    const { dir } = await project({ "package.json": "{}\n" });
    delete process.env.TSKERN_CACHE_DIR;
    const expected = nodePath.join(dir, "node_modules", ".cache", "tskern");
    expect(cacheDir(nodePath.join(dir, "k"))).toBe(expected);
    expect((await run(["cache", "dir"], dir)).stdout).toBe(`${expected}\n`);
    await build(dir);
    const loaded = await loadKernelModules(nodePath.join(dir, "k/scale.kernel.ts"));
    expect(loaded.fromCache).toBe(false);
    expect((await listCache(expected)).entries).toHaveLength(2); // the build's and the loader's
    expect((await run(["cache", "clean", "-q"], dir)).code).toBe(0);
    expect((await listCache(expected)).entries).toHaveLength(0);
  });
});
