#!/usr/bin/env node
// `node bench/rebuild.js [--quick]`: build and rebuild times of the kernel
// library (kernels/), as ratios measured in this one run.
//
//  1. no-change rebuild: `tskern build kernels` in a fresh process with a warm
//     cache, against a cold build (fresh process, empty cache). Target <= 10%.
//  2. one-file change, as `--watch` does it: the process (and the compiler in
//     it) is warm, one kernel file changes, the whole program is recompiled.
//     Timed in process and end to end (file saved -> new output on disk, with
//     a real `tskern build --watch` child: fs.watch, debounce, the quick -O0
//     build written first, then the optimized one).
//  3. where that time goes: AssemblyScript's own phase timers (parse, compile,
//     emit, validate, Binaryen optimize), per optimization level, and what a
//     lower level costs at run time (the example kernels, -O3 vs -O2/-O1/-O0).
//
// Builds a snapshot of kernels/ under bench/.build/rebuild/ (gitignored), with
// its own cache directory. Prints everything to stdout; nothing is asserted.
import { register } from "node:module";
import { execFile, spawn } from "node:child_process";
import { appendFile, cp, mkdir, rm } from "node:fs/promises";
import nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// AssemblyScript's asc.main() returns per-phase timings that the compiler
// driver does not pass on: a loader hook hands compile.js a wrapper of
// "assemblyscript/asc" that records them, and build-kernels.js a wrapper of
// compile.js that times compileKernels (measurement only).
const HOOK = `export async function resolve(specifier, context, next) {
  if (specifier === "assemblyscript/asc" && context.parentURL?.endsWith("/plugin/compiler/compile.js")) {
    const real = (await next(specifier, context)).url;
    const source = "import * as real from " + JSON.stringify(real) + ";" +
      "const stats = globalThis.__tskernAscStats ??= [];" +
      "export default { ...real, main: async (...args) => { const r = await real.main(...args); stats.push(r.stats); return r; } };";
    return { url: "data:text/javascript," + encodeURIComponent(source), shortCircuit: true };
  }
  if (specifier === "../compiler/compile.js" && context.parentURL?.endsWith("/plugin/build/build-kernels.js")) {
    const real = (await next(specifier, context)).url;
    const source = "import * as real from " + JSON.stringify(real) + ";" +
      "export * from " + JSON.stringify(real) + ";" +
      "const times = globalThis.__tskernCompileMs ??= [];" +
      "export async function compileKernels(o) { const t = performance.now(); try { return await real.compileKernels(o); } finally { times.push(performance.now() - t); } }";
    return { url: "data:text/javascript," + encodeURIComponent(source), shortCircuit: true };
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(HOOK)}`);

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = nodePath.join(here, "..");
const bin = nodePath.join(repo, "plugin/cli/bin.js");
const quick = process.argv.includes("--quick");
const work = nodePath.join(here, ".build", "rebuild");
const cacheRoot = nodePath.join(work, "caches");

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (/** @type {number} */ x) => `${x.toFixed(0)} ms`;
const pct = (/** @type {number} */ x) => `${(100 * x).toFixed(1)}%`;

// Child processes use this process's tool fingerprint: the cache then stays
// valid if tskern's own sources are edited while the benchmark runs.
const { toolFingerprint } = await import("../plugin/build/build-cache.js");
const pinned = { TSKERN_TOOL_FINGERPRINT: toolFingerprint() };

/** Runs `tskern <argv>` in a fresh process; returns its wall time. */
function cli(/** @type {string[]} */ argv, /** @type {Record<string, string>} */ env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(process.execPath, [bin, ...argv], { cwd: work, env: { ...process.env, ...pinned, ...env }, timeout: 300_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`tskern ${argv.join(" ")} failed:\n${stderr}`));
      else resolve({ ms: performance.now() - started, stdout });
    });
  });
}

await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
// A snapshot: kernels/ may be edited while this runs.
await cp(nodePath.join(repo, "kernels"), nodePath.join(work, "kernels"), { recursive: true, filter: (p) => !p.endsWith(".md") });
const { findKernelFiles } = await import("../plugin/build/find-kernels.js");
const kernelFiles = (await findKernelFiles(["kernels"], work)).files;
console.log(`kernels/ library: ${kernelFiles.length} kernel files (snapshot in ${nodePath.relative(repo, work)})\n`);

// ---- 1. no-change rebuild vs cold build (fresh processes) ------------------
const runs = quick ? 2 : 3;
const cold = [];
const warm = [];
for (let i = 0; i < runs; i++) {
  const cache = nodePath.join(cacheRoot, `cold-${i}`);
  const env = { TSKERN_CACHE_DIR: cache };
  cold.push((await cli(["build", "kernels", "--outDir", "dist", "-q"], env)).ms);
  for (let j = 0; j < (quick ? 2 : 3); j++) {
    const r = await cli(["build", "kernels", "--outDir", "dist"], env);
    if (!/\(from cache\)$/m.test(r.stdout)) throw new Error(`expected a cache hit:\n${r.stdout}`);
    warm.push(r.ms);
  }
}
const coldMs = median(cold);
const warmMs = median(warm);
console.log("1. `tskern build kernels --outDir dist`, fresh process each (median wall time)");
console.log(`   cold (empty cache)          ${ms(coldMs)}   [${cold.map(ms).join(", ")}]`);
console.log(`   no change, warm cache       ${ms(warmMs)}   [${warm.map(ms).join(", ")}]`);
console.log(`   ratio warm / cold           ${pct(warmMs / coldMs)}   (target <= 10%)\n`);

