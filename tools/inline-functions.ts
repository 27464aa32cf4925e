// Replaces calls of the bundle's one-line top-level functions by their expressions.
//
// On the board a function costs RAM as long as the program runs: 5 blocks plus one per parameter
// (tools/build.ts), and a call costs about two empty-loop iterations before its body runs
// (docs/espruino.md). The sources keep small named helpers where the RFC's words read best
// (`seqLt(a, b)`, `getU16(buf, off)`); the bundle gets their bodies in place, and a helper whose
// every use was replaced is removed.
//
// Conservative, on the minified bundle (after tools/inline-consts.ts):
// - a candidate is a top-level `function f(a, b) { return EXPR }` that is never assigned or
//   declared again at the top level; EXPR has no `this`, `arguments`, nested function, or
//   assignment to a parameter;
// - a call `f(x, y)` is replaced when every argument is free of effects (names, literals,
//   property reads and operators over them) or EXPR evaluates its parameters as a call would
//   (each once, in order, unconditionally, and calls nothing), none of EXPR's other names is shadowed where the
//   call is, and an argument EXPR uses more than once is a name or a literal; an EXPR longer than MAX_COPIED
//   only where f has that one use;
// - f is removed when nothing else refers to it, in a later pass when a reference was inside a
//   function removed in the same pass (its copies at the call sites refer to f again).
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import { shadowed } from './inline-consts.ts';

type Node = acorn.Node & { [k: string]: any };

/** The longest expression copied to more than one place (`(a-b|0)<0`, `s[t]<<8|s[t+1]`). */
const MAX_COPIED = 16;

export interface InlineFunctionsResult { code: string; removed: number; sites: number }

export function inlineFunctions(code: string): InlineFunctionsResult {
  let out: InlineFunctionsResult = { code, removed: 0, sites: 0 };
  for (let pass = 0; pass < 6; pass++) {
    const r = inlineOnce(out.code);
    if (!r.sites && !r.removed) break;
    out = { code: r.code, removed: out.removed + r.removed, sites: out.sites + r.sites };
  }
  return out;
}

interface Candidate {
  decl: Node; expr: Node; params: string[]; uses: Map<string, number>; free: Set<string>; refs: Node[]; sites: { call: Node; anc: Node[] }[];
  /** EXPR evaluates each parameter exactly once, in their order, always, and calls nothing: any
   *  arguments, even with effects, are then evaluated as the call would. */
  linear: boolean;
  /** Assigned somewhere: then never inlined nor removed. */
  assigned: boolean;
}

/** An argument whose evaluation has no effect (so it may be evaluated later, twice or never). */
function pure(n: Node): boolean {
  switch (n.type) {
    case 'Identifier': case 'Literal': case 'ThisExpression': return true;
    case 'MemberExpression': return pure(n.object) && (!n.computed || pure(n.property));
    case 'UnaryExpression': return n.operator !== 'delete' && pure(n.argument);
    case 'BinaryExpression': case 'LogicalExpression': return pure(n.left) && pure(n.right);
    case 'ConditionalExpression': return pure(n.test) && pure(n.consequent) && pure(n.alternate);
    default: return false;
  }
}

/** Whether an Identifier node is a reference (not a property name or an object key). */
function isReference(n: Node, parent: Node): boolean {
  if (parent.type === 'MemberExpression' && parent.property === n && !parent.computed) return false;
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.key === n && !parent.computed && !parent.shorthand) return false;
  if (parent.type === 'Property' && parent.shorthand && parent.key === n) return false; // the value node is the reference
  return true;
}

