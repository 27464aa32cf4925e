import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toHex } from './helpers/hex.ts';
import { checksum } from '../firmware/wire/checksum.ts';
import {
  ipv4Parse, ipv4HeaderLen, ipv4TotalLen, ipv4Proto, ipv4Src, ipv4Dst, emitIpv4, prefixMask,
  ipFromString, ipToString, IPV4_OK, IPV4_TRUNCATED, IPV4_BAD_VERSION, IPV4_BAD_IHL,
  IPV4_BAD_LENGTH, IPV4_BAD_CHECKSUM, IPV4_FRAGMENT, IPV4_TTL, IP_PROTO_UDP,
} from '../firmware/wire/ipv4.ts';

function fix(b: Uint8Array, off: number) {
  b[off + 10] = 0; b[off + 11] = 0;
  const c = checksum(b, off, (b[off] & 15) * 4);
  b[off + 10] = c >> 8; b[off + 11] = c & 255;
}

test('emitIpv4: exact header with DF, TTL, id and checksum', () => {
  const b = new Uint8Array(22).fill(0x55);
  emitIpv4(b, 1, 0xc6120001, 0xc6120002, IP_PROTO_UDP, 100, 0x1234, 64);
  // 4500 0078 1234 4000 4011 cksum c6120001 c6120002
  const h = b.subarray(1, 21);
  assert.is(checksum(h, 0, 20), 0);
  assert.is(toHex(b), '55' + '45000078123440004011' + toHex(h, 10, 2) + 'c6120001c6120002' + '55');
  // independently computed: 4500+0078+1234+4000+4011+c612+0001+c612+0002 = 0x263e4 -> 63e6 -> ~ = 9c19
  assert.is(toHex(h, 10, 2), '9c19');
  assert.is(h[IPV4_TTL], 64);
});

test('ipv4Parse accepts a valid header, reads its fields; padding after total length is fine', () => {
  const b = new Uint8Array(60);
  emitIpv4(b, 0, 0xc6120001, 0xc6120002, 6, 8, 1, 64);
  assert.is(ipv4Parse(b, 0, 60), IPV4_OK);
  assert.is(ipv4HeaderLen(b, 0), 20);
  assert.is(ipv4TotalLen(b, 0), 28);
  assert.is(ipv4Proto(b, 0), 6);
  assert.is(ipv4Src(b, 0), 0xc6120001);
  assert.is(ipv4Dst(b, 0), 0xc6120002);
});

test('ipv4Parse skips options by IHL', () => {
  const b = new Uint8Array(40);
  emitIpv4(b, 0, 1, 2, 17, 8, 0, 64);
  b[0] = 0x46; // IHL 6: one option word (NOPs)
  b[20] = 1; b[21] = 1; b[22] = 1; b[23] = 0;
  b[3] = 32; // total 24 + 8
  fix(b, 0);
  assert.is(ipv4Parse(b, 0, 32), IPV4_OK);
  assert.is(ipv4HeaderLen(b, 0), 24);
});

test('ipv4Parse: each malformation has its code', () => {
  const good = new Uint8Array(28);
  emitIpv4(good, 0, 0xc6120001, 0xc6120002, 1, 8, 7, 64);
  assert.is(ipv4Parse(good, 0, 19), IPV4_TRUNCATED);
  assert.is(ipv4Parse(good.subarray(0, 19), 0, 28), IPV4_TRUNCATED);
  let b = good.slice(); b[0] = 0x65; fix(b, 0); assert.is(ipv4Parse(b, 0, 28), IPV4_BAD_VERSION);
  b = good.slice(); b[0] = 0x44; assert.is(ipv4Parse(b, 0, 28), IPV4_BAD_IHL);
  b = good.slice(); b[0] = 0x4f; assert.is(ipv4Parse(b, 0, 28), IPV4_BAD_IHL); // 60 > 28 present
  b = good.slice(); b[3] = 29; fix(b, 0); assert.is(ipv4Parse(b, 0, 28), IPV4_BAD_LENGTH);
  b = good.slice(); b[3] = 19; fix(b, 0); assert.is(ipv4Parse(b, 0, 28), IPV4_BAD_LENGTH);
  b = good.slice(); b[8] = 63; assert.is(ipv4Parse(b, 0, 28), IPV4_BAD_CHECKSUM);
  b = good.slice(); b[6] = 0x60; fix(b, 0); assert.is(ipv4Parse(b, 0, 28), IPV4_FRAGMENT); // DF+MF
  b = good.slice(); b[6] = 0x40; b[7] = 1; fix(b, 0); assert.is(ipv4Parse(b, 0, 28), IPV4_FRAGMENT); // offset 8
  b = good.slice(); b[6] = 0x00; fix(b, 0); assert.is(ipv4Parse(b, 0, 28), IPV4_OK); // DF clear is fine
});

