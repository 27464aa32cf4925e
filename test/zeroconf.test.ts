// The mDNS responder (RFC 6762), its DNS-SD records (RFC 6763) and link-local IPv4 (RFC 3927),
// message by message on a fake driver in virtual time: probes, announcements, answers by
// multicast, unicast (QU) and legacy unicast, the rename on a conflict, the re-announcement on a
// new address, hostile messages dropped and counted; ARP probes, a conflict, the claim, the defence
// and the hand-over to DHCP.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interface } from '../firmware/iface/interface.ts';
import { Mdns, MDNS_ANNOUNCED, MDNS_PROBING } from '../firmware/iface/mdns.ts';
import { LinkLocal, LL_BOUND, LL_PROBING, LL_WAIT, LL_AFTER_MS } from '../firmware/iface/linklocal.ts';
import { readName } from '../firmware/wire/mdns.ts';
import { zeroconf } from '../firmware/iface/zeroconf.ts';
import { sdRecords } from '../firmware/iface/dnssd.ts';
import { emitEthernet, MAC_BROADCAST } from '../firmware/wire/ethernet.ts';
import { emitIpv4, ipFromString, ipToString } from '../firmware/wire/ipv4.ts';
import { emitUdp } from '../firmware/wire/udp.ts';
import { emitArp } from '../firmware/wire/arp.ts';
import { FakeDriver } from './helpers/fake-driver.ts';

const MAC = new Uint8Array([2, 0, 0x5e, 0, 0, 2]);
const PEER_MAC = new Uint8Array([2, 0, 0x5e, 0, 0, 9]);
const GROUP_MAC = new Uint8Array([1, 0, 0x5e, 0, 0, 0xfb]);
const ME = ipFromString('198.18.0.2') >>> 0;
const PEER = ipFromString('198.18.0.9') >>> 0;
const GROUP = 0xe00000fb;

// ---- DNS messages, written out as a test reads them ----
function name(n: string): number[] { const o: number[] = []; for (const l of n.split('.')) { o.push(l.length); for (const c of l) o.push(c.charCodeAt(0)); } o.push(0); return o; }
const u16 = (v: number) => [v >> 8, v & 255];
const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
function msg(id: number, flags: number, qd: number[][], an: number[][], ns: number[][] = [], ar: number[][] = []): number[] {
  return [...u16(id), ...u16(flags), ...u16(qd.length), ...u16(an.length), ...u16(ns.length), ...u16(ar.length), ...qd.flat(), ...an.flat(), ...ns.flat(), ...ar.flat()];
}
const q = (n: string, type: number, cls = 1) => [...name(n), ...u16(type), ...u16(cls)];
const a = (n: string, ip: number, cls = 0x8001, ttl = 120) => [...name(n), ...u16(1), ...u16(cls), ...u32(ttl), ...u16(4), ...u32(ip)];

function udpFrame(src: number, srcPort: number, dst: number, dstPort: number, payload: number[]): Uint8Array {
  const f = new Uint8Array(42 + payload.length);
  emitEthernet(f, 0, dst === GROUP ? GROUP_MAC : MAC, PEER_MAC, 0x0800);
  f.set(payload, 42);
  emitUdp(f, 34, srcPort, dstPort, 8 + payload.length, src, dst);
  emitIpv4(f, 14, src, dst, 17, 8 + payload.length, 1, 255);
  return f;
}

interface Udp { dst: number; dstPort: number; srcPort: number; dns: Uint8Array }
/** The UDP datagrams among the frames sent. */
function udpOut(d: FakeDriver): Udp[] {
  return d.take().filter((f) => f[12] === 8 && f[13] === 0 && f[23] === 17).map((f) => ({
    dst: ((f[30] << 24) | (f[31] << 16) | (f[32] << 8) | f[33]) >>> 0, srcPort: (f[34] << 8) | f[35], dstPort: (f[36] << 8) | f[37], dns: f.subarray(42),
  }));
}
const hdr = (m: Uint8Array) => ({ id: (m[0] << 8) | m[1], flags: (m[2] << 8) | m[3], qd: (m[4] << 8) | m[5], an: (m[6] << 8) | m[7], ns: (m[8] << 8) | m[9], ar: (m[10] << 8) | m[11] });

