/**
 * Loads a build's wasm (from a URL in Node or a browser, or from bytes) once
 * per build id, and registers it so `alloc` can find it.
 */
import { KernelBuild } from "./kernel-build.js";
import { sharedState } from "./shared-state.js";

/**
 * @param {URL | string | Uint8Array | ArrayBuffer} source  the .wasm URL or bytes
 * @param {import("./kernel-build.js").BuildMeta} meta
 * @param {import("./kernel-build.js").LoadOptions} [options]
 * @returns {Promise<KernelBuild>}
 */
export function loadBuild(source, meta, options) {
  const state = sharedState();
  let pending = state.loading.get(meta.id);
  if (!pending) {
    pending = (async () => {
      const bytes = await readBytes(source);
      const build = await KernelBuild.instantiate(bytes, meta, options);
      state.builds.push(build);
      return build;
    })();
    state.loading.set(meta.id, pending);
    pending.catch(() => state.loading.delete(meta.id));
  }
  return pending;
}

/** @param {URL | string | Uint8Array | ArrayBuffer} source @returns {Promise<Uint8Array>} */
async function readBytes(source) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const url = source instanceof URL ? source : new URL(source, typeof location !== "undefined" ? location.href : undefined);
  if (url.protocol === "file:") {
    const fsName = "node:fs/promises";
    const fs = await import(/* @vite-ignore */ /* webpackIgnore: true */ fsName);
    return new Uint8Array(await fs.readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`tskern: cannot load ${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
