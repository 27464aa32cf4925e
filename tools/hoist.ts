// Declares at a function's start each `var` name that Closure Compiler declared inside a block of
// that function but uses outside it.
//
// JavaScript hoists a `var` to the top of its function, so Closure freely declares a name in one
// branch (often code it inlined there) and reuses it in another. Espruino does not hoist: a `var`
// declares its name when it runs, so on a path where it did not run, an assignment to the name
// makes (or overwrites) a GLOBAL of that name. Measured on the interpreter: the TCP input path
// of one build wrote the globals `d`, `e` and `k` on every ACK, and a program's own `var k` loop
// counter was overwritten by the stack. Here each such name gets a plain `var a,b;` as the first
// statement of its function, which is what JavaScript means anyway.
//
// A use is safe without the hoist when it lies after the declaration, within the statement list
// (block) that holds the declaration, or after a declaration that is a statement of the function
// body itself.
import * as acorn from 'acorn';

type Node = acorn.Node & { [key: string]: any };

const isFunction = (n: Node) => n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';

/** Children of a node (its AST fields that are nodes or arrays of nodes). */
function children(n: Node): Node[] {
  const out: Node[] = [];
  for (const k of Object.keys(n)) {
    const v = n[k];
    if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') out.push(c); }
    else if (v && typeof v.type === 'string') out.push(v);
  }
  return out;
}

/** Names a function declares itself (its parameters and its own `var`s): a nested function that
 *  declares a name does not use the outer one. */
function ownNames(f: Node): Set<string> {
  const names = new Set<string>();
  for (const p of f.params as Node[]) if (p.type === 'Identifier') names.add(p.name);
  const visit = (n: Node) => {
    if (n !== f && isFunction(n)) return;
    if (n.type === 'VariableDeclaration') for (const d of n.declarations as Node[]) if (d.id.type === 'Identifier') names.add(d.id.name);
    for (const c of children(n)) visit(c);
  };
  visit(f);
  return names;
}

interface Region { start: number; end: number }

/** The `var` names of function `f` whose uses are not all inside a region where a declaration has
 *  surely run. */
function unsafeNames(f: Node): string[] {
  const body = f.body as Node;
  if (body.type !== 'BlockStatement') return [];
  const regions = new Map<string, Region[]>();
  // Declarations: each gives a safe region from itself to the end of the statement list (block,
  // switch case) or the for loop that holds it; one that is itself the body of an if or a loop
  // (`if(x)var f=1;else f=2`) is safe only within itself.
  const declare = (n: Node, parent: Node | null) => {
    if (n !== f && isFunction(n)) return;
    if (n.type === 'VariableDeclaration' && n.kind === 'var') {
      const inList = parent !== null && (parent.type === 'BlockStatement' || parent.type === 'SwitchCase');
      const inLoopHead = parent !== null && /^For(In|Of)?Statement$/.test(parent.type) && parent.body !== n;
      const holder = inList || inLoopHead;
      for (const d of n.declarations as Node[]) {
        if (d.id.type !== 'Identifier') continue;
        const r = regions.get(d.id.name) || [];
        r.push({ start: n.start, end: holder ? parent!.end : n.end });
        regions.set(d.id.name, r);
      }
    }
    for (const c of children(n)) declare(c, n);
  };
  declare(body, null);
  const unsafe = new Set<string>();
  // Uses: every identifier of a declared name, in this function and in nested functions that do
  // not declare the name themselves (they may run before the declaration did).
  const use = (n: Node, shadowed: Set<string>, parent: Node | null) => {
    if (n !== f && isFunction(n)) shadowed = new Set([...shadowed, ...ownNames(n)]);
    else if (n.type === 'Identifier' && regions.has(n.name) && !shadowed.has(n.name)) {
      const isProperty = parent && ((parent.type === 'MemberExpression' && parent.property === n && !parent.computed) || (parent.type === 'Property' && parent.key === n && !parent.computed));
      if (!isProperty && !regions.get(n.name)!.some((r) => n.start >= r.start && n.start < r.end)) unsafe.add(n.name);
    }
    for (const c of children(n)) use(c, shadowed, n);
  };
  use(body, new Set(f.params.filter((p: Node) => p.type === 'Identifier').map((p: Node) => p.name)), null);
  return [...unsafe];
}

/** `code` with, at the start of each function, `var` for every name it declares in a block and
 *  uses outside it (see above). */
export function hoist(code: string): string {
  const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as Node;
  const edits: { at: number; text: string }[] = [];
  const visit = (n: Node) => {
    if (isFunction(n)) {
      const names = unsafeNames(n);
      if (names.length) edits.push({ at: n.body.start + 1, text: 'var ' + names.join(',') + ';' });
    }
    for (const c of children(n)) visit(c);
  };
  visit(ast);
  let out = code;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  return out;
}
