// The build pipeline's layout rules and its bad-input errors.
import { describe, it, expect, afterAll } from "vitest";
import { readFile, rm, access } from "node:fs/promises";
import nodePath from "node:path";
import { fileURLToPath } from "node:url";
import { buildProject } from "./support/build-fixture.js";
import { buildKernels, writeOutputs } from "../plugin/build/build-kernels.js";

// This suite's own build cache, not the repo's node_modules/.cache.
const CACHE = nodePath.join(fileURLToPath(new URL(".", import.meta.url)), ".tmp", `build-cache-${process.pid}`);
process.env.TSKERN_CACHE_DIR = CACHE;
afterAll(() => rm(CACHE, { recursive: true, force: true }));

const K = "export function twice(x: i32): i32 { return x * 2; }\n";

describe("tskern build", () => {
  it("mirrors subdirectories and points each module at the one build module", async () => {
    const { result, outDir } = await buildProject("layout", { sources: { "kernels/a.kernel.ts": K, "kernels/sub/b.kernel.ts": K.replace("twice", "thrice").replace("* 2", "* 3") } });
    expect(result.ok).toBe(true);
    expect(result.outputs.map((o) => o.path).sort()).toEqual(
      ["a.kernel.d.ts", "a.kernel.js", "sub/b.kernel.d.ts", "sub/b.kernel.js", "tskern-build.js", "tskern-manifest.json", "tskern-runtime.js", "tskern.wasm", "tskern.wasm.map"].sort(),
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
    expect(m.kernels).toEqual([{ file: "kernels/a.kernel.ts", name: "twice", signature: "(x: i32) => i32", wasmExport: "kernels_a__twice" }]);
    expect(m.files).toEqual([{ file: "kernels/a.kernel.ts", module: "a.kernel.js", types: "a.kernel.d.ts", exports: ["twice"] }]);
    expect(m.options).toEqual({ boundsCheck: true, runtimeImport: "./tskern-runtime.js", memoryLimit: null });
    expect(m.outputs.map((o) => o.path)).toContain("tskern.wasm.map");
    for (const o of m.outputs) {
      const onDisk = result.outputs.find((x) => x.path === o.path).contents;
      expect(o.size).toBe(typeof onDisk === "string" ? Buffer.byteLength(onDisk) : onDisk.byteLength);
    }
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
  it("records optimizeLevel in the manifest when given, and refuses an invalid one", async () => {
    const { result } = await buildProject("level", { sources: { "kernels/a.kernel.ts": K }, options: { optimizeLevel: 1 } });
    expect(result.ok).toBe(true);
    expect(result.manifest.options).toEqual({ boundsCheck: true, runtimeImport: "./tskern-runtime.js", memoryLimit: null, optimizeLevel: 1 });
    await expect(buildProject("badlevel", { sources: { "kernels/a.kernel.ts": K }, options: { optimizeLevel: 4 } })).rejects.toThrow(/optimizeLevel must be 0, 1, 2 or 3/);
  });
  it("a cached build returns the same result as a fresh one, and cache: false bypasses it", async () => {
    // A source no other test builds: the cache is content-addressed, so the same source built elsewhere would hit.
    const { result, dir } = await buildProject("cached", { sources: { "kernels/a.kernel.ts": K.replace("twice", "twiceCached") } });
    expect(result.fromCache).toBe(false);
    const again = await buildKernels({ inputs: ["kernels"], cwd: dir });
    expect(again.fromCache).toBe(true);
    const { fromCache: _a, ...fresh } = result;
    const { fromCache: _b, ...cached } = again;
    expect(cached).toEqual(fresh);
    expect((await buildKernels({ inputs: ["kernels"], cwd: dir, cache: false })).fromCache).toBe(false);
  });
  it("an out-of-range memoryLimit is a RangeError naming the option", async () => {
    await expect(buildProject("badlimit", { sources: { "kernels/a.kernel.ts": K }, options: { memoryLimit: 1000 } })).rejects.toThrow(/memoryLimit must be .* 64 KiB to 4 GiB/);
  });
});
