// TCP state by state, event by event (smoltcp style): one Tcp under test behind a fake interface,
// segments injected from a peer at 198.18.0.1:40000, and the exact segments it answers with at
// exact virtual times. ISN 300 for the Tcp under test (as TCP B of RFC 9293's figures).
// Every state's events one by one (RFC 9293 3.10) are in tcp-states-open (CLOSED, LISTEN,
// SYN-SENT, SYN-RECEIVED), tcp-states-synchronized (ESTABLISHED, CLOSE-WAIT) and
// tcp-states-closing (FIN-WAIT-1, FIN-WAIT-2, CLOSING, LAST-ACK, TIME-WAIT); this file keeps the
// scenarios across states (timers, congestion control, windows, the table).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tcp, CWND, FLAGS, MSS, RTTVAR8, NO_DELAY, RPORT, RTO, SND_UNA, SRTT8, type Conn, type TcpConfig } from '../firmware/tcp/tcp.ts';
import { FakeIface, segment, fmt, line, Recorder, stateOf, pair, A_IP, B_IP } from './helpers/tcp-fixture.ts';

const SYN = 2, FIN = 1, RST = 4, ACK = 16, PSH = 8;
const PEER = A_IP, US = B_IP, PP = 40000;

function fixture(cfg: TcpConfig = {}, listen = true) {
  const ifc = new FakeIface(US);
  const tcp = new Tcp(ifc as never, { isn: () => 300, ...cfg });
  const accepted: Conn[] = [];
  const rec = new Recorder(tcp);
  if (listen) tcp.listen(80, (c) => { c.user = rec; accepted.push(c); });
  const at = (t: number) => { ifc.now = t; tcp.poll(t); };
  const send = (seq: number, ack: number, flags: number, o: { data?: Uint8Array | string; win?: number; mss?: number; port?: number } = {}) => {
    const data = typeof o.data === 'string' ? new TextEncoder().encode(o.data) : o.data;
    const s = segment(PEER, US, PP, o.port ?? 80, seq, ack, flags, { data, win: o.win, mss: o.mss });
    tcp.input(PEER, US, s, 0, s.length);
  };
  // Every field that matters: the flags (fmt shows them all), the length, the window, a SYN's MSS.
  const out = () => ifc.take().map(line);
  return { ifc, tcp, accepted, rec, at, send, out, conn: () => tcp.conns[0] };
}

/** A connection established by the peer's SYN (ISN 100) and our SYN,ACK (ISN 300). */
function established(cfg: TcpConfig = {}, win = 8192, mss = 1460) {
  const f = fixture(cfg);
  f.send(100, 0, SYN, { mss, win });
  f.send(101, 301, ACK, { win });
  f.out();
  return f;
}

// ---- CLOSED and LISTEN ----

