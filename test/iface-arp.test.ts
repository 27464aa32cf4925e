import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interface } from '../firmware/iface/interface.ts';
import { ARP_MAX_AGE_MS, ARP_REFRESH_AGE_MS, ARP_RESOLVED, ARP_LEARNT, ARP_YOUNG_MS } from '../firmware/iface/arp-cache.ts';
import { totalDrops } from '../firmware/iface/counters.ts';
import { FakeDriver } from './helpers/fake-driver.ts';
import {
  US_MAC, PEER_MAC, GW_MAC, BCAST_MAC, ZERO_MAC, US, PEER, GW, FAR, eth, arp, ipv4, udp, hexOf, cat,
} from './helpers/frames.ts';

function mk(extra: object = {}, asChip = false) {
  const d = new FakeDriver(US_MAC.slice(), asChip);
  const ifc = new Interface(d, { ip: US, prefix: 24, gateway: GW, random32: () => 0x12340000, ...extra });
  return { d, ifc };
}
const arpReq = (sha: Uint8Array, spa: number, tpa: number) => eth(BCAST_MAC, sha, 0x0806, arp(1, sha, spa, ZERO_MAC, tpa));
const arpRep = (sha: Uint8Array, spa: number, tha: Uint8Array, tpa: number) => eth(tha, sha, 0x0806, arp(2, sha, spa, tha, tpa));
const ourReq = (tpa: number) => hexOf(arpReq(US_MAC, US, tpa));

/** Sends one UDP datagram (4-byte payload) with id `n` to dst through the interface. */
function sendUdp(ifc: Interface, dst: number, n: number) {
  return ifc.udpSend(5000, dst, 7, Uint8Array.of(n, n, n, n), 0, 4);
}
function expectedUdp(dstMac: Uint8Array, dst: number, n: number, id: number) {
  return hexOf(eth(dstMac, US_MAC, 0x0800, ipv4(US, dst, 17, udp(US, dst, 5000, 7, [n, n, n, n]), { id })));
}

test('a gratuitous ARP is sent when the address is set (constructor and setAddress)', () => {
  const { d, ifc } = mk();
  assert.equal(d.take().map(hexOf), [ourReq(US)]);
  ifc.setAddress(0xc6120005, 24, GW);
  assert.equal(d.take().map(hexOf), [hexOf(arpReq(US_MAC, 0xc6120005, 0xc6120005))]);
  ifc.setAddress(0, 0, 0);
  assert.is(d.take().length, 0);
  const d2 = new FakeDriver(US_MAC.slice());
  new Interface(d2, {});
  assert.is(d2.sent.length, 0);
});

test('answers an ARP request for its address, byte-exact, and learns the requester', () => {
  const { d, ifc } = mk();
  d.take();
  d.rxq.push(arpReq(PEER_MAC, PEER, US));
  ifc.poll(0);
  assert.equal(d.take().map(hexOf), [hexOf(arpRep(US_MAC, US, PEER_MAC, PEER))]);
  // learnt: a datagram to PEER goes out at once, no ARP request
  assert.ok(sendUdp(ifc, PEER, 1));
  assert.equal(d.take().map(hexOf), [expectedUdp(PEER_MAC, PEER, 1, 0)]);
  assert.is(ifc.counters.arpRx, 1);
  assert.is(totalDrops(ifc.counters), 0);
});

test('requests for other addresses are not answered and are counted', () => {
  const { d, ifc } = mk();
  d.take();
  ifc.input(arpReq(PEER_MAC, PEER, 0xc6120009), 42);
  assert.is(d.sent.length, 0);
  assert.is(ifc.counters.dropArpNotUs, 1);
  // and the sender was not learnt (RFC 826: only the target adds a new sender)
  sendUdp(ifc, PEER, 1);
  assert.equal(d.take().map(hexOf), [ourReq(PEER)]);
});

