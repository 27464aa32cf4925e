// DHCP and DNS clients against a scripted server on the virtual segment: the exchange byte by
// byte where it matters (xid, flags, options), backoff, T1 renewal by unicast, T2 rebinding by
// broadcast, expiry, NAK restart, the address-change hook; DNS id/port/question matching, retries,
// TTL cache, malformed answers ignored. Wire formats checked on their own too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interface } from '../firmware/iface/interface.ts';
import { DhcpClient, DHCP_BOUND, DHCP_RENEWING, DHCP_REBINDING, DHCP_SELECTING } from '../firmware/iface/dhcp.ts';
import { DnsClient } from '../firmware/iface/dns.ts';
import { DhcpInfo, dhcpParse, emitDhcpRequest, DHCP_OK, DHCP_BAD_OPTIONS, DHCP_TRUNCATED, DHCPDISCOVER, DHCPREQUEST } from '../firmware/wire/dhcp.ts';
import { DnsAnswer, dnsParseResponse, emitDnsQuery, DNS_OK, DNS_BAD_NAME, DNS_RCODE } from '../firmware/wire/dns.ts';
import { createStack } from '../firmware/stack.ts';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimHost, SimNic } from '../host-sim/nic.ts';

const MAC = new Uint8Array([2, 0, 0, 0, 0, 0x42]);
const SERVER_IP = 0xc6120001; // 198.18.0.1
const OFFER_IP = 0xc6120032;  // 198.18.0.50

// ---- wire ----

test('DHCP request: fixed header, cookie, options, padded to 300 bytes', () => {
  const b = new Uint8Array(600);
  const n = emitDhcpRequest(b, 0, DHCPREQUEST, 0x11223344, 3, MAC, 0, OFFER_IP, SERVER_IP, 'synack', true);
  assert.is(n, 300);
  assert.equal([...b.subarray(0, 12)], [1, 1, 6, 0, 0x11, 0x22, 0x33, 0x44, 0, 3, 0x80, 0]);
  assert.equal([...b.subarray(28, 34)], [...MAC]);
  assert.equal([...b.subarray(236, 240)], [0x63, 0x82, 0x53, 0x63]);
  assert.equal([...b.subarray(240, 243)], [53, 1, 3]);
  assert.equal([...b.subarray(243, 252)], [61, 7, 1, ...MAC]);
  assert.equal([...b.subarray(252, 258)], [50, 4, 198, 18, 0, 50]);
  assert.equal([...b.subarray(258, 264)], [54, 4, 198, 18, 0, 1]);
  assert.equal([...b.subarray(264, 272)], [12, 6, ...Buffer.from('synack')]);
});

function reply(type: number, xid: number, yiaddr: number, opts: number[] = [], chaddr = MAC): Uint8Array {
  const b = new Uint8Array(240 + 64);
  b[0] = 2; b[1] = 1; b[2] = 6;
  new DataView(b.buffer).setUint32(4, xid);
  new DataView(b.buffer).setUint32(16, yiaddr);
  b.set(chaddr, 28);
  b.set([0x63, 0x82, 0x53, 0x63], 236);
  const o = [53, 1, type, 54, 4, 198, 18, 0, 1, ...opts, 255];
  b.set(o, 240);
  return b.subarray(0, 240 + o.length);
}

test('DHCP reply parse: options, and malformed input reported', () => {
  const info = new DhcpInfo();
  const r = reply(5, 7, OFFER_IP, [1, 4, 255, 255, 255, 0, 3, 4, 198, 18, 0, 1, 6, 4, 198, 18, 0, 1, 51, 4, 0, 0, 0, 120, 58, 4, 0, 0, 0, 60]);
  assert.is(dhcpParse(r, 0, r.length, info), DHCP_OK);
  assert.equal([info.type, info.xid, info.yiaddr >>> 0, info.mask >>> 0, info.router >>> 0, info.dns >>> 0, info.lease, info.t1, info.t2],
    [5, 7, OFFER_IP, 0xffffff00, SERVER_IP, SERVER_IP, 120, 60, -1]);
  assert.is(dhcpParse(r, 0, 100, info), DHCP_TRUNCATED);
  const bad = reply(5, 7, OFFER_IP, [51, 40, 1]);
  assert.is(dhcpParse(bad.subarray(0, bad.length - 1), 0, bad.length - 1, info), DHCP_BAD_OPTIONS);
});

