// Concurrency: CLI builds racing into one (empty) cache and into one outDir,
// as separate processes; parallel kernels trapping in every worker at once.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn } from "node:child_process";
import { readFile, readdir, cp, mkdir, rm } from "node:fs/promises";
import nodePath from "node:path";
import { REPO, scratchDir, buildProject, importBuilt } from "../support/build-fixture.js";
import { alloc, free, memoryStats, configurePool, closePool, workerPool, KernelError } from "../../runtime/index.js";

const BIN = nodePath.join(REPO, "plugin/cli/bin.js");
const LIBRARY = ["scan.kernel.ts", "histogram.kernel.ts"]; // small: cold compiles in child processes
const figures = { racingBuilds: 0, identicalOutputs: 0, trapRounds: 0, rejections: 0, goodRunsAfter: 0 };

/**
 * Runs the CLI in a child process.
 * @param {string[]} args @param {string} cwd @param {Record<string, string>} env
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
function cli(args, cwd, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every file of a directory, relative path -> bytes. @param {string} dir */
async function tree(dir) {
  /** @type {Map<string, Buffer>} */
  const out = new Map();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const abs = nodePath.join(entry.parentPath, entry.name);
    out.set(nodePath.relative(dir, abs), await readFile(abs));
  }
  return out;
}

/** @param {Map<string, Buffer>} a @param {Map<string, Buffer>} b */
function sameTree(a, b) {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [k, v] of a) expect(v.equals(/** @type {Buffer} */ (b.get(k))), k).toBe(true);
}

