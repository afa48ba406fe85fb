/**
 * ESM loader hooks installed by `tskern/register` (they run on Node's loader
 * thread). They make `import { dot } from "./blas.kernel.ts"` work in plain
 * Node:
 *
 * - `resolve`: `*.kernel.ts` resolves as an ES module; a `*.kernel.js`
 *   specifier with a `.kernel.ts` file next to it resolves to that file (the
 *   TypeScript convention of importing `.js` for `.ts`); the kernel module's
 *   `./tskern-build.js` resolves to `<kernel file URL>?tskern-build`.
 * - `load`: serves the compiled kernel module and its build module (see
 *   kernel-loader.js; the wasm itself is read from the cache by the runtime).
 *
 * Environment: `TSKERN_NO_CACHE=1` compiles on every run and writes nothing;
 * `TSKERN_CACHE_DIR` moves the cache; `TSKERN_DEBUG=1` logs cache hits and
 * misses to stderr.
 */
import { existsSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadKernelModules } from "./kernel-loader.js";

const BUILD_PARAM = "tskern-build";
const BUILD_SPECIFIER = "./tskern-build.js";

/** kernel file path -> its modules (compiled once per process) */
const modules = new Map();

/**
 * @param {string} specifier
 * @param {{ parentURL?: string, conditions?: string[], importAttributes?: object }} context
 * @param {Function} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (specifier === BUILD_SPECIFIER && parent && kernelFileOf(parent) && !new URL(parent).searchParams.has(BUILD_PARAM)) {
    const url = new URL(parent);
    url.search = `?${BUILD_PARAM}`;
    url.hash = "";
    return { url: url.href, format: "module", shortCircuit: true };
  }
  if (pathPart(specifier).endsWith(".kernel.js")) {
    const direct = isPathLike(specifier) && parent ? kernelSourceFor(new URL(specifier, parent).href) : null;
    if (direct) return { url: direct, format: "module", shortCircuit: true };
    if (!isPathLike(specifier)) {
      const resolved = await nextResolve(specifier, context);
      const source = kernelSourceFor(resolved.url);
      return source ? { url: source, format: "module", shortCircuit: true } : resolved;
    }
  }
  const resolved = await nextResolve(specifier, context);
  return kernelFileOf(resolved.url) ? { ...resolved, format: "module" } : resolved;
}

/**
 * @param {string} url
 * @param {{ format?: string, conditions?: string[], importAttributes?: object }} context
 * @param {Function} nextLoad
 */
export async function load(url, context, nextLoad) {
  const file = kernelFileOf(url);
  if (!file) return nextLoad(url, context);
  const compiled = await kernelModules(file);
  const isBuild = new URL(url).searchParams.has(BUILD_PARAM);
  return { format: "module", source: isBuild ? compiled.buildSource : compiled.kernelSource, shortCircuit: true };
}

/**
 * Compiles a kernel file once per process; a failed compile is retried on the
 * next import.
 * @param {string} file
 * @returns {Promise<import("./kernel-loader.js").KernelModules>}
 */
function kernelModules(file) {
  let pending = modules.get(file);
  if (!pending) {
    const debug = /^(1|true|yes)$/i.test(process.env.TSKERN_DEBUG ?? "");
    pending = loadKernelModules(file, {
      cache: !/^(1|true|yes)$/i.test(process.env.TSKERN_NO_CACHE ?? ""),
      log: debug ? (message) => writeStderr(`tskern: ${message}`) : undefined,
      warn: (message) => writeStderr(message),
    }).catch((error) => {
      modules.delete(file);
      throw error;
    });
    modules.set(file, pending);
  }
  return pending;
}

/**
 * The kernel file a `file:` URL names (`*.kernel.ts`, any query), or null.
 * @param {string} url
 */
function kernelFileOf(url) {
  if (!url.startsWith("file:")) return null;
  const parsed = new URL(url);
  return parsed.pathname.endsWith(".kernel.ts") ? fileURLToPath(parsed) : null;
}

/**
 * For a `*.kernel.js` file URL with a `*.kernel.ts` file next to it, that
 * file's URL (query and hash kept); otherwise null.
 * @param {string} url
 */
function kernelSourceFor(url) {
  if (!url.startsWith("file:")) return null;
  const parsed = new URL(url);
  if (!parsed.pathname.endsWith(".kernel.js")) return null;
  parsed.pathname = parsed.pathname.replace(/\.kernel\.js$/, ".kernel.ts");
  return existsSync(fileURLToPath(parsed)) ? parsed.href : null;
}

/** @param {string} specifier */
function isPathLike(specifier) {
  return /^(\.{1,2}\/|\/|file:)/.test(specifier);
}

/** @param {string} specifier */
function pathPart(specifier) {
  return specifier.replace(/[?#].*$/, "");
}

/** Synchronous, so nothing is lost if the process exits right after. @param {string} text */
function writeStderr(text) {
  try {
    writeSync(2, text.endsWith("\n") ? text : `${text}\n`);
  } catch {
    // stderr closed: nothing to do
  }
}
