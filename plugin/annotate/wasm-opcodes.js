/**
 * The WebAssembly opcode table the annotate decoder needs: for each opcode its
 * text name, the kind of immediates that follow it in the binary (so the
 * decoder can find the next instruction), and how many values it pops and
 * pushes (so the attribution in line-costs.js can tell where a statement
 * starts). Covers what AssemblyScript emits: MVP, sign extension, saturating
 * conversions, bulk memory, reference types, tail calls, exceptions, SIMD
 * (with relaxed SIMD) and threads. GC opcodes (0xFB) are not listed; the
 * decoder stops a function body at an unknown opcode and says so.
 *
 * Keys: a one-byte opcode is its own value; a prefixed one is
 * `prefix * 0x10000 + sub-opcode` (0xFC saturating/bulk, 0xFD SIMD, 0xFE atomics).
 */

/**
 * Immediate kinds: none | block | label | br_table | func | call_indirect |
 * local | global | table | memarg | mem | i32 | i64 | f32 | f64 | v128 |
 * shuffle | lane | memarg_lane | heaptype | valtypes | tag | try_table |
 * data_mem | index | mem_mem | index_index | byte | type | label_heap
 * @typedef {object} Opcode
 * @property {string} name
 * @property {string} imm
 * @property {number} pops     values popped (-1: from the call/block type; see decoder)
 * @property {number} pushes
 * @property {string} [flow]   "block" | "loop" | "if" | "else" | "end" | "try" | "catch" | "branch" (stack-polymorphic after it)
 */

/** @type {Map<number, Opcode>} */
export const OPCODES = new Map();

/** @param {number} key @param {string} name @param {string} imm @param {number} pops @param {number} pushes @param {string} [flow] */
function op(key, name, imm, pops, pushes, flow) {
  OPCODES.set(key, flow ? { name, imm, pops, pushes, flow } : { name, imm, pops, pushes });
}

// ---- control -------------------------------------------------------------
op(0x00, "unreachable", "none", 0, 0, "branch");
op(0x01, "nop", "none", 0, 0);
op(0x02, "block", "block", -1, 0, "block");
op(0x03, "loop", "block", -1, 0, "loop");
op(0x04, "if", "block", -1, 0, "if");
op(0x05, "else", "none", 0, 0, "else");
op(0x06, "try", "block", -1, 0, "try");
op(0x07, "catch", "tag", 0, 0, "catch");
op(0x08, "throw", "tag", -1, 0, "branch");
op(0x09, "rethrow", "label", 0, 0, "branch");
op(0x0a, "throw_ref", "none", 1, 0, "branch");
op(0x0b, "end", "none", 0, 0, "end");
op(0x0c, "br", "label", 0, 0, "branch");
op(0x0d, "br_if", "label", 1, 0);
op(0x0e, "br_table", "br_table", 1, 0, "branch");
op(0x0f, "return", "none", 0, 0, "branch");
op(0x10, "call", "func", -1, 0);
op(0x11, "call_indirect", "call_indirect", -1, 0);
op(0x12, "return_call", "func", -1, 0, "branch");
op(0x13, "return_call_indirect", "call_indirect", -1, 0, "branch");
op(0x14, "call_ref", "type", -1, 0);
op(0x15, "return_call_ref", "type", -1, 0, "branch");
op(0x18, "delegate", "label", 0, 0, "end");
op(0x19, "catch_all", "none", 0, 0, "catch");
op(0x1a, "drop", "none", 1, 0);
op(0x1b, "select", "none", 3, 1);
op(0x1c, "select", "valtypes", 3, 1);
op(0x1f, "try_table", "try_table", -1, 0, "block");

