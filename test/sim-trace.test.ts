// `npm run sim -- --trace --pcap FILE` against the Linux kernel (issue 17): a TAP device in a
// namespace startSim creates and removes (198.18.0.0/24), seeded faults on the link, and nc
// echoing through the board. The trace's ladder is printed only once the connection is over
// (the last ACK seen, the board's side CLOSED) and is exactly what `npm run ladder` prints for
// the capture; the capture's times are real (wall clock), which tshark reads too; each fault of
// the trace is a comment on its frame. Needs root, socat and nc; skipped otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, parseArgs, type RunningSim } from '../host-sim/cli.ts';
import { netnsUnavailable } from '../host-sim/links/netns.ts';
import { readPcap } from '../host-sim/pcap.ts';

const BOARD = '198.18.0.2';
const has = (t: string) => { try { execFileSync('which', [t], { stdio: 'ignore' }); return true; } catch { return false; } };

function sh(ns: string, cmd: string, ms = 30000): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const t = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('close', (code) => { clearTimeout(t); resolve({ code: code ?? -1, out }); });
  });
}

const until = async (cond: () => boolean, ms: number) => { const end = Date.now() + ms; while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20)); return cond(); };

const why = netnsUnavailable(['socat', 'nc']);
if (why) {
  console.log(`sim-trace: skipped (${why})`);
} else {
  test('--trace --pcap: the ladder when the connection is closed, equal to the ladder tool on the capture; real times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-sim-trace-'));
    const pcap = join(dir, 'board.pcapng');
    const lines: string[] = [];
    let sim: RunningSim | null = null;
    let early = '';
    const before = Date.now();
    try {
      sim = await startSim(parseArgs(['--link', 'tap', '--pcap', pcap, '--trace', '--faults', 'loss=0.05,duplicate=0.05,reorder=0.1,seed=7'], true), (l) => {
        // A ladder printed while the board still holds the connection would be early.
        if (l.startsWith('Connection ') && sim && sim.board.stack.tcp.conns.some((c) => c.state !== 0)) early = l;
        lines.push(l);
      });
      const ns = sim.tap!.ns.name;
      // nc half-closes after its input: the kernel closes first, the board's side ends in LAST-ACK,
      // then CLOSED on the kernel's last ACK.
      const r = await sh(ns, `printf 'hello synack' | nc -N -w 10 ${BOARD} 7`);
      assert.is(r.out, 'hello synack');
      assert.ok(await until(() => lines.some((l) => l.startsWith('Connection ')), 15000), 'the ladder was printed');
      assert.is(early, '', 'printed only once the board\'s side was CLOSED');
    } finally {
      sim?.close();
    }
    const after = Date.now();
    try {
      const ladders = lines.filter((l) => l.startsWith('Connection '));
      assert.is(ladders.length, 1, ladders.join('\n'));
      // The last segments are there: the kernel's final ACK takes the board to CLOSED.
      assert.match(ladders[0], /--> <SEQ=\d+><ACK=\d+><CTL=ACK>\s+--> CLOSED /);
      // Identical to the ladder tool on the capture.
      const tool = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'tools', 'ladder.ts'), pcap], { encoding: 'utf8' });
      assert.is(tool.status, 0, tool.stderr);
      assert.is(tool.stdout, ladders[0] + '\n');
      // Real times: every record between the start and the end of this test.
      const cap = readPcap(pcap);
      assert.ok(cap.records.length > 5);
      for (const rec of cap.records) assert.ok(rec.timeMs >= before - 1 && rec.timeMs <= after + 1, `record at ${new Date(rec.timeMs).toISOString()}`);
      if (has('tshark')) {
        const t = execFileSync('tshark', ['-r', pcap, '-T', 'fields', '-e', 'frame.time_epoch'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').map(Number);
        assert.is(t.length, cap.records.length);
        assert.ok(Math.abs(t[0] * 1000 - cap.records[0].timeMs) < 0.01 && t[0] * 1000 >= before - 1, `tshark: ${t[0]}`);
      }
      // Each fault of the trace is a comment on the frame it names.
      const faults = lines.filter((l) => / #\d+ fault: /.test(l));
      for (const l of faults) {
        const m = /^[\d.]+ #(\d+) (fault: [^:]+): /.exec(l)!;
        assert.ok(cap.records[Number(m[1]) - 1].comments?.includes(m[2]), l);
      }
      assert.is(cap.records.reduce((n, rec) => n + (rec.comments?.length ?? 0), 0), faults.length);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}

test.run();
