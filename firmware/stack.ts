// The composition root: one EthernetDriver, its Interface, TCP, the net API (made on first use), DHCP or a static
// address, DNS, and the default apps. `createStack(driver, config)` is what `start(config)` runs
// on the board and what the simulator runs on its virtual boards. I/O-free: drive it with
// `poll(now)`, which returns the delay until it next needs polling.
import type { EthernetDriver } from './drivers/driver.ts';
import { Interface, MEM_CHECK_MS, MEM_CRITICAL } from './iface/interface.ts';
import { RX_FRAMES } from './iface/counters.ts';
import { DhcpClient } from './iface/dhcp.ts';
import { DnsClient } from './iface/dns.ts';
import { zeroconf } from './iface/zeroconf.ts';
import type { Mdns } from './iface/mdns.ts';
import type { LinkLocal } from './iface/linklocal.ts';
import { Tcp, type TcpConfig } from './tcp/tcp.ts';
import { createNet, type Net } from './socket/net.ts';
import type { AppsConfig } from './apps/index.ts';
import { ipFromString, ipToString } from './wire/ipv4.ts';
import { macToString } from './wire/ethernet.ts';

export interface StackConfig {
  /** "dhcp" (default) or "A.B.C.D/NN". */
  ip?: string;
  gateway?: string;
  dns?: string;
  hostname?: string;
  mtu?: number;
  /** The default apps; false for none. */
  apps?: AppsConfig | false;
  tcp?: TcpConfig;
  random32?: () => number;
  /** Memory figures for the status page (Espruino: process.memory()). */
  memory?: () => { [name: string]: number };
  /** The console: one line at start and one when DHCP binds an address (board.ts: Espruino's
   *  print; the simulator: its console). */
  print?: (line: string) => void;
  /** Free memory in the board's units (Espruino: blocks, `process.memory(gc).free`; `gc` true
   *  collects garbage first, which costs more). Without it memory is never low. */
  freeBlocks?: (gc: boolean) => number;
  /** Free memory under which the stack refuses new connections and copies received frames
   *  instead of keeping them; under half of it, frames stay in the driver. Default 400 blocks (a
   *  Pico has 5100: the reserve keeps the board's own callbacks from running out). 0 turns the
   *  checks off (the interpreter's 64-bit Linux build grows its memory as it is used). */
  memReserve?: number;
  /** The mDNS responder for HOSTNAME.local, with DNS-SD for the default apps (docs/zeroconf.md):
   *  on by default with DHCP (on a board: when its module is in Storage), off on a static address. */
  mdns?: boolean;
  /** A link-local address (169.254/16) while DHCP gets no answer: on by default with DHCP. */
  linkLocal?: boolean;
}


/** Parses "A.B.C.D/NN"; throws one line naming the expected form. */
export function parseCidr(s: string): { ip: number; prefix: number } {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(s);
  const ip = m ? ipFromString(m[1]) : -1;
  const prefix = m ? Number(m[2]) : -1;
  if (!m || ip < 0 || prefix < 1 || prefix > 30) throw new Error('bad ip "' + s + '": use "dhcp" or an address with its prefix, like "198.18.0.2/24"');
  return { ip: ip >>> 0, prefix: prefix };
}

function parseIp(name: string, s: string | undefined): number {
  if (!s) return 0;
  const ip = ipFromString(s);
  if (ip < 0) throw new Error('bad ' + name + ' "' + s + '": use a dotted quad like "198.18.0.1"');
  return ip >>> 0;
}

/** What starts the default apps: apps/index.ts's startApps, registered with useApps. On a board
 *  the apps are a Storage module of their own ("synack-apps"), so the stack's bundle does not
 *  carry them. */
export type AppsStarter = (tcp: Tcp, config: AppsConfig, stack: Stack) => number[];
let appsStarter: AppsStarter | null = null;

/** Registers the default apps; stacks created afterwards start them unless `apps: false`. */
export function useApps(starter: AppsStarter | null): void { appsStarter = starter; }
export function hasApps(): boolean { return appsStarter !== null; }

export class Stack {
  readonly iface: Interface;
  readonly tcp: Tcp;
  readonly dhcp: DhcpClient | null;
  startedAt = -1;
  /** The interface's received-frame count when the deadline was last worked out: a frame since
   *  (handed to iface.input by the driver or directly) may have changed any timer. */
  private rxSeen = 0;
  private netApi?: Net;
  private dnsClient?: DnsClient; // absent until first used (no block)
  /** The name server: configured, else DHCP's, else 0. */
  private dnsServer: number;
  /** The mDNS responder and link-local addressing, when on (set by their modules). */
  mdns?: Mdns;
  linkLocal?: LinkLocal;

