// The `tskern` CLI: build, check, errors and usage, driven in-process through
// main() (plus the real bin once), on scratch projects under tests/.tmp/.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import { mkdir, writeFile, readFile, rm, readdir } from "node:fs/promises";
import nodePath from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { main } from "../plugin/cli/main.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const SCRATCH = nodePath.join(REPO, "tests", ".tmp", `cli-${process.pid}-${Date.now().toString(36)}`);
// A cache of this run's own (not the repo's node_modules/.cache), so first builds compile.
process.env.TSKERN_CACHE_DIR = nodePath.join(SCRATCH, "cache");
delete process.env.TSKERN_NO_CACHE;

const VEC = `// Vector kernels.
export function dot(x: Float64Array, y: Float64Array): f64 {
  let s: f64 = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

export function scale(a: f64, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i] *= a;
}

export function range(n: i32): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = <f64>i;
  return out;
}
`;

const STATS = `import { square } from "./util";

export function sumSquares(x: Int32Array): i32 {
  let s: i32 = 0;
  for (let i = 0; i < x.length; i++) s += square(x[i]);
  return s;
}
`;

const UTIL = `export function square(v: i32): i32 { return v * v; }
`;

/** Writes files (relative path -> text) under a new scratch project. */
async function project(name, files) {
  const dir = nodePath.join(SCRATCH, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(nodePath.dirname(nodePath.join(dir, path)), { recursive: true });
    await writeFile(nodePath.join(dir, path), text);
  }
  return dir;
}

/** Runs main() with in-memory streams. */
async function run(argv, cwd) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { cwd, stdout: { write: (s) => { stdout += s; } }, stderr: { write: (s) => { stderr += s; } } });
  return { code, stdout, stderr };
}

const exists = (path) => readFile(path).then(() => true, () => false);

beforeAll(async () => {
  await mkdir(SCRATCH, { recursive: true });
});

afterAll(async () => {
  await rm(SCRATCH, { recursive: true, force: true });
});

describe("tskern build", () => {
  let dir;

  beforeAll(async () => {
    dir = await project("app", {
      "package.json": `{ "type": "module" }\n`,
      "kernels/vec.kernel.ts": VEC,
      "kernels/stats/stats.kernel.ts": STATS,
      "kernels/stats/util.ts": UTIL,
    });
  });

  it("builds a multi-file project whose modules import and run", async () => {
    const r = await run(["build", "kernels", "--outDir", "dist"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^built 4 kernels from 2 files into dist\/ in \d+ ms\n$/);
    const files = await readdir(nodePath.join(dir, "dist"), { recursive: true });
    expect(files.map((f) => f.split(nodePath.sep).join("/")).sort()).toEqual(expect.arrayContaining([
      "stats/stats.kernel.js", "stats/stats.kernel.d.ts", "vec.kernel.js", "vec.kernel.d.ts",
      "tskern.wasm", "tskern-build.js", "tskern-runtime.js", "tskern-manifest.json",
    ]));

    const vec = await import(pathToFileURL(nodePath.join(dir, "dist/vec.kernel.js")).href);
    const stats = await import(pathToFileURL(nodePath.join(dir, "dist/stats/stats.kernel.js")).href);
    const { alloc, free } = await import(pathToFileURL(nodePath.join(dir, "dist/tskern-runtime.js")).href);

    expect(vec.dot(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6]))).toBe(32);
    const x = alloc(Float64Array, 4);
    x.set([1, 2, 3, 4]);
    vec.scale(2, x); // in place, in kernel memory
    expect(Array.from(x)).toEqual([2, 4, 6, 8]);
    const r4 = vec.range(4);
    expect(r4).toBeInstanceOf(Float64Array);
    expect(Array.from(r4)).toEqual([0, 1, 2, 3]);
    expect(stats.sumSquares(new Int32Array([1, 2, 3]))).toBe(14);
    free(x);
  });

  it("prints a progress line per file when there are more than 3 files", async () => {
    const many = await project("many", Object.fromEntries(["a", "b", "c", "d"].map((n, i) => [
      `src/${n}.kernel.ts`,
      `export function ${n}1(x: f64): f64 { return x + ${i}; }\n${n === "b" ? `export function ${n}2(x: i32): i32 { return x * 2; }\n` : ""}`,
    ])));
    const r = await run(["build", "src", "--outDir", "out/lib"], many);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "[1/4] src/a.kernel.ts -> out/lib/a.kernel.js (1 kernel)",
      "[2/4] src/b.kernel.ts -> out/lib/b.kernel.js (2 kernels)",
      "[3/4] src/c.kernel.ts -> out/lib/c.kernel.js (1 kernel)",
      "[4/4] src/d.kernel.ts -> out/lib/d.kernel.js (1 kernel)",
    ]);
    expect(lines[4]).toMatch(/^built 5 kernels from 4 files into out\/lib\/ in \d+ ms$/);
    expect(lines).toHaveLength(5);

    const quiet = await run(["build", "src", "--outDir=out/q", "--quiet"], many);
    expect(quiet).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(await exists(nodePath.join(many, "out/q/d.kernel.js"))).toBe(true);
  });

  it("reports a syntax error with path:line:col and a code frame, writing nothing", async () => {
    const broken = await project("syntax", {
      "k/ok.kernel.ts": "export function one(): i32 { return 1; }\n",
      "k/bad.kernel.ts": "export function f(n: i32): i32 {\n  let s: i32 = 0;\n  for (let i = 0; i < n; i++ {\n    s += i;\n  }\n  return s;\n}\n",
    });
    const r = await run(["build", "k", "--outDir", "dist"], broken);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^k\/bad\.kernel\.ts:3:\d+: error AS\d+: /m);
    expect(r.stderr).toContain("> 3 |   for (let i = 0; i < n; i++ {");
    expect(r.stderr).toMatch(/^\s+\|\s+\^+$/m); // the marker line of the frame
    expect(r.stderr).toMatch(/nothing was written to dist\/\n$/);
    expect(await exists(nodePath.join(broken, "dist"))).toBe(false);
  });

  it("reports an unsupported parameter type at that parameter (TSK101), naming what is supported", async () => {
    const bad = await project("badparam", {
      "k/text.kernel.ts": "export function count(n: i32,\n                      label: string): i32 {\n  return n;\n}\n",
    });
    const r = await run(["build", "k"], bad);
    expect(r.code).toBe(1);
    // line 2; the location is the parameter's type annotation
    const m = /^k\/text\.kernel\.ts:(\d+):(\d+): error TSK101: (.*)$/m.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(Number(m[1])).toBe(2);
    expect(Number(m[2])).toBe("                      label: ".length + 1);
    expect(m[3]).toContain("'label'");
    expect(m[3]).toContain("'string'");
    expect(m[3]).toMatch(/Supported: .*f64.*Float64Array/);
    expect(r.stderr).toContain("> 2 |                       label: string): i32 {");
    expect(await exists(nodePath.join(bad, "dist"))).toBe(false);
  });
});

