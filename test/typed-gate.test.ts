// The typed gate (tools/typed-gate.ts): === or !== between two typed arrays, and == or != with one
// on either side, are refused in firmware/ (Espruino compares typed arrays as strings of their
// numbers: docs/espruino.md); the firmware as it stands passes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typedGate } from '../tools/typed-gate.ts';

function check(src: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'typed-gate-'));
  const f = join(dir, 'x.ts');
  writeFileSync(f, src);
  return typedGate([f]).map((v) => v.text);
}

test('=== and !== between two typed arrays are refused; against null, a number or an object they pass', () => {
  assert.equal(check(`export function f(a: Uint8Array, b: Uint8Array | null, c: { t: Uint8Array }, n: number, o: object) {
  const x = a === c.t;
  const y = b !== a;
  const z = a === null || b === null || n === a.length || o === c;
  return x || y || z;
}`), ['a === c.t', 'b !== a']);
});

test('== and != with a typed array on either side are refused (Espruino converts it to a string)', () => {
  assert.equal(check(`export function f(a: Uint8Array, b: ArrayBuffer) { return a == null || null != b; }`), ['a == null', 'null != b']);
});

test('a line that says typed-gate: allowed passes', () => {
  assert.equal(check(`export function f(a: Uint8Array, b: Uint8Array) { return a === b; } // typed-gate: allowed (a test)`), []);
});

test('firmware/ passes', () => {
  assert.equal(typedGate().map((v) => `${v.file}:${v.line}: ${v.text}`), []);
});

test.run();
