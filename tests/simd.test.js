// The library's SIMD kernels (kernels/simd/simd.kernel.ts) against their JS
// twins and the scalar kernels (wasm, same build) and references: every
// length around the lane counts (0, 1, 7, 8, 9, ...), NaN and infinities,
// shapes that hit every remainder loop, block edge and border, alloc'd and
// plain arrays; bad input throws the scalar kernel's error (same code and
// message), located at the SIMD kernel's own throw.
import { describe, it, expect, beforeAll } from "vitest";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import nodePath from "node:path";
import { buildKernels, writeOutputs } from "../plugin/build/build-kernels.js";
import { launchChromium } from "./support/chromium.js";
import { formatDiagnostic } from "../plugin/compiler/diagnostics.js";
import { scratchDir, importBuilt, REPO } from "./support/build-fixture.js";
import * as reference from "../kernels/reference.js";

const SIMD_FILE = "kernels/simd/simd.kernel.ts";
/** simd: the SIMD module; lib: every scalar kernel of kernels/*.kernel.ts by name (same build) */
let simd, lib, rt, build, outDir, outFile;

beforeAll(async () => {
  const result = await buildKernels({ inputs: ["kernels"], cwd: REPO });
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n\n"));
  outDir = await scratchDir("simd");
  await writeOutputs(outDir, result.outputs);
  lib = {};
  for (const f of result.files) {
    const mod = await importBuilt(outDir, f.out);
    if (f.file === SIMD_FILE) {
      simd = mod;
      outFile = f.out;
    } else Object.assign(lib, mod);
  }
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

describe("dotSimd, sumSimd, axpySimd, sobelSimd against their JS twins", () => {
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

// ---- the SIMD kernels that equal their scalar kernel bit for bit --------------

function copyInto(a, alloc) {
  const c = alloc ? rt.alloc(a.constructor, a.length, { build }) : new a.constructor(a.length);
  c.set(a);
  return c;
}
/** Index of the first element that differs (Object.is: NaN equals NaN, -0 differs from +0), or -1. */
function firstDifference(a, b) {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/**
 * Runs the SIMD kernel (arrays from alloc and plain), the scalar wasm kernel
 * and the JS twin on copies of `args`; return values and every array argument
 * must agree bit for bit.
 */
function expectSame(name, args, label) {
  const runs = [
    ["reference", (a) => reference[name](...a), false],
    ["scalar wasm", (a) => lib[name](...a), false],
    [`${name}Simd alloc'd`, (a) => simd[`${name}Simd`](...a), true],
    [`${name}Simd plain`, (a) => simd[`${name}Simd`](...a), false],
  ];
  const out = runs.map(([who, call, alloc]) => {
    const a = args.map((x) => (ArrayBuffer.isView(x) ? copyInto(x, alloc) : x));
    const ret = call(a);
    return { who, ret, arrays: a.map((x) => (ArrayBuffer.isView(x) ? Array.from(x) : null)) };
  });
  const [want, ...rest] = out;
  for (const got of rest) {
    expect(Object.is(got.ret, want.ret), `${name} ${label}: ${got.who} returned ${got.ret}, reference ${want.ret}`).toBe(true);
    got.arrays.forEach((arr, i) => {
      if (!arr) return;
      const at = firstDifference(arr, want.arrays[i]);
      expect(at, `${name} ${label}: ${got.who} argument ${i}[${at}] = ${arr[at]}, reference ${want.arrays[i][at]}`).toBe(-1);
    });
  }
}

const f64s = (n, seed, lo = -1, hi = 1) => {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
};
const f32s = (n, seed) => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 0.5);
};
const bytes = (n, seed, alphabet) => {
  const r = rng(seed);
  return Uint8Array.from({ length: n }, () => alphabet[(r() * alphabet.length) | 0]);
};
const withNaN = (a, at) => {
  const b = a.slice();
  if (b.length > 0) b[at % b.length] = NaN;
  return b;
};
const DNA = [65, 67, 71, 84];
const TEXT = Array.from({ length: 26 }, (_, i) => 97 + i);

describe("SIMD kernels equal their scalar kernels bit for bit", () => {
  it("scalSimd", () => {
    for (const n of LENGTHS) {
      for (const a of [-1.5, 0, -0, NaN, Infinity]) {
        expectSame("scal", [a, f64s(n, n + 40)], `n=${n} a=${a}`);
        expectSame("scal", [a, withNaN(f64s(n, n + 41), 5)], `n=${n} a=${a} NaN`);
      }
    }
  });

  it("minSimd: empty, NaN anywhere, signed zeros, infinities", () => {
    for (const n of LENGTHS) {
      expectSame("min", [f64s(n, n + 50)], `n=${n}`);
      for (let at = 0; at < Math.min(n, 9); at++) expectSame("min", [withNaN(f64s(n, n + 51), at)], `n=${n} NaN at ${at}`);
      expectSame("min", [Float64Array.from({ length: n }, (_, i) => (i % 3 === 1 ? -0 : 0))], `n=${n} signed zeros`);
      expectSame("min", [Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? -Infinity : Infinity))], `n=${n} infinities`);
    }
    expect(simd.minSimd(new Float64Array(0))).toBe(Infinity);
  });

  it("matmulSimd: every tile remainder and block edge (k > 128, n > 256), NaN", () => {
    const shapes = [[0, 0, 0], [0, 3, 2], [2, 0, 3], [3, 2, 0], [1, 1, 1], [3, 3, 3], [4, 4, 4], [5, 5, 5], [4, 7, 9], [7, 9, 13], [8, 1, 8], [9, 130, 5], [5, 3, 261], [6, 129, 259]];
    for (const [m, k, n] of shapes) {
      const a = f64s(m * k, m * 100 + k), b = f64s(k * n, k * 100 + n);
      const c = new Float64Array(m * n).fill(7); // overwritten, not accumulated
      expectSame("matmul", [a, b, c, m, k, n], `${m}x${k}x${n}`);
      if (m * k > 0) expectSame("matmul", [withNaN(a, 3), b, c, m, k, n], `${m}x${k}x${n} NaN`);
    }
    // arrays longer than needed: only the first m*n of c is written
    expectSame("matmul", [f64s(20, 1), f64s(20, 2), new Float64Array(20).fill(3), 4, 4, 4], "oversized arrays");
  });

  it("conv2dSimd: images smaller and larger than the kernel, every kernel shape, NaN", () => {
    const shapes = [[0, 0], [0, 3], [1, 1], [3, 2], [4, 4], [5, 7], [9, 9], [12, 5], [17, 13], [33, 6]];
    const kernels = [[1, 1], [3, 3], [5, 5], [3, 7], [9, 1], [1, 5]];
    for (const [w, h] of shapes) {
      for (const [kw, kh] of kernels) {
        const src = f32s(w * h, w * 31 + h), weights = f32s(kw * kh, kw * 7 + kh);
        expectSame("conv2d", [src, new Float32Array(w * h).fill(5), w, h, weights, kw, kh], `${w}x${h} ${kw}x${kh}`);
      }
      if (w * h > 0) expectSame("conv2d", [withNaN(f32s(w * h, 3), 7), new Float32Array(w * h), w, h, f32s(9, 4), 3, 3], `${w}x${h} NaN`);
    }
  });

  it("blurSeparableSimd: taps 1 .. wider than the image, NaN", () => {
    const shapes = [[0, 0], [3, 0], [1, 1], [2, 3], [4, 4], [5, 7], [9, 9], [13, 4], [33, 6]];
    for (const [w, h] of shapes) {
      for (const taps of [1, 3, 5, 9, 11]) {
        const src = f32s(w * h, w * 17 + h + taps);
        expectSame("blurSeparable", [src, new Float32Array(w * h).fill(2), new Float32Array(w * h).fill(3), w, h, f32s(taps, taps)], `${w}x${h} taps=${taps}`);
      }
      if (w * h > 0) expectSame("blurSeparable", [withNaN(f32s(w * h, 9), 4), new Float32Array(w * h), new Float32Array(w * h), w, h, f32s(5, 5)], `${w}x${h} NaN`);
    }
  });

  it("mandelbrotSimd: odd widths, maxIter 0 .. 65535, NaN coordinates", () => {
    const grids = [[0, 0], [0, 4], [1, 1], [2, 1], [3, 2], [7, 5], [16, 16], [33, 9]];
    for (const [w, h] of grids) {
      for (const maxIter of [0, 1, 2, 50, 256]) {
        expectSame("mandelbrot", [new Uint16Array(w * h).fill(9), w, h, -2.2, -1.5, 3 / Math.max(w, 1), 3 / Math.max(h, 1), maxIter], `${w}x${h} maxIter=${maxIter}`);
      }
    }
    expectSame("mandelbrot", [new Uint16Array(6), 3, 2, -0.75, 0.1, 1e-3, 1e-3, 65535], "near the boundary, maxIter=65535");
    expectSame("mandelbrot", [new Uint16Array(6), 3, 2, NaN, 0, 0.5, 0.5, 10], "NaN x0");
  });

  const PAIRS = [[0, 0], [0, 5], [5, 0], [1, 1], [1, 6], [3, 4], [4, 3], [4, 4], [5, 4], [7, 8], [8, 9], [13, 7], [64, 3], [3, 64], [101, 250], [250, 101]];
  it("levenshteinSimd: every row/column remainder, equal and disjoint strings, oversized row", () => {
    PAIRS.forEach(([n, m], i) => {
      for (const alphabet of [DNA, TEXT]) {
        expectSame("levenshtein", [bytes(n, 500 + i, alphabet), bytes(m, 600 + i, alphabet), new Int32Array(m + 1).fill(-7)], `${n} x ${m}`);
      }
    });
    const same = bytes(57, 7, DNA);
    expectSame("levenshtein", [same, same.slice(), new Int32Array(58)], "equal 57");
    expectSame("levenshtein", [new Uint8Array(9).fill(1), new Uint8Array(11).fill(2), new Int32Array(20).fill(-1)], "disjoint, row longer than b + 1");
  });

  it("smithWatermanSimd: every remainder, several scorings (incl. all-zero), oversized row", () => {
    PAIRS.forEach(([n, m], i) => {
      for (const [match, mismatch, gap] of [[2, -1, -2], [1, -1, -1], [3, -3, -5], [0, 0, 0], [5, 1, -1]]) {
        expectSame("smithWaterman", [bytes(n, 700 + i, DNA), bytes(m, 800 + i, DNA), match, mismatch, gap, new Int32Array(m + 1).fill(-7)], `${n} x ${m} (${match},${mismatch},${gap})`);
      }
    });
    const same = bytes(57, 8, DNA);
    expectSame("smithWaterman", [same, same.slice(), 2, -1, -2, new Int32Array(70).fill(4)], "equal 57, row longer than b + 1");
  });

  const bodies = (n, seed) => {
    const r = rng(seed);
    const pos = Float64Array.from({ length: 3 * n }, () => 2 * r() - 1);
    const vel = Float64Array.from({ length: 3 * n }, () => 0.01 * (r() - 0.5));
    const mass = Float64Array.from({ length: n }, () => 0.5 + r());
    return [pos, vel, mass];
  };
  it("nbodyStepSimd and nbodyEnergySimd: odd and even body counts, several steps, coincident bodies, NaN", () => {
    for (const n of [0, 1, 2, 3, 4, 5, 8, 17, 64]) {
      const [pos, vel, mass] = bodies(n, 900 + n);
      for (const steps of [0, 1, 3]) expectSame("nbodyStep", [pos, vel, mass, 1e-3, 1e-4, steps], `n=${n} steps=${steps}`);
      expectSame("nbodyEnergy", [pos, vel, mass, 1e-4], `n=${n}`);
      if (n > 1) {
        expectSame("nbodyStep", [withNaN(pos, 4), vel, mass, 1e-3, 1e-4, 2], `n=${n} NaN`);
        expectSame("nbodyEnergy", [withNaN(pos, 4), vel, mass, 1e-4], `n=${n} NaN`);
      }
    }
    // two bodies at one point with eps2 = 0: infinities and NaN, the same ones
    const pos = Float64Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expectSame("nbodyStep", [pos, new Float64Array(9), Float64Array.from([1, 2, 3]), 0.1, 0, 1], "coincident bodies");
    expectSame("nbodyEnergy", [pos, new Float64Array(9), Float64Array.from([1, 2, 3]), 0], "coincident bodies");
    // pos and vel longer than 3 * mass.length: the extra values are untouched
    expectSame("nbodyStep", [f64s(12, 1), f64s(12, 2), f64s(3, 3, 0.5, 1.5), 1e-2, 1e-3, 2], "oversized pos/vel");
  });
});

// ---- bad input: the scalar kernel's error, located in the SIMD source ---------

const SIMD_LINES = readFileSync(nodePath.join(REPO, SIMD_FILE), "utf8").split("\n");
const caught = (call) => {
  try {
    call();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
};

/**
 * The SIMD kernel and the scalar kernel throw for the same arguments with the
 * same code and message; the SIMD error points at the `throw` of that message
 * in kernels/simd/simd.kernel.ts.
 */
function expectSameError(name, args, message) {
  for (const alloc of [false, true]) {
    const s = caught(() => lib[name](...args.map((x) => (ArrayBuffer.isView(x) ? copyInto(x, alloc) : x))));
    const v = caught(() => simd[`${name}Simd`](...args.map((x) => (ArrayBuffer.isView(x) ? copyInto(x, alloc) : x))));
    expect(s.name, `${name}: scalar error`).toBe("KernelError");
    expect(v.name).toBe("KernelError");
    expect(v.code).toBe(s.code);
    expect(s.message).toContain(`${name}: ${message} at kernels/`);
    expect(v.message).toBe(`${name}Simd: ${message} at ${SIMD_FILE}:${v.line}:${v.column}`);
    expect(v.path).toBe(SIMD_FILE);
    expect(SIMD_LINES[v.line - 1], `${name}Simd: ${SIMD_FILE}:${v.line}`).toContain(`throw new RangeError("${message}")`);
  }
}

describe("SIMD kernels: bad input throws the scalar kernel's error", () => {
  it("unequal lengths, short arrays, bad sizes and parameters", () => {
    expectSameError("dot", [new Float64Array(3), new Float64Array(4)], "dot: x and y must have the same length");
    expectSameError("dot", [new Float64Array(0), new Float64Array(1)], "dot: x and y must have the same length");
    expectSameError("axpy", [2, new Float64Array(9), new Float64Array(8)], "axpy: x and y must have the same length");
    expectSameError("matmul", [new Float64Array(4), new Float64Array(4), new Float64Array(4), -1, 2, 2], "matmul: dimensions must be >= 0");
    expectSameError("matmul", [new Float64Array(4), new Float64Array(4), new Float64Array(3), 2, 2, 2], "matmul: a, b and c must hold m*k, k*n and m*n elements");
    expectSameError("matmul", [new Float64Array(5), new Float64Array(6), new Float64Array(6), 2, 3, 2], "matmul: a, b and c must hold m*k, k*n and m*n elements");
    expectSameError("conv2d", [new Float32Array(9), new Float32Array(8), 3, 3, new Float32Array(9), 3, 3], "conv2d: src and dst must hold width*height pixels");
    expectSameError("conv2d", [new Float32Array(9), new Float32Array(9), -3, -3, new Float32Array(9), 3, 3], "conv2d: src and dst must hold width*height pixels");
    expectSameError("conv2d", [new Float32Array(9), new Float32Array(9), 3, 3, new Float32Array(9), 2, 3], "conv2d: kw and kh must be odd and weights must hold kw*kh values");
    expectSameError("conv2d", [new Float32Array(9), new Float32Array(9), 3, 3, new Float32Array(8), 3, 3], "conv2d: kw and kh must be odd and weights must hold kw*kh values");
    expectSameError("blurSeparable", [new Float32Array(9), new Float32Array(9), new Float32Array(8), 3, 3, new Float32Array(3)], "blurSeparable: src, dst and tmp must hold width*height pixels");
    expectSameError("blurSeparable", [new Float32Array(9), new Float32Array(9), new Float32Array(9), 3, 3, new Float32Array(4)], "blurSeparable: weights must have odd length");
    expectSameError("blurSeparable", [new Float32Array(9), new Float32Array(9), new Float32Array(9), 3, 3, new Float32Array(0)], "blurSeparable: weights must have odd length");
    expectSameError("sobel", [new Uint8Array(3), new Uint8Array(4), 2, 2], "sobel: src and dst must hold width*height bytes");
    expectSameError("mandelbrot", [new Uint16Array(5), 3, 2, 0, 0, 1, 1, 10], "mandelbrot: out must hold width*height elements");
    expectSameError("mandelbrot", [new Uint16Array(6), 3, 2, 0, 0, 1, 1, 65536], "mandelbrot: maxIter must be in [0, 65535]");
    expectSameError("mandelbrot", [new Uint16Array(6), 3, 2, 0, 0, 1, 1, -1], "mandelbrot: maxIter must be in [0, 65535]");
    expectSameError("levenshtein", [new Uint8Array(4), new Uint8Array(5), new Int32Array(5)], "levenshtein: row must have length >= b.length + 1");
    expectSameError("levenshtein", [new Uint8Array(0), new Uint8Array(0), new Int32Array(0)], "levenshtein: row must have length >= b.length + 1");
    expectSameError("smithWaterman", [new Uint8Array(4), new Uint8Array(5), 2, -1, -2, new Int32Array(5)], "smithWaterman: row must have length >= b.length + 1");
    expectSameError("nbodyStep", [new Float64Array(8), new Float64Array(9), new Float64Array(3), 0.1, 0, 1], "nbody: pos and vel must hold 3 * mass.length values");
    expectSameError("nbodyEnergy", [new Float64Array(9), new Float64Array(8), new Float64Array(3), 0], "nbody: pos and vel must hold 3 * mass.length values");
    // nothing was written and later calls work
    expect(simd.minSimd(Float64Array.from([3, -2, 5]))).toBe(-2);
    expect(simd.levenshteinSimd(Uint8Array.from([1, 2, 3, 4, 5]), Uint8Array.from([1, 3, 4, 5, 6]), new Int32Array(6))).toBe(2);
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
