// host-sim core: the virtual clock, the learning switch, the fault injector, pcap and the tracer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { describeFault, FaultInjector, Rng, type FaultEvent } from '../host-sim/faults.ts';
import { PcapngWriter, PcapWriter, PcapError, readPcap, parsePcap } from '../host-sim/pcap.ts';
import { execFileSync } from 'node:child_process';
import { describeFrame } from '../host-sim/trace.ts';

function frame(dst: number, src: number, n = 60, fill = 0): Uint8Array {
  const f = new Uint8Array(n).fill(fill);
  f.set([2, 0, 0, 0, 0, dst], 0);
  if (dst === 0xff) f.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0);
  f.set([2, 0, 0, 0, 0, src], 6);
  f[12] = 0x88; f[13] = 0xb5; // local experimental EtherType
  return f;
}

test('clock: timers run in time order, FIFO at equal times, cancel works', () => {
  const c = new VirtualClock();
  const seen: string[] = [];
  c.at(10, () => seen.push('a10'));
  c.at(5, () => seen.push('b5'));
  c.at(10, () => seen.push('c10'));
  const h = c.at(7, () => seen.push('never'));
  c.cancel(h);
  c.after(3, () => { seen.push('d3'); c.after(0, () => seen.push('e3')); });
  c.runUntil(9);
  assert.equal(seen, ['d3', 'e3', 'b5']);
  assert.is(c.now, 9);
  assert.ok(c.runUntilIdle());
  assert.equal(seen, ['d3', 'e3', 'b5', 'a10', 'c10']);
  assert.is(c.now, 10);
});

test('clock: runUntilTrue stops when the condition holds, runUntilIdle at its limit', () => {
  const c = new VirtualClock();
  let n = 0;
  const tick = () => { n++; c.after(100, tick); };
  c.after(100, tick);
  assert.ok(c.runUntilTrue(() => n === 5));
  assert.is(c.now, 500);
  assert.not.ok(c.runUntilIdle(1000));
  assert.is(c.now, 1500);
});

test('segment: floods unknown and broadcast, learns, delivers after the delay', () => {
  const c = new VirtualClock();
  const s = new Segment(c, 1);
  const p = [s.attach('a'), s.attach('b'), s.attach('c')];
  const got: string[][] = [[], [], []];
  p.forEach((port, i) => port.onFrame((f) => got[i].push(`${f[11]}->${f[5]}@${c.now}`)));
  p[0].send(frame(2, 1));          // unknown: flooded to b and c
  c.runFor(5);
  assert.equal(got, [[], ['1->2@1'], ['1->2@1']]);
  p[1].send(frame(1, 2));          // 1 was learnt: only to a
  c.runFor(5);
  assert.equal(got[0], ['2->1@6']);
  assert.equal(got[2], ['1->2@1']);
  p[2].send(frame(0xff, 3));       // broadcast: everyone else
  c.runFor(5);
  assert.is(got[0].length, 2);
  assert.is(got[1].length, 2);
  assert.is(s.stats.frames, 3);
});

test('segment: frames are copied on entry', () => {
  const c = new VirtualClock();
  const s = new Segment(c, 0);
  const a = s.attach(), b = s.attach();
  let seen: Uint8Array | null = null;
  b.onFrame((f) => (seen = f));
  const f = frame(2, 1, 60, 7);
  a.send(f);
  f.fill(0);
  c.runFor(1);
  assert.is(seen![20], 7);
});

test('faults: seeded, counted, and the rates are as configured', () => {
  const c = new VirtualClock();
  const run = (seed: number) => {
    const fi = new FaultInjector(c, { loss: 0.1, duplicate: 0.05, corrupt: 0.02, reorder: 0.25 }, seed);
    const out: Uint8Array[] = [];
    // One frame every 0.1 ms: a reordered frame (held 3 ms) lands behind about 30 later ones.
    for (let i = 0; i < 10000; i++) c.at(c.now + i * 0.1, () => fi.pass(frame(2, 1, 64, i & 255), (f) => out.push(f)));
    c.runFor(2000);
    return { fi, out };
  };
  const a = run(42), b = run(42);
  assert.equal(a.fi.counters, b.fi.counters);
  const k = a.fi.counters;
  assert.ok(k.lost > 850 && k.lost < 1150, `lost ${k.lost}`);
  assert.ok(k.duplicated > 350 && k.duplicated < 600, `dup ${k.duplicated}`);
  assert.ok(k.reordered > 2000, `reordered ${k.reordered}`);
  assert.ok(k.corrupted > 120, `corrupted ${k.corrupted}`);
  assert.is(a.out.length, 10000 - k.lost + k.duplicated);
  // Reordering really happened: delivered fill bytes are not monotonic.
  let inversions = 0;
  for (let i = 1; i < a.out.length; i++) if (a.out[i][20] < a.out[i - 1][20] && a.out[i - 1][20] - a.out[i][20] < 128) inversions++;
  assert.ok(inversions > 100, `inversions ${inversions}`);
});