function setup(ip = ME, tcpPorts: number[] = []) {
  const d = new FakeDriver(MAC);
  const netif = new Interface(d, { ip, prefix: 24, random32: () => 0 });
  d.take();
  const lines: string[] = [];
  const tcp = { listeners: tcpPorts.map((p) => ({ port: p })) } as never;
  const m = new Mdns(netif, 'synack', (l) => lines.push(l), tcpPorts.length ? tcp : null);
  const at = (t: number) => { netif.now = t; return netif.poll(t); };
  const feed = (t: number, f: Uint8Array) => { netif.now = t; netif.input(f, f.length); };
  // The peer is known (ARP), so that unicast answers go straight out.
  const who = arpFrame(1, PEER_MAC, PEER, ip);
  netif.input(who, who.length);
  d.take();
  return { d, netif, m, lines, at, feed };
}

/** Runs the start: three probes, two announcements. */
function established(s: ReturnType<typeof setup>): void {
  for (let t = 0; t <= 3000; t += 50) s.at(t);
}

test('wire: names with compression read; a pointer loop, a forward pointer and an over-long name are malformed', () => {
  const m = new Uint8Array([...msg(0, 0, [], []), ...name('synack.local'), 6, 0x5f, 0x68, 0x74, 0x74, 0x70, 0x73, 0xc0, 12]);
  assert.is(readName(m, 0, m.length, 12), 'synack.local');
  assert.is(readName(m, 0, m.length, 26), '_https.synack.local');
  const loop = new Uint8Array([...msg(0, 0, [], []), 0xc0, 12]);
  assert.is(readName(loop, 0, loop.length, 12), null);
  const fwd = new Uint8Array([...msg(0, 0, [], []), 0xc0, 14, 1, 0x61, 0]);
  assert.is(readName(fwd, 0, fwd.length, 12), null);
  const long = new Uint8Array([...msg(0, 0, [], []), ...name(Array(5).fill('x'.repeat(60)).join('.'))]);
  assert.is(readName(long, 0, long.length, 12), null);
  const past = new Uint8Array([...msg(0, 0, [], []), 5, 0x61]);
  assert.is(readName(past, 0, past.length, 12), null);
});

test('probes (8.1): three "synack.local ANY?" QU queries 250 ms apart with our A in authority; then two announcements 1 s apart (8.3)', () => {
  const s = setup();
  for (let t = 0; t <= 3000; t += 50) s.at(t);
  const out = udpOut(s.d);
  assert.is(out.length, 5);
  for (const p of out.slice(0, 3)) {
    assert.equal([p.dst, p.srcPort, p.dstPort], [GROUP, 5353, 5353]);
    assert.equal(hdr(p.dns), { id: 0, flags: 0, qd: 1, an: 0, ns: 1, ar: 0 });
    assert.equal([...p.dns.subarray(12)], [...q('synack.local', 255, 0x8001), ...a('synack.local', ME, 1)]);
  }
  for (const p of out.slice(3)) {
    assert.equal(hdr(p.dns), { id: 0, flags: 0x8400, qd: 0, an: 1, ns: 0, ar: 0 });
    assert.equal([...p.dns.subarray(12)], a('synack.local', ME));
  }
  assert.is(s.m.state, MDNS_ANNOUNCED);
  assert.equal(s.lines, ['synack: synack.local is 198.18.0.2 (mDNS)']);
});

test('answers: multicast for a plain query, unicast for QU after a recent multicast (5.4), legacy unicast with id, question, TTL 10 (6.7)', () => {
  const s = setup();
  established(s);
  s.d.take();
  s.feed(4000, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('SynAck.Local', 1)], [])));
  let o = udpOut(s.d);
  assert.equal([o.length, o[0].dst, o[0].dstPort], [1, GROUP, 5353]);
  assert.equal([...o[0].dns], msg(0, 0x8400, [], [a('synack.local', ME)]));
  s.feed(4100, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('synack.local', 1, 0x8001)], [])));
  o = udpOut(s.d);
  assert.equal([o[0].dst, o[0].dstPort], [PEER, 5353]);
  s.feed(4200, udpFrame(PEER, 40000, GROUP, 5353, msg(0x1234, 0x0100, [q('synack.local', 1)], [])));
  o = udpOut(s.d);
  assert.equal([o[0].dst, o[0].dstPort, o[0].srcPort], [PEER, 40000, 5353]);
  assert.equal([...o[0].dns], msg(0x1234, 0x8400, [q('synack.local', 1)], [a('synack.local', ME, 1, 10)]));
  // Known-answer suppression (7.1): the querier holds our A record with more than half its TTL.
  s.feed(4250, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('synack.local', 1)], [a('synack.local', ME, 1, 100)])));
  assert.is(udpOut(s.d).length, 0);
  s.feed(4260, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('synack.local', 1)], [a('synack.local', ME, 1, 59)])));
  assert.is(udpOut(s.d).length, 1);
  // Not ours: no answer.
  s.feed(4300, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('other.local', 1)], [])));
  assert.is(udpOut(s.d).length, 0);
  // AAAA for our name: an NSEC record says it has only an A record (6.1).
  s.feed(4400, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('synack.local', 28)], [])));
  o = udpOut(s.d);
  assert.equal([...o[0].dns], msg(0, 0x8400, [], [[...name('synack.local'), ...u16(47), ...u16(0x8001), ...u32(120), ...u16(name('synack.local').length + 3), ...name('synack.local'), 0, 1, 0x40]]));
  assert.is(s.m.bad, 0);
});

