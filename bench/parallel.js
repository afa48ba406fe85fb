#!/usr/bin/env node
// Parallel kernels (`// @tskern parallel`): `kernel.parallel(total, ...)` on
// the worker pool against the same kernel called serially, same build, same
// arrays. Warmed up first (V8's first call of a wasm function runs in its
// baseline tier). Target: >= 1.8x on 2 workers.
//
//   node bench/parallel.js [--workers 2] [--runs 7] [--chunks 16] [--json]
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildKernels, writeOutputs } from "../plugin/build/build-kernels.js";
import { formatDiagnostic } from "../plugin/compiler/diagnostics.js";
import { alloc, configurePool, closePool } from "../runtime/index.js";

const argv = process.argv.slice(2);
const opt = (/** @type {string} */ name, /** @type {number} */ fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const workers = opt("workers", 2);
const runs = opt("runs", 7);
const here = fileURLToPath(new URL(".", import.meta.url));

const dir = await mkdtemp(nodePath.join(os.tmpdir(), "tskern-parallel-bench-"));
try {
  const result = await buildKernels({
    inputs: [nodePath.join(here, "parallel")], cwd: here, cache: false,
    runtimeImport: pathToFileURL(nodePath.join(here, "../runtime/index.js")).href,
  });
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  await writeOutputs(dir, result.outputs);
  const k = await import(pathToFileURL(nodePath.join(dir, "parallel.kernel.js")).href);
  await configurePool({ size: workers, chunksPerWorker: opt("chunks", 16) });

  /**
   * Serial and parallel runs alternate (so load from other processes hits
   * both alike); the ratio is of the best runs (the least disturbed), with
   * the medians reported too.
   * @param {() => unknown} serialFn @param {() => Promise<unknown>} parallelFn
   */
  async function compare(serialFn, parallelFn) {
    const s = [], p = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      serialFn();
      s.push(performance.now() - t);
      t = performance.now();
      await parallelFn();
      p.push(performance.now() - t);
    }
    const sorted = (/** @type {number[]} */ a) => [...a].sort((x, y) => x - y);
    const [ss, ps] = [sorted(s), sorted(p)];
    return { serialMs: ss[0], parallelMs: ps[0], ratio: ss[0] / ps[0], medianRatio: ss[ss.length >> 1] / ps[ps.length >> 1] };
  }

  const rows = [];
  // Mandelbrot 1600x1200, 500 iterations; rows are the parallel range.
  {
    const W = 1600, H = 1200, N = 500;
    const serialOut = alloc(Int32Array, W * H), parallelOut = alloc(Int32Array, W * H);
    for (let i = 0; i < 2; i++) { k.mandelbrot(0, H, W, H, N, serialOut); await k.mandelbrot.parallel(H, W, H, N, parallelOut); }
    const r = await compare(() => k.mandelbrot(0, H, W, H, N, serialOut), () => k.mandelbrot.parallel(H, W, H, N, parallelOut));
    rows.push({ kernel: "mandelbrot 1600x1200x500", ...r, identical: serialOut.every((v, i) => v === parallelOut[i]) });
  }
  // Smith-Waterman scores of one 256-long query against 3000 sequences of 100-400 (row blocks).
  {
    const S = 3000, M = 256;
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
    const query = alloc(Uint8Array, M);
    for (let i = 0; i < M; i++) query[i] = (rnd() * 4) | 0;
    const offsets = alloc(Int32Array, S + 1);
    for (let s = 0; s < S; s++) offsets[s + 1] = offsets[s] + 100 + ((rnd() * 300) | 0);
    const db = alloc(Uint8Array, offsets[S]);
    for (let i = 0; i < db.length; i++) db[i] = (rnd() * 4) | 0;
    const dp = alloc(Int32Array, S * (M + 1));
    const a = alloc(Int32Array, S), b = alloc(Int32Array, S);
    const args = /** @type {const} */ ([query, db, offsets, dp]);
    for (let i = 0; i < 2; i++) { k.smithWaterman(0, S, ...args, a, 2, -1, 1); await k.smithWaterman.parallel(S, ...args, b, 2, -1, 1); }
    const r = await compare(() => k.smithWaterman(0, S, ...args, a, 2, -1, 1), () => k.smithWaterman.parallel(S, ...args, b, 2, -1, 1));
    rows.push({ kernel: `smith-waterman ${S} x ${M} (row blocks)`, ...r, identical: a.every((v, i) => v === b[i]) });
  }
  await closePool();
  if (argv.includes("--json")) console.log(JSON.stringify({ workers, cores: os.availableParallelism(), rows }, null, 2));
  else {
    console.log(`parallel kernels: ${workers} workers (${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}), best of ${runs} alternating runs after warm-up`);
    for (const r of rows) {
      console.log(`  ${r.kernel.padEnd(40)} serial ${r.serialMs.toFixed(1).padStart(8)} ms  parallel ${r.parallelMs.toFixed(1).padStart(8)} ms  ${r.ratio.toFixed(2)}x (median ${r.medianRatio.toFixed(2)}x)  ${r.identical ? "identical" : "DIFFERENT"}`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
