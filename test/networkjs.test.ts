// The NetworkJS adapter driven the way Espruino drives it (docs/espruino.md): a harness that
// polls accept/recv/send on every idle pass and honours the return codes, against a simulated
// client: a TCP server (as http.createServer would use it), a TCP client by name and address,
// UDP with the 8-byte header both ways, and the error codes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimBoard } from '../host-sim/board.ts';
import { NetworkJsAdapter, SOCKET_ERR_MEM, SOCKET_ERR_MAX_SOCK, SOCKET_ERR_CLOSED, SOCKET_ERR_NO_CONN, SOCKET_ERR_NO_ROUTE, SOCKET_ERR_NOT_FOUND, SOCKET_ERR_RESET, SOCKET_ERR_UNKNOWN } from '../firmware/socket/networkjs.ts';

function world() {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.2);
  const board = new SimBoard(clock, seg, { chip: 'enc28j60', ip: '198.18.0.2/24', dns: '198.18.0.1', apps: false, random32: () => 77 });
  const peer = new SimBoard(clock, seg, { name: 'peer', chip: 'none', ip: '198.18.0.1/24', apps: false, random32: () => 88 });
  const adapter = new NetworkJsAdapter(board.stack);
  /** Espruino's idle loop: `passes` passes, 1 ms of virtual time each, calling `onPass`. */
  const idle = (passes: number, onPass: () => void) => { for (let i = 0; i < passes; i++) { onPass(); board.host.kick(); clock.runFor(1); } };
  return { clock, board, peer, adapter, idle };
}

/** The peer answers DNS queries for `names` with `ip` (RFC 1035 4.1: the question echoed, one A
 *  record pointing back at it), and any other name with NXDOMAIN. */
function serveDns(w: ReturnType<typeof world>, names: string[], ip: number[]): void {
  const iface = w.peer.stack.iface;
  iface.udpBind(53, (src, sport, _dst, buf, off, len) => {
    const q = buf.slice(off, off + len);
    const asked = [];
    for (let i = 12; q[i]; i += q[i] + 1) asked.push(String.fromCharCode(...q.subarray(i + 1, i + 1 + q[i])));
    const found = names.includes(asked.join('.'));
    const r = new Uint8Array(found ? len + 16 : len);
    r.set(q);
    r[2] = 0x81; r[3] = found ? 0x80 : 0x83; // a response, recursion available; no error or NXDOMAIN
    if (found) { r[7] = 1; r.set([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...ip], len); }
    iface.udpSend(53, src, sport, r, 0, r.length);
  });
}

test('a TCP server through the adapter: accept polled, request read, reply sent, closed', () => {
  const w = world();
  const srv = w.adapter.create(undefined, 80, 1);
  assert.ok(srv >= 0);
  let reply = '', peerClosed = false;
  w.clock.runFor(5);
  const c = w.peer.stack.net.connect({ host: '198.18.0.2', port: 80 });
  c.on('connect', () => { c.write('GET / HTTP/1.0\r\n\r\n'); w.peer.host.kick(); });
  c.on('data', (d: Uint8Array) => { reply += String.fromCharCode(...d); });
  c.on('end', () => { c.end(); w.peer.host.kick(); });
  c.on('close', () => { peerClosed = true; });
  let conn = -1, req = '', sent = false;
  w.idle(500, () => {
    if (conn < 0) { conn = w.adapter.accept(srv); return; }
    const r = w.adapter.recv(conn, 536, 1);
    if (typeof r === 'string') req += r;
    if (!sent && req.endsWith('\r\n\r\n')) {
      const body = 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi';
      assert.is(w.adapter.send(conn, body, 1), body.length);
      sent = true;
      w.adapter.close(conn);
    }
  });
  assert.is(req, 'GET / HTTP/1.0\r\n\r\n');
  assert.is(reply, 'HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi');
  assert.ok(peerClosed);
  assert.is(w.adapter.accept(srv), -1);
});

test('a TCP client through the adapter: -11 while connecting, data both ways, -1 at the end', () => {
  const w = world();
  w.peer.stack.net.createServer((s) => { s.on('data', (d: Uint8Array) => { s.end('echo:' + String.fromCharCode(...d)); w.peer.host.kick(); }); }).listen(8080);
  w.clock.runFor(5);
  const id = w.adapter.create('198.18.0.1', 8080, 0);
  assert.is(w.adapter.recv(id, 536, 0), SOCKET_ERR_NO_CONN);
  const seen: (string | number)[] = [];
  let wrote = false;
  w.idle(300, () => {
    if (!wrote && w.adapter.send(id, 'ping', 0) === 4) wrote = true;
    const r = w.adapter.recv(id, 536, 0);
    if (r !== '' && r !== SOCKET_ERR_NO_CONN && seen[seen.length - 1] !== r) seen.push(r);
  });
  assert.equal(seen, ['echo:ping', SOCKET_ERR_CLOSED]);
});

