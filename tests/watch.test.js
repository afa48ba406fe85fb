// `tskern build --watch` as a user runs it: a child process that rebuilds on
// every change to a kernel file, a helper it imports, or the set of kernel
// files; survives compile errors (printed, located, output kept) and recovers
// on the next good save; stops cleanly on SIGTERM.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, execFile } from "node:child_process";
import { mkdir, writeFile, readFile, rm } from "node:fs/promises";
import nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { toolFingerprint } from "../plugin/build/build-cache.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const SCRATCH = nodePath.join(REPO, "tests", ".tmp", `watch-${process.pid}-${Date.now().toString(36)}`);

const kernel = (k) => `import { bump } from "./lib/helper";

export function f(x: i32): i32 {
  return bump(x) * ${k};
}
`;
const helper = (n) => `export function bump(x: i32): i32 { return x + ${n}; }\n`;

/** Calls `name(arg)` from a built kernel module in a fresh process (a fresh module graph). */
function call(dir, module, name, arg) {
  const url = pathToFileURL(nodePath.join(dir, "d", module)).href;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", `const m = await import(${JSON.stringify(url)}); console.log(m[${JSON.stringify(name)}](${arg}));`],
      { cwd: dir, timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(Number(stdout.trim()))));
  });
}

beforeAll(async () => {
  await mkdir(SCRATCH, { recursive: true });
});

afterAll(async () => {
  await rm(SCRATCH, { recursive: true, force: true });
});

describe("tskern build --watch", () => {
  it("rebuilds on changes to kernels and helpers, reports errors, recovers, and stops on SIGTERM", async () => {
    const dir = nodePath.join(SCRATCH, "app");
    await mkdir(nodePath.join(dir, "k/lib"), { recursive: true });
    await writeFile(nodePath.join(dir, "package.json"), `{ "type": "module" }\n`);
    await writeFile(nodePath.join(dir, "k/a.kernel.ts"), kernel(2));
    await writeFile(nodePath.join(dir, "k/lib/helper.ts"), helper(1));

    const child = spawn(process.execPath, [nodePath.join(REPO, "plugin/cli/bin.js"), "build", "k", "--outDir", "d", "--watch"], {
      cwd: dir,
      env: { ...process.env, TSKERN_CACHE_DIR: nodePath.join(dir, "cache"), TSKERN_TOOL_FINGERPRINT: toolFingerprint() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    const log = () => `--- stdout\n${stdout}--- stderr\n${stderr}`;
    /** Waits until `test()` holds (checked every 50 ms), or fails with the output so far. */
    const waitFor = async (what, test, ms = 45_000) => {
      const until = Date.now() + ms;
      while (!test()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${log()}`);
        if (child.exitCode !== null) throw new Error(`the watcher exited (${child.exitCode}) while waiting for ${what}\n${log()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    // Each build is written twice: a quick -O0 build, then the optimized one (counted here).
    const builds = () => (stdout.match(/^built \d+ kernels? from \d+ files? into d\/ in \d+ ms \(optimized\)$/gm) ?? []).length;
    const quickBuilds = () => (stdout.match(/^built \d+ kernels? from \d+ files? into d\/ in \d+ ms \(quick -O0 build; optimizing at -O3\)$/gm) ?? []).length;
    const level = async () => JSON.parse(await readFile(nodePath.join(dir, "d/tskern-manifest.json"), "utf8")).options.optimizeLevel;

    try {
      await waitFor("the first build", () => /^watching \d+ files for changes; press Ctrl-C to stop$/m.test(stdout));
      expect(builds()).toBe(1);
      expect(quickBuilds()).toBe(1);
      expect(await level()).toBeUndefined(); // the last output is the release build, as `tskern build` writes it
      expect(await call(dir, "a.kernel.js", "f", 10)).toBe(22); // (10 + 1) * 2

      // 1. A kernel file changes.
      await writeFile(nodePath.join(dir, "k/a.kernel.ts"), kernel(3));
      await waitFor("a rebuild after the kernel changed", () => builds() === 2);
      expect(stdout).toContain("changed: k/a.kernel.ts; rebuilding");
      expect(quickBuilds()).toBe(2);
      expect(await level()).toBeUndefined();
      expect(await call(dir, "a.kernel.js", "f", 10)).toBe(33);

      // 2. A helper it imports changes.
      await writeFile(nodePath.join(dir, "k/lib/helper.ts"), helper(5));
      await waitFor("a rebuild after the helper changed", () => builds() === 3);
      expect(stdout).toContain("changed: k/lib/helper.ts; rebuilding");
      expect(await call(dir, "a.kernel.js", "f", 10)).toBe(45);

      // 3. A broken save: the error is printed, located; the output stays as it was; the watcher keeps running.
      const manifest = await readFile(nodePath.join(dir, "d/tskern-manifest.json"));
      await writeFile(nodePath.join(dir, "k/a.kernel.ts"), kernel(3).replace("* 3;", "* ;"));
      await waitFor("the compile error", () => /waiting for changes/.test(stderr));
      expect(quickBuilds()).toBe(3); // the quick build failed: no optimized build follows
      expect(stderr).toMatch(/^k\/a\.kernel\.ts:4:\d+: error AS\d+: /m);
      expect(stderr).toContain("> 4 |   return bump(x) * ;");
      expect(stderr).toMatch(/^tskern build: 1 error in 1 file; nothing was written to d\/; waiting for changes$/m);
      expect((await readFile(nodePath.join(dir, "d/tskern-manifest.json"))).equals(manifest)).toBe(true);
      expect(await call(dir, "a.kernel.js", "f", 10)).toBe(45);

      // 4. The next good save recovers.
      await writeFile(nodePath.join(dir, "k/a.kernel.ts"), kernel(4));
      await waitFor("recovery", () => builds() === 4);
      expect(await call(dir, "a.kernel.js", "f", 10)).toBe(60);

      // 5. A new kernel file joins the build; a save without changes builds nothing.
      await writeFile(nodePath.join(dir, "k/b.kernel.ts"), "export function g(x: i32): i32 { return x - 1; }\n");
      await waitFor("a rebuild with the new file", () => builds() === 5);
      expect(stdout).toContain("added: k/b.kernel.ts; rebuilding");
      expect(stdout).toMatch(/^built 2 kernels from 2 files into d\/ in \d+ ms/m);
      expect(await call(dir, "b.kernel.js", "g", 10)).toBe(9);
      await writeFile(nodePath.join(dir, "k/b.kernel.ts"), "export function g(x: i32): i32 { return x - 1; }\n");
      await new Promise((r) => setTimeout(r, 600));
      expect(builds()).toBe(5);
    } finally {
      child.kill("SIGTERM");
    }
    const { code } = await exited;
    expect(code, log()).toBe(0);
  }, 180_000);
});
