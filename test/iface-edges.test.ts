// The interface's edges, one rule per test (issue 23's mutation audit of iface/interface.ts): the
// configuration's bounds, which frames TCP's header prediction is offered, the Ethernet and ARP
// checks byte by byte, the unconfigured interface (DHCP), the ARP timers in their order, and the
// free-memory measure (StackConfig.freeBlocks) as drain takes it.
//
// The interface under test is 198.18.0.1/24 (US), gateway 198.18.0.254 (GW), on a FakeDriver whose
// sent frames the tests compare byte for byte with frames built by test/helpers/frames.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Interface, defaultRandom32, IP_PAYLOAD_OFFSET, MEM_OK, MEM_LOW, MEM_CRITICAL, MEM_CHECK_MS,
} from '../firmware/iface/interface.ts';
import { ARP_MAX_AGE_MS, ARP_REFRESH_AGE_MS, ARP_RETRY_MS } from '../firmware/iface/arp-cache.ts';
import { MAX_FRAME } from '../firmware/drivers/driver.ts';
import { NO_TIMER, type ProtocolHandler } from '../firmware/iface/types.ts';
import { FakeDriver } from './helpers/fake-driver.ts';
import {
  US_MAC, PEER_MAC, GW_MAC, BCAST_MAC, ZERO_MAC, US, PEER, GW, FAR, eth, arp, ipv4, udp, echo, hexOf, pattern,
} from './helpers/frames.ts';

/** A configured interface (US/24, gateway GW) on a FakeDriver; the gratuitous ARP taken. */
function mk(extra: object = {}, driver: object = {}) {
  const d = Object.assign(new FakeDriver(US_MAC.slice()), driver);
  const ifc = new Interface(d, { ip: US, prefix: 24, gateway: GW, random32: () => 0x12340000, ...extra });
  d.take();
  return { d, ifc };
}
const arpReq = (sha: Uint8Array, spa: number, tpa: number, ethSrc = sha) => eth(BCAST_MAC, ethSrc, 0x0806, arp(1, sha, spa, ZERO_MAC, tpa));
const arpRep = (sha: Uint8Array, spa: number, tha: Uint8Array, tpa: number, ethSrc = sha) => eth(tha, ethSrc, 0x0806, arp(2, sha, spa, tha, tpa));
const ourReq = (tpa: number) => hexOf(arpReq(US_MAC, US, tpa));
const feed = (ifc: Interface, f: Uint8Array) => ifc.input(f, f.length);
/** A datagram PEER -> dst:dport (4 bytes), in a frame for our MAC. */
const dgram = (dst: number, dport: number, src = PEER) => eth(US_MAC, PEER_MAC, 0x0800, ipv4(src, dst, 17, udp(src, dst, 4000, dport, [1, 2, 3, 4])));
/** Sends one 4-byte UDP datagram to dst. */
const sendUdp = (ifc: Interface, dst: number) => ifc.udpSend(5000, dst, 7, Uint8Array.of(1, 2, 3, 4), 0, 4);
/** dst resolved the way the board's own traffic resolves it: asked for (a datagram queued), answered. */
function resolve(d: FakeDriver, ifc: Interface, ip: number, mac: Uint8Array) {
  sendUdp(ifc, ip);
  feed(ifc, arpRep(mac, ip, US_MAC, US));
  d.take();
}
const macOf = (k: number) => Uint8Array.of(2, 0, 0, 0xb0, 0, k);
const hostOf = (k: number) => 0xc6120000 + 100 + k;

// ---- configuration -------------------------------------------------------------------------------

test('defaultRandom32 on Espruino: E.hwRand, read as an unsigned 32-bit number', () => {
  (globalThis as any).E = { hwRand: () => -2 };
  try {
    assert.is(defaultRandom32(), 0xfffffffe);
  } finally {
    delete (globalThis as any).E;
  }
});

test('defaultRandom32 elsewhere: Math.random scaled to 32 bits', () => {
  const r = Math.random;
  Math.random = () => 0.5;
  try {
    assert.is(defaultRandom32(), 0x80000000);
  } finally {
    Math.random = r;
  }
});

test('a driver txBuf shorter than MAX_FRAME is not built in: the interface makes its own', () => {
  const short = new Uint8Array(100);
  const { ifc } = mk({}, { txBuf: short });
  assert.ok(ifc.tx !== short);
  assert.is(ifc.tx.length, MAX_FRAME);
  const full = new Uint8Array(MAX_FRAME);
  assert.ok(mk({}, { txBuf: full }).ifc.tx === full);
});

