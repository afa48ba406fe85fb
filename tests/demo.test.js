// The example kernels give exactly the results of their plain-JS twins, with
// arrays in kernel memory and with plain arrays; and `npm run demo` works.
import { describe, it, expect, beforeAll } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import nodePath from "node:path";
import { scratchDir, importBuilt, REPO } from "./support/build-fixture.js";
import { buildKernels, writeOutputs } from "../plugin/build/build-kernels.js";
import { smallCases } from "../examples/cases.js";
import * as reference from "../examples/kernels/reference.js";
import { importPure } from "../plugin/pure/load.js";

let modules = {}, rt;
beforeAll(async () => {
  const result = await buildKernels({ inputs: ["examples/kernels"], cwd: REPO });
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  const outDir = await scratchDir("examples");
  await writeOutputs(outDir, result.outputs);
  for (const f of result.files) modules[nodePath.basename(f.file)] = await importBuilt(outDir, f.out);
  rt = await import("../runtime/index.js");
  for (const f of result.files) pure[nodePath.basename(f.file)] = await importPure(nodePath.join(REPO, f.file));
});
const pure = {};

const same = (a, b) => (ArrayBuffer.isView(a) ? [...a].every((v, i) => Object.is(v, b[i])) && a.length === b.length : Object.is(a, b));

describe("example kernels: wasm, pure mode and the JS twins agree", () => {
  for (const c of smallCases) {
    it(`${c.name} (${c.sizeLabel})`, () => {
      const jsArgs = c.setup((C, n) => new C(n));
      const kArgs = c.setup(rt.alloc);
      const plainArgs = c.setup((C, n) => new C(n));
      const kernel = modules[c.kernelFile][c.kernel];
      const want = reference[c.kernel](...jsArgs);
      const pureArgs = c.setup((C, n) => new C(n));
      expect(same(pure[c.kernelFile][c.kernel](...pureArgs), want)).toBe(true);
      if (c.output !== undefined) expect(same(pureArgs[c.output], jsArgs[c.output])).toBe(true);
      expect(same(kernel(...kArgs), want)).toBe(true);
      expect(same(kernel(...plainArgs), want)).toBe(true);
      if (c.output !== undefined) {
        expect(same(kArgs[c.output], jsArgs[c.output])).toBe(true);
        expect(same(plainArgs[c.output], jsArgs[c.output])).toBe(true);
      }
    });
  }
});

describe("npm run demo", () => {
  it("builds the examples and prints the table with identical results", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["examples/demo.js", "--quick"], { cwd: REPO });
    expect(stdout).toMatch(/kernel\s+size\s+JS ms\s+tskern ms\s+ratio\s+same result/);
    for (const c of smallCases) expect(stdout).toMatch(new RegExp(`^${c.name}\\s.*\\syes$`, "m"));
    expect(stdout).not.toMatch(/\sNO$/m);
  }, 120_000);
});