test('faults: corruption flips exactly one bit of a copy', () => {
  const c = new VirtualClock();
  const fi = new FaultInjector(c, { corrupt: 1 }, 7);
  const f = frame(2, 1, 100, 0x55);
  let out: Uint8Array | null = null;
  fi.pass(f, (g) => (out = g));
  let bits = 0;
  for (let i = 0; i < 100; i++) { let x = out![i] ^ frame(2, 1, 100, 0x55)[i]; while (x) { bits += x & 1; x >>= 1; } }
  assert.is(bits, 1);
  assert.is(f[20], 0x55); // the sender's frame is untouched
});

test('faults: a rate limit serialises frames and tail-drops past the queue', () => {
  const c = new VirtualClock();
  const fi = new FaultInjector(c, { rateBytesPerSec: 100000, queueFrames: 10 }, 1);
  const at: number[] = [];
  for (let i = 0; i < 15; i++) fi.pass(frame(2, 1, 1000), () => at.push(c.now));
  c.runFor(1000);
  assert.is(at.length, 10);
  assert.is(fi.counters.queueDrops, 5);
  assert.equal(at.slice(0, 3), [10, 20, 30]);
});

test('faults: every fault is reported with the frame it hit, as counted', () => {
  const c = new VirtualClock();
  const fi = new FaultInjector(c, { loss: 0.1, duplicate: 0.1, corrupt: 0.1, reorder: 0.2, jitterMs: 1 }, 9);
  const seen: FaultEvent[] = [];
  fi.onFault = (e) => seen.push(e);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < 2000; i++) { const f = frame(2, 1, 64, i & 255); frames.push(f); fi.pass(f, () => {}); }
  c.runFor(100);
  const k = fi.counters;
  const n = (kind: string) => seen.filter((e) => e.kind === kind).length;
  assert.is(n('dropped'), k.lost);
  assert.is(n('duplicated'), k.duplicated);
  assert.is(n('corrupted'), k.corrupted);
  assert.is(n('reordered'), k.reordered);
  assert.is(n('delayed'), 2000 - k.lost + k.duplicated); // jitter: every copy that went on
  assert.ok(seen.every((e) => frames.includes(e.frame)), 'each event names the frame given to pass()');
  const bitFlip = seen.find((e) => e.kind === 'corrupted')!;
  assert.match(describeFault(bitFlip), /^corrupted( in its second copy)? \(bit [0-7] of byte \d+ flipped\)$/);
  assert.match(describeFault(seen.find((e) => e.kind === 'reordered')!), /^held back 3 ms( in its second copy)? \(reordered behind later frames\)$/);
  // The rate limit's tail drops too.
  const q = new FaultInjector(c, { rateBytesPerSec: 100000, queueFrames: 2 }, 1);
  const drops: string[] = [];
  q.onFault = (e) => drops.push(describeFault(e));
  for (let i = 0; i < 5; i++) q.pass(frame(2, 1, 1000), () => {});
  assert.equal(drops, ['dropped (rate-limit queue full)', 'dropped (rate-limit queue full)', 'dropped (rate-limit queue full)']);
  assert.ok(q.maxHoldMs() >= 30, `a 2-frame queue at 100 kB/s holds up to ${q.maxHoldMs()} ms`);
});

test('segment: wire observers see each frame as sent, numbered, and settled after every fault is decided', () => {
  const c = new VirtualClock();
  const s = new Segment(c, 0.5);
  const a = s.attach('a'), b = s.attach('b');
  a.ingress = new FaultInjector(c, { reorder: 1, reorderDelayMs: 4 }, 1); // every frame from a held 4 ms
  const out = new FaultInjector(c, { duplicate: 1 }, 2);                     // every frame to b twice
  b.egress = out;
  const log: string[] = [];
  out.onFault = (e) => log.push(`fault #${s.frameId(e.frame)} ${e.kind} @${c.now}`);
  s.observe({ sent: (id, f, from) => log.push(`sent #${id} from ${from.name} @${c.now}`), settled: (id) => log.push(`settled #${id} @${Math.round(c.now * 1000) / 1000}`) });
  a.send(frame(2, 1));
  b.send(frame(1, 2));
  c.runFor(20);
  // b's frame: no ingress stage, settled after the switch's 0.5 ms; a's frame: after its 4 ms
  // hold and the switch's delay, once b's egress has duplicated it (a copy keeps its number).
  assert.equal(log, ['sent #1 from a @0', 'sent #2 from b @0', 'settled #2 @0.5', 'fault #1 duplicated @4.5', 'settled #1 @4.5']);
});

