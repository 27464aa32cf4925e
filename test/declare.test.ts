// tools/declare.ts: the names Closure declares in one list at a module's top are declared where
// each is first assigned, unless code run before that reads it, and the functions so declared
// become function declarations; the module gives the same results.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { declare } from '../tools/declare.ts';

const run = (c: string) => JSON.stringify(new Function(c + ';return R')());

test('each name declared at its first assignment, the list gone', () => {
  const code = 'var f,g;f=function(x){return g(x)+1};g=function(x){return x*2};var R=[f(1),g(2)]';
  const out = declare(code);
  assert.is(out, 'function f(x){return g(x)+1}function g(x){return x*2}var R=[f(1),g(2)]');
  assert.is(run(out), run(code));
});

test('a name read before its assignment by code run at once stays in the list', () => {
  const code = 'var f,g,h;var R=[typeof g];f=function(){return h};g=1;h=f;R.push(g,typeof h())';
  const out = declare(code);
  assert.is(out, 'var g;var R=[typeof g];function f(){return h}g=1;var h=f;R.push(g,typeof h())');
  assert.is(run(out), run(code));
});

test('a name first assigned inside an expression or a function stays declared in the list', () => {
  const code = 'var a,b;var R=[(a=1)];(function(){b=2})();R.push(a,b)';
  const out = declare(code);
  assert.is(out, code);
  assert.is(run(out), run(code));
});

test('a var with functions among other declarators is split around them, in order', () => {
  const code = 'var a=2,f=function(x){return x*a},b=f(3),c=function(){return b};var R=[a,b,c()]';
  const out = declare(code);
  assert.is(out, 'var a=2;function f(x){return x*a}var b=f(3);function c(){return b}var R=[a,b,c()]');
  assert.is(run(out), run(code));
});

test.run();
