// 2-D views: alloc2d / view2d on the host, View2D<T> / ContiguousView2D<T>
// in kernels. Every shape (full, sub-block, transpose, strided, 1xN, Nx1,
// empty) against JS; sub-blocks are processed in place (no copy); bad views
// and out-of-range indices give coded, located errors; pure mode agrees.
import { describe, it, expect, beforeAll } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import nodePath from "node:path";
import { buildProject, importBuilt, scratchDir } from "./support/build-fixture.js";
import { importPure } from "../plugin/pure/load.js";
import { compileKernels } from "../plugin/compiler/compile.js";

const VIEWS = `// 2-D view kernels.
export function sum2d(m: View2D<f64>): f64 {
  let s: f64 = 0;
  for (let r: i32 = 0; r < m.rows; r++) {
    for (let c: i32 = 0; c < m.cols; c++) s += m.get(r, c);
  }
  return s;
}

export function scale2d(m: View2D<f32>, a: f32): void {
  for (let r: i32 = 0; r < m.rows; r++) {
    for (let c: i32 = 0; c < m.cols; c++) m.set(r, c, m.get(r, c) * a);
  }
}

export function sumFlat(m: ContiguousView2D<f64>): f64 {
  let s: f64 = 0;
  for (let i: i32 = 0; i < m.length; i++) s += m.at(i);
  return s;
}

export function copy2d(src: View2D<i32>, dst: View2D<i32>): void {
  for (let r: i32 = 0; r < src.rows; r++) {
    for (let c: i32 = 0; c < src.cols; c++) dst.setUnchecked(r, c, src.getUnchecked(r, c) + 1);
  }
}

export function shape(m: View2D<u8>): i32 {
  return m.rows * 1000000 + m.cols * 10000 + m.stride * 100 + m.colStride;
}

export function past(m: View2D<f64>): f64 {
  return m.get(m.rows, 0);
}
`;

let mod, rt, pure, build, dts;

beforeAll(async () => {
  const built = await buildProject("views", { sources: { "kernels/views.kernel.ts": VIEWS } });
  if (!built.result.ok) throw new Error(built.errors);
  mod = await importBuilt(built.outDir, "views.kernel.js");
  dts = await readFile(nodePath.join(built.outDir, "views.kernel.d.ts"), "utf8");
  rt = await import("../runtime/index.js");
  build = rt.builds().at(-1);
  const dir = await scratchDir("views-pure");
  await writeFile(nodePath.join(dir, "views.kernel.ts"), VIEWS);
  pure = await importPure(nodePath.join(dir, "views.kernel.ts"));
}, 120_000);

/** A rows x cols f64 matrix in kernel memory with element (r, c) = r * 100 + c + 0.5. */
function matrix(rows, cols, C = Float64Array) {
  const m = rt.alloc2d(C, rows, cols, { build });
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) m.set(r, c, r * 100 + c + (C === Float64Array || C === Float32Array ? 0.5 : 0));
  return m;
}
/** The JS sum of a view, row by row (the kernel's order). */
function jsSum(v) {
  let s = 0;
  for (let r = 0; r < v.rows; r++) for (let c = 0; c < v.cols; c++) s += v.get(r, c);
  return s;
}

