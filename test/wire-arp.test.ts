import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hex, toHex } from './helpers/hex.ts';
import {
  arpParse, arpOper, arpSpa, arpTpa, emitArp, ARP_LEN, ARP_OK, ARP_TRUNCATED, ARP_BAD_TYPE,
  ARP_BAD_LENGTHS, ARP_BAD_OPER, ARP_REQUEST, ARP_REPLY, ARP_SHA, ARP_THA,
} from '../firmware/wire/arp.ts';

// A request from 198.18.0.2 (02:00:00:00:00:02) for 198.18.0.1.
const REQ = '0001 0800 06 04 0001 020000000002 c6120002 000000000000 c6120001';

test('emitArp writes the RFC 826 layout byte for byte', () => {
  const b = new Uint8Array(30).fill(0xaa);
  emitArp(b, 1, ARP_REQUEST, hex('020000000002'), 0xc6120002, new Uint8Array(6), 0xc6120001);
  assert.is(toHex(b), 'aa' + toHex(hex(REQ)) + 'aa');
  assert.is(ARP_LEN, 28);
  assert.is(ARP_SHA, 8);
  assert.is(ARP_THA, 18);
});

test('arpParse accepts a request and a reply; readers', () => {
  const b = hex(REQ);
  assert.is(arpParse(b, 0, 28), ARP_OK);
  assert.is(arpOper(b, 0), ARP_REQUEST);
  assert.is(arpSpa(b, 0), 0xc6120002);
  assert.is(arpTpa(b, 0), 0xc6120001);
  b[7] = 2;
  assert.is(arpParse(b, 0, 28), ARP_OK);
  assert.is(arpOper(b, 0), ARP_REPLY);
});

test('arpParse rejects truncation, wrong types, wrong lengths, unknown operations', () => {
  const ok = hex(REQ);
  assert.is(arpParse(ok, 0, 27), ARP_TRUNCATED);
  assert.is(arpParse(ok.subarray(0, 27), 0, 28), ARP_TRUNCATED);
  let b = hex(REQ); b[1] = 6; assert.is(arpParse(b, 0, 28), ARP_BAD_TYPE); // IEEE 802 htype
  b = hex(REQ); b[2] = 0x86; b[3] = 0xdd; assert.is(arpParse(b, 0, 28), ARP_BAD_TYPE);
  b = hex(REQ); b[4] = 8; assert.is(arpParse(b, 0, 28), ARP_BAD_LENGTHS);
  b = hex(REQ); b[5] = 16; assert.is(arpParse(b, 0, 28), ARP_BAD_LENGTHS);
  b = hex(REQ); b[7] = 3; assert.is(arpParse(b, 0, 28), ARP_BAD_OPER); // RARP request
  b = hex(REQ); b[6] = 1; assert.is(arpParse(b, 0, 28), ARP_BAD_OPER);
});

test.run();
