// The mDNS responder (iface/mdns.ts, RFC 6762; DNS-SD records, RFC 6763) as ladders in virtual
// time, polled every millisecond on a fake driver: who sends what, when, with which records (name,
// type, class with its cache-flush bit, TTL, data), and what the responder does with what it hears:
// probing (8.1), announcing (8.3), the tie-break (8.2), conflicts and renames (9), answers by
// multicast, unicast (5.4, 5.5) and legacy unicast (6.7), the shared answer held back 20-120 ms
// (6), known answers (7.1), NSEC (6.1), the header and size checks (18), and the host name kept to
// one label of 63 bytes (RFC 1035 2.3.4).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interface } from '../firmware/iface/interface.ts';
import { Mdns, startMdns, MDNS_IDLE, MDNS_PROBING, MDNS_ANNOUNCING, MDNS_ANNOUNCED } from '../firmware/iface/mdns.ts';
import { startLinkLocal } from '../firmware/iface/linklocal.ts';
import { NO_TIMER } from '../firmware/iface/types.ts';
import { DROP_IP_PROTO, IP_RX } from '../firmware/iface/counters.ts';
import { emitEthernet, MAC_BROADCAST } from '../firmware/wire/ethernet.ts';
import { emitIpv4, ipFromString, ipToString } from '../firmware/wire/ipv4.ts';
import { emitUdp } from '../firmware/wire/udp.ts';
import { emitArp } from '../firmware/wire/arp.ts';
import { FakeDriver } from './helpers/fake-driver.ts';

const MAC = new Uint8Array([2, 0, 0x5e, 0, 0, 2]);
const PEER_MAC = new Uint8Array([2, 0, 0x5e, 0, 0, 9]);
const GROUP_MAC = new Uint8Array([1, 0, 0x5e, 0, 0, 0xfb]);
const ip = (s: string) => ipFromString(s) >>> 0;
const ME = ip('198.18.0.2');
const PEER = ip('198.18.0.9');
const LOW = ip('198.18.0.1');          // below ME: loses the tie-break (8.2)
const FAR = ip('198.19.0.9');          // off the /24
const GROUP = 0xe00000fb;

// ---- DNS messages as the peers send them ----
function name(n: string): number[] { const o: number[] = []; if (n) for (const l of n.split('.')) { o.push(l.length); for (const c of l) o.push(c.charCodeAt(0)); } o.push(0); return o; }
const u16 = (v: number) => [(v >> 8) & 255, v & 255];
const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
function msg(id: number, flags: number, qd: number[][], an: number[][], ns: number[][] = [], ar: number[][] = []): number[] {
  return [...u16(id), ...u16(flags), ...u16(qd.length), ...u16(an.length), ...u16(ns.length), ...u16(ar.length), ...qd.flat(), ...an.flat(), ...ns.flat(), ...ar.flat()];
}
const q = (n: string, type: number, cls = 1) => [...name(n), ...u16(type), ...u16(cls)];
const rr = (n: string, type: number, ttl: number, data: number[], cls = 1) => [...name(n), ...u16(type), ...u16(cls), ...u32(ttl), ...u16(data.length), ...data];
const a = (n: string, addr: number, ttl = 120, cls = 0x8001) => rr(n, 1, ttl, u32(addr), cls);
const ptr = (n: string, target: string, ttl = 4500) => rr(n, 12, ttl, name(target));
const A = 1, PTR = 12, TXT = 16, SRV = 33, AAAA = 28, ANY = 255, QU = 0x8001;
const QUERY = 0, RESPONSE = 0x8400;

