#!/usr/bin/env node
// `npm run guide`: runs every step of the guide, each in a fresh Node process
// (so one step's JIT state and worker pool cannot affect the next), shows
// their output, and ends with a summary table of their headline figures.
//
//   node examples/guide/run-all.js [--quick] [step numbers, e.g. 1 4 6]
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import os from "node:os";
import nodePath from "node:path";
import { GUIDE_DIR } from "./build.js";
import { printTable } from "./measure.js";

/** The step scripts, by number: NN-name.js. */
export const STEPS = readdirSync(GUIDE_DIR)
  .filter((f) => /^\d\d-[\w-]+\.js$/.test(f))
  .sort()
  .map((file) => ({ step: Number(file.slice(0, 2)), file }));

/**
 * @typedef {{ step: number, title: string, quick: boolean, ok: boolean,
 *   checks: Array<{ name: string, ok: boolean, detail: string }>,
 *   headlines: Array<{ label: string, value: string }>, data: object }} StepResult
 */

/**
 * Runs one step script; its output goes to `echo` as it comes.
 * @param {string} file @param {string[]} args @param {(chunk: string) => void} echo
 * @returns {Promise<{ code: number | null, result: StepResult | null, ms: number }>}
 */
export function runScript(file, args, echo) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [nodePath.join(GUIDE_DIR, file), ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (s) => { out += s; echo(s); });
    child.stderr.setEncoding("utf8").on("data", (s) => echo(s));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("GUIDE-RESULT "));
      let result = null;
      try {
        result = line ? JSON.parse(line.slice("GUIDE-RESULT ".length)) : null;
      } catch {
        result = null;
      }
      resolve({ code, result, ms: performance.now() - t0 });
    });
  });
}

/**
 * Parses the arguments; throws a message for anything unknown.
 * @param {string[]} argv
 * @returns {{ quick: boolean, steps: typeof STEPS }}
 */
export function parseGuideArgs(argv) {
  const quick = argv.includes("--quick");
  const wanted = argv.filter((a) => a !== "--quick");
  for (const a of wanted) {
    if (!/^\d+$/.test(a) || !STEPS.some((s) => s.step === Number(a))) {
      throw new Error(`unknown step '${a}': give step numbers (${STEPS.map((s) => s.step).join(", ")}) and/or --quick, e.g. 'npm run guide -- --quick 1 4'`);
    }
  }
  const steps = wanted.length ? STEPS.filter((s) => wanted.includes(String(s.step))) : STEPS;
  return { quick, steps };
}

if (process.argv[1] && nodePath.resolve(process.argv[1]) === nodePath.join(GUIDE_DIR, "run-all.js")) {
  let parsed;
  try {
    parsed = parseGuideArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`run-all: ${/** @type {Error} */ (error).message}`);
    process.exitCode = 2;
  }
  if (parsed) {
    const started = performance.now();
    const load0 = os.loadavg()[0];
    /** @type {Array<{ step: number, file: string, code: number | null, result: StepResult | null, ms: number }>} */
    const runs = [];
    for (const { step, file } of parsed.steps) {
      const run = await runScript(file, parsed.quick ? ["--quick"] : [], (s) => process.stdout.write(s));
      runs.push({ step, file, ...run });
    }
    const rows = [];
    for (const r of runs) {
      const status = r.code === 0 && r.result?.ok ? "ok" : `FAILED (exit ${r.code}${r.result ? `, ${r.result.checks.filter((c) => !c.ok).length} failed check(s)` : ", no result line"})`;
      const heads = r.result?.headlines.length ? r.result.headlines : [{ label: "", value: "" }];
      heads.forEach((h, i) => rows.push([i === 0 ? `${r.step}. ${r.result?.title ?? r.file}` : "", h.label, h.value, i === 0 ? status : ""]));
    }
    console.log(`\n=== Summary: ${runs.length} step${runs.length === 1 ? "" : "s"}${parsed.quick ? " (quick sizes: figures are not meaningful)" : ""} in ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end, ${os.availableParallelism()} cores ===\n`);
    printTable(["step", "measured", "result", "checks"], rows);
    const failed = runs.filter((r) => r.code !== 0 || !r.result?.ok);
    if (failed.length) {
      console.log(`\n${failed.length} step(s) failed: ${failed.map((r) => r.file).join(", ")} (see their output above)`);
      process.exitCode = 1;
    }
  }
}
