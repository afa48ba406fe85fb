// `tskern annotate` (per-line wasm costs, markers, lint hints, the HTML
// report, the command), the diagnostics catalogue and its doc, and traps
// located in kernel source.
import { describe, it, expect, beforeAll } from "vitest";
import { readFile, writeFile, readdir, access, mkdir } from "node:fs/promises";
import nodePath from "node:path";
import { annotateKernel } from "../plugin/annotate/report.js";
import { renderReportHtml } from "../plugin/annotate/render-html.js";
import { annotateCommand } from "../plugin/annotate/command.js";
import { renderDiagnosticsDoc, CODE_DOCS, DOC_PATH } from "../plugin/annotate/diagnostics-doc.js";
import { LINT_RULES } from "../plugin/annotate/lint-rules.js";
import { COMPILE_CODES } from "../plugin/compiler/diagnostic-codes.js";
import { RUNTIME_CODES } from "../runtime/errors.js";
import { readDirectives } from "../plugin/compiler/directives.js";
import { REPO, scratchDir, buildProject, importBuilt } from "./support/build-fixture.js";

// A kernel written for this test (not one the analysis was tuned on). Lines
// are found by their `// @name` markers.
const KERNEL = `// Signals <b>and</b> "markup" & 'quotes' in a comment: </script><!-- not a comment -->
export function readAt(x: Float64Array, i: i32): f64 {
  return x[i]; // @checked
}

// @tskern boundscheck=false
export function readAtFast(x: Float64Array, i: i32): f64 {
  return x[i]; // @unchecked
}

export function ramp(n: i32): f64 {
  let t: f64 = 0;
  for (let i = 0; i < n; i++) { // @ramp-loop
    t += <f64>i; // @convert
  }
  return t;
}

export function fresh(n: i32): Float64Array {
  const out = new Float64Array(n); // @alloc
  for (let i = 0; i < n; i++) out[i] = i & 1; // @fill-loop
  return out;
}

export function firstNegative(x: Float64Array, n: i32): i32 {
  let i = 0;
  while (i < n && x[i] >= 0) i++; // @bad-and
  return i;
}

export function firstNegativeFixed(x: Float64Array, n: i32): i32 {
  let i = 0;
  for (; i < n; i++) { // @good-and
    if (!(x[i] >= 0)) break;
  }
  return i;
}

export function rowSums(x: Float64Array, w: i32, h: i32, sums: Float64Array): void {
  for (let r = 0; r < h; r++) {
    const row = new Float64Array(w); // @bad-alloc
    for (let c = 0; c < w; c++) row[c] = x[r * w + c];
    sums[r] = row[0];
  }
}

export function rowSumsFixed(x: Float64Array, w: i32, h: i32, sums: Float64Array): void {
  const row = new Float64Array(w); // @good-alloc
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) row[c] = x[r * w + c];
    sums[r] = row[0];
  }
}

export function roots(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    y[i] = <f32>Math.sqrt(x[i]); // @bad-mix
  }
}

export function rootsFixed(x: Float32Array, y: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    y[i] = Mathf.sqrt(x[i]); // @good-mix
  }
}

export function gather(x: Float64Array, idx: Int32Array, reps: i32): f64 {
  let s: f64 = 0;
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < idx.length; j++) {
      s += x[idx[j]]; // @bad-checked
    }
  }
  return s;
}

export function gatherFixed(x: Float64Array, idx: Int32Array, reps: i32): f64 {
  let s: f64 = 0;
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < idx.length; j++) {
      s += unchecked(x[idx[j]]); // @good-checked
    }
  }
  return s;
}

export function simdSum(x: Float64Array): f64 {
  let acc = f64x2.splat(0);
  const base = x.dataStart;
  for (let i = 0; i < (x.length >> 1); i++) {
    acc = f64x2.add(acc, v128.load(base + (<usize>i << 4))); // @simd
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}
`;

const lineOf = (/** @type {string} */ marker) => {
  const n = KERNEL.split("\n").findIndex((l) => l.includes(`// @${marker}`));
  if (n < 0) throw new Error(`no marker ${marker}`);
  return n + 1;
};

