import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as pure from "../runtime/pure.js";
import { transpilePure, transpilePureSync } from "../plugin/pure/transpile.js";
import { importPure } from "../plugin/pure/load.js";

const KERNELS = fileURLToPath(new URL("./fixtures/pure-kernels/", import.meta.url));

let scratch = "";
let counter = 0;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "tskern-pure-test-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Writes `source` to a fresh kernel file and imports it in pure mode. */
async function run(source) {
  const file = join(scratch, `k${counter++}.kernel.ts`);
  await writeFile(file, source);
  return importPure(file);
}

/** Transpiles with a fixed path, for looking at the generated code. */
async function code(source) {
  return (await transpilePure(source, { path: "test.kernel.ts" })).code;
}

describe("tskern/pure shim", () => {
  it("i32 wraps integers and truncates floats toward zero", () => {
    expect(pure.i32(2 ** 31)).toBe(-(2 ** 31));
    expect(pure.i32(2 ** 32 + 5)).toBe(5);
    expect(pure.i32(-3.7)).toBe(-3);
    expect(pure.i32(3.7)).toBe(3);
    expect(Object.is(pure.i32(-0.5), 0)).toBe(true);
    expect(pure.i32(NaN)).toBe(0);
    // Only a float can be non-integral or infinite: those saturate like wasm.
    expect(pure.i32(3e9 + 0.5)).toBe(2147483647);
    expect(pure.i32(-Infinity)).toBe(-2147483648);
    expect(pure.i32(2n ** 32n + 7n)).toBe(7);
    expect(pure.i32(true)).toBe(1);
    expect(pure.i32.MAX_VALUE).toBe(2147483647);
    expect(pure.i32.MIN_VALUE).toBe(-2147483648);
  });

  it("small and unsigned integer types wrap and sign-extend", () => {
    expect(pure.u8(300)).toBe(44);
    expect(pure.u8(-1)).toBe(255);
    expect(pure.u8(300.7)).toBe(44);
    expect(pure.i8(200)).toBe(-56);
    expect(pure.i8(127)).toBe(127);
    expect(pure.i16(40000)).toBe(-25536);
    expect(pure.u16(-1)).toBe(65535);
    expect(pure.u32(-1)).toBe(4294967295);
    expect(pure.u32(2 ** 32 + 1)).toBe(1);
    expect(pure.isize(2 ** 31)).toBe(-(2 ** 31));
    expect(pure.usize(-1)).toBe(4294967295);
    expect(pure.u8.MAX_VALUE).toBe(255);
  });

  it("f32 rounds to single precision, f64 and bool convert", () => {
    expect(pure.f32(0.1)).toBe(Math.fround(0.1));
    expect(pure.f32(0.1)).not.toBe(0.1);
    expect(pure.f32(16777217)).toBe(16777216);
    expect(pure.f32(3n)).toBe(3);
    expect(pure.f64(2n ** 53n)).toBe(2 ** 53);
    expect(pure.f32.EPSILON).toBe(2 ** -23);
    expect(pure.f64.EPSILON).toBe(Number.EPSILON);
    expect(pure.bool(2)).toBe(true);
    expect(pure.bool(0)).toBe(false);
    expect(pure.bool(NaN)).toBe(false);
    expect(pure.bool(0n)).toBe(false);
  });

  it("i64 and u64 are bigints that wrap", () => {
    expect(pure.i64(2n ** 63n)).toBe(-(2n ** 63n));
    expect(pure.i64(2n ** 64n + 3n)).toBe(3n);
    expect(pure.i64(-1)).toBe(-1n);
    expect(pure.i64(3.9)).toBe(3n);
    expect(pure.i64(-3.9)).toBe(-3n);
    expect(pure.i64(NaN)).toBe(0n);
    expect(pure.i64(1e30)).toBe(2n ** 63n - 1n);
    expect(pure.u64(-1)).toBe(2n ** 64n - 1n);
    expect(pure.u64(-1n)).toBe(2n ** 64n - 1n);
    expect(pure.u64(-0.5)).toBe(0n);
    expect(pure.i64.MAX_VALUE).toBe(2n ** 63n - 1n);
  });

  it("generic built-ins follow wasm semantics", () => {
    expect(pure.min(3, -2)).toBe(-2);
    expect(pure.max(3n, -2n)).toBe(3n);
    expect(Number.isNaN(pure.min(1, NaN))).toBe(true);
    expect(pure.abs(-4)).toBe(4);
    expect(pure.abs(-4n)).toBe(4n);
    expect(pure.sqrt(9)).toBe(3);
    expect(pure.floor(-1.5)).toBe(-2);
    expect(pure.ceil(1.2)).toBe(2);
    expect(pure.trunc(-1.7)).toBe(-1);
    expect(pure.nearest(2.5)).toBe(2);
    expect(pure.nearest(3.5)).toBe(4);
    expect(pure.nearest(-2.5)).toBe(-2);
    expect(Object.is(pure.nearest(-0.4), -0)).toBe(true);
    expect(pure.copysign(3, -0)).toBe(-3);
    expect(pure.copysign(-3, 1)).toBe(3);
    expect(pure.select(1, 2, true)).toBe(1);
    expect(pure.select(1, 2, 0)).toBe(2);
    expect(pure.clz(1)).toBe(31);
    expect(pure.clz(0)).toBe(32);
    expect(pure.clz(1n)).toBe(63n);
    expect(pure.ctz(8)).toBe(3);
    expect(pure.ctz(0)).toBe(32);
    expect(pure.ctz(1n << 40n)).toBe(40n);
    expect(pure.popcnt(0xff)).toBe(8);
    expect(pure.popcnt(-1)).toBe(32);
    expect(pure.popcnt(-1n)).toBe(64n);
    expect(pure.rotl(0x80000001, 1)).toBe(3);
    expect(pure.rotr(1, 1)).toBe(-(2 ** 31));
    expect(pure.rotl(1, 33)).toBe(2);
    expect(pure.rotl(-(2n ** 63n), 1n)).toBe(1n);
    expect(pure.rotr(2n, 1n)).toBe(1n);
  });

  it("Mathf rounds constants and results to f32", () => {
    expect(pure.Mathf.PI).toBe(Math.fround(Math.PI));
    expect(pure.Mathf.sqrt(2)).toBe(Math.fround(Math.SQRT2));
    expect(pure.Mathf.sin(1)).toBe(Math.fround(Math.sin(Math.fround(1))));
    expect(pure.Mathf.max(1, 2)).toBe(2);
    expect(pure.Mathf.signbit(-0)).toBe(true);
  });

  it("assert, unreachable, unchecked and 64-bit arrays", () => {
    expect(pure.assert(5)).toBe(5);
    expect(() => pure.assert(0, "n must be positive")).toThrow(/n must be positive/);
    expect(() => pure.assert(false)).toThrow(Error);
    expect(() => pure.unreachable()).toThrow(/unreachable/);
    const array = new Float64Array(2);
    expect(pure.unchecked(array)).toBe(array);
    expect(pure.Int64Array).toBe(BigInt64Array);
    expect(pure.Uint64Array).toBe(BigUint64Array);
  });

  it("installGlobals defines the built-ins without overwriting", () => {
    const target = { min: "mine" };
    const names = pure.installGlobals(target);
    expect(names).toContain("i32");
    expect(names).not.toContain("min");
    expect(target.min).toBe("mine");
    expect(target.i32(2 ** 31)).toBe(-(2 ** 31));
    expect(Object.keys(target)).toEqual(["min"]);
  });
});

