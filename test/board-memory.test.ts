// The stack under memory pressure, in virtual time (test/board-memory-espruino.test.ts does the
// same in the real interpreter): the board's free memory comes from a function the test sets
// (StackConfig.freeBlocks: a base the test sets, less 520 blocks for each connection in the
// table, about what one takes with its rings chained), reserve 400 blocks.
//
//   client                          board (free blocks)
//   SYN :7, SYN :9 (same instant)   1000: the first SYN-ACKed, the second refused (its rings would
//                                         take the board under its reserve); dropLowMem 1
//   the second SYN again (RTO)      1600: SYN-ACK (measured again, as the SYN comes)
//   ping, SYN                        300 (LOW): ping answered, SYN refused
//   ping                             100 (CRITICAL): nothing read, lowMemPolls counts
//   (memory back)                   5000: the waiting ping answered
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimBoard } from '../host-sim/board.ts';
import { LPORT, ESTABLISHED } from '../firmware/tcp/tcp.ts';
import { MEM_CRITICAL, MEM_LOW, MEM_OK } from '../firmware/iface/interface.ts';

function world() {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.2);
  let free = 1000;
  let conns = () => 0;
  const board = new SimBoard(clock, seg, { chip: 'none', ip: '198.18.0.2/24', apps: { http: false }, random32: () => 1234, freeBlocks: () => free - 520 * conns(), memReserve: 400 });
  conns = () => board.stack.tcp.conns.length;
  const client = new SimBoard(clock, seg, { name: 'client', chip: 'none', ip: '198.18.0.1/24', apps: false, random32: () => 5678 });
  let pongs = 0;
  client.stack.iface.register(1, { input: (_s: number, _d: number, b: Uint8Array, o: number) => { if (b[o] === 0) pongs++; }, poll: () => 0x7fffffff });
  const ping = () => { client.stack.iface.sendPing(0xc6120002, 1, 1, new Uint8Array(8), 0, 8); client.host.kick(); };
  const connect = (port: number) => {
    const s = client.stack.net.connect({ host: '198.18.0.2', port });
    s.on('error', () => { /* refused or reset: the test looks at the board */ });
    client.host.kick();
    return s;
  };
  const established = (port: number) => board.stack.tcp.conns.filter((c) => c.s[LPORT] === port && c.state === ESTABLISHED).length;
  return { clock, board, setFree: (n: number) => { free = n; }, ping, pongs: () => pongs, connect, established };
}

test('memory: two SYNs at once with room for one; LOW refuses connections but answers ping; CRITICAL reads nothing; then recovery', () => {
  const w = world();
  const tcp = w.board.stack.tcp, iface = w.board.stack.iface;
  w.clock.runFor(100); // ARP both ways is not what this test is about: learn each other first
  w.ping();
  w.clock.runFor(100);
  assert.is(w.pongs(), 1);
  assert.is(iface.lowMem, MEM_OK);

  w.connect(7);
  w.connect(9);
  w.clock.runFor(50);
  assert.is(w.established(7), 1, 'the first SYN is answered');
  assert.is(w.established(9), 0, 'the second would take the board under its reserve');
  assert.is(tcp.counters.dropLowMem, 1);
  w.setFree(1600);
  w.clock.runFor(3000); // the client retransmits its SYN; memory is measured again
  assert.is(w.established(9), 1, 'the retransmitted SYN is answered');

  // Memory is looked at when the board polls (at least every idlePollMs on a board; here the
  // traffic makes it poll).
  w.setFree(300 + 2 * 520);
  w.ping();
  w.connect(7);
  w.clock.runFor(100);
  assert.is(iface.lowMem, MEM_LOW);
  assert.is(w.pongs(), 2, 'LOW: ping answered');
  assert.is(w.established(7), 1, 'LOW: no new connection');
  assert.ok(tcp.counters.dropLowMem >= 2);

  w.setFree(100 + 2 * 520);
  const polls = iface.counters.lowMemPolls;
  w.ping();
  w.clock.runFor(200);
  assert.is(iface.lowMem, MEM_CRITICAL);
  assert.is(w.pongs(), 2, 'CRITICAL: the ping waits in the driver');
  assert.ok(iface.counters.lowMemPolls > polls);

  w.setFree(5000);
  w.clock.runFor(200);
  assert.is(iface.lowMem, MEM_OK);
  assert.is(w.pongs(), 3, 'memory back: the waiting ping is answered');
});

test('memory: without freeBlocks (a host, the simulator) memory is never low', () => {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.2);
  const board = new SimBoard(clock, seg, { chip: 'none', ip: '198.18.0.2/24', apps: false });
  clock.runFor(1000);
  assert.is(board.stack.iface.lowMem, MEM_OK);
  assert.is(board.stack.iface.memFree, 0x7fffffff);
});

test.run();
