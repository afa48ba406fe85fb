/**
 * Lowers a `// @tskern gpu` kernel, read from AssemblyScript's AST before
 * the optimizer rewrites it, to a WGSL compute shader: one invocation per
 * index `i` in [0, n), 64 per workgroup. Arrays become storage buffers
 * (read-only unless the kernel writes them); scalars, `n` and every array's
 * length sit in one uniform block. Anything outside the subset is a located
 * error (TSK120..TSK124) that says what the subset holds.
 *
 * Types are tracked per expression because WGSL converts nothing implicitly:
 * "int" and "float" stand for untyped literals (WGSL's abstract numbers take
 * the type of the other operand, as AssemblyScript's literals do).
 */
import { NodeKind, Token, LiteralKind, AssertionKind, CommonFlags, unparen, compoundBase, isAssignOp } from "../optimize/ast.js";
import {
  MATHF_FUNCTIONS, MATHF_CONSTANTS, GENERIC_BUILTINS, CONVERSIONS, LOCAL_TYPES, GPU_ARRAYS, GPU_SCALARS, MAX_GPU_ARRAYS,
  SUBSET_STATEMENTS, SUBSET_EXPRESSIONS,
} from "./wgsl-builtins.js";

/** @typedef {any} AstNode */
/** @typedef {"i32" | "u32" | "f32" | "bool" | "int" | "float"} WType */
/** @typedef {{ c: string, t: WType, bin?: boolean }} Lowered  `bin`: a bare binary expression (needs parentheses as an operand) */

/**
 * @typedef {object} GpuSlot  how one kernel parameter (after `i`) reaches the shader
 * @property {number} param     index in the kernel's parameter list
 * @property {string} type      AssemblyScript type
 * @property {number} word      uniform word: the array's length, or the scalar's value
 * @property {number} [binding] arrays: storage binding
 * @property {boolean} [written] arrays: the kernel writes it (read back after the dispatch)
 */

/**
 * @typedef {object} GpuLowering
 * @property {string} wgsl
 * @property {GpuSlot[]} slots
 * @property {number} words     uniform words (n, stride, then the slots'), a multiple of 4
 */

/** @typedef {{ start: number, end: number, code: string, message: string }} GpuProblem */

class LowerError extends Error {
  /** @param {AstNode} node @param {string} code @param {string} message */
  constructor(node, code, message) {
    super(message);
    this.node = node;
    this.code = code;
  }
}

/** Uniform words before the slots: n, the row stride of a 2-D dispatch. */
const HEADER_WORDS = 2;

/**
 * @param {{ source: AstNode, decl: AstNode, name: string }} input
 * @returns {{ lowering: GpuLowering | null, problems: GpuProblem[] }}
 */
export function lowerGpuKernel({ source, decl, name }) {
  /** @type {GpuProblem[]} */
  const problems = [];
  const fail = (/** @type {AstNode} */ node, /** @type {string} */ code, /** @type {string} */ message) =>
    problems.push({ start: node.range.start, end: node.range.end, code, message });
  const signature = readSignature(decl, name, source, fail);
  if (!signature) return { lowering: null, problems };
  const lower = new Lowerer(source, name, signature.arrays);
  for (const p of signature.params) lower.scopes[0].set(p.name, { t: p.wtype, mutable: true, array: p.array });
  const body = decl.body;
  /** @type {string[]} */
  let lines = [];
  if (!body || body.kind !== NodeKind.Block) {
    fail(decl.name, "TSK121", `GPU kernel '${name}' needs a block body { ... }.`);
  } else {
    for (const st of body.statements) {
      try {
        lines.push(...lower.statement(st, 1));
      } catch (error) {
        if (!(error instanceof LowerError)) throw error;
        fail(error.node, error.code, error.message);
      }
    }
  }
  if (problems.length) return { lowering: null, problems };
  return { lowering: emitShader(name, signature.params, lower.written, lower.constantLines, lines), problems };
}

/**
 * Checks the gpu signature: `i: i32` first, then Float32Array / Int32Array /
 * Uint32Array and f32 / i32 / u32, returning void.
 * @param {AstNode} decl @param {string} name @param {AstNode} source @param {Function} fail
 */
