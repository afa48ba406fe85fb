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
 */

/**
 * Runs `tskern <argv...>`.
 * @param {string[]} argv   the arguments after `tskern`
 * @param {CliIO} [io]
 * @returns {Promise<number>} 0 ok, 1 compile errors or check differences, 2 usage errors
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
    case "annotate":
    case "bench":
      err(`tskern ${args.command} is not available in this version of tskern: it is planned (${PLANNED[args.command]}).`);
      return 2;
  }

  if (!args.inputs.length) {
    err(`tskern ${args.command}: no kernel files or directories given; e.g. 'tskern ${args.command} kernels --outDir dist'. Run 'tskern --help' for usage.`);
    return 2;
  }
  try {
    return args.command === "build" ? await build(args, cwd, out, err) : await check(args, argv, cwd, out, err);
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
 * `tskern build`: compiles, then writes the outputs (only if there are no errors).
 * @param {ParsedArgs} args @param {string} cwd @param {Print} out @param {Print} err
 */
async function build(args, cwd, out, err) {
  const started = performance.now();
  const { buildKernels, writeOutputs } = await import("../build/build-kernels.js");
  const { formatDiagnostic } = await import("../compiler/diagnostics.js");
  const outDir = nodePath.resolve(cwd, args.outDir);
  const shown = `${displayPath(cwd, outDir)}/`;

  const result = await buildKernels(buildOptions(args, cwd));
  for (const d of result.diagnostics) err(`${formatDiagnostic(d)}\n`);
  if (!result.ok) {
    err(`tskern build: ${countErrors(result.diagnostics)}; nothing was written to ${shown}`);
    return 1;
  }
  try {
    await writeOutputs(outDir, result.outputs);
  } catch (error) {
    const e = /** @type {NodeJS.ErrnoException} */ (error);
    err(`tskern build: cannot write ${e.path ?? shown} (${e.code ?? e.message}). Check that ${shown} is a writable directory, or pass another --outDir.`);
    return 1;
  }

  const kernelCount = result.files.reduce((n, f) => n + f.kernels.length, 0);
  if (!args.quiet) {
    const total = result.files.length;
    if (total > 3) {
      result.files.forEach((f, i) => {
        out(`[${i + 1}/${total}] ${f.file} -> ${shown}${f.out} (${plural(f.kernels.length, "kernel")})`);
      });
    }
    out(`built ${plural(kernelCount, "kernel")} from ${plural(total, "file")} into ${shown} in ${Math.round(performance.now() - started)} ms`);
  }
  return 0;
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

  const result = await buildKernels(buildOptions(args, cwd));
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
 * @param {ParsedArgs} args @param {string} cwd
 * @returns {import("../build/build-kernels.js").BuildOptions}
 */
function buildOptions(args, cwd) {
  const root = nodePath.resolve(cwd, args.root ?? ".");
  return {
    // Inputs are given relative to the current directory; the build resolves them against its root.
    inputs: args.inputs.map((i) => (root === cwd ? i : nodePath.relative(root, nodePath.resolve(cwd, i)) || ".")),
    cwd: root,
    boundsCheck: args.boundsCheck,
    ...(args.runtimeImport ? { runtimeImport: args.runtimeImport } : {}),
    ...(args.memoryLimit ? { memoryLimit: args.memoryLimit } : {}),
  };
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
