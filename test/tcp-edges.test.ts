// The edges smoltcp's TCP tests cover, rule by rule, in RFC 9293's notation: options we do not
// negotiate (window scale, timestamps, SACK), MSS edge cases, the zero-window family, segments
// partly outside the window, PSH, RST with a hole, simultaneous-close races, keepalive (ours and
// the peer's), demultiplexing by address and port, addressChanged, the receive window.
//
//    peer: TCP A, 198.18.0.1:40000, ISN 100          us: TCP B, 198.18.0.2:80, ISN 300
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MSS, RCV_NXT, SND_WND, SND_UNA, SND_NXT, SND_MAX, PERSIST_BACKOFF, OOO, NONE, FLAGS, type TcpConfig } from '../firmware/tcp/tcp.ts';
import { stack, reach, pair, stateOf, segment, PEER_IP, OUR_IP, A_IP } from './helpers/tcp-fixture.ts';

const SYN = 2, FIN = 1, RST = 4, PSH = 8, ACK = 16, URG = 32;
const enc = (s: string) => new TextEncoder().encode(s);
// Options as Linux sends them on a SYN: SACK permitted, timestamps, NOP, window scale 7.
const SACK_OK = [4, 2], TS = (v: number, e: number) => [8, 10, v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255, e >>> 24, (e >>> 16) & 255, (e >>> 8) & 255, e & 255];
const WSCALE = (n: number) => [1, 3, 3, n];

/** The Tcp under test after a SYN carrying `o` (and MSS `mss`) and the handshake's ACK. */
function handshake(cfg: TcpConfig, syn: { mss?: number; options?: number[]; win?: number }) {
  const f = stack(cfg);
  f.send(100, 0, SYN, syn);
  const synAck = f.ifc.take();
  f.send(101, 301, ACK, { win: syn.win });
  f.out();
  return { ...f, c: f.conn()!, synAck };
}

// ---- options from the peer we do not negotiate (RFC 7323, RFC 2018) ----

test('SYN with SACK-permitted, timestamps and window scale: our SYN,ACK carries MSS alone; the peer\'s window is taken unscaled', () => {
  const f = handshake({}, { mss: 1200, win: 512, options: [...SACK_OK, ...TS(7, 0), ...WSCALE(7)] });
  assert.equal(f.synAck.map((s) => [s.flags, s.opts]), [[SYN | ACK, [2, 4, 5, 180]]], 'no window scale, timestamps or SACK-permitted answered');
  assert.is(f.c.s[MSS], 1200);
  assert.is(f.c.s[SND_WND], 512, 'not 512 << 7: we did not send window scale, so neither side scales (RFC 7323 2.2)');
  f.tcp.send(f.c, new Uint8Array(1000), 0, 1000);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK><DATA> len=512 win=2048'], 'what the unscaled window allows');
});

test('timestamps on data after the handshake (the peer should not send them; some do): the text taken, no timestamps echoed', () => {
  const f = handshake({}, { mss: 1460, options: [...TS(7, 0)] });
  f.send(101, 301, ACK | PSH, { data: 'abc', options: [1, 1, ...TS(8, 0)] });
  assert.is(f.text(), 'abc');
  f.runTo(100);
  const acks = f.ifc.take();
  assert.equal(acks.map((s) => [s.ack, s.opts]), [[104, []]]);
});

test('SACK blocks on an ACK: ignored, processed as a plain cumulative ACK', () => {
  const f = reach.established();
  f.tcp.send(f.c, enc('abcdef'), 0, 6);
  f.out();
  // SACK (kind 5) for 304..307, on an ACK of 303: only the 2 bytes below 303 are acknowledged.
  f.send(101, 303, ACK, { options: [1, 1, 5, 10, 0, 0, 1, 48, 0, 0, 1, 51] });
  assert.equal([f.c.s[SND_UNA], f.c.unacked], [303, 4]);
  f.runTo(200);
  assert.equal(f.out(), ['200: <SEQ=303><ACK=101><CTL=PSH,ACK><DATA> len=4 win=2048'], 'the SACKed bytes are sent again: no SACK scoreboard');
});

test('an unknown option kind is skipped by its length; a malformed option list drops the segment', () => {
  const f = reach.established();
  f.send(101, 301, ACK, { data: 'ok', options: [253, 4, 0xab, 0xcd] });
  assert.is(f.text(), 'ok');
  f.send(103, 301, ACK, { data: 'no', options: [253, 0, 0, 0] });      // length 0: never ends
  f.send(103, 301, ACK, { data: 'no', options: [1, 1, 8, 40] });       // past the header
  assert.is(f.text(), 'ok');
  assert.is(f.tcp.counters.dropOptions, 2);
});