test('arpEntries: a positive count is taken, 0 or a negative one gives the default 8', () => {
  assert.is(mk({ arpEntries: 3 }).ifc.arp.n, 3);
  assert.is(mk({ arpEntries: 0 }).ifc.arp.n, 8);
  assert.is(mk({ arpEntries: -1 }).ifc.arp.n, 8);
});

test('no multicast group by default: a datagram to 0.0.0.1 is not ours', () => {
  const { d, ifc } = mk();
  let got = 0;
  ifc.udpBind(7, () => got++);
  feed(ifc, dgram(1, 7));
  assert.is(got, 0);
  assert.is(ifc.counters.dropIpNotUs, 1);
  assert.is(d.sent.length, 0);
});

test('the ICMP rate limit lets the first port unreachable through at time 0', () => {
  //   PEER -> US:9 (unbound), at 0 ms on a fresh interface   US -> PEER: port unreachable
  const { d, ifc } = mk();
  feed(ifc, arpReq(PEER_MAC, PEER, US)); // learns PEER (and answers)
  d.take();
  feed(ifc, dgram(US, 9));
  assert.is(ifc.counters.icmpUnreachTx, 1);
  assert.is(ifc.counters.icmpUnreachLimited, 0);
  assert.is(d.take().length, 1);
});

test('setAddress moves the ARP generation forward: no header cached before is ever valid again', () => {
  const { ifc } = mk();
  const seen = [ifc.arp.gen];
  for (let k = 0; k < 3; k++) {
    ifc.setAddress(US + k, 24, GW);
    assert.ok(ifc.arp.gen > Math.max(...seen), `gen ${ifc.arp.gen} after ${seen}`);
    seen.push(ifc.arp.gen);
  }
});

// ---- which frames TCP's header prediction is offered -----------------------------------------------

/** A protocol handler that takes every frame it is offered whole, and records the offers. */
function taker() {
  const offers: { type: number; dst: string; keep: boolean | undefined }[] = [];
  const h: ProtocolHandler = {
    input() {},
    poll: () => NO_TIMER,
    inputFrame(buf, _len, keep) {
      offers.push({ type: (buf[12] << 8) | buf[13], dst: hexOf(buf.subarray(0, 6)), keep });
      return true;
    },
  };
  return { h, offers };
}

test('registering another protocol leaves TCP\'s inputFrame in place; only protocol 6 gets offers', () => {
  const { ifc } = mk();
  const t = taker(), other = taker();
  ifc.register(6, t.h);
  ifc.register(1, { input() {}, poll: () => NO_TIMER });
  ifc.register(99, other.h);
  feed(ifc, eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 6, pattern(20))));
  assert.is(t.offers.length, 1);
  assert.is(other.offers.length, 0);
});

test('only IPv4 frames for our MAC are offered to TCP: not ARP, not another EtherType, not a MAC one byte off', () => {
  const { d, ifc } = mk();
  const t = taker();
  ifc.register(6, t.h);
  feed(ifc, eth(US_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, ZERO_MAC, US))); // ARP for us: answered
  assert.equal(d.take().map(hexOf), [hexOf(arpRep(US_MAC, US, PEER_MAC, PEER))]);
  feed(ifc, eth(US_MAC, PEER_MAC, 0x0900, ipv4(PEER, US, 6, pattern(20)))); // 0x0900
  feed(ifc, eth(US_MAC, PEER_MAC, 0x0801, ipv4(PEER, US, 6, pattern(20)))); // 0x0801
  for (let k = 0; k < 6; k++) {
    const m = US_MAC.slice();
    m[k] ^= 0x10;
    feed(ifc, eth(m, PEER_MAC, 0x0800, ipv4(PEER, US, 6, pattern(20))));
  }
  assert.equal(t.offers, []);
  assert.is(ifc.counters.dropEthType, 2);
  assert.is(ifc.counters.dropEthNotUs, 6);
  feed(ifc, eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 6, pattern(20))));
  assert.is(t.offers.length, 1);
});

test('a driver whose chip filters MACs (macFilter): every IPv4 frame is offered, as it arrives', () => {
  const { ifc } = mk({}, { macFilter: true });
  const t = taker();
  ifc.register(6, t.h);
  const m = US_MAC.slice();
  m[3] = 0x77;
  feed(ifc, eth(m, PEER_MAC, 0x0800, ipv4(PEER, US, 6, pattern(20))));
  assert.equal(t.offers.map((o) => o.dst), [hexOf(m)]);
});

