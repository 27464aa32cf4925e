// A byte source on port 19 (in the spirit of chargen, RFC 864, but finite): each connection is
// sent `total` bytes of a repeating printable pattern, then closed. Data is produced only as the
// send ring has room, so memory stays bounded whatever `total` is; input is discarded.
import { RB_LEN, type Conn, type ConnUser, type Tcp } from '../tcp/tcp.ts';

const LINE = 72; // chargen's line width
/** The pattern's period: one full-sized segment's data on Ethernet. */
export const PATTERN_BYTES = 1460;

/** One period of the pattern: lines of 72 printable characters rotating by one. */
export function makePattern(size: number): Uint8Array {
  const p = new Uint8Array(size);
  let first = 0;
  let i = 0;
  while (i < size) {
    for (let c = 0; c < LINE && i < size; c++) p[i++] = 32 + ((first + c) % 95);
    if (i < size) p[i++] = 10;
    first = (first + 1) % 95;
  }
  return p;
}

/** What the source's connections share (the apps object, apps/index.ts): the bytes each sends,
 *  and the pattern, made by the first open connection and let go by the last (an idle board
 *  keeps none: 114 blocks on a Pico). */
export interface SourceHost {
  readonly tcp: Tcp;
  readonly total: number;
  takePattern(): Uint8Array;
  releasePattern(): void;
}

/** One connection's progress: `sent` of the host's `total` bytes. */
export class SourceConn implements ConnUser {
  sent = 0;
  readonly pattern: Uint8Array;
  constructor(readonly host: SourceHost) { this.pattern = host.takePattern(); }
  onReadable(c: Conn): void { this.host.tcp.recv(c, null, 0, c.s[RB_LEN]); }
  /** Fills the send ring from where the stream is in the pattern; closes after the last byte. */
  onWritable(c: Conn): void {
    const p = this.pattern, total = this.host.total;
    while (this.sent < total) {
      const at = this.sent % p.length;
      let n = p.length - at;
      if (n > total - this.sent) n = total - this.sent;
      if (n > c.writable) n = c.writable;
      if (n <= 0) return;
      this.host.tcp.send(c, p, at, n);
      this.sent += n;
    }
    if (this.sent === total) { this.sent++; this.host.tcp.close(c); }
  }
  onEnd(): void { /* the peer's FIN: the rest is still sent, then we close */ }
  onClose(): void { this.sent = this.host.total + 1; this.host.releasePattern(); }
}
