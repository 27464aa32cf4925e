// The two sequences of RFC 9293 that the TCP issue quotes, line for line, between two synack
// TCPs with initial sequence numbers 100 and 300, and the socket-level story around them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pair, fmt, Recorder, stateOf, A_IP, B_IP } from './helpers/tcp-fixture.ts';
import type { Conn } from '../firmware/tcp/tcp.ts';

test('RFC 9293 three-way handshake and first data (figure: basic 3-way handshake)', () => {
  const lines: string[] = [];
  const w = pair({ isn: () => 100 }, { isn: () => 300 });
  let accepted: Conn | null = null;
  w.b.listen(80, (c) => { accepted = c; c.user = new Recorder(w.b); });
  const ra = new Recorder(w.a);
  lines.push(`1. CLOSED LISTEN`);
  const conn = w.a.connect(B_IP, 80, ra)!;
  // After each delivery, the states of both ends.
  const seen = new Set<number>();
  const step = () => {
    for (let i = 0; i < w.log.length; i++) {
      if (seen.has(i)) continue;
      seen.add(i);
      const e = w.log[i];
      w.run(10); // delivered
      const arrow = e.from === 'A' ? '-->' : '<--';
      lines.push(`${lines.length + 1}. ${stateOf(conn)} ${arrow} ${fmt(e.seg)} ${arrow} ${accepted || w.b.conns[0] || !w.b.halfOpen(0) ? stateOf(accepted ?? w.b.conns[0]) : 'SYN-RECEIVED'}`);
    }
  };
  step(); step(); step();
  w.a.send(conn, new TextEncoder().encode('hello'), 0, 5);
  step();
  assert.equal(lines, [
    '1. CLOSED LISTEN',
    '2. SYN-SENT --> <SEQ=100><CTL=SYN> --> SYN-RECEIVED',
    '3. ESTABLISHED <-- <SEQ=300><ACK=101><CTL=SYN,ACK> <-- SYN-RECEIVED',
    '4. ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK> --> ESTABLISHED',
    '5. ESTABLISHED --> <SEQ=101><ACK=301><CTL=PSH,ACK><DATA> --> ESTABLISHED',
  ]);
  assert.equal(ra.events, ['connect']);
});

test('RFC 9293 normal close sequence, line for line (ISNs 99 and 299 so the FIN is SEQ=100)', () => {
  const w = pair({ isn: () => 99, mslMs: 1000 }, { isn: () => 299 });
  let bConn: Conn | null = null;
  const rb = new Recorder(w.b);
  w.b.listen(80, (c) => { bConn = c; c.user = rb; });
  const ra = new Recorder(w.a);
  const a = w.a.connect(B_IP, 80, ra)!;
  w.run(100);
  assert.is(stateOf(a), 'ESTABLISHED');
  assert.is(stateOf(bConn), 'ESTABLISHED');
  w.log.length = 0;
  const lines: string[] = ['1. ESTABLISHED ESTABLISHED'];
  w.a.close(a);                                  // 2. (Close)
  const l2 = w.log[0];
  w.run(10);
  lines.push(`2. ${stateOf(a)} --> ${fmt(l2.seg)} --> ${stateOf(bConn)}`);
  const l3 = w.log[1];                           // B's ACK of the FIN, sent at once
  w.run(10);
  lines.push(`3. ${stateOf(a)} <-- ${fmt(l3.seg)} <-- ${stateOf(bConn)}`);
  assert.equal(rb.events.slice(-1), ['end'], 'the server read end-of-file');
  w.b.close(bConn!);                             // 4. (Close)
  const l4 = w.log[2];
  w.run(10);
  lines.push(`4. ${stateOf(a)} <-- ${fmt(l4.seg)} <-- ${stateOf(bConn)}`);
  const l5 = w.log[3];
  w.run(10);
  lines.push(`5. ${stateOf(a)} --> ${fmt(l5.seg)} --> ${bConn!.state === 0 ? 'CLOSED' : stateOf(bConn)}`);
  w.run(2000);                                   // 6. (2 MSL)
  lines.push(`6. ${stateOf(a)}`);
  assert.equal(lines, [
    '1. ESTABLISHED ESTABLISHED',
    '2. FIN-WAIT-1 --> <SEQ=100><ACK=300><CTL=FIN,ACK> --> CLOSE-WAIT',
    '3. FIN-WAIT-2 <-- <SEQ=300><ACK=101><CTL=ACK> <-- CLOSE-WAIT',
    '4. TIME-WAIT <-- <SEQ=300><ACK=101><CTL=FIN,ACK> <-- LAST-ACK',
    '5. TIME-WAIT --> <SEQ=101><ACK=301><CTL=ACK> --> CLOSED',
    '6. CLOSED',
  ]);
  assert.equal(ra.events, ['connect', 'end', 'close']);
  assert.equal(rb.events, ['end', 'close']);
  assert.is(w.log.length, 4, 'no other segment, no RST');
});

test.run();
