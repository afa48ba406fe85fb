#!/usr/bin/env node
// Child process of `npm run bench`: the first call of one kernel in a fresh
// process (so V8 has compiled nothing of it yet) against its warm calls.
//
//   node bench/first-call.js CASE SIZE KERNEL_MODULE  (a built kernels/NAME.kernel.js)
//   node bench/first-call.js --all [--only=dot,sum] [--repeat=N] [--no-check]
//       builds the library (default build, or --no-check) into a temporary
//       directory and runs every case (largest size) in a fresh process,
//       N times each (the median is printed): first-call figures without
//       the rest of the bench.
//
// Prints JSON: the tskern kernel's first-call and warm times and the same for
// the plain-JS reference. V8 compiles a wasm function with its baseline
// compiler (Liftoff) and swaps in optimized code (TurboFan) only for calls
// that start after the optimized code is ready: a single long call runs to
// its end in baseline code. JS functions, by contrast, tier up mid-call (OSR).
import nodePath from "node:path";
import os from "node:os";
import { pathToFileURL, fileURLToPath } from "node:url";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtemp, rm } from "node:fs/promises";
import { cases } from "./cases.js";

const argv = process.argv.slice(2);
if (argv[0] === "--all") await runAll(argv.slice(1));
else await runOne(argv);

/** One case in this process. @param {string[]} args */
async function runOne(args) {
  const [name, sizeArg, modulePath] = args;
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`unknown case ${name}`);
  const size = Number(sizeArg);

  const t0 = performance.now();
  const mod = await import(pathToFileURL(nodePath.resolve(modulePath)).href);
  const loadMs = performance.now() - t0;
  const { alloc } = await import("../runtime/index.js");
  const reference = await import("../kernels/reference.js");

  const kArgs = c.setup(alloc, size);
  const kernel = mod[c.name];
  const k = firstAndWarm(() => kernel(...kArgs));
  const jsArgs = c.setup((C, n) => new C(n), size);
  const js = firstAndWarm(() => reference[c.name](...jsArgs));
  process.stdout.write(JSON.stringify({ case: c.name, size: c.label(size), loadMs, tskern: k, js }) + "\n");
}

/** First call, then calls until 6 calls and 0.5 s; warm = median of calls 3.. @param {() => unknown} fn */
function firstAndWarm(fn) {
  let t = performance.now();
  fn();
  const first = performance.now() - t;
  const times = [];
  const start = performance.now();
  while (times.length < 6 || (performance.now() - start < 500 && times.length < 200)) {
    t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  const warm = times.slice(2).sort((a, b) => a - b);
  return { firstMs: first, warmMs: warm[warm.length >> 1] };
}

/** Builds the library and runs every (or each --only) case in a fresh process. @param {string[]} args */
async function runAll(args) {
  const opt = (k) => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
  const only = opt("only")?.split(",");
  const repeat = Number(opt("repeat") ?? 1);
  const here = nodePath.dirname(fileURLToPath(import.meta.url));
  const repo = nodePath.dirname(here);
  const { buildKernels, writeOutputs } = await import("../plugin/build/build-kernels.js");
  const r = await buildKernels({ inputs: ["kernels"], cwd: repo, boundsCheck: !args.includes("--no-check") });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  const outDir = await mkdtemp(nodePath.join(os.tmpdir(), "tskern-first-call-"));
  try {
    await writeOutputs(outDir, r.outputs);
    const pathOf = (file) => nodePath.join(outDir, r.files.find((f) => f.file === `kernels/${file}.kernel.ts`).out);
    console.log(`first call vs warm (largest size, fresh process each, median of ${repeat}); load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
    console.log(["case".padEnd(14), "size".padEnd(20), "first ms".padStart(10), "warm ms".padStart(10), "first/warm".padStart(11)].join(" "));
    for (const c of cases) {
      if (only && !only.includes(c.name)) continue;
      const s = c.sizes[c.sizes.length - 1];
      const runs = [];
      for (let i = 0; i < repeat; i++) {
        const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), c.name, String(s), pathOf(c.file)], { cwd: repo, maxBuffer: 1 << 20 });
        runs.push(JSON.parse(stdout));
      }
      runs.sort((a, b) => a.tskern.firstMs / a.tskern.warmMs - b.tskern.firstMs / b.tskern.warmMs);
      const m = runs[runs.length >> 1];
      const t = m.tskern;
      console.log([c.name.padEnd(14), m.size.padEnd(20), t.firstMs.toFixed(2).padStart(10), t.warmMs.toFixed(2).padStart(10), `${(t.firstMs / t.warmMs).toFixed(2)}x`.padStart(11)].join(" "));
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
