// Demo / test cases for the example kernels in ./kernels.
//
// Each case: { name, kernelFile, kernel, sizeLabel, setup(alloc) => args }
//  - kernelFile: file in examples/kernels/, kernel: exported function name
//    (the plain-JS twin has the same name in examples/kernels/reference.js).
//  - setup(alloc) builds the argument list. alloc(Ctor, length) returns a
//    zeroed typed array: tskern's `alloc` for kernel-resident arrays, or
//    `(C, n) => new C(n)` for the JS run. Inputs come from a seeded PRNG, so
//    every setup call produces identical arguments.
//  - Kernels returning void write into one of their array arguments
//    (`output` is its index); compare the return value and that array.
//
// `cases` uses demo sizes (one call takes >= ~1 ms); `smallCases` are the
// same cases at sizes for quick differential tests.

/** mulberry32: tiny deterministic 32-bit PRNG, returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fillUniform(arr, rng, lo, hi) {
  const span = hi - lo;
  for (let i = 0; i < arr.length; i++) arr[i] = lo + span * rng();
}

const DNA = [65, 67, 71, 84]; // A C G T

/** Random sequence of `n` symbols from `alphabet` (array of byte values). */
function randomBytes(alloc, n, rng, alphabet) {
  const s = alloc(Uint8Array, n);
  for (let i = 0; i < n; i++) s[i] = alphabet[(rng() * alphabet.length) | 0];
  return s;
}

/** A copy of `src` (length n) with ~rate point substitutions, insertions and deletions. */
function mutate(alloc, src, n, rng, alphabet, rate) {
  const out = alloc(Uint8Array, n);
  let i = 0;
  for (let k = 0; k < n; k++) {
    const r = rng();
    if (r < rate / 3) {
      out[k] = alphabet[(rng() * alphabet.length) | 0]; // substitution
      i++;
    } else if (r < (2 * rate) / 3) {
      out[k] = alphabet[(rng() * alphabet.length) | 0]; // insertion
    } else {
      if (r < rate) i++; // deletion
      out[k] = src[i % src.length];
      i++;
    }
  }
  return out;
}

/** Synthetic 8-bit grayscale test image: gradient, stripes, discs and noise. */
function makeImage(alloc, width, height, rng) {
  const img = alloc(Uint8Array, width * height);
  const base = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = ((x + y) * 128) / (width + height);
      if (((x >> 5) & 1) === 1 && y < height / 3) v += 60;
      base[y * width + x] = v;
    }
  }
  for (let k = 0; k < 12; k++) {
    const cx = rng() * width;
    const cy = rng() * height;
    const r = (0.03 + 0.12 * rng()) * Math.min(width, height);
    const c = (rng() * 256) | 0;
    const yLo = Math.max(0, Math.floor(cy - r)), yHi = Math.min(height - 1, Math.ceil(cy + r));
    const xLo = Math.max(0, Math.floor(cx - r)), xHi = Math.min(width - 1, Math.ceil(cx + r));
    for (let y = yLo; y <= yHi; y++) {
      for (let x = xLo; x <= xHi; x++) {
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r) base[y * width + x] = c;
      }
    }
  }
  for (let i = 0; i < base.length; i++) {
    const v = base[i] + (rng() - 0.5) * 24;
    img[i] = v < 0 ? 0 : v > 255 ? 255 : v | 0;
  }
  return img;
}

function makeCases(s) {
  return [
    {
      name: "dot",
      kernelFile: "blas.kernel.ts",
      kernel: "dot",
      sizeLabel: `n=${s.vec.toLocaleString("en-US")}`,
      setup(alloc) {
        const rng = mulberry32(1);
        const x = alloc(Float64Array, s.vec);
        const y = alloc(Float64Array, s.vec);
        fillUniform(x, rng, -1, 1);
        fillUniform(y, rng, -1, 1);
        return [x, y];
      },
    },
    {
      name: "axpy",
      kernelFile: "blas.kernel.ts",
      kernel: "axpy",
      sizeLabel: `n=${s.vec.toLocaleString("en-US")}`,
      output: 2,
      setup(alloc) {
        const rng = mulberry32(2);
        const x = alloc(Float64Array, s.vec);
        const y = alloc(Float64Array, s.vec);
        fillUniform(x, rng, -1, 1);
        fillUniform(y, rng, -1, 1);
        return [0.5, x, y];
      },
    },
    {
      name: "sum",
      kernelFile: "blas.kernel.ts",
      kernel: "sum",
      sizeLabel: `n=${s.vec.toLocaleString("en-US")}`,
      setup(alloc) {
        const rng = mulberry32(3);
        const x = alloc(Float64Array, s.vec);
        fillUniform(x, rng, -1, 1);
        return [x];
      },
    },
    {
      name: "smithWaterman",
      kernelFile: "align.kernel.ts",
      kernel: "smithWaterman",
      sizeLabel: `${s.seq}x${s.seq} DNA`,
      setup(alloc) {
        const rng = mulberry32(4);
        const a = randomBytes(alloc, s.seq, rng, DNA);
        const b = mutate(alloc, a, s.seq, rng, DNA, 0.3);
        const row = alloc(Int32Array, s.seq + 1);
        return [a, b, 2, -1, -2, row];
      },
    },
    {
      name: "levenshtein",
      kernelFile: "align.kernel.ts",
      kernel: "levenshtein",
      sizeLabel: `${s.seq}x${s.seq} text`,
      setup(alloc) {
        const rng = mulberry32(5);
        const letters = [];
        for (let c = 97; c <= 122; c++) letters.push(c); // a-z
        const a = randomBytes(alloc, s.seq, rng, letters);
        const b = mutate(alloc, a, s.seq, rng, letters, 0.2);
        const row = alloc(Int32Array, s.seq + 1);
        return [a, b, row];
      },
    },
    {
      name: "mandelbrot",
      kernelFile: "mandelbrot.kernel.ts",
      kernel: "mandelbrot",
      sizeLabel: `${s.mw}x${s.mh}, ${s.iter} iter`,
      output: 0,
      setup(alloc) {
        const out = alloc(Uint16Array, s.mw * s.mh);
        // View [-2.5, 1] x [-1.25, 1.25].
        return [out, s.mw, s.mh, -2.5, -1.25, 3.5 / s.mw, 2.5 / s.mh, s.iter];
      },
    },
    {
      name: "boxBlur3",
      kernelFile: "image.kernel.ts",
      kernel: "boxBlur3",
      sizeLabel: `${s.img}x${s.img}`,
      output: 1,
      setup(alloc) {
        const src = makeImage(alloc, s.img, s.img, mulberry32(6));
        const dst = alloc(Uint8Array, s.img * s.img);
        return [src, dst, s.img, s.img];
      },
    },
    {
      name: "sobel",
      kernelFile: "image.kernel.ts",
      kernel: "sobel",
      sizeLabel: `${s.img}x${s.img}`,
      output: 1,
      setup(alloc) {
        const src = makeImage(alloc, s.img, s.img, mulberry32(7));
        const dst = alloc(Uint8Array, s.img * s.img);
        return [src, dst, s.img, s.img];
      },
    },
  ];
}

/** Demo sizes: one call takes roughly 1-30 ms. */
export const cases = makeCases({ vec: 1_000_000, seq: 2000, mw: 800, mh: 600, iter: 200, img: 1024 });

/** Same cases at small sizes, for fast differential tests. */
export const smallCases = makeCases({ vec: 1000, seq: 97, mw: 40, mh: 30, iter: 100, img: 37 });

export default cases;