// ---- variables, tables, memory ---------------------------------------------
op(0x20, "local.get", "local", 0, 1);
op(0x21, "local.set", "local", 1, 0);
op(0x22, "local.tee", "local", 1, 1);
op(0x23, "global.get", "global", 0, 1);
op(0x24, "global.set", "global", 1, 0);
op(0x25, "table.get", "table", 1, 1);
op(0x26, "table.set", "table", 2, 0);
const LOADS = ["i32.load", "i64.load", "f32.load", "f64.load", "i32.load8_s", "i32.load8_u", "i32.load16_s", "i32.load16_u",
  "i64.load8_s", "i64.load8_u", "i64.load16_s", "i64.load16_u", "i64.load32_s", "i64.load32_u"];
LOADS.forEach((name, i) => op(0x28 + i, name, "memarg", 1, 1));
const STORES = ["i32.store", "i64.store", "f32.store", "f64.store", "i32.store8", "i32.store16", "i64.store8", "i64.store16", "i64.store32"];
STORES.forEach((name, i) => op(0x36 + i, name, "memarg", 2, 0));
op(0x3f, "memory.size", "mem", 0, 1);
op(0x40, "memory.grow", "mem", 1, 1);

// ---- numeric ----------------------------------------------------------------
op(0x41, "i32.const", "i32", 0, 1);
op(0x42, "i64.const", "i64", 0, 1);
op(0x43, "f32.const", "f32", 0, 1);
op(0x44, "f64.const", "f64", 0, 1);

/** @param {number} start @param {string} prefix @param {string[]} names @param {number} pops */
function run(start, prefix, names, pops) {
  names.forEach((n, i) => op(start + i, `${prefix}.${n}`, "none", pops, 1));
}
const ICMP = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
const FCMP = ["eq", "ne", "lt", "gt", "le", "ge"];
op(0x45, "i32.eqz", "none", 1, 1);
run(0x46, "i32", ICMP, 2);
op(0x50, "i64.eqz", "none", 1, 1);
run(0x51, "i64", ICMP, 2);
run(0x5b, "f32", FCMP, 2);
run(0x61, "f64", FCMP, 2);
const IUN = ["clz", "ctz", "popcnt"];
const IBIN = ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"];
const FUN = ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"];
const FBIN = ["add", "sub", "mul", "div", "min", "max", "copysign"];
run(0x67, "i32", IUN, 1);
run(0x6a, "i32", IBIN, 2);
run(0x79, "i64", IUN, 1);
run(0x7c, "i64", IBIN, 2);
run(0x8b, "f32", FUN, 1);
run(0x92, "f32", FBIN, 2);
run(0x99, "f64", FUN, 1);
run(0xa0, "f64", FBIN, 2);
const CONVERSIONS = ["i32.wrap_i64", "i32.trunc_f32_s", "i32.trunc_f32_u", "i32.trunc_f64_s", "i32.trunc_f64_u",
  "i64.extend_i32_s", "i64.extend_i32_u", "i64.trunc_f32_s", "i64.trunc_f32_u", "i64.trunc_f64_s", "i64.trunc_f64_u",
  "f32.convert_i32_s", "f32.convert_i32_u", "f32.convert_i64_s", "f32.convert_i64_u", "f32.demote_f64",
  "f64.convert_i32_s", "f64.convert_i32_u", "f64.convert_i64_s", "f64.convert_i64_u", "f64.promote_f32",
  "i32.reinterpret_f32", "i64.reinterpret_f64", "f32.reinterpret_i32", "f64.reinterpret_i64",
  "i32.extend8_s", "i32.extend16_s", "i64.extend8_s", "i64.extend16_s", "i64.extend32_s"];
CONVERSIONS.forEach((name, i) => op(0xa7 + i, name, "none", 1, 1));

// ---- references -------------------------------------------------------------
op(0xd0, "ref.null", "heaptype", 0, 1);
op(0xd1, "ref.is_null", "none", 1, 1);
op(0xd2, "ref.func", "func", 0, 1);
op(0xd3, "ref.eq", "none", 2, 1);
op(0xd4, "ref.as_non_null", "none", 1, 1);
op(0xd5, "br_on_null", "label", 1, 1);
op(0xd6, "br_on_non_null", "label", 1, 0);

