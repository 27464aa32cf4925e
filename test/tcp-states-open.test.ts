// The states before the connection is synchronized, event by event as RFC 9293 3.10 lists them:
// CLOSED (3.10.7.1), LISTEN (3.10.7.2), SYN-SENT (3.10.7.3), and SYN-RECEIVED (3.10.7.4, with
// its own rules for RST, SYN and ACK), plus the user calls (3.10.1-3.10.5) and the timeouts.
//
//    peer: TCP A, 198.18.0.1:40000, ISN 100          us: TCP B, 198.18.0.2:80 (5555 as a client), ISN 300
//
// Every segment we send is written out whole: `time: <SEQ><ACK><CTL> len win mss`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RCV_NXT, SND_NXT, SND_UNA, SND_WND, IRS, ISS, FLAGS } from '../firmware/tcp/tcp.ts';
import { reach, stack, segment, PEER_IP, OUR_IP } from './helpers/tcp-fixture.ts';

const SYN = 2, FIN = 1, RST = 4, ACK = 16, PSH = 8, URG = 32;

// ---- CLOSED (3.10.7.1): everything but a RST is answered with a RST ----

test('CLOSED: RST: discarded', () => {
  const f = stack({}, false);
  f.send(100, 0, RST);
  f.send(100, 555, RST | ACK);
  assert.equal(f.out(), []);
});

test('CLOSED: ACK bit on: <SEQ=SEG.ACK><CTL=RST>', () => {
  const f = stack({}, false);
  f.send(100, 555, ACK, { data: 'hi' });
  assert.equal(f.out(), ['0: <SEQ=555><CTL=RST> win=0']);
  assert.is(f.tcp.counters.dropNoConn, 1);
});

