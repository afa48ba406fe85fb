// The native-C column of `npm run bench`: builds bench/c (the library's
// kernels in C and a timing harness) with gcc, and runs one case at one size
// on exactly the inputs the JS side built.
import { execFile, execFileSync } from "node:child_process";
import { mkdir, writeFile, stat } from "node:fs/promises";
import { promisify } from "node:util";
import nodePath from "node:path";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const outDir = nodePath.join(here, ".build", "c");
const exe = nodePath.join(outDir, "harness");

/** The flags, and why: see bench/c/kernels.c. */
export const GCC_FLAGS = ["-O3", "-march=native", "-ffp-contract=off", "-fno-math-errno"];

const KINDS = new Map([
  [Float64Array, 0], [Float32Array, 1], [Int32Array, 2], [Uint32Array, 3],
  [Int16Array, 4], [Uint16Array, 5], [Int8Array, 6], [Uint8Array, 7],
]);

/**
 * Compiles the harness; returns { ok, version } or { ok: false, reason }
 * when gcc is missing or fails (the C column is then marked absent).
 */
export async function buildNative() {
  let version;
  try {
    version = execFileSync("gcc", ["--version"], { encoding: "utf8" }).split("\n")[0];
  } catch {
    return { ok: false, reason: "gcc not found" };
  }
  await mkdir(outDir, { recursive: true });
  const sources = ["harness.c", "kernels.c"].map((f) => nodePath.join(here, "c", f));
  try {
    await run("gcc", [...GCC_FLAGS, "-o", exe, ...sources, "-lm"]);
  } catch (e) {
    return { ok: false, reason: `gcc failed: ${e.stderr || e.message}` };
  }
  return { ok: true, version, flags: GCC_FLAGS.join(" ") };
}

/** Serialises a kernel's argument list for the harness. @param {unknown[]} args */
export function encodeArgs(args) {
  const parts = [];
  const head = Buffer.alloc(8);
  head.write("TSKB", 0, "latin1");
  head.writeUInt32LE(args.length, 4);
  parts.push(head);
  for (const a of args) {
    if (typeof a === "number") {
      const b = Buffer.alloc(9);
      b.writeUInt8(0, 0);
      b.writeDoubleLE(a, 1);
      parts.push(b);
    } else if (ArrayBuffer.isView(a) && KINDS.has(a.constructor)) {
      const b = Buffer.alloc(6);
      b.writeUInt8(1, 0);
      b.writeUInt8(KINDS.get(a.constructor), 1);
      b.writeUInt32LE(a.length, 2);
      parts.push(b, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    } else {
      throw new TypeError(`cannot pass ${a} to the C harness`);
    }
  }
  return Buffer.concat(parts);
}

/** FNV-1a of a typed array's bytes (the harness computes the same). */
export function fnv1a(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  let h = 2166136261;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619) >>> 0;
  return h >>> 0;
}

/**
 * Times the C kernel `name` on `args`.
 * @returns {Promise<{ medianMs: number, minMs?: number, p75: number, samples: number, result: number, hash: number }>}
 */
export async function runNative(name, args, output, { timeMs, warmupMs }) {
  const file = nodePath.join(outDir, `args-${process.pid}.bin`);
  await writeFile(file, encodeArgs(args));
  const { stdout } = await run(exe, [name, file, String(timeMs), String(warmupMs), String(output ?? -1)], { maxBuffer: 1 << 20 });
  const r = JSON.parse(stdout);
  const s = r.result.toLowerCase();
  r.result = s === "nan" || s === "-nan" ? NaN : s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s);
  return r;
}

export async function nativeAvailable() {
  try {
    await stat(exe);
    return true;
  } catch {
    return false;
  }
}
