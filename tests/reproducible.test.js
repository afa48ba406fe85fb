// Reproducible builds: the same sources and options give byte-identical
// artifacts (wasm, JS, .d.ts, source map, manifest) from any checkout path,
// process, time zone, locale, input order or line-ending style; the manifest
// describes every input and output; the wasm's source map is emitted and
// referenced. Builds run with --no-cache, so every build really compiles.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import { mkdir, writeFile, readFile, rm, readdir, cp } from "node:fs/promises";
import os from "node:os";
import nodePath from "node:path";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { main } from "../plugin/cli/main.js";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const SCRATCH = nodePath.join(REPO, "tests", ".tmp", `repro-${process.pid}-${Date.now().toString(36)}`);
process.env.TSKERN_CACHE_DIR = nodePath.join(SCRATCH, "cache");
delete process.env.TSKERN_NO_CACHE;

const VEC = `// Vector kernels.
import { clamp } from "./lib/util";

export function dot(x: Float64Array, y: Float64Array): f64 {
  let s: f64 = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * y[i];
  return s;
}

// @tskern boundscheck=false
export function clampAll(x: Float64Array, lo: f64, hi: f64): void {
  for (let i = 0; i < x.length; i++) x[i] = clamp(x[i], lo, hi);
}

export function range(n: i32): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = <f64>i;
  return out;
}
`;
const UTIL = "export function clamp(v: f64, lo: f64, hi: f64): f64 { return v < lo ? lo : v > hi ? hi : v; }\n";
const HIST = `export function histogram(data: Uint8Array, bins: Int32Array): void {
  for (let i = 0; i < data.length; i++) bins[data[i]]++;
}

export function checksum(data: Uint8Array): u32 {
  let h: u32 = 2166136261;
  for (let i = 0; i < data.length; i++) h = (h ^ data[i]) * 16777619;
  return h;
}
`;
const SOURCES = {
  "kernels/vec.kernel.ts": VEC,
  "kernels/lib/util.ts": UTIL,
  "kernels/stats/hist.kernel.ts": HIST,
};

/** Writes SOURCES plus two of the example kernels (a realistic program) under `dir`. */
async function project(dir, transform = (text) => text) {
  for (const [path, text] of Object.entries(SOURCES)) {
    await mkdir(nodePath.dirname(nodePath.join(dir, path)), { recursive: true });
    await writeFile(nodePath.join(dir, path), transform(text));
  }
  for (const name of ["align.kernel.ts", "blas.kernel.ts"]) {
    await mkdir(nodePath.join(dir, "kernels/library"), { recursive: true });
    await writeFile(nodePath.join(dir, "kernels/library", name), transform(await readFile(nodePath.join(REPO, "examples/kernels", name), "utf8")));
  }
  return dir;
}

/** Every file under `dir`: relative posix path -> contents. */
async function tree(dir) {
  const files = new Map();
  for (const rel of (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())) {
    const abs = nodePath.join(rel.parentPath ?? rel.path, rel.name);
    files.set(nodePath.relative(dir, abs).split(nodePath.sep).join("/"), await readFile(abs));
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function run(argv, cwd) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { cwd, stdout: { write: (s) => { stdout += s; } }, stderr: { write: (s) => { stderr += s; } } });
  return { code, stdout, stderr };
}

