// Moves the declarations Closure Compiler hoists to a module's top (`var aa,ea,fa;` ... `aa=
// function(){...}`) to where each name is first assigned (`var aa=function(){...}`), then writes
// each function so declared at the top level as a declaration (`function aa(){...}`).
//
// Each name of such a list is written twice in the bundle, and a board keeps it pretokenised, where
// a name stays text: declaring it where it is assigned costs a one-byte `var` instead. The move is
// made only for a name whose first assignment is a statement of its own at the module's top level
// and that no top-level code run before it reads (code inside a function runs later): there the
// name is undefined under either form, as Espruino does not hoist declarations anyway.
// A function declaration is two bytes shorter than `var f=function`, costs the same blocks and is
// made where it stands, in the module's own scope (Espruino's jspeStatementFunctionDecl; measured:
// a global of the same name is another variable).
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

type Node = acorn.Node & { [key: string]: any };

/** Whether `name` is read by the code a top-level statement runs at once (not inside a function). */
function readsAtOnce(st: Node, name: string): boolean {
  let found = false;
  walk.recursive(st, null, {
    Function() { /* runs later */ },
    Identifier(n: Node) { if (n.name === name) found = true; },
  } as any);
  return found;
}

export function declare(code: string): string {
  const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as Node;
  const body = ast.body as Node[];
  const edits: { start: number; end: number; text: string }[] = [];
  for (let i = 0; i < body.length; i++) {
    const list = body[i];
    if (list.type !== 'VariableDeclaration' || list.kind !== 'var' || list.declarations.some((d: Node) => d.init || d.id.type !== 'Identifier')) continue;
    const keep: string[] = [];
    for (const d of list.declarations as Node[]) {
      const name = d.id.name as string;
      let moved = false;
      for (let j = i + 1; j < body.length; j++) {
        const st = body[j];
        const e = st.expression;
        if (st.type === 'ExpressionStatement' && e.type === 'AssignmentExpression' && e.operator === '=' && e.left.type === 'Identifier' && e.left.name === name) {
          if (!readsAtOnce(e.right, name)) { edits.push({ start: st.start, end: st.start, text: 'var ' }); moved = true; }
          break;
        }
        if (readsAtOnce(st, name)) break;
      }
      if (!moved) keep.push(name);
    }
    edits.push({ start: list.start, end: list.end, text: keep.length ? 'var ' + keep.join(',') + ';' : '' });
  }
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return functionDeclarations(out);
}

/** Top-level `var f=function(a){...}` as `function f(a){...}`; a `var` with other declarators is
 *  split around it, in the same order. */
export function functionDeclarations(code: string): string {
  const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as Node;
  const isFn = (d: Node) => d.init && d.init.type === 'FunctionExpression' && !d.init.id && !d.init.generator && !d.init.async && d.id.type === 'Identifier';
  const edits: { start: number; end: number; text: string }[] = [];
  for (const st of ast.body as Node[]) {
    if (st.type !== 'VariableDeclaration' || st.kind !== 'var' || !st.declarations.some(isFn)) continue;
    let text = '';
    let group: string[] = [];
    const flush = () => { if (group.length) text += 'var ' + group.join(',') + ';'; group = []; };
    for (const d of st.declarations as Node[]) {
      if (!isFn(d)) { group.push(code.slice(d.start, d.end)); continue; }
      flush();
      const f = d.init;
      text += 'function ' + d.id.name + code.slice(f.start + 'function'.length, f.end);
    }
    flush();
    edits.push({ start: st.start, end: st.end, text });
  }
  let out = code;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