test('CLOSED: ACK bit off, a SYN: <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>', () => {
  const f = stack({}, false);
  f.send(100, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=0><ACK=101><CTL=RST,ACK> win=0']);
});

test('CLOSED: ACK bit off, text and FIN: the RST acknowledges SEG.SEQ + SEG.LEN, text and FIN counted', () => {
  const f = stack({}, false);
  f.send(100, 0, FIN | PSH, { data: 'hello' });
  assert.equal(f.out(), ['0: <SEQ=0><ACK=106><CTL=RST,ACK> win=0']);
  f.send(100, 0, SYN | FIN);
  assert.equal(f.out(), ['0: <SEQ=0><ACK=102><CTL=RST,ACK> win=0']);
});

test('CLOSED: a segment with a bad checksum is counted and dropped, no RST', () => {
  const f = stack({}, false);
  const s = segment(PEER_IP, OUR_IP, 40000, 80, 100, 0, SYN);
  s[17] ^= 1;
  f.tcp.input(PEER_IP, OUR_IP, s, 0, s.length);
  assert.equal(f.out(), []);
  assert.is(f.tcp.counters.dropChecksum, 1);
});

test('CLOSED: OPEN (active): <SEQ=ISS><CTL=SYN> with our MSS, SYN-SENT', () => {
  const f = stack({}, false);
  const c = f.tcp.connect(PEER_IP, 80, f.rec, { localPort: 5555 })!;
  assert.equal(f.out(), ['0: <SEQ=300><CTL=SYN> win=2048 mss=1460']);
  assert.is(c.stateName, 'SYN-SENT');
});

test('CLOSED: SEND, RECEIVE, CLOSE, ABORT on a connection that is gone: nothing taken, nothing sent', () => {
  const f = reach.established();
  f.send(101, 0, RST);
  assert.equal(f.rec.events, ['close:ECONNRESET']);
  assert.is(f.c.stateName, 'CLOSED');
  assert.is(f.tcp.send(f.c, new Uint8Array(10), 0, 10), 0);
  assert.is(f.tcp.recv(f.c, new Uint8Array(10), 0, 10), 0);
  f.tcp.close(f.c);
  f.tcp.abort(f.c);
  assert.equal(f.out(), []);
  assert.equal(f.rec.events, ['close:ECONNRESET'], 'the user is told once');
});

test('CLOSED: a segment for a connection just reset gets a RST', () => {
  const f = reach.established();
  f.send(101, 0, RST);
  f.send(101, 301, ACK, { data: 'late' });
  assert.equal(f.out(), ['0: <SEQ=301><CTL=RST> win=0']);
});

// ---- LISTEN (3.10.7.2) ----

test('LISTEN: RST: ignored', () => {
  const f = reach.listen();
  f.send(100, 0, RST);
  f.send(100, 0, RST | SYN);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
});

test('LISTEN: ACK: <SEQ=SEG.ACK><CTL=RST>', () => {
  const f = reach.listen();
  f.send(100, 777, ACK);
  assert.equal(f.out(), ['0: <SEQ=777><CTL=RST> win=0']);
  f.send(100, 777, SYN | ACK);
  assert.equal(f.out(), ['0: <SEQ=777><CTL=RST> win=0'], 'a SYN,ACK too');
  assert.is(f.tcp.conns.length, 0);
});

test('LISTEN: SYN: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>, SYN-RECEIVED', () => {
  const f = reach.listen();
  f.send(100, 0, SYN, { mss: 1460, win: 5000 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  // SYN-RECEIVED is an entry of the SYN cache: no connection, no rings, until the last ACK.
  assert.is(f.tcp.conns.length, 0);
  assert.is(f.tcp.halfOpen(80), 1);
  assert.is(f.accepted.length, 0, 'not accepted before ESTABLISHED');
  f.send(101, 301, ACK);
  const c = f.conn()!;
  assert.equal([c.s[IRS], c.s[RCV_NXT], c.s[ISS], c.s[SND_UNA], c.s[SND_NXT], c.s[SND_WND]], [100, 101, 300, 301, 301, 8192], 'SND.WND from the ACK');
  assert.is(f.tcp.halfOpen(80), 0);
});

test('LISTEN: SYN with the peer\'s MSS 536, and without one (536, RFC 9293 3.7.1): our segments fit it', () => {
  for (const mss of [536, 0]) {
    const f = reach.listen();
    f.send(100, 0, SYN, { mss });
    f.send(101, 301, ACK);
    f.out();
    f.tcp.send(f.conn()!, new Uint8Array(600), 0, 600);
    assert.equal(f.ifc.take().map((s) => s.len), [536], 'the rest waits for its ACK (Nagle)');
  }
});

test('LISTEN: SYN with text: the text is not taken (ACK = SEG.SEQ+1), the peer sends it again', () => {
  const f = reach.listen();
  f.send(100, 0, SYN, { data: 'early', mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  f.send(101, 301, ACK | PSH, { data: 'early' });
  assert.is(f.text(), 'early');
});

test('LISTEN: SYN,FIN: the FIN is not taken (ACK = SEG.SEQ+1)', () => {
  const f = reach.listen();
  f.send(100, 0, SYN | FIN, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  assert.is(f.tcp.halfOpen(80), 1);
});

test('LISTEN: any other control or text (no SYN, ACK or RST): dropped', () => {
  const f = reach.listen();
  f.send(100, 0, FIN);
  f.send(100, 0, PSH, { data: 'x' });
  f.send(100, 0, URG, { data: 'x', urg: 1 });
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
});

test('LISTEN: CLOSE (unlisten): the listener and its half-open connections go; then a SYN gets RST,ACK', () => {
  const f = reach.listen();
  f.send(100, 0, SYN);
  f.out();
  f.tcp.unlisten(80);
  assert.is(f.tcp.halfOpen(0), 0);
  assert.is(f.tcp.listeners.length, 0);
  f.send(100, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=0><ACK=101><CTL=RST,ACK> win=0']);
});

test('LISTEN: OPEN on a port already listened on is refused', () => {
  const f = reach.listen();
  assert.is(f.tcp.listen(80, () => {}), null);
});

// ---- SYN-SENT (3.10.7.3) ----

test('SYN-SENT: ACK at or below ISS: <SEQ=SEG.ACK><CTL=RST>, the segment dropped', () => {
  const f = reach.synSent();
  f.send(100, 300, SYN | ACK);
  assert.equal(f.out(), ['0: <SEQ=300><CTL=RST> win=0']);
  assert.is(f.c.stateName, 'SYN-SENT');
});

test('SYN-SENT: ACK above SND.NXT: <SEQ=SEG.ACK><CTL=RST>', () => {
  const f = reach.synSent();
  f.send(100, 302, ACK);
  assert.equal(f.out(), ['0: <SEQ=302><CTL=RST> win=0']);
  assert.is(f.c.stateName, 'SYN-SENT');
});

test('SYN-SENT: RST with an unacceptable ACK: dropped', () => {
  const f = reach.synSent();
  f.send(0, 999, RST | ACK);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'SYN-SENT');
});

test('SYN-SENT: RST without ACK: dropped', () => {
  const f = reach.synSent();
  f.send(0, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'SYN-SENT');
});

test('SYN-SENT: RST with an acceptable ACK: connection refused, CLOSED', () => {
  const f = reach.synSent();
  f.send(0, 301, RST | ACK);
  assert.equal(f.out(), []);
  assert.equal(f.rec.events, ['close:ECONNREFUSED']);
  assert.is(f.tcp.conns.length, 0);
});

test('SYN-SENT: SYN,ACK acknowledging our SYN: <SEQ=301><ACK=101><CTL=ACK>, ESTABLISHED', () => {
  const f = reach.synSent();
  f.send(100, 301, SYN | ACK, { mss: 1460, win: 4000 });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.conn()!.stateName, 'ESTABLISHED');
  assert.equal(f.rec.events, ['connect']);
});

test('SYN-SENT: SYN alone (simultaneous open): <SEQ=300><ACK=101><CTL=SYN,ACK>, SYN-RECEIVED', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  assert.is(f.c.stateName, 'SYN-RECEIVED');
  f.send(101, 301, ACK);
  assert.is(f.conn()!.stateName, 'ESTABLISHED');
  assert.equal(f.rec.events, ['connect']);
});

test('SYN-SENT: neither SYN nor RST (an acceptable ACK alone): dropped', () => {
  const f = reach.synSent();
  f.send(100, 301, ACK);
  f.send(100, 301, ACK | FIN);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'SYN-SENT');
});

test('SYN-SENT: SYN,ACK with text: ESTABLISHED, the text not taken (ACK 101), the peer sends it again', () => {
  const f = reach.synSent();
  f.send(100, 301, SYN | ACK, { mss: 1460, data: 'hi' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.conn()!.stateName, 'ESTABLISHED');
  f.send(101, 301, ACK, { data: 'hi' });
  assert.is(f.text(), 'hi');
});

test('SYN-SENT: SEND: queued, sent with the handshake\'s ACK', () => {
  const f = reach.synSent();
  assert.is(f.tcp.send(f.c, new TextEncoder().encode('GET'), 0, 3), 3);
  assert.equal(f.out(), []);
  f.send(100, 301, SYN | ACK, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=3 win=2048']);
});

test("SYN-SENT: RECEIVE: text on the peer's SYN (simultaneous open) is not taken: nothing to read, no window update", () => {
  const f = reach.synSent();
  f.rec.tcp = null;
  f.send(100, 0, SYN, { data: 'early' });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  assert.is(f.tcp.recv(f.c, new Uint8Array(10), 0, 10), 0);
  assert.equal(f.out(), []);
});

test('SYN-SENT: CLOSE: CLOSED at once, nothing sent', () => {
  const f = reach.synSent();
  f.tcp.close(f.c);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
  assert.equal(f.rec.events, ['close']);
  f.send(100, 301, SYN | ACK);
  assert.equal(f.out(), ['0: <SEQ=301><CTL=RST> win=0'], 'a late SYN,ACK finds no connection');
});

test('SYN-SENT: ABORT: CLOSED at once, no RST', () => {
  const f = reach.synSent();
  f.tcp.abort(f.c);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
});

test('SYN-SENT: retransmission timeout: the SYN again at 1 s (RTO initial), then 3 s', () => {
  const f = reach.synSent();
  f.runTo(3000);
  assert.equal(f.out(), ['1000: <SEQ=300><CTL=SYN> win=2048 mss=1460', '3000: <SEQ=300><CTL=SYN> win=2048 mss=1460']);
});

test('SYN-SENT: user timeout: after the SYN retries, CLOSED with ETIMEDOUT, no RST', () => {
  const f = reach.synSent({ synRetries: 1 });
  f.runTo(2999);
  assert.equal(f.out(), ['1000: <SEQ=300><CTL=SYN> win=2048 mss=1460']);
  assert.equal(f.rec.events, []);
  f.at(3000);
  assert.equal(f.out(), []);
  assert.equal(f.rec.events, ['close:ETIMEDOUT']);
  assert.is(f.tcp.counters.timeouts, 1);
});

test('SYN-SENT: user timeout (connectTimeoutMs) before the SYN retries end', () => {
  const f = reach.synSent({ connectTimeoutMs: 2000 });
  f.runTo(2000);
  assert.equal(f.out(), ['1000: <SEQ=300><CTL=SYN> win=2048 mss=1460']);
  assert.equal(f.rec.events, ['close:ETIMEDOUT']);
  assert.is(f.tcp.counters.timeouts, 1);
});

// ---- SYN-RECEIVED (3.10.7.4, passive unless said) ----

test('SYN-RECEIVED: unacceptable segment, below RCV.NXT: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>', () => {
  const f = reach.synReceived();
  f.send(50, 301, ACK, { data: 'old' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.half(), 1);
  assert.equal([f.tcp.counters.dropUnacceptable, f.tcp.counters.segsOut], [1, 2], 'counted; the SYN,ACK and this ACK sent');
});

test('SYN-RECEIVED: unacceptable segment, beyond the window: <SEQ=301><ACK=101><CTL=ACK>', () => {
  const f = reach.synReceived();
  f.send(101 + 2048, 301, ACK, { data: 'far' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.half(), 1);
});

test('SYN-RECEIVED: RST exact (passive open): back to LISTEN, the half-open connection gone silently', () => {
  const f = reach.synReceived();
  f.send(101, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
  assert.is(f.tcp.halfOpen(80), 0);
  f.send(500, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=300><ACK=501><CTL=SYN,ACK> win=2048 mss=1460'], 'listening again');
});

test('SYN-RECEIVED: RST exact (active open, simultaneous): connection refused', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN);
  f.out();
  f.send(101, 0, RST);
  assert.equal(f.rec.events, ['close:ECONNREFUSED']);
  assert.is(f.tcp.conns.length, 0);
});

test('SYN-RECEIVED: RST in the window, not exact: challenge ACK (RFC 5961 3.2)', () => {
  const f = reach.synReceived();
  f.send(500, 0, RST);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.half(), 1);
});

test('SYN-RECEIVED: RST outside the window: dropped', () => {
  const f = reach.synReceived();
  f.send(101 + 2048, 0, RST);
  f.send(99, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.half(), 1);
});

test('SYN-RECEIVED: the peer\'s SYN again (retransmitted): our SYN,ACK again', () => {
  const f = reach.synReceived();
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
});

test('SYN-RECEIVED: a new SYN in the window (passive open): back to LISTEN (RFC 9293 3.10.7.4 fourth)', () => {
  const f = reach.synReceived();
  f.send(500, 0, SYN);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
  assert.is(f.tcp.halfOpen(80), 0);
});

test('SYN-RECEIVED: a SYN (active open, simultaneous): challenge ACK as in a synchronized state', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN);
  f.out();
  f.send(500, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'SYN-RECEIVED');
});

test('SYN-RECEIVED: ACK bit off: dropped (text not taken)', () => {
  const f = reach.synReceived();
  f.send(101, 0, PSH, { data: 'x' });
  assert.equal(f.out(), []);
  assert.is(f.half(), 1);
  assert.is(f.tcp.conns.length, 0);
});

test('SYN-RECEIVED: acceptable ACK: ESTABLISHED, accepted, nothing sent', () => {
  const f = reach.synReceived();
  f.send(101, 301, ACK);
  assert.equal(f.out(), []);
  assert.is(f.conn()!.stateName, 'ESTABLISHED');
  assert.is(f.accepted.length, 1);
});

test('SYN-RECEIVED: ACK of what was acknowledged already (SEG.ACK = SND.UNA): <SEQ=SEG.ACK><CTL=RST>', () => {
  const f = reach.synReceived();
  f.send(101, 300, ACK);
  assert.equal(f.out(), ['0: <SEQ=300><CTL=RST> win=0']);
  assert.is(f.half(), 1);
});

test('SYN-RECEIVED: ACK of unsent data: <SEQ=SEG.ACK><CTL=RST>', () => {
  const f = reach.synReceived();
  f.send(101, 302, ACK);
  assert.equal(f.out(), ['0: <SEQ=302><CTL=RST> win=0']);
  assert.is(f.half(), 1);
});

test('SYN-RECEIVED: URG with the handshake\'s ACK: ESTABLISHED, the text taken in line', () => {
  const f = reach.synReceived();
  f.send(101, 301, ACK | URG, { data: 'urgent', urg: 6 });
  assert.is(f.conn()!.stateName, 'ESTABLISHED');
  assert.is(f.text(), 'urgent');
  f.runTo(100);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=107><CTL=ACK> win=2042']);
});

test('SYN-RECEIVED: segment text with the handshake\'s ACK: ESTABLISHED, taken, ACK delayed', () => {
  const f = reach.synReceived();
  f.send(101, 301, ACK | PSH, { data: 'hello' });
  assert.is(f.conn()!.stateName, 'ESTABLISHED');
  assert.is(f.text(), 'hello');
  assert.equal(f.out(), []);
  f.runTo(100);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=106><CTL=ACK> win=2043']);
});

test('SYN-RECEIVED: FIN with the handshake\'s ACK: ESTABLISHED then CLOSE-WAIT, <SEQ=301><ACK=102><CTL=ACK>', () => {
  const f = reach.synReceived();
  f.send(101, 301, ACK | FIN);
  // The window's right edge stays at 2149 (receiver SWS avoidance, RFC 9293 3.8.6.2.2).
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.conn()!.stateName, 'CLOSE-WAIT');
  assert.equal(f.rec.events, ['end']);
});

test('SYN-RECEIVED: SEND (simultaneous open): queued, sent once ESTABLISHED', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN);
  f.out();
  assert.is(f.tcp.send(f.c, new TextEncoder().encode('hey'), 0, 3), 3);
  assert.equal(f.out(), []);
  f.send(101, 301, ACK);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=3 win=2048']);
});

test("SYN-RECEIVED: RECEIVE: text on the peer's SYN (simultaneous open; a passive one has no connection yet) is not taken: nothing to read", () => {
  const f = reach.synSent();
  f.rec.tcp = null;
  f.send(100, 0, SYN, { data: 'early' });
  assert.is(f.c.stateName, 'SYN-RECEIVED');
  assert.is(f.tcp.recv(f.c, new Uint8Array(4), 0, 4), 0);
  assert.is(f.c.readable, 0);
  assert.is(f.c.s[RCV_NXT], 101);
});

test('SYN-RECEIVED: CLOSE with nothing queued: <SEQ=301><ACK=101><CTL=FIN,ACK> at once, FIN-WAIT-1 (RFC 9293 3.10.4)', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN);
  f.out();
  f.tcp.close(f.c);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048']);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
  // The handshake's ACK and the FIN's together: FIN-WAIT-2.
  f.send(101, 302, ACK);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
});