// ---- What the board sends, rendered so that a ladder reads it ----
const TYPES: Record<number, string> = { 1: 'A', 12: 'PTR', 16: 'TXT', 33: 'SRV', 47: 'NSEC', 255: 'ANY' };
/** An uncompressed name at m[i] (the responder never compresses); sets `at` after it. */
let at = 0;
function wname(m: Uint8Array, i: number): string {
  const ls: string[] = [];
  while (m[i] !== 0) {
    if (m[i] > 63) throw new Error('compressed or bad label at ' + i);
    ls.push(String.fromCharCode(...m.subarray(i + 1, i + 1 + m[i])));
    i += 1 + m[i];
  }
  at = i + 1;
  return ls.join('.');
}
function record(m: Uint8Array): string {
  const n = wname(m, at);
  const g = (o: number) => (m[at + o] << 8) | m[at + o + 1];
  const type = g(0), cls = g(2), ttl = ((m[at + 4] << 24) | (m[at + 5] << 16) | (m[at + 6] << 8) | m[at + 7]) >>> 0, len = g(8);
  const d = at + 10, e = d + len;
  let data: string, used: number;
  if (type === 1) { data = ipToString(((m[d] << 24) | (m[d + 1] << 16) | (m[d + 2] << 8) | m[d + 3]) >>> 0); used = d + 4; }
  else if (type === 12) { data = wname(m, d); used = at; }
  else if (type === 33) { data = `${(m[d] << 8) | m[d + 1]} ${(m[d + 2] << 8) | m[d + 3]} ${(m[d + 4] << 8) | m[d + 5]} ${wname(m, d + 6)}`; used = at; }
  else if (type === 16) { data = JSON.stringify(String.fromCharCode(...m.subarray(d + 1, d + 1 + m[d]))); used = d + 1 + m[d]; }
  else if (type === 47) { data = wname(m, d) + ' bitmap ' + [...m.subarray(at, e)].join(','); used = e; }
  else { data = [...m.subarray(d, e)].join(','); used = e; }
  // The data length must be what the data takes.
  if (used !== e) data += ` (rdlength ${len}, data ${used - d})`;
  at = e;
  return `${TYPES[type] ?? type} ${n} ${cls & 0x8000 ? 'flush ' : ''}${cls & 0x7fff ? '' : 'class 0 '}${ttl} ${data}`;
}
/** One sent datagram: "to:port id flags q=[..] an=[..] ns=[..] ar=[..]". */
function render(dst: number, port: number, m: Uint8Array): string {
  const h = (o: number) => (m[o] << 8) | m[o + 1];
  const [id, flags, qd, an, ns, ar] = [h(0), h(2), h(4), h(6), h(8), h(10)];
  at = 12;
  const qs: string[] = [];
  for (let k = 0; k < qd; k++) { const n = wname(m, at); qs.push(`${n} ${TYPES[h(at)] ?? h(at)}${h(at + 2) & 0x8000 ? ' QU' : ''}`); at += 4; }
  const sec = (c: number) => Array.from({ length: c }, () => record(m));
  const s = [`${dst === GROUP ? 'group' : ipToString(dst)}:${port}`, flags === 0 ? 'query' : flags === RESPONSE ? 'response' : 'flags ' + flags.toString(16)];
  if (id) s.push('id ' + id);
  if (qd) s.push(`q=[${qs.join('; ')}]`);
  if (an) s.push(`an=[${sec(an).join('; ')}]`);
  if (ns) s.push(`ns=[${sec(ns).join('; ')}]`);
  if (ar) s.push(`ar=[${sec(ar).join('; ')}]`);
  if (at !== m.length) s.push(`+${m.length - at} bytes`);
  return s.join(' ');
}

function arpFrame(oper: number, sha: Uint8Array, spa: number, tpa: number): Uint8Array {
  const f = new Uint8Array(42);
  emitEthernet(f, 0, MAC_BROADCAST, sha, 0x0806);
  emitArp(f, 14, oper, sha, spa, new Uint8Array(6), tpa);
  return f;
}
function udpFrame(src: number, srcPort: number, dst: number, payload: number[], proto = 17): Uint8Array {
  const f = new Uint8Array(42 + payload.length);
  emitEthernet(f, 0, dst === GROUP ? GROUP_MAC : MAC, PEER_MAC, 0x0800);
  f.set(payload, 42);
  emitUdp(f, 34, srcPort, 5353, 8 + payload.length, src, dst);
  emitIpv4(f, 14, src, dst, proto, 8 + payload.length, 1, 255);
  return f;
}

interface Opts { addr?: number; ports?: number[] | null; rnd?: number; host?: string; print?: boolean; mcast?: () => void; mtu?: number }
/** A board on ME/24 (or no address) with the responder, a peer it knows (ARP) and a log of what
 *  it sends: "t: to:port ..." lines, and console lines as "t: say ...". */
function world(o: Opts = {}) {
  const d = new FakeDriver(MAC) as FakeDriver & { mcast?: () => void };
  if (o.mcast) d.mcast = o.mcast;
  const netif = new Interface(d, { ip: o.addr ?? ME, prefix: 24, random32: () => o.rnd ?? 0, mtu: o.mtu });
  const log: string[] = [];
  let now = -1;
  const tcp = o.ports ? ({ listeners: o.ports.map((p) => ({ port: p })) } as never) : null;
  const m = new Mdns(netif, o.host ?? 'synack', o.print === false ? undefined : (l) => log.push(`${now}: say ${l}`), tcp);
  const collect = () => {
    for (const f of d.take()) {
      if (f[12] !== 8 || f[13] !== 0 || f[23] !== 17) continue;
      const dst = ((f[30] << 24) | (f[31] << 16) | (f[32] << 8) | f[33]) >>> 0;
      assert.is((f[34] << 8) | f[35], 5353, 'sent from port 5353');
      log.push(`${now}: ${render(dst, (f[36] << 8) | f[37], f.subarray(42))}`);
    }
  };
  // Each frame is logged as it is sent (before a console line the same poll prints).
  const send = d.send.bind(d);
  d.send = (f: Uint8Array, len: number) => { const r = send(f, len); collect(); return r; };
  // The responder's own answer to each poll: when it next needs one.
  const wakes: [number, number][] = [];
  const poll = m.poll.bind(m);
  m.poll = (x: number) => { const r = poll(x); wakes.push([x, r]); return r; };
  /** Polls every ms up to t. */
  const to = (t: number) => {
    for (let x = now + 1; x <= t; x++) {
      now = x;
      netif.poll(x);
      collect();
    }
  };
  /** The peer's datagram arrives at t (after the polls up to t - 1). */
  const hear = (t: number, payload: number[], src = PEER, srcPort = 5353, dst = GROUP) => {
    to(t - 1);
    now = t;
    netif.now = t;
    const f = udpFrame(src, srcPort, dst, payload);
    netif.input(f, f.length);
    now = t - 1;
    to(t);
  };
  if (o.addr !== 0) {
    const who = arpFrame(1, PEER_MAC, PEER, o.addr ?? ME);
    netif.input(who, who.length);
  }
  d.take();
  const wake = (t: number) => wakes.find((w) => w[0] === t)![1];
  return { d, netif, m, log, to, hear, wake, take: () => log.splice(0) };
}