test('errors: a refused connection and an unknown host give Espruino codes', async () => {
  const w = world();
  const refused = w.adapter.create('198.18.0.1', 1, 0);
  w.idle(50, () => {});
  assert.is(w.adapter.recv(refused, 536, 0), SOCKET_ERR_NO_ROUTE);
  serveDns(w, ['server.synack.test'], [198, 18, 0, 1]);
  const unknown = w.adapter.create('no.such.host', 80, 0);
  w.idle(20, () => {});
  await new Promise((r) => setTimeout(r, 0));
  assert.is(w.adapter.recv(unknown, 536, 0), SOCKET_ERR_NOT_FOUND);
});

test('errors: memory reported as memory (-2), a full table as max sockets (-7)', () => {
  const w = world();
  const tcp = w.board.stack.tcp, ifc = tcp.netif;
  // Memory short of even the smallest rings (RING_FLOOR each): -2, not -7.
  ifc.memFree = ifc.memReserve + 100;
  const short = w.adapter.create('198.18.0.1', 7, 0);
  assert.is(w.adapter.recv(short, 536, 0), SOCKET_ERR_MEM);
  assert.is(tcp.counters.dropLowMem, 1);
  ifc.memFree = 0x7fffffff;
  // The table full of this side's own connections: -7.
  const user = { onReadable() {}, onEnd() {}, onWritable() {}, onClose() {} };
  for (let i = 0; i < 8; i++) tcp.connect(0xc6120001, 7, user);
  const full = w.adapter.create('198.18.0.1', 7, 0);
  assert.is(w.adapter.recv(full, 536, 0), SOCKET_ERR_MAX_SOCK);
  assert.is(tcp.counters.tableFull, 1);
});

test('UDP: datagrams carry the 8-byte header (ip, port LE, length LE) both ways', () => {
  const w = world();
  const id = w.adapter.create(undefined, 5000, 2);
  assert.ok(id >= 0);
  const got: string[] = [];
  w.peer.stack.iface.udpBind(6000, (src, srcPort, _dst, buf, off, len) => { got.push(`${src.toString(16)}:${srcPort}:${String.fromCharCode(...buf.subarray(off, off + len))}`); });
  const msg = new TextEncoder().encode('hello udp');
  w.peer.stack.iface.udpSend(6000, 0xc6120002, 5000, msg, 0, msg.length);
  w.peer.host.kick();
  let dgram: string | number = '';
  w.idle(20, () => { const r = w.adapter.recv(id, 1500, 2); if (r !== '') dgram = r; });
  assert.is(typeof dgram, 'string');
  const d = dgram as string;
  assert.equal([...d.substring(0, 8)].map((c) => c.charCodeAt(0)), [198, 18, 0, 1, 6000 & 255, 6000 >> 8, 9, 0]);
  assert.is(d.substring(8), 'hello udp');
  const reply = String.fromCharCode(198, 18, 0, 1, 6000 & 255, 6000 >> 8, 5, 0) + 'pong!';
  assert.is(w.adapter.send(id, reply, 2), reply.length);
  w.idle(20, () => {});
  assert.equal(got, ['c6120002:5000:pong!']);
});

test('flow control: data waits in the receive ring while Espruino does not read, and arrives whole', () => {
  const w = world();
  const total = 20000;
  const sent = new Uint8Array(total).map((_, i) => (i * 7) & 255);
  w.peer.stack.net.createServer((s) => { s.end(sent); w.peer.host.kick(); }).listen(8080);
  w.clock.runFor(5);
  const id = w.adapter.create('198.18.0.1', 8080, 0);
  // Espruino busy elsewhere: nothing read. The ring fills by 306 ms: 1460 bytes, then, the window
  // down to 588 at the delayed ACK (106 ms), the last 588 when the peer's sender SWS avoidance
  // gives way to its override timeout (RTO 200 ms later, RFC 9293 3.8.6.2.1).
  w.idle(400, () => {});
  const held = w.board.stack.tcp.conns[0];
  assert.is(held.readable, held.rb.length, 'the ring is full and the window closed');
  assert.ok(held.readable < total);
  let got = '';
  let last: string | number = '';
  w.idle(3000, () => { const r = w.adapter.recv(id, 536, 0); if (typeof r === 'string') got += r; else last = r; });
  assert.is(got.length, total);
  assert.ok([...got].every((ch, i) => ch.charCodeAt(0) === sent[i]), 'every byte in order');
  assert.is(last, SOCKET_ERR_CLOSED);
});