test('SYN-RECEIVED: CLOSE with nothing queued, nothing acknowledged: the SYN,ACK then the FIN again at the timeout', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN);
  f.out();
  f.tcp.close(f.c);
  f.out();
  f.runTo(1000);
  assert.equal(f.out(), ['1000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460', '1000: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048']);
  f.send(101, 301, ACK); // the SYN alone acknowledged
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
  f.send(101, 302, ACK);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
});

test('SYN-RECEIVED: CLOSE with data queued: the FIN waits for ESTABLISHED, then goes after the data', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN);
  f.out();
  f.tcp.send(f.c, new TextEncoder().encode('hi'), 0, 2);
  f.tcp.close(f.c);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'SYN-RECEIVED');
  f.send(101, 301, ACK);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=FIN,PSH,ACK><DATA> len=2 win=2048']);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
});

test('SYN-RECEIVED: ABORT (simultaneous open): <SEQ=SND.NXT><CTL=RST>, CLOSED', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN);
  f.out();
  f.tcp.abort(f.c);
  assert.equal(f.out(), ['0: <SEQ=301><CTL=RST> win=0']);
  assert.is(f.tcp.conns.length, 0);
});

test('SYN-RECEIVED: retransmission timeout: our SYN,ACK again at 1 s, then 3 s', () => {
  const f = reach.synReceived();
  f.runTo(3000);
  assert.equal(f.out(), ['1000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460', '3000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
});

test('SYN-RECEIVED: user timeout: after the SYN retries, <SEQ=SND.NXT><CTL=RST> and the half-open entry gone', () => {
  const f = reach.synReceived({ synRetries: 1 });
  f.runTo(3000);
  assert.equal(f.out(), ['1000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460', '3000: <SEQ=301><CTL=RST> win=0']);
  assert.is(f.tcp.conns.length, 0);
  assert.is(f.tcp.halfOpen(80), 0);
  assert.is(f.tcp.counters.timeouts, 1);
});

test('SYN-RECEIVED (simultaneous open): the peer\'s SYN again: our SYN,ACK again, not an ACK; then its ACK establishes', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN, { mss: 1460 });
  f.out();
  f.at(50);
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['50: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  assert.is(f.c.stateName, 'SYN-RECEIVED');
  f.send(101, 301, ACK);
  assert.is(f.c.stateName, 'ESTABLISHED');
});

test('SYN-RECEIVED (simultaneous open): an ACK of something we never sent: <SEQ=SEG.ACK><CTL=RST>, the state kept', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN, { mss: 1460 });
  f.out();
  f.send(101, 500, ACK);
  assert.equal(f.out(), ['0: <SEQ=500><CTL=RST> win=0']);
  assert.is(f.c.stateName, 'SYN-RECEIVED');
  f.send(101, 300, ACK);                               // SEG.ACK = SND.UNA: not an ACK of our SYN either
  assert.equal(f.out(), ['0: <SEQ=300><CTL=RST> win=0']);
  f.send(101, 301, ACK);
  assert.is(f.c.stateName, 'ESTABLISHED');
});

