// The DNS stub resolver (iface/dns.ts) over a fake interface: literals, the cache and its TTLs,
// retries 1, 2, 4 s then ETIMEDOUT, which answers are believed (RFC 5452: server, port 53, id,
// question), ENOTFOUND, the limits (EBUSY, ENOSERVER, EINVAL), and source ports.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DnsClient } from '../firmware/iface/dns.ts';

const SERVER = 0xc6120035;
type Handler = (src: number, sport: number, dst: number, b: Uint8Array, o: number, l: number) => void;

function world(server = SERVER) {
  let r = 0;
  const sent: { t: number; sport: number; dst: number; dport: number; id: number; name: string }[] = [];
  const bound = new Map<number, Handler>();
  const ifc = {
    now: 0, tx: new Uint8Array(600), rand: [] as number[],
    random32() { return this.rand.length ? this.rand.shift()! : (r = (r * 1103515245 + 12345) >>> 0); },
    udpBind(p: number, h: Handler) { if (bound.has(p)) return false; bound.set(p, h); return true; },
    udpUnbind(p: number) { bound.delete(p); },
    udpSend(sport: number, dst: number, dport: number, _d: null, at: number, len: number) {
      const m = ifc.tx.subarray(at, at + len);
      let i = 12, name = '';
      while (m[i]) { name += (name ? '.' : '') + String.fromCharCode(...m.subarray(i + 1, i + 1 + m[i])); i += 1 + m[i]; }
      sent.push({ t: ifc.now, sport, dst, dport, id: (m[0] << 8) | m[1], name });
      return true;
    },
  };
  const dns = new DnsClient(ifc as never, server);
  const got: [string | null, number][] = [];
  const cb = (e: string | null, ip: number) => got.push([e, ip >>> 0]);
  /** The server's answer to query q (flags, A address, TTL), from `src`:`sport`. */
  const answer = (q: { sport: number; id: number; name: string }, o: { ip?: number; ttl?: number; rcode?: number; id?: number; name?: string; src?: number; sport?: number; cut?: number; none?: boolean } = {}) => {
    const lab = (o.name ?? q.name).split('.').flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]);
    const ip = o.ip ?? 0xc6120009, ttl = o.ttl ?? 60;
    const an = o.rcode || o.none ? 0 : 1;
    const m = Uint8Array.from([(o.id ?? q.id) >> 8, (o.id ?? q.id) & 255, 0x81, 0x80 | (o.rcode ?? 0), 0, 1, 0, an, 0, 0, 0, 0, ...lab, 0, 0, 1, 0, 1,
      ...(an ? [0xc0, 12, 0, 1, 0, 1, ttl >>> 24, (ttl >>> 16) & 255, (ttl >>> 8) & 255, ttl & 255, 0, 4, ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255] : [])]);
    const h = bound.get(q.sport);
    if (h) h(o.src ?? SERVER, o.sport ?? 53, 0, m, 0, o.cut ?? m.length);
  };
  const run = (t: number) => { for (let x = ifc.now + 1; x <= t; x++) { ifc.now = x; dns.poll(x); } };
  return { ifc, dns, sent, bound, got, cb, answer, run };
}

test('a dotted quad is answered at once, without a query', () => {
  const w = world();
  w.dns.resolve('198.18.0.7', w.cb);
  assert.equal(w.got, [[null, 0xc6120007]]);
  assert.equal(w.sent, []);
});

test('a query to the server\'s port 53 from a dynamic port; the answer resolves it and is cached for its TTL', () => {
  const w = world();
  w.dns.resolve('Peer.Test.', w.cb);
  assert.equal(w.sent.map((s) => [s.dst, s.dport, s.name]), [[SERVER, 53, 'peer.test']]);
  assert.ok(w.sent[0].sport >= 49152 && w.sent[0].sport <= 65535);
  w.answer(w.sent[0], { ttl: 2 });
  assert.equal(w.got, [[null, 0xc6120009]]);
  assert.is(w.bound.size, 0, 'its port unbound');
  assert.equal([w.dns.sent, w.dns.answered], [1, 1]);
  w.ifc.now = 1999;
  w.dns.resolve('peer.test', w.cb);
  assert.is(w.sent.length, 1, 'from the cache');
  w.ifc.now = 2000;
  w.dns.resolve('peer.test', w.cb);
  assert.is(w.sent.length, 2, 'expired at its TTL');
});

