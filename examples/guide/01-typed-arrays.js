// Step 1: plain arrays vs typed arrays. The same dot product over the same
// numbers, stored five ways. What differs is only the layout in memory.
//
//   node examples/guide/01-typed-arrays.js [--quick]
import v8 from "node:v8";
import vm from "node:vm";
import { runStep, compare, pick, printTable, fmtTime, fmtRatio } from "./measure.js";
import { rng } from "./reference.js";

await runStep(1, "plain arrays vs typed arrays", async (report) => {
  const n = pick(1_000_000, 20_000);
  const r = rng(1);
  // Filled with push: V8 keeps an Array of only doubles "packed" (raw doubles).
  /** @type {number[]} */
  const xs = [], ys = [];
  for (let i = 0; i < n; i++) { xs.push(r() * 2 - 1); ys.push(r() * 2 - 1); }

  // Five layouts of the same 2n numbers.
  const layouts = {
    /** Array of objects: each point a separate heap object holding two doubles. */
    "objects [{x, y}]": () => xs.map((x, i) => ({ x, y: ys[i] })),
    /** Array of numbers that once held a non-number: every element a boxed HeapNumber. */
    "Array, mixed (boxed)": () => {
      const a = /** @type {any[]} */ (xs.slice()); a.push("not a number"); a.pop();
      const b = /** @type {any[]} */ (ys.slice()); b.push("not a number"); b.pop();
      return [a, b];
    },
    /** The same boxed numbers, but allocated in random order: neighbours in the array are far apart in memory. */
    "Array, boxed, scattered": () => [scattered(xs, 2), scattered(ys, 3)],
    /** Array with holes: created with `new Array(n)`, then filled. */
    "Array, holey": () => {
      const a = new Array(n), b = new Array(n);
      for (let i = 0; i < n; i++) { a[i] = xs[i]; b[i] = ys[i]; }
      return [a, b];
    },
    /** Array of doubles only, packed: V8 stores raw doubles in a row. */
    "Array, packed doubles": () => [xs.slice(), ys.slice()],
    /** Float64Array: raw doubles in a row, fixed type, can be shared with wasm and workers. */
    "Float64Array": () => [Float64Array.from(xs), Float64Array.from(ys)],
  };

  const built = Object.fromEntries(Object.entries(layouts).map(([k, make]) => [k, make()]));
  // One function per layout, so each loop stays monomorphic (one element
  // kind) as it would in real code. The sources differ (a comment) because V8
  // caches `new Function` by source text, and copies would share type feedback.
  const dotObjects = (/** @type {Array<{x:number,y:number}>} */ p) => {
    let s = 0;
    for (let i = 0; i < p.length; i++) s += p[i].x * p[i].y;
    return s;
  };
  const dotFactory = (/** @type {string} */ k) => new Function("a", "b", `/* ${k} */ let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s;`);
  /** @type {Record<string, () => number>} */
  const run = {};
  for (const [k, v] of Object.entries(built)) {
    if (k.startsWith("objects")) run[k] = () => dotObjects(/** @type {any} */ (v));
    else { const f = dotFactory(k), [a, b] = /** @type {any} */ (v); run[k] = () => f(a, b); }
  }

  const expected = run["Float64Array"]();
  for (const [k, f] of Object.entries(run)) report.same(`${k}: same dot product`, f(), expected);

  const bytes = memoryPerElement(layouts, 2 * n);
  const t = await compare(Object.entries(run).map(([name, fn]) => ({ name, fn })));
  const base = t["Float64Array"].medianMs;
  console.log(`\ndot product of two vectors of n = ${n.toLocaleString("en")} doubles (median per call):\n`);
  printTable(["layout", "time", "per element", "time / Float64Array's", "bytes per number"],
    Object.keys(run).map((k) => [k, fmtTime(t[k].medianMs), fmtTime(t[k].medianMs / n), fmtRatio(t[k].medianMs, base), bytes[k] === null ? "n/a" : bytes[k].toFixed(1)]));
  console.log(`
Read it like this. A Float64Array, and an Array that has only ever held
doubles, store raw 8-byte numbers in a row (see the bytes column) and run at
a similar speed (either may lead by some tens of percent, depending on the
engine version, the machine and the moment).
One non-number ever stored in an Array turns
every element into a pointer to a separately allocated number: 3-4 times the
memory, and when those numbers lie scattered in memory (allocated in another
order than the array's) every element is a cache miss. Objects per element
cost the most memory. Small inputs fit in the CPU cache and blur all this;
sizes past the cache show it. Typed arrays cannot degrade, and they are what
kernels, workers and the GPU take without copying.`);
  report.headline("packed doubles vs Float64Array", fmtRatio(t["Array, packed doubles"].medianMs, base).replace("x", "x the time"));
  report.headline("boxed Array vs Float64Array", fmtRatio(t["Array, mixed (boxed)"].medianMs, base).replace("x", "x the time"));
  report.headline("boxed, scattered vs Float64Array", fmtRatio(t["Array, boxed, scattered"].medianMs, base).replace("x", "x the time"));
  report.headline("objects vs Float64Array", fmtRatio(t["objects [{x, y}]"].medianMs, base).replace("x", "x the time"));
  report.data = { n, times: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.medianMs])), bytes };
});

/**
 * A boxed copy of `values` whose numbers are allocated in a random order.
 * @param {number[]} values @param {number} seed
 */
function scattered(values, seed) {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const r = rng(seed);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  /** @type {any[]} */
  const out = new Array(n).fill(null); // generic elements: every double stored becomes a new heap number
  for (const i of order) out[i] = values[i] + 0;
  return out;
}

/**
 * Heap bytes each layout takes per number, measured around building it with
 * a forced GC (V8's `gc`, enabled here without a command-line flag). Null
 * where the measurement was not possible.
 * @param {Record<string, () => unknown>} layouts @param {number} count
 * @returns {Record<string, number | null>}
 */
function memoryPerElement(layouts, count) {
  v8.setFlagsFromString("--expose-gc");
  const gc = /** @type {(() => void) | undefined} */ (vm.runInNewContext("typeof gc === 'function' ? gc : undefined"));
  /** @type {Record<string, number | null>} */
  const out = {};
  const used = () => { const m = process.memoryUsage(); return m.heapUsed + m.external; };
  const held = [];
  for (const [k, make] of Object.entries(layouts)) {
    if (!gc) { out[k] = null; continue; }
    gc();
    const before = used();
    held.push(make()); // alive until the end of this function
    gc();
    out[k] = Math.max(0, (used() - before) / count);
  }
  return out;
}
