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
  // A sum or difference of numbers (what a first pass leaves of `A + B` once A and B are inlined).
  if (init.type === 'BinaryExpression' && (init.operator === '+' || init.operator === '-')) {
    const a = constValue(init.left), b = constValue(init.right);
    if (typeof a === 'number' && typeof b === 'number') return init.operator === '+' ? a + b : a - b;
  }
  if (init.type === 'ParenthesizedExpression') return constValue(init.expression);
  return undefined;
}

/** The names a scope node declares itself: a function's parameters, name (of an expression) and
 *  `var`s anywhere in its body outside nested functions; a block's `let`/`const`/`class`/`function`
 *  declarations; a `for` head's declarations; a catch clause's parameter. */
function declares(scope: Node, name: string): boolean {
  const inPattern = (p: Node | null): boolean => {
    if (!p) return false;
    if (p.type === 'Identifier') return p.name === name;
    if (p.type === 'AssignmentPattern') return inPattern(p.left);
    if (p.type === 'RestElement') return inPattern(p.argument);
    if (p.type === 'ArrayPattern') return (p.elements as Node[]).some(inPattern);
    if (p.type === 'ObjectPattern') return (p.properties as Node[]).some((q) => inPattern(q.type === 'Property' ? q.value : q));
    return false;
  };
  const declList = (d: Node | null, kinds: string[]): boolean =>
    !!d && d.type === 'VariableDeclaration' && kinds.includes(d.kind) && (d.declarations as Node[]).some((x) => inPattern(x.id));
  if (scope.type === 'FunctionDeclaration' || scope.type === 'FunctionExpression' || scope.type === 'ArrowFunctionExpression') {
    if ((scope.params as Node[]).some(inPattern)) return true;
    if (scope.type === 'FunctionExpression' && scope.id && scope.id.name === name) return true;
    let found = false;
    if (scope.body.type === 'BlockStatement') {
      walk.recursive(scope.body, null, {
        Function() { /* a nested function's vars are its own */ },
        VariableDeclaration(d: Node, st: unknown, c: (n: Node, s: unknown) => void) {
          if (declList(d, ['var'])) found = true;
          for (const x of d.declarations as Node[]) if (x.init) c(x.init, st);
        },
      } as any);
    }
    return found;
  }
  if (scope.type === 'BlockStatement' || scope.type === 'StaticBlock') {
    return (scope.body as Node[]).some((s) => declList(s, ['let', 'const']) ||
      ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id && s.id.name === name));
  }
  if (scope.type === 'ForStatement') return declList(scope.init, ['let', 'const']);
  if (scope.type === 'ForInStatement' || scope.type === 'ForOfStatement') return declList(scope.left, ['let', 'const']);
  if (scope.type === 'CatchClause') return inPattern(scope.param);
  if (scope.type === 'ClassExpression') return !!scope.id && scope.id.name === name;
  return false;
}

/** Whether `name`, read at the end of `ancestors` (Program first), means a nearer declaration
 *  than the top level's. The top level itself (Program, or the IIFE's function) does not count. */
export function shadowed(name: string, ancestors: Node[], top: Node | null): boolean {
  for (let i = ancestors.length - 2; i >= 1; i--) {
    const a = ancestors[i];
    if (a === top) return false;
    if (declares(a, name)) return true;
  }
  return false;
}
export interface InlineResult { code: string; inlined: number }

export function inlineConstants(code: string): InlineResult {
  // Again while a pass inlines something: a constant defined from others becomes a literal sum
  // only once they are inlined.
  let out = inlineOnce(code);
  for (let i = 0; i < 4 && out.inlined; i++) {
    const next = inlineOnce(out.code);
    if (!next.inlined) break;
    out = { code: next.code, inlined: out.inlined + next.inlined };
  }
  return out;
}

