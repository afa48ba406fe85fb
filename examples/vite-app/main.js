// Renders the Mandelbrot set twice, with plain JS and with the tskern kernels,
// shows both timings, and checks the pixels are identical.
import { mandelbrot, colorize } from "./kernels/fractal.kernel.ts";
import * as js from "./fractal.js";
import { alloc, free, memoryStats } from "tskern/runtime";

const canvas = /** @type {HTMLCanvasElement} */ (document.querySelector("#canvas"));
const { width, height } = canvas;
const view = { x0: -2.3, y0: -1.05, dx: 3.2 / width, dy: 2.1 / height };

/** Best of `runs` timings of `fn`, in ms. @param {() => void} fn */
function time(fn, runs = 5) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function render() {
  const maxIter = Math.max(1, Math.min(65535, Number(document.querySelector("#iters").value) | 0));
  // Arrays in kernel memory: kernels get a pointer, nothing is copied.
  const counts = alloc(Uint16Array, width * height);
  const rgba = alloc(Uint8ClampedArray, width * height * 4);
  // The JS baseline works on ordinary arrays.
  const jsCounts = new Uint16Array(width * height);
  const jsRgba = new Uint8ClampedArray(width * height * 4);

  const t = {
    jsMandelbrot: time(() => js.mandelbrot(jsCounts, width, height, view.x0, view.y0, view.dx, view.dy, maxIter)),
    kernelMandelbrot: time(() => mandelbrot(counts, width, height, view.x0, view.y0, view.dx, view.dy, maxIter)),
    jsColorize: time(() => js.colorize(jsCounts, jsRgba, maxIter)),
    kernelColorize: time(() => colorize(counts, rgba, maxIter)),
  };
  const identical = counts.every((v, i) => v === jsCounts[i]) && rgba.every((v, i) => v === jsRgba[i]);

  // ImageData needs an unshared buffer: copy the kernel's pixels into it.
  const image = new ImageData(width, height);
  image.data.set(rgba);
  canvas.getContext("2d").putImageData(image, 0, 0);
  free(counts);
  free(rgba);

  const ms = (/** @type {number} */ v) => `${v.toFixed(1)} ms`;
  document.querySelector("#js-mandelbrot").textContent = ms(t.jsMandelbrot);
  document.querySelector("#kernel-mandelbrot").textContent = ms(t.kernelMandelbrot);
  document.querySelector("#ratio-mandelbrot").textContent = `${(t.jsMandelbrot / t.kernelMandelbrot).toFixed(2)}×`;
  document.querySelector("#js-colorize").textContent = ms(t.jsColorize);
  document.querySelector("#kernel-colorize").textContent = ms(t.kernelColorize);
  document.querySelector("#ratio-colorize").textContent = `${(t.jsColorize / t.kernelColorize).toFixed(2)}×`;
  const stats = memoryStats();
  const status = document.querySelector("#status");
  status.textContent = `${identical ? "identical pixels" : "PIXELS DIFFER"} · kernel memory ${stats.shared ? "shared (cross-origin isolated)" : "unshared (page not cross-origin isolated)"}, ${(stats.memoryBytes / 2 ** 20).toFixed(0)} MiB`;
  status.dataset.identical = String(identical);
}

document.querySelector("#run").addEventListener("click", render);
render();

// Editing the kernel re-runs this module (hot update, no page reload).
if (import.meta.hot) import.meta.hot.accept();
