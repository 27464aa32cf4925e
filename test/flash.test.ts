// npm run flash: the boot file and the upload script it would send, and its one-line errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { bootCode, bundlesFor, storageBytes, uploadScript, main, cli, DRY_RUN_DEFAULT, FLASH_USAGE } from '../tools/flash.ts';

const root = join(import.meta.dirname, '..');

test('boot code sets up SPI and starts synack with the configuration', () => {
  const b = bootCode({ chip: 'w5500', cs: 'B10', ip: '198.18.0.2/24', hostname: 'lab' });
  assert.is(b, 'SPI1.setup({sck:A5,miso:A6,mosi:A7,baud:4000000});\nvar synack=require("synack").start({"chip":"w5500","ip":"198.18.0.2/24","hostname":"lab","spi":SPI1,"cs":B10});\n');
  assert.match(bootCode({ int: 'B0' }), /"spi":SPI1,"cs":B1,"int":B0\}\);/, 'the INT pin, as a pin like cs');
});

test('the upload script writes the bundle to Storage in pieces that add up to it', () => {
  const bundle = 'x'.repeat(5000) + 'END';
  const written: Record<string, string> = {};
  const Storage = {
    erase: (n: string) => { delete written[n]; },
    write: (n: string, d: string, off?: number, total?: number) => {
      if (off === undefined) { written[n] = d; return; }
      if (off === 0) written[n] = ' '.repeat(total!);
      written[n] = written[n].slice(0, off) + d + written[n].slice(off + d.length);
    },
  };
  let loaded = false;
  vm.runInNewContext(uploadScript(bundle, 'NET'.repeat(900), 'BOOT', 'APPS'.repeat(700)), { require: () => Storage, load: () => { loaded = true; } });
  assert.is(written.synack, bundle);
  assert.is(written['synack-net'], 'NET'.repeat(900));
  assert.is(written['synack-apps'], 'APPS'.repeat(700));
  assert.is(written['.boot0'], 'BOOT');
  assert.ok(loaded);
});

test('the chip in the config picks the bundle; apps: false leaves the apps out and erases old ones', () => {
  assert.match(bundlesFor({ chip: 'w5500' }).bundle, /dist\/synack-w5500\.tok$/);
  assert.match(bundlesFor({}).bundle, /dist\/synack-enc28j60\.tok$/);
  assert.match(bundlesFor({}).apps!, /dist\/synack-apps\.tok$/);
  assert.match(bundlesFor({}).net!, /dist\/synack-net\.tok$/);
  assert.is(bundlesFor({ apps: false }).apps, null);
  const written: Record<string, string> = { 'synack-apps': 'old' };
  const Storage = { erase: (n: string) => { delete written[n]; }, write: (n: string, d: string) => { written[n] = (written[n] || '') + d; } };
  vm.runInNewContext(uploadScript('B', 'N', 'BOOT'), { require: () => Storage, load: () => {} });
  assert.is(written['synack-apps'], undefined);
  assert.is(written['synack-net'], 'N', 'the net-style API is written either way');
});

/** Runs fn with console.error collected and a scratch directory, both undone after. */
function withErrors(fn: (errs: string[], dir: string) => void): void {
  const errs: string[] = [];
  const orig = console.error;
  console.error = (s: string) => errs.push(s);
  const dir = mkdtempSync(join(tmpdir(), 'synack-flash-test-'));
  try { fn(errs, dir); } finally { console.error = orig; rmSync(dir, { recursive: true, force: true }); }
}

