// The Espruino gate: checks a built bundle against what the Espruino interpreter cannot run
// (docs/espruino.md, "Fails at parse or run time" and "Quirks that compile fine and then
// break"). The TypeScript compiler and esbuild pass many of these straight through, so only a
// check of the emitted code tells whether it runs. `gate(code)` returns the violations found;
// the build fails on any.
import * as acorn from 'acorn';

export interface Violation { rule: string; message: string; line: number; column: number; snippet: string }

type Node = acorn.Node & { [key: string]: any };

/** Globals and members Espruino lacks: the list of docs/espruino.md, plus what we measured
 *  missing in the 2v29 Linux build (Math.trunc/log2/log10/cbrt/hypot/fround, Number.isFinite/isNaN/
 *  isSafeInteger, Object.seal, Array.of, Promise.any/allSettled, typed arrays' copyWithin, and
 *  the Node/browser globals). Math.pow exists but is inexact: write constants. */
const MISSING_GLOBALS = ['Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Symbol', 'RangeError', 'Proxy', 'Reflect', 'BigInt',
  'structuredClone', 'queueMicrotask', 'setImmediate', 'Buffer', 'TextEncoder', 'TextDecoder'];
const MISSING_MEMBERS: { [object: string]: string[] } = {
  Math: ['imul', 'clz32', 'pow', 'fround', 'trunc', 'cbrt', 'log2', 'log10', 'hypot'],
  Number: ['isInteger', 'isSafeInteger', 'isFinite', 'isNaN'],
  Object: ['freeze', 'seal'],
  Array: ['from', 'of'],
  Promise: ['race', 'any', 'allSettled'],
};
/** Built-ins that cannot be subclassed in Espruino. */
const BUILTIN_CLASSES = ['Error', 'TypeError', 'Array', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'Float32Array', 'Float64Array', 'ArrayBuffer', 'DataView', 'Promise', 'String', 'Number', 'Object', 'Function', 'RegExp', 'Date'];

function isFunction(n: Node): boolean {
  return n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression';
}

/** Calls `visit(node, parent)` on every node below `root`. */
function walk(root: Node, visit: (n: Node, parent: Node | null) => boolean | void, parent: Node | null = null): void {
  if (visit(root, parent) === false) return;
  for (const key of Object.keys(root)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc') continue;
    const v = root[key];
    if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') walk(c, visit, root); }
    else if (v && typeof v.type === 'string') walk(v, visit, root);
  }
}

/** Identifiers in expression position (a read or a call), not property names or labels. */
function isReference(n: Node, parent: Node | null): boolean {
  if (n.type !== 'Identifier' || !parent) return false;
  if ((parent.type === 'MemberExpression') && parent.property === n && !parent.computed) return false;
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === n && !parent.computed) {
    return parent.type === 'Property' && parent.shorthand;
  }
  if (parent.type === 'VariableDeclarator' && parent.id === n) return false;
  if (isFunction(parent) && (parent.id === n || parent.params.includes(n))) return false;
  if ((parent.type === 'ClassDeclaration' || parent.type === 'ClassExpression') && parent.id === n) return false;
  if (parent.type === 'CatchClause' && parent.param === n) return false;
  if ((parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement') && parent.label === n) return false;
  return true;
}

/** Names a statement list declares at its own level: name -> index of the declaring statement. */
function declarations(body: Node[]): Map<string, { index: number; node: Node }> {
  const out = new Map<string, { index: number; node: Node }>();
  body.forEach((s, i) => {
    if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) out.set(s.id.name, { index: i, node: s });
    else if (s.type === 'VariableDeclaration') {
      for (const d of s.declarations) if (d.id.type === 'Identifier') out.set(d.id.name, { index: i, node: d.init || d });
    } else if (s.type === 'ExportNamedDeclaration' && s.declaration) {
      const inner = declarations([s.declaration]);
      for (const [k, v] of inner) out.set(k, { index: i, node: v.node });
    }
  });
  return out;
}

/** Names a function declares locally (params, var/let/const/function/class anywhere inside,
 *  not counting nested functions' own), which shadow outer names. */