// ---- MSS (RFC 9293 3.7.1, RFC 6691) ----

test('MSS: absent gives 536; 0 is taken as absent; a tiny MSS is raised to 64; above ours gives ours', () => {
  const mssOf = (o: { mss?: number; options?: number[] }) => handshake({}, o).c.s[MSS];
  assert.is(mssOf({}), 536);
  assert.is(mssOf({ options: [2, 4, 0, 0] }), 536);
  assert.is(mssOf({ mss: 1 }), 64);
  assert.is(mssOf({ mss: 9000 }), 1460);
});

test('MSS: segments are cut at the peer\'s MSS (64 after a tiny one), our data segments carry no options', () => {
  const f = handshake({}, { mss: 1 });
  f.c.s[14] = f.c.s[RCV_NXT];
  f.tcp.send(f.c, new Uint8Array(150), 0, 150);
  const sent = f.ifc.take();
  assert.equal(sent.map((s) => [s.seq, s.len, s.opts.length]), [[301, 64, 0], [365, 64, 0], [429, 22, 0]].slice(0, sent.length));
  assert.is(sent[0].len, 64);
});

test('MSS: our own is the interface MTU less 40 (576 gives 536), announced on the SYN,ACK', () => {
  const f = stack();
  f.ifc.mtu = 576;
  f.send(100, 0, SYN, { mss: 1460 });
  assert.equal(f.out(), ['0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=2048 mss=536']);
  f.send(101, 301, ACK);
  assert.is(f.conn()!.s[MSS], 536, 'min(the peer\'s, ours)');
});

// ---- the zero-window family (RFC 9293 3.8.6.1) ----

/** ESTABLISHED, 10 bytes written into a window the peer then closed. */
function zeroWindow() {
  const f = reach.established();
  f.send(101, 301, ACK, { win: 0 });
  f.tcp.send(f.c, enc('0123456789'), 0, 10);
  assert.equal(f.out(), [], 'nothing fits');
  return f;
}

test('zero window: the probe\'s byte acknowledged counts as sent; the next probe carries the next byte', () => {
  const f = zeroWindow();
  f.runTo(200);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1 win=2048']);
  f.send(101, 302, ACK, { win: 0 });                  // took the byte, window still closed
  assert.equal([f.c.s[SND_UNA], f.c.s[SND_MAX], f.c.unacked], [302, 302, 9]);
  f.runTo(600);
  assert.equal(f.out(), ['600: <SEQ=302><ACK=101><CTL=ACK><DATA> len=1 win=2048'], 'backoff reset by the new ACK: 200 after... 400 ms');
});

test('zero window: an ACK beyond the probe\'s byte acknowledges what was never sent: dropped, answered with an ACK', () => {
  const f = zeroWindow();
  f.runTo(200);
  f.out();
  f.send(101, 306, ACK, { win: 0 });                  // the probe was 301 alone
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.equal([f.c.s[SND_UNA], f.c.s[SND_MAX], f.c.unacked], [301, 301, 10]);
});

test('zero window: probes back off 200, 400, 800... while unanswered, and while answered with a zero window', () => {
  const f = zeroWindow();
  f.runTo(1400);
  assert.equal(f.out().map((l) => l.split(':')[0]), ['200', '600', '1400']);
  f.send(101, 301, ACK, { win: 0 });                  // a reply that takes nothing: no reset
  assert.is(f.c.s[PERSIST_BACKOFF], 3);
  f.runTo(3000);
  assert.equal(f.out().map((l) => l.split(':')[0]), ['3000']);
});

test('zero window: a window announced after the peer reads lets the data go at once, the persist timer stopped', () => {
  const f = zeroWindow();
  f.runTo(200);
  f.out();
  f.send(101, 301, ACK, { win: 100 });
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=10 win=2048']);
  f.send(101, 311, ACK, { win: 90 });
  f.runTo(3000);
  assert.equal(f.out(), [], 'no probe once the window opened');
});

test('zero window: a window update stops the persist timer; a later write into a window closed again starts it afresh', () => {
  const f = zeroWindow();
  f.runTo(200);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1 win=2048'], 'the probe; the next due at 600');
  f.at(250);
  f.send(101, 301, ACK, { win: 100 });                // the window opens: the persist timer stops
  assert.equal(f.out(), ['250: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=10 win=2048']);
  f.at(300);
  f.send(101, 311, ACK, { win: 0 });                  // all taken, the window closed again
  f.tcp.send(f.c, enc('abc'), 0, 3);
  f.runTo(700);
  assert.equal(f.out(), ['500: <SEQ=311><ACK=101><CTL=ACK><DATA> len=1 win=2048'], 'the write at 300 starts it: 300 + 200, not the stopped timer\'s 600');
});

