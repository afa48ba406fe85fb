/**
 * Seeded generators for the compiler fuzz suite: random *valid* kernels whose
 * results must equal pure mode bit for bit, random *inputs* for them, and
 * *invalid* sources made by mutating the library kernels (kernels/*.kernel.ts).
 *
 * Everything is a function of a seed, so a failing case reproduces from the
 * seed printed with it (`genValidFile(seed)`, `mutateKernel(seed, sources)`).
 *
 * The valid generator only writes code on which WebAssembly and pure mode
 * (plain JS numbers, see README "Pure mode") agree by construction, so any
 * difference is a tskern or AssemblyScript bug, not a generator artefact:
 * - every i32 operation is wrapped in `i32(...)` (pure mode wraps only where a
 *   type is written), and multiplications keep the exact product below 2^53;
 * - integer division and remainder divide by `(B & 255) + 1` (never 0 or -1);
 * - f64 -> i32 casts are clamped to +-1e9 first (pure mode cannot tell an
 *   integral float past 2^31 from an overflowed integer);
 * - f32 operations are rounded after each step (double rounding of + - * / and
 *   sqrt from f64 to f32 is exact);
 * - array indices are the loop counter or `u32(i32(A)) % u32(n)`: always in
 *   bounds;
 * - the operand of `u32(...)` is always `i32(...)`: AssemblyScript types an
 *   integer literal by its context, so in `u32((89 ^ b) >> 1)` the 89, and
 *   with it the whole expression, is a u32 and `>>` a logical shift, which
 *   pure mode cannot know (a known divergence; see compiler-fuzz.test.js);
 * - a cast's operand is wrapped in a conversion call (`<f32>i32(...)`):
 *   AssemblyScript compiles a cast's operand with the cast's type as its
 *   context, so `<f32>(p ? b[i] : -83)` would type the integer branches as
 *   f32 (a compile error), `<f32>(0.5 * 2.0)` would multiply in f32 and
 *   `<u8>(21 >> s)` shift a u8 (found by seed 15841);
 * - only correctly rounded math (sqrt, abs, floor, ceil, trunc, min, max).
 */

/** A small fast PRNG (mulberry32): uniform 32-bit outputs from a 32-bit seed. */
export class Rng {
  /** @param {number} seed */
  constructor(seed) {
    this.state = seed >>> 0;
  }
  /** @returns {number} in [0, 1) */
  next() {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** @param {number} n @returns {number} integer in [0, n) */
  int(n) {
    return Math.floor(this.next() * n);
  }
  /** @template T @param {readonly T[]} list @returns {T} */
  pick(list) {
    return list[this.int(list.length)];
  }
  /** @param {number} p probability of true */
  chance(p) {
    return this.next() < p;
  }
}

// ---- valid kernels ----------------------------------------------------------

/** Parameters every generated kernel takes; the test passes equal-length arrays. */
export const PARAMS = "a: Float64Array, b: Int32Array, c: Float32Array, u: Uint8Array, s: f64, t: i32, g: f32";
const RETURN_TYPES = ["f64", "i32", "f32", "void"];

/**
 * Expression and statement writer for one kernel.
 */
class KernelWriter {
  /** @param {Rng} rng */
  constructor(rng) {
    this.rng = rng;
    /** loop counters in scope (innermost last) */
    this.loops = /** @type {string[]} */ ([]);
    this.loopId = 0;
  }

  /** An in-bounds index into the arrays (all of length n >= 1). @param {number} d */
  index(d) {
    const r = this.rng;
    if (this.loops.length && r.chance(0.6)) {
      const v = r.pick(this.loops);
      // Counters of inner loops are bounded by min(n, 8) or n: in bounds.
      return r.chance(0.7) ? v : `n - 1 - ${v}`;
    }
    return `i32(u32(i32(${this.i32(d + 1)})) % u32(n))`;
  }

