// Multicast DNS responder (RFC 6762) for the board's own name, HOSTNAME.local, and the records
// DNS-SD adds (iface/dnssd.ts, RFC 6763). On a board it is the Storage module "synack-mdns",
// loaded only when mDNS is on (iface/zeroconf-storage.ts). What it does:
// - once the interface has an address: probes for its name (8.1: three queries 250 ms apart,
//   our A record in the authority section), then announces (8.3: two unsolicited responses 1 s
//   apart, unique records with the cache-flush bit);
// - on a conflict while probing (a response holding our name, or a simultaneous probe that wins
//   the tie-break of 8.2) it renames itself NAME-2, NAME-3... and says so on the console (9);
// - defends its name: a probe for it is a question like any other and gets our answer; a
//   response claiming our name with other data after we announced makes us probe again (9);
// - answers A queries (and ANY) for the name and DNS-SD's PTR/SRV/TXT: by multicast, by unicast to
//   the querier for a QU question when the answer was multicast within a quarter of its TTL
//   (5.4), and to the source address and port of a legacy query (source port not 5353: 6.7,
//   with its id and question, TTL 10, no cache-flush bits); shared (PTR) answers to the group
//   after 20-120 ms (6), several queries' merged; for another type of our name (AAAA), an NSEC
//   record saying it has none (6.1); answers the querier lists as known
//   with half their TTL left are not repeated (7.1);
// - re-announces when the interface's address changes (DHCP, link-local: 8.4).
// Malformed messages (names that loop or run past the end, records longer than the message,
// counts that do not fit) are dropped and counted in `bad`, never thrown.
// It is polled as one of the interface's protocol handlers (a number no IP datagram carries), so
// the stack's bundle needs no hook beyond the multicast group the interface accepts.
import type { Interface } from './interface.ts';
import type { Stack, StackConfig } from '../stack.ts';
import type { Tcp } from '../tcp/tcp.ts';
import { NO_TIMER } from './types.ts';
import { IP_PAYLOAD_OFFSET } from './interface.ts';
import { getU16, getU32, putU16, putU32 } from '../wire/bytes.ts';
import { UDP_HEADER_LEN } from '../wire/udp.ts';
import {
  readName, nameEnd, writeName, beginRecord, endRecord, writeHeader, recordData, MDNS_PORT, MDNS_GROUP, MDNS_HEADER_LEN,
  MDNS_FLAGS, MDNS_QDCOUNT, MDNS_ANCOUNT, MDNS_NSCOUNT, MDNS_ARCOUNT, MDNS_FLAG_QR, MDNS_FLAG_AA, MDNS_OPCODE_RCODE,
  RR_A, RR_PTR, RR_TXT, RR_SRV, RR_ANY, CLASS_IN, CLASS_TOP,
} from '../wire/mdns.ts';
import { sdRecords, type MdnsRecord } from './dnssd.ts';
import { ipToString, IPV4_HEADER_LEN } from '../wire/ipv4.ts';

/** The protocol number the responder is registered under to be polled (no IP datagram has it). */
const POLL_PROTO = 0x100 + 53;
/** Probing (8.1): three probes 250 ms apart after a random wait of up to 250 ms; announcing
 *  (8.3): two announcements 1 s apart. After 15 conflicts, a probe every 5 s at most (8.1). */
const PROBE_MS = 250;
const PROBES = 3;
const ANNOUNCE_MS = 1000;
const ANNOUNCES = 2;
const MANY_CONFLICTS = 15;
const SLOW_PROBE_MS = 5000;
/** TTLs (10): records about the host name 120 s, the others 75 minutes; legacy unicast 10 s (6.7). */
const TTL_HOST = 120;
const TTL_OTHER = 4500;
const TTL_LEGACY = 10;
/** Questions and records read from one message at most (each one a bounded name). */
const MAX_ITEMS = 32;

export const MDNS_IDLE = 0;      // no address
export const MDNS_PROBING = 1;
export const MDNS_ANNOUNCING = 2;
export const MDNS_ANNOUNCED = 3;

/** The bit of an answer's record set that stands for our NSEC record (6.1). */
const NSEC_BIT = 1 << 30;
const RR_NSEC = 47;

/** Where a response is built in the interface's transmit buffer: after the IP and UDP headers. */
const AT = IP_PAYLOAD_OFFSET + UDP_HEADER_LEN;