describe("pure-mode transpiler: casts", () => {
  it("turns numeric casts into conversions: <i32>(7 / 2) is 3", async () => {
    const m = await run(`
      export function half(a: i32, b: i32): f64 { return <f64>(<i32>(a / b)); }
      export function asCast(x: f64): f64 { return (x as i32) + 0.25; }
    `);
    expect(m.half(7, 2)).toBe(3);
    expect(m.half(-7, 2)).toBe(-3);
    expect(m.asCast(2.9)).toBe(2.25);
  });

  it("rewrites nested casts inside out", async () => {
    const m = await run(`
      export function f(a: i32, b: i32): u8 { return <u8><i32>(<f64>a / <f64>b * 100); }
      export function g(x: f64): i8 { return <i8>(<i32>x + <i32>(x * 2)); }
    `);
    expect(m.f(1, 3)).toBe(33);
    expect(m.f(7, 2)).toBe(350 & 0xff);
    expect(m.g(100.6)).toBe(pure.i8(100 + 201));
    expect(await code("export function h(a: f64): i32 { return <i32>(<u8>(<f64>a)); }")).toContain(
      "return i32(u8(f64(a)));",
    );
  });

  it("leaves generic calls and comparisons alone", async () => {
    const source = `
      function id<T>(x: T): T { return x; }
      export function pick(a: i32, b: i32): i32 {
        const c = id<i32>(a) < id<i32>(b) ? <i32>a : b > a ? 1 : 2;
        return a < b && b > 0 ? c : <i32>a<<1;
      }
      export function twice(x: f64): f64 { return id<f64>(x) + id<f64>(x); }
    `;
    const out = await code(source);
    expect(out).toContain("id(a) < id(b)");
    expect(out).not.toMatch(/i32\(id|f64\(id/);
    const m = await run(source);
    expect(m.pick(1, 5)).toBe(1);
    expect(m.pick(5, 1)).toBe(10);
    expect(m.twice(1.25)).toBe(2.5);
  });

  it("resolves top-level numeric type aliases", async () => {
    const m = await run(`
      type Index = i32;
      type Count = Index;
      export function f(): f64 { return <Count>(7 / 2) + <f64>1; }
    `);
    expect(m.f()).toBe(4);
  });

  it("converts typed declarations and returns to integer types", async () => {
    const m = await run(`
      export function mid(lo: i32, hi: i32): i32 { let m: i32 = (lo + hi) / 2; return m; }
      export function quotient(a: i32, b: i32): i32 { return a / b; }
      export const third = (a: i32): i32 => a / 3;
      export function wide(n: i32): i64 { let s: i64 = 0; for (let i = 0; i < n; i++) s += i64(i); return s; }
      export function single(x: f64): f32 { const y: f32 = <f32>x; return y * y; }
      export function hash(values: Int32Array): u32 {
        let h: u32 = 2166136261;
        for (let i = 0; i < values.length; i++) { let t: u32 = (h ^ <u32>values[i]) * 16777619; h = t; }
        return h;
      }
    `);
    expect(m.mid(3, 6)).toBe(4);
    expect(m.quotient(-7, 2)).toBe(-3);
    expect(m.third(10)).toBe(3);
    expect(m.wide(5)).toBe(10n);
    expect(m.single(0.1)).toBe(Math.fround(Math.fround(0.1) * Math.fround(0.1)));
    expect(typeof m.hash(new Int32Array([1, 2, 3]))).toBe("number");
    expect(m.hash(new Int32Array([1, 2, 3]))).toBeGreaterThanOrEqual(0);
  });

  it("gives generic built-ins with integer type arguments their type", async () => {
    const m = await run(`
      export function absMin(): i32 { return abs<i32>(i32.MIN_VALUE); }
      export function clampLow(x: i64): i64 { return max<i64>(x, 0); }
      export function rot(x: u32): u32 { return rotl<u32>(x, 1); }
    `);
    expect(m.absMin()).toBe(-2147483648);
    expect(m.clampLow(-5n)).toBe(0n);
    expect(m.clampLow(5n)).toBe(5n);
    expect(m.rot(0x80000000)).toBe(1);
    expect(m.rot(0x40000000)).toBe(0x80000000);
  });

  it("imports exactly the built-ins used, never over the kernel's own names", async () => {
    const out = await code(`
      function min(a: f64, b: f64): f64 { return a < b ? a - 1 : b - 1; }
      export function f(x: Float64Array): f64 { return min(unchecked(x[0]), <f64>x.length) + Mathf.PI + sqrt<f64>(4); }
    `);
    const header = out.split("\n")[0];
    expect(header).toBe('import { Mathf, f64, sqrt, unchecked } from "tskern/pure";');
    const none = await code("export function add(a: f64, b: f64): f64 { return a + b; }");
    expect(none).not.toContain("import");
    const m = await run(`
      function min(a: f64, b: f64): f64 { return a < b ? a - 1 : b - 1; }
      export function f(): f64 { return min(2, 3); }
    `);
    expect(m.f()).toBe(1);
  });

  it("uses a custom shim specifier", async () => {
    const { code: out, builtins } = await transpilePure("export function f(x: f64): i32 { return <i32>x; }", {
      path: "x.kernel.ts",
      shimSpecifier: "./shim.js",
    });
    expect(out.startsWith('import { i32 } from "./shim.js";\n')).toBe(true);
    expect(builtins).toEqual(["i32"]);
  });
});

describe("pure-mode transpiler: decorators and output", () => {
  it("strips decorators on functions, globals and class members", async () => {
    const source = [
      "@inline",
      "function sq(x: f64): f64 { return x * x; }",
      "@lazy const LIMIT: i32 = 10;",
      "@unmanaged class P { @inline x: f64 = 1; @operator('+') add(o: P): P { return o; } }",
      "@inline export function cube(x: f64): f64 { return sq(x) * x + <f64>LIMIT * 0; }",
      "export function err(): i32 { return 1; }",
    ].join("\n");
    const out = await code(source);
    expect(out).not.toContain("@");
    const m = await run(source);
    expect(m.cube(3)).toBe(27);
    expect(Object.keys(m).sort()).toEqual(["cube", "err"]);
  });

  it("keeps line numbers and is deterministic", async () => {
    const source = "@inline\n@unsafe\nfunction f(x: f64): i32 {\n  return <i32>x;\n}\nexport function g(x: f64): i32 { return f(x); }\n";
    const a = await transpilePure(source, { path: "k.kernel.ts", sourcemap: true });
    const b = transpilePureSync(source, { path: "k.kernel.ts", sourcemap: true });
    expect(b.code).toBe(a.code);
    expect(b.map).toEqual(a.map);
    expect(a.map.sources).toEqual(["k.kernel.ts"]);
    expect(a.map.sourcesContent).toEqual([source]);
    expect(a.map.mappings.startsWith(";")).toBe(true);
  });

  it("reports import specifiers and rewrites them on request", async () => {
    const result = await transpilePure(
      'import { f } from "./a";\nexport { g } from "./b.ts";\nexport function h(): f64 { return f(); }',
      { path: "k.kernel.ts", rewriteImport: (s) => (s === "./a" ? "./a.js" : undefined) },
    );
    expect(result.imports).toEqual(["./a", "./b.ts"]);
    expect(result.code).toContain('from "./a.js"');
    expect(result.code).toContain('from "./b.ts"');
  });
});

describe("pure-mode kernels match plain JavaScript", () => {
  const random = (seed) => () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };

  it("dot product over Float64Array", async () => {
    const { dot, meanTrunc } = await importPure(join(KERNELS, "dot.kernel.ts"));
    const r = random(1);
    const x = Float64Array.from({ length: 1000 }, r);
    const y = Float64Array.from({ length: 999 }, r);
    let expected = 0;
    for (let i = 0; i < 999; i++) expected += x[i] * y[i];
    expect(dot(x, y)).toBe(expected);
    expect(dot(new Float64Array([1, 2]), new Float64Array([3, 4]))).toBe(11);
    expect(meanTrunc(new Int32Array([1, 2, 2, 3, 4, 5, 1]))).toBe(2);
    expect(meanTrunc(new Int32Array([-7, 0]))).toBe(-3);
  });

  it("Levenshtein distance with Int32Array scratch rows", async () => {
    const { levenshtein } = await importPure(join(KERNELS, "levenshtein.kernel.ts"));
    const reference = (a, b) => {
      const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
      for (let j = 0; j <= b.length; j++) d[0][j] = j;
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
          d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
      }
      return d[a.length][b.length];
    };
    const bytes = (s) => new TextEncoder().encode(s);
    expect(levenshtein(bytes("kitten"), bytes("sitting"))).toBe(3);
    expect(levenshtein(bytes(""), bytes("abc"))).toBe(3);
    const r = random(7);
    for (let trial = 0; trial < 20; trial++) {
      const a = Uint8Array.from({ length: Math.floor(r() * 30) }, () => Math.floor(r() * 4));
      const b = Uint8Array.from({ length: Math.floor(r() * 30) }, () => Math.floor(r() * 4));
      expect(levenshtein(a, b)).toBe(reference(a, b));
    }
  });

  it("3x3 box blur over Uint8Array with <u8> casts", async () => {
    const { boxBlur3 } = await importPure(join(KERNELS, "blur.kernel.ts"));
    const reference = (src, width, height) => {
      const out = new Uint8Array(width * height);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let sum = 0;
          let count = 0;
          for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
            for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
              sum += src[yy * width + xx];
              count++;
            }
          }
          out[y * width + x] = Math.floor((sum + Math.floor(count / 2)) / count);
        }
      }
      return out;
    };
    const r = random(3);
    for (const [width, height] of [[1, 1], [2, 5], [17, 9], [64, 48]]) {
      const src = Uint8Array.from({ length: width * height }, () => Math.floor(r() * 256));
      const dst = new Uint8Array(width * height);
      boxBlur3(src, dst, width, height);
      expect(dst).toEqual(reference(src, width, height));
    }
  });

  it("runs the type-checked fixture kernel (expected values from its WebAssembly build)", async () => {
    const kernel = fileURLToPath(new URL("./fixtures/types-project/src/stats.kernel.ts", import.meta.url));
    const m = await importPure(kernel);
    expect(m.dot(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6]), 2)).toBe(14);
    expect(m.rms(new Float32Array([3, 4]))).toBe(Math.fround(Math.sqrt(12.5)));
    expect(m.sum64(new Int32Array([1, -2, 2147483647]), 10n)).toBe(2147483656n);
    const counts = m.histogram(new Uint8Array([1, 1, 2]));
    expect(counts).toBeInstanceOf(BigInt64Array);
    expect([counts[1], counts[2]]).toEqual([2n, 1n]);
    expect(m.mix(0x80000001, 12345)).toBe(2147483701);
    expect(m.mix(7, 7)).toBe(2147483646);
    expect(m.roundAll(2.5)).toBe(14.081138830084189);
    expect(m.narrow(300.7)).toBe(1716);
    expect(m.narrow(-1.5)).toBe(125);
  });

  it("runs the example kernels bit-identically to their plain-JS twins", async () => {
    const { smallCases } = await import("../examples/cases.js");
    const reference = await import("../examples/kernels/reference.js");
    const modules = new Map();
    for (const c of smallCases) {
      if (!modules.has(c.kernelFile)) {
        modules.set(c.kernelFile, await importPure(fileURLToPath(new URL(`../examples/kernels/${c.kernelFile}`, import.meta.url))));
      }
      const plainArgs = c.setup((Ctor, n) => new Ctor(n));
      const pureArgs = c.setup((Ctor, n) => new Ctor(n));
      const expected = reference[c.kernel](...plainArgs);
      const actual = modules.get(c.kernelFile)[c.kernel](...pureArgs);
      expect(actual, c.name).toBe(expected);
      if (c.output !== undefined) expect(pureArgs[c.output], c.name).toEqual(plainArgs[c.output]);
    }
  });

  it("follows relative imports of other .ts files", async () => {
    const { scaleClamp } = await importPure(join(KERNELS, "uses-helper.kernel.ts"));
    const values = new Float64Array([-1, 0.5, 1, 3]);
    const out = new Float64Array(4);
    scaleClamp(values, out);
    expect([...out]).toEqual([0, 0.25, 0.5, 1]);
  });
});

