// npm start: the simulated board, with the options of `npm run sim` (npm start -- --help; with
// --espruino PATH the real interpreter is the board, see host-sim/espruino/). As
// root (with socat) it is attached to a fresh network namespace through a TAP device and runs
// until Ctrl-C, printing the commands to ping, nc and curl it (--dhcp: dnsmasq in the namespace
// serves the lease). Otherwise, unless a UDP link was asked for, it says why and runs an
// in-process demo: a simulated client opens a connection to the board's echo port, exchanges
// data, fetches the status page and closes, with the ladder of each connection printed as it
// happens.
import { parseOrExit, runLive } from '../host-sim/cli.ts';
import { netnsUnavailable } from '../host-sim/links/netns.ts';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimBoard } from '../host-sim/board.ts';
import { LadderPrinter } from './ladder/index.ts';
import { decodeTcp } from './ladder/decode.ts';
import { LINKTYPE_ETHERNET } from '../host-sim/pcap.ts';

export function demo(out: (s: string) => void = console.log): { echoed: string; status: string } {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.2);
  const ladder = new LadderPrinter(out);
  seg.tap((f) => {
    for (const s of decodeTcp({ linkType: LINKTYPE_ETHERNET, snapLen: 65535, records: [{ timeMs: clock.now, data: f, origLen: f.length }] }).segments) ladder.segment(s);
  });
  const board = new SimBoard(clock, seg, { name: 'board', chip: 'enc28j60', ip: '198.18.0.2/24', apps: { source: 4096 } });
  const client = new SimBoard(clock, seg, { name: 'client', chip: 'none', ip: '198.18.0.1/24', apps: false });
  out('demo: a simulated board (ENC28J60 model + driver, 198.18.0.2) and a simulated client (198.18.0.1)\n');
  let echoed = '';
  let status = '';
  const sock = client.stack.net.connect({ host: '198.18.0.2', port: 7 });
  sock.on('connect', () => { out('client: connected to the echo port; sending "hello synack"'); sock.write('hello synack'); client.host.kick(); });
  sock.on('data', (d: Uint8Array) => {
    echoed += String.fromCharCode(...d);
    if (echoed === 'hello synack') { out(`client: echoed back "${echoed}"; closing`); sock.end(); client.host.kick(); }
  });
  clock.runFor(2000);
  const web = client.stack.net.connect({ host: '198.18.0.2', port: 80 });
  web.on('connect', () => { web.write('GET /stats.json HTTP/1.0\r\n\r\n'); client.host.kick(); });
  web.on('data', (d: Uint8Array) => { status += String.fromCharCode(...d); });
  web.on('end', () => { web.end(); client.host.kick(); });
  clock.runFor(12000);
  ladder.end();
  const body = status.split('\r\n\r\n')[1] || '';
  out(`\nclient: GET /stats.json -> ${status.split('\r\n')[0]}`);
  out(body.length > 300 ? body.slice(0, 300) + '...' : body);
  out(`\nboard counters: ${board.stack.iface.counters.rxFrames} frames in, ${board.stack.iface.counters.txFrames} out; ` +
    `${board.stack.tcp.conns.length} connections left open`);
  return { echoed, status };
}

async function main(): Promise<void> {
  // Options are checked first (one line and exit 2 when bad, --help on stdout), as root or not.
  const o = parseOrExit(process.argv.slice(2), true, 'start', 'npm start --');
  const why = o.link === 'tap' ? netnsUnavailable(['socat']) : null;
  if (!why) { await runLive(o, 'start'); return; }
  if (o.espruino) {
    console.error(`start: --espruino runs the interpreter board on a TAP link, which ${why}; without root: npm run sim -- --espruino PATH --link udp:BIND_HOST:BIND_PORT:PEER_HOST:PEER_PORT`);
    process.exit(1);
  }
  console.log(`npm start: cannot attach the board to Linux (${why}); running the in-process demo instead.\n` +
    'For the real thing run as root: npm start (or npm run sim -- --link udp:127.0.0.1:9001:127.0.0.1:9000 with QEMU or socat as the peer).\n');
  demo();
}

if (process.argv[1] && /tools[\\/]start\.ts$/.test(process.argv[1])) main().catch((e) => { console.error(`start: ${e.message}`); process.exit(1); });
