import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IP_PAYLOAD_OFFSET } from '../firmware/iface/interface.ts';
import { totalDrops } from '../firmware/iface/counters.ts';
import { setup } from './helpers/iface-setup.ts';
import { US_MAC, PEER_MAC, BCAST_MAC, US, PEER, eth, ipv4, hexOf, pattern, cat } from './helpers/frames.ts';

/** A protocol-99 handler recording what it gets. */
function recorder() {
  const got: string[] = [];
  return { got, h: { input(src: number, dst: number, b: Uint8Array, off: number, len: number) { got.push(`${src.toString(16)}>${dst.toString(16)} ${hexOf(b.subarray(off, off + len))}`); }, poll() { return 0x7fffffff; } } };
}
const frame = (ip: Uint8Array, dstMac = US_MAC) => eth(dstMac, PEER_MAC, 0x0800, ip);

test('a registered handler gets the L4 bytes of a valid datagram (options skipped, padding ignored)', () => {
  const { d, ifc } = setup();
  const r = recorder();
  ifc.register(99, r.h);
  const pay = pattern(13);
  ifc.input(frame(ipv4(PEER, US, 99, pay)), 14 + 33);
  ifc.input(frame(ipv4(PEER, US, 99, pay, { options: [1, 1, 1, 0, 0x94, 4, 0, 0] })), 14 + 41);
  const padded = cat(frame(ipv4(PEER, US, 99, [1, 2])), new Uint8Array(20)); // Ethernet minimum padding
  ifc.input(padded, padded.length);
  assert.equal(r.got, [`c6120002>c6120001 ${hexOf(pay)}`, `c6120002>c6120001 ${hexOf(pay)}`, 'c6120002>c6120001 0102']);
  assert.is(ifc.counters.ipRx, 3);
  assert.is(totalDrops(ifc.counters), 0);
  assert.is(d.sent.length, 0);
});

test('every malformed frame is dropped under its own counter, nothing reaches the handler', () => {
  const { d, ifc } = setup();
  const r = recorder();
  ifc.register(99, r.h);
  const good = frame(ipv4(PEER, US, 99, [1, 2, 3, 4]));
  const feed = (b: Uint8Array, len = b.length) => ifc.input(b, len);
  const mod = (f: (b: Uint8Array) => void, fixSum = true) => {
    const b = good.slice(); f(b);
    if (fixSum) { b[24] = 0; b[25] = 0; let s = 0; const hl = (b[14] & 15) * 4; for (let i = 0; i < hl && 14 + i + 1 < b.length; i += 2) s += (b[14 + i] << 8) | b[15 + i]; while (s > 0xffff) s = (s & 0xffff) + (s >>> 16); s = ~s & 0xffff; b[24] = s >> 8; b[25] = s & 255; }
    return b;
  };
  feed(good.subarray(0, 13)); assert.is(ifc.counters.dropEthTruncated, 1);
  feed(good, 0); assert.is(ifc.counters.dropEthTruncated, 2);
  feed(frame(ipv4(PEER, US, 99, [1]), Uint8Array.of(2, 0, 0, 0, 0, 9))); assert.is(ifc.counters.dropEthNotUs, 1);
  feed(eth(US_MAC, PEER_MAC, 0x86dd, new Uint8Array(40))); assert.is(ifc.counters.dropEthType, 1);
  feed(eth(US_MAC, PEER_MAC, 0x8100, new Uint8Array(40))); assert.is(ifc.counters.dropEthType, 2);
  feed(good.subarray(0, 33)); assert.is(ifc.counters.dropIpTruncated, 1);
  feed(mod((b) => { b[14] = 0x65; })); assert.is(ifc.counters.dropIpVersion, 1);
  feed(mod((b) => { b[14] = 0x44; }, false)); assert.is(ifc.counters.dropIpIhl, 1);
  feed(mod((b) => { b[14] = 0x4f; })); assert.is(ifc.counters.dropIpIhl, 2); // 60-byte header, 24 bytes present
  feed(mod((b) => { b[17] = 25; })); assert.is(ifc.counters.dropIpLength, 1); // total 25 > 24 present
  feed(good, good.length - 1); assert.is(ifc.counters.dropIpLength, 2); // frame shorter than the total length
  feed(mod((b) => { b[17] = 19; })); assert.is(ifc.counters.dropIpLength, 3); // total < header
  feed(mod((b) => { b[22] = 1; }, false)); assert.is(ifc.counters.dropIpChecksum, 1);
  feed(mod((b) => { b[20] = 0x20; })); assert.is(ifc.counters.dropIpFragment, 1); // MF, offset 0
  feed(mod((b) => { b[20] = 0x00; b[21] = 0xb9; })); assert.is(ifc.counters.dropIpFragment, 2); // last fragment
  feed(frame(ipv4(PEER, 0xc6120009, 99, [1]))); assert.is(ifc.counters.dropIpNotUs, 1);
  feed(frame(ipv4(PEER, 0xe0000001, 99, [1]), Uint8Array.of(1, 0, 0x5e, 0, 0, 1))); assert.is(ifc.counters.dropIpNotUs, 2);
  feed(frame(ipv4(0xffffffff, US, 99, [1]))); assert.is(ifc.counters.dropIpSrc, 1);
  feed(frame(ipv4(0xe0000001, US, 99, [1]))); assert.is(ifc.counters.dropIpSrc, 2);
  feed(frame(ipv4(0xc61200ff, US, 99, [1]))); assert.is(ifc.counters.dropIpSrc, 3);
  feed(frame(ipv4(PEER, US, 98, [1]))); assert.is(ifc.counters.dropIpProto, 1);
  feed(frame(ipv4(PEER, 0xffffffff, 99, [1]), BCAST_MAC)); assert.is(ifc.counters.dropIpBcastProto, 1);
  assert.is(totalDrops(ifc.counters), 22);
  assert.is(ifc.counters.rxFrames, 23); // and the ARP request of setup()
  assert.equal(r.got, []);
  assert.is(d.sent.length, 0);
  // the valid one still goes through
  feed(good);
  assert.is(r.got.length, 1);
});