test('errors: a bundle larger than the board\'s Storage, no such port, unknown board', () => withErrors((errs, dir) => {
  assert.is(main(['--board', 'ESPRUINOBOARD', '--port', '/dev/null']), 1);
  assert.match(errs.pop()!, /more than ESPRUINOBOARD's 20480 bytes/);
  assert.is(main(['--board', 'ESPRUINOWIFI', '--port', '/dev/ttyNOPE']), 1);
  assert.match(errs.pop()!, /^flash: no such port \/dev\/ttyNOPE: is the board plugged in\?/);
  assert.is(main(['--board', 'NOPE']), 2);
  assert.match(errs.pop()!, /unknown board NOPE/);
  assert.is(main(['--board', 'ESPRUINOWIFI', '--dry-run', join(dir, 'out.js')]), 0);
  assert.match(readFileSync(join(dir, 'out.js'), 'utf8'), /^require\("Storage"\)\.erase\("synack"\);/);
}));

test('net: false leaves the net-style API out and erases an old one; the apps do without it', () => withErrors((errs, dir) => {
  assert.is(bundlesFor({ net: false }).net, null);
  assert.match(bundlesFor({ net: false }).apps!, /dist\/synack-apps\.tok$/);
  const written: Record<string, string> = { 'synack-net': 'old' };
  const Storage = { erase: (n: string) => { delete written[n]; }, write: (n: string, d: string) => { written[n] = (written[n] || '') + d; } };
  vm.runInNewContext(uploadScript('B', null, 'BOOT', 'APPS'), { require: () => Storage, load: () => {} });
  assert.is(written['synack-net'], undefined);
  assert.is(written.synack, 'B');
  assert.is(written['synack-apps'], 'APPS');
  const cfg = join(dir, 'board.json');
  const logs: string[] = [];
  const log = console.log;
  console.log = (s: string) => logs.push(s);
  try {
    writeFileSync(cfg, JSON.stringify({ net: false }));
    assert.is(main(['--config', cfg, '--dry-run', join(dir, 'out.js')]), 0);
    writeFileSync(cfg, JSON.stringify({ net: false, apps: false }));
    assert.is(main(['--config', cfg, '--dry-run', join(dir, 'out2.js')]), 0);
  } finally { console.log = log; }
  assert.equal(errs, []);
  const out = readFileSync(join(dir, 'out.js'), 'utf8');
  assert.not.match(out, /write\("synack-net"/);
  assert.match(out, /erase\("synack-net"\)/);
  assert.match(out, /write\("synack-apps"/);
  // The program's room: the Pico's Storage less the bundle, DHCP and DNS (the address comes by
  // DHCP), the NetworkJS adapter and the boot file, with their headers; and, as they fit once the
  // net-style API and the apps are out, link-local and mDNS (on by default with DHCP; no DNS-SD
  // without the apps).
  const left = /(\d+) bytes of PICO_R1_3's Storage left for your program/.exec(logs[1]);
  assert.ok(left, logs.join('\n'));
  const boot = /boot file \((\d+)\)/.exec(logs[1])!;
  const size = (f: string) => storageBytes(readFileSync(f, 'latin1').length);
  const zc = (n: string) => size(join(dirname(bundlesFor({}).bundle), n + '.tok'));
  assert.match(logs[1], /synack-linklocal \(\d+\), synack-mdns \(\d+\) and boot file/);
  assert.is(Number(left![1]), 49152 - size(bundlesFor({}).bundle) - size(bundlesFor({}).dhcp!) - size(bundlesFor({}).dns) - size(bundlesFor({}).networkjs!) -
    zc('synack-linklocal') - zc('synack-mdns') - storageBytes(Number(boot[1])));
}));

/** Runs fn with console.log and console.error collected. */
async function captured(fn: (out: string[], errs: string[]) => Promise<void>): Promise<void> {
  const out: string[] = [], errs: string[] = [];
  const log = console.log, error = console.error;
  console.log = (s: string) => out.push(s);
  console.error = (s: string) => errs.push(s);
  try { await fn(out, errs); } finally { console.log = log; console.error = error; }
}

test('the command line is checked before the build: a missing port, a bad option or --help never wait for it', () => captured(async (out, errs) => {
  let builds = 0;
  const build = async () => { builds++; };
  assert.is(await cli(['--port', '/dev/ttyNOPE'], build), 1);
  assert.equal(errs.splice(0), ['flash: no such port /dev/ttyNOPE: is the board plugged in? (ls /dev/ttyACM* /dev/ttyUSB*)']);
  const bad: [string[], string][] = [
    [['--frobnicate'], 'flash: unknown option --frobnicate; see npm run flash -- --help'],
    [['--port'], 'flash: --port needs a value; see npm run flash -- --help'],
    [['--port', '/dev/null', '--baud', 'fast'], 'flash: --baud takes a speed in bits per second such as 115200, not "fast"; see npm run flash -- --help'],
    [['--board', 'NOPE', '--port', '/dev/null'], 'flash: unknown board NOPE: use one of PICO_R1_3, ESPRUINOWIFI, ESPRUINOBOARD; see npm run flash -- --help'],
    [['--config', '/nonexistent/board.json', '--dry-run'], 'flash: --config /nonexistent/board.json: no such file; see npm run flash -- --help'],
    [['--dry-run', '/nonexistent/out.js'], 'flash: --dry-run /nonexistent/out.js: no directory /nonexistent; see npm run flash -- --help'],
    [[], 'flash: give --port (for example /dev/ttyACM0), or --dry-run; see npm run flash -- --help'],
  ];
  for (const [args, line] of bad) {
    assert.is(await cli(args, build), 2, args.join(' '));
    assert.equal(errs.splice(0), [line]);
  }
  assert.is(await cli(['--help'], build), 0);
  assert.equal(out.splice(0), [FLASH_USAGE]);
  assert.match(FLASH_USAGE, /--dry-run \[FILE\]/);
  assert.is(builds, 0, 'no build for a command line that cannot flash');
  assert.equal(errs, []);
}));

test('--dry-run writes to dist/flash/upload.js, or to the FILE given (from where npm was run), never into the repository root', () => captured(async (out, errs) => {
  let builds = 0;
  const build = async () => { builds++; };
  rmSync(DRY_RUN_DEFAULT, { force: true });
  assert.is(DRY_RUN_DEFAULT, join(root, 'dist', 'flash', 'upload.js'));
  assert.is(await cli(['--dry-run'], build), 0);
  assert.is(builds, 1);
  assert.match(readFileSync(DRY_RUN_DEFAULT, 'utf8'), /^require\("Storage"\)\.erase\("synack"\);/);
  assert.match(out.pop()!, new RegExp(`^flash: wrote what would be sent to ${DRY_RUN_DEFAULT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; `));
  assert.not.ok(existsSync(join(root, 'flash-dry-run.js')));
  const dir = mkdtempSync(join(tmpdir(), 'synack-flash-test-'));
  const init = process.env.INIT_CWD;
  try {
    process.env.INIT_CWD = dir; // npm run sets it to where the user typed the command
    assert.is(await cli(['--dry-run', 'mine.js', '--board', 'ESPRUINOWIFI'], build), 0);
    assert.ok(existsSync(join(dir, 'mine.js')));
    assert.match(out.pop()!, new RegExp(`wrote what would be sent to ${dir}/mine\\.js; .* of ESPRUINOWIFI's Storage left`));
  } finally {
    if (init === undefined) delete process.env.INIT_CWD; else process.env.INIT_CWD = init;
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(errs, []);
}));

test('npm run flash itself: --help on stdout (exit 0); a missing port in one line (exit 1) without building', () => {
  const built = statSync(join(root, 'dist', 'synack.js')).mtimeMs;
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'tools/flash.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 120000 });
  const help = run(['--help']);
  assert.is(help.status, 0);
  assert.is(help.stdout, FLASH_USAGE + '\n');
  assert.is(help.stderr, '');
  const port = run(['--port', '/dev/ttyNOPE']);
  assert.is(port.status, 1);
  assert.is(port.stderr, 'flash: no such port /dev/ttyNOPE: is the board plugged in? (ls /dev/ttyACM* /dev/ttyUSB*)\n');
  assert.is(statSync(join(root, 'dist', 'synack.js')).mtimeMs, built, 'the bundles were not rebuilt');
});

test('the pretokenised enc28j60 bundle, the net-style API, the apps and the boot file fit a Pico\'s 48 KB Storage', () => withErrors((errs, dir) => {
  assert.is(main(['--board', 'PICO_R1_3', '--dry-run', join(dir, 'out.js')]), 0);
  assert.equal(errs, []);
  // What is sent writes the .tok bytes exactly (high bytes escaped in the string literals).
  const written: Record<string, string> = {};
  const Storage = { erase: (n: string) => { delete written[n]; }, write: (n: string, d: string) => { written[n] = (written[n] || '') + d; } };
  vm.runInNewContext(readFileSync(join(dir, 'out.js'), 'utf8'), { require: () => Storage, load: () => {} });
  assert.is(written.synack, readFileSync(bundlesFor({}).bundle, 'latin1'));
  assert.is(written['synack-net'], readFileSync(bundlesFor({}).net!, 'latin1'));
  assert.is(written['synack-apps'], readFileSync(bundlesFor({}).apps!, 'latin1'));
  assert.is(written['synack-dhcp'], readFileSync(bundlesFor({}).dhcp!, 'latin1'));
  assert.is(written['synack-dns'], readFileSync(bundlesFor({}).dns, 'latin1'));
  assert.is(written['synack-networkjs'], readFileSync(bundlesFor({}).networkjs!, 'latin1'));
  assert.is(storageBytes(1), 40);
}));

test('a static address leaves the DHCP client out and erases an old one; DNS is written either way', () => {
  assert.match(bundlesFor({}).dhcp!, /dist\/synack-dhcp\.tok$/);
  assert.is(bundlesFor({ ip: '198.18.0.2/24' }).dhcp, null);
  assert.match(bundlesFor({ ip: '198.18.0.2/24' }).dns, /dist\/synack-dns\.tok$/);
  const written: Record<string, string> = { 'synack-dhcp': 'old' };
  const Storage = { erase: (n: string) => { delete written[n]; }, write: (n: string, d: string) => { written[n] = (written[n] || '') + d; } };
  vm.runInNewContext(uploadScript('B', 'N', 'BOOT', 'A', null, 'DNS'), { require: () => Storage, load: () => {} });
  assert.is(written['synack-dhcp'], undefined);
  assert.is(written['synack-dns'], 'DNS');
  vm.runInNewContext(uploadScript('B', 'N', 'BOOT', 'A', 'DHCP', 'DNS'), { require: () => Storage, load: () => {} });
  assert.is(written['synack-dhcp'], 'DHCP');
});

test('"networkjs": false leaves the NetworkJS adapter out (and says so to start()); it is written by default', () => {
  assert.match(bundlesFor({}).networkjs!, /dist\/synack-networkjs\.tok$/);
  assert.is(bundlesFor({ networkjs: false }).networkjs, null);
  assert.match(bootCode({ networkjs: false }), /"networkjs":false/);
  const written: Record<string, string> = { 'synack-networkjs': 'old' };
  const Storage = { erase: (n: string) => { delete written[n]; }, write: (n: string, d: string) => { written[n] = (written[n] || '') + d; } };
  vm.runInNewContext(uploadScript('B', 'N', 'BOOT', 'A', null, 'DNS', null), { require: () => Storage, load: () => {} });
  assert.is(written['synack-networkjs'], undefined);
  vm.runInNewContext(uploadScript('B', 'N', 'BOOT', 'A', null, 'DNS', 'NJS'), { require: () => Storage, load: () => {} });
  assert.is(written['synack-networkjs'], 'NJS');
});

test.run();