// ---- 0xFC: saturating conversions, bulk memory, tables ---------------------
const FC = 0xfc * 0x10000;
["i32.trunc_sat_f32_s", "i32.trunc_sat_f32_u", "i32.trunc_sat_f64_s", "i32.trunc_sat_f64_u",
  "i64.trunc_sat_f32_s", "i64.trunc_sat_f32_u", "i64.trunc_sat_f64_s", "i64.trunc_sat_f64_u"]
  .forEach((name, i) => op(FC + i, name, "none", 1, 1));
op(FC + 8, "memory.init", "data_mem", 3, 0);
op(FC + 9, "data.drop", "index", 0, 0);
op(FC + 10, "memory.copy", "mem_mem", 3, 0);
op(FC + 11, "memory.fill", "mem", 3, 0);
op(FC + 12, "table.init", "index_index", 3, 0);
op(FC + 13, "elem.drop", "index", 0, 0);
op(FC + 14, "table.copy", "index_index", 3, 0);
op(FC + 15, "table.grow", "table", 2, 1);
op(FC + 16, "table.size", "table", 0, 1);
op(FC + 17, "table.fill", "table", 3, 0);

// ---- 0xFD: SIMD ---------------------------------------------------------------
const FD = 0xfd * 0x10000;
/** @param {number} sub @param {string} name @param {string} imm @param {number} pops @param {number} [pushes] */
function simd(sub, name, imm, pops, pushes = 1) {
  op(FD + sub, name, imm, pops, pushes);
}
["v128.load", "v128.load8x8_s", "v128.load8x8_u", "v128.load16x4_s", "v128.load16x4_u", "v128.load32x2_s", "v128.load32x2_u",
  "v128.load8_splat", "v128.load16_splat", "v128.load32_splat", "v128.load64_splat"]
  .forEach((name, i) => simd(i, name, "memarg", 1));
simd(11, "v128.store", "memarg", 2, 0);
simd(12, "v128.const", "v128", 0);
simd(13, "i8x16.shuffle", "shuffle", 2);
simd(14, "i8x16.swizzle", "none", 2);
["i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"].forEach((shape, i) => simd(15 + i, `${shape}.splat`, "none", 1));
[["i8x16.extract_lane_s", 1], ["i8x16.extract_lane_u", 1], ["i8x16.replace_lane", 2],
  ["i16x8.extract_lane_s", 1], ["i16x8.extract_lane_u", 1], ["i16x8.replace_lane", 2],
  ["i32x4.extract_lane", 1], ["i32x4.replace_lane", 2], ["i64x2.extract_lane", 1], ["i64x2.replace_lane", 2],
  ["f32x4.extract_lane", 1], ["f32x4.replace_lane", 2], ["f64x2.extract_lane", 1], ["f64x2.replace_lane", 2]]
  .forEach(([name, pops], i) => simd(21 + i, /** @type {string} */ (name), "lane", /** @type {number} */ (pops)));
