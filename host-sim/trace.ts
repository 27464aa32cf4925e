// A one-line-per-frame tracer: time, where the frame was seen, and a summary of its Ethernet,
// ARP, IPv4, ICMP, UDP and TCP headers (flags, seq, ack, win, len), decoded directly from the
// bytes so that a malformed frame is described, never thrown on.

function ip(b: Uint8Array, o: number): string { return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`; }
function u16(b: Uint8Array, o: number): number { return (b[o] << 8) | b[o + 1]; }
function u32(b: Uint8Array, o: number): number { return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0; }
function mac(b: Uint8Array, o: number): string {
  const p: string[] = [];
  for (let i = 0; i < 6; i++) p.push(b[o + i].toString(16).padStart(2, '0'));
  return p.join(':');
}

export function tcpFlags(f: number): string {
  const names: [number, string][] = [[0x02, 'SYN'], [0x10, 'ACK'], [0x01, 'FIN'], [0x04, 'RST'], [0x08, 'PSH'], [0x20, 'URG']];
  const out = names.filter(([bit]) => f & bit).map(([, n]) => n);
  return out.join(',') || 'none';
}

/** Describes one Ethernet frame in a line. */
export function describeFrame(f: Uint8Array): string {
  if (f.length < 14) return `runt frame (${f.length} bytes)`;
  const type = u16(f, 12);
  if (type === 0x0806) {
    if (f.length < 42) return `ARP truncated (${f.length} bytes)`;
    const op = u16(f, 20);
    return op === 1 ? `ARP who-has ${ip(f, 38)} tell ${ip(f, 28)}` : op === 2 ? `ARP ${ip(f, 28)} is-at ${mac(f, 22)}` : `ARP op ${op}`;
  }
  if (type !== 0x0800) return `${mac(f, 6)} > ${mac(f, 0)} ethertype 0x${type.toString(16).padStart(4, '0')} len ${f.length}`;
  if (f.length < 34) return `IPv4 truncated (${f.length} bytes)`;
  const ihl = (f[14] & 15) * 4;
  const total = u16(f, 16);
  const proto = f[23];
  const frag = u16(f, 20);
  const l4 = 14 + ihl;
  const end = Math.min(f.length, 14 + total);
  const src = ip(f, 26), dst = ip(f, 30);
  if (frag & 0x3fff) return `IPv4 ${src} > ${dst} fragment proto ${proto}`;
  if (proto === 1 && end - l4 >= 8) {
    const t = f[l4];
    const kind = t === 8 ? 'echo request' : t === 0 ? 'echo reply' : t === 3 ? `unreachable code ${f[l4 + 1]}` : `type ${t}`;
    return `ICMP ${src} > ${dst} ${kind}${t === 8 || t === 0 ? ` id ${u16(f, l4 + 4)} seq ${u16(f, l4 + 6)} len ${end - l4 - 8}` : ''}`;
  }
  if (proto === 17 && end - l4 >= 8) return `UDP ${src}:${u16(f, l4)} > ${dst}:${u16(f, l4 + 2)} len ${u16(f, l4 + 4) - 8}`;
  if (proto === 6 && end - l4 >= 20) {
    const off = (f[l4 + 12] >> 4) * 4;
    const len = end - l4 - off;
    return `TCP ${src}:${u16(f, l4)} > ${dst}:${u16(f, l4 + 2)} [${tcpFlags(f[l4 + 13])}] seq ${u32(f, l4 + 4)} ack ${u32(f, l4 + 8)} win ${u16(f, l4 + 14)} len ${len}`;
  }
  return `IPv4 ${src} > ${dst} proto ${proto} len ${total}`;
}

/** Trace lines: "0.012345 #12 > TCP ..." for a frame (its number in the capture when given, and
 *  where it was seen), "0.012345 #12 fault: dropped on the way out to link: TCP ..." for what a
 *  fault injector did to one. */
export class Tracer {
  lines = 0;
  constructor(private out: (line: string) => void = (l) => console.log(l)) {}
  frame(timeMs: number, where: string, f: Uint8Array, id?: number): void {
    this.lines++;
    this.out(`${(timeMs / 1000).toFixed(6)}${id === undefined ? '' : ` #${id}`} ${where} ${describeFrame(f)}`);
  }
  fault(timeMs: number, id: number, note: string, f: Uint8Array): void {
    this.lines++;
    this.out(`${(timeMs / 1000).toFixed(6)} #${id} ${note}: ${describeFrame(f)}`);
  }
}
