// The TCP connection state machine of RFC 9293, with RFC 6298 retransmission timing, RFC 5681
// congestion control, RFC 5961 defences, RFC 6528 initial sequence numbers, RFC 1122 keepalive.
// One Tcp per interface; it registers itself as the handler of IP protocol 6. A connection is a
// control block (Conn) with bounded send and receive rings. Segments come in through `input`
// (RFC 9293 3.10.7 SEGMENT ARRIVES: `process`) and go out through `dispatch`; timers run in `poll`.
// The core does no I/O and reads no clock: time is the interface's `now`.
import { MEM_CRITICAL, MEM_OK, type Interface } from '../iface/interface.ts';
import { NO_TIMER } from '../iface/types.ts';
import { counterNames, counterValues, IFACE_COUNT, IP_RX, IP_TX, TX_FAIL, TX_FRAMES, type TcpCounters } from '../iface/counters.ts';
import {
  ACK, FIN, PSH, RST, SYN, TCP_OPTIONS_BAD, TCP_OK, emitTcp, tcpChecksum, tcpHeaderLen,
  tcpParse, tcpParseOptions, IP_PROTO_TCP, TCP_SRC_PORT, TCP_DST_PORT, TCP_SEQ, TCP_ACK, TCP_FLAGS, TCP_WINDOW,
} from '../wire/tcp.ts';
import { eSum, pseudoSum, sum16 } from '../wire/checksum.ts';
import { getU16, getU32 } from '../wire/bytes.ts';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from './seq.ts';

/** Espruino's global `E` (absent under Node). */
declare const E: any;

// RFC 9293 3.3.2 states
export const CLOSED = 0, LISTEN = 1, SYN_SENT = 2, SYN_RECEIVED = 3, ESTABLISHED = 4, FIN_WAIT_1 = 5,
  FIN_WAIT_2 = 6, CLOSE_WAIT = 7, CLOSING = 8, LAST_ACK = 9, TIME_WAIT = 10;
/** The state's name in RFC 9293's words. The names are made when asked for: an array of strings
 *  kept by the bundle would cost RAM blocks on the board all the time. */
export function stateName(state: number): string {
  return 'CLOSED LISTEN SYN-SENT SYN-RECEIVED ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 CLOSE-WAIT CLOSING LAST-ACK TIME-WAIT'.split(' ')[state];
}
/** All the names, in state order (host code; the board bundles use stateName). Pure: a bundle
 *  that does not use the array does not build it. */
export const STATE_NAMES = /* @__PURE__ */ [CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK,
  TIME_WAIT].map(stateName);

const TX_OFF = 34; // TCP header in the interface's transmit buffer (Ethernet 14 + IPv4 20)

export interface TcpConfig {
  /** Connections in the table, listeners not counted (default 8). Every key is optional: left
   *  out it takes its default; 0 is taken where the comment gives it a meaning, and a value
   *  below a key's least (1 for the others) is refused with an error naming the key. */
  maxConns?: number;
  /** Half-open connections per listener in the SYN cache; beyond, SYN cookies (default 4). */
  backlog?: number;
  /** Send and receive ring sizes in bytes (default 2048 each), per connection unless overridden. */
  sndBuf?: number;
  rcvBuf?: number;
  /** Out-of-order ranges kept per connection (default 4; 0: out-of-order data is dropped). */
  oooRanges?: number;
  /** Maximum segment lifetime in ms; TIME-WAIT lasts 2*MSL (default 5000: a board cannot wait
   *  minutes; 0: TIME-WAIT ends at the next poll). */
  mslMs?: number;
  /** RFC 6298 bounds and initial value (defaults 200 ms, 60 s, 1 s; rtoMinMs 0: no floor). */
  rtoMinMs?: number;
  rtoMaxMs?: number;
  rtoInitMs?: number;
  /** Retransmissions of data/FIN (default 8) and of SYN (default 5) before giving up (0: none). */
  maxRetries?: number;
  synRetries?: number;
  /** Delayed ACK timer (default 100 ms; RFC 9293 3.8.6.3 allows up to 500; 0: at the next poll). */
  delAckMs?: number;
  /** Active opens fail after this long (default 75 s, as BSD; the SYN retries usually end first;
   *  0: no such limit, only the SYN retries). */
  connectTimeoutMs?: number;
  /** Keepalive (RFC 1122 4.2.3.6): after keepIdleMs with nothing received, keepCnt probes
   *  keepIntvlMs apart, then the connection is reset (defaults 120 s, 10 s, 3: a board finds a
   *  vanished peer within 2.5 minutes). On by default for accepted connections; a 0 in any of
   *  the three turns that default off (setKeepAlive still turns it on for one connection). */
  keepIdleMs?: number;
  keepIntvlMs?: number;
  keepCnt?: number;
  /** Challenge ACKs per second at most (RFC 5961 7, default 10; 0: none). */
  challengeAcksPerSec?: number;
  /** When the table is full, an accepted connection idle (nothing received) at least this long
   *  may be reclaimed for a new one (default 30000; 0: never). See Tcp.victim for the order. */
  reclaimIdleMs?: number;
  /** Half-open connections kept in the SYN cache, all listeners together (default 8; 0: none,
   *  every SYN is answered with a cookie). Beyond it, or beyond a listener's backlog, the SYN,ACK
   *  carries a SYN cookie (RFC 4987 3.3) and nothing is kept. */
  synCache?: number;
  /** Replaces the RFC 6528 ISN generator (tests use it to start at 100 and 300). */
  isn?: (localIp: number, localPort: number, remoteIp: number, remotePort: number) => number;
  /** Called on every state change (traces for ladder diagrams). */
  onState?: (c: Conn, state: number) => void;
  /** The current time in ms, read when the application calls in between polls (send, close...),
   *  so timers it starts are not based on the last poll's time. Without it, the last poll's. */
  now?: () => number;
}

/** The indexes of Tcp.cfg: TcpConfig's numbers, with their defaults applied. */
export const CFG_MAX_CONNS = 0, CFG_BACKLOG = 1, CFG_SND_BUF = 2, CFG_RCV_BUF = 3, CFG_OOO_RANGES = 4,
  CFG_MSL_MS = 5, CFG_RTO_MIN_MS = 6, CFG_RTO_MAX_MS = 7, CFG_RTO_INIT_MS = 8, CFG_MAX_RETRIES = 9,
  CFG_SYN_RETRIES = 10, CFG_DEL_ACK_MS = 11, CFG_CONNECT_TIMEOUT_MS = 12, CFG_KEEP_IDLE_MS = 13,
  CFG_KEEP_INTVL_MS = 14, CFG_KEEP_CNT = 15, CFG_CHALLENGE_ACKS_PER_SEC = 16, CFG_RECLAIM_IDLE_MS = 17,
  CFG_SYN_CACHE = 18;
export const CFG_COUNT = 19;
/** After them in Tcp.cfg, RFC 6528's secret key for the ISN: 4 random words (one typed array for
 *  both: each typed array costs its header and an ArrayBuffer in RAM). */
const CFG_KEY = CFG_COUNT;
/** The keys for which 0 is a value (a bit per CFG_ index): oooRanges, mslMs, rtoMinMs, maxRetries,
 *  synRetries, delAckMs, connectTimeoutMs, keepIdleMs, keepIntvlMs, keepCnt, challengeAcksPerSec,
 *  reclaimIdleMs, synCache. */
const CFG_ZERO_OK = 0x7fe70;

/** The owner of a connection (the socket layer). Every method is called after the control block
 *  is consistent, so it may call back into Tcp. */
export interface ConnUser {
  /** A connection this side opened (connect) is established. A listener's connections are
   *  handed over by its onAccept once established, so their users (the apps) need none: on a
   *  board every method costs RAM. */
  onConnect?(c: Conn): void;
  onReadable(c: Conn): void;
  /** The peer's FIN arrived after all its data: end of stream. */
  onEnd(c: Conn): void;
  /** Space freed in the send ring. */
  onWritable(c: Conn): void;
  /** The connection is gone: err is null for a normal close, else ECONNREFUSED, ECONNRESET,
   *  ETIMEDOUT, EADDRNOTAVAIL, or ECONNABORTED (reclaimed for a new connection: Tcp.victim). */
  onClose(c: Conn, err: string | null): void;
  /** Nothing sent or received for the socket's idle timeout. */
  onIdle?(c: Conn): void;
}

export class Listener {
  /** halfOpenMax: the listen backlog (a name Closure may shorten: `backlog` is a configuration
   *  key, which keeps its name everywhere, and a long name costs a block per listener). */
  constructor(readonly port: number, readonly halfOpenMax: number, readonly onAccept: (c: Conn) => void) {}
}

// The transmission control block's numbers: one Uint32Array (Conn.s), named by these indexes
// (the build writes the literal index at each use), in one ArrayBuffer with the two rings. An
// Espruino object property costs one or two 13-byte blocks (two for a sequence number, a time or
// a boolean), a Uint32Array element 4 bytes; storing also wraps a sequence number modulo 2^32.
export const LIP = 0, RIP = 1, LPORT = 2, RPORT = 3;
// Send sequence variables (RFC 9293 3.3.1)
export const ISS = 4, SND_UNA = 5, SND_NXT = 6, SND_MAX = 7, SND_WND = 8, SND_WL1 = 9, SND_WL2 = 10;
/** The largest window the peer has offered (sender SWS avoidance, RFC 9293 3.8.6.2.1). */
export const MAX_SND_WND = 11;
/** Effective send MSS (the peer's MSS option, 536 without one, RFC 9293 3.7.1). */
export const MSS = 12;
// Receive sequence variables
export const IRS = 13, RCV_NXT = 14, RCV_ADV = 15;
/** Send ring: the bytes from SND_BASE (the oldest unacknowledged data byte) on. */
export const SB_HEAD = 16, SB_LEN = 17, SND_BASE = 18;
/** Received in-order bytes not yet read by the application (RB_LEN, a held frame's included:
 *  Tcp.held), and where the receive ring's part starts; out-of-order ranges follow in the ring. */
export const RB_HEAD = 19, RB_LEN = 20;
export const RETRIES = 21, PERSIST_BACKOFF = 22, KEEP_PROBES = 23;
/** RFC 6298: the sequence number whose acknowledgment gives the RTT sample. */
export const RTT_SEQ = 24;
/** RFC 5681 (and 6582's `recover`). */
export const CWND = 25, SSTHRESH = 26, DUP_ACKS = 27, RECOVER = 28;
export const ACK_PENDING = 29;
/** Flag bits (CLOSE_QUEUED ... FIN_HELD, below). */
export const FLAGS = 30;
/** The connection state (CLOSED ... TIME_WAIT). */
export const STATE = 31;
// Times: ms modulo 2^32, 0 when not running (`at32` keeps a real time from being 0); compared
// with `due`, as a signed 32-bit difference like sequence numbers (RFC 1982), so they stay right
// across the wrap every 49.7 days as long as a timer is shorter than 24.8 days.
export const RTO_AT = 32, PERSIST_AT = 33, DEL_ACK_AT = 34, TW_AT = 35, KEEP_AT = 36, IDLE_AT = 37, CONNECT_AT = 38;
/** RFC 6298: when the timed segment was sent; the RTO (ms); SRTT and RTTVAR in 1/8 ms. */
export const RTT_AT = 39, RTO = 41, SRTT8 = 42, RTTVAR8 = 43;
export const CREATED_AT = 40, IDLE_MS = 44;
/** Sequence number of a FIN that arrived behind a hole (valid with the FIN_HELD flag). */
export const FIN_SEQ = 45;
/** Bytes delivered to and taken from the application, modulo 2^32 (counters for the socket). */
export const BYTES_IN = 46, BYTES_OUT = 47;
/** When the last acceptable segment arrived (ms modulo 2^32): how idle it is, for Tcp.victim. */
export const LAST_AT = 48;
/** Out-of-order ranges from here to the end of s, as offsets from RCV.NXT: start0, end0,
 *  start1, end1, ..., NONE when unused, the used ones first. */
export const OOO = 49;
export const NONE = 0xffffffff;
// The bits of s[FLAGS]: the user asked to close (FIN goes after the data); the peer's FIN arrived;
// in fast recovery; an ACK is owed now; Nagle off; keepalive on; opened by a listener; a FIN held
// behind a hole (at FIN_SEQ); the persist timer ran out with a window open, so dispatch sends what
// fits although sender SWS avoidance would wait (RFC 9293 3.8.6.2.1's override timeout); the
// connection may be reclaimed when the table is full (accepted ones, or Tcp.reclaimable).
export const CLOSE_QUEUED = 1, FIN_RCVD = 2, IN_RECOVERY = 4, ACK_NOW = 8, NO_DELAY = 16, KEEP_ALIVE = 32, PASSIVE = 64,
  FIN_HELD = 128, SWS_OVERRIDE = 256, RECLAIM = 512;

/** A time (ms) as kept in the TCB: modulo 2^32, never 0 (0 is "not running"). */
export function at32(ms: number): number { return (ms >>> 0) || 1; }
/** True once `now` (ms) has reached the kept time `at`. */
export function due(now: number, at: number): boolean { return ((now - at) | 0) >= 0; }

// TCP's counters: one Uint32Array (see iface/counters.ts for why), one index each; their names
// are in iface/counters.ts (counterNames), after the interface's.
export const SEGS_IN = 0, SEGS_OUT = 1, RETRANSMITS = 2, DROP_CHECKSUM = 3, DROP_MALFORMED = 4, DROP_OPTIONS = 5,
  DROP_UNACCEPTABLE = 6, DROP_NO_CONN = 7, RST_OUT = 8, CHALLENGE_ACKS = 9, SYN_COOKIES = 10, TABLE_FULL = 11,
  TIME_WAIT_RECYCLED = 12, FAST_RETRANSMITS = 13, TIMEOUTS = 14, DROP_OOO = 15;
/** Segments taken by header prediction (inputFrame), and ACKs sent from the template. */
export const PREDICTED = 16, FAST_ACKS = 17;
/** Connections not made (a SYN dropped, connect() refused) because free memory was low. */
export const DROP_LOW_MEM = 18;
/** Slots reclaimed for new connections (Tcp.victim), after TIME_WAIT_RECYCLED: a closing
 *  connection, an accepted connection idle beyond reclaimIdleMs. SYN_COOKIES counts the SYN,ACKs
 *  that carried a cookie, COOKIES_OK the connections a valid cookie made. */
