// DHCP messages (RFC 2131 2, RFC 2132), byte by byte: the request the client emits for each
// message type, and the parse of a server's reply (every option the client reads, the option
// walk's bounds, the reused result object).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  dhcpParse, emitDhcpRequest, dhcpXid, dhcpFlags, DhcpInfo, DHCP_OK, DHCP_TRUNCATED, DHCP_NOT_REPLY, DHCP_BAD_COOKIE,
  DHCP_BAD_OPTIONS, DHCP_NO_TYPE, DHCPDISCOVER, DHCPREQUEST, DHCPRELEASE, DHCPOFFER, DHCPACK,
} from '../firmware/wire/dhcp.ts';

const MAC = Uint8Array.of(2, 0, 0, 0, 0, 7, 99);
const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

/** A BOOTREPLY (op 2) with xid 0x01020304, yiaddr 198.18.0.9, then `opts`, at offset `at`. */
function reply(opts: number[], o: { op?: number; cookie?: number; at?: number } = {}): [Uint8Array, number] {
  const at = o.at ?? 0;
  const b = new Uint8Array(at + 240 + opts.length);
  b[at] = o.op ?? 2;
  b.set(u32(0x01020304), at + 4);
  b.set(u32(0xc6120009), at + 16);
  b.set(u32(o.cookie ?? 0x63825363), at + 236);
  b.set(opts, at + 240);
  return [b, at];
}
const parse = (opts: number[], o = {}) => { const [b, at] = reply(opts, o); const out = new DhcpInfo(); return [dhcpParse(b, at, b.length - at, out), out] as const; };

test('dhcpParse: type, xid, yiaddr and every option the client reads; pads skipped; END stops', () => {
  const [st, i] = parse([0, 0, 53, 1, DHCPOFFER, 54, 4, ...u32(0xc61200fe), 1, 4, ...u32(0xffffff00), 3, 4, ...u32(0xc6120001),
    6, 8, ...u32(0xc6120002), ...u32(0x08080808), 51, 4, ...u32(3600), 58, 4, ...u32(1800), 59, 4, ...u32(3150), 255, 53, 1, 9], { at: 3 });
  assert.is(st, DHCP_OK);
  assert.equal([i.type, i.xid, i.yiaddr >>> 0, i.serverId >>> 0, i.mask >>> 0, i.router >>> 0, i.dns >>> 0, i.lease, i.t1, i.t2],
    [DHCPOFFER, 0x01020304, 0xc6120009, 0xc61200fe, 0xffffff00, 0xc6120001, 0xc6120002, 3600, 1800, 3150]);
});

test('dhcpParse: a message type of length 2 or an address of 3 bytes is not taken; unknown options skipped', () => {
  const [st, i] = parse([12, 3, 97, 98, 99, 53, 2, 5, 5, 1, 3, 1, 2, 3, 53, 1, DHCPACK]);
  assert.equal([st, i.type, i.mask], [DHCP_OK, DHCPACK, 0]);
  assert.is(parse([53, 2, 5, 5])[0], DHCP_NO_TYPE);
});

test('dhcpParse: the result object is reused: absent options reset to 0 / -1', () => {
  const out = new DhcpInfo();
  const [a] = reply([53, 1, 2, 1, 4, ...u32(1), 3, 4, ...u32(2), 6, 4, ...u32(3), 54, 4, ...u32(4), 51, 4, ...u32(5), 58, 4, ...u32(6), 59, 4, ...u32(7)]);
  dhcpParse(a, 0, a.length, out);
  const [b] = reply([53, 1, 5]);
  assert.is(dhcpParse(b, 0, b.length, out), DHCP_OK);
  assert.equal([out.type, out.mask, out.router, out.dns, out.serverId, out.lease, out.t1, out.t2], [5, 0, 0, 0, 0, -1, -1, -1]);
});