test('prefixMask', () => {
  assert.is(prefixMask(0), 0);
  assert.is(prefixMask(8), 0xff000000);
  assert.is(prefixMask(15), 0xfffe0000);
  assert.is(prefixMask(24), 0xffffff00);
  assert.is(prefixMask(31), 0xfffffffe);
  assert.is(prefixMask(32), 0xffffffff);
});

test('ipFromString / ipToString', () => {
  assert.is(ipFromString('198.18.0.1'), 0xc6120001);
  assert.is(ipFromString('255.255.255.255'), 0xffffffff);
  assert.is(ipFromString('0.0.0.0'), 0);
  assert.is(ipToString(0xc6130afe), '198.19.10.254');
  assert.is(ipToString(0xffffffff), '255.255.255.255');
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.', '.1.2.3', 'a.b.c.d', '1.2.3.4 ', '1234.1.1.1', '-1.2.3.4']) {
    assert.is(ipFromString(bad), -1, bad);
  }
  assert.is(ipFromString(undefined as any), -1);
});

test('ipFromString: a part of four digits (0001), or a fifth, or a leading or doubled dot, is refused', () => {
  for (const bad of ['1.2.3.0004', '1.2.3.4.5', '.1.2.3', '1..2.3', '1.2.3.', '1.2.3.256', '1.2.3']) assert.is(ipFromString(bad), -1, bad);
  assert.is(ipFromString('001.002.003.004'), 0x01020304);
  assert.is(ipFromString('255.255.255.255'), 0xffffffff);
});

test('prefixMask: 32 and above all ones, 31 all but the last bit, 0 and below none', () => {
  assert.equal([prefixMask(32), prefixMask(33), prefixMask(31), prefixMask(1), prefixMask(0), prefixMask(-1)], [0xffffffff, 0xffffffff, 0xfffffffe, 0x80000000, 0, 0]);
});

test('ipv4Parse at the limits: exactly 20 bytes, the header exactly the bytes present, the total exactly the header; len past the buffer is cut', () => {
  const h = new Uint8Array(24);
  emitIpv4(h, 0, 0xc6120001, 0xc6120002, 17, 0, 1, 64);
  assert.is(ipv4Parse(h, 0, 20), IPV4_OK, 'total 20 = header length = bytes present');
  assert.is(ipv4Parse(h, 0, 19), IPV4_TRUNCATED);
  assert.is(ipv4Parse(h, 5, 20), IPV4_TRUNCATED, 'from offset 5 only 19 bytes exist: len is cut to them');
  const b = new Uint8Array(20); b.set(h.subarray(0, 20));
  assert.is(ipv4Parse(b, 0, 100), IPV4_OK, 'len beyond the buffer is cut to it');
  const t = new Uint8Array(30); emitIpv4(t, 0, 1, 2, 17, 4, 1, 64);
  assert.is(ipv4Parse(t, 0, 23), IPV4_BAD_LENGTH, 'total 24 > 23 present');
  assert.is(ipv4Parse(t, 0, 24), IPV4_OK);
});

test('emitIpv4: a sum whose first fold carries again is folded twice (id 0xae4e: 2fffe -> 10000 -> 1, checksum fffe)', () => {
  const b = new Uint8Array(20);
  emitIpv4(b, 0, 0xc6120001, 0xc6120002, IP_PROTO_UDP, 100, 0xae4e, 64);
  // 4500+0078+ae4e+4000+4011+c612+0001+c612+0002 = 0x2fffe -> fffe + 2 = 0x10000 -> 0000 + 1 = 1 -> ~ = fffe
  assert.is(toHex(b, 10, 2), 'fffe');
  assert.is(checksum(b, 0, 20), 0);
});

test('ipFromString: any character but digits and dots is refused, between parts too', () => {
  for (const bad of ['1:2:3:4', '198.18.0/1', '198,18.0.1', '1.2.3.4\n']) assert.is(ipFromString(bad), -1, JSON.stringify(bad));
});

test.run();
