/**
 * The optimizer for one function body: analysis (scope.js, loops.js,
 * bounds.js), a plan, and a non-destructive rewrite of the body.
 *
 *  0. Loop outlining (outline.js): outer loops move, in chunks, into
 *     functions of their own, each then optimized like any function.
 *  1. Header caching. A typed-array parameter that the function never
 *     reassigns (or a local `const t = new Float64Array(n)`, or any local
 *     declared with a typed-array type, `const t: Float64Array = f()`) has a header
 *     that cannot change (AssemblyScript's dataStart and byteLength are
 *     readonly). Its dataStart and length are read once into locals and every
 *     access becomes `load<T>(ds + (<usize>i << k))`, checked against the
 *     cached length where needed (`__tsk_chkn`, same KernelError).
 *  2. Bounds-check elimination by loop versioning (bounds.js).
 *  3. Index arithmetic and vectorization of innermost loops (innermost.js).
 *
 * Anything the analysis cannot see through keeps the reference rewrite
 * (inline-checks.js), so the optimizer only ever removes checks it proved.
 */
import {
  Node, NodeKind, Token, unparen, intValue, mapChildren, walk, deepCopy, hasEffects, compoundBase,
  id, int, cast, bin, call, prop, decl, block, ifStmt, exprStmt, and, textOf,
} from "./ast.js";
import { ASTBuilder } from "assemblyscript";
import { analyzeScope, ELEMENT_TYPES, simpleTypeName } from "./scope.js";
import { analyzeLoops } from "./loops.js";
import { analyzeAccess } from "./bounds.js";
import * as P from "./poly.js";
import { Rewriter, rewriteNode, unchecked, isPurePath, cloneTarget, elementTarget, indexExpr, addressExpr, loadAt, storeAt } from "./inline-checks.js";
import { optimizeInnermost, pointerAddress } from "./innermost.js";
import { emitPoly } from "./poly-emit.js";
import { outlineLoopBodies, isOutlined, isCheckedTwin, checkedTwinOf } from "./outline.js";
import { unrollInnermost } from "./unroll.js";

/** @typedef {import("./ast.js").AstNode} AstNode */
/** @typedef {import("./scope.js").Decl} Decl */
/** @typedef {import("./loops.js").LoopInfo} LoopInfo */
/** @typedef {import("./bounds.js").ArrayInfo} ArrayInfo */
/** @typedef {import("./bounds.js").Cond} Cond */

/**
 * @typedef {object} Env  per source file
 * @property {import("../kernel-transform.js").TransformState} state
 * @property {string} path
 * @property {boolean} check      bounds checks on
 * @property {boolean} fastmath   float reassociation allowed
 * @property {import("./inline-checks.js").Locations} locations
 * @property {Array<object>} notes  optimization report entries
 */

/**
 * @typedef {object} Plan
 * @property {Map<LoopInfo, { conds: Map<string, Cond>, accesses: Set<AstNode> }>} levels
 * @property {Map<AstNode, { array: ArrayInfo, level: LoopInfo | null, why: string }>} accesses  cached-array accesses
 */

/** @typedef {{ proven: Set<AstNode>, slow: boolean }} Mode */

const STATEMENTS = new Set([
  NodeKind.Block, NodeKind.Break, NodeKind.Continue, NodeKind.Do, NodeKind.Empty, NodeKind.Expression, NodeKind.For, NodeKind.ForOf,
  NodeKind.If, NodeKind.Return, NodeKind.Switch, NodeKind.Throw, NodeKind.Try, NodeKind.Variable, NodeKind.Void, NodeKind.While,
]);

/**
 * Optimizes one function in place (its body is replaced).
 * @param {AstNode} fn  FunctionDeclaration or MethodDeclaration
 * @param {Env} env
 */
export function optimizeFunction(fn, env) {
  if (isOutlined(fn)) return; // optimized below, when its loop was outlined
  // Outlined loop bodies first (outline.js): each is then optimized as a function of its own.
  for (const f of outlineLoopBodies(fn, (at, message) => note(env, at, "outlined", message))) {
    if (isCheckedTwin(f)) rewriteNode(f, legacyRewriter(env));
    else optimizeBody(f, env);
  }
  optimizeBody(fn, env);
}

/**
 * The optimizer proper, for one function.
 * @param {AstNode} fn @param {Env} env
 */