function readSignature(decl, name, source, fail) {
  const ps = decl.signature.parameters;
  const text = (/** @type {AstNode} */ n) => source.text.slice(n.range.start, n.range.end);
  const first = ps[0];
  if (!first || typeName(first.type) !== "i32") {
    fail(first ?? decl.name, "TSK120",
      `GPU kernel '${name}' must take the element index first, written 'i: i32' (the GPU runs one invocation per index in [0, n)); got ${first ? `'${text(first)}'` : "no parameters"}.`);
    return null;
  }
  let ok = true;
  const params = [{ name: first.name.text, type: "i32", wtype: /** @type {WType} */ ("i32"), array: false, param: 0 }];
  const arrays = new Set();
  for (let p = 1; p < ps.length; p++) {
    const type = typeName(ps[p].type);
    if (type && Object.hasOwn(GPU_ARRAYS, type)) {
      params.push({ name: ps[p].name.text, type, wtype: /** @type {WType} */ (GPU_ARRAYS[type]), array: true, param: p });
      arrays.add(ps[p].name.text);
    } else if (type && GPU_SCALARS.has(type)) {
      params.push({ name: ps[p].name.text, type, wtype: /** @type {WType} */ (type), array: false, param: p });
    } else {
      fail(ps[p].type, "TSK120",
        `Parameter '${ps[p].name.text}' of GPU kernel '${name}' has type '${text(ps[p].type)}'; a GPU kernel takes Float32Array, Int32Array, Uint32Array and the scalars f32, i32, u32 (WGSL has no f64, i64 or 8/16-bit storage).`);
      ok = false;
    }
  }
  if (arrays.size > MAX_GPU_ARRAYS) {
    fail(decl.name, "TSK120", `GPU kernel '${name}' takes ${arrays.size} arrays; WebGPU binds at most ${MAX_GPU_ARRAYS} storage buffers per kernel. Split the kernel, or pack arrays together.`);
    ok = false;
  }
  const result = typeName(decl.signature.returnType);
  if (result !== "void") {
    fail(decl.signature.returnType, "TSK120", `GPU kernel '${name}' must return void (each invocation writes its results into arrays); it returns '${text(decl.signature.returnType)}'.`);
    ok = false;
  }
  return ok ? { params, arrays } : null;
}

/** @param {AstNode} node @returns {string | null} */
function typeName(node) {
  if (!node || node.kind !== NodeKind.NamedType || node.isNullable || node.typeArguments?.length || node.name.next) return null;
  return node.name.identifier.text;
}

/**
 * The shader around the lowered body.
 * @param {string} name
 * @param {Array<{ name: string, type: string, wtype: WType, array: boolean, param: number }>} params
 * @param {Set<string>} written
 * @param {string[]} constants  module-scope `const` lines
 * @param {string[]} body
 * @returns {GpuLowering}
 */
function emitShader(name, params, written, constants, body) {
  /** @type {GpuSlot[]} */
  const slots = [];
  const fields = ["  n: u32,", "  stride: u32,"];
  const decls = [];
  const prologue = [`  var v_${params[0].name}: i32 = i32(index);`];
  let word = HEADER_WORDS;
  let binding = 1;
  for (const p of params.slice(1)) {
    if (p.array) {
      const w = written.has(p.name);
      slots.push({ param: p.param, type: p.type, word, binding, written: w });
      fields.push(`  len_${p.name}: u32,`);
      decls.push(`@group(0) @binding(${binding}) var<storage, ${w ? "read_write" : "read"}> v_${p.name}: array<${p.wtype}>;`);
      binding++;
    } else {
      slots.push({ param: p.param, type: p.type, word });
      fields.push(`  s_${p.name}: ${p.wtype},`);
      prologue.push(`  var v_${p.name}: ${p.wtype} = P.s_${p.name};`);
    }
    word++;
  }
  const wgsl = [
    `// tskern gpu kernel '${name}': one invocation per index in [0, n)`,
    "struct Params {",
    ...fields,
    "}",
    "@group(0) @binding(0) var<uniform> P: Params;",
    ...decls,
    ...constants,
    "",
    "@compute @workgroup_size(64)",
    "fn main(@builtin(global_invocation_id) gid: vec3<u32>) {",
    "  let index = gid.x + gid.y * P.stride;",
    "  if (index >= P.n) { return; }",
    ...prologue,
    ...body,
    "}",
    "",
  ].join("\n");
  return { wgsl, slots, words: Math.ceil(word / 4) * 4 };
}

class Lowerer {
  /** @param {AstNode} source @param {string} name @param {Set<string>} arrays */
  constructor(source, name, arrays) {
    this.source = source;
    this.name = name;
    this.arrays = arrays;
    /** @type {Array<Map<string, { t: WType, mutable: boolean, array: boolean, code?: string }>>} */
    this.scopes = [new Map()];
    /** module-level constants used, by name (`code`: their WGSL name) */
    this.constants = new Map();
    /** their WGSL declarations, dependencies first */
    /** @type {string[]} */
    this.constantLines = [];
    /** arrays the kernel writes */
    this.written = new Set();
    this.loops = 0;
  }

  /** @param {AstNode} node */
  text(node) {
    return this.source.text.slice(node.range.start, node.range.end);
  }

  /** @param {string} name */
  lookup(name) {
    for (let s = this.scopes.length - 1; s >= 0; s--) {
      const v = this.scopes[s].get(name);
      if (v) return v;
    }
    return this.moduleConstant(name);
  }

