// The stateful fuzzer (issue 22, docs/fuzzing.md): frames nobody planned, fed to a board one at a
// time, with the answers it sends checked as they come. Frames are built by the independent
// encoder (test/helpers/frames.ts, which imports nothing from firmware/) and checked by
// test/helpers/frame-check.ts. The mix, per frame:
// - in step with the board: a DHCP server (60 s leases; NAKs and odd options now and then), a DNS
//   server for the names the board resolves, and a few TCP peers that open connections to the
//   default apps (echo 7, discard 9, source 19, status page 80), send, acknowledge (zero windows
//   included), close, reset or vanish, answer the board's ARP and, like a real host, answer a
//   segment for a connection they do not have with a RST;
// - valid frames of every kind the stack handles: ARP requests, replies, announcements and
//   conflicts; ICMP echo (broadcast too) and errors; IPv4 with options and fragments; UDP to
//   open and closed ports, broadcast and multicast; DHCP and DNS replies;
// - near-valid TCP on the peers' connections: sequence and acknowledgment numbers at, in and just
//   outside the window, every flag combination, every option (and broken ones), zero windows;
//   and the same against the listeners from sources nobody knows;
// - mutated frames (bytes and bits changed, cut, lengthened), with the checksums fixed (so they
//   reach deep) or not; and junk.
// The clock moves a few ms per frame and jumps now and then (forward up to 30 minutes, back a
// little). Checks: no exception escapes poll; every frame the board sends is well formed (lengths,
// checksums, our source address); never a RST in answer to a RST; every `probeEvery` frames a
// fresh ping and a fresh SYN are answered; memory stays bounded; and at the end, all peers
// gone and the timers run out, nothing is left (connections, half-open entries, frames waiting on
// ARP, a held frame, UDP ports but DHCP's and mDNS's).
import { Rng } from '../../host-sim/faults.ts';
import * as F from '../../test/helpers/frames.ts';
import { checkFrame, ipStr, type Sent } from '../../test/helpers/frame-check.ts';

export interface TargetConn { state: string; lport: number; rip: number; rport: number; keepalive: boolean }
export interface TargetState {
  conns: TargetConn[];
  /** Half-open connections counted by the listeners. */
  halfOpen: number;
  /** Frames waiting on ARP. */
  arpQueued: number;
  /** A received frame held by TCP (zero-copy receive). */
  held: boolean;
  /** Bound UDP ports. */
  udpPorts: number[];
  /** What the stack holds: bytes in Node (rings, held frame, ARP queue), blocks in use on the
   *  interpreter board. */
  memory: number;
  /** TCP's counts of connections refused: the table full, free memory too low (tableFull,
   *  dropLowMem). */
  refused: { table: number; memory: number };
}

/** A board the fuzzer feeds: the built bundle in Node (node-target.ts) or the interpreter board
 *  (espruino-target.ts). */
export interface FuzzTarget {
  readonly mac: Uint8Array;
  readonly maxConns: number;
  /** Whether advance() moves a virtual clock (jumps possible) or waits in real time. */
  readonly virtual: boolean;
  /** The board's address now (0 while it has none). */
  ip(): number;
  send(frame: Uint8Array): void;
  /** Time passes (ms; a virtual clock may be moved back with a negative value) and the board runs. */
  advance(ms: number): void | Promise<void>;
  /** The frames the board sent since the last call. */
  take(): Uint8Array[];
  /** Exceptions that escaped the board's poll since the last call. */
  errors(): string[];
  state(): TargetState | Promise<TargetState>;
  /** Makes the board resolve a name with its DNS client (absent: not offered). */
  resolve?(name: string): void;
}

export interface FuzzOptions {
  frames: number;
  seed: number;
  /** TCP peers in step with the board, two connections each at most (default 3: their six leave
   *  two of the eight slots, so a table full is never the live peers alone). */
  peers?: number;
  /** A fresh ping and a fresh SYN every this many frames (default 2000). */
  probeEvery?: number;
  /** How long a probe may wait for its answer (ms of the board's clock; default 5000). */
  probeWaitMs?: number;
  /** Whether the clock jumps (default: when the target's clock is virtual). */
  jumps?: boolean;
  /** After the frames, how long the timers run with every peer gone (default 3 h virtual). */
  drainMs?: number;
  /** Stop feeding after this many ms of wall time (then drain and report), whatever `frames`. */
  wallLimitMs?: number;
  /** Failures kept (default 20): the run goes on after one, counting. */
  keepFailures?: number;
  progress?: (line: string) => void;
}

export interface Failure { frame: number; kind: string; detail: string }

export interface FuzzReport {
  frames: number;
  seed: number;
  /** Frames by what made them. */
  mix: Record<string, number>;
  fromBoard: number;
  failures: Failure[];
  failureCounts: Record<string, number>;
  probes: { sent: number; pingAnswered: number; synAnswered: number; longestWaitMs: number; lockOuts: number };
  /** What was left once the timers had run out (null: not checked). */
  leftover: { conns: TargetConn[]; halfOpen: number; arpQueued: number; held: boolean; udpPorts: number[] } | null;
  /** Connections left whose peer vanished: ESTABLISHED or CLOSE-WAIT without keepalive, the
   *  lock-out issue 21 removes (keepalive on for accepted connections). */
  lockOutLeft: number;
  peakMemory: number;
  finalMemory: number;
  peakConns: number;
  dhcpBound: number;
  dnsAnswered: number;
  jumps: number;
  virtualMs: number;
}

// Addresses: 198.18.0.0/24; the board gets .2 by DHCP from .1 (also its gateway and DNS server).
const NET = 0xc6120000;
/** Host `h` of the network, unsigned (a bitwise OR alone gives a negative number). */
const host = (h: number) => (NET | h) >>> 0;
const SERVER = host(1), BOARD_IP = host(2), PROBE = host(250);
const SERVER_MAC = Uint8Array.of(2, 0, 0, 0, 0, 1);
const PROBE_MAC = Uint8Array.of(2, 0, 0, 0, 0xfa, 1);
const LEASE_S = 60;
const SYN = 2, FIN = 1, RST = 4, PSH = 8, ACK = 16, URG = 32;
const APP_PORTS = [7, 9, 19, 80];

