// What the default apps share: one scratch buffer for moving bytes (echo, the status page's
// request), made when an app first needs it.

/** Bytes an app moves at a time. */
export const CHUNK = 512;

let scratch: Uint8Array | null = null;
export function chunkBuffer(): Uint8Array {
  if (!scratch) scratch = new Uint8Array(CHUNK);
  return scratch;
}