/** Runs the real bin in a child process, with extra environment. */
function bin(argv, cwd, env) {
  return new Promise((resolve) => {
    execFile(process.execPath, [nodePath.join(REPO, "plugin/cli/bin.js"), ...argv], { cwd, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

const sha = (data) => createHash("sha256").update(data).digest("hex");

/** The wasm's custom sections: name -> payload. */
function customSections(wasm) {
  const sections = new Map();
  let at = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = wasm[at++];
      result |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result >>> 0;
      shift += 7;
    }
  };
  while (at < wasm.length) {
    const id = wasm[at++];
    const size = leb();
    const end = at + size;
    if (id === 0) {
      const nameLength = leb();
      const name = Buffer.from(wasm.subarray(at, at + nameLength)).toString("utf8");
      sections.set(name, wasm.subarray(at + nameLength, end));
    }
    at = end;
  }
  return sections;
}

let A; // the reference build: in-process, from a shallow path
let dirA;

beforeAll(async () => {
  await mkdir(SCRATCH, { recursive: true });
  dirA = await project(nodePath.join(SCRATCH, "a"));
  const r = await run(["build", "kernels", "--outDir", "dist", "--no-cache"], dirA);
  expect(r.code, r.stderr).toBe(0);
  A = await tree(nodePath.join(dirA, "dist"));
});

afterAll(async () => {
  await rm(SCRATCH, { recursive: true, force: true });
});

/** Expects `other` to equal A file for file, byte for byte, naming the first difference. */
function expectSameAsA(other) {
  expect([...other.keys()]).toEqual([...A.keys()]);
  for (const [path, data] of A) expect(sha(other.get(path)), `${path} differs`).toBe(sha(data));
}

describe("reproducible builds", () => {
  it("builds from a different checkout path, in another process, time zone and locale, byte for byte the same", async () => {
    const dirB = await project(nodePath.join(SCRATCH, "somewhere", "much", "deeper", "checkout-b"));
    const r = await bin(["build", "kernels", "--outDir", "out/dist", "--no-cache"], dirB, { TZ: "Pacific/Chatham", LANG: "tr_TR.UTF-8", LC_ALL: "tr_TR.UTF-8" });
    expect(r.code, r.stderr).toBe(0);
    expectSameAsA(await tree(nodePath.join(dirB, "out/dist")));
  });

  it("is the same whatever the input order, with absolute inputs, --root from elsewhere, and CRLF line endings", async () => {
    const dirC = await project(nodePath.join(SCRATCH, "crlf"), (text) => text.replace(/\n/g, "\r\n"));
    const r = await run(
      ["build", nodePath.join(dirC, "kernels/stats"), "kernels/library", "kernels/vec.kernel.ts", "kernels", "--root", dirC, "--outDir", nodePath.join(SCRATCH, "crlf-out"), "--no-cache"],
      dirC,
    );
    expect(r.code, r.stderr).toBe(0);
    expectSameAsA(await tree(nodePath.join(SCRATCH, "crlf-out")));
  });

  it("puts no absolute path, user name or host name in any artifact", () => {
    const needles = [REPO, SCRATCH, dirA, os.homedir(), os.tmpdir(), REPO.split(nodePath.sep).join("/")].filter((s) => s.length > 4);
    for (const [path, data] of A) {
      const text = data.toString("latin1");
      for (const n of needles) expect(text.includes(n), `${path} contains ${n}`).toBe(false);
      expect(text, path).not.toMatch(/file:\/\//);
    }
  });

  it("passes tskern check on a build made elsewhere, and fails naming a modified artifact", async () => {
    const dirD = await project(nodePath.join(SCRATCH, "d"));
    await cp(nodePath.join(dirA, "dist"), nodePath.join(dirD, "dist"), { recursive: true });
    const ok = await run(["check", "kernels"], dirD);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);

    const map = nodePath.join(dirD, "dist", "tskern.wasm.map");
    await writeFile(map, (await readFile(map, "utf8")).replace('"version":3', '"version": 3'));
    const bad = await run(["check", "kernels", "--outDir", "dist"], dirD);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^\s+modified\s+dist\/tskern\.wasm\.map$/m);
    expect(bad.stderr.match(/^\s+(modified|missing)\s/gm)).toHaveLength(1);
  });
});

describe("the manifest", () => {
  it("records tool versions, options, every input and output with sha256 and size, and each kernel's signature", () => {
    const m = JSON.parse(A.get("tskern-manifest.json").toString("utf8"));
    expect(m.tool).toBe("tskern");
    expect(Object.keys(m.versions)).toEqual(["tskern", "assemblyscript", "binaryen"]);
    expect(m.options).toEqual({ boundsCheck: true, runtimeImport: "./tskern-runtime.js", memoryLimit: null });

    // Inputs: kernel files and the helper they import, relative paths, sha256 of the text.
    const inputs = new Map(m.inputs.map((i) => [i.path, i.sha256]));
    for (const [path, text] of Object.entries(SOURCES)) expect(inputs.get(path), path).toBe(sha(text));
    expect([...inputs.keys()].every((p) => p.startsWith("kernels/"))).toBe(true);

    // Outputs: every file in dist but the manifest itself, with its sha256 and size.
    expect(m.outputs.map((o) => o.path).sort()).toEqual([...A.keys()].filter((p) => p !== "tskern-manifest.json").sort());
    for (const o of m.outputs) {
      expect(o.sha256, o.path).toBe(sha(A.get(o.path)));
      expect(o.size, o.path).toBe(A.get(o.path).byteLength);
    }

    // Kernels: exports and signatures, per file.
    expect(m.files.find((f) => f.file === "kernels/vec.kernel.ts")).toEqual({
      file: "kernels/vec.kernel.ts", module: "vec.kernel.js", types: "vec.kernel.d.ts", exports: ["dot", "clampAll", "range"],
    });
    const vec = m.kernels.filter((k) => k.file === "kernels/vec.kernel.ts");
    expect(vec.map((k) => [k.name, k.signature])).toEqual([
      ["dot", "(x: Float64Array, y: Float64Array) => f64"],
      ["clampAll", "(x: Float64Array, lo: f64, hi: f64) => void"],
      ["range", "(n: i32) => Float64Array"],
    ]);
    expect(vec[0].wasmExport).toMatch(/dot$/);
    expect(m.kernels.filter((k) => k.file === "kernels/stats/hist.kernel.ts").map((k) => k.signature)).toEqual([
      "(data: Uint8Array, bins: Int32Array) => void", "(data: Uint8Array) => u32",
    ]);
  });
});

describe("the wasm source map", () => {
  it("is emitted as tskern.wasm.map, referenced by the wasm, with kernel sources relative and embedded", () => {
    const wasm = A.get("tskern.wasm");
    const url = customSections(wasm).get("sourceMappingURL");
    expect(url, "the wasm has a sourceMappingURL section").toBeDefined();
    // Its payload is a length-prefixed string.
    expect(Buffer.from(url.subarray(1)).toString("utf8")).toBe("./tskern.wasm.map");

    const map = JSON.parse(A.get("tskern.wasm.map").toString("utf8"));
    expect(map.version).toBe(3);
    expect(map.file).toBe("tskern.wasm");
    expect(map.mappings.length).toBeGreaterThan(0);
    expect(map.sourceRoot).toBeUndefined();
    for (const [path, text] of Object.entries(SOURCES)) {
      const i = map.sources.indexOf(path);
      expect(i, `${path} is a source`).toBeGreaterThanOrEqual(0);
      expect(map.sourcesContent[i]).toBe(text);
    }
    map.sources.forEach((s, i) => {
      expect(s.startsWith("/") || /^[A-Za-z]:/.test(s), s).toBe(false);
      if (s.startsWith("~lib/")) expect(map.sourcesContent[i], s).toBeNull(); // the standard library is not embedded
    });
  });
});
