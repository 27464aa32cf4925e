// The virtual soak (issue 22, docs/fuzzing.md): a simulated board (the firmware's stack with its
// default apps, through a chip model and the real driver) on a virtual LAN for a day of virtual
// time, seeded. Around it:
// - clients (peer stacks) that connect to the apps, transfer and check (echo, discard, the byte
//   source, the status page), close, abort, and vanish (the host gone without a word, back later
//   as a new host that knows nothing of the old connection);
// - a DHCP server with 60 s leases (so the board renews and rebinds all day), which restarts
//   mid-lease (forgetting its bindings: it NAKs the next renewal) and goes away long enough for
//   the lease to be lost, then comes back (found again);
// - link flaps (the PHY link down, then up); the chip model's own faults (ENC28J60: receive
//   buffer overflow, the transmit errata's stall and late collision, CRC errors, corrupted SPI
//   reads; W5500: receive overflow, socket send timeouts, corrupted SPI reads);
// - ARP storms (2000 requests/s) and ping floods;
// - a probe every 10 s: a fresh ping and a fresh connection to the echo port (one byte echoed).
// The report: every probe answered or not (outside the planned outages: link down, the lease
// lost), the longest gap between answered probes, peak and final memory, the connection count at
// the end, the counters that explain every frame that reached the board and was not used, and
// virtual seconds per wall second.
import { VirtualClock } from '../../host-sim/clock.ts';
import { Segment, type Port } from '../../host-sim/segment.ts';
import { SimHost, SimNic } from '../../host-sim/nic.ts';
import { SimBoard } from '../../host-sim/board.ts';
import { Rng } from '../../host-sim/faults.ts';
import type { ChipKind } from '../../host-sim/chips/attach.ts';
import type { Enc28j60Model } from '../../host-sim/chips/enc28j60.ts';
import type { W5500Model } from '../../host-sim/chips/w5500.ts';
import { createStack, type Stack } from '../../firmware/stack.ts';
import type { Conn, ConnUser } from '../../firmware/tcp/tcp.ts';
import { totalDrops } from '../../firmware/iface/counters.ts';
import * as F from '../../test/helpers/frames.ts';

export interface SoakOptions {
  chip: ChipKind;
  seed: number;
  /** Virtual duration, ms. */
  durationMs: number;
  clients?: number;
  /** Mean gap between events of each kind, ms (scaled down for short runs). */
  eventEveryMs?: number;
  progress?: (line: string) => void;
}

export interface SoakReport {
  chip: ChipKind; seed: number; virtualS: number; wallS: number;
  probes: { sent: number; answered: number; inOutage: number; unanswered: number; lockOut: number; longestGapS: number; failures: string[] };
  sessions: Record<string, { ok: number; failed: number; failedInOutage: number }>;
  sessionFailures: string[];
  events: Record<string, number>;
  memory: { peakBytes: number; finalBytes: number; peakConns: number; finalConns: number; finalStates: string[]; lockOut: number; halfOpen: number; arpQueued: number };
  dhcp: { acks: number; naks: number; lost: number; bound: boolean };
  frames: { toBoard: number; linkDown: number; chipDropped: number; rxOff: number; stackIn: number; driverBad: number; recoveries: number; flushed: number; unexplained: number; drops: Record<string, number>; used: number };
  counters: Record<string, number>;
}

const NET = 0xc6120000;
const host = (h: number) => (NET | h) >>> 0;
const SERVER = host(1), BOARD = host(2), PROBE = host(250);
const SERVER_MAC = Uint8Array.of(2, 0, 0, 0, 0, 1);
const LEASE_S = 60;

/** The DHCP server (and the board's gateway): 60 s leases of .2; `up` false: silent; after a
 *  restart it has no bindings and NAKs a renewal it knows nothing of (as an authoritative server). */
