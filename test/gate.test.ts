// The Espruino gate catches each construct Espruino cannot run, and passes what it can.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gate } from '../tools/gate.ts';
import { REGEX_BROKEN, REGEX_WORKING } from './helpers/regex-cases.ts';

function rules(code: string): string[] {
  return gate(code).map((v) => v.rule);
}

const broken: [string, string, string][] = [
  ['destructuring', 'var o = {a: 1}; var {a} = o;', 'destructuring'],
  ['array destructuring', 'var [x, y] = [1, 2];', 'destructuring'],
  ['spread', 'var a = [1]; f(...a); function f() {}', 'spread'],
  ['rest parameter', 'function f(...args) { return args; }', 'rest'],
  ['default parameter', 'function f(a = 1) { return a; }', 'default-parameter'],
  ['computed key', 'var k = "a"; var o = {[k]: 1};', 'computed-key'],
  ['tagged template', 'function t() {} t`x`;', 'tagged-template'],
  ['optional chaining', 'var o = {}; var v = o?.a;', 'optional-chaining'],
  ['exponent', 'var v = 2 ** 8;', 'exponent'],
  ['exponent assignment', 'var v = 2; v **= 2;', 'exponent'],
  ['logical assignment ||=', 'var v; v ||= 1;', 'logical-assignment'],
  ['logical assignment ??=', 'var v; v ??= 1;', 'logical-assignment'],
  ['generator', 'function* g() { yield 1; }', 'generator'],
  ['async', 'async function f() { await 1; }', 'async'],
  ['label', 'outer: for (;;) { break outer; }', 'label'],
  ['case after default', 'switch (1) { default: break; case 1: break; }', 'case-after-default'],
  ['Map', 'var m = new Map();', 'missing-builtin'],
  ['Set', 'var s = new Set();', 'missing-builtin'],
  ['WeakMap', 'var w = new WeakMap();', 'missing-builtin'],
  ['Symbol', 'var s = Symbol("x");', 'missing-builtin'],
  ['Math.imul', 'var v = Math.imul(3, 4);', 'missing-builtin'],
  ['Math.clz32', 'var v = Math.clz32(3);', 'missing-builtin'],
  ['Math.pow', 'var v = Math.pow(2, 32);', 'missing-builtin'],
  ['Number.isInteger', 'var v = Number.isInteger(3);', 'missing-builtin'],
  ['Object.freeze', 'var v = Object.freeze({});', 'missing-builtin'],
  ['Array.from', 'var v = Array.from([1]);', 'missing-builtin'],
  ['Promise.race', 'Promise.race([]);', 'missing-builtin'],
  ['finally', 'Promise.resolve(1).finally(function () {});', 'missing-builtin'],
  ['RangeError', 'throw new RangeError("x");', 'missing-builtin'],
  ['length assignment', 'var a = [1, 2]; a.length = 0;', 'length-assignment'],
  ['Array.prototype.slice read', 'var s = Array.prototype.slice;', 'array-prototype-slice'],
  ['extends Error', 'class E extends Error {}', 'extends-builtin'],
  ['extends Uint8Array', 'class B extends Uint8Array {}', 'extends-builtin'],
  ['DataView without length', 'var b = new ArrayBuffer(8); var d = new DataView(b, 2);', 'dataview-offset'],
  ['closure over a loop-head let', 'var fs = []; for (let i = 0; i < 3; i++) { fs.push(function () { return i; }); }', 'loop-closure'],
  ['closure over a for-of const', 'var fs = []; for (const x of [1, 2]) { fs.push(() => x); }', 'loop-closure'],
  ['call before definition', 'f(); function f() {}', 'hoisting'],
  ['var read before definition', 'var a = b + 1; var b = 2;', 'hoisting'],
  ['transitive call before definition', 'function f() { return g(); } f(); function g() { return 1; }', 'hoisting'],
  ['new before class constructor dependency', 'class C { constructor() { this.x = h(); } } var c = new C(); function h() { return 1; }', 'hoisting'],
  ['call before definition inside a function body', 'function outer() { inner(); function inner() {} } outer();', 'hoisting'],
  ['call before definition inside an IIFE bundle', '(() => { f(); function f() {} })();', 'hoisting'],
];

for (const [name, code, rule] of broken) {
  test(`gate catches: ${name}`, () => {
    const r = rules(code);
    assert.ok(r.includes(rule), `expected ${rule} in [${r.join(', ')}] for: ${code}`);
  });
}

const clean: [string, string][] = [
  ['ES2015 classes, extends, super, getters, setters, static', `
    class A { constructor(x) { this.x = x; } get v() { return this.x; } set v(y) { this.x = y; } static make() { return new A(1); } }
    class B extends A { constructor() { super(2); } m() { return super.v; } }
    var b = new B(); var a = A.make();`],
  ['arrows, template literals, for...of, ??', 'var f = (a) => `${a}`; for (const x of [1, 2]) { f(x); } var v = null ?? 3;'],
  ['let inside a loop body captured by a closure', 'var fs = []; for (var i = 0; i < 3; i++) { let j = i; fs.push(function () { return j; }); }'],
  ['functions calling later functions when called later', 'function f() { return g(); } function g() { return 1; } f();'],
  ['callbacks that refer to later functions are not run at load', 'var handlers = []; handlers.push(function () { return later(); }); function later() { return 1; }'],
  ['a constructor called after everything it needs', 'function h() { return 1; } class C { constructor() { this.x = h(); } } var c = new C();'],
  ['[].slice.call and DataView with a length', 'var s = [].slice.call([1, 2], 1); var d = new DataView(new ArrayBuffer(8), 2, 4);'],
  ['property named like a missing global', 'var o = { Map: 1, Set: 2 }; var v = o.Map + o.Set;'],
];

for (const [name, code] of clean) {
  test(`gate passes: ${name}`, () => {
    const v = gate(code);
    assert.equal(v.map((x) => x.rule + ': ' + x.message), []);
  });
}

// Regular expressions Espruino compiles and then runs differently (test/gate-espruino.test.ts
// shows each in the real interpreter).
for (const c of REGEX_BROKEN) {
  test(`gate catches: regex with ${c.name}`, () => {
    assert.ok(rules(`var r = /${c.pattern}/${c.flags};`).includes('regex'), c.pattern);
    assert.ok(rules(`var r = new RegExp(${JSON.stringify(c.pattern)}, ${JSON.stringify(c.flags)});`).includes('regex'), c.pattern);
  });
}
for (const c of REGEX_WORKING) {
  test(`gate passes: regex with ${c.name}`, () => {
    assert.equal(gate(`var r = /${c.pattern}/${c.flags}; var q = new RegExp(${JSON.stringify(c.pattern)}, ${JSON.stringify(c.flags)});`), []);
  });
}

test('gate reports the line and column of a violation', () => {
  const v = gate('var a = 1;\nvar b = a ** 2;');
  assert.equal(v.length, 1);
  assert.equal(v[0].line, 2);
  assert.equal(v[0].rule, 'exponent');
});

test.run();
