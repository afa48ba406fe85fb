/**
 * Name resolution and a small type inference for one function body, on the
 * AST (before AssemblyScript has typed anything). The optimizer trusts only
 * what this can establish for certain: a declaration's type is known when it
 * is written, or when the initializer's type follows from literals, other
 * known declarations and a few operators; anything else is `null` (unknown),
 * and unknown things are never optimized.
 */
import { NodeKind, Token, LiteralKind, AssertionKind, unparen, intValue, isAssignOp, children } from "./ast.js";

/**
 * Typed arrays whose element access the optimizer rewrites into raw loads and
 * stores: element type, log2 of the element size. (Uint8ClampedArray clamps
 * on store: left to AssemblyScript.)
 */
export const ELEMENT_TYPES = {
  Float64Array: { elem: "f64", shift: 3 },
  Float32Array: { elem: "f32", shift: 2 },
  Int32Array: { elem: "i32", shift: 2 },
  Uint32Array: { elem: "u32", shift: 2 },
  Int16Array: { elem: "i16", shift: 1 },
  Uint16Array: { elem: "u16", shift: 1 },
  Int8Array: { elem: "i8", shift: 0 },
  Uint8Array: { elem: "u8", shift: 0 },
  Int64Array: { elem: "i64", shift: 3 },
  Uint64Array: { elem: "u64", shift: 3 },
};
const ALL_ARRAYS = new Set([...Object.keys(ELEMENT_TYPES), "Uint8ClampedArray"]);
const NUMERIC = new Set(["i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64", "bool", "isize", "usize"]);
/** Types whose arithmetic is the machine's (small integer types wrap at their width in AssemblyScript). */
const WIDE = new Set(["i32", "i64", "f32", "f64"]);

/** @typedef {import("./ast.js").AstNode} AstNode */

/**
 * @typedef {object} Decl
 * @property {number} index        unique within the function
 * @property {string} name
 * @property {"param" | "let" | "const" | "var"} kind
 * @property {string | null} type  simple type name, null when unknown
 * @property {AstNode} node        ParameterNode or VariableDeclaration
 * @property {AstNode | null} init initializer expression
 * @property {AstNode | null} statement  the VariableStatement declaring it (locals)
 * @property {AstNode[]} writes    expressions assigning it after its declaration
 */

/**
 * @typedef {object} FunctionScope
 * @property {Decl[]} decls
 * @property {Map<AstNode, Decl>} refs   IdentifierExpression -> its declaration (locals and parameters only)
 * @property {string | null} unsupported  why the function is left to the plain rewrite, if it is
 */

/**
 * Resolves every name in a function.
 * @param {AstNode} fn  FunctionDeclaration / MethodDeclaration with a body
 * @returns {FunctionScope}
 */