class DhcpServer {
  up = true;
  bindings = new Set<string>();
  acks = 0; naks = 0; restarts = 0;
  constructor(readonly port: Port) {
    port.onFrame((f) => this.frame(f));
  }
  private frame(f: Uint8Array): void {
    if (!this.up) return;
    if (f[12] === 8 && f[13] === 6 && f[21] === 1 && be32(f, 38) === SERVER) {
      this.port.send(F.eth(f.subarray(6, 12), SERVER_MAC, 0x0806, F.arp(2, SERVER_MAC, SERVER, f.subarray(22, 28), be32(f, 28))));
      return;
    }
    if (!(f[12] === 8 && f[13] === 0 && f[23] === 17 && f.length >= 42 + 240)) return;
    const d = 42;
    if (((f[36] << 8) | f[37]) !== 67 || f[d] !== 1) return;
    let type = 0, requested = 0;
    for (let o = d + 240; o < f.length && f[o] !== 255;) {
      if (f[o] === 0) { o++; continue; }
      if (f[o] === 53) type = f[o + 2];
      if (f[o] === 50) requested = be32(f, o + 2);
      o += 2 + f[o + 1];
    }
    const chaddr = f.slice(d + 28, d + 34), key = F.hexOf(chaddr), xid = be32(f, d + 4), ciaddr = be32(f, d + 12);
    let reply = 0;
    if (type === 1) reply = 2;
    else if (type === 3) {
      if (ciaddr && !this.bindings.has(key)) { reply = 6; this.naks++; }
      else if (ciaddr === BOARD || requested === BOARD) { reply = 5; this.acks++; this.bindings.add(key); }
      else { reply = 6; this.naks++; }
    }
    if (!reply) return;
    const msg = F.dhcpReply({ type: reply, xid, chaddr, yiaddr: BOARD, server: SERVER, lease: LEASE_S, mask: 0xffffff00, router: SERVER, dns: SERVER });
    this.port.send(F.eth(F.BCAST_MAC, SERVER_MAC, 0x0800, F.ipv4(SERVER, 0xffffffff, 17, F.udp(SERVER, 0xffffffff, 67, 68, msg))));
  }
}

function be32(f: Uint8Array, o: number): number { return ((f[o] << 24) | (f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]) >>> 0; }

/** A peer host: its own stack (apps off) on a port of the segment; replaced by a new one when
 *  it "reboots" after vanishing. */
class Peer {
  nic!: SimNic; stack!: Stack; host!: SimHost;
  busy = false;
  constructor(readonly clock: VirtualClock, readonly port: Port, readonly ip: number, readonly mac: Uint8Array, readonly rng: Rng) { this.boot(); }
  boot(): void {
    this.nic = new SimNic(this.port, this.mac);
    const ipStr = `${this.ip >>> 24}.${(this.ip >>> 16) & 255}.${(this.ip >>> 8) & 255}.${this.ip & 255}/24`;
    this.stack = createStack(this.nic, { ip: ipStr, apps: false, random32: () => this.rng.u32(), tcp: { now: () => this.clock.now, mslMs: 1000 } });
    this.host = new SimHost(this.clock, this.stack, this.nic);
  }
  /** Gone without a word: no frame in or out, ever, from this stack. */
  vanish(): void { this.nic.linkUp = false; this.host.stop(); }
}

const KINDS = ['echo', 'discard', 'source', 'status', 'abort', 'vanish'] as const;
type Kind = typeof KINDS[number];

export class Soak {
  readonly clock = new VirtualClock();
  readonly seg = new Segment(this.clock, 0.05);
  readonly rng: Rng;
  readonly board: SimBoard;
  readonly server: DhcpServer;
  readonly peers: Peer[] = [];
  readonly probe: Peer;
  readonly storm: Port;
  readonly rep: SoakReport;
  /** Planned outages [from, to): probes in them may go unanswered. */
  private outages: [number, number][] = [];
  private linkDown = false;
  private toBoard = 0;
  private linkDownFrames = 0;
  private lastAnswered = 0;
  private addressLost = 0;
  /** When the board lost its address, while it has none (-1: it has one). */
  private lostAt = -1;