export const CLOSING_RECYCLED = 19, IDLE_RECYCLED = 20, COOKIES_OK = 21;
const TCP_COUNT = 22;

// The SYN cache (as BSD's syncache): a half-open connection of a listener is SC_W words of
// Tcp.sc, not a connection, until the handshake's last ACK (RFC 9293 3.5 SYN-RECEIVED kept
// compact, as RFC 4987 3.2 describes): the peer's address, the ports (local << 16 | remote; 0 for
// a free entry), IRS, ISS, the peer's MSS, when the SYN,ACK is due again, how many went (the
// first's send time in E_SENT, for the RTT sample).
const E_RIP = 0, E_PORTS = 1, E_IRS = 2, E_ISS = 3, E_MSS = 4, E_AT = 5, E_N = 6, E_SENT = 7, SC_W = 8;
// TIME-WAIT kept compact (as Linux's timewait sockets): a TIME-WAIT connection reclaimed for a
// new one (Tcp.victim) leaves TW_W words of Tcp.tw, its control block and rings freed: the peer's
// address, the ports (0: a free entry), our SND.NXT, RCV.NXT, the window last offered, the end of
// 2 MSL. Enough to answer as TIME-WAIT does (RFC 9293 3.10.7.4) and to let a new SYN in (RFC 1122
// 4.2.2.13): Tcp.twInput.
const T_RIP = 0, T_PORTS = 1, T_SEQ = 2, T_ACK = 3, T_WIN = 4, T_AT = 5, TW_W = 6;
/** The MSS values a SYN cookie can carry (its low 2 bits: RFC 4987 3.3's encoding). */
const COOKIE_MSS = [536, 1220, 1440, 1460];
/** The least a ring is made when memory is short (Tcp.newConn): one segment of the default MSS. */
const RING_FLOOR = 536;

/** A transmission control block (RFC 9293 3.3.1): its numbers and its two rings are views of
 *  one ArrayBuffer. */
export class Conn {
  /** The 32-bit variables, indexed by LIP ... BYTES_OUT, then the out-of-order ranges (OOO). */
  s!: Uint32Array;
  sb!: Uint8Array;
  rb!: Uint8Array;
  user: ConnUser | null = null;
  /** The listener of a passive connection until it is accepted (absent otherwise: a property
   *  costs RAM per connection). */
  listener?: Listener;

  constructor(sndBuf: number, rcvBuf: number, oooRanges: number) {
    this.block(OOO + oooRanges * 2, sndBuf, rcvBuf);
    this.s.fill(NONE, OOO);
    this.s[MSS] = 536;
    this.s[SSTHRESH] = 65535;
    this.s[RTO] = 1000;
  }

  /** Makes the block: n numbers and rings of sb and rb bytes, in one allocation (each typed
   *  array of its own would add an ArrayBuffer and its header, about 2 blocks, per connection).
   *  Made again (Tcp.shed), it keeps the numbers, and a ring kept its bytes. */
  block(n: number, sb: number, rb: number): void {
    const os = this.s, osb = this.sb, orb = this.rb, b = new ArrayBuffer(n * 4 + sb + rb);
    this.s = new Uint32Array(b, 0, n);
    this.sb = new Uint8Array(b, n * 4, sb);
    this.rb = new Uint8Array(b, n * 4 + sb, rb);
    if (os) { this.s.set(os); if (sb) this.sb.set(osb); if (rb) this.rb.set(orb); }
  }

  // `readable` and `unacked` are for programs on the full bundle and for the tests: the firmware
  // reads c.s[RB_LEN] and c.s[SB_LEN] instead, so that the board's bundles, which no module of
  // theirs then asks for those getters, leave them out (each getter costs a function's RAM,
  // about 6 blocks, for as long as the stack is loaded). `state` and `writable` stay in them:
  // Closure keeps members whose names its own externs know.
  /** The state (CLOSED ... TIME_WAIT), for readers outside TCP. */
  get state(): number { return this.s[STATE]; }
  get stateName(): string { return stateName(this.s[STATE]); }
  /** Bytes the application can read now. */
  get readable(): number { return this.s[RB_LEN]; }
  /** Room in the send ring. */
  get writable(): number { return this.sb.length - this.s[SB_LEN]; }
  /** Data in the send ring not yet acknowledged (sent or not). */
  get unacked(): number { return this.s[SB_LEN]; }
}

/** 32-bit multiply without Math.imul (Espruino lacks it): exact low 32 bits. */
function mul32(a: number, b: number): number {
  return (((a & 0xffff) * b) + ((((a >>> 16) * b) & 0xffff) * 0x10000)) >>> 0;
}

/** One murmur3 round of word w into h. */
function mix(h: number, w: number): number {
  let x = mul32(w >>> 0, 0xcc9e2d51);
  x = ((x << 15) | (x >>> 17)) >>> 0;
  x = mul32(x, 0x1b873593);
  h = (h ^ x) >>> 0;
  h = ((h << 13) | (h >>> 19)) >>> 0;
  return (h * 5 + 0xe6546b64) >>> 0; // exact: h * 5 < 2^35
}

/** A keyed mix of four words (RFC 6528's F): murmur3-style rounds; not cryptographic, but keyed
 *  with 128 random bits (k[CFG_KEY..CFG_KEY+3], Tcp.cfg), so ISNs cannot be guessed from outside. */
function isnHash(k: Uint32Array, a: number, b: number, c: number): number {
  // No array of the words: a SYN (cookies under a flood) allocates nothing.
  // Seeded with the key's first word, the other three mixed into the finalizer's steps: half the
  // rounds of mixing all six words (a SYN cookie is computed for every SYN of a flood).
  let h = mix(mix(mix(k[CFG_KEY], a), b), c) ^ k[CFG_KEY + 1];
  h ^= h >>> 16; h = mul32(h, 0x85ebca6b) ^ k[CFG_KEY + 2]; h ^= h >>> 13; h = mul32(h, 0xc2b2ae35) ^ k[CFG_KEY + 3]; h ^= h >>> 16;
  return h >>> 0;
}

export class Tcp {
  readonly conns: Conn[] = [];
  readonly listeners: Listener[] = [];
  /** The counters, indexed by SEGS_IN ... FAST_ACKS. */
  readonly cnt = new Uint32Array(TCP_COUNT);
  /** The counters by name (a snapshot). */
  get counters(): TcpCounters { return counterValues(this.cnt, counterNames(), IFACE_COUNT) as TcpCounters; }
  /** The configuration with its defaults, by the CFG_ indexes (one typed array: an object with
   *  these names cost about 45 blocks on a board); the three callbacks apart. Then the ISN key
   *  (CFG_KEY). */
  readonly cfg = new Uint32Array(CFG_KEY + 4);
  private readonly cfgIsn: TcpConfig['isn'];
  private readonly cfgOnState: TcpConfig['onState'];
  private readonly cfgNow: TcpConfig['now'];
  private challengeWindowAt = 0;
  /** The SYN cache: synCache entries of SC_W words (E_RIP ...), made at the first SYN. */
  sc: Uint32Array | null = null;
  /** Compact TIME-WAIT entries (T_RIP ...), maxConns of them, made at the first one kept. */
  tw: Uint32Array | null = null;
  /** The ISS of a SYN that reopens a connection in TIME-WAIT (Tcp.reopen; 0: none). */
  private twIss = 0;
  /** Why the last new connection was refused (connect() returning null): 1 the table full, 2
   *  memory low; the socket layers report ENOMEM or EMFILE (NetworkJS -2 or -7) from it. */
  refused = 0;
  /** The kind of the last Tcp.victim (1 to 3; 4: none). */
  private vRank = 4;
  private challengeCount = 0;
  // The segment being processed (scratch fields: no object per segment).
  private sSeq = 0; private sAck = 0; private sFlags = 0; private sWnd = 0; private sLen = 0;
  /** Its MSS option (TCP_NO_MSS without one): the only option the stack uses. */
  private sMss = 0;
  /** The connection that took the last segment: checked first by the fast path. */
  private last: Conn | null = null;
  /** A received frame whose segment data is kept where it lies (zero copy) until read, by the
   *  connection heldBy: only a frame the driver will not write again (EthernetDriver.rxFresh),
   *  only when that connection had nothing waiting to be read, and one frame at a time, so
   *  holding adds at most one frame to the memory the rings take. Its unread bytes are
   *  held[heldOff, heldOff + heldLen): they come before the ring's in the stream and count in
   *  RB_LEN. Kept here, not in the connection, so that a connection costs nothing more. */
  held: Uint8Array | null = null;
  heldBy: Conn | null = null;
  private heldOff = 0;
  private heldLen = 0;
  // The fast ACK (see fastAck): the last pure ACK's Ethernet, IPv4 and TCP headers (54 bytes),
  // for which connection, valid while the ARP table generation is ackGen and before ackUntil;
  // and the sums of the header words that stay the same from one ACK to the next.
  private readonly ackTpl = new Uint8Array(54);
  private ackConn: Conn | null = null;
  private ackGen = 0; private ackUntil = 0; private ackIpSum = 0; private ackTcpSum = 0;
  /** Its connection's receive ring size and receiver SWS threshold (advertise's, fixed for a
   *  connection): fastAck works the window out without a call or a typed array's length. */
  private ackSize = 0; private ackSws = 0;

  /** `netif`: the interface TCP sends and receives through (lwIP's name for it; the stack's own
   *  `iface` is the same object, and this name is the firmware's own, shortened on a board). */
  constructor(readonly netif: Interface, config?: TcpConfig) {
    const c = config || {};
    const f = this.cfg;
    // Each key (in CFG_ order): absent (undefined) takes its default; a number below its least
    // meaningful value is refused, 1 but for the keys in CFG_ZERO_OK, where 0 means something
    // (TcpConfig's comments say what).
    const keys = 'maxConns backlog sndBuf rcvBuf oooRanges mslMs rtoMinMs rtoMaxMs rtoInitMs maxRetries synRetries delAckMs connectTimeoutMs keepIdleMs keepIntvlMs keepCnt challengeAcksPerSec reclaimIdleMs synCache'.split(' ');
    const defs = [8, 4, 2048, 2048, 4, 5000, 200, 60000, 1000, 8, 5, 100, 75000, 120000, 10000, 3, 10, 30000, 8];
    for (let i = 0; i < CFG_COUNT; i++) {
      const v = (c as any)[keys[i]], min = ((CFG_ZERO_OK >> i) & 1) ^ 1;
      // v !== +v: not a number, or NaN
      if (v !== undefined && (v !== +v || v < min)) throw new Error('tcp config: ' + keys[i] + ' ' + v + ': use a number >= ' + min + ' or leave it out (' + defs[i] + ')');
      f[i] = v === undefined ? defs[i] : v;
    }
    this.cfgIsn = c.isn; this.cfgOnState = c.onState; this.cfgNow = c.now;
    for (let i = CFG_KEY; i < CFG_KEY + 4; i++) f[i] = netif.random32() >>> 0;
    netif.register(IP_PROTO_TCP, this);
  }

  // ---- user calls (RFC 9293 3.10.1-3.10.6) ----

  /** Brings the interface's time up to now before a user call schedules timers, and has the
   *  stack work out its deadline again at its next poll (Interface.due: an idle poll looks at no
   *  timer before it). */
  private catchUp(): void {
    if (this.cfgNow) { const t = this.cfgNow(); if (t > this.netif.now) this.netif.now = t; }
    this.netif.due = 0;
  }

  /** Passive OPEN. Returns null if the port is taken. */
  listen(port: number, onAccept: (c: Conn) => void, backlog?: number): Listener | null {
    if (this.findListener(port)) return null;
    const l = new Listener(port, backlog || this.cfg[CFG_BACKLOG], onAccept);
    this.listeners.push(l);
    return l;
  }

  unlisten(port: number): void {
    const l = this.findListener(port);
    if (!l) return;
    this.listeners.splice(this.listeners.indexOf(l), 1);
    // Half-open connections of that listener go too.
    const sc = this.sc;
    if (sc) for (let e = 0; e < sc.length; e += SC_W) if (sc[e + E_PORTS] >>> 16 === port) sc[e + E_PORTS] = 0;
  }

  /** Active OPEN. Returns the connection (SYN-SENT), or null with the reason in `err`. */
  connect(rip: number, rport: number, user: ConnUser, opts?: { sndBuf?: number; rcvBuf?: number; localPort?: number }): Conn | null {
    if (!this.netif.ip) return null;
    this.catchUp();
    const c = this.newConn(opts || null);
    if (!c) return null;
    c.s[LIP] = this.netif.ip; c.s[RIP] = rip >>> 0; c.s[RPORT] = rport;
    c.s[LPORT] = opts && opts.localPort ? opts.localPort : this.ephemeralPort(c.s[RIP], rport);
    c.user = user;
    c.s[ISS] = this.isn(c.s[LIP], c.s[LPORT], c.s[RIP], rport);
    c.s[SND_UNA] = c.s[ISS]; c.s[SND_NXT] = c.s[ISS]; c.s[SND_MAX] = c.s[ISS]; c.s[SND_BASE] = seqAdd(c.s[ISS], 1);
    if (this.cfg[CFG_CONNECT_TIMEOUT_MS]) c.s[CONNECT_AT] = at32(this.netif.now + this.cfg[CFG_CONNECT_TIMEOUT_MS]); // 0: none
    this.conns.push(c);
    this.setState(c, SYN_SENT);
    this.dispatch(c);
    return c;
  }

  /** SEND: copies up to len bytes into the send ring; returns how many were taken. */
  send(c: Conn, data: Uint8Array, off: number, len: number): number {
    const cs = c.s;
    if ((cs[FLAGS] & CLOSE_QUEUED) || (cs[STATE] !== ESTABLISHED && cs[STATE] !== CLOSE_WAIT && cs[STATE] !== SYN_SENT && cs[STATE] !== SYN_RECEIVED)) return 0;
    const room = c.sb.length - cs[SB_LEN];
    const n = len < room ? len : room;
    if (n <= 0) return 0;
    this.catchUp();
    const size = c.sb.length;
    const at = (cs[SB_HEAD] + cs[SB_LEN]) % size;
    const first = size - at < n ? size - at : n;
    c.sb.set(data.subarray(off, off + first), at);
    if (first < n) c.sb.set(data.subarray(off + first, off + n), 0);
    cs[SB_LEN] += n;
    cs[BYTES_OUT] += n;
    this.touch(c);
    this.dispatch(c);
    return n;
  }

