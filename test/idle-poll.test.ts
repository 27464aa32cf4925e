// An idle board costs nothing (issue 25): Stack.poll keeps a deadline (iface.due), the earliest
// timer of every layer, and a poll before it only asks the driver for frames. These tests count,
// in virtual time, the work idle polls do (calls into the timer checks: TCP's poll and its
// per-connection check, the ARP table's, DHCP's, free-memory measures) and show it does not grow
// with the number of connections and ARP entries; and that whatever can move a timer (a frame, a
// user call) re-arms the deadline, so no timer is late.
//
//   board A (198.18.0.1)                         peer B (198.18.0.2)
//     K connections to B:9, ESTABLISHED, quiet      listening on 9
//     M ARP entries learnt from ARP requests
//     then 600 polls, 100 ms apart (a minute of an idle board)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createStack, type Stack } from '../firmware/stack.ts';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimHost, SimNic } from '../host-sim/nic.ts';
import { ESTABLISHED, type Conn, type ConnUser } from '../firmware/tcp/tcp.ts';
import { arp, eth, BCAST_MAC, ZERO_MAC } from './helpers/frames.ts';

interface Work { tcpPoll: number; connChecks: number; arpPoll: number; dhcpPoll: number; memory: number; polls: number }

const quiet: ConnUser = { onConnect() {}, onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };

/** Counts every call into the timer checks of stack `s` from now on. */
function count(s: Stack, freeCalls: { n: number }): Work {
  const w: Work = { tcpPoll: 0, connChecks: 0, arpPoll: 0, dhcpPoll: 0, memory: 0, polls: 0 };
  const t = s.tcp as any, i = s.iface as any;
  const poll = t.poll.bind(t), timers = t.timers.bind(t), arpPoll = i.arpPoll.bind(i);
  t.poll = (now: number) => { w.tcpPoll++; return poll(now); };
  t.timers = (c: Conn, now: number) => { w.connChecks++; return timers(c, now); };
  i.arpPoll = (now: number) => { w.arpPoll++; return arpPoll(now); };
  if (s.dhcp) { const d = s.dhcp as any, dp = d.poll.bind(d); d.poll = (now: number) => { w.dhcpPoll++; return dp(now); }; }
  const m0 = freeCalls.n;
  Object.defineProperty(w, 'memory', { get: () => freeCalls.n - m0 });
  return w;
}

/** Board A with `conns` quiet connections to B and `arps` ARP entries, settled; then a minute
 *  of idle polls every 100 ms (as the board's loop without `int`). Returns the work counted. */
function idleMinute(conns: number, arps: number): { work: Work; a: Stack; clock: VirtualClock; seg: Segment } {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.5);
  const nA = new SimNic(seg.attach('A'), [2, 0, 0, 0, 0, 1], 64, true), nB = new SimNic(seg.attach('B'), [2, 0, 0, 0, 0, 2], 64, true);
  const free = { n: 0 };
  const A = createStack(nA, { ip: '198.18.0.1/24', apps: false, tcp: { maxConns: 8 }, freeBlocks: () => { free.n++; return 3000; } });
  const B = createStack(nB, { ip: '198.18.0.2/24', apps: false });
  const hA = new SimHost(clock, A, nA), hB = new SimHost(clock, B, nB);
  B.tcp.listen(9, () => {}, 8); // a backlog for all the SYNs at once
  clock.runFor(10);
  const cs: Conn[] = [];
  for (let k = 0; k < conns; k++) cs.push(A.tcp.connect(0xc6120002, 9, quiet)!);
  // Other stations asking for our address: each is learnt (RFC 826), an entry with its timer.
  for (let k = 0; k < arps; k++) {
    const mac = Uint8Array.of(2, 0, 0, 0, 1, k), ip = 0xc6120010 + k;
    const f = eth(BCAST_MAC, mac, 0x0806, arp(1, mac, ip, ZERO_MAC, 0xc6120001));
    A.iface.input(f, f.length);
  }
  clock.runFor(2000); // handshakes, delayed ACKs: all settled
  hA.stop(); hB.stop();
  for (const c of cs) assert.is(c.state, ESTABLISHED);
  assert.ok(A.iface.arp.n >= arps);
  let now = clock.now;
  A.poll(now); // the pass after the SimHost's last: the deadline is worked out
  const work = count(A, free);
  for (let k = 0; k < 600; k++) { now += 100; A.poll(now); work.polls++; }
  return { work, a: A, clock, seg };
}

test('a minute of idle polls does the same work with 0 or 6 connections and 0 or 8 ARP entries', () => {
  const none = idleMinute(0, 0).work;
  const busy = idleMinute(6, 8).work;
  // Nothing is due on either board (no keepalive, the ARP entries expire in 5 minutes): no
  // timer check runs at all, however many connections and entries there are.
  assert.equal({ ...busy, polls: 0 }, { ...none, polls: 0 }, 'work grows with connections or ARP entries');
  assert.is(busy.connChecks, 0, 'a per-connection timer check ran on an idle poll');
  assert.is(busy.tcpPoll, 0);
  assert.is(busy.arpPoll, 0);
  assert.is(busy.memory, 0, 'free memory measured on idle polls');
});

