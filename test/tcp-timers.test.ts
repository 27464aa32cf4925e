// Timers and the rules around them, one by one: what poll returns, the persist and RTO bounds,
// challenge-ACK rate windows, keepalive outside ESTABLISHED, TIME-WAIT recycling and its timer,
// state-change callbacks, the ephemeral port, low memory, out-of-order ranges packed, old
// SYNs and window updates in ESTABLISHED, recovery's inflation.
//
//    peer: TCP A, 198.18.0.1:40000, ISN 100          us: TCP B, 198.18.0.2:80, ISN 300
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RTO, NO_DELAY, CWND, SSTHRESH, SND_WND, SND_NXT, SND_UNA, MAX_SND_WND, RCV_NXT, OOO, NONE, FLAGS, IN_RECOVERY, LPORT, stateName, type TcpConfig } from '../firmware/tcp/tcp.ts';
import { stack, reach, segment, PEER_IP, OUR_IP } from './helpers/tcp-fixture.ts';

const SYN = 2, FIN = 1, ACK = 16;
const quiet = { onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };

test('poll returns the time to the earliest timer (delayed ACK, RTO), none without timers', () => {
  const f = reach.established();
  f.tcp.setKeepAlive(f.c, false);                      // accepted connections keep alive by default
  assert.ok(f.tcp.poll(0) > 1e9, 'no timer running');
  f.send(101, 301, ACK, { data: 'a' });               // delayed ACK due at 100
  f.at(30);
  assert.is(f.tcp.poll(30), 70);
  f.tcp.send(f.c, new Uint8Array(10), 0, 10);         // the ACK goes with the data; RTO at 230
  assert.is(f.tcp.poll(30), 200);
  assert.is(f.tcp.poll(229), 1);
  f.ifc.now = 235;
  assert.is(f.tcp.poll(235), 400, 'the RTO ran (its retransmission sent): the next one doubled');
});