export class Mdns {
  /** The name in use, without ".local" (the configured one, or NAME-2... after a conflict). */
  host: string;
  state = MDNS_IDLE;
  /** Counters: messages received on 5353, sent, dropped as malformed; conflicts seen. */
  rx = 0;
  tx = 0;
  bad = 0;
  conflicts = 0;
  /** The address probed for and announced. */
  ip = 0;
  /** The DNS-SD records (iface/dnssd.ts), remade with each name. */
  recs: MdnsRecord[] = [];
  /** The configured name, made one label (below). */
  readonly base: string;
  /** HOST.local: set by named() when probing starts (no message is read before). */
  private fqdn!: string;
  private n = 0;
  private timer = 0;
  private lastMc = -1e9;
  private renames = 0;
  /** A multicast answer held back (6: 20-120 ms when it holds shared records), its records'
   *  bits and when it goes (0: none). */
  private heldAns = 0;
  private heldAdd = 0;
  private heldAt = 0;

  constructor(readonly netif: Interface, base: string, readonly print: ((s: string) => void) | undefined,
    readonly tcp: Tcp | null) {
    // The host name is one label of at most 63 bytes (RFC 1035 2.3.4, 3.1): a dot becomes '-',
    // a longer name is cut (written as it is, it would not fit a label: writeName refuses it).
    this.host = this.base = base.split('.').join('-').slice(0, 63);
    const self = this;
    netif.udpBind(MDNS_PORT, function (src, srcPort, dst, buf, off, len) { self.datagram(src, srcPort, dst, buf, off, len); });
    // Datagrams to 224.0.0.251 reach us (the interface's one group), and the chip lets the frames
    // to 01:00:5e:00:00:fb in (EthernetDriver.mcast).
    netif.group = MDNS_GROUP;
    const d = netif.driver;
    if (d.mcast) d.mcast();
    // Polled as a protocol handler under a number no datagram carries.
    netif.protos.push(POLL_PROTO);
    netif.handlers.push(this);
  }

  /** The name (or the services) changed: the DNS-SD records follow, made for the apps listening
   *  when probing starts (the status page on 80, echo on 7). */
  private named(): void {
    this.fqdn = this.host + '.local';
    const t = this.tcp;
    if (!t) return;
    let http = false, echo = false;
    for (let i = 0; i < t.listeners.length; i++) {
      const p = t.listeners[i].port;
      if (p === 80) http = true;
      if (p === 7) echo = true;
    }
    this.recs = (http || echo) && sdRecords(this.fqdn, this.host, http, echo) || [];
  }

  /** ProtocolHandler.input: never called, no datagram carries POLL_PROTO (the responder's
   *  datagrams come to UDP port 5353). */
  input(): void {}

  poll(now: number): number {
    const ip = this.netif.ip;
    if (ip !== this.ip) {
      // A new address (8.4): an established name is announced again with it; otherwise probed.
      const had = this.state === MDNS_ANNOUNCED || this.state === MDNS_ANNOUNCING;
      this.ip = ip;
      this.n = 0;
      this.state = ip === 0 ? MDNS_IDLE : had ? MDNS_ANNOUNCING : MDNS_PROBING;
      if (!had) this.named();
      this.timer = had ? now : now + (this.netif.random32() >>> 0) % PROBE_MS;
      this.heldAt = 0; // an answer held back for the old address is void
    }
    const held = this.heldAt;
    if (held) {
      // Held back only while the name is ours (announcing or announced); a conflict or a new
      // address voids it (reprobe, and the new address above).
      if (now < held) return held - now;
      this.heldAt = 0;
      this.send(this.heldAns, this.heldAdd, MDNS_GROUP, MDNS_PORT, false, 0, null, 0, 0, 0);
    }
    if (this.state === MDNS_IDLE || this.state === MDNS_ANNOUNCED) return NO_TIMER;
    if (now < this.timer) return this.timer - now;
    if (this.state === MDNS_PROBING) {
      if (this.n < PROBES) {
        this.n++;
        this.probe();
        this.timer = now + PROBE_MS;
        return PROBE_MS;
      }
      this.state = MDNS_ANNOUNCING;
      this.n = 0;
    }
    // ANNOUNCING: every record we own, unsolicited (8.3).
    this.send(1 | (((1 << this.recs.length) - 1) << 1), 0, MDNS_GROUP, MDNS_PORT, false, 0, null, 0, 0, 0);
    if (++this.n < ANNOUNCES) {
      this.timer = now + ANNOUNCE_MS;
      return ANNOUNCE_MS;
    }
    this.state = MDNS_ANNOUNCED;
    if (this.print) this.print('synack: ' + this.fqdn + ' is ' + ipToString(ip) + ' (mDNS)');
    return NO_TIMER;
  }

