// Ethernet II header (IEEE 802.3 with an EtherType): destination MAC, source MAC, EtherType.
// Frames carry no preamble and no FCS here (see drivers/driver.ts).
import { getU16, putU16 } from './bytes.ts';

export const ETH_DST = 0;
export const ETH_SRC = 6;
export const ETH_TYPE = 12;
export const ETH_HEADER_LEN = 14;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;

/** ethParse results. */
export const ETH_OK = 0;
export const ETH_TRUNCATED = 1;

/** Checks that buf[off..off+len) holds an Ethernet header. */
export function ethParse(buf: Uint8Array, off: number, len: number): number {
  if (len < ETH_HEADER_LEN || off + ETH_HEADER_LEN > buf.length) return ETH_TRUNCATED;
  return ETH_OK;
}

/** The EtherType of the frame at buf[off]. */
export function ethType(buf: Uint8Array, off: number): number {
  return getU16(buf, off + ETH_TYPE);
}

/** Writes an Ethernet header at buf[off]: dst and src are 6-byte MACs (arrays of exactly 6
 *  bytes: they are copied whole, without a view per call). */
export function emitEthernet(buf: Uint8Array, off: number, dst: Uint8Array, src: Uint8Array, type: number): void {
  buf.set(dst, off + ETH_DST);
  buf.set(src, off + ETH_SRC);
  putU16(buf, off + ETH_TYPE, type);
}

/** True if the 6 bytes at a[aOff] equal those at b[bOff]. */
export function macEquals(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number): boolean {
  // Unrolled: checked on every received frame.
  return a[aOff + 5] === b[bOff + 5] && a[aOff + 4] === b[bOff + 4] && a[aOff + 3] === b[bOff + 3] &&
    a[aOff + 2] === b[bOff + 2] && a[aOff + 1] === b[bOff + 1] && a[aOff] === b[bOff];
}

/** True if the 6 bytes at buf[off] are the broadcast address ff:ff:ff:ff:ff:ff. */
export function macIsBroadcast(buf: Uint8Array, off: number): boolean {
  return (buf[off] & buf[off + 1] & buf[off + 2] & buf[off + 3] & buf[off + 4] & buf[off + 5]) === 0xff;
}

/** True if the MAC at buf[off] is a group (multicast or broadcast) address: I/G bit set. */
export function macIsGroup(buf: Uint8Array, off: number): boolean {
  return (buf[off] & 1) === 1;
}

/** ff:ff:ff:ff:ff:ff. Never write into it. */
export const MAC_BROADCAST = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/** Parses "02:00:5e:00:00:02" (six pairs of hex digits) into a station address; throws one line
 *  naming the expected form, or saying a group address cannot be a station's. The board's
 *  configuration and the simulator's command line both use it. */
export function parseMac(s: string): Uint8Array {
  // Split on ':', then a class twice per pair: Espruino's regular expressions lack {n}
  // quantifiers (docs/espruino.md); one test, where a helper function would cost RAM.
  const parts = String(s).split(':');
  const b = new Uint8Array(6);
  let ok = parts.length === 6;
  for (let i = 0; ok && i < 6; i++) {
    ok = /^[0-9a-f][0-9a-f]$/i.test(parts[i]);
    b[i] = parseInt(parts[i], 16);
  }
  if (!ok) throw new Error('bad mac "' + s + '": use six hex bytes like 02:00:5e:00:00:02');
  if (b[0] & 1) throw new Error('bad mac "' + s + '": a station address must be unicast (first byte even)');
  return b;
}

/** "02:00:00:00:00:01" style text for logs and tests (allocates: not for the packet path). */
export function macToString(buf: Uint8Array, off: number): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const b = buf[off + i];
    s += (i ? ':' : '') + (b < 16 ? '0' : '') + b.toString(16);
  }
  return s;
}
