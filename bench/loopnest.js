#!/usr/bin/env node
// `node bench/loopnest.js [--quick] [--rounds N] [--variants]`: five loop-nest kernels
// (bench/loopnest/*.kernel.ts) against their plain-JS twins (reference.js) and
// the same loops in C (kernels.c, built here with gcc -O3 and with
// -O3 -march=native; marked absent when gcc is missing). `--variants` runs
// five other kernels of the same kinds in another style (variants/).
//
// Implementations, all on the same inputs (cases.js; the C harness generates
// the same bits), each timed warm (V8 runs a wasm function's first call in its
// baseline tier) as the median of many calls; in-place inputs are restored,
// untimed, before each call. Every implementation's output is hashed after one
// call on fresh inputs: the tskern builds must match the plain-JS result bit
// for bit (the native -march=native build may differ: gcc contracts a*b+c into
// FMA there).
//
// The machine may be shared: the measurement runs in rounds (each round times
// every implementation once, interleaved) and reports the median over rounds
// and the range of the ratios.
import nodePath from "node:path";
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildKernels, writeOutputs } from "../plugin/build/build-kernels.js";
import { formatDiagnostic } from "../plugin/compiler/diagnostics.js";
import { alloc, builds } from "../runtime/index.js";
import * as reference from "./loopnest/reference.js";
import { makeCases, makeVariants, hashBytes } from "./loopnest/cases.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = nodePath.join(here, "..");
const buildDir = nodePath.join(here, ".build");
const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const rounds = Number(argv[argv.indexOf("--rounds") + 1]) || (quick ? 1 : 3);
const budgetMs = quick ? 100 : 300;
const variants = argv.includes("--variants");
const cases = (variants ? makeVariants : makeCases)(quick ? 0.5 : 1);

// ---- builds ----------------------------------------------------------------
async function buildWasm(name, options) {
  const r = await buildKernels({ inputs: ["bench/loopnest"], cwd: repo, ...options });
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  const outDir = nodePath.join(buildDir, `loopnest-${name}`);
  await writeOutputs(outDir, r.outputs);
  const modules = {};
  for (const c of cases) modules[c.kernelFile] = await import(pathToFileURL(nodePath.join(outDir, c.kernelFile.replace(/\.ts$/, ".js"))).href);
  const build = builds().find((b) => b.id === r.manifest.build);
  return { name, modules, build };
}

