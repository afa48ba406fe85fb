/**
 * The CLI's command line: usage text and a small argv parser (`--opt value`,
 * `--opt=value`, `--no-flag`, `--` ends options). Parsing never prints or
 * exits; problems come back as a `UsageError`.
 */

export const COMMANDS = ["build", "check", "cache", "annotate", "bench"];
/** `tskern cache <subcommand>` */
export const CACHE_COMMANDS = ["dir", "info", "clean"];
/** Commands named in the design but not shipped yet. */
export const PLANNED = { bench: "kernel benchmarks against plain JS and native code (use npm run bench in a tskern checkout)" };

export const USAGE = `Usage: tskern <command> [options]

Commands:
  build <files|dirs...>     compile *.kernel.ts files into --outDir: NAME.kernel.js,
                            NAME.kernel.d.ts, tskern.wasm, tskern-build.js,
                            tskern-runtime.js and tskern-manifest.json
  check <files|dirs...>     rebuild in memory and fail if --outDir differs (for CI);
                            always compiles (never reads the cache)
  cache dir                 print the build cache's location
  cache info                print its location, entries, size and limits
  cache clean               remove every cache entry
  annotate <file> [-o out]  write an HTML report of the kernel: per-line wasm cost,
                            bounds checks, allocations, conversions, lint hints
                            (default out: NAME.kernel.html next to the kernel)
  bench                     planned, not available in this version

Options for build and check:
  --outDir <dir>            output directory (default: dist)
  --root <dir>              build root: must contain every kernel file; paths in
                            errors and the manifest are relative to it
                            (default: the current directory)
  --boundscheck=false       compile without bounds checks (release builds);
  --no-boundscheck          same; a \`// @tskern boundscheck=\` directive in a file wins
  --runtime-import <spec>   import the runtime from <spec> (e.g. tskern/runtime)
                            instead of writing tskern-runtime.js
  --memory-limit <size>     default kernel memory limit, e.g. 512MiB or 4GiB
                            (64KiB to 4GiB; default 2GiB)
  --optimize-level <0-3>    Binaryen optimization level (default 3); lower
                            compiles faster and runs slower (see README, Watch)
  --no-cache                compile even if the cache has this build, and do
                            not store it (also: TSKERN_NO_CACHE=1)
  --watch, -w               build, then rebuild whenever a kernel file or a file
                            it imports changes; errors are printed and the
                            last good output stays in --outDir (build only);
                            each build writes a quick -O0 build first, then
                            the optimized one
  --no-quick                --watch: write only the optimized build
  --quiet, -q               print only errors and warnings

General:
  --help, -h                print this help
  --version                 print the tskern, AssemblyScript and Binaryen versions

Exit codes: 0 success, 1 compile errors or check differences, 2 usage errors.

Examples:
  tskern build kernels --outDir dist
  tskern build kernels --outDir dist --no-boundscheck --memory-limit 4GiB
  tskern check kernels --outDir dist
  tskern build kernels --outDir dist --watch

Environment:
  TSKERN_CACHE_DIR          cache location (default node_modules/.cache/tskern)
  TSKERN_CACHE_MAX_BYTES    cache size bound, e.g. 1GiB (default 256MiB)
  TSKERN_CACHE_MAX_ENTRIES  cache entry bound (default 200)
  TSKERN_NO_CACHE=1         never use the cache
  TSKERN_DEBUG=1            log cache hits and misses to stderr
`;

/** A mistake on the command line (exit code 2). */
export class UsageError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * @typedef {object} ParsedArgs
 * @property {"help" | "version" | string | null} command   null when none was given
 * @property {string[]} inputs
 * @property {string} outDir
 * @property {string | null} root
 * @property {boolean} boundsCheck
 * @property {string | undefined} runtimeImport
 * @property {number | undefined} memoryLimit   bytes
 * @property {boolean} quiet
 * @property {string | undefined} out   annotate: the report path
 * @property {boolean} cache                    false: --no-cache
 * @property {boolean} watch
 * @property {boolean} quick                    --watch: write an -O0 build before the optimized one (false: --no-quick)
 * @property {number | undefined} optimizeLevel
 */

/** Options that take a value; the key is the canonical name. */
const VALUE_OPTIONS = {
  outDir: ["--outDir", "--outdir", "--out-dir"],
  root: ["--root"],
  runtimeImport: ["--runtime-import"],
  memoryLimit: ["--memory-limit"],
  optimizeLevel: ["--optimize-level"],
  out: ["-o", "--out"],
};

/**
 * Parses the arguments after `tskern`.
 * @param {string[]} argv
 * @returns {ParsedArgs}
 * @throws {UsageError}
 */