test('conflict while probing (9): another host answers for synack.local; the board becomes synack-2.local and says so', () => {
  const s = setup();
  s.at(0); s.at(10);
  s.feed(20, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0x8400, [], [a('synack.local', PEER)])));
  assert.is(s.m.host, 'synack-2');
  assert.equal(s.lines, ['synack: synack.local is taken by another host, now synack-2.local (mDNS)']);
  s.d.take();
  for (let t = 20; t <= 3000; t += 50) s.at(t);
  const out = udpOut(s.d);
  assert.equal([...out[0].dns.subarray(12)], [...q('synack-2.local', 255, 0x8001), ...a('synack-2.local', ME, 1)]);
  assert.is(s.lines[1], 'synack: synack-2.local is 198.18.0.2 (mDNS)');
  // Once announced, another host's probe for our name is answered: the name is defended (by
  // unicast to the prober: a QU question, and our record went out by multicast moments ago).
  s.feed(4000, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('synack-2.local', 255, 0x8001)], [], [a('synack-2.local', PEER, 1)])));
  const d = udpOut(s.d);
  assert.is(d.length, 1);
  assert.equal([d[0].dst, d[0].dstPort], [PEER, 5353]);
  assert.equal([...d[0].dns.subarray(12)], a('synack-2.local', ME));
  assert.is(s.m.host, 'synack-2');
});

test('simultaneous probe (8.2): the higher address wins; we lost, so we wait 1 s and probe again', () => {
  const s = setup();
  s.at(0); s.at(10);
  s.feed(20, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('synack.local', 255, 0x8001)], [], [a('synack.local', PEER, 1)])));
  assert.is(s.m.state, MDNS_PROBING);
  s.d.take();
  s.at(500);
  assert.is(udpOut(s.d).length, 0);
  s.at(1020);
  assert.is(udpOut(s.d).length, 1);
  assert.is(s.m.host, 'synack');
});

test('a new address is announced again (8.4), the name kept', () => {
  const s = setup();
  established(s);
  s.d.take();
  const next = ipFromString('198.18.0.3') >>> 0;
  s.netif.setAddress(next, 24, 0);
  s.d.take();
  for (let t = 4000; t <= 6000; t += 50) s.at(t);
  const out = udpOut(s.d);
  assert.is(out.length, 2);
  assert.equal([...out[0].dns.subarray(12)], a('synack.local', next));
  assert.is(s.lines[1], 'synack: synack.local is 198.18.0.3 (mDNS)');
});

test('hostile messages are dropped and counted: a loop, a record past the end, a short header, too many records', () => {
  const s = setup();
  established(s);
  s.d.take();
  const bad = [
    msg(0, 0, [], []).concat([]).map((v, i) => (i === 5 ? 1 : v)).concat([0xc0, 12, 0, 1, 0, 1]), // a question that points at itself
    msg(0, 0x8400, [], [[...name('synack.local'), ...u16(1), ...u16(1), ...u32(120), ...u16(400), 1, 2, 3, 4]]), // rdlength past the end
    [0, 0, 0, 0, 0, 1],
    msg(0, 0, [], []).map((v, i) => (i === 7 ? 40 : v)),
  ];
  for (const b of bad) s.feed(4000, udpFrame(PEER, 5353, GROUP, 5353, b));
  assert.is(s.m.bad, 4);
  assert.is(udpOut(s.d).length, 0);
  assert.is(s.m.host, 'synack');
  // And the board still answers.
  s.feed(4100, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('synack.local', 1)], [])));
  assert.is(udpOut(s.d).length, 1);
});

