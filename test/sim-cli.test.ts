// The simulator's command line as a new user meets it (npm run sim, npm start): every bad option
// is one line naming the fix and exit status 2, --help is the usage on stdout; on a TAP link the
// namespace side follows the board's network, which must lie in 198.18.0.0/15; a UDP link prints
// what reaches the board through it; --dhcp starts dnsmasq in the namespace, prints the namespace
// at once and the commands when the lease arrives; what a simulator killed with SIGKILL left
// behind is removed by the next one, and nothing else. The parts with a namespace need root,
// socat, ping and dnsmasq, and skip otherwise.
import { PRIVATE_RUN_DIR } from './helpers/private-run-dir.ts'; // first: before leftovers.ts reads it
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, parseFaults, tapHostCidr, startSim, describeSim, tryCommands, UsageError } from '../host-sim/cli.ts';
import { dhcpRange } from '../host-sim/links/dnsmasq.ts';
import { ipToString } from '../firmware/wire/ipv4.ts';
import { Netns, netnsUnavailable, run, waitUntil } from '../host-sim/links/netns.ts';
import { freeUdpPort } from '../host-sim/links/tap.ts';
import { RUN_DIR, isPtyLink, processStart, removeLeftovers, stillRuns, type RunState } from '../host-sim/links/leftovers.ts';

const root = join(import.meta.dirname, '..');
if (RUN_DIR !== PRIVATE_RUN_DIR) throw new Error('sim-cli: the state files must go to the test\'s own directory');

