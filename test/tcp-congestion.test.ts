// Congestion control and retransmission, rule by rule: RFC 5681 (slow start, congestion
// avoidance, duplicate ACKs, fast retransmit and recovery), RFC 6582 (NewReno partial ACKs),
// RFC 6298 (the RTT estimator and the retransmission timer). Every segment we send is exact.
//
//    peer: TCP A, 198.18.0.1:40000, ISN 100, MSS 100, window 65535    us: TCP B, :80, ISN 300
//    after the handshake: SND.UNA = SND.NXT = 301, RCV.NXT 101; IW = 4 * MSS = 400 (RFC 5681 3.1,
//    MSS <= 1095), ssthresh 65535; the RTO 200 ms (the floor: the handshake took 0 ms).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CWND, SSTHRESH, DUP_ACKS, RTO, SRTT8, RTTVAR8, SND_UNA, SND_NXT, SND_MAX, SND_WND, FLAGS, NO_DELAY, type TcpConfig } from '../firmware/tcp/tcp.ts';
import { stack } from './helpers/tcp-fixture.ts';

const SYN = 2, FIN = 1, ACK = 16;

/** ESTABLISHED with a peer whose MSS is `mss` and window `win`; `ack(n)` is the peer's pure ACK. */
function open(cfg: TcpConfig = {}, mss = 100, win = 65535) {
  const f = stack({ sndBuf: 16384, ...cfg });
  f.send(100, 0, SYN, { mss, win });
  f.send(101, 301, ACK, { win });
  f.out();
  const c = f.conn()!;
  const ack = (n: number, o: { win?: number; data?: string } = {}) => f.send(101, n, ACK, { win, ...o });
  const write = (n: number) => f.tcp.send(c, new Uint8Array(n), 0, n);
  return { ...f, c, ack, write };
}

/** `t: <SEQ=s><ACK=101><CTL=ACK><DATA> len=100 win=2048` for each s (full segments). */
const segs = (t: number, ...seqs: number[]) => seqs.map((s) => `${t}: <SEQ=${s}><ACK=101><CTL=ACK><DATA> len=100 win=2048`);
const rexmit = (t: number, s: number) => `${t}: <SEQ=${s}><ACK=101><CTL=PSH,ACK><DATA> len=100 win=2048`;

// ---- slow start and congestion avoidance (RFC 5681 3.1) ----

test('slow start: IW is 4 segments; each ACK grows cwnd by min(bytes acked, MSS)', () => {
  const f = open();
  f.write(2000);
  assert.equal(f.out(), segs(0, 301, 401, 501, 601), 'cwnd (400) limits the flight, not the window (65535)');
  f.ack(401);                                          // one segment: cwnd 500, flight 300
  assert.is(f.c.s[CWND], 500);
  assert.equal(f.out(), segs(0, 701, 801));
  f.ack(601);                                          // two segments in one ACK: + 1 MSS only
  assert.is(f.c.s[CWND], 600);
  assert.equal(f.out(), segs(0, 901, 1001, 1101));
  f.ack(651);                                          // half a segment: + 50
  assert.is(f.c.s[CWND], 650);
  assert.equal(f.out(), segs(0, 1201));
});

test('congestion avoidance: cwnd >= ssthresh grows by MSS*MSS/cwnd per ACK, not a whole MSS', () => {
  const f = open();
  f.c.s[SSTHRESH] = 400;                               // as after a loss: cwnd (400) = ssthresh
  f.write(2000);
  assert.equal(f.out(), segs(0, 301, 401, 501, 601));
  f.ack(401);
  assert.is(f.c.s[CWND], 425, '400 + 100*100/400');
  assert.equal(f.out(), segs(0, 701), 'room for one more segment only (the 25 left wait: Nagle)');
  f.ack(501);
  assert.is(f.c.s[CWND], 448, '425 + floor(10000/425)');
  assert.equal(f.out(), segs(0, 801));
});

test('cwnd limits the data in flight below the peer\'s window; the rest waits in the ring', () => {
  const f = open();
  f.write(1000);
  assert.equal(f.out(), segs(0, 301, 401, 501, 601));
  assert.is(f.c.unacked, 1000);
  f.runTo(199);
  assert.equal(f.out(), [], 'nothing more until an ACK (or the RTO)');
});

