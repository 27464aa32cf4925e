// The network interface (docs/design.md, "iface/"): one Ethernet link, one IPv4 address.
// Demultiplexes received frames (ARP, IPv4), answers ARP requests and ICMP echo, delivers UDP to
// bound ports and other protocols to registered handlers (TCP is protocol 6), and sends IPv4
// datagrams, resolving next hops through the ARP cache.
//
// Per-packet path: one receive buffer, one transmit buffer, a 42-byte ARP buffer and the ARP
// queue buffers, all allocated once. Bad input is counted in `counters` and dropped, never thrown.
import type { EthernetDriver } from '../drivers/driver.ts';
import { MAX_FRAME } from '../drivers/driver.ts';
import type { InterfaceConfig, ProtocolHandler, UdpHandler } from './types.ts';
import { NO_TIMER } from './types.ts';
import { makeCounters, counterValues, counterNames, type IfaceCounters,
  ARP_CONFLICT, ARP_EVICTIONS, ARP_RX, ARP_TX, DROP_ARP_EVICTED, DROP_ARP_LENGTHS, DROP_ARP_NOT_US, DROP_ARP_OPER, DROP_ARP_QUEUE_FULL, DROP_ARP_QUEUE_REPLACED, DROP_ARP_TIMEOUT, DROP_ARP_TRUNCATED, DROP_ARP_TYPE, DROP_ETH_NOT_US, DROP_ETH_TRUNCATED, DROP_ETH_TYPE, DROP_ICMP_BCAST, DROP_ICMP_CHECKSUM, DROP_ICMP_TOO_BIG, DROP_ICMP_TRUNCATED, DROP_ICMP_TYPE, DROP_IP_BCAST_PROTO, DROP_IP_CHECKSUM, DROP_IP_FRAGMENT, DROP_IP_IHL, DROP_IP_LENGTH, DROP_IP_NOT_US, DROP_IP_PROTO, DROP_IP_SRC, DROP_IP_TRUNCATED, DROP_IP_VERSION, DROP_NO_ROUTE, DROP_TX_TOO_BIG, DROP_UDP_CHECKSUM, DROP_UDP_LENGTH, DROP_UDP_NO_PORT, LOW_MEM_POLLS, DROP_UDP_TRUNCATED, ICMP_ECHO_IGNORED, ICMP_ECHO_RX, ICMP_ECHO_TX, ICMP_UNREACH_LIMITED, ICMP_UNREACH_TX, IP_RX, IP_TX, RX_FRAMES, TX_FAIL, TX_FRAMES, UDP_RX, UDP_TX,
} from './counters.ts';
import {
  ArpCache, ARP_FREE, ARP_PENDING, ARP_RESOLVED, ARP_LEARNT, ARP_YOUNG_MS, ARP_MAX_AGE_MS, ARP_REFRESH_AGE_MS, ARP_RETRY_MS, ARP_MAX_TRIES,
} from './arp-cache.ts';
import { getU16 } from '../wire/bytes.ts';
import { checksum } from '../wire/checksum.ts';
import {
  ETH_HEADER_LEN, ETH_DST, ETH_TYPE, ETHERTYPE_ARP, ETHERTYPE_IPV4, emitEthernet, macIsGroup, MAC_BROADCAST,
} from '../wire/ethernet.ts';
import {
  arpParse, arpOper, arpSpa, arpTpa, emitArp, ARP_LEN, ARP_OK, ARP_TRUNCATED, ARP_BAD_TYPE, ARP_BAD_LENGTHS,
  ARP_REQUEST, ARP_REPLY, ARP_SHA,
} from '../wire/arp.ts';
import {
  ipv4Parse, ipv4Src, emitIpv4, prefixMask, IPV4_OK, IPV4_TRUNCATED,
  IPV4_BAD_VERSION, IPV4_BAD_IHL, IPV4_BAD_LENGTH, IPV4_BAD_CHECKSUM, IPV4_PROTO, IPV4_HEADER_LEN,
  IP_PROTO_ICMP, IP_PROTO_TCP, IP_PROTO_UDP, IP_BROADCAST,
} from '../wire/ipv4.ts';
import {
  icmpParse, emitIcmp, emitIcmpEcho, ICMP_OK, ICMP_TRUNCATED, ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY, ICMP_DEST_UNREACH,
  ICMP_PORT_UNREACH, ICMP_HEADER_LEN, ICMP_TYPE,
} from '../wire/icmp.ts';
import {
  udpParse, emitUdp, UDP_OK, UDP_TRUNCATED, UDP_BAD_LENGTH, UDP_HEADER_LEN, UDP_SRC_PORT, UDP_DST_PORT,
} from '../wire/udp.ts';

/** Espruino's global `E` (absent under Node). */
declare const E: any;

/** Where the IP header starts in a frame, and where L4 writes its header in `tx`. */
export const IP_OFFSET = ETH_HEADER_LEN;
export const IP_PAYLOAD_OFFSET = ETH_HEADER_LEN + IPV4_HEADER_LEN;
/** TTL of the datagrams we send (RFC 1700's recommended default). */
export const IP_TTL = 64;
/** Minimum interval between two ICMP port unreachable messages (RFC 1812 4.3.2.8 rate limit). */
export const ICMP_ERROR_INTERVAL_MS = 100;
/** Frames handled per poll at most, so that a flooding link cannot starve the timers. */
export const POLL_MAX_FRAMES = 32;
/** Interface.lowMem's levels. */
export const MEM_OK = 0, MEM_LOW = 1, MEM_CRITICAL = 2;
/** Free memory is measured before the first frame a poll receives, if the last measure is older
 *  than MEM_CHECK_MS, and every MEM_CHECK_MS while memory is low (process.memory walks every
 *  block: about 27 empty-loop iterations, so not on every poll of an idle board). */
