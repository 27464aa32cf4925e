// npm run sim -- [options]: one simulated board with the firmware's default apps, on a virtual
// segment linked to real Linux (a TAP device in a fresh network namespace, or a UDP link), until
// interrupted. Prints the board's address and how to reach it.
import { VirtualClock } from './clock.ts';
import { Segment } from './segment.ts';
import { FaultInjector, type FaultConfig } from './faults.ts';
import { RealTimeRunner } from './realtime.ts';
import { UdpLink, parseUdpLink } from './links/udp.ts';
import { TapNamespace, openTapLink } from './links/tap.ts';
import { netnsUnavailable } from './links/netns.ts';
import { PcapWriter } from './pcap.ts';
import { Tracer } from './trace.ts';
import { SimBoard, parseMac } from './board.ts';
import { SimConsole } from './console.ts';
import type { ChipKind } from './chips/attach.ts';
import { parseCidr } from '../firmware/stack.ts';
import { existsSync, readFileSync } from 'node:fs';
import { EspruinoBoard } from './espruino/board.ts';
import { STATE_NAMES, LIP, LPORT, RIP, RPORT, type Conn } from '../firmware/tcp/tcp.ts';
import { ipToString } from '../firmware/wire/ipv4.ts';
import { decodeTcp } from '../tools/ladder/decode.ts';
import { LadderPrinter } from '../tools/ladder/index.ts';
import { LINKTYPE_ETHERNET } from './pcap.ts';

export const USAGE = `usage: npm run sim -- [options]
  --link tap                      a TAP device in a new network namespace (default when root)
  --link udp:BIND_HOST:BIND_PORT:PEER_HOST:PEER_PORT
                                  one Ethernet frame per UDP datagram (QEMU -netdev dgram)
  --ip A.B.C.D/NN | --dhcp        the board's address (default 198.18.0.2/24 on tap, else dhcp)
  --gateway A.B.C.D  --dns A.B.C.D  --mac XX:XX:XX:XX:XX:XX  --hostname NAME
  --chip enc28j60|w5500|none      the chip model and driver carrying the frames (default enc28j60)
  --source-bytes N                bytes the source on port 19 sends (default 10485760)
  --faults loss=P,reorder=P,duplicate=P,corrupt=P,delay=MS,seed=N   faults on the link
  --pcap FILE                     capture every frame on the segment
  --trace                         one line per frame, and the ladder of each TCP connection
  --no-apps                       no default apps (ping only)
  --console PATH                  the board's serial console as a pty at PATH (made by socat):
                                  its startup and DHCP lines, and load() or E.reboot() restart
                                  the firmware (npm run hil -- --port PATH)
  --espruino PATH                 the board is the real interpreter: this Espruino Linux binary
                                  runs the bundle from its Storage, written as npm run flash
                                  writes it; its frames cross a channel of files, not a chip
                                  model (--chip does not apply); --console is its own REPL
  --espruino-program FILE|none    the program loaded beside the stack (".boot1"; default a
                                  built-in one of about 600 blocks)`;

export interface SimOptions {
  link: string; ip: string; gateway?: string; dns?: string; mac?: Uint8Array; hostname?: string; chip: ChipKind;
  sourceBytes: number; faults: FaultConfig | null; seed: number; pcap?: string; trace: boolean; apps: boolean;
  console?: string;
  /** The Espruino Linux binary that runs the board (host-sim/espruino/). */
  espruino?: string;
  /** Its program beside the stack: a file, "none", or (undefined) the built-in one. */
  espruinoProgram?: string;
}

export class UsageError extends Error {}

function num(name: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < 0) throw new UsageError(`${name} takes a number`);
  return n;
}

