// tools/alias-globals.ts: the built-in globals a bundle names often get one short name at the
// module's top; what a nearer declaration hides, or a global used too little, is left alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aliasGlobals } from '../tools/alias-globals.ts';

function run(code: string): unknown {
  return new Function(code + '\nreturn out;')();
}

test('Uint8Array used often becomes a short name declared after the directive; the meaning is kept', () => {
  const code = '"use strict";function f(n){return new Uint8Array(n)}function g(a){return a instanceof Uint8Array}' +
    'function h(){let Uint8Array=function(){return 7};return Uint8Array()}' + // a nearer declaration: left alone
    'var out=[f(3).length,g(f(1)),g([]),h(),Uint8Array.BYTES_PER_ELEMENT,new Uint8Array([1,2])[1],Math.max(1,2)];';
  const r = aliasGlobals(code);
  assert.equal(run(r.code), run(code));
  assert.ok(r.code.startsWith('"use strict";var '), r.code);
  const alias = r.aliases.Uint8Array;
  assert.ok(alias && alias.length <= 2, JSON.stringify(r.aliases));
  assert.match(r.code, /let Uint8Array=function/);
  assert.match(r.code, /return Uint8Array\(\)/);
  assert.is(r.aliases.Math, undefined, 'used once: nothing to gain');
  assert.ok(r.saved > 0);
  assert.ok(r.code.length < code.length);
});

test('the alias is a name the bundle does not use, and a bundle without such globals is unchanged', () => {
  const names = 'var A=1,B=2,C=3;';
  const code = names + 'var out=[A,B,C,new Uint32Array(1).length,new Uint32Array(2).length,new Uint32Array(3).length,new Uint32Array(4).length];';
  const r = aliasGlobals(code);
  assert.equal(run(r.code), run(code));
  assert.ok(!['A', 'B', 'C'].includes(r.aliases.Uint32Array), r.aliases.Uint32Array);
  const plain = 'var out=[1+1];';
  assert.is(aliasGlobals(plain).code, plain);
});

test.run();