test('DNS-SD (RFC 6763): enumeration, PTR with SRV, TXT and A as additional records', () => {
  const s = setup(ME, [7, 80]);
  established(s);
  s.d.take();
  s.feed(4000, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('_services._dns-sd._udp.local', 12)], [])));
  // Shared records: the answer waits 20-120 ms (6).
  assert.is(udpOut(s.d).length, 0);
  s.at(4019);
  assert.is(udpOut(s.d).length, 0);
  s.at(4121);
  let o = udpOut(s.d);
  const ptr = (n: string, d: string) => [...name(n), ...u16(12), ...u16(1), ...u32(4500), ...u16(name(d).length), ...name(d)];
  assert.equal([...o[0].dns], msg(0, 0x8400, [], [ptr('_services._dns-sd._udp.local', '_http._tcp.local'), ptr('_services._dns-sd._udp.local', '_echo._tcp.local')]));
  s.feed(4200, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('_http._tcp.local', 12)], [])));
  s.at(4321);
  o = udpOut(s.d);
  const srv = [...name('synack._http._tcp.local'), ...u16(33), ...u16(0x8001), ...u32(120), ...u16(6 + name('synack.local').length), 0, 0, 0, 0, 0, 80, ...name('synack.local')];
  const txt = [...name('synack._http._tcp.local'), ...u16(16), ...u16(0x8001), ...u32(4500), ...u16(7), 6, ...[...'path=/'].map((c) => c.charCodeAt(0))];
  assert.equal([...o[0].dns], msg(0, 0x8400, [], [ptr('_http._tcp.local', 'synack._http._tcp.local')], [], [a('synack.local', ME), srv, txt]));
  // A browser that already knows the instance (7.1) is not told again.
  s.feed(4400, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('_http._tcp.local', 12)], [ptr('_http._tcp.local', 'synack._http._tcp.local')])));
  s.at(4521);
  assert.is(udpOut(s.d).length, 0);
  // Two browsers within the wait get one answer holding both.
  s.feed(4600, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('_http._tcp.local', 12)], [])));
  s.feed(4610, udpFrame(PEER, 5353, GROUP, 5353, msg(0, 0, [q('_echo._tcp.local', 12)], [])));
  s.at(4721);
  o = udpOut(s.d);
  assert.is(o.length, 1);
  assert.equal([hdr(o[0].dns).an, hdr(o[0].dns).ar], [2, 5]);
});

test('fuzz (bounded: 3000 messages): mutated and random datagrams to 5353 never throw; malformed ones are counted, answers stay well formed', () => {
  const s = setup(ME, [7, 80]);
  established(s);
  s.d.take();
  let seed = 26;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
  const seeds = [
    msg(0, 0, [q('synack.local', 1)], []),
    msg(7, 0, [q('_http._tcp.local', 12), q('synack._http._tcp.local', 255)], [a('other.local', PEER)]),
    msg(0, 0x8400, [], [a('synack.local', PEER)], [], [a('x.local', PEER)]),
    msg(0, 0, [q('synack.local', 255, 0x8001)], [], [a('synack.local', PEER, 1)]),
  ];
  let answers = 0;
  for (let n = 0; n < 3000; n++) {
    let m: number[];
    if (n % 10 === 9) m = Array.from({ length: rnd(64) }, () => rnd(256));
    else {
      m = seeds[rnd(seeds.length)].slice();
      for (let k = 1 + rnd(4); k > 0; k--) {
        const at = rnd(m.length);
        const how = rnd(4);
        if (how === 0) m[at] = rnd(256);
        else if (how === 1) m[at] = 0xc0 | rnd(4);
        else if (how === 2) m.length = at;
        else m.splice(at, 0, rnd(256));
      }
    }
    s.feed(5000 + n, udpFrame(PEER, rnd(2) ? 5353 : 40000 + rnd(1000), GROUP, 5353, m));
    for (const o of udpOut(s.d)) {
      answers++;
      const h = hdr(o.dns);
      assert.ok(h.flags === 0x8400 && h.an >= 1 && o.dns.length <= 1472, JSON.stringify(h));
    }
    s.at(5000 + n);
  }
  assert.ok(s.m.bad > 300, `bad ${s.m.bad}`);
  assert.ok(answers > 100, `answers ${answers}`);
  assert.is(s.m.rx, 3000);
});

