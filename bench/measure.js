// Timing helpers for `npm run bench` (tinybench underneath).
import { Bench } from "tinybench";

/**
 * @typedef {{ medianMs: number, minMs: number, p75: number, samples: number }} Timing
 */

/**
 * Warm median time of one call `kernel(...args)`, in ms, for several
 * implementations measured side by side.
 *
 * - Warm-up: V8 runs a wasm function's first calls in its baseline tier
 *   (Liftoff) and switches to optimized code (TurboFan) only for calls that
 *   start after the background compile is done, so every implementation is
 *   called for `warmupMs` (and at least three times), then until three calls
 *   in a row bring no new minimum.
 * - Interleaving: the implementations take turns, `rounds` times (one
 *   tinybench run per round, every implementation a task), and the result is
 *   the median over all rounds: a burst of load from elsewhere on the machine
 *   (two shared cores) then hits every implementation alike, not just the one
 *   that happened to run at that moment.
 * - Call shape: the timed loop is generated per implementation (`new
 *   Function`) with the arguments as constants, so every implementation gets
 *   its own monomorphic call site that V8 can inline into (a shared helper
 *   calling `fn()` would be megamorphic after a few cases and add a few ns to
 *   every call: more than a 16-element kernel takes). Calls shorter than
 *   ~50 us are timed in batches (the median of batch means).
 *
 * @param {Array<{ id: string, kernel: Function, args: unknown[] }>} impls
 * @param {{ timeMs: number, warmupMs: number, rounds?: number }} opts
 * @returns {Record<string, Timing>}
 */
export function measureAll(impls, { timeMs, warmupMs, rounds = 3 }) {
  const prepared = impls.map(({ id, kernel, args }) => {
    const once = loop(kernel, args, 1);
    const per = warm(once, warmupMs);
    const batch = per >= 0.05 ? 1 : Math.ceil(0.05 / Math.max(per, 1e-6));
    return { id, per, batch, task: batch === 1 ? once : loop(kernel, args, batch), samples: /** @type {number[]} */ ([]) };
  });
  for (let r = 0; r < rounds; r++) {
    for (const p of prepared) {
      const bench = new Bench({ time: timeMs / rounds, iterations: p.per > 20 ? 1 : 3, warmup: false, throws: true, retainSamples: true });
      bench.add(p.id, p.task);
      bench.runSync();
      const result = /** @type {any} */ (bench.tasks[0].result);
      for (const s of result.latency.samples ?? [result.latency.p50]) p.samples.push(s / p.batch);
    }
  }
  /** @type {Record<string, Timing>} */
  const out = {};
  for (const p of prepared) {
    const s = p.samples.sort((a, b) => a - b);
    out[p.id] = { medianMs: quantile(s, 0.5), minMs: s[0], p75: quantile(s, 0.75), samples: s.length };
  }
  return out;
}

/** One implementation alone (call overhead section). */
export function measure(kernel, args, opts) {
  return measureAll([{ id: "x", kernel, args }], opts).x;
}

/** Warms `once` up; returns an estimate of its warm time per call in ms. */
function warm(once, warmupMs) {
  let calls = 0;
  const t0 = performance.now();
  do {
    once();
    calls++;
  } while (performance.now() - t0 < warmupMs || calls < 3);
  // Long calls: a few calls may all have run in baseline code, so go on until
  // three calls in a row bring no new minimum (at most 1.5 s more).
  let best = Infinity;
  let stale = 0;
  const t2 = performance.now();
  while (stale < 3 && performance.now() - t2 < 1500) {
    const s = performance.now();
    once();
    const d = performance.now() - s;
    if (d < best * 0.95) {
      best = d;
      stale = 0;
    } else {
      stale++;
    }
    if (d < 0.05) break; // short calls: the time-based warm-up above was thousands of calls
  }
  const t1 = performance.now();
  let n = 0;
  do {
    once();
    n++;
  } while (performance.now() - t1 < Math.min(20, warmupMs / 4) && n < 1e6);
  return Math.min(best, (performance.now() - t1) / n);
}

/** A fresh function calling kernel(args...) `times` times. */
function loop(kernel, args, times) {
  const names = args.map((_, i) => `a${i}`);
  const call = `k(${names.join(", ")})`;
  const body = times === 1 ? `return function once() { return ${call}; };` : `return function batch() { for (let i = 0; i < ${times}; i++) ${call}; };`;
  return new Function("k", ...names, body)(kernel, ...args);
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
