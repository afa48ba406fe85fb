#!/usr/bin/env node
// `npm run bench`: every figure is a ratio measured in this one run (tinybench,
// warm, median latency). Writes bench/results.json.
//
//  1. call overhead: an empty wasm export called directly vs a tskern kernel
//     call, and a kernel taking an array, resident (from alloc) vs plain
//     (copied), across lengths 16 .. 1M: resident stays flat, plain grows O(n).
//  2. the example kernels: best plain-JS loop vs tskern default build (bounds
//     checks on) vs tskern with boundscheck=false.
import nodePath from "node:path";
import { writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import { buildKernels, writeOutputs } from "../plugin/build/build-kernels.js";
import { formatDiagnostic } from "../plugin/compiler/diagnostics.js";
import { alloc, builds } from "../runtime/index.js";
import * as reference from "../examples/kernels/reference.js";
import { cases } from "../examples/cases.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = nodePath.join(here, "..");
const quick = process.argv.includes("--quick");
const time = quick ? 100 : 500;
/** @type {Array<{ case: string, impl: string, size: string, medianMs: number, ratioVsJs: number | null }>} */
const results = [];

/** Builds `inputs` into bench/.build/NAME and imports a kernel module from it. */
async function build(name, inputs, options = {}) {
  const r = await buildKernels({ inputs, cwd: repo, ...options });
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  const outDir = nodePath.join(here, ".build", name);
  await writeOutputs(outDir, r.outputs);
  return { outDir, load: (rel) => import(pathToFileURL(nodePath.join(outDir, rel)).href) };
}

/** Median per-call time of a cheap call, timed over batches of 1000. */
async function perCall(fn) {
  return (await median(() => { for (let i = 0; i < 1000; i++) fn(); })) / 1000;
}

async function median(fn) {
  const bench = new Bench({ time, warmupTime: quick ? 100 : 300 });
  bench.add("t", fn);
  await bench.run();
  return bench.tasks[0].result.latency.p50;
}

// ---- 1. call overhead ------------------------------------------------------
const overhead = await build("overhead", ["bench/kernels"]);
const ov = await overhead.load("overhead.kernel.js");
const ovBuild = builds().at(-1);
const rawNoop = ovBuild.exports.kernels_overhead__noop ?? Object.entries(ovBuild.exports).find(([k]) => k.endsWith("__noop"))[1];
const empty = await perCall(() => rawNoop());
const noop = await perCall(() => ov.noop());
results.push({ case: "call overhead", impl: "raw wasm export", size: "-", medianMs: empty, ratioVsJs: null });
results.push({ case: "call overhead", impl: "tskern noop()", size: "-", medianMs: noop, ratioVsJs: null });
console.log(`call overhead: empty wasm export ${(empty * 1e6).toFixed(1)} ns, tskern noop() ${(noop * 1e6).toFixed(1)} ns (${(noop / empty).toFixed(2)}x)`);
console.log("\narray argument, by length  resident (alloc)   plain (copied)");
for (const n of [16, 1024, 65536, 1 << 20]) {
  const resident = alloc(Float64Array, n, { build: ovBuild });
  const plain = new Float64Array(n);
  const r = await perCall(() => ov.first(resident));
  const p = n > 4096 ? await median(() => ov.first(plain)) : await perCall(() => ov.first(plain));
  results.push({ case: "first(x)", impl: "resident", size: String(n), medianMs: r, ratioVsJs: null });
  results.push({ case: "first(x)", impl: "plain copy", size: String(n), medianMs: p, ratioVsJs: null });
  console.log(`  n=${String(n).padEnd(9)}           ${(r * 1e6).toFixed(1).padStart(8)} ns   ${(p * 1e6).toFixed(1).padStart(10)} ns`);
}

// ---- 2. example kernels ----------------------------------------------------
const checked = await build("checked", ["examples/kernels"]);
const checkedBuild = builds().at(-1);
const unchecked = await build("unchecked", ["examples/kernels"], { boundsCheck: false });
const uncheckedBuild = builds().at(-1);
console.log("\nkernel          size               JS ms   tskern ms (ratio)   boundscheck=false ms (ratio)");
for (const c of cases) {
  const file = c.kernelFile.replace(/\.ts$/, ".js");
  const kc = (await checked.load(file))[c.kernel];
  const ku = (await unchecked.load(file))[c.kernel];
  const jsArgs = c.setup((C, n) => new C(n));
  const cArgs = c.setup((C, n) => alloc(C, n, { build: checkedBuild }));
  const uArgs = c.setup((C, n) => alloc(C, n, { build: uncheckedBuild }));
  const js = await median(() => reference[c.kernel](...jsArgs));
  const tc = await median(() => kc(...cArgs));
  const tu = await median(() => ku(...uArgs));
  results.push({ case: c.name, impl: "js", size: c.sizeLabel, medianMs: js, ratioVsJs: 1 });
  results.push({ case: c.name, impl: "tskern", size: c.sizeLabel, medianMs: tc, ratioVsJs: js / tc });
  results.push({ case: c.name, impl: "tskern boundscheck=false", size: c.sizeLabel, medianMs: tu, ratioVsJs: js / tu });
  console.log(`${c.name.padEnd(15)} ${c.sizeLabel.padEnd(18)} ${js.toFixed(2).padStart(6)}   ${tc.toFixed(2).padStart(8)} (${(js / tc).toFixed(2)}x)   ${tu.toFixed(2).padStart(12)} (${(js / tu).toFixed(2)}x)`);
}

await writeFile(nodePath.join(here, "results.json"), JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2) + "\n");
console.log("\nratio > 1: faster than the plain-JS loop. Written: bench/results.json");
