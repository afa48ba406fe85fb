/**
 * Per-line costs of one kernel file: which wasm instructions each source
 * line compiled to, and which of them are bounds checks, calls into the
 * runtime, allocations or conversions.
 *
 * Works only from the compiler's outputs (the binary, its source map and the
 * bounds-check location table):
 *  1. the code section is decoded (wasm-code.js), every instruction with its
 *     byte offset;
 *  2. each offset is looked up in the source map: instructions located in the
 *     kernel file belong to that line;
 *  3. instructions located elsewhere (AssemblyScript's library inlined into
 *     the kernel: typed-array loads, `length`, the inline bounds check) or
 *     nowhere are attributed to a kernel line by where they sit in the
 *     expression: a run of such instructions that consumes values computed
 *     before it finishes the expression of the line before it (a store); one
 *     that leaves values for what follows feeds the line after it (a load);
 *     a self-contained run (a hoisted load, a check) belongs to the line after
 *     it, a bare branch (a loop's back edge) to the line before it;
 *  4. every tskern bounds check (the cold `call` to the `tskern.oob` reporter
 *     with its location id as first argument) is attributed, with the compare
 *     and branch around it, to the exact line and column the transform
 *     recorded for that id.
 */
import { decodeModule } from "./wasm-code.js";
import { readOffsetMap, segmentAt } from "./source-map.js";
import { INT_FLOAT_CONVERSIONS, FLOAT_PRECISION_CONVERSIONS, STRUCTURAL } from "./wasm-opcodes.js";
import { nameFromSource } from "./function-names.js";

/**
 * @typedef {object} ListingLine
 * @property {number} offset   byte offset in the module
 * @property {number} depth    indentation (block nesting within the listing)
 * @property {string} text     `f64.load offset=8`, `call ~lib/rt/tcms.ts __new`
 * @property {string} [tag]    check | abort | alloc | runtime | call | conv | mix
 */

/**
 * @typedef {object} LineCost
 * @property {number} line
 * @property {number} count         instructions (block/loop/end/else/nop excluded: they generate no code)
 * @property {number} checks        tskern bounds checks (compare + cold call)
 * @property {number} aborts        calls to `env.abort`: assert, throw, AssemblyScript's own checks
 * @property {number} allocs        calls that allocate (reach the allocator's `__new`)
 * @property {number} runtimeCalls  other calls into the standard library or the host
 * @property {number} calls         calls to functions of this file that were not inlined
 * @property {number} intFloat      conversions between integer and float
 * @property {number} floatMix      conversions between f32 and f64
 * @property {number} loopDepth     wasm loops around the line's own code (0: runs once per call;
 *                                  loops of inlined library code do not count)
 * @property {string[]} callees     names of the functions called
 * @property {Array<{ fn: string, code: ListingLine[] }>} wasm  the listing, per function
 */

/**
 * @typedef {object} FunctionCost
 * @property {number} index      wasm function index
 * @property {string} name
 * @property {string | null} kernel   kernel name when this is an exported kernel
 * @property {number} line       first line of the file attributed to it (0 if none)
 * @property {number} count      instructions attributed to lines of this file
 * @property {number} unattributed  instructions no line could be found for
 * @property {number} checks
 * @property {number} aborts
 * @property {number} allocs
 * @property {number} runtimeCalls
 * @property {number} calls
 * @property {number} intFloat
 * @property {number} floatMix
 * @property {string} [error]    decoding stopped early
 */

/**
 * @typedef {object} LineCosts
 * @property {string} file
 * @property {Map<number, LineCost>} lines    only lines with code
 * @property {FunctionCost[]} functions       functions with code from this file
 * @property {LineCost} totals
 * @property {string[]} notes                 what limited the analysis
 */

/**
 * @param {{ wasm: Uint8Array, sourceMap: string, kernels: Array<{ file: string, name: string, exportName: string }>, locations: Array<[string, number, number]>, inputs?: Array<{ path: string, text: string }> }} compiled
 *   the result of compileKernels (ok)
 * @param {string} file  the kernel file's path as the compiler names it (relative to the root)
 * @returns {LineCosts}
 */