export const MEM_CHECK_MS = 20;

/** The default randomness: E.hwRand on Espruino, Math.random elsewhere. */
export function defaultRandom32(): number {
  if (typeof E !== 'undefined' && E.hwRand) return E.hwRand() >>> 0;
  return Math.floor(Math.random() * 0x100000000) >>> 0;
}

const ZERO_MAC = new Uint8Array(6);

export class Interface {
  driver: EthernetDriver;
  /** Our MAC (the driver's). */
  mac: Uint8Array;
  /** The MAC input compares each frame's destination with: ours, or null when the driver's chip
   *  filters (EthernetDriver.macFilter). */
  macCheck: Uint8Array | null;
  /** Whether echo requests are answered (the ICMP echo app). */
  icmpEcho: boolean;
  /** IPv4 configuration; ip 0 until set (DHCP). */
  ip: number;
  prefix: number;
  gateway: number;
  /** Netmask and the directed (subnet) broadcast address (255.255.255.255 for /31 and /32). */
  mask: number;
  bcast: number;
  mtu: number;
  random32: () => number;
  /** Free memory as the stack measures it (drain, from StackConfig.freeBlocks):
   *  MEM_OK, MEM_LOW (no new connections, received frames are copied rather than kept) or
   *  MEM_CRITICAL (received frames stay in the driver). A board out of memory stops the callback
   *  that ran out, uncatchably: the stack refuses and drops before that happens. */
  lowMem = MEM_OK;
  /** Free memory as last measured (by drain, and by TCP as each new connection is made), and
   *  the reserve under which nothing more is allocated. Unmeasured: unlimited. */
  memFree = 0x7fffffff;
  memReserve = 0;
  /** Measures free memory now (StackConfig.freeBlocks), for what allocates much at once: set by
   *  the Stack when memory is watched. */
  freeBlocks?: ((gc: boolean) => number) | null; // absent until set: no block on a board that does not watch memory
  /** When free memory was last measured (drain); absent before the first measure. */
  memAt!: number;
  /** The stack's deadline (Stack.poll): no timer of any layer is due before this time (ms), so a
   *  poll before it only looks for received frames. Whatever starts a timer between polls (TCP's
   *  user calls, a new ARP entry, a DNS query) sets it to 0: worked out again at the next poll. -1
   *  while a poll works it out; absent (no block) until the first poll. */
  due!: number;
  /** Time of the last poll (ms): the clock for handlers and for input() called directly. */
  now: number;
  /** The counters, indexed by RX_FRAMES ... DROP_UDP_NO_PORT (iface/counters.ts). */
  cnt: Uint32Array;
  /** The counters by name (a snapshot). */
  get counters(): IfaceCounters { return counterValues(this.cnt, counterNames(), 0) as IfaceCounters; }
  /** The transmit buffer: L4 writes at tx[IP_PAYLOAD_OFFSET..] then calls sendIpv4. The
   *  driver's own (txBuf) when it offers one, so frames go out without a copy. */
  tx: Uint8Array;
  /** The receive buffer poll() drains the driver into; none for a driver with recvFrame. */
  rx: Uint8Array | null;
  arp: ArpCache;
  /** ARP requests, replies and announcements are built here, never in tx. */
  arpTx: Uint8Array;
  /** Scratch 6-byte MAC (a requester's address, a multicast mapping). */
  peer: Uint8Array;
  /** Frames waiting on ARP (allocated on first use, up to arpQueueMax), and the length of the
   *  frame each holds (0: the buffer is free). */
  qBufs: Uint8Array[];
  qLen: Uint16Array;
  arpQueueMax: number;
  /** No ARP timer is due before this time (ms): poll skips the table scan until then. */
  arpDue: number;
  /** When `mayAsk` last let a request go out. */
  askAt: number;
  /** Next IP identification. */
  ipId: number;
  /** After sendIpv4: nonzero if the frame went straight to a resolved next hop, then the time
   *  until which its Ethernet and IP headers may be reused (see ArpCache.gen). */
  txReuseUntil = 0;
  /** Time of the last ICMP error sent. */
  lastIcmpErr: number;
  /** The one multicast group whose datagrams are taken (mDNS's 224.0.0.251, set by its module),
   *  or -1. */
  group = -1;
  /** Registered protocol handlers (parallel arrays, no Map in Espruino). */
  protos: number[];
  handlers: ProtocolHandler[];
  /** The handler of protocol 6 when it takes frames whole (inputFrame): offered each IPv4 frame
   *  for our hardware address before anything else (input). Null: every frame goes to demux. */
  tcp: ProtocolHandler | null = null;
  /** The receivers of the bound UDP ports, by port number (one table, no Map in Espruino). */
  udp: { [port: number]: UdpHandler };

