// Replaces the bundle's top-level numeric and string constants by their values.
//
// esbuild keeps a module's `export const ETH_TYPE = 12` as a variable of the bundle's IIFE once
// it is used from another module. In Espruino that variable costs a block or two of RAM, and every
// use of it is a name lookup that walks the scope's variables one by one (a scope is a linked
// list), so with a couple of hundred constants each lookup is slow. Literals cost nothing.
//
// Conservative: a constant is inlined only when its name is never declared again in any nested
// scope (no shadowing to reason about) and never assigned; its declaration is then removed.
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

type Node = acorn.Node & { [k: string]: any };

/** The source of a literal for `value`, as short as JavaScript allows. */
function literal(value: number | string): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Object.is(value, -0)) return '-0';
  const s = String(value);
  const hex = value >= 0 && Number.isInteger(value) ? '0x' + value.toString(16) : s;
  return hex.length < s.length ? hex : s;
}

function constValue(init: Node | null | undefined): number | string | undefined {
  if (!init) return undefined;
  if (init.type === 'Literal' && (typeof init.value === 'number' || typeof init.value === 'string')) return init.value;
  if (init.type === 'UnaryExpression' && init.operator === '-' && init.argument.type === 'Literal' && typeof init.argument.value === 'number') return -init.argument.value;
  return undefined;
}

export interface InlineResult { code: string; inlined: number }

export function inlineConstants(code: string): InlineResult {
  const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as Node;
  // The IIFE's body: "use strict"; (()=>{ ... })();
  let body: Node[] | null = null;
  for (const s of ast.body as Node[]) {
    const e = s.type === 'ExpressionStatement' ? s.expression : null;
    if (e && e.type === 'CallExpression' && (e.callee.type === 'ArrowFunctionExpression' || e.callee.type === 'FunctionExpression')) body = e.callee.body.body;
  }
  if (!body) return { code, inlined: 0 };

  // Candidates: top-level declarations with a literal initialiser.
  const candidates = new Map<string, { value: number | string; decl: Node; declarator: Node }>();
  for (const s of body) {
    if (s.type !== 'VariableDeclaration') continue;
    for (const d of s.declarations as Node[]) {
      const v = constValue(d.init);
      if (d.id.type === 'Identifier' && v !== undefined && (typeof v === 'number' || v.length <= 24)) candidates.set(d.id.name, { value: v, decl: s, declarator: d });
    }
  }
  const topDeclarators = new Set<Node>([...candidates.values()].map((c) => c.declarator));
  // Rule out names declared anywhere else (nested scopes, params, catch) or assigned.
  const banned = new Set<string>();
  const banPattern = (p: Node): void => {
    if (!p) return;
    if (p.type === 'Identifier') banned.add(p.name);
    else if (p.type === 'AssignmentPattern') banPattern(p.left);
    else if (p.type === 'RestElement') banPattern(p.argument);
    else if (p.type === 'ArrayPattern') (p.elements as Node[]).forEach(banPattern);
    else if (p.type === 'ObjectPattern') (p.properties as Node[]).forEach((q) => banPattern(q.type === 'Property' ? q.value : q));
  };
  walk.full(ast, (n: Node) => {
    if (n.type === 'VariableDeclarator' && !topDeclarators.has(n)) banPattern(n.id);
    else if (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') {
      if (n.id) banned.add(n.id.name);
      (n.params as Node[]).forEach(banPattern);
    } else if (n.type === 'ClassDeclaration' || n.type === 'ClassExpression') { if (n.id) banned.add(n.id.name); }
    else if (n.type === 'CatchClause') banPattern(n.param);
    else if (n.type === 'AssignmentExpression') banPattern(n.left);
    else if (n.type === 'UpdateExpression') banPattern(n.argument);
  });
  for (const b of banned) candidates.delete(b);
  if (!candidates.size) return { code, inlined: 0 };

  // Every reference (an Identifier that is not a property name or key) becomes the literal.
  const edits: { start: number; end: number; text: string }[] = [];
  walk.fullAncestor(ast, (n: Node, _state: unknown, ancestors: Node[]) => {
    if (n.type !== 'Identifier' || !candidates.has(n.name)) return;
    const parent = ancestors[ancestors.length - 2];
    if (!parent) return;
    if (parent.type === 'MemberExpression' && parent.property === n && !parent.computed) return;
    if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === n && !parent.computed) {
      if (parent.type === 'Property' && parent.shorthand) edits.push({ start: n.start, end: n.end, text: n.name + ':' + literal(candidates.get(n.name)!.value) });
      return;
    }
    if (parent.type === 'VariableDeclarator' && parent.id === n) return;
    const text = literal(candidates.get(n.name)!.value);
    // Keep `a-1` from becoming `a--1`, and `x.y` member access on a number literal valid.
    const before = code[n.start - 1];
    edits.push({ start: n.start, end: n.end, text: (before === '-' || before === '+') ? '(' + text + ')' : text });
  });
  // The source from start to end with the reference edits inside it applied.
  const applied = (start: number, end: number): string => {
    const inside = edits.filter((e) => e.start >= start && e.end <= end).sort((a, b) => b.start - a.start);
    let t = code.slice(start, end);
    for (const e of inside) t = t.slice(0, e.start - start) + e.text + t.slice(e.end - start);
    return t;
  };
  // Remove the declarators; a declaration keeps its other declarators (with their references
  // replaced) or goes entirely.
  const byDecl = new Map<Node, Node[]>();
  for (const c of candidates.values()) {
    const list = byDecl.get(c.decl) || [];
    list.push(c.declarator);
    byDecl.set(c.decl, list);
  }
  const declEdits: { start: number; end: number; text: string }[] = [];
  for (const [decl, removed] of byDecl) {
    const keep = (decl.declarations as Node[]).filter((d) => !removed.includes(d));
    declEdits.push({ start: decl.start, end: decl.end, text: keep.length ? decl.kind + ' ' + keep.map((d) => applied(d.start, d.end)).join(',') + ';' : '' });
  }
  const all = edits.filter((e) => !declEdits.some((d) => e.start >= d.start && e.end <= d.end)).concat(declEdits)
    .sort((a, b) => b.start - a.start);
  let out = code;
  for (const e of all) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { code: out, inlined: candidates.size };
}
