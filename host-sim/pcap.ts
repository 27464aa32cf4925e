// Classic libpcap files (https://www.tcpdump.org/manpages/pcap-savefile.5.html): a writer for the
// simulator's captures (LINKTYPE_ETHERNET, virtual timestamps in microseconds) and a reader for
// any capture, ours or tcpdump's (both byte orders, micro- and nanosecond magic). Malformed or
// truncated files give a PcapError with a one-line message.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

export class PcapError extends Error {}

export interface PcapRecord { timeMs: number; data: Uint8Array; origLen: number }
export interface Pcap { linkType: number; snapLen: number; records: PcapRecord[] }

export class PcapWriter {
  private fd: number | null;
  frames = 0;

  constructor(readonly path: string, snapLen = 65535, linkType = LINKTYPE_ETHERNET) {
    this.fd = openSync(path, 'w');
    const h = Buffer.alloc(24);
    h.writeUInt32LE(MAGIC_US, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8);
    h.writeUInt32LE(0, 12);
    h.writeUInt32LE(snapLen, 16);
    h.writeUInt32LE(linkType, 20);
    writeSync(this.fd, h);
  }

  /** Appends one frame captured at `timeMs` (virtual or wall milliseconds). */
  write(timeMs: number, frame: Uint8Array): void {
    if (this.fd === null) return;
    const us = Math.round(timeMs * 1000);
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(us / 1e6), 0);
    h.writeUInt32LE(us % 1e6, 4);
    h.writeUInt32LE(frame.length, 8);
    h.writeUInt32LE(frame.length, 12);
    writeSync(this.fd, h);
    writeSync(this.fd, frame);
    this.frames++;
  }

  close(): void {
    if (this.fd !== null) { closeSync(this.fd); this.fd = null; }
  }
}

export function parsePcap(buf: Uint8Array, name = 'capture'): Pcap {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 24) throw new PcapError(`${name}: not a pcap file (${b.length} bytes, shorter than the 24-byte header)`);
  let le: boolean, ns: boolean;
  const m = b.readUInt32LE(0);
  if (m === MAGIC_US) { le = true; ns = false; }
  else if (m === MAGIC_NS) { le = true; ns = true; }
  else if (b.readUInt32BE(0) === MAGIC_US) { le = false; ns = false; }
  else if (b.readUInt32BE(0) === MAGIC_NS) { le = false; ns = true; }
  else if (m === 0x0a0d0d0a) throw new PcapError(`${name}: this is a pcapng file; convert it with: editcap -F pcap in.pcapng out.pcap`);
  else throw new PcapError(`${name}: not a pcap file (bad magic 0x${m.toString(16)})`);
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const snapLen = u32(16);
  const linkType = u32(20) & 0xffff;
  const records: PcapRecord[] = [];
  let off = 24;
  while (off < b.length) {
    if (off + 16 > b.length) throw new PcapError(`${name}: truncated record header at byte ${off} (record ${records.length + 1})`);
    const sec = u32(off), frac = u32(off + 4), incl = u32(off + 8), orig = u32(off + 12);
    if (incl > 262144) throw new PcapError(`${name}: record ${records.length + 1} at byte ${off} claims ${incl} bytes: corrupt file`);
    if (off + 16 + incl > b.length) throw new PcapError(`${name}: truncated record ${records.length + 1} at byte ${off} (${incl} bytes claimed, ${b.length - off - 16} present)`);
    records.push({ timeMs: sec * 1000 + (ns ? frac / 1e6 : frac / 1e3), data: new Uint8Array(b.buffer, b.byteOffset + off + 16, incl), origLen: orig });
    off += 16 + incl;
  }
  return { linkType, snapLen, records };
}

export function readPcap(path: string): Pcap {
  let data: Buffer;
  try { data = readFileSync(path); } catch (e) { throw new PcapError(`${path}: cannot read: ${(e as Error).message}`); }
  return parsePcap(data, path);
}
