// Link-local IPv4 (RFC 3927) for a board on DHCP that hears no DHCP server: after LL_AFTER_MS
// without an address it picks an address in 169.254.1.0 - 169.254.254.255 (2.1: the first from
// its MAC, so a board keeps its address from one start to the next; then random), probes it with
// ARP probes (2.2.1), claims it with announcements (2.4) and defends it (2.5). DHCP goes on
// asking in the background; when it binds a lease the interface moves to that address (DHCP sets
// it, and TCP is told as for any address change) and the link-local address is given up. On a
// board this is the Storage module "synack-linklocal", loaded only when the address comes by DHCP
// and link-local is on (iface/zeroconf-storage.ts).
//
// Probes and announcements are ARP requests this module builds (2.2.1: sender address 0.0.0.0
// while probing; 2.4: sender and target our address), sent through the driver. While it probes,
// it looks at every ARP frame the driver hands the interface (its recv or recvFrame wrapped for
// those few seconds, then restored): a host that uses the candidate (sender address), or probes
// for it too (target address, sender 0.0.0.0, another hardware address), is a conflict (2.2.1).
// Once the address is ours, a conflict is the interface's arpConflict counter rising (another
// station's ARP with our address as its sender), and TCP hears of an address given up through
// the callback DHCP uses.
import type { Interface } from './interface.ts';
import type { Stack, StackConfig } from '../stack.ts';
import type { EthernetDriver } from '../drivers/driver.ts';
import { NO_TIMER } from './types.ts';
import { ARP_CONFLICT } from './counters.ts';
import { ipToString } from '../wire/ipv4.ts';

/** The protocol number this is registered under to be polled (no IP datagram has it). */
const POLL_PROTO = 0x100 + 169;
/** How long DHCP has to answer before link-local starts (two DISCOVERs, at 0 and about 4 s). */
export const LL_AFTER_MS = 8000;
/** RFC 3927 section 9 constants, in ms. */
const PROBE_WAIT = 1000;
const PROBE_NUM = 3;
const PROBE_MIN = 1000;
const PROBE_MAX = 2000;
const ANNOUNCE_WAIT = 2000;
const ANNOUNCE_INTERVAL = 2000;
const MAX_CONFLICTS = 10;
const RATE_LIMIT_INTERVAL = 60000;
const DEFEND_INTERVAL = 10000;

export const LL_WAIT = 0;      // an address by DHCP, or waiting for one
export const LL_PROBING = 1;
export const LL_ANNOUNCING = 2;
export const LL_BOUND = 3;

export class LinkLocal {
  state = LL_WAIT;
  /** The address probed for or held (0: none). */
  ip = 0;
  /** Conflicts seen (probes answered, and defences lost). */
  conflicts = 0;
  private since: number;
  private timer = 0;
  private n = 0;
  private seen = 0;
  private defended = -DEFEND_INTERVAL;
  /** A conflict seen while probing (probe() clears it; only the sniffer, installed while
   *  probing, sets it). */
  private hit!: boolean;
  /** The ARP frame built here (42 bytes): probes and announcements. */
  private frame: Uint8Array;
  /** The driver's own receive function while probing wraps it (null otherwise). */
  private rx: Function | null = null;

  constructor(readonly netif: Interface, readonly stack: Stack, readonly print: ((s: string) => void) | undefined) {
    // Polled as a protocol handler under a number no datagram carries.
    netif.protos.push(POLL_PROTO);
    netif.handlers.push(this);
    this.since = netif.now;
    const f = this.frame = new Uint8Array(42);
    // Ethernet: broadcast, from us, ARP; ARP: Ethernet/IPv4, request, from our hardware address.
    f.fill(255, 0, 6);
    f.set(netif.mac, 6);
    f.set([8, 6, 0, 1, 8, 0, 6, 4, 0, 1], 12);
    f.set(netif.mac, 22);
  }

  /** ProtocolHandler.input: never called (no datagram carries POLL_PROTO). */
  input(): void {}

  /** Sends an ARP request with sender address spa and target tpa (RFC 3927 2.2.1, 2.4). */
  private arp(spa: number, tpa: number): void {
    const f = this.frame;
    for (let k = 0; k < 4; k++) {
      f[28 + k] = (spa >>> (24 - 8 * k)) & 255;
      f[38 + k] = (tpa >>> (24 - 8 * k)) & 255;
    }
    this.netif.driver.send(f, 42);
  }

  /** An ARP frame seen while probing: a conflict if another station uses the candidate, or
   *  probes for it (RFC 3927 2.2.1). */
  sniff(b: Uint8Array, len: number): void {
    if (len < 42 || b[12] !== 8 || b[13] !== 6) return;
    const m = this.netif.mac;
    let ours = true;
    for (let k = 0; k < 6; k++) if (b[22 + k] !== m[k]) ours = false;
    if (ours) return;
    const spa = ((b[28] << 24) | (b[29] << 16) | (b[30] << 8) | b[31]) >>> 0;
    const tpa = ((b[38] << 24) | (b[39] << 16) | (b[40] << 8) | b[41]) >>> 0;
    if (spa === this.ip || (spa === 0 && tpa === this.ip && b[21] === 1)) this.hit = true;
  }

