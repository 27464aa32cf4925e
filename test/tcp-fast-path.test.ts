// Header prediction and the fast ACK, over a real Interface on a fake driver: the peer's
// segments are built here byte by byte; what the stack sends is compared with frames built
// independently (test/helpers/frames.ts), so the template ACK must equal what the full path
// would send, checksums included.
//
//      peer (198.18.0.2:40000)                      us (198.18.0.1:80), ESTABLISHED
//   1. <SEQ=1001><ACK=ISS+1><DATA 1000>  -->  predicted, ACK delayed
//   2. <SEQ=2001><ACK=ISS+1><DATA 1000>  -->  predicted    <--  <SEQ=ISS+1><ACK=3001> (full path, kept)
//   3. <SEQ=3001> ... 4. <SEQ=4001> ...  -->  predicted    <--  <SEQ=ISS+1><ACK=5001> (from the template)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setup } from './helpers/iface-setup.ts';
import { Tcp, ESTABLISHED, SND_UNA, RCV_NXT, FLAGS, type Conn, type TcpConfig } from '../firmware/tcp/tcp.ts';
import { MEM_LOW } from '../firmware/iface/interface.ts';
import { segment, Recorder } from './helpers/tcp-fixture.ts';
import { eth, ipv4, arp, US_MAC, PEER_MAC, US, PEER, cat, u16, u32, csum } from './helpers/frames.ts';
import { checksumDetectNative } from '../firmware/wire/checksum.ts';

const ACK = 0x10, PSH = 0x08, FIN = 0x01, RST = 0x04;
const PEER_PORT = 40000, PORT = 80;

function fromPeer(seq: number, ack: number, flags: number, data: Uint8Array, opts: { win?: number; mss?: number; mac?: Uint8Array } = {}): Uint8Array {
  return eth(US_MAC, opts.mac || PEER_MAC, 0x0800, ipv4(PEER, US, 6, segment(PEER, US, PEER_PORT, PORT, seq, ack, flags, { win: opts.win ?? 8192, data, mss: opts.mss })));
}

const be32 = (f: Uint8Array, o: number) => ((f[o] << 24) | (f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]) >>> 0;
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 255);

/** An ESTABLISHED connection on port 80, the peer's next sequence number peerIsn + 1 (1001)
 *  (`cfg`: more of TCP's configuration; `driver`: properties of the fake driver, macFilter). */
function established(rcvBuf = 4096, cfg: TcpConfig = {}, driver: object = {}, peerIsn = 1000) {
  const { d, ifc } = setup({}, driver);
  const tcp = new Tcp(ifc as any, { rcvBuf, sndBuf: 2048, ...cfg });
  const user = new Recorder(tcp);
  const box: { conn: Conn | null } = { conn: null };
  tcp.listen(PORT, (c) => { box.conn = c; c.user = user; });
  const syn = fromPeer(peerIsn, 0, 0x02, new Uint8Array(0), { mss: 1460 });
  ifc.input(syn, syn.length);
  const synAck = d.take()[0];
  const iss = be32(synAck, 38);
  const f = fromPeer(peerIsn + 1, iss + 1, ACK, new Uint8Array(0));
  ifc.input(f, f.length);
  const conn = box.conn as Conn | null;
  if (!conn) throw new Error('not accepted');
  assert.is(conn.state, ESTABLISHED);
  return { d, ifc, tcp, user, conn, iss };
}

/** The pure ACK we expect, built from scratch: IPv4 with DF, TTL 64, the given identification. */
function expectedAck(id: number, seq: number, ack: number, win: number, mac = PEER_MAC): Uint8Array {
  const t = segment(US, PEER, PORT, PEER_PORT, seq, ack, ACK, { win });
  return eth(mac, US_MAC, 0x0800, ipv4(US, PEER, 6, t, { id }));
}

const ipId = (f: Uint8Array) => (f[18] << 8) | f[19];
/** The frame TCP holds for c (zero-copy receive), or null. */
const holding = (tcp: Tcp, c: Conn) => (tcp.heldBy === c ? tcp.held : null);

test('ESTABLISHED: in-order data is predicted; the second ACK comes from the template, equal to a freshly built one', () => {
  const { d, tcp, ifc, conn, iss } = established(8192);
  // The application reads nothing yet: no window update ACK interleaves.
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  const data = [0, 1, 2, 3].map((i) => bytes(1000, i));
  let seq = 1001;
  const acks: Uint8Array[] = [];
  for (const p of data) {
    const f = fromPeer(seq, iss + 1, ACK | PSH, p);
    ifc.input(f, f.length);
    seq += 1000;
    acks.push(...d.take());
  }
  assert.is(tcp.counters.predicted, 4);
  assert.is(acks.length, 2, 'every second segment is ACKed at once');
  assert.is(tcp.counters.fastAcks, 1, 'the first ACK is built by the full path and kept, the second comes from it');
  // The window shrinks by what the application has not read: 8192 - 2000, then 8192 - 4000.
  assert.equal(acks[0], expectedAck(ipId(acks[0]), iss + 1, 3001, 6192));
  assert.equal(acks[1], expectedAck((ipId(acks[0]) + 1) & 0xffff, iss + 1, 5001, 4192));
  const got = new Uint8Array(4000);
  assert.is(tcp.recv(conn, got, 0, 4000), 4000);
  assert.equal(got, cat(...data));
});

