// A byte source on port 19 (in the spirit of chargen, RFC 864, but finite): each connection is
// sent `total` bytes of a repeating printable pattern, then closed. Data is produced only when
// the send buffer drains, so memory stays bounded whatever `total` is.
import type { AppNet, AppServer, AppSocket } from './net-api.ts';

const LINE = 72; // chargen's line width

/** One chunk of the pattern, built once: lines of 72 printable characters rotating by one. */
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

export function startSource(net: AppNet, port: number, total: number, chunk?: number): AppServer {
  const size = chunk || 1460;
  const pattern = makePattern(size);
  const server = net.createServer(function (sock: AppSocket) {
    let left = total;
    let done = false;
    function pump(): void {
      while (left > 0) {
        const n = left < size ? left : size;
        left -= n;
        if (!sock.write(n === size ? pattern : pattern.subarray(0, n))) return; // wait for 'drain'
      }
      if (!done) { done = true; sock.end(); }
    }
    sock.on('drain', pump);
    sock.on('data', function () { /* input ignored */ });
    sock.on('error', function () { left = 0; done = true; });
    pump();
  });
  server.listen(port);
  return server;
}
