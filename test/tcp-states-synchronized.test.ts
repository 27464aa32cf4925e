// ESTABLISHED and CLOSE-WAIT, event by event as RFC 9293 3.10.7.4 lists them (sequence number
// check, RST, SYN, ACK off, ACK checks, URG, text, FIN), then the user calls (3.10.2-3.10.5) and
// the timeouts (3.10.8).
//
//    peer: TCP A, 198.18.0.1:40000, ISN 100          us: TCP B, 198.18.0.2:80, ISN 300
//    ESTABLISHED: SND.UNA = SND.NXT = 301, RCV.NXT = 101, RCV.WND 2048
//    CLOSE-WAIT:  SND.UNA = SND.NXT = 301, RCV.NXT = 102 (the peer's FIN taken), RCV.WND 2047
//
// Every segment we send is written out whole: `time: <SEQ><ACK><CTL> len win`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SND_UNA, SND_WND, FLAGS, NO_DELAY, type Conn } from '../firmware/tcp/tcp.ts';
import { reach } from './helpers/tcp-fixture.ts';

const SYN = 2, FIN = 1, RST = 4, ACK = 16, PSH = 8, URG = 32;
const enc = (s: string) => new TextEncoder().encode(s);

// ---- ESTABLISHED ----

test('ESTABLISHED: unacceptable segment, old (below RCV.NXT): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, text dropped', () => {
  const f = reach.established();
  f.send(90, 301, ACK, { data: 'old' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.text(), '');
  assert.is(f.tcp.counters.dropUnacceptable, 1);
});

test('ESTABLISHED: unacceptable segment, beyond the window: <SEQ=301><ACK=101><CTL=ACK>', () => {
  const f = reach.established();
  f.send(101 + 2048, 301, ACK, { data: 'far' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.text(), '');
});

test('ESTABLISHED: a segment overlapping RCV.NXT: acceptable, only its new bytes taken', () => {
  const f = reach.established();
  f.send(101, 301, ACK, { data: 'hel' });
  f.send(101, 301, ACK, { data: 'hello' });
  assert.is(f.text(), 'hello');
  assert.equal(f.out(), ['0: <SEQ=301><ACK=106><CTL=ACK> win=2043'], 'the second segment: ACK at once');
});

test('ESTABLISHED: zero receive window: a segment at RCV.NXT is acceptable for its ACK, its text not taken', () => {
  const f = reach.established({ rcvBuf: 4 });
  f.rec.tcp = null; // the user does not read
  f.send(101, 301, ACK, { data: 'abcd' });
  f.out();
  f.tcp.send(f.c, enc('x'), 0, 1);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=105><CTL=PSH,ACK><DATA> len=1 win=0']);
  f.send(105, 302, ACK, { data: 'e' });                  // acknowledges our byte, carries one too many
  assert.is(f.c.s[SND_UNA], 302, 'the ACK is processed');
  assert.equal(f.out(), ['0: <SEQ=302><ACK=105><CTL=ACK> win=0'], 'the byte is not taken');
});

test('ESTABLISHED: RST exact (SEG.SEQ = RCV.NXT): connection reset, CLOSED, nothing sent', () => {
  const f = reach.established();
  f.send(101, 0, RST);
  assert.equal(f.out(), []);
  assert.equal(f.rec.events, ['close:ECONNRESET']);
  assert.is(f.tcp.conns.length, 0);
});

test('ESTABLISHED: RST in the window, not exact: challenge ACK <SEQ=301><ACK=101><CTL=ACK> (RFC 5961 3.2)', () => {
  const f = reach.established();
  f.send(102, 0, RST);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'ESTABLISHED');
  assert.is(f.tcp.counters.challengeAcks, 1);
});

test('ESTABLISHED: RST outside the window: dropped silently', () => {
  const f = reach.established();
  f.send(100, 0, RST);
  f.send(101 + 2048, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'ESTABLISHED');
});

test('ESTABLISHED: SYN (in the window or not): challenge ACK, the connection stays (RFC 5961 4.2)', () => {
  const f = reach.established();
  f.send(101, 0, SYN);
  f.send(5000, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048', '0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'ESTABLISHED');
});

test('ESTABLISHED: ACK bit off: dropped, text not taken', () => {
  const f = reach.established();
  f.send(101, 0, PSH, { data: 'x' });
  f.send(101, 0, FIN);
  assert.equal(f.out(), []);
  assert.is(f.text(), '');
  assert.is(f.c.stateName, 'ESTABLISHED');
});

test('ESTABLISHED: acceptable ACK (SND.UNA < SEG.ACK <= SND.NXT): SND.UNA advances, the send ring freed', () => {
  const f = reach.established();
  f.tcp.send(f.c, enc('abc'), 0, 3);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=3 win=2048']);
  f.send(101, 303, ACK);
  assert.equal([f.c.s[SND_UNA], f.c.unacked], [303, 1]);
  f.send(101, 304, ACK, { win: 1000 });
  assert.equal([f.c.s[SND_UNA], f.c.unacked, f.c.s[SND_WND]], [304, 0, 1000]);
  assert.equal(f.out(), []);
});

test('ESTABLISHED: duplicate ACK (SEG.ACK < SND.UNA): the ACK ignored, the text taken', () => {
  const f = reach.established();
  f.tcp.send(f.c, enc('abc'), 0, 3);
  f.send(101, 304, ACK);
  f.out();
  f.send(101, 302, ACK, { data: 'hi', win: 100 });
  assert.equal([f.c.s[SND_UNA], f.c.s[SND_WND]], [304, 8192], 'SND.UNA and the window untouched (SND.WL2 guards it)');
  assert.is(f.text(), 'hi');
});

test('ESTABLISHED: a window too small for sender SWS avoidance and no update to come: the override timeout sends what fits', () => {
  // RFC 9293 3.8.6.2.1: wait for a segment of MSS or half the largest window offered, unless the
  // override timeout (here the persist timer, RTO 200 ms) runs out.
  const f = reach.established({ sndBuf: 4096 });
  f.send(101, 301, ACK, { win: 1000 });                   // the largest window offered stays 8192
  f.tcp.send(f.c, new Uint8Array(3000), 0, 3000);
  assert.equal(f.out(), [], '1000 bytes: less than an MSS and than 8192 / 2');
  f.runTo(199);
  assert.equal(f.out(), []);
  f.at(200);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1000 win=2048']);
  f.send(101, 1301, ACK, { win: 8192 });
  assert.equal(f.out(), ['200: <SEQ=1301><ACK=101><CTL=ACK><DATA> len=1460 win=2048'], 'the last 540 wait for its ACK (Nagle)');
});

test('ESTABLISHED: an ACK that frees room and shrinks the window: what the user writes from onWritable fits the new window', () => {
  const f = reach.established({ sndBuf: 2000 });
  f.c.s[FLAGS] |= NO_DELAY;
  const more = new Uint8Array(1460);
  f.c.user = { ...f.rec, onWritable: (c: Conn) => { f.tcp.send(c, more, 0, more.length); } } as never;
  f.tcp.send(f.c, new Uint8Array(2000), 0, 2000);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1460 win=2048', '0: <SEQ=1761><ACK=101><CTL=PSH,ACK><DATA> len=540 win=2048']);
  // The first segment acknowledged, the window down to 600: the right edge at 2361, 540 bytes in
  // flight, 60 bytes of room (too few to send, SWS avoidance).
  f.send(101, 1761, ACK, { win: 600 });
  assert.equal(f.out(), [], 'nothing past the right edge 2361');
  assert.is(f.c.s[SND_WND], 600);
});

test('ESTABLISHED: ACK too old (below SND.UNA - MAX.SND.WND): ACK sent, segment dropped (RFC 5961 5.2)', () => {
  const f = reach.established();
  f.send(101, 301 - 8193, ACK, { data: 'x' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.text(), '');
});

test('ESTABLISHED: ACK of unsent data (SEG.ACK > SND.NXT): <SEQ=301><ACK=101><CTL=ACK>, segment dropped', () => {
  const f = reach.established();
  f.send(101, 302, ACK, { data: 'x' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.text(), '');
  assert.is(f.c.s[SND_UNA], 301);
});

test('ESTABLISHED: URG: the text taken in line (urgent pointer ignored, RFC 6093), ACK delayed', () => {
  const f = reach.established();
  f.send(101, 301, ACK | URG, { data: 'urgent', urg: 3 });
  assert.is(f.text(), 'urgent');
  f.runTo(100);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=107><CTL=ACK> win=2042']);
});

test('ESTABLISHED: segment text: taken, ACK within the delayed-ACK time', () => {
  const f = reach.established();
  f.send(101, 301, ACK | PSH, { data: 'hello' });
  assert.is(f.text(), 'hello');
  f.runTo(99);
  assert.equal(f.out(), []);
  f.at(100);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=106><CTL=ACK> win=2043']);
});

test('ESTABLISHED: FIN: <SEQ=301><ACK=102><CTL=ACK> at once, end of stream, CLOSE-WAIT', () => {
  const f = reach.established();
  f.send(101, 301, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
  assert.equal(f.rec.events, ['end']);
  assert.is(f.c.stateName, 'CLOSE-WAIT');
});

test('ESTABLISHED: SEND: <SEQ=301><ACK=101><CTL=ACK><DATA> at once', () => {
  const f = reach.established();
  assert.is(f.tcp.send(f.c, enc('hello'), 0, 5), 5);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=5 win=2048']);
});

test('ESTABLISHED: RECEIVE: the bytes in order, then nothing', () => {
  const f = reach.established();
  f.rec.tcp = null;
  f.send(101, 301, ACK, { data: 'abc' });
  f.send(104, 301, ACK, { data: 'def' });
  const b = new Uint8Array(10);
  assert.is(f.tcp.recv(f.c, b, 0, 4), 4);
  assert.is(f.tcp.recv(f.c, b, 4, 6), 2);
  assert.is(new TextDecoder().decode(b.subarray(0, 6)), 'abcdef');
  assert.is(f.tcp.recv(f.c, b, 0, 10), 0);
});

test('ESTABLISHED: CLOSE: <SEQ=301><ACK=101><CTL=FIN,ACK>, FIN-WAIT-1; with data queued the FIN goes with its last segment', () => {
  let f = reach.established();
  f.tcp.close(f.c);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048']);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
  f = reach.established({ sndBuf: 4096 });
  f.c.s[FLAGS] |= NO_DELAY;
  f.tcp.send(f.c, new Uint8Array(2000), 0, 2000);
  f.out();
  f.send(101, 2301, ACK);
  f.tcp.send(f.c, enc('bye'), 0, 3);
  f.tcp.close(f.c);
  assert.equal(f.out(), ['0: <SEQ=2301><ACK=101><CTL=PSH,ACK><DATA> len=3 win=2048', '0: <SEQ=2304><ACK=101><CTL=FIN,ACK> win=2048']);
});

test('ESTABLISHED: ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED at once', () => {
  const f = reach.established();
  f.tcp.send(f.c, enc('unacked'), 0, 7);
  f.out();
  f.tcp.abort(f.c);
  assert.equal(f.out(), ['0: <SEQ=308><CTL=RST> win=0']);
  assert.is(f.tcp.conns.length, 0);
  assert.equal(f.rec.events, ['close']);
});

test('ESTABLISHED: retransmission timeout: the data again after the RTO (200 ms after a 0 ms handshake), then doubled', () => {
  const f = reach.established();
  f.tcp.send(f.c, enc('abc'), 0, 3);
  f.out();
  f.runTo(600);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=3 win=2048', '600: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=3 win=2048']);
});

test('ESTABLISHED: user timeout: after maxRetries, <SEQ=SND.NXT><CTL=RST> and ETIMEDOUT', () => {
  const f = reach.established({ maxRetries: 2 });
  f.tcp.send(f.c, enc('abc'), 0, 3);
  f.out();
  f.runTo(1400);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=3 win=2048', '600: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=3 win=2048',
    '1400: <SEQ=304><CTL=RST> win=0']);
  assert.equal(f.rec.events, ['close:ETIMEDOUT']);
});

test('ESTABLISHED: no time-wait or idle timer: an idle connection stays, nothing sent (keepalive off)', () => {
  const f = reach.established({ keepIdleMs: 0 });
  for (let t = 1000; t <= 3600000; t += 1000) f.at(t);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'ESTABLISHED');
});

// ---- CLOSE-WAIT ----

test('CLOSE-WAIT: unacceptable segment, the peer\'s FIN again: <SEQ=301><ACK=102><CTL=ACK>', () => {
  const f = reach.closeWait();
  f.send(101, 301, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSE-WAIT');
});

test('CLOSE-WAIT: unacceptable segment, beyond the window: <SEQ=301><ACK=102><CTL=ACK>', () => {
  const f = reach.closeWait();
  f.send(102 + 2047, 301, ACK, { data: 'far' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
});

test('CLOSE-WAIT: RST exact: connection reset, CLOSED', () => {
  const f = reach.closeWait();
  f.send(102, 0, RST);
  assert.equal(f.out(), []);
  assert.equal(f.rec.events, ['end', 'close:ECONNRESET']);
  assert.is(f.tcp.conns.length, 0);
});

test('CLOSE-WAIT: RST in the window, not exact: challenge ACK', () => {
  const f = reach.closeWait();
  f.send(103, 0, RST);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSE-WAIT');
});

test('CLOSE-WAIT: RST outside the window: dropped', () => {
  const f = reach.closeWait();
  f.send(101, 0, RST);
  f.send(102 + 2047, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'CLOSE-WAIT');
});

test('CLOSE-WAIT: SYN: challenge ACK', () => {
  const f = reach.closeWait();
  f.send(102, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSE-WAIT');
});

test('CLOSE-WAIT: ACK bit off: dropped', () => {
  const f = reach.closeWait();
  f.send(102, 0, PSH, { data: 'x' });
  assert.equal(f.out(), []);
});

test('CLOSE-WAIT: acceptable ACK: what we sent after the peer\'s FIN is acknowledged', () => {
  const f = reach.closeWait();
  f.tcp.send(f.c, enc('abc'), 0, 3);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=PSH,ACK><DATA> len=3 win=2047']);
  f.send(102, 304, ACK);
  assert.equal([f.c.s[SND_UNA], f.c.unacked], [304, 0]);
  assert.equal(f.out(), []);
});

test('CLOSE-WAIT: duplicate ACK: ignored', () => {
  const f = reach.closeWait();
  f.send(102, 300, ACK);
  assert.equal(f.out(), []);
  assert.is(f.c.s[SND_UNA], 301);
});

test('CLOSE-WAIT: ACK of unsent data: <SEQ=301><ACK=102><CTL=ACK>, dropped', () => {
  const f = reach.closeWait();
  f.send(102, 305, ACK);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.s[SND_UNA], 301);
});

test('CLOSE-WAIT: URG after the FIN: ignored, acknowledged as it stands', () => {
  const f = reach.closeWait();
  f.send(102, 301, ACK | URG, { data: 'u', urg: 1 });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.text(), '');
});

test('CLOSE-WAIT: segment text after the FIN: not taken, <SEQ=301><ACK=102><CTL=ACK>', () => {
  const f = reach.closeWait();
  f.send(102, 301, ACK, { data: 'late' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.text(), '');
  assert.equal(f.rec.events, ['end']);
});

test('CLOSE-WAIT: a FIN after the FIN (SEG.SEQ = RCV.NXT): remain in CLOSE-WAIT, RCV.NXT not moved', () => {
  const f = reach.closeWait();
  f.send(102, 301, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSE-WAIT');
  assert.equal(f.rec.events, ['end'], 'no second end');
});

test('CLOSE-WAIT: SEND: <SEQ=301><ACK=102><CTL=ACK><DATA> at once', () => {
  const f = reach.closeWait();
  assert.is(f.tcp.send(f.c, enc('reply'), 0, 5), 5);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=PSH,ACK><DATA> len=5 win=2047']);
});

test('CLOSE-WAIT: RECEIVE: what is left before the FIN, then nothing', () => {
  const f = reach.established();
  f.rec.tcp = null;
  f.send(101, 301, ACK | FIN, { data: 'tail' });
  assert.is(f.c.stateName, 'CLOSE-WAIT');
  const b = new Uint8Array(8);
  assert.is(f.tcp.recv(f.c, b, 0, 8), 4);
  assert.is(new TextDecoder().decode(b.subarray(0, 4)), 'tail');
  assert.is(f.tcp.recv(f.c, b, 0, 8), 0);
});

test('CLOSE-WAIT: CLOSE: <SEQ=301><ACK=102><CTL=FIN,ACK>, LAST-ACK', () => {
  const f = reach.closeWait();
  f.tcp.close(f.c);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=FIN,ACK> win=2047']);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('CLOSE-WAIT: ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED', () => {
  const f = reach.closeWait();
  f.tcp.abort(f.c);
  assert.equal(f.out(), ['0: <SEQ=301><CTL=RST> win=0']);
  assert.is(f.tcp.conns.length, 0);
});

test('CLOSE-WAIT: retransmission timeout: data sent after the FIN goes again', () => {
  const f = reach.closeWait();
  f.tcp.send(f.c, enc('abc'), 0, 3);
  f.out();
  f.runTo(200);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=102><CTL=PSH,ACK><DATA> len=3 win=2047']);
});

test('CLOSE-WAIT: user timeout: after maxRetries, <SEQ=SND.NXT><CTL=RST> and ETIMEDOUT', () => {
  const f = reach.closeWait({ maxRetries: 1 });
  f.tcp.send(f.c, enc('abc'), 0, 3);
  f.out();
  f.runTo(600);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=102><CTL=PSH,ACK><DATA> len=3 win=2047', '600: <SEQ=304><CTL=RST> win=0']);
  assert.equal(f.rec.events, ['end', 'close:ETIMEDOUT']);
});

test('CLOSE-WAIT: no timer but keepalive: the connection waits for the user\'s CLOSE, nothing sent (keepalive off)', () => {
  const f = reach.closeWait({ keepIdleMs: 0 });
  for (let t = 1000; t <= 600000; t += 1000) f.at(t);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'CLOSE-WAIT');
});

test.run();
