// The built bundle loads in an Espruino-like vm context (test/helpers/bundle.ts) and exports the
// public API; and it loads in the real interpreter from Storage when ESPRUINO is set.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import vm from 'node:vm';
import { loadBundle, loadBundleContext } from './helpers/bundle.ts';
import { espruinoPath, runWithBundle } from './helpers/espruino.ts';

test('bundle exports the public API', () => {
  const s = loadBundle();
  assert.type(s.version, 'string');
  assert.type(s.Interface, 'function');
  assert.type(s.ipFromString, 'function');
  assert.is(s.ipToString(s.ipFromString('198.18.0.2')), '198.18.0.2');
});

test('the vm context really hides what Espruino lacks', () => {
  const { context } = loadBundleContext();
  for (const expr of ['typeof Map', 'typeof Set', 'typeof Symbol', 'typeof Math.imul', 'typeof Array.from', 'typeof Buffer', 'typeof require']) {
    assert.is(vm.runInContext(expr, context), 'undefined', expr);
  }
  assert.is(vm.runInContext('typeof E.sum', context), 'function');
});

test('the bundle checksum runs its E.sum path and agrees with the plain loop', () => {
  const s = loadBundle();
  const buf = new Uint8Array([0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x40, 0x00, 0x40, 0x01]);
  // RFC 1071 style: the checksum of data followed by its checksum is 0.
  const c = s.checksum(buf, 0, buf.length);
  const withSum = new Uint8Array(12); withSum.set(buf); withSum[10] = c >> 8; withSum[11] = c & 255;
  assert.is(s.checksum(withSum, 0, 12), 0);
});

if (espruinoPath()) {
  test('the bundle loads from Storage in the real interpreter', async () => {
    const r = await runWithBundle('var s = require("synack"); print("V " + s.version + " " + s.ipToString(s.ipFromString("198.18.0.2"))); quit();\n');
    assert.match(r.out, /V \d+\.\d+\.\d+ 198\.18\.0\.2/, r.out);
  });
} else {
  console.log('ESPRUINO is not set: the real-interpreter load test is skipped');
}

test.run();
