// Compiler fuzzing. Invalid sources (mutated library kernels): compileKernels
// never throws, never hangs, and every failure carries a located diagnostic.
// Valid random kernels: compiled results equal pure mode on random inputs
// (differential testing). Every case is a function of a seed printed with
// it; TSKERN_FUZZ_CASES=N scales the run, TSKERN_FUZZ_SEED picks another one.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { readdir, readFile, mkdir, writeFile, rm } from "node:fs/promises";
import nodePath from "node:path";
import { pathToFileURL } from "node:url";
import { REPO, scratchDir } from "../support/build-fixture.js";
import { writeOutputs } from "../../plugin/build/build-kernels.js";
import { importPure } from "../../plugin/pure/load.js";
import { compileKernels } from "../../plugin/compiler/compile.js";
import { CompileSandbox } from "./compile-sandbox.js";
import { Rng, genValidFile, genInputs, mutateKernel } from "./gen-kernels.js";

const CASES = Number(process.env.TSKERN_FUZZ_CASES || 100);
const SEED = Number(process.env.TSKERN_FUZZ_SEED || 1);
const KERNELS_PER_FILE = 16;
const INPUTS_PER_KERNEL = 4;
const VALID_FILES = Math.max(1, Math.round((CASES * 0.3) / KERNELS_PER_FILE));
const INVALID_CASES = Math.max(1, CASES - VALID_FILES * KERNELS_PER_FILE);
/** A compile of one mutated file takes ~0.3 s; 20 s means it hung. */
const CASE_TIMEOUT_MS = 20_000;
/** A build of 16 random kernels at -O3 takes 2-5 s. */
const BUILD_TIMEOUT_MS = 120_000;

/** @type {CompileSandbox} */
let sandbox;
/** @type {Array<{ name: string, text: string }>} */
let library = [];
let scratch = "";
const figures = {
  invalidTried: 0, invalidRejected: 0, invalidAccepted: 0, mustFailTried: 0, diagnostics: 0,
  compilerCrashes: 0, slowRetries: 0, validFiles: 0, validKernels: 0, validRuns: 0, hangs: 0, workerRestarts: 0, failures: 0,
  byKind: /** @type {Record<string, number>} */ ({}),
  ms: 0,
};
/** Cases where AssemblyScript crashed (TSK109): located, so not failures, but worth reporting upstream. */
const crashes = /** @type {Array<Record<string, unknown>>} */ ([]);
/** Every invariant violation, with the seed that reproduces it. */
const failures = /** @type {Array<Record<string, unknown>>} */ ([]);

beforeAll(async () => {
  const dir = nodePath.join(REPO, "kernels");
  const names = (await readdir(dir)).filter((f) => f.endsWith(".kernel.ts")).sort();
  library = await Promise.all(names.map(async (name) => ({ name, text: await readFile(nodePath.join(dir, name), "utf8") })));
  sandbox = new CompileSandbox({ timeoutMs: CASE_TIMEOUT_MS });
  scratch = await scratchDir("fuzz");
});

afterAll(async () => {
  figures.workerRestarts = sandbox?.restarts ?? 0;
  figures.failures = failures.length;
  await sandbox?.close();
  await rm(scratch, { recursive: true, force: true });
  console.log(`[reliability] compiler fuzz (seed ${SEED}, TSKERN_FUZZ_CASES=${CASES}): ` +
    `${figures.invalidTried} invalid sources (${figures.invalidRejected} rejected with ${figures.diagnostics} diagnostics, ` +
    `${figures.invalidAccepted} mutations still valid, ${figures.mustFailTried} that had to fail, ` +
    `${figures.compilerCrashes} AssemblyScript crashes caught as located TSK109, ${sandbox?.crashBanners ?? 0} crash banners), ` +
    `${figures.validKernels} random valid kernels in ${figures.validFiles} builds run ${figures.validRuns} times against pure mode; ` +
    `hangs ${figures.hangs} (after ${figures.slowRetries} slow cases retried), worker restarts ${figures.workerRestarts}, failures ${figures.failures}, ${(figures.ms / 1000).toFixed(1)} s. ` +
    `Mutations: ${JSON.stringify(figures.byKind)}`);
  for (const f of failures) console.log("[reliability] failure:", JSON.stringify(f).slice(0, 2000));
  const kinds = new Map();
  for (const c of crashes) {
    const key = `${c.kind}: ${String(c.message).slice(0, 70)}`;
    if (!kinds.has(key)) kinds.set(key, c);
  }
  for (const c of kinds.values()) console.log("[reliability] AssemblyScript crash (first seed of its kind):", JSON.stringify(c));
});