function arpFrame(oper: number, sha: Uint8Array, spa: number, tpa: number): Uint8Array {
  const f = new Uint8Array(42);
  emitEthernet(f, 0, MAC_BROADCAST, sha, 0x0806);
  emitArp(f, 14, oper, sha, spa, new Uint8Array(6), tpa);
  return f;
}
const arps = (d: FakeDriver) => d.take().filter((f) => f[12] === 8 && f[13] === 6).map((f) => ({
  spa: ipToString(((f[28] << 24) | (f[29] << 16) | (f[30] << 8) | f[31]) >>> 0), tpa: ipToString(((f[38] << 24) | (f[39] << 16) | (f[40] << 8) | f[41]) >>> 0),
}));

function llSetup() {
  const d = new FakeDriver(MAC, true);
  let r = 0;
  const netif = new Interface(d, { random32: () => (r = (r + 0x9e3779b9) >>> 0) });
  const lines: string[] = [];
  const changes: string[] = [];
  const stack = { dhcp: { opts: { onAddressChange: (o: number, n: number) => changes.push(ipToString(o) + '->' + ipToString(n)) } } } as never;
  const ll = new LinkLocal(netif, stack, (l) => lines.push(l));
  const at = (t: number) => { netif.now = t; return netif.poll(t); };
  return { d, netif, ll, lines, changes, at };
}

test('link-local (RFC 3927): silence from DHCP, three ARP probes, no answer: the address, two announcements', () => {
  const s = llSetup();
  for (let t = 0; t < LL_AFTER_MS; t += 100) s.at(t);
  assert.is(s.ll.state, LL_WAIT);
  assert.is(arps(s.d).length, 0);
  s.at(LL_AFTER_MS);
  assert.is(s.ll.state, LL_PROBING);
  const cand = ipToString(s.ll.ip);
  assert.match(cand, /^169\.254\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|25[0-4])\.\d+$/);
  for (let t = LL_AFTER_MS; t <= LL_AFTER_MS + 12000; t += 100) s.at(t);
  assert.equal(arps(s.d), [{ spa: '0.0.0.0', tpa: cand }, { spa: '0.0.0.0', tpa: cand }, { spa: '0.0.0.0', tpa: cand }, { spa: cand, tpa: cand }, { spa: cand, tpa: cand }]);
  assert.is(ipToString(s.netif.ip), cand);
  assert.is(s.netif.prefix, 16);
  assert.is(s.ll.state, LL_BOUND);
  assert.equal(s.lines, [`synack: ${cand}/16 link-local (no answer from DHCP; still asking)`]);
  // An ARP request for our address: the reply from a link-local address is broadcast (2.5).
  s.d.rxq.push(arpFrame(1, PEER_MAC, ipFromString('169.254.9.9') >>> 0, s.ll.ip));
  s.at(21000);
  const reply = s.d.take().find((f) => f[12] === 8 && f[13] === 6 && f[21] === 2)!;
  assert.equal([...reply.subarray(0, 6)], [255, 255, 255, 255, 255, 255]);
  assert.equal([...reply.subarray(32, 38)], [...PEER_MAC]);
  // DHCP binds later: link-local steps aside.
  s.netif.setAddress(ipFromString('198.18.0.50') >>> 0, 24, 0);
  s.at(30000);
  assert.is(s.ll.state, LL_WAIT);
});

test('link-local: a host using the candidate answers a probe (conflict, 2.2.1): another candidate; a simultaneous probe too', () => {
  const s = llSetup();
  for (let t = 0; t <= LL_AFTER_MS + 50; t += 50) s.at(t);
  const first = s.ll.ip;
  s.d.rxq.push(arpFrame(2, PEER_MAC, first, 0));
  s.at(LL_AFTER_MS + 100);
  assert.is(s.ll.conflicts, 1);
  const second = s.ll.ip;
  assert.ok(second !== first);
  s.d.rxq.push(arpFrame(1, PEER_MAC, 0, second));
  s.at(LL_AFTER_MS + 200);
  assert.is(s.ll.conflicts, 2);
  assert.ok(s.ll.ip !== second);
  // Our own probe seen again (a hub that echoes) is not a conflict.
  const third = s.ll.ip;
  s.d.rxq.push(arpFrame(1, MAC, 0, third));
  s.at(LL_AFTER_MS + 300);
  assert.is(s.ll.conflicts, 2);
  // Done probing, the driver's receive function is its own again.
  for (let t = LL_AFTER_MS + 300; t <= LL_AFTER_MS + 12000; t += 100) s.at(t);
  assert.is(s.ll.state, LL_BOUND);
  assert.ok(!Object.prototype.hasOwnProperty.call(s.d, 'recvFrame') || String(s.d.recvFrame).includes('rxq'));
});

