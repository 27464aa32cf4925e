// The pretokeniser (tools/pretokenise.ts): every bundle survives the round trip token for token;
// the byte encoding matches Espruino's src/jslex.h; awkward spots (operators that would merge,
// reserved words as property names, strings with quotes and high bytes, integers at the edges of
// the raw encodings) come out right; with ESPRUINO set, the real interpreter runs tokenised code
// and prints what Node prints for the plain code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as acorn from 'acorn';
import { pretokenise, detokenise, byteStringLiteral, LEX_RAW_INT0, LEX_RAW_INT8, LEX_RAW_INT16, LEX_RAW_STRING8 } from '../tools/pretokenise.ts';
import { espruinoPath, runEspruino, skipReason } from './helpers/espruino.ts';

const tokens = (s: string) => [...acorn.tokenizer(s, { ecmaVersion: 2020 })].map((k) => k.type.label + ':' + String((k as unknown as { value: unknown }).value));

/** The tokens but the `;` (the bundles leave out those Espruino does without). */
const noSemicolons = (l: string[]) => l.filter((k) => k !== ';:undefined');

const SAMPLE = `var a = 1, b = -2, c = a - -b, d = a + +b, e = a++ + ++b, f = 0x7fff, g = 32768, h = 1.5, i = 1e3, j = 127, k = 128;
var o = { default: 1, delete: 2, in: 3, "quoted \\"x\\"": 4 }; o.default += o.delete; o.in >>>= 1;
var s = "caf\\xe9 \\\\ 'q'", re = /a\\/b/g.source, t = \`x\${a + 1}y\`;
function q(x, y) { if (x === y || x !== y && typeof x == "number") return x >>> 0; else return void 0; }
for (var n = 0; n < 3; n++) { if (n in o) continue; }
var u = typeof undefined === "undefined" ? null : true;
var p = 0; p++; +p; p--; -p; var r = [p]; (r)[0]++; [1].forEach(function (x) { p += x; }); /x/.test("x") ? p++ : p--;
function w(x) { if (x) return; return 7; } var z = [w(1), w(0)]; do p++; while (p < 9); do { p += 2; } while (p < 12); var y = p ? "y" : "n"; ~p; !p;
switch (p) { case 12: y += 1; break; default: y += 2; } for (var m = 0; m < 2; m++) { if (m) continue; else y += m; } try { throw 1; } catch (err) { y += err; }
print(JSON.stringify([a, b, c, d, e, f, g, h, i, j, k, o, s.length, s.charCodeAt(3), s.slice(4), re, t, q(3, 4), n, u, p, r, z, y, m]));`;

test('round trip: the same tokens as the input, for the sample and every built bundle', () => {
  assert.equal(noSemicolons(tokens(detokenise(pretokenise(SAMPLE)))), noSemicolons(tokens(SAMPLE)));
  for (const name of ['synack', 'synack-enc28j60', 'synack-w5500', 'synack-net', 'synack-apps', 'synack-dhcp', 'synack-dns', 'synack-networkjs']) {
    const f = join(import.meta.dirname, '..', 'dist', `${name}.js`);
    if (!existsSync(f)) continue;
    const code = readFileSync(f, 'utf8');
    const tok = pretokenise(code);
    assert.ok(tok.length < code.length * 0.9, `${name}: ${tok.length} of ${code.length} bytes`);
    assert.equal(noSemicolons(tokens(detokenise(tok))), noSemicolons(tokens(code)), name);
  }
});

test('encoding per jslex.h: reserved words and operators one byte, raw strings and integers', () => {
  // LEX_R_RETURN = 171, LEX_TYPEEQUAL = 139, LEX_R_THIS = 175 (2v29's enum)
  assert.equal([...pretokenise('return this===x')].map((c) => c.charCodeAt(0)), [171, 175, 139, 120]);
  assert.is(pretokenise('0'), String.fromCharCode(LEX_RAW_INT0));
  assert.is(pretokenise('a[5]'), 'a[5]', 'a single digit: one byte as text, two raw');
  assert.is(pretokenise('10'), String.fromCharCode(LEX_RAW_INT8, 10));
  assert.is(pretokenise('127'), String.fromCharCode(LEX_RAW_INT8, 127));
  assert.is(pretokenise('300'), String.fromCharCode(LEX_RAW_INT16, 300 & 255, 300 >> 8));
  assert.is(pretokenise('32768'), '32768', 'beyond int16: text');
  assert.is(pretokenise('1.5'), '1.5');
  assert.is(pretokenise('"ab"'), String.fromCharCode(LEX_RAW_STRING8, 2) + 'ab');
  assert.is(pretokenise('catch'), 'catch', 'left as text, as EspruinoTools does (espruino#1868)');
  assert.is(pretokenise('a - -b'), 'a- -b');
  assert.is(pretokenise('a + +b'), 'a+ +b');
  // Statement-ending semicolons: left out where the next token can only begin a statement.
  assert.is(detokenise(pretokenise('a=f();b=1;c();(d)();x++;+y;z=1;[1].pop();w=/a/;k=1;')).replace(/ +/g, ' ').trim(), 'a=f()b=1 c();(d)()x ++ ;+y z=1;[1].pop()w=/a/k=1');
  assert.is(detokenise(pretokenise('function f(){if(a)return;b()}function g(){return;}do x();while(a);')).replace(/ +/g, ' ').trim(),
    'function f(){ if (a) return ;b()} function g(){ return } do x(); while (a)', 'a bare return keeps it (unless a } follows), as a do body does');
  assert.is(pretokenise('a=1;\nb=2;', true), 'a=1;\nb=2;', 'a program with its lines keeps them all');
});

test('byteStringLiteral: printable ASCII as is, everything else escaped', () => {
  assert.is(byteStringLiteral('a"\\\x00\xff'), '"a\\"\\\\\\x00\\xff"');
  // eslint-disable-next-line no-eval
  assert.is(eval(byteStringLiteral('x\x80\xd1y')), 'x\x80\xd1y');
});

const bin = espruinoPath();
if (!bin) console.log(`pretokenise: interpreter check ${skipReason}`);
else {
  test('Espruino runs the tokenised sample and prints what Node prints for the plain one', async () => {
    const lines: string[] = [];
    new Function('print', SAMPLE)((s: string) => lines.push(s));
    const r = await runEspruino('eval(' + byteStringLiteral(pretokenise(SAMPLE)) + ');quit();\n', 20000);
    assert.ok(r.out.includes(lines[0]), `Espruino printed:\n${r.out}\nNode printed:\n${lines[0]}`);
  });
}

test.run();
