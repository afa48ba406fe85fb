// Step 7: the GPU. Builds the `// @tskern gpu` kernels of kernels/gpu.kernel.ts
// if this tskern supports them, runs them with `.cpu` (a wasm loop) and
// `.gpu` (WebGPU; in Node, which has none, it falls back to `.cpu` with a
// warning), and measures what decides whether a GPU can pay off: how much
// CPU work each byte that would cross to the GPU and back carries.
//
//   node examples/guide/07-gpu.js [--quick]
import { alloc } from "tskern/runtime";
import { buildGuideKernels } from "./build.js";
import { runStep, compare, pick, printTable, fmtTime } from "./measure.js";

const f = Math.fround;

/** saxpy in f32, as the kernel computes it. @param {number} n @param {number} a @param {Float32Array} x @param {Float32Array} y */
function saxpyJs(n, a, x, y) {
  for (let i = 0; i < n; i++) y[i] = f(f(a * x[i]) + y[i]);
}

/**
 * Escape counts in f32, as the kernel computes them.
 * @param {number} n @param {number} width @param {number} maxIter @param {number} x0 @param {number} y0 @param {number} dx @param {number} dy @param {Int32Array} out
 */
function mandelbrotPixelJs(n, width, maxIter, x0, y0, dx, dy, out) {
  for (let i = 0; i < n; i++) {
    const cx = f(x0 + f(f(i % width) * dx));
    const cy = f(y0 + f(f(Math.trunc(i / width)) * dy));
    let zx = 0, zy = 0, k = 0;
    while (k < maxIter) {
      const xx = f(zx * zx), yy = f(zy * zy);
      if (f(xx + yy) > 4) break;
      const t = f(f(xx - yy) + cx);
      zy = f(f(f(2 * zx) * zy) + cy);
      zx = t;
      k++;
    }
    out[i] = k;
  }
}