  constructor(readonly driver: EthernetDriver, readonly config: StackConfig) {
    const c = config;
    const useDhcp = !c.ip || c.ip === 'dhcp';
    const addr = useDhcp ? { ip: 0, prefix: 0 } : parseCidr(c.ip!);
    const gateway = parseIp('gateway', c.gateway);
    this.dnsServer = parseIp('dns', c.dns);
    const echo = !(c.apps && c.apps.icmpEcho === false);
    this.iface = new Interface(driver, { ip: addr.ip, prefix: addr.prefix, gateway: gateway, mtu: c.mtu, random32: c.random32, icmpEcho: echo });
    // Memory is watched only with a way to measure it and a reserve (memReserve 0: not at all).
    if (c.freeBlocks) {
      this.iface.memReserve = c.memReserve === undefined ? 400 : c.memReserve;
      if (this.iface.memReserve > 0) this.iface.freeBlocks = c.freeBlocks;
    }
    this.tcp = new Tcp(this.iface, c.tcp);
    const self = this;
    const out = c.print;
    // On a board DHCP is a Storage module of its own ("synack-dhcp", iface/dhcp-storage.ts),
    // loaded here only with ip "dhcp".
    this.dhcp = useDhcp ? new DhcpClient(this.iface, {
      hostname: c.hostname || 'synack',
      onAddressChange: function (oldIp: number, newIp: number) {
        self.tcp.addressChanged(oldIp);
        const d = self.dhcp!;
        if (newIp && out) out('synack: ' + ipToString(newIp) + '/' + self.iface.prefix + ' by DHCP from ' + ipToString(d.server) + ', lease ' + d.lease / 1000 + ' s');
      },
    }) : null;
    // Link-local IPv4 and mDNS: each a Storage module of its own on a board, loaded only when on.
    zeroconf(this, c, useDhcp);
    if (out) out('synack: started, mac ' + macToString(this.iface.mac, 0) + ', ' + (useDhcp ? 'DHCP' : c.ip + ' static'));
    if (c.apps !== false && appsStarter) appsStarter(this.tcp, c.apps || {}, this);
  }

  /** The net-style API, made on first use. On a board its code is a Storage module of its own
   *  ("synack-net": the board bundles take socket/net-storage.ts for socket/net.ts), so a board
   *  that only runs Espruino's net/http (the NetworkJS adapter sits on the connections) never
   *  loads it. */
  get net(): Net {
    if (!this.netApi) {
      const self = this;
      this.netApi = createNet(this.tcp, function (host, cb) { self.dns.resolve(host, cb); });
    }
    return this.netApi;
  }

  /** The DNS client, made when a name is first resolved (net and NetworkJS take dotted quads
   *  without it). On a board its code is the Storage module "synack-dns" (iface/dns-storage.ts). */
  get dns(): DnsClient {
    if (!this.dnsClient) this.dnsClient = new DnsClient(this.iface, this.dnsServer);
    return this.dnsClient;
  }

  /** Runs everything due; returns ms until the next poll is needed.
   *
   *  An idle board calls this every 100 ms (1000 ms with `int`), and each call is CPU taken from
   *  the user's program: when no frame came and the deadline (iface.due) has not come, it only
   *  asks the driver for frames and returns. The deadline is the earliest timer of every layer
   *  (ARP, TCP, DHCP, DNS) and the next free-memory measure, worked out by the last full pass; it
   *  is worked out again after any received frame (the frame count moved), and after a call
   *  between polls that starts a timer (TCP's user calls, a new ARP entry, a DNS query:
   *  they set iface.due to 0). So a periodic check runs when its deadline comes, not on every poll, and
   *  an idle poll costs the same with any number of connections, ARP entries or DHCP clients. */
  poll(now: number): number {
    // Espruino reads the code after a `return` up to the function's end without running it, token
    // by token: the idle path is this short function, the full pass another (called from two
    // places, so that Closure Compiler does not inline it here): 16 empty-loop iterations, not 21.
    const ifc = this.iface, rx = this.rxSeen, idle = now < ifc.due && ifc.cnt[RX_FRAMES] === rx;
    ifc.now = now;
    // Memory critical (drain measured it): the full pass, which polls again within MEM_CHECK_MS.
    if (idle && (ifc.drain(), ifc.cnt[RX_FRAMES] === rx && ifc.lowMem < MEM_CRITICAL)) return ifc.due - now;
    return this.work(now);
  }

  /** The full pass (frames came, or the deadline did): every layer's timers (iface.poll drains
   *  the driver again first), the new deadline. `now` is poll's: a user call inside the frames
   *  just handled may have moved iface.now on to its own clock (TcpConfig.now). */
  work(now: number): number {
    const ifc = this.iface;
    if (this.startedAt < 0) {
      this.startedAt = now;
      if (this.dhcp) this.dhcp.start(now);
    }
    ifc.due = -1; // set to 0 from here on (a callback's user call): worked out again next poll
    let next = ifc.poll(now);
    if (this.dhcp) {
      const d = this.dhcp.poll(now);
      if (d < next) next = d;
      if (this.dhcp.dns && !this.config.dns) {
        this.dnsServer = this.dhcp.dns;
        if (this.dnsClient) this.dnsClient.server = this.dnsServer;
      }
    }
    if (this.dnsClient) {
      const q = this.dnsClient.poll(now);
      if (q < next) next = q;
    }
    // Free memory is measured before what allocates (iface.drain: before frames it may keep, and
    // on each poll while it is low; TCP: before each new connection). While it is critical no
    // frame is read: come back every MEM_CHECK_MS to see it return.
    if (ifc.lowMem === MEM_CRITICAL && next > MEM_CHECK_MS) next = MEM_CHECK_MS;
    this.rxSeen = ifc.cnt[RX_FRAMES];
    // Something re-armed during the pass (due is 0): work it out again at once.
    if (!ifc.due) return 0;
    ifc.due = now + next;
    return next;
  }
}

export function createStack(driver: EthernetDriver, config: StackConfig): Stack {
  return new Stack(driver, config);
}
