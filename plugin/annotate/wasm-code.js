/**
 * A small WebAssembly binary reader for the annotate report: the sections it
 * needs (types, imports, functions, exports, code) and every instruction of
 * every function body, with its byte offset in the module. Offsets are what
 * the source map and V8's stack traces speak, so each instruction can be
 * mapped to the kernel line it came from.
 *
 * It never throws on a body it cannot fully read: decoding stops at the first
 * unknown opcode and the function gets an `error` instead (the report then
 * shows the instructions read so far). Malformed headers do throw.
 */
import { OPCODES } from "./wasm-opcodes.js";

/**
 * @typedef {object} FuncType
 * @property {string[]} params
 * @property {string[]} results
 */

/**
 * @typedef {object} Instruction
 * @property {number} offset   byte offset in the module
 * @property {string} op       text name (`f64.load`)
 * @property {string} imm      immediates as text (`offset=8`, `$3`, `42`)
 * @property {number} pops
 * @property {number} pushes
 * @property {string} [flow]   control-flow class (see wasm-opcodes.js)
 * @property {number} [callee] function index of a direct call
 * @property {number | bigint} [value]  the constant of `i32.const` / `i64.const`
 * @property {number} depth    structured-control nesting (1 = function body)
 * @property {number} loops    number of enclosing `loop`s
 */

/**
 * @typedef {object} WasmFunction
 * @property {number} index        function index (imports come first)
 * @property {number} typeIndex
 * @property {number} start        offset of the body's first instruction
 * @property {number} end          offset after the body
 * @property {Instruction[]} instructions
 * @property {string} [error]      why decoding stopped early
 */

/**
 * @typedef {object} WasmModule
 * @property {FuncType[]} types
 * @property {Array<{ module: string, name: string, kind: number, typeIndex?: number }>} imports
 * @property {number} importedFunctions
 * @property {WasmFunction[]} functions   defined functions, in index order
 * @property {Array<{ name: string, kind: number, index: number }>} exports
 * @property {Map<number, string>} names  function names from the name section, if any
 */

const VALTYPES = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref" };

/** Reads LEB128 and friends from a byte array. */
class Reader {
  /** @param {Uint8Array} bytes @param {number} pos */
  constructor(bytes, pos = 0) {
    this.bytes = bytes;
    this.pos = pos;
  }

  byte() {
    if (this.pos >= this.bytes.length) throw new RangeError("unexpected end of the wasm binary");
    return this.bytes[this.pos++];
  }

  u32() {
    let result = 0, shift = 0, b;
    do {
      b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  }

  /** Signed LEB up to 53 bits as a number (i32 constants, s33 block types). */
  sN() {
    let result = 0, shift = 0, b;
    do {
      b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 64 && b & 0x40) result -= 2 ** shift;
    return result;
  }

  s64() {
    let result = 0n, shift = 0n, b;
    do {
      b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    if (b & 0x40) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }

  /** @param {number} n */
  skip(n) {
    this.pos += n;
    if (this.pos > this.bytes.length) throw new RangeError("unexpected end of the wasm binary");
  }

  name() {
    const len = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.skip(len);
    return s;
  }

  valtype() {
    const b = this.byte();
    if (b === 0x63 || b === 0x64) { this.sN(); return b === 0x63 ? "(ref null)" : "(ref)"; }
    return VALTYPES[/** @type {keyof typeof VALTYPES} */ (b)] ?? `type(0x${b.toString(16)})`;
  }

  limits() {
    const flags = this.byte();
    this.u32();
    if (flags & 1) this.u32();
  }
}

/**
 * Decodes a module's functions and the sections needed to name them.
 * @param {Uint8Array} bytes
 * @returns {WasmModule}
 */
export function decodeModule(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error("not a WebAssembly binary (bad magic number)");
  }
  const r = new Reader(bytes, 8);
  /** @type {WasmModule} */
  const mod = { types: [], imports: [], importedFunctions: 0, functions: [], exports: [], names: new Map() };
  /** @type {number[]} */
  let funcTypes = [];
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        const form = r.byte();
        if (form !== 0x60) throw new Error(`unsupported type form 0x${form.toString(16)} (GC types are not supported by the annotate reader)`);
        const params = [];
        for (let k = r.u32(); k > 0; k--) params.push(r.valtype());
        const results = [];
        for (let k = r.u32(); k > 0; k--) results.push(r.valtype());
        mod.types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        if (kind === 0) {
          mod.imports.push({ module, name, kind, typeIndex: r.u32() });
          mod.importedFunctions++;
        } else {
          if (kind === 1) { r.valtype(); r.limits(); }
          else if (kind === 2) r.limits();
          else if (kind === 3) { r.valtype(); r.byte(); }
          else if (kind === 4) { r.byte(); r.u32(); }
          else throw new Error(`unsupported import kind ${kind}`);
          mod.imports.push({ module, name, kind });
        }
      }
    } else if (id === 3) {
      funcTypes = [];
      for (let n = r.u32(); n > 0; n--) funcTypes.push(r.u32());
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = r.byte();
        mod.exports.push({ name, kind, index: r.u32() });
      }
    } else if (id === 10) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const bodySize = r.u32();
        const bodyEnd = r.pos + bodySize;
        const index = mod.importedFunctions + i;
        const fn = decodeBody(bytes, r.pos, bodyEnd, mod, funcTypes);
        mod.functions.push({ index, typeIndex: funcTypes[i], ...fn });
        r.pos = bodyEnd;
      }
    } else if (id === 0) {
      const name = r.name();
      if (name === "name") readNames(new Reader(bytes, r.pos), end, mod.names);
    }
    r.pos = end;
  }
  return mod;
}