test('destinations accepted: ours, limited and subnet broadcast (UDP); any unicast while unconfigured', () => {
  const { ifc } = setup();
  const seen: number[] = [];
  ifc.udpBind(68, (src, sp, dst) => seen.push(dst));
  const u = (dst: number) => frame(ipv4(PEER, dst, 17, [0, 67, 0, 68, 0, 8, 0, 0]), dst === US || dst === 0xc6120005 ? US_MAC : BCAST_MAC);
  for (const dst of [US, 0xffffffff, 0xc61200ff, 0xc6120005]) { const f = u(dst); ifc.input(f, f.length); }
  assert.equal(seen, [US, 0xffffffff, 0xc61200ff]);
  assert.is(ifc.counters.dropIpNotUs, 1);
  ifc.setAddress(0, 0, 0);
  const f = u(0xc6120005);
  ifc.input(f, f.length);
  assert.equal(seen, [US, 0xffffffff, 0xc61200ff, 0xc6120005]);
});

test('sendIpv4: exact IPv4 and Ethernet headers, id incrementing, DF, TTL 64; MTU enforced', () => {
  const { d, ifc } = setup({ mtu: 576 });
  const pay = pattern(30, 3);
  ifc.tx.set(pay, IP_PAYLOAD_OFFSET);
  assert.ok(ifc.sendIpv4(PEER, 99, 30));
  ifc.tx.set(pay, IP_PAYLOAD_OFFSET);
  assert.ok(ifc.sendIpv4(PEER, 99, 30));
  assert.equal(d.take().map(hexOf), [
    hexOf(eth(PEER_MAC, US_MAC, 0x0800, ipv4(US, PEER, 99, pay, { id: 0 }))),
    hexOf(eth(PEER_MAC, US_MAC, 0x0800, ipv4(US, PEER, 99, pay, { id: 1 }))),
  ]);
  assert.ok(ifc.sendIpv4(PEER, 99, 556));
  assert.not.ok(ifc.sendIpv4(PEER, 99, 557));
  assert.is(ifc.counters.dropTxTooBig, 1);
  ifc.tx.set(pay, IP_PAYLOAD_OFFSET);
  assert.ok(ifc.sendIpv4(0xffffffff, 99, 30));
  const out = d.take();
  assert.is(out.length, 2);
  assert.is(hexOf(out[1]), hexOf(eth(BCAST_MAC, US_MAC, 0x0800, ipv4(US, 0xffffffff, 99, pay, { id: 3 }))));
  // multicast maps to 01:00:5e + the low 23 bits (RFC 1112 6.4)
  ifc.tx.set(pay, IP_PAYLOAD_OFFSET);
  ifc.sendIpv4(0xe0ff0a0b, 99, 30);
  assert.is(hexOf(d.take()[0].subarray(0, 6)), '01005e7f0a0b');
  // the id wraps at 16 bits
  const { d: d2, ifc: i2 } = setup({ random32: () => 0xffff });
  i2.sendIpv4(PEER, 99, 0); i2.sendIpv4(PEER, 99, 0);
  assert.equal(d2.take().map((f) => hexOf(f.subarray(18, 20))), ['ffff', '0000']);
});