  /**
   * A module-level `const NAME: T = <constant expression>` of the kernel's
   * file becomes a WGSL module-scope `const` (mutable module variables stay
   * errors: their value is only known at run time).
   * @param {string} name
   */
  moduleConstant(name) {
    if (this.constants.has(name)) return this.constants.get(name);
    let d = null;
    for (const st of this.source.statements) {
      if (st.kind !== NodeKind.Variable) continue;
      d = st.declarations.find((/** @type {AstNode} */ x) => x.name.text === name) ?? null;
      if (d) break;
    }
    if (!d || !(d.flags & CommonFlags.Const) || !d.initializer) return null;
    this.constants.set(name, null); // a cycle reads as unknown
    const scopes = this.scopes;
    this.scopes = [new Map()]; // the kernel's locals are not visible from module scope
    try {
      const line = this.declaration(d).replace(/^let v_/, "const c_");
      const v = { ...this.scopes[0].get(name), code: `c_${name}` };
      this.constantLines.push(`${line};`);
      this.constants.set(name, v);
      return v;
    } finally {
      this.scopes = scopes;
    }
  }

  // ---- statements ---------------------------------------------------------

  /** @param {AstNode} st @param {number} depth @returns {string[]} */
  statement(st, depth) {
    const pad = "  ".repeat(depth);
    switch (st.kind) {
      case NodeKind.Variable:
        return st.declarations.map((/** @type {AstNode} */ d) => pad + this.declaration(d) + ";");
      case NodeKind.Expression:
        return [pad + this.simpleStatement(st.expression) + ";"];
      case NodeKind.Block:
        return [pad + "{", ...this.block(st.statements, depth + 1), pad + "}"];
      case NodeKind.If: {
        const out = [`${pad}if (${this.condition(st.condition)}) {`, ...this.body(st.ifTrue, depth + 1)];
        if (st.ifFalse) {
          if (st.ifFalse.kind === NodeKind.If) {
            const rest = this.statement(st.ifFalse, depth);
            out.push(`${pad}} else ${rest[0].trimStart()}`, ...rest.slice(1));
            return out;
          }
          out.push(`${pad}} else {`, ...this.body(st.ifFalse, depth + 1));
        }
        out.push(`${pad}}`);
        return out;
      }
      case NodeKind.For:
        return this.forLoop(st, depth);
      case NodeKind.While:
        return [`${pad}while (${this.condition(st.condition)}) {`, ...this.loopBody(st.body, depth + 1), `${pad}}`];
      case NodeKind.Do:
        // `continue` jumps to `continuing`, where the condition is tested, as in JS.
        return [`${pad}loop {`, ...this.loopBody(st.body, depth + 1), `${pad}  continuing {`, `${pad}    break if !(${this.condition(st.condition)});`, `${pad}  }`, `${pad}}`];
      case NodeKind.Break:
      case NodeKind.Continue:
        if (st.label) throw new LowerError(st, "TSK121", `Labelled ${st.kind === NodeKind.Break ? "break" : "continue"} is not supported in GPU kernel '${this.name}'; WGSL has no labels. Restructure the loops (a flag variable and a plain break).`);
        return [pad + (st.kind === NodeKind.Break ? "break;" : "continue;")];
      case NodeKind.Return:
        if (st.value) throw new LowerError(st, "TSK121", `GPU kernel '${this.name}' returns void: write results into an array and end the invocation with a plain 'return;'.`);
        return [pad + "return;"];
      case NodeKind.Empty:
        return [];
      default:
        throw new LowerError(st, "TSK121",
          `'${firstLine(this.text(st))}' is not supported in GPU kernel '${this.name}'. A GPU kernel may contain: ${SUBSET_STATEMENTS}`);
    }
  }

  /** @param {AstNode[]} statements @param {number} depth */
  block(statements, depth) {
    this.scopes.push(new Map());
    try {
      return statements.flatMap((s) => this.statement(s, depth));
    } finally {
      this.scopes.pop();
    }
  }

  /** A branch or loop body: its own scope, braces supplied by the caller. @param {AstNode} st @param {number} depth */
  body(st, depth) {
    return this.block(st.kind === NodeKind.Block ? st.statements : [st], depth);
  }

  /** @param {AstNode} st @param {number} depth */
  loopBody(st, depth) {
    this.loops++;
    try {
      return this.body(st, depth);
    } finally {
      this.loops--;
    }
  }

  /** @param {AstNode} st @param {number} depth */
  forLoop(st, depth) {
    const pad = "  ".repeat(depth);
    if (!st.condition) {
      throw new LowerError(st, "TSK121", `A GPU kernel's for loop needs a condition (for (let j = 0; j < m; j++)): an unbounded loop would hang the GPU.`);
    }
    this.scopes.push(new Map());
    try {
      let init = "";
      if (st.initializer) {
        if (st.initializer.kind === NodeKind.Variable) {
          if (st.initializer.declarations.length !== 1) throw new LowerError(st.initializer, "TSK121", "A GPU kernel's for loop declares one variable (WGSL's for has room for one); declare the others before the loop.");
          init = this.declaration(st.initializer.declarations[0]);
        } else if (st.initializer.kind === NodeKind.Expression) {
          init = this.simpleStatement(st.initializer.expression);
        } else throw new LowerError(st.initializer, "TSK121", "A for loop's initializer must be one 'let' declaration or one assignment in a GPU kernel.");
      }
      const cond = this.condition(st.condition);
      const update = st.incrementor ? this.simpleStatement(st.incrementor) : "";
      return [`${pad}for (${init}; ${cond}; ${update}) {`, ...this.loopBody(st.body, depth + 1), `${pad}}`];
    } finally {
      this.scopes.pop();
    }
  }

