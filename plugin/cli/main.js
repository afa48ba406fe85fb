/**
 * The `tskern` command line. `main` takes argv and streams and returns the
 * exit code; it never exits the process (bin.js does that), so tests and
 * other tools can drive it in-process.
 */
import nodePath from "node:path";
import { PLANNED, USAGE, UsageError, parseArgs } from "./args.js";

/**
 * @typedef {{ write(chunk: string): unknown }} Writable
 * @typedef {object} CliIO
 * @property {Writable} [stdout]  default process.stdout
 * @property {Writable} [stderr]  default process.stderr
 * @property {string} [cwd]       default process.cwd()
 * @property {AbortSignal} [signal]  stops `build --watch` (bin.js aborts it on SIGINT/SIGTERM); main then returns 0
 */

/**
 * Runs `tskern <argv...>`.
 * @param {string[]} argv   the arguments after `tskern`
 * @param {CliIO} [io]
 * @returns {Promise<number>} 0 ok, 1 compile errors or check differences, 2 usage errors;
 *   with --watch, 0 when the signal stops it
 */
export async function main(argv, io = {}) {
  const out = lineWriter(io.stdout ?? process.stdout);
  const err = lineWriter(io.stderr ?? process.stderr);
  const cwd = nodePath.resolve(io.cwd ?? process.cwd());

  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`tskern: ${error.message}. Run 'tskern --help' for usage.`);
    return 2;
  }

  switch (args.command) {
    case "help":
      out(USAGE.trimEnd());
      return 0;
    case "version": {
      const { toolVersions } = await import("../build/build-cache.js");
      const v = toolVersions();
      out(`tskern ${v.tskern} (AssemblyScript ${v.assemblyscript}, Binaryen ${v.binaryen})`);
      return 0;
    }
    case null:
      err(USAGE.trimEnd());
      return 2;
    case "cache":
      return cache(args, cwd, out, err);
    case "annotate": {
      const { annotateCommand } = await import("../annotate/command.js");
      if (args.inputs.length > 1) {
        err(`tskern annotate: one kernel file at a time, got ${args.inputs.length}. Run 'tskern --help' for usage.`);
        return 2;
      }
      return annotateCommand({ file: args.inputs[0], out: args.out, cwd, boundsCheck: args.boundsCheck }, { stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr });
    }
    case "bench":
      err(`tskern ${args.command} is not available in this version of tskern: it is planned (${PLANNED[args.command]}).`);
      return 2;
  }

  if (!args.inputs.length) {
    err(`tskern ${args.command}: no kernel files or directories given; e.g. 'tskern ${args.command} kernels --outDir dist'. Run 'tskern --help' for usage.`);
    return 2;
  }
  try {
    if (args.command === "build") return args.watch ? await watch(args, cwd, out, err, io.signal) : (await build(args, cwd, out, err)).code;
    return await check(args, argv, cwd, out, err);
  } catch (error) {
    err(`tskern ${args.command}: internal error: ${error instanceof Error ? error.stack : String(error)}\nPlease report this with the command line and the kernel sources.`);
    return 1;
  }
}

/**
 * @typedef {import("./args.js").ParsedArgs} ParsedArgs
 * @typedef {(text: string) => void} Print
 */

/**
 * `tskern build`: compiles (or takes the build from the cache), then writes
 * the outputs (only if there are no errors).
 * @param {ParsedArgs} args @param {string} cwd @param {Print} out @param {Print} err
 * @returns {Promise<{ code: number, inputs: Array<{ path: string, sha256: string }> }>} inputs: absolute paths
 */
async function build(args, cwd, out, err, note = "") {
  const started = performance.now();
  const { buildKernels, writeOutputs } = await import("../build/build-kernels.js");
  const { formatDiagnostic } = await import("../compiler/diagnostics.js");
  const outDir = nodePath.resolve(cwd, args.outDir);
  const shown = `${displayPath(cwd, outDir)}/`;

  const options = buildOptions(args, cwd, err);
  const result = await buildKernels(options);
  const inputs = (result.inputs ?? []).map((i) => ({ path: nodePath.resolve(options.cwd ?? cwd, i.path), sha256: i.sha256 }));
  for (const d of result.diagnostics) err(`${formatDiagnostic(d)}\n`);
  if (!result.ok) {
    err(`tskern build: ${countErrors(result.diagnostics)}; nothing was written to ${shown}${args.watch ? "; waiting for changes" : ""}`);
    return { code: 1, inputs };
  }
  try {
    await writeOutputs(outDir, result.outputs);
  } catch (error) {
    const e = /** @type {NodeJS.ErrnoException} */ (error);
    err(`tskern build: cannot write ${e.path ?? shown} (${e.code ?? e.message}). Check that ${shown} is a writable directory, or pass another --outDir.`);
    return { code: 1, inputs };
  }

  const kernelCount = result.files.reduce((n, f) => n + f.kernels.length, 0);
  if (!args.watch) await warnCommonJs(outDir, cwd, err);
  if (!args.quiet) {
    const total = result.files.length;
    if (total > 3) {
      result.files.forEach((f, i) => {
        out(`[${i + 1}/${total}] ${f.file} -> ${shown}${f.out} (${plural(f.kernels.length, "kernel")})`);
      });
    }
    const cached = result.fromCache ? " (from cache)" : "";
    out(`built ${plural(kernelCount, "kernel")} from ${plural(total, "file")} into ${shown} in ${Math.round(performance.now() - started)} ms${cached}${note}`);
  }
  return { code: 0, inputs };
}