function localNames(fn: Node): Set<string> {
  const names = new Set<string>();
  const addPattern = (p: Node) => walk(p, (n, parent) => { if (n.type === 'Identifier' && !(parent && parent.type === 'MemberExpression')) names.add(n.name); });
  for (const p of fn.params || []) addPattern(p);
  walk(fn.body, (n) => {
    if (n !== fn.body && isFunction(n)) { if (n.type === 'FunctionDeclaration' && n.id) names.add(n.id.name); return false; }
    if (n.type === 'VariableDeclaration') for (const d of n.declarations) addPattern(d.id);
    if (n.type === 'ClassDeclaration' && n.id) names.add(n.id.name);
    if (n.type === 'CatchClause' && n.param) addPattern(n.param);
  });
  return names;
}

/** What runs when a statement (or a called function body) executes: the references it makes,
 *  the functions it calls by name and the classes it constructs, not descending into function
 *  bodies that are only created (except immediately invoked ones). */
function eagerCode(root: Node, shadow: Set<string>, rootParent: Node | null = null): { refs: Node[]; calls: string[]; news: string[] } {
  const refs: Node[] = [];
  const calls: string[] = [];
  const news: string[] = [];
  if (root.type === 'FunctionDeclaration') return { refs, calls, news }; // defining runs nothing
  walk(root, (n, parent) => {
    if (n !== root && isFunction(n)) {
      const iife = parent && (parent.type === 'CallExpression' || parent.type === 'NewExpression') && parent.callee === n;
      if (!iife) return false;
      const inner = eagerCode(n.body, new Set([...shadow, ...localNames(n)]), n);
      refs.push(...inner.refs); calls.push(...inner.calls); news.push(...inner.news);
      return false;
    }
    if (n.type === 'ClassBody') {
      // Only static parts run when a class is defined; constructors run on `new`.
      for (const m of n.body) {
        if (m.computed) walk(m.key, () => {});
        if (m.static && m.type === 'PropertyDefinition' && m.value) {
          const inner = eagerCode(m.value, shadow);
          refs.push(...inner.refs); calls.push(...inner.calls); news.push(...inner.news);
        }
        if (m.type === 'StaticBlock') {
          const inner = eagerCode(m, shadow);
          refs.push(...inner.refs); calls.push(...inner.calls); news.push(...inner.news);
        }
      }
      return false;
    }
    if (isReference(n, parent) && !shadow.has(n.name)) refs.push(n);
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && !shadow.has(n.callee.name)) calls.push(n.callee.name);
    if (n.type === 'NewExpression' && n.callee.type === 'Identifier' && !shadow.has(n.callee.name)) news.push(n.callee.name);
  }, rootParent);
  return { refs, calls, news };
}

/** What Espruino 2v29's regular expressions (src/jsregex.c) lack or get wrong, measured in its
 *  Linux build (docs/espruino.md): patterns using these compile and then silently fail to match
 *  (or throw at run time). `regexProblems(pattern, flags)` names each one found. */
export function regexProblems(pattern: string, flags: string): string[] {
  const out: string[] = [];
  const add = (m: string) => { if (!out.includes(m)) out.push(m); };
  for (const f of flags) {
    if (f === 's') add('flag s throws');
    else if (f !== 'g' && f !== 'i') add('flag ' + f + ' is ignored');
  }
  let depth = 0;
  let inClass = false;
  let atom = false; // something a quantifier could follow
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[i + 1] ?? '';
      if (e === 'b' && !inClass) add('\\b (word boundary) never matches');
      else if (e === 'B') add('\\B never matches');
      else if (e === 'u') add('\\u escapes never match');
      else if (e === 'c') add('\\c escapes never match');
      else if (e === 'k') add('named backreferences are not supported');
      else if (e === 'p' || e === 'P') add('\\p property escapes are not supported');
      else if (e >= '1' && e <= '9' && !inClass) add('backreferences throw');
      i++;
      atom = true;
      continue;
    }
    if (inClass) { if (c === ']') { inClass = false; atom = true; } continue; }
    if (c === '[') { inClass = true; continue; }
    if (c === '(') {
      if (pattern[i + 1] === '?') add('(?...) groups (non-capturing, lookaround, named) never match');
      if (depth > 0) add('nested groups give wrong captures');
      depth++;
      atom = false;
      continue;
    }
    if (c === ')') {
      depth = Math.max(0, depth - 1);
      const q = pattern[i + 1];
      if (q === '*' || q === '+' || q === '?' || q === '{') add('a quantifier after a group never matches');
      atom = true;
      continue;
    }
    if (c === '|' && depth > 0) add('| inside a group splits the whole pattern');
    if (c === '?' && atom) add('the ? quantifier (and lazy +? *?) never matches');
    if (c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i))) add('{n} and {n,m} quantifiers never match');
    atom = c !== '|' && c !== '^';
  }
  return out;
}