export function parseArgs(argv) {
  /** @type {ParsedArgs} */
  const parsed = {
    command: null, inputs: [], outDir: "dist", root: null, boundsCheck: true, runtimeImport: undefined, memoryLimit: undefined, quiet: false,
    cache: true, watch: false, quick: true, optimizeLevel: undefined, out: undefined,
  };
  let help = false;
  let version = false;
  let optionsDone = false;
  /** @type {string[]} */
  const positionals = [];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (optionsDone || !arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      optionsDone = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 && arg.startsWith("--") ? arg.slice(0, eq) : arg;
    const inline = eq > 0 && arg.startsWith("--") ? arg.slice(eq + 1) : undefined;
    const noValue = () => {
      if (inline !== undefined) throw new UsageError(`option '${name}' takes no value (got '${arg}')`);
    };

    if (name === "--help" || name === "-h") { noValue(); help = true; continue; }
    if (name === "--version") { noValue(); version = true; continue; }
    if (name === "--quiet" || name === "-q") { noValue(); parsed.quiet = true; continue; }
    if (name === "--no-boundscheck") { noValue(); parsed.boundsCheck = false; continue; }
    if (name === "--no-cache") { noValue(); parsed.cache = false; continue; }
    if (name === "--cache") { noValue(); parsed.cache = true; continue; }
    if (name === "--watch" || name === "-w") { noValue(); parsed.watch = true; continue; }
    if (name === "--no-quick") { noValue(); parsed.quick = false; continue; }
    if (name === "--boundscheck") {
      let value = inline;
      if (value === undefined && /^(true|false)$/.test(argv[i + 1] ?? "")) value = argv[++i];
      parsed.boundsCheck = value === undefined ? true : parseBoolean(name, value);
      continue;
    }
    const key = /** @type {keyof typeof VALUE_OPTIONS | undefined} */ (
      Object.keys(VALUE_OPTIONS).find((k) => VALUE_OPTIONS[/** @type {keyof typeof VALUE_OPTIONS} */ (k)].includes(name)));
    if (key) {
      let value = inline;
      if (value === undefined) {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith("-") && next !== "-")) throw new UsageError(`option '${name}' needs a value, e.g. ${example(key)}`);
        value = next;
        i++;
      }
      if (value === "") throw new UsageError(`option '${name}' needs a value, e.g. ${example(key)}`);
      if (key === "memoryLimit") parsed.memoryLimit = parseSize(name, value);
      else if (key === "optimizeLevel") parsed.optimizeLevel = parseLevel(name, value);
      else parsed[key] = value;
      continue;
    }
    throw new UsageError(`unknown option '${name}'${suggest(name)}`);
  }

  if (help) return { ...parsed, command: "help" };
  if (version) return { ...parsed, command: "version" };
  parsed.command = positionals.shift() ?? null;
  parsed.inputs = positionals;
  if (parsed.command === "help") return parsed;
  if (parsed.command !== null && !COMMANDS.includes(parsed.command)) {
    throw new UsageError(`unknown command '${parsed.command}'; commands are ${COMMANDS.join(", ")}`);
  }
  if (parsed.watch && parsed.command !== "build") {
    throw new UsageError(`--watch works with 'tskern build', not '${parsed.command}'`);
  }
  if (!parsed.quick && !parsed.watch) {
    throw new UsageError("--no-quick only applies to 'tskern build --watch'");
  }
  if (parsed.command === "cache") {
    const sub = parsed.inputs[0];
    if (!sub || parsed.inputs.length > 1 || !CACHE_COMMANDS.includes(sub)) {
      throw new UsageError(`'tskern cache' takes one of ${CACHE_COMMANDS.join(", ")}${sub ? `, not '${parsed.inputs.join(" ")}'` : ""}`);
    }
  }
  return parsed;
}

/**
 * Parses a size such as `512MiB`, `4GiB`, `65536` (bytes). K, M and G are
 * binary (1024-based) with or without `iB`/`B`, as for TSKERN_MEMORY_LIMIT.
 * @param {string} option   for the error message
 * @param {string} value
 * @returns {number} bytes
 * @throws {UsageError}
 */
export function parseSize(option, value) {
  const m = /^(\d+(?:\.\d+)?)\s*(b|[kmg](?:i?b)?)?$/i.exec(value.trim());
  const unit = (m?.[2] ?? "b").toLowerCase()[0];
  const bytes = m ? Math.floor(Number(m[1]) * (unit === "g" ? 2 ** 30 : unit === "m" ? 2 ** 20 : unit === "k" ? 2 ** 10 : 1)) : NaN;
  if (!(bytes >= 2 ** 16 && bytes <= 2 ** 32)) {
    throw new UsageError(`${option} '${value}' is not a size between 64KiB and 4GiB; write e.g. 512MiB or 4GiB`);
  }
  return bytes;
}

/** @param {string} option @param {string} value */
function parseLevel(option, value) {
  if (!/^[0-3]$/.test(value)) throw new UsageError(`${option} takes 0, 1, 2 or 3, not '${value}'`);
  return Number(value);
}

/** @param {string} option @param {string} value */
function parseBoolean(option, value) {
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new UsageError(`${option} takes true or false, not '${value}'`);
}

/** @param {string} key */
function example(key) {
  return { outDir: "--outDir dist", root: "--root .", runtimeImport: "--runtime-import tskern/runtime", memoryLimit: "--memory-limit 512MiB", optimizeLevel: "--optimize-level 3", out: "-o report.html" }[key];
}

/** @param {string} name */
function suggest(name) {
  const known = ["-o", "--out", "--outDir", "--root", "--boundscheck", "--no-boundscheck", "--runtime-import", "--memory-limit", "--optimize-level", "--no-cache", "--watch", "--quiet", "--help", "--version"];
  const close = known.find((k) => k.toLowerCase().replace(/-/g, "") === name.toLowerCase().replace(/-/g, ""));
  return close ? `; did you mean '${close}'?` : "";
}