  constructor(driver: EthernetDriver, config: InterfaceConfig) {
    const c = config || {};
    this.driver = driver;
    this.mac = new Uint8Array(6);
    this.mac.set(driver.mac.subarray(0, 6));
    this.macCheck = driver.macFilter === true ? null : this.mac;
    this.peer = new Uint8Array(6);
    this.cnt = makeCounters();
    let mtu = c.mtu || 1500;
    if (mtu < 576) mtu = 576;
    if (mtu > 1500) mtu = 1500;
    this.mtu = mtu;
    this.random32 = c.random32 || defaultRandom32;
    this.icmpEcho = c.icmpEcho !== false;
    this.now = 0;
    this.tx = driver.txBuf && driver.txBuf.length >= MAX_FRAME ? driver.txBuf : new Uint8Array(MAX_FRAME);
    this.rx = driver.recvFrame ? null : new Uint8Array(MAX_FRAME);
    this.arp = new ArpCache(c.arpEntries && c.arpEntries > 0 ? c.arpEntries : 8);
    this.arpTx = new Uint8Array(ETH_HEADER_LEN + ARP_LEN);
    this.qBufs = [];
    this.arpQueueMax = c.arpQueue !== undefined && c.arpQueue >= 0 ? c.arpQueue : 2;
    this.qLen = new Uint16Array(this.arpQueueMax);
    this.ipId = this.random32() & 0xffff;
    this.lastIcmpErr = -ICMP_ERROR_INTERVAL_MS; // an integer in [-4096, 4095]: one block (docs/espruino.md)
    this.arpDue = Infinity;
    this.askAt = -Infinity;
    this.protos = [];
    this.handlers = [];
    this.udp = {};
    this.ip = 0;
    this.prefix = 0;
    this.gateway = 0;
    this.mask = 0;
    this.bcast = IP_BROADCAST;
    this.setAddress(c.ip || 0, c.prefix || 0, c.gateway || 0);
  }

  /** Sets the IPv4 configuration; announces a non-zero address with a gratuitous ARP request
   *  (sender and target address both ours, RFC 5227 section 2.3). */
  setAddress(ip: number, prefix: number, gateway: number): void {
    this.ip = ip >>> 0;
    this.prefix = prefix;
    this.gateway = gateway >>> 0;
    this.mask = prefixMask(prefix);
    this.bcast = prefix >= 31 || prefix <= 0 ? IP_BROADCAST : (this.ip | ~this.mask) >>> 0;
    this.arp.gen++; // headers cached with the old address are stale
    if (this.ip !== 0) this.sendArp(ARP_REQUEST, MAC_BROADCAST, ZERO_MAC, this.ip);
  }

  /** Registers the handler of an IP protocol (6 for TCP; 1 receives the ICMP messages other
   *  than echo requests). Replaces an earlier handler of the same protocol. */
  register(proto: number, handler: ProtocolHandler): void {
    if (proto === IP_PROTO_TCP) this.tcp = handler.inputFrame ? handler : null;
    for (let i = 0; i < this.protos.length; i++) {
      if (this.protos[i] === proto) {
        this.handlers[i] = handler;
        return;
      }
    }
    this.protos.push(proto);
    this.handlers.push(handler);
  }

  /** Binds a UDP port; false if it is 0, out of range or already bound. */
  udpBind(port: number, onDatagram: UdpHandler): boolean {
    if (!(port > 0 && port < 65536) || this.udp[port]) return false;
    this.udp[port] = onDatagram;
    return true;
  }

  udpUnbind(port: number): void {
    delete this.udp[port];
  }

  /** Sends data[off..off+len) from our srcPort to dst:dstPort (checksum always computed). Data
   *  null: the len bytes are already in place at tx[IP_PAYLOAD_OFFSET + 8..] (never passed as tx
   *  itself: Espruino cannot tell two typed arrays apart cheaply, wire/bytes.ts sameArray). True
   *  if sent or queued. */
  udpSend(srcPort: number, dst: number, dstPort: number, data: Uint8Array | null, off: number, len: number): boolean {
    const l4 = UDP_HEADER_LEN + len;
    if (IPV4_HEADER_LEN + l4 > this.mtu) {
      this.cnt[DROP_TX_TOO_BIG]++;
      return false;
    }
    const at = IP_PAYLOAD_OFFSET + UDP_HEADER_LEN;
    if (data && len > 0) this.tx.set(data.subarray(off, off + len), at);
    emitUdp(this.tx, IP_PAYLOAD_OFFSET, srcPort, dstPort, l4, this.ip, dst >>> 0);
    this.cnt[UDP_TX]++;
    return this.sendIpv4(dst >>> 0, IP_PROTO_UDP, l4);
  }

  /** True if ip has a resolved ARP entry; its MAC is then copied into out (6 bytes) if given. */
  arpLookup(ip: number, out?: Uint8Array): boolean {
    const i = this.arp.find(ip >>> 0);
    if (i < 0 || this.arp.st[i] < ARP_RESOLVED) return false;
    if (out) out.set(this.arp.m[i], 0);
    return true;
  }

  /** Starts resolving ip without a packet to send (a request now, retries by poll). While our
   *  address is 0 the requests have sender address 0.0.0.0: RFC 5227 probes, which a DHCP client
   *  can use to check an offered address (then `arpLookup` tells whether anyone answered). */
  arpRequest(ip: number): void {
    ip = ip >>> 0;
    if (this.arp.find(ip) >= 0) return;
    const i = this.newEntry(ip, this.arp.victim(this.now, -Infinity, -Infinity));
    this.arp.tries[i] = 1;
    this.sendArp(ARP_REQUEST, MAC_BROADCAST, ZERO_MAC, ip);
  }

