// Hex text <-> bytes for tests: spaces, newlines and ':' are ignored.
export function hex(s: string): Uint8Array {
  const t = s.replace(/[\s:]/g, '');
  if (t.length % 2) throw new Error('odd hex length');
  const b = new Uint8Array(t.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(t.substr(i * 2, 2), 16);
  return b;
}

export function toHex(b: Uint8Array, off = 0, len = b.length - off): string {
  let s = '';
  for (let i = 0; i < len; i++) s += (b[off + i] < 16 ? '0' : '') + b[off + i].toString(16);
  return s;
}
