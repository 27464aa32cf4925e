// The net-style socket API: the socket-call timeline of the TCP issue (MSS 536 from a client
// with a 576-byte MTU, 1460 from the server, the reply piggybacking the ACK, EOF after the data,
// TIME-WAIT on the side that closed first), backpressure and 'drain', pause/resume closing the
// window, errors by cause, the idle 'timeout'.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createNet, Socket } from '../firmware/socket/net.ts';
import { pair, fmt, B_IP, stateOf } from './helpers/tcp-fixture.ts';

const flush = () => new Promise((r) => setTimeout(r, 0)); // deferred events (Promise jobs)

test('the socket-call timeline: passive and active open, MSS 536/1460, piggybacked ACK, close, TIME-WAIT', async () => {
  const w = pair({ isn: () => 100, mslMs: 1000 }, { isn: () => 300 }, 10, 576, 1500);
  const client = createNet(w.a), server = createNet(w.b);
  const story: string[] = [];
  let serverSock: Socket | null = null;
  server.createServer((s) => {
    serverSock = s;
    story.push('server: accept returned');
    s.on('data', (d: Uint8Array) => {
      story.push(`server: read "${String.fromCharCode(...d)}"`);
      s.write('200 OK');                                  // the reply within the delayed-ACK time
    });
    s.on('end', () => { story.push('server: read EOF'); s.end(); });
    s.on('close', () => story.push('server: closed'));
  }).listen(80);
  await flush();
  const c = client.connect({ host: '198.18.0.2', port: 80 });
  c.on('connect', () => { story.push('client: connect returned'); c.write('GET'); });
  c.on('data', (d: Uint8Array) => { story.push(`client: read "${String.fromCharCode(...d)}"`); });
  c.on('close', () => story.push('client: closed'));
  w.run(300);
  c.end();
  w.run(100);
  assert.is(stateOf(c.conn), 'TIME-WAIT');
  w.run(2100);
  await flush();
  assert.equal(w.log.map((e) => `${e.from} ${fmt(e.seg)}` + (e.seg.mss > 0 ? ` MSS=${e.seg.mss}` : '')), [
    'A <SEQ=100><CTL=SYN> MSS=536',
    'B <SEQ=300><ACK=101><CTL=SYN,ACK> MSS=1460',
    'A <SEQ=101><ACK=301><CTL=ACK>',
    'A <SEQ=101><ACK=301><CTL=PSH,ACK><DATA>',
    'B <SEQ=301><ACK=104><CTL=PSH,ACK><DATA>',               // the reply carries the ACK of the request
    'A <SEQ=104><ACK=307><CTL=ACK>',                     // the client ACKs the reply (delayed ACK)
    'A <SEQ=104><ACK=307><CTL=FIN,ACK>',                 // the client closes
    'B <SEQ=307><ACK=105><CTL=ACK>',
    'B <SEQ=307><ACK=105><CTL=FIN,ACK>',                 // the server closes after EOF
    'A <SEQ=105><ACK=308><CTL=ACK>',                     // TIME-WAIT
  ]);
  assert.is(w.log[5].t - w.log[4].t, 110, 'the ACK of the reply waited the 100 ms delayed-ACK time');
  assert.equal(story, [
    // The client's ACK completes the server's accept, after the client's connect.
    'client: connect returned', 'server: accept returned', 'server: read "GET"', 'client: read "200 OK"',
    'server: read EOF', 'server: closed', 'client: closed',
  ]);
  assert.is(serverSock!.bytesRead, 3);
  assert.is(serverSock!.bytesWritten, 6);
  assert.is(c.remoteAddress, '198.18.0.2');
  assert.is(c.remotePort, 80);
  assert.ok(c.localPort >= 49152);
});

test('write returns false past the high-water mark, then drain; pause closes the window, resume reopens it', async () => {
  const w = pair({}, { rcvBuf: 2048 });
  const client = createNet(w.a), server = createNet(w.b);
  let received = 0;
  let srv: Socket | null = null;
  server.createServer((s) => { srv = s; s.pause(); s.on('data', (d: Uint8Array) => { received += d.length; }); }).listen(9);
  await flush();
  const c = client.connect(9, '198.18.0.2');
  let drained = 0;
  c.on('drain', () => drained++);
  w.run(100);
  const ok = c.write(new Uint8Array(10000));
  assert.is(ok, false);
  w.run(3000);
  assert.is(received, 0, 'paused: nothing delivered');
  assert.ok(w.log.some((e) => e.from === 'B' && e.seg.win === 0), 'the paused reader advertised a zero window');
  srv!.resume();
  w.run(20000);
  assert.is(received, 10000);
  assert.is(drained, 1);
});

test('connect() refused by the stack names its cause: ENOMEM for memory, EMFILE for a full table', async () => {
  const w = pair({ maxConns: 1 }, {});
  const client = createNet(w.a);
  const errs: string[] = [];
  Object.assign(w.ia, { memFree: 500, memReserve: 400 });
  client.connect(7, '198.18.0.2').on('error', (e: Error & { code: string }) => errs.push(e.code));
  Object.assign(w.ia, { memFree: 0x7fffffff });
  client.connect(7, '198.18.0.2');
  client.connect(7, '198.18.0.2').on('error', (e: Error & { code: string }) => errs.push(e.code));
  await flush();
  assert.equal(errs, ['ENOMEM', 'EMFILE']);
});

test('errors name their cause: refused, reset, timed out', async () => {
  const w = pair({ synRetries: 2 }, {});
  const client = createNet(w.a);
  const errs: string[] = [];
  client.connect(1234, '198.18.0.2').on('error', (e: Error & { code: string }) => errs.push(e.code + ': ' + e.message));
  w.run(100);
  w.setDrop(() => true);                                // a dead peer
  client.connect(1235, '198.18.0.2').on('error', (e: Error & { code: string }) => errs.push(e.code));
  w.run(10000);
  assert.equal(errs, ['ECONNREFUSED: ECONNREFUSED 198.18.0.2:1234', 'ETIMEDOUT']);
  // Reset: the server aborts.
  const w2 = pair({}, {});
  const server = createNet(w2.b);
  server.createServer((s) => { s.on('data', () => s.destroy()); }).listen(7);
  await flush();
  const c = createNet(w2.a).connect(7, '198.18.0.2');
  let code = '';
  c.on('connect', () => c.write('x'));
  c.on('error', (e: Error & { code: string }) => { code = e.code; });
  w2.run(1000);
  assert.is(code, 'ECONNRESET');
  // An unknown host without a resolver.
  let nf = '';
  createNet(w2.a).connect({ host: 'nowhere.test', port: 1 }).on('error', (e: Error & { code: string }) => { nf = e.code; });
  await flush();
  assert.is(nf, 'ENOTFOUND');
});

test('setTimeout emits timeout after idle time; the socket stays open', async () => {
  const w = pair({}, {});
  createNet(w.b).createServer(() => {}).listen(7);
  await flush();
  const c = createNet(w.a).connect(7, '198.18.0.2');
  let timeouts = 0;
  c.on('connect', () => c.setTimeout(500, () => timeouts++));
  w.run(620);
  assert.is(timeouts, 1);
  assert.is(stateOf(c.conn), 'ESTABLISHED');
});

test.run();