test('the deadline comes: the ARP entries expire (RFC 1122 2.3.2.1) at their deadline, in one pass', () => {
  const { a, clock } = idleMinute(0, 8);
  const work = count(a, { n: 0 });
  // Learnt at about t=10 ms, an entry lives ARP_MAX_AGE_MS (5 min): about 3000 polls to reach it.
  let now = clock.now + 60000;
  for (let k = 0; k < 3000; k++) { now += 100; a.poll(now); }
  assert.is(a.iface.arp.find(0xc6120010), -1, 'the entry outlived its age');
  assert.ok(work.arpPoll >= 1 && work.arpPoll <= 2, `${work.arpPoll} ARP scans in 3000 polls`);
});

test('a user call between polls re-arms the deadline: the retransmission is on time', () => {
  const { a } = idleMinute(1, 0);
  const c = a.tcp.conns[0];
  let now = a.iface.now;
  // Idle: the deadline is far (no timer at all).
  assert.ok(a.iface.due - now > 60000);
  // The peer is gone (nothing will answer): the data must be retransmitted after the RTO.
  now += 50;
  a.tcp.send(c, new Uint8Array(100), 0, 100);
  assert.is(a.iface.due, 0, 'send did not re-arm the deadline');
  const before = a.tcp.counters.retransmits;
  const next = a.poll(now);
  assert.ok(next > 0 && next <= 1000, `next poll in ${next} ms: the RTO was not seen`);
  // Polled every 100 ms from here, the retransmission comes at the RTO, not never.
  for (let k = 0; k < 20; k++) { now += 100; a.poll(now); }
  assert.ok(a.tcp.counters.retransmits > before, 'no retransmission: the timer was missed');
});

test('a frame re-arms the deadline: a segment received between polls gets its delayed ACK', () => {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.5);
  const nA = new SimNic(seg.attach('A'), [2, 0, 0, 0, 0, 1], 64, true), nB = new SimNic(seg.attach('B'), [2, 0, 0, 0, 0, 2], 64, true);
  const A = createStack(nA, { ip: '198.18.0.1/24', apps: false });
  const B = createStack(nB, { ip: '198.18.0.2/24', apps: false });
  const hA = new SimHost(clock, A, nA), hB = new SimHost(clock, B, nB);
  let bc: Conn | null = null;
  B.tcp.listen(9, (c) => { bc = c; });
  clock.runFor(10);
  const ac = A.tcp.connect(0xc6120002, 9, quiet)!;
  clock.runFor(1000);
  hA.stop(); hB.stop();
  assert.ok(bc);
  let now = clock.now;
  assert.ok(A.poll(now) > 60000, 'not idle'); // only the ARP entry's expiry is ahead
  // One segment from B, polled by A: its delayed ACK is due within delAckMs (100 ms).
  B.tcp.send(bc!, new Uint8Array(10), 0, 10);
  clock.runFor(1);
  now = clock.now;
  const next = A.poll(now);
  assert.ok(next <= 100, `next poll in ${next} ms after a segment: the delayed ACK was not seen`);
  const acksBefore = nA.txFrames;
  now += next; A.poll(now);
  assert.ok(nA.txFrames > acksBefore, 'the delayed ACK was not sent');
  assert.is(ac.state, ESTABLISHED);
});

test('free memory is measured before the frames a poll keeps, not on idle polls; every 20 ms while low', () => {
  const { a, seg, clock } = idleMinute(0, 0);
  const other = seg.attach('C');
  let free = 3000, calls = 0;
  a.iface.freeBlocks = () => { calls++; return free; };
  let now = a.iface.now;
  for (let k = 0; k < 50; k++) { now += 100; a.poll(now); }
  assert.is(calls, 0, 'measured on idle polls');
  // A frame arrives: measured once before it is handed to input.
  const mac = Uint8Array.of(2, 0, 0, 0, 1, 1);
  other.send(eth(Uint8Array.of(2, 0, 0, 0, 0, 1), mac, 0x0806, arp(1, mac, 0xc6120020, ZERO_MAC, 0xc6120001)));
  clock.runFor(1); // across the segment, into A's receive queue
  free = 100; // under half the 400-block reserve: critical
  now += 100; a.poll(now);
  assert.is(calls >= 1 && calls <= 2, true, `${calls} measures for one frame`);
  assert.is(a.iface.lowMem, 2);
  // Low: the stack comes back every 20 ms to see memory return, and then stops measuring.
  const n = a.poll(now + 1);
  assert.ok(n <= 20, `next poll in ${n} ms while memory is critical`);
  free = 3000;
  now += 20; a.poll(now);
  assert.is(a.iface.lowMem, 0);
  calls = 0;
  for (let k = 0; k < 50; k++) { now += 100; a.poll(now); }
  assert.is(calls, 0, 'measured on idle polls after memory came back');
});

test.run();