await runStep(7, "the GPU", async (report) => {
  /** @type {any} */
  let gpu = null;
  let unavailable = "";
  try {
    gpu = (await buildGuideKernels(["kernels/gpu.kernel.ts"])).modules.gpu;
    if (typeof gpu.saxpy?.gpu !== "function" || typeof gpu.saxpy?.cpu !== "function") {
      unavailable = "the kernels built, but without .gpu/.cpu";
      gpu = null;
    }
  } catch (error) {
    unavailable = /** @type {Error} */ (error).message.split("\n").slice(0, 3).join("\n  ");
  }
  if (gpu) console.log("GPU kernels are available in this build of tskern: kernels/gpu.kernel.ts built with .gpu and .cpu.");
  else console.log(`GPU kernels are not available in this build of tskern:\n  ${unavailable}\nThe measurements below use the plain-JS versions of the kernels instead.`);
  report.check("the step reports whether GPU kernels are available", true);
  report.headline("GPU kernels in this build", gpu ? "available" : "not available");

  // The inputs: saxpy over n floats; a width x width Mandelbrot image.
  const n = pick(1 << 20, 1 << 12);
  const width = pick(512, 64), pixels = width * width, maxIter = pick(256, 32);
  const plane = /** @type {const} */ ([-2.5, -1.75, 3.5 / width, 3.5 / width]);
  const x = Float32Array.from({ length: n }, (_, i) => (i % 1000) * 0.001);
  const y0 = Float32Array.from({ length: n }, (_, i) => (i % 7) * 0.5);

  // Results: JS, and when available .cpu and .gpu, must agree exactly.
  const yJs = y0.slice();
  saxpyJs(n, 2.5, x, yJs);
  const outJs = new Int32Array(pixels);
  mandelbrotPixelJs(pixels, width, maxIter, ...plane, outJs);
  let runtime = "plain JS (no GPU kernels)";
  if (gpu) {
    const yCpu = y0.slice();
    gpu.saxpy.cpu(n, 2.5, x, yCpu);
    report.same("saxpy.cpu equals JS (f32)", yCpu, yJs);
    const outCpu = new Int32Array(pixels);
    gpu.mandelbrotPixel.cpu(pixels, width, maxIter, ...plane, outCpu);
    report.same("mandelbrotPixel.cpu equals JS (f32)", outCpu, outJs);

    // .gpu: WebGPU where there is an adapter; in Node a one-time warning and the .cpu loop.
    const warnings = [];
    const warn = console.warn;
    console.warn = (...args) => { warnings.push(args.join(" ")); };
    const outGpu = new Int32Array(pixels);
    try {
      await gpu.mandelbrotPixel.gpu(pixels, width, maxIter, ...plane, outGpu);
    } finally {
      console.warn = warn;
    }
    runtime = warnings.length ? ".gpu fell back to the wasm loop (no WebGPU adapter here)" : ".gpu ran on WebGPU";
    console.log(`\nmandelbrotPixel.gpu: ${runtime}${warnings.length ? `\n  the warning: ${warnings[0]}` : ""}`);
    report.same("mandelbrotPixel.gpu equals .cpu", outGpu, outCpu);
    report.headline(".gpu here", warnings.length ? "fell back to .cpu (no WebGPU)" : "ran on WebGPU");
  }

  // Work per byte: the CPU time of each kernel over the bytes a GPU run would
  // move (saxpy: x and y up, y down; mandelbrot: the image down).
  // Kernels get arrays from alloc (no copies in the timing); JS plain ones.
  const xK = gpu ? alloc(Float32Array, n) : x, ySaxpy = gpu ? alloc(Float32Array, n) : y0.slice(), outM = gpu ? alloc(Int32Array, pixels) : new Int32Array(pixels);
  if (gpu) { xK.set(x); ySaxpy.set(y0); }
  const t = await compare([
    { name: "saxpy", fn: gpu ? () => gpu.saxpy.cpu(n, 2.5, xK, ySaxpy) : () => saxpyJs(n, 2.5, x, ySaxpy) },
    { name: "mandelbrot", fn: gpu ? () => gpu.mandelbrotPixel.cpu(pixels, width, maxIter, ...plane, outM) : () => mandelbrotPixelJs(pixels, width, maxIter, ...plane, outM) },
  ]);
  const cases = [
    { name: `saxpy, n=${n.toLocaleString("en")}`, ms: t.saxpy.medianMs, bytes: 12 * n },
    { name: `mandelbrot ${width}x${width}, ${maxIter} iterations`, ms: t.mandelbrot.medianMs, bytes: 4 * pixels },
  ];
  console.log(`\nCPU time (${gpu ? "kernel.cpu, wasm" : "plain JS"}) against the bytes a GPU run would move:\n`);
  printTable(["kernel", "CPU time", "bytes moved", "CPU ns per byte", "break-even link"],
    cases.map((c) => [c.name, fmtTime(c.ms), `${(c.bytes / 2 ** 20).toFixed(2)} MiB`, ((c.ms * 1e6) / c.bytes).toFixed(3), `${(c.bytes / (c.ms * 1e6)).toFixed(2)} GB/s`]));
  for (const c of cases) report.headline(`${c.name}: break-even link`, `${(c.bytes / (c.ms * 1e6)).toFixed(2)} GB/s`);
  report.data = { gpuKernels: Boolean(gpu), runtime, cases };
  console.log(`
Read it like this. "Break-even link" is the transfer speed at which just
moving the data to the GPU and back takes as long as the CPU needs for the
whole job: over a slower link the GPU cannot win even if it computed in zero
time. A discrete GPU's PCIe link moves roughly 10-30 GB/s, and every launch
adds tens of microseconds. saxpy does 2 flops per 12 bytes: its break-even
link is about as fast as such a link or faster, so moving the data costs
about as much as doing the whole job on the CPU, and one saxpy stays on the
CPU. The fractal does hundreds of flops per 4-byte pixel: its break-even
link is far slower than any real one, so the transfer is noise and thousands
of GPU threads win. Chains of kernels can keep data on
the GPU between calls (gpuAlloc, toGPU, toHost in tskern/runtime) and pay the
transfer once.

Running .gpu for real needs WebGPU: a browser (Chrome, Edge; a page served
over https or from localhost) or a Node build with a WebGPU adapter. Node 20
has none, so here .gpu runs the wasm loop after one warning, and its timings
are CPU timings. (A software adapter such as SwiftShader runs WebGPU on the
CPU: its timings are not GPU timings either.)`);
});