test('poll offers frames with keep only when the driver says its frames are fresh (rxFresh)', () => {
  const frame = () => eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 6, pattern(20)));
  const fresh = new FakeDriver(US_MAC.slice(), true);
  Object.assign(fresh, { rxFresh: true });
  const stale = new FakeDriver(US_MAC.slice(), true);
  const keeps: (boolean | undefined)[] = [];
  for (const d of [fresh, stale]) {
    const ifc = new Interface(d, { ip: US, prefix: 24 });
    const t = taker();
    ifc.register(6, t.h);
    d.rxq.push(frame());
    ifc.poll(1);
    keeps.push(t.offers[0].keep);
  }
  assert.equal(keeps, [true, false]);
});

// ---- Ethernet --------------------------------------------------------------------------------------

test('a unicast frame for a MAC one byte off ours is dropped, whichever byte', () => {
  const { d, ifc } = mk();
  for (let k = 0; k < 6; k++) {
    const m = US_MAC.slice();
    m[k] ^= 0x10;
    feed(ifc, eth(m, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, ZERO_MAC, US)));
  }
  assert.is(ifc.counters.dropEthNotUs, 6);
  assert.is(ifc.counters.arpRx, 0);
  assert.is(d.sent.length, 0);
});

test('a frame of exactly 14 bytes is a whole Ethernet header: judged by its EtherType', () => {
  const { ifc } = mk();
  const f = eth(US_MAC, PEER_MAC, 0x9999, []);
  assert.is(f.length, 14);
  feed(ifc, f);
  assert.is(ifc.counters.dropEthTruncated, 0);
  assert.is(ifc.counters.dropEthType, 1);
});

test('EtherTypes that share a byte with ARP (0x0807, 0x0906) are not ARP', () => {
  const { d, ifc } = mk();
  for (const type of [0x0807, 0x0906]) feed(ifc, eth(US_MAC, PEER_MAC, type, arp(1, PEER_MAC, PEER, ZERO_MAC, US)));
  assert.is(ifc.counters.dropEthType, 2);
  assert.is(ifc.counters.arpRx, 0);
  assert.is(d.sent.length, 0);
});

test('input never reads past the frame: a length beyond the buffer is cut to it', () => {
  const { d, ifc } = mk();
  const f = arpReq(PEER_MAC, PEER, US).subarray(0, 41); // one byte of the target address missing
  ifc.input(f, 42);
  assert.is(ifc.counters.dropArpTruncated, 1);
  ifc.input(US_MAC.slice(0, 10), 60); // not even an Ethernet header
  assert.is(ifc.counters.dropEthTruncated, 1);
  assert.is(ifc.counters.dropEthNotUs, 0);
  assert.is(d.sent.length, 0);
});

test('an ARP packet is as long as the frame says, not as the buffer it lies in', () => {
  const { d, ifc } = mk();
  const buf = new Uint8Array(MAX_FRAME);
  buf.set(arpReq(PEER_MAC, PEER, US));
  ifc.input(buf, 41);
  assert.is(ifc.counters.dropArpTruncated, 1);
  assert.is(d.sent.length, 0);
});

// ---- ARP ---------------------------------------------------------------------------------------------

test('unconfigured (address 0): a request for 0.0.0.0 is not for us: not answered, sender not learnt', () => {
  const d = new FakeDriver(US_MAC.slice());
  const ifc = new Interface(d, {});
  feed(ifc, arpReq(PEER_MAC, PEER, 0));
  assert.is(d.sent.length, 0);
  assert.is(ifc.arp.find(PEER), -1);
  assert.is(ifc.counters.dropArpNotUs, 1);
});

test('a multicast sender address (224/4) is never learnt nor answered', () => {
  const { d, ifc } = mk();
  feed(ifc, arpReq(PEER_MAC, 0xe0000005, US));
  assert.is(d.sent.length, 0);
  assert.is(ifc.arp.find(0xe0000005), -1);
  assert.is(ifc.counters.dropArpNotUs, 1);
});

test('the sender hardware address is ARP\'s, not the Ethernet source: a group one is refused', () => {
  const { d, ifc } = mk();
  const group = Uint8Array.of(1, 0, 0x5e, 0, 0, 1);
  feed(ifc, arpReq(group, PEER, US, PEER_MAC)); // Ethernet source unicast, ARP sender group
  assert.is(d.sent.length, 0);
  assert.is(ifc.counters.dropArpNotUs, 1);
  feed(ifc, arpReq(PEER_MAC, PEER, US, group)); // the other way round: answered
  assert.is(d.sent.length, 1);
});