test('zero window: a zero-window ACK after the probe does not restart the persist timer', () => {
  const f = zeroWindow();
  f.runTo(200);
  f.out();
  f.at(300);
  f.send(101, 301, ACK, { win: 0 });                  // the probe's byte not taken, the window still 0
  f.runTo(1400);
  assert.equal(f.out().map((l) => l.split(':')[0]), ['600', '1400'], 'the probes at 200 + 400 and 600 + 800, as unanswered');
});

test('zero window closing on data in flight: the RTO hands over to the persist timer; a peer answering every probe keeps the connection open (RFC 1122 4.2.2.17)', () => {
  // Found by this test: the retransmission timer went on beside the probes and reset the
  // connection after maxRetries (102 s). The answers are duplicate ACKs by RFC 5681's definition
  // (the same zero window, test/tcp-congestion): the third brings one fast retransmission.
  const f = reach.established();
  f.tcp.send(f.c, enc('0123456789'), 0, 10);
  f.out();
  f.send(101, 301, ACK, { win: 0 });                  // nothing taken, the window closed
  const sent: string[] = [];
  for (let t = 1; t <= 200000; t++) {
    f.at(t);
    for (const l of f.out()) { sent.push(l); f.send(101, 301, ACK, { win: 0 }); } // every probe answered
  }
  assert.equal(sent.filter((l) => l.includes('len=1 ')).slice(0, 5), ['600: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1 win=2048', '1400: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1 win=2048',
    '3000: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1 win=2048', '6200: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1 win=2048', '12600: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1 win=2048']);
  assert.equal(sent.filter((l) => !l.includes('len=1 ')), ['3000: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=10 win=2048'], 'probes, the one fast retransmission, no RST');
  assert.equal([f.c.stateName, f.tcp.counters.fastRetransmits, f.tcp.counters.timeouts], ['ESTABLISHED', 1, 0]);
  f.send(101, 301, ACK, { win: 100 });
  assert.equal(f.out(), ['200000: <SEQ=301><ACK=101><CTL=PSH,ACK><DATA> len=10 win=2048'], 'the window opens: the data goes');
});

test('zero window: the probe took the last byte; the persist timer then finds nothing to send and sends nothing', () => {
  const f = reach.established();
  f.send(101, 301, ACK, { win: 0 });
  f.tcp.send(f.c, enc('x'), 0, 1);
  f.runTo(200);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1 win=2048']);
  f.at(250);
  f.send(101, 302, ACK, { win: 0 });                  // the byte taken, the window still 0
  f.runTo(2000);
  assert.equal(f.out(), []);
});

test('zero window after a timeout (SND.NXT back at SND.UNA): an ACK of one beyond SND.MAX acknowledges what was never sent', () => {
  const f = reach.established();
  f.tcp.send(f.c, enc('0123456789'), 0, 10);
  f.out();
  f.send(101, 301, ACK, { win: 0 });
  f.runTo(200);                                       // the RTO: nothing fits, the persist timer instead
  f.send(101, 312, ACK, { win: 0 });                  // SND.MAX is 311
  assert.equal(f.out(), ['200: <SEQ=311><ACK=101><CTL=ACK> win=2048']);
  assert.equal([f.c.s[SND_UNA], f.c.s[SND_MAX], f.c.unacked], [301, 311, 10]);
});

test('zero window: our FIN goes into a closed window once the data is out; the peer\'s bare FIN into our zero window is taken', () => {
  const f = reach.established({ rcvBuf: 4 });
  f.rec.tcp = null;                                   // does not read: our window closes
  f.send(101, 301, ACK, { data: 'abcd', win: 0 });
  f.runTo(100);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=105><CTL=ACK> win=0'], 'the delayed ACK closes our window');
  f.tcp.close(f.c);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=105><CTL=FIN,ACK> win=0'], 'our FIN into the peer\'s zero window: it needs no room');
  f.send(105, 302, ACK | FIN, { win: 0 });            // the peer's bare FIN at RCV.NXT, our window 0
  assert.is(f.c.stateName, 'TIME-WAIT');
  assert.equal(f.out(), ['100: <SEQ=302><ACK=106><CTL=ACK> win=0']);
});

