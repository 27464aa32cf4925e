// Captures. Classic libpcap files (https://www.tcpdump.org/manpages/pcap-savefile.5.html): a
// writer (LINKTYPE_ETHERNET, timestamps in microseconds) and a reader for any capture, ours or
// tcpdump's (both byte orders, micro- and nanosecond magic). pcapng (RFC draft
// draft-ietf-opsawg-pcapng, https://ietf-opsawg-wg.github.io/draft-ietf-opsawg-pcap/draft-ietf-opsawg-pcapng.html):
// a writer with per-packet comments (opt_comment), which the simulator uses to mark injected
// faults (Wireshark and tshark show them as frame.comment), and a reader (any byte order, several
// interfaces, if_tsresol and if_tsoffset). Malformed or truncated files give a PcapError with a
// one-line message.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

export class PcapError extends Error {}

export interface PcapRecord {
  timeMs: number; data: Uint8Array; origLen: number;
  /** pcapng: the record's comments, and its interface's link type when it differs per interface. */
  comments?: string[]; linkType?: number;
}
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

const PCAPNG_SHB = 0x0a0d0d0a, PCAPNG_BOM = 0x1a2b3c4d;

/** A pcapng writer: one section, one interface, Enhanced Packet Blocks with optional comments.
 *  Each packet is written at once (a live capture can be read while it grows). */
export class PcapngWriter {
  private fd: number | null;
  frames = 0;

  constructor(readonly path: string, opts: { snapLen?: number; linkType?: number; app?: string; ifName?: string } = {}) {
    this.fd = openSync(path, 'w');
    const shbOpts = opts.app ? option(4, opts.app) : Buffer.alloc(0);
    writeSync(this.fd, block(PCAPNG_SHB, Buffer.concat([u32le(PCAPNG_BOM), u16le(1), u16le(0), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])]), shbOpts));
    const idb = Buffer.concat([u16le(opts.linkType ?? LINKTYPE_ETHERNET), u16le(0), u32le(opts.snapLen ?? 65535)]);
    writeSync(this.fd, block(1, idb, opts.ifName ? option(2, opts.ifName) : Buffer.alloc(0))); // if_tsresol: default, microseconds
  }

  /** Appends one frame captured at `timeMs` (milliseconds since 1970), with its comments. */
  write(timeMs: number, frame: Uint8Array, comments: string[] = []): void {
    if (this.fd === null) return;
    const us = Math.round(timeMs * 1000);
    const hi = Math.floor(us / 0x100000000), lo = us - hi * 0x100000000;
    const pad = (4 - (frame.length & 3)) & 3;
    const fixed = Buffer.concat([u32le(0), u32le(hi), u32le(lo), u32le(frame.length), u32le(frame.length), Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), Buffer.alloc(pad)]);
    writeSync(this.fd, block(6, fixed, Buffer.concat(comments.map((c) => option(1, c)))));
    this.frames++;
  }

  close(): void {
    if (this.fd !== null) { closeSync(this.fd); this.fd = null; }
  }
}

function u16le(v: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; }
function u32le(v: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; }

/** One pcapng option (code, length, value padded to 4 bytes). */
function option(code: number, value: string): Buffer {
  const v = Buffer.from(value, 'utf8');
  return Buffer.concat([u16le(code), u16le(v.length), v, Buffer.alloc((4 - (v.length & 3)) & 3)]);
}

/** One pcapng block: type, total length, body, options (closed by opt_endofopt), total length. */
function block(type: number, body: Buffer, opts: Buffer): Buffer {
  const end = opts.length ? Buffer.concat([opts, Buffer.alloc(4)]) : opts;
  const len = 12 + body.length + end.length;
  return Buffer.concat([u32le(type), u32le(len), body, end, u32le(len)]);
}

