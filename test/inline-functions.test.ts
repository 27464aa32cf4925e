// tools/inline-functions.ts: calls of one-line top-level functions become their expressions,
// with the same results, and a function goes only when nothing refers to it any more.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inlineFunctions } from '../tools/inline-functions.ts';

/** What the code leaves in `out` (the code assigns it). */
function run(code: string): unknown {
  return new Function(code + '\nreturn out;')();
}

test('sequence helpers are replaced at every call and removed', () => {
  const code = 'function lt(a,b){return(a-b|0)<0}function add(a,b){return a+b>>>0}' +
    'function f(x){var y=add(x,5);return lt(x,y)?add(y,1):0}var out=[f(1),f(4294967295),lt(3,2)];';
  const r = inlineFunctions(code);
  assert.equal(run(r.code), run(code));
  assert.is(r.removed, 2, r.code);
  assert.not.match(r.code, /function lt|function add|lt\(|add\(/);
});

test('arguments with effects: only where the expression evaluates them as the call would', () => {
  let code = 'var n=0;function next(){return++n}function sum(a,b){return a+b}function twice(a){return a+a}' +
    'function pick(a,b){return a||b}var out=[sum(next(),next()*10),twice(next()),pick(0,next()),n];';
  const r = inlineFunctions(code);
  assert.equal(run(r.code), run(code));
  assert.not.match(r.code, /function sum/, 'linear: inlined even with calls as arguments');
  assert.match(r.code, /twice\(next\(\)\)/, 'used twice: an argument with effects keeps the call');
  assert.match(r.code, /pick\(0,next\(\)\)/, 'conditionally evaluated: kept');
  code = 'function get(s,t){return s[t]<<8|s[t+1]}var b=[1,2,3],i=0;var out=[get(b,i),get(b,i+1)];';
  const g = inlineFunctions(code);
  assert.equal(run(g.code), run(code));
  assert.match(g.code, /get\(b,i\+1\)/, 'a longer argument used twice is not copied');
});

test('names the expression reads are not shadowed where it is copied', () => {
  const code = 'var k=7;function addK(a){return a+k}function f(k){k|=0;return addK(k)}function g(x){x|=0;return addK(x)}var out=[f(1),g(1)];';
  const r = inlineFunctions(code);
  assert.equal(run(r.code), [8, 8]);
  assert.match(r.code, /function addK/, 'kept for the shadowed call');
  assert.match(r.code, /function f\(k\)\{k\|=0;return addK\(k\)\}/);
  assert.match(r.code, /function g\(x\)\{x\|=0;return ?\(x\+k\)\}/);
});

test('what is not a one-line function, or is used as a value or assigned, stays', () => {
  const code = 'function a(x){return x+1}function b(x){x++;return x}function c(){return this}function d(x){return x*2}' +
    'var e=d;function h(x){return x-1}h=function(x){return x};var out=[a(1),b(1),typeof c,e(2),h(5)];';
  const r = inlineFunctions(code);
  assert.equal(run(r.code), run(code));
  assert.not.match(r.code, /function a/);
  for (const kept of ['function b', 'function c', 'function d', 'function h']) assert.match(r.code, kept);
});

test('nested helpers are replaced over passes', () => {
  const code = 'function u16(s,t){return s[t]<<8|s[t+1]}function port(s,t){return u16(s,t)}var buf=[1,2,3,4],o=2;var out=port(buf,o);';
  const r = inlineFunctions(code);
  assert.equal(run(r.code), 0x0304);
  assert.is(r.removed, 2, r.code);
});

test.run();
