// The fuzzer's board in Node: the built bundle (dist/synack.js, the product, loaded as the tests
// load it: test/helpers/bundle.ts) with a driver that takes one frame at a time from the fuzzer
// and keeps what the stack sends, on a virtual clock that starts where a board's getTime() would
// be (ms since 1970, a fraction included) and the default apps, the address by DHCP.
import { join } from 'node:path';
import { loadBundle } from '../../test/helpers/bundle.ts';
import { Rng } from '../../host-sim/faults.ts';
import { RPORT, LPORT, RIP, STATE, FLAGS, KEEP_ALIVE } from '../../firmware/tcp/tcp.ts';
import type { FuzzTarget, TargetState } from './engine.ts';

export const BUNDLE = join(import.meta.dirname, '..', '..', 'dist', 'synack.js');

export class NodeTarget implements FuzzTarget {
  readonly mac = Uint8Array.of(2, 0, 0x5e, 0, 0, 2);
  readonly virtual = true;
  readonly maxConns = 8;
  readonly stack: any;
  now: number;
  private inQ: Uint8Array[] = [];
  private out: Uint8Array[] = [];
  private errs: string[] = [];
  private names: string[];

  /** `fresh`: frames handed over for good (recvFrame, rxFresh: TCP may hold them), as the chip
   *  drivers do; else copied into the stack's buffer (recv). */
  constructor(seed: number, fresh = true, bundle = BUNDLE) {
    const synack = loadBundle(bundle);
    this.names = synack.STATE_NAMES;
    const rng = new Rng(seed ^ 0x5a5a5a5a);
    this.now = 1.78e12 + rng.int(1e9) + rng.next();
    const self = this;
    const driver: any = {
      mac: this.mac,
      rxFresh: fresh,
      send(buf: Uint8Array, len: number) { self.out.push(buf.slice(0, len)); return true; },
      recv(buf: Uint8Array) { const f = self.inQ.shift(); if (!f) return 0; const n = Math.min(f.length, buf.length); buf.set(f.subarray(0, n)); return n; },
      link() { return true; },
    };
    if (fresh) driver.recvFrame = () => self.inQ.shift() ?? null;
    this.stack = synack.createStack(driver, { ip: 'dhcp', random32: () => rng.u32(), tcp: { now: () => self.now } });
  }

  ip(): number { return this.stack.iface.ip >>> 0; }
  send(f: Uint8Array): void { this.inQ.push(f); }

  advance(ms: number): void {
    this.now += ms;
    // Everything fed so far is read (a poll takes 32 frames at most).
    for (let i = 0; i < 8; i++) {
      try { this.stack.poll(this.now); } catch (e: any) { this.errs.push(String(e && e.stack || e)); }
      if (!this.inQ.length) break;
    }
  }

  take(): Uint8Array[] { const o = this.out; this.out = []; return o; }
  errors(): string[] { const e = this.errs; this.errs = []; return e; }

  resolve(name: string): void {
    try { this.stack.dns.resolve(name, () => {}); } catch (e: any) { this.errs.push('resolve: ' + String(e && e.stack || e)); }
  }

  state(): TargetState {
    const st = this.stack, tcp = st.tcp, ifc = st.iface;
    const conns = tcp.conns.map((c: any) => ({ state: this.names[c.s[STATE]], lport: c.s[LPORT], rip: c.s[RIP], rport: c.s[RPORT], keepalive: (c.s[FLAGS] & KEEP_ALIVE) !== 0 }));
    // Half-open connections: counted by each listener, or (with a SYN cache) by Tcp.halfOpen(0).
    let halfOpen = 0;
    if (typeof tcp.halfOpen === 'function') halfOpen = tcp.halfOpen(0);
    else for (const l of tcp.listeners) halfOpen += l.halfOpen;
    let arpQueued = 0;
    for (let q = 0; q < ifc.qLen.length; q++) if (ifc.qLen[q]) arpQueued++;
    const udpPorts = Object.keys(ifc.udp).map(Number);
    // Bytes the stack holds beyond its fixed buffers: each connection's block and rings, the
    // held frame, the ARP queue's buffers.
    let memory = 0;
    for (const c of tcp.conns) memory += c.s.buffer.byteLength;
    if (tcp.held) memory += tcp.held.length;
    for (const b of ifc.qBufs) memory += b.length;
    const tc = tcp.counters;
    return { conns, halfOpen, arpQueued, held: tcp.held !== null, udpPorts, memory, refused: { table: tc.tableFull, memory: tc.dropLowMem } };
  }
}