function optimizeBody(fn, env) {
  const legacy = () => rewriteNode(fn, legacyRewriter(env));
  if (!fn.body || fn.body.kind !== NodeKind.Block) return legacy();
  const scope = analyzeScope(fn);
  if (scope.unsupported) {
    note(env, fn.name, "function", `not optimized: ${scope.unsupported}`);
    if (env.check) walk(fn.body, (n) => { if (n.kind === NodeKind.ElementAccess) note(env, n, "checked", `bounds check kept: the function is not optimized (${scope.unsupported})`); });
    return legacy();
  }
  // Parameter default values and the like: the reference rewrite.
  rewriteNode(fn.signature, legacyRewriter(env));

  /** @type {Map<Decl, ArrayInfo>} */
  const arrays = new Map();
  const inBlock = statementsInBlocks(fn.body);
  for (const d of scope.decls) {
    if (!d.type || !Object.hasOwn(ELEMENT_TYPES, d.type) || d.writes.length) continue;
    const local = d.kind === "let" || d.kind === "const";
    if (local) {
      const init = d.init && unparen(d.init);
      // `new T(n)`, or any initializer under a written typed-array type: either way
      // the object, hence its header, is fixed once the declaration has run.
      if (!init || (init.kind !== NodeKind.New && !d.node.type) || !inBlock.has(d.statement)) continue;
    } else if (d.kind !== "param") continue;
    const t = ELEMENT_TYPES[/** @type {keyof typeof ELEMENT_TYPES} */ (d.type)];
    arrays.set(d, { decl: d, typeName: d.type, elem: t.elem, shift: t.shift, ds: `__tsk_ds${d.index}`, len: `__tsk_len${d.index}` });
  }
  const structure = analyzeLoops(fn.body, scope);
  /** @type {import("./bounds.js").Ctx} */
  const ctx = { scope, structure, arrays, syms: new Map() };
  const plan = makePlan(ctx, env);
  const gen = new Codegen(ctx, env, plan);
  // An outlined function's chunk loop falls back on its checked twin (outline.js).
  const twin = checkedTwinOf(fn);
  if (twin) {
    const loop = fn.body.statements.find((/** @type {AstNode} */ s) => s.kind === NodeKind.For);
    const args = fn.signature.parameters.map((/** @type {AstNode} */ p) => id(p.name.text, loop.range));
    const callTwin = Node.createCallExpression(id(twin, loop.range), null, args, loop.range);
    const returnsValue = simpleTypeName(fn.signature.returnType) !== "void";
    gen.coldFallback = { loop, emit: () => returnsValue ? Node.createReturnStatement(callTwin, loop.range) : block([exprStmt(callTwin), Node.createReturnStatement(null, loop.range)], loop.range) };
  }
  const body = gen.statement(fn.body, { proven: new Set(), slow: false });
  const prologue = [];
  for (const a of arrays.values()) if (a.decl.kind === "param") prologue.push(...cacheHeader(a, a.decl.node));
  fn.body = block([...prologue, ...(Array.isArray(body) ? body : body.statements)], fn.body.range);
  report(env, fn, ctx, plan, gen);
  // TSKERN_DEBUG_OPTIMIZER=1: print the rewritten function (AssemblyScript source).
  if (typeof process !== "undefined" && process.env.TSKERN_DEBUG_OPTIMIZER) process.stderr.write(`${ASTBuilder.build(fn)}\n`);
}

/** @param {Env} env */
function legacyRewriter(env) {
  const rw = new Rewriter(env.state, env.path, env.check);
  rw.locations = env.locations;
  return rw;
}

/** `const ds: usize = a.dataStart; const len: i32 = a.length;` @param {ArrayInfo} a @param {AstNode} at */
function cacheHeader(a, at) {
  const r = at.range;
  return [
    decl(a.ds, "usize", prop(id(a.decl.name, r), "dataStart", r), r, true),
    decl(a.len, "i32", prop(id(a.decl.name, r), "length", r), r, true),
  ];
}

/** VariableStatements that sit directly in a statement list (where more statements can follow). @param {AstNode} body */
function statementsInBlocks(body) {
  const out = new Set();
  const visit = (/** @type {AstNode} */ n) => {
    if (!n) return;
    if (n.kind === NodeKind.Block) for (const s of n.statements) if (s.kind === NodeKind.Variable) out.add(s);
    if (n.kind === NodeKind.SwitchCase) for (const s of n.statements) if (s.kind === NodeKind.Variable) out.add(s);
    for (const key of Object.keys(n)) {
      if (key === "range") continue;
      const v = n[key];
      if (Array.isArray(v)) v.forEach((x) => x instanceof Node && visit(x));
      else if (v instanceof Node && v.kind !== NodeKind.Source) visit(v);
    }
  };
  visit(body);
  return out;
}

