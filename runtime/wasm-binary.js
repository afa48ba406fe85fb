/**
 * Just enough of the wasm binary format to read (and, for pages that cannot
 * use shared memory, rewrite) the module's memory import.
 */

/**
 * @typedef {object} MemoryImport
 * @property {string} module
 * @property {string} name
 * @property {number} minPages
 * @property {number | null} maxPages
 * @property {boolean} shared
 * @property {number} flagsOffset   byte offset of the limits flags
 */

/**
 * Finds the memory import of a module.
 * @param {Uint8Array} bytes
 * @returns {MemoryImport | null}
 */
export function readMemoryImport(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error("not a WebAssembly binary (bad magic number)");
  }
  let pos = 8;
  const u32 = () => {
    const r = readU32(bytes, pos);
    pos = r.next;
    return r.value;
  };
  const name = () => {
    const len = u32();
    const s = new TextDecoder().decode(bytes.subarray(pos, pos + len));
    pos += len;
    return s;
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (id !== 2) { pos = end; continue; }
    const count = u32();
    for (let i = 0; i < count; i++) {
      const module = name();
      const field = name();
      const kind = bytes[pos++];
      if (kind === 0) { u32(); continue; } // function: type index
      if (kind === 1) { pos++; limits(); continue; } // table: reftype + limits
      if (kind === 3) { pos += 2; continue; } // global: valtype + mut
      if (kind === 2) {
        const flagsOffset = pos;
        const l = limits();
        return { module, name: field, ...l, flagsOffset };
      }
      throw new Error(`unsupported import kind ${kind}`);
    }
    return null;
  }
  return null;

  function limits() {
    const flags = bytes[pos++];
    const minPages = u32();
    const maxPages = flags & 1 ? u32() : null;
    return { minPages, maxPages, shared: (flags & 2) !== 0 };
  }
}

/**
 * Reads an unsigned LEB128 number (up to 2^53) at `pos`.
 * @param {Uint8Array} bytes @param {number} pos
 * @returns {{ value: number, next: number }}  the number and the position after it
 */
export function readU32(bytes, pos) {
  let value = 0, shift = 0, b;
  do {
    b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return { value, next: pos };
}

/**
 * Calls `fn(id, contentStart, contentEnd, sectionStart)` for each section.
 * @param {Uint8Array} bytes
 * @param {(id: number, start: number, end: number, sectionStart: number) => void} fn
 */
export function eachSection(bytes, fn) {
  let pos = 8;
  while (pos < bytes.length) {
    const sectionStart = pos;
    const id = bytes[pos++];
    const size = readU32(bytes, pos);
    fn(id, size.next, size.next + size.value, sectionStart);
    pos = size.next + size.value;
  }
}

/**
 * A copy of the module whose memory import is not shared, for pages without
 * cross-origin isolation (where shared memory cannot be created).
 * @param {Uint8Array} bytes
 * @param {MemoryImport} imp
 */
export function withUnsharedMemory(bytes, imp) {
  const copy = bytes.slice();
  copy[imp.flagsOffset] &= ~2;
  return copy;
}
