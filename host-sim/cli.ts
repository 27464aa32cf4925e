// npm run sim -- [options]: one simulated board with the firmware's default apps, on a virtual
// segment linked to real Linux (a TAP device in a fresh network namespace, or a UDP link), until
// interrupted. Prints the board's address and how to reach it; with --dhcp on a TAP link it
// starts dnsmasq in the namespace to hand out the lease. Every option is checked before anything
// is made: a bad one is one line on stderr and exit status 2, --help the usage on stdout.
import { VirtualClock } from './clock.ts';
import { Segment } from './segment.ts';
import { FaultInjector, type FaultConfig } from './faults.ts';
import { RealTimeRunner } from './realtime.ts';
import { UdpLink, parseUdpLink } from './links/udp.ts';
import { TapNamespace, openTapLink } from './links/tap.ts';
import { netnsUnavailable } from './links/netns.ts';
import { Dnsmasq, DHCP_DOMAIN, dhcpRange } from './links/dnsmasq.ts';
import { removeLeftovers } from './links/leftovers.ts';
import { recordWire, type WireRecording } from './capture.ts';
import { SimBoard, parseMac } from './board.ts';
import { SimConsole } from './console.ts';
import type { ChipKind } from './chips/attach.ts';
import { parseCidr } from '../firmware/stack.ts';
import { EspruinoBoard } from './espruino/board.ts';
import { STATE_NAMES, LIP, LPORT, RIP, RPORT, type Conn } from '../firmware/tcp/tcp.ts';
import { ipFromString, ipToString } from '../firmware/wire/ipv4.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The usage text, for `npm run sim --` or another command running the same options. */
export function usage(cmd = 'npm run sim --'): string {
  return `usage: ${cmd} [options]
  --link tap                      a TAP device in a new network namespace (default; needs root)
  --link udp:BIND_HOST:BIND_PORT:PEER_HOST:PEER_PORT
                                  one Ethernet frame per UDP datagram (QEMU -netdev dgram)
  --ip A.B.C.D/NN                 the board's address (default 198.18.0.2/24 on tap, else --dhcp);
                                  on tap inside 198.18.0.0/15, and the namespace's side takes the
                                  first other address of that network (or --gateway's) and is
                                  the board's default gateway
  --dhcp                          the board asks DHCP for its address; on tap, dnsmasq in the
                                  namespace serves it (198.18.0.128-254) and DNS for ${DHCP_DOMAIN}
  --dhcp-server dnsmasq|external  with --dhcp on tap: dnsmasq started here (default), or none
                                  (run your own in the namespace printed at once)
  --gateway A.B.C.D  --dns A.B.C.D  --mac XX:XX:XX:XX:XX:XX  --hostname NAME
  --chip enc28j60|w5500|none      the chip model and driver carrying the frames (default enc28j60)
  --source-bytes N                bytes the source on port 19 sends (default 10485760)
  --faults loss=P,reorder=P,duplicate=P,corrupt=P,delay=MS,jitter=MS,rate=BYTES_PER_S,seed=N
                                  faults on the link (P a probability, 0..1)
  --pcap FILE                     capture every frame on the segment (pcapng; injected faults as comments)
  --trace                         one line per frame and fault, and the ladder of each TCP connection when it is over
  --no-apps                       no default apps (ping only)
  --console PATH                  the board's serial console as a pty at PATH (made by socat):
                                  its startup and DHCP lines, and load() or E.reboot() restart
                                  the firmware (npm run hil -- --port PATH)
  --espruino PATH                 the board is the real interpreter: this Espruino Linux binary
                                  runs the bundle from its Storage, written as npm run flash
                                  writes it; its frames cross a channel of files, not a chip
                                  model (--chip does not apply); --console is its own REPL
  --espruino-program FILE|none    the program loaded beside the stack (".boot1"; default a
                                  built-in one of about 600 blocks)
  -h, --help                      this text
Everything it makes (namespace, TAP device, socat, dnsmasq) is removed on exit, Ctrl-C and
errors, and what a killed one left behind by the next run.`;
}

export const USAGE = usage();

export interface SimOptions {
  link: string; ip: string; gateway?: string; dns?: string; mac?: Uint8Array; hostname?: string; chip: ChipKind;
  sourceBytes: number; faults: FaultConfig | null; seed: number; pcap?: string; trace: boolean; apps: boolean;
  console?: string;
  /** With --dhcp: who serves it. 'dnsmasq' (tap only) is started by the simulator. */
  dhcpServer?: 'dnsmasq' | 'external';
  /** On tap: the namespace side's address, in the board's network. */
  hostCidr?: string;
  /** The Espruino Linux binary that runs the board (host-sim/espruino/). */
  espruino?: string;
  /** Its program beside the stack: a file, "none", or (undefined) the built-in one. */
  espruinoProgram?: string;
}