  /** `let`/`const` declaration, without the semicolon. @param {AstNode} d */
  declaration(d) {
    const name = d.name.text;
    const isConst = (d.flags & CommonFlags.Const) !== 0;
    let type = d.type ? typeName(d.type) : null;
    if (d.type && (!type || !LOCAL_TYPES.has(type))) {
      throw new LowerError(d.type, "TSK124", `Local '${name}' has type '${this.text(d.type)}'; locals of a GPU kernel are f32, i32, u32 or bool (WGSL has no f64 or i64; arrays and objects cannot be created on the GPU).`);
    }
    let init = null;
    if (d.initializer) {
      init = this.expression(d.initializer);
      if (!type) {
        if (init.t === "float") {
          throw new LowerError(d, "TSK124", `Local '${name}' would be f64 (an untyped float literal is f64 in AssemblyScript), and WGSL has no f64. Declare it f32: 'let ${name}: f32 = ${this.text(d.initializer)}'.`);
        }
        type = init.t === "int" ? "i32" : init.t;
      }
      init = this.convert(init, /** @type {WType} */ (type), d.initializer);
    } else if (!type) {
      throw new LowerError(d, "TSK124", `Local '${name}' needs a type or an initializer: 'let ${name}: f32 = 0'.`);
    }
    if (this.scopes[this.scopes.length - 1].has(name)) throw new LowerError(d.name, "TSK124", `'${name}' is declared twice in the same block.`);
    this.scopes[this.scopes.length - 1].set(name, { t: /** @type {WType} */ (type), mutable: !isConst, array: false });
    const kw = isConst ? "let" : "var";
    return init ? `${kw} v_${name}: ${type} = ${init.c}` : `${kw} v_${name}: ${type}`;
  }

  /** An expression statement: an assignment or ++/--. @param {AstNode} e */
  simpleStatement(e) {
    e = unparen(e);
    if (e.kind === NodeKind.Binary && isAssignOp(e.operator)) return this.assignment(e);
    if ((e.kind === NodeKind.UnaryPostfix || e.kind === NodeKind.UnaryPrefix) && (e.operator === Token.Plus_Plus || e.operator === Token.Minus_Minus)) {
      const target = this.target(e.operand);
      if (target.t === "bool") throw new LowerError(e, "TSK122", "++ and -- need a number, not a bool.");
      return `${target.c}${e.operator === Token.Plus_Plus ? "++" : "--"}`;
    }
    throw new LowerError(e, "TSK121",
      `'${firstLine(this.text(e))}' does nothing a GPU kernel can keep: a statement there is an assignment (x = ..., y[i] += ...) or ++/--. Calls to functions other than Mathf and the math built-ins cannot run on the GPU.`);
  }

  /** @param {AstNode} e  Binary with an assignment operator */
  assignment(e) {
    const target = this.target(e.left);
    const base = compoundBase(e.operator);
    if (base === null) return `${target.c} = ${this.convert(this.expression(e.right), target.t, e.right).c}`;
    // Compound assignments become `t = t op v` so operand types follow the same rules as the binary form.
    const value = this.binary({ ...e, operator: base, range: e.range }, { c: target.c, t: target.t });
    return `${target.c} = ${this.convert(value, target.t, e).c}`;
  }

  /** An assignable: a mutable local or parameter, or an array element. @param {AstNode} node @returns {Lowered} */
  target(node) {
    node = unparen(node);
    if (node.kind === NodeKind.Identifier) {
      const v = this.lookup(node.text);
      if (!v) throw this.unknownName(node);
      if (v.array) throw new LowerError(node, "TSK122", `Array parameter '${node.text}' cannot be reassigned on the GPU; assign its elements (${node.text}[j] = ...).`);
      if (!v.mutable) throw new LowerError(node, "TSK122", `'${node.text}' is a const; declare it with let to assign it.`);
      return { c: v.code ?? `v_${node.text}`, t: v.t };
    }
    if (node.kind === NodeKind.ElementAccess) {
      const el = this.element(node);
      this.written.add(unparen(node.expression).text);
      return el;
    }
    throw new LowerError(node, "TSK122", `Cannot assign to '${this.text(node)}' in a GPU kernel: assign a local, a parameter or an array element.`);
  }

  /** A condition (if, loops): bool, or an integer tested against 0 as in JS. @param {AstNode} node */
  condition(node) {
    const e = this.expression(node);
    if (e.t === "bool") return e.c;
    if (e.t === "i32" || e.t === "u32" || e.t === "int") return `${atom(e)} != 0`;
    throw new LowerError(node, "TSK122", `A float used as a condition; compare it explicitly (x != 0.0) in a GPU kernel.`);
  }

