/**
 * Pure mode: turns a `*.kernel.ts` file (AssemblyScript) into a plain ES
 * module that runs without WebAssembly, on the built-ins of `tskern/pure`.
 *
 * Plain TypeScript tooling would simply drop `<i32>x` and `x as i32`, which
 * in AssemblyScript are conversions (`<i32>(7 / 2)` is 3). So the kernel is
 * first parsed with AssemblyScript's own parser and rewritten, by text edits
 * at original offsets:
 * - numeric casts `<T>expr` / `expr as T` become calls `T(expr)`;
 * - initializers of variables, fields and parameters declared with an
 *   integer or f32 type, and `return` values of functions declared to return
 *   one, are wrapped in `T(...)` (`let mid: i32 = (lo + hi) / 2` truncates,
 *   `let s: i64 = 0` is a bigint);
 * - generic built-ins with an integer type argument (`abs<i32>(x)`,
 *   `max<i64>(x, 0)`) convert their operands and result to that type;
 * - every decorator (`@inline`, `@unsafe`, `@lazy`, ...) is removed;
 * - import specifiers may be rewritten (see `rewriteImport`).
 * esbuild then strips the remaining TypeScript, and an import of exactly the
 * built-ins the module uses is prepended.
 *
 * Not emulated: integer semantics of intermediate expressions and of plain
 * assignments (`x = a / b`, `x += y` on an `i32` do not truncate or wrap).
 *
 * @module
 */

import {
  Parser,
  Node,
  NodeKind,
  Source,
  AssertionKind,
  ArrowKind,
  LiteralKind,
  DiagnosticCategory,
} from "assemblyscript";
import { transform, transformSync } from "esbuild";
import { builtins } from "../../runtime/pure.js";

/**
 * @typedef {object} TranspileOptions
 * @property {string} [path] the kernel's path, used in error messages and
 *   the source map (pass a relative path for reproducible output)
 * @property {string} [shimSpecifier] where the built-ins are imported from
 * @property {(specifier: string) => string | undefined} [rewriteImport]
 *   maps each import/export specifier of the kernel to the one to emit
 *   (return `undefined` to keep it)
 * @property {boolean} [sourcemap] also return a source map (line-accurate;
 *   columns on a line after a rewritten cast may be off by a few characters)
 */

/**
 * @typedef {object} TranspileResult
 * @property {string} code the ES module
 * @property {object} [map] source map (v3, as an object), if requested
 * @property {string[]} imports the kernel's own import/export specifiers,
 *   as written in the source, in order of appearance
 * @property {string[]} builtins the built-ins imported from the shim
 */

/** Types whose casts become conversion calls. */
const NUMERIC_TYPES = new Set([
  "i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64", "usize", "f32", "f64", "bool",
]);

/**
 * Types that declarations, returns and generic built-ins convert to. `f64`
 * and `bool` values need no conversion in valid AssemblyScript.
 */
const IMPLICIT_TYPES = new Set(["i8", "i16", "i32", "i64", "isize", "u8", "u16", "u32", "u64", "usize", "f32"]);

/** Generic built-ins: which argument positions have the type argument's type. */
const GENERIC_OPERANDS = new Map([
  ["min", [0, 1]], ["max", [0, 1]], ["copysign", [0, 1]], ["rotl", [0, 1]], ["rotr", [0, 1]],
  ["abs", [0]], ["sqrt", [0]], ["floor", [0]], ["ceil", [0]], ["trunc", [0]], ["nearest", [0]],
  ["clz", [0]], ["ctz", [0]], ["popcnt", [0]], ["select", [0, 1]],
]);

/** Properties holding identifiers that name something rather than refer to a value. */
const NAME_PROPERTIES = new Set(["name", "foreignName", "exportedName", "property", "label", "names"]);

/** Node kinds that contain only types. */
const TYPE_KINDS = new Set([NodeKind.NamedType, NodeKind.TupleType, NodeKind.TypeName, NodeKind.TypeParameter]);

// ---- entry points -----------------------------------------------------------