describe("tskern build in a CommonJS package", () => {
  it("still builds, and warns that Node will not import the ES modules, naming the package.json and the fix", async () => {
    const cjs = await project("cjs-app", {
      "package.json": `{ "name": "cjs-app", "type": "commonjs" }\n`,
      "k/util.kernel.ts": UTIL,
    });
    const r = await run(["build", "k", "--outDir", "dist"], cjs);
    expect(r.code).toBe(0);
    expect(await exists(nodePath.join(cjs, "dist/util.kernel.js"))).toBe(true);
    expect(r.stderr).toContain(`tskern build: warning: dist/*.kernel.js are ES modules, but package.json does not say "type": "module"`);
    expect(r.stderr).toContain("npm pkg set type=module");
    await writeFile(nodePath.join(cjs, "package.json"), `{ "name": "cjs-app", "type": "module" }\n`);
    const fixed = await run(["build", "k", "--outDir", "dist"], cjs);
    expect(fixed.code).toBe(0);
    expect(fixed.stderr).toBe("");
  });
});

describe("tskern usage errors", () => {
  it("rejects an unknown option with exit code 2, naming it", async () => {
    const r = await run(["build", "kernels", "--fast"], SCRATCH);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--fast'");
    expect(r.stdout).toBe("");
  });

  it("rejects an unknown command, a missing option value and a bad size", async () => {
    expect((await run(["compile", "k"], SCRATCH)).stderr).toContain("unknown command 'compile'");
    expect((await run(["compile", "k"], SCRATCH)).code).toBe(2);
    const noValue = await run(["build", "k", "--outDir"], SCRATCH);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toContain("'--outDir' needs a value");
    const size = await run(["build", "k", "--memory-limit", "lots"], SCRATCH);
    expect(size.code).toBe(2);
    expect(size.stderr).toContain("--memory-limit 'lots' is not a size");
    expect((await run(["build", "k", "--boundscheck=maybe"], SCRATCH)).code).toBe(2);
    const level = await run(["build", "k", "--optimize-level", "5"], SCRATCH);
    expect(level.code).toBe(2);
    expect(level.stderr).toContain("--optimize-level takes 0, 1, 2 or 3, not '5'");
    const watchCheck = await run(["check", "k", "--watch"], SCRATCH);
    expect(watchCheck.code).toBe(2);
    expect(watchCheck.stderr).toContain("--watch works with 'tskern build', not 'check'");
    const quickAlone = await run(["build", "k", "--no-quick"], SCRATCH);
    expect(quickAlone.code).toBe(2);
    expect(quickAlone.stderr).toContain("--no-quick only applies to 'tskern build --watch'");
  });

  it("names a missing input", async () => {
    const r = await run(["build", "no-such-dir"], SCRATCH);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("'no-such-dir' does not exist");
    const none = await run(["build"], SCRATCH);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no kernel files or directories given");
  });

  it("prints help, version, and that bench is planned", async () => {
    const help = await run(["--help"], SCRATCH);
    expect(help.code).toBe(0);
    for (const word of ["build", "check", "cache clean", "cache dir", "annotate", "bench", "--outDir", "--boundscheck", "--runtime-import", "--memory-limit",
      "--optimize-level", "--no-cache", "--watch", "--no-quick", "--quiet", "TSKERN_CACHE_DIR", "TSKERN_CACHE_MAX_BYTES"]) {
      expect(help.stdout).toContain(word);
    }
    expect((await run(["build", "-h"], SCRATCH)).stdout).toBe(help.stdout);
    const version = await run(["--version"], SCRATCH);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^tskern \d+\.\d+\.\d+ \(AssemblyScript \d/);
    for (const cmd of ["bench"]) {
      const r = await run([cmd, "kernels"], SCRATCH);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`tskern ${cmd} is not available in this version`);
      expect(r.stderr).toContain("planned");
    }
    const bare = await run([], SCRATCH);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: tskern");
  });
});

