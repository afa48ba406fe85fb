// Shared by the guide's scripts: timing (tinybench underneath), result
// checks, and the report each script prints. Every number a script prints is
// measured in that run; ratios compare implementations timed side by side.
import { Bench } from "tinybench";

/** `--quick` (or TSKERN_GUIDE_QUICK=1): small sizes and short timings, for tests. */
export const QUICK = process.argv.includes("--quick") || process.env.TSKERN_GUIDE_QUICK === "1";

/**
 * The full-size value, or the quick one under `--quick`.
 * @template T @param {T} full @param {T} quick @returns {T}
 */
export function pick(full, quick) {
  return QUICK ? quick : full;
}

/**
 * @typedef {{ name: string, fn: () => unknown }} Impl  one unit of work; may return a Promise
 * @typedef {{ name: string, medianMs: number, minMs: number, samples: number }} Timing
 */

/**
 * Times several implementations of the same work, side by side.
 *
 * - Warm-up: each is called for `warmupMs`, then until three calls in a row
 *   bring no new minimum. V8 runs a wasm function's first calls in its
 *   baseline tier (Liftoff) and JS in its interpreter; optimized code only
 *   arrives after a background compile, so a cold first call says little.
 * - Interleaving: the implementations take turns for `rounds` rounds, so a
 *   burst of load elsewhere on the machine hits all of them alike.
 * - The result is the median over all samples (robust to outliers).
 * Units of work should take at least some tens of microseconds, so the
 * closure call around them is noise.
 * @param {Impl[]} impls
 * @param {{ timeMs?: number, warmupMs?: number, rounds?: number }} [opts]
 * @returns {Promise<Record<string, Timing>>}
 */
export async function compare(impls, opts = {}) {
  const timeMs = opts.timeMs ?? pick(900, 15);
  const warmupMs = opts.warmupMs ?? pick(250, 5);
  const rounds = opts.rounds ?? pick(3, 1);
  for (const impl of impls) await warm(impl.fn, warmupMs);
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(impls.map((i) => [i.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const impl of impls) {
      const bench = new Bench({ time: timeMs / impls.length / rounds, iterations: 3, warmup: false, throws: true, retainSamples: true });
      bench.add(impl.name, impl.fn);
      await bench.run();
      const result = /** @type {any} */ (bench.tasks[0].result);
      samples[impl.name].push(...(result.latency.samples ?? [result.latency.p50]));
    }
  }
  /** @type {Record<string, Timing>} */
  const out = {};
  for (const impl of impls) {
    const s = samples[impl.name].sort((a, b) => a - b);
    out[impl.name] = { name: impl.name, medianMs: s[s.length >> 1], minMs: s[0], samples: s.length };
  }
  return out;
}

/** @param {() => unknown} fn @param {number} warmupMs */
async function warm(fn, warmupMs) {
  let calls = 0;
  const t0 = performance.now();
  do {
    await fn();
    calls++;
  } while (performance.now() - t0 < warmupMs || calls < 3);
  let best = Infinity, stale = 0;
  const t1 = performance.now();
  while (stale < 3 && performance.now() - t1 < pick(1500, 20)) {
    const s = performance.now();
    await fn();
    const d = performance.now() - s;
    if (d < best * 0.95) { best = d; stale = 0; } else stale++;
  }
}

/** A duration for people: ns, µs, ms or s with 3 significant digits. @param {number} ms */
export function fmtTime(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0.001) return `${(ms * 1e6).toPrecision(3)} ns`;
  if (ms < 1) return `${(ms * 1e3).toPrecision(3)} µs`;
  if (ms < 1000) return `${ms.toPrecision(3)} ms`;
  return `${(ms / 1000).toPrecision(3)} s`;
}

/** "3.20x": how many times `base` took as long as `t`. @param {number} base @param {number} t */
export function fmtRatio(base, t) {
  const r = base / t;
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}

/**
 * Prints rows as an aligned text table (first column left, others right).
 * @param {string[]} head @param {Array<Array<string | number>>} rows
 */
export function printTable(head, rows) {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  const line = (/** @type {string[]} */ r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells.slice(1)) console.log(line(r));
}

/**
 * Where two results differ: null when equal (within `tol`, relative, for
 * floats), else a sentence naming the first differing element.
 * @param {ArrayLike<number> | number} actual @param {ArrayLike<number> | number} expected @param {number} [tol]
 * @returns {string | null}
 */
export function difference(actual, expected, tol = 0) {
  const close = (/** @type {number} */ a, /** @type {number} */ b) =>
    Object.is(a, b) || a === b || (tol > 0 && Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)));
  if (typeof expected === "number" || typeof actual === "number") {
    return typeof actual === "number" && typeof expected === "number" && close(actual, expected) ? null : `got ${String(actual)}, expected ${String(expected)}`;
  }
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i], expected[i])) return `element ${i} is ${actual[i]}, expected ${expected[i]}`;
  }
  return null;
}

/**
 * One step's report: checks, headline figures for `npm run guide`'s summary,
 * and the machine-readable last line (`GUIDE-RESULT {...}`) that run-all.js
 * and tests/guide.test.js read.
 */
export class StepReport {
  /** @param {number} step @param {string} title */
  constructor(step, title) {
    this.step = step;
    this.title = title;
    /** @type {Array<{ name: string, ok: boolean, detail: string }>} */
    this.checks = [];
    /** @type {Array<{ label: string, value: string }>} */
    this.headlines = [];
    /** @type {Record<string, unknown>} */
    this.data = {};
    console.log(`\n=== Step ${step}: ${title}${QUICK ? " (quick sizes)" : ""} ===\n`);
  }

  /** Records a check and prints it. @param {string} name @param {boolean} ok @param {string} [detail] */
  check(name, ok, detail = "") {
    this.checks.push({ name, ok, detail });
    console.log(ok ? `  check ok: ${name}` : `  CHECK FAILED: ${name}: ${detail}`);
  }

  /**
   * Checks that `actual` equals `expected` (arrays element by element).
   * @param {string} name @param {ArrayLike<number> | number} actual @param {ArrayLike<number> | number} expected @param {number} [tol]
   */
  same(name, actual, expected, tol = 0) {
    const diff = difference(actual, expected, tol);
    this.check(name, diff === null, diff ?? "");
  }

  /** A figure for the summary table. @param {string} label @param {string} value */
  headline(label, value) {
    this.headlines.push({ label, value });
  }

  /** Prints the result line; a failed check makes the exit code 1. */
  finish() {
    const ok = this.checks.length > 0 && this.checks.every((c) => c.ok);
    if (!ok) process.exitCode = 1;
    console.log(`\nGUIDE-RESULT ${JSON.stringify({ step: this.step, title: this.title, quick: QUICK, ok, checks: this.checks, headlines: this.headlines, data: this.data })}`);
  }
}

/**
 * Runs one step: `body` gets the report; an exception is printed (with its
 * cause) and fails the step. Sets the exit code, never exits the process.
 * @param {number} step @param {string} title @param {(r: StepReport) => Promise<void>} body
 */
export async function runStep(step, title, body) {
  const report = new StepReport(step, title);
  try {
    await body(report);
  } catch (error) {
    const e = /** @type {any} */ (error);
    report.check("the step ran to the end", false, `${e?.stack ?? String(e)}${e?.cause ? `\ncaused by: ${e.cause?.stack ?? e.cause}` : ""}`);
  }
  report.finish();
}