/** A bad command line: `message` is one line naming the fix; an empty message asks for help. */
export class UsageError extends Error {}

/** The network of the board's TAP link when it gets its address by DHCP. */
export const DHCP_HOST_CIDR = '198.18.0.1/24';

function count(name: string, v: string): number {
  const n = Number(v);
  if (v === '' || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`${name} takes a whole number of 0 or more, not "${v}"`);
  return n;
}

function address(name: string, v: string): string {
  if (ipFromString(v) < 0) throw new UsageError(`${name} takes an address like 198.18.0.1, not "${v}"`);
  return v;
}

/** The directory of a file the simulator will write must exist. */
function writablePath(name: string, v: string): string {
  const dir = dirname(resolve(v));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${name} ${v}: no directory ${dir}; create it or give another path`);
  return v;
}

const FAULTS: Record<string, { key: keyof FaultConfig; kind: 'probability' | 'ms' | 'rate' }> = {
  loss: { key: 'loss', kind: 'probability' }, reorder: { key: 'reorder', kind: 'probability' },
  duplicate: { key: 'duplicate', kind: 'probability' }, corrupt: { key: 'corrupt', kind: 'probability' },
  delay: { key: 'delayMs', kind: 'ms' }, jitter: { key: 'jitterMs', kind: 'ms' }, rate: { key: 'rateBytesPerSec', kind: 'rate' },
};

/** `loss=P,delay=MS,...,seed=N`: probabilities in [0, 1], times and rates 0 or more, an integer seed. */
export function parseFaults(spec: string): { faults: FaultConfig; seed: number | null } {
  const faults: FaultConfig = {};
  let seed: number | null = null;
  for (const kv of spec.split(',')) {
    const m = /^([a-z]+)=(.*)$/.exec(kv);
    if (!m) throw new UsageError(`--faults: "${kv}" is not NAME=VALUE (loss=0.05,delay=10,seed=3)`);
    const [, k, v] = m;
    const n = Number(v);
    if (k === 'seed') {
      if (v === '' || !Number.isSafeInteger(n)) throw new UsageError(`--faults: seed=${v} is not an integer`);
      seed = n;
      continue;
    }
    const f = FAULTS[k];
    if (!f) throw new UsageError(`--faults: unknown fault "${k}" (loss, reorder, duplicate, corrupt, delay, jitter, rate, seed)`);
    if (f.kind === 'probability' && (v === '' || !(n >= 0 && n <= 1))) throw new UsageError(`--faults: ${k}=${v} is not a probability (0..1)`);
    if (f.kind !== 'probability' && (v === '' || !Number.isFinite(n) || n < 0)) throw new UsageError(`--faults: ${k}=${v} is not ${f.kind === 'ms' ? 'a time in ms' : 'a rate in bytes per second'} of 0 or more`);
    (faults as Record<string, number>)[f.key] = n;
  }
  return { faults, seed };
}

/** The TAP link's namespace side for a board at `cidr`: `gateway` when given, else the first
 *  address of the board's network other than the board's. The network must lie inside
 *  198.18.0.0/15, the only addresses test networks use (links/netns.ts). */
export function tapHostCidr(cidr: string, gateway?: string): string {
  const { ip, prefix } = parseCidr(cidr);
  const size = 2 ** (32 - prefix);
  const net = ip - (ip % size);
  if (prefix < 15 || Math.floor(ip / 2 ** 17) !== 0xc612 >> 1) {
    throw new UsageError(`--ip ${cidr}: on a TAP link the board's network must lie in 198.18.0.0/15 (test addresses only): give e.g. --ip 198.18.0.2/24, or --link udp:... to join another network`);
  }
  if (ip === net || ip === net + size - 1) throw new UsageError(`--ip ${cidr}: that is the network's ${ip === net ? 'own' : 'broadcast'} address; give a host address such as ${ipToString(net + 2)}/${prefix}`);
  if (gateway !== undefined) {
    const g = ipFromString(gateway) >>> 0;
    if (g - (g % size) !== net || g === net || g === net + size - 1 || g === ip) {
      throw new UsageError(`--gateway ${gateway}: on a TAP link it is the namespace's side, so a host address of the board's network ${ipToString(net)}/${prefix} other than the board's`);
    }
    return `${gateway}/${prefix}`;
  }
  return `${ipToString(ip === net + 1 ? net + 2 : net + 1)}/${prefix}`;
}

