// Guards the rule "every drop reason has a test with a malformed frame": each `drop...` counter
// of the interface must be asserted by name in some test/iface-*.test.ts suite.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCounters, totalDrops } from '../firmware/iface/counters.ts';

test('every drop counter is asserted in an iface test', () => {
  const dir = import.meta.dirname;
  const text = readdirSync(dir).filter((f) => f.startsWith('iface-') && f.endsWith('.test.ts') && f !== 'iface-counters.test.ts')
    .map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  const names = Object.keys(makeCounters()).filter((k) => k.startsWith('drop'));
  assert.ok(names.length >= 30);
  const missing = names.filter((k) => !new RegExp(`\\.${k}\\b`).test(text));
  assert.equal(missing, []);
});

test('counters start at zero and totalDrops sums only drop counters', () => {
  const c = makeCounters();
  assert.ok(Object.values(c).every((v) => v === 0));
  c.rxFrames = 5; c.dropIpChecksum = 2; c.dropEthType = 1;
  assert.is(totalDrops(c), 3);
});

test.run();
