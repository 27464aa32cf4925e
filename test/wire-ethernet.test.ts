import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hex, toHex } from './helpers/hex.ts';
import { getU16, putU16, getU32, putU32 } from '../firmware/wire/bytes.ts';
import {
  ethParse, ethType, emitEthernet, macEquals, macIsBroadcast, macIsGroup, macToString, MAC_BROADCAST, parseMac,
  ETH_OK, ETH_TRUNCATED, ETHERTYPE_ARP, ETHERTYPE_IPV4, ETH_HEADER_LEN,
} from '../firmware/wire/ethernet.ts';

test('big-endian helpers', () => {
  const b = new Uint8Array(8);
  putU16(b, 1, 0xabcd);
  putU32(b, 3, 0xc6120001);
  assert.is(toHex(b), '00abcdc612000100');
  assert.is(getU16(b, 1), 0xabcd);
  assert.is(getU32(b, 3), 0xc6120001);
  putU32(b, 0, 0xffffffff);
  assert.is(getU32(b, 0), 0xffffffff);
});

test('emitEthernet writes dst, src, type exactly', () => {
  const b = new Uint8Array(20).fill(0xee);
  emitEthernet(b, 2, MAC_BROADCAST, hex('020000000001'), ETHERTYPE_ARP);
  assert.is(toHex(b), 'eeee' + 'ffffffffffff' + '020000000001' + '0806' + 'eeeeeeee');
  assert.is(ethType(b, 2), ETHERTYPE_ARP);
  assert.is(ETH_HEADER_LEN, 14);
});

test('ethParse: 14 bytes are enough, 13 are truncated, and never beyond the buffer', () => {
  const b = new Uint8Array(14);
  assert.is(ethParse(b, 0, 14), ETH_OK);
  assert.is(ethParse(b, 0, 13), ETH_TRUNCATED);
  assert.is(ethParse(b, 1, 14), ETH_TRUNCATED);
  assert.is(ethParse(b, 0, 0), ETH_TRUNCATED);
  assert.is(ETHERTYPE_IPV4, 0x0800);
});

test('MAC helpers', () => {
  const a = hex('00 02 00 00 00 00 01');
  const m = hex('020000000001');
  assert.ok(macEquals(a, 1, m, 0));
  assert.not.ok(macEquals(a, 0, m, 0));
  assert.ok(macIsBroadcast(MAC_BROADCAST, 0));
  assert.not.ok(macIsBroadcast(hex('fffffffffffe'), 0));
  assert.ok(macIsGroup(hex('01005e000001'), 0));
  assert.not.ok(macIsGroup(m, 0));
  assert.is(macToString(m, 0), '02:00:00:00:00:01');
});

test('parseMac: six pairs of hex digits, a unicast station address, one-line errors', () => {
  assert.equal([...parseMac('02:00:5E:00:00:0a')], [2, 0, 0x5e, 0, 0, 10]);
  for (const bad of ['zz', '02:00:5e:00:00', '02:00:5e:00:00:1g', '2:00:5e:00:00:02', '02-00-5e-00-00-02']) {
    assert.throws(() => parseMac(bad), /^bad mac ".*": use six hex bytes like 02:00:5e:00:00:02$/);
  }
  assert.throws(() => parseMac('01:00:5e:00:00:01'), /must be unicast/);
});

test('macEquals: each of the six bytes counts, at any offsets', () => {
  const a = Uint8Array.of(9, 1, 2, 3, 4, 5, 6), b = Uint8Array.of(1, 2, 3, 4, 5, 6);
  assert.ok(macEquals(a, 1, b, 0));
  for (let i = 0; i < 6; i++) { const c = b.slice(); c[i] ^= 0x10; assert.not.ok(macEquals(a, 1, c, 0), `byte ${i}`); }
});

test('parseMac: six pairs of hex digits exactly; anything else, or a group address, is refused with its reason', () => {
  assert.equal(Array.from(parseMac('02:00:5E:00:00:0a')), [2, 0, 0x5e, 0, 0, 10]);
  for (const bad of ['02:00:5e:00:00', '02:00:5e:00:00:02:03', '02:00:5e:00:00:2', '02:00:5e:00:00:023', 'x2:00:5e:00:00:02', '02:00:5e:00:00:0g']) {
    assert.throws(() => parseMac(bad), /use six hex bytes/, bad);
  }
  assert.throws(() => parseMac('01:00:5e:00:00:01'), /bad mac "01:00:5e:00:00:01": a station address must be unicast/);
});

test('emitEthernet at an offset: destination, source, type in place', () => {
  const b = new Uint8Array(20);
  emitEthernet(b, 3, Uint8Array.of(1, 2, 3, 4, 5, 6), Uint8Array.of(7, 8, 9, 10, 11, 12), 0x0806);
  assert.equal(Array.from(b.subarray(0, 18)), [0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 8, 6, 0]);
});

test('macToString: two hex digits a byte, a leading 0 below 0x10 only (0x0f, 0x10)', () => {
  assert.is(macToString(hex('0f1000ff0a01'), 0), '0f:10:00:ff:0a:01');
});

test.run();