describe("builds racing into one cache", () => {
  let dir = "";
  let cache = "";
  beforeAll(async () => {
    dir = await scratchDir("race");
    cache = nodePath.join(dir, ".cache");
    await mkdir(nodePath.join(dir, "kernels"), { recursive: true });
    for (const f of LIBRARY) await cp(nodePath.join(REPO, "kernels", f), nodePath.join(dir, "kernels", f));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("two CLI builds at once into an empty cache: both succeed with identical outputs; the entry serves the next build", async () => {
    const env = { TSKERN_CACHE_DIR: cache };
    const [a, b] = await Promise.all([
      cli(["build", "kernels", "--outDir", "distA"], dir, env),
      cli(["build", "kernels", "--outDir", "distB"], dir, env),
    ]);
    figures.racingBuilds += 2;
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const ta = await tree(nodePath.join(dir, "distA"));
    sameTree(ta, await tree(nodePath.join(dir, "distB")));
    figures.identicalOutputs++;

    // The cache holds one valid entry for these sources: a third build is served from it, byte-identical.
    const c = await cli(["build", "kernels", "--outDir", "distC"], dir, env);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout + c.stderr).toMatch(/from cache/);
    sameTree(ta, await tree(nodePath.join(dir, "distC")));
    const entries = (await readdir(cache, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith("."));
    expect(entries.length).toBeGreaterThanOrEqual(1);
    const check = await cli(["check", "kernels", "--outDir", "distA"], dir, env);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  }, 240_000);

  it("two CLI builds at once into the same outDir leave a complete, checkable output", async () => {
    const env = { TSKERN_CACHE_DIR: nodePath.join(dir, ".cache2") };
    const runs = await Promise.all([0, 1].map(() => cli(["build", "kernels", "--outDir", "same"], dir, env)));
    figures.racingBuilds += 2;
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    sameTree(await tree(nodePath.join(dir, "distA")), await tree(nodePath.join(dir, "same")));
    figures.identicalOutputs++; // distA passed `tskern check` above
  }, 240_000);
});

const PAR = `// Parallel kernels of tests/reliability/concurrency.test.js.
// @tskern parallel
export function trapEvery(start: i32, end: i32, out: Float64Array, every: i32): void {
  for (let i = start; i < end; i++) {
    out[i] = 1;
    if (i % every == every - 1) unreachable();
  }
}

// @tskern parallel
export function pokeEvery(start: i32, end: i32, out: Float64Array, every: i32): void {
  for (let i = start; i < end; i++) {
    out[i] = 2;
    if (i % every == every - 1) out[i + out.length] = 3;
  }
}

// @tskern parallel
export function square(start: i32, end: i32, x: Float64Array, out: Float64Array): void {
  for (let i = start; i < end; i++) out[i] = x[i] * x[i];
}
`;

describe("parallel kernels trapping in several workers at once", () => {
  /** @type {any} */ let k;
  beforeAll(async () => {
    const built = await buildProject("race-par", { sources: { "kernels/par.kernel.ts": PAR } });
    if (!built.result.ok) throw new Error(built.errors);
    k = await importBuilt(built.outDir, "par.kernel.js");
    await configurePool({ size: 3 });
  });
  afterAll(async () => {
    await closePool();
    console.log(`[reliability] concurrency: ${figures.racingBuilds} racing CLI builds (${figures.identicalOutputs} output sets compared byte for byte), ` +
      `${figures.trapRounds} parallel calls trapping in every worker (${figures.rejections} single located rejections), ${figures.goodRunsAfter} correct parallel runs after them`);
  });

  it("every chunk traps: one located KernelError per call, 40 calls in a row; the pool and memory stay usable", async () => {
    const N = 3000;
    const out = alloc(Float64Array, N);
    const x = alloc(Float64Array, N);
    for (let i = 0; i < N; i++) x[i] = i;
    const sq = alloc(Float64Array, N);
    const before = memoryStats();
    for (let round = 0; round < 40; round++) {
      const useTrap = round % 2 === 0;
      const call = useTrap ? k.trapEvery.parallel(N, out, 50) : k.pokeEvery.parallel(N, out, 50);
      const settled = await Promise.allSettled([call]);
      figures.trapRounds++;
      expect(settled[0].status).toBe("rejected");
      const error = /** @type {PromiseRejectedResult} */ (settled[0]).reason;
      expect(error).toBeInstanceOf(KernelError);
      expect(error.code).toBe(useTrap ? "TSK206" : "TSK201");
      expect(error).toMatchObject({ path: "kernels/par.kernel.ts", line: useTrap ? 6 : 14 });
      expect(error.message).toMatch(useTrap ? /^trapEvery: unreachable at kernels\/par\.kernel\.ts:6:\d+/ : /^pokeEvery: index \d+ out of bounds for length 3000 at kernels\/par\.kernel\.ts:14:\d+/);
      expect(Array.isArray(error.chunk)).toBe(true);
      figures.rejections++;
      // Every worker is alive and correct afterwards.
      await k.square.parallel(N, x, sq);
      expect(sq[N - 1]).toBe((N - 1) ** 2);
      expect(sq.every((v, i) => v === i * i)).toBe(true);
      sq.fill(0);
      figures.goodRunsAfter++;
    }
    expect(workerPool().size).toBe(3);
    // Several calls in flight at once, all trapping: each rejects on its own.
    const many = await Promise.allSettled(Array.from({ length: 6 }, () => k.trapEvery.parallel(N, out, 7)));
    expect(many.every((s) => s.status === "rejected" && s.reason instanceof KernelError && s.reason.code === "TSK206")).toBe(true);
    figures.trapRounds += 6;
    figures.rejections += 6;
    // Memory: nothing pinned or leaked by the failed calls; new arrays work.
    const after = memoryStats();
    expect(after.liveArrays).toBe(before.liveArrays);
    expect(after.liveBytes).toBe(before.liveBytes);
    const fresh = alloc(Float64Array, N).fill(3);
    await k.square.parallel(N, fresh, sq);
    expect(sq.every((v) => v === 9)).toBe(true);
    figures.goodRunsAfter++;
    // A plain (copied) array through a trapping parallel call: copied back, the copy released.
    const plain = new Float64Array(N);
    await expect(k.trapEvery.parallel(N, plain, 1000)).rejects.toBeInstanceOf(KernelError);
    expect(plain.some((v) => v === 1)).toBe(true); // the chunks that ran wrote into it
    expect(memoryStats().liveArrays).toBe(before.liveArrays + 1);
    free(fresh); free(out); free(x); free(sq);
  }, 240_000);
});