test('ARP learns, merges and answers the sender hardware address, not the Ethernet source', () => {
  //   PEER (Ethernet source GW_MAC): who-has US? tell PEER at PEER_MAC
  //   US -> PEER_MAC: US is-at US_MAC; a datagram to PEER goes to PEER_MAC
  const { d, ifc } = mk();
  feed(ifc, arpReq(PEER_MAC, PEER, US, GW_MAC));
  assert.equal(d.take().map(hexOf), [hexOf(arpRep(US_MAC, US, PEER_MAC, PEER))]);
  const out = new Uint8Array(6);
  assert.ok(ifc.arpLookup(PEER, out));
  assert.equal([...out], [...PEER_MAC]);
  // merge: PEER moves to a new MAC, said by a reply whose Ethernet source is yet another
  const moved = Uint8Array.of(2, 0, 0, 0, 0, 0x22);
  feed(ifc, arpRep(moved, PEER, US_MAC, US, GW_MAC));
  assert.ok(ifc.arpLookup(PEER, out));
  assert.equal([...out], [...moved]);
  // and a pending entry resolved by such a reply sends its queued datagram to the ARP sender
  sendUdp(ifc, GW);
  d.take();
  feed(ifc, arpRep(GW_MAC, GW, US_MAC, US, PEER_MAC));
  assert.equal(d.take().map((f) => hexOf(f.subarray(0, 6))), [hexOf(GW_MAC)]);
});

test('a request from a known sender for another address updates it and is no drop', () => {
  const { d, ifc } = mk();
  resolve(d, ifc, PEER, PEER_MAC);
  const moved = Uint8Array.of(2, 0, 0, 0, 0, 0x22);
  feed(ifc, arpReq(moved, PEER, 0xc6120009));
  assert.is(d.sent.length, 0, 'not answered');
  assert.is(ifc.counters.dropArpNotUs, 0, 'merged (RFC 826), not dropped');
  const out = new Uint8Array(6);
  ifc.arpLookup(PEER, out);
  assert.equal([...out], [...moved]);
});

test('arpRequest (the board\'s own, DHCP\'s probe) may evict a pending or a resolved entry', () => {
  //   table of 1: PEER pending, asked now; arpRequest(X) evicts it at once
  const { d, ifc } = mk({ arpEntries: 1 });
  sendUdp(ifc, PEER);
  d.take();
  ifc.arpRequest(hostOf(1));
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(1))]);
  assert.is(ifc.arp.find(PEER), -1);
  feed(ifc, arpRep(macOf(1), hostOf(1), US_MAC, US));
  assert.ok(ifc.arpLookup(hostOf(1)), 'X answered: resolved');
  //   X resolved just now; arpRequest(Y) evicts it at once
  ifc.arpRequest(hostOf(2));
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(2))]);
  assert.not.ok(ifc.arpLookup(hostOf(1)));
  feed(ifc, arpRep(macOf(2), hostOf(2), US_MAC, US));
  assert.ok(ifc.arpLookup(hostOf(2)));
});

// ---- output ---------------------------------------------------------------------------------------------

test('sendPing: an echo request exactly the MTU long goes out; a byte more does not', () => {
  const { d, ifc } = mk({ mtu: 576 });
  resolve(d, ifc, PEER, PEER_MAC);
  assert.ok(ifc.sendPing(PEER, 1, 1, new Uint8Array(576 - 28), 0, 576 - 28));
  assert.is(d.take()[0].length, 14 + 576);
  assert.not.ok(ifc.sendPing(PEER, 1, 1, new Uint8Array(576 - 27), 0, 576 - 27));
  assert.is(d.sent.length, 0);
  assert.is(ifc.counters.dropTxTooBig, 1);
});

test('sendPing with data null sends the bytes already in place in tx', () => {
  const { d, ifc } = mk();
  resolve(d, ifc, PEER, PEER_MAC);
  ifc.tx.set([9, 8, 7], IP_PAYLOAD_OFFSET + 8);
  assert.ok(ifc.sendPing(PEER, 0x1234, 5, null, 0, 3));
  const want = eth(PEER_MAC, US_MAC, 0x0800, ipv4(US, PEER, 1, echo(8, 0x1234, 5, [9, 8, 7]), { id: 1 }));
  assert.equal(d.take().map(hexOf), [hexOf(want)]);
});

