import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hex, toHex } from './helpers/hex.ts';
import {
  udpParse, udpSrcPort, udpDstPort, udpLength, emitUdp, UDP_OK, UDP_TRUNCATED, UDP_BAD_LENGTH, UDP_BAD_CHECKSUM,
} from '../firmware/wire/udp.ts';

const SRC = 0xc0a80001, DST = 0xc0a800c7;

test('emitUdp: exact header and checksum (hand-computed)', () => {
  const b = new Uint8Array(10);
  b.set(hex('6162'), 8);
  emitUdp(b, 0, 1024, 53, 10, SRC, DST);
  // c0a8+0001+c0a8+00c7+0011+000a + 0400+0035+000a+6162 = 0x2e7d3 -> e7d5 -> ~ = 182a
  assert.is(toHex(b), '04000035000a182a' + '6162');
  assert.is(udpParse(b, 0, 10, SRC, DST), UDP_OK);
  assert.is(udpSrcPort(b, 0), 1024);
  assert.is(udpDstPort(b, 0), 53);
  assert.is(udpLength(b, 0), 10);
});

test('a computed checksum of zero is sent as ffff', () => {
  // Find data that makes the sum ffff: choose the last word to complete it.
  const b = new Uint8Array(10);
  emitUdp(b, 0, 1, 2, 10, 0, 0);
  const c = (b[6] << 8) | b[7];
  // adding c to the data word makes the checksum 0 (one's complement arithmetic)
  let w = 0x0000 + c; while (w > 0xffff) w = (w & 0xffff) + (w >>> 16);
  b[8] = w >> 8; b[9] = w & 255;
  emitUdp(b, 0, 1, 2, 10, 0, 0);
  assert.is(toHex(b, 6, 2), 'ffff');
  assert.is(udpParse(b, 0, 10, 0, 0), UDP_OK);
});

test('udpParse: zero checksum accepted, bad checksum, lengths, truncation', () => {
  const good = new Uint8Array(12);
  good.set(hex('6162'), 8);
  emitUdp(good, 0, 1024, 53, 10, SRC, DST);
  assert.is(udpParse(good, 0, 12, SRC, DST), UDP_OK); // 2 bytes of IP payload beyond the UDP length
  let b = good.slice(); b[6] = 0; b[7] = 0; b[9] ^= 0xff;
  assert.is(udpParse(b, 0, 10, SRC, DST), UDP_OK); // no checksum: not verified
  b = good.slice(); b[9] ^= 1; assert.is(udpParse(b, 0, 10, SRC, DST), UDP_BAD_CHECKSUM);
  assert.is(udpParse(good, 0, 10, SRC, DST + 1), UDP_BAD_CHECKSUM); // pseudo-header covered
  b = good.slice(); b[5] = 7; assert.is(udpParse(b, 0, 12, SRC, DST), UDP_BAD_LENGTH);
  b = good.slice(); b[5] = 13; assert.is(udpParse(b, 0, 12, SRC, DST), UDP_BAD_LENGTH);
  assert.is(udpParse(good, 0, 7, SRC, DST), UDP_TRUNCATED);
  assert.is(udpParse(good, 6, 8, SRC, DST), UDP_TRUNCATED);
});

test.run();