ICMP.forEach((n, i) => simd(35 + i, `i8x16.${n}`, "none", 2));
ICMP.forEach((n, i) => simd(45 + i, `i16x8.${n}`, "none", 2));
ICMP.forEach((n, i) => simd(55 + i, `i32x4.${n}`, "none", 2));
FCMP.forEach((n, i) => simd(65 + i, `f32x4.${n}`, "none", 2));
FCMP.forEach((n, i) => simd(71 + i, `f64x2.${n}`, "none", 2));
simd(77, "v128.not", "none", 1);
["and", "andnot", "or", "xor"].forEach((n, i) => simd(78 + i, `v128.${n}`, "none", 2));
simd(82, "v128.bitselect", "none", 3);
simd(83, "v128.any_true", "none", 1);
["8", "16", "32", "64"].forEach((w, i) => {
  simd(84 + i, `v128.load${w}_lane`, "memarg_lane", 2);
  simd(88 + i, `v128.store${w}_lane`, "memarg_lane", 2, 0);
});
simd(92, "v128.load32_zero", "memarg", 1);
simd(93, "v128.load64_zero", "memarg", 1);
simd(94, "f32x4.demote_f64x2_zero", "none", 1);
simd(95, "f64x2.promote_low_f32x4", "none", 1);
/** SIMD sub-opcodes 96..255 that take no immediates: [sub, name, pops]. */
const SIMD_PLAIN = [
  [96, "i8x16.abs", 1], [97, "i8x16.neg", 1], [98, "i8x16.popcnt", 1], [99, "i8x16.all_true", 1], [100, "i8x16.bitmask", 1],
  [101, "i8x16.narrow_i16x8_s", 2], [102, "i8x16.narrow_i16x8_u", 2],
  [103, "f32x4.ceil", 1], [104, "f32x4.floor", 1], [105, "f32x4.trunc", 1], [106, "f32x4.nearest", 1],
  [107, "i8x16.shl", 2], [108, "i8x16.shr_s", 2], [109, "i8x16.shr_u", 2],
  [110, "i8x16.add", 2], [111, "i8x16.add_sat_s", 2], [112, "i8x16.add_sat_u", 2],
  [113, "i8x16.sub", 2], [114, "i8x16.sub_sat_s", 2], [115, "i8x16.sub_sat_u", 2],
  [116, "f64x2.ceil", 1], [117, "f64x2.floor", 1],
  [118, "i8x16.min_s", 2], [119, "i8x16.min_u", 2], [120, "i8x16.max_s", 2], [121, "i8x16.max_u", 2],
  [122, "f64x2.trunc", 1], [123, "i8x16.avgr_u", 2],
  [124, "i16x8.extadd_pairwise_i8x16_s", 1], [125, "i16x8.extadd_pairwise_i8x16_u", 1],
  [126, "i32x4.extadd_pairwise_i16x8_s", 1], [127, "i32x4.extadd_pairwise_i16x8_u", 1],
  [128, "i16x8.abs", 1], [129, "i16x8.neg", 1], [130, "i16x8.q15mulr_sat_s", 2], [131, "i16x8.all_true", 1], [132, "i16x8.bitmask", 1],
  [133, "i16x8.narrow_i32x4_s", 2], [134, "i16x8.narrow_i32x4_u", 2],
  [135, "i16x8.extend_low_i8x16_s", 1], [136, "i16x8.extend_high_i8x16_s", 1], [137, "i16x8.extend_low_i8x16_u", 1], [138, "i16x8.extend_high_i8x16_u", 1],
  [139, "i16x8.shl", 2], [140, "i16x8.shr_s", 2], [141, "i16x8.shr_u", 2],
  [142, "i16x8.add", 2], [143, "i16x8.add_sat_s", 2], [144, "i16x8.add_sat_u", 2],
  [145, "i16x8.sub", 2], [146, "i16x8.sub_sat_s", 2], [147, "i16x8.sub_sat_u", 2],
  [148, "f64x2.nearest", 1], [149, "i16x8.mul", 2],
  [150, "i16x8.min_s", 2], [151, "i16x8.min_u", 2], [152, "i16x8.max_s", 2], [153, "i16x8.max_u", 2],
  [155, "i16x8.avgr_u", 2],
  [156, "i16x8.extmul_low_i8x16_s", 2], [157, "i16x8.extmul_high_i8x16_s", 2], [158, "i16x8.extmul_low_i8x16_u", 2], [159, "i16x8.extmul_high_i8x16_u", 2],
  [160, "i32x4.abs", 1], [161, "i32x4.neg", 1], [163, "i32x4.all_true", 1], [164, "i32x4.bitmask", 1],
  [167, "i32x4.extend_low_i16x8_s", 1], [168, "i32x4.extend_high_i16x8_s", 1], [169, "i32x4.extend_low_i16x8_u", 1], [170, "i32x4.extend_high_i16x8_u", 1],
  [171, "i32x4.shl", 2], [172, "i32x4.shr_s", 2], [173, "i32x4.shr_u", 2], [174, "i32x4.add", 2], [177, "i32x4.sub", 2], [181, "i32x4.mul", 2],
  [182, "i32x4.min_s", 2], [183, "i32x4.min_u", 2], [184, "i32x4.max_s", 2], [185, "i32x4.max_u", 2], [186, "i32x4.dot_i16x8_s", 2],
  [188, "i32x4.extmul_low_i16x8_s", 2], [189, "i32x4.extmul_high_i16x8_s", 2], [190, "i32x4.extmul_low_i16x8_u", 2], [191, "i32x4.extmul_high_i16x8_u", 2],
  [192, "i64x2.abs", 1], [193, "i64x2.neg", 1], [195, "i64x2.all_true", 1], [196, "i64x2.bitmask", 1],
  [199, "i64x2.extend_low_i32x4_s", 1], [200, "i64x2.extend_high_i32x4_s", 1], [201, "i64x2.extend_low_i32x4_u", 1], [202, "i64x2.extend_high_i32x4_u", 1],
  [203, "i64x2.shl", 2], [204, "i64x2.shr_s", 2], [205, "i64x2.shr_u", 2], [206, "i64x2.add", 2], [209, "i64x2.sub", 2], [213, "i64x2.mul", 2],
  [214, "i64x2.eq", 2], [215, "i64x2.ne", 2], [216, "i64x2.lt_s", 2], [217, "i64x2.gt_s", 2], [218, "i64x2.le_s", 2], [219, "i64x2.ge_s", 2],
  [220, "i64x2.extmul_low_i32x4_s", 2], [221, "i64x2.extmul_high_i32x4_s", 2], [222, "i64x2.extmul_low_i32x4_u", 2], [223, "i64x2.extmul_high_i32x4_u", 2],
  [224, "f32x4.abs", 1], [225, "f32x4.neg", 1], [227, "f32x4.sqrt", 1],
  [228, "f32x4.add", 2], [229, "f32x4.sub", 2], [230, "f32x4.mul", 2], [231, "f32x4.div", 2],
  [232, "f32x4.min", 2], [233, "f32x4.max", 2], [234, "f32x4.pmin", 2], [235, "f32x4.pmax", 2],
  [236, "f64x2.abs", 1], [237, "f64x2.neg", 1], [239, "f64x2.sqrt", 1],
  [240, "f64x2.add", 2], [241, "f64x2.sub", 2], [242, "f64x2.mul", 2], [243, "f64x2.div", 2],
  [244, "f64x2.min", 2], [245, "f64x2.max", 2], [246, "f64x2.pmin", 2], [247, "f64x2.pmax", 2],
  [248, "i32x4.trunc_sat_f32x4_s", 1], [249, "i32x4.trunc_sat_f32x4_u", 1],
  [250, "f32x4.convert_i32x4_s", 1], [251, "f32x4.convert_i32x4_u", 1],
  [252, "i32x4.trunc_sat_f64x2_s_zero", 1], [253, "i32x4.trunc_sat_f64x2_u_zero", 1],
  [254, "f64x2.convert_low_i32x4_s", 1], [255, "f64x2.convert_low_i32x4_u", 1],
  // relaxed SIMD
  [256, "i8x16.relaxed_swizzle", 2], [257, "i32x4.relaxed_trunc_f32x4_s", 1], [258, "i32x4.relaxed_trunc_f32x4_u", 1],
  [259, "i32x4.relaxed_trunc_f64x2_s_zero", 1], [260, "i32x4.relaxed_trunc_f64x2_u_zero", 1],
  [261, "f32x4.relaxed_madd", 3], [262, "f32x4.relaxed_nmadd", 3], [263, "f64x2.relaxed_madd", 3], [264, "f64x2.relaxed_nmadd", 3],
  [265, "i8x16.relaxed_laneselect", 3], [266, "i16x8.relaxed_laneselect", 3], [267, "i32x4.relaxed_laneselect", 3], [268, "i64x2.relaxed_laneselect", 3],
  [269, "f32x4.relaxed_min", 2], [270, "f32x4.relaxed_max", 2], [271, "f64x2.relaxed_min", 2], [272, "f64x2.relaxed_max", 2],
  [273, "i16x8.relaxed_q15mulr_s", 2], [274, "i16x8.relaxed_dot_i8x16_i7x16_s", 2], [275, "i32x4.relaxed_dot_i8x16_i7x16_add_s", 3],
];
for (const [sub, name, pops] of SIMD_PLAIN) simd(/** @type {number} */ (sub), /** @type {string} */ (name), "none", /** @type {number} */ (pops));