  /** Sends an ICMP echo request (a ping) to dst with data[off..off+len) (data null: already in
   *  place at tx[IP_PAYLOAD_OFFSET + 8..]). Replies go to the handler registered for protocol 1.
   *  True if sent or queued for ARP. */
  sendPing(dst: number, id: number, seq: number, data: Uint8Array | null, off: number, len: number): boolean {
    const l4 = ICMP_HEADER_LEN + len;
    if (IPV4_HEADER_LEN + l4 > this.mtu) {
      this.cnt[DROP_TX_TOO_BIG]++;
      return false;
    }
    const at = IP_PAYLOAD_OFFSET + ICMP_HEADER_LEN;
    if (data && len > 0) this.tx.set(data.subarray(off, off + len), at);
    emitIcmpEcho(this.tx, IP_PAYLOAD_OFFSET, ICMP_ECHO_REQUEST, id, seq, l4);
    return this.sendIpv4(dst >>> 0, IP_PROTO_ICMP, l4);
  }

  // ---- output ---------------------------------------------------------------------------------

  /** Sends the datagram whose L4 header and payload (l4len bytes) are at tx[IP_PAYLOAD_OFFSET..]:
   *  writes the IPv4 header (identification incrementing, DF, TTL 64) and the Ethernet header,
   *  resolves the next hop and sends, or queues the frame while ARP resolves. True if sent or
   *  queued. `noQueue`: a frame whose sender sends again anyway (TCP's replies without a
   *  connection: SYN,ACKs of the SYN cache and cookies, RSTs) takes no queue buffer of its own
   *  (1514 bytes, kept once made), and evicts no resolved entry: a SYN flood from made-up
   *  addresses makes no buffer and leaves the hosts the board talks to in the ARP table. */
  sendIpv4(dst: number, proto: number, l4len: number, noQueue?: boolean): boolean {
    const c = this.cnt;
    this.txReuseUntil = 0;
    if (IPV4_HEADER_LEN + l4len > this.mtu) {
      c[DROP_TX_TOO_BIG]++;
      return false;
    }
    dst = dst >>> 0;
    const tx = this.tx;
    emitIpv4(tx, IP_OFFSET, this.ip, dst, proto, l4len, this.ipId, IP_TTL);
    this.ipId = (this.ipId + 1) & 0xffff;
    const len = IP_PAYLOAD_OFFSET + l4len;
    c[IP_TX]++;
    // Broadcast: no ARP (RFC 1122 3.3.6, RFC 919); multicast: RFC 1112 section 6.4 mapping.
    if (dst === IP_BROADCAST || dst === this.bcast) {
      emitEthernet(tx, 0, MAC_BROADCAST, this.mac, ETHERTYPE_IPV4);
      return this.sendFrame(tx, len);
    }
    if ((dst >>> 28) === 14) {
      const g = this.peer;
      g[0] = 0x01; g[1] = 0x00; g[2] = 0x5e;
      g[3] = (dst >>> 16) & 0x7f; g[4] = (dst >>> 8) & 0xff; g[5] = dst & 0xff;
      emitEthernet(tx, 0, g, this.mac, ETHERTYPE_IPV4);
      return this.sendFrame(tx, len);
    }
    // Next hop: on-link by prefix, else the gateway.
    let hop = dst;
    if (((dst ^ this.ip) & this.mask) !== 0) {
      if (this.gateway === 0) {
        c[DROP_NO_ROUTE]++;
        return false;
      }
      hop = this.gateway;
    }
    const a = this.arp;
    const now = this.now;
    let i = a.find(hop);
    // Frames from other buffers (the ARP requests below) go out after tx's frame is sent or
    // queued: the driver may copy them where tx is (EthernetDriver.txBuf).
    if (i >= 0 && a.st[i] >= ARP_RESOLVED) { // resolved or learnt
      emitEthernet(tx, 0, a.m[i], this.mac, ETHERTYPE_IPV4);
      const sent = this.sendFrame(tx, len);
      // Refresh a busy entry before it expires, at most once per ARP_RETRY_MS. Otherwise the
      // headers now in tx may be reused (TCP's fast ACK) while arp.gen is unchanged and until
      // the entry is due for its refresh.
      if (now - a.t[i] >= ARP_REFRESH_AGE_MS && now - a.req[i] >= ARP_RETRY_MS) {
        a.req[i] = now;
        this.sendArp(ARP_REQUEST, MAC_BROADCAST, ZERO_MAC, hop);
      } else if (sent) this.txReuseUntil = a.t[i] + ARP_REFRESH_AGE_MS;
      return sent;
    }
    const ask = i < 0;
    if (ask) {
      // Nor does it evict a resolved entry to ask for its address: SYN,ACKs to a flood's made-up
      // addresses would push out the hosts the board talks to.
      const v = noQueue ? this.spareEntry() : a.victim(now, -Infinity, -Infinity);
      if (v < 0) { c[DROP_ARP_QUEUE_FULL]++; return false; }
      i = this.newEntry(hop, v);
      a.tries[i] = 1;
    }
    // Pending: keep this frame (the newest one, RFC 1122 2.3.2.2) in the entry's queue buffer.
    let q = a.q[i];
    if (q >= 0) {
      c[DROP_ARP_QUEUE_REPLACED]++;
    } else {
      q = noQueue ? -1 : this.takeQueue();
      if (q >= 0) a.q[i] = q;
      else c[DROP_ARP_QUEUE_FULL]++;
    }
    if (q >= 0) {
      emitEthernet(tx, 0, ZERO_MAC, this.mac, ETHERTYPE_IPV4); // destination written on resolution
      this.qBufs[q].set(tx.subarray(0, len), 0);
      this.qLen[q] = len;
    }
    if (ask) this.sendArp(ARP_REQUEST, MAC_BROADCAST, ZERO_MAC, hop);
    return q >= 0;
  }

