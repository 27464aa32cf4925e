// A Linux-to-Linux connection captured by tcpdump renders with its states inferred correctly,
// including a simultaneous close. Three namespaces this test creates and deletes: host A and host
// B (198.18.7.1 and .2) joined through a relay namespace that delays every frame by 40 ms, so the
// two FINs, sent together, cross on the wire. Needs root, ip, tcpdump and python3; skipped
// otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connections, decodeTcp, ladder, overOnWire, renderText } from '../tools/ladder/index.ts';
import { readPcap } from '../host-sim/pcap.ts';

const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const tag = `lad${process.pid % 100000}`;
const nsA = `${tag}a`, nsB = `${tag}b`, nsR = `${tag}r`;

function usable(): string | null {
  if (process.getuid?.() !== 0) return 'not root';
  for (const tool of ['ip', 'tcpdump']) { try { execFileSync('which', [tool], { stdio: 'ignore' }); } catch { return `${tool} missing`; } }
  return null;
}

const sh = (args: string[]) => execFileSync(args[0], args.slice(1), { stdio: 'pipe' });
function cleanup(): void { for (const ns of [nsA, nsB, nsR]) { try { sh(['ip', 'netns', 'del', ns]); } catch { /* gone */ } } }

function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const end = Date.now() + ms;
    const tick = () => { if (cond()) resolve(true); else if (Date.now() > end) resolve(false); else setTimeout(tick, 10); };
    tick();
  });
}

function lineOf(p: ChildProcess, re: RegExp, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    let buf = '';
    const t = setTimeout(() => resolve(false), ms);
    p.stdout?.on('data', (d) => { buf += d; if (re.test(buf)) { clearTimeout(t); resolve(true); } });
  });
}

const why = usable();
if (why) {
  console.log(`ladder-linux: skipped (${why})`);
} else {
  test('tcpdump capture of a Linux connection with a simultaneous close: states inferred', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-ladder-linux-'));
    const procs: ChildProcess[] = [];
    cleanup();
    try {
      for (const ns of [nsA, nsB, nsR]) sh(['ip', 'netns', 'add', ns]);
      sh(['ip', '-n', nsA, 'link', 'add', 'la', 'type', 'veth', 'peer', 'name', 'ra', 'netns', nsR]);
      sh(['ip', '-n', nsB, 'link', 'add', 'lb', 'type', 'veth', 'peer', 'name', 'rb', 'netns', nsR]);
      sh(['ip', '-n', nsA, 'addr', 'add', '198.18.7.1/24', 'dev', 'la']);
      sh(['ip', '-n', nsB, 'addr', 'add', '198.18.7.2/24', 'dev', 'lb']);
      for (const [ns, dev] of [[nsA, 'la'], [nsB, 'lb'], [nsR, 'ra'], [nsR, 'rb']]) sh(['ip', '-n', ns, 'link', 'set', dev, 'up']);
      for (const ns of [nsA, nsB]) sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      const relay = spawn('ip', ['netns', 'exec', nsR, PY, join(import.meta.dirname, 'helpers', 'delay-relay.py'), 'ra', 'rb', '40', '30'], { stdio: ['ignore', 'pipe', 'inherit'] });
      procs.push(relay);
      assert.ok(await lineOf(relay, /ready/, 5000), 'relay started');
      const pcap = join(dir, 'linux.pcap');
      const dump = spawn('ip', ['netns', 'exec', nsA, 'tcpdump', '-i', 'la', '-U', '-w', pcap, 'tcp'], { stdio: ['ignore', 'ignore', 'pipe'] });
      procs.push(dump);
      await new Promise<void>((resolve) => { dump.stderr!.on('data', (d) => { if (/listening/.test(String(d))) resolve(); }); setTimeout(resolve, 3000); });
      const go = join(dir, 'go');
      const server = spawn('ip', ['netns', 'exec', nsB, PY, join(import.meta.dirname, 'helpers', 'close-peer.py'), 'server', '198.18.7.2', '7777', go], { stdio: ['ignore', 'pipe', 'inherit'] });
      procs.push(server);
      assert.ok(await lineOf(server, /listening/, 5000), 'server listening');
      const client = spawn('ip', ['netns', 'exec', nsA, PY, join(import.meta.dirname, 'helpers', 'close-peer.py'), 'client', '198.18.7.2', '7777', go], { stdio: ['ignore', 'pipe', 'inherit'] });
      procs.push(client);
      assert.ok(await waitFor(() => existsSync(go + '.server') && existsSync(go + '.client'), 10000), 'both ends connected');
      await new Promise((r) => setTimeout(r, 300)); // greetings acknowledged
      writeFileSync(go, ''); // both shut down within a millisecond: 40 ms apart on the wire
      const exits = [server, client].map((p) => new Promise((r) => p.on('exit', r)));
      await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 15000))]);
      // tcpdump writes each packet (-U): wait until the capture holds the close (both FINs, each
      // acknowledged; the relay may lag on a busy machine), at most 15 s.
      const closedInCapture = () => { try { const c = connections(decodeTcp(readPcap(pcap)).segments); return c.length > 0 && overOnWire(c[0]); } catch { return false; } };
      await waitFor(closedInCapture, 15000);
      await new Promise((r) => setTimeout(r, 200));
      dump.kill('SIGINT');
      await new Promise((r) => dump.on('exit', r));

      const conns = connections(decodeTcp(readPcap(pcap)).segments);
      assert.is(conns.length, 1);
      const text = renderText(conns[0], ladder(conns[0]), { extras: false });
      console.log(text);
      const rows = text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
      // Handshake: A (the kernel at 198.18.7.1) opened actively, B passively.
      assert.match(rows[2], /^1\. CLOSED LISTEN$/);
      assert.match(rows[3], /^2\. SYN-SENT --> <SEQ=\d+><CTL=SYN> --> SYN-RECEIVED$/);
      assert.match(rows[4], /^3\. ESTABLISHED <-- <SEQ=\d+><ACK=\d+><CTL=SYN,ACK> <-- SYN-RECEIVED$/);
      // Simultaneous close: both FINs in flight at once, both ends through CLOSING to TIME-WAIT.
      assert.ok(rows.filter((r) => r.includes('(Close)')).length === 2, text);
      assert.ok(rows.some((r) => /^FIN-WAIT-1 --> <SEQ=\d+><ACK=\d+><CTL=FIN,ACK> \.\.\. ESTABLISHED$/.test(r)), text);
      assert.ok(rows.some((r) => /\.\.\. <SEQ=\d+><ACK=\d+><CTL=FIN,ACK> --> CLOSING$/.test(r)), text);
      assert.ok(rows.some((r) => /^(\d+\. )?CLOSING <-- <SEQ=\d+><ACK=\d+><CTL=FIN,ACK> <-- FIN-WAIT-1$/.test(r)), text);
      assert.is(rows.filter((r) => r.includes('(2 MSL)')).length, 2, text);
      assert.not.ok(/CLOSE-WAIT|LAST-ACK/.test(text), text);
    } finally {
      for (const p of procs) { try { p.kill('SIGKILL'); } catch { /* exited */ } }
      cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
