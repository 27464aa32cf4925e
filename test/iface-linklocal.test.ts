// Link-local IPv4 (iface/linklocal.ts, RFC 3927) as ladders in virtual time, polled every
// millisecond on a fake driver: the ARP probes and announcements it sends (exact frames and
// times: 8 s of DHCP silence, PROBE_WAIT, PROBE_MIN..PROBE_MAX, ANNOUNCE_WAIT, ANNOUNCE_INTERVAL,
// section 9), which ARP frames seen while probing are conflicts (2.2.1), the rate limit once the
// conflicts exceed MAX_CONFLICTS, the defence (2.5, DEFEND_INTERVAL), and the hand-over to DHCP
// (1.9): the driver's receive function wrapped only while probing, then given back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interface } from '../firmware/iface/interface.ts';
import { LinkLocal, LL_WAIT, LL_PROBING, LL_ANNOUNCING, LL_BOUND, LL_AFTER_MS } from '../firmware/iface/linklocal.ts';
import { NO_TIMER } from '../firmware/iface/types.ts';
import { emitEthernet, MAC_BROADCAST } from '../firmware/wire/ethernet.ts';
import { emitArp } from '../firmware/wire/arp.ts';
import { ipFromString, ipToString } from '../firmware/wire/ipv4.ts';
import { FakeDriver } from './helpers/fake-driver.ts';

const MAC = new Uint8Array([2, 0, 0x5e, 0, 0, 2]);
const PEER_MAC = new Uint8Array([2, 0, 0x5e, 0, 0, 9]);
const ip = (s: string) => ipFromString(s) >>> 0;
/** The first candidate from the MAC (2.1): 169.254.1.0 + (02:00:5e:00:00:02 hashed) % 0xfe00. */
const FIRST = '169.254.125.2';
/** The candidate after a conflict with random32() = r. */
const cand = (r: number) => ipToString((0xa9fe0100 + (r >>> 0) % 0xfe00) >>> 0);
const DHCP_IP = ip('198.18.0.50');

function arpFrame(oper: number, sha: Uint8Array, spa: number, tpa: number): Uint8Array {
  const f = new Uint8Array(42);
  emitEthernet(f, 0, MAC_BROADCAST, sha, 0x0806);
  emitArp(f, 14, oper, sha, spa, new Uint8Array(6), tpa);
  return f;
}
const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

interface Opts { chip?: boolean; addr?: number; print?: boolean; stack?: unknown }
/** A board with no address (DHCP silent) and link-local; `w.rnd` is what random32() returns
 *  (1500 unless a test changes it). The log: "t: probe X", "t: announce X", "t: reply ...", "t: say ...". */
function world(o: Opts = {}) {
  const d = new FakeDriver(MAC, o.chip ?? true);
  const own = { recvFrame: d.recvFrame, recv: d.recv };
  const r = { rnd: 1500 };
  const netif = new Interface(d, { ip: o.addr ?? 0, prefix: o.addr ? 24 : 0, random32: () => r.rnd });
  d.take();
  const log: string[] = [];
  let now = -1;
  const changes: string[] = [];
  const stack = o.stack ?? { dhcp: { opts: { onAddressChange: (a: number, b: number) => changes.push(`${ipToString(a)}->${ipToString(b)}`) } } };
  const ll = new LinkLocal(netif, stack as never, o.print === false ? undefined : (l) => log.push(`${now}: say ${l}`));
  const frames: Uint8Array[] = [];
  const send = d.send.bind(d);
  d.send = (f: Uint8Array, len: number) => {
    const r = send(f, len);
    const s = d.take()[0];
    frames.push(s);
    if (s[12] === 8 && s[13] === 6) {
      const spa = ipToString(((s[28] << 24) | (s[29] << 16) | (s[30] << 8) | s[31]) >>> 0);
      const tpa = ipToString(((s[38] << 24) | (s[39] << 16) | (s[40] << 8) | s[41]) >>> 0);
      if (s[21] === 2) log.push(`${now}: reply ${spa} -> ${tpa}${s[0] === 255 ? ' broadcast' : ''}`);
      else log.push(`${now}: ${spa === '0.0.0.0' ? 'probe ' + tpa : spa === tpa ? 'announce ' + spa : spa + ' asks ' + tpa}`);
    } else log.push(`${now}: frame type ${s[12]},${s[13]}`);
    return r;
  };
  const wakes = new Map<number, number>();
  const poll = ll.poll.bind(ll);
  ll.poll = (x: number) => { const r = poll(x); wakes.set(x, r); return r; };
  const to = (t: number) => { for (let x = now + 1; x <= t; x++) { now = x; netif.poll(x); } };
  /** A frame arrives for the poll at t. */
  const hear = (t: number, f: Uint8Array) => { to(t - 1); d.rxq.push(f); to(t); };
  return { r, d, own, netif, ll, log, frames, changes, to, hear, wake: (t: number) => wakes.get(t), take: () => log.splice(0) };
}

