// `// @tskern gpu` kernels lowered to WGSL (plugin/compiler/gpu/): the shader
// text for small kernels, the build outputs (.gpu/.cpu bindings, .d.ts,
// meta), and a located error (code, line, column, what the subset has) for
// every construct outside the subset. The WGSL is run in Chromium by
// tests/gpu-browser.test.js.
import { describe, it, expect, vi } from "vitest";
import { compileKernels } from "../plugin/compiler/compile.js";
import { formatDiagnostic } from "../plugin/compiler/diagnostics.js";
import { COMPILE_CODES } from "../plugin/compiler/diagnostic-codes.js";

vi.setConfig({ testTimeout: 120_000 });

/**
 * Compiles one in-memory kernel file.
 * @param {string} text
 */
async function compile(text) {
  const result = await compileKernels({
    root: "/virtual",
    files: ["k.kernel.ts"],
    readFile: async (abs) => (abs === "/virtual/k.kernel.ts" ? text : null),
  });
  return { ...result, errors: result.diagnostics.filter((d) => d.severity === "error") };
}

/** The WGSL of kernel `name`, failing with the diagnostics when there is none. @param {string} text @param {string} name */
async function wgslOf(text, name) {
  const r = await compile(text);
  const k = r.kernels.find((x) => x.name === name);
  if (!r.ok || !k?.gpu) throw new Error(`no WGSL for ${name}:\n${r.diagnostics.map(formatDiagnostic).join("\n")}`);
  return k.gpu;
}

