// The default apps, each switchable: echo (7), discard (9), the byte source (19), the status page
// (80), and ICMP echo, on a simulated board reached by a simulated client.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimBoard } from '../host-sim/board.ts';
import type { AppsConfig } from '../firmware/apps/index.ts';
import { parseArgs, UsageError } from '../host-sim/cli.ts';
import { StackStatus, stackStatus } from '../firmware/apps/status-source.ts';

function world(apps: AppsConfig | false) {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.2);
  const board = new SimBoard(clock, seg, { chip: 'none', ip: '198.18.0.2/24', apps, random32: () => 1234 });
  const client = new SimBoard(clock, seg, { name: 'client', chip: 'none', ip: '198.18.0.1/24', apps: false, random32: () => 5678 });
  function talk(port: number, send: string): { data: string; refused: boolean } {
    let data = '', refused = false, closed = false;
    const s = client.stack.net.connect({ host: '198.18.0.2', port });
    s.on('connect', () => { if (send) s.end(send); client.host.kick(); });
    s.on('data', (d: Uint8Array) => { data += String.fromCharCode(...d); });
    s.on('end', () => { s.end(); client.host.kick(); });
    s.on('error', (e: Error & { code: string }) => { refused = e.code === 'ECONNREFUSED'; });
    s.on('close', () => { closed = true; });
    clock.runUntilTrue(() => closed, 20000);
    return { data, refused };
  }
  function ping(): boolean {
    let ok = false;
    client.stack.iface.register(1, { input: (_s: number, _d: number, b: Uint8Array, o: number) => { if (b[o] === 0) ok = true; }, poll: () => 0x7fffffff });
    client.stack.iface.sendPing(0xc6120002, 1, 1, new Uint8Array(8), 0, 8);
    client.host.kick();
    clock.runFor(500);
    return ok;
  }
  return { board, client, clock, talk, ping };
}

test('all apps on: echo, discard, source (exact bytes, then close), status page, ping', () => {
  const w = world({ source: 5000 });
  assert.is(w.talk(7, 'hello').data, 'hello');
  assert.is(w.talk(9, 'into the void').data, '');
  const src = w.talk(19, '').data;
  assert.is(src.length, 5000);
  assert.is(src.slice(0, 73), ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\n');
  const page = w.talk(80, 'GET /stats.json HTTP/1.1\r\nHost: x\r\n\r\n').data;
  // Written piece by piece: no Content-Length, the body ends with the connection (RFC 9112 6.3).
  assert.match(page, /^HTTP\/1\.1 200 OK\r\nContent-Type: application\/json\r\nConnection: close\r\n\r\n\{/);
  const st = JSON.parse(page.slice(page.indexOf('\r\n\r\n') + 4));
  const now = stackStatus(new StackStatus(w.board.stack));
  assert.equal(Object.keys(st), ['address', 'mac', 'uptime', 'link', 'connections', 'counters']);
  assert.equal(Object.keys(st.counters), Object.keys(now.counters), 'every counter, in order');
  assert.equal([st.address, st.mac, st.link], [now.address, now.mac, now.link]);
  assert.ok(st.connections.some((c: { local: string; state: string }) => c.local === '198.18.0.2:80' && c.state === 'ESTABLISHED'), 'the page\'s own connection');
  assert.is(st.counters['tcp.segsIn'] > 0 && st.counters.rxFrames > 0, true);
  const html = w.talk(80, 'GET / HTTP/1.0\r\n\r\n').data;
  assert.match(html, /<h1>synack<\/h1><p>address 198\.18\.0\.2\/24 mac [0-9a-f:]+ uptime \d+ s link up<\/p>/);
  assert.match(html, /<tr><td>\*:7<\/td><td>\*<\/td><td>LISTEN<\/td><\/tr>/);
  assert.match(html, /<tr><td>tcp\.segsIn<\/td><td>\d+<\/td><\/tr>/);
  assert.match(html, /<\/body><\/html>\n$/);
  assert.match(w.talk(80, 'GET /nope HTTP/1.0\r\n\r\n').data, /^HTTP\/1\.1 404 Not Found\r\nContent-Type: text\/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\nnot found\n$/);
  assert.match(w.talk(80, 'POST / HTTP/1.0\r\n\r\n').data, /^HTTP\/1\.1 405/);
  assert.ok(w.ping());
});

test('status page: HEAD gets the header only (RFC 9110 9.3.2); a client silent for 10 s is disconnected', () => {
  const w = world({});
  const head = w.talk(80, 'HEAD / HTTP/1.0\r\n\r\n').data;
  assert.match(head, /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/html\r\nConnection: close\r\n\r\n$/);
  // A client that connects and says nothing.
  let closedAt = -1;
  const s = w.client.stack.net.connect({ host: '198.18.0.2', port: 80 });
  s.on('error', () => { /* the board resets it */ });
  s.on('close', () => { closedAt = w.clock.now; });
  const t0 = w.clock.now;
  w.clock.runFor(9000);
  assert.is(closedAt, -1, 'still open after 9 s');
  w.clock.runFor(2000);
  assert.ok(closedAt > 0 && closedAt - t0 >= 9900, `closed after ${closedAt - t0} ms (the timer starts when the board accepts)`);
  assert.is(w.board.stack.tcp.conns.filter((c) => c.state !== 10).length, 0);
});

test('each app can be switched off: its port refuses, ping is not answered', () => {
  const w = world({ echo: false, discard: false, source: 0, http: false, icmpEcho: false });
  for (const p of [7, 9, 19, 80]) assert.ok(w.talk(p, 'x').refused, `port ${p} refused`);
  assert.not.ok(w.ping());
  assert.is(w.board.stack.iface.counters.icmpEchoIgnored, 1);
});

test('sim command line: bad options get a one-line error naming the fix', () => {
  const bad: [string[], RegExp][] = [
    [['--chip', 'rtl8139'], /--chip takes enc28j60, w5500 or none, not "rtl8139"/],
    [['--ip', '198.18.0.2'], /bad ip "198\.18\.0\.2": use "dhcp" or an address with its prefix/],
    [['--link', 'udp:1.2.3.4'], /expected udp:BIND_HOST:BIND_PORT:PEER_HOST:PEER_PORT/],
    [['--mac', '01:00:00:00:00:01'], /must be unicast/],
    [['--frobnicate'], /unknown option --frobnicate/],
    [['--faults', 'gremlins=1'], /unknown fault "gremlins"/],
    [[], /not root: a TAP link needs root; give --link udp:/],
  ];
  for (const [args, re] of bad) assert.throws(() => parseArgs(args, false), (e: Error) => re.test(e.message) && !e.message.includes('\n'), args.join(' '));
  const ok = parseArgs(['--link', 'udp:127.0.0.1:9001:127.0.0.1:9000', '--chip', 'w5500'], false);
  assert.is(ok.ip, 'dhcp');
  assert.is(ok.chip, 'w5500');
  assert.ok(UsageError);
});

test.run();
