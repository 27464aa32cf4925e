// tools/hoist.ts: Espruino declares a `var` when the statement runs (it does not hoist), so a name
// Closure declared in one branch and assigned in another would be a global on the second path.
// Such names are declared at the function's start; names whose every use follows a declaration
// in the same block are left as they are. The functions give the same results.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hoist } from '../tools/hoist.ts';

const run = (c: string, ...args: unknown[]) => new Function(c + ';return F')()(...args);

test('a var that is the body of an if, assigned in the else: declared at the start', () => {
  const code = 'function F(e){if(e<20)var f=1;else f=e*2;return f}';
  const out = hoist(code);
  assert.is(out, 'function F(e){var f;if(e<20)var f=1;else f=e*2;return f}');
  assert.is(run(out, 30), run(code, 30));
});

test('a var in a block, used after the block: declared at the start', () => {
  const code = 'function F(a){if(a){var k=a.length;return k}k=a===0?20:0;return k}';
  assert.is(hoist(code), 'function F(a){var k;if(a){var k=a.length;return k}k=a===0?20:0;return k}');
});

test('a var read by a nested function outside its block: declared at the start', () => {
  const code = 'function F(a){if(a){var d=1}return function(){return d}}';
  assert.is(hoist(code), 'function F(a){var d;if(a){var d=1}return function(){return d}}');
});

test('a use before the function-level var: declared at the start', () => {
  assert.is(hoist('function F(){g=1;var g=2;return g}'), 'function F(){var g;g=1;var g=2;return g}');
});

test('uses after a declaration in the same block, a loop counter, a parameter, a nested function of its own: unchanged', () => {
  for (const code of [
    'function F(a){var b=a+1;if(b){var c=2;c++;return c}return b}',
    'function F(a){for(var i=0;i<a;i++){}return 0}',
    'function F(a){if(a){var a=2}return a}',
    'function F(a){if(a){var d=1;return d}return function(d){return d}}',
    'function F(){switch(1){case 1:var s=1;return s}}',
  ]) assert.is(hoist(code), code, code);
});

test('object keys and member names of the same text are not uses', () => {
  const code = 'function F(a){if(a){var k=1;return k}return {k:a.k}}';
  assert.is(hoist(code), code);
});

test.run();