/**
 * Transpiles a kernel to a plain ES module for pure mode.
 * @param {string} source the kernel's AssemblyScript source
 * @param {TranspileOptions} [options]
 * @returns {Promise<TranspileResult>}
 * @throws {Error} `path:line:col: message` on a syntax error (`cause` holds
 *   the parser's diagnostic; `loc` and `frame` locate it)
 */
export async function transpilePure(source, options = {}) {
  const prepared = prepare(source, options);
  let result;
  try {
    result = await transform(prepared.edited, prepared.esbuildOptions);
  } catch (error) {
    throw esbuildError(prepared, error);
  }
  return finish(prepared, result);
}

/**
 * Synchronous {@link transpilePure}, for hooks that cannot await.
 * @param {string} source
 * @param {TranspileOptions} [options]
 * @returns {TranspileResult}
 */
export function transpilePureSync(source, options = {}) {
  const prepared = prepare(source, options);
  let result;
  try {
    result = transformSync(prepared.edited, prepared.esbuildOptions);
  } catch (error) {
    throw esbuildError(prepared, error);
  }
  return finish(prepared, result);
}

// ---- pipeline ---------------------------------------------------------------

/**
 * @typedef {object} Prepared
 * @property {string} source
 * @property {string} path
 * @property {string} edited the source after the AssemblyScript rewrites
 * @property {(offset: number) => number} toOriginal maps an offset in
 *   `edited` back to `source`
 * @property {string[]} names built-ins to import
 * @property {string[]} imports
 * @property {string} shimSpecifier
 * @property {boolean} sourcemap
 * @property {import("esbuild").TransformOptions} esbuildOptions
 */

/**
 * Parses and rewrites the kernel, up to the point where esbuild takes over.
 * @param {string} source
 * @param {TranspileOptions} options
 * @returns {Prepared}
 */
function prepare(source, { path = "kernel.ts", shimSpecifier = "tskern/pure", rewriteImport, sourcemap = false }) {
  const ast = parse(source, path);
  const rewriter = new Rewriter(source, ast, rewriteImport);
  rewriter.run();
  const { text, toOriginal } = applyEdits(source, rewriter.edits);
  return {
    source,
    path,
    edited: text,
    toOriginal,
    names: rewriter.builtinsUsed(),
    imports: rewriter.imports,
    shimSpecifier,
    sourcemap,
    esbuildOptions: {
      loader: "ts",
      format: "esm",
      target: "es2022",
      sourcefile: path,
      sourcemap: sourcemap ? "external" : false,
      tsconfigRaw: {},
    },
  };
}

/**
 * Prepends the shim import to esbuild's output.
 * @param {Prepared} prepared
 * @param {{ code: string, map: string }} result
 * @returns {TranspileResult}
 */
function finish(prepared, result) {
  const header = prepared.names.length
    ? `import { ${prepared.names.join(", ")} } from ${JSON.stringify(prepared.shimSpecifier)};\n`
    : "";
  /** @type {TranspileResult} */
  const out = { code: header + result.code, imports: prepared.imports, builtins: prepared.names };
  if (prepared.sourcemap) {
    const map = JSON.parse(result.map);
    map.sources = [prepared.path];
    map.sourcesContent = [prepared.source];
    if (header) map.mappings = ";" + map.mappings;
    out.map = map;
  }
  return out;
}

/**
 * Parses with AssemblyScript's parser; throws the first syntax error.
 * @param {string} source
 * @param {string} path
 * @returns {Source}
 */
function parse(source, path) {
  const parser = new Parser();
  parser.parseFile(source, "kernel.ts", true);
  const error = parser.diagnostics.find((d) => d.category === DiagnosticCategory.Error);
  if (error) {
    const offset = error.range ? error.range.start : 0;
    throw locatedError(path, source, offset, error.message, error);
  }
  return parser.sources[0];
}

/**
 * Turns an esbuild failure into a located error against the original source.
 * @param {Prepared} prepared
 * @param {any} error
 * @returns {Error}
 */