  /** An i32 expression, in range at run time in both modes. @param {number} d */
  i32(d) {
    const r = this.rng;
    if (d >= 4 || r.chance(0.25)) {
      const leaves = ["t", "k", "n"];
      if (this.loops.length) leaves.push(...this.loops);
      switch (r.int(6)) {
        case 0: return r.pick(leaves);
        case 1: return `b[${this.index(d + 1)}]`;
        case 2: return `i32(u[${this.index(d + 1)}])`;
        case 3: return r.pick(["0", "1", "7", "(-3)", "255", "65535", "i32.MAX_VALUE", "i32.MIN_VALUE", "(-100000)"]);
        case 4: return `<i32>f64(min(max(${this.f64(d + 1)}, -1.0e9), 1.0e9))`;
        default: return String(r.int(200) - 100).replace(/^-(.*)/, "(-$1)");
      }
    }
    const A = () => this.i32(d + 1);
    switch (r.int(17)) {
      case 0: return `i32(${A()} + ${A()})`;
      case 1: return `i32(${A()} - ${A()})`;
      case 2: return `i32(${A()} * (${A()} & 1023))`;
      case 3: return `i32(i32(${A()} & 0xfffff) * i32(${A()} & 0xfffff))`;
      case 4: return `i32(${A()} / ((${A()} & 255) + 1))`;
      case 5: return `i32(${A()} % ((${A()} & 255) + 1))`;
      case 6: return `(${A()} & ${A()})`;
      case 7: return `(${A()} | ${A()})`;
      case 8: return `(${A()} ^ ${A()})`;
      case 9: return `i32(${A()} << (${A()} & 31))`;
      case 10: return `(${A()} >> (${A()} & 31))`;
      case 11: return `i32(${A()} >>> (${A()} & 31))`;
      case 12: return `(${this.cond(d + 1)} ? ${A()} : ${A()})`;
      case 13: return `i32(${r.pick(["min", "max"])}(${A()}, ${A()}))`;
      case 14: return `i32(abs(${A()}))`;
      case 15: return `i32(u32(i32(${A()})) / u32(i32((${A()} & 255) + 1)))`;
      default: return `i32(~${A()})`;
    }
  }

  /** An f64 expression. @param {number} d */
  f64(d) {
    const r = this.rng;
    if (d >= 4 || r.chance(0.25)) {
      switch (r.int(6)) {
        case 0: return r.pick(["s", "x"]);
        case 1: return `a[${this.index(d + 1)}]`;
        case 2: return `<f64>c[${this.index(d + 1)}]`;
        case 3: return `<f64>i32(${this.i32(d + 1)})`;
        case 4: return r.pick(["0.5", "(-3.25)", "1.0e300", "1.0e-300", "0.0", "(-0.0)", "2.0", "0.1"]);
        default: return `<f64>${r.pick(["g", "h"])}`;
      }
    }
    const F = () => this.f64(d + 1);
    switch (r.int(11)) {
      case 0: return `(${F()} + ${F()})`;
      case 1: return `(${F()} - ${F()})`;
      case 2: return `(${F()} * ${F()})`;
      case 3: return `(${F()} / ${F()})`;
      case 4: return `Math.${r.pick(["sqrt", "abs", "floor", "ceil", "trunc"])}(${F()})`;
      case 5: return `Math.${r.pick(["min", "max"])}(${F()}, ${F()})`;
      case 6: return `(${this.cond(d + 1)} ? ${F()} : ${F()})`;
      case 7: return `(-${F()})`;
      case 8: return `${r.pick(["sqrt", "abs", "floor", "ceil", "trunc"])}<f64>(${F()})`;
      default: return `(${F()} * ${F()} + ${F()})`;
    }
  }

  /** An f32 expression, rounded after every step. @param {number} d */
  f32(d) {
    const r = this.rng;
    if (d >= 4 || r.chance(0.3)) {
      switch (r.int(5)) {
        case 0: return r.pick(["g", "h"]);
        case 1: return `c[${this.index(d + 1)}]`;
        case 2: return `<f32>f64(${this.f64(d + 1)})`;
        case 3: return `<f32>i32(${this.i32(d + 1)})`;
        default: return r.pick(["<f32>0.5", "<f32>1.0e30", "<f32>(-2.0)", "<f32>0.1"]);
      }
    }
    const P = () => this.f32(d + 1);
    switch (r.int(6)) {
      case 0: return `<f32>(${P()} + ${P()})`;
      case 1: return `<f32>(${P()} - ${P()})`;
      case 2: return `<f32>(${P()} * ${P()})`;
      case 3: return `<f32>(${P()} / ${P()})`;
      case 4: return `Mathf.sqrt(${P()})`;
      default: return `(${this.cond(d + 1)} ? ${P()} : ${P()})`;
    }
  }

