// tools/inline-consts.ts: top-level constants become literals where the name means them, and
// nowhere else (the minifier gives nested variables the same short names).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inlineConstants } from '../tools/inline-consts.ts';

/** What the code leaves in `out` (the code assigns it). */
function run(code: string): unknown {
  return new Function(code + '\nreturn out;')();
}

const SHADOWED = [
  'var a=14,b=a+20,c="x";',
  'function f(a){return a+1}',                                  // a parameter
  'function g(){var a=5;{let b=1;return a+b}}',                 // var and let in nested scopes
  'function h(){for(let a=0;a<2;a++);for(const c of[7])return c}',
  'function k(){try{throw 3}catch(a){return a}}',
  'var C=class{a(){return a}};',                                // a method key, a reference inside
  'function m(){return b*2}',
  'var out=[f(1),g(),h(),k(),new C().a(),m(),a,b,c,{a}];',
].join('\n');

test('constants are inlined where the name means them, shadowed names are left alone', () => {
  const r = inlineConstants(SHADOWED);
  assert.equal(run(r.code), run(SHADOWED));
  assert.is(r.inlined, 3, r.code);
  assert.ok(!r.code.includes('var a=14') && !r.code.includes('b=a+20') && !r.code.includes('c="x"'), r.code);
  assert.match(r.code, /return 34\*2/);
  assert.match(r.code, /function f\(a\)\{return a\+1\}/);
});

test('a constant assigned anywhere it is not shadowed stays a variable', () => {
  const code = 'var a=1;function f(){a++}function g(a){a=5;return a}f();var out=[a,g(0)];';
  const r = inlineConstants(code);
  assert.is(r.inlined, 0);
  assert.equal(run(r.code), [2, 5]);
});

test('an IIFE bundle: the constants of its body', () => {
  const code = '"use strict";(()=>{var a=2;function f(a){return a}globalThis.__out=[a,f(3)]})();';
  const r = inlineConstants(code);
  assert.is(r.inlined, 1);
  new Function(r.code)();
  assert.equal((globalThis as any).__out, [2, 3]);
});

test('a literal takes parentheses only where it needs them', () => {
  const code = 'var N=-1,P=4,H=255;function f(a){return[a-N,a+N,a+P,a-P,P.toString(2),-P,a[H]]}var out=f(10);';
  const r = inlineConstants(code);
  assert.is(r.inlined, 3);
  assert.equal(run(r.code), run(code));
  assert.match(r.code, /a-\(-1\)/);
  assert.match(r.code, /a\+4,a-4/);
  assert.match(r.code, /\(4\)\.toString/);
  assert.match(r.code, /a\[255\]/);
});

test('a long literal used often stays a variable; used once, it is inlined', () => {
  const code = 'var NONE=4294967295,ONE=4294967294;function f(a){return[a===NONE,a<NONE,a>NONE,a^NONE,a===ONE]}var out=f(5);';
  const r = inlineConstants(code);
  assert.equal(run(r.code), run(code));
  assert.match(r.code, /var NONE=4294967295/);
  assert.is((r.code.match(/4294967295/g) || []).length, 1);
  assert.match(r.code, /a===4294967294/);
});

test.run();
