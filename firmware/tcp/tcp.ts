// The TCP connection state machine of RFC 9293, with RFC 6298 retransmission timing, RFC 5681
// congestion control, RFC 5961 defences, RFC 6528 initial sequence numbers, RFC 1122 keepalive.
// One Tcp per interface; it registers itself as the handler of IP protocol 6. A connection is a
// control block (Conn) with bounded send and receive rings. Segments come in through `input`
// (RFC 9293 3.10.7 SEGMENT ARRIVES: `process`) and go out through `dispatch`; timers run in `poll`.
// The core does no I/O and reads no clock: time is the interface's `now`.
import type { Interface } from '../iface/interface.ts';
import { NO_TIMER } from '../iface/types.ts';
import {
  ACK, FIN, PSH, RST, SYN, TcpOptions, TCP_OK, emitTcp, tcpAck, tcpChecksum, tcpDstPort, tcpFlags, tcpHeaderLen,
  tcpParse, tcpParseOptions, tcpSeq, tcpSrcPort, tcpWindow, IP_PROTO_TCP,
} from '../wire/tcp.ts';
import { pseudoSum } from '../wire/checksum.ts';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.ts';

// RFC 9293 3.3.2 states
export const CLOSED = 0, LISTEN = 1, SYN_SENT = 2, SYN_RECEIVED = 3, ESTABLISHED = 4, FIN_WAIT_1 = 5,
  FIN_WAIT_2 = 6, CLOSE_WAIT = 7, CLOSING = 8, LAST_ACK = 9, TIME_WAIT = 10;
export const STATE_NAMES = ['CLOSED', 'LISTEN', 'SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1',
  'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'];

const TX_OFF = 34; // TCP header in the interface's transmit buffer (Ethernet 14 + IPv4 20)

export interface TcpConfig {
  /** Connections in the table, listeners not counted (default 8). */
  maxConns?: number;
  /** Half-open connections per listener before the oldest is recycled (default 4). */
  backlog?: number;
  /** Send and receive ring sizes in bytes (default 2048 each), per connection unless overridden. */
  sndBuf?: number;
  rcvBuf?: number;
  /** Out-of-order ranges kept per connection (default 4; 0: out-of-order data is dropped). */
  oooRanges?: number;
  /** Maximum segment lifetime in ms; TIME-WAIT lasts 2*MSL (default 5000: a board cannot wait minutes). */
  mslMs?: number;
  /** RFC 6298 bounds and initial value (defaults 200 ms, 60 s, 1 s). */
  rtoMinMs?: number;
  rtoMaxMs?: number;
  rtoInitMs?: number;
  /** Retransmissions of data/FIN (default 8) and of SYN (default 5) before giving up. */
  maxRetries?: number;
  synRetries?: number;
  /** Delayed ACK timer (default 100 ms; RFC 9293 3.8.6.3 allows up to 500). */
  delAckMs?: number;
  /** Active opens fail after this long (default 75 s, as BSD; the SYN retries usually end first). */
  connectTimeoutMs?: number;
  /** Keepalive (RFC 1122 4.2.3.6), when enabled on a connection: idle, interval, probes. */
  keepIdleMs?: number;
  keepIntvlMs?: number;
  keepCnt?: number;
  /** Challenge ACKs per second at most (RFC 5961 7, default 10). */
  challengeAcksPerSec?: number;
  /** Replaces the RFC 6528 ISN generator (tests use it to start at 100 and 300). */
  isn?: (localIp: number, localPort: number, remoteIp: number, remotePort: number) => number;
  /** Called on every state change (traces for ladder diagrams). */
  onState?: (c: Conn, state: number) => void;
  /** The current time in ms, read when the application calls in between polls (send, close...),
   *  so timers it starts are not based on the last poll's time. Without it, the last poll's. */
  now?: () => number;
}

/** The owner of a connection (the socket layer). Every method is called after the control block
 *  is consistent, so it may call back into Tcp. */
export interface ConnUser {
  onConnect(c: Conn): void;
  onReadable(c: Conn): void;
  /** The peer's FIN arrived after all its data: end of stream. */
  onEnd(c: Conn): void;
  /** Space freed in the send ring. */
  onWritable(c: Conn): void;
  /** The connection is gone: err is null for a normal close, else ECONNREFUSED, ECONNRESET,
   *  ETIMEDOUT or EADDRNOTAVAIL. */
  onClose(c: Conn, err: string | null): void;
  /** Nothing sent or received for the socket's idle timeout. */
  onIdle?(c: Conn): void;
}

export class Listener {
  halfOpen = 0;
  constructor(readonly port: number, readonly backlog: number, readonly onAccept: (c: Conn) => void) {}
}

/** A transmission control block (RFC 9293 3.3.1). */
export class Conn {
  state = CLOSED;
  lip = 0; lport = 0; rip = 0; rport = 0;
  // Send sequence variables
  iss = 0; sndUna = 0; sndNxt = 0; sndMax = 0; sndWnd = 0; sndWl1 = 0; sndWl2 = 0; maxSndWnd = 0;
  /** Effective send MSS (peer's MSS option, 536 without one, RFC 9293 3.7.1). */
  mss = 536;
  // Receive sequence variables
  irs = 0; rcvNxt = 0; rcvAdv = 0;
  // Send ring: the bytes from sndBase (the oldest unacknowledged data byte) on.
  sb: Uint8Array; sbHead = 0; sbLen = 0; sndBase = 0;
  // Receive ring: in-order bytes not yet read by the application, then out-of-order ranges.
  rb: Uint8Array; rbHead = 0; rbLen = 0;
  /** Out-of-order ranges as offsets from rcvNxt: [start0, end0, start1, end1, ...], -1 unused. */
  ooo: Int32Array;
  /** The user asked to close: FIN goes after the data. */
  closeQueued = false;
  /** Sequence number of a FIN that arrived behind a hole (-1: none). */
  finSeq = -1;
  finRcvd = false;
  // Timers: absolute ms, 0 when not running.
  rtoAt = 0; persistAt = 0; delAckAt = 0; twAt = 0; keepAt = 0; idleAt = 0; connectAt = 0;
  retries = 0; persistBackoff = 0; keepProbes = 0;
  // RFC 6298
  rto = 1000; srtt = 0; rttvar = 0; rttSeq = 0; rttAt = 0;
  // RFC 5681
  cwnd = 0; ssthresh = 65535; dupAcks = 0; recover = 0; inRecovery = false;
  ackPending = 0; ackNow = false;
  noDelay = false; keepAlive = false; idleMs = 0;
  passive = false;
  listener: Listener | null = null;
  user: ConnUser | null = null;
  /** Bytes delivered to and taken from the application (counters for the socket). */
  bytesIn = 0; bytesOut = 0;
  createdAt = 0;

  constructor(sndBuf: number, rcvBuf: number, oooRanges: number) {
    this.sb = new Uint8Array(sndBuf);
    this.rb = new Uint8Array(rcvBuf);
    this.ooo = new Int32Array(oooRanges * 2).fill(-1);
  }

  get stateName(): string { return STATE_NAMES[this.state]; }
  /** Bytes the application can read now. */
  get readable(): number { return this.rbLen; }
  /** Room in the send ring. */
  get writable(): number { return this.sb.length - this.sbLen; }
  /** Data in the send ring not yet acknowledged (sent or not). */
  get unacked(): number { return this.sbLen; }
}

/** 32-bit multiply without Math.imul (Espruino lacks it): exact low 32 bits. */
function mul32(a: number, b: number): number {
  return (((a & 0xffff) * b) + ((((a >>> 16) * b) & 0xffff) * 0x10000)) >>> 0;
}