export function parseArgs(argv: string[], isRoot: boolean): SimOptions {
  const o: SimOptions = { link: '', ip: '', chip: 'enc28j60', sourceBytes: 10 * 1024 * 1024, faults: null, seed: 1, trace: false, apps: true };
  let staticIp = '', dhcp = false, dhcpServer = '';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => { const v = argv[++i]; if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`); return v; };
    const one = (e: unknown): never => { throw new UsageError(`${a}: ${(e as Error).message}`); };
    switch (a) {
      case '--link': {
        const v = val();
        if (v !== 'tap') { try { parseUdpLink(v); } catch (e) { one(new Error(`${(e as Error).message}, or tap`)); } }
        o.link = v;
        break;
      }
      case '--ip': staticIp = val(); try { parseCidr(staticIp); } catch (e) { one(e); } break;
      case '--dhcp': dhcp = true; break;
      case '--dhcp-server': dhcpServer = val(); if (dhcpServer !== 'dnsmasq' && dhcpServer !== 'external') throw new UsageError(`--dhcp-server takes dnsmasq or external, not "${dhcpServer}"`); break;
      case '--gateway': o.gateway = address(a, val()); break;
      case '--dns': o.dns = address(a, val()); break;
      case '--mac': try { o.mac = parseMac(val()); } catch (e) { one(e); } break;
      case '--hostname': {
        // RFC 1123 section 2.1: letters, digits and hyphens, at most 63, no hyphen at either end.
        const h = val();
        if (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(h)) throw new UsageError(`--hostname takes a name of letters, digits and inner hyphens (at most 63), not "${h}"`);
        o.hostname = h;
        break;
      }
      case '--chip': { const c = val(); if (c !== 'enc28j60' && c !== 'w5500' && c !== 'none') throw new UsageError(`--chip takes enc28j60, w5500 or none, not "${c}"`); o.chip = c; break; }
      case '--source-bytes': o.sourceBytes = count(a, val()); break;
      case '--faults': { const f = parseFaults(val()); o.faults = f.faults; if (f.seed !== null) o.seed = f.seed; break; }
      case '--pcap': o.pcap = writablePath(a, val()); break;
      case '--trace': o.trace = true; break;
      case '--no-apps': o.apps = false; break;
      case '--console': o.console = writablePath(a, val()); break;
      case '--espruino': o.espruino = val(); if (!existsSync(o.espruino)) throw new UsageError(`--espruino ${o.espruino}: no such file (give the path of an Espruino Linux build)`); break;
      case '--espruino-program': o.espruinoProgram = val(); if (o.espruinoProgram !== 'none' && !existsSync(o.espruinoProgram)) throw new UsageError(`--espruino-program ${o.espruinoProgram}: no such file`); break;
      case '-h': case '--help': throw new UsageError('');
      default: throw new UsageError(a.startsWith('-') ? `unknown option ${a}` : `unexpected "${a}" (options start with --)`);
    }
  }
  if (!o.link) {
    if (!isRoot) throw new UsageError('not root: a TAP link needs root; give --link udp:BIND_HOST:BIND_PORT:PEER_HOST:PEER_PORT');
    o.link = 'tap';
  }
  if (o.link === 'tap' && !isRoot) throw new UsageError('--link tap needs root (a network namespace and a TAP device); run as root or give --link udp:...');
  if (staticIp && dhcp) throw new UsageError('--ip and --dhcp both given: choose one');
  if (dhcpServer && !(dhcp || (!staticIp && o.link !== 'tap'))) throw new UsageError('--dhcp-server goes with --dhcp');
  if (o.link === 'tap') {
    if (dhcp) {
      o.ip = 'dhcp';
      o.dhcpServer = dhcpServer === 'external' ? 'external' : 'dnsmasq';
      o.hostCidr = DHCP_HOST_CIDR;
    } else {
      o.ip = staticIp || '198.18.0.2/24';
      o.hostCidr = tapHostCidr(o.ip, o.gateway);
      // The namespace's side is the simulated LAN's router: the board's default gateway, so a
      // peer beyond the board's network is answered through it (with --dhcp, dnsmasq hands out
      // its own address as the router, DHCP option 3).
      o.gateway = o.hostCidr.split('/')[0];
    }
  } else {
    if (dhcpServer === 'dnsmasq') throw new UsageError('--dhcp-server dnsmasq needs --link tap: on a UDP link the DHCP server is on the peer\'s side');
    o.ip = staticIp || 'dhcp';
    if (o.ip === 'dhcp') o.dhcpServer = 'external';
  }
  return o;
}

export interface RunningSim {
  board: SimBoard; close(): void; tap: TapNamespace | null; link: UdpLink; console: SimConsole | null; address(): string;
  /** dnsmasq serving DHCP and DNS in the namespace (--dhcp on tap), or null. */
  dhcp: Dnsmasq | null;
  /** With --espruino the board is the interpreter (`board` then throws, saying so). */
  espruino: EspruinoBoard | null;
}

export async function startSim(o: SimOptions, log: (s: string) => void = console.log): Promise<RunningSim> {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0);
  const runner = new RealTimeRunner(clock);
  const linkPort = seg.attach('link');
  if (o.faults) { linkPort.ingress = new FaultInjector(clock, o.faults, o.seed); linkPort.egress = new FaultInjector(clock, o.faults, o.seed + 1); }
  // Trace and capture (host-sim/capture.ts): frames, faults as trace lines and pcapng comments,
  // real capture times, and the ladder of each connection once it is over.
  let rec: WireRecording | null = null;
  let onState: ((c: Conn, s: number) => void) | undefined;
  if (o.pcap || o.trace) {
    const faults: [FaultInjector, string][] = [];
    if (linkPort.ingress) faults.push([linkPort.ingress as FaultInjector, 'on the way in from link']);
    if (linkPort.egress) faults.push([linkPort.egress as FaultInjector, 'on the way out to link']);
    const r = rec = recordWire(seg, { pcap: o.pcap, trace: o.trace ? log : undefined, faults, inbound: 'link' });
    if (o.trace) onState = (c, s) => r.state(`${ipToString(c.s[LIP])}:${c.s[LPORT]}`, `${ipToString(c.s[RIP])}:${c.s[RPORT]}`, STATE_NAMES[s]);
  }
  let tap: TapNamespace | null = null;
  let link: UdpLink;
  let dhcp: Dnsmasq | null = null;
  // What simulators killed with SIGKILL left behind (their state files name it: namespaces,
  // socat, dnsmasq, interpreters, directories, console links) goes first, whatever the link.
  for (const line of removeLeftovers()) log(`sim: ${line}`);
  try {
    if (o.link === 'tap') {
      const why = netnsUnavailable(o.ip === 'dhcp' && o.dhcpServer === 'dnsmasq' ? ['socat', 'dnsmasq'] : ['socat']);
      if (why) throw new Error(`--link tap ${why}; or use --link udp:...${o.ip === 'dhcp' && /dnsmasq/.test(why) ? ' or --dhcp-server external' : ''}`);
      const t = await openTapLink(linkPort, runner, { hostCidr: o.hostCidr });
      link = t.link;
      tap = t.tap;
      if (o.ip === 'dhcp' && o.dhcpServer === 'dnsmasq') {
        try { dhcp = await Dnsmasq.start(tap, dhcpRange(tap.hostCidr)); } catch (e) { link.close(); tap.close(); throw e; }
      }
    } else {
      link = new UdpLink(parseUdpLink(o.link), linkPort, runner);
      await link.open();
    }
  } catch (e) { rec?.close(); throw e; }
  if (o.espruino) return startEspruinoBoard(o, log, seg, runner, link, tap, rec, dhcp);
  // The board's console lines (what print() shows on a board) go to the log, and to the pty with
  // --console, which restarts the firmware on load() or E.reboot().
  let con: SimConsole | null = null;
  let board: SimBoard | null = null;
  if (o.console) {
    try {
      con = await SimConsole.open(o.console, () => { log('console: restarting the board\'s firmware'); runner.sync(); board!.restart(); runner.wake(); });
    } catch (e) { link.close(); rec?.close(); tap?.close(); throw e; }
  }
  const print = (line: string) => { log(`console: ${line}`); con?.print(line); };
  board = new SimBoard(clock, seg, {
    chip: o.chip, mac: o.mac, ip: o.ip, gateway: o.gateway, dns: o.dns, hostname: o.hostname,
    apps: o.apps ? { source: o.sourceBytes } : false, tcp: { onState }, print,
  });
  const b = board;
  runner.start();
  return {
    board: b, espruino: null, tap, link, console: con, dhcp,
    address: () => b.stack.iface.ip ? ipToString(b.stack.iface.ip) : '(no address yet)',
    close: () => { runner.stop(); b.stop(); link.close(); rec?.close(); dhcp?.close(); tap?.close(); con?.close(); },
  };
}

/** The branch of startSim for --espruino: the interpreter on the segment instead of a SimBoard;
 *  its console (--console) is the interpreter's own REPL. */
async function startEspruinoBoard(o: SimOptions, log: (s: string) => void, seg: Segment, runner: RealTimeRunner, link: UdpLink,
  tap: TapNamespace | null, rec: WireRecording | null, dhcp: Dnsmasq | null): Promise<RunningSim> {
  let con: SimConsole | null = null;
  let board: EspruinoBoard | null = null;
  const fail = (e: unknown) => { runner.stop(); board?.close(); con?.close(); link.close(); rec?.close(); dhcp?.close(); tap?.close(); throw e; };
  try {
    if (o.console) con = await SimConsole.openRaw(o.console, (s) => board?.input(s));
    const program = o.espruinoProgram === undefined ? undefined : o.espruinoProgram === 'none' ? null : readFileSync(o.espruinoProgram, 'latin1');
    runner.start();
    board = await EspruinoBoard.start(runner, seg, {
      bin: o.espruino!, mac: o.mac, ip: o.ip, gateway: o.gateway, dns: o.dns, hostname: o.hostname,
      apps: o.apps ? { source: o.sourceBytes } : false, program, pick: !!program,
      print: (line) => log(`console: ${line}`), output: (s) => con?.write(s), log,
    });
  } catch (e) { return fail(e); }
  const b = board;
  let ip = o.ip === 'dhcp' ? '' : o.ip.split('/')[0];
  // The address: static, or from the DHCP line the firmware prints.
  const leased = (l: string) => { const m = /^synack: (\d+\.\d+\.\d+\.\d+)\/\d+ by DHCP/.exec(l); if (m) ip = m[1]; };
  const print = b.o.print!;
  b.o.print = (l) => { leased(l); print(l); };
  return {
    get board(): SimBoard { throw new Error('this simulator runs the interpreter board: use sim.espruino'); },
    espruino: b, tap, link, console: con, dhcp,
    address: () => ip || '(no address yet)',
    close: () => { runner.stop(); b.close(); link.close(); rec?.close(); dhcp?.close(); tap?.close(); con?.close(); },
  };
}

function macText(sim: RunningSim): string { return [...(sim.espruino ? sim.espruino.mac : sim.board.mac)].map((b) => b.toString(16).padStart(2, '0')).join(':'); }

/** What is printed at once, before any lease: the board, and where it is (the namespace, or the
 *  UDP link and what to join to it), and with --dhcp who serves the lease. */
export function describeSim(sim: RunningSim, o: SimOptions): string {
  const what = sim.espruino ? `the interpreter ${sim.espruino.o.bin}, frames through files in ${sim.espruino.dir}` : `chip ${sim.board.chip.kind}`;
  const lines = [`synack board: mac ${macText(sim)}, ${what}, ${o.ip === 'dhcp' ? 'address by DHCP' : `${o.ip} static${o.gateway ? `, gateway ${o.gateway}` : ''}`}`];
  const tap = sim.tap;
  if (tap) {
    lines.push(`LAN: namespace ${tap.ns.name}, its side ${tap.hostCidr} on ${tap.ifname}`);
    if (sim.dhcp) {
      lines.push(`DHCP: dnsmasq (pid ${sim.dhcp.pid}) in ${tap.ns.name} serves ${sim.dhcp.range.rangeStart}-${sim.dhcp.range.rangeEnd}, and DNS at ${tap.hostIp} for ${DHCP_DOMAIN} (the board is ${o.hostname ?? 'synack'}.${DHCP_DOMAIN}); waiting for the board's lease...`);
    } else if (o.ip === 'dhcp') {
      const r = dhcpRange(tap.hostCidr);
      lines.push(`DHCP: waiting for a lease from your own server in ${tap.ns.name}, for example:`,
        `  ip netns exec ${tap.ns.name} dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --bind-interfaces --interface=${tap.ifname} --dhcp-range=${r.rangeStart},${r.rangeEnd},12h`);
    }
  } else {
    const l = sim.link;
    lines.push(`link: UDP ${l.spec.bindHost}:${l.localPort} <-> ${l.spec.peerHost}:${l.spec.peerPort}, one Ethernet frame per datagram; no namespace: the board is on the LAN of whatever is at ${l.spec.peerHost}:${l.spec.peerPort}, for example`,
      `  a QEMU guest: -netdev dgram,id=n0,local.type=inet,local.host=${l.spec.peerHost},local.port=${l.spec.peerPort},remote.type=inet,remote.host=${l.spec.bindHost},remote.port=${l.localPort} -device virtio-net-pci,netdev=n0`,
      `  a TAP device (as root): socat TUN,tun-type=tap,iff-no-pi,tun-name=synack0,iff-up UDP-DATAGRAM:${l.spec.bindHost}:${l.localPort},bind=${l.spec.peerHost}:${l.spec.peerPort}, then an address of the board's network on synack0`);
    if (o.ip === 'dhcp') lines.push('DHCP: waiting for a lease from a server on that LAN...');
  }
  return lines.join('\n');
}