test('zero receive window: the window update after a read announces it; text beyond it is not taken', () => {
  const f = reach.established({ rcvBuf: 4 });
  f.rec.tcp = null;
  f.send(101, 301, ACK, { data: 'abcdef' });          // 2 bytes beyond the window
  assert.equal(f.out(), ['0: <SEQ=301><ACK=105><CTL=ACK> win=0']);
  const b = new Uint8Array(4);
  assert.is(f.tcp.recv(f.c, b, 0, 4), 4);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=105><CTL=ACK> win=4'], 'the window update');
});

test('zero receive window, the ring full: text at RCV.NXT is not taken, ACKed at once, and the user is not told of it', () => {
  const f = reach.established({ rcvBuf: 4 });
  f.rec.tcp = null;
  f.send(101, 301, ACK, { data: 'abcd' });            // the ring full
  f.runTo(100);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=105><CTL=ACK> win=0']);
  const told = f.rec.events.length, flags = f.c.s[FLAGS];
  f.send(105, 301, ACK, { data: 'ef' });              // acceptable (SEG.SEQ = RCV.NXT), no room
  assert.equal(f.out(), ['100: <SEQ=301><ACK=105><CTL=ACK> win=0']);
  assert.equal(f.rec.events.length, told, 'no readable: nothing was taken');
  assert.is(f.c.readable, 4);
  assert.is(f.c.s[FLAGS], flags, 'the connection\'s flags (accepted, reclaimable, keepalive) kept');
});

test('old text with a FIN at RCV.NXT: the FIN taken, the user told of the end only (nothing readable), the connection\'s flags kept', () => {
  const f = reach.established();
  f.send(101, 301, ACK, { data: 'abc' });
  f.runTo(100);
  f.out();
  const told = f.rec.events.length, flags = f.c.s[FLAGS];
  f.send(101, 301, ACK | FIN, { data: 'abc' });       // the text old, the FIN at 104
  assert.equal(f.out(), ['100: <SEQ=301><ACK=105><CTL=ACK> win=2044']);
  assert.equal(f.rec.events.slice(told), ['end']);
  assert.is(f.c.s[FLAGS] & flags, flags, 'accepted, reclaimable, keepalive: kept');
});

test('RECEIVE that takes nothing (max 0) sends no window update, even where a read would', () => {
  const f = reach.established();
  f.rec.tcp = null;
  f.send(101, 301, ACK, { data: 'a'.repeat(948) });   // the window 1100 after it
  assert.is(f.tcp.recv(f.c, null, 0, 948), 948);       // 1100 > 2048 / 2: no update
  f.send(1049, 301, ACK, { data: 'b'.repeat(500) });  // the window 600; the second segment: ACKed at once
  assert.equal(f.out(), ['0: <SEQ=301><ACK=1549><CTL=ACK> win=600']);
  assert.is(f.tcp.recv(f.c, new Uint8Array(1), 0, 0), 0);
  assert.equal(f.out(), [], 'a read of a byte would send one (2 * 600 <= 2048, 1549 >= 1200)');
});

// ---- segments partly outside the window (RFC 9293 3.10.7.4 first, seventh) ----

test('a segment whose last byte is exactly RCV.NXT is acceptable: the new byte taken (retransmission overlap)', () => {
  const f = reach.established();
  f.send(101, 301, ACK, { data: 'abc' });             // RCV.NXT 104
  f.send(102, 301, ACK, { data: 'bcd' });             // last byte at 104
  assert.is(f.text(), 'abcd');
  assert.is(f.c.s[RCV_NXT], 105);
});

test('a segment whose FIN is exactly at RCV.NXT is acceptable: the FIN taken, CLOSE-WAIT', () => {
  const f = reach.established();
  f.send(101, 301, ACK, { data: 'abc' });
  f.out();
  f.send(102, 301, ACK | FIN, { data: 'bc' });        // old text, FIN at 104
  assert.is(f.c.stateName, 'CLOSE-WAIT');
  assert.equal(f.out(), ['0: <SEQ=301><ACK=105><CTL=ACK> win=2044']);
});

test('a segment partly beyond the window: the part inside taken, the rest and its FIN not; ACK at once', () => {
  const f = reach.established({ rcvBuf: 8 });
  f.rec.tcp = null;
  f.send(101, 301, ACK | FIN, { data: '0123456789' });   // 8 fit, 2 and the FIN beyond
  assert.equal(f.out(), ['0: <SEQ=301><ACK=109><CTL=ACK> win=0']);
  assert.is(f.c.stateName, 'ESTABLISHED', 'the FIN was beyond the window');
  const b = new Uint8Array(8);
  f.tcp.recv(f.c, b, 0, 8);
  assert.is(new TextDecoder().decode(b), '01234567');
  f.out();
  f.send(109, 301, ACK | FIN, { data: '89' });           // sent again
  assert.is(f.c.stateName, 'CLOSE-WAIT');
  assert.is(f.c.s[RCV_NXT], 112);
});

