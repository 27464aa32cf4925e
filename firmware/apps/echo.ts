// TCP echo (RFC 862) on port 7: every byte received is sent back. Flow control end to end: bytes
// move from the receive ring to the send ring only as far as the send ring has room, so while
// the peer is not reading our echo, our receive window closes and holds the peer back. The apps
// object (apps/index.ts) is the user of every echo connection: the echo keeps no state of its own.
import { CLOSE_WAIT, RB_LEN, type Conn, type Tcp } from '../tcp/tcp.ts';
import { chunkBuffer } from './serve.ts';

/** Echoes what fits; after the peer's FIN (CLOSE-WAIT), closes once all is echoed. The buffer is
 *  made on first use: an idle board keeps none. */
export function echoPump(tcp: Tcp, c: Conn): void {
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