  /** RECEIVE: copies up to max bytes of in-order data out (with out null: takes them without a
   *  copy, discarded); sends a window update when the window reopens significantly (RFC 9293
   *  3.8.6.2.2). */
  recv(c: Conn, out: Uint8Array | null, off: number, max: number): number {
    const cs = c.s;
    const n = cs[RB_LEN] < max ? cs[RB_LEN] : max;
    if (n <= 0) return 0;
    this.catchUp();
    const size = c.rb.length;
    // The held frame's bytes first, then the ring's.
    const h = c !== this.heldBy ? 0 : this.heldLen < n ? this.heldLen : n;
    if (h > 0) {
      if (out) out.set(this.held!.subarray(this.heldOff, this.heldOff + h), off);
      this.heldOff += h; this.heldLen -= h;
      if (this.heldLen === 0) { this.held = null; this.heldBy = null; }
    }
    const r = n - h;
    if (r > 0) {
      if (out) {
        const first = size - cs[RB_HEAD] < r ? size - cs[RB_HEAD] : r;
        out.set(c.rb.subarray(cs[RB_HEAD], cs[RB_HEAD] + first), off + h);
        if (first < r) out.set(c.rb.subarray(0, r - first), off + h + first);
      }
      cs[RB_HEAD] = (cs[RB_HEAD] + r) % size;
    }
    cs[RB_LEN] -= n;
    cs[BYTES_IN] += n;
    // Window update (RFC 9293 3.8.6.2.2 with Linux's rule for when): only when the window we
    // advertised has fallen to half the buffer or less and reading at least doubles it, so a
    // reader that keeps up does not turn every delayed ACK into an immediate one.
    const free = size - cs[RB_LEN];
    const advertised = seqDiff(cs[RCV_ADV], cs[RCV_NXT]);
    if (cs[STATE] >= ESTABLISHED && 2 * advertised <= size && free >= 2 * advertised && free >= this.swsThreshold(c)) {
      cs[FLAGS] |= ACK_NOW;
      this.dispatch(c);
    }
    return n;
  }

  /** CLOSE: a FIN after the data still in the send ring (RFC 9293 3.10.4). */
  close(c: Conn): void {
    const cs = c.s;
    this.catchUp();
    switch (cs[STATE]) {
      case SYN_SENT: this.reset(c, null); return;
      // SYN-RECEIVED (RFC 9293 3.10.4): with nothing queued, the FIN goes now and FIN-WAIT-1 waits
      // for the handshake's ACK with it; data queued keeps the FIN until ESTABLISHED.
      case SYN_RECEIVED: cs[FLAGS] |= CLOSE_QUEUED; if (cs[SB_LEN]) return; this.setState(c, FIN_WAIT_1); break;
      case ESTABLISHED: cs[FLAGS] |= CLOSE_QUEUED; this.setState(c, FIN_WAIT_1); break;
      case CLOSE_WAIT: cs[FLAGS] |= CLOSE_QUEUED; this.setState(c, LAST_ACK); break;
      default: return; // already closing
    }
    this.dispatch(c);
  }

  /** ABORT: RST to the peer, the connection is gone at once (RFC 9293 3.10.5). */
  abort(c: Conn): void {
    const cs = c.s;
    if (cs[STATE] >= SYN_RECEIVED && cs[STATE] <= CLOSE_WAIT) this.sendRst(cs[LIP], cs[LPORT], cs[RIP], cs[RPORT], cs[SND_NXT], 0, 0);
    this.reset(c, null);
  }

  /** Lets a connection this side opened be reclaimed when the table is full (Tcp.victim), as the
   *  accepted ones may be. */
  reclaimable(c: Conn, on: boolean): void {
    c.s[FLAGS] = on ? c.s[FLAGS] | RECLAIM : c.s[FLAGS] & ~RECLAIM;
  }

  setKeepAlive(c: Conn, on: boolean): void {
    c.s[FLAGS] = on ? c.s[FLAGS] | KEEP_ALIVE : c.s[FLAGS] & ~KEEP_ALIVE;
    c.s[KEEP_PROBES] = 0;
    c.s[KEEP_AT] = on ? at32(this.netif.now + this.cfg[CFG_KEEP_IDLE_MS]) : 0;
    this.netif.due = 0;
  }

  /** Idle timeout for the socket's 'timeout' event (0: off). */
  setIdle(c: Conn, ms: number): void {
    c.s[IDLE_MS] = ms;
    c.s[IDLE_AT] = ms > 0 ? at32(this.netif.now + ms) : 0;
    this.netif.due = 0;
  }

  /** The interface's address changed: connections bound to the old one are reset. */
  addressChanged(oldIp: number): void {
    if (this.sc) this.sc.fill(0);
    if (this.tw) this.tw.fill(0);
    for (let i = this.conns.length - 1; i >= 0; i--) {
      const c = this.conns[i];
      if (c.s[LIP] === oldIp >>> 0 && oldIp) this.reset(c, 'EADDRNOTAVAIL');
    }
  }

  // ---- SEGMENT ARRIVES (RFC 9293 3.10.7) ----

  input(src: number, dst: number, buf: Uint8Array, off: number, len: number): void {
    this.cnt[SEGS_IN]++;
    const st = tcpParse(buf, off, len, src, dst);
    if (st !== TCP_OK) {
      if (st === 3) this.cnt[DROP_CHECKSUM]++; else this.cnt[DROP_MALFORMED]++;
      return;
    }
    // Header prediction happened before, on the whole frame (inputFrame); this segment was not
    // offered to it (an IPv4 option, another connection) or did not qualify.
    this.parsed(src, dst, buf, off, len);
  }

  /** Header prediction (Van Jacobson's, as in BSD's tcp_input), on the whole frame: the
   *  interface offers TCP each IPv4 frame for our hardware address first.
   *
   *  The frame is taken when it is a segment between the addresses of the last connection, in
   *  ESTABLISHED, with a 20-byte IPv4 header, not a fragment, and a 20-byte TCP header with ACK
   *  (PSH allowed) alone. The IPv4 layer's checks reduce to these for it: the destination is the
   *  connection's local address (ours, unicast), the source its remote one (checked when it was
   *  opened), the lengths and both checksums (RFC 791, RFC 9293 3.1). Anything else returns
   *  false having changed nothing.
   *
   *  A taken segment is predicted when it carries the next expected data (SEG.SEQ = RCV.NXT) on
   *  the connection's ports, acknowledges nothing new (SEG.ACK = SND.UNA), keeps the window
   *  (SEG.WND = SND.WND), fits the advertised window, with no out-of-order data or FIN held.
   *  For it, RFC 9293 3.10.7.4's steps reduce to: acceptable, no RST/SYN, ACK and window
   *  changing nothing but SND.WL1/WL2, the text appended, the ACK delayed or sent. Otherwise
   *  it takes the full path, without being parsed again.
   *
   *  Per-packet path, written as one function with the fields read inline: each interpreted
   *  call and statement costs in Espruino more than the checks themselves (npm run bench). */
  inputFrame(buf: Uint8Array, len: number, keep?: boolean): boolean {
    const c = this.last;
    if (c === null || buf[14] !== 0x45 || buf[23] !== IP_PROTO_TCP || buf[46] !== 0x50 || (buf[47] & 0xf7) !== ACK ||
      ((buf[20] & 0x3f) | buf[21]) !== 0) return false;
    const cs = c.s;
    const total = (buf[16] << 8) | buf[17];
    const src = ((buf[26] << 24) | (buf[27] << 16) | (buf[28] << 8) | buf[29]) >>> 0;
    const dst = ((buf[30] << 24) | (buf[31] << 16) | (buf[32] << 8) | buf[33]) >>> 0;
    // !(<=): a length that is NaN takes nothing (the interface drops it as truncated).
    if (cs[STATE] !== ESTABLISHED || src !== cs[RIP] || dst !== cs[LIP] || total < 40 || !(total <= len - 14)) return false;
    const tl = total - 20;
    // Both checksums in one sum (RFC 1071): the IPv4 header and the TCP segment lie side by side
    // and each sums to zero (0xffff) when intact, so the two with the pseudo-header do too. A
    // frame that fails goes to the layers, which check each apart (and count the failure). Only
    // errors in both that cancel exactly pass, as two errors within one block pass its checksum.
    // Modulo 65535 the one's complement sum is the plain sum (2^16 = 1) and a byte swap is a
    // product by 256, so the native sum's little-endian words and the pseudo-header's big-endian
    // sum add without folds or swaps; the sum is never 0 (the protocol, 6, is in it).
    const p = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + IP_PROTO_TCP + tl;
    const bo = buf.byteOffset;
    let s;
    if (eSum !== null && (bo & 1) === 0) {
      s = eSum(new Uint16Array(buf.buffer, bo + 14, total >> 1)) + p * 256;
      if (total & 1) s += buf[13 + total];
    } else s = sum16(buf, 14, total, p);
    if (s % 65535 !== 0) return false;
    const ifc = this.netif;
    ifc.cnt[IP_RX]++;
    this.cnt[SEGS_IN]++;
    // The TCP header is at 34, its data at 54.
    const seq = ((buf[38] << 24) | (buf[39] << 16) | (buf[40] << 8) | buf[41]) >>> 0;
    const ack = ((buf[42] << 24) | (buf[43] << 16) | (buf[44] << 8) | buf[45]) >>> 0;
    const n = tl - 20;
    if (seq !== cs[RCV_NXT] || ack !== cs[SND_UNA] || n <= 0 || n > ((cs[RCV_ADV] - seq) | 0) || (cs[FLAGS] & FIN_HELD) ||
      cs[OOO] < NONE || ((buf[34] << 8) | buf[35]) !== cs[RPORT] || ((buf[36] << 8) | buf[37]) !== cs[LPORT] ||
      ((buf[48] << 8) | buf[49]) !== cs[SND_WND]) {
      this.parsed(src, dst, buf, 34, tl);
      return true;
    }
    this.cnt[PREDICTED]++;
    // Seventh (segment text): kept where it lies (Tcp.held) when nothing is waiting to be read,
    // no connection holds a frame, the frame is ours to keep and memory is not low (Espruino's
    // typed-array copy goes element by element: the copy of 1460 bytes is about a quarter of the
    // segment's cost); else into the ring after the unread bytes, in one or two native copies.
    if (cs[RB_LEN] === 0 && this.heldBy === null && keep === true && ifc.lowMem === MEM_OK) {
      this.held = buf; this.heldOff = 54; this.heldLen = n;
      this.heldBy = c;
    } else {
      // Written as a loop (one or two copies, the second from the ring's start) so that the
      // compiler keeps this a block: a block not run is skipped by Espruino's fast block skip,
      // an expression not run is parsed (about 2 empty-loop iterations on every held segment).
      const rb = c.rb;
      const size = rb.length;
      let pos = cs[RB_HEAD] + cs[RB_LEN] - (c === this.heldBy ? this.heldLen : 0);
      if (pos >= size) pos -= size;
      for (let at = 54, end = 54 + n; at < end; pos = 0) {
        const k = size - pos < end - at ? size - pos : end - at;
        rb.set(buf.subarray(at, at + k), pos);
        at += k;
      }
    }
    cs[RCV_NXT] = (seq + n) >>> 0;
    cs[RB_LEN] += n;
    // Fifth (window update): the same window from a newer segment.
    cs[SND_WL1] = seq; cs[SND_WL2] = ack;
    // Keepalive and the idle timeout are not pushed back here: their timers look at LAST_AT when
    // they come (timers, onKeepalive).
    cs[LAST_AT] = ifc.now;
    // Delayed ACK as in dataInput: every second segment at once (ACK_PENDING reaching 2), else
    // within delAckMs. Data or a FIN waiting to go carries the ACK; else the fast pure ACK.
    if (cs[ACK_PENDING]++ > 0 || (cs[FLAGS] & ACK_NOW)) {
      if ((cs[FLAGS] & CLOSE_QUEUED) || cs[SB_LEN] > ((cs[SND_NXT] - cs[SND_BASE]) | 0)) {
        cs[FLAGS] |= ACK_NOW;
        this.dispatch(c);
      } else this.fastAck(c);
    } else if (!cs[DEL_ACK_AT]) cs[DEL_ACK_AT] = ((ifc.now + this.cfg[CFG_DEL_ACK_MS]) >>> 0) || 1; // at32, written out
    if (c.user) c.user.onReadable(c);
    return true;
  }

  /** SEGMENT ARRIVES after the header and checksum passed: options, then the connection, a
   *  listener, or CLOSED. */
  private parsed(src: number, dst: number, buf: Uint8Array, off: number, len: number): void {
    // Not our address (the interface passes any unicast while it has none, for DHCP): no
    // connection of ours, and no RST, which would go out in another host's name.
    if (dst !== this.netif.ip) { this.cnt[DROP_NO_CONN]++; return; }
    // A SYN is not answered while its SYN,ACK could not go (Interface.reachable: the peer's next
    // hop unresolved, asked for); the peer sends it again (RFC 9293 3.8.1). Checked first: a
    // flood from made-up addresses costs no options, no look-ups, no cookie.
    if ((buf[off + TCP_FLAGS] & (SYN | ACK | RST)) === SYN && !this.netif.reachable(src)) return;
    const mss = tcpParseOptions(buf, off);
    if (mss === TCP_OPTIONS_BAD) { this.cnt[DROP_OPTIONS]++; return; }
    this.sMss = mss;
    const hl = tcpHeaderLen(buf, off);
    // The header's fields (RFC 9293 3.1), read here once for the full path.
    const sport = getU16(buf, off + TCP_SRC_PORT), dport = getU16(buf, off + TCP_DST_PORT);
    this.sSeq = getU32(buf, off + TCP_SEQ);
    this.sAck = getU32(buf, off + TCP_ACK);
    this.sFlags = buf[off + TCP_FLAGS] & 0x3f;
    this.sWnd = getU16(buf, off + TCP_WINDOW);
    this.sLen = len - hl;
    if (sport === 0 || dport === 0) { this.cnt[DROP_MALFORMED]++; return; }
    const c = this.findConn(dst, dport, src, sport);
    if (c) {
      if (c.s[STATE] !== TIME_WAIT || !this.reopen(c.s[RCV_NXT], c.s[SND_NXT], dport)) { this.process(c, buf, off + hl); return; }
      this.reset(c, null);
    } else if (this.tw && this.twInput(src, sport, dst, dport)) return;
    const l = this.findListener(dport);
    if (l) { this.listenInput(l, src, sport, dst, dport, buf, off + hl); return; }
    this.closedInput(src, sport, dst, dport);
  }