/** The commands that reach the board once it has an address: in the namespace on a TAP link,
 *  from the peer's side of a UDP link. */
export function tryCommands(sim: RunningSim): string {
  const ip = sim.address();
  if (!sim.tap) {
    return [`from the peer's side of the link (the board is not reachable from this host's own network):`,
      `  ping -c 3 ${ip};  nc ${ip} 7 (echo);  curl http://${ip}/ (status page, and /stats.json);  nc ${ip} 19 | head (the byte source)`].join('\n');
  }
  const ns = `ip netns exec ${sim.tap.ns.name} `;
  return [
    'try:',
    `  ${ns}ping -c 3 ${ip}`,
    `  ${ns}nc ${ip} 7            # echo`,
    `  ${ns}curl http://${ip}/    # status page (and /stats.json)`,
    `  ${ns}nc ${ip} 19 | head     # the byte source`,
  ].join('\n');
}

/** The line printed when the board has a lease (or a new one). */
export function leaseLine(sim: RunningSim): string {
  const d = sim.board.stack.dhcp;
  return `lease: ${sim.address()}/${sim.board.stack.iface.prefix} by DHCP${d ? ` from ${ipToString(d.server)}, ${Math.round(d.lease / 1000)} s` : ''}`;
}

/** Parses the command line of `prog` ("sim", run as `cmd`): --help prints the usage on stdout
 *  and exits 0, a bad option prints one line and a pointer to --help on stderr and exits 2. */
