import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hex, toHex } from './helpers/hex.ts';
import {
  icmpParse, icmpType, icmpCode, icmpEchoId, icmpEchoSeq, emitIcmp, emitIcmpEcho,
  ICMP_OK, ICMP_TRUNCATED, ICMP_BAD_CHECKSUM, ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH,
} from '../firmware/wire/icmp.ts';

test('emitIcmpEcho: a request with payload "abcd", checksum computed by hand', () => {
  const b = new Uint8Array(12);
  b.set(hex('61626364'), 8);
  emitIcmpEcho(b, 0, ICMP_ECHO_REQUEST, 0x1234, 0x0001, 12);
  // 0800 + 1234 + 0001 + 6162 + 6364 = 0xdefb -> ~ = 2104
  assert.is(toHex(b), '08002104123400016162' + '6364');
  assert.is(icmpParse(b, 0, 12), ICMP_OK);
  assert.is(icmpType(b, 0), 8);
  assert.is(icmpCode(b, 0), 0);
  assert.is(icmpEchoId(b, 0), 0x1234);
  assert.is(icmpEchoSeq(b, 0), 1);
});

test('emitIcmp: port unreachable header with zero rest, odd length', () => {
  const b = new Uint8Array(9);
  b[8] = 0x45;
  emitIcmp(b, 0, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, 9);
  // 0303 + 0000 + 0000 + 4500 = 0x4803 -> ~ = b7fc
  assert.is(toHex(b), '0303b7fc' + '00000000' + '45');
  assert.is(icmpParse(b, 0, 9), ICMP_OK);
});

test('icmpParse: truncated and bad checksum', () => {
  const b = new Uint8Array(8);
  emitIcmpEcho(b, 0, ICMP_ECHO_REPLY, 1, 2, 8);
  assert.is(icmpParse(b, 0, 8), ICMP_OK);
  assert.is(icmpParse(b, 0, 7), ICMP_TRUNCATED);
  assert.is(icmpParse(b, 1, 8), ICMP_TRUNCATED);
  b[7] ^= 1;
  assert.is(icmpParse(b, 0, 8), ICMP_BAD_CHECKSUM);
});

test('emitIcmp in place over a received message: the old checksum is not summed, the bytes before are not touched', () => {
  const b = new Uint8Array(14).fill(0x77);                        // 2 bytes before the message
  b.set(hex('0800ffff123400016162' + '6364'), 2);                 // a request, checksum field dirty
  emitIcmpEcho(b, 2, ICMP_ECHO_REPLY, 0x1234, 0x0001, 12);
  // 0000 + 1234 + 0001 + 6162 + 6364 = 0xd6fb -> ~ = 2904
  assert.is(toHex(b), '7777' + '00002904123400016162' + '6364');
  assert.is(icmpParse(b, 2, 12), ICMP_OK);
});

test.run();