/** A world whose name is announced (random 0: probes at 0, 250, 500; announced at 750, 1750). */
function announced(o: Opts = {}) {
  const w = world(o);
  w.to(2000);
  assert.is(w.m.state, MDNS_ANNOUNCED);
  w.take();
  return w;
}

const ME_A = 'A synack.local flush 120 198.18.0.2';
const HTTP_PTR = 'PTR _http._tcp.local 4500 synack._http._tcp.local';
const HTTP_SRV = 'SRV synack._http._tcp.local flush 120 0 0 80 synack.local';
const HTTP_TXT = 'TXT synack._http._tcp.local flush 4500 "path=/"';
const ECHO_PTR = 'PTR _echo._tcp.local 4500 synack._echo._tcp.local';
const ECHO_SRV = 'SRV synack._echo._tcp.local flush 120 0 0 7 synack.local';
const ECHO_TXT = 'TXT synack._echo._tcp.local flush 4500 ""';
const ENUM_HTTP = 'PTR _services._dns-sd._udp.local 4500 _http._tcp.local';
const ENUM_ECHO = 'PTR _services._dns-sd._udp.local 4500 _echo._tcp.local';

test('start (8.1, 8.3), random 100: probes at 100, 350, 600 ms; announcements at 850 and 1850 ms; the console line; then silence', () => {
  const w = world({ rnd: 100 });
  w.to(10000);
  const probe = 'group:5353 query q=[synack.local ANY QU] ns=[A synack.local 120 198.18.0.2]';
  const ann = `group:5353 response an=[${ME_A}]`;
  assert.equal(w.log, [`100: ${probe}`, `350: ${probe}`, `600: ${probe}`, `850: ${ann}`, `1850: ${ann}`, '1850: say synack: synack.local is 198.18.0.2 (mDNS)']);
  // The next wake the responder asks for: the first probe, each next probe, announcement, none.
  assert.equal([w.wake(0), w.wake(100), w.wake(101), w.wake(350), w.wake(850), w.wake(851), w.wake(1850)], [100, 250, 249, 250, 1000, 999, NO_TIMER]);
  assert.is(w.wake(1851), NO_TIMER, 'announced: no timer of its own');
  assert.equal([w.m.tx, w.m.rx, w.m.state], [5, 0, MDNS_ANNOUNCED]);
});

test('announcing with DNS-SD (8.3, RFC 6763): every record, unique ones with the cache-flush bit; 80 and 7 listening', () => {
  const w = world({ ports: [80, 7] });
  w.to(800);
  const l = w.take();
  assert.is(l[3], `750: group:5353 response an=[${ME_A}; ${ENUM_HTTP}; ${HTTP_PTR}; ${HTTP_SRV}; ${HTTP_TXT}; ${ENUM_ECHO}; ${ECHO_PTR}; ${ECHO_SRV}; ${ECHO_TXT}]`);
});

test('DNS-SD: the services follow the listeners: 80 alone, 7 alone, neither (22), no TCP', () => {
  const anns = (ports: number[] | null) => { const w = world({ ports }); w.to(800); return w.take()[3].replace('750: group:5353 response ', ''); };
  assert.is(anns([80]), `an=[${ME_A}; ${ENUM_HTTP}; ${HTTP_PTR}; ${HTTP_SRV}; ${HTTP_TXT}]`);
  assert.is(anns([7]), `an=[${ME_A}; ${ENUM_ECHO}; ${ECHO_PTR}; ${ECHO_SRV}; ${ECHO_TXT}]`);
  assert.is(anns([22]), `an=[${ME_A}]`);
  assert.is(anns(null), `an=[${ME_A}]`);
});

