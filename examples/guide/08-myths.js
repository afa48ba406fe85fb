// Step 8: myths and pitfalls, each settled by a measurement in this run.
//
//   node examples/guide/08-myths.js [--quick]
import os from "node:os";
import { alloc, configurePool, closePool } from "tskern/runtime";
import { buildGuideKernels } from "./build.js";
import { runStep, compare, pick, printTable, fmtTime, fmtRatio } from "./measure.js";
import { rng, mandelbrot as mandelbrotJs } from "./reference.js";

/** `fn` called `times` times: one unit of work long enough to time. @param {() => unknown} fn @param {number} times */
const batch = (fn, times) => () => { let last; for (let i = 0; i < times; i++) last = fn(); return last; };

/** @param {Float64Array} x */
const sumJs = (x) => { let s = 0; for (let i = 0; i < x.length; i++) s += x[i]; return s; };

await runStep(8, "myths and pitfalls", async (report) => {
  const { modules } = await buildGuideKernels();
  const { sum } = modules.sum;
  const { logistic } = modules.myths;
  const { mandelbrotRows } = modules.parallel;
  const r = rng(8);

  // Myth 1: "WebAssembly is always faster than JS".
  console.log('Myth 1: "WebAssembly is always faster than JS"\n');
  {
    const rows = [];
    // (a) A tiny array: the work is a few adds, the call and the copy are not.
    const n = 8, calls = pick(10_000, 500);
    const plain = Float64Array.from({ length: n }, () => r());
    const resident = alloc(Float64Array, n);
    resident.set(plain);
    report.same("tiny sum: kernel equals JS", sum(plain), sumJs(plain));
    const t = await compare([
      { name: "js", fn: batch(() => sumJs(plain), calls) },
      { name: "copied", fn: batch(() => sum(plain), calls) },
      { name: "resident", fn: batch(() => sum(resident), calls) },
    ]);
    rows.push([`sum of ${n} numbers, plain Float64Array (copied)`, fmtTime(t.js.medianMs / calls), fmtTime(t.copied.medianMs / calls), fmtRatio(t.copied.medianMs, t.js.medianMs)]);
    rows.push([`sum of ${n} numbers, array from alloc`, fmtTime(t.js.medianMs / calls), fmtTime(t.resident.medianMs / calls), fmtRatio(t.resident.medianMs, t.js.medianMs)]);
    report.headline(`myth 1: tiny sum, kernel (copied) vs JS`, `${fmtRatio(t.copied.medianMs, t.js.medianMs)} the time`);

    // (b) A dependent float chain: every step waits for the previous one.
    const steps = pick(2_000_000, 20_000);
    const logisticJs = (/** @type {number} */ x0, /** @type {number} */ k, /** @type {number} */ m) => { let x = x0; for (let i = 0; i < m; i++) x = k * x * (1 - x); return x; };
    report.same("logistic chain: kernel equals JS bit for bit", logistic(0.3, 3.9, steps), logisticJs(0.3, 3.9, steps));
    const c = await compare([{ name: "js", fn: () => logisticJs(0.3, 3.9, steps) }, { name: "kernel", fn: () => logistic(0.3, 3.9, steps) }]);
    rows.push([`x = r*x*(1-x), ${steps.toLocaleString("en")} steps`, fmtTime(c.js.medianMs), fmtTime(c.kernel.medianMs), fmtRatio(c.kernel.medianMs, c.js.medianMs)]);
    report.headline("myth 1: dependent float chain, kernel vs JS", `${fmtRatio(c.kernel.medianMs, c.js.medianMs)} the time`);
    printTable(["case", "JS", "kernel", "kernel time / JS time"], rows);
    console.log(`
A call into wasm costs a few nanoseconds, and a plain array is copied in and
out on every call, through a temporary block of kernel memory allocated and
freed per call: for a tiny array that fixed cost is nearly all of the time,
and plain JS wins. A chain of dependent float operations runs at the speed of the float
unit's latency in both: V8's optimizing compiler emits about the same
multiplies as the wasm compiler, so the ratio sits near 1 (either side).
Kernels win on branchy, integer, data-dependent loops over arrays that stay
in kernel memory (steps 4-5), not everywhere.\n`);
  }

  // Myth 2: "More workers is always faster".
  console.log('Myth 2: "more workers is always faster"\n');
  {
    const rows = [];
    await configurePool({ size: 2 });
    for (const [w, h, maxIter] of pick([[64, 8, 50], [600, 400, 250]], [[64, 8, 50], [120, 80, 50]])) {
      const serialOut = alloc(Int32Array, w * h), out = alloc(Int32Array, w * h), js = new Int32Array(w * h);
      mandelbrotRows(0, h, w, h, maxIter, serialOut);
      await mandelbrotRows.parallel(h, w, h, maxIter, out);
      mandelbrotJs(w, h, maxIter, js);
      report.same(`mandelbrot ${w}x${h}: parallel equals serial equals JS`, out, serialOut);
      report.same(`mandelbrot ${w}x${h}: serial equals JS`, serialOut, js);
      const tiny = w * h < 10_000 ? pick(50, 5) : 1; // batch the tiny image so a unit is long enough to time
      const t = await compare([
        { name: "serial", fn: batch(() => mandelbrotRows(0, h, w, h, maxIter, serialOut), tiny) },
        { name: "parallel", fn: async () => { for (let i = 0; i < tiny; i++) await mandelbrotRows.parallel(h, w, h, maxIter, out); } },
      ], { warmupMs: pick(100, 5) });
      rows.push([`mandelbrot ${w}x${h}x${maxIter}`, fmtTime(t.serial.medianMs / tiny), fmtTime(t.parallel.medianMs / tiny), fmtRatio(t.serial.medianMs, t.parallel.medianMs)]);
      report.headline(`myth 2: ${w}x${h} image, 2 workers vs serial`, `speedup ${fmtRatio(t.serial.medianMs, t.parallel.medianMs)}`);
    }
    await closePool();
    console.log(`(load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores)`);
    printTable(["case", "serial call", ".parallel, 2 workers", "speedup"], rows);
    console.log(`
Handing work to a thread and getting the answer back costs tens of
microseconds (messages, waking a thread): a small image is done serially in
less time than that, so the pool makes it slower. Parallelize calls that take
milliseconds, not microseconds; and more workers than free cores only take
turns.\n`);
  }

  // Myth 3: "Copying is free".
  console.log('Myth 3: "copying into wasm is free"\n');
  {
    const rows = [];
    for (const n of pick([16, 1024, 65_536, 1_048_576], [16, 1024, 16_384])) {
      const plain = Float64Array.from({ length: n }, () => r());
      const resident = alloc(Float64Array, n);
      resident.set(plain);
      report.same(`sum of ${n}: copied and resident agree`, sum(plain), sum(resident));
      const calls = Math.max(1, Math.round(pick(200_000, 20_000) / n));
      const t = await compare([
        { name: "js", fn: batch(() => sumJs(plain), calls) },
        { name: "copied", fn: batch(() => sum(plain), calls) },
        { name: "resident", fn: batch(() => sum(resident), calls) },
      ], { timeMs: pick(450, 10) });
      rows.push([n.toLocaleString("en"), fmtTime(t.js.medianMs / calls), fmtTime(t.copied.medianMs / calls), fmtTime(t.resident.medianMs / calls), fmtRatio(t.copied.medianMs, t.resident.medianMs)]);
      report.headline(`myth 3: n=${n}, copied vs resident`, `${fmtRatio(t.copied.medianMs, t.resident.medianMs)} the time`);
    }
    printTable(["n", "JS loop", "kernel, plain array", "kernel, alloc'd", "plain / alloc'd"], rows);
    console.log(`
A plain typed array is copied into kernel memory before the call and back
after it (the kernel may have written to it): a fixed cost per call for the
temporary block (which dominates small arrays), then two passes over the data
for a kernel that makes one (which dominates large ones). An array from alloc is passed as a pointer, whatever
its length. Allocate long-lived data with alloc and keep it there.`);
  }
});