test('dhcpParse: shorter than the fixed part, not a reply, a bad cookie, no type, options running off the end', () => {
  const [b] = reply([53, 1, 2]);
  assert.is(dhcpParse(b, 0, 239, new DhcpInfo()), DHCP_TRUNCATED);
  assert.is(dhcpParse(b, 0, 240, new DhcpInfo()), DHCP_NO_TYPE, 'exactly the fixed part: no options');
  assert.is(parse([53, 1, 2], { op: 1 })[0], DHCP_NOT_REPLY);
  assert.is(parse([53, 1, 2], { cookie: 0x63825364 })[0], DHCP_BAD_COOKIE);
  assert.is(parse([1, 4, 0, 0, 0, 0])[0], DHCP_NO_TYPE);
  assert.is(parse([53, 1, 2, 51])[0], DHCP_BAD_OPTIONS, 'a code with no length');
  assert.is(parse([53, 1, 2, 51, 4, 0, 0, 0])[0], DHCP_BAD_OPTIONS, 'a value past the end');
  assert.is(parse([53, 1, 2, 51, 3, 0, 0, 0])[0], DHCP_OK, 'a value ending exactly at the end');
});

test('emitDhcpRequest: DISCOVER: the fixed part, client id, hostname, max size and parameter list, END, padded to 300', () => {
  const b = new Uint8Array(400).fill(0xee);
  const n = emitDhcpRequest(b, 2, DHCPDISCOVER, 0xa1b2c3d4, 70000, MAC, 0, 0, 0, 'synack', true);
  assert.is(n, 300);
  const m = b.subarray(2, 2 + n);
  assert.equal([m[0], m[1], m[2], m[3]], [1, 1, 6, 0]);
  assert.is(dhcpXid(b, 2), 0xa1b2c3d4);
  assert.equal([m[8], m[9]], [0xff, 0xff], 'secs capped at 65535');
  assert.is(dhcpFlags(b, 2), 0x8000);
  assert.equal(Array.from(m.subarray(12, 16)), [0, 0, 0, 0]);
  assert.equal(Array.from(m.subarray(28, 34)), [2, 0, 0, 0, 0, 7]);
  assert.equal(Array.from(m.subarray(34, 44)), Array(10).fill(0), 'the rest of chaddr zero');
  assert.equal(Array.from(m.subarray(236, 240)), [0x63, 0x82, 0x53, 0x63]);
  assert.equal(Array.from(m.subarray(240, 240 + 35)), [53, 1, 1, 61, 7, 1, 2, 0, 0, 0, 0, 7, 12, 6, 115, 121, 110, 97, 99, 107,
    57, 2, 2, 64, 55, 5, 1, 3, 6, 58, 59, 255, 0, 0, 0]);
  assert.ok(m.subarray(272).every((x) => x === 0), 'padding zero');
  assert.is(b[1], 0xee, 'nothing before');
  assert.is(b[302], 0xee, 'nothing after');
});

test('emitDhcpRequest: REQUEST with requested IP and server id; RENEWING with ciaddr, no broadcast; RELEASE without hostname or lists', () => {
  const b = new Uint8Array(400);
  emitDhcpRequest(b, 0, DHCPREQUEST, 1, 3, MAC, 0, 0xc6120009, 0xc61200fe, 'h', false);
  assert.is(dhcpFlags(b, 0), 0);
  assert.equal([b[8], b[9]], [0, 3]);
  assert.equal(Array.from(b.subarray(240, 240 + 35)), [53, 1, 3, 61, 7, 1, 2, 0, 0, 0, 0, 7, 50, 4, 198, 18, 0, 9, 54, 4, 198, 18, 0, 254,
    12, 1, 104, 57, 2, 2, 64, 55, 5, 1, 3]);
  emitDhcpRequest(b, 0, DHCPREQUEST, 1, 0, MAC, 0xc6120009, 0, 0, '', false);
  assert.equal(Array.from(b.subarray(12, 16)), [198, 18, 0, 9]);
  assert.equal(Array.from(b.subarray(240, 256)), [53, 1, 3, 61, 7, 1, 2, 0, 0, 0, 0, 7, 57, 2, 2, 64]);
  emitDhcpRequest(b, 0, DHCPRELEASE, 1, 0, MAC, 0xc6120009, 0, 0xc61200fe, 'h', false);
  assert.equal(Array.from(b.subarray(240, 262)), [53, 1, 7, 61, 7, 1, 2, 0, 0, 0, 0, 7, 54, 4, 198, 18, 0, 254, 255, 0, 0, 0]);
});

