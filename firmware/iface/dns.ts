// DNS stub resolver (RFC 1035 7): A queries to the configured or DHCP-given server, each with a
// random id and a random source port (RFC 5452), retried after 1, 2 and 4 s; answers cached in a
// small bounded table that honours their TTLs (capped). Dotted quads are answered without a query.
// Errors are Node's codes: ENOTFOUND (no such name or no A record), ETIMEDOUT, EINVAL (not a host
// name), ENOSERVER (no server known), EBUSY (too many queries at once).
import type { Interface } from './interface.ts';
import { DnsAnswer, dnsParseResponse, dnsQuestionName, emitDnsQuery, DNS_OK, DNS_RCODE, DNS_NO_ANSWER } from '../wire/dns.ts';
import { ipFromString } from '../wire/ipv4.ts';
import { NO_TIMER } from './types.ts';

export type ResolveCallback = (err: string | null, ip: number) => void;

export const DNS_PORT = 53;
const MAX_QUERIES = 4;
const CACHE_SIZE = 8;
const MAX_TTL_S = 3600;
const TRIES = 3;

interface Query { name: string; cb: ResolveCallback; id: number; port: number; tries: number; deadline: number }
interface CacheEntry { name: string; ip: number; expires: number }

export class DnsClient {
  queries: Query[] = [];
  cache: CacheEntry[] = [];
  /** Counters: queries sent, answers used, timeouts. */
  sent = 0;
  answered = 0;
  timeouts = 0;
  private readonly answer = new DnsAnswer();

  /** server: the name server's address (0: none yet; DHCP may set it later). */
  constructor(readonly netif: Interface, public server: number) {}

  resolve(name: string, cb: ResolveCallback): void {
    const literal = ipFromString(name);
    if (literal >= 0) { cb(null, literal >>> 0); return; }
    const key = name.toLowerCase().replace(/\.$/, '');
    const now = this.netif.now;
    for (let i = 0; i < this.cache.length; i++) {
      const e = this.cache[i];
      if (e.name === key && e.expires > now) { cb(null, e.ip); return; }
    }
    if (!this.server) { cb('ENOSERVER', 0); return; }
    if (this.queries.length >= MAX_QUERIES) { cb('EBUSY', 0); return; }
    const q: Query = { name: key, cb: cb, id: this.netif.random32() & 0xffff, port: 0, tries: 0, deadline: 0 };
    // A random source port in 49152..65535 that is free (RFC 6335 dynamic range).
    const self = this;
    for (let t = 0; t < 8 && !q.port; t++) {
      const p = 49152 + ((this.netif.random32() >>> 0) % 16384);
      if (this.netif.udpBind(p, function (src, srcPort, dst, buf, off, len) { self.input(q, src, srcPort, buf, off, len); })) q.port = p;
    }
    if (!q.port) { cb('EBUSY', 0); return; }
    if (!this.transmit(q, now)) { this.netif.udpUnbind(q.port); cb('EINVAL', 0); return; }
    this.queries.push(q);
    this.netif.due = 0; // its retry timer: the stack's deadline is worked out again
  }

  poll(now: number): number {
    let next = NO_TIMER;
    for (let i = 0; i < this.queries.length; i++) {
      const q = this.queries[i];
      if (now >= q.deadline) {
        if (q.tries >= TRIES) { this.timeouts++; this.finish(q, 'ETIMEDOUT', 0); i--; continue; }
        this.transmit(q, now);
      }
      if (q.deadline - now < next) next = q.deadline - now;
    }
    return next;
  }

  private transmit(q: Query, now: number): boolean {
    const at = 42; // built in place in the transmit buffer
    const len = emitDnsQuery(this.netif.tx, at, q.id, q.name);
    if (!len) return false;
    q.tries++;
    q.deadline = now + (1000 << (q.tries - 1));
    this.sent++;
    this.netif.udpSend(q.port, this.server, DNS_PORT, null, at, len);
    return true;
  }

  private finish(q: Query, err: string | null, ip: number): void {
    const i = this.queries.indexOf(q);
    if (i >= 0) this.queries.splice(i, 1);
    this.netif.udpUnbind(q.port);
    q.cb(err, ip);
  }

  private input(q: Query, src: number, srcPort: number, buf: Uint8Array, off: number, len: number): void {
    // Only the server we asked, from port 53, with our id and our question (RFC 5452 9.1).
    if (src !== this.server || srcPort !== DNS_PORT || this.queries.indexOf(q) < 0) return;
    const a = this.answer;
    const status = dnsParseResponse(buf, off, len, a);
    if (a.id !== q.id || dnsQuestionName(buf, off, len) !== q.name) return;
    if (status === DNS_OK) {
      this.answered++;
      this.remember(q.name, a.addr, a.ttl);
      this.finish(q, null, a.addr);
    } else if (status === DNS_RCODE || status === DNS_NO_ANSWER) {
      this.finish(q, 'ENOTFOUND', 0);
    } // malformed: ignored, the retry timer goes on
  }

  private remember(name: string, ip: number, ttl: number): void {
    const expires = this.netif.now + (ttl > MAX_TTL_S ? MAX_TTL_S : ttl) * 1000;
    let slot = -1;
    for (let i = 0; i < this.cache.length; i++) if (this.cache[i].name === name) slot = i;
    if (slot < 0 && this.cache.length < CACHE_SIZE) { this.cache.push({ name: name, ip: ip, expires: expires }); return; }
    if (slot < 0) { // evict the entry that expires first
      slot = 0;
      for (let i = 1; i < this.cache.length; i++) if (this.cache[i].expires < this.cache[slot].expires) slot = i;
    }
    this.cache[slot] = { name: name, ip: ip, expires: expires };
  }
}