// ---- 0xFE: atomics ----------------------------------------------------------
const FE = 0xfe * 0x10000;
op(FE + 0x00, "memory.atomic.notify", "memarg", 2, 1);
op(FE + 0x01, "memory.atomic.wait32", "memarg", 3, 1);
op(FE + 0x02, "memory.atomic.wait64", "memarg", 3, 1);
op(FE + 0x03, "atomic.fence", "byte", 0, 0);
["i32.atomic.load", "i64.atomic.load", "i32.atomic.load8_u", "i32.atomic.load16_u", "i64.atomic.load8_u", "i64.atomic.load16_u", "i64.atomic.load32_u"]
  .forEach((name, i) => op(FE + 0x10 + i, name, "memarg", 1, 1));
["i32.atomic.store", "i64.atomic.store", "i32.atomic.store8", "i32.atomic.store16", "i64.atomic.store8", "i64.atomic.store16", "i64.atomic.store32"]
  .forEach((name, i) => op(FE + 0x17 + i, name, "memarg", 2, 0));
const RMW_WIDTHS = ["i32.atomic.rmw.%", "i64.atomic.rmw.%", "i32.atomic.rmw8.%_u", "i32.atomic.rmw16.%_u", "i64.atomic.rmw8.%_u", "i64.atomic.rmw16.%_u", "i64.atomic.rmw32.%_u"];
["add", "sub", "and", "or", "xor", "xchg", "cmpxchg"].forEach((rmw, g) => {
  RMW_WIDTHS.forEach((pattern, i) => {
    op(FE + 0x1e + g * 7 + i, pattern.replace("%", rmw), "memarg", rmw === "cmpxchg" ? 3 : 2, 1);
  });
});

// ---- classes the report marks -------------------------------------------------

/** Conversions between an integer and a float type (scalar and SIMD). */
export const INT_FLOAT_CONVERSIONS = new Set([...OPCODES.values()]
  .map((o) => o.name)
  .filter((n) => /^(i32|i64)\.trunc_(sat_)?f(32|64)_[su]$|^f(32|64)\.convert_i(32|64)_[su]$|^i32x4\.(relaxed_)?trunc_(sat_)?f(32x4|64x2)|^f(32x4|64x2)\.convert_(low_)?i32x4/.test(n)));

/** Conversions between f32 and f64 (the cost of mixing the two). */
export const FLOAT_PRECISION_CONVERSIONS = new Set(["f32.demote_f64", "f64.promote_f32", "f32x4.demote_f64x2_zero", "f64x2.promote_low_f32x4"]);

/** Instructions that only delimit structure and generate no machine code of their own. */
export const STRUCTURAL = new Set(["block", "loop", "end", "else", "nop", "try", "catch", "catch_all", "delegate", "try_table"]);