test('the driver is asked for the group\'s frames (mcast) once; the interface accepts 224.0.0.251', () => {
  let n = 0;
  const w = world({ mcast: () => n++ });
  assert.equal([n, w.netif.group], [1, GROUP]);
});

test('RFC 1035 2.3.4: a 64-byte host name is cut to one label of 63 bytes; its rename (9) stays within 63; a dot becomes "-"', () => {
  const long = 'x'.repeat(64);
  const w = world({ host: long });
  w.to(10);
  const x63 = 'x'.repeat(63);
  assert.equal(w.take(), [`0: group:5353 query q=[${x63}.local ANY QU] ns=[A ${x63}.local 120 198.18.0.2]`]);
  w.hear(20, msg(0, RESPONSE, [], [a(x63 + '.local', PEER)]));
  const x61 = 'x'.repeat(61) + '-2';
  assert.equal(w.take(), [`20: say synack: ${x63}.local is taken by another host, now ${x61}.local (mDNS)`, `20: group:5353 query q=[${x61}.local ANY QU] ns=[A ${x61}.local 120 198.18.0.2]`]);
  const dotted = world({ host: 'my.board' });
  dotted.to(0);
  assert.equal(dotted.take(), ['0: group:5353 query q=[my-board.local ANY QU] ns=[A my-board.local 120 198.18.0.2]']);
});

test('startMdns: the configured hostname in lower case (16), "synack" by default; stack.mdns set', () => {
  const make = (hostname?: string) => {
    const d = new FakeDriver(MAC);
    const stack = { iface: new Interface(d, { ip: ME, prefix: 24, random32: () => 0 }), tcp: null } as { iface: Interface; tcp: null; mdns?: Mdns };
    const m = startMdns(stack as never, { hostname } as never);
    assert.is(stack.mdns, m);
    return m.host;
  };
  assert.equal([make('SynAck-Board'), make(undefined)], ['synack-board', 'synack']);
});

test('no address yet (idle): a question for our name is not answered, nothing is sent; the address comes: probing', () => {
  const w = world({ addr: 0 });
  w.to(100);
  w.hear(200, msg(0, QUERY, [q('synack.local', A)], []));
  assert.equal([w.take(), w.m.state, w.m.rx], [[], MDNS_IDLE, 1]);
  w.netif.setAddress(ME, 24, 0);
  w.to(300);
  assert.is(w.take()[0], '201: group:5353 query q=[synack.local ANY QU] ns=[A synack.local 120 198.18.0.2]');
});

test('the address goes (0): idle, questions unanswered; no wake of its own', () => {
  const w = announced();
  w.netif.setAddress(0, 0, 0);
  w.to(2100);
  w.hear(2200, msg(0, QUERY, [q('synack.local', A)], []));
  assert.equal([w.take(), w.m.state], [[], MDNS_IDLE]);
  assert.is(w.wake(2200), NO_TIMER);
});

test('a new address while announcing (8.4): the announcements start again with it at once, no probe', () => {
  const w = world();
  w.to(760);                       // the first announcement went at 750
  w.take();
  w.netif.setAddress(ip('198.18.0.3'), 24, 0);
  w.to(3000);
  const ann = 'group:5353 response an=[A synack.local flush 120 198.18.0.3]';
  assert.equal(w.take(), [`761: ${ann}`, `1761: ${ann}`, '1761: say synack: synack.local is 198.18.0.3 (mDNS)']);
});

test('a new address once announced (8.4): announced again with the records made when probing began (a listener added since is not)', () => {
  const ports = [80];
  const w = announced({ ports });
  ports.push(7);
  (w.m.tcp as unknown as { listeners: { port: number }[] }).listeners.push({ port: 7 });
  w.netif.setAddress(ip('198.18.0.3'), 24, 0);
  w.to(2001);
  assert.equal(w.take(), [`2001: group:5353 response an=[A synack.local flush 120 198.18.0.3; ${ENUM_HTTP}; ${HTTP_PTR}; ${HTTP_SRV}; ${HTTP_TXT}]`]);
});

test('18.3, 18.11: a query with a non-zero opcode or rcode is ignored (not counted bad)', () => {
  const w = announced();
  w.hear(3000, msg(0, 0x0800, [q('synack.local', A)], []));    // opcode 1
  w.hear(3001, msg(0, 0x0001, [q('synack.local', A)], []));    // rcode 1
  assert.equal([w.take(), w.m.bad, w.m.rx], [[], 0, 2]);
});

test('header (18): 12 bytes is a message (nothing asked), 11 is malformed', () => {
  const w = announced();
  w.hear(3000, msg(0, QUERY, [], []));
  assert.is(w.m.bad, 0);
  w.hear(3001, msg(0, QUERY, [], []).slice(0, 11));
  assert.equal([w.take(), w.m.bad], [[], 1]);
});

