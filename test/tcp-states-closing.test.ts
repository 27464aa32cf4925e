// The closing states, event by event as RFC 9293 3.10.7.4 lists them (sequence number check, RST,
// SYN, ACK off, ACK checks, URG, text, FIN), then the user calls (3.10.2-3.10.5) and the
// timeouts (3.10.8).
//
//    peer: TCP A, 198.18.0.1:40000, ISN 100          us: TCP B, 198.18.0.2:80, ISN 300
//    FIN-WAIT-1: our FIN <SEQ=301> sent:        SND.UNA 301, SND.NXT 302, RCV.NXT 101, RCV.WND 2048
//    FIN-WAIT-2: our FIN acknowledged:          SND.UNA = SND.NXT = 302, RCV.NXT 101, RCV.WND 2048
//    CLOSING:    both FINs crossed:             SND.UNA 301, SND.NXT 302, RCV.NXT 102, RCV.WND 2047
//    LAST-ACK:   the peer's FIN, then ours:     SND.UNA 301, SND.NXT 302, RCV.NXT 102, RCV.WND 2047
//    TIME-WAIT:  ours acknowledged, theirs taken: SND.UNA = SND.NXT = 302, RCV.NXT 102, RCV.WND 2047,
//                2 MSL = 10 s from time 0
//
// Every segment we send is written out whole: `time: <SEQ><ACK><CTL> len win`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SND_UNA, SND_WND } from '../firmware/tcp/tcp.ts';
import { reach } from './helpers/tcp-fixture.ts';

const SYN = 2, FIN = 1, RST = 4, ACK = 16, PSH = 8, URG = 32;
const enc = (s: string) => new TextEncoder().encode(s);

// ---- FIN-WAIT-1 ----

test('FIN-WAIT-1: unacceptable segment, old: <SEQ=302><ACK=101><CTL=ACK>', () => {
  const f = reach.finWait1();
  f.send(90, 302, ACK, { data: 'old' });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
  assert.is(f.c.s[SND_UNA], 301, 'its ACK not processed');
});

test('FIN-WAIT-1: unacceptable segment, beyond the window: <SEQ=302><ACK=101><CTL=ACK>', () => {
  const f = reach.finWait1();
  f.send(101 + 2048, 302, ACK, { data: 'far' });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
});

test('FIN-WAIT-1: RST exact: connection reset, CLOSED', () => {
  const f = reach.finWait1();
  f.send(101, 0, RST);
  assert.equal(f.out(), []);
  assert.equal(f.rec.events, ['close:ECONNRESET']);
  assert.is(f.tcp.conns.length, 0);
});

test('FIN-WAIT-1: RST in the window, not exact: challenge ACK', () => {
  const f = reach.finWait1();
  f.send(150, 0, RST);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
});