function esbuildError(prepared, error) {
  const first = error?.errors?.[0];
  if (!first?.location) return new Error(`${prepared.path}: ${error?.message ?? error}`, { cause: error });
  const { line, column, lineText } = first.location;
  // esbuild columns count UTF-8 bytes.
  const utf16Column = Buffer.from(lineText, "utf8").subarray(0, column).toString("utf8").length;
  const editedOffset = lineStart(prepared.edited, line) + utf16Column;
  return locatedError(prepared.path, prepared.source, prepared.toOriginal(editedOffset), first.text, error);
}

// ---- the AssemblyScript rewrite ----------------------------------------------

/**
 * @typedef {object} Edit
 * @property {number} start first original offset the edit replaces
 * @property {number} end end of the replaced text (`start` for an insertion)
 * @property {string} text
 * @property {number} rank order among edits at the same offset: closing
 *   edits (negative, innermost first) come before opening ones (outermost
 *   first)
 */

/** Walks a parsed kernel and collects text edits and the built-ins it uses. */
class Rewriter {
  /**
   * @param {string} text
   * @param {Source} ast
   * @param {((specifier: string) => string | undefined) | undefined} rewriteImport
   */
  constructor(text, ast, rewriteImport) {
    this.text = text;
    this.ast = ast;
    this.rewriteImport = rewriteImport;
    /** @type {Edit[]} */
    this.edits = [];
    /** @type {string[]} */
    this.imports = [];
    /** Identifiers referenced as values. */
    this.used = new Set();
    /** @type {Set<Node>} */
    this.seen = new Set();
    this.topLevel = topLevelNames(ast.statements);
    this.aliases = numericAliases(ast.statements);
  }

  run() {
    for (const statement of this.ast.statements) this.visit(statement, 0, null);
  }

  /** @returns {string[]} built-ins to import, sorted */
  builtinsUsed() {
    return [...this.used].filter((name) => Object.hasOwn(builtins, name) && !this.topLevel.has(name)).sort();
  }

  /**
   * The built-in numeric type a type node denotes (through top-level
   * aliases), or null.
   * @param {any} type
   * @returns {string | null}
   */
  numericType(type) {
    if (!type || type.kind !== NodeKind.NamedType || type.name.next || type.typeArguments?.length || type.isNullable) {
      return null;
    }
    let name = type.name.identifier.text;
    for (let hops = 0; hops < 16 && this.aliases.has(name); hops++) name = this.aliases.get(name);
    return NUMERIC_TYPES.has(name) ? name : null;
  }