describe("WGSL output", () => {
  it("saxpy: uniform block (n, stride, scalars, lengths), read-only x, read_write y, 64-wide workgroups, index guard", async () => {
    const gpu = await wgslOf(`
// @tskern gpu
export function saxpy(i: i32, a: f32, x: Float32Array, y: Float32Array): void {
  y[i] = a * x[i] + y[i];
}
`, "saxpy");
    expect(gpu.wgsl).toBe(`// tskern gpu kernel 'saxpy': one invocation per index in [0, n)
struct Params {
  n: u32,
  stride: u32,
  s_a: f32,
  len_x: u32,
  len_y: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> v_x: array<f32>;
@group(0) @binding(2) var<storage, read_write> v_y: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let index = gid.x + gid.y * P.stride;
  if (index >= P.n) { return; }
  var v_i: i32 = i32(index);
  var v_a: f32 = P.s_a;
  v_y[v_i] = (v_a * v_x[v_i]) + v_y[v_i];
}
`);
    expect(gpu.slots).toEqual([
      { param: 1, type: "f32", word: 2 },
      { param: 2, type: "Float32Array", word: 3, binding: 1, written: false },
      { param: 3, type: "Float32Array", word: 4, binding: 2, written: true },
    ]);
    expect(gpu.words).toBe(8);
    expect(gpu.cpuExport).toBe("k__saxpy__cpu");
  });

  it("locals, loops, conditions, casts, shifts, u32, ternaries and Mathf become their WGSL forms; binary operands are parenthesized (WGSL has no precedence between && and ||, or bit operations and arithmetic)", async () => {
    const { wgsl } = await wgslOf(`
// @tskern gpu
export function mix(i: i32, k: u32, x: Float32Array, out: Uint32Array): void {
  const v: f32 = x[i] * 2;
  let s = 0;
  for (let j = 0; j < 4; j++) {
    if (j == 2) continue;
    s += j;
  }
  do { s--; } while (s > 10);
  let b: u32 = <u32>i ^ (k >>> 3) ^ (k << s);
  b = -b;
  const h = i >>> 1;
  const r = v > 1.0 && !(s == 0) ? Mathf.round(v) : Mathf.sqrt(v) + Mathf.PI;
  const m = i + 1 << 2 & 0xff | i % 3 ^ 5;
  if (m & 1) out[i] = 0;
  out[i] = b + u32(r) + <u32>x.length + u32(h) + u32(m);
}
`, "mix");
    expect(wgsl.slice(wgsl.indexOf("var v_k"))).toBe(`var v_k: u32 = P.s_k;
  let v_v: f32 = v_x[v_i] * 2;
  var v_s: i32 = 0;
  for (var v_j: i32 = 0; v_j < 4; v_j++) {
    if (v_j == 2) {
      continue;
    }
    v_s = v_s + v_j;
  }
  loop {
    v_s--;
    continuing {
      break if !(v_s > 10);
    }
  }
  var v_b: u32 = (u32(v_i) ^ (v_k >> (u32(3) & 31u))) ^ (v_k << (u32(v_s) & 31u));
  v_b = (0u - v_b);
  let v_h: i32 = i32(u32(v_i) >> (u32(1) & 31u));
  let v_r: f32 = select(sqrt(v_v) + f32(3.141592653589793), floor(v_v + 0.5), (v_v > 1.0) && !(v_s == 0));
  let v_m: i32 = (((v_i + 1) << (u32(2) & 31u)) & 0xff) | ((v_i % 3) ^ 5);
  if ((v_m & 1) != 0) {
    v_out[v_i] = 0;
  }
  v_out[v_i] = (((v_b + u32(v_r)) + u32(i32(P.len_x))) + u32(v_h)) + u32(v_m);
}
`);
    expect(wgsl).toContain("@group(0) @binding(2) var<storage, read_write> v_out: array<u32>;");
  });

  it("module-level constants with constant initializers become WGSL consts, dependencies first", async () => {
    const { wgsl } = await wgslOf(`
const SCALE: f32 = 2.5;
const STEPS = 4;
const HALF: f32 = SCALE * 0.5 + Mathf.PI;
// @tskern gpu
export function f(i: i32, x: Float32Array): void {
  let s: f32 = 0;
  for (let k = 0; k < STEPS; k++) s += HALF;
  x[i] = x[i] * SCALE + s;
}
`, "f");
    expect(wgsl).toContain(`const c_STEPS: i32 = 4;
const c_SCALE: f32 = 2.5;
const c_HALF: f32 = (c_SCALE * 0.5) + f32(3.141592653589793);
`);
    expect(wgsl).toContain("for (var v_k: i32 = 0; v_k < c_STEPS; v_k++) {");
    expect(wgsl).toContain("v_x[v_i] = (v_x[v_i] * c_SCALE) + v_s;");
  });

  it("user names cannot clash with WGSL keywords or tskern's names: every one gets a v_ prefix", async () => {
    const { wgsl } = await wgslOf(`
// @tskern gpu
export function clash(i: i32, loop: f32, array: Float32Array): void {
  const fn: f32 = loop;
  const index: i32 = i;
  array[index] = fn;
}
`, "clash");
    expect(wgsl).toContain("var v_loop: f32 = P.s_loop;");
    expect(wgsl).toContain("let v_index: i32 = v_i;");
    expect(wgsl).toContain("v_array[v_index] = v_fn;");
  });

  it("a file-wide `// @tskern gpu` applies to every kernel; kernels without it get no WGSL and no loop export", async () => {
    const r = await compile(`// @tskern gpu
export function a(i: i32, x: Int32Array): void { x[i] = i; }
export function b(i: i32, x: Int32Array): void { x[i] = -i; }
`);
    expect(r.ok).toBe(true);
    expect(r.kernels.map((k) => [k.name, !!k.gpu])).toEqual([["a", true], ["b", true]]);
    const plain = await compile("export function c(i: i32, x: Int32Array): void { x[i] = i; }\n");
    expect(plain.kernels[0].gpu).toBeUndefined();
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(/** @type {Uint8Array} */ (r.wasm))).map((e) => e.name);
    expect(exports).toEqual(expect.arrayContaining(["k__a", "k__b", "k__a__cpu", "k__b__cpu"]));
    const plainExports = WebAssembly.Module.exports(new WebAssembly.Module(/** @type {Uint8Array} */ (plain.wasm))).map((e) => e.name);
    expect(plainExports.filter((e) => e.endsWith("__cpu"))).toEqual([]);
  });

  it("`gpu` is a known directive now; a malformed value is TSK103", async () => {
    const r = await compile(`// @tskern gpu=maybe
export function a(i: i32, x: Int32Array): void { x[i] = i; }
`);
    expect(r.errors.map((d) => [d.code, d.line, d.column])).toEqual([["TSK103", 1, 12]]);
    expect(r.errors[0].message).toContain("Directive 'gpu' takes true or false");
  });
});