  constructor(readonly o: SoakOptions) {
    this.rng = new Rng(o.seed * 7919 + 17);
    const mac = Uint8Array.of(2, 0, 0x5e, 0, 0, 2);
    this.board = new SimBoard(this.clock, this.seg, { chip: o.chip, mac, name: 'board', ip: 'dhcp', random32: () => this.rng.u32() });
    const bport = this.seg.ports[this.seg.ports.length - 1];
    bport.onFrame(() => { this.toBoard++; if (this.linkDown) this.linkDownFrames++; });
    this.server = new DhcpServer(this.seg.attach('dhcp'));
    // The board without an address (a NAK after a server restart, the lease run out) is a planned
    // outage, from the loss until 3 s after the address is back.
    const d = this.board.stack.dhcp!;
    const told = d.opts.onAddressChange;
    d.opts.onAddressChange = (oldIp: number, newIp: number) => {
      if (!newIp) { this.lostAt = this.clock.now; this.addressLost++; }
      else if (this.lostAt >= 0) { this.outage(this.lostAt, this.clock.now - this.lostAt + 3000); this.lostAt = -1; }
      if (told) told(oldIp, newIp);
    };
    for (let i = 0; i < (o.clients ?? 6); i++) this.peers.push(new Peer(this.clock, this.seg.attach(`client${i}`), host(10 + i), Uint8Array.of(2, 0, 0, 0, 0x10, i), this.rng));
    this.probe = new Peer(this.clock, this.seg.attach('probe'), PROBE, Uint8Array.of(2, 0, 0, 0, 0xfa, 1), this.rng);
    this.storm = this.seg.attach('storm');
    this.rep = {
      chip: o.chip, seed: o.seed, virtualS: 0, wallS: 0,
      probes: { sent: 0, answered: 0, inOutage: 0, unanswered: 0, lockOut: 0, longestGapS: 0, failures: [] },
      sessions: {}, sessionFailures: [], events: {},
      memory: { peakBytes: 0, finalBytes: 0, peakConns: 0, finalConns: 0, finalStates: [], lockOut: 0, halfOpen: 0, arpQueued: 0 },
      dhcp: { acks: 0, naks: 0, lost: 0, bound: false },
      frames: { toBoard: 0, linkDown: 0, chipDropped: 0, rxOff: 0, stackIn: 0, driverBad: 0, recoveries: 0, flushed: 0, unexplained: 0, drops: {}, used: 0 },
      counters: {},
    };
    for (const k of KINDS) this.rep.sessions[k] = { ok: 0, failed: 0, failedInOutage: 0 };
  }

  private event(name: string): void { this.rep.events[name] = (this.rep.events[name] || 0) + 1; }
  private get stack(): Stack { return this.board.stack; }
  private outage(from: number, ms: number): void { this.outages.push([from, from + ms]); }
  /** Whether [t, until] meets a planned outage (a probe's 3 s window may see one begin). */
  private inOutage(t: number, until = t): boolean { return (this.lostAt >= 0 && until >= this.lostAt) || this.outages.some(([a, b]) => until >= a && t < b); }

  run(): SoakReport {
    const o = this.o, c = this.clock, r = this.rng;
    const t0 = performance.now();
    const every = o.eventEveryMs ?? 20 * 60_000;
    // Let the board get its address first.
    c.runFor(5000);
    for (const p of this.peers) this.scheduleClient(p, r.int(10_000));
    const end = c.now + o.durationMs;
    // Events, each kind at random times, `every` apart on average, the last ones 3 minutes
    // before the end so that the end is quiet.
    const quietAt = end - 180_000;
    const plan = (name: string, fn: () => void, mean = every) => {
      const next = () => { const at = c.now + mean / 2 + r.int(mean); if (at < quietAt) c.at(at, () => { this.event(name); fn(); next(); }); };
      next();
    };
    plan('link flap', () => {
      const ms = 1000 + r.int(9000);
      this.outage(c.now, ms + 12_000);
      this.setLink(false);
      c.after(ms, () => this.setLink(true));
    });
    plan('chip fault', () => this.chipFault());
    plan('ARP storm (2000/s, 5 s)', () => this.arpStorm(5000));
    plan('ping flood (1000/s, 5 s)', () => this.pingFlood(5000));
    plan('DHCP server restart', () => { this.server.restarts++; this.server.bindings.clear(); }, every / 2);
    plan('lease lost and found (server away 100 s)', () => {
      // The lease (60 s) runs out while the server is away; the board looks again (DISCOVER every
      // 4 to 64 s) and is found when it is back.
      this.server.up = false;
      this.outage(c.now, 100_000 + 75_000);
      c.after(100_000, () => { this.server.up = true; });
    }, every * 2);
    // Probes every 10 s.
    const probeAt = () => { if (c.now + 10_000 < end) c.after(10_000, () => { this.runProbe(); probeAt(); }); };
    probeAt();
    // Memory, every 10 s.
    const memAt = () => { this.sampleMemory(); if (c.now + 10_000 < end) c.after(10_000, memAt); };
    memAt();
    let lastProgress = performance.now();
    while (c.now < end) {
      c.runUntil(Math.min(end, c.now + 60_000));
      if (o.progress && performance.now() - lastProgress > 10_000) { lastProgress = performance.now(); o.progress(`soak ${o.chip}: ${(c.now / 3600_000).toFixed(2)} h virtual, ${((performance.now() - t0) / 1000).toFixed(0)} s wall`); }
    }
    // The end: clients stop; timers run out (TIME-WAIT, retransmissions to vanished peers).
    this.stopping = true;
    c.runFor(180_000);
    this.finish(performance.now() - t0);
    return this.rep;
  }

