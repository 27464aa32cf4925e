// npm run hil against the simulated board in a namespace (as CI runs it): every scenario passes
// and the exit status is 0; with --port, the reset and DHCP re-acquisition through the simulated
// board's console (npm run sim -- --dhcp --console PATH) with dnsmasq serving DHCP in the
// namespace. Those need root, socat, ping and dnsmasq; skipped otherwise. The console scenario's
// failures (no such port, no startup line, no DHCP line, a static address) are checked against a
// console alone (socat only) or the static simulated board.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, parseArgs, type RunningSim } from '../host-sim/cli.ts';
import { SimConsole } from '../host-sim/console.ts';
import { netnsUnavailable, waitUntil } from '../host-sim/links/netns.ts';
import { consoleReset, CONSOLE_BOUNDS } from '../tools/hil.ts';

const HIL = join(import.meta.dirname, '..', 'tools', 'hil.ts');

/** Runs tools/hil.ts (inside the namespace when given), killed after `ms`. */
function runHil(args: string[], ns: string | null, ms: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const cmd = [process.execPath, '--import', 'tsx', HIL, ...args];
    const p = ns ? spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const t = setTimeout(() => { out += `\n[test] hil killed after ${ms / 1000} s`; p.kill('SIGKILL'); }, ms);
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => { clearTimeout(t); resolve({ code, out }); });
  });
}

const has = (tool: string) => { try { execFileSync('which', [tool], { stdio: 'ignore' }); return true; } catch { return false; } };

