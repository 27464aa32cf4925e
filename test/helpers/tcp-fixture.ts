// TCP test fixtures in the style of RFC 9293's figures: a fake interface that records every
// segment TCP sends (decoded), and a two-ended wire that carries segments between two Tcp
// instances in virtual time, so tests can say who sends what, in which state, at what time.
import { Tcp, STATE_NAMES, type Conn, type ConnUser, type TcpConfig } from '../../firmware/tcp/tcp.ts';
import { VirtualClock } from '../../host-sim/clock.ts';
import { tcp, csum, u16, u32, cat } from './frames.ts';

export interface Seg { t: number; src: number; dst: number; sport: number; dport: number; seq: number; ack: number; flags: number; win: number; len: number; mss: number; data: Uint8Array;
  /** The option bytes (header beyond 20 bytes) and the urgent pointer. */
  opts: number[]; urp: number;
  /** Sent with Interface.sendIpv4's noQueue (no ARP queue buffer: replies without a connection). */
  noQueue?: boolean }

/** Every flag of the header's flags byte (RFC 9293 3.1, ECE and CWR of RFC 3168), SYN, FIN and
 *  RST first as in RFC 9293's figures. */
export function ctl(f: number): string {
  const n: string[] = [];
  if (f & 2) n.push('SYN'); if (f & 1) n.push('FIN'); if (f & 4) n.push('RST'); if (f & 8) n.push('PSH');
  if (f & 32) n.push('URG'); if (f & 16) n.push('ACK'); if (f & 64) n.push('ECE'); if (f & 128) n.push('CWR');
  return n.join(',');
}

/** RFC 9293 figure notation: <SEQ=100><ACK=301><CTL=SYN,ACK><DATA>, every flag shown. */
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
    flags: tx[o + 13], win: dv.getUint16(o + 14), len: l4len - hl, mss, data: tx.slice(o + hl, o + l4len),
    opts: Array.from(tx.subarray(o + 20, o + hl)), urp: dv.getUint16(o + 18),
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
  sendIpv4(dst: number, proto: number, l4len: number, noQueue?: boolean): boolean {
    // Every segment the stack emits must carry a correct checksum (RFC 9293 3.1), checked with
    // frames.ts's independent RFC 1071 sum over the pseudo-header: a wrong one fails the test.
    const seg = this.tx.subarray(34, 34 + l4len);
    if (proto !== 6 || csum(cat(u32(this.ip), u32(dst), [0, 6], u16(l4len), seg)) !== 0) {
      throw new Error(`TCP sent a segment with a bad checksum (protocol ${proto}, ${l4len} bytes): ${Array.from(seg, (b) => b.toString(16).padStart(2, '0')).join('')}`);
    }
    const s = decode(this.tx, l4len, this.ip, dst, this.now);
    s.noQueue = noQueue === true;
    this.sent.push(s);
    if (this.onSend) this.onSend(s, this.tx.slice(34, 34 + l4len));
    return true;
  }
  /** Interface.reachable: every next hop resolved, unless a test lists the unresolved ones. */
  unresolved: number[] = [];
  reachable(dst: number): boolean { return this.unresolved.indexOf(dst >>> 0) < 0; }
  take(): Seg[] { const s = this.sent; this.sent = []; return s; }
  /** Interface.due: TCP's user calls set it to 0 (the stack's deadline worked out again). */
  due = 1;
}

/** Builds a TCP segment from `src` to `dst` (for injecting into a Tcp under test), with the
 *  independent encoder of frames.ts: a bug in firmware/wire cannot hide on both sides. */
