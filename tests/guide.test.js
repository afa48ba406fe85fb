// The guide (docs/guide.md, examples/guide/) never rots: every step script
// runs at quick sizes, exits 0, and reports its result checks (kernel output
// equals the JS output, located errors, ...) as passed. Timings are printed
// by the scripts, never asserted here.
import { describe, it, expect } from "vitest";
import { execFile } from "node:child_process";
import { mkdir, writeFile, readFile } from "node:fs/promises";
import nodePath from "node:path";
import { promisify } from "node:util";
import { REPO, scratchDir } from "./support/build-fixture.js";
import { STEPS, runScript, parseGuideArgs } from "../examples/guide/run-all.js";
import { buildGuideKernels } from "../examples/guide/build.js";
import { difference } from "../examples/guide/measure.js";

const run = promisify(execFile);

/** The checks each step must report (a script cannot pass by skipping them). */
const EXPECTED_CHECKS = {
  1: [/Float64Array: same dot product/, /objects \[\{x, y\}\]: same dot product/, /boxed, scattered: same dot product/],
  2: [/kernel: one call, sum\(x\): same sum/, /kernel: call per element, add\(s, x\[i\]\): same sum/],
  3: [/mandelbrot: array ops and loop agree/, /edit distance: array ops and loop agree/, /elementwise: chain and loop agree/],
  4: [/tskern build exits 0/, /the \.d\.ts declares levenshtein/, /levenshtein: kernel equals JS/, /plain \(copied\) arrays equals JS/,
    /a too-short row throws a located KernelError/, /later calls still work/, /mandelbrot: kernel equals JS/],
  5: [/tskern annotate exits 0/, /flags `&&`/, /flags the allocation/, /gather: unchecked equals checked/, /break version equals && version/,
    /allocating kernel equals JS/, /if-version equals JS/, /per-element calls equal one call/, /SIMD sum within/, /fastmath sum within/],
  6: [/serial kernel equals JS/, /a missing argument rejects with a TypeError/, /1 worker: same image as the serial call/, /2 workers: same image as the serial call/],
  7: [/the step reports whether GPU kernels are available/],
  8: [/tiny sum: kernel equals JS/, /logistic chain: kernel equals JS bit for bit/, /64x8: parallel equals serial equals JS/, /copied and resident agree/],
};

describe("guide scripts at quick sizes", () => {
  it("has the steps the guide describes, 01 to 08", () => {
    expect(STEPS.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].filter((n) => STEPS.some((s) => s.step === n)));
    expect(STEPS.length).toBeGreaterThanOrEqual(7);
  });

  for (const { step, file } of STEPS) {
    it(`${file} runs and its results are correct`, async () => {
      let output = "";
      const { code, result } = await runScript(file, ["--quick"], (s) => { output += s; });
      expect(result, `no GUIDE-RESULT line in:\n${output}`).not.toBeNull();
      const failed = result.checks.filter((c) => !c.ok);
      expect(failed, output).toEqual([]);
      expect(code, output).toBe(0);
      expect(result.ok).toBe(true);
      expect(result.quick).toBe(true);
      expect(result.step).toBe(step);
      for (const want of EXPECTED_CHECKS[step] ?? []) {
        expect(result.checks.some((c) => want.test(c.name)), `step ${step} reports no check matching ${want}`).toBe(true);
      }
      expect(result.headlines.length).toBeGreaterThan(0);
      for (const h of result.headlines) expect(h.value).not.toBe("");
    }, 180_000);
  }

  it("the guide document links every step script, and the README links the guide", async () => {
    const guide = await readFile(nodePath.join(REPO, "docs/guide.md"), "utf8");
    for (const { file } of STEPS) expect(guide).toContain(`examples/guide/${file}`);
    expect(await readFile(nodePath.join(REPO, "README.md"), "utf8")).toContain("docs/guide.md");
  });
});

describe("guide tooling on bad input", () => {
  it("run-all refuses an unknown step, naming it and the valid ones", async () => {
    expect(() => parseGuideArgs(["9"])).toThrow(/unknown step '9': give step numbers \(1, 2/);
    expect(() => parseGuideArgs(["--fast"])).toThrow(/unknown step '--fast'/);
    expect(parseGuideArgs(["--quick", "4"]).steps.map((s) => s.file)).toEqual([STEPS.find((s) => s.step === 4).file]);
    const child = await run(process.execPath, [nodePath.join(REPO, "examples/guide/run-all.js"), "12"], { cwd: REPO }).catch((e) => e);
    expect(child.code).toBe(2);
    expect(child.stderr).toMatch(/run-all: unknown step '12'/);
  });

  it("a kernel that does not compile fails the build with its file:line:col", async () => {
    const dir = await scratchDir("guide-bad-kernel");
    await mkdir(nodePath.join(dir, "kernels"), { recursive: true });
    await writeFile(nodePath.join(dir, "kernels/bad.kernel.ts"), "export function f(x: Float64Array): f64 {\n  return x[0] + y;\n}\n");
    await expect(buildGuideKernels(["kernels/bad.kernel.ts"], { cwd: dir })).rejects.toThrow(/kernels\/bad\.kernel\.ts:2:\d+: error .*y/);
  });

  it("a result that differs fails the step: exit code 1 and the first differing element named", async () => {
    expect(difference([1, 2, 3], [1, 2, 3])).toBeNull();
    expect(difference([1, 3, 3], [1, 2, 3])).toBe("element 1 is 3, expected 2");
    expect(difference([1, 2], [1, 2, 3])).toBe("length 2, expected 3");
    expect(difference(1 + 1e-13, 1, 1e-12)).toBeNull();
    expect(difference(1.1, 1, 1e-12)).toBe("got 1.1, expected 1");
    const script = `import { runStep } from ${JSON.stringify(nodePath.join(REPO, "examples/guide/measure.js"))};
      await runStep(99, "broken", async (r) => { r.same("kernel equals JS", new Int32Array([1, 5]), new Int32Array([1, 2])); });`;
    const child = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO }).catch((e) => e);
    expect(child.code).toBe(1);
    expect(child.stdout).toMatch(/CHECK FAILED: kernel equals JS: element 1 is 5, expected 2/);
    expect(child.stdout).toMatch(/GUIDE-RESULT .*"ok":false/);
  });

  it("an exception inside a step fails it with the error and its cause", async () => {
    const script = `import { runStep } from ${JSON.stringify(nodePath.join(REPO, "examples/guide/measure.js"))};
      await runStep(98, "throws", async () => { throw new Error("outer", { cause: new Error("inner reason") }); });`;
    const child = await run(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO }).catch((e) => e);
    expect(child.code).toBe(1);
    expect(child.stdout).toMatch(/CHECK FAILED: the step ran to the end: Error: outer/);
    expect(child.stdout).toMatch(/caused by: Error: inner reason/);
  });
});