const seqLt = (a: number, b: number) => ((a - b) | 0) < 0;
const seqLe = (a: number, b: number) => ((a - b) | 0) <= 0;
const be16 = (f: Uint8Array, o: number) => (f[o] << 8) | f[o + 1];
const be32 = (f: Uint8Array, o: number) => ((f[o] << 24) | (f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]) >>> 0;

/** A connection of a peer to the board, as the peer sees it. */
interface PConn {
  lport: number; rport: number;
  st: 'syn' | 'est' | 'fin' | 'done';
  iss: number; sndUna: number; sndNxt: number; rcvNxt: number;
  /** The board's window. */
  wnd: number;
  finRcvd: boolean;
  /** Our window is 0 until reopened. */
  zero: boolean;
  lastSyn: number;
  sentGet: boolean;
  doneAt: number;
}
interface Peer { ip: number; mac: Uint8Array; conns: PConn[]; dark: boolean }

export class Fuzzer {
  readonly r: Rng;
  readonly o: Required<Omit<FuzzOptions, 'progress'>> & Pick<FuzzOptions, 'progress'>;
  private now = 0;
  private n = 0;
  private queue: Uint8Array[] = [];
  private peers: Peer[] = [];
  /** Tuples ("peerIp:peerPort:boardPort") whose peer vanished: nothing answers there again. */
  private vanished = new Set<string>();
  /** The board's last DHCP xid, and the state of the server's lease. */
  private xid = -1;
  private boardIps: number[] = [0];
  private dnsQueries: { id: number; port: number; name: string }[] = [];
  private lastTcp: { rst: boolean; tuple: string; seq: number; ack: number; flags: number; len: number } | null = null;
  private recentTcp: { at: number; tuple: string; seq: number; ack: number; flags: number; len: number; rst: boolean }[] = [];
  private sent: Sent = { type: 0, proto: 0, src: 0, dst: 0, l4: 0, l4len: 0 };
  private probeK = 0;
  private pendingProbe: { id: number; pingOk: boolean; synOk: boolean; sport: number; iss: number } | null = null;
  private allDark = false;
  readonly report: FuzzReport;

  constructor(readonly t: FuzzTarget, o: FuzzOptions) {
    this.o = {
      peers: 3, probeEvery: 2000, probeWaitMs: 5000, jumps: t.virtual, drainMs: 3 * 3600_000, keepFailures: 20, wallLimitMs: Infinity, ...o,
    } as Fuzzer['o'];
    this.r = new Rng(o.seed * 2654435761 + 1);
    for (let i = 0; i < this.o.peers; i++) this.peers.push({ ip: host(10 + i), mac: Uint8Array.of(2, 0, 0, 0, 0x10, i), conns: [], dark: false });
    this.report = {
      frames: 0, seed: o.seed, mix: {}, fromBoard: 0, failures: [], failureCounts: {},
      probes: { sent: 0, pingAnswered: 0, synAnswered: 0, longestWaitMs: 0, lockOuts: 0 },
      leftover: null, lockOutLeft: 0, peakMemory: 0, finalMemory: 0, peakConns: 0, dhcpBound: 0, dnsAnswered: 0, jumps: 0, virtualMs: 0,
    };
  }

  // ---- the run ----

  async run(): Promise<FuzzReport> {
    const o = this.o;
    await this.step(10);
    const wallEnd = Date.now() + o.wallLimitMs;
    for (this.n = 0; this.n < o.frames && (this.n % 100 !== 0 || Date.now() < wallEnd);) {
      const f = this.next();
      this.feed(f);
      await this.step(this.dt());
      const at = this.n; // the probe feeds frames of its own
      if (at % o.probeEvery === 0) await this.probe();
      if (at % 1000 === 0) {
        await this.checkMemory();
        if (this.t.resolve && this.r.int(4) === 0) this.t.resolve(`h${this.r.int(1000)}.synack.test`);
        if (o.progress && at % (this.t.virtual ? 100000 : 10000) === 0) o.progress(`fuzz: ${this.n} frames, failures ${JSON.stringify(this.report.failureCounts)}`);
      }
    }
    await this.drain();
    this.report.frames = this.n;
    return this.report;
  }

  private fail(kind: string, detail: string): void {
    const c = this.report.failureCounts;
    c[kind] = (c[kind] || 0) + 1;
    if (this.report.failures.length < this.o.keepFailures) this.report.failures.push({ frame: this.n, kind, detail });
  }

  private count(kind: string): void { this.report.mix[kind] = (this.report.mix[kind] || 0) + 1; }

  /** Hands a frame to the board, remembering what a RST from it could be answering. */
  private feed(f: Uint8Array): void {
    this.n++;
    this.lastTcp = null;
    if (f.length >= 54 && f[12] === 8 && f[13] === 0 && f[23] === 6 && (f[14] & 15) === 5) {
      const t = 34, flags = f[t + 13];
      const tuple = `${be32(f, 26)}:${be16(f, t)}:${be16(f, t + 2)}`;
      const len = be16(f, 16) - 20 - (f[t + 12] >> 4) * 4;
      const rec = { at: this.now, tuple, seq: be32(f, t + 4), ack: be32(f, t + 8), flags, len: len < 0 ? 0 : len, rst: (flags & RST) !== 0 };
      this.lastTcp = rec;
      if (!this.t.virtual) { this.recentTcp.push(rec); if (this.recentTcp.length > 256) this.recentTcp.shift(); }
    }
    this.t.send(f);
  }

  private dt(): number {
    const r = this.r;
    if (this.o.jumps) {
      const x = r.int(20000);
      if (x === 0) { this.report.jumps++; return 1000 + r.int(30 * 60_000); }
      if (x === 1) { this.report.jumps++; return -(1 + r.int(3000)); }
    }
    return r.int(4) === 0 ? 0 : r.int(3) === 0 ? r.int(50) : 1 + r.next() * 2;
  }