// ---- duplicate ACKs (RFC 5681 2, 3.2) ----

test('three duplicate ACKs: fast retransmit, ssthresh = max(flight/2, 2*MSS), cwnd = ssthresh + 3*MSS', () => {
  const f = open();
  f.write(2000);
  f.out();                                             // 301..701 in flight
  f.ack(301); f.ack(301);
  assert.equal(f.out(), []);
  assert.is(f.c.s[DUP_ACKS], 2);
  f.ack(301);
  assert.equal(f.out(), [rexmit(0, 301), ...segs(0, 701)], 'the first unacked segment again; cwnd 500 lets one new one go');
  assert.equal([f.c.s[SSTHRESH], f.c.s[CWND]], [200, 500]);
  assert.is(f.tcp.counters.fastRetransmits, 1);
  f.ack(301);                                          // each further duplicate: cwnd + MSS (inflation)
  assert.is(f.c.s[CWND], 600);
  assert.equal(f.out(), segs(0, 801));
});

test('duplicate ACK count: a new ACK resets it (2 duplicates, a new ACK, 2 duplicates: no fast retransmit)', () => {
  const f = open();
  f.write(2000);
  f.out();
  f.ack(301); f.ack(301);
  f.ack(401);
  assert.is(f.c.s[DUP_ACKS], 0);
  f.out();
  f.ack(401); f.ack(401);
  assert.equal(f.out(), []);
  assert.is(f.tcp.counters.fastRetransmits, 0);
});

test('duplicate ACK detection: an ACK with a window update is not a duplicate', () => {
  const f = open();
  f.write(2000);
  f.out();
  f.ack(301, { win: 65000 }); f.ack(301, { win: 64000 }); f.ack(301, { win: 63000 });
  assert.equal(f.out(), []);
  assert.is(f.c.s[DUP_ACKS], 0);
  assert.is(f.tcp.counters.fastRetransmits, 0);
});

test('duplicate ACK detection: an ACK carrying data is not a duplicate (it is acknowledged, not counted)', () => {
  const f = open();
  f.write(2000);
  f.out();
  f.send(101, 301, ACK, { win: 65535, data: 'a' });
  f.send(102, 301, ACK, { win: 65535, data: 'b' });
  f.send(103, 301, ACK, { win: 65535, data: 'c' });
  assert.is(f.c.s[DUP_ACKS], 0);
  assert.is(f.tcp.counters.fastRetransmits, 0);
  assert.is(f.text(), 'abc');
});

test('duplicate ACK detection: the ACK that closes the window is a window update, not a duplicate', () => {
  const f = open();
  f.write(2000);
  f.out();
  f.ack(301, { win: 0 });
  assert.is(f.c.s[DUP_ACKS], 0);
  f.ack(301, { win: 0 }); f.ack(301, { win: 0 });
  assert.is(f.c.s[DUP_ACKS], 2, 'the same zero window again counts');
  assert.equal(f.out(), []);
});

test('duplicate ACK detection: nothing outstanding, an ACK of SND.UNA is not a duplicate', () => {
  const f = open();
  f.ack(301); f.ack(301); f.ack(301); f.ack(301);
  assert.is(f.c.s[DUP_ACKS], 0);
  assert.equal(f.out(), []);
});

// ---- NewReno (RFC 6582) ----

test('duplicate ACK detection: ACKs below SND.UNA (old, reordered) are not duplicates', () => {
  const f = open();
  f.write(500);
  f.ack(401);
  f.out();
  for (let i = 0; i < 3; i++) f.ack(301);             // older than SND.UNA (401)
  assert.equal([f.out(), f.c.s[DUP_ACKS], f.tcp.counters.fastRetransmits], [[], 0, 0]);
});

test('fast retransmit of the first of several segments with our FIN sent: that segment goes alone, without the FIN', () => {
  const f = open();
  f.write(250);
  f.tcp.close(f.c);
  assert.equal(f.out().map((l) => l.split(' len')[0]), ['0: <SEQ=301><ACK=101><CTL=ACK><DATA>', '0: <SEQ=401><ACK=101><CTL=ACK><DATA>', '0: <SEQ=501><ACK=101><CTL=FIN,PSH,ACK><DATA>']);
  for (let i = 0; i < 3; i++) f.ack(301);
  assert.equal(f.out(), [rexmit(0, 301)]);
});