test('the fast ACK\'s two checksums where the sum carries twice (0xffff plus a carry), and acknowledgments above 2^16', () => {
  // Our ISN 5000 (SEQ 5001), the window 8192 - 4000: the peer's ISN is chosen so that the TCP
  // sum of the fast ACK (the second, ACK = ISN + 4001) is 0x?ffff before its first fold; the IP
  // identification so that the IPv4 sum is too. A single fold would leave a carry out.
  const K = 0xc612 + 0x0001 + 0xc612 + 0x0002 + 6 + 20 + PORT + PEER_PORT + 0x5010; // pseudo-header, ports, offset+flags
  const sumFor = (ack: number) => K + 0 + 5001 + (ack >>> 16) + (ack & 0xffff) + (8192 - 4000);
  let isn = 0x7ff00000;
  while ((sumFor(isn + 4001) & 0xffff) !== 0xffff) isn++;
  assert.ok(sumFor(isn + 4001) > 0x1ffff - 1);
  const { d, tcp, ifc, conn } = established(8192, { isn: () => 5000 }, {}, isn);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  let seq = isn + 1;
  const acks: Uint8Array[] = [];
  const seg = () => { const f = fromPeer(seq, 5001, ACK | PSH, bytes(1000, seq & 7)); ifc.input(f, f.length); seq += 1000; acks.push(...d.take()); };
  seg(); seg();
  assert.equal(acks.length, 1);
  // The IPv4 header's words but the identification and the checksum, from the first ACK.
  let ipSum = 0;
  for (let i = 14; i < 34; i += 2) if (i !== 18 && i !== 24) ipSum += (acks[0][i] << 8) | acks[0][i + 1];
  const id = 0xffff - (ipSum & 0xffff);
  assert.ok(ipSum > 0xffff);
  ifc.ipId = id;
  const before = { segs: tcp.counters.segsOut, ip: ifc.counters.ipTx };
  seg(); seg();
  assert.is(tcp.counters.fastAcks, 1);
  assert.equal(acks[1], expectedAck(id, 5001, (isn + 4001) >>> 0, 8192 - 4000));
  assert.equal([tcp.counters.segsOut - before.segs, ifc.counters.ipTx - before.ip], [1, 1], 'counted as the full path counts');
});

test('the fast ACK\'s template expires with the ARP entry\'s reuse time: at that time the ACK is built afresh', () => {
  const { d, tcp, ifc, conn, iss } = established(8192);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  let seq = 1001;
  const seg = () => { const f = fromPeer(seq, iss + 1, ACK | PSH, bytes(1000, 1)); ifc.input(f, f.length); seq += 1000; return d.take(); };
  seg(); seg();
  assert.ok(ifc.txReuseUntil > ifc.now);
  ifc.now = ifc.txReuseUntil;
  seg();
  const acks = seg().filter((f) => f[12] === 8 && f[13] === 0); // IPv4 (an ARP refresh may go too)
  assert.is(acks.length, 1);
  assert.is(tcp.counters.fastAcks, 0, 'not from the template');
  assert.equal(acks[0], expectedAck(ipId(acks[0]), iss + 1, seq, 8192 - 4000));
});

test('ESTABLISHED: a new window, an ACK of new data, out-of-order data, a FIN or options take the full path', () => {
  const { d, tcp, ifc, user, conn, iss } = established();
  const send = (f: Uint8Array) => ifc.input(f, f.length);
  send(fromPeer(1001, iss + 1, ACK, bytes(100, 1), { win: 9000 }));   // window changed
  send(fromPeer(1201, iss + 1, ACK, bytes(100, 3)));                  // out of order (hole at 1101)
  send(fromPeer(1101, iss + 1, ACK, bytes(100, 2)));                  // fills the hole: ranges held
  send(fromPeer(1301, iss + 1, ACK | FIN, bytes(100, 4)));            // FIN
  assert.is(tcp.counters.predicted, 0);
  assert.equal(Uint8Array.from(user.data), cat(bytes(100, 1), bytes(100, 2), bytes(100, 3), bytes(100, 4)));
  assert.is(conn.stateName, 'CLOSE-WAIT');
  d.take();
  // A segment with options (an MSS option: unusual but legal) is not predicted either.
  const { ifc: ifc2, tcp: tcp2, iss: iss2, user: user2 } = established();
  const f = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 6, segment(PEER, US, PEER_PORT, PORT, 1001, iss2 + 1, ACK, { data: bytes(10, 5), mss: 1400 })));
  ifc2.input(f, f.length);
  assert.is(tcp2.counters.predicted, 0);
  assert.equal(Uint8Array.from(user2.data), bytes(10, 5));
});

test('ESTABLISHED: the ACK of new data in a data segment takes the full path, then prediction resumes', () => {
  const { d, tcp, ifc, conn, iss } = established();
  tcp.send(conn, bytes(10, 9), 0, 10);
  d.take();
  const send = (f: Uint8Array) => ifc.input(f, f.length);
  send(fromPeer(1001, iss + 11, ACK, bytes(50, 1)));  // acknowledges our 10 bytes
  assert.is(tcp.counters.predicted, 0);
  assert.is(conn.s[SND_UNA], (iss + 11) >>> 0);
  send(fromPeer(1051, iss + 11, ACK, bytes(50, 2)));
  assert.is(tcp.counters.predicted, 1);
});

test('the fast ACK follows the ARP table: a new MAC for the peer is used for the next ACK', () => {
  const { d, ifc, tcp, iss } = established();
  let seq = 1001;
  const two = (mac?: Uint8Array) => {
    for (let i = 0; i < 2; i++) { const f = fromPeer(seq, iss + 1, ACK, bytes(500, i), { mac }); ifc.input(f, f.length); seq += 500; }
    return d.take();
  };
  two(); two(); // the second ACK from the template
  assert.is(tcp.counters.fastAcks, 1);
  const NEW_MAC = Uint8Array.of(2, 0, 0, 0, 0, 0x22);
  const a = arp(2, NEW_MAC, PEER, US_MAC, US);
  ifc.input(eth(US_MAC, NEW_MAC, 0x0806, a), 42);
  const acks = two(NEW_MAC);
  assert.is(acks.length, 1);
  assert.equal(acks[0].subarray(0, 6), NEW_MAC);
  assert.is(tcp.counters.fastAcks, 1, 'rebuilt by the full path after the change');
  const next = two(NEW_MAC);
  assert.equal(next[0].subarray(0, 6), NEW_MAC);
  assert.is(tcp.counters.fastAcks, 2);
});

