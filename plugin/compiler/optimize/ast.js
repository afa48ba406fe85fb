/**
 * AssemblyScript AST helpers for the optimizer: node builders (every new node
 * borrows the range of the source node it stands for, so diagnostics and
 * source maps still point at the kernel), a non-destructive copy, and walks.
 */
import { Node, NodeKind, Token, AssertionKind, LiteralKind, CommonFlags } from "assemblyscript";

export { Node, NodeKind, Token, AssertionKind, LiteralKind, CommonFlags };

/** @typedef {any} AstNode  AssemblyScript AST node (the JS build has no usable types) */
/** @typedef {any} Range */

// ---- building --------------------------------------------------------------

/** @param {string} name @param {Range} r */
export const id = (name, r) => Node.createIdentifierExpression(name, r);

/** Integer literal (JS number, must be a safe integer). @param {number} value @param {Range} r */
export function int(value, r) {
  if (!Number.isSafeInteger(value)) throw new Error(`tskern optimizer: integer literal ${value} out of range`);
  if (value < 0) return Node.createUnaryPrefixExpression(Token.Minus, int(-value, r), r);
  return Node.createIntegerLiteralExpression(/** @type {any} */ (globalThis).i64_new(value % 2 ** 32 >>> 0, Math.floor(value / 2 ** 32)), r);
}

/** @param {number} value @param {Range} r */
export const float = (value, r) => Node.createFloatLiteralExpression(value, r);

/** Named type `name`. @param {string} name @param {Range} r */
export const type = (name, r) => Node.createNamedType(Node.createSimpleTypeName(name, r), null, false, r);

/** `<T>expr` @param {string} t @param {AstNode} expr @param {Range} r */
export const cast = (t, expr, r) => Node.createAssertionExpression(AssertionKind.Prefix, paren(expr, r), type(t, r), r);

/** `(expr)` unless trivially atomic. @param {AstNode} expr @param {Range} r */
export function paren(expr, r) {
  if (expr.kind === NodeKind.Identifier || expr.kind === NodeKind.Literal || expr.kind === NodeKind.Parenthesized || expr.kind === NodeKind.Call) return expr;
  return Node.createParenthesizedExpression(expr, r);
}

/** @param {number} op  Token @param {AstNode} a @param {AstNode} b @param {Range} r */
export const bin = (op, a, b, r) => Node.createBinaryExpression(op, paren(a, r), paren(b, r), r);

/**
 * `callee<typeArgs>(args)`; callee may be dotted (`f64x2.add`).
 * @param {string} callee @param {AstNode[]} args @param {Range} r @param {string[]} [typeArgs]
 */
export function call(callee, args, r, typeArgs) {
  const parts = callee.split(".");
  let target = id(parts[0], r);
  for (const p of parts.slice(1)) target = Node.createPropertyAccessExpression(target, id(p, r), r);
  return Node.createCallExpression(target, typeArgs ? typeArgs.map((t) => type(t, r)) : null, args, r);
}

/** `obj.prop` @param {AstNode} obj @param {string} prop @param {Range} r */
export const prop = (obj, prop, r) => Node.createPropertyAccessExpression(obj, id(prop, r), r);

/**
 * `let|const name: T = init;`
 * @param {string} name @param {string | null} t @param {AstNode | null} init @param {Range} r @param {boolean} [isConst]
 */
export function decl(name, t, init, r, isConst = false) {
  const flags = isConst ? CommonFlags.Const : CommonFlags.Let;
  const d = Node.createVariableDeclaration(id(name, r), null, flags, t ? type(t, r) : null, init, r);
  return Node.createVariableStatement(null, [d], r);
}

/** `target = value;` as a statement. @param {string} name @param {AstNode} value @param {Range} r */
export const assignStmt = (name, value, r) => exprStmt(bin(Token.Equals, id(name, r), value, r));

/** @param {AstNode} expr */
export const exprStmt = (expr) => Node.createExpressionStatement(expr);

