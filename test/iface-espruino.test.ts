// wire/ and iface/ in the real Espruino interpreter (skipped unless ESPRUINO names its Linux
// build): the E.sum checksum path equals the reference, and two Interfaces ping each other with
// payloads of 0, 1, 56, 1000 and 1472 bytes, byte-exact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { espruinoPath, runEspruino, skipReason } from './helpers/espruino.ts';

// Without the interpreter the suite registers no test (tools/test.ts counts a uvu test.skip as -1
// failed), and says why.
if (!espruinoPath()) {
  console.log(skipReason);
} else {
  test('checksum native path and a ping exchange run in Espruino', async () => {
    const out = buildSync({
      entryPoints: [join(import.meta.dirname, 'helpers', 'espruino-iface-entry.ts')],
      bundle: true, format: 'iife', target: 'es2019', write: false, minify: false,
    });
    const r = await runEspruino(out.outputFiles[0].text, 60000);
    const line = r.out.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, r.out);
    const res = JSON.parse(line!.slice(7));
    console.log('espruino:', JSON.stringify(res));
    assert.is(res.native, true);
    assert.is(res.checksumMismatches, 0);
    assert.equal(res.replies, [0, 1, 56, 1000, 1472]);
    assert.is(res.okBytes, true);
    assert.is(res.dropsA, 0);
    assert.is(res.echoB, 25);
    assert.is(res.pings56, 20);
  });
}

test.run();
