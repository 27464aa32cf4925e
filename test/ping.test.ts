// Issue 2 acceptance, on the virtual segment: two Interfaces resolve each other by ARP and ping
// with payloads of 0, 1, 56, 1000 and 1472 bytes, byte-exact; again through the fault injector
// (losses counted, every reply that arrives byte-exact); the same run with the Interface taken
// from the built bundle in an Espruino-like vm; and the simulator's pcap of it dissected by tshark
// with no malformed packet and no bad checksum.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Interface as SourceInterface } from '../firmware/iface/interface.ts';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { FaultInjector, type FaultConfig } from '../host-sim/faults.ts';
import { SimHost, SimNic } from '../host-sim/nic.ts';
import { PcapWriter } from '../host-sim/pcap.ts';
import { loadBundle } from './helpers/bundle.ts';

const A_IP = 0xc6120001; // 198.18.0.1
const B_IP = 0xc6120002; // 198.18.0.2
const SIZES = [0, 1, 56, 1000, 1472];

function payload(n: number, salt: number): Uint8Array {
  const p = new Uint8Array(n);
  for (let i = 0; i < n; i++) p[i] = (i * 7 + salt) & 255;
  return p;
}

interface PingRun { replies: Map<string, Uint8Array>; sent: number; lostFrames: number }

function runPings(Iface: typeof SourceInterface, opts: { faults?: FaultConfig; rounds?: number; pcap?: string } = {}): PingRun {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.05);
  const pa = seg.attach('A'), pb = seg.attach('B');
  const fa = opts.faults ? new FaultInjector(clock, opts.faults, 11) : null;
  const fb = opts.faults ? new FaultInjector(clock, opts.faults, 22) : null;
  if (fa) { pa.ingress = fa; }
  if (fb) { pb.ingress = fb; }
  let writer: PcapWriter | null = null;
  if (opts.pcap) {
    const w = new PcapWriter(opts.pcap);
    writer = w;
    seg.tap((f) => w.write(clock.now, f.length < 60 ? padded(f) : f));
  }
  const nicA = new SimNic(pa, [2, 0, 0, 0, 0, 1]);
  const nicB = new SimNic(pb, [2, 0, 0, 0, 0, 2]);
  const a = new Iface(nicA, { ip: A_IP, prefix: 24, random32: () => 0x1234 });
  const b = new Iface(nicB, { ip: B_IP, prefix: 24, random32: () => 0x5678 });
  const replies = new Map<string, Uint8Array>();
  a.register(1, {
    input(src: number, _dst: number, buf: Uint8Array, off: number, len: number) {
      if (src !== B_IP || buf[off] !== 0) return; // echo replies from B only
      const seq = (buf[off + 6] << 8) | buf[off + 7];
      replies.set(`${seq}`, buf.slice(off + 8, off + len));
    },
    poll() { return 0x7fffffff; },
  });
  const hostA = new SimHost(clock, a, nicA);
  new SimHost(clock, b, nicB);
  const rounds = opts.rounds ?? 1;
  let sent = 0;
  for (let r = 0; r < rounds; r++) {
    SIZES.forEach((n, k) => {
      const seq = r * SIZES.length + k;
      clock.at(clock.now + 1 + seq * 20, () => {
        const p = payload(n, seq);
        a.sendPing(B_IP, 77, seq, p, 0, n);
        sent++;
        hostA.kick();
      });
    });
  }
  clock.runFor(rounds * SIZES.length * 20 + 3000);
  writer?.close();
  return { replies, sent, lostFrames: (fa?.counters.lost ?? 0) + (fb?.counters.lost ?? 0) };
}

function padded(f: Uint8Array): Uint8Array { const p = new Uint8Array(60); p.set(f); return p; }

function checkExact(run: PingRun, rounds: number): void {
  for (const [seqText, data] of run.replies) {
    const seq = Number(seqText);
    const n = SIZES[seq % SIZES.length];
    assert.equal(Array.from(data), Array.from(payload(n, seq)), `reply ${seq} (${n} bytes) is byte-exact`);
  }
  assert.ok(run.replies.size <= rounds * SIZES.length);
}

test('two interfaces resolve each other by ARP and ping 0, 1, 56, 1000, 1472 bytes', () => {
  const run = runPings(SourceInterface);
  // The first ping waits in the ARP queue and is sent when the reply comes: none is lost.
  assert.equal([...run.replies.keys()].map(Number).sort((x, y) => x - y), [0, 1, 2, 3, 4]);
  checkExact(run, 1);
});

test('through the fault injector: losses counted, every arriving reply byte-exact', () => {
  const faults = { loss: 0.1, duplicate: 0.05, reorder: 0.2, corrupt: 0.02 };
  const run = runPings(SourceInterface, { faults, rounds: 40 });
  checkExact(run, 40);
  assert.ok(run.lostFrames > 0, 'the injector dropped frames');
  // With 10% loss each way (and corrupted frames dropped by checksum) most pings still succeed.
  assert.ok(run.replies.size > 0.6 * run.sent && run.replies.size < run.sent, `${run.replies.size} of ${run.sent} replies`);
});

test('the same pings with the Interface from the built bundle', () => {
  const synack = loadBundle();
  const run = runPings(synack.Interface);
  assert.equal([...run.replies.keys()].map(Number).sort((x, y) => x - y), [0, 1, 2, 3, 4]);
  checkExact(run, 1);
  const faulty = runPings(synack.Interface, { faults: { loss: 0.1, reorder: 0.2, corrupt: 0.02 }, rounds: 20 });
  checkExact(faulty, 20);
  assert.ok(faulty.replies.size > 0.6 * faulty.sent);
});

function hasTshark(): boolean {
  try { execFileSync('tshark', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; }
}

if (hasTshark()) {
  test('tshark dissects the simulator\'s pcap: no malformed packet, no bad checksum', () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-ping-'));
    try {
      const file = join(dir, 'ping.pcap');
      runPings(SourceInterface, { pcap: file, rounds: 2 });
      const text = execFileSync('tshark', ['-r', file, '-o', 'ip.check_checksum:TRUE', '-T', 'fields',
        '-e', 'frame.protocols', '-e', 'ip.checksum.status', '-e', 'icmp.checksum.status', '-e', '_ws.malformed', '-e', '_ws.expert.message'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const lines = text.trim().split('\n');
      // 4 ARP (each end's gratuitous ARP, A's request, B's reply) + 10 requests + 10 replies
      assert.is(lines.length, 24);
      assert.is(lines.filter((l) => l.startsWith('eth:ethertype:arp')).length, 4);
      for (const l of lines) {
        assert.not.match(l, /[Mm]alformed|[Bb]ad checksum|incorrect/, l);
        const f = l.split('\t');
        if (f[0].includes(':ip:')) { assert.is(f[1], '1', l); assert.is(f[2], '1', l); }
      }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
} else {
  console.log('tshark is not installed: the pcap dissection test is skipped (.ci/run installs it)');
}

test.run();
