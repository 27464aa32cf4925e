// Zero configuration against independent implementations, in network namespaces this test creates
// and deletes (link-local 169.254/16, 198.18.0.0/15 and 224.0.0.251 only). The simulated board
// (ENC28J60 chip model and its real driver, the firmware's stack) sits behind a TAP device.
// 1. No DHCP server: the board takes a link-local address (ARP probes, announcements); Linux on
//    169.254.7.1/16 reaches it by name: `dig -p 5353 @224.0.0.251 synack.local` (a legacy
//    unicast query), python3-zeroconf (resolve, and browse _http._tcp); dnsmasq then starts, the
//    board moves to its lease, re-announces, and the name resolves to the new address.
// 2. avahi-daemon (own configuration, own dbus-daemon) and libnss-mdns in a mount namespace of
//    the test's own (tmpfs on /run, an nsswitch.conf bind-mounted: the machine's files are not
//    touched): `getent hosts`, `ping`, `avahi-resolve -n` reach the board, `avahi-browse -rt
//    _http._tcp` lists it; with avahi holding "synack", a board starting up renames itself
//    synack-2.local and says so.
// Needs root, socat; each part skips, naming the Debian package, when its tools are missing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { RealTimeRunner } from '../host-sim/realtime.ts';
import { SimBoard } from '../host-sim/board.ts';
import { openTapLink } from '../host-sim/links/tap.ts';
import { Dnsmasq } from '../host-sim/links/dnsmasq.ts';
import { netnsUnavailable, run, waitUntil, type Netns } from '../host-sim/links/netns.ts';
import { ipToString } from '../firmware/wire/ipv4.ts';
import type { Mdns } from '../firmware/iface/mdns.ts';
import { EspruinoBoard } from '../host-sim/espruino/board.ts';
import { espruinoPath, skipReason } from './helpers/espruino.ts';

const PY = '/usr/bin/python3';
function has(cmd: string): boolean { try { execFileSync('which', [cmd], { stdio: 'ignore' }); return true; } catch { return false; } }
function pyZeroconf(): boolean { try { execFileSync(PY, ['-c', 'import zeroconf'], { stdio: 'ignore' }); return true; } catch { return false; } }
const NSS_MDNS = ['/lib/x86_64-linux-gnu/libnss_mdns4_minimal.so.2', '/usr/lib/x86_64-linux-gnu/libnss_mdns4_minimal.so.2', '/lib/aarch64-linux-gnu/libnss_mdns4_minimal.so.2'];

const base = netnsUnavailable(['socat']);
const missing1 = base || (!has('dig') ? 'needs dig (Debian package bind9-dnsutils)' : !pyZeroconf() ? 'needs python3-zeroconf (Debian package python3-zeroconf)'
  : !has('dnsmasq') ? 'needs dnsmasq (Debian package dnsmasq-base)' : null);
const missing2 = base || (!has('avahi-daemon') ? 'needs avahi-daemon (Debian package avahi-daemon)' : !has('avahi-browse') ? 'needs avahi-browse (Debian package avahi-utils)'
  : !has('dbus-daemon') ? 'needs dbus-daemon (Debian package dbus-daemon)' : !has('nsenter') || !has('unshare') ? 'needs nsenter and unshare (util-linux)'
  : !NSS_MDNS.some(existsSync) ? 'needs libnss-mdns (Debian package libnss-mdns)' : !has('ping') ? 'needs ping (iputils-ping)' : null);

async function board(tag: string, hostCidr: string, extra: object) {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0);
  const runner = new RealTimeRunner(clock);
  const { link, tap } = await openTapLink(seg.attach('udp'), runner, { ns: `synack-zc${tag}-${process.pid}`, ifname: `zc${tag}${process.pid}`, hostCidr });
  live.set(tap.ns.name, tap.ns);
  const lines: string[] = [];
  const b = new SimBoard(clock, seg, { chip: 'enc28j60', mac: new Uint8Array([2, 0x53, 0, 0, 0x26, 0x26]), hostname: 'synack', print: (l) => lines.push(l), ...extra });
  runner.start();
  const mdns = () => (b.stack as unknown as { mdns: Mdns }).mdns;
  const close = () => { runner.stop(); b.stop(); link.close(); tap.close(); };
  return { clock, runner, tap, b, lines, mdns, close };
}