test('predicted data wraps around the end of the receive ring intact', () => {
  const { ifc, conn, iss, tcp } = established(3000);
  const got: number[] = [];
  // Read only when asked, so the ring's head moves and later segments wrap.
  conn.user = { onConnect() {}, onEnd() {}, onWritable() {}, onClose() {}, onReadable(c: Conn) {
    const b = new Uint8Array(Math.min(c.readable, 700)); tcp.recv(c, b, 0, b.length); got.push(...b);
  } };
  const all: Uint8Array[] = [];
  let seq = 1001;
  for (let i = 0; i < 12; i++) {
    const p = bytes(900, i);
    all.push(p);
    const f = fromPeer(seq, iss + 1, ACK, p, { win: 8192 });
    ifc.input(f, f.length);
    seq += 900;
    // Drain the rest so the advertised window stays open.
    const b = new Uint8Array(conn.readable); tcp.recv(conn, b, 0, b.length); got.push(...b);
  }
  assert.ok(tcp.counters.predicted >= 10, `predicted ${tcp.counters.predicted}`);
  assert.equal(Uint8Array.from(got), cat(...all));
});

test('a predicted segment larger than the advertised window is not taken by the fast path', () => {
  const { ifc, tcp, iss, user } = established(1024);
  const f = fromPeer(1001, iss + 1, ACK, bytes(1200, 1));
  ifc.input(f, f.length);
  assert.is(tcp.counters.predicted, 0);
  assert.is(user.data.length, 1024, 'trimmed to the window by the full path');
  void u16;
});

// The frame-level prediction (TCP offered the whole frame first) does the IPv4 layer's checks itself; what it does
// not take goes through the layers, so each drop is counted once, by the layer that checks it.
//      peer                                              us, ESTABLISHED
//   1. <SEQ=1001><DATA 100>                      -->  taken whole, predicted
//   2. <SEQ=1101><DATA 100>, TCP checksum wrong  -->  dropped by TCP (dropChecksum)
//   3. <SEQ=1101><DATA 100>, IPv4 checksum wrong -->  dropped by IPv4 (dropIpChecksum)
//   4. <SEQ=1101><DATA 100>, an IPv4 option      -->  through the layers, delivered
//   5. <SEQ=1301><DATA 100>, wrong port          -->  through TCP's full path: RST
//   6. <SEQ=1201><DATA 100>                      -->  taken whole, predicted
for (const native of [false, true]) {
  test(`frames taken whole by TCP, or through the layers, are each checked and counted once (${native ? 'native' : 'plain'} checksum)`, () => {
    const g = globalThis as { E?: unknown };
    if (native) g.E = { sum(a: ArrayLike<number>) { let t = 0; for (let i = 0; i < a.length; i++) t += a[i]; return t; } };
    assert.is(checksumDetectNative(), native);
    try {
      const { d, ifc, tcp, user, iss } = established();
      const send = (f: Uint8Array) => ifc.input(f, f.length);
      const frame = (seq: number, data: Uint8Array, ipOpts = {}, port = PEER_PORT) =>
        eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 6, segment(PEER, US, port, PORT, seq, iss + 1, ACK | PSH, { data }), ipOpts));
      const before = { ip: ifc.counters.ipRx, segs: tcp.counters.segsIn };
      send(frame(1001, bytes(100, 1)));
      const badTcp = frame(1101, bytes(100, 2)); badTcp[60] ^= 0xff;
      send(badTcp);
      const badIp = frame(1101, bytes(100, 2)); badIp[22] ^= 1; // TTL changed, checksum not
      send(badIp);
      send(frame(1101, bytes(100, 2), { options: [1, 1, 1, 0] })); // NOP NOP NOP EOL
      send(frame(1301, bytes(100, 9), {}, PEER_PORT + 1));
      send(frame(1201, bytes(100, 3)));
      assert.is(tcp.counters.dropChecksum, 1);
      assert.is(ifc.counters.dropIpChecksum, 1);
      assert.is(ifc.counters.ipRx - before.ip, 5, 'every frame but the bad IPv4 header, once');
      assert.is(tcp.counters.segsIn - before.segs, 5);
      assert.is(tcp.counters.predicted, 2);
      assert.is(tcp.counters.rstOut, 1, 'the segment for another port is answered by the full path');
      assert.equal(Uint8Array.from(user.data), cat(bytes(100, 1), bytes(100, 2), bytes(100, 3)));
      d.take();
    } finally {
      delete g.E;
      checksumDetectNative();
    }
  });
}

// A frame handed over for good (input's `keep`, as the chip drivers' are) is held where it lies
// when nothing is waiting to be read; what follows goes into the ring, after it in the stream.
//      peer                                      us, ESTABLISHED, the application not reading
//   1. <SEQ=1001><DATA 1000>  (kept)       -->  held in its frame
//   2. <SEQ=3001><DATA 1000>  (kept)       -->  out of order: into the ring, behind a hole
//   3. <SEQ=2001><DATA 1000>  (kept)       -->  fills the hole: into the ring
//   then reads of 300, 1500 and the rest, across the frame and the ring
test('a kept frame is held, read first, and what follows it keeps its place in the stream', () => {
  const { d, ifc, tcp, conn, iss } = established(4096);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  const frame = (seq: number, data: Uint8Array) => fromPeer(seq, iss + 1, ACK | PSH, data);
  const f1 = frame(1001, bytes(1000, 1));
  ifc.input(f1, f1.length, true);
  assert.ok(holding(tcp, conn) === f1, 'the frame itself is held');
  assert.is(conn.readable, 1000);
  const f3 = frame(3001, bytes(1000, 3));
  ifc.input(f3, f3.length, true);
  const f2 = frame(2001, bytes(1000, 2));
  ifc.input(f2, f2.length, true);
  assert.is(conn.readable, 3000);
  // The window counts the held bytes: 4096 - 3000 in the ACK the filled hole sends.
  const acks = d.take();
  const last = acks[acks.length - 1];
  assert.is(be32(last, 42), 4001);
  assert.is((last[48] << 8) | last[49], 4096 - 3000);
  const all = cat(bytes(1000, 1), bytes(1000, 2), bytes(1000, 3));
  const got = new Uint8Array(3000);
  assert.is(tcp.recv(conn, got, 0, 300), 300);
  assert.ok(holding(tcp, conn) === f1, 'still held, 700 bytes of it unread');
  assert.is(tcp.recv(conn, got, 300, 1500), 1500);
  assert.is(holding(tcp, conn), null, 'released once read');
  assert.is(tcp.recv(conn, got, 1800, 3000), 1200);
  assert.equal(got, all);
  // Held again once the ring is empty; a read with no buffer discards it.
  const f4 = frame(4001, bytes(500, 4));
  ifc.input(f4, f4.length, true);
  assert.ok(holding(tcp, conn) === f4);
  assert.is(tcp.recv(conn, null, 0, 1000), 500);
  assert.is(holding(tcp, conn), null);
  assert.is(conn.readable, 0);
  // Held, then the next in-order segment (predicted) goes into the ring behind it.
  const f5 = frame(4501, bytes(800, 5)), f6 = frame(5301, bytes(800, 6));
  ifc.input(f5, f5.length, true);
  ifc.input(f6, f6.length, true);
  assert.ok(holding(tcp, conn) === f5);
  const two = new Uint8Array(1600);
  assert.is(tcp.recv(conn, two, 0, 1600), 1600);
  assert.equal(two, cat(bytes(800, 5), bytes(800, 6)));
});