/**
 * Chooses, for every access to a cached array, the outermost loop before
 * which its bounds can be proved.
 * @param {import("./bounds.js").Ctx} ctx @param {Env} env @returns {Plan}
 */
function makePlan(ctx, env) {
  /** @type {Plan} */
  const plan = { levels: new Map(), accesses: new Map() };
  /** @type {Map<LoopInfo, Map<string, any>>} */
  const rangeCaches = new Map();
  for (const access of ctx.structure.accesses) {
    const array = cachedArrayOf(ctx, access);
    if (!array) continue;
    const info = { array, level: /** @type {LoopInfo | null} */ (null), why: "" };
    plan.accesses.set(access, info);
    if (!env.check) { info.why = "boundscheck=false"; continue; }
    const chain = [];
    for (let l = ctx.structure.loopOf.get(access) ?? null; l; l = l.parent) chain.unshift(l);
    if (!chain.length) { info.why = "not in a loop"; continue; }
    for (const level of chain) {
      if (!rangeCaches.has(level)) rangeCaches.set(level, new Map());
      const res = analyzeAccess(ctx, access, array, level, /** @type {Map<string, any>} */ (rangeCaches.get(level)));
      if ("conds" in res) {
        info.level = level;
        let lp = plan.levels.get(level);
        if (!lp) plan.levels.set(level, (lp = { conds: new Map(), accesses: new Set() }));
        for (const c of res.conds) addCondition(lp.conds, c);
        lp.accesses.add(access);
        break;
      }
      info.why = res.why;
    }
  }
  return plan;
}

/**
 * Adds `p >= 0` to a set of conditions, keeping only the strongest of those
 * that differ by a constant (`n - i - 1 >= 0` implies `n - i >= 0`).
 * @param {Map<string, Cond>} conds @param {Cond} c
 */
function addCondition(conds, c) {
  const k = c.poly.terms.get("") ?? 0n;
  const shape = P.toKey(P.sub(c.poly, P.constant(k)));
  const prev = conds.get(shape);
  if (!prev || (prev.poly.terms.get("") ?? 0n) > k) conds.set(shape, c);
}

/** The cached array an element access reads or writes, if any. @param {import("./bounds.js").Ctx} ctx @param {AstNode} access */
export function cachedArrayOf(ctx, access) {
  const t = access.expression;
  if (t.kind !== NodeKind.Identifier) return null;
  const d = ctx.scope.refs.get(t);
  return d ? ctx.arrays.get(d) ?? null : null;
}

/** Emits a condition polynomial `p >= 0` in i64. @param {import("./bounds.js").Ctx} ctx @param {Cond} c @param {AstNode} at */
function condExpr(ctx, c, at) {
  const r = at.range;
  return bin(Token.GreaterThan_Equals, emitPoly(ctx, c.poly, "i64", r), cast("i64", int(0, r), r), r);
}

/** Writes the body with the plan applied. */
export class Codegen {
  /** @param {import("./bounds.js").Ctx} ctx @param {Env} env @param {Plan} plan */
  constructor(ctx, env, plan) {
    this.ctx = ctx;
    this.env = env;
    this.plan = plan;
    this.temps = 0;
    /** The reference rewrite's counter of accesses left to AssemblyScript. */
    this.unrewritten = 0;
    /** @type {Array<object>} innermost-loop reports */
    this.loopNotes = [];
    /** @type {Map<AstNode, import("./innermost.js").Pointered>} accesses addressed through a row pointer */
    this.pointers = new Map();
    /** Description of the last vectorized loop (for its report entry). */
    this.lastVector = "";
    /** @type {Map<AstNode, string>} loads replaced by a local carrying the value (carry.js) */
    this.replaced = new Map();
    /** @type {Map<AstNode, string>} stores whose value is also kept in a local (carry.js) */
    this.captured = new Map();
    /** @type {{ loop: AstNode, emit: () => AstNode } | null} an outlined function's chunk loop and the call of its checked twin (outline.js) */
    this.coldFallback = null;
  }

  /** A fresh local name. */
  temp() {
    return `__tsk_t${this.temps++}`;
  }

