// Gives the built-in globals a bundle names often (Uint8Array, Math, Error...) a short name at the
// module's top: `var Q=Uint8Array;` and `new Q(6)` in place of each `new Uint8Array(6)`.
//
// A board keeps the bundle pretokenised, where every name that is not a reserved word stays text:
// `Uint8Array` is ten bytes at each of its uses. An alias is declared once, at the module's
// top, before anything runs; only globals that exist in every interpreter the bundles run in
// (Espruino, and Node for the tests) are aliased, so reading them at load time cannot fail. A
// reference is replaced only where no nearer declaration of the same name hides the global.
// Finding a name through the module's scope is no slower than finding a global, which Espruino
// looks up after the module's scope anyway.
//
// The same for number literals a board keeps as text: pretokenised, an integer from 0 to 32767 is
// one to three bytes (tools/pretokenise.ts), any other number its digits (`65535`, `4294967295`)
// at each use. A number used often gets a name declared at the top (`var Y=65535`). Reading it is
// a lookup in the module's scope, where the alias is the first name, in place of the lexer
// converting the digits on every run. Measured by callgrind (64-bit build, pretokenised, in a
// function with seven locals): the alias of 4294967295 is 0.03 empty-loop iterations a use faster
// than the literal, that of 65535 0.04 slower (the lexer reads five digits faster than the scopes
// are searched). So a number of fewer than LONG_NUMBER characters keeps its literal in the
// functions on the per-packet path (`hot`, the names tools/closure.ts gives: the segment's
// figure must not rise), and is aliased elsewhere. The alias is a variable of the module's scope,
// 2 blocks of RAM (its value is no small integer), so only a number whose alias saves at least
// MIN_NUMBER_GAIN bytes gets one.
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

type Node = acorn.Node & { [k: string]: any };

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

const BUILT_INS = ['Uint8Array', 'Uint16Array', 'Uint32Array', 'Int8Array', 'Float64Array', 'ArrayBuffer', 'Math', 'Error',
  'String', 'Number', 'Object'];
const RESERVED = new Set(['do', 'if', 'in', 'of', 'as']);

/** A number this long or longer is read faster through an alias than as its digits. */
export const LONG_NUMBER = 8;
/** Bytes an alias of a number must save to be worth its 2 blocks of RAM. */
export const MIN_NUMBER_GAIN = 32;

/** Bytes a number literal takes pretokenised (tools/pretokenise.ts): an integer 0..32767 written
 *  without a fraction or exponent is a raw token of at most 3 bytes, anything else its text. */
export function numberBytes(raw: string, value: number): number {
  if (Number.isInteger(value) && value >= 0 && value < 32768 && !/[.eEnN_]/.test(raw.replace(/^0[xX]/, ''))) return value === 0 || value < 10 ? 1 : value < 128 ? 2 : 3;
  return raw.length;
}

export interface AliasGlobalsResult { code: string; aliases: Record<string, string>; saved: number }

/** The name a function node is known by: a declaration's, a method's or property's key, or the
 *  name or member it is assigned to. */
function functionName(f: Node, parent: Node | undefined): string | null {
  if (f.id) return f.id.name;
  if (!parent) return null;
  if ((parent.type === 'MethodDefinition' || parent.type === 'Property') && parent.key.type === 'Identifier') return parent.key.name;
  if (parent.type === 'AssignmentExpression') return parent.left.type === 'Identifier' ? parent.left.name : parent.left.type === 'MemberExpression' && !parent.left.computed ? parent.left.property.name : null;
  if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  return null;
}

/** `hot`: the names of the functions on the per-packet path, where a short number keeps its
 *  literal (see above). */
