// The user API, shaped like Node's and Espruino's `net`: createServer / listen / close, connect,
// and a Socket with write (false past the high-water mark, then 'drain'), end, destroy, pause,
// resume, setNoDelay, setKeepAlive, setTimeout, addresses and byte counts, and the events
// connect, data (Uint8Array), end, close, error (err.code ECONNREFUSED, ECONNRESET, ETIMEDOUT,
// ENOTFOUND, ...), drain, timeout. Strings are written as bytes of their character codes
// (latin1, as Espruino's strings are).
import { Emitter } from './emitter.ts';
import type { Conn, ConnUser, Tcp } from '../tcp/tcp.ts';
import { BYTES_IN, BYTES_OUT, CFG_SND_BUF, CLOSED, FIN_RCVD, FLAGS, LIP, LPORT, NO_DELAY, RB_LEN, RIP, RPORT, SB_LEN } from '../tcp/tcp.ts';
import { ipFromString, ipToString } from '../wire/ipv4.ts';
import { stringToBytes } from '../wire/bytes.ts';

export type Resolver = (host: string, cb: (err: string | null, ip: number) => void) => void;

/** An error as Node's net gives it: `code` (ECONNREFUSED, ECONNRESET, ETIMEDOUT, EADDRNOTAVAIL,
 *  ENOTFOUND, EMFILE, ENETUNREACH, EADDRINUSE, EPIPE) in `err.code`, and the message the code
 *  followed by what it concerns, like Node's "connect ECONNREFUSED 198.18.0.2:1234" without the
 *  system call's name. */
export function netError(code: string, detail: string): Error {
  const e = new Error(detail ? code + ' ' + detail : code) as Error & { code: string };
  e.code = code;
  return e;
}

function defer(fn: () => void): void { Promise.resolve().then(fn); }

export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? stringToBytes(data) : data;
}

export interface SocketOptions { highWaterMark?: number; sndBuf?: number; rcvBuf?: number }

// Socket flags (one small integer per socket: an Espruino property per flag would cost 2 blocks).
const CONNECTING = 1, DESTROYED = 2, NEED_DRAIN = 4, ENDING = 8, PAUSED = 16, END_PENDING = 32, ENDED = 64;

export class Socket extends Emitter implements ConnUser {
  conn: Conn | null = null;
  /** Flags: CONNECTING ... ENDED. */
  private f = 0;
  // Present only while needed (an Espruino property costs RAM per socket even when null):
  /** Data written while connecting or beyond the send ring, and its length. */
  private q?: Uint8Array[];
  private qn?: number;
  /** The peer as asked for, until the connection exists. */
  private ra?: string;
  private rp?: number;
  /** A high-water mark other than the send ring's size. */
  private hw?: number;

  constructor(readonly tcp: Tcp, opts?: SocketOptions) {
    super();
    if (opts && opts.highWaterMark) this.hw = opts.highWaterMark;
  }

  // Node's fields, read from the connection (per-socket RAM is counted: see Conn).
  get remoteAddress(): string { return this.conn ? ipToString(this.conn.s[RIP]) : this.ra || ''; }
  get remotePort(): number { return this.conn ? this.conn.s[RPORT] : this.rp || 0; }
  get localPort(): number { return this.conn ? this.conn.s[LPORT] : 0; }
  get bytesRead(): number { return this.conn ? this.conn.s[BYTES_IN] : 0; }
  get bytesWritten(): number { return this.conn ? this.conn.s[BYTES_OUT] : 0; }
  get connecting(): boolean { return (this.f & CONNECTING) !== 0; }
  get destroyed(): boolean { return (this.f & DESTROYED) !== 0; }
  get highWaterMark(): number { return this.hw || this.tcp.cfg[CFG_SND_BUF]; }

  /** @internal the peer asked for, while connecting. */
  connectTo(host: string, port: number): void { this.ra = host; this.rp = port; this.f |= CONNECTING; }

  /** @internal connecting failed before a connection existed. */
  failed(): void { this.f = (this.f & ~CONNECTING) | DESTROYED; }