  /** A pure ACK for c from the headers of its last one, with only the sequence number, the
   *  acknowledgment, the window, the IP identification and the two checksums rewritten (the
   *  checksums from the sums of the unchanged words, RFC 1071's incremental property). Falls
   *  back to dispatch (which builds it afresh and keeps it) when no template is valid: another
   *  connection's, the ARP entry changed or is due for its refresh. Per-packet path: the bytes
   *  are written without `& 0xff` where the value is below 2^31 (a Uint8Array keeps the low
   *  byte), the one's complement sums folded by `% 65535` (2^16 = 1 modulo 65535). */
  private fastAck(c: Conn): void {
    const cs = c.s;
    const ifc = this.netif;
    if (this.ackConn !== c || this.ackGen !== ifc.arp.gen || ifc.now >= this.ackUntil) {
      cs[FLAGS] |= ACK_NOW;
      this.dispatch(c);
      return;
    }
    const t = this.ackTpl;
    const seq = ((cs[SND_MAX] - cs[SND_NXT]) | 0) > 0 ? cs[SND_MAX] : cs[SND_NXT];
    const ack = cs[RCV_NXT];
    // advertise, written out (about 11 empty-loop iterations as a call).
    const edge = (ack + this.ackSize - cs[RB_LEN]) >>> 0;
    if (((edge - cs[RCV_ADV]) | 0) >= this.ackSws || ((cs[RCV_ADV] - ack) | 0) < 0) cs[RCV_ADV] = edge;
    let win = (cs[RCV_ADV] - ack) | 0;
    if (win < 0) win = 0; else if (win > 0xffff) win = 0xffff;
    const id = ifc.ipId;
    ifc.ipId = (id + 1) & 0xffff;
    t[18] = id >>> 8; t[19] = id;
    // The checksum of a sum s > 0: 0xffff - (s folded), where s folded is s % 65535, or 0xffff
    // when that is 0 (the checksum is then 0, as RFC 1071's complement gives).
    let s = (65535 - (this.ackIpSum + id) % 65535) % 65535;
    t[24] = s >>> 8; t[25] = s;
    t[38] = seq >>> 24; t[39] = seq >>> 16; t[40] = seq >>> 8; t[41] = seq & 0xff;
    t[42] = ack >>> 24; t[43] = ack >>> 16; t[44] = ack >>> 8; t[45] = ack & 0xff;
    t[48] = win >>> 8; t[49] = win;
    // seq and ack whole: modulo 65535 a 32-bit word is the sum of its two halves.
    s = (65535 - (this.ackTcpSum + seq + ack + win) % 65535) % 65535;
    t[50] = s >>> 8; t[51] = s;
    cs[FLAGS] &= ~ACK_NOW; cs[ACK_PENDING] = 0; cs[DEL_ACK_AT] = 0;
    this.cnt[SEGS_OUT]++;
    this.cnt[FAST_ACKS]++;
    const ic = ifc.cnt;
    ic[IP_TX]++;
    // Interface.sendFrame written out.
    if (ifc.driver.send(t, 54)) ic[TX_FRAMES]++; else ic[TX_FAIL]++;
  }

  /** Keeps the pure ACK just sent from the interface's transmit buffer as fastAck's template. */
  private keepAck(c: Conn): void {
    const ifc = this.netif;
    const t = this.ackTpl;
    t.set(ifc.tx.subarray(0, 54), 0);
    this.ackConn = c; this.ackGen = ifc.arp.gen; this.ackUntil = ifc.txReuseUntil;
    this.ackSize = c.rb.length; this.ackSws = this.swsThreshold(c);
    // IPv4 header words but the identification (18) and the checksum (24).
    let s = 0;
    for (let i = 14; i < 34; i += 2) if (i !== 18 && i !== 24) s += (t[i] << 8) | t[i + 1];
    this.ackIpSum = s;
    // Pseudo-header, ports, data offset and flags, urgent pointer.
    this.ackTcpSum = pseudoSum(c.s[LIP], c.s[RIP], IP_PROTO_TCP, 20) + ((t[34] << 8) | t[35]) + ((t[36] << 8) | t[37]) +
      ((t[46] << 8) | t[47]) + ((t[52] << 8) | t[53]);
  }

  /** CLOSED: everything but a RST is answered with a RST (RFC 9293 3.10.7.1). */
  private closedInput(src: number, sport: number, dst: number, dport: number): void {
    this.cnt[DROP_NO_CONN]++;
    const f = this.sFlags;
    if (f & RST) return;
    if (f & ACK) this.sendRst(dst, dport, src, sport, this.sAck, 0, 0);
    else this.sendRst(dst, dport, src, sport, 0, seqAdd(this.sSeq, this.segSpace()), ACK);
  }

  /** LISTEN (RFC 9293 3.10.7.2), and SYN-RECEIVED of a passive open (3.10.7.4), which lives in
   *  the SYN cache (Tcp.sc) or in a SYN cookie until the handshake's last ACK makes the
   *  connection: a SYN costs no memory (RFC 4987 3.2, 3.3). A cookie goes through the cache's
   *  last row, kept free for it. */
  private listenInput(l: Listener, src: number, sport: number, dst: number, dport: number, buf: Uint8Array, off: number): void {
    const f = this.sFlags, seq = this.sSeq, ports = ((dport << 16) | sport) >>> 0, cf = this.cfg, twIss = this.twIss;
    this.twIss = 0;
    let sc = this.sc, e = -1;
    if (!sc) sc = this.sc = new Uint32Array(cf[CFG_SYN_CACHE] * SC_W + SC_W);
    const last = sc.length - SC_W;
    for (let i = 0; i < last; i += SC_W) if (sc[i + E_PORTS] === ports && sc[i + E_RIP] === src) e = i;
    if (e < 0) {
      if (f & RST) return;
      if (f & ACK) {
        // The handshake's last ACK of a SYN cookie, else <SEQ=SEG.ACK><CTL=RST>.
        const iss = seqAdd(this.sAck, -1);
        if ((f & SYN) || !this.cookieOk(src, ports, seqAdd(seq, -1), iss)) { this.sendRst(dst, dport, src, sport, this.sAck, 0, 0); return; }
        e = this.scSet(last, src, ports, seqAdd(seq, -1), iss, COOKIE_MSS[iss & 3]);
        sc[e + E_N] = 1; // no RTT sample
      } else {
        if (!(f & SYN)) return;
        // A new SYN. Refused (dropped: the peer retries, RFC 9293 3.8.1) when its connection
        // could not be made: memory critical (low, the last ACK's newConn decides, after a
        // collection), or the table full with nothing to reclaim.
        if (this.netif.lowMem === MEM_CRITICAL) { this.cnt[DROP_LOW_MEM]++; return; }
        if (this.conns.length >= cf[CFG_MAX_CONNS] && !this.victim()) { this.cnt[TABLE_FULL]++; return; }
        const mss = this.sMss > 0 ? this.sMss : 536; // RFC 9293 3.7.1: 536 when absent
        // A free row, while the listener has fewer than its backlog; else a cookie (RFC 4987
        // 3.3): its MSS the largest of COOKIE_MSS not above the peer's.
        for (let i = 0; i < last; i += SC_W) if (!sc[i + E_PORTS]) e = i;
        if (e < 0 || this.halfOpen(dport) >= l.halfOpenMax) {
          let m = 3;
          while (m && COOKIE_MSS[m] > mss) m--;
          this.cnt[SYN_COOKIES]++;
          this.scSynAck(this.scSet(last, src, ports, seq, this.cookie(src, ports, seq, ((this.netif.now >>> 16) & 3) << 2 | m), 0));
          sc[last + E_PORTS] = 0;
          return;
        }
        this.scSet(e, src, ports, seq, twIss || this.isn(dst, dport, src, sport), mss);
        sc[e + E_AT] = at32(this.netif.now + cf[CFG_RTO_INIT_MS]);
        this.scSynAck(e);
        return;
      }
    }
    // SYN-RECEIVED (RFC 9293 3.10.7.4) of row e.
    const irs = sc[e + E_IRS], iss = sc[e + E_ISS], rn = seqAdd(irs, 1);
    // The peer's SYN again: our SYN,ACK again.
    if ((f & (SYN | ACK)) === SYN && seq === irs) { this.scSynAck(e); return; }
    // First: the sequence number, against the window the SYN,ACK offered; unacceptable: an ACK.
    // Second: RST exactly at RCV.NXT: back to LISTEN; elsewhere in the window a challenge ACK
    // (RFC 5961 3.2). Fourth: a SYN in the window: back to LISTEN (3.10.7.4 fourth).
    const ok = this.inWindow(rn, cf[CFG_RCV_BUF]);
    if (!ok) this.cnt[DROP_UNACCEPTABLE]++;
    if (ok && (f & (RST | SYN))) {
      if ((f & SYN) || seq === rn) { sc[e + E_PORTS] = 0; return; }
      if (!this.challengeOk()) return;
    }
    if (!ok || (f & RST)) {
      if (!(f & RST) || ok) this.seg(dst, dport, src, sport, seqAdd(iss, 1), rn, ACK, cf[CFG_RCV_BUF], 0);
      return;
    }
    if (!(f & ACK)) return;
    // Fifth: an ACK of our SYN makes the connection (below); any other, <SEQ=SEG.ACK><CTL=RST>.
    if (this.sAck !== seqAdd(iss, 1)) { this.sendRst(dst, dport, src, sport, this.sAck, 0, 0); return; }
    // The connection, in SYN-RECEIVED, and the segment processed as in that state: ESTABLISHED
    // and accepted, its text and FIN taken. Without room (the table, memory) the ACK is dropped
    // and the row stays: its SYN,ACK goes again, or (a cookie) the peer sends again.
    const c = this.newConn(null);
    sc[last + E_PORTS] = 0;
    if (!c) return;
    if (e === last) this.cnt[COOKIES_OK]++;
    sc[e + E_PORTS] = 0;
    const cs = c.s;
    cs[FLAGS] |= PASSIVE | RECLAIM;
    c.listener = l;
    cs[LIP] = dst; cs[LPORT] = dport; cs[RIP] = src; cs[RPORT] = sport;
    cs[IRS] = irs; cs[RCV_NXT] = rn;
    // At least the window the SYN,ACK offered (rcvBuf as far as the ring takes it; a SYN,ACK of
    // RING_FLOOR offered less, and the next segment offers this).
    cs[RCV_ADV] = seqAdd(rn, c.rb.length < cf[CFG_RCV_BUF] ? c.rb.length : cf[CFG_RCV_BUF]);
    cs[ISS] = iss; cs[SND_UNA] = iss; cs[SND_NXT] = seqAdd(iss, 1); cs[SND_MAX] = cs[SND_NXT]; cs[SND_BASE] = cs[SND_NXT];
    cs[SND_WND] = this.sWnd; cs[SND_WL1] = irs; cs[SND_WL2] = iss; cs[MAX_SND_WND] = this.sWnd;
    this.sMss = sc[e + E_MSS];
    this.takeMss(c);
    // The RTT sample from the first SYN,ACK, unless it went again (Karn).
    if (!sc[e + E_N]) { cs[RTT_AT] = sc[e + E_SENT]; cs[RTT_SEQ] = cs[SND_NXT]; }
    this.conns.push(c);
    this.last = c; // header prediction's candidate, as findConn would have made it
    this.setState(c, SYN_RECEIVED);
    this.process(c, buf, off);
  }

  /** RFC 1122 4.2.2.13 (RFC 6191 without timestamps): a SYN for a connection in TIME-WAIT whose
   *  sequence number is beyond its RCV.NXT (rn) reopens it, when a listener has the port: the
   *  new ISS beyond the old SND.NXT (sn), by 65537 as Linux's. Else TIME-WAIT's rules. */
  private reopen(rn: number, sn: number, port: number): boolean {
    if ((this.sFlags & (SYN | ACK | RST)) !== SYN || !seqGt(this.sSeq, rn) || !this.findListener(port)) return false;
    this.twIss = seqAdd(sn, 65537) || 1;
    return true;
  }

  /** A segment for a compact TIME-WAIT entry (Tcp.tw), as TIME-WAIT answers it (RFC 9293
   *  3.10.7.4, RFC 5961): unacceptable, an ACK (a FIN again also restarts 2 MSL); a RST at
   *  RCV.NXT ends it, elsewhere in the window a challenge ACK; a SYN in the window a challenge
   *  ACK; data or a FIN, or an ACK of what was never sent, an ACK. False when no entry matches, or
   *  a SYN reopens it (Tcp.reopen: the listener takes it). */
  private twInput(src: number, sport: number, dst: number, dport: number): boolean {
    const t = this.tw!, ports = ((dport << 16) | sport) >>> 0, f = this.sFlags;
    let e = -1;
    for (let i = 0; i < t.length; i += TW_W) if (t[i + T_PORTS] === ports && t[i + T_RIP] === src) e = i;
    if (e < 0) return false;
    const sn = t[e + T_SEQ], rn = t[e + T_ACK], w = t[e + T_WIN];
    if (this.reopen(rn, sn, dport)) { t[e + T_PORTS] = 0; return false; }
    const ok = this.inWindow(rn, w);
    if (!ok) {
      this.cnt[DROP_UNACCEPTABLE]++;
      if (f & RST) return true;
      if (f & FIN) t[e + T_AT] = at32(this.netif.now + 2 * this.cfg[CFG_MSL_MS]);
    } else if (f & RST) {
      if (this.sSeq === rn) { t[e + T_PORTS] = 0; return true; }
      if (!this.challengeOk()) return true;
    } else if ((f & SYN) ? !this.challengeOk() : !(f & ACK) || (!this.sLen && !(f & FIN) && !seqGt(this.sAck, sn))) return true;
    this.seg(dst, dport, src, sport, sn, rn, ACK, w, 0);
    return true;
  }