  /** Whether a frame to dst would go out now: its next hop resolved. Else the next hop is asked
   *  for as sendIpv4 asks, but evicting neither a resolved entry nor a pending one asked for less
   *  than ARP_RETRY_MS ago, and false. TCP asks before it answers a SYN, with a SYN,ACK or a RST
   *  (issue 21): such a reply to an unresolved next hop would not be queued anyway
   *  (sendIpv4's noQueue; the peer sends again, RFC 9293 3.8.1), so its cookie and checksums are
   *  not computed, and a flood from made-up addresses costs at most `spareEntry`'s requests. (A new
   *  client has usually asked for our address first, which taught us its own.) A learnt entry
   *  whose SYN is answered becomes resolved: the board talks to it now (ArpCache). */
  reachable(dst: number): boolean {
    let hop = dst >>> 0;
    if (((hop ^ this.ip) & this.mask) !== 0) hop = this.gateway;
    const a = this.arp;
    const i = a.find(hop);
    if (i >= 0 || !hop) {
      if (i < 0 || a.st[i] < ARP_RESOLVED) return false;
      a.st[i] = ARP_RESOLVED;
      return true;
    }
    const v = this.spareEntry();
    if (v < 0) return false;
    a.tries[this.newEntry(hop, v)] = 1;
    this.sendArp(ARP_REQUEST, MAC_BROADCAST, ZERO_MAC, hop);
    return false;
  }

  /** The entry to ask for a next hop with, on behalf of a frame whose sender sends again anyway
   *  (reachable, sendIpv4's noQueue), or -1: a free or learnt one, or one pending since
   *  ARP_RETRY_MS, never a resolved one; and only if no such request went out in the last
   *  ARP_RETRY_MS / n, so that a flood from made-up addresses asks at most n times a second even
   *  during an ARP storm (whose learnt entries it could take one by one). */
  spareEntry(): number {
    const a = this.arp;
    const now = this.now;
    if (now - this.askAt < ARP_RETRY_MS / a.n) return -1;
    const v = a.victim(now, ARP_RETRY_MS, Infinity);
    if (v >= 0) this.askAt = now;
    return v;
  }

  /** Hands a frame to the driver and counts it. */
  sendFrame(buf: Uint8Array, len: number): boolean {
    if (this.driver.send(buf, len)) {
      this.cnt[TX_FRAMES]++;
      return true;
    }
    this.cnt[TX_FAIL]++;
    return false;
  }

  /** Sends an ARP packet from arpTx: ethDst is the frame's destination, tha/tpa the target. */
  sendArp(oper: number, ethDst: Uint8Array, tha: Uint8Array, tpa: number): void {
    const b = this.arpTx;
    emitEthernet(b, 0, ethDst, this.mac, ETHERTYPE_ARP);
    emitArp(b, ETH_HEADER_LEN, oper, this.mac, this.ip, tha, tpa);
    this.cnt[ARP_TX]++;
    this.sendFrame(b, ETH_HEADER_LEN + ARP_LEN);
  }

  /** Entry i (ArpCache.victim's choice) made a fresh pending entry for ip, evicting what it held
   *  (and its queued frame). */
  newEntry(ip: number, i: number): number {
    const a = this.arp;
    if (a.st[i] !== ARP_FREE) {
      this.cnt[ARP_EVICTIONS]++;
      if (a.q[i] >= 0) this.cnt[DROP_ARP_EVICTED]++;
      this.releaseQueue(i);
    }
    a.claim(i, ip, this.now);
    if (this.now + ARP_RETRY_MS < this.arpDue) { this.arpDue = this.now + ARP_RETRY_MS; this.due = 0; }
    return i;
  }

  /** A free queue buffer's index (allocated on first use), or -1. The caller copies its frame
   *  in at once and sets qLen[q], which takes the buffer. */
  takeQueue(): number {
    for (let q = 0; q < this.arpQueueMax; q++) {
      if (!this.qLen[q]) {
        if (q >= this.qBufs.length) this.qBufs.push(new Uint8Array(MAX_FRAME));
        return q;
      }
    }
    return -1;
  }

  /** Frees entry i's queue buffer, if any (its frame is dropped unless already sent). */
  releaseQueue(i: number): void {
    const q = this.arp.q[i];
    if (q >= 0) this.qLen[q] = 0;
    this.arp.q[i] = -1;
  }

  // ---- input ----------------------------------------------------------------------------------

  /** Handles one received frame buf[0..len). With `keep`, the caller gives the frame away: it
   *  never writes into it again, so the stack may keep it after the call (TCP holds a segment's
   *  data where it lies; poll passes the driver's EthernetDriver.rxFresh).
   *
   *  Per-packet path: the frame TCP's header prediction takes (an IPv4 frame for our hardware
   *  address, the next segment of its connection) is offered first, before any other check, and
   *  everything else goes to demux. Espruino reads the code it skips and each interpreted
   *  operation costs more than the check it does (docs/espruino.md), so the common case runs
   *  nothing it does not need. */
  input(buf: Uint8Array, len: number, keep?: boolean): void {
    this.cnt[RX_FRAMES]++;
    if (len > buf.length) len = buf.length;
    // The MAC comparison written out (macEquals costs a call per frame), and none when the chip
    // filters: an IPv4 frame that reaches us is then for our address, or for a group.
    const t = this.tcp, m = this.macCheck;
    if (t !== null && buf[ETH_TYPE] === 8 && buf[ETH_TYPE + 1] === 0 && (m === null || (buf[5] === m[5] && buf[4] === m[4] &&
      buf[3] === m[3] && buf[2] === m[2] && buf[1] === m[1] && buf[0] === m[0])) && t.inputFrame!(buf, len, keep)) return;
    this.demux(buf, len);
  }

