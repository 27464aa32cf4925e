// TCP echo (RFC 862) on port 7: every byte received is sent back. Flow control end to end: bytes
// move from the receive ring to the send ring only as far as the send ring has room, so while
// the peer is not reading our echo, our receive window closes and holds the peer back.
import { CLOSE_WAIT, RB_LEN, type Conn, type ConnUser, type Tcp } from '../tcp/tcp.ts';
import { chunkBuffer, nothing, serve } from './serve.ts';

export function startEcho(tcp: Tcp, port: number): boolean {
  /** Echoes what fits; after the peer's FIN (CLOSE-WAIT), closes once all is echoed. The
   *  buffer is made on first use: an idle board keeps none. */
  function pump(c: Conn): void {
    const s = c.s;
    // What can move: what is readable (RB_LEN), as far as the send ring has room.
    let n = c.writable;
    if (s[RB_LEN] < n) n = s[RB_LEN];
    if (n > 0) {
      const buf = chunkBuffer();
      while (n > 0) {
        if (n > buf.length) n = buf.length;
        tcp.recv(c, buf, 0, n);
        tcp.send(c, buf, 0, n);
        n = c.writable;
        if (s[RB_LEN] < n) n = s[RB_LEN];
      }
    }
    if (s[RB_LEN] === 0 && c.state === CLOSE_WAIT) tcp.close(c);
  }
  const user: ConnUser = { onConnect: nothing, onReadable: pump, onWritable: pump, onEnd: pump, onClose: nothing };
  return serve(tcp, port, function () { return user; });
}