  /** Keeps a TIME-WAIT connection's numbers as a compact entry: a free one, else the one whose
   *  2 MSL ends first. */
  private twKeep(vs: Uint32Array): void {
    let t = this.tw, e = 0;
    if (!t) t = this.tw = new Uint32Array(this.cfg[CFG_MAX_CONNS] * TW_W);
    for (let i = 0; i < t.length; i += TW_W) {
      if (!t[i + T_PORTS]) { e = i; break; }
      if (((t[i + T_AT] - t[e + T_AT]) | 0) < 0) e = i;
    }
    const w = seqDiff(vs[RCV_ADV], vs[RCV_NXT]);
    t[e + T_RIP] = vs[RIP]; t[e + T_PORTS] = ((vs[LPORT] << 16) | vs[RPORT]) >>> 0; t[e + T_SEQ] = vs[SND_NXT]; t[e + T_ACK] = vs[RCV_NXT];
    t[e + T_WIN] = w > 0 ? w : 0; t[e + T_AT] = vs[TW_AT];
  }

  /** Fills row e of the SYN cache; returns e. */
  private scSet(e: number, rip: number, ports: number, irs: number, iss: number, mss: number): number {
    const sc = this.sc!;
    sc[e + E_RIP] = rip; sc[e + E_PORTS] = ports; sc[e + E_IRS] = irs; sc[e + E_ISS] = iss; sc[e + E_MSS] = mss;
    sc[e + E_N] = 0; sc[e + E_SENT] = at32(this.netif.now);
    return e;
  }

  /** Row e's SYN,ACK: <SEQ=ISS><ACK=IRS+1><CTL=SYN,ACK> with our MSS. Its window: rcvBuf when
   *  free memory (as last measured) holds full rings in a slot's share, as newConn reckons it
   *  (every slot counted, and 65 blocks for the connection itself: with slots in use, an offer
   *  smaller than the ring costs a round trip at most); else RING_FLOOR, the least receive ring
   *  newConn makes (the ring is made only on the handshake's last ACK). Linux keeps the largest
   *  window offered and cuts its segments to half of it (tcp_bound_to_half_wnd): after a SYN,ACK
   *  of 2048 and a ring of 536 its 1024-byte segments never fit the window, and each went only
   *  when its probe timer fired (about 250 ms). The connection offers its whole ring after. */
  private scSynAck(e: number): void {
    const sc = this.sc!, p = sc[e + E_PORTS], f = this.cfg, netif = this.netif, b = f[CFG_RCV_BUF];
    this.seg(netif.ip, p >>> 16, sc[e + E_RIP], p & 0xffff, sc[e + E_ISS], seqAdd(sc[e + E_IRS], 1), SYN | ACK,
      b > RING_FLOOR && ((netif.memFree - netif.memReserve) / f[CFG_MAX_CONNS] - 65) * 9 < f[CFG_SND_BUF] + b ? RING_FLOOR : b, this.ourMss());
  }

  /** RFC 4987 3.3's SYN cookie for a SYN: a keyed hash of the connection and of t in all but
   *  the low 4 bits, which are t: a 2-bit count of 65.5 s periods and COOKIE_MSS's index. */
  private cookie(rip: number, ports: number, irs: number, t: number): number {
    return ((isnHash(this.cfg, rip, ports, (irs ^ (t << 28)) >>> 0) & 0xfffffff0) | t) >>> 0;
  }

  /** A cookie is valid for the connection when its hash matches and its count is this period's
   *  or the last one's (a cookie lives 65.5 to 131 s). */
  private cookieOk(rip: number, ports: number, irs: number, iss: number): boolean {
    return ((((this.netif.now >>> 16) & 3) - ((iss >>> 2) & 3)) & 3) < 2 && this.cookie(rip, ports, irs, iss & 15) === iss;
  }

  /** Half-open connections in the SYN cache (of one local port, or all with 0). */
  halfOpen(port: number): number {
    const sc = this.sc;
    let n = 0;
    if (sc) for (let i = 0; i < sc.length; i += SC_W) if (sc[i + E_PORTS] && (!port || sc[i + E_PORTS] >>> 16 === port)) n++;
    return n;
  }

  /** A connection's segment (RFC 9293 3.10.7.3 and 3.10.7.4). */
  private process(c: Conn, buf: Uint8Array, dataOff: number): void {
    const cs = c.s;
    const f = this.sFlags;
    const now = this.netif.now;
    if (cs[STATE] === SYN_SENT) { this.synSentInput(c); return; }
    // A duplicate of the peer's SYN while our SYN,ACK is unacknowledged: send it again.
    if (cs[STATE] === SYN_RECEIVED && (f & SYN) && !(f & ACK) && this.sSeq === cs[IRS]) {
      cs[SND_NXT] = cs[ISS];
      this.dispatch(c);
      return;
    }
    // Simultaneous open (RFC 9293 figure 7): the peer's SYN,ACK repeats the SYN we already took;
    // trim it and let its ACK complete the handshake, without an extra ACK.
    if (cs[STATE] === SYN_RECEIVED && (f & SYN) && (f & ACK) && this.sSeq === cs[IRS]) {
      this.sSeq = seqAdd(this.sSeq, 1);
      this.sFlags = f & ~SYN;
      this.process(c, buf, dataOff);
      return;
    }
    // First: sequence number acceptable? (3.10.7.4, the four cases)
    if (!this.acceptable(c)) {
      this.cnt[DROP_UNACCEPTABLE]++;
      if (!(f & RST)) {
        // TIME-WAIT: a retransmitted FIN is acknowledged and 2 MSL restarts.
        if (cs[STATE] === TIME_WAIT && (f & FIN)) cs[TW_AT] = at32(now + 2 * this.cfg[CFG_MSL_MS]);
        cs[FLAGS] |= ACK_NOW;
        this.dispatch(c);
      }
      return;
    }
    cs[LAST_AT] = now;
    this.touch(c);
    // Second: RST (RFC 5961 3.2): exactly RCV.NXT resets; anything else in the window gets a
    // challenge ACK.
    if (f & RST) {
      if (this.sSeq !== cs[RCV_NXT]) { this.challengeAck(c); return; }
      // SYN-RECEIVED here is a simultaneous open's (a passive one's lives in the SYN cache).
      this.reset(c, cs[STATE] === SYN_RECEIVED ? 'ECONNREFUSED' : cs[STATE] <= CLOSE_WAIT ? 'ECONNRESET' : null);
      return;
    }
    // Fourth: a SYN in a synchronized state gets a challenge ACK (RFC 5961 4.2), as in the
    // SYN-RECEIVED of a simultaneous open (a passive open's returns to LISTEN: listenInput).
    if (f & SYN) { this.challengeAck(c); return; }
    // Fifth: ACK.
    if (!(f & ACK)) return;
    if (cs[STATE] === SYN_RECEIVED) {
      if (seqLt(cs[SND_UNA], this.sAck) && seqLe(this.sAck, cs[SND_MAX])) {
        this.establish(c);
      } else {
        this.sendRst(cs[LIP], cs[LPORT], cs[RIP], cs[RPORT], this.sAck, 0, 0);
        return;
      }
    }
    if (!this.ackInput(c)) return;
    // Seventh: segment text (ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2).
    let delivered = false;
    if (this.sLen > 0) {
      if (cs[STATE] === ESTABLISHED || cs[STATE] === FIN_WAIT_1 || cs[STATE] === FIN_WAIT_2) delivered = this.dataInput(c, buf, dataOff);
      else cs[FLAGS] |= ACK_NOW; // data after the peer's FIN: just acknowledge
    }
    // Eighth: FIN.
    let ended = false;
    if (f & FIN) {
      const finAt = seqAdd(this.sSeq, this.sLen);
      // Once the peer's FIN is taken (FIN_RCVD), a FIN at RCV.NXT is not taken again: the state
      // stays (CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT: RFC 9293 3.10.7.4 eighth), only an ACK.
      if (finAt === cs[RCV_NXT] && !(cs[FLAGS] & FIN_RCVD)) ended = this.finInput(c);
      else if (seqGt(finAt, cs[RCV_NXT])) { cs[FIN_SEQ] = finAt; cs[FLAGS] |= FIN_HELD | ACK_NOW; } // behind a hole: later
      else cs[FLAGS] |= ACK_NOW;
    } else if ((cs[FLAGS] & FIN_HELD) && cs[FIN_SEQ] === cs[RCV_NXT]) {
      ended = this.finInput(c);
    }
    if (cs[STATE] === CLOSED) return;
    this.dispatch(c);
    const u = c.user;
    if (u && delivered) u.onReadable(c);
    if (u && ended && cs[STATE] !== CLOSED) u.onEnd(c);
  }

  private synSentInput(c: Conn): void {
    const cs = c.s;
    const f = this.sFlags;
    if (f & ACK) {
      if (seqLe(this.sAck, cs[ISS]) || seqGt(this.sAck, cs[SND_MAX])) {
        if (!(f & RST)) this.sendRst(cs[LIP], cs[LPORT], cs[RIP], cs[RPORT], this.sAck, 0, 0);
        return;
      }
    }
    if (f & RST) {
      if (f & ACK) this.reset(c, 'ECONNREFUSED');
      return;
    }
    if (!(f & SYN)) return;
    cs[IRS] = this.sSeq;
    cs[RCV_NXT] = seqAdd(this.sSeq, 1);
    cs[RCV_ADV] = cs[RCV_NXT];
    this.takeMss(c);
    if (f & ACK) {
      cs[SND_UNA] = this.sAck;
      cs[SND_WND] = this.sWnd; cs[SND_WL1] = this.sSeq; cs[SND_WL2] = this.sAck; cs[MAX_SND_WND] = this.sWnd;
      this.rttSample(c);
      cs[RTO_AT] = 0; cs[RETRIES] = 0;
      cs[FLAGS] |= ACK_NOW;
      // The handshake's ACK goes out before the user hears of the connection, so data the user
      // writes in its 'connect' handler follows it (RFC 9293 figure 6, lines 4 and 5).
      this.establish(c, false);
      this.dispatch(c);
      if (c.user && c.user.onConnect) c.user.onConnect(c);
    } else {
      // Simultaneous open (RFC 9293 3.5, figure 7): SYN-RECEIVED, our SYN again with an ACK.
      cs[SND_WND] = this.sWnd; cs[SND_WL1] = this.sSeq; cs[MAX_SND_WND] = this.sWnd;
      this.setState(c, SYN_RECEIVED);
      cs[SND_NXT] = cs[ISS];
      this.dispatch(c);
    }
  }

  private establish(c: Conn, notify?: boolean): void {
    const cs = c.s;
    const wasState = cs[STATE];
    cs[CWND] = cs[MSS] > 2190 ? 2 * cs[MSS] : cs[MSS] > 1095 ? 3 * cs[MSS] : 4 * cs[MSS]; // RFC 5681 3.1 IW
    if (wasState === SYN_RECEIVED && (cs[FLAGS] & CLOSE_QUEUED)) { this.setState(c, FIN_WAIT_1); }
    else this.setState(c, ESTABLISHED);
    cs[CONNECT_AT] = 0;
    // Keepalive on by default for accepted connections (RFC 1122 4.2.3.6 lets it be the
    // default when configurable): a peer that vanished is found without waiting for a new client.
    const f = this.cfg;
    if ((cs[FLAGS] & PASSIVE) && f[CFG_KEEP_IDLE_MS] && f[CFG_KEEP_INTVL_MS] && f[CFG_KEEP_CNT]) this.setKeepAlive(c, true);
    const l = c.listener;
    delete c.listener;
    if ((cs[FLAGS] & PASSIVE) && l) l.onAccept(c);
    else if (c.user && c.user.onConnect && notify !== false) c.user.onConnect(c);
  }