/**
 * The type of function `index` (imported or defined).
 * @param {WasmModule} mod @param {number[]} funcTypes @param {number} index
 * @returns {FuncType | undefined}
 */
function funcType(mod, funcTypes, index) {
  if (index < mod.importedFunctions) {
    const imp = mod.imports.filter((i) => i.kind === 0)[index];
    return imp?.typeIndex === undefined ? undefined : mod.types[imp.typeIndex];
  }
  return mod.types[funcTypes[index - mod.importedFunctions]];
}

/**
 * @param {Uint8Array} bytes @param {number} start @param {number} end
 * @param {WasmModule} mod @param {number[]} funcTypes
 * @returns {{ start: number, end: number, instructions: Instruction[], error?: string }}
 */
function decodeBody(bytes, start, end, mod, funcTypes) {
  const r = new Reader(bytes, start);
  for (let n = r.u32(); n > 0; n--) { r.u32(); r.valtype(); }
  const codeStart = r.pos;
  /** @type {Instruction[]} */
  const instructions = [];
  let depth = 1;
  /** kinds of the open blocks, innermost last ("loop" counts toward `loops`) */
  const open = ["func"];
  let loops = 0;
  try {
    while (r.pos < end) {
      const offset = r.pos;
      const first = r.byte();
      const key = first === 0xfb || first === 0xfc || first === 0xfd || first === 0xfe ? first * 0x10000 + r.u32() : first;
      const info = OPCODES.get(key);
      if (!info) {
        const hex = first >= 0xfb ? `0x${first.toString(16)} ${key - first * 0x10000}` : `0x${first.toString(16)}`;
        return { start: codeStart, end, instructions, error: `unknown opcode ${hex} at offset 0x${offset.toString(16)}` };
      }
      /** @type {Instruction} */
      const ins = { offset, op: info.name, imm: "", pops: info.pops, pushes: info.pushes, depth, loops };
      if (info.flow) ins.flow = info.flow;
      readImmediates(r, info.imm, ins, mod, funcTypes);
      instructions.push(ins);
      if (info.flow === "block" || info.flow === "loop" || info.flow === "if" || info.flow === "try") {
        depth++;
        open.push(info.flow);
        if (info.flow === "loop") loops++;
      } else if (info.flow === "end") {
        depth--;
        if (open.pop() === "loop") loops--;
        ins.depth = depth;
        ins.loops = loops;
        if (depth === 0) break;
      } else if (info.flow === "else" || info.flow === "catch") {
        ins.depth = depth - 1;
      }
    }
  } catch (error) {
    return { start: codeStart, end, instructions, error: error instanceof Error ? error.message : String(error) };
  }
  if (depth !== 0 || r.pos !== end) {
    return { start: codeStart, end, instructions, error: `function body ended unexpectedly at offset 0x${r.pos.toString(16)}` };
  }
  return { start: codeStart, end, instructions };
}

/**
 * Reads an instruction's immediates, filling in its text, callee, constant
 * and the operand counts that depend on types.
 * @param {Reader} r @param {string} kind @param {Instruction} ins @param {WasmModule} mod @param {number[]} funcTypes
 */