export function parseOrExit(argv: string[], isRoot: boolean, prog = 'sim', cmd = 'npm run sim --'): SimOptions {
  try {
    return parseArgs(argv, isRoot);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (!e.message) { console.log(usage(cmd)); process.exit(0); }
    console.error(`${prog}: ${e.message}; see ${cmd} --help`);
    process.exit(2);
  }
}

/** Starts the board and prints where it is at once, then the commands to reach it (with DHCP,
 *  when the lease arrives); runs until Ctrl-C or SIGTERM, which remove everything it made. */
export async function runLive(o: SimOptions, prog = 'sim'): Promise<RunningSim> {
  let sim: RunningSim;
  try {
    sim = await startSim(o);
  } catch (e) {
    console.error(`${prog}: ${(e as Error).message.trim().split('\n').join('; ')}`);
    process.exit(1);
  }
  const stop = () => { sim.close(); process.exit(0); };
  // Before the namespaces' own handlers (links/netns.ts), which exit at once.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.prependListener(sig, stop);
  console.log(describeSim(sim, o));
  if (o.ip === 'dhcp') {
    let shown = '(no address yet)';
    setInterval(() => {
      const ip = sim.address();
      if (ip === shown) return;
      shown = ip;
      console.log(ip !== '(no address yet)' ? `${sim.espruino ? `lease: ${ip} by DHCP` : leaseLine(sim)}\n${tryCommands(sim)}` : 'lease: lost; the board asks again');
    }, 100).unref();
  } else console.log(tryCommands(sim));
  if (sim.console) console.log(`console: ${sim.console.path} (load() or E.reboot() there restarts the board's firmware)`);
  console.log(`Ctrl-C stops the board${sim.tap ? ` and removes its namespace${sim.dhcp ? ' and dnsmasq' : ''}` : ''}.`);
  return sim;
}

async function main(): Promise<void> {
  await runLive(parseOrExit(process.argv.slice(2), process.getuid?.() === 0));
}

if (process.argv[1] && /host-sim[\\/]cli\.ts$/.test(process.argv[1])) main();
