// The three example programs (examples/), as a user meets them:
// 1. `npm run flash -- --program examples/X.js` against the interpreter's console (EspruinoTools
//    over a TCP console in a namespace, as flash-espruino does): the modules it picks are in
//    Storage byte for byte, the others are not, and the program is .boot1, pretokenised.
// 2. Run for real: the interpreter board (--espruino) with the program beside the stack, on a
//    TAP link with dnsmasq, against Linux peers: curl to the HTTP server, a TCP server reached
//    by name, a UDP collector. Storage holds only what the flash tool picked, so a module it
//    wrongly left out fails the run.
// Needs ESPRUINO, root, socat, dnsmasq, curl and python3; skipped otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Netns, netnsUnavailable } from '../host-sim/links/netns.ts';
import { espruinoPath, flashThroughConsole, killInterpretersIn, runEspruino, skipReason } from './helpers/espruino.ts';
import { bundlesFor, crc32, pickModules, programBytes } from '../tools/flash.ts';
import { PY, sh, withSim } from './helpers/linux-peer.ts';

const root = join(import.meta.dirname, '..');
const bin = espruinoPath();
const why = !bin ? skipReason : netnsUnavailable(['socat', 'dnsmasq', 'curl']) ?? (existsSync(PY) ? null : 'needs python3');
const example = (name: string) => join(root, 'examples', name);

/** npm run flash -- --program FILE (with `cfg` as --config) into a fresh interpreter's Storage
 *  in `dir` through its console; returns the tool's output. */
async function flashProgram(program: string, cfg: object, ns: Netns, dir: string): Promise<string> {
  const run = await flashThroughConsole(ns, dir, cfg, program, 'examples-espruino');
  assert.is(run.code, 0, run.out);
  return run.out;
}

/** CRC32 of each Storage file in `dir` (0 for none), read by a fresh interpreter. */
async function storageCrcs(dir: string, names: string[]): Promise<Record<string, number>> {
  const r = await runEspruino(`var S = require("Storage"); print("CRCS", JSON.stringify([${names.map((n) => `S.read(${JSON.stringify(n)}) === undefined ? 0 : E.CRC32(S.read(${JSON.stringify(n)}))`).join(',')}]));quit();\n`, 20000, dir);
  const m = /CRCS (\[[^\]]*\])/.exec(r.out);
  assert.ok(m, r.out);
  const v = JSON.parse(m![1]) as number[];
  return Object.fromEntries(names.map((n, i) => [n, v[i] >>> 0]));
}

const MODULES = ['synack', 'synack-net', 'synack-apps', 'synack-dhcp', 'synack-dns', 'synack-networkjs', 'synack-names', '.boot1'];

/** What each example must be flashed with. */
const EXPECT: [string, object, string[]][] = [
  ['http-server.js', {}, ['synack', 'synack-dhcp', 'synack-networkjs', '.boot1']],
  ['tcp-client.js', {}, ['synack', 'synack-net', 'synack-dhcp', 'synack-dns', '.boot1']],
  ['udp-sensor.js', { ip: '198.18.0.2/24' }, ['synack', 'synack-networkjs', '.boot1']],
];

