// The DHCP client (iface/dhcp.ts, RFC 2131 4.4) over a fake interface: DISCOVER backoff, the
// OFFER taken, REQUEST retries and the restart after four, ACK (lease, T1, T2, mask, router,
// DNS), RENEWING unicast and REBINDING broadcast with their retransmission times, expiry, NAK
// backoff, and the replies that are not ours.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NO_TIMER } from '../firmware/iface/types.ts';
import { DhcpClient, DHCP_SELECTING, DHCP_REQUESTING, DHCP_BOUND, DHCP_RENEWING, DHCP_REBINDING, DHCP_INIT } from '../firmware/iface/dhcp.ts';

const MAC = Uint8Array.of(2, 0, 0, 0, 0, 7);
const SRV = 0xc61200fe, YOU = 0xc6120009, BCAST = 0xffffffff;
const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

function world(hostname = 'b', onChange = true) {
  const sent: { t: number; dst: number; type: number; ciaddr: number; xid: number; secs: number; flags: number; opts: number[] }[] = [];
  const changes: [number, number][] = [];
  const setAddr: [number, number, number][] = [];
  let handler: ((s: number, sp: number, d: number, b: Uint8Array, o: number, l: number) => void) | null = null;
  const ifc = {
    ip: 0, prefix: 0, gateway: 0, mac: MAC, now: 0, tx: new Uint8Array(700), rnd: 1000,
    random32() { return this.rnd; },
    udpBind(_p: number, h: typeof handler) { handler = h; return true; },
    udpSend(_sp: number, dst: number, _dp: number, _d: null, at: number, len: number) {
      const m = ifc.tx.subarray(at, at + len);
      const g32 = (o: number) => ((m[o] << 24) | (m[o + 1] << 16) | (m[o + 2] << 8) | m[o + 3]) >>> 0;
      sent.push({ t: ifc.now, dst, type: m[242], ciaddr: g32(12), xid: g32(4), secs: (m[8] << 8) | m[9], flags: (m[10] << 8) | m[11], opts: Array.from(m.subarray(240, 300)) });
      return true;
    },
    setAddress(ip: number, prefix: number, gw: number) { setAddr.push([ip >>> 0, prefix, gw >>> 0]); ifc.ip = ip >>> 0; ifc.prefix = prefix; ifc.gateway = gw >>> 0; },
  };
  const c = new DhcpClient(ifc as never, onChange ? { hostname, onAddressChange: (o, n) => changes.push([o >>> 0, n >>> 0]) } : { hostname });
  /** A server reply of `type` to the client's current xid (or `xid`), with options. */
  const reply = (type: number, o: { yi?: number; server?: number; lease?: number; t1?: number; t2?: number; mask?: number; router?: number; dns?: number; xid?: number; mac?: Uint8Array } = {}) => {
    const b = new Uint8Array(300);
    b[0] = 2;
    b.set(u32(o.xid ?? sent[sent.length - 1].xid), 4);
    b.set(u32(o.yi ?? YOU), 16);
    b.set(o.mac ?? MAC, 28);
    b.set([0x63, 0x82, 0x53, 0x63], 236);
    const opts = [53, 1, type];
    if (o.server !== 0) opts.push(54, 4, ...u32(o.server ?? SRV));
    if (o.lease !== undefined) opts.push(51, 4, ...u32(o.lease));
    if (o.t1 !== undefined) opts.push(58, 4, ...u32(o.t1));
    if (o.t2 !== undefined) opts.push(59, 4, ...u32(o.t2));
    if (o.mask) opts.push(1, 4, ...u32(o.mask));
    if (o.router) opts.push(3, 4, ...u32(o.router));
    if (o.dns) opts.push(6, 4, ...u32(o.dns));
    b.set([...opts, 255], 240);
    handler!(SRV, 67, BCAST, b, 0, b.length);
  };
  const run = (t: number) => { for (let x = ifc.now + 1000 - (ifc.now % 1000); x <= t; x += 1000) { ifc.now = x; c.poll(x); } ifc.now = t; c.poll(t); };
  return { ifc, c, sent, changes, setAddr, reply, run };
}