  /** The frames TCP's header prediction does not take: Ethernet checks, then IPv4 or ARP. */
  demux(buf: Uint8Array, len: number): void {
    const c = this.cnt;
    if (!(len >= ETH_HEADER_LEN)) { // also NaN
      c[DROP_ETH_TRUNCATED]++;
      return;
    }
    // A unicast frame for another station (drivers filter; a flooding switch may not).
    const m = this.mac;
    if ((buf[ETH_DST] & 1) === 0 && (buf[5] !== m[5] || buf[4] !== m[4] || buf[3] !== m[3] || buf[2] !== m[2] ||
      buf[1] !== m[1] || buf[0] !== m[0])) {
      c[DROP_ETH_NOT_US]++;
      return;
    }
    if (buf[ETH_TYPE] === 8 && buf[ETH_TYPE + 1] === 0) this.inputIpv4(buf, len); // 0x0800
    else if (buf[ETH_TYPE] === 8 && buf[ETH_TYPE + 1] === 6) this.inputArp(buf, len); // 0x0806
    else c[DROP_ETH_TYPE]++;
  }

  /** ARP input (RFC 826 "packet reception", with the merge flag). */
  inputArp(buf: Uint8Array, len: number): void {
    const c = this.cnt;
    const o = ETH_HEADER_LEN;
    const st = arpParse(buf, o, len - o);
    if (st !== ARP_OK) {
      if (st === ARP_TRUNCATED) c[DROP_ARP_TRUNCATED]++;
      else if (st === ARP_BAD_TYPE) c[DROP_ARP_TYPE]++;
      else if (st === ARP_BAD_LENGTHS) c[DROP_ARP_LENGTHS]++;
      else c[DROP_ARP_OPER]++;
      return;
    }
    c[ARP_RX]++;
    const spa = arpSpa(buf, o);
    const forUs = this.ip !== 0 && arpTpa(buf, o) === this.ip;
    // Never learn a zero (RFC 5227 probe), broadcast, multicast or group-MAC sender.
    if (spa === 0 || spa === IP_BROADCAST || (spa >>> 28) === 14 || macIsGroup(buf, o + ARP_SHA)) {
      c[DROP_ARP_NOT_US]++;
      return;
    }
    if (spa === this.ip) {
      // Another station claims our address (RFC 5227 conflict): counted, never learnt.
      c[ARP_CONFLICT]++;
      return;
    }
    const a = this.arp;
    const now = this.now;
    let i = a.find(spa);
    const merged = i >= 0;
    if (merged) {
      // RFC 826 merge: update the known sender, and send the frame that waited for it.
      // No ARP timer to set: the entry's timer so far (a retry, or its expiry) was no later than
      // its new expiry, and arpDue is no later than any entry's timer.
      a.resolve(i, buf, o + ARP_SHA, now);
      const q = a.q[i];
      if (q >= 0) {
        const f = this.qBufs[q];
        f.set(a.m[i], 0);
        this.sendFrame(f, this.qLen[q]);
        this.releaseQueue(i);
      }
    } else if (forUs && (i = a.victim(now, ARP_RETRY_MS, ARP_YOUNG_MS)) >= 0) {
      // RFC 826: the target adds the sender (it will most likely talk back), as learnt: a storm
      // of requests takes only spare entries (ArpCache), and is answered all the same.
      i = this.newEntry(spa, i);
      a.resolve(i, buf, o + ARP_SHA, now);
      a.st[i] = ARP_LEARNT; // newEntry set arpDue a second on at most: the expiry is set then
    }
    if (!forUs) {
      if (!merged) c[DROP_ARP_NOT_US]++;
      return;
    }
    if (arpOper(buf, o) === ARP_REQUEST) {
      const p = this.peer;
      for (let j = 0; j < 6; j++) p[j] = buf[o + ARP_SHA + j];
      // From a link-local address (169.254/16) the reply is broadcast (RFC 3927 2.5).
      this.sendArp(ARP_REPLY, (this.ip >>> 16) === 0xa9fe ? MAC_BROADCAST : p, p, spa);
    }
  }

