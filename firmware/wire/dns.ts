// DNS messages (RFC 1035 section 4): a query for one name's A record, and the parse of a response:
// header checks, the question skipped, answers walked for the first A record of class IN (CNAME
// chains are answered by the server in the same message). Names may be compressed (4.1.4); the
// walk is bounded, so a pointer loop is reported, never followed forever.
import { getU16, getU32, putU16 } from './bytes.ts';

export const DNS_ID = 0;
export const DNS_FLAGS = 2;
export const DNS_QDCOUNT = 4;
export const DNS_ANCOUNT = 6;
export const DNS_NSCOUNT = 8;
export const DNS_ARCOUNT = 10;
export const DNS_HEADER_LEN = 12;

export const DNS_TYPE_A = 1;
export const DNS_TYPE_CNAME = 5;
export const DNS_CLASS_IN = 1;
export const DNS_FLAG_QR = 0x8000;
export const DNS_FLAG_RD = 0x0100;
export const DNS_FLAG_TC = 0x0200;

export const DNS_OK = 0;
export const DNS_TRUNCATED = 1;
export const DNS_NOT_RESPONSE = 2;
export const DNS_BAD_NAME = 3;
export const DNS_RCODE = 4;     // the server answered an error (NXDOMAIN...): see DnsAnswer.rcode
export const DNS_NO_ANSWER = 5;
export const DNS_BAD_QUERY_NAME = 6;

export class DnsAnswer {
  id = 0;
  rcode = 0;
  addr = 0;
  ttl = 0;
}

/** Writes a recursive query for the A record of `name` at buf[off..]; returns its length, or 0
 *  if the name is not a valid host name (labels of 1..63 characters, at most 253 in all). */
export function emitDnsQuery(buf: Uint8Array, off: number, id: number, name: string): number {
  if (name.length === 0 || name.length > 253) return 0;
  putU16(buf, off + DNS_ID, id);
  putU16(buf, off + DNS_FLAGS, DNS_FLAG_RD);
  putU16(buf, off + DNS_QDCOUNT, 1);
  putU16(buf, off + DNS_ANCOUNT, 0);
  putU16(buf, off + DNS_NSCOUNT, 0);
  putU16(buf, off + DNS_ARCOUNT, 0);
  let i = off + DNS_HEADER_LEN;
  let labelAt = i++;
  let labelLen = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c === 46) { // '.'
      if (labelLen === 0) { if (k === name.length - 1) break; return 0; }
      buf[labelAt] = labelLen; labelAt = i++; labelLen = 0;
      continue;
    }
    if (c <= 32 || c >= 127 || labelLen === 63) return 0;
    buf[i++] = c;
    labelLen++;
  }
  if (labelLen > 0) { buf[labelAt] = labelLen; buf[i++] = 0; } else buf[labelAt] = 0;
  putU16(buf, i, DNS_TYPE_A); putU16(buf, i + 2, DNS_CLASS_IN);
  return i + 4 - off;
}

/** Walks a (possibly compressed) name at `i`, checking that it is well formed (inside the
 *  message, no loops: pointers go backwards, RFC 1035 4.1.4); returns the offset after the name
 *  as it is stored (after its first pointer, if any), or -1 if malformed. */
function skipName(buf: Uint8Array, start: number, end: number, i: number): number {
  let after = 0; // where the name stored at the first `i` ends: set at its first pointer
  for (let hops = 0; hops < 128; hops++) {
    if (i >= end) return -1;
    const l = buf[i];
    if (l === 0) return after ? after : i + 1;
    if ((l & 0xc0) === 0xc0) {
      if (i + 1 >= end) return -1;
      const p = start + (((l & 0x3f) << 8) | buf[i + 1]);
      if (p >= i) return -1; // pointers go backwards: also stops loops
      if (!after) after = i + 2;
      i = p;
      continue;
    }
    if (l & 0xc0) return -1;
    i += 1 + l;
  }
  return -1;
}

/** Parses a response at buf[off..off+len) into `out`: DNS_OK with out.addr/out.ttl, or a status. */
export function dnsParseResponse(buf: Uint8Array, off: number, len: number, out: DnsAnswer): number {
  const end = off + len;
  if (len < DNS_HEADER_LEN) return DNS_TRUNCATED;
  out.id = getU16(buf, off + DNS_ID);
  const flags = getU16(buf, off + DNS_FLAGS);
  if (!(flags & DNS_FLAG_QR)) return DNS_NOT_RESPONSE;
  out.rcode = flags & 15;
  if (out.rcode !== 0) return DNS_RCODE;
  const qd = getU16(buf, off + DNS_QDCOUNT);
  const an = getU16(buf, off + DNS_ANCOUNT);
  let i = off + DNS_HEADER_LEN;
  for (let q = 0; q < qd; q++) {
    i = skipName(buf, off, end, i);
    if (i === -1) return DNS_BAD_NAME;
    if (i + 4 > end) return DNS_TRUNCATED;
    i += 4;
  }
  for (let a = 0; a < an; a++) {
    i = skipName(buf, off, end, i);
    if (i === -1) return DNS_BAD_NAME;
    if (i + 10 > end) return DNS_TRUNCATED;
    const type = getU16(buf, i), cls = getU16(buf, i + 2), ttl = getU32(buf, i + 4), rdlen = getU16(buf, i + 8);
    i += 10;
    if (i + rdlen > end) return DNS_TRUNCATED;
    if (type === DNS_TYPE_A && cls === DNS_CLASS_IN && rdlen === 4) {
      out.addr = getU32(buf, i);
      out.ttl = ttl > 0x7fffffff ? 0 : ttl; // RFC 2181 8: a TTL with the top bit set means 0
      return DNS_OK;
    }
    i += rdlen;
  }
  return DNS_NO_ANSWER;
}

/** The name in the question of a message, lower-cased, for matching a response to its query;
 *  "" if malformed. (Used by the client on receive only, not on the per-packet path.) */
export function dnsQuestionName(buf: Uint8Array, off: number, len: number): string {
  const end = off + len;
  let i = off + DNS_HEADER_LEN;
  let s = '';
  for (let n = 0; n < 128; n++) {
    if (i >= end) return '';
    const l = buf[i];
    if (l === 0) return s;
    if (l & 0xc0) return ''; // a question's name is never compressed in a response to our query
    if (i + 1 + l > end) return '';
    if (s) s += '.';
    for (let k = 0; k < l; k++) { let c = buf[i + 1 + k]; if (c >= 65 && c <= 90) c += 32; s += String.fromCharCode(c); }
    i += 1 + l;
  }
  return '';
}