export function segment(src: number, dst: number, sport: number, dport: number, seq: number, ack: number, flags: number,
  opts: { win?: number; data?: Uint8Array; mss?: number; urg?: number; options?: number[] } = {}): Uint8Array {
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

// ---- one Tcp under test, driven segment by segment (the state tests) ----

/** The peer of the state tests: TCP A of RFC 9293's figures (198.18.0.1, ISN 100) against the
 *  Tcp under test, TCP B (198.18.0.2, ISN 300); the peer's port 40000, ours 80 (a client's 5555). */
export const PEER_IP = A_IP, OUR_IP = B_IP, PEER_PORT = 40000, OUR_PORT = 80, CLIENT_PORT = 5555;
const F_SYN = 2, F_ACK = 16;

/** One segment as the state tests write it: RFC 9293's notation, then the window, the length of
 *  the text and the MSS option of a SYN, so that every field that matters is exact. */
export function line(s: Seg): string {
  return `${s.t}: ${fmt(s)}` + (s.len ? ` len=${s.len}` : '') + ` win=${s.win}` + ((s.flags & F_SYN) ? ` mss=${s.mss}` : '');
}

/** `options`: raw option bytes after the MSS option (any kind, padded with EOL to 4 bytes). */
export interface SendOpts { data?: Uint8Array | string; win?: number; mss?: number; urg?: number; options?: number[] }

/** A Tcp under test behind a FakeIface, listening on 80 (unless `listen` is false), its time
 *  moved by `at`/`runTo`; `send` injects a segment from the peer (from 40000 to 80, or to the
 *  ports in `ports`), `out` takes what the Tcp sent, as `line`s. */
export function stack(cfg: TcpConfig = {}, listen = true) {
  const ifc = new FakeIface(OUR_IP);
  const tcp = new Tcp(ifc as never, { isn: () => 300, ...cfg });
  const accepted: Conn[] = [];
  const rec = new Recorder(tcp);
  const ports = { peer: PEER_PORT, ours: OUR_PORT };
  if (listen) tcp.listen(OUR_PORT, (c) => { c.user = rec; accepted.push(c); });
  /** Polls at time t. */
  const at = (t: number) => { ifc.now = t; tcp.poll(t); };
  /** Polls every millisecond from now to t (timers fire at their exact time). */
  const runTo = (t: number) => { for (let x = ifc.now + 1; x <= t; x++) at(x); };
  const send = (seq: number, ack: number, flags: number, o: SendOpts = {}) => {
    const data = typeof o.data === 'string' ? new TextEncoder().encode(o.data) : o.data;
    const s = segment(PEER_IP, OUR_IP, ports.peer, ports.ours, seq, ack, flags, { data, win: o.win, mss: o.mss, urg: o.urg, options: o.options });
    tcp.input(PEER_IP, OUR_IP, s, 0, s.length);
  };
  const out = () => ifc.take().map(line);
  /** What the user has read, as text. */
  const text = () => new TextDecoder().decode(Uint8Array.from(rec.data));
  return { ifc, tcp, accepted, rec, ports, at, runTo, send, out, text, conn: () => tcp.conns[0] as Conn | undefined };
}
export type Stack = ReturnType<typeof stack>;

/** Each state of RFC 9293 3.3.2 reached the ordinary way, everything sent so far taken (`out`),
 *  at time 0. The handshake takes 0 ms, so its RTT sample leaves the RTO at the 200 ms floor.
 *  The numbers of each (SND.UNA, SND.NXT, RCV.NXT) are in the comments. */
export const reach = {
  /** A listener on 80, no connection. */
  listen(cfg: TcpConfig = {}) { return stack(cfg); },
  /** Our SYN <SEQ=300> to the peer's port 80 from 5555, unanswered: SND.UNA 300, SND.NXT 301. */
  synSent(cfg: TcpConfig = {}) {
    const f = stack(cfg, false);
    f.ports.peer = OUR_PORT; f.ports.ours = CLIENT_PORT;
    const c = f.tcp.connect(PEER_IP, OUR_PORT, f.rec, { localPort: CLIENT_PORT })!;
    f.out();
    return { ...f, c };
  },
  /** The peer's SYN <SEQ=100> and our SYN,ACK <SEQ=300><ACK=101>: SND.UNA 300, SND.NXT 301,
   *  RCV.NXT 101. A passive open's SYN-RECEIVED is an entry of the SYN cache, not a connection:
   *  `half()` counts them. */
  synReceived(cfg: TcpConfig = {}) {
    const f = stack(cfg);
    f.send(100, 0, F_SYN, { mss: 1460 });
    f.out();
    return { ...f, half: () => f.tcp.halfOpen(0) };
  },
  /** The handshake done: SND.UNA = SND.NXT = 301, RCV.NXT 101. */
  established(cfg: TcpConfig = {}) {
    const f = reach.synReceived(cfg);
    f.send(101, 301, F_ACK);
    f.out();
    return { ...f, c: f.conn()! };
  },
  /** We closed: our FIN <SEQ=301> unacknowledged: SND.UNA 301, SND.NXT 302, RCV.NXT 101. */
  finWait1(cfg: TcpConfig = {}) {
    const f = reach.established(cfg);
    f.tcp.close(f.c);
    f.out();
    return f;
  },
  /** Our FIN acknowledged: SND.UNA = SND.NXT = 302, RCV.NXT 101. */
  finWait2(cfg: TcpConfig = {}) {
    const f = reach.finWait1(cfg);
    f.send(101, 302, F_ACK);
    f.out();
    return f;
  },
  /** The peer's FIN <SEQ=101> taken and acknowledged: SND.UNA = SND.NXT = 301, RCV.NXT 102. */
  closeWait(cfg: TcpConfig = {}) {
    const f = reach.established(cfg);
    f.send(101, 301, F_ACK | 1);
    f.out();
    return f;
  },
  /** Both FINs crossed (simultaneous close): ours unacknowledged: SND.UNA 301, SND.NXT 302, RCV.NXT 102. */
  closing(cfg: TcpConfig = {}) {
    const f = reach.finWait1(cfg);
    f.send(101, 301, F_ACK | 1);
    f.out();
    return f;
  },
  /** The peer closed first, then we did: SND.UNA 301, SND.NXT 302, RCV.NXT 102. */
  lastAck(cfg: TcpConfig = {}) {
    const f = reach.closeWait(cfg);
    f.tcp.close(f.c);
    f.out();
    return f;
  },
  /** We closed first, the peer's FIN <SEQ=101><ACK=302> acknowledged: SND.UNA = SND.NXT = 302,
   *  RCV.NXT 102; 2 MSL (10 s by default) from time 0. */
  timeWait(cfg: TcpConfig = {}) {
    const f = reach.finWait2(cfg);
    f.send(101, 302, F_ACK | 1);
    f.out();
    return f;
  },
};