  /** Wraps (on) or restores (off) the driver's receive function, to see ARP frames while probing. */
  private watch(on: boolean): void {
    const d = this.netif.driver as unknown as { [k: string]: any };
    const key = d.recvFrame ? 'recvFrame' : 'recv';
    if (!on) {
      if (this.rx) { d[key] = this.rx; this.rx = null; }
      return;
    }
    if (this.rx) return;
    const own = this.rx = d[key] as Function;
    const self = this;
    d[key] = key === 'recvFrame' ? function () {
      const f = own.call(d);
      if (f) self.sniff(f, f.length);
      return f;
    } : function (buf: Uint8Array) {
      const n = own.call(d, buf);
      if (n > 0) self.sniff(buf, n); // as recvFrame's: no call for an empty poll
      return n;
    };
  }

  /** The first candidate from the MAC (2.1), the next ones at random; 169.254.1.0 - .254.255. */
  private pick(): void {
    const m = this.netif.mac;
    const h = this.conflicts === 0 ? ((m[2] << 24) | (m[3] << 16) | (m[4] << 8) | m[5]) ^ ((m[0] << 8) | m[1]) : this.netif.random32();
    this.ip = (0xa9fe0100 + (h >>> 0) % 0xfe00) >>> 0;
  }

  private probe(now: number, wait: number): number {
    this.state = LL_PROBING;
    this.n = 0;
    this.hit = false;
    this.timer = now + wait;
    this.watch(true);
    return wait;
  }

  /** Gives our address up (a lost defence, or DHCP's address took its place). */
  private stop(now: number): void {
    this.watch(false);
    this.state = LL_WAIT;
    this.since = now;
    this.ip = 0;
  }

  poll(now: number): number {
    const netif = this.netif;
    const cur = netif.ip;
    const st = this.state;
    if (st === LL_WAIT) {
      if (cur !== 0) { this.since = now; return NO_TIMER; }
      // No address (DHCP silent) for LL_AFTER_MS: a candidate, probed after up to PROBE_WAIT.
      const due = this.since + LL_AFTER_MS;
      if (now < due) return due - now;
      this.pick();
      return this.probe(now, (netif.random32() >>> 0) % PROBE_WAIT);
    }
    if (st === LL_PROBING ? cur !== 0 : cur !== this.ip) {
      // DHCP set its address (or took ours away): link-local steps aside (RFC 3927 1.9).
      this.stop(now);
      return cur === 0 ? LL_AFTER_MS : NO_TIMER;
    }
    if (this.hit) {
      // Probing (only then is it set): a host uses the address or probes for it too (2.2.1):
      // another candidate; once the conflicts exceed MAX_CONFLICTS, one attempt a minute.
      this.conflicts++;
      this.pick();
      return this.probe(now, this.conflicts > MAX_CONFLICTS ? RATE_LIMIT_INTERVAL : 0);
    }
    if (st === LL_BOUND) {
      // Defence (2.5): another station's ARP with our address. Outside DEFEND_INTERVAL of the
      // last one we announce once and keep it; within it, we give the address up.
      const c = netif.cnt[ARP_CONFLICT];
      if (c === this.seen) return NO_TIMER;
      this.seen = c;
      if (now - this.defended >= DEFEND_INTERVAL) {
        this.defended = now;
        this.arp(this.ip, this.ip);
        return NO_TIMER;
      }
      this.conflicts++;
      const old = this.ip;
      netif.setAddress(0, 0, 0);
      // TCP resets what was bound to the old address: the stack's DHCP callback does that.
      const d = this.stack.dhcp;
      if (d && d.opts.onAddressChange) d.opts.onAddressChange(old, 0);
      if (this.print) this.print('synack: ' + ipToString(old) + ' is in use by another host: choosing another link-local address');
      this.pick();
      return this.probe(now, 0);
    }
    if (now < this.timer) return this.timer - now;
    if (st === LL_PROBING) {
      if (this.n < PROBE_NUM) {
        this.n++;
        this.arp(0, this.ip);
        // PROBE_MIN to PROBE_MAX apart; ANNOUNCE_WAIT after the last.
        const wait = this.n < PROBE_NUM ? PROBE_MIN + (netif.random32() >>> 0) % (PROBE_MAX - PROBE_MIN) : ANNOUNCE_WAIT;
        this.timer = now + wait;
        return wait;
      }
      // Claimed (2.4): the interface takes the address with the first announcement (its
      // gratuitous ARP request); the second follows ANNOUNCE_INTERVAL later.
      this.watch(false);
      netif.setAddress(this.ip, 16, 0);
      this.seen = netif.cnt[ARP_CONFLICT];
      this.state = LL_ANNOUNCING;
      this.timer = now + ANNOUNCE_INTERVAL;
      if (this.print) this.print('synack: ' + ipToString(this.ip) + '/16 link-local (no answer from DHCP; still asking)');
      return ANNOUNCE_INTERVAL;
    }
    // ANNOUNCING: the second announcement, then the address is held and defended.
    this.arp(this.ip, this.ip);
    this.state = LL_BOUND;
    return NO_TIMER;
  }
}

/** Starts link-local addressing for a stack on DHCP (config key `linkLocal`). */
export function startLinkLocal(stack: Stack, c: StackConfig): LinkLocal {
  const l = new LinkLocal(stack.iface, stack, c.print);
  stack.linkLocal = l;
  return l;
}
