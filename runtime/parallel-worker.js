/**
 * The worker side of the parallel pool (runtime/worker-pool.js), as source
 * text. runtime/pool-workers.js starts each worker from this text (Node:
 * `new Worker(text, { eval: true })`; browsers: a module worker from a blob:
 * URL), so the same code runs from `tskern/runtime`, from a build's bundled
 * `tskern-runtime.js` copy and from any app bundle, with no worker file to
 * locate. It is a string, not a function's `toString()`, because bundlers and
 * coverage tools rewrite function bodies with helpers from outside them
 * (esbuild's keepNames `__name`, istanbul counters), which a worker lacks.
 * So: no template literals inside, and plain ES2020.
 *
 * `workerMain(port)`: `port` is Node's parentPort, or in browsers a stand-in
 * with the same `on("message", fn)` / `postMessage` shape.
 *
 * Messages from the pool:
 *   { type: "build", token, module, memory }  instantiate a build's worker
 *       module (no start function, passive data: see worker-pool.js) over the
 *       build's shared memory. Nothing is written to memory.
 *   { type: "run", job, token, fn, args, total, chunk, ctl }  pull chunks:
 *       `Atomics.add(ctl, 0, 1)` hands out chunk numbers, `ctl[1] !== 0` stops
 *       everyone after a failure; calls `fn(start, end, ...args.slice(2))`.
 * Replies: { type: "ready" } once, at start.
 *   { type: "done", job, error }  error: null, or plain data that the
 *   main thread turns into the located KernelError (it owns the location tables).
 */
export const WORKER_SOURCE = String.raw`"use strict";
function workerMain(port) {
  var builds = new Map();
  function readString(memory, ptr) {
    if (!ptr) return "";
    var buffer = memory.buffer;
    var bytes = new Uint32Array(buffer, ptr - 4, 1)[0];
    var units = new Uint16Array(buffer, ptr, bytes >>> 1);
    var s = "";
    for (var i = 0; i < units.length; i += 4096) s += String.fromCharCode.apply(null, units.subarray(i, i + 4096));
    return s;
  }
  function importsFor(memory) {
    function log(fn) {
      return function (ptr) { fn(readString(memory, ptr)); };
    }
    return {
      env: {
        memory: memory,
        abort: function (m, f, line, column) {
          throw { tskern: "abort", message: readString(memory, m), file: readString(memory, f), line: line, column: column, stack: String(new Error().stack || "") };
        },
        seed: function () { return Date.now() * Math.random(); },
        "Date.now": function () { return Date.now(); },
        trace: function (msg, n) {
          var args = Array.prototype.slice.call(arguments, 2, 2 + n);
          console.log("trace: " + readString(memory, msg) + (n ? " " : "") + args.join(", "));
        },
        "console.log": log(console.log),
        "console.debug": log(console.debug),
        "console.info": log(console.info),
        "console.warn": log(console.warn),
        "console.error": log(console.error),
        "console.time": log(console.time),
        "console.timeLog": log(console.timeLog),
        "console.timeEnd": log(console.timeEnd)
      },
      tskern: {
        oob: function (loc, index, length) { throw { tskern: "oob", loc: loc, index: index, length: length }; }
      }
    };
  }
  function describe(e) {
    if (e && typeof e === "object" && typeof e.tskern === "string") return e;
    if (e instanceof WebAssembly.RuntimeError) return { tskern: "trap", message: e.message, stack: String(e.stack || "") };
    if (e instanceof RangeError) return { tskern: "range", message: e.message, stack: String(e.stack || "") };
    return { tskern: "other", message: e instanceof Error ? e.message : String(e), stack: e instanceof Error ? String(e.stack || "") : "" };
  }
  port.on("message", function (msg) {
    if (msg.type === "build") {
      try {
        var instance = new WebAssembly.Instance(msg.module, importsFor(msg.memory));
        builds.set(msg.token, { exports: instance.exports });
      } catch (e) {
        builds.set(msg.token, { error: describe(e) });
      }
      return;
    }
    if (msg.type !== "run") return;
    var ctl = msg.ctl, total = msg.total, chunk = msg.chunk, args = msg.args;
    var build = builds.get(msg.token);
    var error = null;
    var at = null;
    if (!build || build.error) error = (build && build.error) || { tskern: "other", message: "the worker has not loaded this build", stack: "" };
    else {
      var fn = build.exports[msg.fn];
      try {
        for (;;) {
          if (Atomics.load(ctl, 1) !== 0) break;
          var start = Atomics.add(ctl, 0, 1) * chunk;
          if (start >= total) break;
          at = [start, Math.min(total, start + chunk)];
          args[0] = at[0];
          args[1] = at[1];
          fn.apply(null, args);
        }
      } catch (e) {
        Atomics.store(ctl, 1, 1);
        error = Object.assign({}, describe(e), { chunk: at });
      }
    }
    port.postMessage({ type: "done", job: msg.job, error: error });
  });
  // Tells a browser pool this worker started (an error before it is a start failure: a CSP, say).
  port.postMessage({ type: "ready" });
}
`;