export function computeLineCosts(compiled, file) {
  const mod = decodeModule(compiled.wasm);
  const map = readOffsetMap(compiled.sourceMap);
  const ownSource = map.sources.indexOf(file);
  const userTexts = new Map((compiled.inputs ?? []).map((i) => [i.path, i.text.split(/\r?\n/)]));
  const notes = [];
  if (ownSource < 0) notes.push(`The source map names no code from ${file}: nothing to attribute.`);

  // ---- what each function is ------------------------------------------------
  const funcImports = mod.imports.filter((i) => i.kind === 0);
  const exportsByIndex = new Map();
  for (const e of mod.exports) if (e.kind === 0 && !exportsByIndex.has(e.index)) exportsByIndex.set(e.index, e.name);
  const kernelByExport = new Map(compiled.kernels.filter((k) => k.file === file).map((k) => [k.exportName, k.name]));
  const byIndex = new Map(mod.functions.map((f) => [f.index, f]));

  const oobImport = funcImports.findIndex((i) => i.module === "tskern" && i.name === "oob");
  const abortImport = funcImports.findIndex((i) => i.module === "env" && i.name === "abort");
  /** Bounds-check reporters: the import, and small wrappers that only forward to it. */
  const reporters = new Set(oobImport >= 0 ? [oobImport] : []);
  for (const f of mod.functions) {
    const real = f.instructions.filter((x) => !STRUCTURAL.has(x.op));
    if (real.length <= 8 && real.some((x) => x.op === "call" && x.callee === oobImport)) reporters.add(f.index);
  }
  /** Functions that allocate: `__new` (and `__alloc`) and everything that calls them. */
  const allocating = new Set();
  for (const e of mod.exports) if (e.kind === 0 && (e.name === "__new" || e.name === "__alloc")) allocating.add(e.index);
  if (allocating.size) {
    let grew = true;
    while (grew) {
      grew = false;
      for (const f of mod.functions) {
        if (allocating.has(f.index) || reporters.has(f.index)) continue;
        if (f.instructions.some((x) => x.callee !== undefined && x.op !== "ref.func" && allocating.has(x.callee))) {
          allocating.add(f.index);
          grew = true;
        }
      }
    }
  }

  /** Source location of each instruction, per function (own line, or 0). */
  const ownLines = new Map();
  /** Dominant source per function, for naming. */
  const homes = new Map();
  for (const f of mod.functions) {
    const own = new Int32Array(f.instructions.length);
    const tally = new Map();
    f.instructions.forEach((x, i) => {
      const seg = segmentAt(map, x.offset);
      if (seg < 0 || map.source[seg] < 0) return;
      const src = map.source[seg];
      if (src === ownSource) own[i] = map.line[seg];
      const t = tally.get(src) ?? { n: 0, line: Infinity };
      t.n++;
      t.line = Math.min(t.line, map.line[seg]);
      tally.set(src, t);
    });
    ownLines.set(f.index, own);
    let best = null;
    for (const [src, t] of tally) if (!best || t.n > best.t.n) best = { src, t };
    homes.set(f.index, best);
  }

  const names = new Map();
  /** @param {number} index */
  const nameOf = (index) => {
    if (names.has(index)) return names.get(index);
    let name;
    if (mod.names.has(index)) name = mod.names.get(index);
    else if (index < mod.importedFunctions) name = `${funcImports[index]?.module}.${funcImports[index]?.name}`;
    else if (exportsByIndex.has(index)) name = kernelByExport.get(exportsByIndex.get(index)) ?? exportsByIndex.get(index);
    else {
      const home = homes.get(index);
      name = home ? nameFromSource(map.sources[home.src], home.t.line, userTexts) : `function ${index}`;
      // Functions of the annotated file go by their bare name.
      if (home && home.src === ownSource && name.startsWith(`${file} `)) name = name.slice(file.length + 1);
    }
    names.set(index, name);
    return name;
  };

  // ---- attribution ----------------------------------------------------------
  /** @type {Map<number, LineCost>} */
  const lines = new Map();
  /** @param {number} line @returns {LineCost} */
  const lineCost = (line) => {
    let c = lines.get(line);
    if (!c) {
      c = { line, count: 0, checks: 0, aborts: 0, allocs: 0, runtimeCalls: 0, calls: 0, intFloat: 0, floatMix: 0, loopDepth: 0, callees: [], wasm: [] };
      lines.set(line, c);
    }
    return c;
  };
  /** @type {FunctionCost[]} */
  const functions = [];
  const locations = compiled.locations ?? [];

  for (const f of mod.functions) {
    const own = ownLines.get(f.index);
    if (!own.some((l) => l > 0)) continue;
    const kernel = exportsByIndex.has(f.index) ? kernelByExport.get(exportsByIndex.get(f.index)) ?? null : null;
    const { lineOf, tags } = attribute(f.instructions, own, reporters, locations, file);
    const fnName = nameOf(f.index);
    /** @type {FunctionCost} */
    const fc = { index: f.index, name: fnName, kernel, line: 0, count: 0, unattributed: 0, checks: 0, aborts: 0, allocs: 0, runtimeCalls: 0, calls: 0, intFloat: 0, floatMix: 0 };
    if (f.error) {
      fc.error = f.error;
      notes.push(`${fnName}: the listing stops early (${f.error}).`);
    }
    /** @type {Map<number, ListingLine[]>} */
    const listings = new Map();
    f.instructions.forEach((x, i) => {
      const line = lineOf[i];
      const structural = STRUCTURAL.has(x.op);
      if (!line) {
        if (!structural) fc.unattributed++;
        return;
      }
      const c = lineCost(line);
      const before = { checks: c.checks, aborts: c.aborts, allocs: c.allocs, runtimeCalls: c.runtimeCalls, calls: c.calls, intFloat: c.intFloat, floatMix: c.floatMix };
      let tag = tags[i] || undefined;
      let text = x.imm ? `${x.op} ${x.imm}` : x.op;
      if (x.callee !== undefined && x.op !== "ref.func") {
        const callee = nameOf(x.callee);
        text = `${x.op} ${callee}`;
        if (reporters.has(x.callee)) { c.checks++; tag = "check"; }
        else if (x.callee === abortImport) { c.aborts++; tag = "abort"; }
        else if (allocating.has(x.callee)) { c.allocs++; tag = "alloc"; addCallee(c, callee); }
        else if (ownLines.get(x.callee)?.some((l) => l > 0)) { c.calls++; tag = "call"; addCallee(c, callee); }
        else { c.runtimeCalls++; tag = "runtime"; addCallee(c, callee); }
      } else if (x.op === "call_indirect" || x.op === "call_ref") {
        c.runtimeCalls++;
        tag = "runtime";
        addCallee(c, "(indirect call)");
      } else if (INT_FLOAT_CONVERSIONS.has(x.op)) {
        c.intFloat++;
        tag = "conv";
      } else if (FLOAT_PRECISION_CONVERSIONS.has(x.op)) {
        c.floatMix++;
        tag = "mix";
      }
      for (const k of /** @type {Array<keyof typeof before>} */ (Object.keys(before))) fc[k] += c[k] - before[k];
      if (!structural) {
        c.count++;
        fc.count++;
        if (!fc.line || line < fc.line) fc.line = line;
        if (own[i] === line) c.loopDepth = Math.max(c.loopDepth, x.loops);
      }
      let list = listings.get(line);
      if (!list) listings.set(line, (list = []));
      /** @type {ListingLine} */
      const entry = { offset: x.offset, depth: x.depth, text };
      if (tag) entry.tag = tag;
      list.push(entry);
    });
    for (const [line, code] of listings) {
      const base = Math.min(...code.map((e) => e.depth));
      for (const e of code) e.depth -= base;
      lineCost(line).wasm.push({ fn: fnName, code });
    }
    functions.push(fc);
  }

  const totals = lineCost(0);
  lines.delete(0);
  for (const c of lines.values()) {
    for (const k of /** @type {const} */ (["count", "checks", "aborts", "allocs", "runtimeCalls", "calls", "intFloat", "floatMix"])) totals[k] += c[k];
    totals.loopDepth = Math.max(totals.loopDepth, c.loopDepth);
  }
  return { file, lines: new Map([...lines].sort((a, b) => a[0] - b[0])), functions, totals, notes };
}