if (why) {
  console.log(`examples-espruino: skipped (${why})`);
} else {
  test('npm run flash -- --program: each example with the modules it uses and no other, its program as .boot1, byte for byte', async () => {
    const ns = new Netns(`synack-flex-${process.pid}`);
    const dirs: string[] = [];
    try {
      ns.addr('lo', '198.18.9.1/32');
      for (const [name, cfg, want] of EXPECT) {
        const dir = mkdtempSync(join(tmpdir(), 'synack-flash-ex-'));
        dirs.push(dir);
        const out = await flashProgram(example(name), cfg, ns, dir);
        assert.match(out, new RegExp(`flash:   left +\\d+ bytes  of PICO_R1_3's 49152`), out);
        assert.match(out, new RegExp(`and \\.boot0 to PICO_R1_3 on tcp://198\\.18\\.9\\.1:\\d+, checked by CRC32; \\d+ bytes of PICO_R1_3's Storage left beyond ${name.replace('.', '\\.')}`), out);
        const picked = pickModules(cfg, readFileSync(example(name), 'utf8')).cfg;
        const files = bundlesFor(picked);
        const bytes: Record<string, string | null> = {
          synack: readFileSync(files.bundle, 'latin1'),
          'synack-net': files.net && readFileSync(files.net, 'latin1'), 'synack-apps': files.apps && readFileSync(files.apps, 'latin1'),
          'synack-dhcp': files.dhcp && readFileSync(files.dhcp, 'latin1'), 'synack-dns': files.dns && readFileSync(files.dns, 'latin1'),
          'synack-networkjs': files.networkjs && readFileSync(files.networkjs, 'latin1'), 'synack-names': files.names && readFileSync(files.names, 'latin1'),
          '.boot1': programBytes(readFileSync(example(name), 'utf8')),
        };
        const crcs = await storageCrcs(dir, MODULES);
        for (const m of MODULES) {
          if (want.includes(m)) assert.is(crcs[m], crc32(bytes[m]!), `${name}: ${m} as written`);
          else assert.is(crcs[m], 0, `${name}: no ${m} in Storage`);
        }
      }
    } finally {
      ns.cleanup();
      for (const d of dirs) { killInterpretersIn(d); rmSync(d, { recursive: true, force: true }); }
    }
  });

  /** The interpreter board running `name` beside the stack, on DHCP from dnsmasq. */
  const withExample = (name: string, fn: (ns: string, lines: () => string, ip: string) => Promise<void>) =>
    withSim(['--dhcp', '--no-apps', '--espruino', bin!, '--espruino-program', example(name)], async (sim, ns) => {
      const b = sim.espruino!;
      const lease = await b.waitFor(/^synack: (\d+\.\d+\.\d+\.\d+)\/\d+ by DHCP/, 120000, true);
      assert.ok(lease, `no lease: ${b.lines.join('\n')}`);
      const ip = /(\d+\.\d+\.\d+\.\d+)\//.exec(lease!)![1];
      await fn(ns, () => b.lines.join('\n'), ip);
      assert.is(b.oom, 0, b.lines.join('\n'));
      assert.not.match(b.lines.join('\n'), /Uncaught|is missing from Storage/);
    });

  test('examples/http-server.js on the interpreter board: curl from Linux gets its pages', async () => {
    await withExample('http-server.js', async (ns, lines, ip) => {
      const a = await sh(ns, `curl -s -m 20 http://${ip}/hello`, 30000);
      assert.match(a.out, /<h1>Hello from synack<\/h1><p>request 1 for \/hello<\/p>/, `${a.out}\n${lines()}`);
      const b = await sh(ns, `curl -s -m 20 -i http://${ip}/uptime`, 30000);
      assert.match(b.out, /^HTTP\/1\.[01] 200 OK/, b.out);
      assert.match(b.out, /\d+ s up, 2 requests/, b.out);
    });
  });

  test('examples/tcp-client.js on the interpreter board: it resolves host.synack.test by DNS and talks to a Linux TCP server there', async () => {
    await withExample('tcp-client.js', async (ns, lines) => {
      // The server: one connection, the line it got printed, one line back.
      const server = sh(ns, `${PY} -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('198.18.0.1', 7000)); s.listen(1); s.settimeout(60)
c, a = s.accept(); c.settimeout(20); d = b''
while not d.endswith(b'\\n'): d += c.recv(100)
print('GOT', d.decode().strip(), 'FROM', a[0]); c.sendall(b'thanks for ' + d.split(b' ')[1] + b'\\n'); c.close()
"`, 90000);
      const r = await server;
      assert.match(r.out, /^GOT reading \d+ at \d+ s FROM 198\.18\.0\.\d+/, `${r.out}\n${lines()}`);
      const n = /GOT reading (\d+)/.exec(r.out)![1];
      const deadline = Date.now() + 20000;
      while (!lines().includes(`tcp-client: host.synack.test says thanks for ${n}`) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
      assert.ok(lines().includes(`tcp-client: host.synack.test says thanks for ${n}`), lines());
    });
  });

  test('examples/udp-sensor.js on the interpreter board: a Linux collector gets its readings', async () => {
    await withExample('udp-sensor.js', async (ns, lines, ip) => {
      const r = await sh(ns, `${PY} -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('198.18.0.1', 5140)); s.settimeout(30)
for i in range(3):
    d, a = s.recvfrom(100); print('GOT', d.decode().strip(), 'FROM', a[0])
"`, 60000);
      const got = r.out.trim().split('\n').filter((l) => l.startsWith('GOT'));
      assert.is(got.length, 3, `${r.out}\n${lines()}`);
      for (const l of got) assert.match(l, new RegExp(`^GOT sensor \\d+ (-|-?\\d+\\.\\d) FROM ${ip.replace(/\./g, '\\.')}$`));
      const ns_ = got.map((l) => Number(/sensor (\d+)/.exec(l)![1]));
      assert.ok(ns_[1] === ns_[0] + 1 && ns_[2] === ns_[1] + 1, `consecutive readings: ${ns_}`);
    });
  });
}

test.run();