test('window update: an older segment (SEG.SEQ before SND.WL1) does not change the window, whatever it acknowledges', () => {
  const f = open();
  f.send(101, 301, ACK, { data: 'abc', win: 65535 });
  f.send(104, 301, ACK, { data: 'def', win: 65535 });  // SND.WL1 104
  f.send(101, 301, ACK, { data: 'abcdefg', win: 0 });  // sent before, arriving late: its new byte taken
  assert.equal([f.c.s[SND_WND], f.text()], [65535, 'abcdefg']);
});

test('NewReno: a partial ACK retransmits the next hole at once, deflates cwnd by the bytes acked + MSS, restarts the timer', () => {
  const f = open();
  f.write(2000);
  f.out();
  f.ack(301); f.ack(301); f.ack(301);                  // recover = 701
  assert.equal(f.out(), [rexmit(0, 301), ...segs(0, 701)]);
  f.at(50);
  f.ack(401);                                          // partial: below recover
  assert.equal(f.out(), [rexmit(50, 401), ...segs(50, 801)], 'the next unacknowledged segment again, without waiting for 3 duplicates (and a new one cwnd allows)');
  assert.is(f.c.s[CWND], 500, '500 - 100 + 100');
  f.runTo(249);
  assert.equal(f.out(), [], 'the RTO restarted at the partial ACK: not due at 200');
  f.runTo(250);
  assert.equal(f.out(), segs(250, 401));
});

test('NewReno: a full ACK (>= recover) ends recovery and deflates cwnd to ssthresh', () => {
  const f = open();
  f.write(2000);
  f.out();
  f.ack(301); f.ack(301); f.ack(301);
  f.ack(301);                                          // cwnd 600
  f.out();                                             // 301 again, 701, 801 in flight
  f.ack(901);                                          // everything up to SND.NXT
  assert.is(f.c.s[CWND], 200, 'ssthresh');
  assert.equal(f.out(), segs(0, 901, 1001));
  f.ack(1001);
  assert.is(f.c.s[CWND], 250, 'congestion avoidance from ssthresh: 200 + 10000/200');
});

// ---- the retransmission timer (RFC 6298 5, RFC 5681 3.1) ----

test('RTO: cwnd collapses to one segment, ssthresh = max(flight/2, 2*MSS); then slow start resends the rest', () => {
  const f = open();
  f.write(2000);
  f.out();
  f.runTo(200);
  assert.equal(f.out(), segs(200, 301), 'one segment only (cwnd = MSS)');
  assert.equal([f.c.s[CWND], f.c.s[SSTHRESH], f.c.s[RTO]], [100, 200, 400]);
  f.ack(401);                                          // slow start: cwnd 200, go back N
  assert.equal(f.out(), segs(200, 401, 501));
  f.ack(601);                                          // cwnd 200 = ssthresh: avoidance, 250
  assert.is(f.c.s[CWND], 250);
  assert.equal(f.out(), segs(200, 601, 701), 'a burst of two: one resent, one new; the 50 left wait (Nagle)');
});

test('an ACK of more than was sent is dropped and answered with an ACK (RFC 9293 3.10.7.4)', () => {
  const f = open();
  f.write(200);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK><DATA> len=100 win=2048', '0: <SEQ=401><ACK=101><CTL=PSH,ACK><DATA> len=100 win=2048']);
  f.ack(700);
  assert.equal(f.out(), ['0: <SEQ=501><ACK=101><CTL=ACK> win=2048']);
  assert.equal([f.c.s[SND_UNA], f.c.unacked, f.c.s[CWND]], [301, 200, 400]);
  // One more than sent (SND.MAX + 1), with no zero-window probe out: the same.
  f.ack(502);
  assert.equal(f.out(), ['0: <SEQ=501><ACK=101><CTL=ACK> win=2048']);
  assert.equal([f.c.s[SND_UNA], f.c.s[SND_MAX], f.c.unacked], [301, 501, 200]);
});

