/**
 * webpack/Rspack loader for `x.kernel.ts?tskern-wasm`: the bytes of the wasm
 * compiled from `x.kernel.ts` (its unit), as an `asset/resource` module, so
 * the bundler emits it under a hashed name and rewrites the
 * `new URL(..., import.meta.url)` that refers to it.
 * @this {any}
 */
export default function tskernWasmLoader() {
  const callback = this.async();
  const { wasmBytes } = this.getOptions ? this.getOptions() : this.query;
  wasmBytes(this.resourcePath).then(
    (/** @type {Uint8Array} */ bytes) => callback(null, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    (/** @type {unknown} */ error) => callback(error instanceof Error ? error : new Error(String(error))),
  );
}

export const raw = true;
