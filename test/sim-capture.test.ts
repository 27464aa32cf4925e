// The simulator's trace and capture (issue 17): two boards on the virtual segment, one behind a
// seeded fault injector both ways, a connection through the faults. Every fault the injectors
// report is a trace line naming the frame (its number in the capture and what it is) and a
// comment on that frame's pcapng record (tshark shows it, when installed); the capture holds
// every frame in sending order, with real times; the trace's ladder is the ladder tool's output
// on the capture, printed only once the connection is over.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimBoard } from '../host-sim/board.ts';
import { FaultInjector } from '../host-sim/faults.ts';
import { recordWire } from '../host-sim/capture.ts';
import { readPcap } from '../host-sim/pcap.ts';
import { describeFrame } from '../host-sim/trace.ts';
import { STATE_NAMES, LIP, LPORT, RIP, RPORT, type Conn } from '../firmware/tcp/tcp.ts';
import { ipToString } from '../firmware/wire/ipv4.ts';

const hasTshark = (() => { try { execFileSync('which', ['tshark'], { stdio: 'ignore' }); return true; } catch { return false; } })();

test('faults are trace lines and capture comments on the frames they hit; the ladder waits for the close', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synack-capture-'));
  try {
    const clock = new VirtualClock();
    const seg = new Segment(clock, 0.2);
    const lines: string[] = [];
    const pcapPath = join(dir, 'run.pcapng');
    const epochMs = Date.UTC(2026, 11, 4, 12, 0, 0);
    let board!: SimBoard;
    const onState = (c: Conn, s: number) => rec.state(`${ipToString(c.s[LIP])}:${c.s[LPORT]}`, `${ipToString(c.s[RIP])}:${c.s[RPORT]}`, STATE_NAMES[s]);
    // A: the "link" side behind the faults; B: the board, its TCP states reported.
    const a = new SimBoard(clock, seg, { name: 'link', chip: 'none', ip: '198.18.0.1/24', mac: new Uint8Array([2, 0, 0, 0, 0, 1]), apps: false, tcp: { mslMs: 500 }, random32: () => 1111 });
    const port = seg.ports[0];
    const ingress = new FaultInjector(clock, { loss: 0.08, duplicate: 0.08, corrupt: 0.04, reorder: 0.1 }, 5);
    const egress = new FaultInjector(clock, { loss: 0.08, duplicate: 0.08, corrupt: 0.04, reorder: 0.1 }, 6);
    port.ingress = ingress; port.egress = egress;
    const rec = recordWire(seg, { pcap: pcapPath, trace: (l) => lines.push(l), epochMs, inbound: 'link', faults: [[ingress, 'on the way in from link'], [egress, 'on the way out to link']] });
    board = new SimBoard(clock, seg, { name: 'board', chip: 'enc28j60', ip: '198.18.0.2/24', mac: new Uint8Array([2, 0, 0, 0, 0, 2]), apps: false, tcp: { onState, mslMs: 500 }, random32: () => 2222 });
    // The board echoes. Connection 1: A sends 6000 bytes, half-closes first and reads the echo
    // to the end. Connection 2: the board closes first, after 3000 bytes (so it waits in
    // TIME-WAIT, 2 MSL, and its side is CLOSED only then).
    let n = 0;
    board.stack.net.createServer((s: any) => {
      const which = ++n;
      let got = 0;
      s.on('data', (d: Uint8Array) => { s.write(d); got += d.length; if (which === 2 && got === 3000) s.end(); board.host.kick(); });
      s.on('end', () => { s.end(); board.host.kick(); });
    }).listen(7);
    clock.runFor(5);
    let echoed = 0;
    let printedEarly = '';
    const ladderPrinted = (i: number) => lines.some((l) => l.startsWith(`Connection ${i}:`));
    const connect = (i: number, bytes: number, endFirst: boolean) => {
      let closed = false;
      const c = a.stack.net.connect({ host: '198.18.0.2', port: 7 }) as any;
      c.on('connect', () => { c.write(new Uint8Array(bytes).fill(0x5a)); if (endFirst) c.end(); a.host.kick(); });
      c.on('data', (d: Uint8Array) => { echoed += d.length; });
      c.on('end', () => { if (!endFirst) { c.end(); a.host.kick(); } });
      c.on('close', () => { closed = true; });
      // Run until the board's side is gone too; the ladder must not be printed before that.
      assert.ok(clock.runUntilTrue(() => {
        if (ladderPrinted(i) && board.stack.tcp.conns.some((x) => x.state !== 0)) printedEarly ||= `connection ${i} printed with the board's side in state ${board.stack.tcp.conns[0].state}`;
        return closed && board.stack.tcp.conns.length === 0 && ladderPrinted(i);
      }, 600_000), `connection ${i} over and printed`);
    };
    connect(1, 6000, true);
    connect(2, 3000, false);
    assert.is(echoed, 9000, 'the echo came back through the faults');
    assert.is(printedEarly, '');
    const totalFaults = (f: FaultInjector) => f.counters.lost + f.counters.duplicated + f.counters.corrupted + f.counters.reordered + f.counters.queueDrops;
    const nFaults = totalFaults(ingress) + totalFaults(egress);
    assert.ok(nFaults >= 5, `faults happened (${nFaults})`);
    rec.close();

    // One trace line per fault: "T #N fault: <what> <where>: <the frame>".
    const faultLines = lines.filter((l) => / #\d+ fault: /.test(l));
    assert.is(faultLines.length, nFaults, faultLines.join('\n'));
    // The capture: every frame once, in sending order, with real times, and each fault as a
    // comment on the record of the frame it hit (record number = the trace's #N).
    const cap = readPcap(pcapPath);
    const frameLines = lines.filter((l) => /^\d+\.\d+ #\d+ [<>] /.test(l));
    assert.is(cap.records.length, frameLines.length);
    frameLines.forEach((l, i) => assert.ok(l.includes(` #${i + 1} `), l));
    for (let i = 1; i < cap.records.length; i++) assert.ok(cap.records[i].timeMs >= cap.records[i - 1].timeMs);
    assert.ok(cap.records[0].timeMs >= epochMs && cap.records[cap.records.length - 1].timeMs <= epochMs + clock.now);
    for (const l of faultLines) {
      const m = /^[\d.]+ #(\d+) (fault: [^:]+): (.*)$/.exec(l)!;
      assert.ok(m, l);
      const r = cap.records[Number(m[1]) - 1];
      assert.ok(r.comments && r.comments.includes(m[2]), `record ${m[1]} has the comment "${m[2]}": ${r.comments}`);
      assert.is(m[3], describeFrame(r.data), 'the line names the frame as the capture holds it');
    }
    assert.is(cap.records.reduce((n, r) => n + (r.comments?.length ?? 0), 0), nFaults);
    if (hasTshark) {
      const out = execFileSync('tshark', ['-r', pcapPath, '-Y', 'frame.comment', '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'frame.comment'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const rows = out.trim().split('\n').map((x) => x.split('|'));
      const ours = cap.records.map((r, i) => [String(i + 1), (r.comments ?? []).join(',')]).filter((x) => x[1]);
      assert.equal(rows, ours);
    } else console.log('sim-capture: tshark not installed, the comments checked by our reader only');

    // The trace's ladders are what the ladder tool prints for the capture.
    const traced = lines.filter((l) => l.startsWith('Connection ')).join('\n');
    const tool = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'tools', 'ladder.ts'), pcapPath], { encoding: 'utf8' });
    assert.is(tool.status, 0, tool.stderr);
    assert.is(tool.stdout, lines.filter((l) => l.startsWith('Connection ')).map((l) => l + '\n').join(''));
    assert.match(traced, /TIME-WAIT[^\n]*\n\d+\.\s+\(2 MSL\)\n\s+CLOSED\n/, 'connection 2 ends with the board\'s 2 MSL');
    // The dropped segments are marked where they would have arrived.
    const dropsOfTcp = faultLines.filter((l) => /fault: dropped .*: TCP /.test(l)).length;
    if (dropsOfTcp) assert.ok(/-X- /.test(traced), traced);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('capture times are real by default: the wall clock at the start plus virtual time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synack-capture-'));
  try {
    const clock = new VirtualClock();
    const seg = new Segment(clock, 0);
    const p = seg.attach('p'); seg.attach('q');
    const before = Date.now();
    const rec = recordWire(seg, { pcap: join(dir, 'c.pcapng') });
    const f = new Uint8Array(60); f.set([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5]);
    p.send(f);
    clock.runFor(90_000); // a minute and a half of virtual time
    p.send(f);
    clock.runFor(1);
    rec.close();
    const after = Date.now();
    const r = readPcap(join(dir, 'c.pcapng')).records;
    assert.is(r.length, 2);
    assert.ok(r[0].timeMs >= before && r[0].timeMs <= after, `first frame at ${new Date(r[0].timeMs).toISOString()}`);
    assert.is(r[1].timeMs - r[0].timeMs, 90_000);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
