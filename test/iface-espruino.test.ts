// wire/ and iface/ in the real Espruino interpreter (skipped unless ESPRUINO names its Linux
// build): the E.sum checksum path equals the reference, and two Interfaces ping each other with
// payloads of 0, 1, 56, 1000 and 1472 bytes, byte-exact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { espruinoPath, runWithBundle, skipReason } from './helpers/espruino.ts';

if (!espruinoPath()) {
  console.log(skipReason);
  test.skip('checksum and ping in Espruino (ESPRUINO not set)', () => {});
} else {
  test('checksum native path and a ping exchange run in Espruino', async () => {
    const out = buildSync({
      entryPoints: [join(import.meta.dirname, 'helpers', 'espruino-iface-entry.ts')],
      bundle: true, format: 'iife', target: 'es2019', write: false, minify: true, // source text costs RAM
    });
    // Loaded from Storage with require(), as on a board: source text uploaded as RAM would not
    // leave room for two interfaces in the Pico's memory layout.
    const dir = mkdtempSync(join(tmpdir(), 'synack-h1-'));
    const file = join(dir, 'iface-check.js');
    writeFileSync(file, out.outputFiles[0].text);
    let r;
    try { r = await runWithBundle('require("synack");\n', 60000, file); } finally { rmSync(dir, { recursive: true, force: true }); }
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