  private stopping = false;

  private setLink(up: boolean): void {
    this.linkDown = !up;
    (this.board.chip.model as unknown as { setLink(up: boolean): void }).setLink(up);
  }

  private chipFault(): void {
    const r = this.rng;
    if (this.o.chip === 'enc28j60') {
      const m = this.board.chip.model as Enc28j60Model;
      const k = r.int(4);
      if (k === 0) { this.overflow(m.faults); this.event('enc28j60 receive buffer overflow'); }
      else if (k === 1) { m.faults.stallNextTx = true; this.event('enc28j60 transmit stall (errata)'); }
      else if (k === 2) { m.faults.lateCollisionNextTx = true; this.event('enc28j60 late collision (errata)'); }
      else { m.faults.corruptReads = 5 + r.int(20); this.event('corrupted SPI reads'); }
    } else if (this.o.chip === 'w5500') {
      const m = this.board.chip.model as W5500Model;
      const k = r.int(3);
      if (k === 0) { this.overflow(m.faults); this.event('w5500 receive buffer overflow'); }
      else if (k === 1) { m.faults.txTimeoutNext = true; this.event('w5500 socket send timeout'); }
      else { m.faults.corruptReads = 5 + r.int(20); this.event('corrupted SPI reads'); }
    }
    // A fault may cost a probe or two while the driver recovers.
    this.outage(this.clock.now, 5000);
  }

  /** A receive buffer overflow: the buffer full for the frames of the next 200 ms (a burst the
   *  board could not drain), then room again. */
  private overflow(f: { overflowFrames: number }): void {
    f.overflowFrames = 1000;
    this.clock.after(200, () => { f.overflowFrames = 0; });
  }

  private arpStorm(ms: number): void {
    const c = this.clock, r = this.rng;
    this.outage(c.now, ms + 3000);
    for (let t = 0; t < ms; t += 0.5) {
      c.after(t, () => {
        const mac = Uint8Array.of(2, 0, 0, 0xa0, r.int(256), r.int(256));
        const spa = host(20 + r.int(200)), tpa = r.int(2) ? BOARD : host(r.int(256));
        this.storm.send(F.eth(F.BCAST_MAC, mac, 0x0806, F.arp(1, mac, spa, F.ZERO_MAC, tpa)));
      });
    }
  }

  private pingFlood(ms: number): void {
    const c = this.clock, p = this.probe;
    this.outage(c.now, ms + 3000);
    const data = new Uint8Array(56);
    for (let t = 0; t < ms; t += 1) c.after(t, () => { p.stack.iface.sendPing(BOARD, 0x7777, t & 0xffff, data, 0, 56); p.host.kick(); });
  }