export function analyzeScope(fn) {
  /** @type {Decl[]} */
  const decls = [];
  /** @type {Map<AstNode, Decl>} */
  const refs = new Map();
  let unsupported = /** @type {string | null} */ (null);
  /** @type {Array<Map<string, Decl>>} */
  const scopes = [new Map()];

  const lookup = (/** @type {string} */ name) => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const d = scopes[i].get(name);
      if (d) return d;
    }
    return null;
  };
  const declare = (/** @type {Omit<Decl, "index" | "writes">} */ d, /** @type {Map<string, Decl>} */ scope) => {
    const full = /** @type {Decl} */ ({ ...d, index: decls.length, writes: [] });
    decls.push(full);
    scope.set(d.name, full);
    return full;
  };

  for (const p of fn.signature.parameters) {
    declare({ name: p.name.text, kind: "param", type: simpleTypeName(p.type), node: p, init: null, statement: null }, scopes[0]);
  }

  // `var` is function-scoped: declare them all up front (type: annotation only;
  // the initializer counts as a write where it stands).
  walkStatements(fn.body, (s) => {
    if (s.kind !== NodeKind.Variable) return;
    for (const d of s.declarations) {
      if (!isLetOrConst(d) && !scopes[0].has(d.name.text)) {
        declare({ name: d.name.text, kind: "var", type: simpleTypeName(d.type), node: d, init: null, statement: s }, scopes[0]);
      }
    }
  });

  /** @param {AstNode} node */
  function visit(node) {
    if (!node || unsupported) return;
    switch (node.kind) {
      case NodeKind.Block:
        scopes.push(new Map());
        for (const s of node.statements) visit(s);
        scopes.pop();
        return;
      case NodeKind.For:
        scopes.push(new Map());
        visit(node.initializer);
        visit(node.condition);
        visit(node.incrementor);
        visit(node.body);
        scopes.pop();
        return;
      case NodeKind.Variable:
        for (const d of node.declarations) {
          visit(d.initializer);
          if (!isLetOrConst(d)) {
            const v = /** @type {Decl} */ (scopes[0].get(d.name.text));
            if (d.initializer) v.writes.push(d);
            continue;
          }
          const t = simpleTypeName(d.type) ?? (d.initializer ? inferType(d.initializer, refs) : null);
          declare({ name: d.name.text, kind: isConst(d) ? "const" : "let", type: t, node: d, init: d.initializer, statement: node }, scopes[scopes.length - 1]);
        }
        return;
      case NodeKind.Identifier: {
        const d = lookup(node.text);
        if (d) refs.set(node, d);
        return;
      }
      case NodeKind.PropertyAccess:
        visit(node.expression);
        return;
      case NodeKind.Binary:
        visit(node.left);
        visit(node.right);
        if (isAssignOp(node.operator)) noteWrite(node.left, node);
        return;
      case NodeKind.UnaryPostfix:
      case NodeKind.UnaryPrefix:
        visit(node.operand);
        if (node.operator === Token.Plus_Plus || node.operator === Token.Minus_Minus) noteWrite(node.operand, node);
        return;
      case NodeKind.Call:
        visit(node.expression);
        for (const a of node.args) visit(a);
        return;
      case NodeKind.New:
        for (const a of node.args) visit(a);
        return;
      case NodeKind.Assertion:
        visit(node.expression);
        return;
      case NodeKind.InstanceOf:
        visit(node.expression);
        return;
      case NodeKind.Break:
      case NodeKind.Continue:
        return;
      case NodeKind.Function:
      case NodeKind.Class:
      case NodeKind.FunctionDeclaration:
      case NodeKind.ClassDeclaration:
        unsupported = "the function contains a nested function or class";
        return;
      case NodeKind.ForOf:
        unsupported = "for..of";
        return;
      case NodeKind.Try:
        unsupported = "try";
        return;
      case NodeKind.Literal:
        if (node.literalKind === LiteralKind.Object) {
          for (const v of node.values) visit(v);
          return;
        }
        for (const c of children(node)) visit(c);
        return;
      case NodeKind.NamedType:
      case NodeKind.FunctionType:
      case NodeKind.TupleType:
      case NodeKind.TypeName:
      case NodeKind.Decorator:
        return;
      default:
        for (const c of children(node)) visit(c);
    }
  }

  /** @param {AstNode} target @param {AstNode} expr */
  function noteWrite(target, expr) {
    const t = unparen(target);
    if (t.kind === NodeKind.Identifier) {
      const d = refs.get(t);
      if (d) d.writes.push(expr);
    }
  }

  if (fn.body) visit(fn.body);
  return { decls, refs, unsupported };
}

/** @param {AstNode} d */
function isConst(d) {
  return (d.flags & 8) !== 0; // CommonFlags.Const
}
/** @param {AstNode} d */
function isLetOrConst(d) {
  return (d.flags & (8 | 16)) !== 0; // Const | Let
}

/** Calls `visit` on every statement (not descending into functions). @param {AstNode} node @param {(s: AstNode) => void} visit */
function walkStatements(node, visit) {
  if (!node) return;
  visit(node);
  if (node.kind === NodeKind.Function || node.kind === NodeKind.FunctionDeclaration || node.kind === NodeKind.Class) return;
  for (const c of children(node)) walkStatements(c, visit);
}

/** `T` for a plain named type, else null. @param {AstNode | null} node @returns {string | null} */
export function simpleTypeName(node) {
  if (!node || node.kind !== NodeKind.NamedType) return null;
  if (node.isNullable || (node.typeArguments && node.typeArguments.length) || node.name.next) return null;
  const n = node.name.identifier.text;
  return n === "boolean" ? "bool" : n;
}

/**
 * The type of an expression when it is certain, else null. Integer literals
 * are i32 (AssemblyScript's default when they fit), float literals f64.
 * @param {AstNode} expr @param {Map<AstNode, Decl>} refs
 * @returns {string | null}
 */