  // ---- expressions --------------------------------------------------------

  /** @param {AstNode} node @returns {Lowered} */
  expression(node) {
    switch (node.kind) {
      case NodeKind.Parenthesized: {
        const e = this.expression(node.expression);
        return { c: `(${e.c})`, t: e.t };
      }
      case NodeKind.Literal:
        return this.literal(node);
      case NodeKind.True:
        return { c: "true", t: "bool" };
      case NodeKind.False:
        return { c: "false", t: "bool" };
      case NodeKind.Identifier: {
        const v = this.lookup(node.text);
        if (!v) throw this.unknownName(node);
        if (v.array) throw new LowerError(node, "TSK122", `Array '${node.text}' can only be indexed (${node.text}[j]) or measured (${node.text}.length) in a GPU kernel.`);
        return { c: v.code ?? `v_${node.text}`, t: v.t };
      }
      case NodeKind.ElementAccess:
        return this.element(node);
      case NodeKind.PropertyAccess:
        return this.property(node);
      case NodeKind.Binary:
        if (isAssignOp(node.operator)) throw new LowerError(node, "TSK122", "An assignment inside an expression is not supported in a GPU kernel; make it a statement of its own.");
        return this.binary(node);
      case NodeKind.UnaryPrefix:
        return this.prefix(node);
      case NodeKind.UnaryPostfix:
        throw new LowerError(node, "TSK122", `'${this.text(node)}' inside an expression is not supported in a GPU kernel; write ++/-- as a statement of its own.`);
      case NodeKind.Ternary: {
        const cond = this.condition(node.condition);
        const a = this.expression(node.ifThen), b = this.expression(node.ifElse);
        const t = this.unify(a, b, node);
        // select() evaluates both sides: fine, expressions here have no side effects.
        return { c: `select(${this.convert(b, t, node.ifElse).c}, ${this.convert(a, t, node.ifThen).c}, ${cond})`, t };
      }
      case NodeKind.Assertion:
        return this.assertion(node);
      case NodeKind.Call:
        return this.call(node);
      default:
        throw new LowerError(node, "TSK122", `'${firstLine(this.text(node))}' is not supported in GPU kernel '${this.name}'. GPU expressions are ${SUBSET_EXPRESSIONS}.`);
    }
  }

  /** @param {AstNode} node */
  unknownName(node) {
    return new LowerError(node, "TSK122",
      `'${node.text}' is not a parameter, local or module-level constant of GPU kernel '${this.name}'. Module-level variables (let, var) and functions do not exist on the GPU: pass the value as a parameter, declare it inside the kernel, or make it 'const NAME: f32 = <constant expression>'.`);
  }

  /** @param {AstNode} node @returns {Lowered} */
  literal(node) {
    const raw = this.text(node).replace(/_/g, "");
    if (node.literalKind === LiteralKind.Integer) {
      if (/^0[bBoO]/.test(raw)) return { c: String(Number(raw)), t: "int" };
      return { c: raw, t: "int" };
    }
    if (node.literalKind === LiteralKind.Float) {
      const c = /[.eE]/.test(raw) ? raw : `${raw}.0`;
      return { c, t: "float" };
    }
    throw new LowerError(node, "TSK122", `'${firstLine(this.text(node))}': strings, arrays and objects cannot be used on the GPU.`);
  }

  /** `x[j]` on an array parameter. @param {AstNode} node @returns {Lowered} */
  element(node) {
    const base = unparen(node.expression);
    const v = base.kind === NodeKind.Identifier ? this.lookup(base.text) : null;
    if (!v || !v.array) throw new LowerError(base, "TSK122", `Only the kernel's array parameters can be indexed in a GPU kernel; '${this.text(base)}' is not one.`);
    const index = this.expression(node.elementExpression);
    if (index.t !== "i32" && index.t !== "u32" && index.t !== "int") {
      throw new LowerError(node.elementExpression, "TSK124", `An array index must be an integer (i32 or u32); '${this.text(node.elementExpression)}' is ${index.t === "float" ? "a float" : index.t}.`);
    }
    return { c: `v_${base.text}[${index.c}]`, t: v.t };
  }

  /** `x.length`, `Mathf.PI`. @param {AstNode} node @returns {Lowered} */
  property(node) {
    const obj = unparen(node.expression);
    const prop = node.property.text;
    if (obj.kind === NodeKind.Identifier) {
      const v = this.lookup(obj.text);
      if (v?.array && prop === "length") return { c: `i32(P.len_${obj.text})`, t: "i32" };
      if (!v && obj.text === "Mathf" && Object.hasOwn(MATHF_CONSTANTS, prop)) return { c: `f32(${MATHF_CONSTANTS[prop]})`, t: "f32" };
      if (!v && obj.text === "Math") throw this.mathF64(node);
    }
    throw new LowerError(node, "TSK122", `'${this.text(node)}' is not supported in a GPU kernel; of properties, only an array's .length and the Mathf constants (Mathf.PI, Mathf.E, ...) are.`);
  }

