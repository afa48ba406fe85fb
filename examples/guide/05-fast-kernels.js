// Step 5: making kernels fast. The annotate report, the bounds-check
// directive, SIMD, and slow patterns next to their rewrites; each pair timed.
//
//   node examples/guide/05-fast-kernels.js [--quick]
import nodePath from "node:path";
import { main } from "tskern/cli";
import { alloc } from "tskern/runtime";
import { GUIDE_DIR, tempDir, buildGuideKernels } from "./build.js";
import { runStep, compare, pick, printTable, fmtTime, fmtRatio } from "./measure.js";
import { rng, relatedStrings, levenshtein as levenshteinJs } from "./reference.js";

await runStep(5, "making kernels fast", async (report) => {
  // 1. Ask the compiler where the time goes: `tskern annotate` (like cython -a).
  const html = nodePath.join(tempDir("annotate"), "patterns.kernel.html");
  console.log("$ tskern annotate kernels/patterns.kernel.ts -o patterns.kernel.html");
  let printed = "";
  const code = await main(["annotate", "kernels/patterns.kernel.ts", "-o", html], {
    cwd: GUIDE_DIR,
    stdout: { write: (s) => { printed += s; process.stdout.write(String(s).split(html).join("patterns.kernel.html")); } },
    stderr: { write: (s) => { printed += s; process.stderr.write(s); } },
  });
  report.check("tskern annotate exits 0", code === 0, `exit code ${code}: ${printed}`);
  report.check("annotate flags `&&` in the escape loop's condition", /hint loop-condition-and/.test(printed), printed);
  report.check("annotate flags the allocation in levenshteinAlloc's loop", /hint allocation-in-loop/.test(printed), printed);

  const { modules } = await buildGuideKernels();
  const { gather, gatherUnchecked, escapeAnd, escapeBreak, levenshteinAlloc, levenshteinBranchy } = modules.patterns;
  const { sumScalar, sumFastmath, sumSimd } = modules.simd;
  const { levenshtein } = modules.levenshtein;
  const { sum, add } = modules.sum;
  const r = rng(5);
  /** @type {Array<[string, string, string, string, string, string]>} */
  const rows = [];
  /** Times a slow/fast pair and adds a row. @param {string} what @param {string} slowName @param {() => unknown} slow @param {string} fastName @param {() => unknown} fast */
  const pair = async (what, slowName, slow, fastName, fast) => {
    const t = await compare([{ name: "slow", fn: slow }, { name: "fast", fn: fast }]);
    rows.push([what, slowName, fmtTime(t.slow.medianMs), fastName, fmtTime(t.fast.medianMs), fmtRatio(t.slow.medianMs, t.fast.medianMs)]);
    report.headline(`${what}: ${fastName} vs ${slowName}`, `speedup ${fmtRatio(t.slow.medianMs, t.fast.medianMs)}`);
  };

  // 2. Bounds checks. Indices tskern cannot prove in range keep one compare
  // each. Sized to stay in the CPU cache: past it, random reads wait for
  // memory and the compares hide behind them.
  {
    const n = pick(16_384, 4_096);
    const x = alloc(Float64Array, n), idx = alloc(Int32Array, n), out = alloc(Float64Array, n), out2 = alloc(Float64Array, n);
    for (let i = 0; i < n; i++) { x[i] = r(); idx[i] = (r() * n) | 0; }
    gather(x, idx, out); gatherUnchecked(x, idx, out2);
    report.same("gather: unchecked equals checked", out2, out);
    await pair(`gather x[idx[i]], n=${n.toLocaleString("en")}`, "checked (default)", () => gather(x, idx, out), "boundscheck=false", () => gatherUnchecked(x, idx, out2));
  }

  // 3. `&&` in a hot loop condition vs `break`.
  {
    const [w, h, maxIter] = pick([400, 300, 200], [40, 30, 30]);
    const a = alloc(Int32Array, w * h), b = alloc(Int32Array, w * h);
    escapeAnd(w, h, maxIter, a); escapeBreak(w, h, maxIter, b);
    report.same("escape loop: break version equals && version", b, a);
    await pair(`escape loop ${w}x${h}x${maxIter}`, "while (.. && ..)", () => escapeAnd(w, h, maxIter, a), "break", () => escapeBreak(w, h, maxIter, b));
  }

  // 4. Allocation in the loop vs scratch passed in.
  {
    const { a: a0, b: b0 } = relatedStrings(pick(1000, 100), 6);
    const a = alloc(Uint8Array, a0.length), b = alloc(Uint8Array, b0.length), row = alloc(Int32Array, b0.length + 1);
    a.set(a0); b.set(b0);
    const expected = levenshteinJs(a0, b0, new Int32Array(b0.length + 1));
    report.same("edit distance: allocating kernel equals JS", levenshteinAlloc(a, b), expected);
    report.same("edit distance: scratch-row kernel equals JS", levenshtein(a, b, row), expected);
    await pair(`edit distance ${a.length}x${b.length}`, "new row per row", () => levenshteinAlloc(a, b), "scratch row", () => levenshtein(a, b, row));

    // Data-dependent branches vs a branch-free min().
    const row2 = alloc(Int32Array, b0.length + 1);
    report.same("edit distance: if-version equals JS", levenshteinBranchy(a, b, row2), expected);
    await pair(`edit distance ${a.length}x${b.length}`, "if (x < d) d = x", () => levenshteinBranchy(a, b, row2), "min()", () => levenshtein(a, b, row));
  }

  // 5. Calling a kernel per element (step 2) vs once.
  {
    const n = pick(100_000, 2_000);
    const x = alloc(Float64Array, n);
    for (let i = 0; i < n; i++) x[i] = r();
    const perElement = () => { let s = 0; for (let i = 0; i < n; i++) s = add(s, x[i]); return s; };
    report.same("sum: per-element calls equal one call", perElement(), sum(x));
    await pair(`sum, n=${n.toLocaleString("en")}`, "add() per element", perElement, "sum(x) once", () => sum(x));
  }

  // 6. SIMD: one in-order chain of adds vs four partial sums in v128 lanes.
  {
    const n = pick(32_768, 4_096);
    const x = alloc(Float64Array, n);
    for (let i = 0; i < n; i++) x[i] = r();
    const exact = sumScalar(x);
    report.same("SIMD sum within 1e-12 (relative) of the in-order sum", sumSimd(x), exact, 1e-12);
    report.same("fastmath sum within 1e-12 (relative) of the in-order sum", sumFastmath(x), exact, 1e-12);
    const t = await compare([{ name: "scalar", fn: () => sumScalar(x) }, { name: "fastmath", fn: () => sumFastmath(x) }, { name: "simd", fn: () => sumSimd(x) }]);
    rows.push([`sum, n=${n.toLocaleString("en")}`, "in order", fmtTime(t.scalar.medianMs), "fastmath", fmtTime(t.fastmath.medianMs), fmtRatio(t.scalar.medianMs, t.fastmath.medianMs)]);
    rows.push([`sum, n=${n.toLocaleString("en")}`, "in order", fmtTime(t.scalar.medianMs), "v128 by hand", fmtTime(t.simd.medianMs), fmtRatio(t.scalar.medianMs, t.simd.medianMs)]);
    report.headline(`sum, n=${n.toLocaleString("en")}: fastmath vs in order`, `speedup ${fmtRatio(t.scalar.medianMs, t.fastmath.medianMs)}`);
    report.headline(`sum, n=${n.toLocaleString("en")}: v128 by hand vs in order`, `speedup ${fmtRatio(t.scalar.medianMs, t.simd.medianMs)}`);
  }

  console.log("\nmedian per call:\n");
  printTable(["kernel", "slow", "time", "rewrite", "time", "speedup"], rows);
  console.log(`
Read it like this. Bounds checks that tskern cannot remove cost one compare
per access: \`boundscheck=false\` removes them, and with them the located
error you saw in step 4, so trust your indices first. The gain is small where
the loop waits on memory anyway, larger in tight loops over cached data.
A loop condition joined with \`&&\` and an allocation per row are what
annotate flagged; its suggested rewrites are the "rewrite" column. Note its
other hint: in the allocating edit distance \`prev\` is reassigned, so its
bounds checks stay in the inner loop too; the scratch-row version has none.
Choosing a minimum with \`if\`s branches on the data: on random text the CPU
guesses those branches wrong often, and each miss costs a pipeline flush;
AssemblyScript's \`min()\` compiles to a branch-free select. (The JS loops in
reference.js keep the ifs: in V8 they beat Math.min when this guide was
written; measure yours.)
Per-element calls pay the JS-to-wasm crossing per element (step 2). SIMD
pays where a loop is one chain of dependent float adds: partial sums in v128
lanes run side by side (results may differ from the in-order sum in the last
bits; \`fastmath\` lets the optimizer do the same for you).`);
});