  /** @param {AstNode} node @param {Mode} m @returns {AstNode | AstNode[]} */
  statement(node, m) {
    switch (node.kind) {
      case NodeKind.Block: {
        const out = [];
        for (const s of node.statements) {
          const r = this.statement(s, m);
          if (Array.isArray(r)) out.push(...r);
          else out.push(r);
          if (s.kind === NodeKind.Variable) out.push(...this.localCaches(s));
        }
        const b = mapChildren(node, (x) => x);
        b.statements = out;
        return b;
      }
      case NodeKind.Expression: {
        const e = node.expression;
        const target = elementTarget(e);
        if (target && cachedArrayOf(this.ctx, target)) return this.store(e, target, m);
        return exprStmt(this.expr(e, m));
      }
      case NodeKind.For:
      case NodeKind.While:
      case NodeKind.Do:
        return this.loop(node, m);
      default:
        return mapChildren(node, (c) => this.any(c, m));
    }
  }

  /** Header caches after a statement declaring cached local arrays. @param {AstNode} s */
  localCaches(s) {
    const out = [];
    for (const d of s.declarations) {
      const decl = this.ctx.scope.decls.find((x) => x.node === d);
      const a = decl && this.ctx.arrays.get(decl);
      if (a) out.push(...cacheHeader(a, d));
    }
    return out;
  }

  /** @param {AstNode} node @param {Mode} m @returns {AstNode} */
  any(node, m) {
    if (node.kind === NodeKind.SwitchCase) {
      const c = mapChildren(node, (x) => x);
      c.label = node.label ? this.expr(node.label, m) : null;
      c.statements = [];
      for (const s of node.statements) {
        const r = this.statement(s, m);
        if (Array.isArray(r)) c.statements.push(...r);
        else c.statements.push(r);
        if (s.kind === NodeKind.Variable) c.statements.push(...this.localCaches(s));
      }
      return c;
    }
    if (STATEMENTS.has(node.kind)) {
      const r = this.statement(node, m);
      return Array.isArray(r) ? block(r, node.range) : r;
    }
    return this.expr(node, m);
  }

  /**
   * A loop: versioned when the plan proves accesses at this level.
   * @param {AstNode} node @param {Mode} m
   */
  loop(node, m) {
    const info = /** @type {LoopInfo} */ (this.ctx.structure.loops.get(node));
    const lp = this.plan.levels.get(info);
    if (lp && !m.slow) {
      const fast = this.loopBody(node, info, { proven: new Set([...m.proven, ...lp.accesses]), slow: false });
      if (!lp.conds.size) return fast; // proved without run-time conditions
      const slow = this.coldFallback?.loop === node ? this.coldFallback.emit() : this.loopBody(node, info, { proven: m.proven, slow: true });
      const guard = and([...lp.conds.values()].map((c) => condExpr(this.ctx, c, node)), node.range);
      return ifStmt(guard, block([fast], node.range), block([slow], node.range), node.range);
    }
    return this.loopBody(node, info, m);
  }

  /** @param {AstNode} node @param {LoopInfo} info @param {Mode} m */
  loopBody(node, info, m) {
    if (!info.inner.length) {
      const special = optimizeInnermost(this, node, info, m);
      if (special) return unrollInnermost(this, node, info, m, special);
      return unrollInnermost(this, node, info, m, mapChildren(node, (c) => this.any(c, m)));
    }
    return mapChildren(node, (c) => this.any(c, m));
  }

  /** Access mode of a cached-array access. @param {AstNode} access @param {Mode} m @returns {"checked" | "proved" | "unchecked"} */
  mode(access, m) {
    if (!this.env.check) return "unchecked";
    return m.proven.has(access) ? "proved" : "checked";
  }

  /** @param {AstNode} access @param {Mode} m */
  loc(access, m) {
    return this.mode(access, m) === "checked" ? this.env.locations.of(access) : -1;
  }

