// The default apps, each switchable in the board configuration: TCP echo (RFC 862) on 7, discard
// (RFC 863) on 9, a byte source on 19, the status page on 80. They sit on the TCP connections
// themselves, as the NetworkJS adapter does, so a board running them does not load the net-style
// API. What they keep while idle is one object (Apps) and one accept function for all four
// listeners: on a Pico every function made at start costs 8 blocks or more and every object
// property 1 or 2, so per-app closures and user objects were about 190 blocks of an idle board.
import { CLOSE_WAIT, LPORT, RB_LEN, type Conn, type ConnUser, type Tcp } from '../tcp/tcp.ts';
import { echoPump } from './echo.ts';
import { makePattern, PATTERN_BYTES, SourceConn, type SourceHost } from './source.ts';
import { IDLE_MS, StatusConn } from './http-status.ts';
import { StackStatus } from './status-source.ts';
import type { Stack } from '../stack.ts';

export interface AppsConfig {
  /** ICMP echo (ping) answered by the interface (default on). */
  icmpEcho?: boolean;
  /** TCP echo on port 7 (default on). */
  echo?: boolean;
  /** TCP discard on port 9 (default on). */
  discard?: boolean;
  /** Bytes the source on port 19 sends per connection; 0 turns it off (default 64 KiB on a
   *  board, the simulator passes 10 MiB). */
  source?: number;
  /** HTTP status page on port 80 (default on). */
  http?: boolean;
}

export const DEFAULT_SOURCE_BYTES = 65536;

const ECHO_PORT = 7, DISCARD_PORT = 9, SOURCE_PORT = 19, HTTP_PORT = 80;
/** Echo and discard connections with nothing received for this long are aborted (ms). */
export const ECHO_IDLE_MS = 60000;

/** The apps of one stack. It is the status page's data source, the byte source's host (the
 *  pattern its connections share), and the user of every echo and discard connection, which keep
 *  no state of their own: its ConnUser methods tell the two apart by the local port. The source
 *  and the status page get an object per connection. */
class Apps extends StackStatus implements ConnUser, SourceHost {
  /** The byte source's pattern while one of its connections is open, and how many are. */
  pattern: Uint8Array | null = null;
  sources = 0;
  constructor(readonly tcp: Tcp, st: Stack, readonly total: number) { super(st); }

  /** A connection accepted on one of the apps' ports gets its app as its user. What came before
   *  the accept (data, or the peer's FIN with the handshake's last segment) is handed over at
   *  once, and the app is told it may write. */
  accept(c: Conn): void {
    const port = c.s[LPORT];
    let u: ConnUser = this;
    // Idle timeouts: the status page's IDLE_MS, echo and discard ECHO_IDLE_MS (the byte source
    // is never idle while its peer acknowledges; keepalive finds a peer that vanished).
    if (port === SOURCE_PORT) u = new SourceConn(this);
    else if (port === HTTP_PORT) { this.tcp.setIdle(c, IDLE_MS); u = new StatusConn(this.tcp, this); }
    else this.tcp.setIdle(c, ECHO_IDLE_MS);
    c.user = u;
    if (c.s[RB_LEN] > 0) u.onReadable(c);
    u.onWritable(c);
    if (c.state === CLOSE_WAIT) u.onEnd(c);
  }

  takePattern(): Uint8Array {
    this.sources++;
    if (!this.pattern) this.pattern = makePattern(PATTERN_BYTES);
    return this.pattern;
  }
  releasePattern(): void { if (--this.sources === 0) this.pattern = null; }

  // Echo and discard. Discard throws everything away as it arrives (taken from the receive ring
  // without a copy, so our window stays open and the peer can send at full speed), and closes
  // after the peer's FIN.
  onReadable(c: Conn): void {
    if (c.s[LPORT] === DISCARD_PORT) this.tcp.recv(c, null, 0, c.s[RB_LEN]);
    else echoPump(this.tcp, c);
  }
  onWritable(c: Conn): void { if (c.s[LPORT] === ECHO_PORT) echoPump(this.tcp, c); }
  onEnd(c: Conn): void {
    if (c.s[LPORT] === DISCARD_PORT) this.tcp.close(c);
    else echoPump(this.tcp, c);
  }
  onClose(): void { /* nothing kept per connection */ }
  /** Echo or discard idle for ECHO_IDLE_MS: the connection is aborted (RST). */
  onIdle(c: Conn): void { this.tcp.abort(c); }
}

/** The one listener callback of a stack's apps (a closure over the apps object alone). */
function acceptor(apps: Apps): (c: Conn) => void {
  return function (c: Conn) { apps.accept(c); };
}

/** Starts the configured apps on `tcp`; returns the ports they listen on (tcp.unlisten stops
 *  one). A port already taken is left to its owner. */
export function startApps(tcp: Tcp, config: AppsConfig, stack: Stack): number[] {
  const source = config.source === undefined ? DEFAULT_SOURCE_BYTES : config.source;
  const accept = acceptor(new Apps(tcp, stack, source));
  const ports: number[] = [];
  if (config.echo !== false && tcp.listen(ECHO_PORT, accept)) ports.push(ECHO_PORT);
  if (config.discard !== false && tcp.listen(DISCARD_PORT, accept)) ports.push(DISCARD_PORT);
  if (source > 0 && tcp.listen(SOURCE_PORT, accept)) ports.push(SOURCE_PORT);
  if (config.http !== false && tcp.listen(HTTP_PORT, accept)) ports.push(HTTP_PORT);
  return ports;
}