  /** @param {AstNode} node */
  mathF64(node) {
    return new LowerError(node, "TSK123", `'${this.text(node)}' computes in f64, and WGSL has no f64. Use Mathf (f32) in GPU kernels: Mathf.sqrt, Mathf.exp, Mathf.PI, ...`);
  }

  /**
   * @param {AstNode} node  Binary (not an assignment)
   * @param {Lowered} [leftValue]  already-lowered left side (compound assignments)
   * @returns {Lowered}
   */
  binary(node, leftValue) {
    const op = node.operator;
    const a = leftValue ?? this.expression(node.left);
    const b = this.expression(node.right);
    const opText = tokenText(op);
    // WGSL has no precedence between some operators (&& with ||, bit operations with
    // arithmetic, shifts take unary operands): every binary operand is parenthesized.
    const wrap = (/** @type {Lowered} */ e) => (e.bin ? `(${e.c})` : e.c);
    /** @param {WType} ta @param {WType} tb */
    const operands = (ta, tb) => [wrap(this.convert(a, ta, node.left)), wrap(this.convert(b, tb, node.right))];
    switch (op) {
      case Token.Ampersand_Ampersand:
      case Token.Bar_Bar:
        if (a.t !== "bool" || b.t !== "bool") throw new LowerError(node, "TSK124", `'${opText}' in a GPU kernel joins conditions (bool), not numbers; compare first (x != 0 ${opText} y > 1).`);
        return { c: `${wrap(a)} ${opText} ${wrap(b)}`, t: "bool", bin: true };
      case Token.LessThan: case Token.LessThan_Equals: case Token.GreaterThan: case Token.GreaterThan_Equals:
      case Token.Equals_Equals: case Token.Exclamation_Equals: case Token.Equals_Equals_Equals: case Token.Exclamation_Equals_Equals: {
        const t = this.unify(a, b, node);
        const wop = op === Token.Equals_Equals_Equals ? "==" : op === Token.Exclamation_Equals_Equals ? "!=" : opText;
        const [l, r] = operands(t, t);
        return { c: `${l} ${wop} ${r}`, t: "bool", bin: true };
      }
      case Token.Plus: case Token.Minus: case Token.Asterisk: case Token.Slash: case Token.Percent: {
        const t = this.unify(a, b, node);
        if (t === "bool") throw new LowerError(node, "TSK124", `'${opText}' needs numbers, not bools.`);
        const [l, r] = operands(t, t);
        return { c: `${l} ${opText} ${r}`, t, bin: true };
      }
      case Token.Asterisk_Asterisk: {
        const t = this.unify(a, b, node);
        if (t !== "f32" && t !== "float") throw new LowerError(node, "TSK124", "'**' works on f32 in a GPU kernel (it becomes pow); for integers multiply, or convert to f32.");
        return { c: `pow(${this.convert(a, "f32", node.left).c}, ${this.convert(b, "f32", node.right).c})`, t: "f32" };
      }
      case Token.Ampersand: case Token.Bar: case Token.Caret: {
        const t = this.unify(a, b, node);
        if (!isInt(t)) throw new LowerError(node, "TSK124", `'${opText}' needs integers (i32 or u32) in a GPU kernel.`);
        const [l, r] = operands(t, t);
        return { c: `${l} ${opText} ${r}`, t, bin: true };
      }
      case Token.LessThan_LessThan: case Token.GreaterThan_GreaterThan: case Token.GreaterThan_GreaterThan_GreaterThan: {
        if (!isInt(a.t) || !isInt(b.t)) throw new LowerError(node, "TSK124", `'${opText}' needs integers (i32 or u32) in a GPU kernel.`);
        const t = a.t === "int" ? "i32" : a.t;
        // WGSL shift amounts are u32 and must be below 32; wasm takes them modulo 32.
        const amount = `(${b.t === "u32" ? b.c : `u32(${b.c})`} & 31u)`;
        const left = wrap(this.convert(a, t, node.left));
        if (op === Token.LessThan_LessThan) return { c: `${left} << ${amount}`, t, bin: true };
        if (op === Token.GreaterThan_GreaterThan) return { c: `${left} >> ${amount}`, t, bin: true };
        return { c: t === "u32" ? `${left} >> ${amount}` : `i32(u32(${this.convert(a, t, node.left).c}) >> ${amount})`, t, bin: t === "u32" };
      }
      default:
        throw new LowerError(node, "TSK122", `Operator '${opText}' is not supported in a GPU kernel. GPU expressions are ${SUBSET_EXPRESSIONS}.`);
    }
  }