test('onState: called once per change, in order, never for the same state again', () => {
  const seen: string[] = [];
  const f = reach.established({ onState: (_c, s) => seen.push(stateName(s)) });
  f.send(101, 301, ACK | FIN);
  f.tcp.close(f.c);
  f.send(102, 302, ACK);
  assert.equal(seen, ['SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
});

test('challenge ACKs: at most challengeAcksPerSec in a second, the count starting over a second later', () => {
  const f = reach.established({ challengeAcksPerSec: 2 });
  f.at(1000);                                         // a window from 1000 (1 s after the last, at 0)
  for (let i = 0; i < 4; i++) f.send(101 + i, 0, SYN);
  assert.is(f.out().length, 2);
  f.at(1999);
  f.send(101, 0, SYN);
  assert.is(f.out().length, 0, 'the second since 1000 not over');
  f.at(2000);
  for (let i = 0; i < 4; i++) f.send(101 + i, 0, SYN);
  assert.is(f.out().length, 2);
});

test('persist timer: the backoff is capped at rtoMaxMs, and at 6 doublings', () => {
  const f = reach.established({ rtoMaxMs: 1000 });
  f.send(101, 301, ACK, { win: 0 });
  f.tcp.send(f.c, new Uint8Array(10), 0, 10);
  f.runTo(5000);
  assert.equal(f.out().map((l) => +l.split(':')[0]), [200, 600, 1400, 2400, 3400, 4400]);
  const g = reach.established({ rtoMaxMs: 1000000 });
  g.send(101, 301, ACK, { win: 0 });
  g.tcp.send(g.c, new Uint8Array(10), 0, 10);
  g.runTo(60000);
  const t = g.out().map((l) => +l.split(':')[0]);
  assert.equal(t.slice(1).map((x, i) => x - t[i]), [400, 800, 1600, 3200, 6400, 12800, 12800, 12800], '200 << 6 at most');
});

test('RTO from a sample is capped at rtoMaxMs and raised to rtoMinMs', () => {
  const rtoAfter = (cfg: TcpConfig, rtt: number) => {
    const f = stack(cfg);
    f.at(1000);
    f.send(100, 0, SYN, { mss: 1460 });
    f.at(1000 + rtt);
    f.send(101, 301, ACK);
    return f.conn()!.s[41];
  };
  assert.is(rtoAfter({ rtoMaxMs: 1000 }, 900), 1000, 'not 900 + 4 * 450');
  assert.is(rtoAfter({ rtoMinMs: 500 }, 10), 500);
  assert.is(rtoAfter({}, 100), 300);
  assert.is(rtoAfter({ rtoMinMs: 0 }, 0), 3, 'a 0 ms sample counts as 1 ms (G): 1 + 4 * 0.5, rounded');
});

test('RTO and fast retransmit: ssthresh is at least 2*MSS however little was in flight', () => {
  const f = reach.established();
  f.tcp.send(f.c, new Uint8Array(100), 0, 100);
  f.runTo(200);
  assert.equal([f.c.s[SSTHRESH], f.c.s[CWND]], [2920, 1460], 'max(100/2, 2*1460)');
});

test('fast retransmit: ssthresh = flight/2 when that is more than 2*MSS', () => {
  const f = stack({ sndBuf: 16384 });
  f.send(100, 0, SYN, { mss: 100, win: 65535 });
  f.send(101, 301, ACK, { win: 65535 });
  const c = f.conn()!;
  c.s[CWND] = 800;
  f.tcp.send(c, new Uint8Array(2000), 0, 2000);
  f.out();
  for (let i = 0; i < 3; i++) f.send(101, 301, ACK, { win: 65535 });
  assert.equal([c.s[SSTHRESH], c.s[CWND]], [400, 700]);
});

test('fast recovery: every duplicate ACK inflates cwnd by MSS, also the first three after a partial ACK (RFC 6582 3.2)', () => {
  const f = stack({ sndBuf: 16384 });
  f.send(100, 0, SYN, { mss: 100, win: 65535 });
  f.send(101, 301, ACK, { win: 65535 });
  const c = f.conn()!;
  f.tcp.send(c, new Uint8Array(2000), 0, 2000);
  for (let i = 0; i < 3; i++) f.send(101, 301, ACK, { win: 65535 });
  f.send(101, 401, ACK, { win: 65535 });              // partial ACK: cwnd 500
  assert.ok(c.s[FLAGS] & IN_RECOVERY);
  const w = c.s[CWND];
  f.send(101, 401, ACK, { win: 65535 });
  assert.is(c.s[CWND], w + 100);
  f.send(101, 401, ACK, { win: 65535 });
  f.send(101, 401, ACK, { win: 65535 });
  assert.is(c.s[CWND], w + 300);
  assert.is(f.tcp.counters.fastRetransmits, 1, 'no second fast retransmit within the same recovery');
});

test('an ACK of our FIN alone does not grow cwnd', () => {
  const f = reach.established();
  f.tcp.send(f.c, new Uint8Array(10), 0, 10);
  f.send(101, 311, ACK);
  f.c.s[SSTHRESH] = 100;                              // congestion avoidance from here
  const w = f.c.s[CWND];
  f.tcp.close(f.c);
  f.send(101, 312, ACK);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
  assert.is(f.c.s[CWND], w);
});

test('window update: an older ACK with the same SEG.SEQ (reordered) does not shrink the window; a newer one grows MAX.SND.WND', () => {
  const f = reach.established();
  f.tcp.send(f.c, new Uint8Array(10), 0, 10);
  f.send(101, 311, ACK, { win: 20000 });
  assert.equal([f.c.s[SND_WND], f.c.s[MAX_SND_WND]], [20000, 20000]);
  f.send(101, 305, ACK, { win: 500 });                // older: SEG.ACK < SND.WL2
  assert.is(f.c.s[SND_WND], 20000);
  f.send(101, 311, ACK, { win: 600 });                // same SEG.SEQ and SEG.ACK: taken
  assert.equal([f.c.s[SND_WND], f.c.s[MAX_SND_WND]], [600, 20000]);
});

test('ESTABLISHED: the peer\'s SYN again (old, SEG.SEQ = IRS) is answered with an ACK and changes nothing', () => {
  const f = reach.established();
  f.send(100, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.s[SND_NXT], 301);
  f.tcp.send(f.c, new Uint8Array(5), 0, 5);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=5 win=2048']);
});

test('ESTABLISHED (active open): the server\'s SYN,ACK again is old: an ACK, nothing else', () => {
  const f = reach.synSent();
  f.send(100, 301, SYN | ACK);
  f.out();
  assert.is(f.c.stateName, 'ESTABLISHED');
  f.send(100, 301, SYN | ACK);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.s[RCV_NXT], 101);
});

test('connect: a user without onConnect is fine (listeners\' users need none)', () => {
  const f = stack({}, false);
  const c = f.tcp.connect(PEER_IP, 80, quiet, { localPort: 5555 })!;
  f.ports.peer = 80; f.ports.ours = 5555;
  f.send(100, 301, SYN | ACK);
  assert.is(c.stateName, 'ESTABLISHED');
});

test('zero receive window: a pure ACK at RCV.NXT is processed; a segment past RCV.NXT is not, its ACK ignored', () => {
  const f = reach.established({ rcvBuf: 4 });
  f.rec.tcp = null;
  f.send(101, 301, ACK, { data: 'abcd' });            // our window now 0
  f.tcp.send(f.c, new Uint8Array(10), 0, 10);
  f.send(105, 306, ACK);                              // pure ACK: acceptable
  assert.is(f.c.s[SND_UNA], 306);
  f.send(106, 311, ACK, { data: 'x' });               // beyond: not acceptable
  assert.is(f.c.s[SND_UNA], 306);
});

test('out-of-order ranges: two ranges, the first absorbed, the second moved to the front and still joined later', () => {
  const f = reach.established({ oooRanges: 2 });
  f.send(201, 301, ACK, { data: 'B'.repeat(100) });   // [201, 301)
  f.send(401, 301, ACK, { data: 'D'.repeat(100) });   // [401, 501)
  assert.equal(Array.from(f.c.s.subarray(OOO, OOO + 4)), [100, 200, 300, 400]);
  f.send(101, 301, ACK, { data: 'A'.repeat(100) });   // fills [101, 201): absorbs the first
  assert.is(f.c.s[RCV_NXT], 301);
  assert.equal(Array.from(f.c.s.subarray(OOO, OOO + 4)), [100, 200, NONE, NONE]);
  f.send(301, 301, ACK, { data: 'C'.repeat(100) });
  assert.is(f.c.s[RCV_NXT], 501);
  assert.is(f.text(), 'A'.repeat(100) + 'B'.repeat(100) + 'C'.repeat(100) + 'D'.repeat(100));
});

test('out-of-order ranges: a segment bridging two ranges joins them into one', () => {
  const f = reach.established({ oooRanges: 2 });
  f.send(201, 301, ACK, { data: 'B'.repeat(100) });
  f.send(401, 301, ACK, { data: 'D'.repeat(100) });
  f.send(301, 301, ACK, { data: 'C'.repeat(100) });   // touches both
  assert.equal(Array.from(f.c.s.subarray(OOO, OOO + 4)), [100, 400, NONE, NONE]);
  f.send(101, 301, ACK, { data: 'A'.repeat(100) });
  assert.is(f.c.s[RCV_NXT], 501);
});

test('keepalive: CLOSE-WAIT probes; turned off, it stops', () => {
  const g = reach.closeWait({ keepIdleMs: 1000, keepIntvlMs: 100, keepCnt: 2 });
  g.tcp.setKeepAlive(g.c, true);
  g.runTo(1000);
  assert.equal(g.out(), ['1000: <SEQ=300><ACK=102><CTL=ACK> win=2047']);
  g.tcp.setKeepAlive(g.c, false);
  g.runTo(5000);
  assert.equal(g.out(), [], 'turned off');
});

test('TIME-WAIT: an unacceptable segment other than a FIN does not restart 2 MSL', () => {
  const f = reach.timeWait();
  f.at(5000);
  f.send(50, 302, ACK, { data: 'old' });
  assert.equal(f.out(), ['5000: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  f.runTo(10000);
  assert.is(f.tcp.conns.length, 0);
});

test('two connections\' timers due in the same poll both run, even when the first one closes', () => {
  const f = reach.timeWait();                         // TIME-WAIT ends at 10000
  const s = segment(PEER_IP, OUR_IP, 40001, 80, 100, 0, SYN);
  f.tcp.input(PEER_IP, OUR_IP, s, 0, s.length);
  const a = segment(PEER_IP, OUR_IP, 40001, 80, 101, 301, ACK);
  f.tcp.input(PEER_IP, OUR_IP, a, 0, a.length);
  f.at(9900);
  const d = segment(PEER_IP, OUR_IP, 40001, 80, 101, 301, ACK, { data: new TextEncoder().encode('x') });
  f.tcp.input(PEER_IP, OUR_IP, d, 0, d.length);       // its delayed ACK due at 10000
  f.out();
  f.at(10000);
  assert.is(f.tcp.conns.length, 1);
  assert.equal(f.out(), ['10000: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
});

test('ephemeral port: random in 49152..65535, the next free one when taken with that peer', () => {
  const f = stack({}, false);
  let r = 5;
  f.ifc.random32 = () => r;
  const a = f.tcp.connect(PEER_IP, 80, quiet)!;
  const b = f.tcp.connect(PEER_IP, 80, quiet)!;
  const c = f.tcp.connect(PEER_IP, 81, quiet)!;
  r = 16383;
  const d = f.tcp.connect(PEER_IP, 80, quiet)!;
  const e = f.tcp.connect(PEER_IP, 80, quiet)!;
  assert.equal([a, b, c, d, e].map((x) => x.s[LPORT]), [49157, 49158, 49157, 65535, 49152]);
});

test('config now(): a user call catches the time up, never back', () => {
  let clock = 0;
  const f = reach.established({ now: () => clock });
  f.at(1000);
  clock = 500;                                        // behind the last poll: ignored
  f.tcp.send(f.c, new Uint8Array(10), 0, 10);
  f.out();
  f.runTo(1199);
  assert.equal(f.out(), [], 'the RTO is 200 ms after 1000, not after 500');
  f.at(1200);
  assert.is(f.out().length, 1);
  clock = 1300;                                       // ahead of the last poll (1200): taken
  f.tcp.close(f.c);
  assert.equal(f.out().map((l) => l.split(':')[0]), ['1300']);
});

test('RECEIVE: a read that frees less than the SWS threshold from a zero window sends no update', () => {
  const f = reach.established();
  f.rec.tcp = null;
  f.send(101, 301, ACK, { data: new Uint8Array(2048) });
  f.runTo(100);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=2149><CTL=ACK> win=0']);
  f.tcp.recv(f.c, new Uint8Array(100), 0, 100);
  assert.equal(f.out(), [], '100 free < min(1024, 1460): the window stays shut');
  f.tcp.recv(f.c, new Uint8Array(1000), 0, 1000);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=2149><CTL=ACK> win=1100']);
  // Exactly the threshold freed from a zero window: the update goes.
  const g = reach.established();
  g.rec.tcp = null;
  g.send(101, 301, ACK, { data: new Uint8Array(2048) });
  g.runTo(100);
  g.out();
  g.tcp.recv(g.c, new Uint8Array(1024), 0, 1024);
  assert.equal(g.out(), ['100: <SEQ=301><ACK=2149><CTL=ACK> win=1024'], '1024 free = min(1024, 1460)');
});

test('input: a bad checksum and a truncated or bad-offset header are counted apart, nothing answered', () => {
  const f = reach.established();
  const s = segment(PEER_IP, OUR_IP, 40000, 80, 101, 301, ACK, { data: new TextEncoder().encode('x') });
  const bad = s.slice(); bad[bad.length - 1] ^= 1;
  f.tcp.input(PEER_IP, OUR_IP, bad, 0, bad.length);
  f.tcp.input(PEER_IP, OUR_IP, s, 0, 19);
  const off = s.slice(); off[12] = 0x40;
  f.tcp.input(PEER_IP, OUR_IP, off, 0, off.length);
  assert.equal([f.tcp.counters.dropChecksum, f.tcp.counters.dropMalformed], [1, 2]);
  assert.equal(f.out(), []);
  assert.is(f.text(), '');
});

test('a segment with port 0 (either one) is malformed: dropped, no RST', () => {
  const f = reach.established();
  for (const [sp, dp] of [[0, 80], [40000, 0]]) {
    const s = segment(PEER_IP, OUR_IP, sp, dp, 101, 301, SYN);
    f.tcp.input(PEER_IP, OUR_IP, s, 0, s.length);
  }
  assert.equal(f.out(), []);
  assert.is(f.tcp.counters.dropMalformed, 2);
});

test('out-of-order ranges: one overlapping a range on its left grows it; one overlapping two merges them (the second found after)', () => {
  const f = reach.established({ oooRanges: 3 });
  const at = (off: number, n: number) => f.send(101 + off, 301, ACK, { data: new Uint8Array(n) });
  at(300, 100);                                        // [300, 400)
  at(200, 50);                                         // [200, 250)
  at(150, 60);                                         // [150, 210): grows [200, 250) leftwards
  assert.equal(Array.from(f.c.s.subarray(OOO, OOO + 6)), [300, 400, 150, 250, NONE, NONE]);
  at(120, 30);                                         // [120, 150): touches it on its left
  assert.equal(Array.from(f.c.s.subarray(OOO, OOO + 6)), [300, 400, 120, 250, NONE, NONE]);
  at(240, 70);                                         // [240, 310): joins both
  assert.equal(Array.from(f.c.s.subarray(OOO, OOO + 6)), [120, 400, NONE, NONE, NONE, NONE]);
  at(390, 30);                                         // [390, 420): grows it rightwards
  assert.equal(Array.from(f.c.s.subarray(OOO, OOO + 2)), [120, 420]);
  at(0, 100);                                          // in order, short of the range: it stays, moved
  assert.equal([f.c.s[RCV_NXT], f.c.s[OOO], f.c.s[OOO + 1]], [201, 20, 320]);
  at(100, 50);
  assert.equal([f.c.s[RCV_NXT], f.c.s[OOO]], [521, NONE]);
});

test('SYN-RECEIVED: a duplicate SYN resends the SYN,ACK without restarting its timer or its RTT measurement', () => {
  const f = stack({ rtoMinMs: 0 });
  f.at(1000);
  f.send(100, 0, SYN, { mss: 1460 });
  f.at(1500);
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['1000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460', '1500: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  f.runTo(2000);
  assert.equal(f.out(), ['2000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460'], 'the RTO still from 1000');
  const g = stack({ rtoMinMs: 0 });
  g.at(1000);
  g.send(100, 0, SYN, { mss: 1460 });
  g.at(1500);
  g.send(100, 0, SYN, { mss: 1460 });
  g.at(1600);
  g.send(101, 301, ACK);
  assert.is(g.conn()!.s[42] / 8, 600, 'the sample from the first SYN,ACK');
});

test('sender SWS: a segment of exactly half the largest window offered goes', () => {
  const f = stack();
  f.send(100, 0, SYN, { mss: 1460, win: 1000 });
  f.send(101, 301, ACK, { win: 1000 });
  f.send(101, 301, ACK, { win: 500 });
  f.out();
  f.tcp.send(f.conn()!, new Uint8Array(800), 0, 800);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK><DATA> len=500 win=2048']);
});

test('fast retransmit of the last segment carries the FIN sent with it; of a lost FIN alone, the FIN', () => {
  const f = stack();
  f.send(100, 0, SYN, { mss: 100, win: 65535 });
  f.send(101, 301, ACK, { win: 65535 });
  const c = f.conn()!;
  f.out();
  f.tcp.send(c, new Uint8Array(500), 0, 500);          // IW 400: 100 wait
  f.tcp.close(c);
  f.out();
  f.send(101, 401, ACK, { win: 65535 });
  assert.equal(f.out(), ['0: <SEQ=701><ACK=101><CTL=FIN,PSH,ACK><DATA> len=100 win=2048'], 'the last data with the FIN');
  f.send(101, 701, ACK, { win: 65535 });
  for (let i = 0; i < 3; i++) f.send(101, 701, ACK, { win: 65535 });
  assert.equal(f.out(), ['0: <SEQ=701><ACK=101><CTL=FIN,PSH,ACK><DATA> len=100 win=2048']);
  assert.is(f.tcp.counters.retransmits, 1);
  const g = stack();
  g.send(100, 0, SYN, { mss: 100, win: 65535 });
  g.send(101, 301, ACK, { win: 65535 });
  const d = g.conn()!;
  g.tcp.send(d, new Uint8Array(100), 0, 100);
  g.send(101, 401, ACK, { win: 65535 });
  g.tcp.close(d);
  g.out();
  for (let i = 0; i < 3; i++) g.send(101, 401, ACK, { win: 65535 });
  assert.equal(g.out(), ['0: <SEQ=401><ACK=101><CTL=FIN,ACK> win=2048']);
});

test('segments cut from the send ring carry the right bytes: the second of a write, after the ring wrapped, after a retransmission', () => {
  const f = reach.established({ sndBuf: 2000 });
  const pat = (n: number, k: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + k) & 255);
  const a = pat(1500, 1);
  f.tcp.send(f.c, a, 0, 1500);
  f.send(101, 1761, ACK);
  const s1 = f.ifc.take();
  assert.equal(s1.map((s) => s.data), [a.subarray(0, 1460), a.subarray(1460)]);
  f.send(101, 1801, ACK);
  const b = pat(1800, 2);                              // head at 1500: 500 to the end, 1300 wrapped
  assert.is(f.tcp.send(f.c, b, 0, 1800), 1800);
  f.send(101, 1801 + 1460, ACK);
  const s2 = f.ifc.take();
  assert.equal(s2.map((s) => s.data), [b.subarray(0, 1460), b.subarray(1460)]);
  f.runTo(200);
  assert.equal(f.ifc.take().map((s) => s.data), [b.subarray(1460)], 'the retransmission from the wrapped part');
  assert.ok(f.tcp.counters.segsOut >= 6);
  // Several segments in flight at once: each from its own offset in the ring.
  const g = stack();
  g.send(100, 0, SYN, { mss: 100, win: 65535 });
  g.send(101, 301, ACK, { win: 65535 });
  g.out();
  const d = pat(400, 3);
  g.tcp.send(g.conn()!, d, 0, 400);
  assert.equal(g.ifc.take().map((x) => x.data), [0, 100, 200, 300].map((o) => d.subarray(o, o + 100)));
});

test('SYN-SENT: the handshake\'s round trip is the first RTT sample (RFC 6298 2.2); a retransmitted SYN gives none (Karn)', () => {
  const enc = (x: string) => new TextEncoder().encode(x);
  // The SYN,ACK after 120 ms: SRTT 120, RTTVAR 60, RTO 357 (with this stack's granularity): the
  // data sent at once is retransmitted 357 ms later, not after the initial RTO of 1 s.
  const f = reach.synSent();
  f.runTo(120);
  f.send(100, 301, SYN | ACK, { mss: 1460 });
  assert.is(f.c.s[RTO], 357);
  f.tcp.send(f.c, enc('x'), 0, 1);
  f.runTo(500);
  assert.equal(f.out().slice(1).map((l) => l.split(':')[0]), ['120', '477']);
  // The SYN sent again at 1 s, its SYN,ACK at 1.1 s: no sample (it may answer either SYN); the
  // backed-off RTO, 2 s, stays.
  const g = reach.synSent();
  g.runTo(1100);
  g.send(100, 301, SYN | ACK, { mss: 1460 });
  assert.is(g.c.s[RTO], 2000);
});

test('the retransmission timer is started by the first segment in flight, not restarted by the next (RFC 6298 5.1)', () => {
  const enc = (x: string) => new TextEncoder().encode(x);
  const f = reach.established();
  f.c.s[FLAGS] |= NO_DELAY;
  f.tcp.send(f.c, enc('a'), 0, 1);
  f.runTo(100);
  f.tcp.send(f.c, enc('b'), 0, 1);
  f.runTo(250);
  assert.equal(f.out(), [
    '0: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=1 win=2048',
    '100: <SEQ=302><ACK=101><CTL=PSH,ACK><DATA> len=1 win=2048',
    '200: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=2 win=2048',
  ], 'the timeout 200 ms after the first, both bytes sent again');
});

test('after a timeout, an ACK of everything sent before it (beyond the retransmission) is taken: SND.MAX is not rewound', () => {
  // MSS 64: three segments in flight; the timeout sends the first again (cwnd one segment).
  const f = stack();
  f.send(100, 0, SYN, { mss: 64 });
  f.send(101, 301, ACK);
  const c = f.conn()!;
  f.out();
  f.tcp.send(c, new Uint8Array(192), 0, 192);
  f.runTo(200);
  assert.equal(f.out().map((l) => l.split(' ').slice(0, 2).join(' ')), ['0: <SEQ=301><ACK=101><CTL=ACK><DATA>',
    '0: <SEQ=365><ACK=101><CTL=ACK><DATA>', '0: <SEQ=429><ACK=101><CTL=PSH,ACK><DATA>', '200: <SEQ=301><ACK=101><CTL=ACK><DATA>']);
  f.send(101, 493, ACK);                              // the first transmissions all arrived
  assert.equal([c.s[SND_UNA], c.unacked], [493, 0]);
  assert.equal(f.out(), [], 'not an ACK of something not yet sent: nothing to answer');
});

test('fast retransmit with little in flight: ssthresh is 2*MSS, not flight/2 (RFC 5681 3.2 (4))', () => {
  const f = stack({ sndBuf: 16384 });
  f.send(100, 0, SYN, { mss: 100, win: 65535 });
  f.send(101, 301, ACK, { win: 65535 });
  const c = f.conn()!;
  c.s[CWND] = 300;
  f.tcp.send(c, new Uint8Array(2000), 0, 2000);
  f.out();
  for (let i = 0; i < 3; i++) f.send(101, 301, ACK, { win: 65535 });
  assert.equal([c.s[SSTHRESH], c.s[CWND]], [200, 500], 'max(300/2, 2*100); cwnd ssthresh + 3*MSS');
});

test('onWritable: told when an ACK frees room in the send ring, not for an ACK that frees nothing (a window update)', () => {
  const f = reach.established();
  let told = 0;
  f.c.user = { ...quiet, onWritable() { told++; } };
  f.tcp.send(f.c, new Uint8Array(10), 0, 10);
  f.out();
  f.send(101, 301, ACK, { win: 4000 });               // a window update: nothing acknowledged
  assert.is(told, 0);
  f.send(101, 311, ACK, { win: 4000 });
  assert.is(told, 1);
});

test('the override timeout of sender SWS avoidance sends what fits and leaves the connection\'s flags as they were', () => {
  const f = reach.established({ sndBuf: 4096 });
  f.send(101, 301, ACK, { win: 1000 });               // the largest window offered stays 8192
  f.tcp.send(f.c, new Uint8Array(3000), 0, 3000);
  const flags = f.c.s[FLAGS];
  f.runTo(200);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1000 win=2048']);
  assert.is(f.c.s[FLAGS], flags);
});

test('persist timer: before any RTT sample the RTO may be below rtoMinMs (rtoInitMs 50, one SYN again: 100); the probe waits rtoMinMs', () => {
  const f = reach.synSent({ rtoInitMs: 50 });
  f.runTo(50);
  assert.equal(f.out(), ['50: <SEQ=300><CTL=SYN> win=2048 mss=1460']);
  f.at(60);
  f.send(100, 301, SYN | ACK, { mss: 1460, win: 0 }); // no RTT sample (Karn): the RTO stays 100
  f.out();
  assert.is(f.c.s[RTO], 100);
  f.tcp.send(f.c, new Uint8Array(10), 0, 10);
  f.runTo(300);
  assert.equal(f.out(), ['260: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1 win=2048']);
});

test('keepalive: FIN-WAIT-2 probes (the peer may vanish after taking our FIN); FIN-WAIT-1 does not (its FIN goes again by the RTO)', () => {
  const cfg = { keepIdleMs: 1000, keepIntvlMs: 500 };
  const f = reach.finWait2(cfg);
  f.runTo(1000);
  assert.equal(f.out(), ['1000: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  const g = reach.finWait1(cfg);
  g.runTo(1500);
  assert.equal(g.out(), ['200: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048', '600: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048', '1400: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048']);
});

test('keepalive: a SEND is activity: the idle time before the first probe counts from it', () => {
  const f = reach.established({ keepIdleMs: 1000, keepIntvlMs: 500 });
  f.at(800);
  f.tcp.send(f.c, new Uint8Array(1), 0, 1);           // unanswered: retransmitted at 1000, 1400
  f.runTo(1800);
  assert.equal(f.out().filter((l) => !l.includes('DATA')), ['1800: <SEQ=300><ACK=101><CTL=ACK> win=2048']);
});

test.run();
