// tools/literals.ts: Closure's `!0`, `!1` and `void 0` written back as `true`, `false` and
// `undefined` (one byte each pretokenised), with the same results, and spaced where a name or a
// number would run into them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { literals } from '../tools/literals.ts';

const run = (c: string) => JSON.stringify(new Function(c + ';return R')(), (k, v) => (v === undefined ? 'undef' : v));

test('the short forms become literals, and the code gives the same results', () => {
  const code = 'var a=!0,b=!1,c=void 0,d=[!0,!1,void 0],e=!2,f=void 1,g=!a;var R=[a,b,c,d,e,f,g,typeof c]';
  const out = literals(code);
  assert.is(out, 'var a=true,b=false,c=undefined,d=[true,false,undefined],e=!2,f=void 1,g=!a;var R=[a,b,c,d,e,f,g,typeof c]');
  assert.is(run(out), run(code));
});

test('a space where a word or number would run into the literal', () => {
  const code = 'function f(x){if(x)return!0;return!1}function g(){return void 0}var R=[f(1),f(0),g()]';
  const out = literals(code);
  assert.is(out, 'function f(x){if(x)return true;return false}function g(){return undefined}var R=[f(1),f(0),g()]');
  assert.is(run(out), run(code));
});

test('an operand of a higher-precedence operator keeps its meaning', () => {
  const code = 'var a=1,R=[!0+1,-!1,typeof void 0,!0&&a,!1||a,(!0)===true]';
  const out = literals(code);
  assert.not.match(out, /!0|!1|void 0/);
  assert.is(run(out), run(code));
});

test.run();
