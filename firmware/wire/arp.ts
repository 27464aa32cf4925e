// ARP for IPv4 over Ethernet (RFC 826): the 28-byte packet after the Ethernet header.
import { getU16, putU16, getU32, putU32 } from './bytes.ts';

export const ARP_HTYPE = 0;
export const ARP_PTYPE = 2;
export const ARP_HLEN = 4;
export const ARP_PLEN = 5;
export const ARP_OPER = 6;
export const ARP_SHA = 8;
export const ARP_SPA = 14;
export const ARP_THA = 18;
export const ARP_TPA = 24;
export const ARP_LEN = 28;

export const ARP_HTYPE_ETHERNET = 1;
export const ARP_PTYPE_IPV4 = 0x0800;
export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

/** arpParse results. */
export const ARP_OK = 0;
export const ARP_TRUNCATED = 1;
/** Hardware type not Ethernet or protocol type not IPv4. */
export const ARP_BAD_TYPE = 2;
/** Hardware length not 6 or protocol length not 4. */
export const ARP_BAD_LENGTHS = 3;
/** Operation neither request nor reply. */
export const ARP_BAD_OPER = 4;

/** Validates an Ethernet/IPv4 ARP packet at buf[off..off+len). */
export function arpParse(buf: Uint8Array, off: number, len: number): number {
  if (len < ARP_LEN || off + ARP_LEN > buf.length) return ARP_TRUNCATED;
  if (getU16(buf, off + ARP_HTYPE) !== ARP_HTYPE_ETHERNET || getU16(buf, off + ARP_PTYPE) !== ARP_PTYPE_IPV4) return ARP_BAD_TYPE;
  if (buf[off + ARP_HLEN] !== 6 || buf[off + ARP_PLEN] !== 4) return ARP_BAD_LENGTHS;
  const op = getU16(buf, off + ARP_OPER);
  if (op !== ARP_REQUEST && op !== ARP_REPLY) return ARP_BAD_OPER;
  return ARP_OK;
}

export function arpOper(buf: Uint8Array, off: number): number {
  return getU16(buf, off + ARP_OPER);
}
/** Sender protocol address (uint32). */
export function arpSpa(buf: Uint8Array, off: number): number {
  return getU32(buf, off + ARP_SPA);
}
/** Target protocol address (uint32). */
export function arpTpa(buf: Uint8Array, off: number): number {
  return getU32(buf, off + ARP_TPA);
}

/** Writes a 28-byte ARP packet at buf[off]. sha/tha are MACs of exactly 6 bytes (copied whole);
 *  spa/tpa uint32. */
export function emitArp(buf: Uint8Array, off: number, oper: number, sha: Uint8Array, spa: number, tha: Uint8Array, tpa: number): void {
  putU16(buf, off + ARP_HTYPE, ARP_HTYPE_ETHERNET);
  putU16(buf, off + ARP_PTYPE, ARP_PTYPE_IPV4);
  buf[off + ARP_HLEN] = 6;
  buf[off + ARP_PLEN] = 4;
  putU16(buf, off + ARP_OPER, oper);
  buf.set(sha, off + ARP_SHA);
  putU32(buf, off + ARP_SPA, spa);
  buf.set(tha, off + ARP_THA);
  putU32(buf, off + ARP_TPA, tpa);
}