/** @param {LineCost} c @param {string} name */
function addCallee(c, name) {
  if (!c.callees.includes(name)) c.callees.push(name);
}

/**
 * Attributes every instruction of one function to a line of the file (0: none).
 * @param {import("./wasm-code.js").Instruction[]} ins
 * @param {Int32Array} own            line per instruction when located in the file, else 0
 * @param {Set<number>} reporters     bounds-check reporter functions
 * @param {Array<[string, number, number]>} locations  bounds-check id -> [path, line, column]
 * @param {string} file
 * @returns {{ lineOf: Int32Array, tags: string[] }}
 */
export function attribute(ins, own, reporters, locations, file) {
  const n = ins.length;
  const h0 = new Int32Array(n), h1 = new Int32Array(n), low = new Int32Array(n);
  /** @type {string[]} */
  const tags = new Array(n).fill("");
  /** Check constructs: [from, to, line]. */
  const checks = [];

  // Stack simulation: heights, and for each stack slot where its expression starts.
  /** @type {number[]} */
  const slots = [];
  /** @type {Array<{ base: number, kind: string, params: number, results: number, exprStart: number, check?: { line: number } }>} */
  const frames = [{ base: 0, kind: "func", params: 0, results: 0, exprStart: 0 }];
  let h = 0;
  for (let i = 0; i < n; i++) {
    const x = ins[i];
    const top = frames[frames.length - 1];
    h0[i] = h;
    const pops = Math.max(0, x.pops);
    const firstSlot = Math.max(top.base, h - pops);
    const exprStart = pops > 0 && firstSlot < h ? slots[firstSlot] : i;
    switch (x.flow) {
      case "block": case "loop": case "if": case "try": {
        h = firstSlot;
        slots.length = h;
        low[i] = h;
        const params = Math.max(0, pops - (x.flow === "if" ? 1 : 0));
        frames.push({ base: h, kind: x.flow, params, results: /** @type {any} */ (x).blockResults ?? 0, exprStart });
        for (let p = 0; p < params; p++) { slots.push(i); h++; }
        break;
      }
      case "else": case "catch": {
        h = top.base + top.params;
        slots.length = top.base;
        for (let p = 0; p < top.params; p++) slots.push(i);
        low[i] = top.base;
        break;
      }
      case "end": {
        if (frames.length === 1) { low[i] = top.base; h = top.base; break; }
        frames.pop();
        if (top.check) checks.push([top.exprStart, i, top.check.line]);
        h = top.base + top.results;
        slots.length = top.base;
        for (let r = 0; r < top.results; r++) slots.push(top.exprStart);
        low[i] = top.base;
        break;
      }
      default: {
        if (x.op === "call" && x.callee !== undefined && reporters.has(x.callee) && h - top.base >= 3) {
          const locStart = slots[h - 3];
          const locIns = ins[locStart];
          const site = locIns && locIns.op === "i32.const" && typeof locIns.value === "number" ? locations[locIns.value] : undefined;
          if (site && site[0] === file) {
            // The whole `if (index >= length) { call oob; unreachable }` when it
            // is one; else the call with its arguments and the `unreachable`.
            const guard = frames.length > 1 && top.kind === "if" && !top.check ? top : null;
            if (guard) guard.check = { line: site[1] };
            else checks.push([exprStart, ins[i + 1]?.op === "unreachable" ? i + 1 : i, site[1]]);
          }
        }
        h = firstSlot;
        slots.length = h;
        low[i] = h;
        if (x.flow === "branch") {
          h = top.base;
          slots.length = h;
        } else {
          for (let p = 0; p < x.pushes; p++) { slots.push(exprStart); h++; }
        }
      }
    }
    h1[i] = h;
  }

  // Runs of instructions not located in the file.
  // Runs never cross a block boundary: an `if` goes with its condition, a
  // `block`/`loop` with what follows it, an `end`/`else` with what precedes it.
  const lineOf = Int32Array.from(own);
  const prevOwn = new Int32Array(n), nextOwn = new Int32Array(n);
  for (let k = 0, last = 0; k < n; k++) { prevOwn[k] = last; if (own[k]) last = own[k]; }
  for (let k = n - 1, last = 0; k >= 0; k--) { nextOwn[k] = last; if (own[k]) last = own[k]; }
  const boundary = (/** @type {number} */ k) => ins[k].flow !== undefined && ins[k].flow !== "branch";
  let i = 0;
  while (i < n) {
    if (own[i]) { i++; continue; }
    let j = i;
    if (!boundary(i)) while (j + 1 < n && !own[j + 1] && !boundary(j + 1)) j++;
    const prev = prevOwn[i];
    const next = nextOwn[j];
    const flow = ins[i].flow;
    let line;
    if (i === j && (flow === "block" || flow === "loop" || flow === "try")) line = next || prev;
    else if (i === j && (flow === "end" || flow === "else" || flow === "catch")) line = prev || next;
    else {
      let lowest = h0[i], controlOnly = true;
      for (let k = i; k <= j; k++) {
        lowest = Math.min(lowest, low[k]);
        if (!STRUCTURAL.has(ins[k].op) && ins[k].flow !== "branch") controlOnly = false;
      }
      if (lowest < h0[i]) line = prev || next; // finishes an expression begun before it
      else if (h1[j] > h0[i]) line = next || prev; // computes operands for what follows
      else if (controlOnly) line = prev || next; // a back edge, a return
      else line = next || prev; // a self-contained statement: setup for the next line
    }
    for (let k = i; k <= j; k++) lineOf[k] = line;
    i = j + 1;
  }
  for (const [from, to, line] of checks) {
    for (let k = from; k <= to; k++) {
      lineOf[k] = line;
      if (!tags[k]) tags[k] = "check";
    }
  }
  return { lineOf, tags };
}