  /** @internal binds the socket to its connection. */
  attach(c: Conn): void {
    this.conn = c;
    c.user = this;
    delete this.ra;
    delete this.rp;
  }

  /** Queues data; false once more than highWaterMark bytes wait (then 'drain' follows). */
  write(data: Uint8Array | string): boolean {
    if (this.f & (ENDING | DESTROYED)) {
      const self = this;
      defer(function () { self.emit('error', netError('EPIPE', 'write after end')); });
      return false;
    }
    const b = toBytes(data);
    if (b.length) {
      if (this.q) { this.q.push(b); this.qn = (this.qn || 0) + b.length; } else { this.q = [b]; this.qn = b.length; }
    }
    this.flush();
    const ok = (this.qn || 0) + (this.conn ? this.conn.s[SB_LEN] : 0) < this.highWaterMark;
    if (!ok) this.f |= NEED_DRAIN;
    return ok;
  }

  /** Half-close: a FIN after everything written. */
  end(data?: Uint8Array | string): this {
    if (data !== undefined) this.write(data);
    this.f |= ENDING;
    this.flush();
    return this;
  }

  destroy(): this {
    if (this.f & DESTROYED) return this;
    this.f |= DESTROYED;
    if (this.conn && this.conn.state !== CLOSED) this.tcp.abort(this.conn);
    return this;
  }

  pause(): this { this.f |= PAUSED; return this; }

  resume(): this {
    this.f &= ~PAUSED;
    if (this.conn) this.read(this.conn);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    const c = this.conn;
    if (c && noDelay !== false) { c.s[FLAGS] |= NO_DELAY; this.tcp.dispatch(c); }
    else if (c) c.s[FLAGS] &= ~NO_DELAY;
    return this;
  }

  setKeepAlive(enable?: boolean): this {
    if (this.conn) this.tcp.setKeepAlive(this.conn, enable !== false);
    return this;
  }

  /** Emits 'timeout' after ms without traffic (0 turns it off); the socket stays open. */
  setTimeout(ms: number, cb?: () => void): this {
    if (cb) this.once('timeout', cb);
    if (this.conn) this.tcp.setIdle(this.conn, ms);
    return this;
  }

  address(): { address: string; port: number } {
    return { address: this.conn ? ipToString(this.conn.s[LIP]) : '', port: this.localPort };
  }

  private flush(): void {
    const c = this.conn;
    const q = this.q;
    if (!c || (this.f & CONNECTING)) return;
    while (q && q.length) {
      const b = q[0];
      const n = this.tcp.send(c, b, 0, b.length);
      if (n <= 0) break;
      this.qn = (this.qn || 0) - n;
      if (n === b.length) q.shift(); else { q[0] = b.subarray(n); break; }
    }
    if (q && !q.length) { delete this.q; delete this.qn; }
    if (!this.q && (this.f & ENDING) && c.state !== CLOSED) this.tcp.close(c);
  }

  private read(c: Conn): void {
    while (!(this.f & PAUSED) && c.s[RB_LEN] > 0) {
      const b = new Uint8Array(c.s[RB_LEN]);
      const n = this.tcp.recv(c, b, 0, b.length);
      if (n <= 0) break;
      this.emit('data', n === b.length ? b : b.subarray(0, n));
    }
    if ((this.f & (END_PENDING | PAUSED)) === END_PENDING && c.s[RB_LEN] === 0) { this.f &= ~END_PENDING; this.emitEnd(); }
  }

  private emitEnd(): void {
    if (this.f & ENDED) return;
    this.f |= ENDED;
    this.emit('end');
  }

  // ---- ConnUser ----

  onConnect(): void {
    this.f &= ~CONNECTING;
    this.emit('connect');
    this.flush();
  }

  onReadable(c: Conn): void { this.read(c); }

  onEnd(c: Conn): void {
    if (c.s[RB_LEN] > 0 || (this.f & PAUSED)) this.f |= END_PENDING;
    else this.emitEnd();
  }

  onWritable(c: Conn): void {
    this.flush();
    if ((this.f & NEED_DRAIN) && !this.q && c.s[SB_LEN] < this.highWaterMark) {
      this.f &= ~NEED_DRAIN;
      this.emit('drain');
    }
  }