test('a segment partly before and partly beyond the window, without FIN: the middle taken', () => {
  const f = reach.established({ rcvBuf: 8 });
  f.rec.tcp = null;
  f.send(101, 301, ACK, { data: 'abc' });
  f.out();
  f.send(102, 301, ACK, { data: 'bcdefghijk' });         // b, c old; 5 fit; 3 beyond
  assert.equal(f.out(), ['0: <SEQ=301><ACK=109><CTL=ACK> win=0']);
  const b = new Uint8Array(8);
  assert.is(f.tcp.recv(f.c, b, 0, 8), 8);
  assert.is(new TextDecoder().decode(b), 'abcdefgh');
});

// ---- PSH (RFC 9293 3.9.1) ----

test('PSH sent: on the segment that empties the send ring, not on full segments before it', () => {
  const f = reach.established();
  f.tcp.send(f.c, new Uint8Array(1500), 0, 1500);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1460 win=2048'], 'the 40 left wait (Nagle)');
  f.send(101, 1761, ACK);
  assert.equal(f.out(), ['0: <SEQ=1761><ACK=101><CTL=PSH,ACK><DATA> len=40 win=2048']);
});

test('PSH received: the text is handed to the user at once, with or without PSH; the ACK delayed either way', () => {
  const f = reach.established();
  f.send(101, 301, ACK | PSH, { data: 'ab' });
  assert.equal(f.rec.events.slice(-1), ['readable']);
  f.send(103, 301, ACK, { data: 'cd' });
  assert.is(f.text(), 'abcd');
  assert.equal(f.out(), ['0: <SEQ=301><ACK=105><CTL=ACK> win=2044'], 'every second segment ACKed at once, PSH or not (the edge waits: SWS)');
});

test('URG: the urgent pointer is not acted on; the text stays in line, our segments never set URG', () => {
  const f = reach.established();
  f.send(101, 301, ACK | URG, { data: 'u!', urg: 1 });
  assert.is(f.text(), 'u!');
  f.tcp.send(f.c, enc('x'), 0, 1);
  const s = f.ifc.take();
  assert.equal(s.map((x) => [x.flags & URG, x.urp]), [[0, 0]]);
});

// ---- Nagle with a full send ring (RFC 9293 3.7.4), sender SWS avoidance (3.8.6.2.1) ----
// Rings of 2048, the peer's MSS 1460: a full ring is one full segment and a tail of 588.

test('Nagle, the send ring full: the tail goes at once with data in flight (no write can join it before an ACK)', () => {
  const f = reach.established();
  f.tcp.send(f.c, new Uint8Array(2048), 0, 2048);
  assert.is(f.c.writable, 0, 'the ring full');
  assert.equal(f.out(), [
    '0: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1460 win=2048',
    '0: <SEQ=1761><ACK=101><CTL=PSH,ACK><DATA> len=588 win=2048',
  ], 'the 588 go with 1460 in flight, not after the peer\'s delayed ACK');
});

test('Nagle, one byte of room in the send ring: the tail waits for the ACK (a write may still join it)', () => {
  const f = reach.established();
  f.tcp.send(f.c, new Uint8Array(2047), 0, 2047);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1460 win=2048'], 'the 587 left wait (Nagle)');
  f.runTo(150);
  assert.equal(f.out(), [], 'still waiting, before any timer');
  f.send(101, 1761, ACK);
  assert.equal(f.out(), ['150: <SEQ=1761><ACK=101><CTL=PSH,ACK><DATA> len=587 win=2048'], 'the ACK lets them go');
});

test('Nagle: the write that fills the send ring lets the held tail go at once', () => {
  const f = reach.established();
  f.tcp.send(f.c, new Uint8Array(1500), 0, 1500);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1460 win=2048'], 'the 40 left wait (Nagle)');
  f.tcp.send(f.c, new Uint8Array(548), 0, 548);
  assert.equal(f.out(), ['0: <SEQ=1761><ACK=101><CTL=PSH,ACK><DATA> len=588 win=2048'], 'the ring full: 40 + 548 go');
});

test('sender SWS avoidance with the send ring full: a tail cut by the window to under half the largest window waits', () => {
  const f = handshake({}, { mss: 1460, win: 2000 });
  f.tcp.send(f.c, new Uint8Array(2048), 0, 2048);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK><DATA> len=1460 win=2048'],
    'the window leaves 540 of the 588: under 1000 (half of 2000), they wait although the ring is full');
  f.send(101, 1761, ACK, { win: 2000 });
  assert.equal(f.out(), ['0: <SEQ=1761><ACK=101><CTL=PSH,ACK><DATA> len=588 win=2048'], 'the whole tail once the window holds it');
});

