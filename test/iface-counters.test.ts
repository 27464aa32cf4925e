// Guards the rule "every drop reason has a test with a malformed frame": each `drop...` counter
// of the interface must be asserted by name in some test/iface-*.test.ts suite.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as counters from '../firmware/iface/counters.ts';
import { makeCounters, totalDrops, counterValues, counterNames, ifaceCounterNames, tcpCounterNames, IFACE_COUNT, RX_FRAMES, DROP_IP_CHECKSUM, DROP_ETH_TYPE } from '../firmware/iface/counters.ts';
import * as tcp from '../firmware/tcp/tcp.ts';

test('every drop counter is asserted in an iface test', () => {
  const dir = import.meta.dirname;
  const text = readdirSync(dir).filter((f) => f.startsWith('iface-') && f.endsWith('.test.ts') && f !== 'iface-counters.test.ts')
    .map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const names = ifaceCounterNames().split(' ').filter((k) => k.startsWith('drop'));
  assert.ok(names.length >= 30);
  const missing = names.filter((k) => !new RegExp(`\\.${k}\\b`).test(text));
  assert.equal(missing, []);
});

test('counters start at zero and totalDrops sums only drop counters', () => {
  const c = makeCounters();
  assert.ok(c.every((v) => v === 0));
  c[RX_FRAMES] = 5; c[DROP_IP_CHECKSUM] = 2; c[DROP_ETH_TYPE] = 1;
  const named = counterValues(c, counterNames(), 0);
  assert.is(named.rxFrames, 5);
  assert.is(totalDrops(named), 3);
});

// The index constants and the names string must agree: RX_FRAMES is the index of "rxFrames".
const constantOf = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

test('each interface counter name is at the index of its constant', () => {
  const names = ifaceCounterNames().split(' ');
  assert.is(makeCounters().length, names.length);
  names.forEach((n, i) => assert.is((counters as unknown as Record<string, number>)[constantOf(n)], i, n));
});

test('each TCP counter name is at the index of its constant', () => {
  const names = tcpCounterNames().split(' ');
  names.forEach((n, i) => assert.is((tcp as unknown as Record<string, number>)[constantOf(n)], i, n));
  // counterNames(): the interface's, then TCP's from IFACE_COUNT.
  assert.is(IFACE_COUNT, ifaceCounterNames().split(' ').length);
  assert.equal(counterNames().split(' '), ifaceCounterNames().split(' ').concat(names));
});

test('nthName: the i-th word of a name list, the last one, \'\' past the end', () => {
  assert.is(counters.nthName('ab cd ef', 0), 'ab');
  assert.is(counters.nthName('ab cd ef', 1), 'cd');
  assert.is(counters.nthName('ab cd ef', 2), 'ef');
  assert.is(counters.nthName('ab cd ef', 3), '');
  assert.is(counters.nthName('ab cd ef', 9), '');
  assert.is(counters.nthName('solo', 0), 'solo');
  assert.is(counters.nthName(counters.ifaceCounterNames(), 1), 'txFrames');
});

test('nthName: every index past the end gives \'\' (the walk stops at the last word)', () => {
  for (let i = 3; i < 12; i++) assert.is(counters.nthName('ab cd ef', i), '', String(i));
});

test('nthName and counterValues: an empty word (a leading space) is a word', () => {
  assert.is(counters.nthName(' b', 0), '');
  assert.is(counters.nthName(' b', 1), 'b');
  assert.is(counters.nthName(' b c', 2), 'c');
  assert.equal(counterValues(Uint32Array.of(1, 2), ' b', 0), { '': 1, b: 2 });
});

test('counterValues: names from an offset, the last name ends the list', () => {
  assert.equal(counterValues(Uint32Array.of(7, 8), 'a b c d', 2), { c: 7, d: 8 });
  assert.equal(counterValues(Uint32Array.of(1), 'only', 0), { only: 1 });
});

test.run();