export function aliasGlobals(code: string, hot: string[] = []): AliasGlobalsResult {
  const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as Node;
  const names = new Set<string>();
  walk.full(ast, (n: Node) => { if (n.type === 'Identifier') names.add(n.name); });
  const topDeclared = new Set<string>();
  for (const s of ast.body as Node[]) {
    if (s.type === 'VariableDeclaration') for (const d of s.declarations as Node[]) if (d.id.type === 'Identifier') topDeclared.add(d.id.name);
    if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) topDeclared.add(s.id.name);
  }
  const refs = new Map<string, Node[]>();
  walk.fullAncestor(ast, (n: Node, _s: unknown, ancestors: Node[]) => {
    if (n.type !== 'Identifier' || !BUILT_INS.includes(n.name) || topDeclared.has(n.name)) return;
    const parent = ancestors[ancestors.length - 2];
    if (!parent) return;
    if (parent.type === 'MemberExpression' && parent.property === n && !parent.computed) return;
    if ((parent.type === 'Property' || parent.type === 'MethodDefinition') && parent.key === n && !parent.computed) return;
    if (parent.type === 'AssignmentExpression' && parent.left === n) return;
    if (shadowed(n.name, ancestors, null)) return;
    const list = refs.get(n.name) || [];
    list.push(n);
    refs.set(n.name, list);
  });
  // Number literals, by value, wherever one is an expression (the walk does not visit an object's
  // or a class's key).
  const numbers = new Map<string, Node[]>();
  walk.fullAncestor(ast, (n: Node, _s: unknown, ancestors: Node[]) => {
    if (n.type !== 'Literal' || typeof n.value !== 'number') return;
    const parent = ancestors[ancestors.length - 2];
    const raw = code.slice(n.start, n.end);
    if (numberBytes(raw, n.value) <= 3) return;
    if (raw.length < LONG_NUMBER && ancestors.some((a, i) => /Function/.test(a.type) && hot.includes(functionName(a, ancestors[i - 1]) || ''))) return;
    const key = String(n.value);
    const list = numbers.get(key) || [];
    list.push(n);
    numbers.set(key, list);
  });
  // A name for each alias that the bundle does not use anywhere.
  const pool: string[] = [];
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  for (const a of letters) pool.push(a);
  for (const a of letters) for (const b of letters + '0123456789') pool.push(a + b);
  const free = pool.filter((p) => !names.has(p) && !RESERVED.has(p));
  const aliases: Record<string, string> = {};
  const edits: { start: number; end: number; text: string }[] = [];
  let saved = 0;
  for (const g of BUILT_INS) {
    const list = refs.get(g);
    if (!list || !free.length) continue;
    const alias = free[0];
    const gain = list.length * (g.length - alias.length) - ('var =;'.length + alias.length + g.length);
    if (gain <= 8) continue;
    free.shift();
    aliases[g] = alias;
    saved += gain;
    for (const n of list) edits.push({ start: n.start, end: n.end, text: alias });
  }
  const texts: Record<string, string> = {};
  const byUse = [...numbers].sort((a, b) => b[1].length - a[1].length);
  for (const [value, list] of byUse) {
    if (!free.length) break;
    const alias = free[0];
    const bytes = list.reduce((t, n) => t + n.end - n.start, 0);
    const raw = list.map((n) => code.slice(n.start, n.end)).sort((a, b) => a.length - b.length)[0];
    const gain = bytes - list.length * alias.length - ('var =;'.length + alias.length + raw.length);
    if (gain < MIN_NUMBER_GAIN) continue;
    free.shift();
    aliases[value] = alias;
    texts[value] = raw;
    saved += gain;
    // (A number literal never touches a word in JavaScript: its name in its place needs no space.)
    for (const n of list) edits.push({ start: n.start, end: n.end, text: alias });
  }
  if (!edits.length) return { code, aliases, saved: 0 };
  const decl = 'var ' + Object.keys(aliases).map((g) => aliases[g] + '=' + (texts[g] || g)).join(',') + ';';
  // After a directive prologue ("use strict"), which must stay first.
  const body = ast.body as Node[];
  let at = 0;
  for (const s of body) { if (s.type === 'ExpressionStatement' && s.directive !== undefined) at = s.end; else break; }
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  out = out.slice(0, at) + decl + out.slice(at);
  return { code: out, aliases, saved };
}