test('a busy resolved entry is asked again at most once per ARP_RETRY_MS, from the refresh age on', () => {
  const { d, ifc } = mk();
  resolve(d, ifc, PEER, PEER_MAC); // confirmed at 0
  const t0 = ARP_REFRESH_AGE_MS;
  const requests = (now: number) => { ifc.now = now; sendUdp(ifc, PEER); return d.take().map(hexOf).filter((h) => h === ourReq(PEER)).length; };
  assert.is(requests(t0 - 1), 0);
  assert.is(requests(t0), 1);
  assert.is(requests(t0 + ARP_RETRY_MS - 1), 0);
  assert.is(requests(t0 + ARP_RETRY_MS), 1);
});

test('headers are offered for reuse only when the frame went out', () => {
  const { d, ifc } = mk();
  resolve(d, ifc, PEER, PEER_MAC);
  sendUdp(ifc, PEER);
  assert.is(ifc.txReuseUntil, ARP_REFRESH_AGE_MS);
  d.accept = false;
  assert.not.ok(sendUdp(ifc, PEER));
  assert.is(ifc.txReuseUntil, 0);
});

test('reachable: an off-link destination is reached through the gateway; none without one; not while pending', () => {
  const { d, ifc } = mk();
  resolve(d, ifc, GW, GW_MAC);
  assert.ok(ifc.reachable(FAR), 'via the resolved gateway');
  assert.equal(d.take(), []);
  const lone = mk({ gateway: 0 });
  assert.not.ok(lone.ifc.reachable(FAR), 'no gateway: no route');
  assert.equal(lone.d.take(), [], 'and nothing asked');
  // a next hop asked for, no reply yet
  sendUdp(ifc, PEER);
  d.take();
  assert.not.ok(ifc.reachable(PEER));
  assert.equal(d.take(), [], 'not asked again');
});

test('spareEntry: a refusal does not count as a request for the rate limit', () => {
  //   table of 2: PEER resolved; X pending asked at 0.
  //   999 ms: reachable(Y): nothing spare (X asked under a second ago)
  //   1000 ms: reachable(Y): X's entry is spare, asked at once (the last request was at 0)
  const { d, ifc } = mk({ arpEntries: 2 });
  resolve(d, ifc, PEER, PEER_MAC);
  assert.not.ok(ifc.reachable(hostOf(1)));
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(1))]);
  ifc.now = 999;
  assert.not.ok(ifc.reachable(hostOf(2)));
  assert.equal(d.take(), []);
  ifc.now = 1000;
  assert.not.ok(ifc.reachable(hostOf(2)));
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(2))]);
});

// ---- ARP timers ---------------------------------------------------------------------------------------

test('a new entry does not put off an earlier retry', () => {
  //   0 ms: who-has X; 600 ms: who-has Y; 1000 ms: who-has X again (Y not yet); 1600 ms: Y again
  const { d, ifc } = mk();
  ifc.poll(0);
  sendUdp(ifc, hostOf(1));
  ifc.now = 600;
  sendUdp(ifc, hostOf(2));
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(1)), ourReq(hostOf(2))]);
  ifc.poll(1000);
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(1))]);
  ifc.poll(1599);
  assert.equal(d.take(), []);
  ifc.poll(1600);
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(2))]);
});

test('an ARP reply or request taken between polls does not put off a pending retry', () => {
  //   0 ms: who-has X; 500 ms: PEER is-at (merge), and Z asks for us (learnt); 1000 ms: who-has X
  const { d, ifc } = mk();
  resolve(d, ifc, PEER, PEER_MAC);
  ifc.poll(0);
  sendUdp(ifc, hostOf(1));
  d.take();
  ifc.now = 500;
  feed(ifc, arpRep(PEER_MAC, PEER, US_MAC, US));
  feed(ifc, arpReq(macOf(3), hostOf(3), US));
  d.take();
  ifc.poll(1000);
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(1))]);
});

test('a resolved entry (asked for by the board) expires ARP_MAX_AGE_MS after its confirmation', () => {
  const { d, ifc } = mk();
  resolve(d, ifc, PEER, PEER_MAC);
  ifc.poll(ARP_MAX_AGE_MS - 1);
  assert.ok(ifc.arpLookup(PEER));
  ifc.poll(ARP_MAX_AGE_MS);
  assert.not.ok(ifc.arpLookup(PEER));
  assert.is(ifc.poll(ARP_MAX_AGE_MS + 5), NO_TIMER, 'an empty table: no timer');
});