test('at most 32 questions and records in a message: 32 read and answered, 33 dropped as malformed', () => {
  const w = announced();
  const other = a('other.local', PEER);
  // 1 question and 31 records (8 answers, 8 authority, 15 additional), then 16 additional.
  w.hear(3000, msg(0, QUERY, [q('synack.local', A)], Array(8).fill(other), Array(8).fill(other), Array(15).fill(other)));
  assert.equal(w.take(), [`3000: group:5353 response an=[${ME_A}]`]);
  w.hear(3100, msg(0, QUERY, [q('synack.local', A)], Array(8).fill(other), Array(8).fill(other), Array(16).fill(other)));
  assert.equal([w.take(), w.m.bad], [[], 1]);
});

test('malformed, dropped and counted: a question cut in its type or class; a record whose name runs past the end', () => {
  const w = announced();
  w.hear(3000, msg(0, QUERY, [q('synack.local', A).slice(0, -1)], []));
  w.hear(3001, msg(0, QUERY, [q('synack.local', A)], [[...name('other.local').slice(0, 4)]]));
  assert.equal([w.take(), w.m.bad], [[], 2]);
});

test('malformed, dropped and counted: a question or a record whose name points forwards, however many bytes follow it', () => {
  const w = announced();
  const pad = Array(40).fill(0);
  w.hear(3000, msg(0, QUERY, [q('other.local', A)], []));               // a good name first
  w.hear(3001, [...msg(0, QUERY, [[0xc0, 0x20, 0, 1, 0, 1]], []), ...pad]);
  w.hear(3002, msg(0, QUERY, [q('other.local', A)], []));
  w.hear(3003, [...msg(0, RESPONSE, [], [[0xc0, 0x40]]), ...pad]);
  assert.equal([w.take(), w.m.bad], [[], 2]);
});

test('6: a response not from port 5353 is malformed and ignored: no conflict', () => {
  const w = announced();
  w.hear(3000, msg(0, RESPONSE, [], [a('synack.local', PEER)]), PEER, 40000);
  assert.equal([w.take(), w.m.bad, w.m.conflicts, w.m.state], [[], 1, 0, MDNS_ANNOUNCED]);
});

test('while probing the name is not ours: a question for it is not answered (only the probes go out)', () => {
  const w = world();
  w.to(100);
  w.take();
  w.hear(200, msg(0, QUERY, [q('synack.local', A)], []));
  w.hear(201, msg(0, RESPONSE, [q('synack.local', A)], []));
  w.to(260);
  assert.equal(w.take(), ['250: group:5353 query q=[synack.local ANY QU] ns=[A synack.local 120 198.18.0.2]']);
});

test('questions for the services (RFC 6763): TXT of the instance is its TXT alone; ANY is its SRV and TXT (with our A); SRV brings our A (12); A alone, at once', () => {
  const w = announced({ ports: [80] });
  w.hear(3000, msg(0, QUERY, [q('synack._http._tcp.local', TXT)], []));
  w.hear(3001, msg(0, QUERY, [q('synack._http._tcp.local', ANY)], []));
  w.hear(3002, msg(0, QUERY, [q('synack._http._tcp.local', SRV)], []));
  w.hear(3003, msg(0, QUERY, [q('synack.local', A)], []));
  assert.equal(w.take(), [
    `3000: group:5353 response an=[${HTTP_TXT}]`,
    `3001: group:5353 response an=[${HTTP_SRV}; ${HTTP_TXT}] ar=[${ME_A}]`,
    `3002: group:5353 response an=[${HTTP_SRV}] ar=[${ME_A}]`,
    `3003: group:5353 response an=[${ME_A}]`,
  ]);
});

test('AAAA for our name (6.1): an NSEC record, the name has an A record only', () => {
  const w = announced();
  w.hear(3000, msg(0, QUERY, [q('synack.local', AAAA)], []));
  assert.equal(w.take(), ['3000: group:5353 response an=[NSEC synack.local flush 120 synack.local bitmap 0,1,64]']);
});

test('known answers (7.1): our A with at least half its TTL (60 s) is not repeated; with 59 s, another name, type, length or address it is', () => {
  const w = announced();
  const ask = (t: number, known: number[]) => { w.hear(t, msg(0, QUERY, [q('synack.local', A)], [known])); return w.take().length; };
  assert.is(ask(3000, a('synack.local', ME, 60)), 0);
  assert.is(ask(3001, a('synack.local', ME, 59)), 1);
  assert.is(ask(3002, a('other.local', ME, 120)), 1);
  assert.is(ask(3003, rr('synack.local', TXT, 120, u32(ME))), 1);
  assert.is(ask(3004, rr('synack.local', A, 120, [...u32(ME), 0])), 1);
  assert.is(ask(3005, a('synack.local', PEER, 120)), 1);
});