  /** A fresh ping and a fresh connection to echo (one byte back), each given 3 s. */
  private runProbe(): void {
    const c = this.clock, p = this.probe, rep = this.rep.probes;
    rep.sent++;
    const at = c.now;
    let pinged = false, echoed = false;
    const seq = rep.sent & 0xffff;
    p.stack.iface.register(1, { input: (src: number, _d: number, b: Uint8Array, off: number) => { if (src === BOARD && b[off] === 0 && ((b[off + 6] << 8) | b[off + 7]) === seq && ((b[off + 4] << 8) | b[off + 5]) === 0x5150) pinged = true; }, poll: () => 0x7fffffff } as never);
    // Sent again after 1 and 2 s: the probe host's own ARP queue keeps one frame per address
    // (the newest), so its first ping can give way to its SYN.
    const ping = () => { if (!pinged) { p.stack.iface.sendPing(BOARD, 0x5150, seq, Uint8Array.of(1, 2, 3, 4), 0, 4); p.host.kick(); } };
    ping();
    c.after(1000, ping);
    c.after(2000, ping);
    const tcp = p.stack.tcp;
    const user: ConnUser = {
      onConnect: (cn: Conn) => { tcp.send(cn, Uint8Array.of(0x42), 0, 1); p.host.kick(); },
      onReadable: (cn: Conn) => { const b = new Uint8Array(16); const n = tcp.recv(cn, b, 0, 16); if (n === 1 && b[0] === 0x42) { echoed = true; tcp.close(cn); p.host.kick(); } },
      onEnd: (cn: Conn) => { tcp.close(cn); },
      onWritable: () => {},
      onClose: () => {},
    };
    const cn = tcp.connect(BOARD, 7, user);
    p.host.kick();
    c.after(3000, () => {
      if (cn && cn.state !== 0 && !echoed) { tcp.abort(cn); p.host.kick(); }
      if (pinged && echoed) {
        rep.answered++;
        const gap = (at - this.lastAnswered) / 1000;
        if (gap > rep.longestGapS) rep.longestGapS = gap;
        this.lastAnswered = at;
        return;
      }
      if (this.inOutage(at, at + 3000)) { rep.inOutage++; return; }
      const full = this.stack.tcp.conns.length >= 8;
      if (full) rep.lockOut++; else rep.unanswered++;
      if (rep.failures.length < 10) rep.failures.push(`${(at / 1000).toFixed(0)} s: ping ${pinged ? 'answered' : 'unanswered'}, echo ${echoed ? 'answered' : 'unanswered'}; board ${this.stack.iface.ip ? 'has its address' : 'has no address'}, ${this.stack.tcp.conns.length} connections [${this.stack.tcp.conns.map((x) => x.stateName).join(' ')}]${full ? ' (table full: lock-out, issue 21)' : ''}`);
    });
  }

  private sampleMemory(): void {
    const m = this.rep.memory, s = this.stack;
    let bytes = 0;
    for (const cn of s.tcp.conns) bytes += cn.s.buffer.byteLength;
    if (s.tcp.held) bytes += s.tcp.held.length;
    for (const b of s.iface.qBufs) bytes += b.length;
    if (bytes > m.peakBytes) m.peakBytes = bytes;
    if (s.tcp.conns.length > m.peakConns) m.peakConns = s.tcp.conns.length;
    m.finalBytes = bytes;
  }

  // ---- clients ----

  private scheduleClient(p: Peer, ms: number): void {
    this.clock.after(ms, () => { if (!this.stopping) this.session(p); });
  }

