// Dev server faults: while `vite dev` runs (programmatic createServer), a
// kernel file is saved with a syntax error, emptied, deleted, renamed, and
// restored. The server stays up (HTTP keeps answering), each failure is a
// located error, and every restore recovers with the right output. Checked
// from Node with ssrLoadModule and HTTP fetches of the transformed modules.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { writeFile, rm, rename, mkdir } from "node:fs/promises";
import nodePath from "node:path";
import { createServer } from "vite";
import tskern from "../../plugin/bundler/vite.js";
import { scratchDir } from "../support/build-fixture.js";

const kernel = (/** @type {number} */ version) => `// A kernel the dev-server fault test edits.
export function scale(x: Float64Array, a: f64): f64 {
  let s: f64 = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * a;
  return s + ${version}.0;
}
`;
const APP = `import { scale } from "./kernels/k.kernel.ts";
export function run() {
  return scale(new Float64Array([1, 2, 3]), 2);
}
`;

/** @type {import("vite").ViteDevServer} */
let server;
let dir = "";
let base = "";
const figures = { faults: 0, recoveries: 0, located: 0, httpChecks: 0 };

beforeAll(async () => {
  dir = await scratchDir("dev-faults");
  await mkdir(nodePath.join(dir, "kernels"), { recursive: true });
  await writeFile(nodePath.join(dir, "kernels/k.kernel.ts"), kernel(1));
  await writeFile(nodePath.join(dir, "app.js"), APP);
  await writeFile(nodePath.join(dir, "index.html"), `<!doctype html><script type="module" src="/app.js"></script>`);
  server = await createServer({
    root: dir,
    configFile: false,
    logLevel: "silent",
    server: { port: 0, host: "127.0.0.1" },
    plugins: [tskern({ cacheDir: nodePath.join(dir, ".cache") })],
  });
  await server.listen();
  base = server.resolvedUrls?.local[0] ?? "";
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
  console.log(`[reliability] dev server faults: ${figures.faults} faults injected, ${figures.located} located errors, ${figures.recoveries} recoveries, ${figures.httpChecks} HTTP checks, server up throughout`);
});

/**
 * Loads /app.js through the dev server until `accept` holds for the outcome
 * (the watcher needs a moment to see a save), or fails after 60 s.
 * @param {(r: { value?: number, error?: any }) => boolean} accept
 */
async function settle(accept) {
  const deadline = Date.now() + 60_000;
  /** @type {{ value?: number, error?: any }} */
  let last = {};
  while (Date.now() < deadline) {
    try {
      const mod = await server.ssrLoadModule("/app.js");
      last = { value: mod.run() };
    } catch (error) {
      last = { error };
    }
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`dev server did not settle: last outcome ${last.error ? String(last.error?.message ?? last.error) : last.value}`);
}

/** The server still answers HTTP: the page and the transformed app module. */
async function serverAnswers() {
  figures.httpChecks++;
  const page = await fetch(new URL("/", base));
  expect(page.status).toBe(200);
  const app = await fetch(new URL("/app.js", base));
  expect(app.status).toBe(200);
  expect(await app.text()).toContain("k.kernel.ts");
}

/** Writes version `v` of the kernel and waits for the server to serve it. @param {number} v */
async function restore(v) {
  await writeFile(nodePath.join(dir, "kernels/k.kernel.ts"), kernel(v));
  const r = await settle((o) => o.value === 12 + v);
  figures.recoveries++;
  expect(r.value).toBe(12 + v);
  await serverAnswers();
}

describe("vite dev server under kernel-file faults", () => {
  it("serves the kernel (baseline)", async () => {
    expect((await settle((o) => o.value !== undefined)).value).toBe(13);
    await serverAnswers();
  });

  it("a syntax error: a located error (file:line:col, code frame); the server stays up; the fix recovers", async () => {
    await writeFile(nodePath.join(dir, "kernels/k.kernel.ts"), kernel(2).replace("s += x[i] * a;", "s += x[i] * * a;"));
    figures.faults++;
    const r = await settle((o) => !!o.error);
    const e = r.error;
    expect(String(e.message)).toMatch(/kernels\/k\.kernel\.ts:4:\d+: error AS\d+/);
    expect(e.loc).toMatchObject({ file: nodePath.join(dir, "kernels/k.kernel.ts"), line: 4 });
    expect(e.loc.column).toBeGreaterThanOrEqual(1);
    expect(e.frame).toContain("> 4 |");
    figures.located++;
    // The transformed kernel module answers with an error status, not a dead socket.
    const res = await fetch(new URL("/kernels/k.kernel.ts", base));
    expect(res.status).toBeGreaterThanOrEqual(400);
    await serverAnswers();
    await restore(3);
  });

  it("a type error in a kernel (bad parameter type) is located too, then recovers", async () => {
    await writeFile(nodePath.join(dir, "kernels/k.kernel.ts"), kernel(4).replace("a: f64", "a: string"));
    figures.faults++;
    const r = await settle((o) => !!o.error);
    expect(String(r.error.message)).toMatch(/kernels\/k\.kernel\.ts:2:\d+: error TSK101/);
    expect(r.error.loc).toMatchObject({ line: 2 });
    figures.located++;
    await serverAnswers();
    await restore(5);
  });

  it("an emptied kernel file: the importer fails cleanly (no export), the server stays up, restore recovers", async () => {
    await writeFile(nodePath.join(dir, "kernels/k.kernel.ts"), "");
    figures.faults++;
    const r = await settle((o) => !!o.error);
    expect(String(r.error?.message ?? r.error)).toMatch(/scale/);
    await serverAnswers();
    await restore(6);
  });

  it("a deleted kernel file: a resolve/load error naming it; re-creating it recovers", async () => {
    await rm(nodePath.join(dir, "kernels/k.kernel.ts"));
    figures.faults++;
    const r = await settle((o) => !!o.error);
    expect(String(r.error?.message ?? r.error)).toMatch(/k\.kernel\.ts/);
    figures.located++;
    await serverAnswers();
    await restore(7);
  });

  it("a renamed kernel file: the old name fails, renaming it back recovers", async () => {
    await rename(nodePath.join(dir, "kernels/k.kernel.ts"), nodePath.join(dir, "kernels/moved.kernel.ts"));
    figures.faults++;
    const r = await settle((o) => !!o.error);
    expect(String(r.error?.message ?? r.error)).toMatch(/k\.kernel\.ts/);
    figures.located++;
    await serverAnswers();
    await rename(nodePath.join(dir, "kernels/moved.kernel.ts"), nodePath.join(dir, "kernels/k.kernel.ts"));
    // The renamed-back file has version 7's text; save a new version to be sure it is live.
    await restore(8);
  });

  it("a burst of saves alternating broken and good text ends in the last good version", async () => {
    for (let i = 0; i < 6; i++) {
      await writeFile(nodePath.join(dir, "kernels/k.kernel.ts"), i % 2 ? kernel(20 + i) : "export function scale(x: Float64Array, a: f64): f64 { return x[0] +; }\n");
      figures.faults++;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await restore(30);
  });
});
