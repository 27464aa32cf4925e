// ICMP for IPv4 (RFC 792): echo request/reply and destination unreachable.
import { getU16, putU16, putU32 } from './bytes.ts';
import { checksum } from './checksum.ts';

export const ICMP_TYPE = 0;
export const ICMP_CODE = 1;
export const ICMP_CHECKSUM = 2;
/** Echo identifier and sequence number (the "rest of header" word of echo messages). */
export const ICMP_ID = 4;
export const ICMP_SEQ = 6;
export const ICMP_HEADER_LEN = 8;

export const ICMP_ECHO_REPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_ECHO_REQUEST = 8;
/** Destination unreachable codes. */
export const ICMP_PROTO_UNREACH = 2;
export const ICMP_PORT_UNREACH = 3;

/** icmpParse results. */
export const ICMP_OK = 0;
export const ICMP_TRUNCATED = 1;
export const ICMP_BAD_CHECKSUM = 2;

/** Validates the ICMP message buf[off..off+len): header present, checksum over all of it. */
export function icmpParse(buf: Uint8Array, off: number, len: number): number {
  if (len < ICMP_HEADER_LEN || off + len > buf.length) return ICMP_TRUNCATED;
  if (checksum(buf, off, len) !== 0) return ICMP_BAD_CHECKSUM;
  return ICMP_OK;
}

export function icmpType(buf: Uint8Array, off: number): number {
  return buf[off + ICMP_TYPE];
}
export function icmpCode(buf: Uint8Array, off: number): number {
  return buf[off + ICMP_CODE];
}
export function icmpEchoId(buf: Uint8Array, off: number): number {
  return getU16(buf, off + ICMP_ID);
}
export function icmpEchoSeq(buf: Uint8Array, off: number): number {
  return getU16(buf, off + ICMP_SEQ);
}

/** Writes an ICMP header at buf[off] (rest: the 32-bit word after the checksum) and the checksum
 *  over the len bytes of the message (header plus the payload already at buf[off+8..]). */
export function emitIcmp(buf: Uint8Array, off: number, type: number, code: number, rest: number, len: number): void {
  buf[off + ICMP_TYPE] = type;
  buf[off + ICMP_CODE] = code;
  buf[off + ICMP_CHECKSUM] = 0;
  buf[off + ICMP_CHECKSUM + 1] = 0;
  putU32(buf, off + ICMP_ID, rest);
  putU16(buf, off + ICMP_CHECKSUM, checksum(buf, off, len));
}

/** Echo request or reply: type ICMP_ECHO_REQUEST or ICMP_ECHO_REPLY; len = 8 + payload. */
export function emitIcmpEcho(buf: Uint8Array, off: number, type: number, id: number, seq: number, len: number): void {
  emitIcmp(buf, off, type, 0, ((id & 0xffff) * 0x10000 + (seq & 0xffff)), len);
}
