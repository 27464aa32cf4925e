// TCP test fixtures in the style of RFC 9293's figures: a fake interface that records every
// segment TCP sends (decoded), and a two-ended wire that carries segments between two Tcp
// instances in virtual time, so tests can say who sends what, in which state, at what time.
import { Tcp, STATE_NAMES, type Conn, type ConnUser, type TcpConfig } from '../../firmware/tcp/tcp.ts';
import { VirtualClock } from '../../host-sim/clock.ts';
import { tcp } from './frames.ts';

export interface Seg { t: number; src: number; dst: number; sport: number; dport: number; seq: number; ack: number; flags: number; win: number; len: number; mss: number; data: Uint8Array }

export function ctl(f: number): string {
  const n: string[] = [];
  if (f & 2) n.push('SYN'); if (f & 1) n.push('FIN'); if (f & 4) n.push('RST'); if (f & 16) n.push('ACK');
  return n.join(',');
}

/** RFC 9293 figure notation: <SEQ=100><ACK=301><CTL=SYN,ACK><DATA> (PSH is not shown). */
export function fmt(s: Seg): string {
  return `<SEQ=${s.seq}>` + (s.flags & 16 ? `<ACK=${s.ack}>` : '') + `<CTL=${ctl(s.flags)}>` + (s.len ? '<DATA>' : '');
}

function decode(tx: Uint8Array, l4len: number, src: number, dst: number, t: number): Seg {
  const o = 34;
  const dv = new DataView(tx.buffer, tx.byteOffset);
  const hl = (tx[o + 12] >> 4) * 4;
  let mss = -1;
  if (hl >= 24 && tx[o + 20] === 2) mss = dv.getUint16(o + 22);
  return {
    t, src, dst, sport: dv.getUint16(o), dport: dv.getUint16(o + 2), seq: dv.getUint32(o + 4), ack: dv.getUint32(o + 8),
    flags: tx[o + 13] & 0x3f, win: dv.getUint16(o + 14), len: l4len - hl, mss, data: tx.slice(o + hl, o + l4len),
  };
}

/** The slice of Interface that TCP uses, recording what it sends. */
export class FakeIface {
  tx = new Uint8Array(1514);
  now = 0;
  sent: Seg[] = [];
  handler: { input(src: number, dst: number, b: Uint8Array, o: number, l: number): void; poll(now: number): number } | null = null;
  onSend: ((s: Seg, raw: Uint8Array) => void) | null = null;
  private r = 1;
  constructor(public ip: number, public mtu = 1500) {}
  random32(): number { this.r = (this.r * 1103515245 + 12345) >>> 0; return this.r; }
  register(_p: number, h: FakeIface['handler']): void { this.handler = h; }
  sendIpv4(dst: number, _proto: number, l4len: number): boolean {
    const s = decode(this.tx, l4len, this.ip, dst, this.now);
    this.sent.push(s);
    if (this.onSend) this.onSend(s, this.tx.slice(34, 34 + l4len));
    return true;
  }
  take(): Seg[] { const s = this.sent; this.sent = []; return s; }
}

/** Builds a TCP segment from `src` to `dst` (for injecting into a Tcp under test), with the
 *  independent encoder of frames.ts: a bug in firmware/wire cannot hide on both sides. */
export function segment(src: number, dst: number, sport: number, dport: number, seq: number, ack: number, flags: number,
  opts: { win?: number; data?: Uint8Array; mss?: number; urg?: number } = {}): Uint8Array {
  return tcp(src, dst, sport, dport, seq, ack, flags, opts);
}

/** Records what a connection tells its user. */
export class Recorder implements ConnUser {
  events: string[] = [];
  data: number[] = [];
  constructor(public tcp: Tcp | null = null) {}
  onConnect(): void { this.events.push('connect'); }
  onReadable(c: Conn): void {
    this.events.push('readable');
    if (this.tcp) { const b = new Uint8Array(c.readable); this.tcp.recv(c, b, 0, b.length); this.data.push(...b); }
  }
  onEnd(): void { this.events.push('end'); }
  onWritable(): void { /* not recorded: frequent */ }
  onClose(_c: Conn, err: string | null): void { this.events.push(err ? `close:${err}` : 'close'); }
}

export const A_IP = 0xc6120001, B_IP = 0xc6120002;

/** Two Tcp instances joined by a wire with `delayMs` one-way delay in virtual time. Every
 *  segment is logged with the states of both ends after it is delivered. */
export function pair(cfgA: TcpConfig = {}, cfgB: TcpConfig = {}, delayMs = 10, mtuA = 1500, mtuB = 1500) {
  const clock = new VirtualClock();
  const ia = new FakeIface(A_IP, mtuA), ib = new FakeIface(B_IP, mtuB);
  const log: { t: number; from: 'A' | 'B'; seg: Seg }[] = [];
  const a = new Tcp(ia as never, cfgA);
  const b = new Tcp(ib as never, cfgB);
  let drop: ((s: Seg, from: 'A' | 'B') => boolean) | null = null;
  const wire = (from: FakeIface, to: FakeIface, name: 'A' | 'B') => (s: Seg, raw: Uint8Array) => {
    log.push({ t: clock.now, from: name, seg: s });
    if (drop && drop(s, name)) return;
    clock.after(delayMs, () => { to.now = clock.now; to.handler!.input(from.ip, to.ip, raw, 0, raw.length); });
  };
  ia.onSend = wire(ia, ib, 'A');
  ib.onSend = wire(ib, ia, 'B');
  // Timers: poll both ends every millisecond of virtual time that matters.
  const tick = () => { ia.now = clock.now; ib.now = clock.now; a.poll(clock.now); b.poll(clock.now); clock.after(1, tick); };
  clock.after(1, tick);
  const run = (ms: number) => { clock.runFor(ms); ia.now = clock.now; ib.now = clock.now; };
  return { clock, ia, ib, a, b, log, run, setDrop: (f: typeof drop) => { drop = f; } };
}

export function stateOf(c: Conn | null | undefined): string { return c ? STATE_NAMES[c.state] : 'CLOSED'; }
