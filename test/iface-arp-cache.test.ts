// The ARP table (iface/arp-cache.ts) on its own: lookup (the last hit first), the victim for a new
// address (a free entry, else a learnt one, else the least recently confirmed of those old enough
// for the caller), claim/resolve/free, and `gen`,
// which the TCP fast ACK's cached headers depend on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArpCache, ARP_FREE, ARP_PENDING, ARP_RESOLVED, ARP_LEARNT } from '../firmware/iface/arp-cache.ts';

const MAC = (k: number) => Uint8Array.of(2, 0, 0, 0, 0, k);

test('a new table: every entry free, no queued frame, nothing found (not even address 0)', () => {
  const a = new ArpCache(3);
  assert.equal(Array.from(a.st), [ARP_FREE, ARP_FREE, ARP_FREE]);
  assert.equal(Array.from(a.q), [-1, -1, -1]);
  assert.is(a.find(0), -1, 'a free entry\'s address 0 is not a match');
  assert.is(a.find(5), -1);
});

test('claim, resolve, find: pending then resolved, the MAC stored; the last hit is looked at first', () => {
  const a = new ArpCache(3);
  a.claim(1, 0xc6120002, 10);
  assert.equal([a.st[1], a.t[1], a.req[1], a.tries[1], a.q[1]], [ARP_PENDING, 10, 10, 0, -1]);
  assert.is(a.find(0xc6120002), 1);
  a.resolve(1, Uint8Array.of(9, 2, 0, 0, 0, 0, 7), 1, 20);
  assert.equal([a.st[1], a.t[1], Array.from(a.m[1])], [ARP_RESOLVED, 20, [2, 0, 0, 0, 0, 7]]);
  a.claim(2, 0xc6120003, 30);
  assert.is(a.find(0xc6120003), 2);
  assert.is(a.last, 2);
  assert.is(a.find(0xc6120002), 1);
  assert.is(a.last, 1);
  a.free(1);
  assert.equal([a.find(0xc6120002), a.st[1], a.ip[1]], [-1, ARP_FREE, 0]);
  assert.is(a.find(0), -1, 'the freed entry (address 0, last looked at) is not a match');
});

test('resolve again: the MAC view is kept (the same array), its bytes replaced', () => {
  const a = new ArpCache(2);
  a.claim(0, 1, 0);
  a.resolve(0, MAC(1), 0, 1);
  const view = a.m[0];
  a.resolve(0, MAC(2), 0, 2);
  assert.ok(a.m[0] === view);
  assert.equal(Array.from(view), Array.from(MAC(2)));
});

const ANY = -Infinity; // the board's own traffic: any entry may go

test('victim for the board\'s own traffic: the first free entry; with none free, the one confirmed longest ago', () => {
  const a = new ArpCache(3);
  assert.is(a.victim(0, ANY, ANY), 0);
  a.claim(0, 1, 50); a.claim(1, 2, 20); a.claim(2, 3, 40);
  assert.is(a.victim(60, ANY, ANY), 1);
  a.resolve(1, MAC(1), 0, 60);
  assert.is(a.victim(60, ANY, ANY), 2);
  a.claim(2, 3, 50);                                  // ties: the first of them
  assert.is(a.victim(60, ANY, ANY), 0);
  assert.is(a.victim(10, ANY, ANY), 0, 'a clock set back: still an entry');
  a.free(1);
  assert.is(a.victim(60, ANY, ANY), 1);
});

test('victim: a learnt entry goes first, even one younger than every other', () => {
  const a = new ArpCache(3);
  a.claim(0, 1, 10); a.resolve(0, MAC(1), 0, 10);                        // resolved, oldest
  a.claim(1, 2, 30); a.resolve(1, MAC(2), 0, 30); a.st[1] = ARP_LEARNT;  // learnt at 30
  a.claim(2, 3, 20); a.resolve(2, MAC(3), 0, 20); a.st[2] = ARP_LEARNT;  // learnt at 20
  assert.is(a.victim(40, ANY, ANY), 2, 'the learnt one confirmed longest ago');
  a.resolve(2, MAC(3), 0, 35);
  assert.equal([a.st[2], a.victim(40, ANY, ANY)], [ARP_LEARNT, 1], 'a learnt entry confirmed again stays learnt');
  a.resolve(1, MAC(2), 0, 35);                        // ties among learnt: the first of them
  assert.is(a.victim(40, ANY, ANY), 1);
  a.st[1] = a.st[2] = ARP_RESOLVED;
  assert.is(a.victim(40, ANY, ANY), 0);
});

test('victim with ages: pending entries younger than `pending`, resolved ones younger than `young` are kept; -1 when all are', () => {
  const a = new ArpCache(2);
  a.claim(0, 1, 100);                                 // pending since 100
  a.claim(1, 2, 50); a.resolve(1, MAC(2), 0, 50);     // resolved at 50
  assert.is(a.victim(1099, 1000, 5000), -1, 'pending 999 ms, resolved 1049 ms: both kept');
  assert.is(a.victim(1100, 1000, 5000), 0, 'pending 1000 ms: spare');
  assert.is(a.victim(1100, 1000, Infinity), 0);
  assert.is(a.victim(5050, 1000, 5000), 1, 'both spare: the older (resolved at 50)');
  assert.is(a.victim(5050, 1000, Infinity), 0, 'a resolved entry never, with Infinity');
  assert.is(a.victim(5049, 1000000, 5000), -1);
  a.st[1] = ARP_LEARNT;
  assert.is(a.victim(51, 1000, Infinity), 1, 'a learnt entry whatever its age');
});

test('gen: bumped by claim, resolve and free', () => {
  const a = new ArpCache(2);
  const g0 = a.gen;
  a.claim(0, 1, 0);
  assert.is(a.gen, g0 + 1);
  a.resolve(0, MAC(1), 0, 1);
  assert.is(a.gen, g0 + 2);
  a.free(0);
  assert.is(a.gen, g0 + 3);
  a.q[1] = 4; a.free(1);
  assert.is(a.q[1], -1, 'free drops the queued frame index');
});

test.run();