test('RTT estimator (RFC 6298 2): first sample SRTT = R, RTTVAR = R/2; then gains 1/8 and 1/4; RTO converges', () => {
  const f = stack({ rtoMinMs: 0 });
  f.at(1000);
  f.send(100, 0, SYN, { mss: 1460 });
  f.at(1100);
  f.send(101, 301, ACK);                               // the SYN,ACK's sample: 100 ms
  const c = f.conn()!;
  const st = () => [c.s[SRTT8] / 8, c.s[RTTVAR8] / 8, c.s[RTO]];
  assert.equal(st(), [100, 50, 300], 'RTO = SRTT + 4 * RTTVAR');
  let t = 1100, seq = 301;
  const sample = (r: number) => {
    f.tcp.send(c, new Uint8Array(10), 0, 10);
    t += r; f.at(t);
    seq += 10; f.send(101, seq, ACK);
  };
  sample(100);
  assert.equal(st(), [100, 37.5, 250], 'RTTVAR = 3/4 * 50 + 1/4 * |100 - 100|');
  sample(100);
  assert.equal(st(), [100, 28.125, 213]);
  sample(200);
  assert.equal(st(), [112.5, 46.125, 297], 'SRTT = 7/8 * 100 + 1/8 * 200; RTTVAR = 3/4 * 28.125 + 1/4 * 100');
  for (let i = 0; i < 40; i++) sample(100);
  // Kept in 1/8 ms and rounded, SRTT settles within half a millisecond of the samples.
  assert.ok(c.s[SRTT8] >= 800 && c.s[SRTT8] <= 804, `SRTT ${c.s[SRTT8] / 8} ms has converged to 100 ms`);
  assert.ok(c.s[RTO] >= 101 && c.s[RTO] <= 105, `RTO ${c.s[RTO]} close to SRTT + G once RTTVAR has decayed`);
  f.out();
});

test('RTT estimator: no sample from a retransmitted segment (Karn), one from the next new one', () => {
  const f = stack({ rtoMinMs: 0 });
  f.at(1000);
  f.send(100, 0, SYN, { mss: 1460 });
  f.at(1100);
  f.send(101, 301, ACK);
  f.out();
  const c = f.conn()!;
  f.tcp.send(c, new Uint8Array(10), 0, 10);
  f.runTo(1400);                                       // RTO 300: resent at 1400
  assert.equal(f.out().length, 2);
  f.at(1410);
  f.send(101, 311, ACK);                               // 10 ms after the resend, 310 after the first
  assert.equal([c.s[SRTT8] / 8, c.s[RTO]], [100, 600], 'SRTT unchanged, the backed-off RTO kept');
  assert.is(c.s[SND_NXT], 311);
});

test('RTT estimator: after a timeout, new data sent before the retransmission is acknowledged is not timed either (the backed-off RTO kept)', () => {
  const f = stack({ rtoMinMs: 0 });
  f.at(1000);
  f.send(100, 0, SYN, { mss: 1460 });
  f.at(1100);
  f.send(101, 301, ACK);                              // SRTT 100, RTO 300
  f.out();
  const c = f.conn()!;
  c.s[FLAGS] |= NO_DELAY;
  f.tcp.send(c, new Uint8Array(10), 0, 10);
  f.runTo(1400);                                      // resent at 1400, RTO 600
  f.at(1450);
  f.tcp.send(c, new Uint8Array(10), 0, 10);           // new, sent during the backoff
  assert.equal(f.out().length, 3);
  f.at(1460);
  f.send(101, 321, ACK);                              // acknowledges both: 10 ms after the new one
  assert.equal([c.s[SRTT8] / 8, c.s[RTO]], [100, 600], 'no sample: SRTT unchanged, the backed-off RTO kept');
});

test('an old duplicate ACK is ignored within 64 KB below SND.UNA while the peer never offered a window (MAX.SND.WND 0): no challenge (RFC 5961 5.2)', () => {
  const f = stack();
  f.send(100, 0, SYN, { mss: 1460, win: 0 });
  f.send(101, 301, ACK, { win: 0 });
  const c = f.conn()!;
  f.out();
  f.send(101, 295, ACK, { win: 0 });                  // 6 below SND.UNA
  assert.equal(f.out(), []);
  f.send(101, (301 - 70000) >>> 0, ACK, { win: 0 });   // more than 64 KB below: too old, an ACK
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(c.s[SND_UNA], 301);
});

test.run();
