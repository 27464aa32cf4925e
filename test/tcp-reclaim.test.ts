// Connections that cost only what they use (issue 21): peers that vanish without FIN or RST,
// the table full, keepalive on by default. One Tcp under test (198.18.0.2, ISN 300, echo on 7,
// 8 slots) and clients at 198.18.0.1 from ports 40000 on (ISN 100), in virtual time, with the
// exact segments the Tcp sends.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tcp, type Conn, type ConnUser, type TcpConfig } from '../firmware/tcp/tcp.ts';
import { FakeIface, segment, line, PEER_IP, OUR_IP } from './helpers/tcp-fixture.ts';

const SYN = 2, FIN = 1, RST = 4, ACK = 16, PSH = 8;
const ECHO = 7;

/** The Tcp under test with an echo on port 7; `client(i)` speaks from port 40000 + i. */
function board(cfg: TcpConfig = {}) {
  const ifc = new FakeIface(OUR_IP);
  const tcp = new Tcp(ifc as never, { isn: () => 300, ...cfg });
  const closed: string[] = [];
  const echo: ConnUser = {
    onReadable(c: Conn) { const b = new Uint8Array(c.readable); tcp.recv(c, b, 0, b.length); tcp.send(c, b, 0, b.length); },
    onEnd(c: Conn) { tcp.close(c); },
    onWritable() {},
    onClose(c: Conn, err: string | null) { closed.push(`${c.s[3]}:${err}`); },
  };
  tcp.listen(ECHO, (c) => { c.user = echo; });
  const at = (t: number) => { ifc.now = t; tcp.poll(t); };
  const runTo = (t: number) => { for (let x = ifc.now + 1; x <= t; x++) at(x); };
  const send = (port: number, seq: number, ack: number, flags: number, data?: string) => {
    const s = segment(PEER_IP, OUR_IP, port, ECHO, seq, ack, flags, { data: data ? new TextEncoder().encode(data) : undefined });
    tcp.input(PEER_IP, OUR_IP, s, 0, s.length);
  };
  /** What the Tcp sent, as `port: line`. */
  const out = () => ifc.take().map((s) => `${s.dport}: ${line(s)}`);
  /** Client i: handshake, 16 bytes, their echo acknowledged; then it vanishes (sends nothing). */
  const vanish = (i: number) => {
    send(40000 + i, 100, 0, SYN, undefined);
    send(40000 + i, 101, 301, ACK);
    send(40000 + i, 101, 301, ACK | PSH, '0123456789abcdef');
    send(40000 + i, 117, 317, ACK);
  };
  return { ifc, tcp, closed, at, runTo, send, out, vanish };
}

