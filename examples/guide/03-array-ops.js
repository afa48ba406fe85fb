// Step 3: where "vectorized" array code (map/reduce chains, the NumPy style)
// stops helping. Three problems, each written as whole-array operations and
// as one plain loop; same results.
//
//   node examples/guide/03-array-ops.js [--quick]
import { runStep, compare, pick, printTable, fmtTime, fmtRatio } from "./measure.js";
import { rng, levenshtein, levenshteinArrayOps, mandelbrot, mandelbrotArrayOps, relatedStrings } from "./reference.js";

await runStep(3, "where map/reduce chains stop helping", async (report) => {
  const rows = [];

  // (a) Elementwise arithmetic: a chain of maps allocates one array per step;
  // one loop does the same arithmetic with no temporaries.
  {
    const n = pick(1_000_000, 10_000);
    const r = rng(3);
    const x = Float64Array.from({ length: n }, () => r() * 2 - 1);
    const chain = () => x.map((v) => v * 2).map((v) => v + 1).map((v) => v * v).reduce((s, v) => s + v, 0);
    const loop = () => { let s = 0; for (let i = 0; i < n; i++) { const v = (x[i] * 2 + 1); s += v * v; } return s; };
    report.same("elementwise: chain and loop agree", chain(), loop());
    const t = await compare([{ name: "chain", fn: chain }, { name: "loop", fn: loop }]);
    rows.push([`sum((2x+1)^2), n=${n.toLocaleString("en")}`, fmtTime(t.chain.medianMs), fmtTime(t.loop.medianMs), fmtRatio(t.chain.medianMs, t.loop.medianMs)]);
    report.headline("elementwise: map chain vs loop", `${fmtRatio(t.chain.medianMs, t.loop.medianMs)} the time`);
  }

  // (b) Escape-time fractal: the number of iterations depends on the pixel.
  // Whole-array code must run every iteration over every pixel.
  {
    const [w, h, maxIter] = pick([200, 150, 100], [40, 30, 30]);
    const out = new Int32Array(w * h);
    const arrays = () => mandelbrotArrayOps(w, h, maxIter);
    const loop = () => mandelbrot(w, h, maxIter, out);
    loop();
    report.same("mandelbrot: array ops and loop agree", arrays(), out);
    const t = await compare([{ name: "arrays", fn: arrays }, { name: "loop", fn: loop }]);
    const done = out.reduce((s, v) => s + v, 0);
    rows.push([`mandelbrot ${w}x${h}, ${maxIter} iterations`, fmtTime(t.arrays.medianMs), fmtTime(t.loop.medianMs), fmtRatio(t.arrays.medianMs, t.loop.medianMs)]);
    console.log(`mandelbrot: the loop did ${done.toLocaleString("en")} pixel-iterations; the array version ${(w * h * maxIter).toLocaleString("en")} (${((w * h * maxIter) / done).toFixed(1)}x as many)`);
    report.headline("mandelbrot: array ops vs loop", `${fmtRatio(t.arrays.medianMs, t.loop.medianMs)} the time`);
  }

  // (c) Edit distance: every cell needs its left neighbour, just computed.
  // The array version needs a trick (a cumulative minimum, a scan) and three
  // temporaries per row.
  {
    const { a, b } = relatedStrings(pick(1000, 120), 4);
    const row = new Int32Array(b.length + 1);
    const arrays = () => levenshteinArrayOps(a, b);
    const loop = () => levenshtein(a, b, row);
    report.same("edit distance: array ops and loop agree", arrays(), loop());
    const t = await compare([{ name: "arrays", fn: arrays }, { name: "loop", fn: loop }]);
    rows.push([`edit distance ${a.length}x${b.length}`, fmtTime(t.arrays.medianMs), fmtTime(t.loop.medianMs), fmtRatio(t.arrays.medianMs, t.loop.medianMs)]);
    report.headline("edit distance: array ops vs loop", `${fmtRatio(t.arrays.medianMs, t.loop.medianMs)} the time`);
  }

  console.log("\nmedian per call:\n");
  printTable(["problem", "array ops", "one loop", "array ops / loop"], rows);
  console.log(`
Read it like this. In NumPy, array operations are fast because each one is a
loop in C; in JavaScript, map and reduce run your callback per element (step
2) and allocate a new array per step, so a chain is slower than one loop even
for simple arithmetic. And some problems do not fit the style at all: the
fractal's pixels need different numbers of iterations (an array operation
cannot stop early for one element, so it computes every pixel to the end),
and edit distance's cells depend on the cell just computed (a scan, not a
map). For those, the plain loop is the fastest JavaScript; step 4 compiles
that same loop.`);
});