  /** A probe (8.1): "NAME.local ANY?" with the QU bit, our A record in the authority section. */
  private probe(): void {
    const b = this.netif.tx;
    let p = writeName(b, AT + MDNS_HEADER_LEN, this.fqdn);
    putU16(b, p, RR_ANY);
    putU16(b, p + 2, CLASS_IN | CLASS_TOP);
    p = this.record(b, p + 4, 0, TTL_HOST, false);
    writeHeader(b, AT, 0, 0, 1, 0, 1, 0);
    this.out(MDNS_GROUP, MDNS_PORT, p);
  }

  private out(dst: number, port: number, end: number): void {
    this.tx++;
    if (dst === MDNS_GROUP) this.lastMc = this.netif.now;
    this.netif.udpSend(MDNS_PORT, dst, port, null, AT, end - AT);
  }

  /** A conflict over our name (9): a new name, said on the console, and probing again. */
  private conflict(): void {
    this.conflicts++;
    const was = this.fqdn;
    this.renames++;
    const n = '-' + (this.renames + 1);
    this.host = this.base.slice(0, 63 - n.length) + n; // still one label of 63 bytes at most
    this.named();
    if (this.print) this.print('synack: ' + was + ' is taken by another host, now ' + this.fqdn + ' (mDNS)');
    this.reprobe(this.renames >= MANY_CONFLICTS ? SLOW_PROBE_MS : 0);
  }

  /** Probing again (9): an answer held back for the name (6) is void, it is not ours now. */
  private reprobe(wait: number): void {
    this.state = MDNS_PROBING;
    this.n = 0;
    this.timer = this.netif.now + wait;
    this.heldAt = 0;
  }

  /** Writes record i at b[p] (0: our A record; k > 0: recs[k - 1]); returns the offset after it. */
  private record(b: Uint8Array, p: number, i: number, ttl: number, flush: boolean): number {
    if (i === 0) {
      const d = beginRecord(b, p, this.fqdn, RR_A, CLASS_IN | (flush ? CLASS_TOP : 0), ttl || TTL_HOST);
      putU32(b, d, this.ip);
      return endRecord(b, d, d + 4);
    }
    const r = this.recs[i - 1];
    const t = r.t;
    // PTR records are shared, the others unique (cache-flush, 10.2).
    // The names are valid (the host one label of 63 bytes at most, the services fixed).
    const d = beginRecord(b, p, r.n, t, CLASS_IN | (flush && t !== RR_PTR ? CLASS_TOP : 0), ttl || (t === RR_SRV ? TTL_HOST : TTL_OTHER));
    let e = d;
    if (t === RR_SRV) {
      putU32(b, d, 0); // priority 0, weight 0
      putU16(b, d + 4, r.p);
      e = writeName(b, d + 6, r.d);
    } else if (t === RR_PTR) {
      e = writeName(b, d, r.d);
    } else { // TXT: one string, or one empty string (RFC 6763 6.1)
      const s = r.d;
      b[d] = s.length;
      for (let k = 0; k < s.length; k++) b[d + 1 + k] = s.charCodeAt(k);
      e = d + 1 + s.length;
    }
    return endRecord(b, d, e);
  }

