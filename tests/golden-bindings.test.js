// Golden fixtures for generated bindings: any change to the generated JS or
// .d.ts shows up as a diff in review. Regenerate with UPDATE_GOLDEN=1.
import { describe, it, expect, beforeAll } from "vitest";
import { readFile, writeFile } from "node:fs/promises";
import nodePath from "node:path";
import { buildProject, FIXTURES } from "./support/build-fixture.js";

const GOLDEN = nodePath.join(FIXTURES, "golden");
const FILES = ["scalars.kernel.js", "scalars.kernel.d.ts", "arrays.kernel.d.ts", "other.kernel.js", "other.kernel.d.ts", "views-generic.kernel.js", "views-generic.kernel.d.ts"];
let outputs;

beforeAll(async () => {
  const built = await buildProject("golden", { fixtures: ["scalars.kernel.ts", "arrays.kernel.ts", "other.kernel.ts", "views-generic.kernel.ts"] });
  if (!built.result.ok) throw new Error(built.errors);
  outputs = new Map(built.result.outputs.map((o) => [o.path, o.contents]));
});

describe("generated bindings match the golden files", () => {
  for (const file of FILES) {
    it(file, async () => {
      const actual = String(outputs.get(file));
      if (process.env.UPDATE_GOLDEN) await writeFile(nodePath.join(GOLDEN, file), actual);
      expect(actual).toBe(await readFile(nodePath.join(GOLDEN, file), "utf8"));
    });
  }
  it("the build module names every kernel with its source location", () => {
    const meta = String(outputs.get("tskern-build.js"));
    expect(meta).toContain('"name": "dot", "file": "kernels/other.kernel.ts", "line": 2, "column": 17');
    expect(meta).toMatch(/await loadBuild\(new URL\("\.\/tskern\.wasm", import\.meta\.url\), meta\)/);
  });
});
