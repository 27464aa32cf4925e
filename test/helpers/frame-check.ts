// Is a frame the board sent well formed? Checked with the independent encoder's checksum
// (frames.ts), never with firmware/wire: Ethernet (our source MAC, a known EtherType, 60..1514
// bytes), ARP (Ethernet/IPv4, lengths 6 and 4, request or reply, our MAC as sender), IPv4
// (version, header length, total length against the frame, header checksum, no fragment, a TTL,
// our address as source: 0.0.0.0 only for DHCP's client port), and the checksum of ICMP, UDP
// (its length too) and TCP (its data offset too). Returns what is wrong, or null.
import { csum, cat, u16 } from './frames.ts';

export interface Sent {
  /** 0x0806 or 0x0800. */
  type: number;
  /** IPv4: protocol, source, destination, and the L4 message at [l4, l4 + l4len). */
  proto: number; src: number; dst: number; l4: number; l4len: number;
}

const be32 = (f: Uint8Array, o: number) => ((f[o] << 24) | (f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]) >>> 0;

/** `ips`: the addresses the board may send from now (the current one, and the one before a
 *  change that happened in the same step). */
export function checkFrame(f: Uint8Array, mac: Uint8Array, ips: number[], out?: Sent): string | null {
  const n = f.length;
  if (n < 14 || n > 1514) return `frame length ${n}`;
  for (let i = 0; i < 6; i++) if (f[6 + i] !== mac[i]) return 'source MAC not ours';
  const type = (f[12] << 8) | f[13];
  if (out) { out.type = type; out.proto = -1; }
  if (type === 0x0806) {
    if (n < 42) return `ARP frame of ${n} bytes`;
    if (f[14] !== 0 || f[15] !== 1 || f[16] !== 8 || f[17] !== 0 || f[18] !== 6 || f[19] !== 4) return 'ARP hardware/protocol type or lengths';
    const oper = (f[20] << 8) | f[21];
    if (oper !== 1 && oper !== 2) return `ARP operation ${oper}`;
    for (let i = 0; i < 6; i++) if (f[22 + i] !== mac[i]) return 'ARP sender MAC not ours';
    const spa = be32(f, 28);
    if (spa !== 0 && !ips.includes(spa)) return `ARP sender address ${ipStr(spa)} not ours`;
    return null;
  }
  if (type !== 0x0800) return `EtherType 0x${type.toString(16)}`;
  if (n < 34) return `IPv4 frame of ${n} bytes`;
  const ip = 14;
  if (f[ip] >> 4 !== 4) return 'IP version';
  const ihl = (f[ip] & 15) * 4;
  const total = (f[ip + 2] << 8) | f[ip + 3];
  if (ihl < 20 || ihl > total) return `IP header length ${ihl} of total ${total}`;
  if (ip + total > n) return `IP total length ${total} beyond the frame (${n})`;
  if (ip + total < n && n > 60) return `IP total length ${total} short of the frame (${n}, not padding)`;
  if (csum(f.subarray(ip, ip + ihl)) !== 0) return 'IP header checksum';
  const frag = (f[ip + 6] << 8) | f[ip + 7];
  if (frag & 0x3fff) return `IP fragment (flags/offset 0x${frag.toString(16)})`;
  if (f[ip + 8] === 0) return 'TTL 0';
  const proto = f[ip + 9], src = be32(f, ip + 12), dst = be32(f, ip + 16);
  const l4 = ip + ihl, len = total - ihl;
  const dhcpClient = proto === 17 && len >= 8 && f[l4] === 0 && f[l4 + 1] === 68;
  if (!ips.includes(src) && !(src === 0 && dhcpClient)) return `IP source ${ipStr(src)} not ours`;
  if (dst === 0) return 'IP destination 0.0.0.0';
  if (out) { out.proto = proto; out.src = src; out.dst = dst; out.l4 = l4; out.l4len = len; }
  const m = f.subarray(l4, l4 + len);
  if (proto === 1) {
    if (len < 8) return `ICMP of ${len} bytes`;
    if (csum(m) !== 0) return 'ICMP checksum';
    return null;
  }
  const pseudo = cat(f.subarray(ip + 12, ip + 20), [0, proto], u16(len));
  if (proto === 17) {
    if (len < 8) return `UDP of ${len} bytes`;
    if (((m[4] << 8) | m[5]) !== len) return `UDP length ${(m[4] << 8) | m[5]} in an IP payload of ${len}`;
    if ((m[6] | m[7]) !== 0 && csum(cat(pseudo, m)) !== 0) return 'UDP checksum';
    return null;
  }
  if (proto === 6) {
    if (len < 20) return `TCP of ${len} bytes`;
    const off = (m[12] >> 4) * 4;
    if (off < 20 || off > len) return `TCP data offset ${off} in ${len} bytes`;
    if (csum(cat(pseudo, m)) !== 0) return 'TCP checksum';
    return null;
  }
  return `IP protocol ${proto}`;
}

export function ipStr(a: number): string { return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`; }