test('a frame not handed over is copied: the caller may write into it at once', () => {
  const { ifc, tcp, conn, iss } = established(4096);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  const f = fromPeer(1001, iss + 1, ACK | PSH, bytes(1000, 7));
  ifc.input(f, f.length);
  assert.is(holding(tcp, conn), null);
  f.fill(0); // the driver reuses its buffer
  const got = new Uint8Array(1000);
  assert.is(tcp.recv(conn, got, 0, 1000), 1000);
  assert.equal(got, bytes(1000, 7));
});

test('a held frame outlives its connection\'s reset: the data stays readable, from the ring', () => {
  const { ifc, tcp, conn, iss } = established(4096);
  const closed: (string | null)[] = [];
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose(_c, err) { closed.push(err); } };
  // 2000 bytes of ring first are read away, so the ring's head is not at 0 when the frame goes in.
  const f0 = fromPeer(1001, iss + 1, ACK | PSH, bytes(1500, 9));
  ifc.input(f0, f0.length);
  assert.is(tcp.recv(conn, new Uint8Array(1500), 0, 1500), 1500);
  const f1 = fromPeer(2501, iss + 1, ACK | PSH, bytes(1000, 1));
  ifc.input(f1, f1.length, true);
  const f2 = fromPeer(3501, iss + 1, ACK | PSH, bytes(700, 2));
  ifc.input(f2, f2.length, true);
  assert.ok(holding(tcp, conn) === f1);
  const rst = fromPeer(4201, 0, 0x04, new Uint8Array(0));
  ifc.input(rst, rst.length);
  assert.equal(closed, ['ECONNRESET']);
  assert.is(holding(tcp, conn), null, 'the frame is let go');
  const got = new Uint8Array(1700);
  assert.is(tcp.recv(conn, got, 0, 1700), 1700);
  assert.equal(got, cat(bytes(1000, 1), bytes(700, 2)));
});

test('a held frame let go on reset goes just before the ring\'s bytes, across the ring\'s end when the head is near its start', () => {
  // The ring's head after reading `before` bytes: 300 (the frame's 1000 bytes wrap from 3396 to
  // 4096 then 0..300), 1000 (they end exactly at the head), 1500 (no wrap).
  for (const before of [300, 1000, 1500]) {
    const { ifc, tcp, conn, iss } = established(4096);
    conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
    const f0 = fromPeer(1001, iss + 1, ACK | PSH, bytes(before, 9));
    ifc.input(f0, f0.length);
    assert.is(tcp.recv(conn, new Uint8Array(before), 0, before), before);
    const f1 = fromPeer(1001 + before, iss + 1, ACK | PSH, bytes(1000, 1));
    ifc.input(f1, f1.length, true);
    const f2 = fromPeer(2001 + before, iss + 1, ACK | PSH, bytes(700, 2));
    ifc.input(f2, f2.length, true);
    assert.ok(holding(tcp, conn) === f1, `held (${before})`);
    const rst = fromPeer(2701 + before, 0, RST, new Uint8Array(0));
    ifc.input(rst, rst.length);
    assert.is(holding(tcp, conn), null);
    f1.fill(0); // the driver may write into the frame now
    const got = new Uint8Array(1700);
    assert.is(tcp.recv(conn, got, 0, 1700), 1700);
    assert.equal(got, cat(bytes(1000, 1), bytes(700, 2)), `after ${before} bytes read`);
  }
});

test('one read takes a held frame\'s bytes, then the ring\'s across its end, each to its place in the caller\'s array', () => {
  const { ifc, tcp, conn, iss } = established(4096);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  let seq = 1001;
  const seg = (n: number, k: number, keep?: boolean) => { const f = fromPeer(seq, iss + 1, ACK | PSH, bytes(n, k)); ifc.input(f, f.length, keep); seq += n; };
  for (let i = 0; i < 3; i++) seg(1000, i);
  tcp.recv(conn, null, 0, 3000);                      // the ring's head at 3000
  seg(500, 7, true);                                  // held
  assert.ok(holding(tcp, conn) !== null);
  seg(1500, 8);                                       // into the ring at 3000: 1096 to its end, 404 from 0
  const got = new Uint8Array(2000);
  assert.is(tcp.recv(conn, got, 0, 2000), 2000);
  assert.equal(got, cat(bytes(500, 7), bytes(1500, 8)));
});