/**
 * `tskern build --watch`: builds, then rebuilds on every change to a kernel
 * file or a file it imports, until `signal` aborts. A failed build prints its
 * errors and leaves outDir as it was; the next good save recovers.
 * @param {ParsedArgs} args @param {string} cwd @param {Print} out @param {Print} err @param {AbortSignal} [signal]
 */
async function watch(args, cwd, out, err, signal) {
  const { watchBuilds } = await import("./watch.js");
  const { sourceHash } = await import("../build/build-cache.js");
  const quickFirst = args.quick && args.optimizeLevel !== 0;
  await warnCommonJs(nodePath.resolve(cwd, args.outDir), cwd, err);
  /** Whether a file a build read differs now. @param {Array<{ path: string, sha256: string | null }>} inputs */
  const changedSince = async (inputs) => {
    for (const i of inputs) if ((await sourceHash(i.path)) !== i.sha256) return true;
    return false;
  };
  await watchBuilds({
    roots: args.inputs.map((i) => nodePath.resolve(cwd, i)),
    outDir: nodePath.resolve(cwd, args.outDir),
    signal,
    build: async ({ superseded }) => {
      try {
        if (!quickFirst) return (await build(args, cwd, out, err)).inputs;
        // Two steps, like a JIT's tiers: an unoptimized build (-O0: a third of
        // the time; kernels run ~1.2x slower) is written first, then the
        // optimized one replaces it, unless the sources changed meanwhile
        // (a new build follows then). The last output is always the release
        // build at the chosen level, as `tskern build` writes it.
        const quick = await build({ ...args, optimizeLevel: 0, cache: false }, cwd, out, err, ` (quick -O0 build; optimizing at -O${args.optimizeLevel ?? 3})`);
        if (quick.code !== 0) return quick.inputs;
        if (superseded() && (await changedSince(quick.inputs))) return quick.inputs;
        return (await build(args, cwd, out, err, " (optimized)")).inputs;
      } catch (error) {
        // Keep watching: the next save may fix whatever this was.
        err(`tskern build: internal error: ${error instanceof Error ? error.stack : String(error)}\nPlease report this with the command line and the kernel sources.`);
        return [];
      }
    },
    onWatching: ({ files, polling }) => {
      if (!args.quiet) out(`watching ${plural(files, "file")} for changes${polling ? " (polling)" : ""}; press Ctrl-C to stop`);
    },
    onChange: (path, how) => {
      if (!args.quiet) out(`${how}: ${displayPath(cwd, path)}; rebuilding`);
    },
  });
  return 0;
}

/**
 * Warns when Node would load `outDir`'s generated ES modules as CommonJS.
 * @param {string} outDir @param {string} cwd @param {Print} err
 */
async function warnCommonJs(outDir, cwd, err) {
  const pkg = await commonJsPackage(outDir);
  if (pkg) {
    err(`tskern build: warning: ${displayPath(cwd, outDir)}/*.kernel.js are ES modules, but ${displayPath(cwd, pkg)} does not say "type": "module", so Node will not import them (SyntaxError: ... Named export ... not found). Run 'npm pkg set type=module' there, or import them through a bundler.`);
  }
}

/**
 * The package.json that governs `dir` for Node, if it makes .js files
 * CommonJS (no "type": "module"); null if it says module or there is none.
 * @param {string} dir @returns {Promise<string | null>}
 */
async function commonJsPackage(dir) {
  const { readFile } = await import("node:fs/promises");
  for (let d = dir; ; d = nodePath.dirname(d)) {
    const file = nodePath.join(d, "package.json");
    const text = await readFile(file, "utf8").catch(() => null);
    if (text !== null) {
      try {
        return JSON.parse(text)?.type === "module" ? null : file;
      } catch {
        return null; // not ours to judge
      }
    }
    if (nodePath.dirname(d) === d) return null;
  }
}

/**
 * `tskern check`: rebuilds in memory and compares with what is in outDir.
 * @param {ParsedArgs} args @param {string[]} argv @param {string} cwd @param {Print} out @param {Print} err
 */