  /** Time passes on the board; then its frames are checked and answered. */
  private async step(ms: number): Promise<void> {
    const p = this.t.advance(ms);
    if (p) await p;
    this.now += ms;
    this.report.virtualMs += Math.max(0, ms);
    for (const e of this.t.errors()) this.fail('exception escaped poll', e);
    const ip = this.t.ip();
    if (ip !== this.boardIps[0]) this.boardIps = [ip, this.boardIps[0]];
    for (const f of this.t.take()) this.fromBoard(f);
  }

  // ---- what the board sends ----

  private fromBoard(f: Uint8Array): void {
    this.report.fromBoard++;
    const s = this.sent;
    const bad = checkFrame(f, this.t.mac, this.boardIps, s);
    if (bad) { this.fail('malformed frame from the board', bad + ': ' + F.hexOf(f.subarray(0, 64))); return; }
    if (s.type === 0x0806) {
      // An ARP request for one of ours: answered unless that host is gone.
      if (be16(f, 20) !== 1) return;
      const tpa = be32(f, 38);
      const mac = this.macOf(tpa);
      if (mac) this.queue.push(F.eth(f.subarray(6, 12), mac, 0x0806, F.arp(2, mac, tpa, f.subarray(22, 28), be32(f, 28))));
      return;
    }
    if (s.proto === 17) { this.udpFromBoard(f, s); return; }
    if (s.proto === 1) {
      // An echo reply to the probe.
      const p = this.pendingProbe;
      if (p && s.dst === PROBE && f[s.l4] === 0 && be16(f, s.l4 + 4) === (0xfa00 | (p.id & 0xff)) && be16(f, s.l4 + 6) === p.id) p.pingOk = true;
      return;
    }
    if (s.proto === 6) this.tcpFromBoard(f, s);
  }

  private macOf(ip: number): Uint8Array | null {
    if (ip === SERVER) return SERVER_MAC;
    if (ip === PROBE) return PROBE_MAC;
    if (this.allDark) return null;
    for (const p of this.peers) if (p.ip === ip) return p.dark ? null : p.mac;
    return null;
  }

  private udpFromBoard(f: Uint8Array, s: Sent): void {
    const sport = be16(f, s.l4), dport = be16(f, s.l4 + 2), d = s.l4 + 8;
    if (dport === 67 && sport === 68 && s.l4len >= 8 + 240 && f[d] === 1) {
      // DHCP: DISCOVER gets an OFFER, REQUEST an ACK (a NAK one time in 25), for .2 with a 60 s lease.
      const xid = be32(f, d + 4);
      this.xid = xid;
      let type = 0;
      for (let o = d + 240; o < s.l4 + s.l4len && f[o] !== 255;) {
        if (f[o] === 0) { o++; continue; }
        if (f[o] === 53) type = f[o + 2];
        o += 2 + f[o + 1];
      }
      const chaddr = f.slice(d + 28, d + 34);
      if (type !== 1 && type !== 3) return;
      const reply = type === 1 ? 2 : this.r.int(25) === 0 ? 6 : 5;
      if (reply === 5) this.report.dhcpBound++;
      const msg = F.dhcpReply({ type: reply, xid, chaddr, yiaddr: BOARD_IP, server: SERVER, lease: LEASE_S, mask: 0xffffff00, router: SERVER, dns: SERVER });
      this.queue.push(this.udpFrame(SERVER, SERVER_MAC, 0xffffffff, F.BCAST_MAC, 67, 68, msg));
      return;
    }
    if (dport === 53 && s.dst === SERVER) {
      const id = be16(f, d);
      let name = '', o = d + 12;
      while (o < s.l4 + s.l4len && f[o] !== 0) { const n = f[o]; name += (name ? '.' : '') + String.fromCharCode(...f.subarray(o + 1, o + 1 + n)); o += 1 + n; }
      this.dnsQueries.push({ id, port: sport, name });
      if (this.dnsQueries.length > 8) this.dnsQueries.shift();
      const x = this.r.int(10);
      if (x < 6) {
        this.report.dnsAnswered++;
        const addrs = x === 0 ? [] : [host(100 + this.r.int(100)), host(101)].slice(0, 1 + this.r.int(2));
        this.queue.push(this.udpFrame(SERVER, SERVER_MAC, this.boardIps[0], this.t.mac, 53, sport, F.dnsReply(id, name, addrs, x === 0 ? 3 : 0)));
      } else if (x < 8) {
        const m = F.dnsReply(id, name, [host(5)]);
        this.mutate(m, 1 + this.r.int(3));
        this.queue.push(this.udpFrame(SERVER, SERVER_MAC, this.boardIps[0], this.t.mac, 53, sport, m));
      }
    }
  }