test('rng: xorshift32 is deterministic and in range', () => {
  const r = new Rng(1);
  const a = [r.u32(), r.u32(), r.u32()];
  assert.equal(a, [270369, 67634689, 2647435461]);
  const r2 = new Rng(99);
  for (let i = 0; i < 1000; i++) { const x = r2.next(); assert.ok(x >= 0 && x < 1); }
});

test('pcap: written frames read back with their times', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synack-pcap-'));
  try {
    const p = join(dir, 'a.pcap');
    const w = new PcapWriter(p);
    w.write(1.5, frame(2, 1, 60, 1));
    w.write(2000.25, frame(1, 2, 1514, 2));
    w.close();
    const r = readPcap(p);
    assert.is(r.linkType, 1);
    assert.is(r.records.length, 2);
    assert.is(r.records[0].timeMs, 1.5);
    assert.is(r.records[1].timeMs, 2000.25);
    assert.is(r.records[1].data.length, 1514);
    assert.is(r.records[1].data[100], 2);
    // Truncated and foreign files: one clear error each.
    const bytes = readFileSync(p);
    writeFileSync(join(dir, 't.pcap'), bytes.subarray(0, bytes.length - 10));
    assert.throws(() => readPcap(join(dir, 't.pcap')), (e: Error) => e instanceof PcapError && /truncated record 2/.test(e.message));
    assert.throws(() => parsePcap(new Uint8Array(10)), /shorter than the 24-byte header/);
    assert.throws(() => parsePcap(new Uint8Array(40)), /bad magic/);
    assert.throws(() => readPcap(join(dir, 'missing.pcap')), /cannot read/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('pcapng: frames and their comments read back; real timestamps; tshark shows the comments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synack-pcapng-'));
  try {
    const p = join(dir, 'a.pcapng');
    const w = new PcapngWriter(p, { app: 'synack test', ifName: 'segment' });
    const t0 = Date.UTC(2026, 11, 4, 15, 0, 0);
    w.write(t0 + 1.5, frame(2, 1, 61, 1));
    w.write(t0 + 2000.25, frame(1, 2, 1514, 2), ['fault: dropped on the way out to link', 'second, with UTF-8: é']);
    w.close();
    const r = readPcap(p);
    assert.is(r.linkType, 1);
    assert.is(r.records.length, 2);
    assert.is(r.records[0].timeMs, t0 + 1.5);
    assert.is(r.records[1].timeMs, t0 + 2000.25);
    assert.is(r.records[0].data.length, 61);
    assert.is(r.records[1].data[100], 2);
    assert.is(r.records[0].comments, undefined);
    assert.equal(r.records[1].comments, ['fault: dropped on the way out to link', 'second, with UTF-8: é']);
    // Truncated and corrupt: one clear error each.
    const bytes = readFileSync(p);
    assert.throws(() => parsePcap(bytes.subarray(0, bytes.length - 10), 'x'), (e: Error) => e instanceof PcapError && /x: truncated pcapng block 4 at byte \d+/.test(e.message));
    const bad = Buffer.from(bytes); bad.writeUInt32LE(13, 4);
    assert.throws(() => parsePcap(bad, 'x'), /corrupt pcapng block 1 at byte 0 \(length 13\)/);
    let tshark = false;
    try { execFileSync('which', ['tshark'], { stdio: 'ignore' }); tshark = true; } catch { /* not installed */ }
    if (tshark) {
      const out = execFileSync('tshark', ['-r', p, '-T', 'fields', '-E', 'separator=|', '-e', 'frame.number', '-e', 'frame.time_epoch', '-e', 'frame.comment'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const rows = out.trim().split('\n').map((l) => l.split('|'));
      assert.is(rows.length, 2, out);
      assert.is(Number(rows[0][1]), (t0 + 1.5) / 1000);
      assert.is(rows[0][2], '');
      assert.is(rows[1][2], 'fault: dropped on the way out to link,second, with UTF-8: é');
      // And a pcapng that Wireshark's own tools wrote reads back the same.
      const classic = join(dir, 'c.pcap');
      const cw = new PcapWriter(classic);
      cw.write(t0 + 7, frame(2, 1, 60, 3));
      cw.close();
      execFileSync('editcap', ['-F', 'pcapng', '--capture-comment', 'made by editcap', classic, join(dir, 'e.pcapng')], { stdio: 'ignore' });
      const e = readPcap(join(dir, 'e.pcapng'));
      assert.is(e.records.length, 1);
      assert.is(e.records[0].timeMs, t0 + 7);
      assert.is(e.records[0].data[20], 3);
    } else console.log('sim-core: tshark not installed, pcapng checked by our own reader only');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('pcapng: big-endian sections, nanosecond resolution, a time offset, simple packet blocks, several interfaces', () => {
  // Built by hand, big-endian throughout, as a big-endian host would write it.
  const be32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return b; };
  const be16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return b; };
  const opt = (code: number, v: Buffer) => Buffer.concat([be16(code), be16(v.length), v, Buffer.alloc((4 - (v.length & 3)) & 3)]);
  const block = (type: number, body: Buffer) => Buffer.concat([be32(type), be32(body.length + 12), body, be32(body.length + 12)]);
  const pad = (b: Uint8Array) => Buffer.concat([Buffer.from(b), Buffer.alloc((4 - (b.length & 3)) & 3)]);
  const shb = block(0x0a0d0d0a, Buffer.concat([be32(0x1a2b3c4d), be16(1), be16(0), Buffer.alloc(8, 0xff)]));
  const offset = Buffer.alloc(8); offset.writeBigInt64BE(1_700_000_000n);
  const idb0 = block(1, Buffer.concat([be16(1), be16(0), be32(65535), opt(9, Buffer.from([9])), opt(14, offset), Buffer.alloc(4)]));
  const idb1 = block(1, Buffer.concat([be16(101), be16(0), be32(65535)]));
  const ns = 1_500_000_000n; // 1.5 s after the offset, in nanoseconds
  const f = frame(2, 1, 61, 9);
  const epb = block(6, Buffer.concat([be32(0), be32(Number(ns >> 32n)), be32(Number(ns & 0xffffffffn)), be32(f.length), be32(f.length), pad(f), opt(1, Buffer.from('a comment')), Buffer.alloc(4)]));
  const raw = Uint8Array.of(0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2);
  const epbRaw = block(6, Buffer.concat([be32(1), be32(0), be32(3), be32(raw.length), be32(raw.length), pad(raw)]));
  const spb = block(3, Buffer.concat([be32(f.length), pad(f)]));
  const unknown = block(0x0bad, Buffer.alloc(8)); // skipped
  const r = parsePcap(Buffer.concat([shb, idb0, idb1, epb, unknown, epbRaw, spb]), 'be');
  assert.is(r.linkType, 1);
  assert.is(r.records.length, 3);
  assert.is(r.records[0].timeMs, 1_700_000_001_500);
  assert.equal(r.records[0].comments, ['a comment']);
  assert.is(r.records[0].data[20], 9);
  assert.is(r.records[1].linkType, 101, 'the second interface\'s link type');
  assert.is(r.records[1].timeMs, 3 / 1000, 'microseconds by default');
  assert.is(r.records[2].data.length, 61);
  assert.throws(() => parsePcap(Buffer.concat([shb, epb]), 'x'), /names interface 0, which was not described/);
});

test('trace: one line per frame, malformed frames described', () => {
  assert.is(describeFrame(new Uint8Array(5)), 'runt frame (5 bytes)');
  const tcp = new Uint8Array(54);
  tcp[12] = 8; tcp[14] = 0x45; tcp[17] = 40; tcp[23] = 6;
  tcp.set([198, 18, 0, 1], 26); tcp.set([198, 18, 0, 2], 30);
  tcp[34] = 0x04; tcp[35] = 0x00; tcp[37] = 80; tcp[41] = 100; tcp[46] = 0x50; tcp[47] = 0x12; tcp[48] = 0x05; tcp[49] = 0xb4;
  assert.is(describeFrame(tcp), 'TCP 198.18.0.1:1024 > 198.18.0.2:80 [SYN,ACK] seq 100 ack 0 win 1460 len 0');
});

test.run();