test('DISCOVER broadcast at start, then after 4, 8, 16, 32, 64, 64 s (random 0: 1 s less); secs counts from the start', () => {
  const w = world();
  w.ifc.rnd = 0;
  w.c.start(0);
  assert.is(w.c.state, DHCP_SELECTING);
  w.run(300000);
  assert.equal(w.sent.map((s) => s.t / 1000), [0, 3, 10, 25, 56, 119, 182, 245]);
  assert.ok(w.sent.every((s) => s.type === 1 && s.dst === BCAST && s.flags === 0x8000 && s.ciaddr === 0));
  assert.equal(w.sent.slice(0, 3).map((s) => s.secs), [0, 3, 10]);
  assert.is(w.c.poll(w.ifc.now), 245000 + 63000 - 300000);
});

test('OFFER: a REQUEST for it, broadcast, naming the server; REQUEST retried, then after four the discovery restarts', () => {
  const w = world();
  w.ifc.rnd = 2000;                                   // +1 s
  w.c.start(0);
  w.reply(2);
  assert.is(w.c.state, DHCP_REQUESTING);
  const r = w.sent[1];
  assert.equal([r.type, r.dst], [3, BCAST]);
  assert.equal(r.opts.slice(12, 24), [50, 4, ...u32(YOU), 54, 4, ...u32(SRV)]);
  w.run(100000);
  assert.equal(w.sent.map((s) => [s.t / 1000, s.type]).slice(1, 6), [[0, 3], [5, 3], [14, 3], [31, 3], [64, 1]]);
  assert.is(w.c.state, DHCP_SELECTING);
});

test('an OFFER without an address or a server id, a reply for another xid or another MAC, or a BOOTREQUEST: ignored', () => {
  const w = world();
  w.c.start(0);
  w.reply(2, { yi: 0 });
  w.reply(2, { server: 0 });
  w.reply(2, { xid: 12345 });
  w.reply(2, { mac: Uint8Array.of(2, 0, 0, 0, 0, 8) });
  w.reply(5);                                         // an ACK while SELECTING
  assert.is(w.c.state, DHCP_SELECTING);
  assert.is(w.sent.length, 1);
});

test('ACK: the address, prefix from the mask, router and DNS set; lease, T1 and T2 as given; onAddressChange', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.ifc.now = 500;
  w.reply(5, { lease: 1000, t1: 300, t2: 700, mask: 0xfffffe00, router: 0xc6120001, dns: 0x08080808 });
  assert.is(w.c.state, DHCP_BOUND);
  assert.equal([w.ifc.ip, w.ifc.prefix, w.ifc.gateway, w.c.dns >>> 0], [YOU, 23, 0xc6120001, 0x08080808]);
  assert.equal([w.c.leaseStart, w.c.lease, w.c.t1, w.c.t2], [500, 1000000, 300000, 700000]);
  assert.equal(w.changes, [[0, YOU]]);
  assert.is(w.c.poll(500), 300000);
});

test('ACK defaults: no lease is an hour; T1 half, T2 7/8; T1 or T2 not below the lease are ignored; prefix 24 without a mask', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.reply(5);
  assert.equal([w.c.lease, w.c.t1, w.c.t2, w.ifc.prefix], [3600000, 1800000, 3150000, 24]);
  const v = world();
  v.c.start(0);
  v.reply(2);
  v.reply(5, { lease: 100, t1: 100, t2: 200 });
  assert.equal([v.c.t1, v.c.t2], [50000, 87500]);
  const u = world();
  u.c.start(0);
  u.reply(2);
  u.reply(5, { lease: 100, t1: 90, t2: 40 });
  assert.equal([u.c.t1, u.c.t2], [90000, 90000], 'T2 raised to T1');
});

test('BOUND: at T1 a unicast REQUEST with ciaddr (RENEWING), retried at half the time left (10 s at least); at T2 broadcast (REBINDING); at expiry the address is dropped', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.reply(5, { lease: 200, t1: 100, t2: 160 });
  w.sent.length = 0;
  w.run(99999);
  assert.equal(w.sent, []);
  w.run(100000);
  assert.is(w.c.state, DHCP_RENEWING);
  assert.equal([w.sent[0].dst, w.sent[0].ciaddr, w.sent[0].flags], [SRV, YOU, 0]);
  w.run(159999);
  assert.equal(w.sent.map((s) => s.t / 1000), [100, 130, 145, 155]);
  w.run(160000);
  assert.is(w.c.state, DHCP_REBINDING);
  assert.is(w.sent[w.sent.length - 1].dst, BCAST);
  w.run(199999);
  assert.equal(w.sent.slice(4).map((s) => s.t / 1000), [160, 180, 190]);
  w.run(200000);
  assert.equal([w.ifc.ip, w.c.state], [0, DHCP_SELECTING]);
  assert.equal(w.changes[w.changes.length - 1], [YOU, 0]);
});