test('malformed ARP: each drop reason counted, nothing sent', () => {
  const { d, ifc } = mk();
  d.take();
  const good = arpReq(PEER_MAC, PEER, US);
  ifc.input(good.subarray(0, 41), 41); assert.is(ifc.counters.dropArpTruncated, 1);
  let b = good.slice(); b[18] = 8; ifc.input(b, b.length); assert.is(ifc.counters.dropArpLengths, 1);  // hlen 8
  b = good.slice(); b[18] = 0; ifc.input(b, b.length); assert.is(ifc.counters.dropArpLengths, 2);  // hlen 0
  b = good.slice(); b[19] = 16; ifc.input(b, b.length); assert.is(ifc.counters.dropArpLengths, 3); // plen 16
  b = good.slice(); b[15] = 6; ifc.input(b, b.length); assert.is(ifc.counters.dropArpType, 1);     // htype 6
  b = good.slice(); b[16] = 0x86; b[17] = 0xdd; ifc.input(b, b.length); assert.is(ifc.counters.dropArpType, 2);
  b = good.slice(); b[21] = 9; ifc.input(b, b.length); assert.is(ifc.counters.dropArpOper, 1);
  // a zero sender (RFC 5227 probe) and a broadcast sender are never learnt nor answered
  ifc.input(arpReq(PEER_MAC, 0, US), 42); assert.is(ifc.counters.dropArpNotUs, 1);
  ifc.input(arpReq(PEER_MAC, 0xffffffff, US), 42); assert.is(ifc.counters.dropArpNotUs, 2);
  ifc.input(arpReq(BCAST_MAC, PEER, US), 42); assert.is(ifc.counters.dropArpNotUs, 3);
  // our own address claimed by someone else
  ifc.input(arpReq(PEER_MAC, US, US), 42); assert.is(ifc.counters.arpConflict, 1);
  assert.is(d.sent.length, 0);
  assert.is(ifc.counters.arpRx, 4); // the four well-formed ones
});

test('resolution: one queued packet is sent after the reply, byte-exact; a newer one replaces it', () => {
  const { d, ifc } = mk();
  d.take();
  assert.ok(sendUdp(ifc, PEER, 1));
  assert.equal(d.take().map(hexOf), [ourReq(PEER)]);
  assert.ok(sendUdp(ifc, PEER, 2)); // replaces datagram 1 (RFC 1122 2.3.2.2: keep the latest)
  assert.is(d.sent.length, 0, 'no second request within the retry interval');
  assert.is(ifc.counters.dropArpQueueReplaced, 1);
  ifc.now = 10;
  ifc.input(arpRep(PEER_MAC, PEER, US_MAC, US), 42);
  assert.equal(d.take().map(hexOf), [expectedUdp(PEER_MAC, PEER, 2, 1)]);
  assert.ok(sendUdp(ifc, PEER, 3));
  assert.equal(d.take().map(hexOf), [expectedUdp(PEER_MAC, PEER, 3, 2)]);
});

/** PEER resolved the way the board's own traffic resolves it: asked (a datagram queued), answered. */
function resolvePeer(d: FakeDriver, ifc: Interface) {
  sendUdp(ifc, PEER, 0);
  ifc.input(arpRep(PEER_MAC, PEER, US_MAC, US), 42);
  d.take();
}
/** A storm sender's request for us, from 198.18.0.(100 + k). */
const stormReq = (k: number) => arpReq(Uint8Array.of(2, 0, 0, 0xa0, 0, k), 0xc6120064 + k, US);

test('noQueue (TCP\'s replies without a connection): no queue buffer made, and no resolved entry evicted to ask', () => {
  const { d, ifc } = mk({ arpEntries: 2 });
  d.take();
  // board:  UDP to PEER -> who-has PEER; PEER: is-at (resolved, asked for); then a reply to an
  // unknown address: asked, not queued.
  resolvePeer(d, ifc);
  const far = (n: number) => 0xc6120000 + 50 + n;
  const l4 = () => { ifc.tx.fill(0, 34, 54); return 20; };
  const bufs = ifc.qBufs.length;
  l4();
  assert.is(ifc.sendIpv4(far(0), 6, 20, true), false);
  assert.equal(d.take().map(hexOf), [ourReq(far(0))]);
  assert.is(ifc.qBufs.length, bufs, 'no 1514-byte buffer made');
  // The table (2 entries) holds PEER (resolved) and far(0) (pending under a second): neither is
  // spare, so nothing is asked and PEER stays.
  ifc.now += 500;
  l4();
  assert.is(ifc.sendIpv4(far(1), 6, 20, true), false);
  assert.equal(d.take(), []);
  l4();
  assert.ok(ifc.sendIpv4(PEER, 6, 20, true), 'PEER still resolved');
  assert.is(d.take().length, 1);
  // A second on, far(0)'s entry is spare: far(1) takes it, PEER stays.
  ifc.now += 500;
  l4();
  assert.is(ifc.sendIpv4(far(1), 6, 20, true), false);
  assert.equal(d.take().map(hexOf), [ourReq(far(1))]);
  assert.is(ifc.arp.find(far(0)), -1);
  assert.ok(ifc.arpLookup(PEER));
  // However long ago PEER was confirmed, a reply the peer sends again for never takes its entry.
  ifc.now += ARP_YOUNG_MS + 1000;
  l4();
  assert.is(ifc.sendIpv4(far(2), 6, 20, true), false);
  assert.is(ifc.reachable(far(3)), false);
  assert.equal(d.take().map(hexOf), [ourReq(far(2))], 'far(1)\'s entry (spare) taken, not PEER\'s');
  ifc.now += 1000;
  assert.is(ifc.reachable(far(3)), false);
  assert.equal(d.take().map(hexOf), [ourReq(far(3))]);
  ifc.now += 1000;
  assert.is(ifc.reachable(far(4)), false);
  assert.equal(d.take().map(hexOf), [ourReq(far(4))]);
  assert.ok(ifc.arpLookup(PEER));
  // Without noQueue the same frame evicts PEER and waits in a queue buffer.
  l4();
  assert.is(ifc.sendIpv4(far(2), 6, 20), true);
  assert.not.ok(ifc.arpLookup(PEER));
});