test('the ladder (random 1500): 8 s of silence; probes at +500 ms (PROBE_WAIT), then 1.5 s apart; 2 s after the last (ANNOUNCE_WAIT) the address and its announcement, the second 2 s later', () => {
  const w = world();
  w.to(13500);
  assert.is(w.ll.state, LL_ANNOUNCING, 'between the claim and the second announcement');
  w.to(30000);
  assert.equal(w.take(), [`8500: probe ${FIRST}`, `10000: probe ${FIRST}`, `11500: probe ${FIRST}`, `13500: announce ${FIRST}`,
    `13500: say synack: ${FIRST}/16 link-local (no answer from DHCP; still asking)`, `15500: announce ${FIRST}`]);
  assert.equal([w.ll.state, ipToString(w.netif.ip), w.netif.prefix, w.netif.gateway, w.ll.conflicts], [LL_BOUND, FIRST, 16, 0, 0]);
  // The wakes it asks for: the end of the silence, each probe, the claim, the second announcement.
  assert.equal([0, 1, 8000, 8001, 8500, 8501, 10000, 11500, 11501, 13500, 13501, 15500, 15501].map((t) => w.wake(t)),
    [8000, 7999, 500, 499, 1500, 1499, 1500, 2000, 1999, 2000, 1999, NO_TIMER, NO_TIMER]);
});

test('2.2.1, 2.4: the probe and the announcement, byte by byte: broadcast ARP requests from our MAC, target hardware address zero', () => {
  const w = world();
  w.to(16000);
  const c = u32(ip(FIRST));
  const arp = (spa: number[]) => [255, 255, 255, 255, 255, 255, ...MAC, 8, 6, 0, 1, 8, 0, 6, 4, 0, 1, ...MAC, ...spa, 0, 0, 0, 0, 0, 0, ...c];
  assert.equal([...w.frames[0]], arp([0, 0, 0, 0]));
  assert.equal([...w.frames[4]], arp(c));
  assert.is(w.frames.length, 5);
});

test('a DHCP address from the start: no link-local; the address lost at 20 s: probing 8 s later', () => {
  const w = world({ addr: DHCP_IP });
  w.to(60000);
  assert.equal([w.take(), w.ll.state, w.wake(60000)], [[], LL_WAIT, NO_TIMER]);
  w.netif.setAddress(0, 0, 0);
  w.to(90000);
  assert.equal(w.take().slice(0, 1), [`68500: probe ${FIRST}`]);
});

test('1.9: DHCP binds while probing: link-local stops at once (no more probes), the driver\'s receive function is its own again', () => {
  const w = world();
  w.to(9000);
  assert.equal([w.take(), w.ll.state], [[`8500: probe ${FIRST}`], LL_PROBING]);
  assert.ok(w.d.recvFrame !== w.own.recvFrame, 'wrapped while probing');
  w.netif.setAddress(DHCP_IP, 24, 0);
  w.take();
  w.to(40000);
  assert.equal([w.take(), w.ll.state, w.ll.ip, w.wake(9001)], [[], LL_WAIT, 0, NO_TIMER]);
  assert.ok(w.d.recvFrame === w.own.recvFrame);
});

test('1.9: DHCP binds once the link-local address is held: link-local steps aside; the driver keeps its receive function', () => {
  const w = world();
  w.to(20000);
  w.netif.setAddress(DHCP_IP, 24, 0);
  w.to(20001);
  assert.equal([w.ll.state, w.ll.ip, w.wake(20001), ipToString(w.netif.ip)], [LL_WAIT, 0, NO_TIMER, '198.18.0.50']);
  assert.ok(w.d.recvFrame === w.own.recvFrame);
});

test('the link-local address taken away (set to 0): given up; probing again 8 s later', () => {
  const w = world();
  w.to(20000);
  w.take();
  w.netif.setAddress(0, 0, 0);
  w.to(40000);
  assert.is(w.wake(20001), LL_AFTER_MS);
  assert.equal(w.take().slice(0, 1), [`28501: probe ${FIRST}`]);
});