  /**
   * @param {any} node
   * @param {number} depth
   * @param {string | null} returnType conversion for `return` values here
   */
  visit(node, depth, returnType) {
    if (this.seen.has(node)) return;
    this.seen.add(node);
    if (TYPE_KINDS.has(node.kind)) return;
    switch (node.kind) {
      case NodeKind.Decorator:
        this.remove(node.range.start, node.range.end);
        return;
      case NodeKind.Identifier:
        this.used.add(node.text);
        return;
      case NodeKind.New:
        if (!node.typeName.next) this.used.add(node.typeName.identifier.text);
        break;
      case NodeKind.Assertion:
        this.cast(node, depth);
        break;
      case NodeKind.Call:
        this.genericBuiltin(node, depth);
        break;
      case NodeKind.Return:
        if (returnType && node.value) this.convert(node.value, returnType, 2 * depth + 1);
        break;
      case NodeKind.Import:
      case NodeKind.Export:
        if (node.path) this.importPath(node.path);
        break;
      case NodeKind.FunctionDeclaration:
      case NodeKind.MethodDeclaration:
        returnType = this.implicitType(node.signature.returnType);
        if (returnType && node.arrowKind !== ArrowKind.None && node.body?.kind === NodeKind.Expression) {
          this.convert(node.body.expression, returnType, 2 * depth + 1);
        }
        break;
      default:
        if (node.initializer && "type" in node) {
          const type = this.implicitType(node.type);
          if (type) this.convert(node.initializer, type, 2 * depth + 1);
        }
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "range" || NAME_PROPERTIES.has(key)) continue;
      if (Array.isArray(value)) {
        for (const item of value) if (isChild(item)) this.visit(item, depth + 1, returnType);
      } else if (isChild(value)) {
        this.visit(value, depth + 1, returnType);
      }
    }
  }

  /**
   * @param {any} type
   * @returns {string | null} the type if declarations of it are converted
   */
  implicitType(type) {
    const name = this.numericType(type);
    return name && IMPLICIT_TYPES.has(name) ? name : null;
  }

  /**
   * `<T>expr` → `T(expr)`, `expr as T` → `T(expr)` for numeric T.
   * @param {any} node
   * @param {number} depth
   */
  cast(node, depth) {
    if (node.assertionKind !== AssertionKind.Prefix && node.assertionKind !== AssertionKind.As) return;
    const type = this.numericType(node.toType);
    if (!type) return;
    this.used.add(type);
    const inner = node.expression.range;
    const rank = 2 * depth;
    if (node.assertionKind === AssertionKind.Prefix) {
      this.edits.push({ start: node.range.start, end: inner.start, text: `${type}(`, rank });
      this.edits.push({ start: inner.end, end: inner.end, text: ")", rank: -1 - rank });
    } else {
      this.edits.push({ start: inner.start, end: inner.start, text: `${type}(`, rank });
      this.edits.push({ start: inner.end, end: node.range.end, text: ")", rank: -1 - rank });
    }
  }

  /**
   * `abs<i32>(x)` → `i32(abs(i32(x)))`: the operands and result of a generic
   * built-in instantiated with an integer type have that type.
   * @param {any} node
   * @param {number} depth
   */
  genericBuiltin(node, depth) {
    const callee = node.expression;
    if (callee.kind !== NodeKind.Identifier || node.typeArguments?.length !== 1) return;
    const operands = GENERIC_OPERANDS.get(callee.text);
    if (!operands || this.topLevel.has(callee.text)) return;
    const type = this.implicitType(node.typeArguments[0]);
    if (!type || type === "f32") return;
    this.wrap(node.range, type, 2 * depth);
    for (const index of operands) {
      if (node.args[index]) this.convert(node.args[index], type, 2 * depth + 1);
    }
  }

  /**
   * Wraps an expression in a conversion unless that would change nothing.
   * @param {any} expression
   * @param {string} type
   * @param {number} rank
   */
  convert(expression, type, rank) {
    if (this.isConvertedTo(expression, type) || this.isExactLiteral(expression, type)) return;
    this.wrap(expression.range, type, rank);
  }

  /**
   * @param {{ start: number, end: number }} range
   * @param {string} type
   * @param {number} rank
   */
  wrap(range, type, rank) {
    this.used.add(type);
    this.edits.push({ start: range.start, end: range.start, text: `${type}(`, rank });
    this.edits.push({ start: range.end, end: range.end, text: ")", rank: -1 - rank });
  }

  /**
   * Whether `expression` already is a cast or conversion call to `type`.
   * @param {any} expression
   * @param {string} type
   */
  isConvertedTo(expression, type) {
    if (expression.kind === NodeKind.Assertion) return this.numericType(expression.toType) === type;
    return (
      expression.kind === NodeKind.Call &&
      expression.expression.kind === NodeKind.Identifier &&
      expression.expression.text === type &&
      !this.topLevel.has(type)
    );
  }

  /**
   * Whether `expression` is a number literal that `type` represents exactly
   * (`let i: i32 = 0` needs no conversion; `let s: i64 = 0` does).
   * @param {any} expression
   * @param {string} type
   */
  isExactLiteral(expression, type) {
    if (expression.kind !== NodeKind.Literal) return false;
    if (expression.literalKind !== LiteralKind.Integer && expression.literalKind !== LiteralKind.Float) return false;
    if (type === "i64" || type === "u64") return false;
    const value = Number(this.text.slice(expression.range.start, expression.range.end));
    return !Number.isNaN(value) && Object.is(/** @type {any} */ (builtins)[type](value), value);
  }

  /**
   * Records an import/export specifier and rewrites it if asked to.
   * @param {any} literal
   */
  importPath(literal) {
    const specifier = literal.value;
    if (!this.imports.includes(specifier)) this.imports.push(specifier);
    const replacement = this.rewriteImport?.(specifier);
    if (replacement !== undefined && replacement !== specifier) {
      this.edits.push({ start: literal.range.start, end: literal.range.end, text: JSON.stringify(replacement), rank: 0 });
    }
  }

  /**
   * Removes text, keeping its line breaks so lines stay where they were.
   * @param {number} start
   * @param {number} end
   */
  remove(start, end) {
    this.edits.push({ start, end, text: this.text.slice(start, end).replace(/[^\n]/g, ""), rank: 0 });
  }
}