/** True when `d` is an error at a line and column of `path`, with a code. @param {any} d @param {string} path */
function located(d, path) {
  return d.severity === "error" && d.path === path && d.line >= 1 && d.column >= 1 && /^(TSK|AS)\d+$/.test(d.code) && d.message.length > 0;
}

describe("compiler fuzz: invalid sources", () => {
  it(`${INVALID_CASES} mutated library kernels: no throw, no hang, every failure located`, async () => {
    const start = performance.now();
    for (let i = 0; i < INVALID_CASES; i++) {
      const seed = SEED * 1_000_003 + i;
      const c = mutateKernel(seed, library);
      const path = `kernels/${c.from}`;
      figures.invalidTried++;
      figures.byKind[c.kind] = (figures.byKind[c.kind] ?? 0) + 1;
      if (c.mustFail) figures.mustFailTried++;
      const job = { op: "compile", root: "/fuzz-root", sources: { [path]: c.text } };
      let res = await sandbox.run(job);
      const where = { seed, kind: c.kind, from: c.from };
      if (res.hung) {
        // A busy machine can stretch a compile past the timeout: one retry in a fresh worker, three times as long.
        figures.slowRetries++;
        res = await sandbox.run(job, CASE_TIMEOUT_MS * 3);
      }
      if (res.hung) {
        figures.hangs++;
        failures.push({ ...where, problem: `no answer within ${CASE_TIMEOUT_MS} ms, nor within ${CASE_TIMEOUT_MS * 3} ms in a fresh worker` });
        continue;
      }
      if (res.threw || res.crashed) {
        failures.push({ ...where, problem: "compileKernels threw or crashed instead of returning diagnostics", error: res.threw ?? res.crashed });
        continue;
      }
      const r = res.result;
      if (r.ok) {
        figures.invalidAccepted++;
        if (c.mustFail) failures.push({ ...where, problem: `accepted; expected an error ${c.mustFail}` });
        continue;
      }
      figures.invalidRejected++;
      figures.diagnostics += r.diagnostics.length;
      const crash = r.diagnostics.find((/** @type {any} */ d) => d.code === "TSK109");
      if (crash) {
        figures.compilerCrashes++;
        crashes.push({ ...where, at: `${crash.path}:${crash.line}:${crash.column}`, message: crash.message.slice(0, 160) });
      }
      if (!r.diagnostics.some((/** @type {any} */ d) => located(d, path))) {
        failures.push({ ...where, problem: "no located diagnostic", diagnostics: r.diagnostics.slice(0, 3).map((/** @type {any} */ d) => `${d.code} ${d.path}:${d.line}:${d.column} ${d.message.slice(0, 200)}`) });
      } else if (c.mustFail && !r.diagnostics.some((/** @type {any} */ d) => c.mustFail?.test(d.code))) {
        failures.push({ ...where, problem: `no ${c.mustFail} diagnostic`, codes: r.diagnostics.map((/** @type {any} */ d) => d.code) });
      }
    }
    figures.ms += performance.now() - start;
    expect(failures.filter((f) => f.kind)).toEqual([]);
  }, INVALID_CASES * CASE_TIMEOUT_MS);

  it("the compiler is still usable after every hostile case (a good file compiles)", async () => {
    const res = await sandbox.run({ op: "compile", root: "/fuzz-root", sources: { "kernels/blas.kernel.ts": library.find((l) => l.name === "blas.kernel.ts")?.text } });
    expect(res.result?.ok).toBe(true);
    expect(res.result?.kernels).toBeGreaterThan(3);
  });
});

/**
 * Copies inputs into kernel memory (`alloc`) or plain arrays.
 * @param {ReturnType<typeof genInputs>} inputs @param {any} build  KernelBuild, or null for plain arrays
 */
function materialize(inputs, build) {
  const arr = (/** @type {any} */ src) => {
    if (!build) return src.slice();
    const a = build.alloc(src.constructor, src.length);
    a.set(src);
    return a;
  };
  return { a: arr(inputs.a), b: arr(inputs.b), c: arr(inputs.c), u: arr(inputs.u), s: inputs.s, t: inputs.t, g: inputs.g };
}

/** Runs a kernel, returning its result or the error's message. @param {Function} fn @param {any} x */
function call(fn, x) {
  try {
    return { value: fn(x.a, x.b, x.c, x.u, x.s, x.t, x.g) };
  } catch (error) {
    return { error: String(/** @type {Error} */ (error).message) };
  }
}