export function inferType(expr, refs) {
  const e = unparen(expr);
  switch (e.kind) {
    case NodeKind.Literal:
      if (e.literalKind === LiteralKind.Integer) {
        const v = intValue(e);
        return v !== null && v >= -(2 ** 31) && v < 2 ** 31 ? "i32" : null;
      }
      if (e.literalKind === LiteralKind.Float) return "f64";
      return null;
    case NodeKind.True:
    case NodeKind.False:
      return "bool";
    case NodeKind.Identifier:
      return refs.get(e)?.type ?? null;
    case NodeKind.PropertyAccess:
      if (e.property.text === "length" && isArrayType(typeOfTarget(e.expression, refs))) return "i32";
      return null;
    case NodeKind.ElementAccess: {
      const t = typeOfTarget(e.expression, refs);
      return t && Object.hasOwn(ELEMENT_TYPES, t) ? ELEMENT_TYPES[/** @type {keyof typeof ELEMENT_TYPES} */ (t)].elem : null;
    }
    case NodeKind.Assertion:
      if (e.assertionKind === AssertionKind.Prefix || e.assertionKind === AssertionKind.As) {
        const t = simpleTypeName(e.toType);
        return t && NUMERIC.has(t) ? t : null;
      }
      return null;
    case NodeKind.Call: {
      const callee = unparen(e.expression);
      if (callee.kind === NodeKind.Identifier && NUMERIC.has(callee.text) && e.args.length === 1 && !refs.has(callee)) return callee.text;
      return null;
    }
    case NodeKind.New: {
      const name = e.typeName && !e.typeName.next ? e.typeName.identifier.text : null;
      return name && ALL_ARRAYS.has(name) ? name : null;
    }
    case NodeKind.UnaryPrefix:
      if (e.operator === Token.Minus || e.operator === Token.Plus) {
        const t = inferType(e.operand, refs);
        return t && WIDE.has(t) ? t : null;
      }
      if (e.operator === Token.Exclamation) return "bool";
      return null;
    case NodeKind.Binary: {
      const op = e.operator;
      if (op === Token.LessThan || op === Token.GreaterThan || op === Token.LessThan_Equals || op === Token.GreaterThan_Equals ||
          op === Token.Equals_Equals || op === Token.Exclamation_Equals || op === Token.Equals_Equals_Equals || op === Token.Exclamation_Equals_Equals) return "bool";
      if (isAssignOp(op)) return null;
      const l = inferType(e.left, refs);
      const r = inferType(e.right, refs);
      if (!l || !r) return null;
      const lLit = isNumericLiteral(e.left), rLit = isNumericLiteral(e.right);
      // A literal takes the other side's type when it can represent it.
      const t = l === r ? l : lLit && !rLit && literalFits(e.left, r) ? r : rLit && !lLit && literalFits(e.right, l) ? l : null;
      if (!t || !WIDE.has(t)) return null;
      if ((t === "f32" || t === "f64") && (op === Token.Percent || op === Token.Ampersand || op === Token.Bar || op === Token.Caret ||
          op === Token.LessThan_LessThan || op === Token.GreaterThan_GreaterThan || op === Token.GreaterThan_GreaterThan_GreaterThan)) return null;
      if (op === Token.Asterisk_Asterisk || op === Token.Ampersand_Ampersand || op === Token.Bar_Bar) return null;
      return t;
    }
    case NodeKind.Ternary: {
      const a = inferType(e.ifThen, refs), b = inferType(e.ifElse, refs);
      return a && a === b ? a : null;
    }
    default:
      return null;
  }
}

/** @param {AstNode} target @param {Map<AstNode, Decl>} refs */
function typeOfTarget(target, refs) {
  const t = unparen(target);
  return t.kind === NodeKind.Identifier ? refs.get(t)?.type ?? null : null;
}

/** @param {string | null} t */
export function isArrayType(t) {
  return t !== null && ALL_ARRAYS.has(t);
}

/** @param {AstNode} e */
function isNumericLiteral(e) {
  const u = unparen(e);
  return (u.kind === NodeKind.Literal && (u.literalKind === LiteralKind.Integer || u.literalKind === LiteralKind.Float)) ||
    (u.kind === NodeKind.UnaryPrefix && u.operator === Token.Minus && isNumericLiteral(u.operand));
}

/** Can this literal take type t without changing value? @param {AstNode} e @param {string} t */
function literalFits(e, t) {
  const v = intValue(e);
  if (t === "f64" || t === "f32") return true; // int or float literal in float context
  if (v === null) return false; // float literal in an integer context: an error in AssemblyScript
  if (t === "i32") return v >= -(2 ** 31) && v < 2 ** 31;
  if (t === "i64") return true;
  return false;
}
