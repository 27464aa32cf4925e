// TCP discard (RFC 863) on port 9: everything received is thrown away as it arrives (taken from
// the receive ring without a copy, so our window stays open and the peer can send at full speed).
import { RB_LEN, type Conn, type ConnUser, type Tcp } from '../tcp/tcp.ts';
import { nothing, serve } from './serve.ts';

export function startDiscard(tcp: Tcp, port: number): boolean {
  const user: ConnUser = {
    onConnect: nothing,
    onReadable: function (c: Conn) { tcp.recv(c, null, 0, c.s[RB_LEN]); },
    onWritable: nothing,
    onEnd: function (c: Conn) { tcp.close(c); },
    onClose: nothing,
  };
  return serve(tcp, port, function () { return user; });
}