test('an ARP storm (requests for us from 50 senders) takes only spare entries: the host the board asked for stays', () => {
  const { d, ifc } = mk({ arpEntries: 3 });
  d.take();
  resolvePeer(d, ifc);
  //  storm k: who-has US, tell 198.18.0.(100+k)  ----->  board: is-at (each answered)
  for (let k = 0; k < 50; k++) { ifc.now += 0.5; ifc.input(stormReq(k), 42); }
  assert.is(d.take().length, 50, 'every request answered');
  assert.ok(ifc.arpLookup(PEER), 'PEER kept');
  assert.equal(Array.from(ifc.arp.st).sort(), [ARP_RESOLVED, ARP_LEARNT, ARP_LEARNT].sort());
  assert.ok(ifc.arpLookup(0xc6120064 + 49) && ifc.arpLookup(0xc6120064 + 48), 'the last two senders learnt');
  assert.ok(sendUdp(ifc, PEER, 1));
  assert.equal(d.take().map(hexOf), [expectedUdp(PEER_MAC, PEER, 1, 1)], 'sent at once, no request');
  // Long after, the storm still takes the learnt entries first.
  ifc.now = ARP_YOUNG_MS + 1000;
  for (let k = 50; k < 60; k++) ifc.input(stormReq(k), 42);
  assert.ok(ifc.arpLookup(PEER));
});

test('a request from an unknown sender is answered and not learnt while every entry is asked for and young (5 s, as Linux)', () => {
  const { d, ifc } = mk({ arpEntries: 1 });
  d.take();
  resolvePeer(d, ifc);
  ifc.now += ARP_YOUNG_MS - 1;
  ifc.input(stormReq(0), 42);
  assert.equal(d.take().map(hexOf), [hexOf(arpRep(US_MAC, US, Uint8Array.of(2, 0, 0, 0xa0, 0, 0), 0xc6120064))]);
  assert.ok(ifc.arpLookup(PEER));
  assert.not.ok(ifc.arpLookup(0xc6120064));
  ifc.now += 1;
  ifc.input(stormReq(0), 42);
  assert.equal([ifc.arpLookup(PEER), ifc.arpLookup(0xc6120064), ifc.arp.st[0]], [false, true, ARP_LEARNT]);
  // An entry the board asked for under a second ago (its datagram queued) is kept as well.
  sendUdp(ifc, PEER, 1);
  d.take();
  ifc.now += 999;
  ifc.input(stormReq(1), 42);
  assert.ok(ifc.arp.find(PEER) >= 0 && ifc.counters.dropArpEvicted === 0, 'pending PEER kept');
  ifc.now += 1;
  ifc.input(stormReq(1), 42);
  assert.equal([ifc.arp.find(PEER), ifc.counters.dropArpEvicted], [-1, 1], 'asked a second ago: spare');
});