test('known answers (7.1) for PTR: with half their TTL (2250 s) and the same owner and target, not repeated; otherwise the PTR goes', () => {
  const w = announced({ ports: [80, 7], rnd: 0 });
  const ask = (t: number, known: number[]) => { w.hear(t, msg(0, QUERY, [q('_http._tcp.local', PTR)], [known])); w.to(t + 200); return w.take().map((l) => l.replace(/ ar=.*/, '')); };
  assert.equal(ask(3000, ptr('_http._tcp.local', 'synack._http._tcp.local', 2250)), []);
  assert.equal(ask(4000, ptr('_http._tcp.local', 'synack._http._tcp.local', 2249)), [`4020: group:5353 response an=[${HTTP_PTR}]`]);
  assert.equal(ask(5000, ptr('_http._tcp.local', 'other._http._tcp.local', 4500)), [`5020: group:5353 response an=[${HTTP_PTR}]`]);
  assert.equal(ask(6000, ptr('_echo._tcp.local', 'synack._http._tcp.local', 4500)), [`6020: group:5353 response an=[${HTTP_PTR}]`]);
  assert.equal(ask(7000, rr('_http._tcp.local', TXT, 4500, name('synack._http._tcp.local'))), [`7020: group:5353 response an=[${HTTP_PTR}]`]);
  // A PTR known answer says nothing of the SRV record with its owner and target.
  w.hear(8000, msg(0, QUERY, [q('synack._http._tcp.local', SRV)], [ptr('synack._http._tcp.local', 'synack.local')]));
  assert.equal(w.take(), [`8000: group:5353 response an=[${HTTP_SRV}] ar=[${ME_A}]`]);
});

test('shared answers (6): held back 20 + random % 101 ms (random 250: 68 ms), several queries merged; the wake asked for is the hold', () => {
  const w = announced({ ports: [80, 7], rnd: 250 });
  w.hear(3000, msg(0, QUERY, [q('_http._tcp.local', PTR)], []));
  w.hear(3030, msg(0, QUERY, [q('_echo._tcp.local', PTR)], []));
  w.to(3200);
  assert.equal(w.take(), [`3068: group:5353 response an=[${HTTP_PTR}; ${ECHO_PTR}] ar=[${ME_A}; ${HTTP_SRV}; ${HTTP_TXT}; ${ECHO_SRV}; ${ECHO_TXT}]`]);
  assert.equal([w.wake(3000), w.wake(3030), w.wake(3067)], [68, 38, 1]);
});

test('9 with 6: a held-back shared answer is void when a conflict for our name comes first; the probe goes at once', () => {
  const w = announced({ ports: [80] });
  w.hear(3000, msg(0, QUERY, [q('_http._tcp.local', PTR)], []));   // held until 3020
  w.hear(3010, msg(0, RESPONSE, [], [a('synack.local', PEER)]));
  w.to(3300);
  assert.equal(w.take(), [
    '3010: group:5353 query q=[synack.local ANY QU] ns=[A synack.local 120 198.18.0.2]',
    '3260: group:5353 query q=[synack.local ANY QU] ns=[A synack.local 120 198.18.0.2]',
  ]);
});

test('8.4 with 6: a held-back answer is void when the address changes; the announcement goes at once', () => {
  const w = announced({ ports: [80] });
  w.hear(3000, msg(0, QUERY, [q('_http._tcp.local', PTR)], []));
  w.netif.setAddress(ip('198.18.0.3'), 24, 0);
  w.to(3100);
  assert.equal(w.take(), [`3001: group:5353 response an=[A synack.local flush 120 198.18.0.3; ${ENUM_HTTP}; ${HTTP_PTR}; ${HTTP_SRV}; ${HTTP_TXT}]`]);
});

test('6: a shared answer asked for while announcing is sent after its hold (the name is ours)', () => {
  const w = world({ ports: [80] });
  w.to(760);
  w.take();
  w.hear(800, msg(0, QUERY, [q('_http._tcp.local', PTR)], []));
  w.to(900);
  assert.equal(w.take(), [`820: group:5353 response an=[${HTTP_PTR}] ar=[${ME_A}; ${HTTP_SRV}; ${HTTP_TXT}]`]);
});

test('5.4: QU is answered by unicast while our record was multicast within a quarter of its TTL (30 s); at 30 s or off the link, multicast', () => {
  const w = announced();                                   // last multicast at 1750
  w.hear(31749, msg(0, QUERY, [q('synack.local', A, QU)], []));
  w.hear(31750, msg(0, QUERY, [q('synack.local', A, QU)], []));
  w.hear(40000, msg(0, QUERY, [q('synack.local', A, QU)], []));
  w.hear(40001, msg(0, QUERY, [q('synack.local', A, QU)], []), FAR);
  assert.equal(w.take(), [
    `31749: 198.18.0.9:5353 response an=[${ME_A}]`,
    `31750: group:5353 response an=[${ME_A}]`,
    `40000: 198.18.0.9:5353 response an=[${ME_A}]`,
    `40001: group:5353 response an=[${ME_A}]`,
  ]);
});

