// Step 2: call overhead. Summing an array with one call over it, against one
// call per element, in plain JS and with a tskern kernel.
//
//   node examples/guide/02-call-overhead.js [--quick]
import { alloc } from "tskern/runtime";
import { buildGuideKernels } from "./build.js";
import { runStep, compare, pick, printTable, fmtTime, fmtRatio } from "./measure.js";
import { rng } from "./reference.js";

await runStep(2, "call overhead: per element vs one call", async (report) => {
  const { modules } = await buildGuideKernels();
  const { sum, add } = modules.sum;
  const n = pick(100_000, 2_000);
  const r = rng(2);
  const x = alloc(Float64Array, n); // in kernel memory: the kernel reads it in place
  for (let i = 0; i < n; i++) x[i] = r();

  /** A tiny JS function, called once per element. */
  const addJs = (/** @type {number} */ s, /** @type {number} */ v) => s + v;

  const impls = {
    "JS: for loop": () => { let s = 0; for (let i = 0; i < x.length; i++) s += x[i]; return s; },
    "JS: reduce callback": () => x.reduce((s, v) => s + v, 0),
    "JS: call per element": () => { let s = 0; for (let i = 0; i < x.length; i++) s = addJs(s, x[i]); return s; },
    "kernel: one call, sum(x)": () => sum(x),
    "kernel: call per element, add(s, x[i])": () => { let s = 0; for (let i = 0; i < x.length; i++) s = add(s, x[i]); return s; },
  };
  const expected = impls["JS: for loop"]();
  for (const [name, fn] of Object.entries(impls)) report.same(`${name}: same sum`, fn(), expected);

  const t = await compare(Object.entries(impls).map(([name, fn]) => ({ name, fn })));
  const base = t["JS: for loop"].medianMs;
  console.log(`\nsum of n = ${n.toLocaleString("en")} doubles (median per sum):\n`);
  printTable(["how", "time", "per element", "time / JS loop's"],
    Object.keys(impls).map((k) => [k, fmtTime(t[k].medianMs), fmtTime(t[k].medianMs / n), fmtRatio(t[k].medianMs, base)]));
  const one = t["kernel: one call, sum(x)"].medianMs, per = t["kernel: call per element, add(s, x[i])"].medianMs;
  const reduce = t["JS: reduce callback"].medianMs;
  console.log(`
Read it like this. In plain JS, a small function called from your own loop is
usually inlined by V8's optimizing compiler, so it costs little or nothing over
the loop. A typed array's reduce/map/forEach is different: the engine's
built-in calls your callback per element without inlining it (here reduce
took ${fmtRatio(reduce, base)} the loop's time).
A kernel call cannot be inlined either: every call crosses from JS into
WebAssembly and back, about ${fmtTime((per - one) / n)} per call here, which is
more than adding two numbers takes. Called per element, the kernel took
${fmtRatio(per, one)} the time of one call that loops inside the kernel.
Hand a kernel whole arrays, not elements.`);
  report.headline("kernel per element vs one kernel call", `${fmtRatio(per, one)} the time`);
  report.headline("kernel one call vs JS loop", `${fmtRatio(one, base)} the time`);
  report.headline("typed array reduce vs JS loop", `${fmtRatio(reduce, base)} the time`);
  report.headline("JS call per element vs JS loop", `${fmtRatio(t["JS: call per element"].medianMs, base)} the time`);
  report.data = { n, times: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.medianMs])) };
});