test('one connection at a time holds a frame', () => {
  const { d, ifc, tcp, conn, iss } = established(4096);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  // A second connection from another port of the peer.
  let second: Conn | null = null;
  tcp.listen(81, (c) => { second = c; c.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} }; });
  const seg2 = (seq: number, ack: number, flags: number, data: Uint8Array, mss?: number) =>
    eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 6, segment(PEER, US, PEER_PORT + 1, 81, seq, ack, flags, { data, mss })));
  const syn = seg2(5000, 0, 0x02, new Uint8Array(0), 1460);
  d.take();
  ifc.input(syn, syn.length);
  const iss2 = be32(d.take()[0], 38); // from our SYN-ACK
  const ack = seg2(5001, iss2 + 1, ACK, new Uint8Array(0));
  ifc.input(ack, ack.length);
  const c2 = second as Conn | null;
  if (!c2) throw new Error('not accepted');
  // Each connection's first segment takes the full path (the other was the last one) and is
  // read at once, so the next, predicted, finds nothing waiting.
  const readAll = (c: Conn) => tcp.recv(c, new Uint8Array(4096), 0, 4096);
  const a0 = fromPeer(1001, iss + 1, ACK | PSH, bytes(100, 0));
  ifc.input(a0, a0.length, true);
  readAll(conn);
  const a = fromPeer(1101, iss + 1, ACK | PSH, bytes(600, 1));
  ifc.input(a, a.length, true);
  assert.ok(holding(tcp, conn) === a, 'held');
  const b1 = seg2(5001, iss2 + 1, ACK | PSH, bytes(600, 2)), b2 = seg2(5601, iss2 + 1, ACK | PSH, bytes(600, 3));
  ifc.input(b1, b1.length, true);
  readAll(c2);
  ifc.input(b2, b2.length, true); // predicted, nothing waiting, but the other connection holds
  assert.is(holding(tcp, c2), null, 'copied into its ring');
  const got = new Uint8Array(600);
  assert.is(tcp.recv(c2, got, 0, 600), 600);
  assert.equal(got, bytes(600, 3));
  assert.is(tcp.recv(conn, got, 0, 600), 600);
  assert.equal(got, bytes(600, 1));
  assert.is(holding(tcp, conn), null);
  const b3 = seg2(6201, iss2 + 1, ACK | PSH, bytes(600, 4));
  ifc.input(b3, b3.length, true);
  assert.ok(holding(tcp, c2) === b3, 'held now that the first let its frame go');
});

// ---- what header prediction must not take (each guard of inputFrame, one frame each) ----
//
// Every frame below carries the next expected data for the connection (SEG.SEQ = RCV.NXT), so
// prediction would take it if its guard were missing; each must take the path the layers give.

/** The ESTABLISHED connection and a sender of raw frames; `text()` what the user read. */
function guarded(rcvBuf = 4096) {
  const e = established(rcvBuf);
  const send = (f: Uint8Array, len = f.length) => e.ifc.input(f, len);
  const text = () => Uint8Array.from(e.user.data);
  return { ...e, send, text };
}
/** An IPv4 frame from the peer with the TCP segment `t` (built with the pseudo-header of src, dst). */
const framed = (t: Uint8Array, o: { src?: number; dst?: number; proto?: number; ip?: object } = {}) =>
  eth(US_MAC, PEER_MAC, 0x0800, ipv4(o.src ?? PEER, o.dst ?? US, o.proto ?? 6, t, o.ip));
const data10 = bytes(10, 7);

test('not predicted: IPv4 options (header length 24): the segment is found past them', () => {
  const g = guarded();
  const t = segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: data10 });
  g.send(framed(t, { ip: { options: [1, 1, 1, 0] } }));
  assert.is(g.tcp.counters.predicted, 0);
  assert.equal(g.text(), data10);
});

test('not predicted: TCP options (data offset 8, timestamps): the text starts after them', () => {
  const g = guarded();
  const t = segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: data10, options: [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0] });
  g.send(framed(t));
  assert.is(g.tcp.counters.predicted, 0);
  assert.equal(g.text(), data10);
});

test('not predicted: another IP protocol carrying TCP-looking bytes (UDP to a closed port) is not data', () => {
  const g = guarded();
  const t = segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: data10 });
  g.send(framed(t, { proto: 17 }));
  assert.is(g.tcp.counters.predicted, 0);
  assert.is(g.text().length, 0);
  assert.is(g.conn.s[RCV_NXT], 1001);
});

test('not predicted: FIN, RST, SYN or URG with the data', () => {
  for (const [flag, state] of [[FIN, 'CLOSE-WAIT'], [RST, 'CLOSED'], [0x02, 'ESTABLISHED'], [0x20, 'ESTABLISHED']] as const) {
    const g = guarded();
    g.send(framed(segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK | flag, { data: data10, urg: flag === 0x20 ? 1 : 0 })));
    assert.is(g.tcp.counters.predicted, 0, `flag ${flag}`);
    assert.is(g.conn.stateName, state, `flag ${flag}`);
  }
});

test('not predicted: an IPv4 fragment (more fragments, or an offset) is not a whole segment', () => {
  for (const frag of [0x2000, 0x0001, 0x4001]) {
    const g = guarded();
    g.send(framed(segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: data10 }), { ip: { frag } }));
    assert.is(g.tcp.counters.predicted, 0);
    assert.is(g.text().length, 0, `frag ${frag.toString(16)}`);
  }
});

test('not predicted: another source address, the subnet broadcast as destination', () => {
  const g = guarded();
  const other = PEER + 5;
  g.send(framed(segment(other, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: data10 }), { src: other }));
  const bcast = (US | 0xff) >>> 0;
  g.send(framed(segment(PEER, bcast, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: data10 }), { dst: bcast }));
  assert.is(g.tcp.counters.predicted, 0);
  assert.is(g.text().length, 0);
});

test('not predicted: another port pair between the same hosts', () => {
  const g = guarded();
  g.send(framed(segment(PEER, US, PEER_PORT + 1, PORT, 1001, g.iss + 1, ACK, { data: data10 })));
  g.send(framed(segment(PEER, US, PEER_PORT, PORT + 1, 1001, g.iss + 1, ACK, { data: data10 })));
  assert.is(g.tcp.counters.predicted, 0);
  assert.is(g.text().length, 0);
  assert.is(g.conn.s[RCV_NXT], 1001);
});