export function parseArgs(argv: string[], isRoot: boolean): SimOptions {
  const o: SimOptions = { link: '', ip: '', chip: 'enc28j60', sourceBytes: 10 * 1024 * 1024, faults: null, seed: 1, trace: false, apps: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { const v = argv[++i]; if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`); return v; };
    switch (a) {
      case '--link': o.link = val(); if (o.link !== 'tap') parseUdpLink(o.link); break;
      case '--ip': o.ip = val(); parseCidr(o.ip); break;
      case '--dhcp': o.ip = 'dhcp'; break;
      case '--gateway': o.gateway = val(); break;
      case '--dns': o.dns = val(); break;
      case '--mac': o.mac = parseMac(val()); break;
      case '--hostname': o.hostname = val(); break;
      case '--chip': { const c = val(); if (c !== 'enc28j60' && c !== 'w5500' && c !== 'none') throw new UsageError(`--chip takes enc28j60, w5500 or none, not "${c}"`); o.chip = c; break; }
      case '--source-bytes': o.sourceBytes = num(a, val()); break;
      case '--faults': {
        const f: FaultConfig = {};
        for (const kv of val().split(',')) {
          const [k, v] = kv.split('=');
          if (k === 'seed') { o.seed = num('seed', v); continue; }
          const key = ({ loss: 'loss', reorder: 'reorder', duplicate: 'duplicate', corrupt: 'corrupt', delay: 'delayMs', jitter: 'jitterMs', rate: 'rateBytesPerSec' } as Record<string, keyof FaultConfig>)[k];
          if (!key) throw new UsageError(`--faults: unknown fault "${k}" (loss, reorder, duplicate, corrupt, delay, jitter, rate, seed)`);
          (f as Record<string, number>)[key] = num(k, v);
        }
        o.faults = f;
        break;
      }
      case '--pcap': o.pcap = val(); break;
      case '--trace': o.trace = true; break;
      case '--no-apps': o.apps = false; break;
      case '--console': o.console = val(); break;
      case '--espruino': o.espruino = val(); if (!existsSync(o.espruino)) throw new UsageError(`--espruino ${o.espruino}: no such file (give the path of an Espruino Linux build)`); break;
      case '--espruino-program': o.espruinoProgram = val(); if (o.espruinoProgram !== 'none' && !existsSync(o.espruinoProgram)) throw new UsageError(`--espruino-program ${o.espruinoProgram}: no such file`); break;
      case '-h': case '--help': throw new UsageError('');
      default: throw new UsageError(`unknown option ${a}`);
    }
  }
  if (!o.link) {
    if (!isRoot) throw new UsageError('not root: a TAP link needs root; give --link udp:BIND_HOST:BIND_PORT:PEER_HOST:PEER_PORT');
    o.link = 'tap';
  }
  if (!o.ip) o.ip = o.link === 'tap' ? '198.18.0.2/24' : 'dhcp';
  return o;
}

/** A running simulator: its board is `board` (a SimBoard), or with --espruino `espruino` (the
 *  interpreter; `board` then throws, saying so). */
export interface RunningSim { board: SimBoard; espruino: EspruinoBoard | null; close(): void; tap: TapNamespace | null; link: UdpLink; console: SimConsole | null; address(): string }

export async function startSim(o: SimOptions, log: (s: string) => void = console.log): Promise<RunningSim> {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0);
  const runner = new RealTimeRunner(clock);
  const linkPort = seg.attach('link');
  if (o.faults) { linkPort.ingress = new FaultInjector(clock, o.faults, o.seed); linkPort.egress = new FaultInjector(clock, o.faults, o.seed + 1); }
  let tap: TapNamespace | null = null;
  let link: UdpLink;
  if (o.link === 'tap') {
    const why = netnsUnavailable(['socat']);
    if (why) throw new Error(`--link tap ${why}; or use --link udp:...`);
    const t = await openTapLink(linkPort, runner);
    link = t.link;
    tap = t.tap;
  } else {
    link = new UdpLink(parseUdpLink(o.link), linkPort, runner);
    await link.open();
  }
  let pcap: PcapWriter | null = null;
  if (o.pcap) { const w = new PcapWriter(o.pcap); pcap = w; seg.tap((f) => w.write(runner.wallNow(), f)); }
  let onState: ((c: Conn, s: number) => void) | undefined;
  if (o.trace) {
    const tracer = new Tracer(log);
    const ladder = new LadderPrinter(log);
    // The board's own TCP states go into the ladders (the kernel's side stays inferred).
    onState = (c, s) => ladder.state({ timeMs: clock.now, local: `${ipToString(c.s[LIP])}:${c.s[LPORT]}`, remote: `${ipToString(c.s[RIP])}:${c.s[RPORT]}`, state: STATE_NAMES[s] });
    seg.tap((f, from) => {
      tracer.frame(clock.now, from.name === 'link' ? '>' : '<', f);
      const d = decodeTcp({ linkType: LINKTYPE_ETHERNET, snapLen: 65535, records: [{ timeMs: clock.now, data: f, origLen: f.length }] });
      for (const s of d.segments) ladder.segment(s);
    });
  }
  if (o.espruino) return startEspruinoBoard(o, log, seg, runner, link, tap, pcap);
  // The board's console lines (what print() shows on a board) go to the log, and to the pty with
  // --console, which restarts the firmware on load() or E.reboot().
  let con: SimConsole | null = null;
  let board: SimBoard | null = null;
  if (o.console) {
    try {
      con = await SimConsole.open(o.console, () => { log('console: restarting the board\'s firmware'); runner.sync(); board!.restart(); runner.wake(); });
    } catch (e) { link.close(); tap?.close(); throw e; }
  }
  const print = (line: string) => { log(`console: ${line}`); con?.print(line); };
  board = new SimBoard(clock, seg, {
    chip: o.chip, mac: o.mac, ip: o.ip, gateway: o.gateway, dns: o.dns, hostname: o.hostname,
    apps: o.apps ? { source: o.sourceBytes } : false, tcp: { onState }, print,
  });
  const b = board;
  runner.start();
  return {
    board: b, espruino: null, tap, link, console: con,
    address: () => b.stack.iface.ip ? ipToString(b.stack.iface.ip) : '(no address yet)',
    close: () => { runner.stop(); b.stop(); link.close(); pcap?.close(); tap?.close(); con?.close(); },
  };
}

/** The branch of startSim for --espruino: the interpreter on the segment instead of a SimBoard;
 *  its console (--console) is the interpreter's own REPL. */
async function startEspruinoBoard(o: SimOptions, log: (s: string) => void, seg: Segment, runner: RealTimeRunner, link: UdpLink,
  tap: TapNamespace | null, pcap: PcapWriter | null): Promise<RunningSim> {
  let con: SimConsole | null = null;
  let board: EspruinoBoard | null = null;
  const fail = (e: unknown) => { runner.stop(); board?.close(); con?.close(); link.close(); pcap?.close(); tap?.close(); throw e; };
  try {
    if (o.console) con = await SimConsole.openRaw(o.console, (s) => board?.input(s));
    const program = o.espruinoProgram === undefined ? undefined : o.espruinoProgram === 'none' ? null : readFileSync(o.espruinoProgram, 'latin1');
    runner.start();
    board = await EspruinoBoard.start(runner, seg, {
      bin: o.espruino!, mac: o.mac, ip: o.ip, gateway: o.gateway, dns: o.dns, hostname: o.hostname,
      apps: o.apps ? { source: o.sourceBytes } : false, program,
      print: (line) => log(`console: ${line}`), output: (s) => con?.write(s), log,
    });
  } catch (e) { return fail(e); }
  const b = board;
  let ip = o.ip === 'dhcp' ? '' : o.ip.split('/')[0];
  // The address: static, or from the DHCP line the firmware prints.
  const dhcp = (l: string) => { const m = /^synack: (\d+\.\d+\.\d+\.\d+)\/\d+ by DHCP/.exec(l); if (m) ip = m[1]; };
  const print = b.o.print!;
  b.o.print = (l) => { dhcp(l); print(l); };
  return {
    get board(): SimBoard { throw new Error('this simulator runs the interpreter board: use sim.espruino'); },
    espruino: b, tap, link, console: con,
    address: () => ip || '(no address yet)',
    close: () => { runner.stop(); b.close(); link.close(); pcap?.close(); tap?.close(); con?.close(); },
  };
}

export function howToReach(sim: RunningSim): string {
  const ip = sim.address();
  const ns = sim.tap ? `ip netns exec ${sim.tap.ns.name} ` : '';
  return [
    sim.espruino ? `synack board ${ip} (mac ${[...sim.espruino.mac].map((b) => b.toString(16).padStart(2, '0')).join(':')}, the interpreter ${sim.espruino.o.bin}, frames through files in ${sim.espruino.dir})`
      : `synack board ${ip} (mac ${[...sim.board.mac].map((b) => b.toString(16).padStart(2, '0')).join(':')}, chip ${sim.board.chip.kind})`,
    sim.tap ? `LAN: namespace ${sim.tap.ns.name}, its side ${sim.tap.hostCidr} on ${sim.tap.ifname}` : `link: ${sim.link.spec.bindHost}:${sim.link.localPort} <-> ${sim.link.spec.peerHost}:${sim.link.spec.peerPort}`,
    'try:',
    `  ${ns}ping -c 3 ${ip}`,
    `  ${ns}nc ${ip} 7            # echo`,
    `  ${ns}curl http://${ip}/    # status page (and /stats.json)`,
    `  ${ns}nc ${ip} 19 | head     # the byte source`,
  ].join('\n');
}

async function main(): Promise<void> {
  let o: SimOptions;
  try {
    o = parseArgs(process.argv.slice(2), process.getuid?.() === 0);
  } catch (e) {
    const m = (e as Error).message;
    console.error(m ? `sim: ${m}\n${USAGE}` : USAGE);
    process.exit(m ? 2 : 0);
  }
  let sim: RunningSim;
  try {
    sim = await startSim(o);
  } catch (e) {
    console.error(`sim: ${(e as Error).message}`);
    process.exit(1);
  }
  const stop = () => { sim.close(); process.exit(0); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (o.ip === 'dhcp') {
    console.log('waiting for a DHCP lease...');
    const t = setInterval(() => { if (sim.address() !== '(no address yet)') { clearInterval(t); console.log(howToReach(sim)); } }, 200);
  } else console.log(howToReach(sim));
  if (sim.console) console.log(`console: ${sim.console.path} (load() or E.reboot() there restarts the board's firmware)`);
  console.log('Ctrl-C stops the board and removes its namespace.');
}

if (process.argv[1] && /host-sim[\\/]cli\.ts$/.test(process.argv[1])) main();