test('SYN-RECEIVED (simultaneous open): the SYN,ACK again for a duplicate SYN leaves the retransmission timer; after synRetries, RST and ETIMEDOUT', () => {
  const f = reach.synSent({ synRetries: 1, maxRetries: 8 });
  f.send(100, 0, SYN, { mss: 1460 });
  f.at(50);
  f.send(100, 0, SYN, { mss: 1460 });
  f.out();
  f.runTo(4000);
  assert.equal(f.out(), ['1000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460', '3000: <SEQ=301><CTL=RST> win=0']);
  assert.equal(f.rec.events, ['close:ETIMEDOUT']);
});

test('SYN-RECEIVED (simultaneous open): a SYN,ACK that is not the repeat of the SYN taken (another SEG.SEQ) gets a challenge ACK', () => {
  const f = reach.synSent();
  f.send(100, 0, SYN, { mss: 1460 });
  f.out();
  f.send(150, 301, SYN | ACK, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'SYN-RECEIVED');
});

test('SYN-RECEIVED (simultaneous open): established for a user without onConnect: nothing thrown', () => {
  const f = reach.synSent();
  f.c.user = { onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  f.send(100, 0, SYN, { mss: 1460 });
  f.send(101, 301, ACK);
  assert.is(f.c.stateName, 'ESTABLISHED');
});

test('SYN-SENT: the SYN sent again keeps what the user set on the connection (reclaimable, keepalive)', () => {
  const f = reach.synSent();
  f.tcp.reclaimable(f.c, true);
  f.tcp.setKeepAlive(f.c, true);
  const flags = f.c.s[FLAGS];
  f.runTo(1000);
  assert.equal(f.out(), ['1000: <SEQ=300><CTL=SYN> win=2048 mss=1460']);
  assert.is(f.c.s[FLAGS], flags);
});

test.run();