test('TTLs are capped at an hour; the cache keeps 8 names, evicting the one expiring first; a name again replaces its entry', () => {
  const w = world();
  w.dns.resolve('long', w.cb);
  w.answer(w.sent[0], { ttl: 100000 });
  assert.is(w.dns.cache[0].expires, 3600 * 1000);
  for (let i = 0; i < 8; i++) { w.dns.resolve('n' + i, w.cb); w.answer(w.sent[w.sent.length - 1], { ttl: 10 + i, ip: i }); }
  assert.is(w.dns.cache.length, 8);
  assert.ok(!w.dns.cache.some((e) => e.name === 'n0'), 'n0 (10 s) evicted for n7');
  assert.ok(w.dns.cache.some((e) => e.name === 'long'));
  w.ifc.now = 20000;
  w.dns.resolve('n7', w.cb);
  w.answer(w.sent[w.sent.length - 1], { ttl: 30, ip: 77 });
  assert.is(w.dns.cache.filter((e) => e.name === 'n7').length, 1);
  assert.equal(w.got[w.got.length - 1], [null, 77]);
});

test('no answer: sent again after 1 s, then 2 s, then ETIMEDOUT 4 s later; poll says when', () => {
  const w = world();
  w.dns.resolve('slow', w.cb);
  assert.is(w.dns.poll(0), 1000);
  w.run(7000);
  assert.equal(w.sent.map((s) => s.t), [0, 1000, 3000]);
  assert.equal(w.got, [[ 'ETIMEDOUT', 0 ]]);
  assert.equal([w.dns.timeouts, w.bound.size, w.dns.queries.length], [1, 0, 0]);
});

test('answers not believed: another source, another port, another id, another question; a malformed one is ignored', () => {
  const w = world();
  w.dns.resolve('peer', w.cb);
  const q = w.sent[0];
  w.answer(q, { src: SERVER + 1 });
  w.answer(q, { sport: 5353 });
  w.answer(q, { id: q.id ^ 1 });
  w.answer(q, { name: 'other' });
  w.answer(q, { cut: 20 });
  assert.equal(w.got, []);
  w.answer(q);
  assert.equal(w.got, [[null, 0xc6120009]]);
  w.answer(q, { ip: 1 });
  assert.is(w.got.length, 1, 'a second answer after the first is ignored');
});

test('NXDOMAIN and a reply without an A record give ENOTFOUND', () => {
  const w = world();
  w.dns.resolve('nx', w.cb);
  w.answer(w.sent[0], { rcode: 3 });
  assert.equal(w.got, [['ENOTFOUND', 0]]);
  w.dns.resolve('noa', w.cb);
  w.answer(w.sent[1], { none: true });
  assert.equal(w.got[1], ['ENOTFOUND', 0], 'no answer records');
});

test('limits: no server (ENOSERVER), a 5th query at once (EBUSY), a name that is not a host name (EINVAL, port freed)', () => {
  const n = world(0);
  n.dns.resolve('x', n.cb);
  assert.equal(n.got, [['ENOSERVER', 0]]);
  const w = world();
  for (let i = 0; i < 5; i++) w.dns.resolve('q' + i, w.cb);
  assert.equal(w.got, [['EBUSY', 0]]);
  assert.is(w.dns.queries.length, 4);
  const v = world();
  v.dns.resolve('a..b', v.cb);
  assert.equal(v.got, [['EINVAL', 0]]);
  assert.is(v.bound.size, 0);
});