// ---- 2. one-file change in a warm process ----------------------------------
const { buildKernels, writeOutputs } = await import("../plugin/build/build-kernels.js");
const stats = () => /** @type {any[]} */ (/** @type {any} */ (globalThis).__tskernAscStats ?? []);
const changed = kernelFiles[0];
let edit = 0;
/** Changes one kernel file (a new comment line: a new source, the same program) and rebuilds. */
async function rebuildOnce(/** @type {object} */ options = {}) {
  await appendFile(changed, `// edit ${++edit}\n`);
  const started = performance.now();
  const r = await buildKernels({ inputs: ["kernels"], cwd: work, cacheDir: nodePath.join(cacheRoot, "inprocess"), ...options });
  if (!r.ok || r.fromCache) throw new Error("expected a fresh compile");
  await writeOutputs(nodePath.join(work, "dist-inprocess"), r.outputs);
  const total = performance.now() - started;
  const s = stats().at(-1);
  const phase = (/** @type {string} */ k) => (s?.[k] ?? 0) / 1e6; // asc reports nanoseconds
  const driver = /** @type {any} */ (globalThis).__tskernCompileMs?.at(-1) ?? total;
  return {
    total, driver, parse: phase("parseTime"), compile: phase("compileTime"), emit: phase("emitTime"), validate: phase("validateTime"), optimize: phase("optimizeTime"),
  };
}
const first = await rebuildOnce(); // loads and warms up the compiler
const reps = quick ? 3 : 5;
/** @type {Record<number, ReturnType<typeof summarize>>} */
const byLevel = {};
function summarize(/** @type {Array<Awaited<ReturnType<typeof rebuildOnce>>>} */ xs) {
  const keys = /** @type {const} */ (["total", "driver", "parse", "compile", "emit", "validate", "optimize"]);
  return Object.fromEntries(keys.map((k) => [k, median(xs.map((x) => x[k]))]));
}
// Levels interleaved, so a change in machine load hits them alike.
/** @type {Record<number, Array<Awaited<ReturnType<typeof rebuildOnce>>>>} */
const samples = { 3: [], 2: [], 1: [], 0: [] };
await rebuildOnce(); // one more warm-up
for (let i = 0; i < reps; i++) {
  for (const level of [3, 2, 1, 0]) samples[level].push(await rebuildOnce(level === 3 ? {} : { optimizeLevel: level }));
}
for (const level of [3, 2, 1, 0]) byLevel[level] = summarize(samples[level]);
const o3 = byLevel[3];
console.log(`2. one-file change (${nodePath.relative(work, changed)}), warm process as in --watch: whole program recompiled (median of ${reps})`);
console.log(`   first build in the process  ${ms(first.total)}   (loads the compiler; V8 warms up AssemblyScript and Binaryen)`);
console.log(`   rebuild at -O3 (default)    ${ms(o3.total)}`);