describe("tskern check", () => {
  let dir;

  beforeAll(async () => {
    dir = await project("check", {
      "kernels/vec.kernel.ts": VEC,
      "kernels/stats/stats.kernel.ts": STATS,
      "kernels/stats/util.ts": UTIL,
    });
    const built = await run(["build", "kernels", "--outDir", "dist", "--no-boundscheck"], dir);
    expect(built.code, built.stderr).toBe(0);
  });

  it("passes right after a build with the same options", async () => {
    const r = await run(["check", "kernels", "--outDir", "dist", "--no-boundscheck"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^check OK: dist\/ matches a fresh build \(\d+ files, 4 kernels\)\n$/);
  });

  it("fails naming a file whose bytes changed, and one that is missing", async () => {
    const target = nodePath.join(dir, "dist/stats/stats.kernel.js");
    const original = await readFile(target);
    const changed = Buffer.from(original);
    changed[changed.length - 2] ^= 1;
    await writeFile(target, changed);
    try {
      const r = await run(["check", "kernels", "--outDir", "dist", "--no-boundscheck"], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^\s+modified\s+dist\/stats\/stats\.kernel\.js$/m);
      expect(r.stderr).not.toContain("vec.kernel.js");
      expect(r.stderr).toContain("tskern build kernels --outDir dist --no-boundscheck");
    } finally {
      await writeFile(target, original);
    }

    await rm(nodePath.join(dir, "dist/tskern.wasm"));
    const r = await run(["check", "kernels", "--outDir", "dist", "--no-boundscheck"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\s+missing\s+dist\/tskern\.wasm$/m);
    expect(r.stderr).not.toContain("stats.kernel.js");
  });
});

describe("bin.js", () => {
  it("exits with code 1 on a broken kernel", async () => {
    const dir = await project("bin", { "k/broken.kernel.ts": "export function f(x: f64): f64 {\n  return x +;\n}\n" });
    const error = await promisify(execFile)(process.execPath, [nodePath.join(REPO, "plugin/cli/bin.js"), "build", "k", "--outDir", "dist"], { cwd: dir })
      .then(() => null, (e) => e);
    expect(error, "bin.js should have failed").not.toBeNull();
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/^k\/broken\.kernel\.ts:2:\d+: error /m);
    expect(error.stdout).toBe("");
    expect(await exists(nodePath.join(dir, "dist"))).toBe(false);
  });
});

describe("tskern annotate", () => {
  it("writes the report for one kernel file and prints where", async () => {
    const dir = await project("annotate", { "k/vec.kernel.ts": VEC });
    const r = await run(["annotate", "k/vec.kernel.ts", "-o", "report.html"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("wrote report.html");
    const html = await readFile(nodePath.join(dir, "report.html"), "utf8");
    expect(html).toContain("export function dot");
  });
  it("a kernel that does not compile: exit 1, located error, no report", async () => {
    const dir = await project("annotate-bad", { "k/bad.kernel.ts": "export function f(x: i32): i32 { return x +; }\n" });
    const r = await run(["annotate", "k/bad.kernel.ts", "-o", "report.html"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/k\/bad\.kernel\.ts:1:\d+: error/);
    await expect(readFile(nodePath.join(dir, "report.html"))).rejects.toThrow();
  });
  it("two files or none: usage error", async () => {
    expect((await run(["annotate", "a.kernel.ts", "b.kernel.ts"], REPO)).code).toBe(2);
    expect((await run(["annotate"], REPO)).code).toBe(2);
  });
});
