// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of
// the data taken as big-endian 16-bit words, an odd last byte padded with a zero byte.
//
// Two paths, tested equal (test/checksum.test.ts):
// - Espruino: `E.sum` over a Uint16Array view sums the words natively (about 70x faster than the
//   loop, see docs/espruino.md). The view reads the words little-endian; the one's complement
//   sum is byte-order independent (RFC 1071 section 2.B), so the folded little-endian sum is
//   byte-swapped to give the big-endian one. The view is a 2-block allocation freed at once: the
//   price of the native sum, far cheaper than the interpreted loop.
// - elsewhere (Node, or an odd byte offset, which Node's Uint16Array refuses): a plain loop.
//   Also for a single byte: Espruino reads `new Uint16Array(buffer, off, 0)` as "to the end of
//   the buffer" (measured on 2v29), so the native path never builds a zero-length view.

/** Espruino's global `E` (absent under Node). */
declare const E: any;

/** Whether `E.sum` is there (the native path); per-packet code that writes the native sum out
 *  itself reads it. */
export let hasESum = false;
/** `E.sum` itself when there, else null: TCP's header prediction calls it through this name (a
 *  name of the module's scope), not through `E`, which Espruino finds only after walking every
 *  name of the module's scope and the global one (about one empty-loop iteration a segment). */
export let eSum: ((words: Uint16Array) => number) | null = null;

/** Looks for `E.sum` again (done once at load; tests call it after faking or removing `E`).
 *  Returns whether the native path is in use. */
export function checksumDetectNative(): boolean {
  hasESum = typeof E !== 'undefined' && !!E && typeof E.sum === 'function';
  eSum = hasESum ? E.sum : null;
  return hasESum;
}

/** Adds buf[off..off+len) as big-endian 16-bit words (an odd last byte as the high byte of a word
 *  padded with zero) to the accumulator `acc` and returns the new, unfolded accumulator. Sums of
 *  up to about 128 KB stay exact for `fold`. */
export function sum16(buf: Uint8Array, off: number, len: number, acc: number): number {
  // No test for len <= 0: the native path needs len > 1, and the plain path's loops then run
  // no pass (end <= off), which returns acc.
  let s = 0;
  const end = off + len;
  if (hasESum && len > 1 && ((buf.byteOffset + off) & 1) === 0) {
    // Native path: little-endian words, odd last byte as the low byte of a little-endian word.
    s = E.sum(new Uint16Array(buf.buffer, buf.byteOffset + off, len >> 1));
    if (len & 1) s += buf[end - 1];
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    return acc + (((s & 0xff) << 8) | (s >>> 8));
  }
  // Plain path: two words per iteration (each interpreted statement costs on Espruino).
  let i = off;
  const end4 = off + (len & ~3);
  while (i < end4) {
    s += ((buf[i] << 8) | buf[i + 1]) + ((buf[i + 2] << 8) | buf[i + 3]);
    i += 4;
  }
  if (i + 1 < end) {
    s += (buf[i] << 8) | buf[i + 1];
    i += 2;
  }
  if (i < end) s += buf[i] << 8;
  return acc + s;
}

/** Folds the carries of an accumulator (below 2^32) into 16 bits and complements: the checksum
 *  to write into a header, or 0 when checking a block that includes its own correct checksum. */
export function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + (acc >>> 16);
  return ~acc & 0xffff;
}

/** Partial sum of the TCP/UDP pseudo-header (RFC 9293 section 3.1, RFC 768): source and
 *  destination addresses (uint32), zero, protocol, and the L4 length. Pass it as `acc`. */
export function pseudoSum(src: number, dst: number, proto: number, len: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + len;
}

/** The checksum of buf[off..off+len) with the partial sum `acc` (a pseudo-header) added:
 *  fold(sum16(buf, off, len, acc)), 0 for a block that carries its correct checksum. Per-packet
 *  path (every received IPv4 header and TCP segment): the native sum is written out here rather
 *  than through sum16 and fold, which halves its cost in Espruino (measured 14 against 29
 *  empty-loop iterations for a 20-byte header). */
export function checksumWith(buf: Uint8Array, off: number, len: number, acc: number): number {
  if (hasESum && len > 1 && ((buf.byteOffset + off) & 1) === 0) {
    let s = E.sum(new Uint16Array(buf.buffer, buf.byteOffset + off, len >> 1));
    if (len & 1) s += buf[off + len - 1];
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    s = acc + (((s & 0xff) << 8) | (s >>> 8));
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    return ~s & 0xffff;
  }
  return fold(sum16(buf, off, len, acc));
}

/** The checksum of buf[off..off+len) alone: fold(sum16(buf, off, len, 0)). */
export function checksum(buf: Uint8Array, off: number, len: number): number {
  return checksumWith(buf, off, len, 0);
}

checksumDetectNative();