// ---- RST with a hole, out-of-order ranges ----

test('RST with a hole: at RCV.NXT it resets; at the sequence after the hole it gets a challenge ACK', () => {
  const f = reach.established();
  f.send(111, 301, ACK, { data: 'later' });           // hole 101..110
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048'], 'duplicate ACK for the hole');
  f.send(116, 0, RST);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048'], 'challenge ACK (RFC 5961 3.2)');
  assert.is(f.c.stateName, 'ESTABLISHED');
  f.send(101, 0, RST);
  assert.is(f.tcp.conns.length, 0);
  assert.equal(f.rec.events.slice(-1), ['close:ECONNRESET']);
});

test('out-of-order text partly beyond the window: the part inside kept (window less its offset), the user not told until the hole fills', () => {
  const f = reach.established({ rcvBuf: 8 });
  f.rec.tcp = null;
  f.send(103, 301, ACK, { data: 'cdefghij' });        // offset 2: 6 fit, 'ij' beyond
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=8']);
  assert.equal(f.rec.events, [], 'nothing readable yet');
  f.send(101, 301, ACK, { data: 'ab' });
  assert.equal([f.c.s[RCV_NXT], f.c.readable], [109, 8]);
  const b = new Uint8Array(8);
  f.tcp.recv(f.c, b, 0, 8);
  assert.is(new TextDecoder().decode(b), 'abcdefgh');
});

test('in-order text that covers an out-of-order range entirely: RCV.NXT moves to the end of the text, not of the range', () => {
  const f = reach.established();
  f.send(121, 301, ACK, { data: 'K'.repeat(10) });    // [121, 131)
  f.send(101, 301, ACK, { data: 'x'.repeat(100) });   // [101, 201) covers it
  assert.equal([f.c.s[RCV_NXT], f.text().length, f.c.s[OOO]], [201, 100, NONE]);
});

test('out-of-order ranges: one absorbed while one before it in the table stays; the one left still joins later', () => {
  const f = reach.established();
  f.send(151, 301, ACK, { data: 'F'.repeat(10) });    // [151, 161), kept first
  f.send(111, 301, ACK, { data: 'B'.repeat(10) });    // [111, 121), second
  f.send(101, 301, ACK, { data: 'A'.repeat(10) });    // fills [101, 111): absorbs the second
  assert.equal([f.c.s[RCV_NXT], f.c.s[OOO], f.c.s[OOO + 1]], [121, 30, 40]);
  f.send(121, 301, ACK, { data: 'C'.repeat(30) });    // [121, 151): joins the first
  assert.equal([f.c.s[RCV_NXT], f.text()], [161, 'A'.repeat(10) + 'B'.repeat(10) + 'C'.repeat(30) + 'F'.repeat(10)]);
});

test('out-of-order ranges: a range is joined to one it touches, whatever their order in the table, and only to one it touches', () => {
  // Touching: [126, 131) kept first, [111, 121) second; [121, 126) joins the first, which then
  // touches the second: one slot for all, so a third range still fits in two.
  const f = reach.established({ oooRanges: 2 });
  f.send(126, 301, ACK, { data: 'D'.repeat(5) });
  f.send(111, 301, ACK, { data: 'B'.repeat(10) });
  f.send(121, 301, ACK, { data: 'C'.repeat(5) });
  assert.equal([f.c.s[OOO], f.c.s[OOO + 1], f.c.s[OOO + 2]], [10, 30, NONE]);
  f.send(141, 301, ACK, { data: 'E'.repeat(5) });
  assert.is(f.tcp.counters.dropOoo, 0);
  // Not touching: [111, 116) and [126, 131); [121, 126) joins the second only: the hole at 116 stays.
  const g = reach.established();
  g.at(1000);
  g.send(111, 301, ACK, { data: 'B'.repeat(5) });
  g.send(126, 301, ACK, { data: 'D'.repeat(5) });
  g.send(121, 301, ACK, { data: 'C'.repeat(5) });
  g.send(101, 301, ACK, { data: 'A'.repeat(10) });
  assert.is(g.c.s[RCV_NXT], 116);
});

