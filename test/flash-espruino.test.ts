// npm run flash against the real interpreter: EspruinoTools (the `espruino` package) writes the
// pretokenised bundle, the apps and the boot file to the Storage of an Espruino Linux build, which
// reports their CRC32 back; a fresh interpreter then finds the same bytes and loads the module.
// The interpreter's console is a TCP port (socat) inside a network namespace this test makes,
// 198.18.9.1 on its loopback. Needs ESPRUINO, root and socat; skipped otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Netns, netnsUnavailable } from '../host-sim/links/netns.ts';
import { espruinoPath, runEspruino, skipReason } from './helpers/espruino.ts';
import { bootCode, bundlesFor, crc32 } from '../tools/flash.ts';

const bin = espruinoPath();
const why = !bin ? skipReason : netnsUnavailable(['socat']);

/** Interpreters left running in `dir` (socat's child outlives a closed connection): ours. */
function killInterpretersIn(dir: string): void {
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cwd = '';
    try { cwd = readlinkSync(`/proc/${p}/cwd`); } catch { continue; }
    if (cwd === dir) { try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ } }
  }
}

if (why) {
  console.log(`flash-espruino: skipped (${why})`);
} else {
  test('npm run flash writes the bundle, the apps and .boot0 through EspruinoTools; the interpreter holds them byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-flash-esp-'));
    const ns = new Netns('synack-flash');
    try {
      ns.addr('lo', '198.18.9.1/32');
      const port = 28000 + (process.pid % 1000);
      const cfg = join(dir, 'board.json');
      writeFileSync(cfg, JSON.stringify({ chip: 'enc28j60', ip: '198.18.9.2/24' }));
      const log = join(dir, 'espruino-tools.log');
      let run = { code: null as number | null, out: '' };
      for (let attempt = 1; attempt <= 3; attempt++) {
        killInterpretersIn(dir);
        rmSync(join(dir, 'espruino.flash'), { force: true });
        ns.spawn('socat', [`TCP-LISTEN:${port},bind=198.18.9.1,reuseaddr`, `EXEC:${bin},pty,raw,echo=0`], { cwd: dir });
        await new Promise((r) => setTimeout(r, 500));
        run = await new Promise<{ code: number | null; out: string }>((resolve) => {
          const p = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '--import', 'tsx', '-e',
            `import(${JSON.stringify(join(import.meta.dirname, '..', 'tools', 'flash.ts'))}).then((m) => { process.exitCode = m.main(['--port', 'tcp://198.18.9.1:${port}', '--config', ${JSON.stringify(cfg)}]); })`],
          { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FLASH_LOG: log } });
          let out = '';
          p.stdout.on('data', (d) => (out += d));
          p.stderr.on('data', (d) => (out += d));
          const timer = setTimeout(() => p.kill('SIGKILL'), 170000);
          p.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
        });
        // The Linux interpreter's console has no flow control: input that arrives faster than it
        // runs can overflow its event buffer, and it stops on an assertion (src/jsdevices.c), or
        // loses bytes (a Storage write then finds other bytes already there, the CRC32 differs, or
        // EspruinoTools gives the connection up). A board's USB serial is flow-controlled. Only
        // those failures get another try, on a fresh Storage.
        const tools = existsSync(log) ? readFileSync(log, 'utf8') : '';
        if (run.code === 0 || !/ASSERT\(|File already written with different data|holds something else|does not answer/.test(tools + run.out)) break;
        console.log(`flash-espruino: the Linux interpreter's console lost input (attempt ${attempt}); once more`);
      }
      assert.is(run.code, 0, run.out);
      assert.match(run.out, /flash: wrote synack \(enc28j60, \d+ bytes\), synack-apps \(\d+\), synack-dns \(\d+\), synack-networkjs \(\d+\), synack-names \(\d+\) and \.boot0 .* checked by CRC32/);
      killInterpretersIn(dir);
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