test('not predicted: a frame shorter than its IPv4 total length, a total length below 40, a bad IPv4 or TCP checksum', () => {
  const g = guarded();
  const f = framed(segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: data10 }));
  g.send(f, f.length - 1);
  const short = f.slice(); short[16] = 0; short[17] = 39;
  g.send(short);
  const badIp = f.slice(); badIp[24] ^= 1;
  g.send(badIp);
  const badTcp = f.slice(); badTcp[50] ^= 1;
  g.send(badTcp);
  const oddData = bytes(11, 3); oddData[10] = 0;
  const odd = framed(segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: oddData }));
  odd[odd.length - 1] = 0x80;                           // an odd length: the last byte is summed too
  // A total length of 39 with both checksums right for it (the TCP one over 19 bytes).
  const t19 = segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK).slice(0, 19);
  t19[16] = 0; t19[17] = 0;
  const c19 = csum(cat(u32(PEER), u32(US), [0, 6], u16(19), t19));
  t19[16] = c19 >> 8; t19[17] = c19 & 255;
  g.send(cat(framed(t19), [0]));
  g.send(odd);
  assert.is(g.tcp.counters.predicted, 0);
  assert.is(g.text().length, 0);
  assert.equal(g.d.take(), [], 'all dropped unanswered');
  g.send(f);
  assert.equal(g.text(), data10, 'the good frame is taken');
});

test('not predicted: a pure ACK (no text) is not data: no delayed ACK answers it', () => {
  const g = guarded();
  g.send(framed(segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK)));
  assert.is(g.tcp.counters.predicted, 0);
  g.ifc.poll(300);
  assert.equal(g.d.take(), []);
});

test('not predicted: data arriving in CLOSE-WAIT (after the peer\'s FIN) is not taken', () => {
  const g = guarded();
  g.send(framed(segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK | FIN)));
  assert.is(g.conn.stateName, 'CLOSE-WAIT');
  g.d.take();
  g.send(framed(segment(PEER, US, PEER_PORT, PORT, 1002, g.iss + 1, ACK, { data: data10 })));
  assert.is(g.tcp.counters.predicted, 0);
  assert.is(g.text().length, 0);
});

test('not predicted: in-order data while out-of-order data or a FIN waits behind a hole', () => {
  const g = guarded();
  g.send(framed(segment(PEER, US, PEER_PORT, PORT, 1011, g.iss + 1, ACK | FIN, { data: data10 })));
  g.send(framed(segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: data10 })));
  assert.is(g.tcp.counters.predicted, 0);
  assert.is(g.text().length, 20);
  assert.is(g.conn.stateName, 'CLOSE-WAIT');
});

test('predicted data with no user set (not yet accepted by the application) is kept, nothing thrown', () => {
  const g = guarded();
  g.conn.user = null;
  g.send(framed(segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: data10 })));
  assert.is(g.tcp.counters.predicted, 1);
  assert.is(g.conn.readable, 10);
});

test('predicted data that ends exactly at the ring\'s end, then data that starts at its beginning', () => {
  const g = guarded(2000);
  g.conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  const a = bytes(1000, 1), b = bytes(1000, 2), c = bytes(1000, 3);
  g.send(framed(segment(PEER, US, PEER_PORT, PORT, 1001, g.iss + 1, ACK, { data: a })));
  const got = new Uint8Array(3000);
  assert.is(g.tcp.recv(g.conn, got, 0, 1000), 1000);  // head at 1000
  g.send(framed(segment(PEER, US, PEER_PORT, PORT, 2001, g.iss + 1, ACK, { data: b })));   // [1000, 2000)
  g.send(framed(segment(PEER, US, PEER_PORT, PORT, 3001, g.iss + 1, ACK, { data: c })));   // [0, 1000)
  assert.is(g.tcp.recv(g.conn, got, 1000, 2000), 2000);
  assert.equal(got, cat(a, b, c));
});

test('the fast ACK moves the window\'s right edge as the full path does: by the SWS threshold (1460) or more, not by less', () => {
  for (const [read, win] of [[1459, 4192], [1460, 5652]] as const) {
    const { d, tcp, ifc, conn, iss } = established(8192);
    conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
    let seq = 1001;
    const seg = () => { const f = fromPeer(seq, iss + 1, ACK | PSH, bytes(1000, seq & 7)); ifc.input(f, f.length); seq += 1000; };
    seg(); seg();                                     // ACK 3001 win 6192 (full path, kept): the edge at 9193
    d.take();
    tcp.recv(conn, null, 0, read);                    // no window update of its own (6192 > 8192 / 2)
    assert.equal(d.take(), []);
    seg(); seg();
    const acks = d.take();
    assert.is(tcp.counters.fastAcks, 1, `${read}`);
    assert.equal(acks.map((f) => [be32(f, 42), (f[48] << 8) | f[49]]), [[5001, win]], `${read} read: the edge ${read < 1460 ? 'stays at 9193' : 'moves to 10653'}`);
  }
});

test('the fast ACK clears only the ACK owed: the connection\'s other flags stay; the frame counted as sent', () => {
  const { d, tcp, ifc, conn, iss } = established(8192);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  let seq = 1001;
  const seg = () => { const f = fromPeer(seq, iss + 1, ACK | PSH, bytes(100, 1)); ifc.input(f, f.length); seq += 100; };
  seg(); seg();
  d.take();
  const flags = conn.s[FLAGS], frames = ifc.counters.txFrames;
  assert.ok(flags !== 0, 'accepted: PASSIVE, RECLAIM, keepalive on');
  seg(); seg();
  assert.is(tcp.counters.fastAcks, 1);
  assert.equal([conn.s[FLAGS], ifc.counters.txFrames - frames, d.take().length], [flags, 1, 1]);
  // A frame the driver refuses is counted as a failure, not as sent.
  d.accept = false;
  const fails = ifc.counters.txFail;
  seg(); seg();
  assert.equal([tcp.counters.fastAcks, ifc.counters.txFail - fails, ifc.counters.txFrames - frames], [2, 1, 1]);
});