  /** ACK processing (RFC 9293 3.10.7.4 fifth, RFC 5961 5.2); false if the segment is dropped. */
  private ackInput(c: Conn): boolean {
    const cs = c.s;
    const ack = this.sAck;
    // The byte of a zero-window probe counts as sent once the peer acknowledges it.
    if (cs[PERSIST_AT] && ack === seqAdd(cs[SND_MAX], 1) && cs[SND_NXT] === cs[SND_MAX]) cs[SND_MAX] = ack;
    if (seqGt(ack, cs[SND_MAX])) { cs[FLAGS] |= ACK_NOW; this.dispatch(c); return false; } // acks what we never sent
    if (seqLt(ack, seqAdd(cs[SND_UNA], -(cs[MAX_SND_WND] > 0 ? cs[MAX_SND_WND] : 65535)))) { cs[FLAGS] |= ACK_NOW; this.dispatch(c); return false; }
    const finEnd = seqAdd(cs[SND_BASE], cs[SB_LEN] + 1);
    let freed = 0;
    if (seqGt(ack, cs[SND_UNA])) {
      const acked = seqDiff(ack, cs[SND_UNA]);
      cs[SND_UNA] = ack;
      if (seqLt(cs[SND_NXT], ack)) cs[SND_NXT] = ack;
      // Free acknowledged data from the send ring.
      const data = seqDiff(ack, cs[SND_BASE]);
      const n = data > cs[SB_LEN] ? cs[SB_LEN] : data > 0 ? data : 0;
      if (n > 0) { cs[SB_HEAD] = (cs[SB_HEAD] + n) % c.sb.length; cs[SB_LEN] -= n; cs[SND_BASE] = seqAdd(cs[SND_BASE], n); freed = n; }
      this.rttSample(c);
      cs[RETRIES] = 0;
      cs[PERSIST_BACKOFF] = 0;
      // RFC 5681: slow start, congestion avoidance; leave fast recovery on new data acked.
      if (cs[FLAGS] & IN_RECOVERY) {
        if (seqGe(ack, cs[RECOVER])) { cs[FLAGS] &= ~IN_RECOVERY; cs[CWND] = cs[SSTHRESH]; }
        else { cs[CWND] = cs[CWND] > acked ? cs[CWND] - acked + cs[MSS] : cs[MSS]; this.retransmitOne(c); } // NewReno partial ACK
      // Growth counts data acknowledged (`freed`): the ACK of our SYN leaves cwnd at IW.
      } else if (cs[CWND] < cs[SSTHRESH]) cs[CWND] += freed < cs[MSS] ? freed : cs[MSS];
      else if (freed) cs[CWND] += Math.max(1, Math.floor((cs[MSS] * cs[MSS]) / cs[CWND]));
      cs[DUP_ACKS] = 0;
      cs[RTO_AT] = seqLt(cs[SND_UNA], cs[SND_MAX]) ? at32(this.netif.now + cs[RTO]) : 0;
    } else if (ack === cs[SND_UNA] && this.sLen === 0 && !(this.sFlags & FIN) && this.sWnd === cs[SND_WND] && seqLt(cs[SND_UNA], cs[SND_MAX])) {
      // A duplicate ACK (RFC 5681 2): the third one triggers fast retransmit.
      cs[DUP_ACKS]++;
      if (cs[DUP_ACKS] === 3 && !(cs[FLAGS] & IN_RECOVERY)) {
        this.cnt[FAST_RETRANSMITS]++;
        const flight = seqDiff(cs[SND_MAX], cs[SND_UNA]);
        cs[SSTHRESH] = Math.max(flight >> 1, 2 * cs[MSS]);
        cs[RECOVER] = cs[SND_MAX];
        cs[FLAGS] |= IN_RECOVERY;
        this.retransmitOne(c);
        cs[CWND] = cs[SSTHRESH] + 3 * cs[MSS];
      } else if (cs[FLAGS] & IN_RECOVERY) cs[CWND] += cs[MSS]; // RFC 6582 3.2 step 4: every further duplicate
    }
    // Window update (RFC 9293 3.10.7.4: SND.WL1/WL2 guard against old segments).
    if (seqLt(cs[SND_WL1], this.sSeq) || (cs[SND_WL1] === this.sSeq && seqLe(cs[SND_WL2], ack))) {
      cs[SND_WND] = this.sWnd; cs[SND_WL1] = this.sSeq; cs[SND_WL2] = ack;
      if (this.sWnd > cs[MAX_SND_WND]) cs[MAX_SND_WND] = this.sWnd;
      if (this.sWnd > 0) { cs[PERSIST_AT] = 0; }
    }
    const finAcked = (cs[FLAGS] & CLOSE_QUEUED) && seqGe(cs[SND_UNA], finEnd);
    if (finAcked) {
      if (cs[STATE] === FIN_WAIT_1) this.setState(c, FIN_WAIT_2);
      else if (cs[STATE] === CLOSING) { this.enterTimeWait(c); }
      else if (cs[STATE] === LAST_ACK) { this.reset(c, null); return false; }
    }
    // The user hears of the room only now, with the window this segment brings taken (ConnUser:
    // the control block consistent): what it sends from onWritable must fit the peer's window,
    // not the one before (it went beyond the window the same ACK had just shrunk).
    if (freed && c.user) c.user.onWritable(c);
    return true;
  }

  /** In-order data to the receive ring; out-of-order data to its place with a range noted. */
  private dataInput(c: Conn, buf: Uint8Array, off: number): boolean {
    const cs = c.s;
    let seq = this.sSeq;
    let len = this.sLen;
    // Trim what we already have (RFC 9293 3.10.7.4 seventh: old and overlapping data).
    const old = seqDiff(cs[RCV_NXT], seq);
    if (old > 0) { off += old; len -= old; seq = cs[RCV_NXT]; }
    if (len <= 0) { cs[FLAGS] |= ACK_NOW; return false; }
    const size = c.rb.length;
    const free = size - cs[RB_LEN];
    const at = seqDiff(seq, cs[RCV_NXT]); // offset from rcvNxt
    // Trim to the window; the peer sent beyond it, so it hears of the window at once.
    if (at + len > free) { len = free - at; cs[FLAGS] |= ACK_NOW; }
    if (len <= 0) { cs[FLAGS] |= ACK_NOW; return false; }
    // The held frame's bytes are not in the ring.
    const pos = (cs[RB_HEAD] + cs[RB_LEN] - (c === this.heldBy ? this.heldLen : 0) + at) % size;
    const first = size - pos < len ? size - pos : len;
    c.rb.set(buf.subarray(off, off + first), pos);
    if (first < len) c.rb.set(buf.subarray(off + first, off + len), 0);
    if (at > 0) {
      // Out of order: keep it if a range is free (RFC 9293 3.10.7.4 allows queuing), and send a
      // duplicate ACK at once (RFC 5681 4.2) so the sender learns of the hole.
      if (!this.addRange(c, at, at + len)) this.cnt[DROP_OOO]++;
      cs[FLAGS] |= ACK_NOW;
      return false;
    }
    let end = len;
    // Merge ranges now contiguous with the in-order data.
    end = this.mergeRanges(c, end);
    cs[RCV_NXT] = seqAdd(cs[RCV_NXT], end);
    cs[RB_LEN] += end;
    // Delayed ACK (RFC 9293 3.8.6.3, RFC 1122 4.2.3.2): every second full segment at once,
    // otherwise within delAckMs; at once while a hole is being filled.
    cs[ACK_PENDING]++;
    if (cs[ACK_PENDING] >= 2 || this.hasRanges(c) || end > len) cs[FLAGS] |= ACK_NOW;
    else if (!cs[DEL_ACK_AT]) cs[DEL_ACK_AT] = at32(this.netif.now + this.cfg[CFG_DEL_ACK_MS]);
    return true;
  }

  private finInput(c: Conn): boolean {
    const cs = c.s;
    cs[FLAGS] &= ~FIN_HELD;
    cs[RCV_NXT] = seqAdd(cs[RCV_NXT], 1);
    cs[FLAGS] |= ACK_NOW;
    cs[FLAGS] |= FIN_RCVD;
    switch (cs[STATE]) {
      case SYN_RECEIVED: case ESTABLISHED: this.setState(c, CLOSE_WAIT); return true;
      case FIN_WAIT_1:
        // Our FIN acknowledged by this segment? Then TIME-WAIT, else simultaneous close.
        if (seqGt(cs[SND_UNA], seqAdd(cs[SND_BASE], cs[SB_LEN]))) this.enterTimeWait(c);
        else this.setState(c, CLOSING);
        return true;
      case FIN_WAIT_2: this.enterTimeWait(c); return true;
    }
    return false;
  }

  private enterTimeWait(c: Conn): void {
    const cs = c.s;
    this.setState(c, TIME_WAIT);
    cs[TW_AT] = at32(this.netif.now + 2 * this.cfg[CFG_MSL_MS]);
    cs[RTO_AT] = 0; cs[PERSIST_AT] = 0; cs[KEEP_AT] = 0; cs[IDLE_AT] = 0;
  }

  // ---- segment acceptability and out-of-order ranges ----

  /** RFC 9293 3.10.7.4: the four cases of segment length and receive window. */
  private acceptable(c: Conn): boolean {
    const cs = c.s, w = seqDiff(cs[RCV_ADV], cs[RCV_NXT]);
    return this.inWindow(cs[RCV_NXT], w > 0 ? w : 0);
  }

  /** The segment is acceptable for RCV.NXT rn and RCV.WND wnd (the four cases). */
  private inWindow(rn: number, wnd: number): boolean {
    const space = this.segSpace();
    const seq = this.sSeq;
    // A zero window still takes ACK, RST and URG: process the control bits of in-sequence
    // segments (RFC 9293 3.10.7.4 note) by treating an exact-sequence segment as acceptable.
    if (wnd === 0) return seq === rn;
    // RFC 9293's two tests (its first or its last octet in the window) and one more case: a
    // segment that starts before the window and ends beyond it covers it, and its new part is
    // taken (as Linux's tcp_sequence does); the two tests alone drop it.
    const last = seqAdd(seq, space ? space - 1 : 0);
    return seqLt(seq, seqAdd(rn, wnd)) && seqLe(rn, last);
  }

  private segSpace(): number {
    return this.sLen + ((this.sFlags & SYN) ? 1 : 0) + ((this.sFlags & FIN) ? 1 : 0);
  }

  /** Ranges are kept packed from s[OOO] on, so there are none when the first is unused (or
   *  when there is no slot: `undefined < NONE` is false). */
  private hasRanges(c: Conn): boolean {
    return c.s[OOO] < NONE;
  }

  /** Moves the used ranges to the front, in their order. */
  private packRanges(r: Uint32Array): void {
    let k = OOO;
    for (let i = OOO; i < r.length; i += 2) {
      if (r[i] === NONE) continue;
      if (k !== i) { r[k] = r[i]; r[k + 1] = r[i + 1]; r[i] = NONE; r[i + 1] = NONE; }
      k += 2;
    }
  }

  private addRange(c: Conn, s: number, e: number): boolean {
    const r = c.s;
    // Merge with an overlapping or touching range.
    for (let i = OOO; i < r.length; i += 2) {
      if (r[i] !== NONE && s <= r[i + 1] && e >= r[i]) {
        r[i] = s < r[i] ? s : r[i];
        r[i + 1] = e > r[i + 1] ? e : r[i + 1];
        // It may now touch another one.
        for (let j = OOO; j < r.length; j += 2) {
          if (j !== i && r[j] !== NONE && r[j] <= r[i + 1] && r[j + 1] >= r[i]) {
            r[i] = r[j] < r[i] ? r[j] : r[i]; r[i + 1] = r[j + 1] > r[i + 1] ? r[j + 1] : r[i + 1];
            r[j] = NONE; r[j + 1] = NONE;
          }
        }
        this.packRanges(r);
        return true;
      }
    }
    for (let i = OOO; i < r.length; i += 2) if (r[i] === NONE) { r[i] = s; r[i + 1] = e; return true; }
    return false;
  }

