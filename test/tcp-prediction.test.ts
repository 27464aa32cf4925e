// Header prediction must change nothing but the cost. The fast paths (Tcp.inputFrame, which takes
// a frame whole and predicts the next in-order segment, holding its data where it lies; and
// fastAck, which sends a pure ACK from the last one's headers) repeat what the full path (the
// interface's IPv4 input, Tcp.input and process on the way in; xmit on the way out) does. Here the same traffic
// runs with them on and off, and every frame both stacks emit, in virtual time, must be the
// same, byte for byte:
//
//   A (198.18.0.1, receives zero-copy)  <-- loss, duplication, reordering -->  B (198.18.0.2, copies)
//   A sends 48 KB, then B 32 KB, 0.5 ms apart; each end stops reading for a while (its window
//   closes: zero window, persist probes, window updates), delayed ACKs throughout; each closes
//   once it has sent and read everything.
//
// Prediction is switched off on the instance, so the board bundle carries nothing for it: an
// `inputFrame` of undefined makes the interface take every frame through its IPv4 input (as for
// a handler without one), and a fastAck that finds no template (ackConn null) builds the ACK
// afresh through xmit, as it does for another connection's template.
// (Only private members are named here: a public member a test names keeps its whole name in the
// board bundles, tools/mangle.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interface } from '../firmware/iface/interface.ts';
import { Tcp, type Conn, type ConnUser } from '../firmware/tcp/tcp.ts';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { FaultInjector, type FaultConfig } from '../host-sim/faults.ts';
import { SimHost, SimNic } from '../host-sim/nic.ts';
import { hexOf, pattern } from './helpers/frames.ts';

type Mode = 'predicted' | 'no fastAck' | 'full path';

interface Run { frames: string[]; predicted: number; fastAcks: number; got: [number, number]; bad: number; closed: number; ms: number; retransmits: number }

const A_IP = 0xc6120001, B_IP = 0xc6120002;
const fastAck = (Tcp.prototype as any).fastAck as (c: Conn) => void;
const A_BYTES = 192 * 1024, B_BYTES = 128 * 1024;