test('the ARP timer is the earliest of all entries, whatever their order in the table', () => {
  //   entry 0: PEER, resolved at 0, expires at ARP_MAX_AGE_MS (T + 300)
  //   entry 1: X asked at T - 1200, again at T - 200 (next at T + 800)
  //   entry 2: Y asked at T - 1000, again at T (next at T + 1000)
  //   at T the next ARP timer is PEER's, in 300 ms, and PEER is gone at T + 300
  const T = ARP_MAX_AGE_MS - 300;
  const { d, ifc } = mk();
  resolve(d, ifc, PEER, PEER_MAC);
  ifc.poll(0);
  ifc.now = T - 1200;
  sendUdp(ifc, hostOf(1));
  ifc.now = T - 1000;
  sendUdp(ifc, hostOf(2));
  ifc.poll(T - 200);
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(1)), ourReq(hostOf(2)), ourReq(hostOf(1))]);
  assert.is(ifc.poll(T), 300);
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(2))]);
  ifc.poll(T + 300);
  assert.not.ok(ifc.arpLookup(PEER));
});

test('the ARP timer with a pending entry first and a resolved one after is the pending one\'s', () => {
  const { d, ifc } = mk();
  ifc.poll(0);
  sendUdp(ifc, hostOf(1)); // entry 0: pending, retry at 1000
  resolve(d, ifc, PEER, PEER_MAC); // entry 1: resolved, expires at ARP_MAX_AGE_MS
  assert.is(ifc.poll(1), 999);
  ifc.poll(1000);
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(1))]);
  assert.is(ifc.poll(1001), 999);
});

test('of two resolved entries the one confirmed first expires first, whatever their order in the table', () => {
  //   entry 0: X asked at 0, confirmed at 100; entry 1: Y asked at 0, confirmed at 0
  //   at 1000 (the retry timer set when they were asked) the next ARP timer is Y's expiry
  const { d, ifc } = mk();
  ifc.poll(0);
  sendUdp(ifc, hostOf(1));
  sendUdp(ifc, hostOf(2));
  feed(ifc, arpRep(macOf(2), hostOf(2), US_MAC, US));
  ifc.now = 100;
  feed(ifc, arpRep(macOf(1), hostOf(1), US_MAC, US));
  d.take();
  assert.is(ifc.poll(1000), ARP_MAX_AGE_MS - 1000);
  ifc.poll(ARP_MAX_AGE_MS);
  assert.not.ok(ifc.arpLookup(hostOf(2)));
  assert.ok(ifc.arpLookup(hostOf(1)));
  assert.is(ifc.poll(ARP_MAX_AGE_MS + 1), 99);
});

/** Counts the ARP table scans from now on (each reads the table's size `n` once per entry). */
function countScans(ifc: Interface) {
  const a = ifc.arp, n = a.n;
  const w = { reads: 0 };
  Object.defineProperty(a, 'n', { get: () => { w.reads++; return n; }, configurable: true });
  return w;
}

test('poll skips the ARP table scan before the next ARP timer (arpDue), and scans at it', () => {
  //   0 ms: who-has X (retry due at 1000)   polls at 1, 500, 999: no scan   1000: the retry
  const { d, ifc } = mk();
  ifc.poll(0);
  sendUdp(ifc, hostOf(1));
  d.take();
  const w = countScans(ifc);
  for (const t of [1, 500, 999]) assert.is(ifc.poll(t), 1000 - t);
  assert.is(w.reads, 0, 'the table was scanned before its timer');
  ifc.poll(1000);
  assert.ok(w.reads > 0);
  assert.equal(d.take().map(hexOf), [ourReq(hostOf(1))]);
});

test('a new entry whose retry is no sooner than the ARP timer leaves the stack\'s deadline (due) alone', () => {
  //   0 ms: who-has X: a timer sooner than none, due = 0 (worked out again at the next poll)
  //   0 ms, the stack's deadline worked out: who-has Y, its retry with X's: due untouched
  //   500 ms: who-has Z: its retry after X's: due untouched
  const { d, ifc } = mk();
  ifc.poll(0);
  ifc.due = 5;
  sendUdp(ifc, hostOf(1));
  assert.is(ifc.due, 0);
  ifc.due = 1000;
  sendUdp(ifc, hostOf(2));
  ifc.now = 500;
  sendUdp(ifc, hostOf(3));
  assert.is(ifc.due, 1000);
  assert.is(d.take().length, 3);
});

