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

/**
 * Retires a build that a newer one replaces (a dev server's hot update of a
 * kernel): `replacement` takes its place in `builds()`, so `alloc` without
 * `{ build }` uses it if the old one was the default, and loading the old id
 * again instantiates it afresh. Arrays of the retired build stay valid and
 * keep working with the kernels that were loaded with it.
 * @param {KernelBuild} build
 * @param {KernelBuild} [replacement]
 */
export function retireBuild(build, replacement) {
  const state = sharedState();
  const at = state.builds.indexOf(build);
  if (at < 0) return;
  state.loading.delete(build.id);
  const moved = replacement ? state.builds.indexOf(replacement) : -1;
  if (moved > at) {
    state.builds.splice(moved, 1);
    state.builds.splice(at, 1, /** @type {KernelBuild} */ (replacement));
  } else {
    state.builds.splice(at, 1);
  }
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
