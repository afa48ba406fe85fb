/**
 * Test and bench support for WebGPU pages: headless Chromium with WebGPU on
 * SwiftShader (a CPU implementation, no GPU needed), and a static file server
 * on localhost (a secure context, which WebGPU requires) that sends COOP/COEP
 * so pages get shared kernel memory.
 */
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import nodePath from "node:path";
import { CHROMIUM, CHROMIUM_ARGS, ensureChromium } from "./chromium.js";

/** Our usual flags, minus --disable-gpu (it turns WebGPU off), plus WebGPU on SwiftShader. */
export const WEBGPU_ARGS = [...CHROMIUM_ARGS.filter((a) => a !== "--disable-gpu"), "--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader"];

export async function launchWebGPUChromium() {
  ensureChromium();
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: WEBGPU_ARGS });
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".map": "application/json" };

/**
 * Serves `dir` on http://localhost:<free port>/.
 * @param {string} dir
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveDir(dir) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const file = nodePath.join(dir, path === "/" ? "index.html" : path);
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": TYPES[/** @type {keyof typeof TYPES} */ (nodePath.extname(file))] ?? "application/octet-stream",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-embedder-policy": "require-corp",
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const port = /** @type {import("node:net").AddressInfo} */ (server.address()).port;
  return { url: `http://localhost:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve(undefined))) };
}
