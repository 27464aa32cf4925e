// Half-open connections cost a few words (issue 21): the SYN cache (BSD's syncache) and SYN
// cookies (RFC 4987 3.3) when it is full. The Tcp under test at 198.18.0.2 (ISN 300 from the
// cache), port 80; peers at 198.18.0.1 (ISN 100), exact segments in virtual time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MSS, RTO, RIP as RIP_, type Conn } from '../firmware/tcp/tcp.ts';
import { reach, stack, segment, PEER_IP, OUR_IP } from './helpers/tcp-fixture.ts';

const SYN = 2, FIN = 1, RST = 4, ACK = 16, PSH = 8;

/** A stack whose SYN cache is full (synCache 1, taken by port 39999): SYNs get cookies. */
function cookies(cfg = {}) {
  const f = stack({ synCache: 1, ...cfg });
  f.ports.peer = 39999;
  f.send(7000, 0, SYN);
  f.ports.peer = 40000;
  f.out();
  /** The peer's SYN; returns the SYN,ACK's ISS (the cookie). */
  const syn = (seq = 100, mss?: number) => {
    f.send(seq, 0, SYN, { mss });
    const s = f.ifc.take();
    assert.is(s.length, 1);
    assert.is(s[0].flags, SYN | ACK);
    assert.is(s[0].ack, seq + 1);
    return s[0].seq;
  };
  return { ...f, syn };
}

test('a SYN makes no connection: an entry of the cache, made once, reused; the connection comes with the last ACK', () => {
  const f = reach.listen();
  f.send(100, 0, SYN);
  assert.is(f.tcp.conns.length, 0);
  const sc = f.tcp.sc;
  assert.ok(sc && sc.length === 9 * 8, 'synCache 8 entries of 8 words, and the row cookies go through');
  f.send(100, 0, RST | ACK, {});
  f.send(101, 0, RST);
  assert.is(f.tcp.halfOpen(80), 0, 'the RST at RCV.NXT removes it');
  f.send(500, 0, SYN);
  assert.is(f.tcp.sc, sc, 'the same array');
  f.send(501, 301, ACK);
  assert.is(f.conn()!.stateName, 'ESTABLISHED');
  assert.is(f.accepted.length, 1);
});

