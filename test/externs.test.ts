// tools/externs.js against the firmware's declarations (tools/externs-check.ts): every member a
// user or Espruino names must be there, or Closure Compiler renames it in the board bundles and a
// configuration key is silently ignored; the build fails naming the one missing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { EXTERNS } from '../tools/closure.ts';
import { missingExterns, requiredExterns } from '../tools/externs-check.ts';

test('the configuration keys, the driver contract, NetworkJS\'s methods and the modules\' exports are required', () => {
  const names = requiredExterns().map((r) => r.name);
  for (const n of ['BoardConfig.ip', 'BoardConfig.networkjs', 'StackConfig.random32', 'TcpConfig.now', 'AppsConfig.source', 'InterfaceConfig.arpEntries',
    'EthernetDriver.recvFrame', 'EthernetDriver.rxFresh', 'SpiBus.send', 'NetworkJsAdapter.recv', 'ConnUser.onReadable', 'Status.counters',
    'StatusConnection.state', 'Board.stop', 'SynackModule.start', 'NetModule.createNet', 'AppsModule.build', 'DhcpModule.DhcpClient',
    'DnsModule.DnsClient', 'NetworkJsModule.adopt']) {
    assert.ok(names.includes(n), n);
  }
  // The firmware's own: the adapter's fields.
  assert.not.ok(names.includes('NetworkJsAdapter.slots'));
});

test('tools/externs.js names them all', () => {
  assert.equal(missingExterns(), []);
});

test('a name missing from the externs is one line naming it, where it is declared, and the fix', () => {
  const text = readFileSync(EXTERNS, 'utf8').replace('BoardConfig.idlePollMs;', '');
  const m = missingExterns(text);
  assert.is(m.length, 1);
  assert.match(m[0], /^tools\/externs\.js lacks BoardConfig\.idlePollMs \(declared at firmware\/board\.ts:\d+\): add `BoardConfig\.idlePollMs;` there/);
});

test.run();