test('5.4: a unicast answer does not count as the multicast of the record', () => {
  const w = announced();                                   // last multicast at 1750
  w.hear(20000, msg(0, QUERY, [q('synack.local', A, QU)], []));
  w.hear(32000, msg(0, QUERY, [q('synack.local', A, QU)], []));
  assert.equal(w.take(), [`20000: 198.18.0.9:5353 response an=[${ME_A}]`, `32000: group:5353 response an=[${ME_A}]`]);
});

test('5.5: a query sent to our address (not the group) is answered by unicast, QU or not', () => {
  const w = announced();
  w.hear(40000, msg(0, QUERY, [q('synack.local', A)], []), PEER, 5353, ME);
  assert.equal(w.take(), [`40000: 198.18.0.9:5353 response an=[${ME_A}]`]);
});

test('6.7 legacy unicast: to an on-link source only; its id and questions repeated once each (known answers are not questions), TTL 10, no flush bit', () => {
  const w = announced();
  w.hear(3000, msg(0x4242, 0x0100, [q('synack.local', A)], [a('other.local', PEER)]), PEER, 40000);
  w.hear(3001, msg(0x4243, 0x0100, [q('synack.local', A)], []), FAR, 40000);
  assert.equal(w.take(), ['3000: 198.18.0.9:40000 response id 16962 q=[synack.local A] an=[A synack.local 10 198.18.0.2]']);
  assert.is(w.m.tx, 6, 'no answer made for the off-link source');
});

test('6.7 legacy unicast: a root question cannot be repeated: the questions stop there, the answer still goes', () => {
  const w = announced();
  w.hear(3000, msg(7, 0, [q('', ANY), q('synack.local', A)], []), PEER, 40000);
  assert.equal(w.take(), ['3000: 198.18.0.9:40000 response id 7 an=[A synack.local 10 198.18.0.2]']);
});

test('the MTU: an announcement that fills it exactly goes whole; one byte less, the record that would pass it is left out (63-byte name, both services)', () => {
  const x = 'x'.repeat(63);
  const size = (mtu?: number) => { const w = world({ host: x, ports: [80, 7], mtu }); w.to(800); return w; };
  const full = size().take()[3];
  const len = (full.match(/; /g) || []).length + 1;
  assert.is(len, 9);
  // The payload's length: what the UDP datagram carried, measured on a board with MTU 1500.
  const sent = world({ host: x, ports: [80, 7] });
  const f: Uint8Array[] = [];
  const s0 = sent.d.send.bind(sent.d);
  sent.d.send = (fr: Uint8Array, l: number) => { f.push(fr.slice(0, l)); return s0(fr, l); };
  sent.to(800);
  const payload = f[3].length - 42;
  assert.ok(payload > 548 && payload < 1472, String(payload));
  const exact = size(payload + 28).take();
  assert.is(exact[3], full);
  const less = size(payload + 27).take()[3];
  assert.is(less, full.replace(/; TXT [^;\]]*\]$/, ']'));
  // Additional records too: the two PTRs' SRV, TXT and A records, to an MTU one byte short of them all.
  const ask = (mtu?: number) => { const w = announced({ host: x, ports: [80, 7], mtu, rnd: 0 }); w.hear(3000, msg(0, QUERY, [q('_http._tcp.local', PTR), q('_echo._tcp.local', PTR)], [])); w.to(3100); return w.take()[0]; };
  const whole = ask();
  const g = world({ host: x, ports: [80, 7] });
  const fr: Uint8Array[] = [];
  const s1 = g.d.send.bind(g.d);
  g.d.send = (z: Uint8Array, l: number) => { fr.push(z.slice(0, l)); return s1(z, l); };
  g.to(2000);
  g.hear(3000, msg(0, QUERY, [q('_http._tcp.local', PTR), q('_echo._tcp.local', PTR)], []));
  g.to(3100);
  const plen = fr[fr.length - 1].length - 42;
  assert.is(ask(plen + 28), whole);
  assert.is(ask(plen + 27), whole.replace(/; TXT [^;\]]*\]$/, ']'));
});

test('9: conflicts while probing rename the host NAME-2, NAME-3...; after 15, one probe per 5 s (8.1)', () => {
  const w = world();
  let t = 0;
  for (let k = 1; k <= 15; k++) {
    w.to(t + 10);
    t += 10;
    w.hear(t, msg(0, RESPONSE, [], [a(w.m.host + '.local', PEER)]));
  }
  assert.equal([w.m.host, w.m.conflicts], ['synack-16', 15]);
  const l = w.take().filter((x) => !x.includes('say'));
  // Renames 1 to 14: the new name probed at once; the 15th: 5 s later.
  assert.is(l.filter((x) => x.includes('synack-15.local ANY')).length, 1);
  assert.ok(l[l.length - 1].startsWith('140: group:5353 query q=[synack-15.local ANY QU]'), l[l.length - 1]);
  w.to(5149);
  assert.equal(w.take(), []);
  w.to(5150);
  assert.equal(w.take(), ['5150: group:5353 query q=[synack-16.local ANY QU] ns=[A synack-16.local 120 198.18.0.2]']);
});

