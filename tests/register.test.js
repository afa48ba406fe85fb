// `node --import tskern/register app.mjs`: kernels compiled on import, cached
// on disk, errors located. Each scenario runs real child processes on scratch
// projects under tests/.tmp/.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import { mkdir, writeFile, readFile, rm, readdir, stat } from "node:fs/promises";
import nodePath from "node:path";
import { fileURLToPath } from "node:url";
import { loadKernelModules } from "../plugin/register/kernel-loader.js";
import { readEntry, writeEntry } from "../plugin/build/build-cache.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const REGISTER = nodePath.join(REPO, "plugin/register/register.js");
const RUNTIME_URL = new URL("../runtime/index.js", import.meta.url).href;
const SCRATCH = nodePath.join(REPO, "tests", ".tmp", `register-${process.pid}-${Date.now().toString(36)}`);

const MATH = `import { square } from "./helper";

export function sumSquares(x: Float64Array): f64 {
  let s: f64 = 0;
  for (let i = 0; i < x.length; i++) s += square(x[i]);
  return s;
}

export function scale(a: f64, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] *= a;
}

export function range(n: i32): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = <f64>i;
  return out;
}
`;

const HELPER = "export function square(v: f64): f64 { return v * v; }\n";

const APP = `import { sumSquares, scale, range } from "./math.kernel.ts";
import { range as rangeViaJs } from "./math.kernel.js";
import { alloc, free, builds } from ${JSON.stringify(RUNTIME_URL)};

const x = alloc(Float64Array, 4);
x.set([1, 2, 3, 4]);
scale(2, x);
const result = {
  sum: sumSquares(x),
  scaled: Array.from(x),
  range: Array.from(range(3)),
  rangeIsTyped: range(3) instanceof Float64Array,
  jsSpecifierSameModule: range === rangeViaJs,
  builds: builds().length,
};
free(x);
console.log(JSON.stringify(result));
`;

const EXPECTED = { sum: 120, scaled: [2, 4, 6, 8], range: [0, 1, 2], rangeIsTyped: true, jsSpecifierSameModule: true, builds: 1 };

/** Writes files (relative path -> text) under a new scratch project. */
async function project(name, files) {
  const dir = nodePath.join(SCRATCH, name);
  for (const [path, text] of Object.entries({ "package.json": `{ "type": "module" }\n`, ...files })) {
    await mkdir(nodePath.dirname(nodePath.join(dir, path)), { recursive: true });
    await writeFile(nodePath.join(dir, path), text);
  }
  return dir;
}

/**
 * Runs `node --import <register> <script>` in `cwd`.
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function node(cwd, script, env = {}) {
  return new Promise((resolve) => {
    const childEnv = { ...process.env, ...env };
    for (const key of ["TSKERN_DEBUG", "TSKERN_NO_CACHE", "NODE_OPTIONS"]) if (!(key in env)) delete childEnv[key];
    execFile(process.execPath, ["--import", REGISTER, script], { cwd, env: childEnv, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** The one entry directory in a cache dir. */
async function onlyEntry(cache) {
  const entries = (await readdir(cache)).filter((n) => !n.endsWith(".tmp"));
  expect(entries).toHaveLength(1);
  return nodePath.join(cache, entries[0]);
}

beforeAll(async () => {
  await mkdir(SCRATCH, { recursive: true });
});

afterAll(async () => {
  await rm(SCRATCH, { recursive: true, force: true });
});