/**
 * Bad kernels: [title, source, code, line, column, words the message must contain].
 * Each is valid AssemblyScript, so the error is tskern's.
 * @type {Array<[string, string, string, number, number, string[]]>}
 */
const BAD = [
  ["first parameter not i: i32", "export function f(x: Float32Array): void { x[0] = 1; }", "TSK120", 2, 19, ["must take the element index first, written 'i: i32'", "'x: Float32Array'"]],
  ["a Float64Array parameter", "export function f(i: i32, x: Float64Array): void { x[i] = 1; }", "TSK120", 2, 30, ["has type 'Float64Array'", "Float32Array, Int32Array, Uint32Array", "f32, i32, u32"]],
  ["an f64 scalar parameter", "export function f(i: i32, a: f64, x: Float32Array): void { x[i] = <f32>a; }", "TSK120", 2, 30, ["'a'", "has type 'f64'", "WGSL has no f64"]],
  ["a result", "export function f(i: i32, x: Float32Array): f32 { return x[i]; }", "TSK120", 2, 45, ["must return void", "returns 'f32'"]],
  ["nine arrays", `export function f(i: i32, a: Int32Array, b: Int32Array, c: Int32Array, d: Int32Array, e: Int32Array, g: Int32Array, h: Int32Array, j: Int32Array, k: Int32Array): void { a[i] = 1; }`, "TSK120", 2, 17, ["takes 9 arrays", "at most 8 storage buffers"]],
  ["a call to a user function", "function twice(v: f32): f32 { return v * 2; }\n// @tskern gpu\nexport function f(i: i32, x: Float32Array): void {\n  x[i] = twice(x[i]);\n}", "TSK123", 5, 10, ["'twice(x[i])' calls a function that cannot run on the GPU", "Mathf functions", "inline other helpers"]],
  ["Math (f64)", "export function f(i: i32, x: Float32Array): void {\n  x[i] = <f32>Math.sqrt(x[i]);\n}", "TSK123", 3, 15, ["'Math.sqrt' computes in f64", "Use Mathf (f32)"]],
  ["a Mathf function WGSL lacks", "export function f(i: i32, x: Float32Array): void {\n  x[i] = Mathf.cbrt(x[i]);\n}", "TSK123", 3, 10, ["Mathf.cbrt is not available on the GPU", "Supported: Mathf.abs"]],
  ["an untyped float local (f64)", "export function f(i: i32, x: Float32Array): void {\n  let t = 0.5;\n  x[i] = <f32>t;\n}", "TSK124", 3, 7, ["Local 't' would be f64", "let t: f32 = 0.5"]],
  ["an i64 local", "export function f(i: i32, x: Int32Array): void {\n  let v: i64 = 3;\n  x[i] = <i32>v;\n}", "TSK124", 3, 10, ["Local 'v' has type 'i64'", "f32, i32, u32 or bool"]],
  ["i32 mixed with u32", "export function f(i: i32, k: u32, x: Uint32Array): void {\n  x[i] = k + <u32>(i < <i32>k ? 1 : 0);\n  if (i < k) x[i] = 0;\n}", "TSK124", 4, 7, ["mixes i32 and u32", "Convert one side"]],
  ["an integer with a float literal (f64 in AssemblyScript)", "export function f(i: i32, x: Float32Array): void {\n  x[i] = <f32>(i * 0.5);\n}", "TSK124", 3, 16, ["mixes i32 and a float literal", "f32(x)"]],
  ["a module-level variable", "let SCALE: f32 = 2;\n// @tskern gpu\nexport function f(i: i32, x: Float32Array): void {\n  x[i] = x[i] * SCALE;\n}", "TSK122", 5, 17, ["'SCALE' is not a parameter, local or module-level constant", "Module-level variables (let, var) and functions do not exist on the GPU"]],
  ["allocation", "export function f(i: i32, x: Float32Array): void {\n  const tmp = new Float32Array(4);\n  x[i] = tmp[0];\n}", "TSK122", 3, 15, ["'new Float32Array(4)' is not supported", "GPU expressions are arithmetic"]],
  ["a closure", "export function f(i: i32, x: Float32Array): void {\n  const g = (v: f32): f32 => v + 1;\n  x[i] = g(x[i]);\n}", "TSK122", 3, 13, ["is not supported in GPU kernel 'f'"]],
  ["a string", "export function f(i: i32, x: Int32Array): void {\n  const s = \"abc\";\n  x[i] = s.length;\n}", "TSK122", 3, 13, ["strings, arrays and objects cannot be used on the GPU"]],
  ["++ inside an expression", "export function f(i: i32, x: Int32Array): void {\n  let j = i;\n  x[j++] = 1;\n}", "TSK122", 4, 5, ["'j++' inside an expression", "as a statement of its own"]],
  ["switch", "export function f(i: i32, x: Int32Array): void {\n  switch (i & 3) {\n    case 0: x[i] = 1; break;\n    default: x[i] = 2;\n  }\n}", "TSK121", 3, 3, ["'switch (i & 3) {' is not supported", "if/else, for, while"]],
  ["an unbounded for", "export function f(i: i32, x: Int32Array): void {\n  for (;;) { x[i] = 1; break; }\n}", "TSK121", 3, 3, ["needs a condition", "would hang the GPU"]],
  ["a call as a statement", "export function f(i: i32, x: Float32Array): void {\n  Mathf.sqrt(x[i]);\n}", "TSK121", 3, 3, ["a statement there is an assignment"]],
  ["indexing something that is not an array parameter", "export function f(i: i32, k: i32, x: Int32Array): void {\n  x[i] = k[0];\n}", "TSK122", 3, 10, ["Only the kernel's array parameters can be indexed"]],
  ["a float as a condition", "export function f(i: i32, x: Float32Array): void {\n  if (x[i]) x[i] = 1;\n}", "TSK122", 3, 7, ["A float used as a condition", "x != 0.0"]],
];