function readImmediates(r, kind, ins, mod, funcTypes) {
  switch (kind) {
    case "none":
      return;
    case "block": {
      const b = r.bytes[r.pos];
      let params = 0, results = 0;
      if (b === 0x40) r.pos++;
      else if (b in VALTYPES || b === 0x63 || b === 0x64) { r.valtype(); results = 1; ins.imm = "(result)"; }
      else {
        const t = mod.types[r.sN()];
        params = t?.params.length ?? 0;
        results = t?.results.length ?? 0;
      }
      ins.pops = params + (ins.flow === "if" ? 1 : 0);
      ins.pushes = 0;
      /** @type {any} */ (ins).blockResults = results;
      return;
    }
    case "label":
    case "local":
    case "global":
    case "table":
    case "index":
    case "type":
    case "tag":
      ins.imm = String(r.u32());
      if (kind === "tag" && ins.pops < 0) ins.pops = 0;
      if (kind === "type") {
        const t = mod.types[Number(ins.imm)];
        ins.pops = (t?.params.length ?? 0) + 1;
        ins.pushes = t?.results.length ?? 0;
      }
      return;
    case "func": {
      const index = r.u32();
      ins.callee = index;
      ins.imm = `$${index}`;
      if (ins.op !== "ref.func") {
        const t = funcType(mod, funcTypes, index);
        ins.pops = t?.params.length ?? 0;
        ins.pushes = t?.results.length ?? 0;
      }
      return;
    }
    case "call_indirect": {
      const t = mod.types[r.u32()];
      r.u32();
      ins.pops = (t?.params.length ?? 0) + 1;
      ins.pushes = t?.results.length ?? 0;
      return;
    }
    case "br_table": {
      const targets = [];
      for (let n = r.u32(); n > 0; n--) targets.push(r.u32());
      ins.imm = `${targets.join(" ")} ${r.u32()}`.trim();
      return;
    }
    case "memarg":
    case "memarg_lane": {
      const align = r.u32();
      if (align & 0x40) r.u32();
      const offset = r.u32();
      ins.imm = offset ? `offset=${offset}` : "";
      if (kind === "memarg_lane") ins.imm = `${ins.imm} ${r.byte()}`.trim();
      return;
    }
    case "mem":
    case "byte":
      r.byte();
      return;
    case "mem_mem":
      r.byte(); r.byte();
      return;
    case "data_mem":
      ins.imm = String(r.u32());
      r.byte();
      return;
    case "index_index":
      ins.imm = `${r.u32()} ${r.u32()}`;
      return;
    case "i32": {
      const v = r.sN() | 0;
      ins.value = v;
      ins.imm = String(v);
      return;
    }
    case "i64": {
      const v = r.s64();
      ins.value = v;
      ins.imm = String(v);
      return;
    }
    case "f32":
    case "f64": {
      const n = kind === "f32" ? 4 : 8;
      const view = new DataView(r.bytes.buffer, r.bytes.byteOffset + r.pos, n);
      const v = kind === "f32" ? view.getFloat32(0, true) : view.getFloat64(0, true);
      r.skip(n);
      ins.imm = Object.is(v, -0) ? "-0" : String(v);
      return;
    }
    case "v128":
    case "shuffle": {
      const lanes = [...r.bytes.subarray(r.pos, r.pos + 16)];
      r.skip(16);
      ins.imm = kind === "shuffle" ? lanes.join(" ") : `i8x16 ${lanes.join(" ")}`;
      return;
    }
    case "lane":
      ins.imm = String(r.byte());
      return;
    case "heaptype":
      ins.imm = String(r.sN());
      return;
    case "valtypes":
      for (let n = r.u32(); n > 0; n--) r.valtype();
      return;
    case "try_table": {
      const b = r.bytes[r.pos];
      if (b === 0x40) r.pos++;
      else if (b in VALTYPES) r.pos++;
      else r.sN();
      for (let n = r.u32(); n > 0; n--) {
        const c = r.byte();
        if (c === 0 || c === 1) r.u32();
        r.u32();
      }
      ins.pops = 0;
      return;
    }
    default:
      throw new Error(`no reader for immediates '${kind}'`);
  }
}

/**
 * Function names from the `name` custom section (present in debug builds).
 * @param {Reader} r @param {number} end @param {Map<number, string>} names
 */
function readNames(r, end, names) {
  try {
    while (r.pos < end) {
      const id = r.byte();
      const size = r.u32();
      const subEnd = r.pos + size;
      if (id === 1) {
        for (let n = r.u32(); n > 0; n--) {
          const index = r.u32();
          names.set(index, r.name());
        }
      }
      r.pos = subEnd;
    }
  } catch {
    // A damaged name section only costs us names.
  }
}