describe("pure-mode errors", () => {
  it("locates a syntax error found by the AssemblyScript parser", async () => {
    const source = "export function f(a: i32): i32 {\n  return a +;\n}\n";
    const error = await transpilePure(source, { path: "bad.kernel.ts" }).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^bad\.kernel\.ts:2:13: Expression expected/);
    expect(error.cause).toBeDefined();
    expect(error.loc).toEqual({ file: "bad.kernel.ts", line: 2, column: 13 });
    expect(error.frame).toContain("return a +;");
  });

  it("locates an error found by esbuild in the original source", async () => {
    // `x as i32` is rewritten to the shorter `i32(x)`; the column must not shift.
    const source = "export function f(x: f64): i32 {\n  let a = x as i32; let a = 2;\n  return a;\n}\n";
    const error = await transpilePure(source, { path: "dup.kernel.ts" }).catch((e) => e);
    expect(error.message).toMatch(/^dup\.kernel\.ts:2:25: .*"a" has already been declared/);
    expect(error.cause.errors).toHaveLength(1);
  });

  it("reports a syntax error through importPure with the file path", async () => {
    const file = join(scratch, "broken.kernel.ts");
    await writeFile(file, "export function f(: i32 {}\n");
    await expect(importPure(file)).rejects.toThrow(/broken\.kernel\.ts:1:\d+: /);
  });

  it("rejects imports pure mode cannot follow", async () => {
    const bare = join(scratch, "bare.kernel.ts");
    await writeFile(bare, 'import { x } from "some-package";\nexport function f(): f64 { return x; }\n');
    await expect(importPure(bare)).rejects.toThrow(/only relative imports.*"some-package"/);
    const missing = join(scratch, "missing.kernel.ts");
    await writeFile(missing, 'import { x } from "./nowhere";\nexport function f(): f64 { return x; }\n');
    await expect(importPure(missing)).rejects.toThrow(/cannot resolve "\.\/nowhere"/);
  });
});