  /** @param {AstNode} node @returns {Lowered} */
  prefix(node) {
    const op = node.operator;
    if (op === Token.Plus_Plus || op === Token.Minus_Minus) {
      throw new LowerError(node, "TSK122", `'${this.text(node)}' inside an expression is not supported in a GPU kernel; write ++/-- as a statement of its own.`);
    }
    const e = this.expression(node.operand);
    switch (op) {
      case Token.Minus:
        if (e.t === "bool") break;
        // WGSL has no unary minus on u32; wasm wraps, so subtract from zero.
        return { c: e.t === "u32" ? `(0u - ${e.bin ? `(${e.c})` : e.c})` : `-${e.bin ? `(${e.c})` : e.c}`, t: e.t };
      case Token.Plus:
        if (e.t === "bool") break;
        return e;
      case Token.Exclamation:
        if (e.t === "bool") return { c: `!${e.bin ? `(${e.c})` : e.c}`, t: "bool" };
        if (isInt(e.t)) return { c: `(${atom(e)} == 0)`, t: "bool" };
        break;
      case Token.Tilde:
        if (isInt(e.t)) return { c: `~${e.t === "int" ? `i32(${e.c})` : e.bin ? `(${e.c})` : e.c}`, t: e.t === "int" ? "i32" : e.t };
        break;
    }
    throw new LowerError(node, "TSK124", `'${this.text(node)}': operator '${tokenText(op)}' does not apply to ${e.t === "float" ? "a float" : e.t} in a GPU kernel.`);
  }

  /** `<T>x`, `x as T`, `x!`. @param {AstNode} node @returns {Lowered} */
  assertion(node) {
    if (node.assertionKind === AssertionKind.NonNull) return this.expression(node.expression);
    const t = node.toType ? typeName(node.toType) : null;
    if (!t || !CONVERSIONS.has(t)) {
      throw new LowerError(node, "TSK124", `'${this.text(node)}': a GPU kernel converts only to f32, i32, u32 and bool (WGSL has no f64, i64 or 8/16-bit values).`);
    }
    return this.conversion(t, this.expression(node.expression), node);
  }

  /** @param {string} t @param {Lowered} e @param {AstNode} node @returns {Lowered} */
  conversion(t, e, node) {
    if (t === e.t) return e;
    if (t === "bool") {
      if (e.t === "f32" || e.t === "float") throw new LowerError(node, "TSK124", "Converting a float to bool is not supported in a GPU kernel; compare it (x != 0.0).");
      return { c: `(${atom(e)} != 0)`, t: "bool" };
    }
    return { c: `${t}(${e.c})`, t: /** @type {WType} */ (t) };
  }

  /** @param {AstNode} node @returns {Lowered} */
  call(node) {
    const callee = unparen(node.expression);
    const name = callee.kind === NodeKind.Identifier ? callee.text : null;
    const args = () => node.args.map((/** @type {AstNode} */ a) => this.expression(a));
    if (name === "unchecked" && node.args.length === 1) return this.expression(node.args[0]);
    if (name && CONVERSIONS.has(name) && node.args.length === 1 && !this.lookup(name)) return this.conversion(name, this.expression(node.args[0]), node);
    if (name && Object.hasOwn(GENERIC_BUILTINS, name) && !this.lookup(name)) {
      const [arity, wgsl, ints] = GENERIC_BUILTINS[name];
      if (node.args.length !== arity) throw new LowerError(node, "TSK123", `${name}() takes ${arity} argument${arity > 1 ? "s" : ""}.`);
      const vals = args();
      let t = vals.length === 2 ? this.unify(vals[0], vals[1], node) : vals[0].t;
      if (node.typeArguments?.length === 1) {
        const ta = typeName(node.typeArguments[0]);
        if (!ta || !GPU_SCALARS.has(ta)) throw new LowerError(node.typeArguments[0], "TSK124", `${name}<${this.text(node.typeArguments[0])}> is not supported on the GPU; use f32, i32 or u32.`);
        t = /** @type {WType} */ (ta);
      }
      if (t === "int") t = ints ? "i32" : "f32";
      if (t === "float") t = "f32";
      if (t === "bool" || (!ints && t !== "f32")) throw new LowerError(node, "TSK124", `${name}() works on ${ints ? "numbers" : "f32"} in a GPU kernel; got ${t}.`);
      return { c: `${wgsl}(${vals.map((/** @type {Lowered} */ v, /** @type {number} */ k) => this.convert(v, t, node.args[k]).c).join(", ")})`, t };
    }
    if (callee.kind === NodeKind.PropertyAccess && unparen(callee.expression).kind === NodeKind.Identifier) {
      const ns = unparen(callee.expression).text;
      const fn = callee.property.text;
      if (ns === "Mathf" && !this.lookup(ns)) {
        const spec = MATHF_FUNCTIONS[fn];
        if (!spec || !Object.hasOwn(MATHF_FUNCTIONS, fn)) {
          throw new LowerError(callee, "TSK123", `Mathf.${fn} is not available on the GPU. Supported: Mathf.${Object.keys(MATHF_FUNCTIONS).join(", Mathf.")}.`);
        }
        if (node.args.length !== spec.arity) throw new LowerError(node, "TSK123", `Mathf.${fn}() takes ${spec.arity} argument${spec.arity > 1 ? "s" : ""}.`);
        const vals = args().map((/** @type {Lowered} */ v, /** @type {number} */ k) => this.convert(v, "f32", node.args[k]).c);
        return { c: typeof spec.wgsl === "string" ? `${spec.wgsl}(${vals.join(", ")})` : spec.wgsl(vals), t: "f32" };
      }
      if (ns === "Math" && !this.lookup(ns)) throw this.mathF64(callee);
    }
    throw new LowerError(node, "TSK123",
      `'${firstLine(this.text(node))}' calls a function that cannot run on the GPU. A GPU kernel can call Mathf functions (Mathf.sqrt, Mathf.exp, ...), abs, min, max, sqrt, floor, ceil, trunc, nearest, unchecked, and the conversions f32(), i32(), u32(); inline other helpers into the kernel.`);
  }

