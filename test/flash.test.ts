// npm run flash: the boot file and the upload script it would send, and its one-line errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { bootCode, bundlesFor, storageBytes, uploadScript, main, cli, DRY_RUN_DEFAULT, FLASH_USAGE, programUses, pickModules, isHostName, programBytes, programBoot } from '../tools/flash.ts';
import { detokenise } from '../tools/pretokenise.ts';

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
  assert.is(Number(left![1]), 49152 - size(bundlesFor({}).bundle) - size(bundlesFor({}).dhcp!) - size(bundlesFor({}).dns!) - size(bundlesFor({}).networkjs!) -
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

test('without a program: the pretokenised enc28j60 bundle, the apps, DHCP, DNS, the NetworkJS adapter and the boot file fit a Pico\'s 48 KB Storage; the net-style API is left out and erased', () => withErrors((errs, dir) => {
  assert.is(main(['--board', 'PICO_R1_3', '--dry-run', join(dir, 'out.js')]), 0);
  assert.equal(errs, []);
  // What is sent writes the .tok bytes exactly (high bytes escaped in the string literals).
  const written: Record<string, string> = {};
  const Storage = { erase: (n: string) => { delete written[n]; }, write: (n: string, d: string) => { written[n] = (written[n] || '') + d; } };
  vm.runInNewContext(readFileSync(join(dir, 'out.js'), 'utf8'), { require: () => Storage, load: () => {} });
  assert.is(written.synack, readFileSync(bundlesFor({}).bundle, 'latin1'));
  assert.is(written['synack-net'], undefined);
  assert.match(readFileSync(join(dir, 'out.js'), 'utf8'), /require\("Storage"\)\.erase\("synack-net"\)/);
  assert.is(written['synack-apps'], readFileSync(bundlesFor({}).apps!, 'latin1'));
  assert.is(written['synack-dhcp'], readFileSync(bundlesFor({}).dhcp!, 'latin1'));
  assert.is(written['synack-dns'], readFileSync(bundlesFor({}).dns!, 'latin1'));
  assert.is(written['synack-networkjs'], readFileSync(bundlesFor({}).networkjs!, 'latin1'));
  assert.is(storageBytes(1), 40);
}));

test('a static address leaves the DHCP client out and erases an old one; DNS is written either way', () => {
  assert.match(bundlesFor({}).dhcp!, /dist\/synack-dhcp\.tok$/);
  assert.is(bundlesFor({ ip: '198.18.0.2/24' }).dhcp, null);
  assert.match(bundlesFor({ ip: '198.18.0.2/24' }).dns!, /dist\/synack-dns\.tok$/);
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

// ---- npm run flash -- --program app.js ----

const ex = (name: string) => readFileSync(join(root, 'examples', name), 'utf8');

test('--program: the modules are picked from what the program uses', () => {
  // The three examples.
  const http = pickModules({}, ex('http-server.js')).cfg;
  assert.equal([http.networkjs, http.net, http.dns, http.apps], [true, false, false, false]);
  assert.ok(bundlesFor(http).dhcp, 'DHCP: "ip" is "dhcp" by default');
  const tcp = pickModules({}, ex('tcp-client.js')).cfg;
  assert.equal([tcp.networkjs, tcp.net, tcp.dns === false, tcp.apps], [false, true, false, false]);
  const udp = pickModules({ ip: '198.18.0.2/24' }, ex('udp-sensor.js')).cfg;
  assert.equal([udp.networkjs, udp.net, udp.dns, udp.apps], [true, false, false, false]);
  assert.is(bundlesFor(udp).dhcp, null, 'a static address: no DHCP');
  // Each rule alone, and what it does not take for a use.
  const use = (src: string) => programUses(src);
  assert.equal(use('var net = require("net");').networkjs, ['line 1: require("net")']);
  assert.equal(use('require("dgram").createSocket("udp4")').networkjs, ['line 1: require("dgram")']);
  assert.equal(use('var x = require("Storage"); var h = "http";').networkjs, []);
  assert.equal(use('\nsynack.stack.net.createServer(function(){})').net, ['line 2: .net']);
  assert.equal(use('var o = {net: 1}; o["net"];').net, [], 'a key named net, or a computed member, is not the API');
  assert.equal(use('http.get("http://weather.example.com/now")').dns, ['line 1: "weather.example.com"']);
  assert.equal(use('net.connect({host: "peer.example.com", port: 7})').dns, ['line 1: "peer.example.com"']);
  assert.equal(use('var u = `http://${a}.example.com/`').dns, [], 'a template with a computed part: no name in it');
  assert.equal(use('synack.stack.dns.resolve(name, cb)').dns, ['line 1: .dns.resolve()']);
  assert.equal(use('http.get("http://198.18.0.1/x"); res.end("index.html"); var v = "1.2.3"; var f = "3.5";').dns, [], 'dotted quads, files, versions');
  assert.ok(isHostName('host.synack.test') && isHostName('a-b.example') && !isHostName('198.18.0.1') && !isHostName('localhost') && !isHostName('-a.b') && !isHostName('app.js'));
  // The counters by name need their names' Storage file; the apps' status page too.
  assert.equal(use('print(synack.stack.iface.counters.rxFrames)').counters, ['line 1: .counters']);
  assert.is(bundlesFor(pickModules({}, 'print(synack.stack.tcp.counters)').cfg).names !== null, true);
  assert.is(bundlesFor(http).names, null, 'the HTTP example reads no counter by name');
  assert.is(bundlesFor(pickModules({ apps: true }, '').cfg).names !== null, true, 'the apps\' status page reads them');
  assert.is(bundlesFor(pickModules({}, null).cfg).names !== null, true, 'without a program: every file');
  // The config overrides any choice, both ways.
  const o = pickModules({ net: false, networkjs: false, dns: true, apps: true }, 'require("http"); synack.stack.net;');
  assert.equal([o.cfg.net, o.cfg.networkjs, o.cfg.dns, o.cfg.apps], [false, false, true, true]);
  assert.ok(o.why.includes('the NetworkJS adapter: left out ("networkjs": false in the config)'), o.why.join('\n'));
  assert.is(pickModules({ dns: false }, 'net.connect({host: "a.example.com"})').cfg.dns, false);
  assert.is(pickModules({ dns: '198.18.0.53' }, '').cfg.dns, '198.18.0.53', 'a DNS server named: the client goes in');
  assert.is(bootCode(pickModules({ dns: true }, '').cfg).includes('"dns"'), false, 'dns: true is not a server address for start()');
  // Without a program: the demo board, with the apps, DNS and the NetworkJS adapter; the
  // net-style API only when the config asks for it.
  const all = pickModules({}, null).cfg;
  assert.ok(bundlesFor(all).apps && bundlesFor(all).dns && bundlesFor(all).networkjs);
  assert.is(bundlesFor(all).net, null);
  assert.ok(bundlesFor(pickModules({ net: true }, null).cfg).net);
  // A program that does not parse: one line.
  assert.throws(() => programUses('var = ;', 'bad.js'), (e: Error) => /^bad\.js does not parse: Unexpected token \(1:4\)$/.test(e.message));
});

test('--program: the program pretokenised with its line breaks (ASI and line numbers kept), the same program once read back', () => {
  const src = '// a comment\nvar a = 1\nvar b = a +\n  2\n/* two\nlines */ var s = "x y"\nif (a) b++\nprint(a, b, s, `t${a}\nu`)\n';
  const bytes = programBytes(src);
  assert.ok(bytes.length < src.length, `${bytes.length} < ${src.length}`);
  assert.is(bytes.split('\n').length, src.trimEnd().split('\n').length, 'one line per line of the source');
  const run = (code: string) => { const out: unknown[] = []; vm.runInNewContext(code, { print: (...a: unknown[]) => out.push(a) }); return out; };
  assert.equal(run(detokenise(bytes)), run(src));
  assert.equal(run(src), [[1, 4, 'x y', 't1\nu']]);
});

test('--program --dry-run: each module\'s cost, the program as .boot1, what is left; the modules not used not written and erased', () => withErrors((errs, dir) => {
  const logs: string[] = [];
  const log = console.log;
  console.log = (s: string) => logs.push(s);
  try {
    assert.is(main(['--program', join(root, 'examples', 'http-server.js'), '--dry-run', join(dir, 'out.js')]), 0);
  } finally { console.log = log; }
  assert.equal(errs, []);
  const text = logs.join('\n');
  assert.match(text, /^flash: http-server\.js: the NetworkJS adapter: line \d+: require\("http"\)$/m);
  assert.match(text, /^flash: http-server\.js: DHCP: "ip": "dhcp" \(the default\)$/m);
  const size = (f: string) => storageBytes(readFileSync(f, 'latin1').length);
  const f = bundlesFor({});
  assert.match(text, new RegExp(`^flash: {3}synack {12}${String(size(f.bundle)).padStart(6)} bytes  the enc28j60 stack$`, 'm'));
  assert.match(text, new RegExp(`^flash: {3}synack-dhcp +${size(f.dhcp!)} bytes  DHCP$`, 'm'));
  assert.match(text, new RegExp(`^flash: {3}synack-networkjs +${size(f.networkjs!)} bytes  the NetworkJS adapter$`, 'm'));
  assert.not.match(text, /synack-net |synack-apps|synack-dns/);
  const prog = programBytes(ex('http-server.js'));
  const boot = programBoot({}, pickModules({}, ex('http-server.js')).cfg);
  const left = 49152 - size(f.bundle) - size(f.dhcp!) - size(f.networkjs!) - storageBytes(boot.length) - storageBytes(prog.length);
  assert.match(text, new RegExp(`^flash: {3}\\.boot1 +${storageBytes(prog.length)} bytes  http-server\\.js \\(\\d+ bytes as written, ${prog.length} pretokenised\\)$`, 'm'));
  assert.match(text, new RegExp(`^flash: {3}left +${left} bytes  of PICO_R1_3's 49152$`, 'm'));
  assert.match(text, new RegExp(`${left} bytes of PICO_R1_3's Storage left beyond http-server\\.js$`, 'm'));
  // The upload writes exactly those, erases the others, and the boot file says no apps.
  const written: Record<string, string> = { 'synack-net': 'old', 'synack-apps': 'old', 'synack-dns': 'old' };
  const Storage = { erase: (n: string) => { delete written[n]; }, write: (n: string, d: string) => { written[n] = (written[n] || '') + d; } };
  vm.runInNewContext(readFileSync(join(dir, 'out.js'), 'utf8'), { require: () => Storage, load: () => {} });
  assert.equal(Object.keys(written).sort(), ['.boot0', '.boot1', 'synack', 'synack-dhcp', 'synack-networkjs']);
  assert.is(written['.boot1'], prog);
  assert.match(written['.boot0'], /"apps":false/);
  assert.not.match(written['.boot0'], /"networkjs":false/);
}));

test('--program that does not fit, or does not parse, or is not there: one line each', () => withErrors((errs, dir) => {
  const big = join(dir, 'big.js');
  writeFileSync(big, `var table = "${'x'.repeat(14000)}";\nrequire("http");\n`);
  const logs: string[] = [];
  const log = console.log;
  console.log = (s: string) => logs.push(s);
  try {
    assert.is(main(['--program', big, '--dry-run', join(dir, 'out.js')]), 1);
    assert.is(errs.length, 1);
    assert.match(errs.pop()!, /^flash: big\.js does not fit: \d+ bytes with the stack's \d+ are \d+ more than PICO_R1_3's 49152 bytes of Storage$/);
    assert.not.ok(existsSync(join(dir, 'out.js')), 'nothing written');
    // --config still decides: the same program with a smaller choice fits.
    writeFileSync(join(dir, 'cfg.json'), JSON.stringify({ networkjs: false, ip: '198.18.0.2/24' }));
    assert.is(main(['--program', big, '--config', join(dir, 'cfg.json'), '--dry-run', join(dir, 'out.js')]), 0);
    assert.equal(errs, []);
    writeFileSync(join(dir, 'bad.js'), 'function (');
    assert.is(main(['--program', join(dir, 'bad.js'), '--dry-run', join(dir, 'out.js')]), 2);
    assert.match(errs.pop()!, /^flash: bad\.js does not parse: Unexpected token \(1:9\)$/);
    assert.is(main(['--program', join(dir, 'none.js'), '--dry-run']), 2);
    assert.match(errs.pop()!, /^flash: --program .*none\.js: no such file; see npm run flash -- --help$/);
  } finally { console.log = log; }
}));

test.run();
