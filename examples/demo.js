#!/usr/bin/env node
// `npm run demo`: builds examples/kernels with tskern, runs each kernel and
// its best plain-JS twin on the same inputs, checks the results agree, and
// prints a table of times. Bounds checks are on (the default build).
import nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildKernels, writeOutputs } from "../plugin/build/build-kernels.js";
import { formatDiagnostic } from "../plugin/compiler/diagnostics.js";
import { alloc } from "../runtime/index.js";
import * as reference from "./kernels/reference.js";
import { cases as demoCases, smallCases } from "./cases.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const outDir = nodePath.join(here, "dist");
const quick = process.argv.includes("--quick");
const cases = quick ? smallCases : demoCases;

const t0 = performance.now();
const built = await buildKernels({ inputs: ["examples/kernels"], cwd: nodePath.join(here, "..") });
if (!built.ok) {
  console.error(built.diagnostics.map(formatDiagnostic).join("\n\n"));
  process.exitCode = 1;
} else {
  await writeOutputs(outDir, built.outputs);
  console.log(`built ${built.files.reduce((n, f) => n + f.kernels.length, 0)} kernels from ${built.files.length} files in ${Math.round(performance.now() - t0)} ms\n`);
  await run();
}

async function run() {
  const rows = [];
  for (const c of cases) {
    const mod = await import(pathToFileURL(nodePath.join(outDir, c.kernelFile.replace(/\.ts$/, ".js"))).href);
    const jsArgs = c.setup((C, n) => new C(n));
    const kArgs = c.setup(alloc);
    const jsFn = () => reference[c.kernel](...jsArgs);
    const kFn = () => mod[c.kernel](...kArgs);
    const jsOut = jsFn(), kOut = kFn();
    const same = sameResult(jsOut, kOut) && (c.output === undefined || sameResult(jsArgs[c.output], kArgs[c.output]));
    const js = median(jsFn), k = median(kFn);
    rows.push({ kernel: c.name, size: c.sizeLabel, js, k, same });
  }
  const header = ["kernel", "size", "JS ms", "tskern ms", "ratio", "same result"];
  const body = rows.map((r) => [r.kernel, r.size, r.js.toFixed(2), r.k.toFixed(2), `${(r.js / r.k).toFixed(2)}x`, r.same ? "yes" : "NO"]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const b of body) console.log(line(b));
  const geo = Math.exp(rows.reduce((s, r) => s + Math.log(r.js / r.k), 0) / rows.length);
  console.log(`\ngeomean speedup vs plain JS: ${geo.toFixed(2)}x (ratio > 1: the kernel is faster; median of warm runs; bounds checks on)`);
  if (rows.some((r) => !r.same)) process.exitCode = 1;
}

/** Median time of warm calls: at least 5 runs and ~300 ms, after warm-up. */
function median(fn) {
  for (let i = 0; i < 3; i++) fn();
  const times = [];
  const start = performance.now();
  while (times.length < 5 || (performance.now() - start < 300 && times.length < 200)) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

function sameResult(a, b) {
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
    return true;
  }
  return Object.is(a, b);
}
