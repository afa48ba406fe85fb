// The build pipeline's layout rules and its bad-input errors.
import { describe, it, expect } from "vitest";
import { readFile, rm, access } from "node:fs/promises";
import nodePath from "node:path";
import { buildProject } from "./support/build-fixture.js";
import { buildKernels, writeOutputs } from "../plugin/build/build-kernels.js";

const K = "export function twice(x: i32): i32 { return x * 2; }\n";

describe("tskern build", () => {
  it("mirrors subdirectories and points each module at the one build module", async () => {
    const { result, outDir } = await buildProject("layout", { sources: { "kernels/a.kernel.ts": K, "kernels/sub/b.kernel.ts": K.replace("twice", "thrice").replace("* 2", "* 3") } });
    expect(result.ok).toBe(true);
    expect(result.outputs.map((o) => o.path).sort()).toEqual(
      ["a.kernel.d.ts", "a.kernel.js", "sub/b.kernel.d.ts", "sub/b.kernel.js", "tskern-build.js", "tskern-manifest.json", "tskern-runtime.js", "tskern.wasm"].sort(),
    );
    expect(await readFile(nodePath.join(outDir, "sub/b.kernel.js"), "utf8")).toContain('from "../tskern-build.js"');
    const { thrice } = await import(nodePath.join(outDir, "sub/b.kernel.js"));
    expect(thrice(5)).toBe(15);
  });
  it("the manifest lists every input and output with its sha256", async () => {
    const { result } = await buildProject("manifest", { sources: { "kernels/a.kernel.ts": K } });
    const m = result.manifest;
    expect(m.inputs).toEqual([{ path: "kernels/a.kernel.ts", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(m.outputs.map((o) => o.path)).toContain("tskern.wasm");
    expect(m.kernels).toEqual([{ file: "kernels/a.kernel.ts", name: "twice", signature: "(x: i32) => i32" }]);
    expect(m.versions.assemblyscript).toBe("0.28.20");
  });
  it("removes outputs of kernel files that no longer exist", async () => {
    const { result, outDir, dir } = await buildProject("stale", { sources: { "kernels/a.kernel.ts": K, "kernels/b.kernel.ts": K } });
    expect(result.ok).toBe(true);
    await rm(nodePath.join(dir, "kernels/b.kernel.ts"));
    const again = await buildKernels({ inputs: ["kernels"], cwd: dir });
    await writeOutputs(outDir, again.outputs);
    await expect(access(nodePath.join(outDir, "b.kernel.js"))).rejects.toThrow();
    await expect(access(nodePath.join(outDir, "a.kernel.js"))).resolves.toBeUndefined();
  });
  it("a file not named *.kernel.ts is refused with TSK105", async () => {
    const { result } = await buildProject("notkernel", { sources: { "kernels/helper.ts": K, "kernels/a.kernel.ts": K }, options: { inputs: ["kernels/helper.ts"] } });
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]).toMatchObject({ code: "TSK105", path: "kernels/helper.ts" });
    expect(result.diagnostics[0].message).toContain("must end in .kernel.ts");
  });
  it("an out-of-range memoryLimit is a RangeError naming the option", async () => {
    await expect(buildProject("badlimit", { sources: { "kernels/a.kernel.ts": K }, options: { memoryLimit: 1000 } })).rejects.toThrow(/memoryLimit must be .* 64 KiB to 4 GiB/);
  });
});
