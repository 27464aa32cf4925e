import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sum16, fold, pseudoSum, checksum, checksumDetectNative } from '../firmware/wire/checksum.ts';

const g = globalThis as any;
let nativeCalls = 0;
/** Espruino reads a zero-length Uint16Array view as the rest of the buffer: never build one. */
let zeroViews = 0;
/** A stand-in for Espruino's E.sum: the exact sum of a typed array's elements. */
function fakeE() {
  g.E = { sum: (a: ArrayLike<number>) => { nativeCalls++; if (a.length === 0) zeroViews++; let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; } };
  assert.ok(checksumDetectNative());
}
function noE() {
  delete g.E;
  assert.not.ok(checksumDetectNative());
}

/** Reference: RFC 1071's definition, byte by byte, independent of the implementation. */
function reference(b: Uint8Array, off: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += (i & 1) ? b[off + i] : b[off + i] << 8;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

// Deterministic bytes (xorshift), no Math.random.
function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; b[i] = x & 0xff; }
  return b;
}

test('RFC 1071 section 3 example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2', () => {
  const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
  for (const mode of [noE, fakeE]) {
    mode();
    const acc = sum16(b, 0, 8, 0);
    assert.is(fold(acc), ~0xddf2 & 0xffff);
    assert.is(checksum(b, 0, 8), 0x220d);
  }
  noE();
});

test('IPv4 header checksum (b861) and verification to zero', () => {
  const h = Uint8Array.of(0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
    0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7);
  for (const mode of [noE, fakeE]) {
    mode();
    h[10] = 0; h[11] = 0;
    assert.is(checksum(h, 0, 20), 0xb861);
    h[10] = 0xb8; h[11] = 0x61;
    assert.is(checksum(h, 0, 20), 0);
  }
  noE();
});

test('odd lengths pad the last byte as a high byte', () => {
  const b = Uint8Array.of(0x12, 0x34, 0x56);
  noE();
  assert.is(sum16(b, 0, 3, 0), 0x1234 + 0x5600);
  assert.is(sum16(b, 0, 1, 0), 0x1200);
  assert.is(sum16(b, 0, 0, 7), 7);
  fakeE();
  assert.is(sum16(b, 0, 3, 0), 0x1234 + 0x5600);
  assert.is(sum16(b, 0, 1, 0), 0x1200);
  assert.is(sum16(b, 0, 0, 7), 7);
  assert.is(sum16(b, 1, -1, 7), 7, 'a negative length sums nothing');
  noE();
});

test('native and plain paths equal the reference: lengths 0..70 and 1499..1501, offsets 0..3, views', () => {
  const data = bytes(1600, 12345);
  const base = data.subarray(2); // a view with a non-zero byteOffset
  const lens: number[] = [];
  for (let n = 0; n <= 70; n++) lens.push(n);
  lens.push(1499, 1500, 1501);
  for (const buf of [data, base, data.subarray(1)]) {
    for (let off = 0; off < 4; off++) {
      for (const len of lens) {
        const want = reference(buf, off, len);
        noE();
        const plain = checksum(buf, off, len);
        fakeE();
        const native = checksum(buf, off, len);
        assert.is(plain, want, `plain off=${off} len=${len}`);
        assert.is(native, want, `native off=${off} len=${len}`);
        assert.is(zeroViews, 0, `zero-length view at len=${len}`);
      }
    }
  }
  noE();
});

test('native path is used only at even byte offsets', () => {
  const data = bytes(64, 7);
  fakeE();
  nativeCalls = 0;
  checksum(data, 0, 40);
  assert.is(nativeCalls, 1);
  checksum(data, 1, 40);
  assert.is(nativeCalls, 1);
  checksum(data.subarray(1), 1, 40);
  assert.is(nativeCalls, 2);
  noE();
});

test('all-0xff data (carry-heavy) and all-zero data', () => {
  const ff = new Uint8Array(1500).fill(0xff);
  const z = new Uint8Array(1500);
  for (const mode of [noE, fakeE]) {
    mode();
    assert.is(checksum(ff, 0, 1500), 0);
    assert.is(checksum(ff, 0, 1499), reference(ff, 0, 1499));
    assert.is(checksum(z, 0, 1500), 0xffff);
  }
  noE();
});

test('sum16 chains: split sums equal the whole at even split points', () => {
  const d = bytes(301, 99);
  for (const mode of [noE, fakeE]) {
    mode();
    for (let k = 0; k <= 300; k += 2) {
      assert.is(fold(sum16(d, k, 301 - k, sum16(d, 0, k, 0))), reference(d, 0, 301));
    }
  }
  noE();
});

test('pseudoSum: UDP datagram checksum (RFC 768) matches a hand-computed value', () => {
  // 192.168.0.1:1024 -> 192.168.0.199:53, payload "ab", UDP length 10.
  const src = 0xc0a80001, dst = 0xc0a800c7;
  const udp = Uint8Array.of(0x04, 0x00, 0x00, 0x35, 0x00, 0x0a, 0x00, 0x00, 0x61, 0x62);
  // By hand: c0a8+0001+c0a8+00c7+0011+000a + 0400+0035+000a+0000+6162
  let s = 0xc0a8 + 0x0001 + 0xc0a8 + 0x00c7 + 0x0011 + 0x000a + 0x0400 + 0x0035 + 0x000a + 0x6162;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  const want = ~s & 0xffff;
  assert.is(pseudoSum(src, dst, 17, 10), 0xc0a8 + 0x0001 + 0xc0a8 + 0x00c7 + 17 + 10);
  assert.is(fold(sum16(udp, 0, 10, pseudoSum(src, dst, 17, 10))), want);
});

test('fold handles large accumulators', () => {
  assert.is(fold(0), 0xffff);
  assert.is(fold(0xffff), 0);
  assert.is(fold(0x1fffe), 0);
  assert.is(fold(0xfffffffe), 0x0001); // fffe + ffff = 1fffd -> fffe -> complement 0001
});

test('native path: sum16 itself uses E.sum at even byte offsets (and only there)', () => {
  const data = bytes(64, 3);
  fakeE();
  nativeCalls = 0;
  assert.is(fold(sum16(data, 0, 40, 0)), reference(data, 0, 40));
  assert.is(nativeCalls, 1);
  assert.is(fold(sum16(data, 1, 40, 0)), reference(data, 1, 40));
  assert.is(nativeCalls, 1);
  noE();
});

test('native path: sum16 folds a native sum of exactly 0xffff (and multiples) to 0xffff', () => {
  const ff = new Uint8Array(8).fill(0xff);
  fakeE();
  for (const n of [2, 3, 4, 8]) assert.is(fold(sum16(ff, 0, n, 0)), reference(ff, 0, n), `${n} bytes of ff`);
  assert.is(sum16(ff, 0, 2, 0), 0xffff);
  noE();
});

test('an E without a sum function (an Espruino build without E.sum) keeps the plain path', () => {
  g.E = {};
  assert.not.ok(checksumDetectNative());
  const d = bytes(40, 5);
  assert.is(checksum(d, 0, 40), reference(d, 0, 40));
  assert.is(fold(sum16(d, 0, 40, 0)), reference(d, 0, 40));
  noE();
});

test.run();