test('DNS query bytes, response parse, compression loops rejected', () => {
  const b = new Uint8Array(300);
  const n = emitDnsQuery(b, 0, 0xbeef, 'peer.synack.test');
  assert.equal([...b.subarray(0, n)], [0xbe, 0xef, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4, ...Buffer.from('peer'), 6, ...Buffer.from('synack'), 4, ...Buffer.from('test'), 0, 0, 1, 0, 1]);
  assert.is(emitDnsQuery(b, 0, 1, 'bad..name'), 0);
  assert.is(emitDnsQuery(b, 0, 1, 'x'.repeat(64) + '.test'), 0);
  const resp = dnsResponse(0xbeef, 'peer.synack.test', [198, 18, 0, 1], 300);
  const a = new DnsAnswer();
  assert.is(dnsParseResponse(resp, 0, resp.length, a), DNS_OK);
  assert.is(a.addr >>> 0, SERVER_IP);
  assert.is(a.ttl, 300);
  const nx = resp.slice(); nx[3] = 0x83; // NXDOMAIN
  assert.is(dnsParseResponse(nx, 0, nx.length, a), DNS_RCODE);
  const loop = resp.slice(); const q = 12 + 18 + 4; loop[q] = 0xc0; loop[q + 1] = q; // answer name points at itself
  assert.is(dnsParseResponse(loop, 0, loop.length, a), DNS_BAD_NAME);
});

function dnsResponse(id: number, name: string, ip: number[], ttl: number): Uint8Array {
  const q = new Uint8Array(300);
  const n = emitDnsQuery(q, 0, id, name);
  const r = new Uint8Array(n + 16);
  r.set(q.subarray(0, n));
  r[2] = 0x81; r[3] = 0x80; r[7] = 1;
  r.set([0xc0, 12, 0, 1, 0, 1, ttl >>> 24, (ttl >> 16) & 255, (ttl >> 8) & 255, ttl & 255, 0, 4, ...ip], n);
  return r;
}

// ---- clients against a scripted server on the virtual segment ----

interface Seen { type: number; xid: number; dst: number; ciaddr: number; flags: number; at: number }

/** The clients on their own, or (with `print`) the whole stack as createStack builds it on a
 *  board, printing its console lines there. */