/** @param {AstNode[]} statements @param {Range} r */
export const block = (statements, r) => Node.createBlockStatement(statements, r);

/** @param {AstNode} cond @param {AstNode} then @param {AstNode | null} otherwise @param {Range} r */
export const ifStmt = (cond, then, otherwise, r) => Node.createIfStatement(cond, then, otherwise, r);

/** `a && b && ...` (true when empty). @param {AstNode[]} conds @param {Range} r */
export function and(conds, r) {
  if (!conds.length) return Node.createTrueExpression(r);
  return conds.reduce((acc, c) => bin(Token.Ampersand_Ampersand, acc, c, r));
}

// ---- inspecting ------------------------------------------------------------

/** Strips parentheses. @param {AstNode} node */
export function unparen(node) {
  while (node && node.kind === NodeKind.Parenthesized) node = node.expression;
  return node;
}

/** Integer value of an integer literal (or `-literal`), else null. @param {AstNode} node @returns {number | null} */
export function intValue(node) {
  node = unparen(node);
  if (node.kind === NodeKind.UnaryPrefix && node.operator === Token.Minus) {
    const v = intValue(node.operand);
    return v === null ? null : -v;
  }
  if (node.kind !== NodeKind.Literal || node.literalKind !== LiteralKind.Integer) return null;
  const v = node.value;
  // AssemblyScript's i64 in the JS build: a Long-like { low, high } or a bigint.
  const n = typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : (v.high >>> 0) * 2 ** 32 + (v.low >>> 0) - (v.high < 0 ? 2 ** 64 : 0);
  return Number.isSafeInteger(n) ? n : null;
}

/** Is this an assignment operator token (`=`, `+=`, ...)? @param {number} op */
export const isAssignOp = (op) => op >= Token.Equals && op <= Token.Caret_Equals;

/** The binary operator of a compound assignment (`+=` -> `+`), or null for `=`. @param {number} op */
export function compoundBase(op) {
  switch (op) {
    case Token.Plus_Equals: return Token.Plus;
    case Token.Minus_Equals: return Token.Minus;
    case Token.Asterisk_Equals: return Token.Asterisk;
    case Token.Asterisk_Asterisk_Equals: return Token.Asterisk_Asterisk;
    case Token.Slash_Equals: return Token.Slash;
    case Token.Percent_Equals: return Token.Percent;
    case Token.LessThan_LessThan_Equals: return Token.LessThan_LessThan;
    case Token.GreaterThan_GreaterThan_Equals: return Token.GreaterThan_GreaterThan;
    case Token.GreaterThan_GreaterThan_GreaterThan_Equals: return Token.GreaterThan_GreaterThan_GreaterThan;
    case Token.Ampersand_Equals: return Token.Ampersand;
    case Token.Bar_Equals: return Token.Bar;
    case Token.Caret_Equals: return Token.Caret;
    default: return null;
  }
}

/** Child nodes of a node, in field order. @param {AstNode} node @returns {AstNode[]} */
export function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    if (key === "range") continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const v of value) if (v instanceof Node && v.kind !== NodeKind.Source) out.push(v);
    } else if (value instanceof Node && value.kind !== NodeKind.Source) out.push(value);
  }
  return out;
}

/**
 * Visits `node` and its descendants depth-first; `visit` returning false
 * skips a node's children.
 * @param {AstNode} node @param {(n: AstNode) => boolean | void} visit
 */
export function walk(node, visit) {
  if (visit(node) === false) return;
  for (const c of children(node)) walk(c, visit);
}

/**
 * Where a node sits below the root of a `walkNested`: its parent and the
 * parent's property (and array index, -1 if none) that holds it; `loops`:
 * loops entered between the root and the node; `switches`: switches entered
 * outside those loops (a plain `break` there leaves the switch, not the
 * root's loop).
 * @typedef {{ parent: AstNode | null, key: string, index: number, loops: number, switches: number }} Nesting
 */