/** First difference between the two runs, or null. Values compare with Object.is (NaN equals NaN, +0 is not -0). */
function difference(/** @type {any} */ w, /** @type {any} */ p, /** @type {any} */ wx, /** @type {any} */ px) {
  if (w.error || p.error) return w.error === p.error ? null : `errors differ: wasm ${w.error} / pure ${p.error}`;
  if (!Object.is(w.value, p.value)) return `return value: wasm ${w.value} / pure ${p.value}`;
  for (const key of ["a", "b", "c", "u"]) {
    for (let i = 0; i < wx[key].length; i++) {
      if (!Object.is(wx[key][i], px[key][i])) return `${key}[${i}]: wasm ${wx[key][i]} / pure ${px[key][i]}`;
    }
  }
  return null;
}

describe("compiler fuzz: random valid kernels, wasm against pure mode", () => {
  it(`${VALID_FILES} builds of ${KERNELS_PER_FILE} random kernels: every result equals pure mode`, async () => {
    const start = performance.now();
    for (let f = 0; f < VALID_FILES; f++) {
      const seed = SEED * 7919 + f;
      const { text, kernels } = genValidFile(seed, KERNELS_PER_FILE);
      const dir = nodePath.join(scratch, `valid${f}`);
      const rel = `kernels/fz${f}.kernel.ts`;
      await mkdir(nodePath.join(dir, "kernels"), { recursive: true });
      await writeFile(nodePath.join(dir, rel), text);
      const res = await sandbox.run({ op: "build", cwd: dir, inputs: ["kernels"] }, BUILD_TIMEOUT_MS);
      if (!res.result?.ok) {
        if (res.hung) figures.hangs++;
        failures.push({ seed, file: rel, problem: "a generated valid kernel file did not build", detail: res.hung ? "hung" : res.threw ?? res.crashed ?? res.result.diagnostics.filter((/** @type {any} */ d) => d.severity === "error").slice(0, 3).map((/** @type {any} */ d) => `${d.code} ${d.line}:${d.column} ${d.message}`) });
        continue;
      }
      figures.validFiles++;
      figures.validKernels += kernels.length;
      await writeOutputs(nodePath.join(dir, "dist"), res.result.outputs);
      const wasmMod = await import(pathToFileURL(nodePath.join(dir, "dist", `fz${f}.kernel.js`)).href);
      const { build } = await import(pathToFileURL(nodePath.join(dir, "dist", "tskern-build.js")).href);
      const pureMod = await importPure(nodePath.join(dir, rel));
      for (const k of kernels) {
        for (let r = 0; r < INPUTS_PER_KERNEL; r++) {
          const inputSeed = seed * 1000 + kernels.indexOf(k) * 10 + r;
          const inputs = genInputs(new Rng(inputSeed));
          const useAlloc = r % 2 === 0; // zero-copy arrays and plain (copied) arrays
          const wx = materialize(inputs, useAlloc ? build : null);
          const px = materialize(inputs, null);
          const diff = difference(call(wasmMod[k.name], wx), call(pureMod[k.name], px), wx, px);
          figures.validRuns++;
          if (diff) failures.push({ seed, kernel: k.name, inputSeed, alloc: useAlloc, problem: diff });
          if (useAlloc) for (const key of ["a", "b", "c", "u"]) build.free(/** @type {any} */ (wx)[key]);
        }
      }
    }
    figures.ms += performance.now() - start;
    expect(failures.filter((f) => f.kernel || f.file)).toEqual([]);
  }, VALID_FILES * (BUILD_TIMEOUT_MS + 60_000));
});

describe("compiler fuzz: known divergences (recorded, not fixed)", () => {
  // Found by seed 6 (TSKERN_FUZZ_SEED=6 before the generator learned to avoid
  // it): AssemblyScript types an integer literal by its context, so inside
  // `u32(...)` the literal 89 is a u32, `89 ^ b` is a u32 and `>> 1` a
  // logical shift. Pure mode has no types for intermediate expressions and
  // shifts arithmetically. Fixing it needs type inference in pure mode.
  it.fails("u32((89 ^ b) >> 1) % n: wasm and pure mode agree", async () => {
    const dir = nodePath.join(scratch, "literal-context");
    await mkdir(nodePath.join(dir, "kernels"), { recursive: true });
    const rel = "kernels/lit.kernel.ts";
    await writeFile(nodePath.join(dir, rel), "export function f(b: i32, n: i32): i32 {\n  return i32(u32((89 ^ b) >> 1) % u32(n));\n}\n");
    const res = await sandbox.run({ op: "build", cwd: dir, inputs: ["kernels"] }, BUILD_TIMEOUT_MS);
    expect(res.result?.ok).toBe(true);
    await writeOutputs(nodePath.join(dir, "dist"), res.result.outputs);
    const wasmMod = await import(pathToFileURL(nodePath.join(dir, "dist", "lit.kernel.js")).href);
    const pureMod = await importPure(nodePath.join(dir, rel));
    expect(wasmMod.f(-1673259472, 37)).toBe(pureMod.f(-1673259472, 37)); // wasm 32, pure 17
  }, BUILD_TIMEOUT_MS);
});