test('after a storm a client the storm pushed out connects: its SYN asks (reachable), the reply resolves it, its next SYN is answered', () => {
  const { d, ifc } = mk({ arpEntries: 2 });
  d.take();
  //  client: who-has US (learnt), then 30 storm requests push it out
  ifc.input(arpReq(PEER_MAC, PEER, US), 42);
  for (let k = 0; k < 30; k++) { ifc.now += 0.5; ifc.input(stormReq(k), 42); }
  d.take();
  assert.not.ok(ifc.arpLookup(PEER));
  ifc.now += 1000;
  //  client: SYN  ----->  board: not answered; who-has PEER (taking a learnt entry)
  assert.is(ifc.reachable(PEER), false);
  assert.equal(d.take().map(hexOf), [ourReq(PEER)]);
  //  client: is-at  ----->  resolved; the storm goes on and does not push it out (young)
  ifc.input(arpRep(PEER_MAC, PEER, US_MAC, US), 42);
  for (let k = 30; k < 60; k++) { ifc.now += 0.5; ifc.input(stormReq(k), 42); }
  d.take();
  //  client: SYN again (1 s on)  ----->  answered
  ifc.now += 1000;
  assert.is(ifc.reachable(PEER), true);
  assert.is(ifc.arp.st[ifc.arp.find(PEER)], ARP_RESOLVED);
  assert.equal(d.take(), []);
});

test('reachable: a learnt sender whose SYN is answered becomes resolved, so the storm leaves it', () => {
  const { d, ifc } = mk({ arpEntries: 2 });
  d.take();
  ifc.input(arpReq(PEER_MAC, PEER, US), 42);
  assert.is(ifc.arp.st[ifc.arp.find(PEER)], ARP_LEARNT);
  assert.is(ifc.reachable(PEER), true);
  assert.is(ifc.arp.st[ifc.arp.find(PEER)], ARP_RESOLVED);
  for (let k = 0; k < 10; k++) { ifc.now += 0.5; ifc.input(stormReq(k), 42); }
  assert.ok(ifc.arpLookup(PEER));
  assert.equal(d.take().length, 11, 'all answered, nothing asked');
});

test('asks for peers that send again are rate-limited to n per second, even with spare (learnt) entries', () => {
  const { d, ifc } = mk({ arpEntries: 4 });
  d.take();
  for (let k = 0; k < 4; k++) ifc.input(stormReq(k), 42);
  d.take();
  const far = (n: number) => 0xc6120000 + 20 + n;
  //  flood: SYNs from 10 made-up addresses in the same millisecond  ----->  one who-has
  for (let n = 0; n < 10; n++) assert.is(ifc.reachable(far(n)), false);
  assert.equal(d.take().map(hexOf), [ourReq(far(0))]);
  ifc.now += 249;                                    // 1000 / 4 = 250 ms between asks
  for (let n = 1; n < 10; n++) ifc.reachable(far(n));
  assert.equal(d.take(), []);
  ifc.now += 1;
  for (let n = 1; n < 10; n++) ifc.reachable(far(n));
  assert.equal(d.take().map(hexOf), [ourReq(far(1))]);
  // The same limit holds for sendIpv4's noQueue asks.
  ifc.tx.fill(0, 34, 54);
  assert.is(ifc.sendIpv4(far(2), 6, 20, true), false);
  assert.equal(d.take(), []);
  assert.is(ifc.counters.dropArpQueueFull, 1);
});

test('off-link destinations resolve the gateway; no gateway means no route', () => {
  const { d, ifc } = mk();
  d.take();
  sendUdp(ifc, FAR, 1);
  assert.equal(d.take().map(hexOf), [ourReq(GW)]);
  ifc.input(arpRep(GW_MAC, GW, US_MAC, US), 42);
  assert.equal(d.take().map(hexOf), [expectedUdp(GW_MAC, FAR, 1, 0)]);
  ifc.setAddress(US, 24, 0);
  d.take();
  assert.not.ok(sendUdp(ifc, FAR, 2));
  assert.is(ifc.counters.dropNoRoute, 1);
  assert.is(d.sent.length, 0);
});

test('broadcasts need no ARP: limited and subnet broadcast go to ff:ff:ff:ff:ff:ff', () => {
  const { d, ifc } = mk();
  d.take();
  sendUdp(ifc, 0xffffffff, 1);
  sendUdp(ifc, 0xc61200ff, 2);
  assert.equal(d.take().map(hexOf), [expectedUdp(BCAST_MAC, 0xffffffff, 1, 0), expectedUdp(BCAST_MAC, 0xc61200ff, 2, 1)]);
});

