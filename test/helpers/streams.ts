// Byte streams for end-to-end tests over the net-style API: a pattern that shows a shifted,
// dropped or repeated byte, a writer that follows the socket's flow control, and a checker.

/** Bytes off..off+n of the stream `seed`. */
export function pattern(seed: number, off: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) { const x = off + i; b[i] = (x * 31 + (x >>> 8) * 7 + seed) & 255; }
  return b;
}

interface Writable {
  write(d: Uint8Array): boolean;
  end(): void;
  on(event: 'drain', fn: () => void): unknown;
}

/** Writes `data` (or `size` bytes of pattern(seed)) in chunks as the socket's buffer drains,
 *  then ends it; `kick` has the host poll soon after each burst. */
export function pump(sock: Writable, data: Uint8Array | { seed: number; size: number }, kick: () => void, chunk = 4096): void {
  const size = data instanceof Uint8Array ? data.length : data.size;
  let sent = 0;
  const more = (): void => {
    while (sent < size) {
      const n = Math.min(chunk, size - sent);
      const ok = sock.write(data instanceof Uint8Array ? data.subarray(sent, sent + n) : pattern(data.seed, sent, n));
      sent += n;
      if (!ok) { kick(); return; }
    }
    sock.end();
    kick();
  };
  sock.on('drain', more);
  more();
}

/** Checks what a socket receives against pattern(seed): `got` bytes so far, `bad` chunks that
 *  differ. */
export function check(sock: { on(event: 'data', fn: (d: Uint8Array) => void): unknown }, seed: number): { got: number; bad: number } {
  const r = { got: 0, bad: 0 };
  sock.on('data', (d: Uint8Array) => {
    const want = pattern(seed, r.got, d.length);
    for (let i = 0; i < d.length; i++) if (d[i] !== want[i]) { r.bad++; break; }
    r.got += d.length;
  });
  return r;
}