test('arp.tries counts the requests sent for a pending entry', () => {
  const { d, ifc } = mk();
  ifc.poll(0);
  sendUdp(ifc, hostOf(1));
  const i = ifc.arp.find(hostOf(1));
  const tries: number[] = [ifc.arp.tries[i]];
  for (const t of [1000, 2000]) { ifc.poll(t); tries.push(ifc.arp.tries[i]); }
  assert.equal(tries, [1, 2, 3]);
  assert.is(d.take().length, 3);
});

test('a handler overdue (a negative delay) makes poll return 0', () => {
  const { ifc } = mk();
  ifc.register(99, { input() {}, poll: () => -5 });
  assert.is(ifc.poll(10), 0);
});

// ---- IPv4, ICMP and UDP while unconfigured ------------------------------------------------------

test('unconfigured: unicast UDP to any address is taken (DHCP), multicast or another protocol is not ours', () => {
  const d = new FakeDriver(US_MAC.slice());
  const ifc = new Interface(d, {});
  let got = 0;
  ifc.udpBind(68, () => got++);
  feed(ifc, dgram(0xc6120009, 68));
  assert.is(got, 1);
  feed(ifc, eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, 0xc6120009, 1, echo(8, 1, 1, []))));
  assert.is(ifc.counters.dropIpNotUs, 1);
  assert.is(ifc.counters.icmpEchoRx, 0);
  feed(ifc, eth(Uint8Array.of(1, 0, 0x5e, 0, 0, 9), PEER_MAC, 0x0800, ipv4(PEER, 0xe0000009, 17, udp(PEER, 0xe0000009, 67, 68, [1]))));
  assert.is(got, 1, 'a group we are not in: not ours either');
  assert.is(ifc.counters.dropIpNotUs, 2);
  assert.is(d.sent.length, 0);
});

test('unconfigured: an echo request to 0.0.0.0 or to our group is not answered from 0.0.0.0', () => {
  const d = new FakeDriver(US_MAC.slice());
  const ifc = new Interface(d, {});
  ifc.group = 0xe00000fb;
  feed(ifc, eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, 0, 1, echo(8, 1, 1, []))));
  feed(ifc, eth(Uint8Array.of(1, 0, 0x5e, 0, 0, 0xfb), PEER_MAC, 0x0800, ipv4(PEER, 0xe00000fb, 1, echo(8, 1, 2, []))));
  assert.is(ifc.counters.icmpEchoRx, 2);
  assert.is(ifc.counters.dropIcmpBcast, 2);
  assert.is(d.sent.length, 0);
});

test('unconfigured: a datagram to an unbound port gets no port unreachable (it would come from 0.0.0.0)', () => {
  const d = new FakeDriver(US_MAC.slice());
  const ifc = new Interface(d, {});
  feed(ifc, dgram(0xc6120009, 9));
  assert.is(ifc.counters.dropUdpNoPort, 1);
  assert.is(ifc.counters.icmpUnreachTx, 0);
  assert.is(d.sent.length, 0);
});

test('a datagram from 0.0.0.0 to an unbound port gets no port unreachable', () => {
  const { d, ifc } = mk();
  feed(ifc, dgram(US, 9, 0));
  assert.is(ifc.counters.dropUdpNoPort, 1);
  assert.is(ifc.counters.icmpUnreachTx, 0);
  assert.is(d.sent.length, 0);
});

test('our own address as source is not taken for the subnet broadcast, even when they are equal', () => {
  // 198.18.0.255/24 (a host part of all ones): datagrams from it are not broadcast-sourced
  const d = new FakeDriver(US_MAC.slice());
  const me = 0xc61200ff;
  const ifc = new Interface(d, { ip: me, prefix: 24 });
  let got = 0;
  ifc.udpBind(7, () => got++);
  feed(ifc, dgram(me, 7, me));
  assert.is(got, 1);
  assert.is(ifc.counters.dropIpSrc, 0);
});

// ---- free memory (StackConfig.freeBlocks) ------------------------------------------------------------

/** An interface whose free memory the test sets (`free`), reserve 400 blocks; every measure
 *  recorded with its gc argument. */
