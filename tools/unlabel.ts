// Rewrites labeled blocks, which Espruino cannot parse, into `do { } while (0)` loops.
//
// Closure Compiler writes one where it inlines a function that returns from inside a loop or
// before its end: the body becomes `a: { ... break a; ... }`. In a `do { } while (0)` a plain
// `break` leaves the block. A `break a` from inside a loop or switch nested in the block (which a
// plain `break` would only leave) sets a flag instead, and each loop or switch on the way out is
// followed by `if (flag) break;`:
//   a: { s; for (;;) { if (x) break a; } t; }
//   do { var $L0 = 0; s; { for (;;) { if (x) { $L0 = 1; break } } if ($L0) break; } t; } while (0);
// What would change meaning in a loop, and Closure does not write (a `continue` or an unlabeled
// `break` leaving the block, a `continue a`, a label on a loop), is refused with an error, and
// the Espruino gate would refuse any label left.
import * as acorn from 'acorn';

type Node = acorn.Node & { [key: string]: any };

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
const isFunction = (n: Node) => /Function/.test(n.type);

function children(n: Node): Node[] {
  const out: Node[] = [];
  for (const k of Object.keys(n)) {
    if (k === 'type' || k === 'start' || k === 'end') continue;
    const v = n[k];
    if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') out.push(c); }
    else if (v && typeof v.type === 'string') out.push(v);
  }
  return out;
}

/** The innermost labeled statement (one with no label inside it), with its parent. */
function innermost(n: Node, parent: Node | null): { label: Node; parent: Node | null } | null {
  for (const c of children(n)) {
    const found = innermost(c, n);
    if (found) return found;
  }
  return n.type === 'LabeledStatement' ? { label: n, parent } : null;
}

/** rank: at one offset, replacements apply first, then openings, then closings (each insertion
 *  lands before what was inserted there earlier). */
interface Edit { start: number; end: number; text: string; rank: number }

function rewrite(code: string, L: Node, parent: Node | null, flag: string): string {
  const name = L.label.name;
  if (LOOPS.has(L.body.type)) throw new Error(`unlabel: a label on a loop (${name}) is not handled`);
  const edits: Edit[] = [];
  let flagged = false;
  // Walks the block: path = the loops and switches between the label and this node.
  const visit = (n: Node, path: Node[]): void => {
    if (isFunction(n)) return; // break and continue do not cross functions
    if (n.type === 'BreakStatement' || n.type === 'ContinueStatement') {
      const target = n.label ? n.label.name : null;
      if (n.type === 'ContinueStatement' && (target === name || (!target && !path.some((p) => LOOPS.has(p.type))))) {
        throw new Error(`unlabel: a continue leaves the labeled block ${name}`);
      }
      if (n.type === 'BreakStatement' && !target && path.length === 0) throw new Error(`unlabel: a plain break leaves the labeled block ${name}`);
      if (target === name) {
        if (path.length === 0) edits.push({ start: n.start, end: n.end, text: 'break;', rank: 0 });
        else {
          flagged = true;
          edits.push({ start: n.start, end: n.end, text: `{${flag}=1;break}`, rank: 0 });
          // Each loop or switch left on the way out is followed by the same test.
          for (let i = 0; i < path.length; i++) {
            const s = path[i];
            if (!edits.some((e) => e.start === s.start && e.rank === 1)) {
              edits.push({ start: s.start, end: s.start, text: '{', rank: 1 });
              edits.push({ start: s.end, end: s.end, text: `if(${flag})break;}`, rank: 2 });
            }
          }
        }
      }
      return;
    }
    const inner = LOOPS.has(n.type) || n.type === 'SwitchStatement' ? path.concat([n]) : path;
    for (const c of children(n)) visit(c, inner);
  };
  visit(L.body, []);
  const block = L.body.type === 'BlockStatement';
  const decl = flagged ? `var ${flag}=0;` : '';
  const wrap = !!parent && parent.type === 'IfStatement' && parent.consequent === L && !!parent.alternate;
  edits.push({ start: L.start, end: L.body.start + (block ? 1 : 0), text: (wrap ? '{' : '') + 'do{' + decl, rank: 0 });
  edits.push({ start: L.body.end - (block ? 1 : 0), end: L.body.end, text: '}while(0)' + (wrap ? '}' : ';'), rank: 0 });
  // Applied from the end, so earlier offsets stay valid.
  edits.sort((a, b) => b.start - a.start || a.rank - b.rank);
  let out = code;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The code with every labeled statement rewritten (one at a time, innermost first). */
export function unlabel(code: string): string {
  let n = 0;
  for (;;) {
    const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true }) as Node;
    const found = innermost(ast, null);
    if (!found) return code;
    let flag = '$L' + n++;
    while (code.includes(flag)) flag = '$L' + n++;
    code = rewrite(code, found.label, found.parent, flag);
  }
}