describe("compiler fuzz: regressions", () => {
  // Found by seeds 1000052, 1000056, ...: source nested thousands deep ran the
  // compiler out of stack and gave TSK109 at 0:0. It is now located
  // (plugin/compiler/crash-location.js).
  it.each([
    ["brackets", `export function f(x: i32): i32 {\n  return ${"(".repeat(20000)}x${")".repeat(20000)};\n}\n`, 2, 20009, /20001 brackets deep/],
    ["an if chain", `export function f(x: i32): i32 {\n  ${"if (x > 0) ".repeat(20000)}x--;\n  return x;\n}\n`, 2, 3, /the longest \(220006 characters\)/],
  ])("source nested too deep (%s): TSK109 at the deepest point, with the fix", async (_name, text, line, column, what) => {
    const res = await sandbox.run({ op: "compile", root: "/fuzz-root", sources: { "kernels/deep.kernel.ts": text } });
    const d = res.result?.diagnostics?.[0];
    expect(res.result?.ok).toBe(false);
    expect(d).toMatchObject({ code: "TSK109", path: "kernels/deep.kernel.ts", line, column });
    expect(d.message).toMatch(what);
    expect(d.message).toMatch(/nests too deeply .* Split it into smaller pieces/);
  });
});

describe("compiler: AssemblyScript crashes found by fuzzing", () => {
  // Seeds 2000058 and 2000123 (TSKERN_FUZZ_SEED=2): a swapped type gave
  // `const n: void = x.length;`, on which AssemblyScript 0.28 fails an
  // assertion. Now located at the declaration with the fix (crash-location.js).
  it("a variable of type void: TSK109 at the declaration, saying what to write", async () => {
    const res = await sandbox.run({ op: "compile", root: "/fuzz-root", sources: { "kernels/v.kernel.ts": "export function f(x: Float64Array): i32 {\n  const n: void = x.length;\n  return 1;\n}\n" } });
    expect(res.result?.ok).toBe(false);
    expect(res.result.diagnostics[0]).toMatchObject({ code: "TSK109", path: "kernels/v.kernel.ts", line: 2, column: 3 });
    expect(res.result.diagnostics[0].message).toMatch(/^A variable cannot have type 'void' .* Give it a value type such as i32 or f64/);
  });
});

describe("compiler: hostile options and readers", () => {
  // Found by this suite: a readFile that throws (EACCES, EISDIR, a dev
  // server's reader) made compileKernels reject; for an imported helper it
  // was reported as an AssemblyScript crash. Fixed in plugin/compiler/compile.js.
  it("a kernel file whose readFile throws: TSK105 naming the reason, no rejection", async () => {
    const r = await compileKernels({ files: ["k.kernel.ts"], root: "/fuzz-root", readFile: async () => { throw new Error("EACCES: permission denied"); } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toMatchObject([{ code: "TSK105", path: "k.kernel.ts" }]);
    expect(r.diagnostics[0].message).toBe("Cannot read kernel file 'k.kernel.ts': EACCES: permission denied. Check the path.");
  });
  it("an imported helper whose readFile throws: a located 'not found' at the import", async () => {
    const r = await compileKernels({
      files: ["k.kernel.ts"], root: "/fuzz-root",
      readFile: (abs) => {
        if (abs.endsWith("k.kernel.ts")) return Promise.resolve('import { h } from "./h";\nexport function f(): i32 { return h(); }\n');
        throw new Error("EIO"); // a synchronous throw, too
      },
    });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: "AS6054", path: "k.kernel.ts", line: 1, column: 19 });
  });
  it("files outside the root, of the wrong name, missing or none: file-level diagnostics, no rejection", async () => {
    const read = async () => "export function f(): void {}";
    for (const [files, code] of /** @type {Array<[string[], string]>} */ ([[["../x.kernel.ts"], "TSK106"], [["a.ts"], "TSK105"], [[], "TSK105"]])) {
      const r = await compileKernels({ files, root: "/fuzz-root/sub", readFile: read });
      expect(r.ok).toBe(false);
      expect(r.diagnostics[0].code).toBe(code);
    }
    const missing = await compileKernels({ files: ["k.kernel.ts"], root: "/fuzz-root", readFile: async () => null });
    expect(missing.diagnostics[0]).toMatchObject({ code: "TSK105", path: "k.kernel.ts" });
  });
});
