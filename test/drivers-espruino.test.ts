// The ENC28J60 driver in the real Espruino interpreter, over the chip model bundled with it
// (skipped unless ESPRUINO names an Espruino Linux build): pings through the model byte-exact,
// each received frame handed over as the SPI transfer's own array at an even offset (2), frames
// sent from the driver's txBuf (test/helpers/espruino-driver-entry.ts). The W5500 model is left
// out: it indexes its 16 KB socket buffers byte by byte, which takes minutes in the interpreter
// (the W5500 driver's offsets are checked under Node).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { espruinoPath, runWithBundle, skipReason } from './helpers/espruino.ts';

if (!espruinoPath()) {
  console.log(skipReason);
  test.skip('the ENC28J60 driver in Espruino (ESPRUINO not set)', () => {});
} else {
  const out = buildSync({
    entryPoints: [join(import.meta.dirname, 'helpers', 'espruino-driver-entry.ts')],
    bundle: true, format: 'iife', target: 'es2019', write: false, minify: true,
  }).outputFiles[0].text;
  {
    test('the ENC28J60 driver over its chip model in Espruino: zero-copy frames, pings byte-exact', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'synack-drv-'));
      const file = join(dir, 'driver-check.js');
      writeFileSync(file, out);
      let r;
      // The chip model's buffer memory and two interfaces need more than a Pico's layout.
      const script = 'if (process.memory().total <= 5100 && process.memory().blocksize === 13) { print("RESULT {\\"skip\\":true}"); quit(); }\n' +
        'require("synack");\n';
      try { r = await runWithBundle(script, 60000, file); } finally { rmSync(dir, { recursive: true, force: true }); }
      const line = r.out.split('\n').find((l) => l.includes('RESULT {'));
      assert.ok(line, r.out);
      const res = JSON.parse(line!.slice(line!.indexOf('RESULT {') + 7));
      console.log('espruino:', JSON.stringify(res));
      if (res.skip) { console.log('skipped: needs more memory than a Pico layout'); return; }
      assert.is(res.native, true, 'E.sum in use');
      assert.ok(res.txIsDriverBuf, 'the Interface builds frames in the driver\'s txBuf');
      assert.ok(res.noRxBuf, 'and keeps no receive buffer');
      assert.equal(res.replies, [0, 1, 56, 1000, 1472]);
      assert.ok(res.okBytes, 'replies byte-exact');
      assert.equal(res.offsets, [2], 'every frame at byte offset 2 of its array');
      assert.is(res.notFromBus, 0, 'every frame is the SPI transfer\'s own array');
      assert.is(res.drops, 0);
    });
  }
}

test.run();