test('emitDhcpRequest: a hostname of more than 63 characters is cut to 63, 7-bit; a long request is not padded', () => {
  const b = new Uint8Array(600);
  const n = emitDhcpRequest(b, 0, DHCPDISCOVER, 1, 0, MAC, 0, 0, 0, '\u00e9' + 'x'.repeat(99), false);
  assert.equal([b[252], b[253], b[254]], [12, 63, 0x69]);
  assert.is(n, 240 + 3 + 9 + 65 + 4 + 7 + 1, 'longer than 300: no padding');
  const big = emitDhcpRequest(b, 0, DHCPREQUEST, 1, 0, MAC, 0, 1, 2, 'y'.repeat(63), false);
  assert.is(big, 240 + 3 + 9 + 6 + 6 + 65 + 4 + 7 + 1);
});

test('dhcpParse: a single pad between options is one byte, not an option with a length', () => {
  const [st, i] = parse([53, 1, DHCPACK, 0, 54, 4, ...u32(0xc61200fe), 0, 1, 4, ...u32(0xffffff00)]);
  assert.equal([st, i.type, i.serverId >>> 0, i.mask >>> 0], [DHCP_OK, DHCPACK, 0xc61200fe, 0xffffff00]);
});

test('dhcpParse: only option 53 of length 1 is the type; another 1-byte option after it is not', () => {
  const [st, i] = parse([53, 1, DHCPACK, 19, 1, 0]);   // 19: IP forwarding, off
  assert.equal([st, i.type], [DHCP_OK, DHCPACK]);
});

test('dhcpParse: an unknown 4-byte option is skipped, not taken for T2 (or any field)', () => {
  const [st, i] = parse([53, 1, DHCPACK, 2, 4, ...u32(3600)]);   // 2: time offset
  assert.equal([st, i.serverId, i.mask, i.router, i.dns, i.lease, i.t1, i.t2], [DHCP_OK, 0, 0, 0, 0, -1, -1, -1]);
});

test('emitDhcpRequest into a reused buffer: the whole fixed part the client does not set (sname, file...) is zero', () => {
  const b = new Uint8Array(42 + 300).fill(0xee);                          // exactly the frame
  assert.is(emitDhcpRequest(b, 42, DHCPDISCOVER, 1, 0, MAC, 0, 0, 0, 'h', true), 300);
  const m = b.subarray(42, 42 + 236);
  const set = new Set([0, 1, 2, 4, 5, 6, 7, 10, 28, 29, 30, 31, 32, 33]);   // op, htype, hlen, xid, flags, chaddr
  const stray = Array.from(m).map((x, k) => [k, x]).filter(([k, x]) => !set.has(k) && x !== 0);
  assert.equal(stray, []);
});

test('emitDhcpRequest at the offset the client uses (42, after the IPv4 and UDP headers): padded to 300; a longer one is its length', () => {
  const b = new Uint8Array(700);
  assert.is(emitDhcpRequest(b, 42, DHCPDISCOVER, 1, 0, MAC, 0, 0, 0, 'synack', true), 300);
  assert.is(emitDhcpRequest(b, 42, DHCPDISCOVER, 1, 0, MAC, 0, 0, 0, 'x'.repeat(63), true), 240 + 3 + 9 + 65 + 4 + 7 + 1);
});

test.run();
