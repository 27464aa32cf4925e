// tools/unlabel.ts: Closure Compiler's labeled blocks (Espruino has no labels) become
// `do { } while (0)` loops that do the same. Each case is run before and after in Node (which
// has labels) and must give the same results, with no label left.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as acorn from 'acorn';
import { unlabel } from '../tools/unlabel.ts';

function labels(code: string): number {
  let n = 0;
  const walk = (x: any): void => {
    if (!x || typeof x.type !== 'string') return;
    if (x.type === 'LabeledStatement') n++;
    for (const k of Object.keys(x)) { const v = x[k]; if (Array.isArray(v)) v.forEach(walk); else if (v && typeof v.type === 'string') walk(v); }
  };
  walk(acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'script' }));
  return n;
}

/** `code` defines f; the results of f over `inputs`, before and after. */
function same(code: string, inputs: unknown[]): string {
  const out = unlabel(code);
  assert.is(labels(out), 0, out);
  const run = (c: string) => inputs.map((x) => JSON.stringify(new Function(c + '\nreturn f;')()(x)));
  assert.equal(run(out), run(code), out);
  return out;
}

test('a labeled block left from its own level: a plain break', () => {
  const out = same('function f(x) { var r = 0; a: { if (x > 1) break a; r = 1; } return r; }', [0, 2]);
  assert.match(out, /do\{/);
  assert.not.match(out, /\$L/, 'no flag needed');
});

test('left from inside a loop: a flag, and a test after each loop on the way out', () => {
  same('function f(x) { var d = -1; a: { for (var i = 0; i < 5; i++) { for (var j = 0; j < 5; j++) { if (i * j === x) { d = i * 10 + j; break a; } } } d += 100; } return d; }',
    [0, 6, 12, 99]);
  same('function f(x) { var d = 0; a: { switch (x) { case 1: d = 1; break a; case 2: d = 2; break; } d += 10; } return d; }', [1, 2, 3]);
});

test('nested labels, and a labeled block as the consequent of an if with an else', () => {
  same('function f(x) { var r = []; a: { b: { if (x & 1) break b; r.push(1); if (x & 2) break a; r.push(2); } r.push(3); for (;;) { if (x & 4) break a; break; } r.push(4); } return r; }',
    [0, 1, 2, 3, 4, 5, 6, 7]);
  same('function f(x) { var r = 0; if (x) a: { if (x > 1) break a; r = 1; } else r = 2; return r; }', [0, 1, 2]);
});

test('a flag is fresh each time the block is entered', () => {
  same('function f(x) { var n = 0; for (var k = 0; k < 3; k++) { a: { for (var i = 0; i < 3; i++) if (i === x && k === 0) break a; n++; } } return n; }', [0, 1, 5]);
});

test('what would change meaning is refused', () => {
  assert.throws(() => unlabel('function f(x) { for (;;) { a: { if (x) continue; break a; } } }'), /continue leaves the labeled block/);
  assert.throws(() => unlabel('function f(x) { for (;;) { a: { if (x) break; } } }'), /plain break leaves the labeled block/);
  assert.throws(() => unlabel('function f(x) { a: for (;;) { if (x) continue a; break; } }'), /label on a loop/);
});

test.run();