/**
 * `walk` with each node's nesting: what a pass that moves a loop body
 * elsewhere must know of its `break`s, `continue`s and `return`s.
 * @param {AstNode} root
 * @param {(node: AstNode, at: Nesting) => boolean | void} visit  false skips the node's children
 */
export function walkNested(root, visit) {
  const go = (/** @type {AstNode} */ node, /** @type {Nesting} */ at) => {
    if (visit(node, at) === false) return;
    const loops = at.loops + (node.kind === NodeKind.For || node.kind === NodeKind.While || node.kind === NodeKind.Do ? 1 : 0);
    const switches = at.switches + (node.kind === NodeKind.Switch && at.loops === 0 ? 1 : 0);
    for (const key of Object.keys(node)) {
      if (key === "range") continue;
      const value = node[key];
      if (Array.isArray(value)) value.forEach((v, index) => { if (v instanceof Node && v.kind !== NodeKind.Source) go(v, { parent: node, key, index, loops, switches }); });
      else if (value instanceof Node && value.kind !== NodeKind.Source) go(value, { parent: node, key, index: -1, loops, switches });
    }
  };
  go(root, { parent: null, key: "", index: -1, loops: 0, switches: 0 });
}

/**
 * Puts `replacement` where `target` hangs below `root` (the first place
 * found); false if `target` is not below `root`.
 * @param {AstNode} root @param {AstNode} target @param {AstNode} replacement
 */
export function replaceChild(root, target, replacement) {
  let done = false;
  walkNested(root, (node, at) => {
    if (done) return false;
    if (node === target && at.parent) {
      if (at.index < 0) at.parent[at.key] = replacement;
      else at.parent[at.key][at.index] = replacement;
      done = true;
    }
    return !done;
  });
  return done;
}

/** Does `node` (an expression) contain a call, an assignment, `++`/`--`, `new` or a function? @param {AstNode} node */
export function hasEffects(node) {
  let effects = false;
  walk(node, (n) => {
    if (effects) return false;
    if (n.kind === NodeKind.Call || n.kind === NodeKind.New || n.kind === NodeKind.Function || n.kind === NodeKind.Class ||
        (n.kind === NodeKind.Binary && isAssignOp(n.operator)) ||
        ((n.kind === NodeKind.UnaryPostfix || n.kind === NodeKind.UnaryPrefix) && (n.operator === Token.Plus_Plus || n.operator === Token.Minus_Minus))) {
      effects = true;
      return false;
    }
    return true;
  });
  return effects;
}

// ---- copying ---------------------------------------------------------------

/** A shallow copy of a node (same prototype, same fields). @param {AstNode} node */
export function shallowCopy(node) {
  return Object.assign(Object.create(Object.getPrototypeOf(node)), node);
}

/**
 * A copy of `node` with every descendant replaced by `map(child)`; `node`
 * itself is left untouched. Arrays of nodes are copied.
 * @param {AstNode} node @param {(child: AstNode) => AstNode} map
 */
export function mapChildren(node, map) {
  const copy = shallowCopy(node);
  for (const key of Object.keys(copy)) {
    if (key === "range") continue;
    const value = copy[key];
    if (Array.isArray(value)) {
      if (value.some((v) => v instanceof Node)) copy[key] = value.map((v) => (v instanceof Node && v.kind !== NodeKind.Source ? map(v) : v));
    } else if (value instanceof Node && value.kind !== NodeKind.Source) {
      copy[key] = map(value);
    }
  }
  return copy;
}

/** A deep copy of a subtree. @param {AstNode} node @returns {AstNode} */
export function deepCopy(node) {
  return mapChildren(node, deepCopy);
}

/** Source text of a node (for reports). @param {AstNode} node */
export function textOf(node) {
  const r = node.range;
  return r && r.source ? r.source.text.slice(r.start, r.end) : "?";
}