function inlineOnce(code: string): InlineFunctionsResult {
  const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as Node;
  const cands = new Map<string, Candidate>();
  const topNames = new Map<string, number>();
  for (const s of ast.body as Node[]) {
    if (s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') topNames.set(s.id.name, (topNames.get(s.id.name) || 0) + 1);
    if (s.type === 'VariableDeclaration') for (const d of s.declarations) if (d.id.type === 'Identifier') topNames.set(d.id.name, (topNames.get(d.id.name) || 0) + 1);
  }
  for (const s of ast.body as Node[]) {
    if (s.type !== 'FunctionDeclaration' || s.async || s.generator || s.body.body.length !== 1) continue;
    const ret = s.body.body[0];
    if (ret.type !== 'ReturnStatement' || !ret.argument || !(s.params as Node[]).every((p) => p.type === 'Identifier')) continue;
    const params = (s.params as Node[]).map((p) => p.name as string);
    const uses = new Map<string, number>();
    const free = new Set<string>();
    let ok = topNames.get(s.id.name) === 1;
    walk.fullAncestor(ret.argument, (n: Node, _st: unknown, anc: Node[]) => {
      if (/Function|Class/.test(n.type) || n.type === 'ThisExpression' || n.type === 'MetaProperty' || n.type === 'AwaitExpression' || n.type === 'YieldExpression') ok = false;
      if ((n.type === 'AssignmentExpression' || n.type === 'UpdateExpression')) ok = false;
      if (n.type !== 'Identifier') return;
      const parent = anc[anc.length - 2];
      if (parent && !isReference(n, parent)) return;
      if (n.name === 'arguments' || n.name === s.id.name) ok = false;
      if (params.includes(n.name)) uses.set(n.name, (uses.get(n.name) || 0) + 1);
      else free.add(n.name);
    });
    if (!ok) continue;
    const order: string[] = [];
    let linear = true;
    walk.fullAncestor(ret.argument, (n: Node, _st: unknown, anc: Node[]) => {
      if (n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'TaggedTemplateExpression') linear = false;
      if (n.type !== 'Identifier' || !params.includes(n.name)) return;
      const parent = anc[anc.length - 2];
      if (parent && !isReference(n, parent)) return;
      order.push(n.name);
      for (let i = anc.length - 2; i >= 0; i--) {
        const a = anc[i], child = anc[i + 1];
        if ((a.type === 'LogicalExpression' && a.right === child) || (a.type === 'ConditionalExpression' && a.test !== child)) linear = false;
      }
    });
    linear = linear && order.join(',') === params.join(',');
    cands.set(s.id.name, { decl: s, expr: ret.argument, params, uses, free, refs: [], sites: [], linear, assigned: false });
  }
  if (!cands.size) return { code, removed: 0, sites: 0 };

  // References to the candidates where their top-level name is meant, and assignments to them.
  walk.fullAncestor(ast, (n: Node, _st: unknown, anc: Node[]) => {
    if (n.type !== 'Identifier' || !cands.has(n.name)) return;
    const parent = anc[anc.length - 2];
    const c = cands.get(n.name)!;
    if (parent === c.decl && parent.id === n) return;
    if (!parent || !isReference(n, parent) || shadowed(n.name, anc, null)) return;
    c.refs.push(n);
    if ((parent.type === 'AssignmentExpression' && parent.left === n) || parent.type === 'UpdateExpression') c.assigned = true;
    else if (parent.type === 'CallExpression' && parent.callee === n) c.sites.push({ call: parent, anc: anc.slice(0, -1) });
  });

  const edits: { start: number; end: number; text: string }[] = [];
  const taken: Node[] = []; // call sites replaced in this pass (none nested in another)
  const within = (n: Node, outer: Node): boolean => n.start >= outer.start && n.end <= outer.end;
  let sites = 0;
  for (const c of cands.values()) {
    if (c.assigned) continue;
    const exprText = code.slice(c.expr.start, c.expr.end);
    // Bytes count too (a Pico's Storage is nearly full): a longer expression only where it is
    // the one use, so the removed declaration pays for the copy.
    if (exprText.length > MAX_COPIED && c.refs.length !== 1) continue;
    for (const { call, anc } of c.sites) {
      const args = call.arguments as Node[];
      if (args.length > c.params.length || (!c.linear && args.some((a) => !pure(a)))) continue;
      if (args.some((a) => a.type === 'SpreadElement')) continue;
      if (call.optional) continue;
      if ([...c.free].some((f) => shadowed(f, anc.concat([call]), null))) continue;
      if (c.params.some((p, i) => (c.uses.get(p) || 0) > 1 && args[i] && !/^(Identifier|Literal|ThisExpression)$/.test(args[i].type))) continue;
      if (taken.some((t) => within(call, t) || within(t, call))) continue;
      if (edits.some((e) => call.start < e.end && e.start < call.end)) continue;
      // The expression's text with each parameter reference replaced by its argument.
      const subs: { start: number; end: number; text: string }[] = [];
      walk.fullAncestor(c.expr, (n: Node, _st: unknown, a: Node[]) => {
        if (n.type !== 'Identifier' || !c.params.includes(n.name)) return;
        const parent = a[a.length - 2];
        if (parent && !isReference(n, parent)) return;
        const i = c.params.indexOf(n.name);
        const arg = args[i];
        let text = arg ? code.slice(arg.start, arg.end) : 'void 0';
        if (!arg || !/^(Identifier|Literal|ThisExpression|MemberExpression)$/.test(arg.type)) text = '(' + text + ')';
        if (parent && parent.type === 'Property' && parent.shorthand) text = n.name + ':' + text;
        subs.push({ start: n.start - c.expr.start, end: n.end - c.expr.start, text });
      });
      let text = exprText;
      for (const s of subs.sort((a, b) => b.start - a.start)) text = text.slice(0, s.start) + s.text + text.slice(s.end);
      edits.push({ start: call.start, end: call.end, text: '(' + text + ')' });
      taken.push(call);
      sites++;
    }
  }
  // A candidate goes when every reference to it was replaced, unless a function inlined in this
  // pass uses it (the copies refer to it again: the next pass replaces those) or a call inside
  // it was replaced (the edits would overlap: the next pass removes it).
  const copied = new Set<string>();
  for (const c of cands.values()) if (c.sites.some((s) => taken.includes(s.call))) for (const f of c.free) copied.add(f);
  let removed = 0;
  const removals: { start: number; end: number; text: string }[] = [];
  for (const [name, c] of cands) {
    if (c.assigned || copied.has(name) || !c.refs.every((r) => taken.some((t) => t.callee === r))) continue;
    if (edits.some((e) => e.start >= c.decl.start && e.end <= c.decl.end)) continue;
    removals.push({ start: c.decl.start, end: c.decl.end, text: '' });
    removed++;
  }
  let out = code;
  for (const e of edits.concat(removals).sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { code: out, removed, sites };
}