/** Runs a command and gives its output (or FAILED and what it said). Never synchronously: the
 *  simulated board runs in this process's event loop. */
function runAsync(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve(err ? `FAILED ${args.join(' ')}: ${stdout}${stderr}${err.message}` : stdout);
    });
  });
}

function sh(ns: string, cmd: string, args: string[], timeoutMs = 10000): Promise<string> {
  return runAsync('ip', ['netns', 'exec', ns, cmd, ...args], timeoutMs);
}

if (missing1) {
  console.log(`zeroconf-linux (link-local, dig, python3-zeroconf, dnsmasq): skipped (${missing1})`);
} else {
  test('no DHCP server: a link-local address; dig and python3-zeroconf find synack.local; dnsmasq later: the board moves to its lease, same name', async () => {
    const z = await board('a', '169.254.7.1/16', {});
    const ns = z.tap.ns.name, dev = z.tap.ifname;
    const dir = mkdtempSync(join(tmpdir(), 'synack-zc-'));
    try {
      run('ip', ['-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', dev]);
      // DHCP gets no answer: after 8 s, probes, then the address (RFC 3927), then the name.
      assert.ok(await waitUntil(() => z.lines.some((l) => /169\.254\.\d+\.\d+\/16 link-local/.test(l)), 25000), z.lines.join('\n'));
      const ll = ipToString(z.b.stack.iface.ip);
      assert.match(ll, /^169\.254\./);
      assert.ok(await waitUntil(() => z.lines.some((l) => l.includes('synack.local is ' + ll)), 10000), z.lines.join('\n'));
      { const o = await sh(ns, 'ping', ['-c', '1', '-W', '3', ll]); assert.match(o, /1 received/, o); }

      // dig: a plain (legacy unicast) query to the group; the board answers to dig's address and
      // port (RFC 6762 6.7), which tcpdump sees arrive. dig 9.18 itself drops that answer: its
      // socket is connected to 224.0.0.251, and the answer comes from the board's address. The same
      // query sent to the board's address gets an answer dig takes.
      const td = spawn('ip', ['netns', 'exec', ns, 'tcpdump', '-lnni', dev, '-c', '1', 'udp and src port 5353 and not dst port 5353'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let seen = '';
      td.stdout!.on('data', (b) => (seen += b));
      await new Promise((r) => setTimeout(r, 1000));
      const before = z.mdns().tx;
      await sh(ns, 'dig', ['-p', '5353', '@224.0.0.251', 'synack.local', '+time=2', '+tries=1']);
      assert.ok(await waitUntil(() => /A \d+\.\d+\.\d+\.\d+/.test(seen), 3000), seen);
      td.kill();
      assert.match(seen, new RegExp(`${ll.replace(/\./g, '\\.')}\\.5353 > 169\\.254\\.7\\.1\\.\\d+: \\d+\\*- 1/0/0 A ${ll.replace(/\./g, '\\.')}`), seen);
      assert.is(z.mdns().tx, before + 1);
      const d = await sh(ns, 'dig', ['-p', '5353', '@' + ll, 'synack.local', '+time=3', '+tries=2']);
      assert.match(d, new RegExp(`synack\\.local\\.\\s+10\\s+IN\\s+A\\s+${ll.replace(/\./g, '\\.')}`), d);

      // python3-zeroconf: resolve the name, browse and resolve the status page's service.
      const py = join(dir, 'zc.py');
      writeFileSync(py, `
import sys, socket, time
from zeroconf import Zeroconf, ServiceBrowser, ServiceListener, IPVersion
from zeroconf import ServiceInfo
zc = Zeroconf(interfaces=[sys.argv[1]], ip_version=IPVersion.V4Only)
found = []
class L(ServiceListener):
    def add_service(self, z, t, n): found.append(n)
    def update_service(self, z, t, n): pass
    def remove_service(self, z, t, n): pass
ServiceBrowser(zc, "_http._tcp.local.", L())
t0 = time.time()
while not found and time.time() - t0 < 8: time.sleep(0.1)
print("browse", found)
for n in found:
    i = zc.get_service_info("_http._tcp.local.", n, timeout=4000)
    if i: print("service", n, i.server, i.port, [socket.inet_ntoa(a) for a in i.addresses], i.properties)
from zeroconf import DNSOutgoing, DNSQuestion, const
out = DNSOutgoing(const._FLAGS_QR_QUERY)
out.add_question(DNSQuestion("synack.local.", const._TYPE_A, const._CLASS_IN))
zc.send(out)
addrs = []
t0 = time.time()
while not addrs and time.time() - t0 < 4:
    time.sleep(0.1)
    addrs = [socket.inet_ntoa(e.address) for e in zc.cache.get_all_by_details("synack.local.", const._TYPE_A, const._CLASS_IN)]
print("resolve", bool(addrs), addrs)
zc.close()
`);
      const out = await sh(ns, PY, [py, z.tap.hostIp], 30000);
      assert.match(out, /browse \['synack\._http\._tcp\.local\.'\]/, out);
      assert.match(out, new RegExp(`service synack\\._http\\._tcp\\.local\\. synack\\.local\\. 80 \\['${ll.replace(/\./g, '\\.')}'\\] \\{b'path': b'/'\\}`), out);
      assert.match(out, new RegExp(`resolve True \\['${ll.replace(/\./g, '\\.')}'\\]`), out);

      // dnsmasq starts: DHCP, asking on in the background, gets a lease; the board moves to it
      // and announces the name with the new address.
      run('ip', ['-n', ns, 'addr', 'add', '198.18.0.1/24', 'dev', dev]);
      const dm = await Dnsmasq.start(z.tap, { rangeStart: '198.18.0.50', rangeEnd: '198.18.0.59' });
      try {
        assert.ok(await waitUntil(() => (z.b.stack.iface.ip >>> 24) === 198, 70000), z.lines.join('\n') + dm.log);
        const lease = ipToString(z.b.stack.iface.ip);
        assert.ok(z.lines.some((l) => l.startsWith('synack: ' + lease + '/') && l.includes('by DHCP')), z.lines.join('\n'));
        assert.ok(await waitUntil(() => z.lines.some((l) => l.includes('synack.local is ' + lease)), 10000), z.lines.join('\n'));
        assert.is(z.mdns().host, 'synack');
        const d2 = await sh(ns, 'dig', ['-p', '5353', '@' + lease, 'synack.local', '+time=3', '+tries=2']);
        assert.match(d2, new RegExp(`IN\\s+A\\s+${lease.replace(/\./g, '\\.')}`), d2);
        { const o = await sh(ns, 'ping', ['-c', '1', '-W', '3', lease]); assert.match(o, /1 received/, o); }
        assert.is((z.b.stack as unknown as { linkLocal: { state: number } }).linkLocal.state, 0);
      } finally { dm.close(); }
    } finally {
      z.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The test's namespaces by name, for what must be stopped with them. */
const live = new Map<string, Netns>();

/** avahi-daemon with its own configuration and its own dbus-daemon, in a mount namespace of its
 *  own inside the test's network namespace; commands run there through nsenter. */
class Avahi {
  proc: ChildProcess;
  log = '';
  constructor(readonly ns: string, readonly dir: string, dev: string, hostName: string) {
    writeFileSync(join(dir, 'dbus.conf'), `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>system</type><listen>unix:path=${dir}/bus</listen><auth>EXTERNAL</auth>
<policy context="default"><allow user="*"/><allow own="*"/><allow send_destination="*"/><allow receive_sender="*"/></policy></busconfig>
`);
    writeFileSync(join(dir, 'avahi.conf'), `[server]\nhost-name=${hostName}\ndomain-name=local\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=${dev}\nratelimit-interval-usec=1000000\nratelimit-burst=1000\n` +
      `[wide-area]\nenable-wide-area=no\n[publish]\npublish-hinfo=no\npublish-workstation=no\n[reflector]\n[rlimits]\n`);
    writeFileSync(join(dir, 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files mdns4_minimal [NOTFOUND=return] dns\n');
    // A private mount namespace: tmpfs on /run (avahi's pid file and socket), our nsswitch.conf.
    const script = `set -e; mount --make-rprivate /; mount -t tmpfs tmpfs /run; mount --bind ${dir}/nsswitch.conf /etc/nsswitch.conf; ` +
      `export DBUS_SYSTEM_BUS_ADDRESS=unix:path=${dir}/bus; dbus-daemon --config-file=${dir}/dbus.conf --nofork --nopidfile & ` +
      `for i in 1 2 3 4 5 6 7 8 9 10; do [ -S ${dir}/bus ] && break; sleep 0.2; done; ` +
      `exec avahi-daemon -f ${dir}/avahi.conf --no-drop-root --no-chroot --no-rlimits`;
    this.proc = spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Also stopped (avahi, and its dbus-daemon child) when the namespace is cleaned up: exit,
    // Ctrl-C, a failed assertion.
    const pid = this.proc.pid!;
    const netns = live.get(ns);
    if (netns) netns.onCleanup(() => { try { execFileSync('sh', ['-c', `for p in $(pgrep -P ${pid}); do kill -9 $p; done; kill -9 ${pid}`], { stdio: 'ignore' }); } catch { /* gone */ } });
    const keep = (b: Buffer) => { this.log = (this.log + b.toString()).slice(-16384); };
    this.proc.stdout!.on('data', keep);
    this.proc.stderr!.on('data', keep);
  }
  /** A command in avahi's mount and network namespaces, with its D-Bus. */
  exec(cmd: string, args: string[], timeoutMs = 15000): Promise<string> {
    return runAsync('nsenter', ['-t', String(this.proc.pid), '-m', '-n', 'env', `DBUS_SYSTEM_BUS_ADDRESS=unix:path=${this.dir}/bus`, cmd, ...args], timeoutMs);
  }
  async ready(name: string): Promise<boolean> { return waitUntil(() => this.log.includes(`Server startup complete. Host name is ${name}.local`), 15000); }
  /** Stops avahi-daemon, then its dbus-daemon (both by PID, from inside their namespace). */
  async stop(): Promise<void> {
    const pid = this.proc.pid!;
    try { execFileSync('sh', ['-c', `for p in $(pgrep -P ${pid}); do kill $p; done; kill ${pid}`], { stdio: 'ignore' }); } catch { /* gone */ }
    await waitUntil(() => this.proc.exitCode !== null || this.proc.signalCode !== null, 5000);
    // dbus-daemon was started by the shell before it became avahi-daemon: it is avahi's child.
  }
}

if (missing2) {
  console.log(`zeroconf-linux (avahi, libnss-mdns): skipped (${missing2})`);
} else {
  test('avahi and libnss-mdns: getent, ping, avahi-resolve, avahi-browse reach the board; avahi holding the name makes the board rename itself', async () => {
    const z = await board('b', '198.18.0.1/24', { ip: '198.18.0.2/24', mdns: true });
    const ns = z.tap.ns.name, dev = z.tap.ifname;
    const dirs = [mkdtempSync(join(tmpdir(), 'synack-avahi-')), mkdtempSync(join(tmpdir(), 'synack-avahi-'))];
    let avahi: Avahi | null = null;
    try {
      run('ip', ['-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', dev]);
      assert.ok(await waitUntil(() => z.lines.some((l) => l.includes('synack.local is 198.18.0.2')), 10000), z.lines.join('\n'));
      avahi = new Avahi(ns, dirs[0], dev, 'peerhost');
      assert.ok(await avahi.ready('peerhost'), avahi.log);
      { const o = await avahi.exec('getent', ['hosts', 'synack.local']); assert.match(o, /^198\.18\.0\.2\s+synack\.local/, o + avahi.log); }
      { const o = await avahi.exec('ping', ['-c', '1', '-W', '3', 'synack.local']); assert.match(o, /1 received/, o); }
      assert.match(await avahi.exec('avahi-resolve', ['-4', '-n', 'synack.local']), /^synack\.local\s+198\.18\.0\.2/);
      const browse = await avahi.exec('avahi-browse', ['-rtpk', '_http._tcp']);
      assert.match(browse, /^=;zc\w+;IPv4;synack;_http\._tcp;local;synack\.local;198\.18\.0\.2;80;"path=\/"$/m, browse);
      await avahi.stop();

      // The board goes; avahi takes the name "synack"; the board starts again, probes, hears
      // avahi's answer and renames itself (RFC 6762 9), saying so.
      z.b.stop();
      avahi = new Avahi(ns, dirs[1], dev, 'synack');
      assert.ok(await avahi.ready('synack'), avahi.log);
      z.lines.length = 0;
      z.b.restart();
      assert.ok(await waitUntil(() => z.lines.some((l) => l.includes('synack-2.local is 198.18.0.2')), 10000), z.lines.join('\n'));
      assert.ok(z.lines.some((l) => l === 'synack: synack.local is taken by another host, now synack-2.local (mDNS)'), z.lines.join('\n'));
      assert.match(await avahi.exec('getent', ['hosts', 'synack-2.local']), /^198\.18\.0\.2\s+synack-2\.local/);
      assert.ok(!/198\.18\.0\.2/.test(await avahi.exec('getent', ['hosts', 'synack.local'])));
    } finally {
      if (avahi) await avahi.stop();
      z.close();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }
  });
}

const missing3 = missing1 || missing2 || (espruinoPath() ? null : skipReason);
if (missing3) {
  console.log(`zeroconf-linux (the interpreter board): skipped (${missing3})`);
} else {
  test('the interpreter board (ESPRUINO, the modules from Storage): link-local, found by avahi, getent, ping and python3-zeroconf; dnsmasq later: its lease, same name', async () => {
    const clock = new VirtualClock();
    const seg = new Segment(clock, 0);
    const runner = new RealTimeRunner(clock);
    const { link, tap } = await openTapLink(seg.attach('udp'), runner, { ns: `synack-zcc-${process.pid}`, ifname: `zcc${process.pid}`, hostCidr: '169.254.7.1/16' });
    live.set(tap.ns.name, tap.ns);
    const ns = tap.ns.name, dev = tap.ifname;
    runner.start();
    const dir = mkdtempSync(join(tmpdir(), 'synack-avahi-'));
    let avahi: Avahi | null = null;
    let b: EspruinoBoard | null = null;
    try {
      run('ip', ['-n', ns, 'route', 'add', '224.0.0.0/4', 'dev', dev]);
      b = await EspruinoBoard.start(runner, seg, { bin: espruinoPath()!, ip: 'dhcp', apps: {}, zeroconf: true, hostname: 'synack', mac: new Uint8Array([2, 0x53, 0, 0, 0x26, 0x27]) });
      const ll = await b.waitFor(/^synack: 169\.254\.\d+\.\d+\/16 link-local/, 60000, true);
      assert.ok(ll, b.lines.join('\n'));
      const addr = /169\.254\.\d+\.\d+/.exec(ll!)![0];
      assert.ok(await b.waitFor(new RegExp('^synack: synack\\.local is ' + addr.replace(/\./g, '\\.')), 20000, true), b.lines.join('\n'));
      avahi = new Avahi(ns, dir, dev, 'peerhost');
      assert.ok(await avahi.ready('peerhost'), avahi.log);
      { const o = await avahi.exec('getent', ['hosts', 'synack.local']); assert.match(o, new RegExp('^' + addr.replace(/\./g, '\\.') + '\\s+synack\\.local'), o + b.lines.join('\n')); }
      { const o = await avahi.exec('ping', ['-c', '1', '-W', '5', 'synack.local']); assert.match(o, /1 received/, o); }
      { const o = await avahi.exec('avahi-browse', ['-rtpk', '_http._tcp']); assert.match(o, new RegExp('^=;zc\\w+;IPv4;synack;_http\\._tcp;local;synack\\.local;' + addr.replace(/\./g, '\\.') + ';80;"path=/"$', 'm'), o); }
      await avahi.stop();
      avahi = null;
      run('ip', ['-n', ns, 'addr', 'add', '198.18.0.1/24', 'dev', dev]);
      const dm = await Dnsmasq.start(tap, { rangeStart: '198.18.0.50', rangeEnd: '198.18.0.59' });
      try {
        const bound = await b.waitFor(/^synack: 198\.18\.0\.\d+\/\d+ by DHCP/, 70000, true);
        assert.ok(bound, b.lines.join('\n') + dm.log);
        const lease = /198\.18\.0\.\d+/.exec(bound!)![0];
        assert.ok(await b.waitFor(new RegExp('^synack: synack\\.local is ' + lease.replace(/\./g, '\\.')), 20000, true), b.lines.join('\n'));
        const d = await sh(ns, 'dig', ['-p', '5353', '@' + lease, 'synack.local', '+time=3', '+tries=2']);
        assert.match(d, new RegExp(`synack\\.local\\.\\s+10\\s+IN\\s+A\\s+${lease.replace(/\./g, '\\.')}`), d);
      } finally { dm.close(); }
      assert.is(b.oom, 0, b.lines.join('\n'));
      assert.is(b.exits.length, 0);
    } finally {
      if (avahi) await avahi.stop();
      b?.close();
      runner.stop();
      link.close();
      tap.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