test('source port: a taken one is skipped; none free after 8 tries is EBUSY', () => {
  const w = world();
  w.ifc.rand = [7, 0, 0, 1];                          // id 7; port 49152 (taken); then 49153
  w.bound.set(49152, () => {});
  w.dns.resolve('p', w.cb);
  assert.is(w.sent[0].sport, 49153);
  assert.is(w.sent[0].id, 7);
  const b = world();
  b.ifc.rand = [1, ...Array(8).fill(5)];
  b.bound.set(49157, () => {});
  b.dns.resolve('p', b.cb);
  assert.equal(b.got, [['EBUSY', 0]]);
  assert.is(b.sent.length, 0);
});

test('0.0.0.0 is a dotted quad too: answered at once as 0, without a query', () => {
  const w = world();
  w.dns.resolve('0.0.0.0', w.cb);
  assert.equal(w.got, [[null, 0]]);
  assert.equal(w.sent, []);
});

test('two queries that time out at the same poll both end with ETIMEDOUT at that poll', () => {
  const w = world();
  const at: [string, string | null, number][] = [];
  w.dns.resolve('a', (e) => at.push(['a', e, w.ifc.now]));
  w.dns.resolve('b', (e) => at.push(['b', e, w.ifc.now]));
  w.run(7000);
  assert.equal(at, [['a', 'ETIMEDOUT', 7000], ['b', 'ETIMEDOUT', 7000]]);
  assert.equal([w.dns.queries.length, w.bound.size], [0, 0]);
});

test('poll returns the time to the nearest retry among the queries, whichever is first in the list', () => {
  const w = world();
  w.dns.resolve('a', w.cb);          // t=0: sent, again at 1000 (then 3000)
  w.run(1500);
  w.dns.resolve('b', w.cb);          // t=1500: again at 2500
  w.ifc.now = 1600;
  w.dns.resolve('c', w.cb);          // t=1600: again at 2600
  assert.equal(w.sent.map((s) => [s.name, s.t]), [['a', 0], ['a', 1000], ['b', 1500], ['c', 1600]]);
  assert.is(w.dns.poll(1600), 900, 'b, the second of three, is due first');
  w.ifc.now = 2550;
  assert.is(w.dns.poll(2550), 50, 'c, the last, is due first (b sent again at 2550, due at 4550)');
});

test('a name answered again after its entry expired takes the same entry, not a second one', () => {
  const w = world();
  w.dns.resolve('a', w.cb);
  w.answer(w.sent[0], { ttl: 1, ip: 1 });
  w.ifc.now = 1000;
  w.dns.resolve('a', w.cb);
  assert.is(w.sent.length, 2, 'expired: asked again');
  w.answer(w.sent[1], { ttl: 60, ip: 2 });
  assert.equal(w.dns.cache.map((e) => [e.name, e.ip]), [['a', 2]]);
});

test('two queries for one name at once: the second answer replaces the first\'s entry in a full cache, evicting nothing', () => {
  const w = world();
  w.dns.resolve('a', w.cb);
  w.dns.resolve('a', w.cb);
  const [q1, q2] = w.sent;
  w.answer(q1, { ttl: 100, ip: 1 });
  for (let i = 0; i < 7; i++) { w.dns.resolve('n' + i, w.cb); w.answer(w.sent[w.sent.length - 1], { ttl: 10 + i, ip: 10 + i }); }
  assert.is(w.dns.cache.length, 8);
  w.answer(q2, { ttl: 100, ip: 2 });
  assert.equal(w.got.slice(0, 1).concat(w.got.slice(-1)), [[null, 1], [null, 2]]);
  assert.equal(w.dns.cache.map((e) => [e.name, e.ip]), [['a', 2], ['n0', 10], ['n1', 11], ['n2', 12], ['n3', 13], ['n4', 14], ['n5', 15], ['n6', 16]]);
  w.dns.resolve('n0', w.cb);
  assert.is(w.sent.length, 9, 'n0 (the entry expiring first) still answered from the cache');
});

test('a full cache whose entries expire together evicts the one cached first', () => {
  const w = world();
  for (let i = 0; i < 9; i++) { w.dns.resolve('n' + i, w.cb); w.answer(w.sent[w.sent.length - 1], { ttl: 60, ip: i }); }
  assert.equal(w.dns.cache.map((e) => e.name), ['n8', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
});

test.run();
