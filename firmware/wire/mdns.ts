// Multicast DNS messages (RFC 6762 section 18, over the DNS format of RFC 1035 section 4): the
// header, names (compressed on input, RFC 1035 4.1.4), questions and resource records. Read with
// bounds everywhere: a name is at most 255 bytes and 128 labels or pointers, pointers go strictly
// backwards (so a compression loop ends), and a record whose data runs past the message makes the
// whole message malformed. Only the responder (iface/mdns.ts, the Storage module "synack-mdns")
// uses this file. Names are handled as lower-case dotted strings ("synack.local"): mDNS compares
// names case-insensitively (RFC 6762 16) and a board answers for a handful of them.
import { getU16, putU16, putU32 } from './bytes.ts';

export const MDNS_PORT = 5353;
/** 224.0.0.251 and its Ethernet group address 01:00:5e:00:00:fb (RFC 6762 3, RFC 1112 6.4). */
export const MDNS_GROUP = 0xe00000fb;

export const MDNS_HEADER_LEN = 12;
export const MDNS_FLAGS = 2;
export const MDNS_QDCOUNT = 4;
export const MDNS_ANCOUNT = 6;
export const MDNS_NSCOUNT = 8;
export const MDNS_ARCOUNT = 10;
/** QR (response) and AA (authoritative answer): every mDNS response sets both (RFC 6762 18.2, 18.4). */
export const MDNS_FLAG_QR = 0x8000;
export const MDNS_FLAG_AA = 0x0400;
/** Opcode and rcode: a message with either non-zero is ignored (RFC 6762 18.3, 18.11). */
export const MDNS_OPCODE_RCODE = 0x780f;

export const RR_A = 1;
export const RR_PTR = 12;
export const RR_TXT = 16;
export const RR_SRV = 33;
export const RR_ANY = 255;
export const CLASS_IN = 1;
/** The top bit of a question's class asks for a unicast response ("QU", RFC 6762 5.4); of a
 *  record's class, it is the cache-flush bit of a unique record (10.2). */
export const CLASS_TOP = 0x8000;

/** Longest name on the wire (RFC 1035 3.1) and most labels plus pointers followed in one name. */
const NAME_MAX = 255;
const HOPS_MAX = 128;

/** Where the last readName ended: the offset just after the name in the message (after its
 *  first pointer, if compressed). A module-level cursor: no object per name. */
export let nameEnd = 0;

/** Reads the name at buf[i] of the message buf[msg..end): lower-case, dotted, without the final
 *  dot ("" for the root); null if malformed (a pointer forwards or to itself, hence any loop; a
 *  label past the end; over 255 bytes; a reserved label type). Sets nameEnd. */
export function readName(buf: Uint8Array, msg: number, end: number, i: number): string | null {
  let s = '';
  let wire = 1;
  let after = -1;
  for (let hops = 0; hops < HOPS_MAX; hops++) {
    if (i >= end) return null;
    const l = buf[i];
    if (l === 0) {
      nameEnd = after < 0 ? i + 1 : after;
      return s;
    }
    if ((l & 0xc0) === 0xc0) {
      if (i + 1 >= end) return null;
      const p = msg + (((l & 0x3f) << 8) | buf[i + 1]);
      if (after < 0) after = i + 2;
      if (p >= i) return null; // only backwards (RFC 1035 4.1.4): a loop cannot go on
      i = p;
      continue;
    }
    if (l & 0xc0) return null; // 01 and 10 label types are reserved
    wire += l + 1;
    if (wire > NAME_MAX || i + 1 + l > end) return null;
    if (s) s += '.';
    for (let k = 1; k <= l; k++) {
      let c = buf[i + k];
      if (c >= 65 && c <= 90) c += 32;
      s += String.fromCharCode(c);
    }
    i += 1 + l;
  }
  return null;
}

/** Writes a dotted name uncompressed at buf[at]; returns the offset after it, or -1 if a label
 *  is empty or over 63 bytes. */
export function writeName(buf: Uint8Array, at: number, name: string): number {
  let len = at++;
  let n = 0;
  for (let k = 0; k <= name.length; k++) {
    const c = k < name.length ? name.charCodeAt(k) : 46;
    if (c === 46) { // '.'
      if (n === 0 || n > 63) return -1;
      buf[len] = n;
      len = at++;
      n = 0;
      continue;
    }
    buf[at++] = c;
    n++;
  }
  buf[len] = 0;
  return at;
}

/** Writes a record's owner name, type, class and TTL at buf[at]; returns where its data goes
 *  (after the 2-byte length, written later by endRecord), or -1 for a bad name. */
export function beginRecord(buf: Uint8Array, at: number, name: string, type: number, cls: number, ttl: number): number {
  at = writeName(buf, at, name);
  if (at < 0) return -1;
  putU16(buf, at, type);
  putU16(buf, at + 2, cls);
  putU32(buf, at + 4, ttl);
  return at + 10;
}

/** Writes the data length of the record whose data started at `data` and ends at `end`. */
export function endRecord(buf: Uint8Array, data: number, end: number): number {
  putU16(buf, data - 2, end - data);
  return end;
}

/** Writes a message header: id, flags, and the four counts. */
export function writeHeader(buf: Uint8Array, at: number, id: number, flags: number, qd: number, an: number, ns: number, ar: number): void {
  putU16(buf, at, id);
  putU16(buf, at + MDNS_FLAGS, flags);
  putU16(buf, at + MDNS_QDCOUNT, qd);
  putU16(buf, at + MDNS_ANCOUNT, an);
  putU16(buf, at + MDNS_NSCOUNT, ns);
  putU16(buf, at + MDNS_ARCOUNT, ar);
}

/** The fixed fields after a record's name at buf[i] (nameEnd): type, class, TTL, data length;
 *  returns where its data starts, or -1 if the fields or the data run past `end` (an oversized
 *  record makes the message malformed). */
export function recordData(buf: Uint8Array, i: number, end: number): number {
  if (i + 10 > end) return -1;
  const d = i + 10;
  return d + getU16(buf, i + 8) > end ? -1 : d;
}