function run(mode: Mode, faults: FaultConfig, seed: number): Run {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.5);
  const pa = seg.attach('A'), pb = seg.attach('B');
  pa.egress = new FaultInjector(clock, faults, seed);
  pb.egress = new FaultInjector(clock, faults, seed + 1);
  const nicA = new SimNic(pa, [2, 0, 0, 0, 0, 1], 256, true), nicB = new SimNic(pb, [2, 0, 0, 0, 0, 2], 256);
  const frames: string[] = [];
  // Every frame as its stack hands it to the NIC, before any fault.
  for (const [name, nic] of [['A', nicA], ['B', nicB]] as const) {
    const send = nic.send.bind(nic);
    nic.send = (f: Uint8Array, len: number) => { frames.push(`${clock.now} ${name} ${hexOf(f.subarray(0, len))}`); return send(f, len); };
  }
  let ra = 11, rb = 22;
  const ia = new Interface(nicA, { ip: A_IP, prefix: 24, random32: () => (ra = (ra * 1103515245 + 12345) >>> 0) });
  const ib = new Interface(nicB, { ip: B_IP, prefix: 24, random32: () => (rb = (rb * 1103515245 + 12345) >>> 0) });
  const cfg = { sndBuf: 4096, rcvBuf: 4096, mslMs: 500, now: () => clock.now };
  const ta = new Tcp(ia, { ...cfg, isn: () => 1000 }), tb = new Tcp(ib, { ...cfg, isn: () => 0xfffff000 });
  for (const t of [ta, tb]) {
    if (mode === 'full path') { (t as any).inputFrame = undefined; t.netif.register(6, t); } // registered again: no frames whole
    if (mode !== 'predicted') (t as any).fastAck = function (this: any, c: Conn) { this.ackConn = null; fastAck.call(this, c); };
  }
  const ha = new SimHost(clock, ia, nicA), hb = new SimHost(clock, ib, nicB);
  const r: Run = { frames, predicted: 0, fastAcks: 0, got: [0, 0], bad: 0, closed: 0, ms: 0, retransmits: 0 };

  /** Sends `size` bytes of `data` as room allows (once `go()` says so); reads at most 2100 bytes
   *  each time it is told of data and again every 37 ms, but none for 600 ms once it has read
   *  `pauseAt` bytes (its window closes); checks what it reads; closes once it has sent all and
   *  read all. */
  function app(tcp: Tcp, host: SimHost, i: 0 | 1, size: number, data: Uint8Array, expect: Uint8Array, pauseAt: number,
    go: () => boolean): ConnUser {
    let sent = 0, closed = false, pauseUntil = -1;
    let conn: Conn | null = null;
    const buf = new Uint8Array(700);
    const push = (c: Conn) => {
      while (go() && sent < size) {
        const n = tcp.send(c, data, sent, Math.min(1000, size - sent));
        if (n === 0) break;
        sent += n;
      }
      if (sent === size && r.got[i] === expect.length && !closed) { closed = true; tcp.close(c); }
    };
    const read = (c: Conn) => {
      if (pauseUntil < 0 && r.got[i] >= pauseAt) pauseUntil = clock.now + 600;
      if (clock.now < pauseUntil) return;
      for (let k = 0, n; k < 3 && (n = tcp.recv(c, buf, 0, buf.length)) > 0; k++) {
        for (let j = 0; j < n; j++) if (buf[j] !== expect[r.got[i] + j]) { r.bad++; break; }
        r.got[i] += n;
      }
      push(c);
    };
    const tick = () => { if (conn && conn.state !== 0) { read(conn); host.kick(); clock.after(37, tick); } };
    return {
      onConnect(c) { conn = c; push(c); clock.after(37, tick); },
      onReadable(c) { read(c); },
      onEnd() {},
      onWritable(c) { push(c); },
      onClose() { r.closed++; },
    };
  }
  const aData = pattern(A_BYTES, 0xa1), bData = pattern(B_BYTES, 0xb2);
  // A sends first; B once it has all of A's data (segments that carry data and acknowledge
  // nothing new are the ones prediction takes, so one direction at a time).
  const userB = app(tb, hb, 1, B_BYTES, bData, aData, 40000, () => r.got[1] === A_BYTES);
  tb.listen(5001, (c) => { c.user = userB; userB.onConnect!(c); });
  const userA = app(ta, ha, 0, A_BYTES, aData, bData, 30000, () => true);
  ta.connect(B_IP, 5001, userA, { localPort: 40000 });
  ha.kick();
  clock.runUntilTrue(() => r.closed === 2 && ta.conns.length === 0 && tb.conns.length === 0, 600_000);
  ha.stop(); hb.stop();
  r.ms = clock.now;
  r.predicted = ta.counters.predicted + tb.counters.predicted;
  r.fastAcks = ta.counters.fastAcks + tb.counters.fastAcks;
  r.retransmits = ta.counters.retransmits + tb.counters.retransmits;
  return r;
}

/** The TCP header fields of a recorded frame line (null for a frame that is not TCP). */
function fields(line: string) {
  const [t, who, hex] = line.split(' ');
  const b = Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
  if (b[12] !== 8 || b[13] !== 0 || b[23] !== 6) return null;
  const ihl = (b[14] & 15) * 4, o = 14 + ihl;
  const dv = new DataView(b.buffer);
  return { t, who, seq: dv.getUint32(o + 4), ack: dv.getUint32(o + 8), flags: b[o + 13], win: dv.getUint16(o + 14),
    len: dv.getUint16(16) - ihl - (b[o + 12] >> 4) * 4, ipid: dv.getUint16(18) };
}

