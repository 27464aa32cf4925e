// tools/alias-globals.ts: the built-in globals a bundle names often get one short name at the
// module's top; what a nearer declaration hides, or a global used too little, is left alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aliasGlobals, MIN_NUMBER_GAIN } from '../tools/alias-globals.ts';
import { byteStringLiteral, pretokenise } from '../tools/pretokenise.ts';
import { espruinoPath, runEspruino } from './helpers/espruino.ts';

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

// A module using 65535 and 4294967295 often, in a function on the per-packet path (`hot`), in
// others, as an object's key, next to words (`return`, `in`, `case`) and in expressions of every
// precedence around it.
const NUMBERS = 'function hot(a){return(a&65535)+(a===4294967295?1:0)+65535%7}' +
  'function cold(a){var o={65535:1};switch(a){case 65535:return 65535 in o}return[a&65535,a>>>16&65535,-65535,65535*2,~65535,' +
  'a|0?4294967295:-4294967295,4294967295>>>1,4294967295+1,(65535).toString(16)]}' +
  'function more(a){return[a%65535,65535-a,a^65535,a<4294967295,a>=4294967295,4294967295/a,4294967295-a]}' +
  'var out=[hot(5),hot(-1>>>0),cold(65535),cold(-1),more(3),more(4294967295)];';

test('a long number used often gets a name everywhere, a short one outside the hot functions; the meaning is kept', () => {
  const r = aliasGlobals(NUMBERS, ['hot']);
  assert.equal(run(r.code), run(NUMBERS));
  const big = r.aliases['4294967295'], short = r.aliases['65535'];
  assert.ok(big && short, JSON.stringify(r.aliases));
  assert.ok(r.code.startsWith('var '), r.code);
  assert.ok(r.code.includes(big + '=4294967295') && r.code.includes(short + '=65535'), r.code);
  const hot = /function hot\(a\)\{[^}]*\}/.exec(r.code)![0];
  assert.ok(hot.includes('65535') && !hot.includes('4294967295'), hot);
  assert.match(r.code, /\{65535:1\}/, 'an object key stays a literal');
  assert.match(r.code, /case \w+:return \w+ in o/, 'a space where the name meets a word');
  assert.ok(pretokenise(r.code).length < pretokenise(NUMBERS).length);
});

test('a number is aliased only when that saves MIN_NUMBER_GAIN bytes: three uses of 65535 are left', () => {
  const code = 'var out=[1&65535,2&65535,3&65535];';
  assert.ok(3 * 5 - (3 + 'var H=65535;'.length) < MIN_NUMBER_GAIN);
  assert.is(aliasGlobals(code).code, code);
});

test('in Espruino (ESPRUINO), the aliased module pretokenised gives what the original does', async () => {
  if (!espruinoPath()) { console.log('ESPRUINO not set: the interpreter half skipped'); return; }
  const mod = (c: string) => byteStringLiteral(pretokenise(c + 'module.exports=out;'));
  const r = aliasGlobals(NUMBERS, ['hot']);
  const script = 'Modules.addCached("a", ' + mod(NUMBERS) + ');Modules.addCached("b", ' + mod(r.code) + ');' +
    'print("ALIAS " + JSON.stringify([require("a"), require("b")]));quit();';
  const out = (await runEspruino(script)).out;
  const m = /ALIAS (.*)/.exec(out);
  assert.ok(m, out);
  const [a, b] = JSON.parse(m![1]);
  assert.equal(b, a);
  assert.equal(a, run(NUMBERS), 'Espruino computes what Node does');
});

test.run();