export function gate(code: string): Violation[] {
  const out: Violation[] = [];
  let ast: Node;
  try {
    ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script', locations: true, allowReturnOutsideFunction: true }) as Node;
  } catch (e) {
    return [{ rule: 'parse', message: 'does not parse: ' + (e as Error).message, line: 0, column: 0, snippet: '' }];
  }
  const seen = new Set<string>();
  function report(rule: string, message: string, n: Node): void {
    const key = rule + '@' + n.start;
    if (seen.has(key)) return;
    seen.add(key);
    const loc = (n as any).loc?.start || { line: 0, column: 0 };
    out.push({ rule, message, line: loc.line, column: loc.column, snippet: code.slice(Math.max(0, n.start - 20), Math.min(code.length, n.end + 20)).slice(0, 100) });
  }

  // 1. Syntax Espruino does not parse, and built-ins it lacks.
  walk(ast, (n, parent) => {
    switch (n.type) {
      case 'ObjectPattern': case 'ArrayPattern': report('destructuring', 'destructuring is not supported', n); break;
      case 'SpreadElement': report('spread', 'spread (...x) is not supported', n); break;
      case 'RestElement': report('rest', 'rest parameters/elements are not supported', n); break;
      case 'AssignmentPattern': report('default-parameter', 'default parameters are not supported', n); break;
      case 'TaggedTemplateExpression': report('tagged-template', 'tagged templates are not supported', n); break;
      case 'ChainExpression': report('optional-chaining', '?. is not supported', n); break;
      case 'LabeledStatement': report('label', 'labels are not supported', n); break;
      case 'YieldExpression': report('generator', 'generators are not supported', n); break;
      case 'AwaitExpression': report('async', 'await is not supported', n); break;
      case 'ImportExpression': report('import', 'dynamic import is not supported', n); break;
      case 'BinaryExpression': if (n.operator === '**') report('exponent', '** is not supported (and Math.pow is inexact)', n); break;
      case 'AssignmentExpression':
        if (n.operator === '**=') report('exponent', '**= is not supported', n);
        if (n.operator === '||=' || n.operator === '&&=' || n.operator === '??=') report('logical-assignment', n.operator + ' is not supported', n);
        if (n.left.type === 'MemberExpression' && !n.left.computed && n.left.property.name === 'length') report('length-assignment', 'assigning .length throws in Espruino', n);
        break;
      case 'Property': case 'MethodDefinition': case 'PropertyDefinition':
        if (n.computed) report('computed-key', 'computed keys are not supported', n);
        break;
      case 'SwitchStatement': {
        const d = n.cases.findIndex((c: Node) => c.test === null);
        if (d >= 0 && d < n.cases.length - 1) report('case-after-default', '`case` after `default` is not supported', n.cases[d + 1]);
        break;
      }
      case 'ClassDeclaration': case 'ClassExpression':
        if (n.superClass && n.superClass.type === 'Identifier' && BUILTIN_CLASSES.includes(n.superClass.name)) report('extends-builtin', 'extends ' + n.superClass.name + ' does not work', n);
        break;
      case 'NewExpression': case 'CallExpression':
        if (n.type === 'NewExpression' && n.callee.type === 'Identifier' && n.callee.name === 'DataView' && n.arguments.length === 2) report('dataview-offset', 'new DataView(buf, off) without a length reports the wrong byteLength', n);
        if (n.callee.type === 'Identifier' && n.callee.name === 'RegExp' && n.arguments[0] && n.arguments[0].type === 'Literal' && typeof n.arguments[0].value === 'string') {
          const fl = n.arguments[1] && n.arguments[1].type === 'Literal' ? String(n.arguments[1].value) : '';
          const bad = regexProblems(n.arguments[0].value, fl);
          if (bad.length) report('regex', 'in Espruino: ' + bad.join('; '), n);
        }
        break;
      case 'Literal':
        if (n.regex) { const bad = regexProblems(n.regex.pattern, n.regex.flags); if (bad.length) report('regex', 'in Espruino: ' + bad.join('; '), n); }
        break;
      case 'MemberExpression': {
        if (n.object.type === 'Identifier' && !n.computed && MISSING_MEMBERS[n.object.name] && MISSING_MEMBERS[n.object.name].includes(n.property.name)) {
          report('missing-builtin', n.object.name + '.' + n.property.name + ' does not exist (or is inexact) in Espruino', n);
        }
        if (!n.computed && n.property.name === 'finally' && parent && parent.type === 'CallExpression' && parent.callee === n) report('missing-builtin', 'Promise.prototype.finally does not exist in Espruino', n);
        if (!n.computed && n.property.name === 'slice' && n.object.type === 'MemberExpression' && !n.object.computed && n.object.property.name === 'prototype'
          && n.object.object.type === 'Identifier' && n.object.object.name === 'Array' && !(parent && parent.type === 'MemberExpression' && parent.object === n)) {
          report('array-prototype-slice', 'Array.prototype.slice read directly is undefined: use [].slice.call', n);
        }
        break;
      }
      case 'Identifier':
        if (MISSING_GLOBALS.includes(n.name) && isReference(n, parent)) report('missing-builtin', n.name + ' does not exist in Espruino', n);
        break;
    }
    if (isFunction(n) && n.generator) report('generator', 'generators are not supported', n);
    if (isFunction(n) && n.async) report('async', 'async functions are not supported', n);
    if ((n.type === 'ForStatement' || n.type === 'ForOfStatement' || n.type === 'ForInStatement')) checkLoopClosure(n);
  });

  // 2. `let`/`const` in a loop head is one binding for all iterations in Espruino: a closure in
  //    the body that captures it sees only the last value.
  function checkLoopClosure(loop: Node): void {
    const head = loop.type === 'ForStatement' ? loop.init : loop.left;
    if (!head || head.type !== 'VariableDeclaration' || head.kind === 'var') return;
    const names = new Set<string>();
    for (const d of head.declarations) walk(d.id, (n) => { if (n.type === 'Identifier') names.add(n.name); });
    walk(loop.body, (n) => {
      if (isFunction(n)) {
        const shadow = localNames(n);
        walk(n.body, (m, p) => {
          if (isReference(m, p) && names.has(m.name) && !shadow.has(m.name)) report('loop-closure', 'a closure captures `' + m.name + '` declared in the loop head: one binding for all iterations in Espruino', m);
        }, n);
        return false;
      }
    });
  }

  // 3. No hoisting: in every statement list (the program and each function body), code that runs
  //    while statement i executes may only use names whose declaring statement came before i.
  //    Calls are followed into the bodies of the functions (and constructors) they run.
  function checkScope(body: Node[]): void {
    const decls = declarations(body);
    body.forEach((stmt, i) => {
      const doneFns = new Set<string>();
      const pending: { refs: Node[]; calls: string[]; news: string[] }[] = [eagerCode(stmt, new Set())];
      while (pending.length) {
        const e = pending.pop()!;
        for (const r of e.refs) {
          const d = decls.get(r.name);
          if (d && d.index > i) report('hoisting', '`' + r.name + '` is used before its definition has run (Espruino does not hoist)', r);
        }
        const runs: string[] = e.calls.concat(e.news);
        for (const name of runs) {
          const d = decls.get(name);
          if (!d || d.index > i || doneFns.has(name)) continue;
          doneFns.add(name);
          const fn = d.node;
          if (isFunction(fn)) pending.push(eagerCode(fn.body, localNames(fn), fn));
          else if (fn.type === 'ClassDeclaration' || fn.type === 'ClassExpression') {
            for (const m of fn.body.body) {
              if (m.type === 'MethodDefinition' && m.kind === 'constructor') pending.push(eagerCode(m.value.body, localNames(m.value)));
              if (m.type === 'PropertyDefinition' && !m.static && m.value) pending.push(eagerCode(m.value, new Set()));
            }
            if (fn.superClass && fn.superClass.type === 'Identifier') pending.push({ refs: [], calls: [], news: [fn.superClass.name] });
          }
        }
      }
    });
  }
  checkScope(ast.body);
  walk(ast, (n) => {
    if (isFunction(n) && n.body.type === 'BlockStatement') checkScope(n.body.body);
    if (n.type === 'StaticBlock') checkScope(n.body);
  });

  out.sort((a, b) => a.line - b.line || a.column - b.column);
  return out;
}

export function formatViolations(v: Violation[], file: string): string {
  return v.map((x) => `${file}:${x.line}:${x.column + 1}: ${x.rule}: ${x.message}\n    ${x.snippet.replace(/\n/g, ' ')}`).join('\n');
}