  /**
   * `a[i] = v`, `a[i] op= v`, `a[i]++` as a statement on a cached array.
   * @param {AstNode} whole @param {AstNode} target @param {Mode} m
   */
  store(whole, target, m) {
    const a = /** @type {ArrayInfo} */ (cachedArrayOf(this.ctx, target));
    const mode = this.mode(target, m);
    const r = whole.range;
    const p = mode === "checked" ? undefined : this.pointers.get(target);
    if (p) {
      // Through a row pointer: the index is not evaluated (it has no effects: it is affine).
      const cap = this.captured.get(target);
      const keep = (/** @type {AstNode} */ value) => (cap ? bin(Token.Equals, id(cap, r), value, r) : value);
      if (whole.kind === NodeKind.Binary && whole.operator === Token.Equals) {
        return exprStmt(storeAt(a.elem, pointerAddress(p), keep(this.expr(whole.right, m)), p.offset, target));
      }
      const op = whole.kind === NodeKind.Binary ? compoundBase(whole.operator) : whole.operator === Token.Plus_Plus ? Token.Plus : Token.Minus;
      const carried = this.replaced.get(target);
      const cur = carried ? id(carried, r) : loadAt(a.elem, pointerAddress(p), p.offset, target);
      const rhs = whole.kind === NodeKind.Binary ? this.expr(whole.right, m) : int(1, r);
      return exprStmt(storeAt(a.elem, pointerAddress(p), keep(bin(/** @type {number} */ (op), cur, rhs, valueRange(whole))), p.offset, target));
    }
    const idx = this.expr(target.elementExpression, m);
    if (whole.kind === NodeKind.Binary && whole.operator === Token.Equals) {
      const split = mode === "proved" ? splitOffset(idx, a.shift) : null;
      if (split) return exprStmt(storeAt(a.elem, addressExpr(a, split.base, target), this.expr(whole.right, m), split.offset, target));
      const index = indexExpr(a, idx, mode, this.loc(target, m), target);
      return exprStmt(storeAt(a.elem, addressExpr(a, index, target), this.expr(whole.right, m), 0, target));
    }
    const op = whole.kind === NodeKind.Binary ? compoundBase(whole.operator) : whole.operator === Token.Plus_Plus ? Token.Plus : Token.Minus;
    const rhs = whole.kind === NodeKind.Binary ? this.expr(whole.right, m) : int(1, r);
    if (mode !== "checked" && !hasEffects(target.elementExpression)) {
      const i1 = indexExpr(a, idx, mode, -1, target), i2 = indexExpr(a, deepCopy(idx), mode, -1, target);
      return exprStmt(storeAt(a.elem, addressExpr(a, i1, target), bin(/** @type {number} */ (op), loadAt(a.elem, addressExpr(a, i2, target), 0, target), rhs, valueRange(whole)), 0, target));
    }
    const t = this.temp();
    return block([
      decl(t, "i32", indexExpr(a, idx, mode, this.loc(target, m), target), r, true),
      exprStmt(storeAt(a.elem, addressExpr(a, id(t, r), target), bin(/** @type {number} */ (op), loadAt(a.elem, addressExpr(a, id(t, r), target), 0, target), rhs, valueRange(whole)), 0, target)),
    ], r);
  }

  /** @param {AstNode} node @param {Mode} m @returns {AstNode} */
  expr(node, m) {
    if (node.kind === NodeKind.ElementAccess) {
      const a = cachedArrayOf(this.ctx, node);
      if (a) {
        const mode = this.mode(node, m);
        const p = mode === "checked" ? undefined : this.pointers.get(node);
        const carried = p && this.replaced.get(node);
        if (carried) return id(carried, node.range);
        if (p) return loadAt(a.elem, pointerAddress(p), p.offset, node);
        const idx = this.expr(node.elementExpression, m);
        const split = mode === "proved" ? splitOffset(idx, a.shift) : null;
        if (split) return loadAt(a.elem, addressExpr(a, split.base, node), split.offset, node);
        const index = indexExpr(a, idx, mode, this.loc(node, m), node);
        return loadAt(a.elem, addressExpr(a, index, node), 0, node);
      }
      const copy = mapChildren(node, (c) => this.expr(c, m));
      if (!this.env.check) return unchecked(copy);
      if (isPurePath(node.expression)) {
        copy.elementExpression = call("__tsk_chk", [cloneTarget(node.expression), copy.elementExpression, int(this.env.locations.of(node), node.range)], node.range);
        return unchecked(copy);
      }
      this.unrewritten++;
      return copy;
    }
    const target = elementTarget(node);
    if (target) {
      // In expression position (its value is used): the reference forms.
      const newTarget = mapChildren(target, (c) => this.expr(c, m));
      const before = this.unrewritten;
      const whole = shallowWith(node, newTarget, (x) => this.expr(x, m));
      if (!this.env.check) return unchecked(whole);
      if (!isPurePath(target.expression) || this.unrewritten !== before) {
        if (!isPurePath(target.expression)) this.unrewritten++;
        return whole;
      }
      newTarget.elementExpression = call("__tsk_chk", [cloneTarget(target.expression), newTarget.elementExpression, int(this.env.locations.of(target), target.range)], target.range);
      return unchecked(whole);
    }
    return mapChildren(node, (c) => this.any(c, m));
  }
}

