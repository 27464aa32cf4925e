// The user calls and the connection table, rule by rule (the half-open backlog, now the SYN
// cache, is in tcp-syncache): connect, the send and receive rings across their ends, the
// initial window by MSS (RFC 5681 3.1), the idle timer, and the calls that change nothing.
//
//    peer: TCP A, 198.18.0.1:40000, ISN 100          us: TCP B, 198.18.0.2:80, ISN 300
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CWND, LPORT, FLAGS as FLAGS_, RECLAIM as RECLAIM_, KEEP_ALIVE as KEEP_ALIVE_, PASSIVE as PASSIVE_ } from '../firmware/tcp/tcp.ts';
import { stack, reach, segment, PEER_IP, OUR_IP, FakeIface } from './helpers/tcp-fixture.ts';
import { Tcp } from '../firmware/tcp/tcp.ts';

const SYN = 2, ACK = 16;
const pattern = (n: number, k: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + k) & 255);


// ---- connect ----

test('connect: refused (null) while the interface has no address; no SYN', () => {
  const ifc = new FakeIface(0);
  const tcp = new Tcp(ifc as never, { isn: () => 300 });
  assert.is(tcp.connect(PEER_IP, 80, { onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} }), null);
  assert.equal(ifc.take(), []);
  assert.is(tcp.conns.length, 0);
});

test('connect: per-connection ring sizes override the configured ones', () => {
  const f = stack({}, false);
  const c = f.tcp.connect(PEER_IP, 80, f.rec, { sndBuf: 100, rcvBuf: 300, localPort: 5555 })!;
  assert.equal([c.sb.length, c.rb.length], [100, 300]);
  assert.equal(f.out(), ['0: <SEQ=300><CTL=SYN> win=300 mss=1460']);
  const d = f.tcp.connect(PEER_IP, 81, f.rec)!;
  assert.equal([d.sb.length, d.rb.length], [2048, 2048]);
});

test('connect: a random port of the dynamic range (RFC 6056 3.3.1), the next free one when it is taken, and the random one itself when all 16384 are', () => {
  const f = stack({}, false);
  f.ifc.random32 = () => 16384 * 3 + 5;                  // start 5 of the range: port 49157
  assert.is(f.tcp.connect(PEER_IP, 80, f.rec)!.s[LPORT], 49157);
  assert.is(f.tcp.connect(PEER_IP, 80, f.rec)!.s[LPORT], 49158);   // 49157 is in use with that peer
  // Every port of the range taken (16384 listeners, stood in for): the random one all the same.
  (f.tcp as unknown as { findListener(p: number): unknown }).findListener = () => true;
  assert.is(f.tcp.connect(PEER_IP, 81, f.rec)!.s[LPORT], 49157);
});

// ---- the rings across their ends ----

test('the send ring: data written across its end goes out intact, in order', () => {
  const f = reach.established({ sndBuf: 1000 });
  const a = pattern(800, 1), b = pattern(600, 2);
  assert.is(f.tcp.send(f.c, a, 0, 800), 800);
  f.send(101, 1101, ACK);                             // all 800 acknowledged: the ring's head at 800
  f.ifc.take();
  assert.is(f.tcp.send(f.c, b, 0, 600), 600);         // 200 to the end, 400 from the start
  assert.is(f.tcp.send(f.c, b, 0, 600), 400, 'only the room left');
  // The ring full: the 400 go at once behind the 600 in flight (Nagle holds nothing that no
  // write can join).
  const sent = f.ifc.take();
  assert.equal(sent.map((s) => s.data), [b, b.subarray(0, 400)]);
});

test('the receive ring: text stored across its end is read intact, in one call or in pieces', () => {
  const f = reach.established({ rcvBuf: 1000 });
  f.rec.tcp = null;
  const a = pattern(800, 3), b = pattern(600, 4);
  f.send(101, 301, ACK, { data: a });
  const got = new Uint8Array(1000);
  assert.is(f.tcp.recv(f.c, got, 0, 1000), 800);
  f.send(901, 301, ACK, { data: b });                 // 200 at the end, 400 at the start
  assert.is(f.tcp.recv(f.c, got, 5, 150), 150);
  assert.is(f.tcp.recv(f.c, got, 155, 1000), 450);
  assert.equal(got.subarray(5, 605), b);
  assert.is(f.tcp.recv(f.c, null, 0, 10), 0);
});

