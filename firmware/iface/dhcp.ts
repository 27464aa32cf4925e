// DHCP client (RFC 2131 section 4.4): INIT -> SELECTING (DISCOVER) -> REQUESTING (REQUEST) ->
// BOUND; at T1 RENEWING (unicast REQUEST to the server), at T2 REBINDING (broadcast REQUEST), at
// expiry the address is dropped and discovery starts again; a NAK restarts at once. Transmissions
// back off 4, 8, 16, 32, 64 s with +-1 s of randomisation (4.1). Messages carry a random xid, the
// client identifier (61) and the host name (12), and set the broadcast flag so replies reach a
// client that has no address yet. Driven by poll(now) like the rest of the stack.
import type { Interface } from './interface.ts';
import {
  DhcpInfo, dhcpParse, emitDhcpRequest, DHCP_OK, DHCPACK, DHCPDISCOVER, DHCPNAK, DHCPOFFER, DHCPREQUEST,
} from '../wire/dhcp.ts';
import { NO_TIMER } from './types.ts';

export const DHCP_CLIENT_PORT = 68;
export const DHCP_SERVER_PORT = 67;

export const DHCP_INIT = 0;
export const DHCP_SELECTING = 1;
export const DHCP_REQUESTING = 2;
export const DHCP_BOUND = 3;
export const DHCP_RENEWING = 4;
export const DHCP_REBINDING = 5;

const BROADCAST = 0xffffffff;
const MAX_REQUESTS = 4; // REQUEST retransmissions in REQUESTING before starting over

export interface DhcpOptions {
  hostname?: string;
  /** Called when the interface's address changes (0 when the lease is lost), so TCP can reset
   *  the connections bound to the old address. */
  onAddressChange?: (oldIp: number, newIp: number) => void;
}

function prefixFromMask(mask: number): number {
  let n = 0;
  for (let b = 31; b >= 0 && (mask >>> b) & 1; b--) n++;
  return n;
}

export class DhcpClient {
  state = DHCP_INIT;
  /** The DNS server the lease named (0 if none). */
  dns = 0;
  server = 0;
  leaseStart = 0;
  lease = 0;    // ms
  t1 = 0;       // ms after leaseStart
  t2 = 0;
  /** Counters: messages sent and received, NAKs, leases obtained. */
  sent = 0;
  acks = 0;
  naks = 0;
  private naksInRow = 0;
  private xid = 0;
  private offered = 0;
  private tries = 0;
  private timer = 0;        // absolute ms of the next action
  private started = 0;      // start of this acquisition, for the secs field
  private running = false;
  /** The reply being read: made by the first reply the client waits for, let go once BOUND
   *  (a board that holds its lease, or hears no server, keeps none). */
  private info: DhcpInfo | null = null;

  constructor(readonly netif: Interface, readonly opts: DhcpOptions) {
    const self = this;
    netif.udpBind(DHCP_CLIENT_PORT, function (src, srcPort, dst, buf, off, len) { self.input(buf, off, len); });
  }

  /** Starts acquiring an address (the interface should have address 0). */
  start(now: number): void {
    this.running = true;
    this.restart(now);
    this.netif.due = 0; // the stack's deadline is worked out again
  }

  stop(): void { this.running = false; }

  poll(now: number): number {
    if (!this.running) return NO_TIMER;
    if (now >= this.timer) this.timeout(now);
    return this.timer > now ? this.timer - now : 0;
  }

  private restart(now: number): void {
    this.state = DHCP_INIT;
    this.tries = 0;
    this.started = now;
    this.xid = this.netif.random32() >>> 0;
    this.discover(now);
  }

  /** 4 s doubling to 64 s, +-1 s (RFC 2131 4.1). */
  private backoff(): number {
    const base = this.tries < 4 ? 4000 << this.tries : 64000;
    return base - 1000 + ((this.netif.random32() >>> 0) % 2001);
  }

  private discover(now: number): void {
    this.state = DHCP_SELECTING;
    this.send(DHCPDISCOVER, 0, 0, 0, BROADCAST, now);
    this.timer = now + this.backoff();
    this.tries++;
  }