  /** After `end` in-order bytes arrived: absorb ranges that now start within them; returns the
   *  new in-order length, and shifts the remaining ranges to the new rcvNxt. */
  private mergeRanges(c: Conn, end: number): number {
    const r = c.s;
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = OOO; i < r.length; i += 2) {
        if (r[i] !== NONE && r[i] <= end) {
          if (r[i + 1] > end) end = r[i + 1];
          r[i] = NONE; r[i + 1] = NONE;
          changed = true;
        }
      }
    }
    for (let i = OOO; i < r.length; i += 2) if (r[i] !== NONE) { r[i] -= end; r[i + 1] -= end; }
    this.packRanges(r);
    return end;
  }

  // ---- output (dispatch) ----

  /** Sends what the connection may send now: SYN, data within the windows (Nagle and SWS
   *  avoidance applied), FIN after the data, or a pure ACK when one is owed. */
  dispatch(c: Conn): void {
    const cs = c.s;
    const now = this.netif.now;
    const st = cs[STATE];
    // FIN-WAIT-1 with our SYN unacknowledged: closed in SYN-RECEIVED (close), the SYN,ACK goes
    // again before the FIN after a timeout.
    if (st === SYN_SENT || st === SYN_RECEIVED || (st === FIN_WAIT_1 && cs[SND_UNA] === cs[ISS])) {
      if (cs[SND_NXT] === cs[ISS]) {
        this.xmit(c, cs[ISS], st === SYN_SENT ? SYN : SYN | ACK, 0, 0);
        cs[SND_NXT] = seqAdd(cs[ISS], 1);
        if (seqGt(cs[SND_NXT], cs[SND_MAX])) cs[SND_MAX] = cs[SND_NXT];
        if (!cs[RTO_AT]) cs[RTO_AT] = at32(now + cs[RTO]);
        if (!cs[RTT_AT] && cs[RETRIES] === 0) { cs[RTT_AT] = at32(now); cs[RTT_SEQ] = cs[SND_NXT]; }
      } else if ((cs[FLAGS] & ACK_NOW) && st === SYN_RECEIVED) {
        this.xmit(c, cs[SND_NXT], ACK, 0, 0);
      }
      if (st !== FIN_WAIT_1) { cs[FLAGS] &= ~ACK_NOW; return; }
    }
    if (cs[STATE] < ESTABLISHED) return;
    const sendingStates = cs[STATE] === ESTABLISHED || cs[STATE] === CLOSE_WAIT || cs[STATE] === FIN_WAIT_1 || cs[STATE] === LAST_ACK || cs[STATE] === CLOSING;
    for (let guard = 0; sendingStates && guard < 64; guard++) {
      const flight = seqDiff(cs[SND_NXT], cs[SND_UNA]);
      const off = seqDiff(cs[SND_NXT], cs[SND_BASE]);
      const unsent = cs[SB_LEN] - off;
      const finPending = (cs[FLAGS] & CLOSE_QUEUED) && off <= cs[SB_LEN]; // FIN not yet sent (or to send again)
      const wnd = cs[SND_WND] < cs[CWND] ? cs[SND_WND] : cs[CWND];
      const usable = wnd - flight;
      let len = unsent < cs[MSS] ? unsent : cs[MSS];
      if (len > usable) len = usable > 0 ? usable : 0;
      const fin = finPending && len === unsent;
      if (len <= 0 && !fin) break;
      if (len > 0 && len < cs[MSS] && !fin) {
        // Nagle (RFC 9293 3.7.4): a small segment waits while data is in flight, so that more
        // data can join it; not when the send ring is full: nothing can join it until an ACK
        // frees room, and waiting would stop the connection until the peer's delayed ACK (an
        // echo's 2048-byte ring: 1460 in flight, 588 held, for 40 to 200 ms each time).
        if (flight > 0 && !(cs[FLAGS] & NO_DELAY) && cs[SB_LEN] < c.sb.length) break;
        if (len < unsent && len < (cs[MAX_SND_WND] >> 1) && !(cs[FLAGS] & SWS_OVERRIDE)) break; // sender SWS (3.8.6.2.1)
      }
      let flags = ACK;
      if (len > 0 && len === unsent) flags |= PSH;
      if (fin) flags |= FIN;
      const isNew = seqGe(cs[SND_NXT], cs[SND_MAX]);
      this.xmit(c, cs[SND_NXT], flags, off, len);
      cs[SND_NXT] = seqAdd(cs[SND_NXT], len + (fin ? 1 : 0));
      if (seqGt(cs[SND_NXT], cs[SND_MAX])) cs[SND_MAX] = cs[SND_NXT];
      if (!isNew) this.cnt[RETRANSMITS]++;
      if (isNew && !cs[RTT_AT] && cs[RETRIES] === 0) { cs[RTT_AT] = at32(now); cs[RTT_SEQ] = cs[SND_NXT]; }
      if (!cs[RTO_AT]) cs[RTO_AT] = at32(now + cs[RTO]);
      if (fin) break;
    }
    // A pure ACK carries SND.MAX, not a SND.NXT rewound by a retransmission timeout (as BSD
    // does): the peer may already hold everything up to SND.MAX, and would find an ACK with an
    // older sequence number unacceptable and drop it, so neither side's ACKs would get through.
    if (cs[FLAGS] & ACK_NOW) this.xmit(c, seqGt(cs[SND_MAX], cs[SND_NXT]) ? cs[SND_MAX] : cs[SND_NXT], ACK, 0, 0);
    // Data waiting and nothing in flight: the window is closed (the persist timer probes it,
    // 3.8.6.1) or too small for sender SWS avoidance (the same timer is its override timeout,
    // 3.8.6.2.1; as Linux's probe timer). Else a window smaller than half the largest offered,
    // with no update to come (two updates with the same SEG.SEQ and SEG.ACK reordered on the way
    // leave the smaller), would stop the connection for good.
    const unsentNow = cs[SB_LEN] - seqDiff(cs[SND_NXT], cs[SND_BASE]);
    if (unsentNow > 0 && cs[SND_NXT] === cs[SND_UNA] && !cs[PERSIST_AT]) {
      cs[PERSIST_AT] = at32(now + this.persistDelay(c));
      cs[RTO_AT] = 0;
    }
  }

  /** Retransmits the first unacknowledged segment (fast retransmit, NewReno partial ACK). */
  private retransmitOne(c: Conn): void {
    const cs = c.s;
    const off = seqDiff(cs[SND_UNA], cs[SND_BASE]);
    const avail = cs[SB_LEN] - off;
    const len = avail < cs[MSS] ? avail : cs[MSS];
    const fin = (cs[FLAGS] & CLOSE_QUEUED) && len === avail && seqGt(cs[SND_MAX], seqAdd(cs[SND_BASE], cs[SB_LEN]));
    if (len <= 0 && !fin) return;
    this.cnt[RETRANSMITS]++;
    cs[RTT_AT] = 0; // Karn: no RTT sample from a retransmission
    this.xmit(c, cs[SND_UNA], ACK | (fin ? FIN : 0) | (len > 0 ? PSH : 0), off, len);
  }

  /** Builds and sends one segment: header (MSS option on SYN), data from the send ring. */
  private xmit(c: Conn, seq: number, flags: number, ringOff: number, len: number): void {
    const cs = c.s;
    const tx = this.netif.tx;
    const win = this.advertise(c);
    const hl = emitTcp(tx, TX_OFF, cs[LPORT], cs[RPORT], seq, (flags & ACK) ? cs[RCV_NXT] : 0, flags, win,
      (flags & SYN) ? this.ourMss() : 0);
    if (len > 0) {
      const size = c.sb.length;
      const pos = (cs[SB_HEAD] + ringOff) % size;
      const first = size - pos < len ? size - pos : len;
      tx.set(c.sb.subarray(pos, pos + first), TX_OFF + hl);
      if (first < len) tx.set(c.sb.subarray(0, len - first), TX_OFF + hl + first);
    }
    tcpChecksum(tx, TX_OFF, hl + len, cs[LIP], cs[RIP]);
    this.cnt[SEGS_OUT]++;
    if (flags & ACK) { cs[FLAGS] &= ~ACK_NOW; cs[ACK_PENDING] = 0; cs[DEL_ACK_AT] = 0; }
    this.netif.sendIpv4(cs[RIP], IP_PROTO_TCP, hl + len);
    // A pure ACK becomes fastAck's template, unless it already is this connection's: the same
    // ARP generation means the same headers (ArpCache.claim and resolve bump it) and the same
    // reuse limit.
    if (flags === ACK && hl + len === 20 && this.netif.txReuseUntil && (this.ackConn !== c || this.ackGen !== this.netif.arp.gen)) this.keepAck(c);
  }

  /** The receive window to advertise, with receiver SWS avoidance (RFC 9293 3.8.6.2.2): the
   *  right edge moves only by at least min(rcvBuf / 2, MSS), and never back. */
  private advertise(c: Conn): number {
    const cs = c.s;
    const free = c.rb.length - cs[RB_LEN];
    const edge = seqAdd(cs[RCV_NXT], free);
    if (seqDiff(edge, cs[RCV_ADV]) >= this.swsThreshold(c) || seqLt(cs[RCV_ADV], cs[RCV_NXT])) cs[RCV_ADV] = edge;
    const w = seqDiff(cs[RCV_ADV], cs[RCV_NXT]);
    return w > 0 ? w : 0;
  }
  private swsThreshold(c: Conn): number {
    const half = c.rb.length >> 1;
    const mss = this.ourMss();
    return half < mss ? half : mss;
  }

  private ourMss(): number { return this.netif.mtu - 40; }

  private takeMss(c: Conn): void {
    const cs = c.s;
    const peer = this.sMss > 0 ? this.sMss : 536; // RFC 9293 3.7.1: 536 when absent
    const ours = this.ourMss();
    cs[MSS] = peer < ours ? peer : ours;
    if (cs[MSS] < 64) cs[MSS] = 64;
  }

  private sendRst(lip: number, lport: number, rip: number, rport: number, seq: number, ack: number, flags: number): void {
    this.cnt[RST_OUT]++;
    this.seg(lip, lport, rip, rport, seq, ack, RST | flags, 0, 0);
  }

  /** A segment without text and without a connection (RST, the SYN cache's). */
  private seg(lip: number, lport: number, rip: number, rport: number, seq: number, ack: number, flags: number, win: number, mss: number): void {
    const tx = this.netif.tx;
    const hl = emitTcp(tx, TX_OFF, lport, rport, seq, ack, flags, win, mss);
    tcpChecksum(tx, TX_OFF, hl, lip, rip);
    this.cnt[SEGS_OUT]++;
    this.netif.sendIpv4(rip, IP_PROTO_TCP, hl, true);
  }

  /** RFC 5961 7: challenge ACKs are rate-limited per second. */
  private challengeAck(c: Conn): void {
    if (!this.challengeOk()) return;
    c.s[FLAGS] |= ACK_NOW;
    this.dispatch(c);
  }

  /** True (and counted) when a challenge ACK may go now. */
  private challengeOk(): boolean {
    const now = this.netif.now;
    if (now - this.challengeWindowAt >= 1000) { this.challengeWindowAt = now; this.challengeCount = 0; }
    if (this.challengeCount >= this.cfg[CFG_CHALLENGE_ACKS_PER_SEC]) return false;
    this.challengeCount++;
    this.cnt[CHALLENGE_ACKS]++;
    return true;
  }

  // ---- timers ----

  /** Runs the timers due; returns the delay to the next one (NO_TIMER: none), the SYN cache's
   *  included. */
  poll(now: number): number {
    let next = NO_TIMER;
    for (let i = 0; i < this.conns.length; i++) {
      const c = this.conns[i];
      this.timers(c, now);
      if (c.s[STATE] === CLOSED) { i--; continue; }
      this.shed(c);
      next = this.earliest(c, now, next);
    }
    // The SYN cache: SYN,ACKs again at the RTO, doubling from rtoInitMs (RFC 6298 5.5); after
    // synRetries, <SEQ=ISS+1><CTL=RST> and the entry goes, as a half-open connection would.
    const sc = this.sc, f = this.cfg;
    if (sc) for (let e = 0; e < sc.length; e += SC_W) {
      if (!sc[e + E_PORTS]) continue;
      if (due(now, sc[e + E_AT])) {
        if (sc[e + E_N] >= f[CFG_SYN_RETRIES]) {
          this.cnt[TIMEOUTS]++;
          this.sendRst(this.netif.ip, sc[e + E_PORTS] >>> 16, sc[e + E_RIP], sc[e + E_PORTS] & 0xffff, seqAdd(sc[e + E_ISS], 1), 0, 0);
          sc[e + E_PORTS] = 0;
          continue;
        }
        const rto = f[CFG_RTO_INIT_MS] * (2 << sc[e + E_N]++);
        sc[e + E_AT] = at32(now + (rto < f[CFG_RTO_MAX_MS] ? rto : f[CFG_RTO_MAX_MS]));
        this.scSynAck(e);
      }
      next = this.sooner(sc[e + E_AT], now, next);
    }
    // Compact TIME-WAIT entries end after 2 MSL.
    const t = this.tw;
    if (t) for (let e = 0; e < t.length; e += TW_W) if (t[e + T_PORTS]) {
      if (due(now, t[e + T_AT])) t[e + T_PORTS] = 0;
      else next = this.sooner(t[e + T_AT], now, next);
    }
    return next;
  }

  /** The delay to this connection's earliest timer (no array: poll runs constantly). */
  private earliest(c: Conn, now: number, next: number): number {
    const cs = c.s;
    next = this.sooner(cs[RTO_AT], now, next);
    next = this.sooner(cs[PERSIST_AT], now, next);
    next = this.sooner(cs[DEL_ACK_AT], now, next);
    next = this.sooner(cs[TW_AT], now, next);
    next = this.sooner(cs[KEEP_AT], now, next);
    next = this.sooner(cs[IDLE_AT], now, next);
    return this.sooner(cs[CONNECT_AT], now, next);
  }

  private sooner(at: number, now: number, next: number): number {
    if (!at) return next;
    let d = (at - now) | 0; // kept times are modulo 2^32 (see at32)
    if (d < 0) d = 0;
    return d < next ? d : next;
  }

  private timers(c: Conn, now: number): void {
    const cs = c.s;
    if (cs[TW_AT] && due(now, cs[TW_AT])) { this.reset(c, null); return; }
    if (cs[CONNECT_AT] && due(now, cs[CONNECT_AT])) { this.cnt[TIMEOUTS]++; this.reset(c, 'ETIMEDOUT'); return; }
    if (cs[RTO_AT] && due(now, cs[RTO_AT])) { this.onRto(c); if (cs[STATE] === CLOSED) return; }
    if (cs[PERSIST_AT] && due(now, cs[PERSIST_AT])) this.onPersist(c, now);
    if (cs[DEL_ACK_AT] && due(now, cs[DEL_ACK_AT])) { cs[DEL_ACK_AT] = 0; cs[FLAGS] |= ACK_NOW; this.dispatch(c); }
    if (cs[KEEP_AT] && due(now, cs[KEEP_AT])) { this.onKeepalive(c, now); if (cs[STATE] === CLOSED) return; }
    if (cs[IDLE_AT] && due(now, cs[IDLE_AT])) {
      // Idle since the last segment received (the fast path leaves this timer to LAST_AT) and
      // since the last send (which pushes the timer back itself).
      if (((now - cs[LAST_AT]) | 0) < cs[IDLE_MS]) cs[IDLE_AT] = at32(cs[LAST_AT] + cs[IDLE_MS]);
      else { cs[IDLE_AT] = at32(now + cs[IDLE_MS]); if (c.user && c.user.onIdle) c.user.onIdle(c); }
    }
  }

  /** Retransmission timeout (RFC 6298 5.4-5.7, RFC 5681 3.1). */
  private onRto(c: Conn): void {
    const cs = c.s;
    const limit = cs[STATE] === SYN_SENT || cs[STATE] === SYN_RECEIVED ? this.cfg[CFG_SYN_RETRIES] : this.cfg[CFG_MAX_RETRIES];
    if (cs[RETRIES] >= limit) {
      this.cnt[TIMEOUTS]++;
      if (cs[STATE] !== SYN_SENT) this.sendRst(cs[LIP], cs[LPORT], cs[RIP], cs[RPORT], cs[SND_NXT], 0, 0);
      this.reset(c, 'ETIMEDOUT');
      return;
    }
    cs[RETRIES]++;
    cs[RTO] = cs[RTO] * 2 > this.cfg[CFG_RTO_MAX_MS] ? this.cfg[CFG_RTO_MAX_MS] : cs[RTO] * 2;
    const flight = seqDiff(cs[SND_MAX], cs[SND_UNA]);
    cs[SSTHRESH] = Math.max(flight >> 1, 2 * cs[MSS]);
    cs[CWND] = cs[MSS];
    cs[FLAGS] &= ~IN_RECOVERY;
    cs[DUP_ACKS] = 0;
    cs[RTT_AT] = 0; // Karn's algorithm
    cs[SND_NXT] = cs[SND_UNA]; // go back: resend from the oldest unacknowledged byte (or SYN)
    cs[RTO_AT] = 0;
    // The timer starts again with what dispatch sends (something always goes: the oldest
    // unacknowledged data, SYN or FIN); when the window is closed or too small, it starts the
    // persist timer instead, whose probes take over (RFC 9293 3.8.6.1, 3.8.6.2.1). A timeout
    // here would reset a peer that answers them (RFC 1122 4.2.2.17: it MUST stay open).
    this.dispatch(c);
  }

  private persistDelay(c: Conn): number {
    let d = c.s[RTO] << c.s[PERSIST_BACKOFF];
    if (d > this.cfg[CFG_RTO_MAX_MS]) d = this.cfg[CFG_RTO_MAX_MS];
    if (d < this.cfg[CFG_RTO_MIN_MS]) d = this.cfg[CFG_RTO_MIN_MS];
    return d;
  }

  /** Zero-window probe: one byte beyond the window (RFC 9293 3.8.6.1), backing off; with a window
   *  open, what fits goes (the override timeout of sender SWS avoidance, 3.8.6.2.1). */
  private onPersist(c: Conn, now: number): void {
    const cs = c.s;
    cs[PERSIST_AT] = 0;
    const off = seqDiff(cs[SND_NXT], cs[SND_BASE]);
    if (cs[SND_WND] > 0 || off >= cs[SB_LEN]) { cs[FLAGS] |= SWS_OVERRIDE; this.dispatch(c); cs[FLAGS] &= ~SWS_OVERRIDE; return; }
    // SND.NXT and SND.MAX stay: if the peer takes the byte, its ACK is accepted (ackInput) and
    // the byte is not sent again; if not, it goes with the data once the window opens.
    this.xmit(c, cs[SND_NXT], ACK, off, 1);
    if (cs[PERSIST_BACKOFF] < 6) cs[PERSIST_BACKOFF]++;
    cs[PERSIST_AT] = at32(now + this.persistDelay(c));
  }

  /** Keepalive probe: <SEQ=SND.NXT-1> with no data (RFC 1122 4.2.3.6). */
  private onKeepalive(c: Conn, now: number): void {
    const cs = c.s;
    // Also FIN-WAIT-2, where nothing else would ever find a peer that vanished after taking our FIN.
    if (cs[STATE] !== ESTABLISHED && cs[STATE] !== CLOSE_WAIT && cs[STATE] !== FIN_WAIT_2) { cs[KEEP_AT] = 0; return; }
    // A segment came within the idle time (the fast path leaves the timer to this): the timer
    // starts again from it, and probes begin anew.
    const idle = this.cfg[CFG_KEEP_IDLE_MS];
    if (((now - cs[LAST_AT]) | 0) < idle) { cs[KEEP_AT] = at32(cs[LAST_AT] + idle); cs[KEEP_PROBES] = 0; return; }
    if (cs[KEEP_PROBES] >= this.cfg[CFG_KEEP_CNT]) { this.cnt[TIMEOUTS]++; this.abort2(c, 'ETIMEDOUT'); return; }
    cs[KEEP_PROBES]++;
    this.xmit(c, seqAdd(cs[SND_UNA], -1), ACK, 0, 0);
    cs[KEEP_AT] = at32(now + this.cfg[CFG_KEEP_INTVL_MS]);
  }

  private abort2(c: Conn, err: string): void {
    const cs = c.s;
    this.sendRst(cs[LIP], cs[LPORT], cs[RIP], cs[RPORT], cs[SND_NXT], 0, 0);
    this.reset(c, err);
  }

  private rttSample(c: Conn): void {
    const cs = c.s;
    if (!cs[RTT_AT] || seqLt(this.sAck, cs[RTT_SEQ])) return;
    const r = (this.netif.now - cs[RTT_AT]) | 0;
    cs[RTT_AT] = 0;
    // RFC 6298 2.2 and 2.3 (alpha 1/8, beta 1/4, K 4, G taken as 1 ms), SRTT and RTTVAR kept in
    // 1/8 ms (integers, as BSD keeps them scaled).
    const r8 = (r > 0 ? r : 1) * 8;
    if (cs[SRTT8] === 0) { cs[SRTT8] = r8; cs[RTTVAR8] = r8 >> 1; }
    else {
      const d = cs[SRTT8] > r8 ? cs[SRTT8] - r8 : r8 - cs[SRTT8];
      cs[RTTVAR8] = Math.round(0.75 * cs[RTTVAR8] + 0.25 * d);
      cs[SRTT8] = Math.round(0.875 * cs[SRTT8] + 0.125 * r8);
    }
    let rto = Math.round((cs[SRTT8] + Math.max(8, 4 * cs[RTTVAR8])) / 8);
    if (rto < this.cfg[CFG_RTO_MIN_MS]) rto = this.cfg[CFG_RTO_MIN_MS];
    if (rto > this.cfg[CFG_RTO_MAX_MS]) rto = this.cfg[CFG_RTO_MAX_MS];
    cs[RTO] = rto;
  }

  // ---- the table ----

  private newConn(opts: { sndBuf?: number; rcvBuf?: number } | null): Conn | null {
    // Low memory (Interface.lowMem): a connection's rings would take what the board needs to go
    // on answering; a dropped SYN is retried by the peer (RFC 9293 3.8.1), by then memory may
    // have come back.
    // A connection's blocks: its control block and rings, and about 40 for its objects (measured:
    // 31 beyond the rings). The block and rings are one ArrayBuffer, which Espruino makes one
    // flat run of 13-byte blocks when free memory has such a run, and otherwise a chain of blocks
    // holding 9 bytes each (measured on a Pico's layout: 474 blocks for 4250 bytes, against 329
    // flat); a board whose memory has seen connections come and go is fragmented, so the chain is
    // what is counted. Free memory is measured now, not at the poll's start: the frames read
    // since, each a new array, and the connections made in this poll are then counted too.
    // Rings are sized from what is free: halved, the larger first, down to RING_FLOOR (a 536-byte
    // MSS) each, to fit this connection's share of the memory above the reserve (split evenly
    // among the slots still free, so a full table still fits), and refused only when even the
    // floor does not fit what is free.
    // A full table gives up a slot (Tcp.victim) when the new connection fits once the victim's
    // memory is free (counted as flat blocks, the least it can give back); then it is made as
    // in a table with room, memory measured again after a collection.
    const netif = this.netif, f = this.cfg;
    let sb = opts && opts.sndBuf ? opts.sndBuf : f[CFG_SND_BUF], rb = opts && opts.rcvBuf ? opts.rcvBuf : f[CFG_RCV_BUF];
    const full = this.conns.length >= f[CFG_MAX_CONNS];
    let v = full ? this.victim() : null;
    this.refused = 1;
    if (full && !v) { this.cnt[TABLE_FULL]++; return null; }
    const cb = 40 + (4 * OOO + 8 * f[CFG_OOO_RANGES]) / 9, slots = full ? 1 : f[CFG_MAX_CONNS] - this.conns.length;
    let room = 0, share = 0;
    // Measured without a collection (cheap), and again after one when that looks short: the
    // frames just read are garbage not yet collected.
    for (let gc = 0; gc < 2; gc++) {
      if (netif.freeBlocks) netif.memFree = netif.freeBlocks(gc > 0);
      room = netif.memFree - netif.memReserve + (v ? cb + (v.sb.length + v.rb.length) / 13 : 0);
      share = (room / slots - cb) * 9;
      if (!netif.freeBlocks || share >= sb + rb) break;
    }
    while (sb + rb > share && (sb > RING_FLOOR || rb > RING_FLOOR)) {
      if (sb > rb) sb = sb >> 1 > RING_FLOOR ? sb >> 1 : RING_FLOOR;
      else rb = rb >> 1 > RING_FLOOR ? rb >> 1 : RING_FLOOR;
    }
    this.refused = 2;
    if ((netif.lowMem && !v) || sb + rb > (room - cb) * 9) {
      // Memory short with slots free: a victim by the same order, when its memory makes room
      // for the floor (lwIP's tcp_alloc kills by tcp_kill_* when memory fails, too).
      if (v || !(v = this.victim()) || 2 * RING_FLOOR > (room + (v.sb.length + v.rb.length) / 13) * 9) { this.cnt[DROP_LOW_MEM]++; return null; }
    }
    if (v) {
      // Counted by kind: TIME_WAIT_RECYCLED, CLOSING_RECYCLED, IDLE_RECYCLED.
      const k = this.vRank, vs = v.s;
      this.cnt[k === 1 ? TIME_WAIT_RECYCLED : k === 2 ? CLOSING_RECYCLED : IDLE_RECYCLED]++;
      // TIME-WAIT goes quietly, kept as a compact entry (Tcp.tw); the others are aborted with a RST, as lwIP's
      // tcp_kill_* do, so a peer still there hears of it.
      if (k !== 1) this.sendRst(vs[LIP], vs[LPORT], vs[RIP], vs[RPORT], vs[SND_MAX], 0, 0);
      else this.twKeep(vs);
      this.reset(v, k === 1 ? null : 'ECONNABORTED');
      v = null; // its memory unreachable before the collection
      return this.newConn(opts);
    }
    const c = new Conn(sb, rb, this.cfg[CFG_OOO_RANGES]);
    c.s[RTO] = this.cfg[CFG_RTO_INIT_MS];
    c.s[CREATED_AT] = at32(this.netif.now);
    c.s[LAST_AT] = this.netif.now;
    return c;
  }

  /** The connection to reclaim for a new one when the table is full, or null (lwIP's tcp_kill_*
   *  order, whose first, the oldest half-open connection, has no slot here: the SYN cache keeps
   *  them): the TIME-WAIT one idle longest (kind 1, in vRank), then the closing one (the program has closed it: FIN-WAIT-1, FIN-WAIT-2,
   *  CLOSING, LAST-ACK) idle longest (2), then the connection idle longest (nothing received)
   *  for at least reclaimIdleMs (3). A connection this side opened is reclaimed only once
   *  closing, or with Tcp.reclaimable; accepted ones are reclaimable from the start. */
  private victim(): Conn | null {
    const now = this.netif.now, floor = this.cfg[CFG_RECLAIM_IDLE_MS];
    let best: Conn | null = null, rank = 4, most = -1;
    for (let i = 0; i < this.conns.length; i++) {
      const c = this.conns[i], cs = c.s, st = cs[STATE], idle = (now - cs[LAST_AT]) | 0;
      const r = st === TIME_WAIT ? 1 : (cs[FLAGS] & CLOSE_QUEUED) ? 2 : (cs[FLAGS] & RECLAIM) && floor && idle >= floor ? 3 : 4;
      if (r < rank || (r === rank && idle > most)) { best = c; rank = r; most = idle; }
    }
    this.vRank = rank;
    return rank < 4 ? best : null;
  }

  /** Gives back the rings no longer needed (issue 21), at the poll (no caller holds the old
   *  numbers then): the receive ring once the peer's FIN is in and everything before it read
   *  (nothing can arrive after the FIN: RFC 9293 3.10.7.4 seventh), the send ring once the
   *  program has closed and all its data is acknowledged (nothing can be written after CLOSE:
   *  3.10.2). The numbers move to a block of their own with the ring still used (Conn.block). Not the send
   *  ring of an open connection between writes: made again at each write of a request-response
   *  server, it would churn and fragment the heap. */
  private shed(c: Conn): void {
    const cs = c.s, sb = cs[SB_LEN] || !(cs[FLAGS] & CLOSE_QUEUED) ? c.sb.length : 0, rb = cs[RB_LEN] || !(cs[FLAGS] & FIN_RCVD) ? c.rb.length : 0;
    if (sb !== c.sb.length || rb !== c.rb.length) c.block(cs.length, sb, rb);
  }

  /** Removes a connection and tells its user (err null: a normal close). */
  private reset(c: Conn, err: string | null): void {
    const cs = c.s;
    const i = this.conns.indexOf(c);
    if (i >= 0) this.conns.splice(i, 1);
    if (this.heldBy === c) this.unhold(c); // its data stays readable, the frame is let go
    if (this.last === c) this.last = null;
    if (this.ackConn === c) this.ackConn = null;
    delete c.listener;
    const was = cs[STATE];
    this.setState(c, CLOSED);
    cs[RTO_AT] = 0; cs[PERSIST_AT] = 0; cs[DEL_ACK_AT] = 0; cs[TW_AT] = 0; cs[KEEP_AT] = 0; cs[IDLE_AT] = 0; cs[CONNECT_AT] = 0;
    if (c.user && was !== CLOSED) { const u = c.user; u.onClose(c, err); }
  }

  /** Moves the held frame's unread bytes into the receive ring, just before the ring's own: there
   *  is room, since the ring holds at most its size less those bytes, out-of-order ranges
   *  included (they are trimmed to the window, which counts the held bytes). */
  private unhold(c: Conn): void {
    const cs = c.s;
    const n = this.heldLen, size = c.rb.length, hf = this.held!, o = this.heldOff;
    let head = cs[RB_HEAD] - n;
    if (head < 0) head += size;
    const first = size - head < n ? size - head : n;
    c.rb.set(hf.subarray(o, o + first), head);
    if (first < n) c.rb.set(hf.subarray(o + first, o + n), 0);
    cs[RB_HEAD] = head;
    this.held = null; this.heldBy = null; this.heldLen = 0;
  }

  private setState(c: Conn, s: number): void {
    if (c.s[STATE] === s) return;
    c.s[STATE] = s;
    if (this.cfgOnState) this.cfgOnState(c, s);
  }

  private touch(c: Conn): void {
    const cs = c.s;
    if (cs[FLAGS] & KEEP_ALIVE) { cs[KEEP_AT] = at32(this.netif.now + this.cfg[CFG_KEEP_IDLE_MS]); cs[KEEP_PROBES] = 0; }
    if (cs[IDLE_MS]) cs[IDLE_AT] = at32(this.netif.now + cs[IDLE_MS]);
  }

  findConn(lip: number, lport: number, rip: number, rport: number): Conn | null {
    for (let i = 0; i < this.conns.length; i++) {
      const c = this.conns[i];
      if (c.s[LPORT] === lport && c.s[RPORT] === rport && c.s[RIP] === rip && c.s[LIP] === lip) { this.last = c; return c; }
    }
    return null;
  }

  private findListener(port: number): Listener | null {
    for (let i = 0; i < this.listeners.length; i++) if (this.listeners[i].port === port) return this.listeners[i];
    return null;
  }

  /** RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a 4 us clock. */
  private isn(lip: number, lport: number, rip: number, rport: number): number {
    if (this.cfgIsn) return this.cfgIsn(lip, lport, rip, rport) >>> 0;
    const m = (Math.floor(this.netif.now * 250) % 0x100000000) >>> 0;
    return (m + isnHash(this.cfg, lip, rip, ((lport << 16) | rport) >>> 0)) >>> 0;
  }

  /** A random port in the dynamic range (RFC 6056 algorithm 1), not in use with that peer. */
  private ephemeralPort(rip: number, rport: number): number {
    // A random port of the dynamic range (RFC 6056 3.3.1), then the next free one: random tries
    // alone could hand out a port in use (a poor random source, a crowded range).
    const start = (this.netif.random32() >>> 0) % 16384;
    for (let t = 0; t < 16384; t++) {
      const p = 49152 + (start + t) % 16384;
      if (!this.findConn(this.netif.ip, p, rip, rport) && !this.findListener(p)) return p;
    }
    return 49152 + start;
  }
}