test('RENEWING: the ACK extends the lease from now, the address kept (no change reported)', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.reply(5, { lease: 200 });
  w.run(100000);
  w.reply(5, { lease: 200 });
  assert.equal([w.c.state, w.c.leaseStart, w.changes.length], [DHCP_BOUND, 100000, 1]);
  assert.is(w.c.poll(100000), 100000);
});

test('NAK: the address dropped, INIT, then DISCOVER after 1 s, 2 s, 4 s... for NAKs in a row; an ACK resets the count', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.reply(5, { lease: 200 });
  w.run(100000);
  w.reply(6);
  assert.equal([w.c.state, w.ifc.ip, w.c.naks], [DHCP_INIT, 0, 1]);
  assert.equal(w.changes[w.changes.length - 1], [YOU, 0]);
  const n = w.sent.length;
  w.run(100999);
  assert.is(w.sent.length, n);
  w.run(101000);
  assert.is(w.sent[n].type, 1);
  w.reply(2);
  w.reply(6);                                         // a second NAK in a row: 2 s
  const m = w.sent.length;
  w.run(102999);
  assert.is(w.sent.length, m);
  w.run(103000);
  assert.is(w.sent.length, m + 1);
});

test('stop(): no more transmissions, replies ignored; BOUND ignores replies too', () => {
  const w = world();
  w.c.start(0);
  w.c.stop();
  w.run(100000);
  assert.is(w.sent.length, 1);
  w.reply(2);
  assert.is(w.c.state, DHCP_SELECTING);
  const b = world();
  b.c.start(0);
  b.reply(2);
  b.reply(5);
  b.reply(6);
  assert.equal([b.c.state, b.ifc.ip], [DHCP_BOUND, YOU]);
});

test('hostname: sent in DISCOVER (option 12); none when empty', () => {
  const w = world('node1');
  w.c.start(0);
  assert.equal(w.sent[0].opts.slice(12, 19), [12, 5, 110, 111, 100, 101, 49]);
  const v = world('');
  v.c.start(0);
  assert.equal(v.sent[0].opts.slice(12, 14), [57, 2]);
  assert.is(DHCP_INIT, 0);
});

test('before start(): poll asks for no timer and sends nothing; a reply is ignored', () => {
  const w = world();
  assert.is(w.c.poll(5000), NO_TIMER);
  assert.equal(w.sent, []);
  w.reply(2, { xid: 0 });
  assert.is(w.c.state, DHCP_INIT);
  assert.equal(w.sent, []);
});

test('secs counts from the start of this acquisition, not from time 0; `sent` counts every message', () => {
  const w = world();
  w.ifc.rnd = 1000;                                   // +0 s
  w.ifc.now = 50000;
  w.c.start(50000);
  w.run(70000);
  assert.equal(w.sent.map((s) => [s.t / 1000, s.secs]), [[50, 0], [54, 4], [62, 12]]);
  assert.is(w.c.sent, 3);
});

test('REQUESTING: a second OFFER (another server) is not taken and not requested; an ACK without an address is ignored', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  assert.is(w.sent.length, 2);
  w.reply(2, { yi: 0xc6120063, server: 0xc61200fd });
  assert.equal([w.c.state, w.sent.length, w.ifc.ip], [DHCP_REQUESTING, 2, 0]);
  w.reply(5, { yi: 0 });
  assert.equal([w.c.state, w.ifc.ip, w.c.acks], [DHCP_REQUESTING, 0, 0]);
  w.reply(5);
  assert.equal([w.c.state, w.ifc.ip, w.c.acks], [DHCP_BOUND, YOU, 1]);
});

test('a lease of 255.255.255.255 is a /32, 0.0.0.0 gives 24; an ACK names the server that renews it', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.reply(5, { mask: 0xffffffff, lease: 200, server: 0xc61200fd });
  assert.is(w.ifc.prefix, 32);
  w.sent.length = 0;
  w.run(100000);
  assert.equal(w.sent.map((s) => s.dst >>> 0), [0xc61200fd], 'RENEWING unicast to the ACK\'s server, not the OFFER\'s');
  const v = world();
  v.c.start(0);
  v.reply(2);
  v.reply(5, { lease: 200, server: 0 });              // an ACK without a server id: the OFFER's server kept
  v.sent.length = 0;
  v.run(100000);
  assert.equal(v.sent.map((s) => s.dst >>> 0), [SRV]);
  const x = world();
  x.c.start(0);
  x.reply(2);
  x.reply(5, { mask: 0xffffff00 });
  assert.is(x.ifc.prefix, 24);
  const y = world();
  y.c.start(0);
  y.reply(2);
  y.reply(5, { mask: 0x80000000 });
  assert.is(y.ifc.prefix, 1);
});