function memWorld() {
  const { d, ifc } = mk();
  const w = { d, ifc, free: 1000, afterGc: -1, calls: [] as boolean[] };
  ifc.memReserve = 400;
  ifc.freeBlocks = (gc: boolean) => { w.calls.push(gc); return gc && w.afterGc >= 0 ? w.afterGc : w.free; };
  return w;
}
const ping = (seq: number) => eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, echo(8, 1, seq, [])));

test('memory: an idle poll never measures; a frame is measured before, once, without a collection when plenty', () => {
  const w = memWorld();
  w.ifc.poll(0);
  w.ifc.poll(100);
  assert.equal(w.calls, []);
  w.d.rxq.push(ping(1), ping(2));
  w.ifc.poll(200);
  assert.equal(w.calls, [false]);
  assert.is(w.ifc.memFree, 1000);
  assert.is(w.ifc.lowMem, MEM_OK);
});

test('memory: under the reserve, measured again after a collection, which decides', () => {
  const w = memWorld();
  w.free = 399;
  w.afterGc = 700;
  w.d.rxq.push(ping(1));
  w.ifc.poll(0);
  assert.equal(w.calls, [false, true]);
  assert.is(w.ifc.memFree, 700);
  assert.is(w.ifc.lowMem, MEM_OK);
});

test('memory: at the reserve exactly, no collection and OK; just under half of it CRITICAL, at half LOW', () => {
  const w = memWorld();
  w.free = 400;
  w.d.rxq.push(ping(1));
  w.ifc.poll(0);
  assert.equal(w.calls, [false]);
  assert.is(w.ifc.lowMem, MEM_OK);
  w.free = 200;
  w.d.rxq.push(ping(2));
  w.ifc.poll(100);
  assert.is(w.ifc.lowMem, MEM_LOW);
  w.free = 199;
  w.ifc.poll(200);
  assert.is(w.ifc.lowMem, MEM_CRITICAL);
});

test('memory: measured at most every MEM_CHECK_MS', () => {
  const w = memWorld();
  const at: number[] = [];
  for (const t of [0, MEM_CHECK_MS - 1, MEM_CHECK_MS, 2 * MEM_CHECK_MS - 1, 2 * MEM_CHECK_MS]) {
    const n = w.calls.length;
    w.d.rxq.push(ping(t));
    w.ifc.poll(t);
    if (w.calls.length > n) at.push(t);
  }
  assert.equal(at, [0, MEM_CHECK_MS, 2 * MEM_CHECK_MS]);
});

test('memory: while low, measured on every poll (before reading), idle or not', () => {
  const w = memWorld();
  w.free = 300;
  w.d.rxq.push(ping(1));
  w.ifc.poll(0);
  assert.is(w.ifc.lowMem, MEM_LOW);
  w.calls.length = 0;
  w.ifc.poll(100); // idle
  assert.equal(w.calls, [false, true]);
  w.free = 1000;
  w.ifc.poll(200);
  assert.is(w.ifc.lowMem, MEM_OK);
});

test('memory: one measure per poll, before its first frame, however many frames it reads', () => {
  const w = memWorld();
  let measures = 0;
  const measure = w.ifc.measure.bind(w.ifc);
  w.ifc.measure = (now: number) => { measures++; measure(now); };
  w.d.rxq.push(ping(1), ping(2), ping(3));
  w.ifc.poll(0);
  assert.is(measures, 1, 'memory fine');
  w.free = 300; // low from the next measure on
  w.d.rxq.push(ping(4), ping(5), ping(6));
  w.ifc.poll(100);
  w.d.rxq.push(ping(7), ping(8), ping(9));
  w.ifc.poll(200);
  assert.is(w.ifc.lowMem, MEM_LOW);
  assert.is(measures, 3, 'memory low');
  assert.is(w.d.rxq.length, 0);
});

test('memory: lowMemPolls counts each poll that left frames in the driver, once, and only while critical', () => {
  const w = memWorld();
  w.ifc.poll(0);
  assert.is(w.ifc.counters.lowMemPolls, 0, 'idle, memory fine');
  w.free = 100;
  w.d.rxq.push(ping(1), ping(2));
  w.ifc.poll(100); // measured before the first frame: CRITICAL from the next poll on
  assert.is(w.ifc.lowMem, MEM_CRITICAL);
  const before = w.ifc.counters.lowMemPolls;
  w.ifc.poll(200);
  assert.is(w.ifc.counters.lowMemPolls, before + 1);
  assert.is(w.d.rxq.length, 1, 'the second ping waits in the driver');
});

test.run();