test('retry rate limit: one request per second, three in all, then the queued packet is dropped', () => {
  const { d, ifc } = mk();
  d.take();
  ifc.poll(0);
  sendUdp(ifc, PEER, 1);
  assert.is(d.take().length, 1);
  assert.is(ifc.poll(500), 500, 'next ARP timer in 500 ms');
  sendUdp(ifc, PEER, 2);
  assert.is(d.take().length, 0);
  assert.is(ifc.poll(999), 1);
  assert.is(d.take().length, 0);
  assert.is(ifc.poll(1000), 1000);
  assert.equal(d.take().map(hexOf), [ourReq(PEER)]);
  ifc.poll(1999);
  assert.is(d.take().length, 0);
  ifc.poll(2000);
  assert.equal(d.take().map(hexOf), [ourReq(PEER)]);
  assert.is(ifc.counters.arpTx, 4); // gratuitous + 3 requests
  assert.is(ifc.poll(3000), 0x7fffffff);
  assert.is(d.take().length, 0);
  assert.is(ifc.counters.dropArpTimeout, 1);
  // a new datagram starts over with a fresh request at once
  sendUdp(ifc, PEER, 3);
  assert.equal(d.take().map(hexOf), [ourReq(PEER)]);
  assert.is(ifc.poll(3500), 500);
});

test('aging: a resolved entry expires; a busy one is refreshed before it does', () => {
  const { d, ifc } = mk();
  d.take();
  ifc.poll(0);
  ifc.input(arpReq(PEER_MAC, PEER, US), 42); // learnt at t=0
  d.take();
  assert.is(ifc.poll(1000), ARP_MAX_AGE_MS - 1000);
  // in use near the end of its life: the datagram goes out, then one request refreshes the entry
  // (after it: a driver may build the request where the datagram was, EthernetDriver.txBuf)
  ifc.poll(ARP_REFRESH_AGE_MS);
  sendUdp(ifc, PEER, 1);
  sendUdp(ifc, PEER, 2);
  const out = d.take().map(hexOf);
  assert.equal(out, [expectedUdp(PEER_MAC, PEER, 1, 0), ourReq(PEER), expectedUdp(PEER_MAC, PEER, 2, 1)]);
  // unanswered: the entry expires at its max age, then a send asks again
  ifc.poll(ARP_MAX_AGE_MS);
  sendUdp(ifc, PEER, 3);
  assert.equal(d.take().map(hexOf), [ourReq(PEER)]);
  // answered refresh: the entry lives on
  const { d: d2, ifc: i2 } = mk();
  i2.poll(0);
  i2.input(arpReq(PEER_MAC, PEER, US), 42);
  i2.poll(ARP_REFRESH_AGE_MS);
  sendUdp(i2, PEER, 1);
  i2.input(arpRep(PEER_MAC, PEER, US_MAC, US), 42);
  i2.poll(ARP_MAX_AGE_MS + 1000);
  d2.take();
  sendUdp(i2, PEER, 2);
  assert.equal(d2.take().map(hexOf), [expectedUdp(PEER_MAC, PEER, 2, 1)]);
});

test('with a chip driver (frames built in its txBuf, other frames copied there to send): queued and refreshing frames go out intact', () => {
  const { d, ifc } = mk({}, true);
  assert.is(ifc.tx, d.txBuf);
  ifc.poll(0);
  d.take();
  // unresolved: the datagram waits in the queue while the request goes out from txBuf
  sendUdp(ifc, PEER, 1);
  assert.equal(d.take().map(hexOf), [ourReq(PEER)]);
  ifc.input(arpRep(PEER_MAC, PEER, US_MAC, US), 42);
  assert.equal(d.take().map(hexOf), [expectedUdp(PEER_MAC, PEER, 1, 0)]);
  // the refresh near the end of the entry's life: the datagram first, then the request
  ifc.poll(ARP_REFRESH_AGE_MS);
  sendUdp(ifc, PEER, 2);
  sendUdp(ifc, PEER, 3);
  assert.equal(d.take().map(hexOf), [expectedUdp(PEER_MAC, PEER, 2, 1), ourReq(PEER), expectedUdp(PEER_MAC, PEER, 3, 2)]);
});