  /**
   * The common type of two operands; literals take the other side's type.
   * @param {Lowered} a @param {Lowered} b @param {AstNode} node @returns {WType}
   */
  unify(a, b, node) {
    if (a.t === b.t) return a.t;
    const lit = (/** @type {WType} */ t) => t === "int" || t === "float";
    if (lit(a.t) && lit(b.t)) return "float";
    if (lit(b.t)) return this.literalFits(b.t, a.t, node) ? a.t : "f32";
    if (lit(a.t)) return this.literalFits(a.t, b.t, node) ? b.t : "f32";
    throw new LowerError(node, "TSK124",
      `'${firstLine(this.text(node))}' mixes ${a.t} and ${b.t}; WGSL converts nothing implicitly, and neither does a GPU kernel. Convert one side: ${b.t}(x) or <${b.t}>x.`);
  }

  /** Can a literal of kind `lit` take type `t`? @param {WType} lit @param {WType} t @param {AstNode} node */
  literalFits(lit, t, node) {
    if (t === "bool") throw new LowerError(node, "TSK124", `'${firstLine(this.text(node))}' mixes a bool and a number.`);
    if (lit === "float" && (t === "i32" || t === "u32")) {
      throw new LowerError(node, "TSK124", `'${firstLine(this.text(node))}' mixes ${t} and a float literal, which AssemblyScript computes in f64; WGSL has no f64. Convert the integer: f32(x).`);
    }
    return true;
  }

  /**
   * `e` as type `t`: literals take it; i32 <-> u32 reinterpret the bits (as
   * wasm does); anything else is an error.
   * @param {Lowered} e @param {WType} t @param {AstNode} node @returns {Lowered}
   */
  convert(e, t, node) {
    if (e.t === t) return e;
    if (t === "float" || t === "int") return e;
    if (e.t === "int" && (t === "i32" || t === "u32" || t === "f32")) return { c: e.c, t };
    if (e.t === "float" && t === "f32") return { c: e.c, t };
    if ((e.t === "i32" && t === "u32") || (e.t === "u32" && t === "i32")) return { c: `${t}(${e.c})`, t };
    throw new LowerError(node, "TSK124", `'${firstLine(this.text(node))}' is ${e.t === "float" ? "a float" : e.t === "int" ? "an integer" : e.t} where ${t} is needed; convert it explicitly (${t}(x)).`);
  }
}

/** An operand: a bare binary expression in parentheses. @param {Lowered} e */
function atom(e) {
  return e.bin ? `(${e.c})` : e.c;
}

/** @param {WType} t */
function isInt(t) {
  return t === "i32" || t === "u32" || t === "int";
}

/** @param {string} text */
function firstLine(text) {
  const line = text.split("\n")[0];
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** @type {Record<number, string>} */
const TOKEN_TEXT = {
  [Token.Plus]: "+", [Token.Minus]: "-", [Token.Asterisk]: "*", [Token.Slash]: "/", [Token.Percent]: "%", [Token.Asterisk_Asterisk]: "**",
  [Token.LessThan]: "<", [Token.LessThan_Equals]: "<=", [Token.GreaterThan]: ">", [Token.GreaterThan_Equals]: ">=",
  [Token.Equals_Equals]: "==", [Token.Exclamation_Equals]: "!=", [Token.Equals_Equals_Equals]: "===", [Token.Exclamation_Equals_Equals]: "!==",
  [Token.Ampersand_Ampersand]: "&&", [Token.Bar_Bar]: "||", [Token.Ampersand]: "&", [Token.Bar]: "|", [Token.Caret]: "^",
  [Token.LessThan_LessThan]: "<<", [Token.GreaterThan_GreaterThan]: ">>", [Token.GreaterThan_GreaterThan_GreaterThan]: ">>>",
  [Token.Exclamation]: "!", [Token.Tilde]: "~", [Token.Comma]: ",", [Token.InstanceOf]: "instanceof", [Token.In]: "in",
};

/** @param {number} op */
function tokenText(op) {
  return TOKEN_TEXT[op] ?? `token ${op}`;
}
