// A byte source on port 19 (in the spirit of chargen, RFC 864, but finite): each connection is
// sent `total` bytes of a repeating printable pattern, then closed. Data is produced only as the
// send ring has room, so memory stays bounded whatever `total` is; input is discarded.
import { RB_LEN, type Conn, type ConnUser, type Tcp } from '../tcp/tcp.ts';
import { nothing, serve } from './serve.ts';

const LINE = 72; // chargen's line width

/** One period of the pattern: lines of 72 printable characters rotating by one. */
function makePattern(size: number): Uint8Array {
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

/** The pattern while a connection of the source is open (made by the first, let go by the last:
 *  an idle board keeps none, 114 blocks on a Pico for the default 1460 bytes). */
class Pattern {
  bytes: Uint8Array | null = null;
  users = 0;
  constructor(readonly size: number) {}
  take(): Uint8Array {
    this.users++;
    if (!this.bytes) this.bytes = makePattern(this.size);
    return this.bytes;
  }
  release(): void { if (--this.users === 0) this.bytes = null; }
}

/** One connection's progress: `sent` of `total` bytes. */
class SourceConn implements ConnUser {
  sent = 0;
  readonly pattern: Uint8Array;
  constructor(readonly tcp: Tcp, readonly total: number, readonly shared: Pattern) { this.pattern = shared.take(); }
  onConnect(): void { /* passive: accepted */ }
  onReadable(c: Conn): void { this.tcp.recv(c, null, 0, c.s[RB_LEN]); }
  /** Fills the send ring from where the stream is in the pattern; closes after the last byte. */
  onWritable(c: Conn): void {
    const p = this.pattern;
    while (this.sent < this.total) {
      const at = this.sent % p.length;
      let n = p.length - at;
      if (n > this.total - this.sent) n = this.total - this.sent;
      if (n > c.writable) n = c.writable;
      if (n <= 0) return;
      this.tcp.send(c, p, at, n);
      this.sent += n;
    }
    if (this.sent === this.total) { this.sent++; this.tcp.close(c); }
  }
  onEnd(): void { /* the peer's FIN: the rest is still sent, then we close */ }
  onClose(): void { this.sent = this.total + 1; this.shared.release(); }
}

export function startSource(tcp: Tcp, port: number, total: number, chunk?: number): boolean {
  const pattern = new Pattern(chunk || 1460);
  return serve(tcp, port, function () { return new SourceConn(tcp, total, pattern); });
}