  /** Sends the records whose bits are set in `ans` as answers and those of `add` (not in `ans`)
   *  as additional records, to dst:port; a legacy response repeats the query's id and its
   *  questions (buf[q..qend), rewritten uncompressed). */
  private send(ans: number, add: number, dst: number, port: number, legacy: boolean, id: number,
    buf: Uint8Array | null, qd: number, msg: number, msgEnd: number): void {
    const b = this.netif.tx;
    let p = AT + MDNS_HEADER_LEN;
    let nq = 0, na = 0, nr = 0;
    // qd is 0 but for a legacy query, whose questions datagram() read whole already.
    let i = msg + MDNS_HEADER_LEN;
    for (let q = 0; q < qd; q++) {
      const name = readName(buf!, msg, msgEnd, i) as string;
      i = nameEnd;
      const e = writeName(b, p, name);
      if (e < 0) break; // the root ("") has no label to write
      putU16(b, e, getU16(buf!, i));
      putU16(b, e + 2, CLASS_IN);
      p = e + 4;
      i += 4;
      nq++;
    }
    const ttl = legacy ? TTL_LEGACY : 0;
    // A record that would take the datagram past the MTU is left out, and those after it. The
    // questions of a legacy query and NSEC are not checked: a query whose questions alone fill
    // the MTU gets no answer (the interface refuses the datagram as too big).
    const lim = AT + this.netif.mtu - IPV4_HEADER_LEN - UDP_HEADER_LEN;
    for (i = 0; i <= this.recs.length; i++) {
      if (ans & (1 << i)) {
        const e = this.record(b, p, i, ttl, !legacy);
        if (e > lim) break;
        p = e;
        na++;
      }
    }
    if (ans & NSEC_BIT) {
      // 6.1: the name is ours and has an A record only: an NSEC record says so (RFC 4034 4,
      // next name our own, a type bitmap of window 0 with the bit of A).
      const d = beginRecord(b, p, this.fqdn, RR_NSEC, CLASS_IN | (legacy ? 0 : CLASS_TOP), ttl || TTL_HOST);
      const e = writeName(b, d, this.fqdn);
      b[e] = 0; b[e + 1] = 1; b[e + 2] = 0x40;
      p = endRecord(b, d, e + 3);
      na++;
    }
    add &= ~ans;
    for (i = 0; i <= this.recs.length; i++) {
      if (add & (1 << i)) {
        const e = this.record(b, p, i, ttl, !legacy);
        if (e > lim) break;
        p = e;
        nr++;
      }
    }
    writeHeader(b, AT, id, MDNS_FLAG_QR | MDNS_FLAG_AA, nq, na, 0, nr);
    this.out(dst, port, p);
  }

