// The two RFC 9293 sequences of the TCP issue drawn from simulated runs: two synack stacks on the
// virtual segment (ISNs 100 and 300; 99 and 299 for the close so that the FIN is SEQ=100), the
// simulator's pcap and the stacks' own state trace fed to the ladder: line for line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimBoard } from '../host-sim/board.ts';
import { PcapWriter, readPcap } from '../host-sim/pcap.ts';
import { STATE_NAMES, LIP, LPORT, RIP, RPORT, type Conn } from '../firmware/tcp/tcp.ts';
import { ipToString } from '../firmware/wire/ipv4.ts';
import { connections, decodeTcp, ladder, renderText, type StateEvent } from '../tools/ladder/index.ts';

function run(isnA: number, isnB: number, script: (a: SimBoard, b: SimBoard, clock: VirtualClock) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'synack-ladder-sim-'));
  try {
    const clock = new VirtualClock();
    const seg = new Segment(clock, 1); // whole milliseconds: pcap times and state times agree exactly
    const pcap = new PcapWriter(join(dir, 'run.pcap'));
    seg.tap((f) => pcap.write(clock.now, f));
    const states: StateEvent[] = [];
    const onState = (c: Conn, s: number) => states.push({ timeMs: clock.now, local: `${ipToString(c.s[LIP])}:${c.s[LPORT]}`, remote: `${ipToString(c.s[RIP])}:${c.s[RPORT]}`, state: STATE_NAMES[s] });
    const a = new SimBoard(clock, seg, { name: 'A', chip: 'none', ip: '198.18.0.1/24', mac: new Uint8Array([2, 0, 0, 0, 0, 1]), apps: false, tcp: { isn: () => isnA, onState, mslMs: 1000 }, random32: () => 4242 });
    const b = new SimBoard(clock, seg, { name: 'B', chip: 'none', ip: '198.18.0.2/24', mac: new Uint8Array([2, 0, 0, 0, 0, 2]), apps: false, tcp: { isn: () => isnB, onState, mslMs: 1000 }, random32: () => 4343 });
    // Resolve each other first, so that the SYN leaves when connect() is called.
    a.stack.iface.arpRequest(0xc6120002);
    a.host.kick();
    clock.runFor(10);
    script(a, b, clock);
    pcap.close();
    const conns = connections(decodeTcp(readPcap(join(dir, 'run.pcap'))).segments);
    assert.is(conns.length, 1);
    return renderText(conns[0], ladder(conns[0], { states, stateDelayMs: 1 }), { extras: false }).split('\n').slice(1).join('\n');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

const norm = (s: string) => s.trim().split('\n').map((l) => l.trim().replace(/\s+/g, ' '));

test('simulated run: the three-way handshake and data, with the stacks\' real states', () => {
  const text = run(100, 300, (a, b, clock) => {
    b.stack.net.createServer(() => {}).listen(80);
    clock.runFor(10);
    const s = a.stack.net.connect({ host: '198.18.0.2', port: 80 });
    a.host.kick();
    clock.runFor(50);
    s.write('hello');
    a.host.kick();
    clock.runFor(50);
  });
  assert.equal(norm(text), norm(`
    TCP A                                                TCP B
1.  CLOSED                                               LISTEN
2.  SYN-SENT    --> <SEQ=100><CTL=SYN>               --> SYN-RECEIVED
3.  ESTABLISHED <-- <SEQ=300><ACK=101><CTL=SYN,ACK>  <-- SYN-RECEIVED
4.  ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK>       --> ESTABLISHED
5.  ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK><DATA> --> ESTABLISHED`));
});

test('simulated run: the normal close sequence, with the stacks\' real states', () => {
  const text = run(99, 299, (a, b, clock) => {
    let server: any = null;
    b.stack.net.createServer((s) => { server = s; }).listen(80);
    clock.runFor(10);
    const s = a.stack.net.connect({ host: '198.18.0.2', port: 80 });
    a.host.kick();
    clock.runFor(500);
    s.end();
    a.host.kick();
    clock.runFor(100);
    server.end();
    b.host.kick();
    clock.runFor(3000);
  }).split('\n');
  // The handshake comes first in this capture: keep the lines from A's close on.
  const from = text.findIndex((l) => l.includes('(Close)'));
  const body = ['    TCP A                                                TCP B', '1.  ESTABLISHED                                          ESTABLISHED', ...text.slice(from)];
  const first = Number(text[from].match(/^(\d+)/)![1]);
  const renumbered = body.map((l, i) => (i < 2 ? l : l.replace(/^(\d+)\./, (_m, n) => `${Number(n) - first + 2}.`)));
  assert.equal(norm(renumbered.join('\n')), norm(`
    TCP A                                                TCP B
1.  ESTABLISHED                                          ESTABLISHED
2.  (Close)
    FIN-WAIT-1  --> <SEQ=100><ACK=300><CTL=FIN,ACK>  --> CLOSE-WAIT
3.  FIN-WAIT-2  <-- <SEQ=300><ACK=101><CTL=ACK>      <-- CLOSE-WAIT
4.                                                       (Close)
    TIME-WAIT   <-- <SEQ=300><ACK=101><CTL=FIN,ACK>  <-- LAST-ACK
5.  TIME-WAIT   --> <SEQ=101><ACK=301><CTL=ACK>      --> CLOSED
6.  (2 MSL)
    CLOSED`));
});

test.run();