function inlineOnce(code: string): InlineResult {
  const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as Node;
  // The module's top level (the bundles are CommonJS modules, not wrapped in a function), or an
  // IIFE's body: "use strict"; (()=>{ ... })();
  let body: Node[] = ast.body as Node[];
  let top: Node | null = null;
  const last = body[body.length - 1];
  const e = body.length <= 2 && last && last.type === 'ExpressionStatement' ? last.expression : null;
  if (e && e.type === 'CallExpression' && (e.callee.type === 'ArrowFunctionExpression' || e.callee.type === 'FunctionExpression')) { body = e.callee.body.body; top = e.callee; }

  // Candidates: top-level declarations with a literal initialiser.
  const candidates = new Map<string, { value: number | string; decl: Node; declarator: Node }>();
  for (const s of body) {
    if (s.type !== 'VariableDeclaration') continue;
    for (const d of s.declarations as Node[]) {
      const v = constValue(d.init);
      if (d.id.type === 'Identifier' && v !== undefined && (typeof v === 'number' || v.length <= 24)) candidates.set(d.id.name, { value: v, decl: s, declarator: d });
    }
  }
  // Rule out names assigned anywhere (at the top level or where they are not shadowed).
  const banned = new Set<string>();
  const banPattern = (p: Node, ancestors: Node[]): void => {
    if (!p) return;
    if (p.type === 'Identifier') { if (!shadowed(p.name, ancestors, top)) banned.add(p.name); }
    else if (p.type === 'AssignmentPattern') banPattern(p.left, ancestors);
    else if (p.type === 'RestElement') banPattern(p.argument, ancestors);
    else if (p.type === 'ArrayPattern') (p.elements as Node[]).forEach((e) => banPattern(e, ancestors));
    else if (p.type === 'ObjectPattern') (p.properties as Node[]).forEach((q) => banPattern(q.type === 'Property' ? q.value : q, ancestors));
  };
  walk.fullAncestor(ast, (n: Node, _s: unknown, ancestors: Node[]) => {
    if (n.type === 'AssignmentExpression') banPattern(n.left, ancestors);
    else if (n.type === 'UpdateExpression') banPattern(n.argument, ancestors);
  });
  for (const b of banned) candidates.delete(b);
  if (!candidates.size) return { code, inlined: 0 };

  // Every reference (an Identifier that is not a property name or key) becomes the literal.
  const edits: { start: number; end: number; text: string; name: string }[] = [];
  walk.fullAncestor(ast, (n: Node, _state: unknown, ancestors: Node[]) => {
    if (n.type !== 'Identifier' || !candidates.has(n.name)) return;
    const parent = ancestors[ancestors.length - 2];
    if (shadowed(n.name, ancestors, top)) return; // a nearer declaration of the same name (the minifier reuses names)
    if (!parent) return;
    if (parent.type === 'MemberExpression' && parent.property === n && !parent.computed) return;
    // `{a}`: the key and the value are two nodes at the same place; the value is the reference.
    if (parent.type === 'Property' && parent.shorthand) {
      if (parent.value === n) edits.push({ start: n.start, end: n.end, text: n.name + ':' + literal(candidates.get(n.name)!.value), name: n.name });
      return;
    }
    if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === n && !parent.computed) return;
    if (parent.type === 'VariableDeclarator' && parent.id === n) return;
    const text = literal(candidates.get(n.name)!.value);
    // Keep `a-B` with B = -1 from becoming `a--1` (and `a+B` from `a+-1`, harmless but kept
    // alike); a literal that does not start with a sign needs no parentheses there.
    const before = code[n.start - 1];
    // A literal whose member is read (`(4).toString()`) keeps its parentheses too.
    const wrap = ((before === '-' || before === '+') && text[0] === '-') || (parent.type === 'MemberExpression' && parent.object === n);
    edits.push({ start: n.start, end: n.end, text: wrap ? '(' + text + ')' : text, name: n.name });
  });
  // A long literal used often stays a variable: its short name, used everywhere, takes fewer
  // bytes than the literal written out at each use (0xffffffff written 27 times is 4294967295
  // 27 times: Storage keeps the digits as text).
  for (const [name, c] of [...candidates]) {
    const text = literal(c.value);
    const uses = edits.filter((e) => e.name === name).length;
    if (typeof c.value === 'number' && text.length >= 7 && uses * (text.length - name.length) > name.length + text.length + 2) {
      candidates.delete(name);
      for (let i = edits.length - 1; i >= 0; i--) if (edits[i].name === name) edits.splice(i, 1);
    }
  }
  if (!candidates.size) return { code, inlined: 0 };
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
  const all = (edits as { start: number; end: number; text: string }[]).filter((e) => !declEdits.some((d) => e.start >= d.start && e.end <= d.end)).concat(declEdits)
    .sort((a, b) => b.start - a.start);
  let out = code;
  for (const e of all) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { code: out, inlined: candidates.size };
}