  private session(p: Peer): void {
    const r = this.rng, c = this.clock;
    const x = r.int(100);
    const kind: Kind = x < 35 ? 'echo' : x < 55 ? 'discard' : x < 70 ? 'source' : x < 85 ? 'status' : x < 96 ? 'abort' : 'vanish';
    const tcp = p.stack.tcp;
    const size = 1 + r.int(16384);
    const data = F.pattern(size, r.u32());
    let sent = 0, got = 0, bad = false, finished = false;
    const start = c.now;
    let why = '';
    const done = (ok: boolean) => {
      if (finished) return;
      finished = true;
      // A session that met a planned outage may fail: counted apart.
      const met = this.lostAt >= 0 || this.outages.some(([a, b]) => a < c.now && b > start);
      this.rep.sessions[kind][ok ? 'ok' : met ? 'failedInOutage' : 'failed']++;
      if (!ok && !met && this.rep.sessionFailures.length < 10) this.rep.sessionFailures.push(`${(start / 1000).toFixed(1)} s to ${(c.now / 1000).toFixed(1)} s: ${kind} of ${size} bytes, ${got} received${bad ? ' (not as sent)' : ''}, ${why}`);
      // A vanished host's next session is its new self's, once it is back.
      if (kind !== 'vanish') this.scheduleClient(p, 2000 + r.int(20_000));
    };
    const pump = (cn: Conn) => {
      while (sent < size) { const n = tcp.send(cn, data, sent, Math.min(1460, size - sent)); if (n <= 0) break; sent += n; }
      if (sent === size && kind === 'discard') tcp.close(cn);
      p.host.kick();
    };
    const port = kind === 'discard' ? 9 : kind === 'source' ? 19 : kind === 'status' ? 80 : 7;
    const buf = new Uint8Array(4096);
    const user: ConnUser = {
      onConnect: (cn: Conn) => {
        if (kind === 'status') { const g = Uint8Array.from('GET / HTTP/1.0\r\n\r\n', (ch) => ch.charCodeAt(0)); tcp.send(cn, g, 0, g.length); p.host.kick(); return; }
        if (kind === 'source') return;
        pump(cn);
        if (kind === 'abort' || kind === 'vanish') {
          c.after(50 + r.int(500), () => {
            if (kind === 'abort') { tcp.abort(cn); p.host.kick(); done(true); return; }
            // Gone without a word; back as a new host (no memory of the connection) 10 minutes on.
            p.vanish();
            done(true);
            this.clock.after(600_000, () => { p.boot(); this.scheduleClient(p, r.int(10_000)); });
          });
        }
      },
      onReadable: (cn: Conn) => {
        for (let n; (n = tcp.recv(cn, buf, 0, buf.length)) > 0;) {
          if (kind === 'echo') for (let i = 0; i < n; i++) if (buf[i] !== data[got + i]) bad = true;
          got += n;
        }
        if (kind === 'echo' && got >= size) { tcp.close(cn); }
        p.host.kick();
      },
      onWritable: (cn: Conn) => { if (kind === 'echo' || kind === 'discard') pump(cn); },
      onEnd: (cn: Conn) => { tcp.close(cn); p.host.kick(); },
      onClose: (_cn: Conn, err: string | null) => {
        if (kind === 'abort' || kind === 'vanish') return;
        why = err ? 'closed with ' + err : 'closed';
        const ok = !err && !bad && (kind === 'echo' ? got === size : kind === 'source' ? got === 65536 : kind === 'status' ? got > 100 : true);
        done(ok);
      },
    };
    const cn = tcp.connect(BOARD, port, user);
    if (!cn) { why = 'connect refused locally'; done(false); return; }
    p.host.kick();
    // A session that has not ended in 2 minutes is given up (its connection aborted).
    c.after(120_000, () => { if (!finished) { why = `not over after 2 minutes (${cn.stateName})`; if (cn.state !== 0) tcp.abort(cn); p.host.kick(); done(false); } });
  }

  private finish(wallMs: number): void {
    const rep = this.rep, s = this.stack, c = this.clock;
    rep.virtualS = c.now / 1000;
    rep.wallS = wallMs / 1000;
    this.sampleMemory();
    rep.memory.finalConns = s.tcp.conns.length;
    rep.memory.finalStates = s.tcp.conns.map((x) => x.stateName);
    // Connections whose client vanished, with nothing to send and no keepalive: the lock-out
    // issue 21 removes (keepalive on for accepted connections).
    rep.memory.lockOut = s.tcp.conns.filter((x) => (x.stateName === 'ESTABLISHED' || x.stateName === 'CLOSE-WAIT' || x.stateName === 'FIN-WAIT-2') && !(x.s[30] & 32)).length;
    // Half-open connections: counted by each listener, or (with a SYN cache) by Tcp.halfOpen(0).
    const t = s.tcp as unknown as { halfOpen?: (port: number) => number };
    if (typeof t.halfOpen === 'function') rep.memory.halfOpen = t.halfOpen(0);
    else for (const l of s.tcp.listeners as unknown as { halfOpen: number }[]) rep.memory.halfOpen += l.halfOpen;
    for (let q = 0; q < s.iface.qLen.length; q++) if (s.iface.qLen[q]) rep.memory.arpQueued++;
    const d = this.board.stack.dhcp!;
    rep.dhcp = { acks: d.acks, naks: d.naks, lost: this.addressLost, bound: s.iface.ip === BOARD };
    const ic = s.iface.counters as unknown as Record<string, number>, tc = s.tcp.counters as unknown as Record<string, number>;
    const model = this.board.chip.model as unknown as { stats: { rxDropped: number; rxFrames: number; rxOff: number } } | null;
    const chipDropped = model ? model.stats.rxDropped : 0;
    const rxOff = model ? model.stats.rxOff : 0;
    const accepted = model ? model.stats.rxFrames : ic.rxFrames;
    const drops: Record<string, number> = {};
    for (const [k, v] of Object.entries(ic)) if (k.startsWith('drop') && v) drops[k] = v;
    const used = ic.rxFrames - totalDrops(s.iface.counters);
    // What the driver says: frames the chip flagged bad (dropped by the driver), and receiver
    // recoveries (an ENC28J60 receive reset, a W5500 socket reopened), which flush what the chip
    // held.
    const ds = (this.board.chip.driver as unknown as { stats: Record<string, number> }).stats || {};
    const driverBad = (ds.badFrames || 0) + (ds.rxErrors || 0);
    const recoveries = (ds.reopens || 0) + (ds.rxResets || 0);
    const flushed = accepted - ic.rxFrames - driverBad;
    rep.frames = {
      toBoard: this.toBoard, linkDown: this.linkDownFrames, chipDropped, rxOff, stackIn: ic.rxFrames, driverBad, recoveries, flushed,
      // The chip model's own count against the wire, and frames gone in the chip with no recovery to explain them.
      unexplained: (this.toBoard - this.linkDownFrames - chipDropped - rxOff - accepted) + (recoveries ? 0 : flushed), drops, used,
    };
    rep.counters = {};
    for (const [k, v] of Object.entries(tc)) if (v) rep.counters['tcp.' + k] = v;
  }
}