// End to end: a real watcher, file saved -> first new output (the quick -O0
// build) and -> the optimized output that replaces it.
const watchLatency = await (async () => {
  const child = spawn(process.execPath, [bin, "build", "kernels", "--outDir", "dist-watch", "--watch"], {
    cwd: work, env: { ...process.env, ...pinned, TSKERN_CACHE_DIR: nodePath.join(cacheRoot, "watch") }, stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => { out += d; });
  const count = (/** @type {RegExp} */ re) => (out.match(re) ?? []).length;
  const quickBuilds = () => count(/^built .*\(quick -O0 build/gm);
  const optimizedBuilds = () => count(/^built .*\(optimized\)$/gm);
  const until = async (/** @type {() => boolean} */ test) => {
    while (!test()) await new Promise((r) => setTimeout(r, 5));
  };
  try {
    await until(() => /^watching /m.test(out));
    const firstOut = [];
    const optimized = [];
    const warmup = 2; // the first rebuilds still warm the compiler up (V8 tiers Binaryen's wasm up in the background)
    for (let i = 0; i < reps + warmup; i++) {
      const q = quickBuilds();
      const o = optimizedBuilds();
      const started = performance.now();
      await appendFile(changed, `// watch edit ${i}\n`);
      await until(() => quickBuilds() > q);
      const t1 = performance.now() - started;
      await until(() => optimizedBuilds() > o);
      if (i >= warmup) {
        firstOut.push(t1);
        optimized.push(performance.now() - started);
      }
    }
    return { first: median(firstOut), optimized: median(optimized) };
  } finally {
    child.kill("SIGTERM");
  }
})();
console.log(`   save -> new output, --watch ${ms(watchLatency.first)}   (end to end: fs.watch, 80 ms debounce, quick -O0 build, write)`);
console.log(`   save -> optimized output    ${ms(watchLatency.optimized)}   (then the -O3 build replaces it)\n`);

console.log("3. where a -O3 rebuild goes (AssemblyScript's phase timers, median)");
const inDriver = o3.driver - o3.parse - o3.compile - o3.emit - o3.validate - o3.optimize;
for (const [name, value] of /** @type {Array<[string, number]>} */ ([
  ["parse (AssemblyScript)", o3.parse], ["compile (AssemblyScript)", o3.compile], ["emit + validate", o3.emit + o3.validate],
  ["Binaryen optimize -O3", o3.optimize], ["tskern transform + rest of asc.main (compile.js)", inDriver],
  ["build: bindings, manifest, cache write, file writes", o3.total - o3.driver],
])) {
  console.log(`   ${name.padEnd(52)} ${ms(value).padStart(8)}  ${pct(value / o3.total).padStart(6)}`);
}
console.log("\n   rebuild time by optimization level (--optimize-level)");
for (const level of [3, 2, 1, 0]) {
  const l = byLevel[level];
  console.log(`   -O${level}  ${ms(l.total).padStart(8)}  (optimize ${ms(l.optimize)})  ${(l.total / o3.total).toFixed(2)}x of -O3`);
}

// ---- run-time cost of a lower level: the example kernels --------------------
const { cases } = await import("../examples/cases.js");
const runtime = await import("../runtime/index.js");
/** Builds examples/kernels at a level and loads each case's kernel, with arguments resident in its memory. */
async function exampleBuild(/** @type {number} */ level) {
  const r = await buildKernels({ inputs: ["examples/kernels"], cwd: repo, cache: false, ...(level === 3 ? {} : { optimizeLevel: level }) });
  if (!r.ok) throw new Error("examples/kernels do not build");
  const outDir = nodePath.join(work, `examples-O${level}`);
  await writeOutputs(outDir, r.outputs);
  const first = runtime.builds().length;
  const calls = [];
  for (const c of cases) {
    const mod = await import(pathToFileURL(nodePath.join(outDir, c.kernelFile.replace(/\.ts$/, ".js"))).href);
    const build = runtime.builds()[first];
    const args = c.setup((/** @type {any} */ C, /** @type {number} */ n) => runtime.alloc(C, n, { build }));
    calls.push(() => mod[c.kernel](...args));
  }
  return calls;
}
const levels = [3, 2, 1, 0];
const calls = [];
for (const level of levels) calls.push(await exampleBuild(level));
// Round robin over levels, so load changes during the run hit all levels alike.
/** @type {number[][][]} case -> level -> samples */
const times = cases.map(() => levels.map(() => []));
const rounds = quick ? 7 : 15;
for (let round = 0; round < rounds; round++) {
  cases.forEach((_, ci) => {
    levels.forEach((_, li) => {
      const t = performance.now();
      calls[li][ci]();
      times[ci][li].push(performance.now() - t);
    });
  });
}
console.log("\n   run time of the example kernels built at -O2 / -O1 / -O0, relative to -O3 (median of interleaved calls; >1 is slower)");
const geo = [[], [], []];
cases.forEach((c, ci) => {
  const m = times[ci].map((xs) => median(xs.slice(1))); // the first call of each runs in V8's baseline tier
  const r = [m[1] / m[0], m[2] / m[0], m[3] / m[0]];
  r.forEach((x, i) => geo[i].push(x));
  console.log(`   ${`${c.name} (${c.sizeLabel})`.padEnd(36)} -O3 ${m[0].toFixed(2).padStart(7)} ms   -O2 ${r[0].toFixed(2)}x   -O1 ${r[1].toFixed(2)}x   -O0 ${r[2].toFixed(2)}x`);
});
const geomean = (/** @type {number[]} */ xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
console.log(`   ${"geometric mean".padEnd(36)}                -O2 ${geomean(geo[0]).toFixed(2)}x   -O1 ${geomean(geo[1]).toFixed(2)}x   -O0 ${geomean(geo[2]).toFixed(2)}x`);

console.log("\nratios:");
console.log(`  no-change rebuild (warm cache) / cold build      ${(warmMs / coldMs).toFixed(3)}  (${ms(warmMs)} / ${ms(coldMs)})`);
console.log(`  one-file change, warm process -O3 / cold build   ${(o3.total / coldMs).toFixed(3)}  (${ms(o3.total)})`);
console.log(`  one-file change, --watch: save -> new output     ${ms(watchLatency.first)} (quick -O0 build); optimized output after ${ms(watchLatency.optimized)}`);
console.log(`  Binaryen optimize share of a -O3 rebuild         ${(o3.optimize / o3.total).toFixed(3)}`);
console.log(`  one-file change at -O2 / at -O3                  ${(byLevel[2].total / o3.total).toFixed(3)}  (kernels run ${geomean(geo[0]).toFixed(2)}x the -O3 time, geometric mean)`);
console.log(`  one-file change at -O0 / at -O3                  ${(byLevel[0].total / o3.total).toFixed(3)}  (kernels run ${geomean(geo[2]).toFixed(2)}x the -O3 time, geometric mean)`);
await rm(work, { recursive: true, force: true });
process.exit(0);