test('Tcp.poll returns the delay to the cache\'s next SYN,ACK: 1000 ms, then 2000 after it went', () => {
  const f = reach.synReceived();
  assert.is(f.tcp.poll(0), 1000);
  assert.is(f.tcp.poll(999), 1);
  f.ifc.now = 1000;
  assert.is(f.tcp.poll(1000), 2000);
  assert.equal(f.out(), ['1000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
});

test('the handshake\'s RTT sample comes through the cache (0 ms: RTO at the 200 ms floor); none after a SYN,ACK went again (Karn)', () => {
  const a = reach.established();
  assert.is(a.c.s[RTO], 200);
  const b = reach.synReceived();
  b.runTo(1000);
  b.send(101, 301, ACK);
  assert.is(b.conn()!.s[RTO], 1000, 'rtoInitMs, no sample');
});

test('cache full: the SYN,ACK carries a cookie; its ACK makes the connection, ESTABLISHED and accepted, nothing kept before', () => {
  const f = cookies();
  const iss = f.syn(100, 1460);
  assert.is(f.tcp.counters.synCookies, 1);
  assert.is(f.tcp.halfOpen(0), 1, 'only the entry of port 39999');
  f.send(101, (iss + 1) >>> 0, ACK);
  assert.equal(f.out(), []);
  const c = f.tcp.conns[0];
  assert.is(c.stateName, 'ESTABLISHED');
  assert.is(c.s[MSS], 1460);
  assert.is(f.accepted.length, 1);
  assert.is(f.tcp.counters.cookiesOk, 1);
  // Data both ways from there.
  f.send(101, (iss + 1) >>> 0, ACK | PSH, { data: 'hello' });
  assert.is(f.text(), 'hello');
});

test('cookie: text and FIN with the last ACK are taken; the MSS is the largest of 536, 1220, 1440, 1460 not above the peer\'s', () => {
  for (const [peer, mss] of [[undefined, 536], [1000, 536], [1300, 1220], [1459, 1440], [9000, 1460]] as const) {
    const f = cookies();
    const iss = f.syn(100, peer);
    f.send(101, (iss + 1) >>> 0, ACK | PSH | FIN, { data: 'hi' });
    const c = f.tcp.conns[0] as Conn;
    assert.is(c.s[MSS], mss, String(peer));
    assert.is(f.text(), 'hi');
    assert.is(c.stateName, 'CLOSE-WAIT');
    assert.equal(f.out(), [`0: <SEQ=${(iss + 1) >>> 0}><ACK=104><CTL=ACK> win=2045`]);
  }
});

test('cookie: a wrong or a stale one gets <SEQ=SEG.ACK><CTL=RST> and makes nothing; it lives 65.5 to 131 s', () => {
  const f = cookies();
  const iss = f.syn();
  for (const ack of [iss - 1, iss + 1, iss ^ 0x100, iss ^ 3]) {
    f.send(101, (ack + 1) >>> 0, ACK);
    assert.equal(f.out(), [`0: <SEQ=${(ack + 1) >>> 0}><CTL=RST> win=0`]);
  }
  f.send(102, (iss + 1) >>> 0, ACK); // another IRS
  assert.is(f.out().length, 1);
  assert.is(f.tcp.conns.length, 0);
  // Valid in its period (0 to 65.5 s) and the next (to 131 s), not after.
  f.at(131071);
  f.send(101, (iss + 1) >>> 0, ACK);
  assert.is(f.tcp.conns.length, 1);
  const g = cookies();
  const iss2 = g.syn();
  g.at(131072);
  g.out();
  g.send(101, (iss2 + 1) >>> 0, ACK);
  assert.equal(g.out(), [`131072: <SEQ=${(iss2 + 1) >>> 0}><CTL=RST> win=0`]);
  assert.is(g.tcp.conns.length, 0);
});

test('cookie: made and answered in a later period (after 65.5 s) it is valid; its connection has no RTT sample (RTO rtoInitMs)', () => {
  const f = cookies();
  f.at(70000);                                        // the second 65.5 s period
  f.out();                                            // port 39999's SYN,ACK again
  const iss = f.syn();
  f.send(101, (iss + 1) >>> 0, ACK);
  assert.is(f.tcp.conns.length, 1, 'the same period\'s cookie');
  assert.is(f.tcp.conns[0].s[RTO], 1000, 'no RTT sample: the SYN,ACK\'s send time is not kept');
});

test('a cache row used again starts afresh: its SYN,ACK backoff from rtoInitMs (1000, 2000), whatever the row\'s last entry did', () => {
  const f = stack({ synCache: 1 });
  f.send(100, 0, SYN);                                // row 0: SYN,ACK at 0, again at 1000
  f.runTo(1500);
  f.send(101, 301, ACK);                              // the connection made, the row free
  f.out();
  f.ports.peer = 40001;
  f.at(2000);
  f.send(500, 0, SYN);
  f.runTo(6000);
  assert.equal(f.out().map((l) => l.split(':')[0]), ['2000', '3000', '5000']);
});

test('SYN-RECEIVED in the cache: an old ACK at SEQ=IRS (unacceptable) gets an ACK, not the SYN,ACK again', () => {
  const f = reach.synReceived();
  f.send(100, 301, ACK);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.half(), 1);
});

test('SYN-RECEIVED in the cache: RSTs in the window but not at RCV.NXT get challenge ACKs, at most challengeAcksPerSec', () => {
  const f = reach.synReceived({ challengeAcksPerSec: 1 });
  f.send(105, 0, RST);
  f.send(106, 0, RST);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.half(), 1);
});

test('halfOpen on a Tcp that has seen no SYN is 0', () => {
  assert.is(stack().tcp.halfOpen(0), 0);
});

test('a SYN flood of 2000 from changing ports and addresses: 8 entries, the rest cookies, no connection, every SYN answered; a client still gets in', () => {
  const f = stack({ backlog: 8 });
  for (let i = 0; i < 2000; i++) {
    const src = 0xc6120000 + 10 + (i % 250);
    const s = segment(src, OUR_IP, 1024 + i, 80, i * 7919, 0, SYN);
    f.tcp.input(src, OUR_IP, s, 0, s.length);
  }
  assert.is(f.ifc.take().length, 2000);
  assert.is(f.tcp.halfOpen(80), 8);
  assert.is(f.tcp.counters.synCookies, 1992);
  assert.is(f.tcp.conns.length, 0);
  f.send(100, 0, SYN);
  const [sa] = f.ifc.take();
  f.send(101, (sa.seq + 1) >>> 0, ACK);
  assert.is(f.conn()!.stateName, 'ESTABLISHED');
});