test('CLOSED: a SYN to a closed port gets RST,ACK with ack = seq+1', () => {
  const f = fixture({}, false);
  f.send(100, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=0><ACK=101><CTL=RST,ACK> win=0']);
});

test('CLOSED: an ACK to a closed port gets RST with seq = its ack; a RST gets nothing', () => {
  const f = fixture({}, false);
  f.send(100, 555, ACK);
  assert.equal(f.out(), ['0: <SEQ=555><CTL=RST> win=0']);
  f.send(100, 555, RST);
  assert.equal(f.out(), []);
});

test('LISTEN: an ACK gets RST seq = ack; a RST is ignored; a SYN gets SYN,ACK with MSS 1460', () => {
  const f = fixture();
  f.send(100, 777, ACK);
  assert.equal(f.out(), ['0: <SEQ=777><CTL=RST> win=0']);
  f.send(100, 0, RST);
  assert.equal(f.out(), []);
  f.send(100, 0, SYN, { mss: 536 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  assert.is(f.tcp.halfOpen(80), 1, 'SYN-RECEIVED, in the SYN cache');
});

// ---- SYN-RECEIVED ----

test('SYN-RECEIVED + ACK -> ESTABLISHED, accepted', () => {
  const f = fixture();
  f.send(100, 0, SYN);
  f.send(101, 301, ACK);
  assert.is(stateOf(f.conn()), 'ESTABLISHED');
  assert.is(f.accepted.length, 1);
});

test('SYN-RECEIVED + RST returns to LISTEN: the half-open connection is gone, the listener stays', () => {
  const f = fixture();
  f.send(100, 0, SYN);
  f.out();
  f.send(101, 0, RST);
  assert.is(f.tcp.conns.length, 0);
  assert.is(f.tcp.listeners.length, 1);
  f.send(500, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=300><ACK=501><CTL=SYN,ACK> win=2048 mss=1460']);
});

test('SYN-RECEIVED: lost final ACK: SYN,ACK retransmitted after 1 s, a duplicate SYN answered at once', () => {
  const f = fixture();
  f.send(100, 0, SYN);
  f.out();
  f.at(999); assert.equal(f.out(), []);
  f.at(1000); assert.equal(f.out(), ['1000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  f.at(1500);
  f.send(100, 0, SYN);
  assert.equal(f.out(), ['1500: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  f.send(101, 301, ACK);
  assert.is(stateOf(f.conn()), 'ESTABLISHED');
});

test('SYN-RECEIVED: an ACK of something we never sent gets RST', () => {
  const f = fixture();
  f.send(100, 0, SYN);
  f.out();
  f.send(101, 999, ACK);
  assert.equal(f.out(), ['0: <SEQ=999><CTL=RST> win=0']);
  assert.is(f.tcp.halfOpen(80), 1);
});

// ---- SYN-SENT ----

function client(cfg: TcpConfig = {}) {
  const f = fixture(cfg, false);
  const rec = new Recorder(f.tcp);
  const c = f.tcp.connect(PEER, 80, rec, { localPort: 5555 })!;
  return { ...f, c, rec };
}

test('SYN-SENT: SYN retransmitted with backoff 1, 2, 4, 8, 16 s, then ETIMEDOUT', () => {
  const f = client();
  assert.equal(f.out(), ['0: <SEQ=300><CTL=SYN> win=2048 mss=1460']);
  const times: number[] = [];
  for (let t = 0; t <= 70000; t += 50) { f.at(t); for (const s of f.ifc.take()) times.push(s.t); }
  assert.equal(times, [1000, 3000, 7000, 15000, 31000]);
  assert.equal(f.rec.events, ['close:ETIMEDOUT']);
  assert.is(f.tcp.conns.length, 0);
});

test('SYN-SENT: RST,ACK = connection refused', () => {
  const f = client();
  f.out();
  // The peer answers from port 80 to our port 5555.
  const s = segment(PEER, US, 80, 5555, 0, 301, RST | ACK);
  f.tcp.input(PEER, US, s, 0, s.length);
  assert.equal(f.rec.events, ['close:ECONNREFUSED']);
});

test('SYN-SENT: a SYN,ACK with a bad ACK gets RST; a good one is ACKed (ESTABLISHED)', () => {
  const f = client();
  f.out();
  let s = segment(PEER, US, 80, 5555, 100, 999, SYN | ACK);
  f.tcp.input(PEER, US, s, 0, s.length);
  assert.equal(f.out(), ['0: <SEQ=999><CTL=RST> win=0']);
  assert.is(stateOf(f.c), 'SYN-SENT');
  s = segment(PEER, US, 80, 5555, 100, 301, SYN | ACK, { mss: 536 });
  f.tcp.input(PEER, US, s, 0, s.length);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(stateOf(f.c), 'ESTABLISHED');
  assert.is(f.c.s[MSS], 536, 'MSS clamped to the peer\'s');
});

test('MSS: absent option means 536; data segments never exceed the MSS', () => {
  const f = fixture({ sndBuf: 4096 });
  f.send(100, 0, SYN, { win: 8192 }); // no MSS option
  f.send(101, 301, ACK, { win: 8192 });
  const c = f.conn();
  f.out();
  assert.is(c.s[MSS], 536);
  c.s[FLAGS] |= NO_DELAY;
  f.tcp.send(c, new Uint8Array(1500), 0, 1500);
  assert.equal(f.ifc.take().map((s) => s.len), [536, 536, 428]);
});

// ---- ESTABLISHED: receiving ----

test('ESTABLISHED: old and overlapping data trimmed, duplicates ACKed and not delivered again', () => {
  const f = established();
  f.send(101, 301, ACK | PSH, { data: 'hello' });
  f.send(101, 301, ACK | PSH, { data: 'hello' });         // duplicate
  assert.equal(f.out(), ['0: <SEQ=301><ACK=106><CTL=ACK> win=2043']);
  f.send(104, 301, ACK | PSH, { data: 'lo world' });      // overlaps 3 bytes
  assert.is(new TextDecoder().decode(Uint8Array.from(f.rec.data)), 'hello world');
});

test('ESTABLISHED: out-of-order data is held and delivered when the hole fills', () => {
  const f = established();
  f.send(106, 301, ACK, { data: 'world' });               // hole at 101..105
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']); // duplicate ACK at once
  assert.equal(f.rec.data, []);
  f.send(101, 301, ACK, { data: 'hello' });
  assert.is(new TextDecoder().decode(Uint8Array.from(f.rec.data)), 'helloworld');
  assert.equal(f.out(), ['0: <SEQ=301><ACK=111><CTL=ACK> win=2038']);
});

test('ESTABLISHED: with no out-of-order ranges (oooRanges 0) the early segment is dropped', () => {
  const f = established({ oooRanges: 0 });
  f.send(106, 301, ACK, { data: 'world' });
  f.send(101, 301, ACK, { data: 'hello' });
  assert.is(new TextDecoder().decode(Uint8Array.from(f.rec.data)), 'hello');
  assert.is(f.tcp.counters.dropOoo, 1);
});

test('ESTABLISHED: an ACK above SND.NXT is dropped and ACKed', () => {
  const f = established();
  f.send(101, 9999, ACK, { data: 'x' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.equal(f.rec.data, []);
});

test('ESTABLISHED: RST with seq = RCV.NXT resets; in window gets a challenge ACK; outside is dropped', () => {
  let f = established();
  f.send(101, 0, RST);
  assert.equal(f.rec.events, ['close:ECONNRESET']);
  f = established();
  f.send(500, 0, RST);                                    // in the window, not exact
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(stateOf(f.conn()), 'ESTABLISHED');
  f.send(100000, 0, RST);                                 // outside the window: dropped silently
  assert.equal(f.out(), []);
  assert.is(stateOf(f.conn()), 'ESTABLISHED');
});

test('ESTABLISHED: a SYN gets a challenge ACK (RFC 5961 4), rate-limited', () => {
  const f = established({ challengeAcksPerSec: 2 });
  for (let i = 0; i < 5; i++) f.send(101 + i, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048', '0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(stateOf(f.conn()), 'ESTABLISHED');
});

test('delayed ACK: one segment is ACKed after 100 ms; every second full segment at once', () => {
  const f = established({ rcvBuf: 8192 });
  f.send(101, 301, ACK, { data: 'a' });
  assert.equal(f.out(), []);
  f.at(99); assert.equal(f.out(), []);
  f.at(100); assert.equal(f.out(), ['100: <SEQ=301><ACK=102><CTL=ACK> win=8191']);
  f.send(102, 301, ACK, { data: new Uint8Array(1460) });
  f.send(1562, 301, ACK, { data: new Uint8Array(1460) });
  assert.equal(f.out(), ['100: <SEQ=301><ACK=3022><CTL=ACK> win=6732']);
});

test('the reply within the delayed-ACK time carries the ACK (piggyback)', () => {
  const f = established();
  f.send(101, 301, ACK | PSH, { data: 'GET' });
  f.at(20);
  f.tcp.send(f.conn(), new TextEncoder().encode('OK'), 0, 2);
  assert.equal(f.out(), ['20: <SEQ=301><ACK=104><CTL=PSH,ACK><DATA> len=2 win=2045']);
  f.at(200);
  assert.equal(f.out(), [], 'no separate pure ACK');
});

// ---- ESTABLISHED: sending ----

test('Nagle: a small segment waits for the ACK of the one in flight; setNoDelay sends at once', () => {
  const f = established();
  const c = f.conn();
  f.tcp.send(c, new Uint8Array(10), 0, 10);
  f.tcp.send(c, new Uint8Array(10), 0, 10);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=10 win=2048']);
  f.send(101, 311, ACK);
  assert.equal(f.out(), ['0: <SEQ=311><ACK=101><CTL=PSH,ACK><DATA> len=10 win=2048']);
  c.s[FLAGS] |= NO_DELAY;
  f.tcp.send(c, new Uint8Array(5), 0, 5);
  f.tcp.send(c, new Uint8Array(5), 0, 5);
  assert.equal(f.out(), ['0: <SEQ=321><ACK=101><CTL=PSH,ACK><DATA> len=5 win=2048', '0: <SEQ=326><ACK=101><CTL=PSH,ACK><DATA> len=5 win=2048']);
});

test('RTO: retransmission after 1 s, then 2 s (backoff); Karn: no RTT sample from it', () => {
  const f = established();
  const c = f.conn();
  // The handshake took 0 ms here, and its ACK timed the SYN,ACK (RFC 6298: RTO 200 ms, the floor).
  // These tests start from the initial RTO of 1 s instead, as with no sample yet (RFC 6298 2.1).
  c.s[SRTT8] = 0; c.s[RTTVAR8] = 0; c.s[RTO] = 1000;
  f.tcp.send(c, new Uint8Array(100), 0, 100);
  f.out();
  for (let t = 0; t <= 3000; t += 10) f.at(t);
  assert.equal(f.out(), ['1000: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=100 win=2048', '3000: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=100 win=2048']);
  assert.is(c.s[RTO], 4000);
  f.at(3050);
  f.send(101, 401, ACK);
  assert.is(c.s[SRTT8] / 8, 0, 'Karn: the ACK of a retransmitted segment gives no sample');
  assert.is(c.s[RTO], 4000);
  // A fresh segment's ACK gives a sample: RTO = SRTT + 4*RTTVAR, at least the 200 ms floor.
  f.tcp.send(c, new Uint8Array(10), 0, 10);
  f.at(3100);
  f.send(101, 411, ACK);
  assert.is(c.s[SRTT8] / 8, 50);
  assert.is(c.s[RTO], 200);
});

test('the handshake is timed: the ACK of our SYN,ACK gives the first RTT sample (RFC 6298 2.2)', () => {
  const f = fixture();
  f.at(5000);
  f.send(100, 0, SYN, { mss: 1460, win: 8192 });
  f.out();
  f.at(5120);
  f.send(101, 301, ACK);
  const c = f.conn();
  assert.is(c.stateName, 'ESTABLISHED');
  assert.is(c.s[SRTT8] / 8, 120);
  assert.is(c.s[RTO], 120 + 4 * 60, 'SRTT + 4 * RTTVAR, RTTVAR = R/2');
});

test('retry limit: after maxRetries the connection is aborted with RST and ETIMEDOUT', () => {
  const f = established({ maxRetries: 3 });
  const c = f.conn();
  // The handshake took 0 ms here, and its ACK timed the SYN,ACK (RFC 6298: RTO 200 ms, the floor).
  // These tests start from the initial RTO of 1 s instead, as with no sample yet (RFC 6298 2.1).
  c.s[SRTT8] = 0; c.s[RTTVAR8] = 0; c.s[RTO] = 1000;
  f.tcp.send(c, new Uint8Array(10), 0, 10);
  for (let t = 0; t <= 20000; t += 50) f.at(t);
  const segs = f.out();
  assert.equal(segs.slice(-1), ['15000: <SEQ=311><CTL=RST> win=0']);
  assert.is(segs.length, 5); // original, 3 retransmissions (1, 3, 7 s), RST at 15 s
  assert.equal(f.rec.events.slice(-1), ['close:ETIMEDOUT']);
});

test('fast retransmit on the third duplicate ACK', () => {
  const f = established({ sndBuf: 8192 }, 65535);
  const c = f.conn();
  c.s[CWND] = 10 * 1460;
  f.tcp.send(c, new Uint8Array(5 * 1460), 0, 5 * 1460);
  assert.is(f.out().length, 5);
  f.send(101, 301 + 1460, ACK, { win: 65535 });      // first ACK: new data acknowledged
  for (let i = 0; i < 2; i++) f.send(101, 301 + 1460, ACK, { win: 65535 });
  assert.equal(f.out(), []);
  f.send(101, 301 + 1460, ACK, { win: 65535 });      // third duplicate
  assert.equal(f.out(), [`0: <SEQ=${301 + 1460}><ACK=101><CTL=PSH,ACK><DATA> len=1460 win=2048`]);
  assert.is(f.tcp.counters.fastRetransmits, 1);
});

test('sequence numbers wrap past 2^32 while retransmitting', () => {
  const f = fixture({ isn: () => 0xfffffff0 });
  f.send(100, 0, SYN, { mss: 1460, win: 8192 });
  f.send(101, 0xfffffff1, ACK, { win: 8192 });
  f.out();
  const c = f.conn();
  c.s[FLAGS] |= NO_DELAY;
  f.tcp.send(c, new Uint8Array(40), 0, 40);
  assert.equal(f.out(), [`0: <SEQ=${0xfffffff1}><ACK=101><CTL=PSH,ACK><DATA> len=40 win=2048`]);
  f.at(1000);
  assert.equal(f.out(), [`1000: <SEQ=${0xfffffff1}><ACK=101><CTL=PSH,ACK><DATA> len=40 win=2048`]);
  f.send(101, (0xfffffff1 + 40) >>> 0, ACK, { win: 8192 });
  assert.is(c.s[SND_UNA], 25);
  assert.is(c.unacked, 0);
});

test('zero window: persist probes with backoff, then the window update lets data go', () => {
  const f = established({}, 0);
  const c = f.conn();
  // The handshake took 0 ms here, and its ACK timed the SYN,ACK (RFC 6298: RTO 200 ms, the floor).
  // These tests start from the initial RTO of 1 s instead, as with no sample yet (RFC 6298 2.1).
  c.s[SRTT8] = 0; c.s[RTTVAR8] = 0; c.s[RTO] = 1000;
  f.tcp.send(c, new Uint8Array(100), 0, 100);
  assert.equal(f.out(), []);
  const probes: number[] = [];
  for (let t = 0; t <= 8000; t += 50) { f.at(t); for (const s of f.ifc.take()) { assert.is(s.len, 1); probes.push(s.t); } }
  assert.equal(probes, [1000, 3000, 7000]);
  f.send(101, 301, ACK, { win: 4096 });                  // window update
  assert.equal(f.out(), ['8000: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=100 win=2048']);
});

test('window update when the application reads after a full window', () => {
  const f = fixture({ rcvBuf: 2048 });
  f.tcp.listeners[0] && f.tcp.unlisten(80);
  let conn: Conn | null = null;
  f.tcp.listen(80, (c) => { conn = c; c.user = { onConnect() {}, onReadable() { /* does not read */ }, onEnd() {}, onWritable() {}, onClose() {} }; });
  f.send(100, 0, SYN);
  f.send(101, 301, ACK);
  f.out();
  f.send(101, 301, ACK, { data: new Uint8Array(1460) });
  f.send(1561, 301, ACK, { data: new Uint8Array(588) });
  assert.equal(f.ifc.take().map((s) => s.win), [0]);      // the ACK of both advertises a zero window
  const buf = new Uint8Array(2048);
  assert.is(f.tcp.recv(conn!, buf, 0, 2048), 2048);
  assert.equal(f.ifc.take().map((s) => [s.ack, s.win]), [[2149, 2048]]); // the window update
  assert.is(f.tcp.recv(conn!, buf, 0, 2048), 0);
  assert.equal(f.ifc.take(), [], 'nothing more to read, no second update');
});

test('keepalive: probes after the idle time, abort after keepCnt unanswered', () => {
  const f = established({ keepIdleMs: 10000, keepIntvlMs: 1000, keepCnt: 3 });
  f.tcp.setKeepAlive(f.conn(), true);
  for (let t = 0; t <= 15000; t += 100) f.at(t);
  const segs = f.out();
  assert.equal(segs.slice(0, 3), ['10000: <SEQ=300><ACK=101><CTL=ACK> win=2048', '11000: <SEQ=300><ACK=101><CTL=ACK> win=2048', '12000: <SEQ=300><ACK=101><CTL=ACK> win=2048']);
  assert.equal(segs[3], '13000: <SEQ=301><CTL=RST> win=0');
  assert.equal(f.rec.events.slice(-1), ['close:ETIMEDOUT']);
});

// ---- closing ----

test('FIN with data: delivered, then end; CLOSE-WAIT', () => {
  const f = established();
  f.send(101, 301, ACK | FIN | PSH, { data: 'bye' });
  assert.is(new TextDecoder().decode(Uint8Array.from(f.rec.data)), 'bye');
  assert.equal(f.rec.events.slice(-2), ['readable', 'end']);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=105><CTL=ACK> win=2044']);
  assert.is(stateOf(f.conn()), 'CLOSE-WAIT');
});

test('a FIN behind a hole is held back until the hole fills', () => {
  const f = established();
  f.send(106, 301, ACK | FIN, { data: 'world' });
  assert.is(stateOf(f.conn()), 'ESTABLISHED');
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  f.send(101, 301, ACK, { data: 'hello' });
  assert.is(stateOf(f.conn()), 'CLOSE-WAIT');
  assert.equal(f.out(), ['0: <SEQ=301><ACK=112><CTL=ACK> win=2037']);
  assert.equal(f.rec.events.slice(-1), ['end']);
});

test('a FIN behind a hole stays held while the hole is only partly filled', () => {
  const f = established();
  f.send(106, 301, ACK | FIN, { data: 'world' });
  f.send(101, 301, ACK, { data: 'he' });                  // 101..102: 103..105 still missing
  assert.is(stateOf(f.conn()), 'ESTABLISHED');
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048', '0: <SEQ=301><ACK=103><CTL=ACK> win=2046'], 'duplicate ACKs at once, the FIN not acknowledged');
  assert.equal(f.rec.events.includes('end'), false);
  f.send(103, 301, ACK, { data: 'llo' });
  assert.is(stateOf(f.conn()), 'CLOSE-WAIT');
  assert.equal(f.rec.events.slice(-1), ['end']);
});

test('data in FIN-WAIT-1 and FIN-WAIT-2 is delivered', () => {
  const f = established();
  f.tcp.close(f.conn());
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048']);
  f.send(101, 301, ACK, { data: 'one' });                 // does not ack our FIN
  assert.is(stateOf(f.conn()), 'FIN-WAIT-1');
  f.send(104, 302, ACK, { data: 'two' });                 // acks it
  assert.is(stateOf(f.conn()), 'FIN-WAIT-2');
  assert.is(new TextDecoder().decode(Uint8Array.from(f.rec.data)), 'onetwo');
});

test('TIME-WAIT: a retransmitted FIN is ACKed again and 2 MSL restarts', () => {
  const f = established({ mslMs: 1000 });
  f.tcp.close(f.conn());
  f.send(101, 302, ACK | FIN);
  assert.is(stateOf(f.conn()), 'TIME-WAIT');
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=FIN,ACK> win=2048', '0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  f.at(1500);
  f.send(101, 302, ACK | FIN);                              // the peer lost our ACK
  assert.equal(f.out(), ['1500: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  f.at(3400); assert.is(stateOf(f.conn()), 'TIME-WAIT', 'restarted at 1500: ends at 3500');
  f.at(3500); assert.is(f.tcp.conns.length, 0);
});

test('LAST-ACK: our FIN is retransmitted until acknowledged, then CLOSED', () => {
  const f = established();
  f.send(101, 301, ACK | FIN);
  f.out();
  f.tcp.close(f.conn());
  assert.equal(f.out(), ['0: <SEQ=301><ACK=102><CTL=FIN,ACK> win=2047']);
  f.at(1000);
  assert.equal(f.out(), ['1000: <SEQ=301><ACK=102><CTL=FIN,ACK> win=2047']);
  f.send(102, 302, ACK);
  assert.is(f.tcp.conns.length, 0);
  assert.equal(f.rec.events.slice(-1), ['close']);
});

test('simultaneous close goes through CLOSING to TIME-WAIT on both ends', () => {
  const w = pair({ isn: () => 100 }, { isn: () => 300 });
  let b: Conn | null = null;
  w.b.listen(80, (c) => { b = c; c.user = new Recorder(w.b); });
  const a = w.a.connect(B_IP, 80, new Recorder(w.a))!;
  w.run(100);
  w.log.length = 0;
  w.a.close(a); w.b.close(b!);                             // both FINs cross
  w.run(5);
  assert.is(stateOf(a), 'FIN-WAIT-1'); assert.is(stateOf(b), 'FIN-WAIT-1');
  w.run(10);
  assert.is(stateOf(a), 'CLOSING'); assert.is(stateOf(b), 'CLOSING');
  w.run(20);
  assert.is(stateOf(a), 'TIME-WAIT'); assert.is(stateOf(b), 'TIME-WAIT');
  assert.equal(w.log.map((e) => `${e.from} ${fmt(e.seg)}`), [
    'A <SEQ=101><ACK=301><CTL=FIN,ACK>', 'B <SEQ=301><ACK=101><CTL=FIN,ACK>',
    'B <SEQ=302><ACK=102><CTL=ACK>', 'A <SEQ=102><ACK=302><CTL=ACK>', // both at t+10: order of delivery
  ]);
});

test('simultaneous open: both SYN-SENT, both SYN-RECEIVED, both ESTABLISHED', () => {
  const w = pair({ isn: () => 100 }, { isn: () => 300 });
  const ra = new Recorder(w.a), rb = new Recorder(w.b);
  const a = w.a.connect(B_IP, 7000, ra, { localPort: 6000 })!;
  const b = w.b.connect(A_IP, 6000, rb, { localPort: 7000 })!;
  w.run(50);
  assert.is(stateOf(a), 'ESTABLISHED');
  assert.is(stateOf(b), 'ESTABLISHED');
  assert.equal(w.log.map((e) => `${e.from} ${fmt(e.seg)}`), [
    'A <SEQ=100><CTL=SYN>', 'B <SEQ=300><CTL=SYN>',
    'B <SEQ=300><ACK=101><CTL=SYN,ACK>', 'A <SEQ=100><ACK=301><CTL=SYN,ACK>', // both at t+10
  ]);
  assert.equal(ra.events, ['connect']);
  assert.equal(rb.events, ['connect']);
});

// ---- the table ----

test('connection table full: the SYN is dropped; a TIME-WAIT entry is recycled for a new one', () => {
  const f = fixture({ maxConns: 2 });
  f.send(100, 0, SYN, { port: 80 });
  f.send(101, 301, ACK);
  const s2 = segment(PEER, US, PP + 1, 80, 200, 0, SYN);
  f.tcp.input(PEER, US, s2, 0, s2.length);
  const a2 = segment(PEER, US, PP + 1, 80, 201, 301, ACK);
  f.tcp.input(PEER, US, a2, 0, a2.length);
  const s3 = segment(PEER, US, PP + 2, 80, 300, 0, SYN);
  f.tcp.input(PEER, US, s3, 0, s3.length);
  assert.is(f.tcp.conns.length, 2);
  assert.is(f.tcp.counters.tableFull, 1);
  // Put the first into TIME-WAIT: then a new SYN recycles it.
  f.tcp.close(f.conn());
  f.send(101, 302, ACK | FIN);
  assert.is(stateOf(f.conn()), 'TIME-WAIT');
  f.tcp.input(PEER, US, s3, 0, s3.length);
  const a3 = segment(PEER, US, PP + 2, 80, 301, 301, ACK);
  f.tcp.input(PEER, US, a3, 0, a3.length);
  assert.is(f.tcp.counters.timeWaitRecycled, 1);
  assert.equal(f.tcp.conns.map((c) => c.s[RPORT]), [PP + 1, PP + 2]);
});

test('SYN flood: the SYN cache holds the backlog, the rest get cookies; nothing allocated, established connections untouched, a new connection works', () => {
  const f = fixture({ backlog: 3, maxConns: 8 });
  f.send(100, 0, SYN);
  f.send(101, 301, ACK);
  const est = f.conn();
  f.out();
  for (let i = 0; i < 200; i++) {
    const s = segment(0xc6120000 + 10 + (i % 200), US, 1000 + i, 80, i * 1000, 0, SYN);
    f.tcp.input(0xc6120000 + 10 + (i % 200), US, s, 0, s.length);
  }
  assert.is(stateOf(est), 'ESTABLISHED');
  assert.is(f.tcp.conns.length, 1, 'no connection for a SYN');
  assert.is(f.tcp.halfOpen(80), 3);
  assert.is(f.tcp.counters.synCookies, 197);
  assert.is(f.ifc.take().length, 200, 'every SYN answered');
  // A legitimate client gets in with its cookie: the SYN,ACK's ISS + 1 acknowledged.
  const s = segment(PEER, US, 41000, 80, 5000, 0, SYN, { mss: 1460 });
  f.tcp.input(PEER, US, s, 0, s.length);
  const [synAck] = f.ifc.take();
  assert.is(synAck.flags, SYN | ACK);
  assert.is(synAck.ack, 5001);
  const ack = segment(PEER, US, 41000, 80, 5001, (synAck.seq + 1) >>> 0, ACK);
  f.tcp.input(PEER, US, ack, 0, ack.length);
  const c = f.tcp.conns.find((c) => c.s[RPORT] === 41000)!;
  assert.is(c.state, 4);
  assert.is(c.s[MSS], 1460, 'the MSS the cookie carried');
  assert.is(f.tcp.counters.cookiesOk, 1);
  assert.is(f.accepted.length, 2);
});

test.run();