  private tcpFromBoard(f: Uint8Array, s: Sent): void {
    const t = s.l4;
    const sport = be16(f, t), dport = be16(f, t + 2), seq = be32(f, t + 4), ack = be32(f, t + 8), flags = f[t + 13];
    const win = be16(f, t + 14), len = s.l4len - (f[t + 12] >> 4) * 4;
    const tuple = `${s.dst}:${dport}:${sport}`;
    if (flags & RST) this.checkRst(tuple, seq, ack, flags);
    const p = this.pendingProbe;
    if (s.dst === PROBE) {
      if (p && dport === p.sport && sport === 7 && (flags & (SYN | ACK)) === (SYN | ACK) && ack === ((p.iss + 1) >>> 0)) {
        p.synOk = true;
        this.queue.push(this.tcpFrame(PROBE, PROBE_MAC, p.sport, 7, (p.iss + 1) >>> 0, 0, RST, {}));
      }
      return;
    }
    const peer = this.peers.find((x) => x.ip === s.dst);
    if (!peer || peer.dark || this.allDark || this.vanished.has(tuple)) return;
    const c = peer.conns.find((x) => x.lport === dport && x.rport === sport);
    if (!c || c.st === 'done') {
      if (c && (flags & FIN)) { this.queue.push(this.tcpFrame(peer.ip, peer.mac, dport, sport, c.sndNxt, (seq + len + 1) >>> 0, ACK, {})); return; }
      // No such connection here: a real host answers with a RST (RFC 9293 3.10.7.1), never to a RST.
      if (!(flags & RST)) {
        const rst = flags & ACK ? this.tcpFrame(peer.ip, peer.mac, dport, sport, ack, 0, RST, {})
          : this.tcpFrame(peer.ip, peer.mac, dport, sport, 0, (seq + len + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0)) >>> 0, RST | ACK, {});
        this.queue.push(rst);
      }
      return;
    }
    if (flags & RST) { c.st = 'done'; c.doneAt = this.n; return; }
    if (c.st === 'syn') {
      if ((flags & (SYN | ACK)) !== (SYN | ACK)) return;
      if (ack !== ((c.iss + 1) >>> 0)) { this.queue.push(this.tcpFrame(peer.ip, peer.mac, dport, sport, ack, 0, RST, {})); return; }
      c.rcvNxt = (seq + 1) >>> 0; c.sndUna = ack; c.sndNxt = ack; c.wnd = win; c.st = 'est';
      this.queue.push(this.ackOf(peer, c));
      return;
    }
    if (flags & SYN) { this.queue.push(this.ackOf(peer, c)); return; }
    if (flags & ACK) {
      if (seqLt(c.sndUna, ack) && seqLe(ack, c.sndNxt)) c.sndUna = ack;
      else if (seqLt(c.sndNxt, ack) && ((ack - c.sndNxt) >>> 0) < 0x100000) { c.sndUna = ack; c.sndNxt = ack; }
      c.wnd = win;
    }
    if (len > 0 || (flags & FIN)) {
      if (seq === c.rcvNxt) {
        c.rcvNxt = (c.rcvNxt + len) >>> 0;
        if (flags & FIN) { c.rcvNxt = (c.rcvNxt + 1) >>> 0; c.finRcvd = true; }
      }
      this.queue.push(this.ackOf(peer, c));
    }
    if (c.st === 'fin' && c.finRcvd && c.sndUna === c.sndNxt) { c.st = 'done'; c.doneAt = this.n; }
  }

  /** Never a RST in answer to a RST: a RST from the board is checked against the RSTs fed on its
   *  connection (the exact frame just fed on a virtual clock; the last 2 s in real time). Its
   *  numbers must be what RFC 9293 3.10.7.1 would make from that RST for it to be an answer. */
  private checkRst(tuple: string, seq: number, ack: number, flags: number): void {
    const answers = (r: { seq: number; ack: number; flags: number; len: number }) =>
      (r.flags & ACK) ? seq === r.ack : (flags & ACK) !== 0 && ack === ((r.seq + r.len) >>> 0);
    if (this.t.virtual) {
      const l = this.lastTcp;
      if (l && l.rst && l.tuple === tuple && answers(l)) this.fail('RST in answer to a RST', `board RST seq ${seq} ack ${ack} to RST seq ${l.seq} ack ${l.ack} flags 0x${l.flags.toString(16)} on ${tuple}`);
      return;
    }
    // In real time the board's answer may be to any segment fed on that connection lately: a RST
    // counts only when every segment it could answer was a RST.
    const could = this.recentTcp.filter((r) => r.tuple === tuple && this.now - r.at < 2000 && answers(r));
    if (could.length && could.every((r) => r.rst)) this.fail('RST in answer to a RST', `board RST seq ${seq} ack ${ack} on ${tuple}`);
  }

  // ---- frames ----

  private ipFrame(src: number, srcMac: Uint8Array, dst: number, dstMac: Uint8Array, proto: number, l4: ArrayLike<number>, o: F.IpOpts = {}): Uint8Array {
    return F.eth(dstMac, srcMac, 0x0800, F.ipv4(src, dst, proto, l4, { id: this.r.int(65536), ...o }));
  }
  private udpFrame(src: number, srcMac: Uint8Array, dst: number, dstMac: Uint8Array, sport: number, dport: number, data: ArrayLike<number>): Uint8Array {
    return this.ipFrame(src, srcMac, dst, dstMac, 17, F.udp(src, dst, sport, dport, data));
  }
  private tcpFrame(src: number, srcMac: Uint8Array, sport: number, dport: number, seq: number, ack: number, flags: number, o: F.TcpOpts): Uint8Array {
    const dst = this.boardIps[0] || BOARD_IP;
    return this.ipFrame(src, srcMac, dst, this.t.mac, 6, F.tcp(src, dst, sport, dport, seq, ack, flags, o));
  }
  private ackOf(p: Peer, c: PConn, flags = ACK, data?: Uint8Array, seq = c.sndNxt): Uint8Array {
    return this.tcpFrame(p.ip, p.mac, c.lport, c.rport, seq, c.rcvNxt, flags, { win: c.zero ? 0 : 65535, data });
  }

  /** The next frame: what the peers owe first (answers in step), then one of the mix. */
  private next(): Uint8Array {
    const q = this.queue.shift();
    if (q) { this.count('answer (in step)'); return q; }
    const x = this.r.int(100);
    if (x < 22) { const f = this.peerAction(); if (f) { this.count('peer action'); return f; } }
    if (x < 42) { this.count('valid'); return this.valid(); }
    if (x < 67) { this.count('near-valid TCP'); return this.nearTcp(); }
    if (x < 90) {
      let f = this.valid();
      this.mutate(f, 1 + this.r.int(4));
      // Cut short, or lengthened with bytes the headers do not count.
      const cut = this.r.int(8);
      if (cut === 0) f = f.slice(0, this.r.int(f.length + 1));
      else if (cut === 1) f = F.cat(f, this.bytes(1 + this.r.int(Math.max(1, 1514 - f.length))));
      const fix = this.r.int(2) === 0;
      if (fix) F.fixChecksums(f);
      this.count(fix ? 'mutated, checksums fixed' : 'mutated');
      return f;
    }
    if (x < 95) { this.count('DHCP/DNS reply'); return this.dhcpDns(); }
    this.count('junk');
    return this.junk();
  }

  private randIp(): number {
    const r = this.r, x = r.int(10);
    if (x < 6) return host(20 + r.int(200));
    if (x < 8) return r.u32();
    return [0, 0xffffffff, host(255), 0xe0000001, 0x7f000001, BOARD_IP, NET][r.int(7)];
  }
  private randMac(): Uint8Array { const m = new Uint8Array(6); for (let i = 0; i < 6; i++) m[i] = this.r.int(256); m[0] &= 0xfe; m[0] |= 2; return m; }
  private dstMac(): Uint8Array {
    const x = this.r.int(20);
    return x < 15 ? this.t.mac : x < 18 ? F.BCAST_MAC : x < 19 ? Uint8Array.of(1, 0, 0x5e, 0, 0, 1) : this.randMac();
  }
  private bytes(n: number): Uint8Array { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = this.r.int(256); return b; }

  /** Valid frames of every kind the stack handles. */
  private valid(): Uint8Array {
    const r = this.r, board = this.boardIps[0] || BOARD_IP;
    const src = this.randIp(), smac = this.randMac();
    switch (r.int(12)) {
      case 0: { // ARP: request for us, for another, a reply, an announcement, a conflict
        const k = r.int(5);
        const spa = k === 4 ? board : src, tpa = k === 1 ? host(r.int(256)) : k === 3 ? spa : board;
        return F.eth(k === 2 ? this.t.mac : F.BCAST_MAC, smac, 0x0806, F.arp(k === 2 ? 2 : 1, smac, spa, k === 2 ? this.t.mac : F.ZERO_MAC, tpa));
      }
      case 1: case 2: { // ICMP echo, sizes up to the MTU, to us or broadcast
        const n = r.int(3) === 0 ? r.int(1473) : r.int(64);
        const dst = r.int(10) === 0 ? host(255) : board;
        return this.ipFrame(src, smac, dst, dst === board ? this.t.mac : F.BCAST_MAC, 1, F.echo(8, r.int(65536), r.int(65536), this.bytes(n)));
      }
      case 3: { // ICMP errors and other types, quoting one of our segments or garbage
        const quote = F.ipv4(board, src, 6, F.tcp(board, src, APP_PORTS[r.int(4)], 1024 + r.int(60000), r.u32(), r.u32(), ACK)).subarray(0, 28);
        return this.ipFrame(src, smac, board, this.t.mac, 1, F.icmp([3, 11, 12, 5, 0, 13, 17, r.int(256)][r.int(8)], r.int(16), [0, 0, 0, 0], r.int(2) ? quote : this.bytes(r.int(40))));
      }
      case 4: { // IPv4 options (NOP, EOL, record route, timestamp, router alert, garbage)
        const opts = [[1, 1, 1, 0], [7, 7, 4, 0, 0, 0, 0, 0], [148, 4, 0, 0], [68, 8, 5, 0, 0, 0, 0, 0], [...this.bytes(4)], [...this.bytes(8)], [...this.bytes(40)]][r.int(7)];
        const l4 = r.int(2) ? F.echo(8, r.int(65536), 1, this.bytes(r.int(100))) : F.udp(src, board, 1024 + r.int(60000), [7, 68, 53, 9999][r.int(4)], this.bytes(r.int(100)));
        return this.ipFrame(src, smac, board, this.t.mac, r.int(2) ? 1 : 17, l4, { options: opts });
      }
      case 5: { // fragments: first (MF), middle, last, with DF, overlapping offsets
        const l4 = F.echo(8, r.int(65536), 1, this.bytes(8 + r.int(200)));
        const frag = [0x2000, 0x2000 | (1 + r.int(100)), 1 + r.int(8000), 0x6000, 0x8000 | r.int(0x2000)][r.int(5)];
        return this.ipFrame(src, smac, board, this.t.mac, [1, 6, 17][r.int(3)], l4, { frag });
      }
      case 6: { // UDP to closed, open (DHCP, a DNS query's) ports; broadcast and multicast
        const q = this.dnsQueries.length && r.int(3) === 0 ? this.dnsQueries[r.int(this.dnsQueries.length)].port : [68, 53, 7, 9, 1 + r.int(65535)][r.int(5)];
        const dst = [board, board, host(255), 0xffffffff, 0xe00000fb][r.int(5)];
        const dmac = dst === board ? this.t.mac : dst === 0xe00000fb ? Uint8Array.of(1, 0, 0x5e, 0, 0, 0xfb) : F.BCAST_MAC;
        return this.ipFrame(src, smac, dst, dmac, 17, F.udp(src, dst, 1 + r.int(65535), q, this.bytes(r.int(600)), r.int(4) !== 0));
      }
      case 7: return this.dhcpDns();
      case 8: case 9: { // TCP from nobody: to a listener or a closed port, any flags
        const flags = [SYN, SYN, ACK, SYN | ACK, FIN | ACK, RST, PSH | ACK, r.int(256)][r.int(8)];
        const dst = board, dport = r.int(3) ? APP_PORTS[r.int(4)] : r.int(65536);
        return this.ipFrame(src, smac, dst, this.t.mac, 6, F.tcp(src, dst, r.int(65536), dport, r.u32(), r.u32(), flags,
          { win: r.int(65536), mss: r.int(2) ? 1 + r.int(1600) : 0, data: r.int(4) ? undefined : this.bytes(r.int(200)) }));
      }
      case 10: { // IP protocols nobody handles, to us and broadcast
        return this.ipFrame(src, smac, board, this.t.mac, [2, 47, 50, 89, 132, r.int(256)][r.int(6)], this.bytes(r.int(100)));
      }
      default: { // a peer's segment, valid: what nearTcp mutates the numbers of
        return this.nearTcp(true);
      }
    }
  }

  /** A DHCP reply (for the board's xid or another) or a DNS reply (for a query of the board's or
   *  none), valid or with odd options. */
  private dhcpDns(): Uint8Array {
    const r = this.r;
    if (r.int(2)) {
      const type = [2, 5, 6, r.int(10)][r.int(4)];
      const ours = this.xid >= 0 && r.int(4) !== 0;
      const xid = ours ? this.xid : r.u32();
      const extra = r.int(3) === 0 ? [...this.bytes(r.int(30))] : r.int(3) === 0 ? [51, 4, 0, 0, 0, 0, 58, 4, 255, 255, 255, 255] : undefined;
      // A reply for the board's own transaction is the server's configuration at an odd time
      // (odd lease and timers, odd options, a NAK): one with another address, mask or router
      // would be taken (DHCP has no authentication) and leave the board where the probes cannot
      // reach it for as long as the forged lease lasts, which says nothing about the stack.
      // Replies for other transactions carry anything.
      const odd = !ours;
      const msg = F.dhcpReply({ type, xid, chaddr: ours || r.int(8) ? this.t.mac : this.randMac(), yiaddr: odd && r.int(2) ? this.randIp() : BOARD_IP,
        server: odd && r.int(2) ? this.randIp() : SERVER,
        lease: [LEASE_S, 0, 1, 0xffffffff, r.u32()][r.int(5)], t1: r.int(2) ? r.int(100) : undefined, t2: r.int(2) ? r.int(100) : undefined,
        mask: odd ? [0xffffff00, 0, 0xffffffff, r.u32()][r.int(4)] : 0xffffff00, router: odd && r.int(2) ? this.randIp() : SERVER, dns: SERVER, extra });
      if (!ours && r.int(4) === 0) this.mutate(msg, 1 + r.int(4));
      return this.udpFrame(r.int(4) ? SERVER : this.randIp(), SERVER_MAC, r.int(2) ? 0xffffffff : this.boardIps[0] || BOARD_IP, r.int(2) ? F.BCAST_MAC : this.t.mac, 67, 68, msg);
    }
    const q = this.dnsQueries.length ? this.dnsQueries[r.int(this.dnsQueries.length)] : { id: r.int(65536), port: 49152 + r.int(16384), name: 'x.synack.test' };
    const msg = F.dnsReply(r.int(4) ? q.id : r.int(65536), r.int(4) ? q.name : 'other.test', [host(7), this.randIp()].slice(0, r.int(3)), r.int(4) ? 0 : r.int(16));
    if (r.int(3) === 0) this.mutate(msg, 1 + r.int(4));
    return this.udpFrame(r.int(4) ? SERVER : this.randIp(), SERVER_MAC, this.boardIps[0] || BOARD_IP, this.t.mac, r.int(8) ? 53 : r.int(65536), q.port, msg);
  }

  /** TCP options, good and broken (RFC 9293 3.1, RFC 7323, RFC 2018). */
  private options(): number[] {
    const r = this.r;
    const all = [[1], [0], [2, 4, ...F.u16(r.int(65536))], [3, 3, r.int(20)], [4, 2], [5, 10, ...this.bytes(8)], [8, 10, ...this.bytes(8)],
      [2, 3], [2, 0], [2, 1], [255, 2], [r.int(256), r.int(256)], [...this.bytes(r.int(12))], [34, 2], [30, 4, 0, 0]];
    const o: number[] = [];
    for (let i = r.int(4); i >= 0 && o.length < 36; i--) o.push(...all[r.int(all.length)]);
    return o.slice(0, 40);
  }

  /** TCP near the edges of a peer's connection (or, with `valid`, exactly in step). */
  private nearTcp(valid = false): Uint8Array {
    const r = this.r;
    const live: [Peer, PConn][] = [];
    for (const p of this.peers) for (const c of p.conns) if (c.st !== 'done') live.push([p, c]);
    if (!live.length) {
      // The listeners, from sources nobody knows.
      const src = this.randIp(), board = this.boardIps[0] || BOARD_IP;
      return this.ipFrame(src, this.randMac(), board, this.t.mac, 6, F.tcp(src, board, r.int(65536), APP_PORTS[r.int(4)], r.u32(), r.u32(), r.int(256),
        { win: r.int(65536), options: r.int(2) ? this.options() : undefined }));
    }
    const [p, c] = live[r.int(live.length)];
    if (valid) return this.ackOf(p, c, ACK | (r.int(2) ? PSH : 0), r.int(2) ? this.bytes(1 + r.int(64)) : undefined);
    const w = c.wnd || 1;
    const seqs = [c.sndNxt, c.sndNxt - 1, c.sndNxt + 1, c.sndUna, c.sndNxt + w - 1, c.sndNxt + w, c.sndNxt + w + 1, c.sndNxt - 65536, c.sndNxt + 0x80000000, r.u32()];
    const acks = [c.rcvNxt, c.rcvNxt - 1, c.rcvNxt + 1, c.rcvNxt - 65536, c.rcvNxt + 65536, c.rcvNxt + 0x80000000, r.u32(), 0];
    const flags = r.int(3) === 0 ? r.int(256) : [ACK, RST, RST | ACK, SYN, SYN | ACK, FIN | ACK, URG | ACK, PSH | ACK, FIN, SYN | FIN | RST | ACK][r.int(10)];
    const data = r.int(3) === 0 ? this.bytes(r.int(3) === 0 ? r.int(1461) : 1 + r.int(40)) : undefined;
    return this.tcpFrame(p.ip, p.mac, c.lport, c.rport, seqs[r.int(seqs.length)] >>> 0, acks[r.int(acks.length)] >>> 0, flags,
      { win: r.int(4) === 0 ? 0 : r.int(4) === 0 ? r.int(65536) : 65535, data, urg: flags & URG ? r.int(65536) : 0, options: r.int(3) === 0 ? this.options() : undefined, mss: r.int(6) === 0 ? r.int(65536) : 0 });
  }

  /** A peer acts on its own: opens, sends, acknowledges, closes, resets, vanishes. */
  private peerAction(): Uint8Array | null {
    const r = this.r;
    const p = this.peers[r.int(this.peers.length)];
    if (p.dark) { if (r.int(50) === 0) p.dark = false; return null; }
    p.conns = p.conns.filter((c) => c.st !== 'done' || this.n - c.doneAt < 2000);
    const live = p.conns.filter((c) => c.st !== 'done');
    if (live.length < 2 && r.int(live.length ? 8 : 2) === 0) {
      const c: PConn = { lport: 1024 + r.int(64000), rport: APP_PORTS[r.int(4)], st: 'syn', iss: r.u32(), sndUna: 0, sndNxt: 0, rcvNxt: 0, wnd: 0,
        finRcvd: false, zero: false, lastSyn: this.now, sentGet: false, doneAt: 0 };
      c.sndUna = c.iss; c.sndNxt = (c.iss + 1) >>> 0;
      p.conns.push(c);
      return this.tcpFrame(p.ip, p.mac, c.lport, c.rport, c.iss, 0, SYN, { mss: [536, 1460, 100, 0, 1][r.int(5)], win: 65535, options: r.int(4) === 0 ? this.options() : undefined });
    }
    if (!live.length) return null;
    const c = live[r.int(live.length)];
    if (c.st === 'syn') {
      if (this.now - c.lastSyn < 1000) return null;
      c.lastSyn = this.now;
      return this.tcpFrame(p.ip, p.mac, c.lport, c.rport, c.iss, 0, SYN, { mss: 1460 });
    }
    const x = r.int(100);
    if (x < 3) { // vanish: this connection (or now and then the whole host) says nothing again
      c.st = 'done'; c.doneAt = this.n;
      this.vanished.add(`${p.ip}:${c.lport}:${c.rport}`);
      if (this.vanished.size > 4096) this.vanished.clear();
      if (r.int(10) === 0) p.dark = true;
      return null;
    }
    if (x < 7) { c.st = 'done'; c.doneAt = this.n; return this.ackOf(p, c, RST | ACK); }
    if (x < 14 && c.st === 'est') { // close: FIN after what was sent
      c.st = 'fin';
      const f = this.ackOf(p, c, FIN | ACK);
      c.sndNxt = (c.sndNxt + 1) >>> 0;
      return f;
    }
    if (x < 20) { c.zero = !c.zero; return this.ackOf(p, c); }
    if (x < 35) { // go back to the oldest unacknowledged byte (a retransmission)
      if (c.sndUna !== c.sndNxt && c.st === 'est') c.sndNxt = c.sndUna;
      return this.ackOf(p, c);
    }
    if (c.st !== 'est' || c.rport === 19) return this.ackOf(p, c);
    // Data within the board's window (a 1-byte probe when it is shut).
    let data: Uint8Array;
    if (c.rport === 80) {
      if (c.sentGet) return this.ackOf(p, c);
      c.sentGet = true;
      data = Uint8Array.from('GET /stats.json HTTP/1.0\r\n\r\n', (ch) => ch.charCodeAt(0));
    } else {
      const room = c.wnd - ((c.sndNxt - c.sndUna) >>> 0);
      data = this.bytes(room > 0 ? 1 + r.int(Math.min(room, 536)) : 1);
    }
    const f = this.ackOf(p, c, ACK | PSH, data);
    c.sndNxt = (c.sndNxt + data.length) >>> 0;
    return f;
  }

  /** Changes n bytes in place: a bit flipped or a byte set, mostly in the headers. */
  private mutate(f: Uint8Array, n: number): void {
    const r = this.r;
    for (let i = 0; i < n && f.length; i++) {
      const at = r.int(3) ? 14 + r.int(Math.max(1, Math.min(f.length - 14, 60))) : r.int(f.length);
      if (at >= f.length) continue;
      if (r.int(2)) f[at] ^= 1 << r.int(8);
      else f[at] = [0, 255, 0x80, 0x7f, r.int(256)][r.int(5)];
    }
  }

  private junk(): Uint8Array {
    const r = this.r;
    const n = r.int(10) === 0 ? r.int(14) : r.int(1515);
    const f = this.bytes(n);
    if (n >= 14) {
      f.set(this.dstMac(), 0);
      const t = [[8, 0], [8, 6], [0x86, 0xdd], [0x81, 0], [r.int(256), r.int(256)]][r.int(5)];
      f[12] = t[0]; f[13] = t[1];
      if (t[0] === 8 && t[1] === 0 && n >= 34 && r.int(2)) { f[14] = 0x45; F.fixChecksums(f); }
    }
    return f;
  }

  // ---- checks ----

  private async checkMemory(): Promise<void> {
    const s = await this.t.state();
    const rep = this.report;
    if (s.memory > rep.peakMemory) rep.peakMemory = s.memory;
    if (s.conns.length > rep.peakConns) rep.peakConns = s.conns.length;
    if (s.conns.length > this.t.maxConns) this.fail('memory unbounded', `${s.conns.length} connections, the table holds ${this.t.maxConns}`);
    if (s.arpQueued > 2) this.fail('memory unbounded', `${s.arpQueued} frames waiting on ARP`);
    if (s.udpPorts.length > 6) this.fail('memory unbounded', `${s.udpPorts.length} UDP ports bound`);
  }

  /** A fresh ping and a fresh SYN (to the echo port, from the probe host) must be answered:
   *  hostile frames stop meanwhile, the peers and servers go on in step. */
  private async probe(): Promise<void> {
    const k = ++this.probeK;
    const p = { id: k & 0xffff, pingOk: false, synOk: false, sport: 20000 + (k % 40000), iss: this.r.u32() };
    this.pendingProbe = p;
    this.report.probes.sent++;
    const st0 = await this.t.state();
    const before = st0.conns.length;
    const start = this.now;
    let tries = 0;
    let waited = 0;
    while (!(p.pingOk && p.synOk) && waited < this.o.probeWaitMs) {
      if (waited >= tries * 1000) {
        tries++;
        const board = this.boardIps[0] || BOARD_IP;
        if (!p.pingOk) this.feed(this.ipFrame(PROBE, PROBE_MAC, board, this.t.mac, 1, F.echo(8, 0xfa00 | (p.id & 0xff), p.id, this.bytes(32))));
        if (!p.synOk) this.feed(this.tcpFrame(PROBE, PROBE_MAC, p.sport, 7, p.iss, 0, SYN, { mss: 1460 }));
      }
      const q = this.queue.shift();
      if (q) { this.feed(q); await this.step(1); waited += 1; }
      else { await this.step(this.t.virtual ? 10 : 20); waited += this.t.virtual ? 10 : 20; }
    }
    this.pendingProbe = null;
    const wait = this.now - start;
    if (p.pingOk && p.synOk && wait > this.report.probes.longestWaitMs) this.report.probes.longestWaitMs = wait;
    if (p.pingOk) this.report.probes.pingAnswered++;
    else this.fail('probe ping unanswered', `ping ${p.id} not answered within ${this.o.probeWaitMs} ms (board address ${ipStr(this.boardIps[0])})`);
    if (p.synOk) this.report.probes.synAnswered++;
    else {
      const s = await this.t.state();
      // The table full (of half-open entries from forged sources, of connections whose peers
      // vanished in ESTABLISHED, CLOSE-WAIT or FIN-WAIT-2): the lock-out issue 21 removes.
      // Or refused for memory: a Pico with the program beside it and a connection open has too
      // little free for a second one's fixed rings (issue 21 sizes rings from what is free).
      const memory = s.refused.memory > st0.refused.memory;
      const lock = Math.max(before, s.conns.length) >= this.t.maxConns || s.refused.table > st0.refused.table || memory;
      if (lock) this.report.probes.lockOuts++;
      this.fail(!lock ? 'probe SYN unanswered' : memory ? 'probe SYN unanswered: refused for memory (lock-out, issue 21)' : 'probe SYN unanswered: table full (lock-out, issue 21)',
        `SYN from port ${p.sport} not answered within ${this.o.probeWaitMs} ms; ${before} connections when it was sent, now: ${s.conns.map((c) => c.state).join(' ') || 'none'}`);
    }
  }

  /** Every peer gone, the timers run out: nothing may be left. */
  private async drain(): Promise<void> {
    this.allDark = true;
    this.queue = this.queue.filter((f) => f[12] === 8 && f[13] === 0 && be32(f, 26) === SERVER);
    const end = this.o.drainMs;
    for (let t = 0; t < end;) {
      const q = this.queue.shift();
      if (q) { this.feed(q); await this.step(1); t += 1; continue; }
      const ms = this.t.virtual ? 1000 : 500;
      await this.step(ms);
      t += ms;
    }
    const s = await this.t.state();
    const rep = this.report;
    rep.finalMemory = s.memory;
    rep.leftover = { conns: s.conns, halfOpen: s.halfOpen, arpQueued: s.arpQueued, held: s.held, udpPorts: s.udpPorts };
    const lockOut = s.conns.filter((c) => (c.state === 'ESTABLISHED' || c.state === 'CLOSE-WAIT' || c.state === 'FIN-WAIT-2') && !c.keepalive);
    rep.lockOutLeft = lockOut.length;
    const other = s.conns.filter((c) => !lockOut.includes(c));
    if (lockOut.length) this.fail('left after the timers: connections of vanished peers (lock-out, issue 21)', lockOut.map((c) => `${c.state} ${c.lport}<-${ipStr(c.rip)}:${c.rport}`).join(', '));
    if (other.length) this.fail('left after the timers', other.map((c) => `${c.state} ${c.lport}<-${ipStr(c.rip)}:${c.rport}${c.keepalive ? ' (keepalive)' : ''}`).join(', '));
    if (s.halfOpen !== 0) this.fail('left after the timers', `${s.halfOpen} half-open connections`);
    if (s.arpQueued) this.fail('left after the timers', `${s.arpQueued} frames waiting on ARP`);
    if (s.held) this.fail('left after the timers', 'a received frame still held');
    // The ports a board keeps for good: the DHCP client's and the mDNS responder's (issue 26).
    const extra = s.udpPorts.filter((p) => p !== 68 && p !== 5353);
    if (extra.length) this.fail('left after the timers', `UDP ports still bound: ${extra.join(' ')}`);
  }
}