test('9: a conflict once announced (or while announcing) makes us probe again at once, keeping the name; no other host answers: announced again', () => {
  const w = announced();
  w.hear(3000, msg(0, RESPONSE, [], [a('synack.local', PEER)]));
  assert.equal([w.m.state, w.m.host, w.m.conflicts], [MDNS_PROBING, 'synack', 1]);
  w.to(6000);
  const probe = 'group:5353 query q=[synack.local ANY QU] ns=[A synack.local 120 198.18.0.2]';
  assert.equal(w.take(), [`3000: ${probe}`, `3250: ${probe}`, `3500: ${probe}`, `3750: group:5353 response an=[${ME_A}]`,
    `4750: group:5353 response an=[${ME_A}]`, '4750: say synack: synack.local is 198.18.0.2 (mDNS)']);
  const v = world();
  v.to(760);
  v.take();
  assert.is(v.m.state, MDNS_ANNOUNCING);
  v.hear(800, msg(0, RESPONSE, [], [a('synack.local', PEER)]));
  assert.equal([v.m.state, v.m.host, v.take()[0]], [MDNS_PROBING, 'synack', `800: ${probe}`]);
});

test('9: what is not a conflict: our own record heard back, another name, another type, an A of other length', () => {
  const w = announced();
  w.hear(3000, msg(0, RESPONSE, [], [a('synack.local', ME)]));
  w.hear(3001, msg(0, RESPONSE, [], [a('other.local', PEER)]));
  w.hear(3002, msg(0, RESPONSE, [], [rr('synack.local', TXT, 120, u32(PEER))]));
  w.hear(3003, msg(0, RESPONSE, [], [rr('synack.local', A, 120, [...u32(PEER), 0])]));
  assert.equal([w.m.conflicts, w.m.state, w.take()], [0, MDNS_ANNOUNCED, []]);
});

test('9: a conflicting record after another one (its data skipped by its length), or in the additional section, is seen', () => {
  const w = announced();
  w.hear(3000, msg(0, RESPONSE, [], [rr('other.local', TXT, 120, [4, 1, 2, 3, 4]), a('synack.local', PEER)]));
  assert.equal([w.m.conflicts, w.m.state], [1, MDNS_PROBING]);
  const v = announced();
  v.hear(3000, msg(0, RESPONSE, [], [a('other.local', PEER)], [], [a('synack.local', PEER)]));
  assert.equal([v.m.conflicts, v.m.state], [1, MDNS_PROBING]);
});

test('8.2 tie-break: a probe with a lower address loses, we go on; a higher address only in the additional section is no probe', () => {
  const w = world();
  w.to(10);
  w.take();
  w.hear(20, msg(0, QUERY, [q('synack.local', ANY, QU)], [], [a('synack.local', LOW, 120, 1)]));
  w.hear(30, msg(0, QUERY, [q('synack.local', ANY, QU)], [], [], [a('synack.local', PEER, 120, 1)]));
  w.to(300);
  assert.equal(w.take(), ['250: group:5353 query q=[synack.local ANY QU] ns=[A synack.local 120 198.18.0.2]']);
  assert.equal([w.m.host, w.m.conflicts], ['synack', 0]);
});

test('no console: a board without print probes, renames and announces all the same', () => {
  const w = world({ print: false });
  w.to(10);
  w.hear(20, msg(0, RESPONSE, [], [a('synack.local', PEER)]));
  w.to(3000);
  assert.equal([w.m.host, w.m.state, w.log.length], ['synack-2', MDNS_ANNOUNCED, 6]);
});

test('the responder and link-local are polled under numbers no datagram carries: IP protocols other than 1 and 17 are unknown', () => {
  const d = new FakeDriver(MAC);
  const netif = new Interface(d, { ip: ME, prefix: 24, random32: () => 0 });
  const stack = { iface: netif, tcp: null, dhcp: null } as never;
  startMdns(stack, {} as never);
  startLinkLocal(stack, {} as never);
  for (let p = 0; p < 256; p++) {
    if (p === 1 || p === 17) continue;
    const before = netif.cnt[DROP_IP_PROTO];
    const f = udpFrame(PEER, 5353, ME, [0, 0, 0, 0, 0, 0, 0, 0], p);
    netif.input(f, f.length);
    assert.is(netif.cnt[DROP_IP_PROTO], before + 1, `protocol ${p}`);
  }
  assert.is(netif.cnt[IP_RX], 254);
});

test.run();