/**
 * A proved index `base + k` (k a small positive literal) as `base` and the
 * byte offset k << shift: the access becomes `load<T>(ds + (base << shift), offset)`,
 * so accesses at base, base + 1, ... share one address computation (the
 * offset is part of the load). Only for proved accesses: the address is then
 * known not to wrap, so folding k into the offset changes nothing.
 * @param {AstNode} idx @param {number} shift @returns {{ base: AstNode, offset: number } | null}
 */
function splitOffset(idx, shift) {
  const e = unparen(idx);
  if (e.kind !== NodeKind.Binary || e.operator !== Token.Plus) return null;
  const kr = intValue(e.right), kl = intValue(e.left);
  const k = kr !== null ? kr : kl;
  if (k === null || k <= 0 || k > 4096) return null;
  return { base: kr !== null ? e.left : e.right, offset: k << shift };
}

/**
 * Range for the value computed by `a[i] op= v` (diagnostics about it point
 * at `v`, as AssemblyScript's own compound assignment does).
 * @param {AstNode} whole
 */
function valueRange(whole) {
  return whole.kind === NodeKind.Binary ? whole.right.range : whole.range;
}

/** A copy of an assignment / update with its target replaced and its other operand mapped. @param {AstNode} node @param {AstNode} target @param {(x: AstNode) => AstNode} map */
function shallowWith(node, target, map) {
  const copy = mapChildren(node, (x) => x);
  if (node.kind === NodeKind.Binary) {
    copy.left = target;
    copy.right = map(node.right);
  } else copy.operand = target;
  return copy;
}

/** Why an access does not go through a cached header. @param {import("./bounds.js").Ctx} ctx @param {AstNode} access */
function uncachedReason(ctx, access) {
  const t = access.expression;
  if (t.kind === NodeKind.Identifier) {
    const d = ctx.scope.refs.get(t);
    if (!d) return `'${t.text}' is not a local or a parameter`;
    if (d.type === "Uint8ClampedArray") return "Uint8ClampedArray stores clamp (left to AssemblyScript's accessor)";
    if (!d.type || !Object.hasOwn(ELEMENT_TYPES, d.type)) return `'${d.name}' is not known to be a typed array here (give it a typed-array type)`;
    if (d.writes.length) return `'${d.name}' is reassigned in this function, so its length is re-read at each access`;
    return `'${d.name}' is not a parameter or a local initialized with \`new\``;
  }
  if (isPurePath(t)) return `'${textOf(t)}' is a field: its length is re-read at each access`;
  return "the array is the result of an expression with effects (AssemblyScript's own check)";
}

/** @param {Env} env @param {AstNode} at @param {string} kind @param {string} message */
function note(env, at, kind, message) {
  const r = at.range;
  env.notes.push({ path: env.path, start: r.start, kind, message });
}

/**
 * Report of what was done and why not: per function, the versioned loops and
 * every access still checked with the reason.
 * @param {Env} env @param {AstNode} fn @param {import("./bounds.js").Ctx} ctx @param {Plan} plan @param {Codegen} gen
 */
function report(env, fn, ctx, plan, gen) {
  for (const [level, lp] of plan.levels) {
    const how = lp.conds.size ? `${lp.conds.size} run-time condition${lp.conds.size === 1 ? "" : "s"} before the loop, else the checked loop runs` : "proved at compile time";
    note(env, level.node, "versioned", `${lp.accesses.size} bounds check${lp.accesses.size === 1 ? "" : "s"} removed (${how})`);
  }
  for (const [access, info] of plan.accesses) {
    if (!info.level && env.check) note(env, access, "checked", `bounds check kept: ${info.why}`);
  }
  // Accesses to arrays whose header is not cached keep the reference check.
  if (env.check) {
    for (const access of ctx.structure.accesses) {
      if (plan.accesses.has(access)) continue;
      note(env, access, "checked", `bounds check kept: ${uncachedReason(ctx, access)}`);
    }
  }
  for (const n of gen.loopNotes) env.notes.push(n);
}
