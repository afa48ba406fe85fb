// Step 6: many cores. A `// @tskern parallel` kernel run on the worker pool
// with 1, 2, ... workers, against the same kernel called serially.
//
//   node examples/guide/06-many-cores.js [--quick]
import os from "node:os";
import { alloc, configurePool, closePool } from "tskern/runtime";
import { buildGuideKernels } from "./build.js";
import { runStep, compare, pick, printTable, fmtTime, fmtRatio } from "./measure.js";
import { mandelbrot as mandelbrotJs } from "./reference.js";

await runStep(6, "many cores: a parallel kernel", async (report) => {
  const { modules } = await buildGuideKernels();
  const { mandelbrotRows } = modules.parallel;
  const cores = os.availableParallelism();
  const [w, h, maxIter] = pick([600, 400, 250], [80, 60, 50]);
  const expected = new Int32Array(w * h);
  mandelbrotJs(w, h, maxIter, expected);

  const serialOut = alloc(Int32Array, w * h);
  mandelbrotRows(0, h, w, h, maxIter, serialOut); // the serial call: rows [0, h) on this thread
  report.same("serial kernel equals JS", serialOut, expected);

  // A wrong call is rejected before any worker starts.
  try {
    await mandelbrotRows.parallel(h, w, h, maxIter);
    report.check("a missing argument rejects with a TypeError", false, "no error");
  } catch (error) {
    const e = /** @type {Error} */ (error);
    console.log(`a missing argument: ${e.name}: ${e.message}`);
    report.check("a missing argument rejects with a TypeError", e instanceof TypeError && /mandelbrotRows\.parallel/.test(e.message), e.message);
  }

  const sizes = [...new Set([1, 2, cores].filter((n) => n <= Math.max(2, cores)))].sort((a, b) => a - b);
  // Each pool size is timed interleaved with the serial call, so a burst of
  // load elsewhere hits both; its speedup is against that serial time.
  /** @type {Record<string, { serial: number, parallel: number, serialBest: number, parallelBest: number }>} */
  const times = {};
  for (const size of sizes) {
    await configurePool({ size });
    const out = alloc(Int32Array, w * h);
    await mandelbrotRows.parallel(h, w, h, maxIter, out); // rows [0, h), cut into chunks
    report.same(`${size} worker${size === 1 ? "" : "s"}: same image as the serial call`, out, serialOut);
    const t = await compare([
      { name: "serial", fn: () => mandelbrotRows(0, h, w, h, maxIter, serialOut) },
      { name: "parallel", fn: () => mandelbrotRows.parallel(h, w, h, maxIter, out) },
    ], { warmupMs: pick(100, 5) });
    times[size] = { serial: t.serial.medianMs, parallel: t.parallel.medianMs, serialBest: t.serial.minMs, parallelBest: t.parallel.minMs };
  }
  await closePool();

  const load = os.loadavg()[0];
  console.log(`\nmandelbrot ${w}x${h}, ${maxIter} iterations; ${cores} core${cores === 1 ? "" : "s"}, load average ${load.toFixed(1)} (median per image):\n`);
  printTable(["workers", "serial call", ".parallel", "speedup", "speedup, best runs"],
    sizes.map((s) => [String(s), fmtTime(times[s].serial), fmtTime(times[s].parallel), fmtRatio(times[s].serial, times[s].parallel), fmtRatio(times[s].serialBest, times[s].parallelBest)]));
  if (load > cores * 0.75) console.log(`\n(the machine is busy: a load average of ${load.toFixed(1)} on ${cores} cores leaves the workers little free time, so expect speedups near 1x)`);
  const top = sizes[sizes.length - 1];
  report.headline(`parallel, ${top} workers vs serial`, `speedup ${fmtRatio(times[top].serial, times[top].parallel)} (load ${load.toFixed(1)})`);
  report.headline("parallel, 1 worker vs serial", `speedup ${fmtRatio(times[1].serial, times[1].parallel)}`);
  report.data = { cores, load, times };
  console.log(`
Read it like this. One worker does the serial call's work plus handing chunks
to a thread and waiting for it, so expect about the same time. With more
workers the rows are shared out (16 chunks per worker, pulled as each worker
finishes, so the slow rows in the middle of the set do not leave one worker
behind), and the image is done up to N times faster on N free cores. The
speedup stays below N when other processes use those cores (check \`uptime\`),
and it cannot exceed the number of cores: more workers than cores only take
turns. "Best runs" compares the fastest run of each, the least disturbed by
other processes: closer to what a quiet machine gives. Step 8 shows the
other limit: small inputs.`);
});