test('a full table refuses the SYN (dropped: the peer retries), critical memory too; nothing kept', () => {
  const f = stack({ maxConns: 1, reclaimIdleMs: 0 });
  f.send(100, 0, SYN);
  f.send(101, 301, ACK);
  f.out();
  f.ports.peer = 40001;
  f.send(100, 0, SYN);
  assert.equal(f.out(), []);
  assert.is(f.tcp.counters.tableFull, 1);
  assert.is(f.tcp.halfOpen(0), 0);
  // Memory critical: the SYN is dropped. Low: answered (it costs nothing), the last ACK's
  // connection refused for memory, the row kept for the SYN,ACK to go again.
  const g = stack();
  (g.ifc as unknown as { lowMem: number }).lowMem = 2;
  g.send(100, 0, SYN);
  assert.equal(g.out(), []);
  assert.is(g.tcp.counters.dropLowMem, 1);
  (g.ifc as unknown as { lowMem: number }).lowMem = 1;
  g.send(100, 0, SYN);
  g.send(101, 301, ACK);
  assert.equal(g.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  assert.is(g.tcp.counters.dropLowMem, 2);
  assert.is(g.tcp.halfOpen(80), 1);
  (g.ifc as unknown as { lowMem: number }).lowMem = 0;
  g.send(101, 301, ACK);
  assert.is(g.conn()!.stateName, 'ESTABLISHED');
});

test('the table full when the last ACK comes: the ACK dropped, the entry kept, its SYN,ACK again; the ACK after a slot frees makes it', () => {
  const f = stack({ maxConns: 1, reclaimIdleMs: 0, keepIdleMs: 0 });
  f.ports.peer = 40001;
  f.send(100, 0, SYN);
  f.out();
  f.ports.peer = 40000;
  f.send(100, 0, SYN);
  f.send(101, 301, ACK);
  f.out();
  f.ports.peer = 40001;
  f.send(101, 301, ACK);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 1);
  assert.is(f.tcp.counters.tableFull, 1);
  f.runTo(1000);
  assert.equal(f.out(), ['1000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  f.tcp.abort(f.tcp.conns[0]);
  f.send(101, 301, ACK);
  assert.is(f.conn()!.s[3], 40001);
});

test('unlisten drops the listener\'s entries; another listener\'s stay', () => {
  const f = reach.listen();
  f.tcp.listen(81, () => {});
  f.send(100, 0, SYN);
  f.ports.ours = 81;
  f.send(100, 0, SYN);
  assert.is(f.tcp.halfOpen(0), 2);
  f.tcp.unlisten(80);
  assert.is(f.tcp.halfOpen(80), 0);
  assert.is(f.tcp.halfOpen(81), 1);
});

test('two peers from the same port: each last ACK finds its own entry (address and ports), the first row of a full cache too', () => {
  const f = stack({ synCache: 2 });
  const OTHER = PEER_IP + 5;
  const from = (ip: number, seq: number, ack: number, flags: number) => {
    const sg = segment(ip, OUR_IP, 40000, 80, seq, ack, flags, {});
    f.tcp.input(ip, OUR_IP, sg, 0, sg.length);
  };
  from(PEER_IP, 100, 0, SYN);                          // the cache's second row
  from(OTHER, 5000, 0, SYN);                           // its first row: the cache is full
  assert.equal(f.ifc.take().map((x) => [x.dst, x.seq, x.ack]), [[PEER_IP, 300, 101], [OTHER, 300, 5001]]);
  from(OTHER, 5001, 301, ACK);
  assert.equal(f.ifc.take(), [], 'no RST, no challenge');
  assert.equal(f.tcp.conns.map((c) => [c.s[RIP_] >>> 0, c.stateName]), [[OTHER, 'ESTABLISHED']]);
  from(PEER_IP, 101, 301, ACK);
  assert.equal(f.tcp.conns.map((c) => [c.s[RIP_] >>> 0, c.stateName]), [[OTHER, 'ESTABLISHED'], [PEER_IP, 'ESTABLISHED']]);
  assert.is(f.tcp.halfOpen(80), 0);
});

test('the cache\'s SYN,ACK retransmissions are capped at rtoMaxMs; after synRetries <SEQ=ISS+1><CTL=RST> to the peer\'s address and port', () => {
  const f = reach.synReceived({ rtoMaxMs: 1500, synRetries: 3 });
  f.runTo(10000);
  assert.equal(f.ifc.take().map((x) => [x.t, x.flags, x.seq, x.dst, x.dport, x.sport]), [
    [1000, SYN | ACK, 300, PEER_IP, 40000, 80], [2500, SYN | ACK, 300, PEER_IP, 40000, 80], [4000, SYN | ACK, 300, PEER_IP, 40000, 80],
    [5500, RST, 301, PEER_IP, 40000, 80]]);
  assert.equal([f.tcp.counters.timeouts, f.half()], [1, 0]);
});

test.run();
