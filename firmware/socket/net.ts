// The user API, shaped like Node's and Espruino's `net`: createServer / listen / close, connect,
// and a Socket with write (false past the high-water mark, then 'drain'), end, destroy, pause,
// resume, setNoDelay, setKeepAlive, setTimeout, addresses and byte counts, and the events
// connect, data (Uint8Array), end, close, error (err.code ECONNREFUSED, ECONNRESET, ETIMEDOUT,
// ENOTFOUND, ...), drain, timeout. Strings are written as bytes of their character codes
// (latin1, as Espruino's strings are).
import { Emitter } from './emitter.ts';
import type { Conn, ConnUser, Tcp } from '../tcp/tcp.ts';
import { CLOSED } from '../tcp/tcp.ts';
import { ipFromString, ipToString } from '../wire/ipv4.ts';

export type Resolver = (host: string, cb: (err: string | null, ip: number) => void) => void;

const MESSAGES: { [code: string]: string } = {
  ECONNREFUSED: 'connection refused', ECONNRESET: 'connection reset by peer', ETIMEDOUT: 'connection timed out',
  EADDRNOTAVAIL: 'local address changed', ENOTFOUND: 'host not found', EMFILE: 'connection table full',
  ENETUNREACH: 'no address configured', EADDRINUSE: 'port in use', EINVAL: 'invalid argument',
};

export function netError(code: string, detail: string): Error {
  const e = new Error(code + ' ' + (MESSAGES[code] || code) + (detail ? ' (' + detail + ')' : '')) as Error & { code: string };
  e.code = code;
  return e;
}

function defer(fn: () => void): void { Promise.resolve().then(fn); }

export function toBytes(data: Uint8Array | string): Uint8Array {
  if (typeof data !== 'string') return data;
  const b = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) b[i] = data.charCodeAt(i) & 255;
  return b;
}

export interface SocketOptions { highWaterMark?: number; sndBuf?: number; rcvBuf?: number }

export class Socket extends Emitter implements ConnUser {
  conn: Conn | null = null;
  remoteAddress = '';
  remotePort = 0;
  localPort = 0;
  bytesRead = 0;
  bytesWritten = 0;
  connecting = false;
  destroyed = false;
  readonly highWaterMark: number;
  private queue: Uint8Array[] = [];
  private queued = 0;
  private needDrain = false;
  private ending = false;
  private paused = false;
  private endPending = false;
  private ended = false;

  constructor(readonly tcp: Tcp, opts?: SocketOptions) {
    super();
    this.highWaterMark = opts && opts.highWaterMark ? opts.highWaterMark : tcp.cfg.sndBuf;
  }

  /** @internal binds the socket to its connection. */
  attach(c: Conn): void {
    this.conn = c;
    c.user = this;
    this.remoteAddress = ipToString(c.rip);
    this.remotePort = c.rport;
    this.localPort = c.lport;
  }

  /** Queues data; false once more than highWaterMark bytes wait (then 'drain' follows). */
  write(data: Uint8Array | string): boolean {
    if (this.ending || this.destroyed) {
      const self = this;
      defer(function () { self.emit('error', netError('EPIPE', 'write after end')); });
      return false;
    }
    const b = toBytes(data);
    if (b.length) { this.queue.push(b); this.queued += b.length; }
    this.flush();
    const ok = this.queued + (this.conn ? this.conn.unacked : 0) < this.highWaterMark;
    if (!ok) this.needDrain = true;
    return ok;
  }

  /** Half-close: a FIN after everything written. */
  end(data?: Uint8Array | string): this {
    if (data !== undefined) this.write(data);
    this.ending = true;
    this.flush();
    return this;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    if (this.conn && this.conn.state !== CLOSED) this.tcp.abort(this.conn);
    return this;
  }

  pause(): this { this.paused = true; return this; }

  resume(): this {
    this.paused = false;
    if (this.conn) this.read(this.conn);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    if (this.conn) { this.conn.noDelay = noDelay !== false; if (this.conn.noDelay) this.tcp.dispatch(this.conn); }
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
    return { address: this.conn ? ipToString(this.conn.lip) : '', port: this.localPort };
  }

  private flush(): void {
    const c = this.conn;
    if (!c || this.connecting) return;
    while (this.queue.length) {
      const b = this.queue[0];
      const n = this.tcp.send(c, b, 0, b.length);
      if (n <= 0) break;
      this.bytesWritten += n;
      this.queued -= n;
      if (n === b.length) this.queue.shift(); else { this.queue[0] = b.subarray(n); break; }
    }
    if (!this.queue.length && this.ending && c.state !== CLOSED) this.tcp.close(c);
  }

  private read(c: Conn): void {
    while (!this.paused && c.readable > 0) {
      const b = new Uint8Array(c.readable);
      const n = this.tcp.recv(c, b, 0, b.length);
      if (n <= 0) break;
      this.bytesRead += n;
      this.emit('data', n === b.length ? b : b.subarray(0, n));
    }
    if (this.endPending && !this.paused && c.readable === 0) { this.endPending = false; this.emitEnd(); }
  }

  private emitEnd(): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('end');
  }

  // ---- ConnUser ----

  onConnect(c: Conn): void {
    this.connecting = false;
    this.localPort = c.lport;
    this.emit('connect');
    this.flush();
  }

  onReadable(c: Conn): void { this.read(c); }

  onEnd(c: Conn): void {
    if (c.readable > 0 || this.paused) this.endPending = true;
    else this.emitEnd();
  }

  onWritable(c: Conn): void {
    this.flush();
    if (this.needDrain && !this.queue.length && c.unacked < this.highWaterMark) {
      this.needDrain = false;
      this.emit('drain');
    }
  }

  onClose(c: Conn, err: string | null): void {
    this.connecting = false;
    // Data still in the ring is delivered before the end of the story.
    if (c.readable > 0 && !this.destroyed) { this.paused = false; this.read(c); }
    if (err) this.emit('error', netError(err, this.remoteAddress + ':' + this.remotePort));
    else if (!this.ended && c.finRcvd) this.emitEnd();
    this.destroyed = true;
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
    s.connecting = true;
    s.remotePort = opts.port;
    if (cb) s.once('connect', cb);
    const host = opts.host || '127.0.0.1';
    const start = function (ip: number) {
      s.remoteAddress = ipToString(ip);
      const c = tcp.connect(ip, opts.port, s, { sndBuf: opts.sndBuf, rcvBuf: opts.rcvBuf, localPort: opts.localPort });
      if (!c) {
        s.connecting = false;
        s.destroyed = true;
        const code = tcp.iface.ip ? 'EMFILE' : 'ENETUNREACH';
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
          s.connecting = false;
          s.destroyed = true;
          defer(function () { s.emit('error', netError(err === 'ETIMEDOUT' ? 'ETIMEDOUT' : 'ENOTFOUND', host)); s.emit('close', true); });
          return;
        }
        if (!s.destroyed) start(ip);
      });
    } else {
      s.destroyed = true;
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