test('RECEIVE with no buffer (null) discards the bytes it takes', () => {
  const f = reach.established();
  f.rec.tcp = null;
  f.send(101, 301, ACK, { data: 'abcdef' });
  assert.is(f.tcp.recv(f.c, null, 0, 4), 4);
  const b = new Uint8Array(8);
  assert.is(f.tcp.recv(f.c, b, 0, 8), 2);
  assert.is(new TextDecoder().decode(b.subarray(0, 2)), 'ef');
});

// ---- the initial window (RFC 5681 3.1) ----

test('IW: 4 segments up to MSS 1095, 3 up to 2190, 2 above', () => {
  const iw = (mss: number) => {
    const f = stack();
    f.ifc.mtu = 9000;
    f.send(100, 0, SYN, { mss });
    f.send(101, 301, ACK);
    return f.conn()!.s[CWND] / mss;
  };
  assert.equal([iw(1095), iw(1096), iw(2190), iw(2191)], [4, 3, 3, 2]);
});

// ---- idle timer, calls that change nothing ----

test('setIdle: onIdle after the idle time, again each idle period, pushed back by traffic; 0 turns it off', () => {
  const f = reach.established();
  const idle: number[] = [];
  f.c.user = { ...f.rec, onReadable: () => {}, onEnd: () => {}, onWritable: () => {}, onClose: () => {}, onIdle: () => { idle.push(f.ifc.now); } } as never;
  f.tcp.setIdle(f.c, 1000);
  f.runTo(2500);
  assert.equal(idle, [1000, 2000]);
  f.send(101, 301, ACK, { data: 'x' });              // at 2500: traffic
  f.runTo(3600);
  assert.equal(idle, [1000, 2000, 3500]);
  f.tcp.setIdle(f.c, 0);
  f.runTo(6000);
  assert.equal(idle, [1000, 2000, 3500]);
  // A user without onIdle, and a connection without a user: the idle time passes quietly.
  const g = reach.established();
  g.tcp.setIdle(g.c, 1000);
  g.runTo(1500);
  g.c.user = null as never;
  g.runTo(2500);
  assert.is(g.c.stateName, 'ESTABLISHED');
});

test('setIdle and setKeepAlive on a connection idle for long: the first onIdle and the first probe come a full period after the call', () => {
  const f = reach.established({ keepIdleMs: 5000, keepIntvlMs: 1000 });
  const idle: number[] = [];
  f.c.user = { ...f.rec, onReadable: () => {}, onEnd: () => {}, onWritable: () => {}, onClose: () => {}, onIdle: () => { idle.push(f.ifc.now); } } as never;
  f.tcp.setKeepAlive(f.c, false);
  f.runTo(60000);                                     // nothing received since 0
  f.tcp.setIdle(f.c, 1000);
  f.tcp.setKeepAlive(f.c, true);
  f.runTo(61000);
  assert.equal(idle, [61000], 'not at once: 1000 ms after the call');
  f.runTo(65000);
  assert.equal(f.out(), ['65000: <SEQ=300><ACK=101><CTL=ACK> win=2048'], 'the probe 5000 ms after the call, not at once');
});

test('a SEND is activity for the idle timer (it pushes it back); a SEND that takes nothing (the ring full) is not', () => {
  const f = reach.established({ sndBuf: 4 });
  const idle: number[] = [];
  f.c.user = { ...f.rec, onReadable: () => {}, onEnd: () => {}, onWritable: () => {}, onClose: () => {}, onIdle: () => { idle.push(f.ifc.now); } } as never;
  f.tcp.setIdle(f.c, 1000);
  f.runTo(800);
  assert.is(f.tcp.send(f.c, pattern(4, 0), 0, 4), 4);   // at 800: unanswered (the peer sends nothing)
  f.runTo(1500);
  assert.equal(idle, [], 'pushed back to 1800');
  assert.is(f.tcp.send(f.c, pattern(4, 0), 0, 4), 0);   // at 1500: the ring full, nothing taken
  f.runTo(1800);
  assert.equal(idle, [1800]);
});

test('onState: a second ABORT of a closed connection does not report CLOSED again', () => {
  const seen: string[] = [];
  const f = reach.established({ onState: (_c, s) => seen.push(String(s)) });
  f.tcp.abort(f.c);
  f.tcp.abort(f.c);
  assert.equal(seen, ['3', '4', '0']);
});

