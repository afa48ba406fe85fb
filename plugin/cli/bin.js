#!/usr/bin/env node
// The `tskern` executable: the only place that touches the process (exit
// code, signals).
import { main } from "./main.js";
import { parseArgs } from "./args.js";

let watching = false;
try {
  watching = parseArgs(process.argv.slice(2)).watch;
} catch {
  // main() reports the usage error
}

/** @type {AbortController | undefined} */
let controller;
if (watching) {
  // Ctrl-C (or a SIGTERM from a process manager) ends `build --watch` cleanly:
  // watchers closed, exit code 0. A second signal exits at once.
  controller = new AbortController();
  const stop = () => {
    if (controller?.signal.aborted) process.exit(130);
    controller?.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

process.exitCode = await main(process.argv.slice(2), controller ? { signal: controller.signal } : {});