describe("tskern/register", () => {
  it("compiles on import, then serves from the cache; rebuilds a corrupt entry", async () => {
    const dir = await project("cached", { "math.kernel.ts": MATH, "helper.ts": HELPER, "app.mjs": APP });
    const cache = nodePath.join(dir, "cache");
    const env = { TSKERN_CACHE_DIR: cache };

    // 1. First run: compiles and fills the cache.
    const first = await node(dir, "app.mjs", { ...env, TSKERN_DEBUG: "1" });
    expect(first.stderr).toMatch(/cache miss math\.kernel\.ts \(\w+\): missing/);
    expect(first.stderr).toMatch(/compiled math\.kernel\.ts in \d+ ms/);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual(EXPECTED);
    const entry = await onlyEntry(cache);
    expect((await readdir(entry)).sort()).toEqual(["entry.json", "kernel.js", "tskern-build.js", "tskern.wasm"]);
    const stored = JSON.parse(await readFile(nodePath.join(entry, "entry.json"), "utf8"));
    expect(stored.meta.inputs.map((i) => i.path)).toEqual(["helper.ts", "math.kernel.ts"]);
    const mtime = (await stat(nodePath.join(entry, "entry.json"))).mtimeMs;

    // 2. Second run: a hit; the hooks print nothing and rewrite nothing.
    const second = await node(dir, "app.mjs", env);
    expect(second).toEqual({ code: 0, stdout: first.stdout, stderr: "" });
    expect((await stat(nodePath.join(entry, "entry.json"))).mtimeMs).toBe(mtime);
    const third = await node(dir, "app.mjs", { ...env, TSKERN_DEBUG: "1" });
    expect(third.stderr).toMatch(/cache hit math\.kernel\.ts/);
    expect(third.stderr).not.toMatch(/compiled/);

    // 3. A corrupt entry (truncated wasm) is detected and rebuilt (then hit again).
    const wasm = nodePath.join(entry, "tskern.wasm");
    await writeFile(wasm, (await readFile(wasm)).subarray(0, 20));
    const repaired = await node(dir, "app.mjs", { ...env, TSKERN_DEBUG: "1" });
    expect(repaired.stderr).toMatch(/cache miss math\.kernel\.ts \(\w+\): corrupt: tskern\.wasm/);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(JSON.parse(repaired.stdout)).toEqual(EXPECTED);
    expect((await node(dir, "app.mjs", { ...env, TSKERN_DEBUG: "1" })).stderr).toMatch(/cache hit/);
  });

  it("fails the import of a kernel with a type error with path:line:col and a code frame", async () => {
    const broken = MATH.replace("  return s;\n", "  return s + \"!\";\n");
    const line = broken.split("\n").findIndex((l) => l.includes("return s + ")) + 1;
    const column = broken.split("\n")[line - 1].indexOf("s + ") + 1;
    const dir = await project("typeerror", {
      "math.kernel.ts": broken,
      "helper.ts": HELPER,
      "app.mjs": APP,
      "good.kernel.ts": "export function twice(x: i32): i32 { return x * 2; }\n",
      // The loader survives a failed compile: the same process goes on to import another kernel.
      "catch.mjs": `let message = "";
try { await import("./math.kernel.ts"); } catch (e) { message = e.message; }
const { twice } = await import("./good.kernel.ts");
console.log(JSON.stringify({ message, twice: twice(21) }));
`,
    });
    const cache = nodePath.join(dir, "cache");

    const r = await node(dir, "app.mjs", { TSKERN_CACHE_DIR: cache });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`math.kernel.ts:${line}:${column}: error AS`);
    expect(r.stderr).toContain(`> ${line} |   return s + "!";`);
    expect(r.stderr).toContain(`at ${nodePath.join(dir, "math.kernel.ts")}:${line}:${column}`);
    expect(r.stderr).not.toContain("hooks.js"); // no loader internals in the report

    // TSKERN_NO_CACHE=1: compiles, writes nothing.
    const caught = await node(dir, "catch.mjs", { TSKERN_CACHE_DIR: cache, TSKERN_NO_CACHE: "1" });
    expect(caught.code, caught.stderr).toBe(0);
    const out = JSON.parse(caught.stdout);
    expect(out.twice).toBe(42);
    expect(out.message).toMatch(new RegExp(`^math\\.kernel\\.ts:${line}:${column}: error AS\\d+: `));
    await expect(stat(cache)).rejects.toThrow();
  });

});