/** A keyed mix of four words (RFC 6528's F): murmur3-style rounds; not cryptographic, but keyed
 *  with 128 random bits, so ISNs cannot be guessed from outside. */
function isnHash(k: Uint32Array, a: number, b: number, c: number): number {
  let h = k[0];
  const w = [a, b, c, k[1], k[2], k[3]];
  for (let i = 0; i < w.length; i++) {
    let x = mul32(w[i] >>> 0, 0xcc9e2d51);
    x = ((x << 15) | (x >>> 17)) >>> 0;
    x = mul32(x, 0x1b873593);
    h = (h ^ x) >>> 0;
    h = ((h << 13) | (h >>> 19)) >>> 0;
    h = (mul32(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16; h = mul32(h, 0x85ebca6b); h ^= h >>> 13; h = mul32(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}

export class Tcp {
  readonly conns: Conn[] = [];
  readonly listeners: Listener[] = [];
  readonly counters = {
    segsIn: 0, segsOut: 0, retransmits: 0, dropChecksum: 0, dropMalformed: 0, dropOptions: 0, dropUnacceptable: 0,
    dropNoConn: 0, rstOut: 0, challengeAcks: 0, synFloodRecycled: 0, tableFull: 0, timeWaitRecycled: 0,
    fastRetransmits: 0, timeouts: 0, dropOoo: 0,
    /** Segments taken by header prediction (fastInput), and ACKs sent from the template. */
    predicted: 0, fastAcks: 0,
  };
  readonly cfg: Required<Omit<TcpConfig, 'isn' | 'onState' | 'now'>> & Pick<TcpConfig, 'isn' | 'onState' | 'now'>;
  private readonly key = new Uint32Array(4);
  private readonly opts = new TcpOptions();
  private challengeWindowAt = 0;
  private challengeCount = 0;
  // The segment being processed (scratch fields: no object per segment).
  private sSeq = 0; private sAck = 0; private sFlags = 0; private sWnd = 0; private sLen = 0;
  /** The connection that took the last segment: checked first by the fast path. */
  private last: Conn | null = null;
  // The fast ACK (see fastAck): the last pure ACK's Ethernet, IPv4 and TCP headers (54 bytes),
  // for which connection, valid while the ARP table generation is ackGen and before ackUntil;
  // and the sums of the header words that stay the same from one ACK to the next.
  private readonly ackTpl = new Uint8Array(54);
  private ackConn: Conn | null = null;
  private ackGen = 0; private ackUntil = 0; private ackIpSum = 0; private ackTcpSum = 0;

  constructor(readonly iface: Interface, config?: TcpConfig) {
    const c = config || {};
    this.cfg = {
      maxConns: c.maxConns || 8, backlog: c.backlog || 4, sndBuf: c.sndBuf || 2048, rcvBuf: c.rcvBuf || 2048,
      oooRanges: c.oooRanges === undefined ? 4 : c.oooRanges, mslMs: c.mslMs || 5000,
      rtoMinMs: c.rtoMinMs || 200, rtoMaxMs: c.rtoMaxMs || 60000, rtoInitMs: c.rtoInitMs || 1000,
      maxRetries: c.maxRetries || 8, synRetries: c.synRetries || 5, delAckMs: c.delAckMs || 100,
      connectTimeoutMs: c.connectTimeoutMs || 75000, keepIdleMs: c.keepIdleMs || 7200000,
      keepIntvlMs: c.keepIntvlMs || 75000, keepCnt: c.keepCnt || 9, challengeAcksPerSec: c.challengeAcksPerSec || 10,
      isn: c.isn, onState: c.onState, now: c.now,
    };
    for (let i = 0; i < 4; i++) this.key[i] = iface.random32() >>> 0;
    iface.register(IP_PROTO_TCP, this);
  }

  // ---- user calls (RFC 9293 3.10.1-3.10.6) ----

  /** Brings the interface's time up to now before a user call schedules timers. */
  private catchUp(): void {
    if (this.cfg.now) { const t = this.cfg.now(); if (t > this.iface.now) this.iface.now = t; }
  }

  /** Passive OPEN. Returns null if the port is taken. */
  listen(port: number, onAccept: (c: Conn) => void, backlog?: number): Listener | null {
    if (this.findListener(port)) return null;
    const l = new Listener(port, backlog || this.cfg.backlog, onAccept);
    this.listeners.push(l);
    return l;
  }

  unlisten(port: number): void {
    const l = this.findListener(port);
    if (!l) return;
    this.listeners.splice(this.listeners.indexOf(l), 1);
    // Half-open connections of that listener go too.
    for (let i = this.conns.length - 1; i >= 0; i--) {
      const c = this.conns[i];
      if (c.listener === l && c.state === SYN_RECEIVED) this.reset(c, null);
    }
  }

  /** Active OPEN. Returns the connection (SYN-SENT), or null with the reason in `err`. */
  connect(rip: number, rport: number, user: ConnUser, opts?: { sndBuf?: number; rcvBuf?: number; localPort?: number }): Conn | null {
    if (!this.iface.ip) return null;
    this.catchUp();
    const c = this.newConn(opts || null);
    if (!c) return null;
    c.lip = this.iface.ip; c.rip = rip >>> 0; c.rport = rport;
    c.lport = opts && opts.localPort ? opts.localPort : this.ephemeralPort(c.rip, rport);
    c.user = user;
    c.iss = this.isn(c);
    c.sndUna = c.iss; c.sndNxt = c.iss; c.sndMax = c.iss; c.sndBase = seqAdd(c.iss, 1);
    c.connectAt = this.iface.now + this.cfg.connectTimeoutMs;
    this.conns.push(c);
    this.setState(c, SYN_SENT);
    this.dispatch(c);
    return c;
  }

  /** SEND: copies up to len bytes into the send ring; returns how many were taken. */
  send(c: Conn, data: Uint8Array, off: number, len: number): number {
    if (c.closeQueued || (c.state !== ESTABLISHED && c.state !== CLOSE_WAIT && c.state !== SYN_SENT && c.state !== SYN_RECEIVED)) return 0;
    const room = c.sb.length - c.sbLen;
    const n = len < room ? len : room;
    if (n <= 0) return 0;
    this.catchUp();
    const size = c.sb.length;
    const at = (c.sbHead + c.sbLen) % size;
    const first = size - at < n ? size - at : n;
    c.sb.set(data.subarray(off, off + first), at);
    if (first < n) c.sb.set(data.subarray(off + first, off + n), 0);
    c.sbLen += n;
    c.bytesOut += n;
    this.touch(c);
    this.dispatch(c);
    return n;
  }

  /** RECEIVE: copies up to max bytes of in-order data out; sends a window update when the
   *  window reopens significantly (RFC 9293 3.8.6.2.2). */
  recv(c: Conn, out: Uint8Array, off: number, max: number): number {
    const n = c.rbLen < max ? c.rbLen : max;
    if (n <= 0) return 0;
    this.catchUp();
    const size = c.rb.length;
    const first = size - c.rbHead < n ? size - c.rbHead : n;
    out.set(c.rb.subarray(c.rbHead, c.rbHead + first), off);
    if (first < n) out.set(c.rb.subarray(0, n - first), off + first);
    c.rbHead = (c.rbHead + n) % size;
    c.rbLen -= n;
    c.bytesIn += n;
    // Window update (RFC 9293 3.8.6.2.2 with Linux's rule for when): only when the window we
    // advertised has fallen to half the buffer or less and reading at least doubles it, so a
    // reader that keeps up does not turn every delayed ACK into an immediate one.
    const free = size - c.rbLen;
    const advertised = seqDiff(c.rcvAdv, c.rcvNxt);
    if (c.state >= ESTABLISHED && 2 * advertised <= size && free >= 2 * advertised && free >= this.swsThreshold(c)) {
      c.ackNow = true;
      this.dispatch(c);
    }
    return n;
  }

  /** CLOSE: a FIN after the data still in the send ring (RFC 9293 3.10.4). */
  close(c: Conn): void {
    this.catchUp();
    switch (c.state) {
      case SYN_SENT: this.reset(c, null); return;
      // SYN-RECEIVED: the FIN waits for ESTABLISHED (RFC 9293 3.10.4).
      case SYN_RECEIVED: c.closeQueued = true; return;
      case ESTABLISHED: c.closeQueued = true; this.setState(c, FIN_WAIT_1); break;
      case CLOSE_WAIT: c.closeQueued = true; this.setState(c, LAST_ACK); break;
      default: return; // already closing
    }
    this.dispatch(c);
  }

  /** ABORT: RST to the peer, the connection is gone at once (RFC 9293 3.10.5). */
  abort(c: Conn): void {
    if (c.state >= SYN_RECEIVED && c.state <= CLOSE_WAIT) this.sendRst(c.lip, c.lport, c.rip, c.rport, c.sndNxt, 0, 0);
    this.reset(c, null);
  }

  setKeepAlive(c: Conn, on: boolean): void {
    c.keepAlive = on;
    c.keepProbes = 0;
    c.keepAt = on ? this.iface.now + this.cfg.keepIdleMs : 0;
  }

  /** Idle timeout for the socket's 'timeout' event (0: off). */
  setIdle(c: Conn, ms: number): void {
    c.idleMs = ms;
    c.idleAt = ms > 0 ? this.iface.now + ms : 0;
  }

  /** The interface's address changed: connections bound to the old one are reset. */
  addressChanged(oldIp: number): void {
    for (let i = this.conns.length - 1; i >= 0; i--) {
      const c = this.conns[i];
      if (c.lip === oldIp >>> 0 && oldIp) this.reset(c, 'EADDRNOTAVAIL');
    }
  }

  // ---- SEGMENT ARRIVES (RFC 9293 3.10.7) ----

  input(src: number, dst: number, buf: Uint8Array, off: number, len: number): void {
    this.counters.segsIn++;
    const st = tcpParse(buf, off, len, src, dst);
    if (st !== TCP_OK) {
      if (st === 3) this.counters.dropChecksum++; else this.counters.dropMalformed++;
      return;
    }
    // Header prediction: the next in-order data segment of the last connection, no options.
    const p = this.last;
    if (p !== null && buf[off + 12] === 0x50 && (buf[off + 13] & 0xf7) === ACK && p.state === ESTABLISHED &&
      this.fastInput(p, src, dst, buf, off, len)) return;
    if (tcpParseOptions(buf, off, this.opts) !== TCP_OK) { this.counters.dropOptions++; return; }
    const hl = tcpHeaderLen(buf, off);
    const sport = tcpSrcPort(buf, off), dport = tcpDstPort(buf, off);
    this.sSeq = tcpSeq(buf, off);
    this.sAck = tcpAck(buf, off);
    this.sFlags = tcpFlags(buf, off);
    this.sWnd = tcpWindow(buf, off);
    this.sLen = len - hl;
    if (sport === 0 || dport === 0) { this.counters.dropMalformed++; return; }
    const c = this.findConn(dst, dport, src, sport);
    if (c) { this.process(c, buf, off + hl); return; }
    const l = this.findListener(dport);
    if (l && dst === this.iface.ip) { this.listenInput(l, src, sport, dst, dport); return; }
    this.closedInput(src, sport, dst, dport);
  }

  /** Header prediction (Van Jacobson's, as in BSD's tcp_input): in ESTABLISHED, an ACK or
   *  ACK+PSH segment without options that carries the next expected data (SEG.SEQ = RCV.NXT),
   *  acknowledges nothing new (SEG.ACK = SND.UNA), keeps the window (SEG.WND = SND.WND), fits the
   *  advertised window, with no out-of-order data or FIN held. For it, RFC 9293 3.10.7.4's steps
   *  reduce to: acceptable, no RST/SYN, ACK and window changing nothing but SND.WL1/WL2, the text
   *  appended to the receive ring, the ACK delayed or sent. Anything else returns false and takes
   *  the full path. Per-packet path: header fields read inline and no helper calls, because each
   *  interpreted statement and call costs in Espruino (measured: npm run bench). */
  private fastInput(c: Conn, src: number, dst: number, buf: Uint8Array, off: number, len: number): boolean {
    const seq = ((buf[off + 4] << 24) | (buf[off + 5] << 16) | (buf[off + 6] << 8) | buf[off + 7]) >>> 0;
    const n = len - 20;
    if (seq !== c.rcvNxt || n <= 0 || n > ((c.rcvAdv - seq) | 0) || c.finSeq >= 0 || c.ooo[0] >= 0 ||
      src !== c.rip || dst !== c.lip || ((buf[off] << 8) | buf[off + 1]) !== c.rport ||
      ((buf[off + 2] << 8) | buf[off + 3]) !== c.lport || ((buf[off + 14] << 8) | buf[off + 15]) !== c.sndWnd) return false;
    const ack = ((buf[off + 8] << 24) | (buf[off + 9] << 16) | (buf[off + 10] << 8) | buf[off + 11]) >>> 0;
    if (ack !== c.sndUna) return false;
    this.counters.predicted++;
    // Seventh (segment text): into the ring after the unread bytes, in one or two native copies.
    const rb = c.rb;
    const size = rb.length;
    let pos = c.rbHead + c.rbLen;
    if (pos >= size) pos -= size;
    const d = off + 20;
    if (size - pos >= n) rb.set(buf.subarray(d, d + n), pos);
    else {
      rb.set(buf.subarray(d, d + size - pos), pos);
      rb.set(buf.subarray(d + size - pos, d + n), 0);
    }
    c.rcvNxt = (seq + n) >>> 0;
    c.rbLen += n;
    // Fifth (window update): the same window from a newer segment.
    c.sndWl1 = seq; c.sndWl2 = ack;
    if (c.keepAlive || c.idleMs) this.touch(c);
    // Delayed ACK as in dataInput: every second segment at once, else within delAckMs.
    c.ackPending++;
    if (c.ackPending >= 2) c.ackNow = true;
    else if (!c.delAckAt) c.delAckAt = this.iface.now + this.cfg.delAckMs;
    if (c.ackNow) {
      // Data or a FIN waiting to go carries the ACK; else the fast pure ACK.
      if (c.closeQueued || c.sbLen > ((c.sndNxt - c.sndBase) | 0)) this.dispatch(c);
      else this.fastAck(c);
    }
    if (c.user) c.user.onReadable(c);
    return true;
  }

  /** A pure ACK for c from the headers of its last one, with only the sequence number, the
   *  acknowledgment, the window, the IP identification and the two checksums rewritten (the
   *  checksums from the sums of the unchanged words, RFC 1071's incremental property). Falls
   *  back to dispatch (which builds it afresh and keeps it) when no template is valid: another
   *  connection's, the ARP entry changed or is due for its refresh. Per-packet path. */
  private fastAck(c: Conn): void {
    const ifc = this.iface;
    if (this.ackConn !== c || this.ackGen !== ifc.arp.gen || ifc.now >= this.ackUntil) { this.dispatch(c); return; }
    const t = this.ackTpl;
    const seq = ((c.sndMax - c.sndNxt) | 0) > 0 ? c.sndMax : c.sndNxt;
    const ack = c.rcvNxt;
    let win = this.advertise(c);
    if (win > 0xffff) win = 0xffff;
    const id = ifc.ipId;
    ifc.ipId = (id + 1) & 0xffff;
    t[18] = id >>> 8; t[19] = id & 0xff;
    let s = this.ackIpSum + id;
    s = (s & 0xffff) + (s >>> 16); s = ~((s & 0xffff) + (s >>> 16)) & 0xffff;
    t[24] = s >>> 8; t[25] = s & 0xff;
    t[38] = seq >>> 24; t[39] = (seq >>> 16) & 0xff; t[40] = (seq >>> 8) & 0xff; t[41] = seq & 0xff;
    t[42] = ack >>> 24; t[43] = (ack >>> 16) & 0xff; t[44] = (ack >>> 8) & 0xff; t[45] = ack & 0xff;
    t[48] = win >>> 8; t[49] = win & 0xff;
    s = this.ackTcpSum + (seq >>> 16) + (seq & 0xffff) + (ack >>> 16) + (ack & 0xffff) + win;
    s = (s & 0xffff) + (s >>> 16); s = ~((s & 0xffff) + (s >>> 16)) & 0xffff;
    t[50] = s >>> 8; t[51] = s & 0xff;
    c.ackNow = false; c.ackPending = 0; c.delAckAt = 0;
    this.counters.segsOut++;
    this.counters.fastAcks++;
    ifc.counters.ipTx++;
    ifc.sendFrame(t, 54);
  }

  /** Keeps the pure ACK just sent from the interface's transmit buffer as fastAck's template. */
  private keepAck(c: Conn): void {
    const ifc = this.iface;
    const t = this.ackTpl;
    t.set(ifc.tx.subarray(0, 54), 0);
    this.ackConn = c; this.ackGen = ifc.arp.gen; this.ackUntil = ifc.txReuseUntil;
    // IPv4 header words but the identification (18) and the checksum (24).
    let s = 0;
    for (let i = 14; i < 34; i += 2) if (i !== 18 && i !== 24) s += (t[i] << 8) | t[i + 1];
    this.ackIpSum = s;
    // Pseudo-header, ports, data offset and flags, urgent pointer.
    this.ackTcpSum = pseudoSum(c.lip, c.rip, IP_PROTO_TCP, 20) + ((t[34] << 8) | t[35]) + ((t[36] << 8) | t[37]) +
      ((t[46] << 8) | t[47]) + ((t[52] << 8) | t[53]);
  }

  /** CLOSED: everything but a RST is answered with a RST (RFC 9293 3.10.7.1). */
  private closedInput(src: number, sport: number, dst: number, dport: number): void {
    this.counters.dropNoConn++;
    const f = this.sFlags;
    if (f & RST) return;
    if (f & ACK) this.sendRst(dst, dport, src, sport, this.sAck, 0, 0);
    else this.sendRst(dst, dport, src, sport, 0, seqAdd(this.sSeq, this.segSpace()), ACK);
  }

  /** LISTEN (RFC 9293 3.10.7.2). */
  private listenInput(l: Listener, src: number, sport: number, dst: number, dport: number): void {
    const f = this.sFlags;
    if (f & RST) return;
    if (f & ACK) { this.sendRst(dst, dport, src, sport, this.sAck, 0, 0); return; }
    if (!(f & SYN)) return;
    // A bounded half-open backlog: under a SYN flood the oldest half-open entry is recycled,
    // established connections are never touched.
    if (l.halfOpen >= l.backlog) {
      let oldest: Conn | null = null;
      for (let i = 0; i < this.conns.length; i++) {
        const o = this.conns[i];
        if (o.listener === l && o.state === SYN_RECEIVED && (!oldest || o.createdAt < oldest.createdAt)) oldest = o;
      }
      if (oldest) { this.counters.synFloodRecycled++; this.reset(oldest, null); }
    }
    const c = this.newConn(null);
    if (!c) return; // table full: the SYN is dropped, the peer will retry
    c.passive = true;
    c.listener = l;
    l.halfOpen++;
    c.lip = dst; c.lport = dport; c.rip = src; c.rport = sport;
    c.irs = this.sSeq; c.rcvNxt = seqAdd(this.sSeq, 1); c.rcvAdv = c.rcvNxt;
    c.iss = this.isn(c);
    c.sndUna = c.iss; c.sndNxt = c.iss; c.sndMax = c.iss; c.sndBase = seqAdd(c.iss, 1);
    c.sndWnd = this.sWnd; c.sndWl1 = this.sSeq; c.sndWl2 = c.iss; c.maxSndWnd = this.sWnd;
    this.takeMss(c);
    this.conns.push(c);
    this.setState(c, SYN_RECEIVED);
    this.dispatch(c);
  }

  /** A connection's segment (RFC 9293 3.10.7.3 and 3.10.7.4). */
  private process(c: Conn, buf: Uint8Array, dataOff: number): void {
    const f = this.sFlags;
    const now = this.iface.now;
    if (c.state === SYN_SENT) { this.synSentInput(c); return; }
    // A duplicate of the peer's SYN while our SYN,ACK is unacknowledged: send it again.
    if (c.state === SYN_RECEIVED && (f & SYN) && !(f & ACK) && this.sSeq === c.irs) {
      c.sndNxt = c.iss;
      this.dispatch(c);
      return;
    }
    // Simultaneous open (RFC 9293 figure 7): the peer's SYN,ACK repeats the SYN we already took;
    // trim it and let its ACK complete the handshake, without an extra ACK.
    if (c.state === SYN_RECEIVED && (f & SYN) && (f & ACK) && this.sSeq === c.irs) {
      this.sSeq = seqAdd(this.sSeq, 1);
      this.sFlags = f & ~SYN;
      this.process(c, buf, dataOff);
      return;
    }
    // First: sequence number acceptable? (3.10.7.4, the four cases)
    if (!this.acceptable(c)) {
      this.counters.dropUnacceptable++;
      if (!(f & RST)) {
        // TIME-WAIT: a retransmitted FIN is acknowledged and 2 MSL restarts.
        if (c.state === TIME_WAIT && (f & FIN)) c.twAt = now + 2 * this.cfg.mslMs;
        c.ackNow = true;
        this.dispatch(c);
      }
      return;
    }
    this.touch(c);
    // Second: RST (RFC 5961 3.2): exactly RCV.NXT resets; anything else in the window gets a
    // challenge ACK.
    if (f & RST) {
      if (this.sSeq !== c.rcvNxt) { this.challengeAck(c); return; }
      if (c.state === SYN_RECEIVED) { this.reset(c, c.passive ? null : 'ECONNREFUSED'); return; }
      this.reset(c, c.state <= CLOSE_WAIT ? 'ECONNRESET' : null);
      return;
    }
    // Fourth: a SYN in a synchronized state gets a challenge ACK (RFC 5961 4.2).
    if (f & SYN) { this.challengeAck(c); return; }
    // Fifth: ACK.
    if (!(f & ACK)) return;
    if (c.state === SYN_RECEIVED) {
      if (seqLt(c.sndUna, this.sAck) && seqLe(this.sAck, c.sndMax)) {
        this.establish(c);
      } else {
        this.sendRst(c.lip, c.lport, c.rip, c.rport, this.sAck, 0, 0);
        return;
      }
    }
    if (!this.ackInput(c)) return;
    // Seventh: segment text (ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2).
    let delivered = false;
    if (this.sLen > 0) {
      if (c.state === ESTABLISHED || c.state === FIN_WAIT_1 || c.state === FIN_WAIT_2) delivered = this.dataInput(c, buf, dataOff);
      else c.ackNow = true; // data after the peer's FIN: just acknowledge
    }
    // Eighth: FIN.
    let ended = false;
    if (f & FIN) {
      const finAt = seqAdd(this.sSeq, this.sLen);
      if (finAt === c.rcvNxt) ended = this.finInput(c);
      else if (seqGt(finAt, c.rcvNxt)) { c.finSeq = finAt; c.ackNow = true; } // behind a hole: later
      else c.ackNow = true;
    } else if (c.finSeq >= 0 && c.finSeq === c.rcvNxt) {
      ended = this.finInput(c);
    }
    if (c.state === CLOSED) return;
    this.dispatch(c);
    const u = c.user;
    if (u && delivered) u.onReadable(c);
    if (u && ended && c.state !== CLOSED) u.onEnd(c);
  }

  private synSentInput(c: Conn): void {
    const f = this.sFlags;
    if (f & ACK) {
      if (seqLe(this.sAck, c.iss) || seqGt(this.sAck, c.sndMax)) {
        if (!(f & RST)) this.sendRst(c.lip, c.lport, c.rip, c.rport, this.sAck, 0, 0);
        return;
      }
    }
    if (f & RST) {
      if (f & ACK) this.reset(c, 'ECONNREFUSED');
      return;
    }
    if (!(f & SYN)) return;
    c.irs = this.sSeq;
    c.rcvNxt = seqAdd(this.sSeq, 1);
    c.rcvAdv = c.rcvNxt;
    this.takeMss(c);
    if (f & ACK) {
      c.sndUna = this.sAck;
      c.sndWnd = this.sWnd; c.sndWl1 = this.sSeq; c.sndWl2 = this.sAck; c.maxSndWnd = this.sWnd;
      this.rttSample(c);
      c.rtoAt = 0; c.retries = 0;
      c.ackNow = true;
      // The handshake's ACK goes out before the user hears of the connection, so data the user
      // writes in its 'connect' handler follows it (RFC 9293 figure 6, lines 4 and 5).
      this.establish(c, false);
      this.dispatch(c);
      if (c.user) c.user.onConnect(c);
    } else {
      // Simultaneous open (RFC 9293 3.5, figure 7): SYN-RECEIVED, our SYN again with an ACK.
      c.sndWnd = this.sWnd; c.sndWl1 = this.sSeq; c.maxSndWnd = this.sWnd;
      this.setState(c, SYN_RECEIVED);
      c.sndNxt = c.iss;
      this.dispatch(c);
    }
  }

  private establish(c: Conn, notify?: boolean): void {
    const wasState = c.state;
    if (c.listener) { c.listener.halfOpen--; }
    c.cwnd = c.mss > 2190 ? 2 * c.mss : c.mss > 1095 ? 3 * c.mss : 4 * c.mss; // RFC 5681 3.1 IW
    if (wasState === SYN_RECEIVED && c.closeQueued) { this.setState(c, FIN_WAIT_1); }
    else this.setState(c, ESTABLISHED);
    c.connectAt = 0;
    const l = c.listener;
    c.listener = null;
    if (c.passive && l) l.onAccept(c);
    else if (c.user && notify !== false) c.user.onConnect(c);
  }

  /** ACK processing (RFC 9293 3.10.7.4 fifth, RFC 5961 5.2); false if the segment is dropped. */
  private ackInput(c: Conn): boolean {
    const ack = this.sAck;
    // The byte of a zero-window probe counts as sent once the peer acknowledges it.
    if (c.persistAt && ack === seqAdd(c.sndMax, 1) && c.sndNxt === c.sndMax) c.sndMax = ack;
    if (seqGt(ack, c.sndMax)) { c.ackNow = true; this.dispatch(c); return false; } // acks what we never sent
    if (seqLt(ack, seqAdd(c.sndUna, -(c.maxSndWnd > 0 ? c.maxSndWnd : 65535)))) { c.ackNow = true; this.dispatch(c); return false; }
    const finEnd = seqAdd(c.sndBase, c.sbLen + 1);
    if (seqGt(ack, c.sndUna)) {
      const acked = seqDiff(ack, c.sndUna);
      c.sndUna = ack;
      if (seqLt(c.sndNxt, ack)) c.sndNxt = ack;
      // Free acknowledged data from the send ring.
      const data = seqDiff(ack, c.sndBase);
      const n = data > c.sbLen ? c.sbLen : data > 0 ? data : 0;
      if (n > 0) { c.sbHead = (c.sbHead + n) % c.sb.length; c.sbLen -= n; c.sndBase = seqAdd(c.sndBase, n); }
      this.rttSample(c);
      c.retries = 0;
      c.persistBackoff = 0;
      // RFC 5681: slow start, congestion avoidance; leave fast recovery on new data acked.
      if (c.inRecovery) {
        if (seqGe(ack, c.recover)) { c.inRecovery = false; c.cwnd = c.ssthresh; }
        else { c.cwnd = c.cwnd > acked ? c.cwnd - acked + c.mss : c.mss; this.retransmitOne(c); } // NewReno partial ACK
      } else if (c.cwnd < c.ssthresh) c.cwnd += acked < c.mss ? acked : c.mss;
      else c.cwnd += Math.max(1, Math.floor((c.mss * c.mss) / c.cwnd));
      c.dupAcks = 0;
      c.rtoAt = seqLt(c.sndUna, c.sndMax) ? this.iface.now + c.rto : 0;
      if (n > 0 && c.user) c.user.onWritable(c);
    } else if (ack === c.sndUna && this.sLen === 0 && !(this.sFlags & FIN) && this.sWnd === c.sndWnd && seqLt(c.sndUna, c.sndMax)) {
      // A duplicate ACK (RFC 5681 2): the third one triggers fast retransmit.
      c.dupAcks++;
      if (c.dupAcks === 3 && !c.inRecovery) {
        this.counters.fastRetransmits++;
        const flight = seqDiff(c.sndMax, c.sndUna);
        c.ssthresh = Math.max(flight >> 1, 2 * c.mss);
        c.recover = c.sndMax;
        c.inRecovery = true;
        this.retransmitOne(c);
        c.cwnd = c.ssthresh + 3 * c.mss;
      } else if (c.dupAcks > 3) c.cwnd += c.mss;
    }
    // Window update (RFC 9293 3.10.7.4: SND.WL1/WL2 guard against old segments).
    if (seqLt(c.sndWl1, this.sSeq) || (c.sndWl1 === this.sSeq && seqLe(c.sndWl2, ack))) {
      c.sndWnd = this.sWnd; c.sndWl1 = this.sSeq; c.sndWl2 = ack;
      if (this.sWnd > c.maxSndWnd) c.maxSndWnd = this.sWnd;
      if (this.sWnd > 0) { c.persistAt = 0; }
    }
    const finAcked = c.closeQueued && seqGe(c.sndUna, finEnd);
    if (finAcked) {
      if (c.state === FIN_WAIT_1) this.setState(c, FIN_WAIT_2);
      else if (c.state === CLOSING) { this.enterTimeWait(c); }
      else if (c.state === LAST_ACK) { this.reset(c, null); return false; }
    }
    return true;
  }

  /** In-order data to the receive ring; out-of-order data to its place with a range noted. */
  private dataInput(c: Conn, buf: Uint8Array, off: number): boolean {
    let seq = this.sSeq;
    let len = this.sLen;
    // Trim what we already have (RFC 9293 3.10.7.4 seventh: old and overlapping data).
    const old = seqDiff(c.rcvNxt, seq);
    if (old > 0) { off += old; len -= old; seq = c.rcvNxt; }
    if (len <= 0) { c.ackNow = true; return false; }
    const size = c.rb.length;
    const free = size - c.rbLen;
    const at = seqDiff(seq, c.rcvNxt); // offset from rcvNxt
    if (at + len > free) len = free - at; // trim to the window
    if (len <= 0) { c.ackNow = true; return false; }
    const pos = (c.rbHead + c.rbLen + at) % size;
    const first = size - pos < len ? size - pos : len;
    c.rb.set(buf.subarray(off, off + first), pos);
    if (first < len) c.rb.set(buf.subarray(off + first, off + len), 0);
    if (at > 0) {
      // Out of order: keep it if a range is free (RFC 9293 3.10.7.4 allows queuing), and send a
      // duplicate ACK at once (RFC 5681 4.2) so the sender learns of the hole.
      if (!this.addRange(c, at, at + len)) this.counters.dropOoo++;
      c.ackNow = true;
      return false;
    }
    let end = len;
    // Merge ranges now contiguous with the in-order data.
    end = this.mergeRanges(c, end);
    c.rcvNxt = seqAdd(c.rcvNxt, end);
    c.rbLen += end;
    // Delayed ACK (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2): every second full segment at once,
    // otherwise within delAckMs; at once while a hole is being filled.
    c.ackPending++;
    if (c.ackPending >= 2 || this.hasRanges(c) || end > len) c.ackNow = true;
    else if (!c.delAckAt) c.delAckAt = this.iface.now + this.cfg.delAckMs;
    return true;
  }

  private finInput(c: Conn): boolean {
    c.finSeq = -1;
    c.rcvNxt = seqAdd(c.rcvNxt, 1);
    c.ackNow = true;
    c.finRcvd = true;
    switch (c.state) {
      case SYN_RECEIVED: case ESTABLISHED: this.setState(c, CLOSE_WAIT); return true;
      case FIN_WAIT_1:
        // Our FIN acknowledged by this segment? Then TIME-WAIT, else simultaneous close.
        if (seqGt(c.sndUna, seqAdd(c.sndBase, c.sbLen))) this.enterTimeWait(c);
        else this.setState(c, CLOSING);
        return true;
      case FIN_WAIT_2: this.enterTimeWait(c); return true;
      case TIME_WAIT: c.twAt = this.iface.now + 2 * this.cfg.mslMs; return false;
    }
    return false;
  }

  private enterTimeWait(c: Conn): void {
    this.setState(c, TIME_WAIT);
    c.twAt = this.iface.now + 2 * this.cfg.mslMs;
    c.rtoAt = 0; c.persistAt = 0; c.keepAt = 0; c.idleAt = 0;
  }

  // ---- segment acceptability and out-of-order ranges ----

  /** RFC 9293 3.10.7.4: the four cases of segment length and receive window. */
  private acceptable(c: Conn): boolean {
    const wnd = seqDiff(c.rcvAdv, c.rcvNxt) > 0 ? seqDiff(c.rcvAdv, c.rcvNxt) : 0;
    const space = this.segSpace();
    const seq = this.sSeq;
    if (space === 0) {
      if (wnd === 0) return seq === c.rcvNxt;
      return seqLe(c.rcvNxt, seq) && seqLt(seq, seqAdd(c.rcvNxt, wnd));
    }
    if (wnd === 0) {
      // A zero window still takes ACK, RST and URG: process the control bits of in-sequence
      // segments (RFC 9293 3.10.7.4 note) by treating an exact-sequence segment as acceptable.
      return seq === c.rcvNxt;
    }
    const last = seqAdd(seq, space - 1);
    return (seqLe(c.rcvNxt, seq) && seqLt(seq, seqAdd(c.rcvNxt, wnd))) ||
      (seqLe(c.rcvNxt, last) && seqLt(last, seqAdd(c.rcvNxt, wnd)));
  }

  private segSpace(): number {
    return this.sLen + ((this.sFlags & SYN) ? 1 : 0) + ((this.sFlags & FIN) ? 1 : 0);
  }

  /** Ranges are kept packed at the front of `ooo`, so there are none when its first is unused. */
  private hasRanges(c: Conn): boolean {
    return c.ooo.length > 0 && c.ooo[0] >= 0;
  }

  /** Moves the used ranges to the front, in their order. */
  private packRanges(r: Int32Array): void {
    let k = 0;
    for (let i = 0; i < r.length; i += 2) {
      if (r[i] < 0) continue;
      if (k !== i) { r[k] = r[i]; r[k + 1] = r[i + 1]; r[i] = -1; r[i + 1] = -1; }
      k += 2;
    }
  }

  private addRange(c: Conn, s: number, e: number): boolean {
    const r = c.ooo;
    // Merge with an overlapping or touching range.
    for (let i = 0; i < r.length; i += 2) {
      if (r[i] >= 0 && s <= r[i + 1] && e >= r[i]) {
        r[i] = s < r[i] ? s : r[i];
        r[i + 1] = e > r[i + 1] ? e : r[i + 1];
        // It may now touch another one.
        for (let j = 0; j < r.length; j += 2) {
          if (j !== i && r[j] >= 0 && r[j] <= r[i + 1] && r[j + 1] >= r[i]) {
            r[i] = r[j] < r[i] ? r[j] : r[i]; r[i + 1] = r[j + 1] > r[i + 1] ? r[j + 1] : r[i + 1];
            r[j] = -1; r[j + 1] = -1;
          }
        }
        this.packRanges(r);
        return true;
      }
    }
    for (let i = 0; i < r.length; i += 2) if (r[i] < 0) { r[i] = s; r[i + 1] = e; return true; }
    return false;
  }

  /** After `end` in-order bytes arrived: absorb ranges that now start within them; returns the
   *  new in-order length, and shifts the remaining ranges to the new rcvNxt. */
  private mergeRanges(c: Conn, end: number): number {
    const r = c.ooo;
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 0; i < r.length; i += 2) {
        if (r[i] >= 0 && r[i] <= end) {
          if (r[i + 1] > end) end = r[i + 1];
          r[i] = -1; r[i + 1] = -1;
          changed = true;
        }
      }
    }
    for (let i = 0; i < r.length; i += 2) if (r[i] >= 0) { r[i] -= end; r[i + 1] -= end; }
    this.packRanges(r);
    return end;
  }

  // ---- output (dispatch) ----

  /** Sends what the connection may send now: SYN, data within the windows (Nagle and SWS
   *  avoidance applied), FIN after the data, or a pure ACK when one is owed. */
  dispatch(c: Conn): void {
    const now = this.iface.now;
    if (c.state === SYN_SENT || c.state === SYN_RECEIVED) {
      if (c.sndNxt === c.iss) {
        this.xmit(c, c.iss, c.state === SYN_SENT ? SYN : SYN | ACK, 0, 0);
        c.sndNxt = seqAdd(c.iss, 1);
        if (seqGt(c.sndNxt, c.sndMax)) c.sndMax = c.sndNxt;
        if (!c.rtoAt) c.rtoAt = now + c.rto;
        if (!c.rttAt && c.retries === 0) { c.rttAt = now; c.rttSeq = c.sndNxt; }
      } else if (c.ackNow && c.state === SYN_RECEIVED) {
        this.xmit(c, c.sndNxt, ACK, 0, 0);
      }
      c.ackNow = false;
      return;
    }
    if (c.state < ESTABLISHED) return;
    const sendingStates = c.state === ESTABLISHED || c.state === CLOSE_WAIT || c.state === FIN_WAIT_1 || c.state === LAST_ACK || c.state === CLOSING;
    for (let guard = 0; sendingStates && guard < 64; guard++) {
      const flight = seqDiff(c.sndNxt, c.sndUna);
      const off = seqDiff(c.sndNxt, c.sndBase);
      const unsent = c.sbLen - off;
      const finPending = c.closeQueued && off <= c.sbLen; // FIN not yet sent (or to send again)
      const wnd = c.sndWnd < c.cwnd ? c.sndWnd : c.cwnd;
      const usable = wnd - flight;
      let len = unsent < c.mss ? unsent : c.mss;
      if (len > usable) len = usable > 0 ? usable : 0;
      const fin = finPending && len === unsent;
      if (len <= 0 && !fin) break;
      if (len > 0 && len < c.mss && !fin) {
        if (flight > 0 && !c.noDelay) break;                                 // Nagle (RFC 9293 3.7.4)
        if (len < unsent && len < (c.maxSndWnd >> 1)) break;                // sender SWS (3.8.6.2.1)
      }
      let flags = ACK;
      if (len > 0 && len === unsent) flags |= PSH;
      if (fin) flags |= FIN;
      const isNew = seqGe(c.sndNxt, c.sndMax);
      this.xmit(c, c.sndNxt, flags, off, len);
      c.sndNxt = seqAdd(c.sndNxt, len + (fin ? 1 : 0));
      if (seqGt(c.sndNxt, c.sndMax)) c.sndMax = c.sndNxt;
      if (!isNew) this.counters.retransmits++;
      if (isNew && !c.rttAt && c.retries === 0) { c.rttAt = now; c.rttSeq = c.sndNxt; }
      if (!c.rtoAt) c.rtoAt = now + c.rto;
      if (fin) break;
    }
    // A pure ACK carries SND.MAX, not a SND.NXT rewound by a retransmission timeout (as BSD
    // does): the peer may already hold everything up to SND.MAX, and would find an ACK with an
    // older sequence number unacceptable and drop it, so neither side's ACKs would get through.
    if (c.ackNow) this.xmit(c, seqGt(c.sndMax, c.sndNxt) ? c.sndMax : c.sndNxt, ACK, 0, 0);
    // Zero window with data waiting and nothing in flight: the persist timer probes (3.8.6.1).
    const unsentNow = c.sbLen - seqDiff(c.sndNxt, c.sndBase);
    if (c.sndWnd === 0 && unsentNow > 0 && c.sndNxt === c.sndUna && !c.persistAt) {
      c.persistAt = now + this.persistDelay(c);
      c.rtoAt = 0;
    }
  }

  /** Retransmits the first unacknowledged segment (fast retransmit, NewReno partial ACK). */
  private retransmitOne(c: Conn): void {
    const off = seqDiff(c.sndUna, c.sndBase);
    const avail = c.sbLen - off;
    const len = avail < c.mss ? avail : c.mss;
    const fin = c.closeQueued && len === avail && seqGt(c.sndMax, seqAdd(c.sndBase, c.sbLen));
    if (len <= 0 && !fin) return;
    this.counters.retransmits++;
    c.rttAt = 0; // Karn: no RTT sample from a retransmission
    this.xmit(c, c.sndUna, ACK | (fin ? FIN : 0) | (len > 0 ? PSH : 0), off, len);
  }

  /** Builds and sends one segment: header (MSS option on SYN), data from the send ring. */
  private xmit(c: Conn, seq: number, flags: number, ringOff: number, len: number): void {
    const tx = this.iface.tx;
    const win = this.advertise(c);
    const hl = emitTcp(tx, TX_OFF, c.lport, c.rport, seq, (flags & ACK) ? c.rcvNxt : 0, flags, win,
      (flags & SYN) ? this.ourMss() : 0);
    if (len > 0) {
      const size = c.sb.length;
      const pos = (c.sbHead + ringOff) % size;
      const first = size - pos < len ? size - pos : len;
      tx.set(c.sb.subarray(pos, pos + first), TX_OFF + hl);
      if (first < len) tx.set(c.sb.subarray(0, len - first), TX_OFF + hl + first);
    }
    tcpChecksum(tx, TX_OFF, hl + len, c.lip, c.rip);
    this.counters.segsOut++;
    if (flags & ACK) { c.ackNow = false; c.ackPending = 0; c.delAckAt = 0; }
    this.iface.sendIpv4(c.rip, IP_PROTO_TCP, hl + len);
    if (flags === ACK && hl + len === 20 && this.iface.txReuseUntil) this.keepAck(c);
  }

  /** The receive window to advertise, with receiver SWS avoidance (RFC 9293 3.8.6.2.2): the
   *  right edge moves only by at least min(rcvBuf / 2, MSS), and never back. */
  private advertise(c: Conn): number {
    const free = c.rb.length - c.rbLen;
    const edge = seqAdd(c.rcvNxt, free);
    if (seqDiff(edge, c.rcvAdv) >= this.swsThreshold(c) || seqLt(c.rcvAdv, c.rcvNxt)) c.rcvAdv = edge;
    const w = seqDiff(c.rcvAdv, c.rcvNxt);
    return w > 0 ? w : 0;
  }

  private swsThreshold(c: Conn): number {
    const half = c.rb.length >> 1;
    const mss = this.ourMss();
    return half < mss ? half : mss;
  }

  private ourMss(): number { return this.iface.mtu - 40; }

  private takeMss(c: Conn): void {
    const peer = this.opts.mss > 0 ? this.opts.mss : 536; // RFC 9293 3.7.1: 536 when absent
    const ours = this.ourMss();
    c.mss = peer < ours ? peer : ours;
    if (c.mss < 64) c.mss = 64;
  }

  private sendRst(lip: number, lport: number, rip: number, rport: number, seq: number, ack: number, flags: number): void {
    const tx = this.iface.tx;
    emitTcp(tx, TX_OFF, lport, rport, seq, ack, RST | flags, 0, 0);
    tcpChecksum(tx, TX_OFF, 20, lip, rip);
    this.counters.rstOut++;
    this.counters.segsOut++;
    this.iface.sendIpv4(rip, IP_PROTO_TCP, 20);
  }

  /** RFC 5961 7: challenge ACKs are rate-limited per second. */
  private challengeAck(c: Conn): void {
    const now = this.iface.now;
    if (now - this.challengeWindowAt >= 1000) { this.challengeWindowAt = now; this.challengeCount = 0; }
    if (this.challengeCount >= this.cfg.challengeAcksPerSec) return;
    this.challengeCount++;
    this.counters.challengeAcks++;
    c.ackNow = true;
    this.dispatch(c);
  }

  // ---- timers ----

  poll(now: number): number {
    let next = NO_TIMER;
    for (let i = 0; i < this.conns.length; i++) {
      const c = this.conns[i];
      this.timers(c, now);
      if (c.state === CLOSED) { i--; continue; }
      next = this.earliest(c, now, next);
    }
    return next;
  }

  /** The delay to this connection's earliest timer (no array: poll runs constantly). */
  private earliest(c: Conn, now: number, next: number): number {
    next = this.sooner(c.rtoAt, now, next);
    next = this.sooner(c.persistAt, now, next);
    next = this.sooner(c.delAckAt, now, next);
    next = this.sooner(c.twAt, now, next);
    next = this.sooner(c.keepAt, now, next);
    next = this.sooner(c.idleAt, now, next);
    return this.sooner(c.connectAt, now, next);
  }

  private sooner(at: number, now: number, next: number): number {
    if (!at) return next;
    const d = at > now ? at - now : 0;
    return d < next ? d : next;
  }

  private timers(c: Conn, now: number): void {
    if (c.twAt && now >= c.twAt) { this.reset(c, null); return; }
    if (c.connectAt && now >= c.connectAt) { this.counters.timeouts++; this.reset(c, 'ETIMEDOUT'); return; }
    if (c.rtoAt && now >= c.rtoAt) { this.onRto(c, now); if (c.state === CLOSED) return; }
    if (c.persistAt && now >= c.persistAt) this.onPersist(c, now);
    if (c.delAckAt && now >= c.delAckAt) { c.delAckAt = 0; c.ackNow = true; this.dispatch(c); }
    if (c.keepAt && now >= c.keepAt) { this.onKeepalive(c, now); if (c.state === CLOSED) return; }
    if (c.idleAt && now >= c.idleAt) { c.idleAt = now + c.idleMs; if (c.user && c.user.onIdle) c.user.onIdle(c); }
  }

  /** Retransmission timeout (RFC 6298 5.4-5.7, RFC 5681 3.1). */
  private onRto(c: Conn, now: number): void {
    const limit = c.state === SYN_SENT || c.state === SYN_RECEIVED ? this.cfg.synRetries : this.cfg.maxRetries;
    if (c.retries >= limit) {
      this.counters.timeouts++;
      if (c.state === SYN_RECEIVED && c.passive) { this.abort(c); return; }
      if (c.state !== SYN_SENT) this.sendRst(c.lip, c.lport, c.rip, c.rport, c.sndNxt, 0, 0);
      this.reset(c, 'ETIMEDOUT');
      return;
    }
    c.retries++;
    c.rto = c.rto * 2 > this.cfg.rtoMaxMs ? this.cfg.rtoMaxMs : c.rto * 2;
    const flight = seqDiff(c.sndMax, c.sndUna);
    c.ssthresh = Math.max(flight >> 1, 2 * c.mss);
    c.cwnd = c.mss;
    c.inRecovery = false;
    c.dupAcks = 0;
    c.rttAt = 0; // Karn's algorithm
    c.sndNxt = c.sndUna; // go back: resend from the oldest unacknowledged byte (or SYN)
    c.rtoAt = 0;
    this.dispatch(c);
    if (!c.rtoAt) c.rtoAt = now + c.rto;
  }

  private persistDelay(c: Conn): number {
    let d = c.rto << c.persistBackoff;
    if (d > this.cfg.rtoMaxMs) d = this.cfg.rtoMaxMs;
    if (d < this.cfg.rtoMinMs) d = this.cfg.rtoMinMs;
    return d;
  }

  /** Zero-window probe: one byte beyond the window (RFC 9293 3.8.6.1), backing off. */
  private onPersist(c: Conn, now: number): void {
    c.persistAt = 0;
    const off = seqDiff(c.sndNxt, c.sndBase);
    if (c.sndWnd > 0 || off >= c.sbLen) { this.dispatch(c); return; }
    // SND.NXT and SND.MAX stay: if the peer takes the byte, its ACK is accepted (ackInput) and
    // the byte is not sent again; if not, it goes with the data once the window opens.
    this.xmit(c, c.sndNxt, ACK, off, 1);
    if (c.persistBackoff < 6) c.persistBackoff++;
    c.persistAt = now + this.persistDelay(c);
  }

  /** Keepalive probe: <SEQ=SND.NXT-1> with no data (RFC 1122 4.2.3.6). */
  private onKeepalive(c: Conn, now: number): void {
    if (c.state !== ESTABLISHED && c.state !== CLOSE_WAIT) { c.keepAt = 0; return; }
    if (c.keepProbes >= this.cfg.keepCnt) { this.counters.timeouts++; this.abort2(c, 'ETIMEDOUT'); return; }
    c.keepProbes++;
    this.xmit(c, seqAdd(c.sndUna, -1), ACK, 0, 0);
    c.keepAt = now + this.cfg.keepIntvlMs;
  }

  private abort2(c: Conn, err: string): void {
    this.sendRst(c.lip, c.lport, c.rip, c.rport, c.sndNxt, 0, 0);
    this.reset(c, err);
  }

  private rttSample(c: Conn): void {
    if (!c.rttAt || seqLt(this.sAck, c.rttSeq)) return;
    const r = this.iface.now - c.rttAt;
    c.rttAt = 0;
    // RFC 6298 2.2 and 2.3 (alpha 1/8, beta 1/4, K 4, G taken as 1 ms).
    if (c.srtt === 0) { c.srtt = r > 0 ? r : 1; c.rttvar = r / 2; }
    else {
      const d = c.srtt > r ? c.srtt - r : r - c.srtt;
      c.rttvar = 0.75 * c.rttvar + 0.25 * d;
      c.srtt = 0.875 * c.srtt + 0.125 * r;
    }
    let rto = Math.round(c.srtt + Math.max(1, 4 * c.rttvar));
    if (rto < this.cfg.rtoMinMs) rto = this.cfg.rtoMinMs;
    if (rto > this.cfg.rtoMaxMs) rto = this.cfg.rtoMaxMs;
    c.rto = rto;
  }

  // ---- the table ----

  private newConn(opts: { sndBuf?: number; rcvBuf?: number } | null): Conn | null {
    if (this.conns.length >= this.cfg.maxConns) {
      // A TIME-WAIT entry may be recycled when the table is full (RFC 6191 spirit).
      let tw: Conn | null = null;
      for (let i = 0; i < this.conns.length; i++) if (this.conns[i].state === TIME_WAIT && (!tw || this.conns[i].twAt < tw.twAt)) tw = this.conns[i];
      if (!tw) { this.counters.tableFull++; return null; }
      this.counters.timeWaitRecycled++;
      this.reset(tw, null);
    }
    const c = new Conn(opts && opts.sndBuf ? opts.sndBuf : this.cfg.sndBuf, opts && opts.rcvBuf ? opts.rcvBuf : this.cfg.rcvBuf, this.cfg.oooRanges);
    c.rto = this.cfg.rtoInitMs;
    c.createdAt = this.iface.now;
    return c;
  }

  /** Removes a connection and tells its user (err null: a normal close). */
  private reset(c: Conn, err: string | null): void {
    const i = this.conns.indexOf(c);
    if (i >= 0) this.conns.splice(i, 1);
    if (this.last === c) this.last = null;
    if (this.ackConn === c) this.ackConn = null;
    if (c.listener && c.state === SYN_RECEIVED) c.listener.halfOpen--;
    c.listener = null;
    const was = c.state;
    this.setState(c, CLOSED);
    c.rtoAt = 0; c.persistAt = 0; c.delAckAt = 0; c.twAt = 0; c.keepAt = 0; c.idleAt = 0; c.connectAt = 0;
    if (c.user && was !== CLOSED) { const u = c.user; u.onClose(c, err); }
  }

  private setState(c: Conn, s: number): void {
    if (c.state === s) return;
    c.state = s;
    if (this.cfg.onState) this.cfg.onState(c, s);
  }

  private touch(c: Conn): void {
    if (c.keepAlive) { c.keepAt = this.iface.now + this.cfg.keepIdleMs; c.keepProbes = 0; }
    if (c.idleMs) c.idleAt = this.iface.now + c.idleMs;
  }

  findConn(lip: number, lport: number, rip: number, rport: number): Conn | null {
    for (let i = 0; i < this.conns.length; i++) {
      const c = this.conns[i];
      if (c.lport === lport && c.rport === rport && c.rip === rip && c.lip === lip) { this.last = c; return c; }
    }
    return null;
  }

  private findListener(port: number): Listener | null {
    for (let i = 0; i < this.listeners.length; i++) if (this.listeners[i].port === port) return this.listeners[i];
    return null;
  }

  /** RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a 4 us clock. */
  private isn(c: Conn): number {
    if (this.cfg.isn) return this.cfg.isn(c.lip, c.lport, c.rip, c.rport) >>> 0;
    const m = (Math.floor(this.iface.now * 250) % 0x100000000) >>> 0;
    return (m + isnHash(this.key, c.lip, c.rip, ((c.lport << 16) | c.rport) >>> 0)) >>> 0;
  }

  /** A random port in the dynamic range (RFC 6056 algorithm 1), not in use with that peer. */
  private ephemeralPort(rip: number, rport: number): number {
    for (let t = 0; t < 64; t++) {
      const p = 49152 + ((this.iface.random32() >>> 0) % 16384);
      if (!this.findConn(this.iface.ip, p, rip, rport) && !this.findListener(p)) return p;
    }
    return 49152 + ((this.iface.random32() >>> 0) % 16384);
  }
}
