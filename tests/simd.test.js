// The library's SIMD kernels (kernels/simd/simd.kernel.ts) against their JS
// twins (bit for bit) and the scalar references: every length around the
// lane counts (0, 1, 7, 8, 9, ...), NaN and infinities, alloc'd and plain
// arrays; bad input throws the scalar kernel's RangeError.
import { describe, it, expect, beforeAll } from "vitest";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { buildKernels, writeOutputs } from "../plugin/build/build-kernels.js";
import { launchChromium } from "./support/chromium.js";
import { formatDiagnostic } from "../plugin/compiler/diagnostics.js";
import { scratchDir, importBuilt, REPO } from "./support/build-fixture.js";
import * as reference from "../kernels/reference.js";

let simd, rt, build, outDir, outFile;

beforeAll(async () => {
  const result = await buildKernels({ inputs: ["kernels/simd"], cwd: REPO });
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n\n"));
  outDir = await scratchDir("simd");
  await writeOutputs(outDir, result.outputs);
  outFile = result.files[0].out;
  simd = await importBuilt(outDir, outFile);
  rt = await import("../runtime/index.js");
  build = rt.builds().at(-1);
}, 120_000);

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LENGTHS = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 1000, 1003];
function vec(n, seed, special) {
  const r = rng(seed);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  if (special && n > 0) a[(n * 3) >> 2] = special;
  return a;
}
const inKernel = (a) => {
  const k = rt.alloc(a.constructor, a.length, { build });
  k.set(a);
  return k;
};
const same = (a, b) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
const close = (a, b) => same(a, b) || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));

describe("SIMD kernels (kernels/simd/simd.kernel.ts)", () => {
  for (const special of [0, NaN, Infinity]) {
    it(`dotSimd and sumSimd: twin bit for bit, scalar within rounding (special ${special})`, () => {
      for (const n of LENGTHS) {
        const x = vec(n, n + 1, special), y = vec(n, n + 2);
        for (const mk of [(a) => a, inKernel]) {
          const d = simd.dotSimd(mk(x), mk(y));
          expect(same(d, reference.dotSimd(x, y)), `dotSimd n=${n}: ${d}`).toBe(true);
          expect(close(d, reference.dot(x, y)), `dotSimd n=${n} vs dot`).toBe(true);
          const s = simd.sumSimd(mk(x));
          expect(same(s, reference.sumSimd(x)), `sumSimd n=${n}: ${s}`).toBe(true);
          expect(close(s, reference.sum(x)), `sumSimd n=${n} vs sum`).toBe(true);
        }
      }
    });
  }

  it("axpySimd equals axpy bit for bit at every length, NaN included", () => {
    for (const n of LENGTHS) {
      for (const a of [2.5, -0, NaN]) {
        const x = vec(n, 3 * n + 1, NaN), y = vec(n, 3 * n + 2);
        const want = y.slice();
        reference.axpy(a, x, want);
        const ky = inKernel(y);
        simd.axpySimd(a, inKernel(x), ky);
        expect([...ky].every((v, i) => same(v, want[i])), `axpySimd n=${n} a=${a}`).toBe(true);
        const py = y.slice();
        simd.axpySimd(a, x, py); // plain arrays: copied in and back
        expect([...py].every((v, i) => same(v, want[i]))).toBe(true);
      }
    }
  });

  it("sobelSimd equals sobel bit for bit on every shape", () => {
    const shapes = [[0, 0], [1, 1], [1, 5], [5, 1], [2, 2], [3, 3], [9, 4], [10, 10], [17, 3], [33, 21], [64, 64]];
    for (const [w, h] of shapes) {
      const r = rng(w * 100 + h);
      const src = new Uint8Array(w * h).map(() => (r() * 256) | 0);
      const want = new Uint8Array(w * h).fill(7);
      reference.sobel(src, want, w, h);
      const dst = inKernel(new Uint8Array(w * h).fill(7));
      simd.sobelSimd(inKernel(src), dst, w, h);
      expect([...dst], `sobelSimd ${w}x${h}`).toEqual([...want]);
    }
  });

  it("bad sizes throw the scalar kernels' RangeError", () => {
    expect(() => simd.dotSimd(new Float64Array(3), new Float64Array(4))).toThrow(/dot: x and y must have the same length/);
    expect(() => simd.axpySimd(1, new Float64Array(3), new Float64Array(2))).toThrow(/axpy: x and y must have the same length/);
    expect(() => simd.sobelSimd(new Uint8Array(3), new Uint8Array(4), 2, 2)).toThrow(/sobel: src and dst must hold width\*height bytes/);
    // memory and later calls are intact
    expect(simd.sumSimd(new Float64Array([1, 2, 3]))).toBe(6);
  });
});

// The same build, as `tskern build` writes it, loaded by headless Chromium
// from a localhost server: v128 code runs there too, with the same results.
describe("SIMD kernels in Chromium", () => {
  it("dotSimd, sumSimd, axpySimd and sobelSimd give Node's results", async () => {
    const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };
    const server = createServer(async (req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      if (path === "/") {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<!doctype html><title>simd</title>");
        return;
      }
      try {
        const body = await readFile(`${outDir}${path}`);
        res.writeHead(200, { "content-type": types[path.slice(path.lastIndexOf("."))] ?? "application/octet-stream" });
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      // A string, not a function: vitest would rewrite a function's import().
      const got = await page.evaluate(`(async () => {
        const k = await import("/${outFile}");
        const x = Float64Array.from({ length: 1003 }, (_, i) => Math.sin(i) * 3);
        const y = Float64Array.from({ length: 1003 }, (_, i) => Math.cos(i));
        const yy = y.slice();
        k.axpySimd(0.5, x, yy);
        const src = Uint8Array.from({ length: 33 * 21 }, (_, i) => (i * 37) & 255);
        const dst = new Uint8Array(src.length);
        k.sobelSimd(src, dst, 33, 21);
        return { x: Array.from(x), y: Array.from(y), dot: k.dotSimd(x, y), sum: k.sumSimd(x), axpy: Array.from(yy), sobel: Array.from(dst) };
      })()`);
      expect(errors).toEqual([]);
      // the page's own inputs (its Math.sin may round differently from Node's)
      const x = Float64Array.from(got.x);
      const y = Float64Array.from(got.y);
      expect(got.dot).toBe(reference.dotSimd(x, y));
      expect(got.sum).toBe(reference.sumSimd(x));
      reference.axpy(0.5, x, y);
      expect(got.axpy).toEqual([...y]);
      const src = Uint8Array.from({ length: 33 * 21 }, (_, i) => (i * 37) & 255);
      const dst = new Uint8Array(src.length);
      reference.sobel(src, dst, 33, 21);
      expect(got.sobel).toEqual([...dst]);
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);
});
