/**
 * The optimizer's generated code calls AssemblyScript built-ins by name
 * (`min`, `max`, `load`, `store`, ...). A kernel file that declares one of
 * those names at top level (the library's `min`/`max` kernels) would capture
 * those calls. Instead of compiling such a file unoptimized, its own
 * declaration is renamed, in that file's AST, to `__tsk_user_<name>` along
 * with every reference to it; the kernel keeps its name for JavaScript (the
 * generated entry re-exports the renamed function under the kernel's export
 * name), and the optimizer's calls reach the built-ins again.
 *
 * References are renamed by scope, conservatively: identifiers in expression
 * position only (not property names, member or parameter names, types or
 * object-literal keys), and not inside a function that declares a parameter
 * or local of the same name (there the name means the local).
 */
import { NodeKind, CommonFlags } from "assemblyscript";
import { children, walk } from "./optimize/ast.js";

/** Prefix of a renamed user declaration (never a name a user writes). */
export const RENAMED_PREFIX = "__tsk_user_";

/** The original name of a renamed top-level declaration. */
const ORIGINAL = new WeakMap();

/** Declarations whose `name` is not a reference. */
const DECLARATIONS = new Set([
  NodeKind.FunctionDeclaration, NodeKind.MethodDeclaration, NodeKind.FieldDeclaration, NodeKind.ClassDeclaration,
  NodeKind.VariableDeclaration, NodeKind.Parameter, NodeKind.EnumDeclaration, NodeKind.EnumValueDeclaration,
  NodeKind.NamespaceDeclaration, NodeKind.InterfaceDeclaration, NodeKind.TypeDeclaration, NodeKind.ImportDeclaration,
  NodeKind.ExportMember, NodeKind.TypeParameter,
]);

/** Type syntax: never holds a value reference. */
const TYPES = new Set([NodeKind.NamedType, NodeKind.FunctionType, NodeKind.TupleType, NodeKind.TypeName]);

/**
 * Renames the top-level function, variable and class declarations of `source`
 * named in `names`, and their references. Names brought in by an `import`,
 * and names a helper module (not a kernel file) exports, cannot be renamed
 * here (other files see them); they are returned so the caller can compile
 * the file without the optimizer.
 * @param {any} source  an AssemblyScript Source
 * @param {Set<string>} names  the built-in names to free
 * @param {boolean} isKernelFile  its exports are kernels, re-exported by name by the generated entry
 * @returns {{ renamed: string[], imported: string[], exported: string[] }}
 */
export function renameShadowing(source, names, isKernelFile) {
  /** @type {Map<string, any[]>} name -> its top-level declaration nodes */
  const targets = new Map();
  const imported = new Set();
  const exported = new Set();
  for (const st of source.statements) {
    if (st.kind === NodeKind.Import) {
      for (const d of st.declarations ?? []) if (names.has(d?.name?.text)) imported.add(d.name.text);
      continue;
    }
    if (st.kind === NodeKind.Export) {
      for (const m of st.members ?? []) if (names.has(m?.localName?.text)) exported.add(m.localName.text);
      continue;
    }
    const decls = st.kind === NodeKind.Variable ? st.declarations : [st];
    for (const d of decls) {
      const name = d?.name?.text;
      if (!name || !names.has(name)) continue;
      const exportedDecl = ((d.flags ?? 0) & CommonFlags.Export) !== 0 || ((st.flags ?? 0) & CommonFlags.Export) !== 0;
      if (exportedDecl && !isKernelFile) exported.add(name);
      else if (d.kind === NodeKind.FunctionDeclaration || d.kind === NodeKind.VariableDeclaration || d.kind === NodeKind.ClassDeclaration) {
        targets.set(name, [...(targets.get(name) ?? []), d]);
      } else {
        imported.add(name); // an enum, namespace, ...: left alone, like an import
      }
    }
  }
  for (const name of [...imported, ...exported]) targets.delete(name);
  for (const [name, decls] of targets) {
    const to = RENAMED_PREFIX + name;
    for (const st of source.statements) renameReferences(st, name, to);
    for (const d of decls) {
      ORIGINAL.set(d, name);
      d.name.text = to;
    }
  }
  return { renamed: [...targets.keys()].sort(), imported: [...imported].sort(), exported: [...exported].sort() };
}

/**
 * The name a renamed declaration had in the source, or undefined.
 * @param {any} decl
 * @returns {string | undefined}
 */
export function originalName(decl) {
  return ORIGINAL.get(decl);
}

/** @param {any} node @param {string} from @param {string} to */
function renameReferences(node, from, to) {
  if (node.kind === NodeKind.Identifier) {
    if (node.text === from) node.text = to;
    return;
  }
  if (TYPES.has(node.kind)) return;
  if (node.kind === NodeKind.PropertyAccess) {
    renameReferences(node.expression, from, to);
    return;
  }
  if ((node.kind === NodeKind.FunctionDeclaration || node.kind === NodeKind.MethodDeclaration || node.kind === NodeKind.Function) && declaresLocally(node, from)) return;
  for (const c of children(node)) {
    if (DECLARATIONS.has(node.kind) && c === node.name) continue;
    if (node.kind === NodeKind.Literal && Array.isArray(node.names) && node.names.includes(c)) continue; // object literal keys
    renameReferences(c, from, to);
  }
}

/**
 * Does a function declare a parameter or a local named `name` (so that the
 * name means the local inside it)?
 * @param {any} fn @param {string} name
 */
function declaresLocally(fn, name) {
  const decl = fn.kind === NodeKind.Function ? fn.declaration : fn;
  if (decl?.signature?.parameters?.some((/** @type {any} */ p) => p.name?.text === name)) return true;
  let found = false;
  if (decl?.body) {
    walk(decl.body, (/** @type {any} */ n) => {
      if (n.kind === NodeKind.VariableDeclaration && n.name?.text === name) found = true;
      return !found;
    });
  }
  return found;
}
