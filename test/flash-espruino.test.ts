// npm run flash against the real interpreter: EspruinoTools (the `espruino` package) writes the
// pretokenised bundle, the apps and the boot file to the Storage of an Espruino Linux build, which
// reports their CRC32 back; a fresh interpreter then finds the same bytes and loads the module.
// The interpreter's console is a TCP port (socat) inside a network namespace this test makes,
// 198.18.9.1 on its loopback. Needs ESPRUINO, root and socat; skipped otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Netns, netnsUnavailable } from '../host-sim/links/netns.ts';
import { espruinoPath, flashThroughConsole, killInterpretersIn, runEspruino, skipReason } from './helpers/espruino.ts';
import { bootCode, bundlesFor, crc32 } from '../tools/flash.ts';

const bin = espruinoPath();
const why = !bin ? skipReason : netnsUnavailable(['socat']);

if (why) {
  console.log(`flash-espruino: skipped (${why})`);
} else {
  test('npm run flash writes the bundle, the apps and .boot0 through EspruinoTools; the interpreter holds them byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-flash-esp-'));
    const ns = new Netns('synack-flash');
    try {
      ns.addr('lo', '198.18.9.1/32');
      const run = await flashThroughConsole(ns, dir, { chip: 'enc28j60', ip: '198.18.9.2/24' }, undefined, 'flash-espruino');
      assert.is(run.code, 0, run.out);
      assert.match(run.out, /flash: wrote synack \(enc28j60, \d+ bytes\), synack-apps \(\d+\), synack-dns \(\d+\), synack-networkjs \(\d+\), synack-names \(\d+\) and \.boot0 .* checked by CRC32/);
      // A fresh interpreter on the same Storage: the files, and the module loads (its .boot0 also
      // runs and fails on the Linux build, which has no pins: that is expected here).
      const files = bundlesFor({ chip: 'enc28j60' });
      const r = await runEspruino('var S = require("Storage"); print("CRC", E.CRC32(S.read("synack")), S.read("synack-net") === undefined ? "none" : "present", E.CRC32(S.read("synack-apps")));' +
        'print("BOOT", JSON.stringify(S.read(".boot0"))); print("VERSION", require("synack").version); quit();\n', 20000, dir);
      const crc = /CRC (-?\d+) (none|present) (-?\d+)/.exec(r.out);
      assert.ok(crc, r.out);
      assert.is(Number(crc![1]) >>> 0, crc32(readFileSync(files.bundle, 'latin1')));
      // Without a program the net-style API is left out (erased), unless the config says "net": true.
      assert.is(crc![2], 'none');
      assert.is(Number(crc![3]) >>> 0, crc32(readFileSync(files.apps!, 'latin1')));
      assert.ok(r.out.includes('BOOT ' + JSON.stringify(bootCode({ chip: 'enc28j60', ip: '198.18.9.2/24' }))), r.out);
      assert.match(r.out, /VERSION \d+\.\d+\.\d+/);
    } finally {
      ns.cleanup();
      killInterpretersIn(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