function world(opts: { answer?: (s: Seen) => number[] | null; print?: (line: string) => void } = {}) {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.05);
  const nic = new SimNic(seg.attach('board'), MAC);
  let r = 12345;
  const random32 = () => (r = (r * 1103515245 + 12345) >>> 0);
  const changes: [number, number][] = [];
  const stack = opts.print ? createStack(nic, { random32, apps: false, print: opts.print }) : null;
  const iface = stack ? stack.iface : new Interface(nic, { random32 });
  const dhcp = stack ? stack.dhcp! : new DhcpClient(iface, { hostname: 'synack', onAddressChange: (o, n) => changes.push([o >>> 0, n >>> 0]) });
  const dns = stack ? stack.dns : new DnsClient(iface, 0);
  const host = new SimHost(clock, stack ? stack : { poll: (now) => Math.min(iface.poll(now), dhcp.poll(now), dns.poll(now)) }, nic);
  // The scripted server: a raw port that answers DHCP (and DNS) from 198.18.0.1.
  const srv = seg.attach('server');
  const SRV_MAC = [2, 0, 0, 0, 0, 1];
  const seen: Seen[] = [];
  const dnsSeen: { id: number; sport: number; name: Uint8Array }[] = [];
  srv.onFrame((f) => {
    if (f[12] === 8 && f[13] === 6 && f[21] === 1) { // ARP request for the server: reply
      const tpa = (f[38] << 24 | f[39] << 16 | f[40] << 8 | f[41]) >>> 0;
      if (tpa !== SERVER_IP) return;
      const a = new Uint8Array(42);
      a.set(f.subarray(6, 12), 0); a.set(SRV_MAC, 6); a[12] = 8; a[13] = 6;
      a.set([0, 1, 8, 0, 6, 4, 0, 2], 14); a.set(SRV_MAC, 22); a.set([198, 18, 0, 1], 28); a.set(f.subarray(22, 32), 32);
      srv.send(a);
      return;
    }
    if (f[12] !== 8 || f[13] !== 0 || f[23] !== 17) return;
    const dport = (f[36] << 8) | f[37];
    const dst = (f[30] << 24 | f[31] << 16 | f[32] << 8 | f[33]) >>> 0;
    if (dport === 67) {
      const d = f.subarray(42);
      const s: Seen = { type: d[242], xid: new DataView(d.buffer, d.byteOffset).getUint32(4), dst, ciaddr: new DataView(d.buffer, d.byteOffset).getUint32(12) >>> 0, flags: (d[10] << 8) | d[11], at: clock.now };
      seen.push(s);
      const payload = opts.answer ? opts.answer(s) : null;
      if (payload) srv.send(udpFrame(SRV_MAC, 67, 68, Uint8Array.from(payload)));
    } else if (dport === 53) {
      const d = f.subarray(42);
      dnsSeen.push({ id: (d[0] << 8) | d[1], sport: (f[34] << 8) | f[35], name: d.slice(12) });
    }
  });
  function udpFrame(srcMac: number[], sport: number, dport: number, payload: Uint8Array, dstIp = 0xffffffff): Uint8Array {
    const f = new Uint8Array(42 + payload.length);
    f.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0); f.set(srcMac, 6); f[12] = 8;
    f[14] = 0x45; const tl = 28 + payload.length; f[16] = tl >> 8; f[17] = tl & 255; f[22] = 64; f[23] = 17;
    f.set([198, 18, 0, 1], 26); new DataView(f.buffer).setUint32(30, dstIp);
    let s = 0; for (let i = 14; i < 34; i += 2) s += (f[i] << 8) | f[i + 1]; while (s >> 16) s = (s & 0xffff) + (s >> 16);
    const c = ~s & 0xffff; f[24] = c >> 8; f[25] = c & 255;
    f[34] = sport >> 8; f[35] = sport & 255; f[36] = dport >> 8; f[37] = dport & 255; f[38] = (8 + payload.length) >> 8; f[39] = (8 + payload.length) & 255;
    f.set(payload, 42);
    return f;
  }
  return { clock, iface, dhcp, dns, host, seen, dnsSeen, changes, srv, udpFrame, SRV_MAC };
}

const LEASE_OPTS = [1, 4, 255, 255, 255, 0, 3, 4, 198, 18, 0, 1, 6, 4, 198, 18, 0, 1, 51, 4, 0, 0, 0, 120];

test('the stack prints its startup line, and the address when DHCP binds one (not at each renewal)', () => {
  const printed: string[] = [];
  let ack = true;
  const w = world({
    print: (l) => printed.push(l),
    answer: (s) => {
      if (s.type === DHCPDISCOVER) return [...reply(2, s.xid, OFFER_IP, LEASE_OPTS)];
      if (s.type === DHCPREQUEST) return [...reply(ack ? 5 : 6, s.xid, OFFER_IP, LEASE_OPTS)];
      return null;
    },
  });
  assert.equal(printed, ['synack: started, mac 02:00:00:00:00:42, DHCP']);
  w.clock.runFor(1000);
  assert.is(w.dhcp.state, DHCP_BOUND);
  assert.equal(printed.slice(1), ['synack: 198.18.0.50/24 by DHCP from 198.18.0.1, lease 120 s']);
  w.clock.runFor(61000); // renewed at T1: same address, nothing printed (but mDNS's name, on by default with DHCP)
  assert.is(w.seen.length, 3);
  assert.equal(printed.slice(2), ['synack: synack.local is 198.18.0.50 (mDNS)']);
  printed.splice(2, 1);
  ack = false; // the next renewal is NAKed: the address goes ...
  w.clock.runFor(60000);
  assert.ok(w.dhcp.naks >= 1);
  assert.is(w.iface.ip, 0);
  ack = true; // ... and is bound again, which is printed
  w.clock.runFor(10000);
  assert.is(w.dhcp.state, DHCP_BOUND);
  assert.equal(printed.slice(2), ['synack: 198.18.0.50/24 by DHCP from 198.18.0.1, lease 120 s', 'synack: synack.local is 198.18.0.50 (mDNS)']);
  const fixed: string[] = [];
  createStack(new SimNic(new Segment(new VirtualClock(), 0).attach('b'), MAC), { ip: '198.18.0.2/24', apps: false, print: (l) => fixed.push(l) });
  assert.equal(fixed, ['synack: started, mac 02:00:00:00:00:42, 198.18.0.2/24 static']);
});