test('FIN-WAIT-1: RST outside the window: dropped', () => {
  const f = reach.finWait1();
  f.send(100, 0, RST);
  f.send(101 + 2048, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
});

test('FIN-WAIT-1: SYN: challenge ACK', () => {
  const f = reach.finWait1();
  f.send(101, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
});

test('FIN-WAIT-1: ACK bit off: dropped, even with a FIN', () => {
  const f = reach.finWait1();
  f.send(101, 0, FIN);
  f.send(101, 0, PSH, { data: 'x' });
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
  assert.is(f.text(), '');
});

test('FIN-WAIT-1: acceptable ACK of our FIN: FIN-WAIT-2, nothing sent', () => {
  const f = reach.finWait1();
  f.send(101, 302, ACK);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
});

test('FIN-WAIT-1: acceptable ACK of the data before our FIN only: FIN-WAIT-1 stays', () => {
  const f = reach.established();
  f.tcp.send(f.c, enc('abc'), 0, 3);
  f.tcp.close(f.c);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=3 win=2048', '0: <SEQ=304><ACK=101><CTL=FIN,ACK> win=2048']);
  f.send(101, 304, ACK);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
  f.send(101, 305, ACK);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
  assert.equal(f.out(), []);
});

test('FIN-WAIT-1: duplicate ACK (SEG.ACK < SND.UNA): ignored, FIN-WAIT-1 stays', () => {
  const f = reach.finWait1();
  f.send(101, 300, ACK, { win: 100 });
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
  assert.is(f.c.s[SND_WND], 8192);
});

test('FIN-WAIT-1: ACK of unsent data (above SND.NXT): <SEQ=302><ACK=101><CTL=ACK>, dropped', () => {
  const f = reach.finWait1();
  f.send(101, 303, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'FIN-WAIT-1', 'its FIN not taken either');
});

test('FIN-WAIT-1: URG: the text taken in line', () => {
  const f = reach.finWait1();
  f.send(101, 301, ACK | URG, { data: '!', urg: 1 });
  assert.is(f.text(), '!');
  f.runTo(100);
  assert.equal(f.out(), ['100: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
});

test('FIN-WAIT-1: segment text: taken (the peer may still send), ACK delayed', () => {
  const f = reach.finWait1();
  f.send(101, 301, ACK | PSH, { data: 'more' });
  assert.is(f.text(), 'more');
  assert.equal(f.out(), []);
  f.runTo(100);
  assert.equal(f.out(), ['100: <SEQ=302><ACK=105><CTL=ACK> win=2044']);
});

test('FIN-WAIT-1: FIN not acknowledging ours (simultaneous close): <SEQ=302><ACK=102><CTL=ACK>, CLOSING', () => {
  const f = reach.finWait1();
  f.send(101, 301, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSING');
  assert.equal(f.rec.events, ['end']);
});

test('FIN-WAIT-1: FIN acknowledging ours: <SEQ=302><ACK=102><CTL=ACK>, TIME-WAIT', () => {
  const f = reach.finWait1();
  f.send(101, 302, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'TIME-WAIT');
});

test('FIN-WAIT-1: SEND: refused (connection closing), nothing sent', () => {
  const f = reach.finWait1();
  assert.is(f.tcp.send(f.c, enc('x'), 0, 1), 0);
  assert.equal(f.out(), []);
});

test('FIN-WAIT-1: RECEIVE: what the peer sent is read', () => {
  const f = reach.finWait1();
  f.rec.tcp = null;
  f.send(101, 301, ACK, { data: 'abc' });
  const b = new Uint8Array(3);
  assert.is(f.tcp.recv(f.c, b, 0, 3), 3);
  assert.is(new TextDecoder().decode(b), 'abc');
});

test('FIN-WAIT-1: CLOSE again: nothing happens (connection closing)', () => {
  const f = reach.finWait1();
  f.tcp.close(f.c);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'FIN-WAIT-1');
});

test('FIN-WAIT-1: ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED', () => {
  const f = reach.finWait1();
  f.tcp.abort(f.c);
  assert.equal(f.out(), ['0: <SEQ=302><CTL=RST> win=0']);
  assert.is(f.tcp.conns.length, 0);
});

test('FIN-WAIT-1: retransmission timeout: our FIN again at 200 ms, then 600', () => {
  const f = reach.finWait1();
  f.runTo(600);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048', '600: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048']);
});

test('FIN-WAIT-1: user timeout: after maxRetries, <SEQ=SND.NXT><CTL=RST> and ETIMEDOUT', () => {
  const f = reach.finWait1({ maxRetries: 1 });
  f.runTo(600);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048', '600: <SEQ=302><CTL=RST> win=0']);
  assert.equal(f.rec.events, ['close:ETIMEDOUT']);
  assert.equal([f.tcp.counters.timeouts, f.tcp.counters.retransmits], [1, 1], 'one timeout, one retransmission counted');
});

// ---- FIN-WAIT-2 ----

test('FIN-WAIT-2: unacceptable segment, old: <SEQ=302><ACK=101><CTL=ACK>', () => {
  const f = reach.finWait2();
  f.send(90, 302, ACK, { data: 'old' });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=101><CTL=ACK> win=2048']);
});

test('FIN-WAIT-2: unacceptable segment, beyond the window: <SEQ=302><ACK=101><CTL=ACK>', () => {
  const f = reach.finWait2();
  f.send(101 + 2048, 302, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
});

test('FIN-WAIT-2: RST exact: connection reset, CLOSED', () => {
  const f = reach.finWait2();
  f.send(101, 0, RST);
  assert.equal(f.out(), []);
  assert.equal(f.rec.events, ['close:ECONNRESET']);
  assert.is(f.tcp.conns.length, 0);
});

test('FIN-WAIT-2: RST in the window, not exact: challenge ACK', () => {
  const f = reach.finWait2();
  f.send(2000, 0, RST);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=101><CTL=ACK> win=2048']);
});

test('FIN-WAIT-2: RST outside the window: dropped', () => {
  const f = reach.finWait2();
  f.send(99, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
});

test('FIN-WAIT-2: SYN: challenge ACK', () => {
  const f = reach.finWait2();
  f.send(101, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
});

test('FIN-WAIT-2: ACK bit off: dropped, even with a FIN', () => {
  const f = reach.finWait2();
  f.send(101, 0, FIN);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
});

test('FIN-WAIT-2: ACK of everything sent (SEG.ACK = SND.NXT) with a new window: taken, nothing sent', () => {
  const f = reach.finWait2();
  f.send(101, 302, ACK, { win: 3000 });
  assert.equal(f.out(), []);
  assert.is(f.c.s[SND_WND], 3000);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
});

test('FIN-WAIT-2: duplicate ACK: ignored', () => {
  const f = reach.finWait2();
  f.send(101, 301, ACK);
  assert.equal(f.out(), []);
  assert.is(f.c.s[SND_UNA], 302);
});

test('FIN-WAIT-2: ACK of unsent data: <SEQ=302><ACK=101><CTL=ACK>, dropped', () => {
  const f = reach.finWait2();
  f.send(101, 400, ACK, { data: 'x' });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.text(), '');
});

test('FIN-WAIT-2: URG: the text taken in line', () => {
  const f = reach.finWait2();
  f.send(101, 302, ACK | URG, { data: 'u', urg: 1 });
  assert.is(f.text(), 'u');
});

test('FIN-WAIT-2: segment text: taken, ACK delayed', () => {
  const f = reach.finWait2();
  f.send(101, 302, ACK | PSH, { data: 'last words' });
  assert.is(f.text(), 'last words');
  f.runTo(100);
  assert.equal(f.out(), ['100: <SEQ=302><ACK=111><CTL=ACK> win=2038']);
});

test('FIN-WAIT-2: FIN: <SEQ=302><ACK=102><CTL=ACK>, TIME-WAIT', () => {
  const f = reach.finWait2();
  f.send(101, 302, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'TIME-WAIT');
  assert.equal(f.rec.events, ['end']);
});

test('FIN-WAIT-2: SEND: refused (connection closing)', () => {
  const f = reach.finWait2();
  assert.is(f.tcp.send(f.c, enc('x'), 0, 1), 0);
  assert.equal(f.out(), []);
});

test('FIN-WAIT-2: RECEIVE: what the peer sent is read', () => {
  const f = reach.finWait2();
  f.rec.tcp = null;
  f.send(101, 302, ACK, { data: 'ab' });
  const b = new Uint8Array(2);
  assert.is(f.tcp.recv(f.c, b, 0, 2), 2);
  assert.is(new TextDecoder().decode(b), 'ab');
});

test('FIN-WAIT-2: CLOSE again: nothing happens', () => {
  const f = reach.finWait2();
  f.tcp.close(f.c);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
});

test('FIN-WAIT-2: ABORT: <SEQ=SND.NXT><CTL=RST>, CLOSED', () => {
  const f = reach.finWait2();
  f.tcp.abort(f.c);
  assert.equal(f.out(), ['0: <SEQ=302><CTL=RST> win=0']);
  assert.is(f.tcp.conns.length, 0);
});

test('FIN-WAIT-2: retransmission timeout: nothing outstanding, nothing sent', () => {
  const f = reach.finWait2();
  f.runTo(5000);
  assert.equal(f.out(), []);
});

test('FIN-WAIT-2: no user timeout: the connection waits for the peer\'s FIN (RFC 9293 has no FIN-WAIT-2 timer; keepalive off)', () => {
  const f = reach.finWait2({ keepIdleMs: 0 });
  for (let t = 1000; t <= 600000; t += 1000) f.at(t);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
  f.send(101, 302, ACK | FIN);
  assert.equal(f.out(), ['600000: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
});

// ---- CLOSING ----

test('CLOSING: unacceptable segment, the peer\'s FIN again: <SEQ=302><ACK=102><CTL=ACK>', () => {
  const f = reach.closing();
  f.send(101, 301, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSING');
});

test('CLOSING: unacceptable segment, beyond the window: <SEQ=302><ACK=102><CTL=ACK>', () => {
  const f = reach.closing();
  f.send(102 + 2047, 302, ACK);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSING', 'its ACK not processed');
});

test('CLOSING: RST exact: CLOSED, no error (the close had begun)', () => {
  const f = reach.closing();
  f.send(102, 0, RST);
  assert.equal(f.out(), []);
  assert.equal(f.rec.events, ['end', 'close']);
  assert.is(f.tcp.conns.length, 0);
});

test('CLOSING: RST in the window, not exact: challenge ACK', () => {
  const f = reach.closing();
  f.send(103, 0, RST);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSING');
});

test('CLOSING: RST outside the window: dropped', () => {
  const f = reach.closing();
  f.send(101, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'CLOSING');
});

test('CLOSING: SYN: challenge ACK', () => {
  const f = reach.closing();
  f.send(102, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSING');
});

test('CLOSING: ACK bit off: dropped, even with SEG.ACK covering our FIN, text or a FIN', () => {
  const f = reach.closing();
  f.send(102, 302, 0);                          // its ack field acknowledges our FIN: not looked at
  f.send(102, 302, 0, { data: 'x' });           // text after the FIN would be acknowledged
  f.send(102, 302, FIN);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'CLOSING');
  assert.is(f.c.s[SND_UNA], 301);
});

test('CLOSING: acceptable ACK of our FIN: TIME-WAIT, nothing sent', () => {
  const f = reach.closing();
  f.send(102, 302, ACK);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'TIME-WAIT');
});

test('CLOSING: duplicate ACK: ignored, CLOSING stays', () => {
  const f = reach.closing();
  f.send(102, 300, ACK);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'CLOSING');
});

test('CLOSING: ACK of unsent data: <SEQ=302><ACK=102><CTL=ACK>, dropped', () => {
  const f = reach.closing();
  f.send(102, 303, ACK);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSING');
});

test('CLOSING: URG after the FIN: ignored, acknowledged as it stands', () => {
  const f = reach.closing();
  f.send(102, 301, ACK | URG, { data: 'u', urg: 1 });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.text(), '');
});

test('CLOSING: segment text after the FIN: not taken, <SEQ=302><ACK=102><CTL=ACK>', () => {
  const f = reach.closing();
  f.send(102, 302, ACK, { data: 'late' });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.text(), '');
  assert.is(f.c.stateName, 'TIME-WAIT', 'its ACK of our FIN is processed');
});

test('CLOSING: a FIN after the FIN: remain in CLOSING, <SEQ=302><ACK=102><CTL=ACK>', () => {
  const f = reach.closing();
  f.send(102, 301, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'CLOSING');
});

test('CLOSING: SEND: refused', () => {
  const f = reach.closing();
  assert.is(f.tcp.send(f.c, enc('x'), 0, 1), 0);
  assert.equal(f.out(), []);
});

test("CLOSING: RECEIVE: the text that came before the peer's FIN is still read, then nothing", () => {
  const f = reach.finWait1();
  f.rec.tcp = null;                             // the user does not read yet
  f.send(101, 301, ACK | FIN, { data: 'ab' });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=104><CTL=ACK> win=2045']);
  assert.is(f.c.stateName, 'CLOSING');
  const b = new Uint8Array(4);
  assert.is(f.tcp.recv(f.c, b, 0, 4), 2);
  assert.is(new TextDecoder().decode(b.subarray(0, 2)), 'ab');
  assert.is(f.tcp.recv(f.c, b, 0, 4), 0);
});

test('CLOSING: CLOSE again: nothing happens', () => {
  const f = reach.closing();
  f.tcp.close(f.c);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'CLOSING');
});

test('CLOSING: ABORT: CLOSED, no RST (RFC 9293 3.10.5)', () => {
  const f = reach.closing();
  f.tcp.abort(f.c);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
});

test('CLOSING: retransmission timeout: our FIN again, carrying the ACK of theirs', () => {
  const f = reach.closing();
  f.runTo(600);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=102><CTL=FIN,ACK> win=2047', '600: <SEQ=301><ACK=102><CTL=FIN,ACK> win=2047']);
});

test('CLOSING: user timeout: after maxRetries, <SEQ=SND.NXT><CTL=RST> and ETIMEDOUT', () => {
  const f = reach.closing({ maxRetries: 1 });
  f.runTo(600);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=102><CTL=FIN,ACK> win=2047', '600: <SEQ=302><CTL=RST> win=0']);
  assert.equal(f.rec.events, ['end', 'close:ETIMEDOUT']);
});

// ---- LAST-ACK ----

test('LAST-ACK: unacceptable segment, the peer\'s FIN again: <SEQ=302><ACK=102><CTL=ACK>', () => {
  const f = reach.lastAck();
  f.send(101, 301, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('LAST-ACK: unacceptable segment, beyond the window: <SEQ=302><ACK=102><CTL=ACK>', () => {
  const f = reach.lastAck();
  f.send(102 + 2047, 302, ACK);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('LAST-ACK: RST exact: CLOSED, no error', () => {
  const f = reach.lastAck();
  f.send(102, 0, RST);
  assert.equal(f.out(), []);
  assert.equal(f.rec.events, ['end', 'close']);
  assert.is(f.tcp.conns.length, 0);
});

test('LAST-ACK: RST in the window, not exact: challenge ACK', () => {
  const f = reach.lastAck();
  f.send(1000, 0, RST);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('LAST-ACK: RST outside the window: dropped', () => {
  const f = reach.lastAck();
  f.send(102 + 2047, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('LAST-ACK: SYN: challenge ACK', () => {
  const f = reach.lastAck();
  f.send(102, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('LAST-ACK: ACK bit off: dropped', () => {
  const f = reach.lastAck();
  f.send(102, 0, PSH, { data: 'x' });
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('LAST-ACK: acceptable ACK of our FIN: CLOSED, nothing sent', () => {
  const f = reach.lastAck();
  f.send(102, 302, ACK);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
  assert.equal(f.rec.events, ['end', 'close']);
});

test('LAST-ACK: duplicate ACK: ignored, LAST-ACK stays', () => {
  const f = reach.lastAck();
  f.send(102, 300, ACK);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('LAST-ACK: ACK of unsent data: <SEQ=302><ACK=102><CTL=ACK>, dropped', () => {
  const f = reach.lastAck();
  f.send(102, 303, ACK);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('LAST-ACK: URG after the FIN: ignored, acknowledged as it stands', () => {
  const f = reach.lastAck();
  f.send(102, 301, ACK | URG, { data: 'u', urg: 1 });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.text(), '');
});

test('LAST-ACK: segment text after the FIN: not taken, <SEQ=302><ACK=102><CTL=ACK>', () => {
  const f = reach.lastAck();
  f.send(102, 301, ACK, { data: 'late' });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.text(), '');
});

test('LAST-ACK: a FIN after the FIN: remain in LAST-ACK, <SEQ=302><ACK=102><CTL=ACK>', () => {
  const f = reach.lastAck();
  f.send(102, 301, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('LAST-ACK: SEND: refused', () => {
  const f = reach.lastAck();
  assert.is(f.tcp.send(f.c, enc('x'), 0, 1), 0);
  assert.equal(f.out(), []);
});

test("LAST-ACK: RECEIVE: the text that came before the peer's FIN is still read, then nothing", () => {
  const f = reach.established();
  f.rec.tcp = null;
  f.send(101, 301, ACK | FIN, { data: 'ab' });
  f.tcp.close(f.c);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=104><CTL=ACK> win=2045', '0: <SEQ=301><ACK=104><CTL=FIN,ACK> win=2045']);
  assert.is(f.c.stateName, 'LAST-ACK');
  const b = new Uint8Array(4);
  assert.is(f.tcp.recv(f.c, b, 0, 4), 2);
  assert.is(new TextDecoder().decode(b.subarray(0, 2)), 'ab');
  assert.is(f.tcp.recv(f.c, b, 0, 4), 0);
});

test('LAST-ACK: CLOSE again: nothing happens', () => {
  const f = reach.lastAck();
  f.tcp.close(f.c);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'LAST-ACK');
});

test('LAST-ACK: ABORT: CLOSED, no RST (RFC 9293 3.10.5)', () => {
  const f = reach.lastAck();
  f.tcp.abort(f.c);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
});

test('LAST-ACK: retransmission timeout: our FIN again at 200 ms, then 600', () => {
  const f = reach.lastAck();
  f.runTo(600);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=102><CTL=FIN,ACK> win=2047', '600: <SEQ=301><ACK=102><CTL=FIN,ACK> win=2047']);
});

test('LAST-ACK: user timeout: after maxRetries, <SEQ=SND.NXT><CTL=RST> and ETIMEDOUT', () => {
  const f = reach.lastAck({ maxRetries: 1 });
  f.runTo(600);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=102><CTL=FIN,ACK> win=2047', '600: <SEQ=302><CTL=RST> win=0']);
  assert.equal(f.rec.events, ['end', 'close:ETIMEDOUT']);
});

// ---- TIME-WAIT ----

test('TIME-WAIT: unacceptable segment, the peer\'s FIN again: ACK, and 2 MSL restarts', () => {
  const f = reach.timeWait();
  f.at(4000);
  f.send(101, 302, ACK | FIN);
  assert.equal(f.out(), ['4000: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  f.at(13999); assert.is(f.c.stateName, 'TIME-WAIT');
  f.at(14000); assert.is(f.tcp.conns.length, 0);
});

test('TIME-WAIT: unacceptable segment without FIN: ACK, 2 MSL not restarted', () => {
  const f = reach.timeWait();
  f.at(4000);
  f.send(90, 302, ACK, { data: 'old' });
  assert.equal(f.out(), ['4000: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  f.at(10000); assert.is(f.tcp.conns.length, 0);
});

test('TIME-WAIT: unacceptable segment, beyond the window: <SEQ=302><ACK=102><CTL=ACK>', () => {
  const f = reach.timeWait();
  f.send(102 + 2047, 302, ACK);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
});

test('TIME-WAIT: RST exact: CLOSED at once', () => {
  const f = reach.timeWait();
  f.send(102, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
  assert.equal(f.rec.events, ['end', 'close']);
});

test('TIME-WAIT: RST in the window, not exact: challenge ACK', () => {
  const f = reach.timeWait();
  f.send(200, 0, RST);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'TIME-WAIT');
});

test('TIME-WAIT: RST outside the window: dropped', () => {
  const f = reach.timeWait();
  f.send(101, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'TIME-WAIT');
});

test('TIME-WAIT: SYN at or below RCV.NXT: an ACK (in the window, a challenge ACK); beyond it, a new connection (RFC 6191 without timestamps, RFC 1122 4.2.2.13)', () => {
  const f = reach.timeWait();
  f.send(90, 0, SYN);
  f.send(102, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047', '0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'TIME-WAIT');
  // Beyond RCV.NXT: the listener on 80 takes it, the new ISS beyond the old SND.NXT (302 + 65537).
  f.send(5000, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=65839><ACK=5001><CTL=SYN,ACK> win=2048 mss=1460']);
  assert.is(f.c.stateName, 'CLOSED');
});

test('TIME-WAIT: ACK bit off: dropped, even a FIN again or text (neither is acknowledged)', () => {
  const f = reach.timeWait();
  f.send(102, 302, FIN);
  f.send(102, 302, 0, { data: 'x' });
  assert.equal(f.out(), []);
  f.runTo(10000);                               // 2 MSL not restarted by the dropped FIN
  assert.is(f.tcp.conns.length, 0);
});

test('TIME-WAIT: an ACK of everything sent: nothing sent, TIME-WAIT stays', () => {
  const f = reach.timeWait();
  f.send(102, 302, ACK);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'TIME-WAIT');
});

test('TIME-WAIT: duplicate ACK: ignored', () => {
  const f = reach.timeWait();
  f.send(102, 301, ACK);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'TIME-WAIT');
});

test('TIME-WAIT: ACK of unsent data: <SEQ=302><ACK=102><CTL=ACK>, dropped', () => {
  const f = reach.timeWait();
  f.send(102, 303, ACK);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
});

test('TIME-WAIT: URG after the FIN: ignored, acknowledged as it stands', () => {
  const f = reach.timeWait();
  f.send(102, 302, ACK | URG, { data: 'u', urg: 1 });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.text(), '');
});

test('TIME-WAIT: segment text after the FIN: not taken, <SEQ=302><ACK=102><CTL=ACK>', () => {
  const f = reach.timeWait();
  f.send(102, 302, ACK, { data: 'late' });
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.text(), '');
});

test('TIME-WAIT: a FIN after the FIN: <SEQ=302><ACK=102><CTL=ACK>, TIME-WAIT stays', () => {
  const f = reach.timeWait();
  f.send(102, 302, ACK | FIN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.c.stateName, 'TIME-WAIT');
});

test('TIME-WAIT: SEND: refused', () => {
  const f = reach.timeWait();
  assert.is(f.tcp.send(f.c, enc('x'), 0, 1), 0);
  assert.equal(f.out(), []);
});

test("TIME-WAIT: RECEIVE: the text that came with the peer's FIN is still read, then nothing", () => {
  const f = reach.finWait2();
  f.rec.tcp = null;
  f.send(101, 302, ACK | FIN, { data: 'ab' });
  assert.is(f.c.stateName, 'TIME-WAIT');
  const b = new Uint8Array(4);
  assert.is(f.tcp.recv(f.c, b, 0, 4), 2);
  assert.is(new TextDecoder().decode(b.subarray(0, 2)), 'ab');
  assert.is(f.tcp.recv(f.c, b, 0, 4), 0);
});

test('TIME-WAIT: CLOSE again: nothing happens', () => {
  const f = reach.timeWait();
  f.tcp.close(f.c);
  assert.equal(f.out(), []);
  assert.is(f.c.stateName, 'TIME-WAIT');
});

test('TIME-WAIT: ABORT: CLOSED, no RST (RFC 9293 3.10.5)', () => {
  const f = reach.timeWait();
  f.tcp.abort(f.c);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 0);
});

test('TIME-WAIT: retransmission timeout: nothing outstanding, nothing sent', () => {
  const f = reach.timeWait();
  f.runTo(9999);
  assert.equal(f.out(), []);
});

test('TIME-WAIT: 2 MSL timeout: CLOSED at exactly 10 s, then the port answers RST', () => {
  const f = reach.timeWait();
  f.runTo(9999);
  assert.is(f.c.stateName, 'TIME-WAIT');
  f.at(10000);
  assert.is(f.tcp.conns.length, 0);
  assert.equal(f.rec.events, ['end', 'close']);
  f.send(102, 302, ACK);
  assert.equal(f.out(), ['10000: <SEQ=302><CTL=RST> win=0']);
});

test('CLOSE-WAIT: the peer\'s FIN again (old): an ACK; 2 MSL later the connection is still there (only TIME-WAIT restarts 2 MSL)', () => {
  const f = reach.closeWait();
  f.at(10);
  f.send(101, 301, ACK | FIN);
  assert.equal(f.out(), ['10: <SEQ=301><ACK=102><CTL=ACK> win=2047'], 'the window\'s right edge kept: the FIN took a number');
  f.runTo(25000);
  assert.is(f.c.stateName, 'CLOSE-WAIT');
  assert.equal(f.rec.events, ['end']);
});

test.run();
