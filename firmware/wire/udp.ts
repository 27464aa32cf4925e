// UDP header (RFC 768). The checksum covers the pseudo-header, header and data; 0 on the wire
// means "no checksum", so a computed 0 is sent as 0xffff.
import { getU16, putU16 } from './bytes.ts';
import { sum16, fold, pseudoSum } from './checksum.ts';

export const UDP_SRC_PORT = 0;
export const UDP_DST_PORT = 2;
export const UDP_LENGTH = 4;
export const UDP_CHECKSUM = 6;
export const UDP_HEADER_LEN = 8;

/** udpParse results. */
export const UDP_OK = 0;
export const UDP_TRUNCATED = 1;
/** UDP length below 8 or beyond the IP payload. */
export const UDP_BAD_LENGTH = 2;
export const UDP_BAD_CHECKSUM = 3;

/** Validates the UDP datagram at buf[off], len bytes of IP payload present; src/dst are the IPv4
 *  addresses for the pseudo-header. A zero checksum is accepted (not computed by the sender). */
export function udpParse(buf: Uint8Array, off: number, len: number, src: number, dst: number): number {
  if (len < UDP_HEADER_LEN || off + len > buf.length) return UDP_TRUNCATED;
  const ulen = getU16(buf, off + UDP_LENGTH);
  if (ulen < UDP_HEADER_LEN || ulen > len) return UDP_BAD_LENGTH;
  if (getU16(buf, off + UDP_CHECKSUM) !== 0 && fold(sum16(buf, off, ulen, pseudoSum(src, dst, 17, ulen))) !== 0) return UDP_BAD_CHECKSUM;
  return UDP_OK;
}

export function udpSrcPort(buf: Uint8Array, off: number): number {
  return getU16(buf, off + UDP_SRC_PORT);
}
export function udpDstPort(buf: Uint8Array, off: number): number {
  return getU16(buf, off + UDP_DST_PORT);
}
/** The UDP length field: header plus data. */
export function udpLength(buf: Uint8Array, off: number): number {
  return getU16(buf, off + UDP_LENGTH);
}

/** Writes the UDP header at buf[off] for a datagram of len bytes (header + the data already at
 *  buf[off+8..]) and its checksum over the pseudo-header src/dst. */
export function emitUdp(buf: Uint8Array, off: number, srcPort: number, dstPort: number, len: number, src: number, dst: number): void {
  putU16(buf, off + UDP_SRC_PORT, srcPort);
  putU16(buf, off + UDP_DST_PORT, dstPort);
  putU16(buf, off + UDP_LENGTH, len);
  buf[off + UDP_CHECKSUM] = 0;
  buf[off + UDP_CHECKSUM + 1] = 0;
  const c = fold(sum16(buf, off, len, pseudoSum(src, dst, 17, len)));
  putU16(buf, off + UDP_CHECKSUM, c === 0 ? 0xffff : c);
}