test('DHCP: DISCOVER/OFFER/REQUEST/ACK, then renew at T1 by unicast, rebind at T2 by broadcast, expiry', () => {
  let answerRenew = true;
  const w = world({
    answer: (s) => {
      if (s.type === DHCPDISCOVER) return [...reply(2, s.xid, OFFER_IP, LEASE_OPTS)];
      if (s.type === DHCPREQUEST && (s.ciaddr === 0 || answerRenew)) return [...reply(5, s.xid, OFFER_IP, LEASE_OPTS)];
      return null;
    },
  });
  w.dhcp.start(0);
  w.clock.runFor(1000);
  assert.is(w.dhcp.state, DHCP_BOUND);
  assert.is(w.iface.ip >>> 0, OFFER_IP);
  assert.is(w.iface.prefix, 24);
  assert.is(w.iface.gateway >>> 0, SERVER_IP);
  assert.is(w.dhcp.dns >>> 0, SERVER_IP);
  assert.equal(w.changes, [[0, OFFER_IP]]);
  assert.equal(w.seen.map((s) => [s.type, s.dst >>> 0, s.flags]), [[1, 0xffffffff, 0x8000], [3, 0xffffffff, 0x8000]]);
  assert.is(w.seen[0].xid, w.seen[1].xid);
  // T1 = 60 s: a unicast REQUEST with ciaddr, answered.
  w.clock.runFor(60000);
  assert.is(w.seen.length, 3);
  assert.equal([w.seen[2].type, w.seen[2].dst >>> 0, w.seen[2].ciaddr, w.seen[2].flags], [3, SERVER_IP, OFFER_IP, 0]);
  assert.is(w.dhcp.state, DHCP_BOUND);
  // Next time the server is silent: RENEWING until T2 (105 s after the renewal), then REBINDING
  // (broadcast), then expiry at 120 s drops the address and discovery starts again.
  answerRenew = false;
  const renewedAt = w.seen[2].at;
  w.clock.runUntil(renewedAt + 61000);
  assert.is(w.dhcp.state, DHCP_RENEWING);
  w.clock.runUntil(renewedAt + 106000);
  assert.is(w.dhcp.state, DHCP_REBINDING);
  const rebinds = w.seen.filter((s) => s.at > renewedAt + 105000 && s.type === 3);
  assert.ok(rebinds.length >= 1 && rebinds.every((s) => s.dst >>> 0 === 0xffffffff), JSON.stringify(rebinds));
  w.clock.runUntil(renewedAt + 121000);
  assert.ok(w.dhcp.state === DHCP_SELECTING || w.dhcp.state === DHCP_BOUND);
  assert.equal(w.changes.slice(0, 2), [[0, OFFER_IP], [OFFER_IP, 0]]);
});

