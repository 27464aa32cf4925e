// TCP header (RFC 9293 section 3.1) and options (MSS RFC 9293 3.7.1, window scale RFC 7323 2,
// SACK-permitted RFC 2018, timestamps RFC 7323 3, NOP, EOL): named offsets, read helpers, an
// options parser that fills a reused object and reports a malformed list as a status, and emit.
import { getU16, getU32, putU16, putU32 } from './bytes.ts';
import { checksumWith, fold, pseudoSum, sum16 } from './checksum.ts';

export const TCP_SRC_PORT = 0;
export const TCP_DST_PORT = 2;
export const TCP_SEQ = 4;
export const TCP_ACK = 8;
export const TCP_DATA_OFF = 12;
export const TCP_FLAGS = 13;
export const TCP_WINDOW = 14;
export const TCP_CHECKSUM = 16;
export const TCP_URGENT = 18;
export const TCP_HEADER_LEN = 20;
export const IP_PROTO_TCP = 6;

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;

export const OPT_EOL = 0;
export const OPT_NOP = 1;
export const OPT_MSS = 2;
export const OPT_WSCALE = 3;
export const OPT_SACK_OK = 4;
export const OPT_SACK = 5;
export const OPT_TIMESTAMP = 8;

export const TCP_OK = 0;
export const TCP_TRUNCATED = 1;
export const TCP_BAD_OFFSET = 2;
export const TCP_BAD_CHECKSUM = 3;

/** tcpParseOptions: the segment carries no MSS option; its options are malformed. */
export const TCP_NO_MSS = -1;
export const TCP_OPTIONS_BAD = -2;

export function tcpHeaderLen(b: Uint8Array, o: number): number { return (b[o + TCP_DATA_OFF] >> 4) << 2; }

/** Validates a segment at b[o..o+len) from src to dst: header length and checksum. */
export function tcpParse(b: Uint8Array, o: number, len: number, src: number, dst: number): number {
  // Per-packet path: the header length and the pseudo-header sum (RFC 9293 3.1) written out.
  if (len < TCP_HEADER_LEN) return TCP_TRUNCATED;
  const hl = (b[o + TCP_DATA_OFF] >> 4) << 2;
  if (hl < TCP_HEADER_LEN || hl > len) return TCP_BAD_OFFSET;
  if (checksumWith(b, o, len, (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + IP_PROTO_TCP + len) !== 0) return TCP_BAD_CHECKSUM;
  return TCP_OK;
}

/** Checks the options of the segment at b[o..] (each one's length; RFC 9293 3.2) and returns
 *  the MSS option's value, TCP_NO_MSS without one, or TCP_OPTIONS_BAD. The MSS is the one option
 *  the stack uses: window scale, SACK-permitted and timestamps (RFC 7323, RFC 2018) are checked
 *  for their length and otherwise ignored, as a stack that never offers them may (RFC 9293 3.2:
 *  a TCP must ignore options it does not implement). No object per segment: a number. */
export function tcpParseOptions(b: Uint8Array, o: number): number {
  let mss = TCP_NO_MSS;
  let i = o + TCP_HEADER_LEN;
  const end = o + tcpHeaderLen(b, o);
  while (i < end) {
    const kind = b[i];
    if (kind === OPT_EOL) break;
    if (kind === OPT_NOP) { i++; continue; }
    if (i + 1 >= end) return TCP_OPTIONS_BAD;
    const l = b[i + 1];
    if (l < 2 || i + l > end) return TCP_OPTIONS_BAD;
    if (kind === OPT_MSS) { if (l !== 4) return TCP_OPTIONS_BAD; mss = getU16(b, i + 2); }
    else if (kind === OPT_WSCALE) { if (l !== 3) return TCP_OPTIONS_BAD; }
    else if (kind === OPT_SACK_OK) { if (l !== 2) return TCP_OPTIONS_BAD; }
    else if (kind === OPT_TIMESTAMP) { if (l !== 10) return TCP_OPTIONS_BAD; }
    i += l; // unknown options are skipped by their length (RFC 9293 3.2)
  }
  return mss;
}

/** Writes a TCP header (with an MSS option when mss > 0) at b[o..]; returns the header length.
 *  The checksum is left 0: call tcpChecksum once the payload is in place. */
export function emitTcp(b: Uint8Array, o: number, srcPort: number, dstPort: number, seq: number, ack: number,
  flags: number, window: number, mss: number): number {
  const hl = mss > 0 ? 24 : 20;
  putU16(b, o + TCP_SRC_PORT, srcPort);
  putU16(b, o + TCP_DST_PORT, dstPort);
  putU32(b, o + TCP_SEQ, seq);
  putU32(b, o + TCP_ACK, ack);
  b[o + TCP_DATA_OFF] = (hl >> 2) << 4;
  b[o + TCP_FLAGS] = flags;
  putU16(b, o + TCP_WINDOW, window > 0xffff ? 0xffff : window);
  putU16(b, o + TCP_CHECKSUM, 0);
  putU16(b, o + TCP_URGENT, 0);
  if (mss > 0) { b[o + 20] = OPT_MSS; b[o + 21] = 4; putU16(b, o + 22, mss); }
  return hl;
}

/** Fills in the checksum of the segment at b[o..o+len). */
export function tcpChecksum(b: Uint8Array, o: number, len: number, src: number, dst: number): void {
  putU16(b, o + TCP_CHECKSUM, fold(sum16(b, o, len, pseudoSum(src, dst, IP_PROTO_TCP, len))));
}