test('12 clients vanish without FIN or RST after an echo: the 9th is refused while all 8 are fresh, served once one has been idle 30 s', () => {
  const b = board();
  for (let i = 0; i < 8; i++) b.vanish(i);
  assert.is(b.tcp.conns.length, 8);
  b.out();
  b.at(1000);
  b.send(40008, 100, 0, SYN);
  assert.equal(b.out(), [], 'table full, nobody idle 30 s: the SYN is dropped, the client retries');
  assert.is(b.tcp.counters.tableFull, 1);
  // The client's SYN again at 31 s (its retries at 1, 3, 7, 15, 31 s): answered, since client 0
  // has been idle (nothing received since 0) beyond 30 s; the handshake's ACK reclaims its slot,
  // with a RST to it.
  b.runTo(31000);
  b.out();
  b.send(40008, 100, 0, SYN);
  assert.equal(b.out(), ['40008: 31000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
  b.send(40008, 101, 301, ACK);
  assert.equal(b.out(), ['40000: 31000: <SEQ=317><CTL=RST> win=0']);
  assert.is(b.tcp.counters.idleRecycled, 1);
  assert.equal(b.closed, ['40000:ECONNABORTED']);
  assert.is(b.tcp.conns.length, 8);
  assert.equal(b.tcp.conns.map((c) => c.s[3]), [40001, 40002, 40003, 40004, 40005, 40006, 40007, 40008]);
});

test('vanished clients are found by keepalive: probes at 120, 130, 140 s, the RST at 150 s; then every slot is free', () => {
  const b = board({ reclaimIdleMs: 0 });
  for (let i = 0; i < 12; i++) b.vanish(i);
  assert.is(b.tcp.conns.length, 8);
  assert.is(b.tcp.counters.tableFull, 4, 'reclaimIdleMs 0: the last four refused');
  b.out();
  b.runTo(119999);
  assert.equal(b.out(), []);
  b.runTo(150000);
  const sent = b.out();
  // Each connection: three probes <SEQ=SND.UNA-1><ACK=RCV.NXT> (RFC 1122 4.2.3.6), then a RST.
  assert.equal(sent.filter((s) => s.startsWith('40000:')), [
    '40000: 120000: <SEQ=316><ACK=117><CTL=ACK> win=2032',
    '40000: 130000: <SEQ=316><ACK=117><CTL=ACK> win=2032',
    '40000: 140000: <SEQ=316><ACK=117><CTL=ACK> win=2032',
    '40000: 150000: <SEQ=317><CTL=RST> win=0',
  ]);
  assert.is(sent.length, 8 * 4);
  assert.is(b.tcp.conns.length, 0);
  assert.is(b.closed.length, 8);
  assert.ok(b.closed.every((c) => c.endsWith(':ETIMEDOUT')));
  // A new client is served at once.
  b.send(40020, 100, 0, SYN);
  assert.equal(b.out(), ['40020: 150000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460']);
});

test('keepalive: a peer that answers the probe keeps its connection; the probes start again after idle', () => {
  const b = board({ reclaimIdleMs: 0 });
  b.vanish(0);
  b.out();
  b.runTo(120000);
  assert.equal(b.out(), ['40000: 120000: <SEQ=316><ACK=117><CTL=ACK> win=2032']);
  b.send(40000, 117, 317, ACK); // the peer is there
  b.runTo(240000);
  assert.equal(b.out(), ['40000: 240000: <SEQ=316><ACK=117><CTL=ACK> win=2032']);
  assert.is(b.tcp.conns.length, 1);
});

test('a connection this side opened is never reclaimed, however idle, unless the program says so', () => {
  const b = board({ maxConns: 1, keepIdleMs: 0 });
  const user: ConnUser = { onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  const c = b.tcp.connect(PEER_IP, 5000, user, { localPort: 5555 })!;
  const s = segment(PEER_IP, OUR_IP, 5000, 5555, 100, 301, SYN | ACK);
  b.tcp.input(PEER_IP, OUR_IP, s, 0, s.length);
  assert.is(c.stateName, 'ESTABLISHED');
  b.out();
  b.runTo(600000);
  b.send(40001, 100, 0, SYN);
  assert.equal(b.out(), []);
  assert.is(b.tcp.counters.tableFull, 1);
  b.tcp.reclaimable(c, true);
  b.send(40001, 100, 0, SYN);
  b.send(40001, 101, 301, ACK);
  assert.equal(b.out(), ['40001: 600000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460', '5000: 600000: <SEQ=301><CTL=RST> win=0']);
  assert.is(b.tcp.counters.idleRecycled, 1);
  assert.is(c.stateName, 'CLOSED');
});

test('reclaim order: TIME-WAIT before closing, closing before idle, the idle one idle longest; an accepted one idle under reclaimIdleMs stays', () => {
  const b = board({ maxConns: 4, keepIdleMs: 0, reclaimIdleMs: 30000 });
  const port = (i: number) => 40000 + i;
  // 0: idle since 0; 1: idle since 5 s; 2: closing (FIN-WAIT-2); 3: TIME-WAIT.
  b.vanish(0);
  b.at(5000);
  b.vanish(1);
  b.vanish(2); b.tcp.close(b.tcp.conns[2]); b.send(port(2), 117, 318, ACK);
  b.vanish(3); b.tcp.close(b.tcp.conns[3]); b.send(port(3), 117, 318, ACK | FIN);
  assert.equal(b.tcp.conns.map((c) => c.stateName), ['ESTABLISHED', 'ESTABLISHED', 'FIN-WAIT-2', 'TIME-WAIT']);
  b.out();
  b.at(6000);
  b.send(port(10), 100, 0, SYN);
  b.send(port(10), 101, 301, ACK);
  assert.equal(b.out(), ['40010: 6000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460'], 'TIME-WAIT goes quietly');
  assert.is(b.tcp.counters.timeWaitRecycled, 1);
  b.send(port(11), 100, 0, SYN);
  b.send(port(11), 101, 301, ACK);
  assert.equal(b.out(), ['40011: 6000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460', '40002: 6000: <SEQ=318><CTL=RST> win=0']);
  assert.is(b.tcp.counters.closingRecycled, 1);
  b.at(20000);
  b.send(port(12), 100, 0, SYN);
  assert.equal(b.out(), [], 'nobody idle 30 s');
  b.at(35000);
  b.send(port(12), 100, 0, SYN);
  b.send(port(12), 101, 301, ACK);
  assert.equal(b.out(), ['40012: 35000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460', '40000: 35000: <SEQ=317><CTL=RST> win=0']);
  assert.is(b.tcp.counters.idleRecycled, 1);
});

test('reclaim order: the kind first, then the idle time: TIME-WAIT goes before an open connection idle longer after it in the table', () => {
  const b = board({ maxConns: 2, keepIdleMs: 0 });
  b.vanish(0);                                        // 40000, idle since 0 (made first)
  b.at(1000);
  b.vanish(1);                                        // 40001, idle since 1000
  b.at(5000);
  b.tcp.close(b.tcp.conns[0]); b.send(40000, 117, 318, ACK | FIN); // 40000 TIME-WAIT, its last segment at 5000
  assert.equal(b.tcp.conns.map((c) => `${c.s[3]} ${c.stateName}`), ['40000 TIME-WAIT', '40001 ESTABLISHED'], 'the open one, idle longer, after it');
  b.out();
  b.at(6000);
  b.send(40010, 100, 0, SYN);
  b.send(40010, 101, 301, ACK);
  assert.equal(b.out(), ['40010: 6000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460'], 'TIME-WAIT recycled quietly; the open one (idle 5 s) not');
  assert.equal(b.tcp.conns.map((c) => c.s[3]), [40001, 40010]);
  assert.equal(b.closed, ['40000:null'], 'its user told of a normal close, not ECONNABORTED');
});

test('reclaim order: of two idle beyond reclaimIdleMs, the one idle longer goes, wherever it is in the table', () => {
  const b = board({ maxConns: 2, keepIdleMs: 0 });
  b.vanish(0);                                        // 40000 made first
  b.at(1000);
  b.vanish(1);                                        // 40001: idle since 1000
  b.at(2000);
  b.send(40000, 117, 317, ACK);                       // 40000 heard from at 2000
  b.out();
  b.at(32000);
  b.send(40010, 100, 0, SYN);
  b.send(40010, 101, 301, ACK);
  assert.equal(b.out(), ['40010: 32000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460', '40001: 32000: <SEQ=317><CTL=RST> win=0'], '40001 idle 31 s, 40000 30 s');
});

test('reclaim order: of two idle equally long, the first in the table goes', () => {
  const b = board({ maxConns: 2, keepIdleMs: 0 });
  b.vanish(0);
  b.vanish(1);                                        // both idle since 0
  b.out();
  b.at(31000);
  b.send(40010, 100, 0, SYN);
  b.send(40010, 101, 301, ACK);
  assert.equal(b.out(), ['40010: 31000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=1460', '40000: 31000: <SEQ=317><CTL=RST> win=0']);
  assert.equal(b.tcp.conns.map((c) => c.s[3]), [40001, 40010]);
});

test('rings sized from what is free: halved, the larger first, down to 536 bytes each, before a refusal (ENOMEM-style: refused 2)', () => {
  // What the rings may take (one slot): (memFree - memReserve - 40 blocks) * 9 bytes, less the
  // control block's 228.
  const made = (memFree: number, maxConns = 1) => {
    const b = board({ maxConns });
    Object.assign(b.ifc, { memFree, memReserve: 400 });
    b.send(40000, 100, 0, SYN);
    b.send(40000, 101, 301, ACK);
    const c = b.tcp.conns[0];
    return c ? [c.sb.length, c.rb.length] : [b.tcp.counters.dropLowMem, b.tcp.refused];
  };
  assert.equal(made(100000), [2048, 2048]);
  assert.equal(made(440 + 481), [2048, 2048]); // 4101 bytes spare
  assert.equal(made(440 + 479), [2048, 1024]); // 4083
  assert.equal(made(440 + 366), [1024, 1024]); // 3066
  assert.equal(made(440 + 145), [536, 536]); // 1077
  assert.equal(made(440 + 144), [1, 2], 'refused, for memory'); // 1068
  // Eight slots free: a connection's share is an eighth of what is above the reserve.
  assert.equal(made(400 + 8 * (40 + 481), 8), [2048, 2048]);
  assert.equal(made(400 + 8 * (40 + 479), 8), [2048, 1024]);
  assert.equal(made(400 + 8 * (40 + 145), 8), [536, 536]);
  assert.equal(made(400 + 8 * (40 + 144), 8), [536, 536], 'below its share, the floor while what is free holds it');
  assert.equal(made(440 + 144, 8), [1, 2]);
});

test('ring sizes at the bounds: rings that fit exactly are made whole, a block less halves one; the floor that fits exactly is made, a block less is refused', () => {
  // oooRanges 7: a control block of 68 blocks (40 + (4 * 49 + 8 * 7) / 9); 8: 68 8/9. One slot.
  const made = (cfg: TcpConfig, above: number) => {
    const b = board({ maxConns: 1, ...cfg });
    Object.assign(b.ifc, { memFree: 400 + above, memReserve: 400 });
    b.send(40000, 100, 0, SYN);
    b.send(40000, 101, 301, ACK);
    const c = b.tcp.conns[0];
    return c ? [c.sb.length, c.rb.length] : [b.tcp.counters.dropLowMem, b.tcp.refused];
  };
  const rings = { sndBuf: 2250, rcvBuf: 2250, oooRanges: 7 };
  assert.equal(made(rings, 68 + 500), [2250, 2250], '(568 - 68) * 9 = 4500 bytes: both fit');
  assert.equal(made(rings, 68 + 499), [2250, 1125], '4491: one halved (the receive ring, of two equal)');
  assert.equal(made({ oooRanges: 8 }, 188), [536, 536], '(188 - 68 8/9) * 9 = 1072: the two floors fit');
  assert.equal(made({ oooRanges: 8 }, 187), [1, 2], '1063: refused, for memory');
  assert.equal(made({ oooRanges: 7, sndBuf: 536, rcvBuf: 2048 }, 68 + 200), [536, 1024], 'the send ring at its floor: the receive ring halved alone');
});

test('a receive ring made smaller for memory: the window offered goes only as far as the ring takes it', () => {
  const b = board({ maxConns: 1 });
  Object.assign(b.ifc, { memFree: 440 + 479, memReserve: 400 }); // rings 2048 and 1024
  b.send(40000, 100, 0, SYN);
  b.out();                                            // the SYN,ACK (its offer: test/tcp-resources)
  b.send(40000, 101, 301, ACK | PSH, 'x');
  assert.equal(b.tcp.conns[0].rb.length, 1024);
  assert.equal(b.out(), ['40000: 0: <SEQ=301><ACK=102><CTL=PSH,ACK><DATA> len=1 win=1023'], 'the echo: 1024 from 101, not 2048');
});

test('memory short with slots free and even an idle connection\'s memory not enough: nothing reclaimed, refused', () => {
  const b = board({ keepIdleMs: 0 });
  b.vanish(0);
  b.out();
  // 200 blocks below the reserve: the idle one's 4096 bytes (315 blocks) would leave 115, 1035 bytes.
  Object.assign(b.ifc, { memFree: 200, memReserve: 400, freeBlocks: () => 200 });
  b.at(31000);
  b.send(40001, 100, 0, SYN);
  b.send(40001, 101, 301, ACK);
  assert.equal(b.out().filter((l) => l.includes('RST')), [], 'no RST: the idle one stays');
  assert.equal([b.tcp.conns.map((c) => c.s[3]), b.tcp.counters.idleRecycled, b.tcp.counters.dropLowMem], [[40000], 0, 1]);
});

test('a full table and memory short: the idle connection reclaimed, its memory counted for the new one', () => {
  const b = board({ maxConns: 1 });
  b.vanish(0);
  b.out();
  // 100 blocks above the reserve, 600 once the connection's memory is back.
  Object.assign(b.ifc, { memFree: 500, memReserve: 400, freeBlocks: () => (b.tcp.conns.length ? 500 : 1000) });
  b.at(31000);
  b.send(40001, 100, 0, SYN);
  b.send(40001, 101, 301, ACK);
  // The SYN,ACK offers the least ring (memory as last measured is short: the victim not yet
  // reclaimed); the ring made once it is holds more, offered with the next segment.
  assert.equal(b.out(), ['40001: 31000: <SEQ=300><ACK=101><CTL=SYN,ACK> win=536 mss=1460', '40000: 31000: <SEQ=317><CTL=RST> win=0']);
  assert.equal(b.tcp.conns.map((c) => [c.s[3], c.sb.length, c.rb.length]), [[40001, 2048, 2048]]);
  assert.is(b.tcp.counters.idleRecycled, 1);
  assert.is(b.tcp.counters.dropLowMem, 0);
});

test('ring sizes: the share is of the slots still free; memory is measured again after a collection only when short', () => {
  // Four of eight slots taken: what is free is shared by the four left.
  for (const [spare, rings] of [[481, [2048, 2048]], [479, [2048, 1024]]] as const) {
    const b = board({ maxConns: 8 });
    Object.assign(b.ifc, { memFree: 100000, memReserve: 400 });
    for (let i = 0; i < 4; i++) { b.send(40000 + i, 100, 0, SYN); b.send(40000 + i, 101, 301, ACK); }
    Object.assign(b.ifc, { memFree: 400 + 4 * (40 + spare) });
    b.send(40010, 100, 0, SYN);
    b.send(40010, 101, 301, ACK);
    const c = b.tcp.conns[4];
    assert.equal([c.sb.length, c.rb.length], rings, `${spare}`);
  }
  // freeBlocks(false) first (no collection); short, freeBlocks(true) (after one); enough, once.
  const b = board({ maxConns: 8 });
  const calls: boolean[] = [];
  Object.assign(b.ifc, { memFree: 0, memReserve: 400, freeBlocks: (gc: boolean) => { calls.push(gc); return gc ? 100000 : 500; } });
  b.send(40000, 100, 0, SYN);
  b.send(40000, 101, 301, ACK);
  assert.equal([calls, b.tcp.conns[0].sb.length, b.tcp.conns[0].rb.length], [[false, true], 2048, 2048]);
  calls.length = 0;
  Object.assign(b.ifc, { freeBlocks: (gc: boolean) => { calls.push(gc); return 100000; } });
  b.send(40001, 100, 0, SYN);
  b.send(40001, 101, 301, ACK);
  assert.equal(calls, [false]);
});

test('ring sizes: memory that holds the rings exactly is enough without a collection; short even after one, measured twice only', () => {
  // Seven slots free of 8 after the first connection; oooRanges 7: a control block of 68 blocks.
  const b = board({ maxConns: 8, oooRanges: 7, sndBuf: 2250, rcvBuf: 2250 });
  const calls: boolean[] = [];
  Object.assign(b.ifc, { memFree: 0, memReserve: 400, freeBlocks: (gc: boolean) => { calls.push(gc); return 400 + 8 * (68 + 500); } });
  b.send(40000, 100, 0, SYN);
  b.send(40000, 101, 301, ACK);
  assert.equal([calls, b.tcp.conns[0].sb.length, b.tcp.conns[0].rb.length], [[false], 2250, 2250], '(4544 / 8 - 68) * 9 = 4500: enough');
  calls.length = 0;
  Object.assign(b.ifc, { freeBlocks: (gc: boolean) => { calls.push(gc); return 400 + 7 * (68 + 300); } });
  b.send(40001, 100, 0, SYN);
  b.send(40001, 101, 301, ACK);
  assert.equal([calls, b.tcp.conns[1].sb.length, b.tcp.conns[1].rb.length], [[false, true], 1125, 1125], 'short after the collection too (2700 bytes): halved');
});

test('a full table with too little memory even once the idle connection\'s rings are counted back: nothing reclaimed, refused', () => {
  const b = board({ maxConns: 1 });
  b.vanish(0);
  b.out();
  b.at(31000);
  // 200 blocks below the reserve: the idle connection's 4096 bytes (315 blocks) and control
  // block would leave 115 blocks, 1035 bytes: less than two 536-byte rings.
  Object.assign(b.ifc, { memFree: 200, memReserve: 400 });
  b.send(40001, 100, 0, SYN);
  b.send(40001, 101, 301, ACK);
  assert.equal(b.tcp.conns.map((c) => c.s[3]), [40000]);
  assert.equal([b.tcp.counters.idleRecycled, b.tcp.counters.dropLowMem], [0, 1]);
});

test('reclaimIdleMs is a floor: idle exactly 30 s is reclaimable, 1 ms less is not', () => {
  for (const [t, taken] of [[29999, false], [30000, true]] as const) {
    const b = board({ maxConns: 1 });
    b.vanish(0);
    b.out();
    b.at(t);
    b.send(40001, 100, 0, SYN);
    b.send(40001, 101, 301, ACK);
    assert.equal(b.tcp.conns.map((c) => c.s[3]), [taken ? 40001 : 40000], `${t}`);
  }
});

test.run();
