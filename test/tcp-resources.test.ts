// What a connection holds once it needs it no more, and what a SYN costs (issue 21): the rings
// given back (the receive ring once the peer's FIN is in and read, the send ring once the program
// has closed and everything is acknowledged), a SYN from an unresolved next hop not answered,
// memory short with slots free reclaiming as a full table does. The Tcp under test is 198.18.0.2
// (ISN 300, port 80), the peer 198.18.0.1:40000 (ISN 100); exact segments, in virtual time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Conn, type ConnUser } from '../firmware/tcp/tcp.ts';
import { Interface } from '../firmware/iface/interface.ts';
import { reach, stack, segment, PEER_IP, OUR_IP } from './helpers/tcp-fixture.ts';
import { NO_TIMER } from '../firmware/iface/types.ts';
import { FakeDriver } from './helpers/fake-driver.ts';
import { US_MAC, PEER_MAC, BCAST_MAC, ZERO_MAC, US, PEER, GW, eth, arp } from './helpers/frames.ts';

const FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

/** The bytes a connection's block holds: its numbers and both rings (one ArrayBuffer). */
const bytes = (c: Conn) => c.s.buffer.byteLength;

test('the receive ring goes once the peer\'s FIN is in and everything before it read; the send ring stays in CLOSE-WAIT', () => {
  const f = reach.established();
  const n = f.c.s.length * 4;
  assert.is(bytes(f.c), n + 2048 + 2048);
  // Data and FIN in one segment: read by the Recorder at once, so RB.LEN is 0 after it.
  f.send(101, 301, ACK | PSH | FIN, { data: 'hello' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=107><CTL=ACK> win=2042']);
  assert.is(f.text(), 'hello');
  assert.is(f.c.stateName, 'CLOSE-WAIT');
  assert.is(f.c.rb.length, 2048, 'until the poll');
  f.at(1);
  assert.is(f.c.rb.length, 0, 'the receive ring given back at the poll');
  assert.is(f.c.sb.length, 2048, 'CLOSE-WAIT: the program may still write');
  assert.is(bytes(f.c), n + 2048);
  // The program still writes (CLOSE-WAIT), the peer's FIN again is acknowledged as before.
  assert.is(f.tcp.send(f.c, new TextEncoder().encode('bye'), 0, 3), 3);
  assert.equal(f.out(), ['1: <SEQ=301><ACK=107><CTL=PSH,ACK><DATA> len=3 win=2042']);
  f.send(106, 301, ACK | FIN);
  assert.equal(f.out(), ['1: <SEQ=304><ACK=107><CTL=ACK> win=2042']);
  // Closed, and everything acknowledged (LAST-ACK): gone.
  f.tcp.close(f.c);
  assert.equal(f.out(), ['1: <SEQ=304><ACK=107><CTL=FIN,ACK> win=2042']);
  f.send(107, 305, ACK);
  assert.is(f.c.stateName, 'CLOSED');
});

test('data unread keeps the receive ring after the FIN; reading the last byte lets it go at the next poll', () => {
  const f = stack();
  const kept: Conn[] = [];
  const lazy: ConnUser = { onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  f.tcp.listen(81, (c) => { c.user = lazy; kept.push(c); });
  f.ports.ours = 81;
  f.send(100, 0, SYN, { mss: 1460 });
  f.send(101, 301, ACK);
  f.send(101, 301, ACK | PSH | FIN, { data: 'abc' });
  const c = kept[0];
  f.at(1);
  assert.is(c.rb.length, 2048, '3 bytes unread: the ring stays');
  const b = new Uint8Array(2);
  f.tcp.recv(c, b, 0, 2);
  f.at(2);
  assert.is(c.rb.length, 2048, '1 byte unread');
  f.tcp.recv(c, b, 0, 2);
  assert.is(new TextDecoder().decode(b.subarray(0, 1)), 'c');
  f.at(3);
  assert.is(c.rb.length, 0);
  assert.is(c.s[20], 0);
});

test('the send ring goes once the program has closed and everything is acknowledged (FIN-WAIT-2); the receive ring stays until the peer\'s FIN is read', () => {
  const f = reach.established();
  const n = f.c.s.length * 4;
  f.tcp.send(f.c, new TextEncoder().encode('0123456789'), 0, 10);
  f.tcp.close(f.c);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=10 win=2048', '0: <SEQ=311><ACK=101><CTL=FIN,ACK> win=2048']);
  f.send(101, 305, ACK); // part of the data
  f.at(1);
  assert.is(f.c.sb.length, 2048, '6 bytes unacknowledged: the ring stays');
  f.send(101, 312, ACK); // the rest and the FIN
  assert.is(f.c.stateName, 'FIN-WAIT-2');
  f.at(2);
  assert.is(f.c.sb.length, 0, 'the send ring given back');
  assert.is(f.c.rb.length, 2048);
  assert.is(bytes(f.c), n + 2048);
  // The peer still sends (FIN-WAIT-2): taken into the receive ring, then its FIN.
  f.send(101, 312, ACK | PSH, { data: 'late' });
  assert.is(f.text(), 'late');
  f.send(105, 312, ACK | FIN);
  assert.is(f.c.stateName, 'TIME-WAIT');
  f.at(3);
  assert.equal(f.out(), ['2: <SEQ=312><ACK=106><CTL=ACK> win=2043']);
  assert.is(bytes(f.c), n, 'TIME-WAIT holds the numbers only');
  // A retransmitted FIN in TIME-WAIT is still acknowledged (RFC 9293 3.10.7.4), with no ring.
  f.send(105, 312, ACK | FIN);
  assert.equal(f.out(), ['3: <SEQ=312><ACK=106><CTL=ACK> win=2043']);
});

test('a SYN from a next hop not resolved is not answered (its SYN,ACK could not go): no cookie, no cache entry; the peer\'s retry is', () => {
  const f = reach.listen();
  f.ifc.unresolved.push(PEER_IP);
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), []);
  assert.is(f.tcp.halfOpen(0), 0);
  assert.is(f.tcp.counters.synCookies, 0);
  // Nor a RST to a SYN for a closed port from it.
  f.ports.ours = 81;
  f.send(100, 0, SYN);
  assert.equal(f.out(), []);
  // Resolved (ARP answered): the SYN again is answered.
  f.ifc.unresolved.length = 0;
  f.ports.ours = 80;
  f.at(1000);
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['1000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  f.send(100, 7, RST | ACK);
  f.ports.ours = 81;
  f.send(100, 0, SYN);
  assert.equal(f.out(), ['1000: <SEQ=0><ACK=101><CTL=RST,ACK> win=0']);
});

test('Interface.reachable: resolved true; else one ARP request, evicting no resolved entry nor one asked for under a second ago', () => {
  const d = new FakeDriver(US_MAC.slice());
  const ifc = new Interface(d, { ip: US, prefix: 24, gateway: GW, random32: () => 0x12340000, arpEntries: 2 } as never);
  ifc.poll(0);
  d.take(); // its announcement
  const X = (US & 0xffffff00) + 40, Y = X + 1, Z = X + 2;
  assert.not.ok(ifc.reachable(X));
  assert.is(d.take().length, 1, 'one ARP request for X');
  assert.not.ok(ifc.reachable(X));
  assert.is(d.take().length, 0, 'X pending: asked once');
  ifc.now = 200;
  ifc.input(eth(BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, ZERO_MAC, US)), 42);
  d.take();
  assert.ok(ifc.reachable(PEER));
  assert.is(d.take().length, 0);
  ifc.now = 500;
  assert.not.ok(ifc.reachable(Y));
  assert.is(d.take().length, 0, 'the table full: PEER resolved, X asked 500 ms ago: nobody evicted');
  ifc.now = 1000;
  assert.not.ok(ifc.reachable(Z));
  assert.is(d.take().length, 1, 'X asked a second ago: Z takes its entry');
  assert.ok(ifc.reachable(PEER), 'PEER kept');
  // Off-link: the gateway's entry decides.
  assert.not.ok(ifc.reachable(0x08080808));
});

test('the SYN,ACK offers rcvBuf when free memory holds full rings in each slot\'s share, else the least ring, 536; the ring made is offered after', () => {
  // 8 slots, 400 blocks reserved: full rings (2 x 2048 bytes, 9 a block) and 65 blocks for the
  // connection itself need (4096 / 9 + 65) = 520.1 blocks a slot.
  const f = stack();
  Object.assign(f.ifc, { memFree: 400 + 8 * 521, memReserve: 400 });
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460'], '521 blocks a slot');
  f.ports.peer = 40001;
  Object.assign(f.ifc, { memFree: 400 + 8 * 520 });
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=536 mss=1460'], '520 blocks a slot: short of full rings');
  // Its last ACK: the ring made (newConn: the share of 8 slots less what the connection takes)
  // is 1024; the first segment we send offers it.
  f.send(101, 301, ACK);
  const c = f.tcp.conns[0];
  assert.equal([c.sb.length, c.rb.length], [2048, 1024]);
  f.tcp.send(c, new TextEncoder().encode('hi'), 0, 2);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=2 win=1024']);
});

test('the SYN,ACK at the share\'s boundary: exactly full rings (2 x 2052 bytes, 521 blocks a slot) still offers rcvBuf', () => {
  const f = stack({ sndBuf: 2052, rcvBuf: 2052 });
  Object.assign(f.ifc, { memFree: 400 + 8 * 521, memReserve: 400 });   // (521 - 65) * 9 = 4104
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2052 mss=1460']);
});

test('the SYN,ACK with memory short and rcvBuf under 536: rcvBuf, never more', () => {
  const f = stack({ rcvBuf: 500 });
  Object.assign(f.ifc, { memFree: 400, memReserve: 400 });
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=500 mss=1460']);
});

test('memory short with slots free: an accepted connection idle 30 s is reclaimed for it (lwIP tcp_alloc), not before', () => {
  const f = stack({ keepIdleMs: 0 });
  f.send(100, 0, SYN, { mss: 1460 });
  f.send(101, 301, ACK);
  f.out();
  // 100 blocks above the reserve with the connection, 600 once its memory is back.
  Object.assign(f.ifc, { memFree: 500, memReserve: 400, freeBlocks: () => (f.tcp.conns.length ? 500 : 1000) });
  f.ports.peer = 40001;
  f.at(29000);
  f.send(100, 0, SYN, { mss: 1460 });
  f.send(101, 301, ACK);
  assert.equal(f.out(), ['29000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=536 mss=1460'], 'nobody idle 30 s: refused for memory, the SYN,ACK (the least ring: memory short) goes again later');
  assert.is(f.tcp.counters.dropLowMem, 1);
  assert.is(f.tcp.conns.length, 1);
  f.at(30000);
  f.out();
  f.send(101, 301, ACK);
  assert.equal(f.out(), ['30000: <SEQ=301><CTL=RST> win=0'], 'the idle one reset');
  assert.is(f.tcp.counters.idleRecycled, 1);
  assert.equal(f.tcp.conns.map((c) => [c.s[3], c.sb.length, c.rb.length]), [[40001, 536, 536]], 'its share of what is free: an eighth');
  assert.equal(f.rec.events.filter((e) => e.startsWith('close')), ['close:ECONNABORTED']);
  assert.ok(OUR_IP && PEER_IP && FIN);
});

test('TIME-WAIT reclaimed for a new connection stays as a compact entry: a FIN again is acknowledged (2 MSL again), a RST at RCV.NXT ends it', () => {
  const f = reach.timeWait({ maxConns: 1 });          // 40000: SND.NXT 302, RCV.NXT 102; 2 MSL ends at 10000
  f.at(1);
  const old = f.c;
  f.ports.peer = 40001;
  f.send(100, 0, SYN, { mss: 1460 });
  f.send(101, 301, ACK);
  assert.equal(f.out(), ['1: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460'], 'TIME-WAIT goes quietly');
  assert.is(f.tcp.counters.timeWaitRecycled, 1);
  assert.is(old.stateName, 'CLOSED');
  assert.equal(f.tcp.conns.map((c) => c.s[3]), [40001]);
  assert.equal(Array.from(f.tcp.tw!.subarray(0, 6)), [PEER_IP, (80 << 16 | 40000) >>> 0, 302, 102, 2047, 10000]);
  // The peer's FIN again (its ACK of our FIN lost): acknowledged from the entry, 2 MSL again.
  f.ports.peer = 40000;
  f.at(5000);
  f.send(101, 302, ACK | FIN);
  assert.equal(f.out(), ['5000: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.is(f.tcp.tw![5], 15000);
  // Data, or a SYN at RCV.NXT (not beyond: that would reopen it), in the window: an ACK (a
  // challenge ACK, RFC 5961 4.2); a plain ACK: nothing.
  f.send(102, 302, ACK | PSH, { data: 'x' });
  f.send(102, 302, ACK);
  f.send(102, 0, SYN);
  assert.equal(f.out(), ['5000: <SEQ=302><ACK=102><CTL=ACK> win=2047', '5000: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  // A RST in the window but not at RCV.NXT: a challenge ACK; at RCV.NXT: the entry goes.
  f.send(103, 0, RST);
  assert.equal(f.out(), ['5000: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  f.send(102, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.tcp.tw![1], 0);
  // Gone: the listener answers the FIN again, as LISTEN does: <SEQ=SEG.ACK><CTL=RST>.
  f.send(101, 302, ACK | FIN);
  assert.equal(f.out(), ['5000: <SEQ=302><CTL=RST> win=0']);
});

test('a compact TIME-WAIT entry ends after 2 MSL; the poll\'s deadline counts it', () => {
  const f = reach.timeWait({ maxConns: 1 });
  f.at(1);
  f.ports.peer = 40001;
  f.send(100, 0, SYN, { mss: 1460 });
  f.send(101, 301, ACK);
  f.tcp.close(f.tcp.conns[0]);
  f.send(101, 302, ACK | FIN);                          // 40001 in TIME-WAIT too, until 10001
  f.out();
  f.tcp.abort(f.tcp.conns[0]);
  assert.is(f.tcp.poll(2), 9998, 'the entry\'s end (10000) is the next timer');
  f.ports.peer = 40000;
  f.at(9999);
  f.send(101, 302, ACK | FIN);
  assert.equal(f.out(), ['9999: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  f.at(19999);
  f.at(20000);
  assert.is(f.tcp.tw![1], 0, '2 MSL after the FIN again');
  f.send(101, 302, ACK | FIN);
  assert.equal(f.out(), ['20000: <SEQ=302><CTL=RST> win=0']);
});

test('a SYN beyond RCV.NXT reopens a connection in TIME-WAIT (RFC 1122 4.2.2.13), its ISS beyond the old SND.NXT; one at or below RCV.NXT does not', () => {
  // The connection itself in TIME-WAIT (SND.NXT 302, RCV.NXT 102).
  const f = reach.timeWait();
  f.send(90, 0, SYN);
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047'], 'an old SYN: unacceptable, an ACK');
  assert.is(f.c.stateName, 'TIME-WAIT');
  f.send(5000, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=65839><ACK=5001><CTL=SYN,ACK> win=2048 mss=1460']);
  assert.is(f.c.stateName, 'CLOSED');
  f.send(5001, 65840, ACK);
  assert.equal(f.tcp.conns.map((c) => [c.stateName, c.s[4]]), [['ESTABLISHED', 65839]]);
  // A compact entry, the same.
  const g = reach.timeWait({ maxConns: 1 });
  g.ports.peer = 40001;
  g.send(100, 0, SYN, { mss: 1460 });
  g.send(101, 301, ACK);
  g.out();
  g.ports.peer = 40000;
  g.send(102, 0, SYN);
  assert.equal(g.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047'], 'at RCV.NXT: in the window, a challenge ACK');
  g.tcp.abort(g.tcp.conns[0]);
  g.out();
  g.send(7000, 0, SYN, { mss: 1460 });
  assert.equal(g.out(), ['0: <SEQ=65839><ACK=7001><CTL=SYN,ACK> win=2048 mss=1460']);
  assert.is(g.tcp.tw![1], 0);
});

test('a ring given back keeps the other ring\'s bytes: a retransmission after the receive ring went, a read after the send ring went', () => {
  const f = reach.established();
  const data = new TextEncoder().encode('0123456789');
  f.tcp.send(f.c, data, 0, 10);                       // unacknowledged
  f.send(101, 301, ACK | FIN);                        // CLOSE-WAIT, nothing to read: the receive ring goes
  f.at(1);
  assert.equal([f.c.rb.length, f.c.sb.length], [0, 2048]);
  f.ifc.take();
  f.runTo(200);
  assert.equal(f.ifc.take().map((x) => new TextDecoder().decode(x.data)), ['0123456789'], 'the retransmission from the kept send ring');
  const g = reach.established();
  g.rec.tcp = null;                                   // reads nothing yet
  g.tcp.close(g.c);
  g.send(101, 302, ACK | PSH, { data: 'late' });       // our FIN acknowledged: FIN-WAIT-2
  g.at(1);
  assert.equal([g.c.rb.length, g.c.sb.length], [2048, 0]);
  const b = new Uint8Array(4);
  g.tcp.recv(g.c, b, 0, 4);
  assert.is(new TextDecoder().decode(b), 'late');
});

test('addressChanged drops the compact TIME-WAIT entries', () => {
  const f = reach.timeWait({ maxConns: 1 });
  f.ports.peer = 40001;
  f.send(100, 0, SYN, { mss: 1460 });
  f.send(101, 301, ACK);
  assert.is(f.tcp.tw![1] !== 0, true);
  f.tcp.addressChanged(OUR_IP);
  assert.equal(Array.from(f.tcp.tw!), Array.from(new Uint32Array(f.tcp.tw!.length)));
});

test('a segment of an open connection from a next hop not resolved is taken (only a SYN waits for the next hop)', () => {
  const f = reach.established();
  f.ifc.unresolved = [PEER_IP];
  f.send(101, 301, ACK | PSH, { data: 'hi' });
  assert.is(f.text(), 'hi');
});

/** Two connections (40000, then 40001 a second later) in TIME-WAIT, reclaimed by two new ones
 *  (40010, 40011): two compact entries. */
function twoEntries() {
  const f = stack({ maxConns: 2, keepIdleMs: 0 });
  const toTimeWait = (port: number, t: number) => {
    f.ports.peer = port;
    f.at(t);
    f.send(100, 0, SYN, { mss: 1460 });
    f.send(101, 301, ACK);
    f.tcp.close(f.tcp.conns[f.tcp.conns.length - 1]);
    f.send(101, 302, ACK | FIN);                      // TIME-WAIT until t + 10000
  };
  toTimeWait(40000, 0);
  toTimeWait(40001, 1000);
  for (const port of [40010, 40011]) { f.ports.peer = port; f.at(2000); f.send(100, 0, SYN, { mss: 1460 }); f.send(101, 301, ACK); }
  f.out();
  /** The peer on `port` sends its FIN again: what we answer. */
  const finAgain = (port: number) => { f.ports.peer = port; f.send(101, 302, ACK | FIN); return f.out(); };
  return { ...f, toTimeWait, finAgain };
}
const twAck = (t: number) => [`${t}: <SEQ=302><ACK=102><CTL=ACK> win=2047`];
const twGone = (t: number) => [`${t}: <SEQ=302><CTL=RST> win=0`];

test('compact TIME-WAIT entries: a free one is taken while there is one; when all are taken, the one whose 2 MSL ends first goes', () => {
  const f = twoEntries();
  assert.is(f.tcp.counters.timeWaitRecycled, 2);
  assert.equal(f.finAgain(40000), twAck(2000), 'kept: 2 MSL again, to 12000');
  f.at(2500);
  assert.equal(f.finAgain(40001), twAck(2500), 'kept: to 12500');
  // 40010 and 40011 closed into TIME-WAIT and reclaimed in turn: 40000's entry ends first
  // (12000) and goes, then 40001's (12500) before 40010's (13000).
  for (const [port, next] of [[40010, 40020], [40011, 40021]]) {
    f.ports.peer = port;
    f.at(3000);
    f.tcp.close(f.tcp.conns.find((c) => c.s[3] === port)!);
    f.send(101, 302, ACK | FIN);
    f.ports.peer = next;
    f.at(3500);
    f.send(100, 0, SYN, { mss: 1460 });
    f.send(101, 301, ACK);
  }
  f.out();
  assert.equal([f.finAgain(40000), f.finAgain(40001), f.finAgain(40010), f.finAgain(40011)], [twGone(3500), twGone(3500), twAck(3500), twAck(3500)]);
});

/** One compact TIME-WAIT entry (40000: SND.NXT 302, RCV.NXT 102, 2 MSL to 10000), the
 *  connection that took its slot (40001) open, at time 1. */
function oneEntry(cfg = {}) {
  const f = reach.timeWait({ maxConns: 1, ...cfg });
  f.at(1);
  f.ports.peer = 40001;
  f.send(100, 0, SYN, { mss: 1460 });
  f.send(101, 301, ACK);
  f.out();
  f.ports.peer = 40000;
  return f;
}

test('compact TIME-WAIT: an unacceptable segment is counted and ACKed; an old RST gets nothing; only a FIN restarts 2 MSL', () => {
  const f = oneEntry();
  f.send(90, 302, ACK);                               // old
  assert.equal(f.out(), ['1: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  assert.equal([f.tcp.counters.dropUnacceptable, f.tcp.tw![5]], [1, 10000], 'not a FIN: 2 MSL not restarted');
  f.send(90, 0, RST);
  assert.equal(f.out(), []);
  assert.is(f.tcp.tw![1] !== 0, true, 'the entry stays');
});

test('compact TIME-WAIT: text is answered with an ACK, a plain ACK of nothing new is not', () => {
  const f = oneEntry();
  f.send(102, 302, ACK | PSH, { data: 'x' });
  assert.equal(f.out(), ['1: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
  f.send(102, 302, ACK);
  assert.equal(f.out(), []);
});

test('compact TIME-WAIT: RSTs in the window but not at RCV.NXT get challenge ACKs, at most challengeAcksPerSec', () => {
  const f = oneEntry({ challengeAcksPerSec: 1 });
  f.send(103, 0, RST);
  f.send(104, 0, RST);
  assert.equal(f.out(), ['1: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
});

test('compact TIME-WAIT: the entry is the peer\'s address and ports: another address from the same ports is not it', () => {
  const f = oneEntry();
  const s = segment(0xc6120003, OUR_IP, 40000, 80, 101, 302, ACK | FIN);
  f.tcp.input(0xc6120003, OUR_IP, s, 0, s.length);
  assert.equal(f.out(), ['1: <SEQ=302><CTL=RST> win=0'], 'the listener\'s answer to an ACK it does not know');
});

test('compact TIME-WAIT: an entry ended by a RST no longer counts in the poll\'s deadline', () => {
  const f = oneEntry({ keepIdleMs: 0 });
  f.tcp.abort(f.tcp.conns[0]);
  assert.is(f.tcp.poll(1), 9999);
  f.send(102, 0, RST);
  assert.is(f.tcp.poll(1), NO_TIMER);
});

test('compact TIME-WAIT without a listener: the RSTs it takes (old, rate-limited, at RCV.NXT) are not counted as for no connection', () => {
  const f = oneEntry({ challengeAcksPerSec: 0 });
  f.tcp.unlisten(80);
  const before = f.tcp.counters.dropNoConn;
  f.send(90, 0, RST);                                 // old
  f.send(103, 0, RST);                                // in the window: no challenge ACK left
  f.send(102, 0, RST);                                // at RCV.NXT: the entry ends
  assert.equal([f.out(), f.tcp.counters.dropNoConn - before, f.tcp.tw![1]], [[], 0, 0]);
});

test('compact TIME-WAIT entries: a slot freed by a RST is taken again before a live entry, and of two ending together the first goes', () => {
  const f = twoEntries();                             // 40000 to 10000, 40001 to 11000
  f.ports.peer = 40001;
  f.send(102, 0, RST);                                // 40001's entry ends; its slot keeps 11000
  f.ports.peer = 40010;
  f.at(3000);
  f.tcp.close(f.tcp.conns.find((c) => c.s[3] === 40010)!);
  f.send(101, 302, ACK | FIN);                        // 40010 in TIME-WAIT to 13000
  f.ports.peer = 40020;
  f.send(100, 0, SYN, { mss: 1460 });
  f.send(101, 301, ACK);                              // 40010 reclaimed: the freed slot, not 40000's
  f.out();
  assert.equal([f.finAgain(40000), f.finAgain(40010)], [twAck(3000), twAck(3000)], 'both kept, both to 13000 now');
  f.ports.peer = 40011;
  f.tcp.close(f.tcp.conns.find((c) => c.s[3] === 40011)!);
  f.send(101, 302, ACK | FIN);
  f.ports.peer = 40021;
  f.send(100, 0, SYN, { mss: 1460 });
  f.send(101, 301, ACK);                              // all taken, 13000 both: the first (40000's) goes
  f.out();
  assert.equal([f.finAgain(40000), f.finAgain(40010), f.finAgain(40011)], [twGone(3000), twAck(3000), twAck(3000)]);
});

test('replies without a connection (RSTs, the SYN cache\'s SYN,ACKs) take no ARP queue buffer (noQueue); a connection\'s segments may', () => {
  const f = reach.listen();
  f.send(100, 0, SYN, { mss: 1460 });                 // the cache's SYN,ACK
  f.ports.ours = 81;
  f.send(100, 0, SYN);                                // a closed port: RST,ACK
  f.ports.ours = 80;
  f.send(101, 301, ACK);                              // the connection
  const c = f.conn()!;
  f.tcp.send(c, new TextEncoder().encode('hi'), 0, 2);
  assert.equal(f.ifc.take().map((x) => [x.flags, x.noQueue]), [[SYN | ACK, true], [RST | ACK, true], [ACK | PSH, false]]);
});

test.run();
