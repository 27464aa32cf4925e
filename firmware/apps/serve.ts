// What the default apps share: a listener whose connections are handed to a ConnUser (the apps
// sit on the TCP connections themselves, as the NetworkJS adapter does, so a board running them
// never loads the net-style API), and one scratch buffer for moving bytes.
import { CLOSE_WAIT, RB_LEN, type Conn, type ConnUser, type Tcp } from '../tcp/tcp.ts';

/** Bytes an app moves at a time (echo, the status page's request). */
export const CHUNK = 512;

/** The scratch buffer, made when an app first needs it. */
let scratch: Uint8Array | null = null;
export function chunkBuffer(): Uint8Array {
  if (!scratch) scratch = new Uint8Array(CHUNK);
  return scratch;
}

/** Listens on `port`; each accepted connection gets the ConnUser `userFor` gives (one object
 *  shared by all connections for an app without per-connection state). What came before the
 *  accept (data, or the peer's FIN with the handshake's last segment) is handed over at once,
 *  and the app is told it may write. False if the port is taken. */
export function serve(tcp: Tcp, port: number, userFor: (c: Conn) => ConnUser): boolean {
  return tcp.listen(port, function (c: Conn) {
    const u = userFor(c);
    c.user = u;
    if (c.s[RB_LEN] > 0) u.onReadable(c);
    u.onWritable(c);
    if (c.state === CLOSE_WAIT) u.onEnd(c);
  }) !== null;
}

/** A ConnUser's methods an app does not need. */
export function nothing(): void { /* nothing to do */ }