test('DHCP: retransmission backoff 4, 8, 16, 32, 64 s (+-1 s) and a new xid after a NAK', () => {
  let nak = false;
  const w = world({ answer: (s) => (s.type === DHCPREQUEST && nak ? [...reply(6, s.xid, 0)] : null) });
  w.dhcp.start(0);
  w.clock.runFor(200000);
  const gaps = w.seen.slice(1).map((s, i) => Math.round((s.at - w.seen[i].at) / 1000));
  assert.ok(gaps.length >= 5, `${gaps}`);
  [4, 8, 16, 32, 64].forEach((g, i) => assert.ok(Math.abs(gaps[i] - g) <= 1, `gap ${i}: ${gaps}`));
  assert.ok(w.seen.every((s) => s.type === 1 && s.xid === w.seen[0].xid));
  // Bound, then NAKed at renewal: the address is dropped, discovery restarts with a new xid.
  const w2 = world({ answer: (s) => {
    if (s.type === 1) return [...reply(2, s.xid, OFFER_IP, LEASE_OPTS)];
    if (nak) { nak = false; return [...reply(6, s.xid, 0)]; } // one NAK, then normal service
    return [...reply(5, s.xid, OFFER_IP, LEASE_OPTS)];
  } });
  w2.dhcp.start(0);
  w2.clock.runFor(1000);
  assert.is(w2.dhcp.state, DHCP_BOUND);
  nak = true;
  w2.clock.runFor(61500); // NAK at T1, a new DISCOVER 1 s later

  assert.is(w2.dhcp.naks, 1);
  assert.is(w2.dhcp.state, DHCP_BOUND);
  assert.equal(w2.changes, [[0, OFFER_IP], [OFFER_IP, 0], [0, OFFER_IP]]);
  const types = w2.seen.map((s) => s.type);
  assert.equal(types, [1, 3, 3, 1, 3]); // discover, request, renew (NAKed), discover again, request
  assert.is.not(w2.seen[3].xid, w2.seen[0].xid);
  assert.ok(w2.seen[3].at - w2.seen[2].at >= 1000, 'a second after the NAK');
});

test('DHCP: replies for another xid or another MAC are ignored', () => {
  const w = world({ answer: (s) => (s.type === 1 ? [...reply(2, s.xid ^ 1, OFFER_IP, LEASE_OPTS)] : null) });
  w.dhcp.start(0);
  w.clock.runFor(3000);
  assert.is(w.dhcp.state, DHCP_SELECTING);
  const w2 = world({ answer: (s) => (s.type === 1 ? [...reply(2, s.xid, OFFER_IP, LEASE_OPTS, new Uint8Array([2, 0, 0, 0, 0, 0x43]))] : null) });
  w2.dhcp.start(0);
  w2.clock.runFor(3000);
  assert.is(w2.dhcp.state, DHCP_SELECTING);
});

test('DNS: random id and port, answer matched, cached with its TTL, retries then ETIMEDOUT', () => {
  const w = world();
  w.iface.setAddress(0xc6120002, 24, 0);
  w.dns.server = SERVER_IP;
  const got: [string | null, number][] = [];
  w.dns.resolve('Peer.Synack.Test', (e, ip) => got.push([e, ip >>> 0]));
  w.clock.runFor(10);
  assert.is(w.dnsSeen.length, 1);
  const q = w.dnsSeen[0];
  assert.ok(q.sport >= 49152);
  // A forged answer with the wrong id, then one from the wrong port: both ignored.
  const good = dnsResponse(q.id, 'peer.synack.test', [198, 18, 0, 9], 30);
  const wrongId = dnsResponse(q.id ^ 1, 'peer.synack.test', [6, 6, 6, 6], 30);
  w.srv.send(w.udpFrame(w.SRV_MAC, 53, q.sport, wrongId, 0xc6120002));
  w.srv.send(w.udpFrame(w.SRV_MAC, 54, q.sport, good, 0xc6120002));
  w.clock.runFor(10);
  assert.equal(got, []);
  w.srv.send(w.udpFrame(w.SRV_MAC, 53, q.sport, good, 0xc6120002));
  w.clock.runFor(10);
  assert.equal(got, [[null, 0xc6120009]]);
  // Cached for 30 s: no new query.
  w.dns.resolve('peer.synack.test', (e, ip) => got.push([e, ip >>> 0]));
  assert.is(w.dnsSeen.length, 1);
  assert.is(got.length, 2);
  w.clock.runFor(31000);
  w.dns.resolve('peer.synack.test', (e, ip) => got.push([e, ip >>> 0]));
  w.clock.runFor(10000);
  assert.is(w.dnsSeen.length, 4); // expired: asked again, 3 tries (1, 2, 4 s)
  assert.equal(got[2], ['ETIMEDOUT', 0]);
  // Dotted quads need no server.
  w.dns.resolve('198.18.0.7', (e, ip) => got.push([e, ip >>> 0]));
  assert.equal(got[3], [null, 0xc6120007]);
  w.dns.resolve('bad..name', (e) => got.push([e, 0]));
  assert.equal(got[4], ['EINVAL', 0]);
});

test.run();