describe("2-D views: every shape against JS", () => {
  const m = () => matrix(6, 9);
  const shapes = {
    full: (x) => x,
    "sub-block": (x) => x.block(1, 2, 3, 4),
    transpose: (x) => x.transpose(),
    "block of a transpose": (x) => x.transpose().block(2, 1, 4, 3),
    "every other column": (x) => rt.view2d(x.data, 6, 5, { colStride: 2, stride: 9 }),
    "1xN": (x) => x.block(4, 0, 1, 9),
    "Nx1": (x) => x.block(0, 7, 6, 1),
    "empty 0xN": (x) => x.block(3, 0, 0, 9),
    "empty Nx0": (x) => x.block(0, 3, 6, 0),
  };
  for (const [name, make] of Object.entries(shapes)) {
    it(`${name}: kernel sum equals the JS sum, wasm and pure mode`, () => {
      const v = make(m());
      const want = jsSum(v);
      expect(mod.sum2d(v)).toBe(want);
      expect(pure.sum2d(v)).toBe(want);
      if (name.startsWith("empty")) expect(want).toBe(0);
      rt.free(v.data);
    });
  }

  it("a sub-block is processed in place: the parent sees the writes, nothing else changes, nothing is copied", () => {
    const full = matrix(5, 7, Float32Array);
    const before = full.toArray();
    const stats = rt.memoryStats({ build });
    mod.scale2d(full.block(1, 2, 3, 4), 2); // first call may allocate the descriptor area
    const live = rt.memoryStats({ build }).liveArrays;
    mod.scale2d(full.transpose().block(0, 0, 2, 2), 10);
    expect(rt.memoryStats({ build }).liveArrays).toBe(live);
    expect(live - stats.liveArrays).toBeLessThanOrEqual(1);
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 7; c++) {
        let want = before[r * 7 + c];
        if (r >= 1 && r < 4 && c >= 2 && c < 6) want = Math.fround(want * 2);
        if (r < 2 && c < 2) want = Math.fround(want * 10);
        expect(full.get(r, c), `(${r}, ${c})`).toBe(want);
      }
    }
    rt.free(full.data);
  });

  it("ContiguousView2D: flat access over a packed view, 1xN and Nx1 included", () => {
    const full = matrix(4, 6);
    expect(mod.sumFlat(full)).toBe(jsSum(full));
    expect(mod.sumFlat(full.block(1, 0, 2, 6))).toBe(jsSum(full.block(1, 0, 2, 6)));
    expect(mod.sumFlat(full.block(2, 1, 1, 4))).toBe(jsSum(full.block(2, 1, 1, 4)));
    const col = rt.view2d(full.data, 24, 1);
    expect(mod.sumFlat(col)).toBe(jsSum(full));
    expect(pure.sumFlat(full)).toBe(jsSum(full));
    rt.free(full.data);
  });

  it("two view parameters, views over plain arrays (copied in and back) and over subarrays of kernel memory", () => {
    const src = rt.alloc2d(Int32Array, 3, 4, { build });
    src.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const plain = rt.view2d(new Int32Array(12), 4, 3); // written through the transpose
    mod.copy2d(src, plain.transpose());
    expect([...plain.transpose().toArray()]).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const big = rt.alloc(Int32Array, 20, { build });
    const sub = rt.view2d(big.subarray(4, 16), 3, 4);
    mod.copy2d(src, sub);
    expect([...big.subarray(4, 16)]).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(big[3]).toBe(0);
    expect(big[16]).toBe(0);
    expect(mod.shape(rt.view2d(new Uint8Array(50), 3, 4, { stride: 12, colStride: 2 }))).toBe(3041202);
    rt.free(src.data);
    rt.free(big);
  });

  it("the .d.ts types a view parameter structurally (a runtime View2D fits)", () => {
    expect(dts).toContain("export declare function sum2d(m: { readonly data: Float64Array; readonly offset: number; readonly rows: number; readonly cols: number; readonly stride: number; readonly colStride: number }): number;");
  });
});