/** gcc builds of the harness: { label, exe } or { label, absent: reason }. */
function buildNative() {
  const out = nodePath.join(buildDir, "loopnest-c");
  const variants = [{ label: "gcc -O3", flags: ["-O3"], tag: "o3" }, { label: "gcc -O3 -march=native", flags: ["-O3", "-march=native"], tag: "native" }];
  const probe = spawnSync("gcc", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return variants.map((v) => ({ label: v.label, absent: "gcc not found" }));
  mkdirSync(out, { recursive: true });
  const src = (f) => nodePath.join(here, "loopnest", f);
  return variants.map((v) => {
    const exe = nodePath.join(out, `harness-${v.tag}`);
    const steps = [
      ["gcc", [...v.flags, "-c", src("kernels.c"), "-o", `${exe}-kernels.o`]],
      ["gcc", ["-O2", "-c", src("harness.c"), "-o", `${exe}-harness.o`]],
      ["gcc", [`${exe}-harness.o`, `${exe}-kernels.o`, "-o", exe]],
    ];
    for (const [cmd, args] of steps) {
      const r = spawnSync(cmd, args, { encoding: "utf8" });
      if (r.status !== 0) return { label: v.label, absent: `build failed: ${r.stderr || r.error}` };
    }
    return { label: v.label, exe, version: probe.stdout.split("\n")[0] };
  });
}

// ---- timing ----------------------------------------------------------------
/** Median time of warm calls of fn (reset() untimed before each). */
function timeWarm(fn, reset) {
  for (let i = 0; i < 5; i++) { reset(); fn(); }
  const times = [];
  const start = performance.now();
  while (times.length < 7 || (performance.now() - start < budgetMs && times.length < 5000)) {
    reset();
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function runNative(n, c) {
  const r = spawnSync(n.exe, [c.kernel, String(c.sizes[0]), String(budgetMs), "7"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${n.label} ${c.kernel}: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  return { ms: j.median_ms, hash: j.hash };
}

/** An implementation of a case: { label, call(), reset(), hash() }. */
function wasmImpl(label, wb, c) {
  const fn = wb.modules[c.kernelFile][c.kernel];
  const args = c.setup((C, n) => alloc(C, n, { build: wb.build }));
  const fresh = c.reset.map((i) => args[i].slice());
  const reset = () => { for (let r = 0; r < c.reset.length; r++) args[c.reset[r]].set(fresh[r]); };
  return { label, call: () => fn(...args), reset, output: () => args[c.output] };
}
function jsImpl(c) {
  const fn = reference[c.kernel];
  const args = c.setup((C, n) => new C(n));
  const fresh = c.reset.map((i) => args[i].slice());
  const reset = () => { for (let r = 0; r < c.reset.length; r++) args[c.reset[r]].set(fresh[r]); };
  return { label: "JS", call: () => fn(...args), reset, output: () => args[c.output] };
}

// ---- main ------------------------------------------------------------------
await mkdir(buildDir, { recursive: true });
const wasmBuilds = [
  { label: "tskern", wb: await buildWasm("checked", {}) },
  { label: "tskern unchecked", wb: await buildWasm("unchecked", { boundsCheck: false }) },
  { label: "tskern unoptimized", wb: await buildWasm("unoptimized", { optimizeKernels: false }) },
];
const natives = buildNative();
for (const n of natives) if (n.absent) console.log(`${n.label}: absent (${n.absent})`);
console.log(`node ${process.version}; ${rounds} round(s); ${natives.find((n) => n.version)?.version ?? "no gcc"}\n`);

const labels = ["JS", ...wasmBuilds.map((b) => b.label), ...natives.map((n) => n.label)];
const results = [];
for (const c of cases) {
  const impls = [jsImpl(c), ...wasmBuilds.map((b) => wasmImpl(b.label, b.wb, c))];
  // Correctness first: one call on fresh inputs, hash of the output.
  const hashes = {};
  for (const im of impls) { im.reset(); im.call(); hashes[im.label] = hashBytes(im.output()); }
  const perRound = Object.fromEntries(labels.map((l) => [l, []]));
  for (let r = 0; r < rounds; r++) {
    for (const im of impls) perRound[im.label].push(timeWarm(im.call, im.reset));
    for (const n of natives) {
      if (n.absent) continue;
      const { ms, hash } = runNative(n, c);
      perRound[n.label].push(ms);
      hashes[n.label] = hash;
    }
  }
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
  const row = { case: c.name, size: c.sizeLabel, ms: {}, hash: hashes, rounds: perRound };
  for (const l of labels) row.ms[l] = med(perRound[l]);
  // Ratio ranges over rounds (same-round pairs).
  row.range = (num, den) => {
    const rs = perRound[num].map((t, i) => perRound[den][i] / t).filter(Number.isFinite);
    return rs.length ? [Math.min(...rs), Math.max(...rs)] : [NaN, NaN];
  };
  results.push(row);
  const ok = ["tskern", "tskern unchecked", "tskern unoptimized"].every((l) => hashes[l] === hashes.JS);
  console.log(`${c.name.padEnd(22)} ${c.sizeLabel.padEnd(18)} ${labels.map((l) => `${l} ${Number.isFinite(row.ms[l]) ? row.ms[l].toFixed(3) : "-"}`).join("  ")}  ${ok ? "same bits as JS" : "RESULTS DIFFER"}`);
  if (!ok) process.exitCode = 1;
}

// ---- table -----------------------------------------------------------------
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(3) : "absent");
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : "-");
const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
const header = ["kernel", "size", ...labels.map((l) => `${l} ms`), "tskern vs JS", "unchecked vs JS", "tskern / gcc -O3", "tskern / gcc native", "hash (JS=tskern)"];
const body = results.map((r) => [
  r.case, r.size, ...labels.map((l) => fmt(r.ms[l])),
  `${ratio(r.ms.JS / r.ms.tskern)} [${r.range("tskern", "JS").map((x) => x.toFixed(2)).join("-")}]`,
  ratio(r.ms.JS / r.ms["tskern unchecked"]),
  `${ratio(r.ms.tskern / r.ms["gcc -O3"])}`,
  ratio(r.ms.tskern / r.ms["gcc -O3 -march=native"]),
  `${r.hash.JS}${r.hash.tskern === r.hash.JS ? "" : " DIFF"}${r.hash["gcc -O3"] ? (r.hash["gcc -O3"] === r.hash.JS ? " =gcc" : " gcc differs") : ""}`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
for (const b of body) console.log(line(b));
const g = (num, den) => geo(results.map((r) => r.ms[den] / r.ms[num]));
/** Range over rounds of the per-round geomean of den/num. */
const gRange = (num, den) => {
  const per = [];
  for (let k = 0; k < rounds; k++) {
    const xs = results.map((r) => r.rounds[den][k] / r.rounds[num][k]);
    if (xs.every(Number.isFinite)) per.push(geo(xs));
  }
  return per.length ? `[${Math.min(...per).toFixed(2)}-${Math.max(...per).toFixed(2)}]` : "";
};
console.log(`\ngeomean speedup vs JS: tskern ${g("tskern", "JS").toFixed(2)}x ${gRange("tskern", "JS")}, unchecked ${g("tskern unchecked", "JS").toFixed(2)}x, unoptimized ${g("tskern unoptimized", "JS").toFixed(2)}x ${gRange("tskern unoptimized", "JS")}`);
if (natives.every((n) => !n.absent)) {
  const inv = (r) => r.replace(/[\d.]+/g, (x) => (1 / Number(x)).toFixed(2)).replace(/\[(.*)-(.*)\]/, "[$2-$1]");
  console.log(`geomean time vs gcc -O3 (lower is better): tskern ${(1 / g("tskern", "gcc -O3")).toFixed(2)}x ${inv(gRange("tskern", "gcc -O3"))}, unchecked ${(1 / g("tskern unchecked", "gcc -O3")).toFixed(2)}x, unoptimized ${(1 / g("tskern unoptimized", "gcc -O3")).toFixed(2)}x, JS ${(1 / g("JS", "gcc -O3")).toFixed(2)}x`);
  console.log(`geomean time vs gcc -O3 -march=native: tskern ${(1 / g("tskern", "gcc -O3 -march=native")).toFixed(2)}x ${inv(gRange("tskern", "gcc -O3 -march=native"))}`);
  // Best round of each implementation: less sensitive to other jobs on the machine.
  const best = (l) => results.map((r) => Math.min(...r.rounds[l]));
  const gBest = (num, den) => geo(best(num).map((t, i) => t / best(den)[i]));
  console.log(`best-of-rounds geomeans: tskern vs JS ${(1 / gBest("tskern", "JS")).toFixed(2)}x faster; tskern / gcc -O3 ${gBest("tskern", "gcc -O3").toFixed(2)}x; tskern / gcc -O3 -march=native ${gBest("tskern", "gcc -O3 -march=native").toFixed(2)}x; ` +
    `per kernel tskern / gcc -O3: ${results.map((r, i) => `${r.case.split(" ")[0]} ${(best("tskern")[i] / best("gcc -O3")[i]).toFixed(2)}`).join(", ")}`);
}
await writeFile(nodePath.join(buildDir, variants ? "loopnest-variants-results.json" : "loopnest-results.json"), JSON.stringify({
  node: process.version, date: new Date().toISOString(), rounds,
  results: results.map((r) => ({ case: r.case, size: r.size, medianMs: r.ms, hash: r.hash, rounds: r.rounds })),
}, null, 2) + "\n");
console.log(`\ntimes: median over rounds of warm medians; [a-b]: range of the per-round ratio. Written: bench/.build/${variants ? "loopnest-variants-results.json" : "loopnest-results.json"}`);
