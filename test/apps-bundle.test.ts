// The default apps as a board runs them: the enc28j60 bundle started with start(), its apps from
// the "synack-apps" module (names shortened as in the bundle). They sit on the TCP connections,
// so the net-style API ("synack-net") is never loaded. A peer stack (from the sources) on the
// virtual segment talks to each: echo with flow control, discard, the byte source, the status
// page.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimHost, SimNic } from '../host-sim/nic.ts';
import { createStack } from '../firmware/stack.ts';
import { loadBundleContext } from './helpers/bundle.ts';
import { pattern, pump } from './helpers/streams.ts';

const dist = join(import.meta.dirname, '..', 'dist');

test('echo, discard, source and status page from the "synack-apps" module, without "synack-net"', () => {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.5);
  const nicBoard = new SimNic(seg.attach('board'), [2, 0, 0, 0, 0, 2], 256, true); // frames as the chip drivers hand them over
  const nicPeer = new SimNic(seg.attach('peer'), [2, 0, 0, 0, 0, 1], 256);
  const b = loadBundleContext(join(dist, 'synack-enc28j60.js'));
  const storage = b.context.global;
  const asked: string[] = [];
  b.context.global = { require: (name: string) => { asked.push(name); return storage.require(name); } };
  const board = b.exports.start({ driver: nicBoard, ip: '198.18.0.2/24', networkjs: false, apps: { source: 20000 } });
  board.stop(); // the virtual clock polls it instead of a timer
  const hostBoard = new SimHost(clock, board.stack, nicBoard);
  const peer = createStack(nicPeer, { ip: '198.18.0.1/24', apps: false, tcp: { sndBuf: 4096, rcvBuf: 4096 } });
  const hostPeer = new SimHost(clock, peer, nicPeer);

  function talk(port: number, send: Uint8Array | null): { got: Uint8Array; closed: boolean } {
    const chunks: Uint8Array[] = [];
    let closed = false;
    const s = peer.net.connect({ host: '198.18.0.2', port });
    s.on('connect', () => { if (send) pump(s, send, () => hostPeer.kick(), 1000); });
    s.on('data', (d: Uint8Array) => chunks.push(d.slice()));
    s.on('end', () => { s.end(); hostPeer.kick(); });
    s.on('close', () => { closed = true; });
    hostPeer.kick();
    clock.runUntilTrue(() => closed, 120000);
    const got = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
    let o = 0;
    for (const c of chunks) { got.set(c, o); o += c.length; }
    return { got, closed };
  }

  // Echo: 100 KB through the board's 2 KB rings, each byte back in order.
  const data = pattern(3, 0, 100000);
  const echo = talk(7, data);
  assert.ok(echo.closed);
  assert.is(echo.got.length, data.length);
  assert.ok(echo.got.every((v, i) => v === data[i]), 'echoed intact');
  // Discard: everything taken, nothing back, closed after our FIN.
  const discard = talk(9, pattern(5, 0, 30000));
  assert.ok(discard.closed);
  assert.is(discard.got.length, 0);
  // Source: the configured 20000 bytes of the chargen-like pattern, then the board closes.
  const src = talk(19, null);
  assert.is(src.got.length, 20000);
  const text = String.fromCharCode(...src.got.subarray(0, 146));
  assert.is(text.slice(0, 73), ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\n');
  assert.is(text.slice(73, 146), '!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\n');
  // The status page, as JSON: the board's own listeners are in it.
  const page = talk(80, new TextEncoder().encode('GET /stats.json HTTP/1.0\r\n\r\n'));
  const reply = String.fromCharCode(...page.got);
  // Written piece by piece: no Content-Length, the body ends with the connection (RFC 9112 6.3).
  assert.match(reply, /^HTTP\/1\.1 200 OK\r\nContent-Type: application\/json\r\nConnection: close\r\n\r\n/);
  const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
  const st = JSON.parse(body);
  assert.equal(st.connections.filter((c: { state: string }) => c.state === 'LISTEN').map((c: { local: string }) => c.local).sort(), ['*:19', '*:7', '*:80', '*:9']);
  assert.is(st.address, '198.18.0.2/24');

  assert.ok(asked.includes('synack-apps'));
  assert.not.ok(asked.includes('synack-net'), 'the net-style API was never loaded');
  clock.runFor(10000);
  assert.is(board.stack.tcp.conns.length, 0, 'every connection closed on the board');
  hostBoard.stop(); hostPeer.stop();
});

test.run();
