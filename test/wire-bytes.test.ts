// Byte helpers: big-endian reads and writes, and binary strings to bytes and back (natively
// through Espruino's E.toUint8Array and E.toString when they are there, else by loops).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sameArray, bytesToString, getU16, getU32, putU16, putU32, stringToBytes } from '../firmware/wire/bytes.ts';

test('big-endian uint16 and uint32 both ways', () => {
  const b = new Uint8Array(6);
  putU16(b, 0, 0xbeef);
  putU32(b, 2, 0xc6120002);
  assert.equal([...b], [0xbe, 0xef, 0xc6, 0x12, 0x00, 0x02]);
  assert.is(getU16(b, 0), 0xbeef);
  assert.is(getU32(b, 2), 0xc6120002);
});

test('stringToBytes: the character codes (latin1), by the loop without Espruino', () => {
  assert.equal([...stringToBytes('A\x00\xff\r\n')], [65, 0, 255, 13, 10]);
  assert.is(stringToBytes('').length, 0);
});

test('stringToBytes: through E.toUint8Array when Espruino offers it', () => {
  const g = globalThis as { E?: unknown };
  const asked: string[] = [];
  g.E = { toUint8Array: (s: string) => { asked.push(s); return Uint8Array.from([...s].map((c) => c.charCodeAt(0))); } };
  try {
    assert.equal([...stringToBytes('hi')], [104, 105]);
    assert.equal(asked, ['hi']);
  } finally { delete g.E; }
});

test('bytesToString: by the loop without Espruino, through E.toString with it', () => {
  assert.is(bytesToString(Uint8Array.of(65, 0, 255, 13, 10)), 'A\x00\xff\r\n');
  const g = globalThis as { E?: unknown };
  g.E = { toString: (b: Uint8Array) => 'native:' + b.length };
  try { assert.is(bytesToString(Uint8Array.of(1, 2)), 'native:2'); } finally { delete g.E; }
});

test('sameArray: the same view, not equal bytes: by === without Espruino', () => {
  const a = Uint8Array.of(1, 2, 3), b = Uint8Array.of(1, 2, 3);
  assert.is(sameArray(a, a), true);
  assert.is(sameArray(a, b), false, 'equal bytes, another array');
  assert.is(sameArray(a, a.subarray(0)), false, 'another view of the same buffer');
});

test('sameArray: through E.getAddressOf(v, false) when Espruino offers it (its === compares the numbers as strings)', () => {
  const a = Uint8Array.of(1, 2, 3), b = Uint8Array.of(1, 2, 3);
  const g = globalThis as { E?: unknown };
  const asked: [Uint8Array, boolean][] = [];
  // Addresses as the interpreter would give them: a and b distinct, c "at the same address" as a.
  const addr = new Map<Uint8Array, number>([[a, 0x2000], [b, 0x2010]]);
  g.E = { getAddressOf: (v: Uint8Array, flat: boolean) => { asked.push([v, flat]); return addr.get(v) ?? 0x2000; } };
  try {
    assert.is(sameArray(a, b), false);
    assert.is(sameArray(b, b), true);
    assert.is(sameArray(a, Uint8Array.of(9)), true, 'the interpreter\'s answer, not ===');
    assert.equal(asked.map((x) => x[1]), [false, false, false, false, false, false]);
    assert.ok(asked[0][0] === a && asked[1][0] === b);
  } finally { delete g.E; }
  g.E = {};
  try { assert.is(sameArray(a, b), false, 'an Espruino without getAddressOf (SAVE_ON_FLASH): ==='); assert.is(sameArray(a, a), true); } finally { delete g.E; }
});

test.run();