describe("2-D views: bad input", () => {
  const codeOf = (fn) => {
    try {
      fn();
    } catch (e) {
      return { name: e.name, code: e.code, message: e.message, error: e };
    }
    return null;
  };

  it("not a view, or a view of the wrong array type: TypeError TSK214", () => {
    const a = codeOf(() => mod.sum2d(new Float64Array(4)));
    expect(a).toMatchObject({ name: "TypeError", code: "TSK214" });
    expect(a.message).toContain("sum2d: parameter 'm' expects a 2-D view of Float64Array");
    expect(a.message).toContain("view2d(array, rows, cols)");
    const b = codeOf(() => mod.sum2d(rt.view2d(new Float32Array(4), 2, 2)));
    expect(b).toMatchObject({ name: "TypeError", code: "TSK214" });
    expect(b.message).toContain("got a view of Float32Array");
    expect(codeOf(() => mod.sum2d({ data: new Float64Array(4), rows: 2, cols: 2, stride: 2, colStride: 1, offset: 0 }))?.code).toBe("TSK214");
  });

  it("a strided view to a ContiguousView2D parameter: TypeError TSK215 naming the strides", () => {
    const full = matrix(4, 6);
    const e = codeOf(() => mod.sumFlat(full.block(1, 1, 2, 3)));
    expect(e).toMatchObject({ name: "TypeError", code: "TSK215" });
    expect(e.message).toContain("got a 2x3 view with stride 6 and colStride 1");
    expect(e.message).toContain("View2D<f64>");
    expect(codeOf(() => mod.sumFlat(full.transpose()))?.code).toBe("TSK215");
    rt.free(full.data);
  });

  it("views that do not fit their data, and indices outside a view: RangeError TSK216", () => {
    const e = codeOf(() => rt.view2d(new Float64Array(10), 3, 4));
    expect(e).toMatchObject({ name: "RangeError", code: "TSK216" });
    expect(e.message).toContain("reaches element 11, but its data has 10 elements");
    expect(codeOf(() => rt.view2d(new Float64Array(10), 2, 2, { stride: -1 }))?.code).toBe("TSK216");
    expect(codeOf(() => rt.view2d([1, 2, 3], 1, 3))).toMatchObject({ name: "TypeError", code: "TSK216" });
    const v = rt.view2d(new Float64Array(12), 3, 4);
    expect(codeOf(() => v.block(2, 2, 2, 2))?.message).toContain("block(2, 2, 2, 2) does not fit in a 3x4 view");
    expect(codeOf(() => v.get(3, 0))?.message).toContain("index out of range: (3, 0) in a 3x4 view");
    expect(codeOf(() => rt.alloc2d(Float64Array, -1, 2))?.code).toBe("TSK216");
  });

  // get/set are inlined, so the exact line is not in the trap table: the
  // error names the kernel's declaration (a known limit, README "2-D views").
  it("an index outside the view inside a kernel: KernelError located at the kernel; later calls work", () => {
    const v = matrix(2, 3);
    const e = codeOf(() => mod.past(v));
    expect(e.name).toBe("KernelError");
    expect(e.code).toBe("TSK201");
    expect(e.message).toContain("index out of range: a 2-D view's get/set got a row outside [0, rows)");
    expect(e.message).toContain("in kernel 'past' declared at kernels/views.kernel.ts:32:17");
    expect(e.error.path).toBe("kernels/views.kernel.ts");
    expect(mod.sum2d(v)).toBe(jsSum(v));
    rt.free(v.data);
  });

  it("a view whose data was freed: Error TSK202; free(view) says to free view.data", () => {
    const v = matrix(2, 2);
    expect(codeOf(() => rt.free(v))).toMatchObject({ code: "TSK204", message: expect.stringContaining("free(view.data)") });
    rt.free(v.data);
    const e = codeOf(() => mod.sum2d(v));
    expect(e).toMatchObject({ code: "TSK202" });
    expect(e.message).toContain("already freed");
  });
});

describe("2-D views: compile errors", () => {
  async function errorsOf(text) {
    const files = { "/virtual/k/v.kernel.ts": text };
    const r = await compileKernels({ root: "/virtual", files: ["k/v.kernel.ts"], readFile: async (p) => files[p] ?? null });
    return r.diagnostics.filter((d) => d.severity === "error");
  }

  it("a view of a non-numeric element type: TSK114 at the parameter type", async () => {
    const errors = await errorsOf("export function f(m: View2D<string>): i32 {\n  return m.rows;\n}\n");
    expect(errors[0]).toMatchObject({ code: "TSK114", line: 1, column: 22 });
    expect(errors[0].message).toContain("View2D<f64>, View2D<f32>, View2D<i32>");
  });

  it("a view parameter of a parallel kernel: TSK114", async () => {
    const errors = await errorsOf("// @tskern parallel\nexport function f(start: i32, end: i32, m: View2D<f64>): void {\n}\n");
    expect(errors[0]).toMatchObject({ code: "TSK114", line: 2, column: 44 });
    expect(errors[0].message).toContain("cannot be passed to '// @tskern parallel' kernels");
  });

  it("a view as a result: TSK102", async () => {
    const errors = await errorsOf("export function f(m: View2D<f64>): View2D<f64> {\n  return m;\n}\n");
    expect(errors[0]).toMatchObject({ code: "TSK102", line: 1 });
  });
});
