// The ARP table (iface/arp-cache.ts) on its own: lookup (the last hit first), the victim for a new
// address (a free entry, else the least recently confirmed), claim/resolve/free, and `gen`,
// which the TCP fast ACK's cached headers depend on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArpCache, ARP_FREE, ARP_PENDING, ARP_RESOLVED } from '../firmware/iface/arp-cache.ts';

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

test('victim: the first free entry; with none free, the one confirmed longest ago', () => {
  const a = new ArpCache(3);
  assert.is(a.victim(), 0);
  a.claim(0, 1, 50); a.claim(1, 2, 20); a.claim(2, 3, 40);
  assert.is(a.victim(), 1);
  a.resolve(1, MAC(1), 0, 60);
  assert.is(a.victim(), 2);
  a.claim(2, 3, 50);                                  // ties: the first of them
  assert.is(a.victim(), 0);
  a.free(1);
  assert.is(a.victim(), 1);
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
