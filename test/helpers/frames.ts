// Frame builders for interface tests, written apart from firmware/wire so that a bug there cannot
// hide in both the stack and its expected bytes.

export const US_MAC = Uint8Array.of(2, 0, 0, 0, 0, 1);
export const PEER_MAC = Uint8Array.of(2, 0, 0, 0, 0, 2);
export const GW_MAC = Uint8Array.of(2, 0, 0, 0, 0, 0xfe);
export const BCAST_MAC = Uint8Array.of(255, 255, 255, 255, 255, 255);
export const ZERO_MAC = new Uint8Array(6);
export const US = 0xc6120001;   // 198.18.0.1/24
export const PEER = 0xc6120002; // 198.18.0.2
export const GW = 0xc61200fe;   // 198.18.0.254
export const FAR = 0xc6130001;  // 198.19.0.1, off-link

export function cat(...parts: ArrayLike<number>[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const b = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { b.set(p as any, o); o += p.length; }
  return b;
}
export function u16(v: number): number[] { return [(v >>> 8) & 255, v & 255]; }
export function u32(v: number): number[] { return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]; }

/** RFC 1071 checksum, the slow obvious way. */
export function csum(b: ArrayLike<number>, init = 0): number {
  let s = init;
  for (let i = 0; i < b.length; i++) s += (i & 1) ? b[i] : b[i] << 8;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

export function eth(dst: Uint8Array, src: Uint8Array, type: number, payload: ArrayLike<number>): Uint8Array {
  return cat(dst, src, u16(type), payload);
}

export function arp(oper: number, sha: Uint8Array, spa: number, tha: Uint8Array, tpa: number): Uint8Array {
  return cat([0, 1, 8, 0, 6, 4], u16(oper), sha, u32(spa), tha, u32(tpa));
}

export interface IpOpts { id?: number; ttl?: number; frag?: number; options?: number[]; total?: number; tos?: number }
export function ipv4(src: number, dst: number, proto: number, payload: ArrayLike<number>, o: IpOpts = {}): Uint8Array {
  const opt = o.options || [];
  const hl = 20 + opt.length;
  const h = cat([0x40 | (hl >> 2), o.tos || 0], u16(o.total ?? hl + payload.length), u16(o.id || 0),
    u16(o.frag ?? 0x4000), [o.ttl ?? 64, proto, 0, 0], u32(src), u32(dst), opt);
  const c = csum(h);
  h[10] = c >> 8; h[11] = c & 255;
  return cat(h, payload);
}

export function icmp(type: number, code: number, rest: number[], payload: ArrayLike<number>): Uint8Array {
  const m = cat([type, code, 0, 0], rest, payload);
  const c = csum(m);
  m[2] = c >> 8; m[3] = c & 255;
  return m;
}

export function echo(type: number, id: number, seq: number, payload: ArrayLike<number>): Uint8Array {
  return icmp(type, 0, [...u16(id), ...u16(seq)], payload);
}

export function udp(src: number, dst: number, sport: number, dport: number, payload: ArrayLike<number>, withSum = true): Uint8Array {
  const len = 8 + payload.length;
  const d = cat(u16(sport), u16(dport), u16(len), [0, 0], payload);
  if (withSum) {
    const pseudo = cat(u32(src), u32(dst), [0, 17], u16(len));
    let c = csum(cat(pseudo, d));
    if (c === 0) c = 0xffff;
    d[6] = c >> 8; d[7] = c & 255;
  }
  return d;
}

export interface TcpOpts {
  /** Window (default 8192). */
  win?: number;
  data?: ArrayLike<number>;
  /** An MSS option (kind 2, length 4) when given and > 0. */
  mss?: number;
  /** Urgent pointer (the URG flag is the caller's). */
  urg?: number;
  /** Raw option bytes after the MSS option, padded to a multiple of 4 with End of Option List
   *  bytes (RFC 9293 3.1). */
  options?: number[];
}
/** A TCP segment (RFC 9293 3.1) with its checksum over the pseudo-header, the slow obvious way. */
export function tcp(src: number, dst: number, sport: number, dport: number, seq: number, ack: number, flags: number,
  o: TcpOpts = {}): Uint8Array {
  const opt: number[] = [];
  if (o.mss !== undefined && o.mss > 0) opt.push(2, 4, ...u16(o.mss));
  if (o.options) opt.push(...o.options);
  while (opt.length % 4) opt.push(0);
  const data = o.data || [];
  const hl = 20 + opt.length;
  const len = hl + data.length;
  const t = cat(u16(sport), u16(dport), u32(seq >>> 0), u32(ack >>> 0), [(hl >> 2) << 4, flags & 0xff],
    u16(o.win ?? 8192), [0, 0], u16(o.urg || 0), opt, data);
  const c = csum(cat(u32(src), u32(dst), [0, 6], u16(len), t));
  t[16] = c >> 8; t[17] = c & 255;
  return t;
}

/** Deterministic bytes. */
export function pattern(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
}

export function hexOf(b: Uint8Array): string {
  return Array.prototype.map.call(b, (x: number) => (x < 16 ? '0' : '') + x.toString(16)).join('');
}

// ---- DHCP and DNS replies, checksums rewritten after a mutation (the fuzzer, the soak) ----

/** A DHCP server's reply (RFC 2131 section 2, options RFC 2132): BOOTREPLY for chaddr with the
 *  given xid, message type (2 OFFER, 5 ACK, 6 NAK), yiaddr, and the options the client reads
 *  (server identifier, lease, T1/T2 when given, mask, router, DNS), then End. `extra` are raw
 *  option bytes put before End (a fuzzer's odd options). */
export interface DhcpReplyOpts {
  type: number; xid: number; chaddr: Uint8Array; yiaddr: number; server: number;
  lease?: number; t1?: number; t2?: number; mask?: number; router?: number; dns?: number; extra?: number[];
}
export function dhcpReply(o: DhcpReplyOpts): Uint8Array {
  const opts: number[] = [53, 1, o.type, 54, 4, ...u32(o.server)];
  if (o.type !== 6) {
    if (o.lease !== undefined) opts.push(51, 4, ...u32(o.lease));
    if (o.t1 !== undefined) opts.push(58, 4, ...u32(o.t1));
    if (o.t2 !== undefined) opts.push(59, 4, ...u32(o.t2));
    if (o.mask !== undefined) opts.push(1, 4, ...u32(o.mask));
    if (o.router !== undefined) opts.push(3, 4, ...u32(o.router));
    if (o.dns !== undefined) opts.push(6, 4, ...u32(o.dns));
  }
  if (o.extra) opts.push(...o.extra);
  opts.push(255);
  const chaddr = new Uint8Array(16);
  chaddr.set(o.chaddr.subarray(0, 6));
  return cat([2, 1, 6, 0], u32(o.xid), [0, 0, 0x80, 0], u32(0), u32(o.type === 6 ? 0 : o.yiaddr), u32(o.server), u32(0),
    chaddr, new Uint8Array(64 + 128), [99, 130, 83, 99], opts);
}

/** A DNS response (RFC 1035 4.1) to a query for `name` with id `id`: the question, then one A
 *  record per address (name compressed to the question's, offset 12), rcode in the flags. */
export function dnsReply(id: number, name: string, addrs: number[], rcode = 0, ttl = 60): Uint8Array {
  const q: number[] = [];
  for (const label of name.split('.')) { if (!label) continue; q.push(label.length); for (const ch of label) q.push(ch.charCodeAt(0) & 255); }
  q.push(0, 0, 1, 0, 1);
  const an: number[] = [];
  for (const a of addrs) an.push(0xc0, 12, 0, 1, 0, 1, ...u32(ttl), 0, 4, ...u32(a));
  return cat(u16(id), [0x81, 0x80 | (rcode & 15)], u16(1), u16(addrs.length), u16(0), u16(0), q, an);
}

/** Rewrites, in an Ethernet frame holding IPv4, the header checksum and the checksum of the
 *  TCP, UDP or ICMP message the header's total length gives (clamped to the frame); a fragment
 *  other than the first keeps its bytes. What a fuzzer does so that a mutated frame reaches deep. */
export function fixChecksums(f: Uint8Array): void {
  if (f.length < 34 || f[12] !== 8 || f[13] !== 0) return;
  const ip = 14, ihl = (f[ip] & 15) * 4;
  if (ihl < 20 || ip + ihl > f.length) return;
  f[ip + 10] = 0; f[ip + 11] = 0;
  const h = csum(f.subarray(ip, ip + ihl));
  f[ip + 10] = h >>> 8; f[ip + 11] = h & 255;
  if ((((f[ip + 6] << 8) | f[ip + 7]) & 0x1fff) !== 0) return;
  const total = Math.min((f[ip + 2] << 8) | f[ip + 3], f.length - ip);
  const t = ip + ihl, len = total - ihl, proto = f[ip + 9];
  if (len <= 0) return;
  const at = proto === 6 ? 16 : proto === 17 ? 6 : proto === 1 ? 2 : -1;
  if (at < 0 || len < at + 2) return;
  f[t + at] = 0; f[t + at + 1] = 0;
  let s = proto === 1 ? csum(f.subarray(t, t + len))
    : csum(cat(f.subarray(ip + 12, ip + 20), [0, proto], u16(len), f.subarray(t, t + len)));
  if (proto === 17 && s === 0) s = 0xffff;
  f[t + at] = s >>> 8; f[t + at + 1] = s & 255;
}