test('delayed ACK: a first segment predicted, the second through the full path (a new window): the second is ACKed at once', () => {
  const { d, tcp, ifc, conn, iss } = established(8192);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  const f1 = fromPeer(1001, iss + 1, ACK | PSH, bytes(100, 1));
  ifc.input(f1, f1.length);
  assert.equal([tcp.counters.predicted, d.take().length], [1, 0], 'the ACK delayed');
  const f2 = fromPeer(1101, iss + 1, ACK | PSH, bytes(100, 2), { win: 4096 });
  ifc.input(f2, f2.length);
  assert.is(tcp.counters.predicted, 1);
  assert.equal(d.take().map((f) => be32(f, 42)), [1201], 'every second segment at once');
});

test('predicted data while our data waits (Nagle): the second segment\'s ACK goes at once, a pure ACK, the data still held', () => {
  const { d, tcp, ifc, conn, iss } = established(8192);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  tcp.send(conn, bytes(2000, 5), 0, 2000);
  assert.equal(d.take().map((f) => f.length - 54), [1460], 'the 540 left wait for the ACK (Nagle)');
  let seq = 1001;
  const seg = () => { const f = fromPeer(seq, iss + 1, ACK | PSH, bytes(100, 1)); ifc.input(f, f.length); seq += 100; };
  seg();
  assert.equal(d.take(), []);
  seg();
  assert.is(tcp.counters.predicted, 2);
  assert.equal(d.take().map((f) => [f.length, be32(f, 38), be32(f, 42)]), [[54, (iss + 1461) >>> 0, 1201]]);
});

test('memory low: a kept frame is copied into the ring, not held', () => {
  const { ifc, tcp, conn, iss } = established(4096);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  ifc.lowMem = MEM_LOW;
  const f = fromPeer(1001, iss + 1, ACK | PSH, bytes(1000, 7));
  ifc.input(f, f.length, true);
  assert.is(tcp.counters.predicted, 1);
  assert.is(holding(tcp, conn), null);
  f.fill(0);
  const got = new Uint8Array(1000);
  assert.is(tcp.recv(conn, got, 0, 1000), 1000);
  assert.equal(got, bytes(1000, 7));
});

test('a predicted segment that fills the advertised window exactly is taken by the fast path', () => {
  const { ifc, tcp, conn, iss } = established(1024);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  const f = fromPeer(1001, iss + 1, ACK | PSH, bytes(1024, 3));
  ifc.input(f, f.length);
  assert.equal([tcp.counters.predicted, conn.readable], [1, 1024]);
});

test('two connections: each one\'s fast ACK comes from its own template, with its own ports', () => {
  const { d, tcp, ifc, conn, iss } = established(8192);
  const quietUser = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  conn.user = quietUser;
  const from = (port: number, seq: number, ack: number, flags: number, data: Uint8Array, mss?: number) =>
    eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 6, segment(PEER, US, port, PORT, seq, ack, flags, { win: 8192, data, mss })));
  let f = from(40001, 5000, 0, 0x02, new Uint8Array(0), 1460);
  ifc.input(f, f.length);
  const iss2 = be32(d.take()[0], 38);
  f = from(40001, 5001, iss2 + 1, ACK, new Uint8Array(0));
  ifc.input(f, f.length);
  const b = tcp.conns[1];
  b.user = quietUser;
  const seq = { 40000: 1001, 40001: 5001 } as Record<number, number>;
  const una = { 40000: iss + 1, 40001: iss2 + 1 } as Record<number, number>;
  const two = (port: number) => {
    for (let i = 0; i < 2; i++) { const g = from(port, seq[port], una[port] >>> 0, ACK | PSH, bytes(100, i)); ifc.input(g, g.length); seq[port] += 100; }
    return d.take().map((x) => [(x[36] << 8) | x[37], be32(x, 42)]);
  };
  assert.equal(two(40000), [[40000, 1201]], 'the full path, kept as the template');
  assert.equal(two(40001), [[40001, 5201]], 'the full path (the template is the other connection\'s), kept');
  assert.is(tcp.counters.fastAcks, 0);
  assert.equal(two(40001), [[40001, 5401]]);
  assert.is(tcp.counters.fastAcks, 1, 'from the second connection\'s template');
});

test('predicted text from a frame in a larger buffer (a driver\'s 1518 bytes) is copied alone, up to the ring\'s end', () => {
  const { tcp, ifc, conn, iss } = established(4096);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  let seq = 1001;
  for (let i = 0; i < 3; i++) { const f = fromPeer(seq, iss + 1, ACK | PSH, bytes(1000, i)); ifc.input(f, f.length); seq += 1000; }
  const f = fromPeer(seq, iss + 1, ACK | PSH, bytes(1000, 3));
  const buf = new Uint8Array(1518);
  buf.set(f);
  buf.fill(0xee, f.length);                           // what the driver's buffer holds after the frame
  ifc.input(buf, f.length);                           // 1000 bytes at 3000 of 4096: 96 left after them
  assert.is(tcp.counters.predicted, 4);
  const got = new Uint8Array(4000);
  assert.is(tcp.recv(conn, got, 0, 4000), 4000);
  assert.equal(got.subarray(3000), bytes(1000, 3));
});

test('the fast ACK template is only ever a pure ACK: after we send data (a full segment, no PSH), the next ACKs are still right', () => {
  const { d, tcp, ifc, conn, iss } = established(8192);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  let seq = 1001;
  let una = iss + 1;
  const two = () => { for (let i = 0; i < 2; i++) { const f = fromPeer(seq, una >>> 0, ACK, bytes(100, i)); ifc.input(f, f.length); seq += 100; } };
  tcp.send(conn, bytes(2000, 5), 0, 2000);             // first of all: a full segment, flags ACK alone
  const data = d.take();
  assert.equal(data.map((f) => f[47]), [ACK], 'a data segment with flags ACK alone (the rest waits: Nagle)');
  una += 1460;
  const a = fromPeer(seq, una >>> 0, ACK, new Uint8Array(0));
  ifc.input(a, a.length);
  assert.equal(d.take().map((f) => f[47]), [ACK | PSH]);
  una += 540;
  const b = fromPeer(seq, una >>> 0, ACK, new Uint8Array(0));
  ifc.input(b, b.length);
  d.take();
  const before = tcp.counters.fastAcks;
  two(); two();
  assert.ok(tcp.counters.fastAcks > before, 'the fast ACK was used');
  const acks = d.take().filter((f) => f.length === 54 || f.length === 60);
  assert.ok(acks.length >= 1);
  const last = acks[acks.length - 1];
  const seqOf = be32(last, 38);
  assert.equal(last.subarray(0, 54), expectedAck(ipId(last), seqOf, seq, (last[48] << 8) | last[49]).subarray(0, 54));
});