// The same loader in process (the compiler stays warm, so these are quick).
describe("kernel loader cache", () => {
  it("rebuilds when an imported helper changes or entry.json is corrupt", async () => {
    const dir = await project("inprocess", { "math.kernel.ts": MATH, "helper.ts": HELPER });
    const cacheDir = nodePath.join(dir, "cache");
    const file = nodePath.join(dir, "math.kernel.ts");
    const logs = [];
    const load = () => loadKernelModules(file, { cacheDir, log: (m) => logs.push(m) });

    const first = await load();
    expect(first.fromCache).toBe(false);
    expect(first.path).toBe("math.kernel.ts");
    expect(first.kernelSource).toContain('from "./tskern-build.js"');
    expect(first.buildSource).toContain(JSON.stringify(RUNTIME_URL));
    expect(first.buildSource).toMatch(/new URL\("file:\/\/\/.*\/tskern\.wasm"\)/);
    expect((await load()).fromCache).toBe(true);

    const entry = await onlyEntry(cacheDir);
    await writeFile(nodePath.join(entry, "entry.json"), "{ not json");
    const rebuilt = await load();
    expect(rebuilt.fromCache).toBe(false);
    expect(logs.join("\n")).toMatch(/corrupt: entry\.json is not valid JSON/);
    expect(rebuilt.kernelSource).toBe(first.kernelSource);

    await writeFile(nodePath.join(dir, "helper.ts"), "export function square(v: f64): f64 { return v * v + 1; }\n");
    logs.length = 0;
    const stale = await load();
    expect(stale.fromCache).toBe(false);
    expect(logs.join("\n")).toMatch(/cache miss math\.kernel\.ts \(\w+\): helper\.ts changed/);
    expect((await load()).fromCache).toBe(true);
  });

  it("serves the wasm inline when the cache is off", async () => {
    const dir = await project("nocache", { "k.kernel.ts": "export function one(): i32 { return 1; }\n" });
    const r = await loadKernelModules(nodePath.join(dir, "k.kernel.ts"), { cache: false, cacheDir: nodePath.join(dir, "cache") });
    expect(r.buildSource).toMatch(/Buffer\.from\("AGFzbQ/); // base64 of "\0asm"
    await expect(stat(nodePath.join(dir, "cache"))).rejects.toThrow();
  });

  it("keeps an entry whole when writers race, and reports partial entries as misses", async () => {
    const cacheDir = nodePath.join(SCRATCH, "race-cache");
    const key = "a".repeat(64);
    const files = (n) => ({ "a.js": `export const n = ${n};\n`.repeat(2000), "b.wasm": new Uint8Array(100_000).fill(n) });
    // Same contents (a deterministic build in two processes): always a valid entry.
    await Promise.all([1, 1, 1, 1].map((n) => writeEntry(cacheDir, key, files(n), { n })));
    expect((await readEntry(cacheDir, key))?.meta).toEqual({ n: 1 });
    // Different contents: never mixed data.
    await Promise.all([2, 3, 4, 5, 6].map((n) => writeEntry(cacheDir, key, files(n), { n })));
    const entry = await readEntry(cacheDir, key);
    // Each file is whole (renamed into place); whichever index was written last
    // must match the files it names, or the entry reads as a miss, never as mixed data.
    if (entry) expect(entry.files["b.wasm"][0]).toBe(entry.meta.n);
    expect((await readdir(nodePath.join(cacheDir, key))).filter((n) => n.endsWith(".tmp"))).toEqual([]);

    await writeEntry(cacheDir, key, files(7), { n: 7 });
    expect((await readEntry(cacheDir, key))?.meta).toEqual({ n: 7 });
    await rm(nodePath.join(cacheDir, key, "b.wasm"));
    const reasons = [];
    expect(await readEntry(cacheDir, key, { onMiss: (r) => reasons.push(r) })).toBeNull();
    expect(reasons).toEqual(["corrupt: b.wasm is missing"]);
    expect(await readEntry(cacheDir, "b".repeat(64), { onMiss: (r) => reasons.push(r) })).toBeNull();
    expect(reasons[1]).toBe("missing");
  });
});