test('eviction: a full cache replaces its oldest entry', () => {
  const { d, ifc } = mk({ arpEntries: 2 });
  d.take();
  const A = 0xc6120010, B = 0xc6120011, C = 0xc6120012;
  const mac = (n: number) => Uint8Array.of(2, 0, 0, 0, 1, n);
  ifc.now = 1; ifc.input(arpReq(mac(0x10), A, US), 42);
  ifc.now = 2; ifc.input(arpReq(mac(0x11), B, US), 42);
  ifc.now = 3; ifc.input(arpReq(mac(0x12), C, US), 42); // evicts A
  assert.is(ifc.counters.arpEvictions, 1);
  d.take();
  sendUdp(ifc, B, 1);
  sendUdp(ifc, C, 2);
  assert.equal(d.take().map(hexOf), [expectedUdp(mac(0x11), B, 1, 0), expectedUdp(mac(0x12), C, 2, 1)]);
  sendUdp(ifc, A, 3); // evicts B (oldest), A pending
  assert.equal(d.take().map(hexOf), [ourReq(A)]);
  assert.is(ifc.counters.arpEvictions, 2);
  ifc.now = 4;
  sendUdp(ifc, B, 4); // evicts C (t=3, tied with pending A: the first slot wins), B pending
  assert.equal(d.take().map(hexOf), [ourReq(B)]);
  ifc.now = 5;
  sendUdp(ifc, C, 5); // evicts A (pending, with datagram 3 queued)
  assert.is(ifc.counters.dropArpEvicted, 1);
  d.take();
  ifc.input(arpRep(mac(0x11), B, US_MAC, US), 42);
  assert.equal(d.take().map(hexOf), [expectedUdp(mac(0x11), B, 4, 3)]);
});

test('queue buffers are bounded: with arpQueue 1 a second pending next hop loses its packet', () => {
  const { d, ifc } = mk({ arpQueue: 1 });
  d.take();
  assert.ok(sendUdp(ifc, PEER, 1));
  assert.not.ok(sendUdp(ifc, 0xc6120003, 2));
  assert.is(ifc.counters.dropArpQueueFull, 1);
  assert.equal(d.take().map(hexOf), [ourReq(PEER), ourReq(0xc6120003)]);
  ifc.input(arpRep(PEER_MAC, PEER, US_MAC, US), 42);
  assert.equal(d.take().map(hexOf), [expectedUdp(PEER_MAC, PEER, 1, 0)]);
  assert.ok(sendUdp(ifc, 0xc6120003, 3)); // the buffer is free again
  assert.is(ifc.qBufs.length, 1);
});

test('a reply to us from an unknown sender is learnt (RFC 826: we are the target)', () => {
  const { d, ifc } = mk();
  d.take();
  ifc.input(arpRep(PEER_MAC, PEER, US_MAC, US), 42);
  assert.is(d.take().length, 0);
  sendUdp(ifc, PEER, 1);
  assert.equal(d.take().map(hexOf), [expectedUdp(PEER_MAC, PEER, 1, 0)]);
  assert.is(totalDrops(ifc.counters), 0);
  assert.ok(cat); // keep import list honest
});

test('arpRequest / arpLookup: resolving without a packet; RFC 5227 probes while unconfigured', () => {
  const d = new FakeDriver(US_MAC.slice());
  const ifc = new Interface(d, { random32: () => 0 });
  ifc.poll(0);
  ifc.arpRequest(PEER);
  ifc.arpRequest(PEER); // already pending: nothing more
  assert.equal(d.take().map(hexOf), [hexOf(arpReq(US_MAC, 0, PEER))]); // sender address 0.0.0.0
  assert.not.ok(ifc.arpLookup(PEER));
  ifc.poll(1000);
  assert.equal(d.take().map(hexOf), [hexOf(arpReq(US_MAC, 0, PEER))]);
  // the owner answers the probe (target address 0.0.0.0): the address is taken
  ifc.input(arpRep(PEER_MAC, PEER, US_MAC, 0), 42);
  const out = new Uint8Array(6);
  assert.ok(ifc.arpLookup(PEER, out));
  assert.is(hexOf(out), hexOf(PEER_MAC));
  assert.ok(ifc.arpLookup(PEER));
  assert.not.ok(ifc.arpLookup(0xc6120003));
  // nobody answers: after three requests the entry is gone, lookup stays false
  ifc.arpRequest(0xc6120003);
  ifc.poll(2000); ifc.poll(3000); ifc.poll(4000);
  assert.is(d.take().length, 3);
  assert.not.ok(ifc.arpLookup(0xc6120003));
  assert.is(ifc.counters.dropArpTimeout, 0); // no packet was waiting
});

test.run();