/** A frame line made readable for a failure message. */
function describe(line: string | undefined): string {
  if (!line) return '(none)';
  const f = fields(line);
  if (!f) return line.slice(0, 60) + '... (not TCP)';
  return `${f.t} ${f.who} seq=${f.seq} ack=${f.ack} flags=0x${f.flags.toString(16)} win=${f.win} len=${f.len} ipid=${f.ipid}`;
}

/** Where two runs' frames first differ, described; null if they do not. */
function firstDiff(x: Run, y: Run): string | null {
  const n = Math.max(x.frames.length, y.frames.length);
  for (let i = 0; i < n; i++) {
    if (x.frames[i] !== y.frames[i]) return `frame ${i} of ${x.frames.length}/${y.frames.length} differs:\n  ${describe(x.frames[i])}\n  ${describe(y.frames[i])}`;
  }
  return null;
}

function same(x: Run, y: Run, what: string): void {
  const d = firstDiff(x, y);
  if (d !== null) assert.unreachable(`${what}: ${d}`);
}

const CASES: [string, FaultConfig, number][] = [
  ['a clean wire', {}, 1],
  ['3% loss, 3% duplication, 10% reordering', { loss: 0.03, duplicate: 0.03, reorder: 0.1, reorderDelayMs: 3 }, 7],
  ['5% loss, 5% duplication, 20% reordering, jitter', { loss: 0.05, duplicate: 0.05, reorder: 0.2, reorderDelayMs: 4, jitterMs: 2 }, 42],
];

for (const [name, faults, seed] of CASES) {
  test(`prediction on and off emit the same frames, byte for byte, at the same virtual times: ${name}`, () => {
    const on = run('predicted', faults, seed);
    const noFast = run('no fastAck', faults, seed);
    const off = run('full path', faults, seed);
    // The traffic did what it is meant to, in each run.
    for (const x of [on, noFast, off]) {
      assert.equal(x.got, [B_BYTES, A_BYTES], 'every byte arrived');
      assert.is(x.bad, 0, 'in order and intact');
      assert.is(x.closed, 2, 'both ends closed');
    }
    // The fast paths were taken when on, and not when off (else the comparison proves nothing).
    assert.ok(on.predicted > 100, `predicted ${on.predicted}`);
    assert.ok(on.fastAcks > 20, `fast ACKs ${on.fastAcks}`);
    assert.ok(noFast.predicted > 100 && noFast.fastAcks === 0);
    assert.is(off.predicted + off.fastAcks, 0);
    if (faults.loss) assert.ok(off.retransmits > 0, 'the faults made retransmissions');
    // Each reader's pause closed its window, and a sender probed it.
    const segs = off.frames.map(fields).filter((f) => f !== null);
    for (const who of ['A', 'B']) assert.ok(segs.some((f) => f!.who === who && f!.win === 0 && !(f!.flags & 4)), `${who} advertised a zero window`);
    assert.ok(segs.some((f) => f!.len === 1), 'a zero window was probed');
    same(on, off, 'prediction and fast ACK on vs the full path');
    same(noFast, off, 'prediction without fast ACK vs the full path');
    assert.is(on.ms, off.ms);
  });
}

test('the comparison sees a difference: a fast ACK with a wrong window is caught', () => {
  const faults = { loss: 0.03, duplicate: 0.03, reorder: 0.1 };
  const off = run('full path', faults, 7);
  // A deliberately broken fastAck: the window one byte smaller than advertise() gives.
  (Tcp.prototype as any).fastAck = function (this: any, c: Conn) {
    const adv = this.advertise;
    this.advertise = (cc: Conn) => adv.call(this, cc) - 1;
    try { fastAck.call(this, c); } finally { delete this.advertise; }
  };
  let bad: Run;
  try { bad = run('predicted', faults, 7); } finally { (Tcp.prototype as any).fastAck = fastAck; }
  assert.ok(bad.fastAcks > 0);
  assert.match(firstDiff(bad, off) ?? '', /^frame \d+ of \d+\/\d+ differs/);
});

test.run();
