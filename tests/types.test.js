import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const PROJECT = join(REPO, "tests/fixtures/types-project");
const HOST = join(PROJECT, "src/host.ts");
const KERNEL = join(PROJECT, "src/stats.kernel.ts");
const TYPES = join(REPO, "runtime/types.d.ts");

const temps = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

let cachedProgram;
/** The fixture project, as it is on disk (created once). */
function projectProgram() {
  if (!cachedProgram) {
    const { fileNames, options } = projectConfig();
    cachedProgram = program(fileNames, options);
  }
  return cachedProgram;
}

/** The fixture project's parsed tsconfig. */
function projectConfig() {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(PROJECT, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic(diagnostic) {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  expect(parsed.errors).toEqual([]);
  return parsed;
}

/** Parsed source files shared by every program (lib files dominate the cost). */
const sourceCache = new Map();

/**
 * Creates a program, optionally replacing the text of some files in memory.
 * @param {string[]} rootNames
 * @param {ts.CompilerOptions} options
 * @param {Record<string, string>} [overrides] absolute path → text
 */
function program(rootNames, options, overrides = {}) {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const text = overrides[resolve(fileName)];
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    if (!sourceCache.has(key)) sourceCache.set(key, getSourceFile(fileName, languageVersion, ...rest));
    return sourceCache.get(key);
  };
  return ts.createProgram(rootNames, options, host);
}

/** Diagnostics as `file(line): TScode message` strings, for readable failures. */
function diagnostics(prog) {
  return ts.getPreEmitDiagnostics(prog).map((d) => {
    const where = d.file ? `${d.file.fileName}(${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})` : "";
    return `${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe("tskern/types", () => {
  it("compiles on its own under --strict with lib ES2022 and no DOM", () => {
    const prog = program([TYPES], {
      strict: true,
      noEmit: true,
      lib: ["lib.es2022.d.ts"],
      types: [],
      target: ts.ScriptTarget.ES2022,
    });
    expect(diagnostics(prog)).toEqual([]);
  });

  it("type-checks a host project importing a kernel with zero diagnostics", () => {
    const { fileNames } = projectConfig();
    expect(fileNames.map((f) => resolve(f)).sort()).toEqual([HOST, KERNEL].sort());
    const prog = projectProgram();
    expect(prog.getSourceFiles().map((f) => resolve(f.fileName))).toContain(TYPES);
    expect(diagnostics(prog)).toEqual([]);
  });

  it("gives kernels real types: wrong arguments name the parameter type", () => {
    const { fileNames, options } = projectConfig();
    const text = readFileSync(HOST, "utf8");
    expect(text.match(/@ts-expect-error/g)).toHaveLength(2);
    const prog = program(fileNames, options, { [HOST]: text.replace(/\/\/ @ts-expect-error.*\n/g, "\n") });
    const found = diagnostics(prog);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/TS2345 .*'Float32Array.*' is not assignable to parameter of type 'Float64Array/);
    expect(found[1]).toMatch(/TS2345 .*'number' is not assignable to parameter of type 'bigint'/);
  });

  it("shows the kernel's signatures to the host", () => {
    const prog = projectProgram();
    const checker = prog.getTypeChecker();
    const host = /** @type {ts.SourceFile} */ (prog.getSourceFile(HOST));
    const specifier = /** @type {ts.ImportDeclaration} */ (host.statements[0]).moduleSpecifier;
    const kernel = /** @type {ts.Symbol} */ (checker.getSymbolAtLocation(specifier));
    const signatures = Object.fromEntries(
      checker.getExportsOfModule(kernel).map((symbol) => {
        const type = checker.getTypeOfSymbolAtLocation(symbol, host);
        return [symbol.name, checker.signatureToString(type.getCallSignatures()[0])];
      }),
    );
    expect(signatures.dot).toBe("(x: Float64Array<ArrayBufferLike>, y: Float64Array<ArrayBufferLike>, n: number): number");
    expect(signatures.sum64).toBe("(values: Int32Array<ArrayBufferLike>, start: bigint): bigint");
    expect(signatures.histogram).toBe("(bytes: Uint8Array<ArrayBufferLike>): Int64Array");
  });

  it("reports top-level decorators as TS1206 unless silenced with @ts-ignore", () => {
    const { fileNames, options } = projectConfig();
    const kernel = readFileSync(KERNEL, "utf8");
    expect(kernel).toMatch(/\/\/ @ts-ignore.*\n@inline\n/);
    const withoutIgnore = kernel.replace(/\/\/ @ts-ignore.*\n@inline\n/, "@inline\n");
    const prog = program(fileNames, options, { [KERNEL]: withoutIgnore });
    const found = diagnostics(prog);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/stats\.kernel\.ts\(\d+\): TS1206 Decorators are not valid here/);
  });

  it('resolves as "tskern/types" from a project that depends on tskern', () => {
    const dir = mkdtempSync(join(tmpdir(), "tskern-types-"));
    temps.push(dir);
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(REPO, join(dir, "node_modules/tskern"), "dir");
    writeFileSync(join(dir, "main.ts"), "export const x: i32 = i32(Mathf.PI);\nexport const y: i64 = i64(x);\n");
    for (const [module, moduleResolution] of [["ESNext", "Bundler"], ["NodeNext", "NodeNext"]]) {
      const compilerOptions = { strict: true, noEmit: true, lib: ["ES2022"], types: ["tskern/types"], module, moduleResolution };
      writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["main.ts"] }));
      const parsed = /** @type {ts.ParsedCommandLine} */ (
        ts.getParsedCommandLineOfConfigFile(join(dir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic() {} })
      );
      const prog = program(parsed.fileNames, parsed.options);
      expect(diagnostics(prog)).toEqual([]);
    }
  });
});