/** The report as lines. */
export function describeSoak(r: SoakReport): string[] {
  const p = r.probes, m = r.memory, f = r.frames;
  const l: string[] = [];
  l.push(`soak ${r.chip} (seed ${r.seed}): ${(r.virtualS / 3600).toFixed(2)} h virtual in ${r.wallS.toFixed(1)} s wall: ${Math.round(r.virtualS / r.wallS)} virtual s per wall s`);
  l.push(`  probes (every 10 s: a fresh ping and a fresh connection to echo): ${p.sent} sent, ${p.answered} answered, ${p.inOutage} not in planned outages (link down, address lost, storms, faults), ${p.unanswered} not otherwise, ${p.lockOut} not with the table full (issue 21); longest gap between answered probes ${p.longestGapS.toFixed(0)} s`);
  for (const x of p.failures) l.push(`    ${x}`);
  l.push('  client sessions: ' + Object.entries(r.sessions).map(([k, v]) => `${k} ${v.ok} ok/${v.failed} failed/${v.failedInOutage} failed in an outage`).join(', '));
  for (const x of r.sessionFailures) l.push(`    ${x}`);
  l.push('  events: ' + Object.entries(r.events).map(([k, v]) => `${k} ${v}`).join(', '));
  l.push(`  DHCP: ${r.dhcp.acks} ACKs, ${r.dhcp.naks} NAKs, address lost ${r.dhcp.lost} times (a NAK after a server restart, the lease run out), bound at the end: ${r.dhcp.bound}`);
  l.push(`  memory (connection blocks and rings, held frame, ARP queue): peak ${m.peakBytes} B, final ${m.finalBytes} B; connections peak ${m.peakConns}, at the end ${m.finalConns}${m.finalStates.length ? ' [' + m.finalStates.join(' ') + ']' : ''} (${m.lockOut} of vanished clients: issue 21's lock-out), half-open ${m.halfOpen}, frames on ARP ${m.arpQueued}`);
  l.push(`  frames to the board ${f.toBoard}: ${f.linkDown} while the link was down, ${f.chipDropped} dropped by the chip (its filter, buffer full), ${f.rxOff} while its receiver was off (init, a receive reset), ${f.driverBad} flagged bad and dropped by the driver, ${f.flushed} flushed from the chip by ${f.recoveries} driver recoveries, ${f.stackIn} taken by the stack (${f.used} used, the rest counted: ${Object.entries(f.drops).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}), ${f.unexplained} unexplained`);
  l.push('  tcp: ' + Object.entries(r.counters).map(([k, v]) => `${k.slice(4)} ${v}`).join(', '));
  return l;
}