/** The failures that are issue 21's lock-out, told apart from the rest. */
export function isLockOut(kind: string): boolean { return kind.includes('issue 21'); }

/** The report as lines. */
export function describe(rep: FuzzReport, wallMs: number): string[] {
  const l: string[] = [];
  l.push(`fuzz: ${rep.frames} frames to the board (seed ${rep.seed}), ${rep.fromBoard} from it, in ${(wallMs / 1000).toFixed(1)} s wall (${Math.round(rep.frames / (wallMs / 1000))} frames/s), ${(rep.virtualMs / 1000).toFixed(0)} s of the board's clock, ${rep.jumps} clock jumps`);
  l.push('  mix: ' + Object.entries(rep.mix).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', '));
  const p = rep.probes;
  l.push(`  probes: ${p.sent}; ping answered ${p.pingAnswered}, SYN answered ${p.synAnswered}, longest wait ${p.longestWaitMs.toFixed(0)} ms, ${p.lockOuts} SYNs unanswered with the table full or refused for memory (issue 21)`);
  l.push(`  DHCP ACKs ${rep.dhcpBound}, DNS answers ${rep.dnsAnswered}; peak connections ${rep.peakConns}; memory peak ${rep.peakMemory}, final ${rep.finalMemory}`);
  if (rep.leftover) {
    const lo = rep.leftover;
    l.push(`  left once the timers ran out: ${lo.conns.length} connections (${rep.lockOutLeft} of vanished peers: issue 21's lock-out)${lo.conns.length ? ' [' + lo.conns.map((c) => c.state).join(' ') + ']' : ''}, ${lo.halfOpen} half-open, ${lo.arpQueued} frames on ARP, held frame ${lo.held}, UDP ports [${lo.udpPorts.join(' ')}]`);
  }
  const kinds = Object.entries(rep.failureCounts);
  l.push(`  failures: ${kinds.length ? kinds.map(([k, v]) => `${k}: ${v}`).join('; ') : 'none'}`);
  for (const f of rep.failures) l.push(`    #${f.frame} ${f.kind}: ${f.detail}`);
  return l;
}