  /** A datagram to port 5353 (RFC 6762 18: the header checked, questions answered, responses
   *  and probes looked at for conflicts). */
  datagram(src: number, srcPort: number, dst: number, buf: Uint8Array, off: number, len: number): void {
    this.rx++;
    const end = off + len;
    if (len < MDNS_HEADER_LEN) { this.bad++; return; }
    const flags = getU16(buf, off + MDNS_FLAGS);
    if (flags & MDNS_OPCODE_RCODE) return; // 18.3, 18.11: ignored
    const qd = getU16(buf, off + MDNS_QDCOUNT);
    const an = getU16(buf, off + MDNS_ANCOUNT);
    const ns = getU16(buf, off + MDNS_NSCOUNT);
    const ar = getU16(buf, off + MDNS_ARCOUNT);
    if (qd + an + ns + ar > MAX_ITEMS) { this.bad++; return; }
    const st = this.state;
    if (st === MDNS_IDLE) return;
    const response = (flags & MDNS_FLAG_QR) !== 0;
    if (response && srcPort !== MDNS_PORT) { this.bad++; return; } // 6: responses come from 5353
    const fqdn = this.fqdn;
    let ans = 0, qu = true;
    let i = off + MDNS_HEADER_LEN;
    for (let q = 0; q < qd; q++) {
      const name = readName(buf, off, end, i);
      if (name === null || nameEnd + 4 > end) { this.bad++; return; }
      i = nameEnd;
      const type = getU16(buf, i);
      if (!(getU16(buf, i + 2) & CLASS_TOP)) qu = false;
      i += 4;
      if (response || st === MDNS_PROBING) continue; // a probing name is not ours yet to answer for
      if (name === fqdn) ans |= type === RR_A || type === RR_ANY ? 1 : NSEC_BIT;
      for (let k = 0; k < this.recs.length; k++) {
        const r = this.recs[k];
        if (r.n === name && (type === r.t || type === RR_ANY)) ans |= 2 << k;
      }
    }
    // The records: in a response, any with our name and other data is a conflict (9); in a
    // query's authority section, a probe for our name: the tie-break of 8.2 while we probe.
    for (let k = 0; k < an + ns + ar; k++) {
      const name = readName(buf, off, end, i);
      if (name === null) { this.bad++; return; }
      const d = recordData(buf, nameEnd, end);
      if (d < 0) { this.bad++; return; }
      const t = nameEnd;
      i = d + getU16(buf, t + 8);
      if (!response && k < an) {
        // Known-answer suppression (7.1): an answer the querier holds with at least half its TTL
        // left is not sent again (our A record; our PTR records, by their target).
        const type = getU16(buf, t), ttl = getU32(buf, t + 4);
        if (name === fqdn && type === RR_A && getU16(buf, t + 8) === 4 && getU32(buf, d) === this.ip && ttl >= TTL_HOST / 2) ans &= ~1;
        if (type === RR_PTR && ttl >= TTL_OTHER / 2) {
          const target = readName(buf, off, end, d);
          for (let j = 0; j < this.recs.length; j++) {
            const r = this.recs[j];
            if (r.t === RR_PTR && r.n === name && r.d === target) ans &= ~(2 << j);
          }
        }
        continue;
      }
      if (name !== fqdn || getU16(buf, t) !== RR_A || getU16(buf, t + 8) !== 4) continue;
      const theirs = getU32(buf, d);
      if (theirs === this.ip) continue;
      if (response) {
        // While probing any claim is a conflict; once announced, we probe again (9), and the
        // other host, if it still holds the name, answers that probe.
        if (st === MDNS_ANNOUNCED || st === MDNS_ANNOUNCING) { this.conflicts++; this.reprobe(0); }
        else { this.conflict(); }
        return;
      }
      // 8.2: a simultaneous probe (its record in the authority section: a query's answers were
      // known answers, above); the lexicographically later data wins. We defer 1 s if we lost.
      if (st === MDNS_PROBING && k < an + ns && theirs > this.ip) { this.reprobe(1000); return; }
    }
    if (response || ans === 0) return;
    // Additional records (RFC 6763 12): a PTR answer brings its instance's SRV and TXT, an SRV
    // its host's A record.
    let add = 0;
    for (let k = 0; k < this.recs.length; k++) {
      const r = this.recs[k];
      if (!(ans & (2 << k)) || r.t !== RR_PTR) continue;
      for (let j = 0; j < this.recs.length; j++) if (this.recs[j].n === r.d && this.recs[j].t !== RR_PTR) add |= 2 << j;
    }
    for (let k = 0; k < this.recs.length; k++) if (((ans | add) & (2 << k)) && this.recs[k].t === RR_SRV) add |= 1;
    const ip = this.ip, netif = this.netif;
    const onLink = ((src ^ ip) & netif.mask) === 0;
    if (srcPort !== MDNS_PORT) {
      // Legacy unicast (6.7): to the source, when on the link (11).
      if (onLink) this.send(ans, add, src, srcPort, true, getU16(buf, off), buf, qd, off, end);
      return;
    }
    // QU (5.4): unicast when the answer went out by multicast within a quarter of its TTL; a
    // query sent to our own address (not the group) is answered by unicast too (5.5).
    const uni = onLink && (dst !== MDNS_GROUP || (qu && netif.now - this.lastMc < TTL_HOST * 250));
    let shared = false;
    for (let k = 0; k < this.recs.length; k++) if ((ans & (2 << k)) && this.recs[k].t === RR_PTR) shared = true;
    if (uni || !shared) { this.send(ans, add, uni ? src : MDNS_GROUP, MDNS_PORT, false, 0, null, 0, 0, 0); return; }
    // Shared records (PTR) to the group: after 20-120 ms (6), merged with what else is asked meanwhile.
    this.heldAns |= ans;
    this.heldAdd |= add;
    if (!this.heldAt) {
      this.heldAt = netif.now + 20 + (netif.random32() >>> 0) % 101;
      this.heldAns = ans;
      this.heldAdd = add;
    }
  }
}

/** Starts the responder for a stack (config key `mdns`): the name is the configured hostname
 *  ("synack" by default); DNS-SD advertises the default apps that listen. */
export function startMdns(stack: Stack, c: StackConfig): Mdns {
  // Names are compared in lower case (RFC 6762 16): the one we answer for too.
  const m = new Mdns(stack.iface, (c.hostname || 'synack').toLowerCase(), c.print, stack.tcp);
  stack.mdns = m;
  return m;
}
