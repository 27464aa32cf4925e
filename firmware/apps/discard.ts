// TCP discard (RFC 863) on port 9: everything received is thrown away (reading it still opens
// our receive window, so the peer can send at full speed).
import type { AppNet, AppServer, AppSocket } from './net-api.ts';

export function startDiscard(net: AppNet, port: number): AppServer {
  const server = net.createServer(function (sock: AppSocket) {
    sock.on('data', function () { /* discarded */ });
    sock.on('end', function () { sock.end(); });
    sock.on('error', function () { /* the socket closes */ });
  });
  server.listen(port);
  return server;
}