test('2.2.1: frames seen while probing that are no conflict: not ARP, too short, a request from an addressed host for the candidate or another address, a probe for another address, a reply from 0.0.0.0', () => {
  const w = world();
  w.to(9000);
  const c = ip(FIRST), other = ip('169.254.9.9');
  const typed = (t0: number, t1: number) => { const f = arpFrame(2, PEER_MAC, c, 0); f[12] = t0; f[13] = t1; return f; };
  w.hear(9001, typed(8, 0));                                   // IPv4, with the candidate where an ARP sender is
  w.hear(9002, typed(9, 6));                                   // 0x0906
  w.hear(9003, arpFrame(2, PEER_MAC, c, 0).subarray(0, 41));   // an ARP reply from the candidate, cut short
  w.hear(9004, arpFrame(1, PEER_MAC, other, c));               // who has the candidate? from 169.254.9.9
  w.hear(9005, arpFrame(1, PEER_MAC, other, ip('169.254.9.10')));
  w.hear(9006, arpFrame(1, PEER_MAC, 0, other));               // a probe for another address
  w.hear(9007, arpFrame(2, PEER_MAC, 0, c));                   // a reply from 0.0.0.0 to the candidate
  w.to(20000);
  assert.equal(w.ll.conflicts, 0);
  assert.equal(w.take().filter((l) => !l.includes('reply')), [`8500: probe ${FIRST}`, `10000: probe ${FIRST}`, `11500: probe ${FIRST}`, `13500: announce ${FIRST}`,
    `13500: say synack: ${FIRST}/16 link-local (no answer from DHCP; still asking)`, `15500: announce ${FIRST}`]);
});

test('2.2.1: conflicts while probing: a reply from the candidate, another station\'s probe for it: another candidate probed at once', () => {
  const w = world();
  w.to(9000);
  w.r.rnd = 7;
  w.hear(9001, arpFrame(2, PEER_MAC, ip(FIRST), 0));
  w.to(9100);
  w.r.rnd = 9;
  w.hear(9101, arpFrame(1, PEER_MAC, 0, ip(cand(7))));
  w.to(9200);
  assert.equal(w.take(), [`8500: probe ${FIRST}`, `9002: probe ${cand(7)}`, `9102: probe ${cand(9)}`]);
  assert.equal([w.ll.conflicts, w.wake(9001), w.wake(9002)], [2, 0, 1007]);
});

test('a driver with recv (not recvFrame): wrapped while probing, a conflict seen through it, recv given back once the address is claimed', () => {
  const w = world({ chip: false });
  w.to(9000);
  assert.ok(w.d.recv !== w.own.recv);
  w.r.rnd = 7;
  w.hear(9001, arpFrame(2, PEER_MAC, ip(FIRST), 0));
  w.to(20000);
  assert.equal(w.take().slice(0, 3), [`8500: probe ${FIRST}`, `9002: probe ${cand(7)}`, `10009: probe ${cand(7)}`]);
  assert.equal([w.ll.state, w.ll.conflicts, ipToString(w.netif.ip)], [LL_BOUND, 1, cand(7)]);
  assert.ok(w.d.recv === w.own.recv);
});

test('2.2.1 rate limit: once the conflicts exceed MAX_CONFLICTS (10), the next candidate is probed 60 s later; at 10, at once', () => {
  const w = world();
  w.to(8600);
  for (let n = 1; n <= 11; n++) {
    w.r.rnd = 100 + n;
    w.hear(8600 + 10 * n, arpFrame(2, PEER_MAC, w.ll.ip, 0));
    assert.is(w.ll.conflicts, n);
  }
  const l = w.take();
  assert.is(l.length, 11);
  assert.is(l[l.length - 1], `8701: probe ${cand(110)}`, 'the candidate after the 10th conflict, at once');
  assert.is(w.wake(8710), 60000);
  w.to(68709);
  assert.equal(w.take(), []);
  w.to(68710);
  assert.equal(w.take(), [`68710: probe ${cand(111)}`]);
});

test('2.5 defence: a conflict right after the claim is answered with one announcement; another 10 s later too; one within 10 s gives the address up', () => {
  const w = world();
  w.to(16000);
  w.take();
  w.r.rnd = 33;
  const me = ip(FIRST);
  w.hear(16001, arpFrame(1, PEER_MAC, me, me));
  w.hear(26001, arpFrame(1, PEER_MAC, me, me));
  assert.equal([w.take(), w.ll.conflicts, ipToString(w.netif.ip)], [[`16001: announce ${FIRST}`, `26001: announce ${FIRST}`], 0, FIRST]);
  w.hear(36000, arpFrame(1, PEER_MAC, me, me));
  w.to(36001);
  assert.equal(w.take(), [`36000: say synack: ${FIRST} is in use by another host: choosing another link-local address`, `36001: probe ${cand(33)}`]);
  assert.equal([w.ll.conflicts, w.netif.ip, w.ll.state, w.changes], [1, 0, LL_PROBING, [`${FIRST}->0.0.0.0`]]);
});

test('2.5: a lost defence with no DHCP client (or none listening) and no console: the address is given up all the same', () => {
  for (const stack of [{}, { dhcp: { opts: {} } }]) {
    const w = world({ stack, print: false });
    w.to(16000);
    w.r.rnd = 33;
    const me = ip(FIRST);
    w.hear(16001, arpFrame(1, PEER_MAC, me, me));
    w.hear(16002, arpFrame(1, PEER_MAC, me, me));
    w.to(16003);
    assert.equal([w.ll.state, w.netif.ip, w.take().slice(-1)], [LL_PROBING, 0, [`16003: probe ${cand(33)}`]]);
  }
});

test.run();