test('the fast ACK: a receive window above 65535 is announced as 65535; the IPv4 id goes on from it', () => {
  const { d, tcp, ifc, conn, iss } = established(100000);
  conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  let seq = 1001;
  const acks: Uint8Array[] = [];
  for (let i = 0; i < 4; i++) { const f = fromPeer(seq, iss + 1, ACK, bytes(100, i)); ifc.input(f, f.length); seq += 100; acks.push(...d.take()); }
  assert.is(tcp.counters.fastAcks, 1);
  assert.equal(acks.map((a) => (a[48] << 8) | a[49]), [65535, 65535]);
  assert.equal(acks[1], expectedAck(ipId(acks[1]), iss + 1, 1401, 65535));
  tcp.send(conn, bytes(10, 1), 0, 10);
  const next = d.take()[0];
  assert.is(ipId(next), (ipId(acks[1]) + 1) & 0xffff);
});

// The fast ACK folds its checksums modulo 65535: a sum that folds to 0xffff gives the checksum
// 0x0000, as RFC 1071's complement does, never 0xffff. The ISS moves the ACK's sum by what it
// adds (a sequence number counts modulo 65535 as the sum of its halves): a first run finds the
// checksum c, a second with the ISS c further makes it 0. Likewise the IPv4 identification.
test('the fast ACK: a checksum that comes to zero is written 0x0000, as a freshly built one', () => {
  const run = (iss: number, id: number) => {
    const { d, tcp, ifc, conn } = established(8192, { isn: () => iss });
    ifc.ipId = id;
    conn.user = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
    let seq = 1001;
    const acks: Uint8Array[] = [];
    for (let i = 0; i < 4; i++) { const f = fromPeer(seq, iss + 1, ACK, bytes(100, i)); ifc.input(f, f.length); seq += 100; acks.push(...d.take()); }
    assert.is(tcp.counters.fastAcks, 1);
    assert.equal(acks[1], expectedAck(ipId(acks[1]), iss + 1, 1401, 8192 - 400));
    return acks[1];
  };
  const first = run(5000, 100);
  const tcpSum = (first[50] << 8) | first[51], ipSum = (first[24] << 8) | first[25];
  assert.ok(tcpSum !== 0 && ipSum !== 0);
  // The identification goes up by 1 before the template's ACK: its sum moves by what id does.
  const zero = run(5000 + tcpSum, (100 + ipSum) & 0xffff);
  assert.is((zero[50] << 8) | zero[51], 0, 'TCP checksum 0x0000');
  assert.is((zero[24] << 8) | zero[25], 0, 'IPv4 header checksum 0x0000');
});

// The keepalive and idle timers are not pushed back by each predicted segment (that cost about
// 8 empty-loop iterations a segment in Espruino): they look at when the last segment came when
// they are due, and start again from it.
//      peer                                        us (keepIdleMs 1000, setIdle 300)
//   0, 200, 400  <SEQ=..><DATA 100> (predicted) -->
//   700                                              idle: 300 ms since the last segment
//   1400                                             keepalive probe: 1000 ms since it
test('keepalive and idle timeout: predicted segments defer them, counted from the last one', () => {
  const { d, tcp, ifc, conn, iss } = established(8192, { keepIdleMs: 1000, keepIntvlMs: 100, keepCnt: 2 });
  const idle: number[] = [];
  conn.user = { onConnect() {}, onReadable(c) { tcp.recv(c, null, 0, 8192); }, onEnd() {}, onWritable() {}, onClose() {}, onIdle() { idle.push(ifc.now); } };
  tcp.setIdle(conn, 300);
  let seq = 1001;
  for (const t of [0, 200, 400]) {
    ifc.poll(t);
    const f = fromPeer(seq, iss + 1, ACK, bytes(100, t));
    ifc.input(f, f.length);
    seq += 100;
  }
  assert.is(tcp.counters.predicted, 3);
  d.take();
  const probes: number[] = [];
  for (let t = 401; t <= 1500; t++) {
    ifc.poll(t);
    for (const f of d.take()) if (f.length >= 54 && be32(f, 38) === iss) probes.push(t); // SEQ = SND.NXT - 1
  }
  assert.equal(idle.slice(0, 1), [700], 'idle 300 ms after the last segment, not after the first');
  assert.equal(probes, [1400, 1500], 'the first probe 1000 ms after the last segment, then every 100 ms');
});

// A chip that filters (EthernetDriver.macFilter) passes only our unicast and group frames: the
// interface does not compare them again. Without it, a frame for another station is dropped even
// when it carries the connection's next segment.
test('the destination MAC is compared unless the driver\'s chip filters (macFilter)', () => {
  const other = new Uint8Array([2, 0, 0, 0, 0, 0x99]);
  for (const macFilter of [false, true]) {
    const { tcp, ifc, conn, iss } = established(4096, {}, macFilter ? { macFilter } : {});
    const f = fromPeer(1001, iss + 1, ACK, bytes(100, 1));
    f.set(other, 0);
    ifc.input(f, f.length);
    assert.is(ifc.counters.dropEthNotUs, macFilter ? 0 : 1);
    assert.is(tcp.counters.predicted, macFilter ? 1 : 0);
    assert.is(conn.s[RCV_NXT], macFilter ? 1101 : 1001);
  }
});

test('not predicted: a length given to input() that is NaN, negative or short of the headers', () => {
  for (const len of [NaN, -1, 0, 13, 53]) {
    const { tcp, ifc, conn, iss } = established();
    const f = fromPeer(1001, iss + 1, ACK, bytes(100, 1));
    ifc.input(f, len);
    assert.is(tcp.counters.predicted, 0, String(len));
    assert.is(conn.s[RCV_NXT], 1001);
  }
});

test.run();