test('CLOSE on a connection already closing, ABORT in TIME-WAIT: nothing sent, the state kept or gone', () => {
  const f = reach.finWait2();
  f.tcp.close(f.c);
  assert.equal([f.out(), f.c.stateName], [[], 'FIN-WAIT-2']);
  const g = reach.timeWait();
  g.tcp.abort(g.c);
  assert.equal([g.out(), g.tcp.conns.length], [[], 0]);
});

// ---- initial sequence numbers (RFC 6528) ----

test('ISN: M (a 4 us clock) + F(the four-tuple, a key of 4 random words): a known value, moving 250 per ms', () => {
  const isnAt = (now: number, lport: number, seed?: number) => {
    const ifc = new FakeIface(OUR_IP);
    if (seed !== undefined) { let r = seed; ifc.random32 = () => (r = (r * 69069 + 1) >>> 0); }
    ifc.now = now;
    const tcp = new Tcp(ifc as never, {});
    const c = tcp.connect(PEER_IP, 80, { onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} }, { localPort: lport })!;
    return ifc.take()[0].seq === c.s[4] ? c.s[4] : -1;
  };
  const base = isnAt(0, 5555);
  assert.is(base, 0x984d5d45, 'the known answer for the fixture\'s random source');
  assert.is(isnAt(1000, 5555), (base + 250000) >>> 0);
  assert.is(isnAt(0.004, 5555), (base + 1) >>> 0);
  const others = [isnAt(0, 5556), isnAt(0, 5555, 7), isnAt(0, 5555, 8)];
  assert.is(new Set([base, ...others]).size, 4, 'another port, another key: another ISN');
});

test('user calls on the flags: reclaimable and setKeepAlive turn their own bit off and leave the others; writable is the ring\'s room', () => {
  const f = reach.established();
  const fl = () => f.c.s[FLAGS_];
  assert.ok((fl() & RECLAIM_) && (fl() & KEEP_ALIVE_) && (fl() & PASSIVE_), 'an accepted connection: reclaimable, kept alive');
  f.tcp.reclaimable(f.c, false);
  assert.equal([!!(fl() & RECLAIM_), !!(fl() & KEEP_ALIVE_), !!(fl() & PASSIVE_)], [false, true, true]);
  f.tcp.setKeepAlive(f.c, false);
  assert.equal([!!(fl() & RECLAIM_), !!(fl() & KEEP_ALIVE_), !!(fl() & PASSIVE_)], [false, false, true]);
  f.tcp.reclaimable(f.c, true);
  assert.equal([!!(fl() & RECLAIM_), !!(fl() & PASSIVE_)], [true, true]);
  assert.is(f.c.writable, 2048);
  f.tcp.send(f.c, new Uint8Array(10), 0, 10);
  assert.is(f.c.writable, 2038);
});

test('unlisten of a port nobody listens on changes nothing; addressChanged drops the SYN cache\'s half-open entries', () => {
  const f = reach.synReceived();
  f.tcp.unlisten(81);
  assert.equal([f.tcp.listeners.length, f.half()], [1, 1]);
  f.tcp.addressChanged(OUR_IP);
  assert.is(f.half(), 0);
  f.send(101, 301, 16);
  assert.is(f.tcp.conns.length, 0, 'its last ACK finds no entry');
});

test('a connection\'s one block: the numbers, then the send ring, then the receive ring, none overlapping', () => {
  for (const oooRanges of [0, 1, 4]) {
    const f = reach.established({ oooRanges, sndBuf: 1000, rcvBuf: 700 });
    const { s, sb, rb } = f.c;
    assert.ok(s.buffer === sb.buffer && sb.buffer === rb.buffer, 'one ArrayBuffer');
    assert.is(sb.byteOffset, s.byteOffset + s.byteLength);
    assert.is(rb.byteOffset, sb.byteOffset + sb.length);
    assert.equal([sb.length, rb.length, s.buffer.byteLength], [1000, 700, s.byteLength + 1700]);
  }
});

test('ABORT of a connection already closed (a second destroy) leaves the other connections in the table', () => {
  const f = reach.established();
  const first = f.c;
  f.ports.peer = 40001;
  f.send(500, 0, 2, { mss: 1460 });
  f.send(501, 301, 16);
  assert.is(f.tcp.conns.length, 2);
  f.ports.peer = 40000;
  f.send(101, 0, 4);                                   // the peer resets the first
  assert.equal([first.stateName, f.tcp.conns.length], ['CLOSED', 1]);
  f.tcp.abort(first);
  assert.equal(f.tcp.conns.map((c) => c.s[3]), [40001]);
});

test.run();