const why = netnsUnavailable(['socat', 'ping']);
if (why) {
  console.log(`hil: against the simulated board: skipped (${why})`);
} else {
  test('hil passes against the simulated board', async () => {
    const sim = await startSim(parseArgs(['--link', 'tap', '--source-bytes', '200000'], true), () => {});
    try {
      const r = await runHil(['--ip', '198.18.0.2'], sim.tap!.ns.name, 240000);
      assert.is(r.code, 0, r.out);
      assert.match(r.out, /\n8 passed, 0 failed/);
      assert.match(r.out, /closed port refused\s+pass/);
    } finally { sim.close(); }
  });

  test('hil --port: a board on a static address fails the console scenario, saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-hil-'));
    const pty = join(dir, 'console');
    const sim = await startSim(parseArgs(['--link', 'tap', '--console', pty], true), () => {});
    try {
      let err = '';
      await consoleReset('198.18.0.2', pty).catch((e: Error) => (err = e.message));
      assert.match(err, /^the board came up with the static address 198\.18\.0\.2\/24 \(console: "synack: started, mac [0-9a-f:]{17}, 198\.18\.0\.2\/24 static"\): this scenario needs a board on DHCP/);
      assert.is(sim.board.restarts, 1, 'the console restarted the firmware once');
    } finally { sim.close(); rmSync(dir, { recursive: true, force: true }); }
  });

  if (!has('dnsmasq')) {
    console.log('hil --port with DHCP: skipped (needs dnsmasq (Debian package dnsmasq-base))');
  } else {
    test('hil --port: reset and DHCP re-acquisition through the console, dnsmasq serving DHCP', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'synack-hil-'));
      const pty = join(dir, 'console');
      let sim: RunningSim | null = null;
      let dnsmasq: ChildProcess | null = null;
      let log = '';
      try {
        sim = await startSim(parseArgs(['--link', 'tap', '--dhcp', '--dhcp-server', 'external', '--console', pty, '--source-bytes', '200000', '--hostname', 'synack-hil'], true), () => {});
        const tap = sim.tap!;
        dnsmasq = tap.ns.spawn('dnsmasq', ['--no-daemon', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces',
          `--interface=${tap.ifname}`, '--except-interface=lo', '--dhcp-range=198.18.0.50,198.18.0.59,255.255.255.0,2m', '--dhcp-authoritative',
          `--dhcp-leasefile=${join(dir, 'leases')}`, '--log-dhcp', `--pid-file=${join(dir, 'pid')}`, '--user=root']);
        dnsmasq.stderr!.on('data', (d) => (log += d));
        dnsmasq.stdout!.on('data', (d) => (log += d));
        const s = sim;
        assert.ok(await waitUntil(() => s.board.stack.iface.ip !== 0, 30000), `no lease from dnsmasq: ${log}`);
        const ip = sim.address();
        assert.match(ip, /^198\.18\.0\.5\d$/);
        const r = await runHil(['--ip', ip, '--port', pty], tap.ns.name, 300000);
        const T = '(?:\\d+ ms|\\d+\\.\\d s)';
        const row = r.out.split('\n').find((l) => l.startsWith('reset and DHCP re-acquisition (console)')) ?? '';
        console.log(`  ${row}`);
        assert.is(r.code, 0, r.out);
        assert.match(r.out, /\n9 passed, 0 failed/);
        assert.match(row, new RegExp(`\\s+pass\\s+after load\\(\\): startup ${T}, DHCP ${T} \\(${ip.replace(/\./g, '\\.')}/24 from 198\\.18\\.0\\.1, lease 120 s\\), ping ${T}, echo ${T}$`), r.out);
        assert.is(sim.board.restarts, 1, 'the board restarted once');
        assert.is(sim.address(), ip, 'the same address again');
        assert.is((log.match(/DHCPACK\(/g) || []).length, 2, `two leases handed out: ${log}`);
      } finally {
        if (dnsmasq && dnsmasq.exitCode === null) dnsmasq.kill('SIGTERM');
        sim?.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

// The console scenario's own failures, against a console alone: SimConsole's pty with a stand-in
// for the board behind it (no network, no root).
if (!has('socat')) {
  console.log('hil: console failures: skipped (needs socat)');
} else {
  const quick = { ...CONSOLE_BOUNDS, startup: 1500, dhcp: 1500 };
  const withConsole = async (onRestart: (c: SimConsole) => void, fn: (pty: string, con: SimConsole) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-hil-'));
    let con: SimConsole | null = null;
    try {
      con = await SimConsole.open(join(dir, 'console'), () => onRestart(con!));
      await fn(con.path, con);
    } finally { con?.close(); rmSync(dir, { recursive: true, force: true }); }
  };

  test('hil --port: a board that starts but never shows a DHCP line fails at the DHCP step', async () => {
    await withConsole((c) => c.print('synack: started, mac 02:00:5e:00:00:07, DHCP'), async (pty) => {
      let err = '';
      const t0 = Date.now();
      await consoleReset('198.18.0.2', pty, quick).catch((e: Error) => (err = e.message));
      assert.match(err, /^DHCP: the board started but the console showed no address bound by DHCP \("synack: A\.B\.C\.D\/NN by DHCP from \.\.\."\) within 1\.5 s \(last console lines: "synack: started, mac 02:00:5e:00:00:07, DHCP"\)$/);
      assert.ok(Date.now() - t0 < 5000, 'bounded');
    });
  });

  test('hil --port: a board that does not restart fails at the reset step', async () => {
    await withConsole(() => {}, async (pty) => {
      let err = '';
      await consoleReset('198.18.0.2', pty, quick).catch((e: Error) => (err = e.message));
      assert.match(err, /^reset: no startup line \("synack: started, \.\.\."\) on the console within 1\.5 s of load\(\) \(nothing received on .*console\)$/);
    });
  });

  test('hil --port: what the board printed before the reset does not count', async () => {
    let restarts = 0;
    await withConsole((c) => { restarts++; c.print('synack: started, mac 02:00:5e:00:00:07, DHCP'); }, async (pty, con) => {
      // Printed while nobody read the console: held in the pty until hil opens it.
      con.print('synack: started, mac 02:00:5e:00:00:07, DHCP');
      con.print('synack: 198.18.0.2/24 by DHCP from 198.18.0.1, lease 120 s');
      let err = '';
      await consoleReset('198.18.0.2', pty, quick).catch((e: Error) => (err = e.message));
      assert.match(err, /^DHCP: the board started but the console showed no address bound by DHCP/);
      assert.is(restarts, 1, 'load() reached the console once');
    });
  });

  test('hil --port: no such port', async () => {
    let err = '';
    await consoleReset('198.18.0.2', '/dev/synack-no-such-port').catch((e: Error) => (err = e.message));
    assert.is(err, 'no such port /dev/synack-no-such-port');
    const r = await runHil(['--ip', '198.18.0.2', '--port', '/dev/synack-no-such-port'], null, 30000);
    assert.is(r.code, 2);
    assert.is(r.out.trim(), 'hil: no such port /dev/synack-no-such-port');
  });
}

test.run();