/** Runs a command-line entry point to its end: status, stdout, stderr. */
function cli(script: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('bad options: one line each, naming the fix', () => {
  const bad: [string[], RegExp][] = [
    [['--faults', 'loss=2'], /^--faults: loss=2 is not a probability \(0\.\.1\)$/],
    [['--faults', 'reorder=-0.1'], /reorder=-0\.1 is not a probability/],
    [['--faults', 'duplicate=x'], /duplicate=x is not a probability/],
    [['--faults', 'delay=-5'], /delay=-5 is not a time in ms of 0 or more/],
    [['--faults', 'rate=abc'], /rate=abc is not a rate in bytes per second/],
    [['--faults', 'seed=1.5'], /seed=1\.5 is not an integer/],
    [['--faults', 'loss'], /"loss" is not NAME=VALUE/],
    [['--ip', '10.0.0.2/24'], /^--ip 10\.0\.0\.2\/24: on a TAP link the board's network must lie in 198\.18\.0\.0\/15 .*--ip 198\.18\.0\.2\/24/],
    [['--ip', '198.18.0.2/8'], /must lie in 198\.18\.0\.0\/15/],
    [['--ip', '198.18.0.0/24'], /network's own address; give a host address such as 198\.18\.0\.2\/24/],
    [['--ip', '198.18.0.255/24'], /broadcast address/],
    [['--ip', '198.18.0.2/24', '--gateway', '198.18.1.1'], /--gateway 198\.18\.1\.1: on a TAP link it is the namespace's side/],
    [['--ip', '198.18.0.2'], /^--ip: bad ip "198\.18\.0\.2": use "dhcp" or an address with its prefix/],
    [['--ip', '198.18.0.2/24', '--dhcp'], /--ip and --dhcp both given: choose one/],
    [['--dhcp-server', 'dnsmasq'], /--dhcp-server goes with --dhcp/],
    [['--dhcp', '--dhcp-server', 'kea'], /--dhcp-server takes dnsmasq or external, not "kea"/],
    [['--link', 'udp:127.0.0.1:1:127.0.0.1:2', '--dhcp-server', 'dnsmasq'], /--dhcp-server dnsmasq needs --link tap/],
    [['--link', 'bridge'], /^--link: bad link "bridge": expected udp:BIND_HOST:BIND_PORT:PEER_HOST:PEER_PORT, e\.g\. udp:127\.0\.0\.1:9001:127\.0\.0\.1:9000, or tap$/],
    [['--gateway', '198.18.0'], /--gateway takes an address like 198\.18\.0\.1, not "198\.18\.0"/],
    [['--dns', 'dns.example'], /--dns takes an address/],
    [['--hostname', 'my_board'], /--hostname takes a name of letters, digits and inner hyphens/],
    [['--source-bytes', '-1'], /--source-bytes takes a whole number of 0 or more, not "-1"/],
    [['--source-bytes', '1e400'], /--source-bytes takes a whole number/],
    [['--pcap', '/nonexistent-dir/x.pcap'], /--pcap \/nonexistent-dir\/x\.pcap: no directory \/nonexistent-dir/],
    [['--console', '/nonexistent-dir/c'], /--console \/nonexistent-dir\/c: no directory/],
    [['--mac', 'zz'], /^--mac: bad mac "zz"/],
    [['--chip'], /--chip needs a value/],
    [['stray'], /unexpected "stray"/],
  ];
  for (const [args, re] of bad) {
    let err: Error | null = null;
    try { parseArgs(args, true); } catch (e) { err = e as Error; }
    assert.ok(err instanceof UsageError, `${args.join(' ')} was accepted`);
    assert.match(err!.message, re, args.join(' '));
    assert.not.match(err!.message, /\n/, args.join(' '));
  }
  assert.throws(() => parseArgs(['--link', 'tap'], false), /--link tap needs root/);
});

test('good options: faults parsed, the seed an integer, DHCP served by dnsmasq on tap only', () => {
  assert.equal(parseFaults('loss=0,reorder=1,delay=2.5,jitter=0,rate=100000,seed=-3'), { faults: { loss: 0, reorder: 1, delayMs: 2.5, jitterMs: 0, rateBytesPerSec: 100000 }, seed: -3 });
  const o = parseArgs(['--faults', 'loss=0.05,seed=3', '--source-bytes', '0'], true);
  assert.is(o.seed, 3);
  assert.is(o.sourceBytes, 0);
  assert.is(o.ip, '198.18.0.2/24');
  assert.is(o.dhcpServer, undefined);
  const d = parseArgs(['--dhcp'], true);
  assert.is(d.dhcpServer, 'dnsmasq');
  assert.is(d.hostCidr, '198.18.0.1/24');
  assert.is(parseArgs(['--dhcp', '--dhcp-server', 'external'], true).dhcpServer, 'external');
  assert.is(parseArgs(['--link', 'udp:127.0.0.1:0:127.0.0.1:9'], false).dhcpServer, 'external');
  assert.equal(dhcpRange('198.18.0.1/24'), { rangeStart: '198.18.0.128', rangeEnd: '198.18.0.254' });
  assert.equal(dhcpRange('198.18.4.6/29'), { rangeStart: '198.18.4.4', rangeEnd: '198.18.4.5' });
});

test('on a TAP link the namespace side is in the board\'s network: the first other address, or --gateway', () => {
  assert.is(tapHostCidr('198.18.0.2/24'), '198.18.0.1/24');
  assert.is(tapHostCidr('198.18.5.9/24'), '198.18.5.1/24');
  assert.is(tapHostCidr('198.18.5.1/24'), '198.18.5.2/24');
  assert.is(tapHostCidr('198.19.200.70/26'), '198.19.200.65/26');
  assert.is(tapHostCidr('198.18.0.2/30'), '198.18.0.1/30');
  assert.is(tapHostCidr('198.18.0.1/30'), '198.18.0.2/30');
  assert.is(tapHostCidr('198.18.7.2/16', '198.18.200.1'), '198.18.200.1/16');
  assert.is(parseArgs(['--ip', '198.19.3.4/24'], true).hostCidr, '198.19.3.1/24');
  // That side is the simulated LAN's router: the board's default gateway, with no --gateway.
  assert.is(parseArgs(['--ip', '198.19.3.4/24'], true).gateway, '198.19.3.1');
  assert.is(parseArgs([], true).gateway, '198.18.0.1');
  assert.is(parseArgs(['--ip', '198.18.7.2/16', '--gateway', '198.18.200.1'], true).gateway, '198.18.200.1');
  assert.is(parseArgs(['--link', 'udp:127.0.0.1:0:127.0.0.1:9', '--ip', '198.18.0.2/24'], false).gateway, undefined);
  assert.throws(() => tapHostCidr('198.20.0.2/24'), /198\.18\.0\.0\/15/);
  assert.throws(() => tapHostCidr('198.18.0.2/14'), /198\.18\.0\.0\/15/);
});

test('npm run sim and npm start: an error is one line and a pointer to --help (exit 2); --help is the usage on stdout (exit 0)', () => {
  const bad = cli('host-sim/cli.ts', ['--faults', 'loss=2']);
  assert.is(bad.code, 2);
  assert.is(bad.out, '');
  assert.is(bad.err, 'sim: --faults: loss=2 is not a probability (0..1); see npm run sim -- --help\n');
  const help = cli('host-sim/cli.ts', ['--help']);
  assert.is(help.code, 0);
  assert.is(help.err, '');
  assert.match(help.out, /^usage: npm run sim -- \[options\]\n/);
  assert.match(help.out, /--dhcp-server dnsmasq\|external/);
  const sbad = cli('tools/start.ts', ['--frobnicate']);
  assert.is(sbad.code, 2);
  assert.is(sbad.out, '');
  assert.is(sbad.err, 'start: unknown option --frobnicate; see npm start -- --help\n');
  const shelp = cli('tools/start.ts', ['-h']);
  assert.is(shelp.code, 0);
  assert.match(shelp.out, /^usage: npm start -- \[options\]\n/);
});

test('a UDP link prints what to join to it, and commands without a namespace', async () => {
  const sim = await startSim(parseArgs(['--link', 'udp:127.0.0.1:0:127.0.0.1:9', '--ip', '198.18.0.2/24', '--no-apps'], false), () => {});
  try {
    const o = parseArgs(['--link', 'udp:127.0.0.1:0:127.0.0.1:9', '--ip', '198.18.0.2/24'], false);
    const text = `${describeSim(sim, o)}\n${tryCommands(sim)}`;
    const port = sim.link.localPort;
    assert.not.match(text, /netns|namespace synack/);
    assert.match(text, new RegExp(`link: UDP 127\\.0\\.0\\.1:${port} <-> 127\\.0\\.0\\.1:9, one Ethernet frame per datagram`));
    assert.match(text, new RegExp(`-netdev dgram,id=n0,local\\.type=inet,local\\.host=127\\.0\\.0\\.1,local\\.port=9,remote\\.type=inet,remote\\.host=127\\.0\\.0\\.1,remote\\.port=${port} `));
    assert.match(text, new RegExp(`socat TUN,tun-type=tap,iff-no-pi,tun-name=synack0,iff-up UDP-DATAGRAM:127\\.0\\.0\\.1:${port},bind=127\\.0\\.0\\.1:9,`));
    assert.match(text, /\n {2}ping -c 3 198\.18\.0\.2;/);
  } finally { sim.close(); }
});

test('leftovers: a dead process\'s record kills a process only when it is the same one (its start time, whatever it exec\'d since), removes a pty link only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synack-cli-test-'));
  const same = spawn('sleep', ['60'], { stdio: 'ignore' });
  const reused = spawn('sleep', ['60'], { stdio: 'ignore' });
  const file = join(RUN_DIR, '999999997.json');
  try {
    await waitUntil(() => processStart(same.pid!) !== null && processStart(reused.pid!) !== null, 2000);
    mkdirSync(RUN_DIR, { recursive: true });
    const pty = join(dir, 'console');
    const plain = join(dir, 'plain');
    symlinkSync('/dev/pts/4095', pty);
    writeFileSync(plain, 'not a link');
    writeFileSync(file, JSON.stringify({ pid: 999999997, start: '1', netns: [], dirs: [], links: [pty, plain], procs: [
      // Recorded as the wrapper that exec'd it (the interpreter's /tmp/espruino-pico does): the
      // same process by its start time.
      { pid: same.pid, argv: ['/tmp/wrapper-script'], start: processStart(same.pid!) },
      // The same command line, but another process (a PID reused): left alone.
      { pid: reused.pid, argv: ['sleep', '60'], start: String(Number(processStart(reused.pid!)) + 1) },
    ] }));
    const said = removeLeftovers();
    assert.ok(said.includes(`removed what process 999999997 (no longer running) left behind: wrapper-script ${same.pid}, console link ${pty}`), said.join('\n'));
    await waitUntil(() => same.signalCode !== null, 2000);
    assert.is(same.signalCode, 'SIGKILL');
    assert.is(reused.exitCode, null);
    assert.is(reused.signalCode, null);
    assert.not.ok(isPtyLink(pty));
    assert.ok(existsSync(plain), 'a file that is not a pty link stays');
    assert.not.ok(existsSync(file));
  } finally {
    same.kill('SIGKILL');
    reused.kill('SIGKILL');
    rmSync(file, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

const bin = process.env.ESPRUINO;
if (bin && existsSync(bin)) {
  test('a simulator of the interpreter board killed with SIGKILL: the next one ends its interpreter and console socat, removes their directories and link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-cli-test-'));
    const consolePath = join(dir, 'console');
    const udp = 'udp:127.0.0.1:0:127.0.0.1:9'; // a port of its own (0: no port chosen beforehand that another may take)
    const a = new SimProcess(['--link', udp, '--ip', '198.18.0.2/24', '--espruino', bin, '--espruino-program', 'none', '--no-apps', '--console', consolePath]);
    let b: SimProcess | null = null;
    try {
      await a.waitFor(/^console: synack: started/m, 60000);
      const st = stateOf(a.pid)!;
      const interp = st.procs.find((p) => p.argv[0] === bin)!;
      const consoleSocat = st.procs.find((p) => p.argv[0] === 'socat')!;
      assert.ok(interp && consoleSocat, JSON.stringify(st));
      const boardDir = st.dirs.find((d) => /synack-espruino-board-/.test(d))!;
      assert.ok(boardDir && existsSync(boardDir), JSON.stringify(st));
      await a.stop('SIGKILL');
      b = new SimProcess(['--link', udp, '--ip', '198.18.0.2/24', '--no-apps']);
      await b.waitFor(/^link: UDP /m, 15000);
      // The interpreter and socat may have ended by themselves (their pipes closed) or not: either
      // way they are not running once the next simulator has started, and the directories go.
      assert.match(b.out, new RegExp(`^sim: removed what process ${a.pid} \\(no longer running\\) left behind: .*directory ${boardDir}`, 'm'), b.out);
      assert.not.ok(procRuns(interp), 'the interpreter gone');
      assert.not.ok(procRuns(consoleSocat), 'the console\'s socat gone');
      for (const d of st.dirs) assert.not.ok(existsSync(d), `${d} removed`);
      assert.not.ok(isPtyLink(consolePath));
      assert.not.ok(existsSync(join(RUN_DIR, `${a.pid}.json`)));
    } finally {
      await a.stop('SIGKILL');
      if (b) await b.stop('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// ---- with a namespace ----

/** A simulator started as a user starts it, its output collected line by line. */
class SimProcess {
  readonly proc: ChildProcess;
  out = '';
  err = '';
  constructor(args: string[], script = 'host-sim/cli.ts') {
    this.proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d) => (this.out += d));
    this.proc.stderr!.on('data', (d) => (this.err += d));
  }
  get pid(): number { return this.proc.pid!; }
  async waitFor(re: RegExp, ms: number): Promise<RegExpExecArray> {
    await waitUntil(() => re.test(this.out) || this.proc.exitCode !== null, ms, 50);
    const m = re.exec(this.out);
    if (!m) throw new Error(`no ${re} in ${ms} ms; out:\n${this.out}\nerr:\n${this.err}`);
    return m;
  }
  async stop(sig: NodeJS.Signals): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(sig);
    await waitUntil(() => this.proc.exitCode !== null || this.proc.signalCode !== null, 10000);
  }
}

function stateOf(pid: number): RunState | null {
  try { return JSON.parse(readFileSync(join(RUN_DIR, `${pid}.json`), 'utf8')); } catch { return null; }
}
const namespaces = () => run('ip', ['netns', 'list']);
const procRuns = (p: { pid: number; argv: string[] }) => stillRuns(p);

const why = netnsUnavailable(['socat', 'ping', 'dnsmasq']);
if (why) {
  console.log(`sim-cli: the namespace parts skipped (${why})`);
} else {
  test('--dhcp: the namespace at once, dnsmasq serving the lease, then the commands, which work; all gone after Ctrl-C', async () => {
    const sim = new SimProcess(['--dhcp', '--source-bytes', '1000', '--hostname', 'cli-test']);
    try {
      const lan = await sim.waitFor(/^LAN: namespace (synack-\d+), its side 198\.18\.0\.1\/24 on (\S+)$/m, 15000);
      assert.is(lan[1], `synack-${sim.pid}`);
      const dhcp = await sim.waitFor(/^DHCP: dnsmasq \(pid (\d+)\) in synack-\d+ serves 198\.18\.0\.128-198\.18\.0\.254, and DNS at 198\.18\.0\.1 for synack\.test \(the board is cli-test\.synack\.test\); waiting/m, 5000);
      const lease = await sim.waitFor(/^lease: (198\.18\.0\.\d+)\/24 by DHCP from 198\.18\.0\.1, 3600 s$/m, 20000);
      assert.ok(sim.out.indexOf(dhcp[0]) < sim.out.indexOf(lease[0]), 'the namespace and the server come before the lease');
      const ip = lease[1];
      // dnsmasq as recorded: its own pid file in its own directory says the PID printed.
      const st = stateOf(sim.pid)!;
      assert.ok(st, 'a state file while running');
      const dm = st.procs.find((p) => p.argv.includes('dnsmasq'))!;
      assert.is(String(dm.pid), dhcp[1]);
      assert.is(st.dirs.length, 1);
      assert.is(readFileSync(join(st.dirs[0], 'pid'), 'utf8').trim(), dhcp[1]);
      assert.match(readFileSync(join(st.dirs[0], 'leases'), 'utf8'), new RegExp(`${ip.replace(/\./g, '\\.')} cli-test`));
      // The printed ping command, run as printed.
      const ping = (await sim.waitFor(/^ {2}(ip netns exec \S+ ping -c 3 \S+)$/m, 2000))[1];
      assert.ok(ping.endsWith(` ${ip}`), ping);
      const r = spawnSync('sh', ['-c', `${ping} -i 0.2 -W 2`], { encoding: 'utf8', timeout: 20000 });
      assert.match(r.stdout, /3 packets transmitted, 3 received/, r.stdout + r.stderr);
      // The board's name resolves through dnsmasq's DNS (what DHCP registered).
      const dig = spawnSync('ip', ['netns', 'exec', lan[1], 'python3', '-c', `import socket,struct
q=struct.pack('>HHHHHH',7,0x100,1,0,0,0)+b''.join(bytes([len(p)])+p.encode() for p in 'cli-test.synack.test'.split('.'))+b'\\0'+struct.pack('>HH',1,1)
s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(3);s.sendto(q,('198.18.0.1',53));print(socket.inet_ntoa(s.recv(512)[-4:]))`], { encoding: 'utf8', timeout: 10000 });
      assert.is(dig.stdout.trim(), ip, dig.stderr);

      await sim.stop('SIGINT');
      assert.is(sim.proc.exitCode, 0, sim.err);
      assert.not.match(namespaces(), new RegExp(`${lan[1]}\\b`));
      assert.not.ok(procRuns(dm), 'dnsmasq stopped');
      assert.not.ok(existsSync(st.dirs[0]), 'its directory removed');
      assert.is(stateOf(sim.pid), null, 'the state file removed');
    } finally { await sim.stop('SIGKILL'); }
  });

  test('the socat command a UDP link prints joins a TAP device to the board: Linux pings it through that', async () => {
    const ns = new Netns(`synack-udp-${process.pid}`);
    const ifname = `su${process.pid % 100000}`;
    try {
      // The peer port is free when chosen and may be taken before socat binds it (socat then
      // exits, and its TAP with it): then once more with another port, as the simulator does.
      for (let attempt = 1; ; attempt++) {
        const peerPort = await freeUdpPort();
        const sim = await startSim(parseArgs(['--link', `udp:127.0.0.1:0:127.0.0.1:${peerPort}`, '--ip', '198.18.0.2/24', '--no-apps'], false), () => {});
        let socat: ChildProcess | null = null;
        try {
          const text = describeSim(sim, parseArgs(['--link', `udp:127.0.0.1:0:127.0.0.1:${peerPort}`, '--ip', '198.18.0.2/24'], false));
          const m = /socat (TUN,\S+) (UDP-DATAGRAM:\S+?),? then/.exec(text)!;
          assert.ok(m, text);
          // As printed, but with a TAP name of this test's, moved into this test's namespace.
          const sc = socat = spawn('socat', [m[1].replace('tun-name=synack0', `tun-name=${ifname}`), m[2]], { stdio: 'ignore' });
          ns.track(sc);
          assert.ok(await waitUntil(() => { try { run('ip', ['link', 'show', ifname]); return true; } catch { return false; } }, 5000) || sc.exitCode !== null, 'socat made the TAP');
          try {
            run('ip', ['link', 'set', ifname, 'netns', ns.name]);
            ns.addr(ifname, '198.18.0.1/24');
          } catch (e) {
            if (attempt < 3 && (sc.exitCode !== null || sc.signalCode !== null || /Cannot find device/.test((e as Error).message))) continue;
            throw e;
          }
          // (Not spawnSync: the board runs in this process's event loop.)
          const r = await new Promise<string>((resolve) => execFile('ip', ['netns', 'exec', ns.name, 'ping', '-c', '3', '-i', '0.2', '-W', '2', '198.18.0.2'], { encoding: 'utf8', timeout: 15000 }, (_e, out, err) => resolve(out + err)));
          assert.match(r, /3 packets transmitted, 3 received/, r);
          break;
        } finally {
          sim.close();
          if (socat && socat.exitCode === null) socat.kill('SIGKILL');
        }
      }
    } finally { ns.cleanup(); }
  });

  test('on a TAP link the namespace\'s side is the board\'s default gateway: a peer beyond the board\'s /24 is answered, static or by DHCP', async () => {
    for (const args of [['--no-apps'], ['--dhcp', '--no-apps']]) {
      const sim = await startSim(parseArgs(args, true), () => {});
      try {
        const ns = sim.tap!.ns.name;
        // A peer on another network (198.19.7.1, beyond 198.18.0.0/24), routed by the namespace.
        run('ip', ['-n', ns, 'addr', 'add', '198.19.7.1/32', 'dev', 'lo']);
        assert.ok(await waitUntil(() => sim.address() !== '(no address yet)', 20000), `${args.join(' ')}: no address`);
        const ip = sim.address();
        // (Not spawnSync: the board runs in this process's event loop.)
        const r = await new Promise<string>((resolve) => execFile('ip', ['netns', 'exec', ns, 'ping', '-c', '3', '-i', '0.2', '-W', '2', '-I', '198.19.7.1', ip], { encoding: 'utf8', timeout: 15000 }, (_e, out, err) => resolve(out + err)));
        assert.match(r, /3 packets transmitted, 3 received/, `${args.join(' ')}: ${r}`);
        assert.is(ipToString(sim.board.stack.iface.gateway), '198.18.0.1', args.join(' '));
      } finally { sim.close(); }
    }
  });

  test('npm start -- --dhcp does the same: the namespace and dnsmasq at once, the lease, the commands; all gone after Ctrl-C', async () => {
    const sim = new SimProcess(['--dhcp', '--no-apps'], 'tools/start.ts');
    try {
      await sim.waitFor(/^LAN: namespace synack-\d+, its side 198\.18\.0\.1\/24 on \S+\nDHCP: dnsmasq \(pid \d+\) in synack-\d+ serves /m, 15000);
      const lease = await sim.waitFor(/^lease: (198\.18\.0\.\d+)\/24 by DHCP from 198\.18\.0\.1, 3600 s\ntry:\n {2}ip netns exec synack-\d+ ping -c 3 (\S+)$/m, 20000);
      assert.is(lease[2], lease[1]);
    } finally { await sim.stop('SIGINT'); }
    assert.is(sim.proc.exitCode, 0, sim.err);
    assert.not.match(namespaces(), new RegExp(`synack-${sim.pid}\\b`));
    assert.is(stateOf(sim.pid), null);
  });

  test('--dhcp-server external starts no dnsmasq and prints the command for one', async () => {
    const sim = new SimProcess(['--dhcp', '--dhcp-server', 'external', '--no-apps']);
    try {
      await sim.waitFor(/^DHCP: waiting for a lease from your own server in synack-\d+, for example:\n {2}ip netns exec synack-\d+ dnsmasq .*--interface=st\d+ --dhcp-range=198\.18\.0\.128,198\.18\.0\.254,12h$/m, 15000);
      assert.is(stateOf(sim.pid)!.procs.filter((p) => p.argv.includes('dnsmasq')).length, 0);
    } finally { await sim.stop('SIGINT'); }
    assert.is(sim.proc.exitCode, 0, sim.err);
  });

  test('an error after the namespace was made: one line, exit 1, nothing left (dnsmasq, its directory, the namespace)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-cli-test-'));
    try {
      writeFileSync(join(dir, 'taken'), 'a file');
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'host-sim/cli.ts', '--dhcp', '--console', join(dir, 'taken')], { cwd: root, encoding: 'utf8', timeout: 60000 });
      assert.is(r.status, 1, r.stdout + r.stderr);
      assert.is(r.stderr, `sim: --console ${join(dir, 'taken')}: that path exists; give a new one\n`);
      // dnsmasq had been started (the console comes after it) and went with the namespace.
      assert.not.match(namespaces(), new RegExp(`synack-${r.pid}\\b`));
      assert.not.match(spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout, new RegExp(`--interface=st${r.pid}\\b`));
      assert.is(stateOf(r.pid), null, 'no state file: everything it listed was removed');
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  test('a simulator killed with SIGKILL: the next one removes its namespace, both socats, dnsmasq, the console link and directory, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-cli-test-'));
    // What must survive: a namespace of this (live) test process, recorded in its own state file;
    // a process of the test's whose PID a dead process's forged state file lists under another
    // command line, and under another start time; a live process's forged state file with a
    // namespace in it.
    const mine = new Netns(`synack-keep-${process.pid}`);
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    const other = new Netns(`synack-other-${process.pid}`);
    const forgedDead = join(RUN_DIR, '999999999.json');
    const forgedDead2 = join(RUN_DIR, '999999998.json');
    const forgedLive = join(RUN_DIR, `${sleeper.pid}.json`);
    writeFileSync(forgedDead, JSON.stringify({ pid: 999999999, start: '1', netns: [], procs: [{ pid: sleeper.pid, argv: ['socat', 'not-what-runs'] }], dirs: [] }));
    writeFileSync(forgedDead2, JSON.stringify({ pid: 999999998, start: '1', netns: [], procs: [{ pid: sleeper.pid, argv: ['sleep', '60'], start: '12345' }], dirs: [] }));
    writeFileSync(forgedLive, JSON.stringify({ pid: sleeper.pid, start: processStart(sleeper.pid!), netns: [other.name], procs: [], dirs: [] }));
    const consolePath = join(dir, 'console');
    const a = new SimProcess(['--dhcp', '--console', consolePath, '--no-apps']);
    let b: SimProcess | null = null;
    try {
      await a.waitFor(/^lease: /m, 25000);
      const st = stateOf(a.pid)!;
      const socat = st.procs.find((p) => p.argv[0] === 'socat' && p.argv.some((x) => x.startsWith('TUN,')))!;
      const consoleSocat = st.procs.find((p) => p.argv[0] === 'socat' && p.argv.includes(`PTY,link=${consolePath},raw,echo=0`))!;
      const dnsmasq = st.procs.find((p) => p.argv.includes('dnsmasq'))!;
      assert.ok(socat && consoleSocat && dnsmasq, JSON.stringify(st));
      assert.ok(consoleSocat.start && socat.start && dnsmasq.start, 'each process recorded with its start time');
      assert.equal(st.links, [consolePath], 'the console link recorded');
      const tapName = /tun-name=(\w+)/.exec(socat.argv.join(' '))![1];
      await a.stop('SIGKILL');
      // Left behind: the namespace, its directory, the state file, and the processes, each of which
      // may also end by itself meanwhile (the console's socat once it sees its pipes closed, the
      // TAP's when a frame for the dead simulator is refused, dnsmasq when it logs to a closed
      // pipe): the test depends on neither.
      assert.match(namespaces(), new RegExp(`synack-${a.pid}\\b`));
      assert.ok(existsSync(st.dirs[0]));
      assert.ok(existsSync(join(RUN_DIR, `${a.pid}.json`)));

      b = new SimProcess(['--no-apps']);
      await b.waitFor(/^LAN: namespace /m, 15000);
      const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(b.out, new RegExp(`^sim: removed what process ${a.pid} \\(no longer running\\) left behind: (socat ${socat.pid}, )?(dnsmasq ${dnsmasq.pid}, )?(socat ${consoleSocat.pid}, )?namespace synack-${a.pid}, directory ${esc(st.dirs[0])}(, console link ${esc(consolePath)})?$`, 'm'));
      assert.not.match(namespaces(), new RegExp(`synack-${a.pid}\\b`));
      assert.not.ok(procRuns(socat), 'socat gone');
      assert.not.ok(procRuns(dnsmasq), 'dnsmasq gone');
      assert.not.ok(procRuns(consoleSocat), 'the console\'s socat gone');
      assert.not.match(spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout, new RegExp(`PTY,link=${esc(consolePath)}`));
      assert.not.ok(existsSync(consolePath) || isPtyLink(consolePath), 'no console link left');
      assert.not.match(run('ip', ['link', 'show']), new RegExp(`${tapName}\\b`));
      assert.not.ok(existsSync(st.dirs[0]));
      assert.not.ok(existsSync(join(RUN_DIR, `${a.pid}.json`)));
      // Nothing else touched.
      assert.match(namespaces(), new RegExp(`${mine.name}\\b`));
      assert.match(namespaces(), new RegExp(`${other.name}\\b`));
      assert.is(sleeper.exitCode, null);
      assert.is(sleeper.signalCode, null);
      assert.ok(existsSync(forgedLive), 'a live process\'s state file stays');
      assert.not.ok(existsSync(forgedDead), 'a dead process\'s state file goes');
      assert.not.ok(existsSync(forgedDead2), 'a dead process\'s state file goes');
    } finally {
      await a.stop('SIGKILL');
      if (b) await b.stop('SIGINT');
      sleeper.kill('SIGKILL');
      mine.cleanup();
      other.cleanup();
      rmSync(forgedDead, { force: true });
      rmSync(forgedDead2, { force: true });
      rmSync(forgedLive, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
    assert.is(b!.proc.exitCode, 0, b!.err);
  });
}

test.run();