describe("constructs outside the subset: located errors naming what is supported", () => {
  for (const [title, body, code, line, column, words] of BAD) {
    it(`${title} -> ${code} at ${line}:${column}`, async () => {
      // Line 1 holds the directive (or, where the body has its own, nothing).
      const r = await compile(body.startsWith("export") ? `// @tskern gpu\n${body}\n` : `\n${body}\n`);
      const ours = r.errors.filter((d) => d.code.startsWith("TSK12"));
      expect(ours.length, r.diagnostics.map(formatDiagnostic).join("\n")).toBeGreaterThan(0);
      const d = ours[0];
      expect([d.code, d.path, d.line, d.column]).toEqual([code, "k.kernel.ts", line, column]);
      for (const w of words) expect(d.message).toContain(w);
      expect(d.frame).toContain(`> ${line} |`);
      expect(COMPILE_CODES).toHaveProperty(code);
    });
  }

  it("a generic kernel (dtypes=) marked gpu -> one TSK120 at its name, not one per type", async () => {
    const r = await compile(`
// @tskern gpu dtypes=f32,i32
export function scale<T>(i: i32, x: TypedArray<T>): void {
  x[i] = x[i] + x[i];
}
`);
    const ours = r.errors.filter((d) => d.code === "TSK120");
    expect(ours.map((d) => [d.line, d.column])).toEqual([[3, 17]]);
    expect(ours[0].message).toContain("GPU kernels take concrete types in this version");
  });

  it("reports one error per bad statement, and no WGSL", async () => {
    const r = await compile(`// @tskern gpu
export function f(i: i32, x: Float32Array): void {
  let t = 0.5;
  x[i] = <f32>Math.sqrt(x[i]);
  x[i] = x[i] + 1;
}
`);
    expect(r.errors.map((d) => [d.code, d.line])).toEqual([["TSK124", 3], ["TSK123", 4]]);
    expect(r.ok).toBe(false);
  });
});