  /** IPv4 input (RFC 791, RFC 1122 3.2.1). */
  inputIpv4(buf: Uint8Array, len: number): void {
    const c = this.cnt;
    const o = IP_OFFSET;
    const st = ipv4Parse(buf, o, len - o);
    if (st !== IPV4_OK) {
      if (st === IPV4_TRUNCATED) c[DROP_IP_TRUNCATED]++;
      else if (st === IPV4_BAD_VERSION) c[DROP_IP_VERSION]++;
      else if (st === IPV4_BAD_IHL) c[DROP_IP_IHL]++;
      else if (st === IPV4_BAD_LENGTH) c[DROP_IP_LENGTH]++;
      else if (st === IPV4_BAD_CHECKSUM) c[DROP_IP_CHECKSUM]++;
      else c[DROP_IP_FRAGMENT]++;
      return;
    }
    // Per-packet path: fields read inline (IPv4 source at 12, destination at 16).
    const src = ((buf[26] << 24) | (buf[27] << 16) | (buf[28] << 8) | buf[29]) >>> 0;
    const dst = ((buf[30] << 24) | (buf[31] << 16) | (buf[32] << 8) | buf[33]) >>> 0;
    const ip = this.ip;
    const proto = buf[o + IPV4_PROTO];
    // Ours, limited broadcast, subnet broadcast, our group; while unconfigured (DHCP) any unicast
    // UDP too (a server may unicast its offer): anything else would be answered from 0.0.0.0 (a
    // TCP RST whose checksum covered the address just lost, found by the fuzzer).
    const bcast = dst === IP_BROADCAST || dst === this.bcast;
    if (!(dst === ip || bcast || dst === this.group || (ip === 0 && proto === IP_PROTO_UDP && (dst >>> 28) !== 14))) {
      c[DROP_IP_NOT_US]++;
      return;
    }
    // RFC 1122 3.2.1.3: a source that is broadcast, multicast or loopback (127/8, (g)) is
    // discarded; 0.0.0.0 ((a): only while a host learns its address) only for UDP (DHCP), so
    // nothing is ever answered to 0.0.0.0 (the fuzzer found RSTs sent there).
    if (src === IP_BROADCAST || (src >>> 28) === 14 || (src === this.bcast && src !== ip) || (src >>> 24) === 127 ||
      (src === 0 && proto !== IP_PROTO_UDP)) {
      c[DROP_IP_SRC]++;
      return;
    }
    c[IP_RX]++;
    const hl = (buf[o] & 15) << 2;
    const lo = o + hl;
    const l4len = ((buf[o + 2] << 8) | buf[o + 3]) - hl;
    if (proto === IP_PROTO_UDP) {
      this.inputUdp(buf, lo, l4len, src, dst, bcast);
      return;
    }
    if (proto === IP_PROTO_ICMP) {
      this.inputIcmp(buf, lo, l4len, src, dst, bcast);
      return;
    }
    const h = this.handlerOf(proto);
    if (!h) {
      c[DROP_IP_PROTO]++;
      return;
    }
    if (bcast) {
      c[DROP_IP_BCAST_PROTO]++;
      return;
    }
    h.input(src, dst, buf, lo, l4len);
  }

  handlerOf(proto: number): ProtocolHandler | null {
    for (let i = 0; i < this.protos.length; i++) if (this.protos[i] === proto) return this.handlers[i];
    return null;
  }

  /** ICMP input: answers echo requests (RFC 792, RFC 1122 3.2.2.6), byte-exact; passes other
   *  types to a handler registered for protocol 1. */
  inputIcmp(buf: Uint8Array, off: number, len: number, src: number, dst: number, bcast: boolean): void {
    const c = this.cnt;
    const st = icmpParse(buf, off, len);
    if (st !== ICMP_OK) {
      if (st === ICMP_TRUNCATED) c[DROP_ICMP_TRUNCATED]++;
      else c[DROP_ICMP_CHECKSUM]++;
      return;
    }
    if (buf[off + ICMP_TYPE] !== ICMP_ECHO_REQUEST) {
      const h = this.handlerOf(IP_PROTO_ICMP);
      if (h) h.input(src, dst, buf, off, len);
      else c[DROP_ICMP_TYPE]++;
      return;
    }
    c[ICMP_ECHO_RX]++;
    if (!this.icmpEcho) { c[ICMP_ECHO_IGNORED]++; return; }
    if (bcast || this.ip === 0 || src === 0) {
      c[DROP_ICMP_BCAST]++;
      return;
    }
    if (IPV4_HEADER_LEN + len > this.mtu) {
      c[DROP_ICMP_TOO_BIG]++;
      return;
    }
    // The reply is the request with type 0: identifier, sequence number and data unchanged. Only
    // the type changes (8 -> 0), so the checksum is updated incrementally
    // (RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), here ~m + m' = 0xf7ff) instead of recomputed.
    const tx = this.tx;
    const p = IP_PAYLOAD_OFFSET;
    tx.set(buf.subarray(off, off + len), p);
    let s = (~((tx[p + 2] << 8) | tx[p + 3]) & 0xffff) + 0xf7ff;
    s = ~((s & 0xffff) + (s >>> 16)) & 0xffff;
    tx[p] = ICMP_ECHO_REPLY; // the code byte is kept, as Linux does
    if (s === 0) {
      // 0000 is right unless the whole reply sums to +0 (all zero: id, seq and data 0), whose
      // checksum is ffff: recompute in that rare case.
      tx[p + 2] = 0;
      tx[p + 3] = 0;
      s = checksum(tx, p, len);
    }
    tx[p + 2] = s >>> 8;
    tx[p + 3] = s & 0xff;
    c[ICMP_ECHO_TX]++;
    this.sendIpv4(src, IP_PROTO_ICMP, len);
  }

  /** UDP input (RFC 768, RFC 1122 4.1.3). */
  inputUdp(buf: Uint8Array, off: number, len: number, src: number, dst: number, bcast: boolean): void {
    const c = this.cnt;
    const st = udpParse(buf, off, len, src, dst);
    if (st !== UDP_OK) {
      if (st === UDP_TRUNCATED) c[DROP_UDP_TRUNCATED]++;
      else if (st === UDP_BAD_LENGTH) c[DROP_UDP_LENGTH]++;
      else c[DROP_UDP_CHECKSUM]++;
      return;
    }
    const port = getU16(buf, off + UDP_DST_PORT);
    const h = this.udp[port];
    if (!h) {
      c[DROP_UDP_NO_PORT]++;
      // RFC 1122 3.2.2: no ICMP error about a broadcast datagram, nor from an unset address,
      // nor to a source that names no single host (0.0.0.0).
      if (!bcast && this.ip !== 0 && src !== 0) this.sendPortUnreachable(buf, off);
      return;
    }
    c[UDP_RX]++;
    const ulen = getU16(buf, off + 4);
    h(src, getU16(buf, off + UDP_SRC_PORT), dst, buf, off + UDP_HEADER_LEN, ulen - UDP_HEADER_LEN);
  }