test('link-local defence (2.5): one conflict is answered with an announcement; a second within 10 s gives the address up', () => {
  const s = llSetup();
  for (let t = 0; t <= LL_AFTER_MS + 12000; t += 100) s.at(t);
  const mine = s.ll.ip;
  s.d.take();
  s.d.rxq.push(arpFrame(1, PEER_MAC, mine, mine));
  s.at(21000);
  assert.equal(arps(s.d), [{ spa: ipToString(mine), tpa: ipToString(mine) }]);
  assert.is(s.netif.ip >>> 0, mine);
  s.d.rxq.push(arpFrame(1, PEER_MAC, mine, mine));
  s.at(22000);
  assert.is(s.netif.ip, 0);
  assert.equal(s.changes, [`${ipToString(mine)}->0.0.0.0`]);
  assert.is(s.ll.state, LL_PROBING);
  assert.ok(s.ll.ip !== mine);
});

test('zeroconf(): on DHCP link-local and mDNS start by default; on a static address neither; linkLocal and mdns turn each off or on', () => {
  const started = (c: Record<string, unknown>, dhcp: boolean) => {
    const d = new FakeDriver(MAC);
    const stack = { iface: new Interface(d, { ip: dhcp ? 0 : ME, prefix: 24, random32: () => 0 }), tcp: null } as { linkLocal?: unknown; mdns?: unknown };
    zeroconf(stack as never, c as never, dhcp);
    return [stack.linkLocal instanceof LinkLocal, stack.mdns instanceof Mdns];
  };
  assert.equal(started({}, true), [true, true]);
  assert.equal(started({}, false), [false, false]);
  assert.equal(started({ linkLocal: false }, true), [false, true]);
  assert.equal(started({ linkLocal: true }, true), [true, true]);
  assert.equal(started({ mdns: false }, true), [true, false]);
  assert.equal(started({ mdns: true, linkLocal: true }, false), [false, true], 'link-local only ever with DHCP');
});

test('DNS-SD records: only the services asked for; echo\'s TXT is empty, the status page\'s "path=/"', () => {
  assert.equal(sdRecords('s.local', 's', false, true), [
    { n: '_services._dns-sd._udp.local', t: 12, d: '_echo._tcp.local', p: 0 }, { n: '_echo._tcp.local', t: 12, d: 's._echo._tcp.local', p: 0 },
    { n: 's._echo._tcp.local', t: 33, d: 's.local', p: 7 }, { n: 's._echo._tcp.local', t: 16, d: '', p: 0 }]);
  assert.equal(sdRecords('s.local', 's', true, false).map((r) => [r.n, r.t, r.d, r.p]), [
    ['_services._dns-sd._udp.local', 12, '_http._tcp.local', 0], ['_http._tcp.local', 12, 's._http._tcp.local', 0],
    ['s._http._tcp.local', 33, 's.local', 80], ['s._http._tcp.local', 16, 'path=/', 0]]);
  assert.equal(sdRecords('s.local', 's', false, false), []);
});

test('link-local, the exact ladder (random 1500): 8 s of silence; probes at +500 ms, then 1.5 s apart; 2 s later the address and its announcement, the second 2 s after', () => {
  const d = new FakeDriver(MAC, true);
  const netif = new Interface(d, { random32: () => 1500 });
  const lines: string[] = [];
  const ll = new LinkLocal(netif, {} as never, (l) => lines.push(l));
  const seen: string[] = [];
  for (let t = 0; t <= 20000; t++) {
    netif.now = t;
    netif.poll(t);
    for (const a of arps(d)) seen.push(`${t}: ${a.spa} -> ${a.tpa}`);
  }
  // The first candidate from the MAC (RFC 3927 2.1): 169.254.1.0 + (02:00:5e:00:00:02 hashed) % 0xfe00.
  const c = '169.254.125.2';
  assert.equal(seen, [`8500: 0.0.0.0 -> ${c}`, `10000: 0.0.0.0 -> ${c}`, `11500: 0.0.0.0 -> ${c}`, `13500: ${c} -> ${c}`, `15500: ${c} -> ${c}`]);
  assert.equal([ll.state, ipToString(netif.ip)], [LL_BOUND, c]);
  assert.equal(lines, [`synack: ${c}/16 link-local (no answer from DHCP; still asking)`]);
});

test.run();
