// TCP echo (RFC 862) on port 7: every byte received is sent back. Flow control end to end: when
// the send buffer is past its high-water mark the socket is paused, so our receive window closes
// and the peer is held back instead of our memory growing; 'drain' resumes it.
import type { AppNet, AppServer, AppSocket } from './net-api.ts';

export function startEcho(net: AppNet, port: number): AppServer {
  const server = net.createServer(function (sock: AppSocket) {
    sock.on('data', function (data: Uint8Array) {
      if (!sock.write(data)) sock.pause();
    });
    sock.on('drain', function () { sock.resume(); });
    // Half-close: the peer's FIN ends the echo once everything it sent has been echoed.
    sock.on('end', function () { sock.end(); });
    sock.on('error', function () { /* counted by TCP; the socket closes */ });
  });
  server.listen(port);
  return server;
}
