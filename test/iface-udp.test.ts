import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IP_PAYLOAD_OFFSET, ICMP_ERROR_INTERVAL_MS } from '../firmware/iface/interface.ts';
import { totalDrops } from '../firmware/iface/counters.ts';
import { setup } from './helpers/iface-setup.ts';
import { US_MAC, PEER_MAC, BCAST_MAC, US, PEER, eth, ipv4, udp, icmp, hexOf, pattern, cat } from './helpers/frames.ts';

const dgram = (dport: number, pay: ArrayLike<number>, withSum = true, dst = US) =>
  eth(dst === US ? US_MAC : BCAST_MAC, PEER_MAC, 0x0800, ipv4(PEER, dst, 17, udp(PEER, dst, 4000, dport, pay, withSum)));

test('bind and receive: handler gets source, ports, destination and exact payload', () => {
  const { d, ifc } = setup();
  const got: string[] = [];
  assert.ok(ifc.udpBind(7, (src, sp, dst, b, off, len) => got.push(`${src.toString(16)}:${sp}>${dst.toString(16)} ${hexOf(b.subarray(off, off + len))}`)));
  assert.not.ok(ifc.udpBind(7, () => {}));
  assert.not.ok(ifc.udpBind(0, () => {}));
  assert.not.ok(ifc.udpBind(65536, () => {}));
  const pay = pattern(100, 5);
  for (const f of [dgram(7, pay), dgram(7, pay, false), dgram(7, [])]) ifc.input(f, f.length);
  assert.equal(got, [`c6120002:4000>c6120001 ${hexOf(pay)}`, `c6120002:4000>c6120001 ${hexOf(pay)}`, 'c6120002:4000>c6120001 ']);
  assert.is(ifc.counters.udpRx, 3);
  assert.is(d.sent.length, 0);
  // a UDP length shorter than the IP payload: the payload ends at the UDP length
  const u = udp(PEER, US, 4000, 7, [9, 9, 9]);
  const f = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 17, cat(u, [0xee, 0xee])));
  ifc.input(f, f.length);
  assert.is(got[3], 'c6120002:4000>c6120001 090909');
  ifc.udpUnbind(7);
  ifc.input(dgram(7, [1]), 14 + 29);
  assert.is(got.length, 4);
  assert.is(ifc.counters.dropUdpNoPort, 1);
});

test('udpSend: exact bytes with checksum; in-place data is not copied; too big is refused', () => {
  const { d, ifc } = setup();
  const pay = pattern(33, 2);
  const src = cat([0xaa], pay);
  assert.ok(ifc.udpSend(1234, PEER, 7, src, 1, 33));
  ifc.tx.set(pay, IP_PAYLOAD_OFFSET + 8);
  assert.ok(ifc.udpSend(1234, PEER, 7, null, 0, 33));
  const want = (id: number) => hexOf(eth(PEER_MAC, US_MAC, 0x0800, ipv4(US, PEER, 17, udp(US, PEER, 1234, 7, pay), { id })));
  assert.equal(d.take().map(hexOf), [want(0), want(1)]);
  assert.ok(ifc.udpSend(1, PEER, 2, new Uint8Array(1472), 0, 1472));
  assert.not.ok(ifc.udpSend(1, PEER, 2, new Uint8Array(1473), 0, 1473));
  assert.is(ifc.counters.udpTx, 3);
  assert.is(ifc.counters.dropTxTooBig, 1);
});

test('malformed UDP: truncated, bad length, bad checksum are counted and never delivered', () => {
  const { d, ifc } = setup();
  let n = 0;
  ifc.udpBind(7, () => n++);
  const f1 = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 17, [0, 1, 0, 7, 0, 8, 0]));
  ifc.input(f1, f1.length); assert.is(ifc.counters.dropUdpTruncated, 1);
  const u2 = udp(PEER, US, 4000, 7, [1, 2], false); u2[5] = 11;
  const f2 = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 17, u2));
  ifc.input(f2, f2.length); assert.is(ifc.counters.dropUdpLength, 1);
  const u3 = udp(PEER, US, 4000, 7, [1, 2], false); u3[5] = 7;
  const f3 = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 17, u3));
  ifc.input(f3, f3.length); assert.is(ifc.counters.dropUdpLength, 2);
  const f4 = dgram(7, [1, 2, 3]); f4[f4.length - 1] ^= 1;
  ifc.input(f4, f4.length); assert.is(ifc.counters.dropUdpChecksum, 1);
  assert.is(n, 0);
  assert.is(d.sent.length, 0, 'no ICMP error for malformed datagrams');
  assert.is(totalDrops(ifc.counters), 4);
});

test('closed port: ICMP port unreachable, byte-exact, rate-limited; none for broadcasts', () => {
  const { d, ifc } = setup();
  const f = dgram(9999, pattern(20));
  ifc.poll(1000);
  ifc.input(f, f.length);
  // RFC 792: the IP header and the first 8 bytes of the datagram
  const quoted = f.subarray(14, 14 + 28);
  const want = hexOf(eth(PEER_MAC, US_MAC, 0x0800, ipv4(US, PEER, 1, icmp(3, 3, [0, 0, 0, 0], quoted), { id: 0 })));
  assert.equal(d.take().map(hexOf), [want]);
  ifc.input(f, f.length);
  ifc.poll(1000 + ICMP_ERROR_INTERVAL_MS - 1);
  ifc.input(f, f.length);
  assert.is(d.take().length, 0);
  assert.is(ifc.counters.icmpUnreachLimited, 2);
  ifc.poll(1000 + ICMP_ERROR_INTERVAL_MS);
  ifc.input(f, f.length);
  assert.is(d.take().length, 1);
  assert.is(ifc.counters.icmpUnreachTx, 2);
  ifc.poll(5000);
  const b = dgram(9999, [1], true, 0xffffffff);
  ifc.input(b, b.length);
  const sb = dgram(9999, [1], true, 0xc61200ff);
  ifc.input(sb, sb.length);
  assert.is(d.take().length, 0);
  assert.is(ifc.counters.dropUdpNoPort, 6);
});

test.run();