  /** A boolean condition. @param {number} d */
  cond(d) {
    const r = this.rng;
    const cmp = r.pick(["<", "<=", ">", ">=", "==", "!="]);
    switch (d >= 4 ? r.int(3) : r.int(5)) {
      case 0: return `${this.i32(d + 1)} ${cmp} ${this.i32(d + 1)}`;
      case 1: return `${this.f64(d + 1)} ${cmp} ${this.f64(d + 1)}`;
      case 2: return `${this.f32(d + 1)} ${cmp} ${this.f32(d + 1)}`;
      case 3: return `(${this.cond(d + 1)}) ${r.pick(["&&", "||"])} (${this.cond(d + 1)})`;
      default: return `!(${this.cond(d + 1)})`;
    }
  }

  /** Statements at nesting depth `depth`. @param {number} depth @param {string} pad */
  block(depth, pad) {
    const r = this.rng;
    const out = [];
    const count = 1 + r.int(depth === 0 ? 4 : 3);
    for (let i = 0; i < count; i++) out.push(this.statement(depth, pad));
    return out.join("\n");
  }

  /** @param {number} depth @param {string} pad */
  statement(depth, pad) {
    const r = this.rng;
    const roll = r.int(depth >= 3 ? 10 : 14);
    switch (roll) {
      case 0: return `${pad}x = ${this.f64(0)};`;
      case 1: return `${pad}x ${r.pick(["+=", "-=", "*="])} ${this.f64(1)};`;
      case 2: return `${pad}k = ${this.i32(0)};`;
      case 3: return `${pad}k = i32(k + ${this.i32(1)});`;
      case 4: return `${pad}h = <f32>(h + ${this.f32(1)});`;
      case 5: return `${pad}a[${this.index(1)}] = ${this.f64(0)};`;
      case 6: return `${pad}b[${this.index(1)}] = ${this.i32(0)};`;
      case 7: return `${pad}c[${this.index(1)}] = ${this.f32(0)};`;
      case 8: return `${pad}u[${this.index(1)}] = <u8>i32(${this.i32(1)});`;
      case 9:
        if (this.loops.length && r.chance(0.5)) return `${pad}if (${this.cond(1)}) ${r.pick(["break", "continue"])};`;
        return `${pad}a[${this.index(1)}] += ${this.f64(1)};`;
      case 10: case 11: {
        const els = r.chance(0.5) ? ` else {\n${this.block(depth + 1, pad + "  ")}\n${pad}}` : "";
        return `${pad}if (${this.cond(0)}) {\n${this.block(depth + 1, pad + "  ")}\n${pad}}${els}`;
      }
      default: {
        const v = `i${this.loopId++}`;
        const bound = r.pick(["n", "min(n, 8)", "min(n, 3)"]);
        const down = r.chance(0.25);
        const head = down ? `for (let ${v}: i32 = ${bound} - 1; ${v} >= 0; ${v}--)` : `for (let ${v}: i32 = 0; ${v} < ${bound}; ${v}++)`;
        this.loops.push(v);
        const body = this.block(depth + 1, pad + "  ");
        this.loops.pop();
        return `${pad}${head} {\n${body}\n${pad}}`;
      }
    }
  }
}

/**
 * One random valid kernel named `name`.
 * @param {Rng} rng @param {string} name
 * @returns {{ text: string, name: string, ret: string }}
 */
export function genKernel(rng, name) {
  const w = new KernelWriter(rng);
  const ret = rng.pick(RETURN_TYPES);
  const directive = rng.pick(["", "", "", "// @tskern boundscheck=false\n", "// @tskern boundscheck=true\n"]);
  const body = w.block(0, "  ");
  const tail = ret === "void" ? "" : `\n  return ${ret === "f64" ? "x + <f64>k + <f64>h" : ret === "i32" ? "i32(k + i32(x != x ? 0 : 1))" : "<f32>(h + <f32>x)"};`;
  const text = `${directive}export function ${name}(${PARAMS}): ${ret} {
  const n: i32 = a.length;
  let x: f64 = s;
  let k: i32 = t;
  let h: f32 = g;
${body}${tail}
}
`;
  return { text, name, ret };
}

/**
 * A kernel file of `count` random kernels, a function of `seed`.
 * @param {number} seed @param {number} count
 */
export function genValidFile(seed, count) {
  const rng = new Rng(seed);
  const kernels = [];
  for (let i = 0; i < count; i++) kernels.push(genKernel(rng, `k${i}`));
  const text = `// Generated by tests/reliability/gen-kernels.js, seed ${seed}.\n\n${kernels.map((k) => k.text).join("\n")}`;
  return { text, kernels };
}

/**
 * Random inputs for a generated kernel: equal-length arrays (1..40) with
 * ordinary and extreme values (+-0, NaN, infinities, huge, tiny, i32 limits).
 * @param {Rng} rng
 */
export function genInputs(rng) {
  const n = 1 + rng.int(40);
  const f = () => {
    const roll = rng.int(20);
    if (roll === 0) return rng.pick([NaN, Infinity, -Infinity, -0, 0, 1e308, -1e-310, 5e-324]);
    if (roll < 4) return rng.int(21) - 10;
    return (rng.next() - 0.5) * 10 ** (rng.int(12) - 4);
  };
  const i = () => {
    const roll = rng.int(10);
    if (roll === 0) return rng.pick([0, -1, 2147483647, -2147483648, 65536]);
    if (roll < 5) return rng.int(201) - 100;
    return (rng.next() * 4294967296) | 0;
  };
  const a = Float64Array.from({ length: n }, f);
  const b = Int32Array.from({ length: n }, i);
  const c = Float32Array.from({ length: n }, f);
  const u = Uint8Array.from({ length: n }, () => rng.int(256));
  return { a, b, c, u, s: f(), t: i(), g: Math.fround(f()) };
}

// ---- invalid kernels (mutations) -------------------------------------------

const TYPES = ["f64", "f32", "i32", "u32", "i64", "u8", "bool", "Float64Array", "Int32Array", "Float32Array", "Uint8Array", "v128", "string", "void"];
const BAD_PARAM_TYPES = ["string", "Array<f64>", "Float64Array | null", "Map<i32, i32>", "i32[]", "(x: i32) => i32", "Foo", "Float64Array[]", "usize[]", "ArrayBuffer"];
const NON_FUNCTION_EXPORTS = ["export const LIMIT: i32 = 3;", "export let counter: i32 = 0;", "export class Point { x: f64 = 0; }", "export enum Mode { A, B }", "export namespace NS { export function f(): void {} }", "export { helper as renamed };\nfunction helper(): void {}", "export default function (): void {}"];
const NOISE = ["{", "}", "(", ")", ";", "=>", "return", "export", "function", "let", "<", ">", "@inline", "unchecked(", "v128", ",", "?", ":", "...", "`", "\"", "'", "/*", "//", "#", "0x", "1e999", "\\u{110000}", "\u0000", "\uFFFD", "\uD800"];

/**
 * Kinds of mutation. `mustFail` kinds always make an invalid kernel, and the
 * diagnostic code the compiler has to give is named.
 * @type {Array<{ kind: string, mustFail?: RegExp }>}
 */
export const MUTATIONS = [
  { kind: "delete-token" },
  { kind: "swap-type" },
  { kind: "unknown-directive", mustFail: /^TSK103$/ },
  { kind: "bad-param-type", mustFail: /^(TSK101|AS\d+)$/ },
  { kind: "non-function-export", mustFail: /^(TSK104|AS\d+)$/ },
  { kind: "truncate" },
  { kind: "garbage-bytes" },
  { kind: "huge-literal" },
  { kind: "deep-nesting" },
  { kind: "insert-noise" },
  { kind: "duplicate-kernel", mustFail: /^(AS2300|TSK\d+)$/ },
];

/** @param {string} text @returns {Array<{ start: number, end: number, text: string }>} */
function tokens(text) {
  return [...text.matchAll(/[A-Za-z_$][\w$]*|\d[\w.]*|\S/g)].map((m) => ({ start: /** @type {number} */ (m.index), end: /** @type {number} */ (m.index) + m[0].length, text: m[0] }));
}

/**
 * One mutated library kernel, a function of `seed`.
 * @param {number} seed
 * @param {Array<{ name: string, text: string }>} library  kernels/*.kernel.ts
 * @returns {{ seed: number, kind: string, from: string, text: string, mustFail?: RegExp }}
 */
export function mutateKernel(seed, library) {
  const rng = new Rng(seed);
  const src = rng.pick(library);
  const m = rng.pick(MUTATIONS);
  const text = src.text;
  const toks = tokens(text);
  const fns = [...text.matchAll(/^export function (\w+)\(([^)]*)\)/gm)];
  let out = text;
  switch (m.kind) {
    case "delete-token": {
      const t = rng.pick(toks);
      out = text.slice(0, t.start) + text.slice(t.end);
      break;
    }
    case "swap-type": {
      const typed = toks.filter((t) => TYPES.includes(t.text));
      const t = typed.length ? rng.pick(typed) : rng.pick(toks);
      out = text.slice(0, t.start) + rng.pick(TYPES) + text.slice(t.end);
      break;
    }
    case "unknown-directive": {
      const f = rng.pick(fns);
      const word = rng.pick(["gpus=true", "dtype=f32", "boundcheck=false", "fast-math", "unroll=4", "parallell", "inline=yes", "simd=off"]);
      out = text.slice(0, f.index) + `// @tskern ${word}\n` + text.slice(f.index);
      break;
    }
    case "bad-param-type": {
      const withParams = fns.filter((f) => /:/.test(f[2]));
      const f = rng.pick(withParams.length ? withParams : fns);
      const params = f[2].split(",");
      const p = rng.int(params.length);
      params[p] = params[p].includes(":") ? params[p].replace(/:.*/, `: ${rng.pick(BAD_PARAM_TYPES)}`) : `q: ${rng.pick(BAD_PARAM_TYPES)}`;
      const at = /** @type {number} */ (f.index) + f[0].indexOf("(") + 1;
      out = text.slice(0, at) + params.join(",") + text.slice(at + f[2].length);
      break;
    }
    case "non-function-export":
      out = rng.chance(0.5) ? `${text}\n${rng.pick(NON_FUNCTION_EXPORTS)}\n` : `${rng.pick(NON_FUNCTION_EXPORTS)}\n${text}`;
      break;
    case "truncate":
      out = text.slice(0, rng.int(text.length));
      break;
    case "garbage-bytes": {
      const bytes = Uint8Array.from({ length: 1 + rng.int(40) }, () => rng.int(256));
      const at = rng.int(text.length + 1);
      out = text.slice(0, at) + new TextDecoder().decode(bytes) + text.slice(at);
      break;
    }
    case "huge-literal": {
      const nums = toks.filter((t) => /^\d/.test(t.text));
      const t = nums.length ? rng.pick(nums) : rng.pick(toks);
      const huge = rng.pick(["1e400", "99999999999999999999999999999", "0x" + "f".repeat(40), "1" + "0".repeat(400), "0b" + "1".repeat(100), "1.7976931348623157e309", "18446744073709551616", "-9223372036854775809"]);
      out = text.slice(0, t.start) + huge + text.slice(t.end);
      break;
    }
    case "deep-nesting": {
      const depth = rng.pick([50, 300, 5000, 20000]);
      const f = rng.pick(fns);
      const name = f[1];
      const body = rng.pick([
        () => `export function deep_${name}(x: i32): i32 {\n  return ${"(".repeat(depth)}x${")".repeat(depth)};\n}\n`,
        () => `export function deep_${name}(x: i32): i32 {\n  ${"{ ".repeat(depth)}x++;${" }".repeat(depth)}\n  return x;\n}\n`,
        () => `export function deep_${name}(x: i32): i32 {\n  ${"if (x > 0) ".repeat(depth)}x--;\n  return x;\n}\n`,
        () => `export function deep_${name}(x: i32): i32 {\n  return ${"x + (".repeat(depth)}1${")".repeat(depth)};\n}\n`,
        () => `export function deep_${name}(x: i32): i32 {\n  return ${"-".repeat(depth)}x;\n}\n`,
      ])();
      out = `${text}\n${body}`;
      break;
    }
    case "insert-noise": {
      const t = rng.pick(toks);
      out = text.slice(0, t.start) + rng.pick(NOISE) + text.slice(t.start);
      break;
    }
    case "duplicate-kernel": {
      const f = rng.pick(fns);
      out = `${text}\nexport function ${f[1]}(): void {}\n`;
      break;
    }
  }
  return { seed, kind: m.kind, from: src.name, text: out, mustFail: m.mustFail };
}