test('ACK: a lease of 0 s is taken as absent (an hour); T1 or T2 of 0, or T2 equal to the lease, are ignored', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.reply(5, { lease: 0, t1: 0, t2: 0 });
  assert.equal([w.c.lease, w.c.t1, w.c.t2], [3600000, 1800000, 3150000]);
  const v = world();
  v.c.start(0);
  v.reply(2);
  v.reply(5, { lease: 100, t1: 20, t2: 100 });
  assert.equal([v.c.t1, v.c.t2], [20000, 87500]);
});

test('REBINDING: an ACK from any server binds again (new lease from now)', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.reply(5, { lease: 200, t1: 100, t2: 160 });
  w.run(170000);
  assert.is(w.c.state, DHCP_REBINDING);
  w.reply(5, { lease: 200, t1: 100, t2: 160, server: 0xc61200fd });
  assert.equal([w.c.state, w.c.leaseStart, w.c.acks, w.c.server >>> 0], [DHCP_BOUND, 170000, 2, 0xc61200fd]);
  assert.is(w.c.poll(170000), 100000);
});

test('renewal: the same lease sets nothing again (no gratuitous ARP); a new router or mask is set without an address change reported', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.reply(5, { lease: 200, router: 0xc6120001, mask: 0xffffff00 });
  assert.equal(w.setAddr, [[YOU, 24, 0xc6120001]]);
  w.run(100000);
  w.reply(5, { lease: 200, router: 0xc6120001, mask: 0xffffff00 });
  assert.equal(w.setAddr.length, 1, 'unchanged: not set again');
  w.run(200000);
  w.reply(5, { lease: 200, router: 0xc6120002, mask: 0xffffff00 });
  assert.equal(w.setAddr.slice(1), [[YOU, 24, 0xc6120002]], 'a new router');
  w.run(300000);
  w.reply(5, { lease: 200, router: 0xc6120002, mask: 0xfffffe00 });
  assert.equal(w.setAddr.slice(2), [[YOU, 23, 0xc6120002]], 'a new mask');
  assert.equal(w.changes, [[0, YOU]], 'the address itself never changed');
  w.run(400000);
  w.reply(5, { lease: 200, yi: 0xc6120063, router: 0xc6120002, mask: 0xfffffe00 });
  assert.equal(w.setAddr.slice(3), [[0xc6120063, 23, 0xc6120002]], 'a new address');
  assert.equal(w.changes, [[0, YOU], [YOU, 0xc6120063]]);
});

test('BOUND: a reply to another client is not parsed (no reply buffer held while the lease is)', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.reply(5);
  assert.is((w.c as unknown as { info: unknown }).info, null);
  w.reply(5);
  assert.is((w.c as unknown as { info: unknown }).info, null);
});

test('NAK while REQUESTING (no address yet): nothing to drop, no address change reported; the NAK backoff stops doubling at 64 s', () => {
  const w = world();
  w.c.start(0);
  w.reply(2);
  w.reply(6);
  assert.equal([w.c.state, w.setAddr, w.changes], [DHCP_INIT, [], []]);
  // NAKs 2..8 in a row: 2, 4, 8, 16, 32, 64, 64 s before the next DISCOVER.
  const gaps: number[] = [];
  for (let k = 2; k <= 8; k++) {
    w.run(w.ifc.now + 200000);                        // the DISCOVER after the backoff
    w.reply(2);
    const t = w.ifc.now;
    w.reply(6);
    const n = w.sent.length;
    w.run(t + 200000);
    gaps.push((w.sent[n].t - t) / 1000);
  }
  assert.equal(gaps.slice(0, 7), [2, 4, 8, 16, 32, 64, 64]);
});

test('without onAddressChange: ACK, NAK after a lease and expiry change the address without calling it', () => {
  const w = world('b', false);
  w.c.start(0);
  w.reply(2);
  w.reply(5, { lease: 200 });
  assert.is(w.ifc.ip, YOU);
  w.run(100000);
  w.reply(6);
  assert.is(w.ifc.ip, 0);
  const v = world('b', false);
  v.c.start(0);
  v.reply(2);
  v.reply(5, { lease: 200 });
  v.run(200000);
  assert.equal([v.ifc.ip, v.c.state], [0, DHCP_SELECTING]);
});

test.run();