function parsePcapng(b: Buffer, name: string): Pcap {
  const records: PcapRecord[] = [];
  let ifaces: { linkType: number; snapLen: number; unitsPerSec: number; offsetSec: number }[] = [];
  let le = true;
  let off = 0, n = 0;
  const first: { linkType: number; snapLen: number } = { linkType: -1, snapLen: 0 };
  while (off < b.length) {
    n++;
    if (off + 12 > b.length) throw new PcapError(`${name}: truncated pcapng block ${n} at byte ${off}`);
    const type = le ? b.readUInt32LE(off) : b.readUInt32BE(off);
    if (type === PCAPNG_SHB) {
      const bom = b.readUInt32LE(off + 8);
      if (bom === PCAPNG_BOM) le = true;
      else if (b.readUInt32BE(off + 8) === PCAPNG_BOM) le = false;
      else throw new PcapError(`${name}: corrupt pcapng section header at byte ${off} (bad byte-order magic)`);
      ifaces = [];
    }
    const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const u16 = (o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const len = u32(off + 4);
    if (len < 12 || len % 4 !== 0) throw new PcapError(`${name}: corrupt pcapng block ${n} at byte ${off} (length ${len})`);
    if (off + len > b.length) throw new PcapError(`${name}: truncated pcapng block ${n} at byte ${off} (${len} bytes claimed, ${b.length - off} present)`);
    if (u32(off + len - 4) !== len) throw new PcapError(`${name}: corrupt pcapng block ${n} at byte ${off} (its two lengths differ)`);
    const end = off + len - 4;
    /** The options from `o` to the block's end: code -> values. */
    const options = (o: number): Map<number, Buffer[]> => {
      const m = new Map<number, Buffer[]>();
      while (o + 4 <= end) {
        const code = u16(o), l = u16(o + 2);
        if (code === 0) break;
        if (o + 4 + l > end) throw new PcapError(`${name}: corrupt option in pcapng block ${n} at byte ${o}`);
        const list = m.get(code) ?? [];
        list.push(b.subarray(o + 4, o + 4 + l));
        m.set(code, list);
        o += 4 + l + ((4 - (l & 3)) & 3);
      }
      return m;
    };
    const packet = (iface: number, hi: number, lo: number, capOff: number, capLen: number, origLen: number, optOff: number) => {
      const f = ifaces[iface];
      if (!f) throw new PcapError(`${name}: pcapng block ${n} at byte ${off} names interface ${iface}, which was not described`);
      if (capOff + capLen > end) throw new PcapError(`${name}: corrupt pcapng block ${n} at byte ${off} (${capLen} captured bytes do not fit)`);
      const comments = (options(optOff).get(1) ?? []).map((v) => v.toString('utf8'));
      const r: PcapRecord = { timeMs: ((hi * 0x100000000 + lo) / f.unitsPerSec + f.offsetSec) * 1000, data: new Uint8Array(b.buffer, b.byteOffset + capOff, capLen), origLen };
      if (comments.length) r.comments = comments;
      if (f.linkType !== first.linkType) r.linkType = f.linkType;
      records.push(r);
    };
    if (type === 1) { // Interface Description Block
      if (len < 20) throw new PcapError(`${name}: corrupt pcapng interface block at byte ${off}`);
      const o = options(off + 16);
      const res = o.get(9)?.[0]?.[0] ?? 6;
      const offsetBuf = o.get(14)?.[0];
      const offsetSec = offsetBuf && offsetBuf.length === 8 ? Number(le ? offsetBuf.readBigInt64LE(0) : offsetBuf.readBigInt64BE(0)) : 0;
      const f = { linkType: u16(off + 8), snapLen: u32(off + 12), unitsPerSec: res & 0x80 ? 2 ** (res & 0x7f) : 10 ** res, offsetSec };
      ifaces.push(f);
      if (first.linkType < 0) { first.linkType = f.linkType; first.snapLen = f.snapLen; }
    } else if (type === 6) { // Enhanced Packet Block
      if (len < 32) throw new PcapError(`${name}: corrupt pcapng packet block ${n} at byte ${off}`);
      const capLen = u32(off + 20);
      packet(u32(off + 8), u32(off + 12), u32(off + 16), off + 28, capLen, u32(off + 24), off + 28 + capLen + ((4 - (capLen & 3)) & 3));
    } else if (type === 2) { // Packet Block (obsolete)
      if (len < 32) throw new PcapError(`${name}: corrupt pcapng packet block ${n} at byte ${off}`);
      const capLen = u32(off + 20);
      packet(u16(off + 8), u32(off + 12), u32(off + 16), off + 28, capLen, u32(off + 24), off + 28 + capLen + ((4 - (capLen & 3)) & 3));
    } else if (type === 3) { // Simple Packet Block: interface 0, no timestamp
      if (len < 16) throw new PcapError(`${name}: corrupt pcapng packet block ${n} at byte ${off}`);
      const origLen = u32(off + 8);
      packet(0, 0, 0, off + 12, Math.min(origLen, len - 16), origLen, end);
    }
    off += len;
  }
  if (first.linkType < 0) throw new PcapError(`${name}: pcapng file without an interface description block`);
  return { linkType: first.linkType, snapLen: first.snapLen, records };
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
  else if (m === PCAPNG_SHB) return parsePcapng(b, name);
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