  /** ICMP destination unreachable, port unreachable (RFC 792, RFC 1122 3.2.2.1), quoting the IP
   *  header and the first 8 bytes of the datagram, at most one per ICMP_ERROR_INTERVAL_MS. */
  sendPortUnreachable(buf: Uint8Array, l4off: number): void {
    const c = this.cnt;
    const src = ipv4Src(buf, IP_OFFSET); // never 0.0.0.0 (inputUdp, the only caller, checks it)
    if (this.now - this.lastIcmpErr < ICMP_ERROR_INTERVAL_MS) {
      c[ICMP_UNREACH_LIMITED]++;
      return;
    }
    this.lastIcmpErr = this.now;
    const quote = l4off + 8 - IP_OFFSET;
    const tx = this.tx;
    tx.set(buf.subarray(IP_OFFSET, l4off + 8), IP_PAYLOAD_OFFSET + ICMP_HEADER_LEN);
    emitIcmp(tx, IP_PAYLOAD_OFFSET, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0, ICMP_HEADER_LEN + quote);
    c[ICMP_UNREACH_TX]++;
    this.sendIpv4(src, IP_PROTO_ICMP, ICMP_HEADER_LEN + quote);
  }

  // ---- timers ---------------------------------------------------------------------------------

  /** Drains the driver, runs driver.service, the ARP timers and the handlers' timers. Returns the
   *  delay in ms until it next needs a poll (0 if frames may still be waiting). */
  poll(now: number): number {
    this.now = now;
    const more = this.drain();
    let next = this.arpPoll(now);
    for (let i = 0; i < this.handlers.length; i++) {
      const t = this.handlers[i].poll(now);
      if (t < next) next = t;
    }
    return more || next < 0 ? 0 : next;
  }

  /** Runs driver.service and hands the frames waiting in the driver to input(), at most
   *  POLL_MAX_FRAMES (none while memory is critical). True if more may be waiting. Free memory is
   *  measured here, before the first frame (it may be kept: input's keep), and, while memory is low,
   *  on each poll, at most every MEM_CHECK_MS; an idle board never measures it. */
  drain(): boolean {
    const d = this.driver, now = this.now;
    if (d.service) d.service(now);
    for (let n = 0; n < POLL_MAX_FRAMES; n++) {
      // Zero-copy when the driver offers it: the frame is the bus's own array.
      let f = this.rx, len = 0;
      if (n === 0 && this.lowMem) this.measure(now); // low: before anything is read
      if (this.lowMem < MEM_CRITICAL) {
        if (d.recvFrame) { f = d.recvFrame(); len = f ? f.length : 0; } else len = d.recv!(f!);
      }
      if (!(len > 0)) {
        if (this.lowMem === MEM_CRITICAL) this.cnt[LOW_MEM_POLLS]++;
        return false;
      }
      if (n === 0 && !this.lowMem) this.measure(now); // fine: before the first frame (it may be kept)
      this.input(f!, len, d.rxFresh === true); // rxFresh: recvFrame's frames only (driver.ts)
    }
    return true;
  }

  /** Measures free memory, at most every MEM_CHECK_MS (StackConfig.freeBlocks: none without it):
   *  without collecting garbage first (cheap), then, when that looks low, after a collection. A
   *  function of its own: the idle poll (drain) reads none of its code. */
  measure(now: number): void {
    const free = this.freeBlocks;
    if (!free || now - this.memAt < MEM_CHECK_MS) return;
    const reserve = this.memReserve;
    let m = free(false);
    if (m < reserve) m = free(true);
    this.lowMem = m < reserve / 2 ? MEM_CRITICAL : m < reserve ? MEM_LOW : MEM_OK;
    this.memFree = m;
    this.memAt = now;
  }

  /** ARP timers: retries of pending entries (one request per ARP_RETRY_MS, ARP_MAX_TRIES in all,
   *  then the entry and its queued frame are dropped) and expiry of resolved entries. Returns the
   *  delay to the next ARP timer. */
  arpPoll(now: number): number {
    if (now < this.arpDue) return this.arpDue === Infinity ? NO_TIMER : this.arpDue - now;
    const a = this.arp;
    let next = NO_TIMER;
    for (let i = 0; i < a.n; i++) {
      const s = a.st[i];
      if (s === ARP_PENDING) {
        let due = a.req[i] + ARP_RETRY_MS;
        if (now >= due) {
          if (a.tries[i] >= ARP_MAX_TRIES) {
            if (a.q[i] >= 0) this.cnt[DROP_ARP_TIMEOUT]++;
            this.releaseQueue(i);
            a.free(i);
            continue;
          }
          a.tries[i]++;
          a.req[i] = now;
          this.sendArp(ARP_REQUEST, MAC_BROADCAST, ZERO_MAC, a.ip[i]);
          due = now + ARP_RETRY_MS;
        }
        if (due - now < next) next = due - now;
      } else if (s >= ARP_RESOLVED) {
        const due = a.t[i] + ARP_MAX_AGE_MS;
        if (now >= due) {
          a.free(i);
          continue;
        }
        if (due - now < next) next = due - now;
      }
    }
    this.arpDue = next === NO_TIMER ? Infinity : now + next;
    return next;
  }
}