/**
 * @param {unknown} value
 * @returns {value is Node}
 */
function isChild(value) {
  return value instanceof Node && !(value instanceof Source);
}

/**
 * Names the kernel declares or imports at top level: built-ins of the same
 * name are not imported (the kernel's own wins).
 * @param {any[]} statements
 * @returns {Set<string>}
 */
function topLevelNames(statements) {
  const names = new Set();
  for (const statement of statements) {
    if (statement.name?.text) names.add(statement.name.text);
    for (const declaration of statement.declarations ?? []) names.add(declaration.name.text);
    if (statement.namespaceName) names.add(statement.namespaceName.text);
  }
  return names;
}

/**
 * Top-level `type Name = OtherName;` aliases, by name.
 * @param {any[]} statements
 * @returns {Map<string, string>}
 */
function numericAliases(statements) {
  const aliases = new Map();
  for (const statement of statements) {
    const type = statement.type;
    if (
      statement.kind === NodeKind.TypeDeclaration &&
      !statement.typeParameters?.length &&
      type?.kind === NodeKind.NamedType &&
      !type.name.next &&
      !type.typeArguments?.length &&
      !type.isNullable
    ) {
      aliases.set(statement.name.text, type.name.identifier.text);
    }
  }
  return aliases;
}

// ---- text edits --------------------------------------------------------------

/**
 * Applies non-overlapping edits in one pass.
 * @param {string} text
 * @param {Edit[]} edits
 * @returns {{ text: string, toOriginal: (offset: number) => number }}
 */
function applyEdits(text, edits) {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.rank - b.rank);
  /** @type {Array<[number, number, number]>} copied stretches: [output offset, original offset, length] */
  const copies = [];
  let out = "";
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) throw new Error(`internal error: overlapping rewrites at offset ${edit.start}`);
    copies.push([out.length, cursor, edit.start - cursor]);
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  copies.push([out.length, cursor, text.length - cursor]);
  out += text.slice(cursor);

  /** @param {number} offset */
  const toOriginal = (offset) => {
    let best = 0;
    for (const [outStart, origStart, length] of copies) {
      if (outStart > offset) break;
      best = offset < outStart + length ? origStart + (offset - outStart) : origStart + length;
    }
    return best;
  };
  return { text: out, toOriginal };
}

// ---- locations ---------------------------------------------------------------

/**
 * @param {string} text
 * @param {number} line 1-based
 * @returns {number} offset of the line's first character
 */
function lineStart(text, line) {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return offset;
}

/**
 * An error whose message is `path:line:col: message`, with `loc` (1-based
 * line and column) and `frame` (the offending line with a caret).
 * @param {string} path
 * @param {string} text
 * @param {number} offset
 * @param {string} message
 * @param {unknown} cause
 * @returns {Error & { loc: { file: string, line: number, column: number }, frame: string }}
 */
function locatedError(path, text, offset, message, cause) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const start = before.lastIndexOf("\n") + 1;
  const column = offset - start + 1;
  const end = text.indexOf("\n", start);
  const lineText = text.slice(start, end < 0 ? text.length : end).replace(/\r$/, "");
  const gutter = `${line} | `;
  const frame = `${gutter}${lineText}\n${" ".repeat(gutter.length + column - 1)}^`;
  const error = /** @type {any} */ (new Error(`${path}:${line}:${column}: ${message}`, { cause }));
  error.loc = { file: path, line, column };
  error.frame = frame;
  return error;
}