test('data received before a reset is read first, then the reset; sending after it fails', () => {
  const w = world();
  w.peer.stack.net.createServer((s) => s.on('data', () => { s.write('last words'); s.destroy(); w.peer.host.kick(); })).listen(8080);
  w.clock.runFor(5);
  const id = w.adapter.create('198.18.0.1', 8080, 0);
  let asked = false;
  w.idle(50, () => { if (!asked) asked = w.adapter.send(id, 'hi', 0) === 2; });
  assert.is(w.adapter.recv(id, 536, 0), 'last words');
  assert.is(w.adapter.recv(id, 536, 0), SOCKET_ERR_RESET);
  assert.is(w.adapter.send(id, 'x', 0), SOCKET_ERR_RESET);
  w.adapter.close(id);
  assert.is(w.adapter.recv(id, 536, 0), SOCKET_ERR_CLOSED);
});

test('a listener on a port already taken fails at create; a socket closed while resolving never connects', async () => {
  const w = world();
  assert.ok(w.adapter.create(undefined, 80, 1) >= 0);
  assert.is(w.adapter.create(undefined, 80, 1), SOCKET_ERR_UNKNOWN);
  serveDns(w, ['server.synack.test', 'other.synack.test'], [198, 18, 0, 1]);
  let accepted = 0;
  w.peer.stack.net.createServer(() => { accepted++; }).listen(8080);
  w.clock.runFor(5);
  const byName = w.adapter.create('server.synack.test', 8080, 0);
  w.idle(50, () => {});
  assert.is(w.adapter.recv(byName, 536, 0), '', 'connected by name');
  assert.is(accepted, 1);
  const closed = w.adapter.create('other.synack.test', 8080, 0);
  w.adapter.close(closed); // before the answer comes
  w.idle(50, () => {});
  await new Promise((r) => setTimeout(r, 0));
  w.idle(50, () => {});
  assert.is(accepted, 1, 'no second connection');
  assert.is(w.board.stack.tcp.conns.length, 1);
});

test('Espruino closes with data unread: a lingering close, the data discarded, a FIN; the peer reads the reply and ends cleanly', () => {
  const w = world();
  let got = '', ended = false, err = '';
  w.peer.stack.net.createServer((s) => {
    s.write('request with a body Espruino never reads');
    s.on('data', (d: Uint8Array) => { got += String.fromCharCode(...d); });
    s.on('end', () => { ended = true; s.end(); w.peer.host.kick(); });
    s.on('error', (e: Error & { code: string }) => { err = e.code; });
    w.peer.host.kick();
  }).listen(8080);
  w.clock.runFor(5);
  const id = w.adapter.create('198.18.0.1', 8080, 0);
  let replied = false;
  w.idle(50, () => { if (!replied && w.adapter.send(id, 'the reply', 0) === 9) replied = true; });
  assert.ok(w.board.stack.tcp.conns[0].readable > 0, 'unread data at close');
  w.adapter.close(id);
  w.idle(50, () => {});
  assert.is(got, 'the reply');
  assert.ok(ended, 'a FIN, not a RST');
  assert.is(err, '');
  assert.is(w.board.stack.tcp.conns.filter((c) => c.state !== 10).length, 0, 'closed (TIME-WAIT at most)');
});

test('after Espruino closes: data still arriving is taken and discarded (the window stays open); a peer that never finishes is reset after 60 s idle', () => {
  const w = world();
  const errs: string[] = [];
  let peerSock: import('../firmware/socket/net.ts').Socket | null = null;
  w.peer.stack.net.createServer((s) => { peerSock = s; s.on('error', (e: Error & { code: string }) => errs.push(e.code)); }).listen(8080);
  w.clock.runFor(5);
  const a = w.adapter.create('198.18.0.1', 8080, 0);
  w.idle(50, () => {});
  w.adapter.close(a); // FIN; the peer keeps its side open and sends on
  w.idle(50, () => {});
  const orphan = w.board.stack.tcp.conns[0];
  assert.is(orphan.state, 6, 'FIN-WAIT-2');
  for (let i = 0; i < 10; i++) peerSock!.write(new Uint8Array(3000));
  w.peer.host.kick();
  w.idle(500, () => {});
  assert.is(peerSock!.bytesWritten, 30000);
  assert.is(peerSock!.conn!.unacked, 0, 'all of it acknowledged: none left behind a closed window');
  assert.is(orphan.readable, 0);
  assert.equal(errs, []);
  // Then nothing more from the peer: reset after 60 s without traffic.
  w.clock.runFor(59000);
  assert.is(w.board.stack.tcp.conns.length, 1, 'still waiting for the FIN');
  w.clock.runFor(2000);
  assert.is(w.board.stack.tcp.conns.length, 0, 'gone after 60 s idle');
  assert.equal(errs, ['ECONNRESET'], 'with a RST to the peer');
});

test.run();
