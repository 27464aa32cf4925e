// Writes Closure Compiler's short forms of the literals back as the literals: `!0` -> `true`,
// `!1` -> `false`, `void 0` -> `undefined`.
//
// Closure counts characters, where `!0` is shorter than `true`; a board keeps the bundle
// pretokenised (tools/pretokenise.ts), where `true`, `false` and `undefined` are reserved words
// of one byte each and `!0` is two (an operator, then a digit) that the interpreter evaluates on
// every run instead of reading a literal. Replacing an operator's whole expression by a literal
// keeps any precedence; a space is put where a name or number would otherwise run into it
// (`return!0`).
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

type Node = acorn.Node & { [key: string]: any };

const word = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_$]/.test(c);

export function literals(code: string): string {
  const ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as Node;
  const edits: { start: number; end: number; text: string }[] = [];
  walk.simple(ast, {
    UnaryExpression(n: Node) {
      const a = n.argument;
      if (a.type !== 'Literal' || typeof a.value !== 'number' || code.slice(a.start, a.end) !== String(a.value)) return;
      let text = '';
      if (n.operator === '!' && (a.value === 0 || a.value === 1)) text = a.value ? 'false' : 'true';
      else if (n.operator === 'void' && a.value === 0) text = 'undefined';
      if (text) edits.push({ start: n.start, end: n.end, text });
    },
  });
  let out = code;
  for (const e of edits.sort((x, y) => y.start - x.start)) {
    const text = (word(out[e.start - 1]) ? ' ' : '') + e.text + (word(out[e.end]) ? ' ' : '');
    out = out.slice(0, e.start) + text + out.slice(e.end);
  }
  return out;
}