/** Rough well-formedness: every non-void tag closed in order, no stray `<` or `&` in text. @param {string} html */
function checkWellFormed(html) {
  const body = html.replace(/<style>[\s\S]*?<\/style>/g, "<style></style>").replace(/^<!DOCTYPE html>/i, "");
  const VOID = new Set(["meta", "br", "hr", "img", "input", "link", "wbr"]);
  const stack = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w-]+(?:="[^"<>]*")?)*)\s*>/y;
  let text = "";
  for (let i = 0; i < body.length;) {
    if (body[i] !== "<") { text += body[i++]; continue; }
    tag.lastIndex = i;
    const m = tag.exec(body);
    if (!m) throw new Error(`stray '<' at ${i}: ${JSON.stringify(body.slice(i, i + 40))}`);
    const name = m[2].toLowerCase();
    if (m[1]) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}> at ${i}`);
    } else if (!VOID.has(name)) stack.push(name);
    i += m[0].length;
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(", ")}`);
  const badAmp = /&(?!(?:amp|lt|gt|quot|#39|#\d+|middot|times);)/.exec(text);
  if (badAmp) throw new Error(`unescaped '&' near ${JSON.stringify(text.slice(badAmp.index - 20, badAmp.index + 20))}`);
  return true;
}

describe("tskern annotate", () => {
  /** @type {string} */ let dir;
  /** @type {any} */ let result;
  /** @type {{ code: number, stdout: string, stderr: string, html: string }} */ let cmd;
  const file = "kernels/signal.kernel.ts";

  beforeAll(async () => {
    dir = await scratchDir("annotate");
    await mkdir(nodePath.join(dir, "kernels"), { recursive: true });
    await writeFile(nodePath.join(dir, file), KERNEL);
    result = await annotateKernel(file, { cwd: dir });
    const out = [], err = [];
    const code = await annotateCommand({ file, out: "report/signal.html", cwd: dir }, { stdout: { write: (s) => out.push(s) }, stderr: { write: (s) => err.push(s) } });
    cmd = { code, stdout: out.join(""), stderr: err.join(""), html: code === 0 ? await readFile(nodePath.join(dir, "report/signal.html"), "utf8") : "" };
  }, 60_000);

  const costOf = (/** @type {string} */ marker) => result.report.costs.lines.get(lineOf(marker));
  const hintsAt = (/** @type {string} */ marker, /** @type {string} */ rule) => result.report.hints.filter((h) => h.line === lineOf(marker) && h.rule === rule);

  it("compiles the kernel and reads every function body to the end", () => {
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.ok).toBe(true);
    const { costs } = result.report;
    expect(costs.notes).toEqual([]);
    expect(costs.functions.filter((f) => f.error)).toEqual([]);
    expect(result.report.kernels.map((k) => k.name)).toContain("gatherFixed");
  });

  it("counts wasm instructions on lines with loops, and none on comments or blank lines", () => {
    for (const m of ["ramp-loop", "fill-loop", "good-and", "bad-and"]) expect(costOf(m)?.count, m).toBeGreaterThan(0);
    expect(costOf("ramp-loop").loopDepth).toBeGreaterThanOrEqual(1);
    expect(costOf("bad-checked").loopDepth).toBeGreaterThanOrEqual(2);
    expect(result.report.costs.lines.get(1)).toBeUndefined(); // comment
    expect(result.report.costs.lines.get(5)).toBeUndefined(); // blank
  });

  it("marks a checked access, and no check under boundscheck=false", () => {
    expect(costOf("checked").checks).toBeGreaterThanOrEqual(1);
    const listing = costOf("checked").wasm.flatMap((b) => b.code);
    expect(listing.some((e) => e.tag === "check" && /^call tskern\.oob/.test(e.text))).toBe(true);
    expect(costOf("unchecked").count).toBeGreaterThan(0);
    expect(costOf("unchecked").checks).toBe(0);
  });

  it("marks int/float conversions, allocations and f32/f64 mixing", () => {
    expect(costOf("convert").intFloat).toBeGreaterThanOrEqual(1);
    expect(costOf("alloc").allocs).toBeGreaterThanOrEqual(1);
    expect(costOf("alloc").callees.join(" ")).toMatch(/__new|constructor/);
    expect(costOf("bad-mix").floatMix).toBeGreaterThanOrEqual(1);
    expect(costOf("good-mix").floatMix).toBe(0);
    expect(costOf("checked").allocs).toBe(0);
  });

  it("decodes SIMD instructions", () => {
    const listing = costOf("simd").wasm.flatMap((b) => b.code).map((e) => e.text);
    expect(listing).toContain("f64x2.add");
    expect(listing.some((t) => t.startsWith("v128.load"))).toBe(true);
  });

  it("each lint rule fires on its bad pattern and not on the rewrite", () => {
    expect(Object.keys(LINT_RULES).sort()).toEqual(["allocation-in-loop", "checked-inner-loop", "float-mix", "loop-condition-and"]);
    const cases = [["loop-condition-and", "bad-and", "good-and"], ["allocation-in-loop", "bad-alloc", "good-alloc"], ["float-mix", "bad-mix", "good-mix"], ["checked-inner-loop", "bad-checked", "good-checked"]];
    for (const [rule, bad, good] of cases) {
      expect(hintsAt(bad, rule), `${rule} on ${bad}`).toHaveLength(1);
      expect(hintsAt(good, rule), `${rule} on ${good}`).toHaveLength(0);
      const h = hintsAt(bad, rule)[0];
      expect(h.message.length).toBeGreaterThan(20);
      expect(h.fix.length).toBeGreaterThan(20);
    }
    // Nothing fires anywhere else in the rewrites.
    const fixedFns = ["good-and", "good-alloc", "good-mix", "good-checked"].map(lineOf);
    expect(result.report.hints.filter((h) => fixedFns.some((l) => Math.abs(h.line - l) <= 2))).toEqual([]);
    // The suggested rewrites are the fixed code.
    expect(hintsAt("bad-and", "loop-condition-and")[0].rewrite).toMatch(/while \(i < n\) \{\s+if \(!\(x\[i\] >= 0\)\) break;\s+i\+\+;/);
    expect(hintsAt("bad-mix", "float-mix")[0].rewrite).toBe("y[i] = Mathf.sqrt(x[i]); // @bad-mix");
    expect(hintsAt("bad-checked", "checked-inner-loop")[0].rewrite).toBe("s += unchecked(x[idx[j]]); // @bad-checked");
    expect(hintsAt("bad-alloc", "allocation-in-loop")[0].rewrite).toMatch(/^const row = new Float64Array\(w\); \/\/ once, before the loop/);
  });

  it("writes a well-formed page with the escaped source, costs, markers and wasm", () => {
    expect(cmd.stderr).toBe("");
    expect(cmd.code).toBe(0);
    expect(cmd.stdout).toMatch(/wrote report\/signal\.html \(\d+ kernels, \d+ wasm instructions/);
    expect(cmd.stdout).toContain(`${file}:${lineOf("bad-and")}:`);
    const html = cmd.html;
    expect(checkWellFormed(html)).toBe(true);
    expect(html).toContain("&lt;b&gt;and&lt;/b&gt; &quot;markup&quot; &amp; &#39;quotes&#39; in a comment: &lt;/script&gt;&lt;!-- not a comment --&gt;");
    expect(html).not.toContain("<b>and</b>");
    expect(html).toContain("while (i &lt; n &amp;&amp; x[i] &gt;= 0) i++;");
    // Every source line is there, with its anchor; lines with code open onto their wasm.
    const n = KERNEL.split("\n").length;
    for (let l = 1; l <= n; l++) expect(html).toContain(`id="L${l}"`);
    expect(html).toMatch(new RegExp(`<details class="line" id="L${lineOf("checked")}">[\\s\\S]*?call tskern\\.oob[\\s\\S]*?</details>`));
    expect(html).toMatch(/class="m m-checks"/);
    expect(html).toMatch(/class="m m-allocs"/);
    expect(html).toMatch(/class="m m-intFloat"/);
    expect(html).toContain("loop-condition-and");
    // The data renders the same page.
    expect(renderReportHtml(result.report)).toBe(html);
  });

  it("a missing file or a kernel that does not compile: exit 1, located diagnostic, no report", async () => {
    const run = async (/** @type {string} */ f, /** @type {string} */ out) => {
      const o = [], e = [];
      const code = await annotateCommand({ file: f, out, cwd: dir }, { stdout: { write: (s) => o.push(s) }, stderr: { write: (s) => e.push(s) } });
      return { code, stdout: o.join(""), stderr: e.join(""), written: await access(nodePath.join(dir, out)).then(() => true, () => false) };
    };
    const missing = await run("kernels/nope.kernel.ts", "nope.html");
    expect(missing).toMatchObject({ code: 1, stdout: "", written: false });
    expect(missing.stderr).toMatch(/^kernels\/nope\.kernel\.ts: error TSK105: Cannot read kernel file 'kernels\/nope\.kernel\.ts'/);
    expect(missing.stderr).toContain("no report was written");

    await writeFile(nodePath.join(dir, "kernels/broken.kernel.ts"), "export function f(x: f64): f64 {\n  return x +;\n}\n");
    const broken = await run("kernels/broken.kernel.ts", "broken.html");
    expect(broken).toMatchObject({ code: 1, stdout: "", written: false });
    expect(broken.stderr).toMatch(/^kernels\/broken\.kernel\.ts:2:\d+: error AS\d+: /);
    expect(broken.stderr).toContain("> 2 |   return x +;");

    const none = await run("", "none.html");
    expect(none.code).toBe(2);
    expect((await readdir(dir)).filter((f) => f.endsWith(".html"))).toEqual([]);
  }, 30_000);
});

describe("diagnostics catalogue", () => {
  const codes = [...Object.keys(COMPILE_CODES), ...Object.keys(RUNTIME_CODES)];

  it("docs/diagnostics.md has one entry per code of the catalogues, and is up to date", async () => {
    const doc = await readFile(DOC_PATH, "utf8");
    const headings = [...doc.matchAll(/^### (TSK\d{3}):/gm)].map((m) => m[1]);
    expect(headings).toEqual(codes);
    for (const code of codes) {
      expect(CODE_DOCS[code], code).toBeDefined();
      expect(CODE_DOCS[code].example.length, code).toBeGreaterThan(10);
      expect(CODE_DOCS[code].fix.length, code).toBeGreaterThan(10);
    }
    expect(Object.keys(CODE_DOCS).sort()).toEqual([...codes].sort());
    for (const rule of Object.keys(LINT_RULES)) expect(doc).toContain(`### ${rule}:`);
    expect(doc, "run `node plugin/annotate/diagnostics-doc.js`").toBe(renderDiagnosticsDoc());
  });

  it("every code the compiler and the runtime emit is in a catalogue", async () => {
    const used = new Set();
    const scan = async (/** @type {string} */ rel) => {
      for (const entry of await readdir(nodePath.join(REPO, rel), { withFileTypes: true })) {
        const path = `${rel}/${entry.name}`;
        if (entry.isDirectory()) await scan(path);
        else if (/\.(js|ts)$/.test(entry.name) && !path.includes("annotate/")) {
          for (const m of (await readFile(nodePath.join(REPO, path), "utf8")).matchAll(/"(TSK\d{3})"/g)) used.add(m[1]);
        }
      }
    };
    await scan("plugin");
    await scan("runtime");
    expect([...used].filter((c) => !codes.includes(c))).toEqual([]);
  });

  it("an unknown directive suggests the known one it resembles", () => {
    const problems = [];
    readDirectives("// @tskern boundcheck=false\n", 0, 30, problems);
    expect(problems[0]).toMatchObject({ code: "TSK103", start: 11 });
    expect(problems[0].message).toMatch(/^Unknown directive 'boundcheck' \(did you mean 'boundscheck'\?\)\. Known directives: boundscheck/);
  });
});

describe("traps name the kernel source", () => {
  /** @type {any} */ let k;
  /** @type {any} */ let rt;
  const src = `import { safeDiv } from "./util";
function pick(x: Float64Array): Float64Array { return x; }
export function viaCall(x: Float64Array, i: i32): f64 {
  return pick(x)[i];
}
@inline function halve(a: i32, b: i32): i32 {
  return (a - 1) / b;
}
export function inlinedHelper(a: i32, b: i32): i32 {
  return halve(a, b) * 3;
}
export function helperModule(a: i32, b: i32): i32 {
  return safeDiv(a, b) - 5;
}
function depth(n: i32): i32 {
  return n == 0 ? 0 : depth(n - 1) + 1;
}
export function recurse(n: i32): i32 {
  return depth(n);
}
// @tskern boundscheck=false
export function wild(x: Float64Array, i: i32): f64 {
  return x[i];
}
`;
  const util = "export function safeDiv(a: i32, b: i32): i32 {\n  const q = a / b;\n  return q;\n}\n";

  beforeAll(async () => {
    const built = await buildProject("annotate-traps", { sources: { "kernels/traps.kernel.ts": src, "kernels/util.ts": util } });
    if (!built.result.ok) throw new Error(built.errors);
    k = await importBuilt(built.outDir, "traps.kernel.js");
    rt = await import("../runtime/index.js");
  }, 60_000);

  /** @param {() => unknown} fn */
  const caught = (fn) => {
    try { fn(); } catch (e) { return e; }
    throw new Error("expected a throw");
  };

  it("a trap in a helper inlined from the same file names the helper's line", () => {
    const e = caught(() => k.inlinedHelper(1, 0));
    expect(e).toBeInstanceOf(rt.KernelError);
    expect(e).toMatchObject({ code: "TSK206", path: "kernels/traps.kernel.ts", line: 7 });
    expect(e.message).toMatch(/^inlinedHelper: divide by zero at kernels\/traps\.kernel\.ts:7:\d+\. .*check the divisor/);
  });

  it("a trap in an imported helper module names that module's line", () => {
    const e = caught(() => k.helperModule(1, 0));
    expect(e).toMatchObject({ code: "TSK206", path: "kernels/util.ts", line: 2 });
  });

  it("a stack overflow names the recursive function and says what to do", () => {
    const e = caught(() => k.recurse(10_000_000));
    expect(e).toMatchObject({ code: "TSK206", path: "kernels/traps.kernel.ts", line: 16 });
    expect(e.message).toContain("recursion");
    expect(k.recurse(10)).toBe(10);
  });

  it("an access AssemblyScript checks itself (target is a call) is a TSK201 naming the kernel, not the library", () => {
    const x = rt.alloc(Float64Array, 4);
    const e = caught(() => k.viaCall(x, 9));
    expect(e).toBeInstanceOf(rt.KernelError);
    expect(e.code).toBe("TSK201");
    expect(e.path).toBe("kernels/traps.kernel.ts");
    expect(e.message).toMatch(/^viaCall: Index out of range \(raised in AssemblyScript's ~lib\/typedarray\.ts:\d+:\d+\)/);
    expect(k.viaCall(x, 3)).toBe(0);
  });

  it.fails("known gap: that access's own line (the trap table maps inlined library code to no line)", () => {
    const e = caught(() => k.viaCall(rt.alloc(Float64Array, 4), 9));
    expect(e.line).toBe(4);
  });

  it("an out-of-memory access without bounds checks is a located TSK206 with a hint", () => {
    const x = rt.alloc(Float64Array, 4);
    const e = caught(() => k.wild(x, 2_000_000_000));
    expect(e).toMatchObject({ code: "TSK206", path: "kernels/traps.kernel.ts" });
    expect(e.message).toContain("memory access out of bounds");
    expect(e.message).toContain("bounds checks on");
    expect(e.cause).toBeInstanceOf(WebAssembly.RuntimeError);
  });

  it("freeing twice says what to do", () => {
    const x = rt.alloc(Float64Array, 2);
    rt.free(x);
    const e = caught(() => rt.free(x));
    expect(e.code).toBe("TSK203");
    expect(e.message).toMatch(/already freed\. Free each array once/);
  });
});
