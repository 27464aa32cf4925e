import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { totalDrops } from '../firmware/iface/counters.ts';
import { setup } from './helpers/iface-setup.ts';
import { US_MAC, PEER_MAC, BCAST_MAC, US, PEER, eth, ipv4, echo, icmp, hexOf, pattern } from './helpers/frames.ts';

const request = (n: number, id = 0x4242, seq = 7, o = {}) => eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, echo(8, id, seq, pattern(n, n + 1)), o));
const reply = (n: number, ipId: number, id = 0x4242, seq = 7) => hexOf(eth(PEER_MAC, US_MAC, 0x0800, ipv4(US, PEER, 1, echo(0, id, seq, pattern(n, n + 1)), { id: ipId })));

test('echo replies are byte-exact for payloads of 0, 1, 56, 1000 and 1472 bytes', () => {
  const { d, ifc } = setup();
  const sizes = [0, 1, 56, 1000, 1472];
  sizes.forEach((n, k) => {
    const f = request(n, 0x4242, k);
    if (n === 1472) assert.is(f.length, 1514);
    d.rxq.push(f);
    ifc.poll(k);
    assert.equal(d.take().map(hexOf), [reply(n, k, 0x4242, k)], `payload ${n}`);
  });
  assert.is(ifc.counters.icmpEchoRx, 5);
  assert.is(ifc.counters.icmpEchoTx, 5);
  assert.is(totalDrops(ifc.counters), 0);
});

test('the incrementally updated reply checksum equals a full recomputation (4096 id/seq pairs + edges)', () => {
  const { d, ifc } = setup();
  // Edges (id 0, no data): seq ffff gives a reply checksum of 0000, seq f7ff a request one of 0000.
  const edges = [0xffff, 0xf7ff, 0xf7fe, 0xf800, 0, 0x07ff, 0x0800];
  for (let k = 0; k < 4096 + edges.length; k++) {
    const e = k >= 4096;
    const id = e ? 0 : (k * 40503) & 0xffff, seq = e ? edges[k - 4096] : (k * 0x9e37 + 0xf7ff) & 0xffff;
    const pay = e ? [] : [k & 255];
    const f = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, echo(8, id, seq, pay)));
    ifc.input(f, f.length);
    const out = d.take();
    const want = echo(0, id, seq, pay);
    assert.is(hexOf(out[0].subarray(34)), hexOf(want), `id ${id} seq ${seq}`);
  }
});

test('1473 bytes of payload (a 1501-byte reply) is not answered', () => {
  const { d, ifc } = setup();
  const f = request(1473);
  assert.is(f.length, 1515);
  ifc.input(f, f.length);
  assert.is(d.sent.length, 0);
  assert.is(ifc.counters.dropIcmpTooBig, 1);
  // with a smaller MTU the limit follows it
  const s = setup({ mtu: 576 });
  s.ifc.input(request(548), 14 + 576);
  s.ifc.input(request(549), 14 + 577);
  assert.is(s.d.take().length, 1);
  assert.is(s.ifc.counters.dropIcmpTooBig, 1);
});

test('a request with IP options is answered without them', () => {
  const { d, ifc } = setup();
  const f = request(8, 1, 2, { options: [1, 1, 1, 0] });
  ifc.input(f, f.length);
  assert.equal(d.take().map(hexOf), [reply(8, 0, 1, 2)]);
});

test('bad ICMP: truncated, bad checksum, broadcast echo, other types are counted and not answered', () => {
  const { d, ifc } = setup();
  const f1 = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, [8, 0, 0xf7, 0xff, 0, 0, 0]));
  ifc.input(f1, f1.length); assert.is(ifc.counters.dropIcmpTruncated, 1);
  const f2 = request(10); f2[f2.length - 1] ^= 0x10;
  ifc.input(f2, f2.length); assert.is(ifc.counters.dropIcmpChecksum, 1);
  const f3 = eth(BCAST_MAC, PEER_MAC, 0x0800, ipv4(PEER, 0xffffffff, 1, echo(8, 1, 1, [1, 2])));
  ifc.input(f3, f3.length); assert.is(ifc.counters.dropIcmpBcast, 1);
  const f4 = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, echo(0, 1, 1, [1, 2])));
  ifc.input(f4, f4.length); assert.is(ifc.counters.dropIcmpType, 1);
  const f5 = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, icmp(13, 0, [0, 0, 0, 0], new Uint8Array(12))));
  ifc.input(f5, f5.length); assert.is(ifc.counters.dropIcmpType, 2);
  assert.is(d.sent.length, 0);
  assert.is(totalDrops(ifc.counters), 5);
});

test('ICMP messages other than echo requests go to a handler registered for protocol 1', () => {
  const { ifc } = setup();
  const got: string[] = [];
  ifc.register(1, { input: (s, dst, b, off, len) => got.push(hexOf(b.subarray(off, off + len))), poll: () => 0x7fffffff });
  const m = echo(0, 9, 9, [5]);
  const f = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, m));
  ifc.input(f, f.length);
  assert.equal(got, [hexOf(m)]);
  assert.is(ifc.counters.dropIcmpType, 0);
});

test('sendPing: exact request bytes; the reply reaches the protocol-1 handler', () => {
  const { d, ifc } = setup();
  const got: string[] = [];
  ifc.register(1, { input: (s, dst, b, off, len) => got.push(hexOf(b.subarray(off, off + len))), poll: () => 0x7fffffff });
  const data = pattern(56, 9);
  assert.ok(ifc.sendPing(PEER, 0x77, 3, data, 0, 56));
  assert.equal(d.take().map(hexOf), [hexOf(eth(PEER_MAC, US_MAC, 0x0800, ipv4(US, PEER, 1, echo(8, 0x77, 3, data), { id: 0 })))]);
  const r = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, echo(0, 0x77, 3, data)));
  ifc.input(r, r.length);
  assert.equal(got, [hexOf(echo(0, 0x77, 3, data))]);
  assert.ok(ifc.sendPing(PEER, 1, 1, data, 0, 0));
  assert.not.ok(ifc.sendPing(PEER, 1, 1, new Uint8Array(1473), 0, 1473));
  assert.is(ifc.counters.dropTxTooBig, 1);
});

test('icmpEcho: false: echo requests are counted as ignored, not answered; the default answers and counts ipTx', () => {
  const { d, ifc } = setup({ icmpEcho: false });
  d.rxq.push(request(8, 0x4242, 1));
  ifc.poll(1);
  assert.equal(d.take(), []);
  assert.equal([ifc.counters.icmpEchoRx, ifc.counters.icmpEchoIgnored, ifc.counters.icmpEchoTx], [1, 1, 0]);
  const on = setup();
  const tx = on.ifc.counters.ipTx;
  on.d.rxq.push(request(8, 0x4242, 1));
  on.ifc.poll(1);
  assert.is(on.d.take().length, 1);
  assert.equal([on.ifc.counters.icmpEchoIgnored, on.ifc.counters.ipTx - tx], [0, 1]);
});

test.run();