  private timeout(now: number): void {
    const s = this.state;
    if (s === DHCP_INIT) { this.restart(now); return; }
    if (s === DHCP_SELECTING) { this.discover(now); return; }
    if (s === DHCP_REQUESTING) {
      if (this.tries >= MAX_REQUESTS) { this.restart(now); return; }
      this.send(DHCPREQUEST, 0, this.offered, this.server, BROADCAST, now);
      this.timer = now + this.backoff();
      this.tries++;
      return;
    }
    const end = this.leaseStart + this.lease;
    if (now >= end) { this.lose(now); return; }
    // BOUND's one timer is T1, and RENEWING's and REBINDING's come after it: past T1 the state
    // is the time's, RENEWING before T2, REBINDING from T2 (4.4.5).
    this.state = now >= this.leaseStart + this.t2 ? DHCP_REBINDING : DHCP_RENEWING;
    // RENEWING: unicast to the server; REBINDING: broadcast to any server (4.4.5). Retransmit
    // after half the time left to the next deadline, at least 10 s (RFC: 60 s; shorter leases
    // here), never past the deadline.
    const renewing = this.state === DHCP_RENEWING;
    this.send(DHCPREQUEST, this.netif.ip, 0, 0, renewing ? this.server : BROADCAST, now);
    const deadline = renewing ? this.leaseStart + this.t2 : end;
    let wait = (deadline - now) / 2;
    if (wait < 10000) wait = deadline - now < 10000 ? deadline - now : 10000;
    this.timer = now + wait;
  }

  /** The lease ran out: the address is given up (RFC 2131 4.4.5) and discovery restarts. */
  private lose(now: number): void {
    const old = this.netif.ip;
    this.netif.setAddress(0, 0, 0);
    if (old && this.opts.onAddressChange) this.opts.onAddressChange(old, 0);
    this.restart(now);
  }

  private send(type: number, ciaddr: number, requested: number, serverId: number, dst: number, now: number): void {
    const tx = this.netif.tx;
    const at = 42; // IP_PAYLOAD_OFFSET + UDP header: built in place, no copy
    const secs = Math.floor((now - this.started) / 1000);
    const len = emitDhcpRequest(tx, at, type, this.xid, secs, this.netif.mac, ciaddr, requested, serverId,
      this.opts.hostname || '', ciaddr === 0);
    this.sent++;
    this.netif.udpSend(DHCP_CLIENT_PORT, dst, DHCP_SERVER_PORT, null, at, len);
  }

  private input(buf: Uint8Array, off: number, len: number): void {
    const s = this.state;
    // Only SELECTING (offers) and REQUESTING, RENEWING, REBINDING (ACK, NAK) wait for a reply:
    // the others (and a stopped client) need not parse the other clients' broadcast replies.
    if (!this.running || s === DHCP_INIT || s === DHCP_BOUND) return;
    if (!this.info) this.info = new DhcpInfo();
    const info = this.info;
    if (dhcpParse(buf, off, len, info) !== DHCP_OK || info.xid !== this.xid) return;
    // chaddr must be ours: the xid alone could collide between clients.
    for (let i = 0; i < 6; i++) if (buf[off + 28 + i] !== this.netif.mac[i]) return;
    const now = this.netif.now;
    if (info.type === DHCPOFFER && s === DHCP_SELECTING) {
      if (!info.yiaddr || !info.serverId) return;
      this.offered = info.yiaddr;
      this.server = info.serverId;
      this.state = DHCP_REQUESTING;
      this.tries = 0;
      this.send(DHCPREQUEST, 0, this.offered, this.server, BROADCAST, now);
      this.timer = now + this.backoff();
      this.tries++;
      return;
    }
    if (s !== DHCP_REQUESTING && s !== DHCP_RENEWING && s !== DHCP_REBINDING) return;
    if (info.type === DHCPNAK) {
      // Restart configuration (RFC 2131 3.1 step 5), after 1 s doubling with each NAK in a row
      // (up to 64 s), so a server that refuses everything is not flooded.
      this.naks++;
      this.naksInRow++;
      const old = this.netif.ip;
      if (old) { this.netif.setAddress(0, 0, 0); if (this.opts.onAddressChange) this.opts.onAddressChange(old, 0); }
      this.state = DHCP_INIT;
      this.tries = 0;
      this.timer = now + (1000 << (this.naksInRow < 7 ? this.naksInRow - 1 : 6));
      return;
    }
    if (info.type !== DHCPACK || !info.yiaddr) return;
    this.acks++;
    this.naksInRow = 0;
    if (info.serverId) this.server = info.serverId;
    const lease = info.lease > 0 ? info.lease : 3600;
    this.leaseStart = now;
    this.lease = lease * 1000;
    this.t1 = (info.t1 > 0 && info.t1 < lease ? info.t1 : lease / 2) * 1000;
    this.t2 = (info.t2 > 0 && info.t2 < lease ? info.t2 : lease * 7 / 8) * 1000;
    if (this.t2 < this.t1) this.t2 = this.t1;
    this.dns = info.dns;
    this.state = DHCP_BOUND;
    this.timer = now + this.t1;
    this.info = null;
    const old = this.netif.ip;
    const prefix = info.mask ? prefixFromMask(info.mask) : 24;
    if (old !== info.yiaddr || this.netif.prefix !== prefix || this.netif.gateway !== info.router) {
      this.netif.setAddress(info.yiaddr, prefix, info.router);
      if (old !== info.yiaddr && this.opts.onAddressChange) this.opts.onAddressChange(old, info.yiaddr);
    }
  }
}
