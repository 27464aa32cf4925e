// Big-endian (network order) reads and writes over a Uint8Array. Plain byte arithmetic: faster in
// Espruino than DataView (docs/espruino.md) and no view object per packet.
import { onBoard } from './on-board.ts';

/** Reads a big-endian uint16 at buf[off]. */
export function getU16(buf: Uint8Array, off: number): number {
  return (buf[off] << 8) | buf[off + 1];
}

/** Writes v as a big-endian uint16 at buf[off]. */
export function putU16(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 8) & 0xff;
  buf[off + 1] = v & 0xff;
}

/** Reads a big-endian uint32 at buf[off] (as an unsigned number). */
export function getU32(buf: Uint8Array, off: number): number {
  return ((buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3]) >>> 0;
}

/** Writes v as a big-endian uint32 at buf[off]. */
export function putU32(buf: Uint8Array, off: number, v: number): void {
  buf[off] = (v >>> 24) & 0xff;
  buf[off + 1] = (v >>> 16) & 0xff;
  buf[off + 2] = (v >>> 8) & 0xff;
  buf[off + 3] = v & 0xff;
}

/** Espruino's global `E` (absent under Node). */
declare const E: { toUint8Array?(s: string): Uint8Array; toString?(b: Uint8Array): string; getAddressOf?(v: unknown, flat: boolean): number } | undefined;

/** Whether a and b are the same typed array (the same view, not equal bytes). Never write a === b
 *  or a !== b for two typed arrays: Espruino compares them by converting each to a string of its
 *  numbers ("186,250,0,...") and comparing the strings (jsvMathsOp: a typed array is neither an
 *  object nor an array to it), which for two 1514-byte frames takes about 900 blocks and
 *  thousands of conversions, and calls two different arrays with the same bytes equal (measured,
 *  docs/espruino.md; the build refuses it, tools/typed-gate.ts). E.getAddressOf(v, false), the
 *  address of the variable itself, compares them natively. Elsewhere (Node; Espruino builds made
 *  with SAVE_ON_FLASH, which have no getAddressOf) ===. Per-packet: a call and two native calls. */
export function sameArray(a: Uint8Array, b: Uint8Array): boolean {
  return (onBoard || typeof E !== 'undefined' && E) && E!.getAddressOf ? E!.getAddressOf(a, false) === E!.getAddressOf(b, false)
    : a === b; // typed-gate: allowed (no getAddressOf: Node, or a SAVE_ON_FLASH build)
}

/** The bytes of a binary string (character codes, latin1 as Espruino's strings are). Natively
 *  where Espruino offers it: the interpreted loop costs about five empty-loop iterations a
 *  character, 2600 for 536 bytes against 12 (measured on 2v29). */
export function stringToBytes(s: string): Uint8Array {
  if (onBoard || typeof E !== 'undefined' && E && E.toUint8Array) return E!.toUint8Array!(s);
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 255;
  return b;
}

/** The binary string of some bytes (their character codes): natively where Espruino offers it. */
export function bytesToString(b: Uint8Array): string {
  if (onBoard || typeof E !== 'undefined' && E && E.toString) return E!.toString!(b);
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
