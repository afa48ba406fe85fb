#!/usr/bin/env node
// Child process of `npm run bench`: the first call of one kernel in a fresh
// process (so V8 has compiled nothing of it yet) against its warm calls.
//
//   node bench/first-call.js CASE SIZE KERNEL_MODULE  (a built kernels/NAME.kernel.js)
//
// Prints JSON: the tskern kernel's first-call and warm times and the same for
// the plain-JS reference. V8 compiles a wasm function with its baseline
// compiler (Liftoff) and swaps in optimized code (TurboFan) only for calls
// that start after the optimized code is ready: a single long call runs to
// its end in baseline code. JS functions, by contrast, tier up mid-call (OSR).
import nodePath from "node:path";
import { pathToFileURL } from "node:url";
import { cases } from "./cases.js";

const [name, sizeArg, modulePath] = process.argv.slice(2);
const c = cases.find((x) => x.name === name);
if (!c) throw new Error(`unknown case ${name}`);
const size = Number(sizeArg);

const t0 = performance.now();
const mod = await import(pathToFileURL(nodePath.resolve(modulePath)).href);
const loadMs = performance.now() - t0;
const { alloc } = await import("../runtime/index.js");
const reference = await import("../kernels/reference.js");

/** First call, then calls until 6 calls and 0.5 s; warm = median of calls 3.. */
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

const kArgs = c.setup(alloc, size);
const kernel = mod[c.name];
const k = firstAndWarm(() => kernel(...kArgs));
const jsArgs = c.setup((C, n) => new C(n), size);
const js = firstAndWarm(() => reference[c.name](...jsArgs));
process.stdout.write(JSON.stringify({ case: c.name, size: c.label(size), loadMs, tskern: k, js }) + "\n");
