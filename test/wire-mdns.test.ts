// mDNS messages on the wire (wire/mdns.ts): names read (lower-cased, compressed, bounded: 255
// bytes, 128 steps, pointers only backwards, nothing past the message's end) and written, the
// record's fixed fields and header, byte by byte.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readName, writeName, beginRecord, endRecord, writeHeader, recordData, nameEnd } from '../firmware/wire/mdns.ts';

const labels = (n: string) => [...n.split('.').flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]), 0];
/** readName over `bytes` with the message's end at `end` (the bytes after it are there, unread). */
const read = (bytes: number[], i: number, end = bytes.length, msg = 0) => {
  const r = readName(Uint8Array.from(bytes), msg, end, i);
  return [r, nameEnd] as const;
};

test('readName: labels lower-cased (A-Z only), dotted; the root is ""; nameEnd after the terminator', () => {
  assert.equal(read([9, 9, ...labels('Ab.Z@[')], 2), ['ab.z@[', 2 + 8]);
  assert.equal(read([0], 0), ['', 1]);
});

test('readName: a pointer ends the name as stored: nameEnd after the first pointer, also when the target ends in one', () => {
  // 0: "a.local"; 9: "x" + pointer to 0; 13: pointer to 9.
  const m = [...labels('a.local'), 1, 120, 0xc0, 0, 0xc0, 9];
  assert.equal(read(m, 9), ['x.a.local', 13]);
  assert.equal(read(m, 13), ['x.a.local', 15]);
  assert.equal(read([7, 7, ...m], 15, m.length + 2, 2), ['x.a.local', 17], 'pointers are offsets from the message\'s start');
});

test('readName: malformed: forward or self pointers, half a pointer, a label past the end, reserved label types', () => {
  assert.equal(read([0xc0, 0], 0)[0], null, 'to itself');
  assert.equal(read([0xc0, 2, 0], 0)[0], null, 'forwards');
  assert.equal(read([...labels('ab'), 0xc0, 0], 4, 5)[0], null, 'half a pointer (its second byte past the end)');
  assert.equal(read([3, 97, 98, 99, 0], 0, 3)[0], null, 'the label past the end');
  assert.equal(read([3, 97, 98, 99, 0], 0, 4)[0], null, 'the terminator past the end');
  assert.equal(read([3, 97, 98, 99, 0], 0, 5)[0], 'abc');
  assert.equal(read([0x40, ...Array(64).fill(97), 0], 0)[0], null, 'type 01 (0x40), 64 bytes after it');
  assert.equal(read([0x80, ...Array(128).fill(97), 0], 0)[0], null, 'type 10');
});

test('readName: at most 255 bytes on the wire; at most 128 steps (labels and pointers)', () => {
  const long = (n: number) => [...Array(n).fill([1, 97]).flat(), 0];   // n one-byte labels: 2n + 1 bytes
  assert.equal(read(long(127), 0)[0], Array(127).fill('a').join('.'), '255 bytes');
  const l63 = [63, ...Array(63).fill(98)];
  assert.equal(read([...l63, ...l63, ...l63, 61, ...Array(61).fill(99), 0], 0)[0]?.length, 63 * 3 + 61 + 3, '255 bytes of long labels');
  assert.equal(read([...l63, ...l63, ...l63, 62, ...Array(62).fill(99), 0], 0)[0], null, '256 bytes');
  // A chain: node 0 "a", node k "a" + pointer to node k-1 (4 bytes each from 3): from node k,
  // 2k + 2 steps; a pointer to node 63 first, 129.
  const chain: number[] = [1, 97, 0];
  for (let k = 1; k <= 64; k++) { const prev = k === 1 ? 0 : 3 + 4 * (k - 2); chain.push(1, 97, 0xc0 | (prev >> 8), prev & 255); }
  const node = (k: number) => (k === 0 ? 0 : 3 + 4 * (k - 1));
  assert.equal(read(chain, node(63))[0], Array(64).fill('a').join('.'), '128 steps');
  const to63 = [...chain, 0xc0 | (node(63) >> 8), node(63) & 255];
  assert.equal(read(to63, chain.length)[0], null, '129 steps');
});

test('writeName: labels and the root; an empty label or one over 63 bytes refused', () => {
  const b = new Uint8Array(300).fill(0xee);
  assert.is(writeName(b, 1, 'ab.c'), 1 + 6);
  assert.equal(Array.from(b.subarray(0, 8)), [0xee, 2, 97, 98, 1, 99, 0, 0xee]);
  assert.is(writeName(b, 0, 'x'.repeat(63)), 65);
  assert.is(writeName(b, 0, 'x'.repeat(64)), -1);
  assert.is(writeName(b, 0, 'a..b'), -1);
  assert.is(writeName(b, 0, ''), -1);
});

test('beginRecord, endRecord: name, type, class, TTL, then the data length; a bad name is -1', () => {
  const b = new Uint8Array(64);
  const d = beginRecord(b, 2, 'a.b', 33, 0x8001, 0x01020304);
  assert.is(d, 2 + 5 + 10);
  assert.is(endRecord(b, d, d + 6), d + 6);
  assert.equal(Array.from(b.subarray(2, d)), [1, 97, 1, 98, 0, 0, 33, 0x80, 1, 1, 2, 3, 4, 0, 6]);
  assert.is(beginRecord(b, 0, 'a..b', 1, 1, 1), -1);
});

test('writeHeader and recordData: the six header fields; the data\'s offset, or -1 when the fixed part or the data run past the end', () => {
  const b = new Uint8Array(20);
  writeHeader(b, 1, 0x1234, 0x8400, 1, 2, 3, 4);
  assert.equal(Array.from(b.subarray(0, 14)), [0, 0x12, 0x34, 0x84, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0]);
  const r = Uint8Array.from([0, 1, 0, 1, 0, 0, 0, 120, 0, 4, 9, 9, 9, 9, 7, 7]);
  assert.is(recordData(r, 0, 14), 10);
  assert.is(recordData(r, 0, 13), -1, 'the data cut');
  assert.is(recordData(r, 0, 9), -1, 'the fixed part cut');
  assert.is(recordData(r, 0, 10), -1, 'exactly the fixed part, 4 bytes of data announced');
  const z = Uint8Array.from([0, 1, 0, 1, 0, 0, 0, 120, 0, 0]);
  assert.is(recordData(z, 0, 10), 10, 'no data, ending the message');
});

test.run();
