// An ARP storm and a client that already knows the board (issues 21 and 22: the soak's sessions
// that failed after a storm). The client's ARP cache holds the board, so it sends no request of its
// own: it only sends SYNs. Before the fix every entry of the board's table was a storm sender
// (a request for us teaches its sender, RFC 826), none of which a SYN could take, and the board
// answered none of the client's SYNs until the storm's entries expired, 5 minutes on.
//
//   client                         storm                          board
//   ping (both learn each other)                                  echo reply
//                                  2000 who-has .2/s, 2 s,        is-at to each; entries learnt
//                                  from 200 made-up senders       (ARP_LEARNT)
//   SYN :7 (during the storm)                                     who-has client (a learnt entry
//                                                                 taken), then SYN,ACK
//   "hello"                                                       "hello" echoed
//   SYN :7 (a second client port, right after the storm)          SYN,ACK at once: the client's
//                                                                 entry stayed resolved
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimBoard } from '../host-sim/board.ts';
import { arp, eth, BCAST_MAC, ZERO_MAC } from './helpers/frames.ts';

const BOARD = 0xc6120002;

function world() {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.2);
  const board = new SimBoard(clock, seg, { chip: 'none', ip: '198.18.0.2/24', apps: { http: false }, random32: () => 1234 });
  const client = new SimBoard(clock, seg, { name: 'client', chip: 'none', ip: '198.18.0.1/24', apps: false, random32: () => 5678 });
  const storm = seg.attach('storm');
  let pongs = 0;
  client.stack.iface.register(1, { input: (_s: number, _d: number, b: Uint8Array, o: number) => { if (b[o] === 0) pongs++; }, poll: () => 0x7fffffff });
  const ping = () => { client.stack.iface.sendPing(BOARD, 1, 1, new Uint8Array(8), 0, 8); client.host.kick(); };
  /** 2000 requests a second for ms, for us, from made-up senders .20 to .219. */
  const arpStorm = (ms: number) => {
    for (let t = 0, k = 0; t < ms; t += 0.5, k++) {
      clock.after(t, () => {
        const mac = Uint8Array.of(2, 0, 0, 0xa0, 0, k & 0xff);
        storm.send(eth(BCAST_MAC, mac, 0x0806, arp(1, mac, 0xc6120014 + (k % 200), ZERO_MAC, BOARD)));
      });
    }
  };
  /** Connects to the echo port, sends "hello"; resolves to the virtual time the echo came back. */
  const echo = () => {
    const start = clock.now;
    const r = { echoedAfter: -1, error: '' };
    const s = client.stack.net.connect({ host: '198.18.0.2', port: 7 }, () => s.write('hello'));
    s.on('data', (d: Uint8Array) => { if (String.fromCharCode(...d) === 'hello' && r.echoedAfter < 0) { r.echoedAfter = clock.now - start; s.end(); } });
    s.on('error', (e: Error) => { r.error = e.message; });
    client.host.kick();
    return r;
  };
  return { clock, board, client, ping, pongs: () => pongs, arpStorm, echo };
}

test('a client that knows the board is served during and right after an ARP storm', () => {
  const w = world();
  w.ping();
  w.clock.runFor(100);
  assert.is(w.pongs(), 1, 'learnt each other');
  // Two seconds of storm fill the board's table with storm senders many times over.
  w.arpStorm(2000);
  w.clock.runFor(500);
  const during = w.echo();
  w.clock.runFor(1500);
  const after = w.echo();
  w.clock.runFor(5000);
  if (process.env.SYNACK_VERBOSE) console.log(`during: ${during.echoedAfter} ms, after: ${after.echoedAfter} ms`);
  assert.is(during.error, '');
  assert.ok(during.echoedAfter >= 0, 'the client during the storm was never served');
  // Its first SYN is not answered (the board asks for its address), its retransmission is.
  assert.ok(during.echoedAfter < 1100, `served after ${during.echoedAfter} ms`);
  assert.ok(after.echoedAfter >= 0 && after.echoedAfter < 100, `after the storm: served after ${after.echoedAfter} ms`);
  assert.ok(w.board.stack.iface.counters.arpRx >= 4000, 'the storm reached the board');
});

test.run();
