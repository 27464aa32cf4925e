// Decodes the TCP segments of a capture (pcap records of LINKTYPE_ETHERNET, RAW, LINUX_SLL or
// LINUX_SLL2) into plain objects for the ladder. Frames that are not IPv4/TCP, fragments, and
// truncated headers are skipped and counted, never thrown on.
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2, LINKTYPE_RAW, type Pcap } from '../../host-sim/pcap.ts';

export const FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20;

export interface Segment {
  timeMs: number;
  src: string; sport: number; dst: string; dport: number;
  seq: number; ack: number; flags: number; win: number; len: number;
  mss?: number; wscale?: number; sackOk?: boolean; ts?: [number, number];
  /** The capture's comments on this frame (pcapng), e.g. the simulator's "fault: dropped ...". */
  comments?: string[];
}

/** A segment the capture says never arrived: the simulator's fault injector dropped it (each
 *  copy of it, when it was also duplicated). */
export function isDropped(s: Segment): boolean {
  if (!s.comments) return false;
  const first = s.comments.some((c) => /^fault: dropped/.test(c) && !/in its second copy/.test(c));
  const duplicated = s.comments.some((c) => /^fault: duplicated/.test(c));
  const second = s.comments.some((c) => /^fault: dropped in its second copy/.test(c));
  return first && (!duplicated || second);
}

export interface Decoded { segments: Segment[]; skipped: number }

function ip(b: Uint8Array, o: number): string { return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`; }
function u16(b: Uint8Array, o: number): number { return (b[o] << 8) | b[o + 1]; }
function u32(b: Uint8Array, o: number): number { return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0; }

/** Offset of the IPv4 header in a record of the given link type, or -1 if not IPv4. */
function ipv4Offset(linkType: number, d: Uint8Array): number {
  if (linkType === LINKTYPE_ETHERNET) {
    if (d.length < 14) return -1;
    let type = u16(d, 12), off = 14;
    if (type === 0x8100 && d.length >= 18) { type = u16(d, 16); off = 18; } // one VLAN tag
    return type === 0x0800 ? off : -1;
  }
  if (linkType === LINKTYPE_RAW) return d.length > 0 && d[0] >> 4 === 4 ? 0 : -1;
  if (linkType === LINKTYPE_LINUX_SLL) return d.length >= 16 && u16(d, 14) === 0x0800 ? 16 : -1;
  if (linkType === LINKTYPE_LINUX_SLL2) return d.length >= 20 && u16(d, 0) === 0x0800 ? 20 : -1;
  return -1;
}

export function decodeTcp(p: Pcap): Decoded {
  const segments: Segment[] = [];
  let skipped = 0;
  for (const r of p.records) {
    const d = r.data;
    const o = ipv4Offset(r.linkType ?? p.linkType, d);
    if (o < 0 || d.length < o + 20 || d[o] >> 4 !== 4) { skipped++; continue; }
    const ihl = (d[o] & 15) * 4;
    const total = u16(d, o + 2);
    if (ihl < 20 || d[o + 9] !== 6 || (u16(d, o + 6) & 0x3fff) !== 0) { skipped++; continue; }
    const t = o + ihl;
    if (d.length < t + 20) { skipped++; continue; }
    const doff = (d[t + 12] >> 4) * 4;
    if (doff < 20 || d.length < t + doff) { skipped++; continue; }
    // The payload length comes from the IP header (the capture may be cut by its snap length).
    const len = Math.max(0, Math.min(total, r.origLen - o) - ihl - doff);
    const s: Segment = {
      timeMs: r.timeMs, src: ip(d, o + 12), sport: u16(d, t), dst: ip(d, o + 16), dport: u16(d, t + 2),
      seq: u32(d, t + 4), ack: u32(d, t + 8), flags: d[t + 13] & 0x3f, win: u16(d, t + 14), len,
    };
    if (r.comments && r.comments.length) s.comments = r.comments;
    // Options (RFC 9293 3.1, RFC 7323, RFC 2018); a malformed list ends the parse.
    let i = t + 20;
    const end = t + doff;
    while (i < end) {
      const kind = d[i];
      if (kind === 0) break;
      if (kind === 1) { i++; continue; }
      if (i + 1 >= end) break;
      const l = d[i + 1];
      if (l < 2 || i + l > end) break;
      if (kind === 2 && l === 4) s.mss = u16(d, i + 2);
      else if (kind === 3 && l === 3) s.wscale = d[i + 2];
      else if (kind === 4 && l === 2) s.sackOk = true;
      else if (kind === 8 && l === 10) s.ts = [u32(d, i + 2), u32(d, i + 6)];
      i += l;
    }
    segments.push(s);
  }
  return { segments, skipped };
}