test('a refused send is counted and reported', () => {
  const { d, ifc } = setup();
  d.accept = false;
  assert.not.ok(ifc.sendIpv4(PEER, 99, 0));
  assert.is(ifc.counters.txFail, 1);
  assert.is(ifc.counters.txFrames, 2); // setup(): the gratuitous ARP and the ARP reply
});


// Found by the fuzzer (issue 22): with the address lost (DHCP NAK), a TCP segment for the old
// address was taken and answered by a RST from 0.0.0.0 whose checksum covered the old address;
// and a segment from 0.0.0.0 was answered with a RST to 0.0.0.0.
test('unconfigured: only UDP is taken for any unicast; a source 0.0.0.0 (but UDP) or 127/8 is dropped, never answered', () => {
  const { d, ifc } = setup();
  const r = recorder();
  ifc.register(6, r.h);
  ifc.register(99, r.h);
  const tcpSeg = [0x9c, 0x40, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0, 0, 0, 0];
  ifc.input(frame(ipv4(0, US, 6, tcpSeg)), 54);
  ifc.input(frame(ipv4(0x7f000001, US, 99, [1])), 35);
  assert.is(ifc.counters.dropIpSrc, 2);
  const seen: number[] = [];
  ifc.udpBind(68, (src) => seen.push(src));
  const u = frame(ipv4(0, US, 17, [0, 67, 0, 68, 0, 8, 0, 0]));
  ifc.input(u, u.length);
  assert.equal(seen, [0]); // DHCP: a source of 0.0.0.0 is legitimate for UDP
  const closed = frame(ipv4(0, US, 17, [0, 67, 0, 69, 0, 8, 0, 0]));
  ifc.input(closed, closed.length);
  assert.is(ifc.counters.dropUdpNoPort, 1);
  ifc.setAddress(0, 0, 0);
  d.take();
  ifc.input(frame(ipv4(PEER, US, 6, tcpSeg)), 54);
  ifc.input(frame(ipv4(PEER, 0xc6120005, 99, [1])), 35);
  assert.is(ifc.counters.dropIpNotUs, 2);
  assert.equal(r.got, []);
  assert.is(d.sent.length, 0, 'nothing answered to 0.0.0.0 or from it');
});

test('configuration: the MTU is kept within 576..1500; the ARP queue 0 is none, a negative or missing one 2', () => {
  assert.equal([setup({ mtu: 100 }).ifc.mtu, setup({ mtu: 9000 }).ifc.mtu, setup({ mtu: 576 }).ifc.mtu, setup({ mtu: 1280 }).ifc.mtu, setup().ifc.mtu], [576, 1500, 576, 1280, 1500]);
  assert.equal([setup({ arpQueue: 0 }).ifc.arpQueueMax, setup({ arpQueue: -1 }).ifc.arpQueueMax, setup({ arpQueue: 5 }).ifc.arpQueueMax, setup().ifc.arpQueueMax], [0, 2, 5, 2]);
});

test('setAddress: the directed broadcast of the subnet; /31, /32 and /0 have only the limited broadcast (RFC 3021)', () => {
  const { ifc } = setup();
  const bc = (prefix: number) => { ifc.setAddress(0xc6120001, prefix, 0); return ifc.bcast >>> 0; };
  assert.equal([bc(24), bc(30), bc(31), bc(32), bc(0), bc(1)], [0xc61200ff, 0xc6120003, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
  ifc.setAddress(0x0a000001, 1, 0);
  assert.is(ifc.bcast >>> 0, 0x7fffffff);
});

test.run();