  onClose(c: Conn, err: string | null): void {
    this.f &= ~CONNECTING;
    // Data still in the ring is delivered before the end of the story.
    if (c.s[RB_LEN] > 0 && !(this.f & DESTROYED)) { this.f &= ~PAUSED; this.read(c); }
    if (err) this.emit('error', netError(err, this.remoteAddress + ':' + this.remotePort));
    else if (!(this.f & ENDED) && (c.s[FLAGS] & FIN_RCVD)) this.emitEnd();
    this.f |= DESTROYED;
    this.emit('close', !!err);
  }

  onIdle(): void { this.emit('timeout'); }
}

export class Server extends Emitter {
  port = 0;
  listening = false;
  private readonly sockets: Socket[] = [];

  constructor(readonly tcp: Tcp, onConnection?: (s: Socket) => void) {
    super();
    if (onConnection) this.on('connection', onConnection);
  }

  listen(port: number, cb?: () => void): this {
    const self = this;
    const l = this.tcp.listen(port, function (c: Conn) {
      const s = new Socket(self.tcp);
      s.attach(c);
      self.emit('connection', s);
    });
    if (!l) { defer(function () { self.emit('error', netError('EADDRINUSE', 'port ' + port)); }); return this; }
    this.port = port;
    this.listening = true;
    if (cb) defer(cb);
    defer(function () { self.emit('listening'); });
    return this;
  }

  /** Stops accepting; established connections go on. */
  close(cb?: () => void): this {
    if (this.listening) this.tcp.unlisten(this.port);
    this.listening = false;
    if (cb) defer(cb);
    defer(() => this.emit('close'));
    return this;
  }

  address(): { port: number } { return { port: this.port }; }
}

export interface ConnectOptions { host?: string; port: number; sndBuf?: number; rcvBuf?: number; localPort?: number }

/** The `net` module over one Tcp; `resolve` answers host names (synack's DNS client). */
export function createNet(tcp: Tcp, resolve?: Resolver) {
  function connect(a: ConnectOptions | number, b?: string | (() => void), cb?: () => void): Socket {
    let opts: ConnectOptions;
    if (typeof a === 'number') { opts = { port: a, host: typeof b === 'string' ? b : undefined }; if (typeof b === 'function') cb = b; }
    else { opts = a; if (typeof b === 'function') cb = b; }
    const s = new Socket(tcp, opts);
    const host = opts.host || '127.0.0.1';
    s.connectTo(host, opts.port);
    if (cb) s.once('connect', cb);
    const start = function (ip: number) {
      const c = tcp.connect(ip, opts.port, s, { sndBuf: opts.sndBuf, rcvBuf: opts.rcvBuf, localPort: opts.localPort });
      if (!c) {
        s.failed();
        // What refused it: no address, memory (ENOMEM), a full table (EMFILE).
        const code = !tcp.netif.ip ? 'ENETUNREACH' : tcp.refused === 2 ? 'ENOMEM' : 'EMFILE';
        defer(function () { s.emit('error', netError(code, host + ':' + opts.port)); s.emit('close', true); });
        return;
      }
      s.attach(c);
    };
    const literal = ipFromString(host);
    if (literal >= 0) start(literal >>> 0);
    else if (resolve) {
      resolve(host, function (err, ip) {
        if (err || !ip) {
          s.failed();
          defer(function () { s.emit('error', netError(err === 'ETIMEDOUT' ? 'ETIMEDOUT' : 'ENOTFOUND', host)); s.emit('close', true); });
          return;
        }
        if (!s.destroyed) start(ip);
      });
    } else {
      s.failed();
      defer(function () { s.emit('error', netError('ENOTFOUND', host + ': no resolver')); s.emit('close', true); });
    }
    return s;
  }
  return {
    createServer: function (onConnection?: (s: Socket) => void) { return new Server(tcp, onConnection); },
    connect: connect,
    createConnection: connect,
  };
}

export type Net = ReturnType<typeof createNet>;