async function check(args, argv, cwd, out, err) {
  const { buildKernels, compareOutputs } = await import("../build/build-kernels.js");
  const { formatDiagnostic } = await import("../compiler/diagnostics.js");
  const outDir = nodePath.resolve(cwd, args.outDir);
  const shown = `${displayPath(cwd, outDir)}/`;

  // A check compiles: it verifies committed artifacts, so it trusts nothing on disk, the cache included.
  const result = await buildKernels({ ...buildOptions(args, cwd, err), cache: false });
  for (const d of result.diagnostics) err(`${formatDiagnostic(d)}\n`);
  if (!result.ok) {
    err(`tskern check: the kernels do not compile (${countErrors(result.diagnostics)}), so ${shown} cannot be checked`);
    return 1;
  }
  const diffs = await compareOutputs(outDir, result.outputs);
  if (diffs.length) {
    err(`tskern check: ${plural(diffs.length, "file")} in ${shown} ${diffs.length === 1 ? "differs" : "differ"} from a fresh build:`);
    for (const d of diffs) err(`  ${d.reason.padEnd(9)} ${shown}${d.path}`);
    const rebuild = ["build", ...argv.slice(argv.indexOf("check") + 1)].map(quote).join(" ");
    err(`Run 'tskern ${rebuild}' to update it, and commit the result.`);
    return 1;
  }
  if (!args.quiet) {
    const kernelCount = result.files.reduce((n, f) => n + f.kernels.length, 0);
    out(`check OK: ${shown} matches a fresh build (${plural(result.outputs.length, "file")}, ${plural(kernelCount, "kernel")})`);
  }
  return 0;
}

/**
 * @param {ParsedArgs} args @param {string} cwd @param {Print} err
 * @returns {import("../build/build-kernels.js").BuildOptions}
 */
function buildOptions(args, cwd, err) {
  const root = nodePath.resolve(cwd, args.root ?? ".");
  const debug = /^(1|true|yes)$/i.test(process.env.TSKERN_DEBUG ?? "");
  return {
    // Inputs are given relative to the current directory; the build resolves them against its root.
    inputs: args.inputs.map((i) => (root === cwd ? i : nodePath.relative(root, nodePath.resolve(cwd, i)) || ".")),
    cwd: root,
    boundsCheck: args.boundsCheck,
    ...(args.runtimeImport ? { runtimeImport: args.runtimeImport } : {}),
    ...(args.memoryLimit ? { memoryLimit: args.memoryLimit } : {}),
    ...(args.optimizeLevel !== undefined ? { optimizeLevel: args.optimizeLevel } : {}),
    ...(args.cache ? {} : { cache: false }),
    ...(debug ? { log: (/** @type {string} */ message) => err(`tskern: ${message}`) } : {}),
  };
}

/**
 * `tskern cache dir|info|clean`: the cache of the project at --root (or the
 * current directory), or $TSKERN_CACHE_DIR.
 * @param {ParsedArgs} args @param {string} cwd @param {Print} out @param {Print} err
 */
async function cache(args, cwd, out, err) {
  const { cacheDir, cacheLimits, cleanCache, listCache } = await import("../build/build-cache.js");
  const dir = cacheDir(nodePath.resolve(cwd, args.root ?? "."));
  const sub = args.inputs[0];
  try {
    if (sub === "dir") {
      out(dir);
    } else if (sub === "info") {
      const listing = await listCache(dir);
      const limits = cacheLimits();
      out(`${dir}: ${entries(listing.entries.length)}, ${formatBytes(listing.bytes)} ` +
        `(limits: ${limits.maxEntries} entries, ${formatBytes(limits.maxBytes)}; least recently used entries go first)`);
    } else {
      const { removed, bytes } = await cleanCache(dir);
      if (!args.quiet) out(`removed ${entries(removed)} (${formatBytes(bytes)}) from ${dir}`);
    }
    return 0;
  } catch (error) {
    const e = /** @type {NodeJS.ErrnoException} */ (error);
    err(`tskern cache ${sub}: cannot read or change ${e.path ?? dir} (${e.code ?? e.message})`);
    return 1;
  }
}

/** @param {number} n */
function entries(n) {
  return `${n} ${n === 1 ? "entry" : "entries"}`;
}

/** @param {number} bytes */
function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** @param {import("../compiler/diagnostics.js").Diagnostic[]} diagnostics */
function countErrors(diagnostics) {
  const errors = diagnostics.filter((d) => d.severity === "error");
  const files = new Set(errors.filter((d) => d.line).map((d) => d.path));
  return `${plural(errors.length, "error")}${files.size ? ` in ${plural(files.size, "file")}` : ""}`;
}

/** A path as the user would type it: relative to cwd when inside it, posix separators. @param {string} cwd @param {string} abs */
function displayPath(cwd, abs) {
  const rel = nodePath.relative(cwd, abs);
  if (rel === "") return ".";
  return (rel.startsWith("..") || nodePath.isAbsolute(rel) ? abs : rel).split(nodePath.sep).join("/");
}

/** @param {number} n @param {string} word */
function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** @param {string} arg */
function quote(arg) {
  return /^[\w./=:@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** Each call prints one line (a trailing "\n" in `text` leaves a blank line). @param {Writable} stream @returns {Print} */
function lineWriter(stream) {
  return (text) => { stream.write(`${text}\n`); };
}