test('out-of-order ranges that touch are merged (one slot holds both)', () => {
  const f = reach.established({ oooRanges: 1 });
  f.send(201, 301, ACK, { data: 'B'.repeat(100) });   // [201, 301)
  f.send(301, 301, ACK, { data: 'C'.repeat(100) });   // [301, 401): touches it
  assert.equal([f.c.s[OOO], f.c.s[OOO + 1]], [100, 300]);
  assert.is(f.tcp.counters.dropOoo, 0);
  f.out();
  f.send(101, 301, ACK, { data: 'A'.repeat(100) });   // the hole filled: all 300 in order
  assert.is(f.c.s[RCV_NXT], 401);
  assert.is(f.text(), 'A'.repeat(100) + 'B'.repeat(100) + 'C'.repeat(100));
  assert.equal(f.out(), ['0: <SEQ=301><ACK=401><CTL=ACK> win=1748']);
  assert.is(f.c.s[OOO], NONE);
});

// ---- simultaneous close, raced (RFC 9293 3.6, figure 13) ----

test('simultaneous close: both FINs cross on the wire; both ends CLOSING, then TIME-WAIT, then CLOSED', () => {
  const p = pair({ mslMs: 100 }, { mslMs: 100 });
  p.b.listen(80, (c) => { cb = c; });
  let cb: any = null;
  const ca = p.a.connect(0xc6120002, 80, { onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} })!;
  p.run(50);
  cb.user = { onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  p.a.close(ca); p.b.close(cb);
  p.run(10);
  assert.equal([stateOf(ca), stateOf(cb)], ['CLOSING', 'CLOSING']);
  p.run(10);
  assert.equal([stateOf(ca), stateOf(cb)], ['TIME-WAIT', 'TIME-WAIT']);
  p.run(250);
  assert.equal([p.a.conns.length, p.b.conns.length], [0, 0]);
});

test('simultaneous close, raced: the peer\'s FIN carries the ACK of ours: FIN-WAIT-1 straight to TIME-WAIT', () => {
  const f = reach.finWait1();
  f.send(101, 302, ACK | FIN);
  assert.is(f.c.stateName, 'TIME-WAIT');
  assert.equal(f.out(), ['0: <SEQ=302><ACK=102><CTL=ACK> win=2047']);
});

test('simultaneous close, raced: the ACK of our FIN before the peer\'s FIN: FIN-WAIT-2, then TIME-WAIT', () => {
  const f = reach.finWait1();
  f.send(101, 302, ACK);
  assert.is(f.c.stateName, 'FIN-WAIT-2');
  f.send(101, 302, ACK | FIN);
  assert.is(f.c.stateName, 'TIME-WAIT');
});

test('simultaneous close, raced: our FIN lost, the peer\'s FIN arrives: CLOSING, our FIN resent, its ACK ends in TIME-WAIT', () => {
  const f = reach.finWait1();
  f.send(101, 301, ACK | FIN);                         // does not acknowledge our FIN
  assert.is(f.c.stateName, 'CLOSING');
  f.out();
  f.runTo(200);
  assert.equal(f.out(), ['200: <SEQ=301><ACK=102><CTL=FIN,ACK> win=2047']);
  f.send(102, 302, ACK);
  assert.is(f.c.stateName, 'TIME-WAIT');
});

// ---- keepalive (RFC 1122 4.2.3.6) ----

test('the peer\'s keepalive probe (SEQ = RCV.NXT - 1, 0 or 1 byte) is answered with an ACK; its byte not delivered', () => {
  const f = reach.established();
  f.send(100, 301, ACK);
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  f.send(100, 301, ACK, { data: 'x' });
  assert.equal(f.out(), ['0: <SEQ=301><ACK=101><CTL=ACK> win=2048']);
  assert.is(f.text(), '');
  assert.is(f.c.stateName, 'ESTABLISHED');
});

test('our keepalive: the probe count is reset by traffic from the peer', () => {
  const f = reach.established({ keepIdleMs: 10000, keepIntvlMs: 1000, keepCnt: 3 });
  f.tcp.setKeepAlive(f.c, true);
  f.runTo(11000);
  assert.equal(f.out(), ['10000: <SEQ=300><ACK=101><CTL=ACK> win=2048', '11000: <SEQ=300><ACK=101><CTL=ACK> win=2048']);
  f.runTo(11500);
  f.send(101, 301, ACK);                               // the peer answers
  f.runTo(24000);
  assert.equal(f.out().map((l) => l.split(':')[0]), ['21500', '22500', '23500'], 'three probes again, the count started over');
  assert.is(f.c.stateName, 'ESTABLISHED');
  f.runTo(24500);
  assert.equal(f.out(), ['24500: <SEQ=301><CTL=RST> win=0']);
  assert.equal(f.rec.events.slice(-1), ['close:ETIMEDOUT']);
});

// ---- demultiplexing (RFC 9293 3.10.7) ----

test('demux: the same ports from another address, or another port from the peer, are not the connection', () => {
  const f = reach.established();
  const other = A_IP + 5;
  const s1 = segment(other, OUR_IP, 40000, 80, 101, 301, ACK, { data: enc('x') });
  f.tcp.input(other, OUR_IP, s1, 0, s1.length);
  assert.equal(f.ifc.take().map((s) => [s.dst, s.seq, s.flags]), [[other, 301, RST]], 'RST from the listener\'s port (LISTEN + ACK)');
  const s2 = segment(PEER_IP, OUR_IP, 40001, 80, 101, 301, ACK, { data: enc('x') });
  f.tcp.input(PEER_IP, OUR_IP, s2, 0, s2.length);
  assert.equal(f.ifc.take().map((s) => [s.dport, s.seq, s.flags]), [[40001, 301, RST]]);
  const s3 = segment(PEER_IP, OUR_IP, 40000, 81, 101, 301, ACK, { data: enc('x') });
  f.tcp.input(PEER_IP, OUR_IP, s3, 0, s3.length);
  assert.equal(f.ifc.take().map((s) => [s.sport, s.seq, s.flags]), [[81, 301, RST]], 'CLOSED port');
  assert.is(f.text(), '');
  assert.equal([f.c.stateName, f.c.s[RCV_NXT]], ['ESTABLISHED', 101]);
});

test('demux: a segment for another address is dropped without a RST (no reply in another host\'s name)', () => {
  const f = reach.established();
  const elsewhere = OUR_IP + 7;
  for (const port of [80, 81]) {
    const s = segment(PEER_IP, elsewhere, 40000, port, 100, 0, SYN);
    f.tcp.input(PEER_IP, elsewhere, s, 0, s.length);
  }
  const s = segment(PEER_IP, elsewhere, 40000, 80, 101, 301, ACK, { data: enc('x') });
  f.tcp.input(PEER_IP, elsewhere, s, 0, s.length);
  assert.equal(f.out(), []);
  assert.is(f.tcp.conns.length, 1);
  assert.is(f.text(), '');
  assert.is(f.tcp.counters.dropNoConn, 3);
  const out = f.tcp.counters.segsOut;
  f.tcp.send(f.c, enc('y'), 0, 1);
  assert.equal([f.out().length, f.tcp.counters.segsOut - out], [1, 1], 'each segment sent counted once');
});

// ---- addressChanged ----

test('addressChanged: connections on the old address are reset (EADDRNOTAVAIL), without a RST; others and 0 leave them', () => {
  const f = reach.established();
  f.tcp.addressChanged(OUR_IP + 1);
  f.tcp.addressChanged(0);
  assert.is(f.tcp.conns.length, 1);
  f.tcp.addressChanged(OUR_IP);
  assert.is(f.tcp.conns.length, 0);
  assert.equal(f.rec.events.slice(-1), ['close:EADDRNOTAVAIL']);
  assert.equal(f.out(), []);
  assert.ok(f.tcp.listeners.length === 1, 'the listener stays');
});

// ---- the receive window (RFC 9293 3.8.6.2.2) ----

test('receive window: the right edge moves once it can by min(rcvBuf/2, MSS) exactly (2048 ring: 1024)', () => {
  const f = reach.established();
  f.rec.tcp = null;
  f.send(101, 301, ACK, { data: new Uint8Array(1024) });
  f.runTo(100);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=1125><CTL=ACK> win=1024']);
  const b = new Uint8Array(1024);
  f.tcp.recv(f.c, b, 0, 1023);
  assert.equal(f.out(), [], '1023 bytes freed: below the threshold, no update');
  f.tcp.recv(f.c, b, 0, 1);
  assert.equal(f.out(), ['100: <SEQ=301><ACK=1125><CTL=ACK> win=2048'], 'exactly 1024: the update (min(1024, 1460), not max)');
});

test('MSS of an active open: a SYN,ACK without the option, or with 0, gives 536; a tiny one 64', () => {
  const mssOf = (o: { mss?: number; options?: number[] }) => {
    const f = reach.synSent();
    f.send(100, 301, SYN | ACK, o);
    assert.is(f.c.stateName, 'ESTABLISHED');
    return f.c.s[MSS];
  };
  assert.equal([mssOf({}), mssOf({ options: [2, 4, 0, 0] }), mssOf({ mss: 10 }), mssOf({ mss: 1000 })], [536, 536, 64, 1000]);
});

test.run();
