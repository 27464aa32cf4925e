// The adapter that lets Espruino's own `net`, `http` and `dgram` run over synack through
// `require("NetworkJS").create(adapter)` (../shared/espruino.md, "Networking in the firmware").
// Espruino calls create/close/accept/recv/send by name, tens of thousands of times a second
// while idle, so each is a table lookup and at most a string join. Errors map to Espruino's
// codes; nothing throws (Espruino would swallow it and close the socket).
import type { Stack } from '../stack.ts';
import type { Socket, Server } from './net.ts';

declare const E: { toString(u8: Uint8Array): string } | undefined;

// Espruino's socket error codes (libs/network/socketerrors.h)
export const SOCKET_ERR_CLOSED = -1;
export const SOCKET_ERR_MEM = -2;
export const SOCKET_ERR_TIMEOUT = -3;
export const SOCKET_ERR_NO_ROUTE = -4;
export const SOCKET_ERR_NOT_FOUND = -6;
export const SOCKET_ERR_MAX_SOCK = -7;
export const SOCKET_ERR_RESET = -9;
export const SOCKET_ERR_UNKNOWN = -10;
export const SOCKET_ERR_NO_CONN = -11;

const ST_TCP = 0, ST_HTTP = 1, ST_UDP = 2;
const MAX_SOCKETS = 8;
const MAX_QUEUED = 4096; // bytes received and not yet taken by Espruino, per socket (UDP)

function codeOf(err: string): number {
  if (err === 'ECONNREFUSED') return SOCKET_ERR_NO_ROUTE;
  if (err === 'ECONNRESET') return SOCKET_ERR_RESET;
  if (err === 'ETIMEDOUT') return SOCKET_ERR_TIMEOUT;
  if (err === 'ENOTFOUND') return SOCKET_ERR_NOT_FOUND;
  if (err === 'EMFILE') return SOCKET_ERR_MAX_SOCK;
  return SOCKET_ERR_UNKNOWN;
}

export function bytesToString(b: Uint8Array): string {
  if (typeof E !== 'undefined' && E && E.toString) return E.toString(b);
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

function stringToBytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 255;
  return b;
}

interface Slot {
  kind: number;
  sock: Socket | null;
  server: Server | null;
  rx: string[];       // chunks received, oldest first
  connected: boolean;
  ended: boolean;     // the peer finished sending
  err: number;        // < 0 once failed
  accepted: number[]; // for listeners: ids of new connections
  udpPort: number;
}

export class NetworkJsAdapter {
  readonly slots: (Slot | null)[] = [];

  constructor(readonly stack: Stack) {}

  private alloc(kind: number): number {
    for (let i = 0; i < MAX_SOCKETS; i++) {
      if (!this.slots[i]) {
        this.slots[i] = { kind: kind, sock: null, server: null, rx: [], connected: false, ended: false, err: 0, accepted: [], udpPort: 0 };
        return i;
      }
    }
    return -1;
  }

  private wire(id: number, s: Socket): void {
    const slot = this.slots[id]!;
    slot.sock = s;
    s.on('connect', function () { slot.connected = true; });
    s.on('data', function (d: Uint8Array) { slot.rx.push(bytesToString(d)); });
    s.on('end', function () { slot.ended = true; });
    s.on('error', function (e: Error & { code?: string }) { slot.err = codeOf(e.code || ''); });
    s.on('close', function () { slot.ended = true; });
  }

  /** create(host, port, type, options) -> id >= 0, or < 0 on failure. */
  create(host: string | undefined, port: number, type: number, _options?: unknown): number {
    const kind = type & 3;
    if (kind === ST_UDP) return this.createUdp(host, port);
    const id = this.alloc(kind === ST_HTTP ? ST_HTTP : ST_TCP);
    if (id < 0) return SOCKET_ERR_MAX_SOCK;
    const slot = this.slots[id]!;
    const self = this;
    if (host === undefined) {
      const server = this.stack.net.createServer(function (s: Socket) {
        const nid = self.alloc(ST_TCP);
        if (nid < 0) { s.destroy(); return; }
        self.wire(nid, s);
        self.slots[nid]!.connected = true;
        slot.accepted.push(nid);
      });
      server.on('error', function () { slot.err = SOCKET_ERR_UNKNOWN; });
      server.listen(port);
      slot.server = server;
      return id;
    }
    this.wire(id, this.stack.net.connect({ host: host, port: port }));
    return id;
  }

  private createUdp(host: string | undefined, port: number): number {
    const id = this.alloc(ST_UDP);
    if (id < 0) return SOCKET_ERR_MAX_SOCK;
    const slot = this.slots[id]!;
    const iface = this.stack.iface;
    let local = host === undefined ? port : 0;
    if (!local) for (let t = 0; t < 16 && !local; t++) { const p = 49152 + ((iface.random32() >>> 0) % 16384); if (iface.udpBind(p, function () {})) { iface.udpUnbind(p); local = p; } }
    const ok = iface.udpBind(local, function (src: number, srcPort: number, _dst: number, buf: Uint8Array, off: number, len: number) {
      let q = 0;
      for (let i = 0; i < slot.rx.length; i++) q += slot.rx[i].length;
      if (q + len + 8 > MAX_QUEUED) return; // Espruino is not reading: drop, as a UDP socket may
      // The 8-byte header Espruino expects: ip[4], port (LE), length (LE), then the payload.
      const h = String.fromCharCode(src >>> 24, (src >>> 16) & 255, (src >>> 8) & 255, src & 255,
        srcPort & 255, srcPort >> 8, len & 255, len >> 8);
      slot.rx.push(h + bytesToString(buf.subarray(off, off + len)));
    });
    if (!ok) { this.slots[id] = null; return SOCKET_ERR_UNKNOWN; }
    slot.udpPort = local;
    slot.connected = true;
    return id;
  }

  close(id: number): void {
    const slot = this.slots[id];
    if (!slot) return;
    if (slot.sock) slot.sock.end();
    if (slot.server) slot.server.close();
    if (slot.kind === ST_UDP && slot.udpPort) this.stack.iface.udpUnbind(slot.udpPort);
    for (let i = 0; i < slot.accepted.length; i++) this.close(slot.accepted[i]);
    this.slots[id] = null;
  }

  accept(serverId: number): number {
    const slot = this.slots[serverId];
    if (!slot || !slot.accepted.length) return -1;
    return slot.accepted.shift()!;
  }

  /** recv(id, maxLen, type) -> binary string ("" = nothing yet), or < 0. */
  recv(id: number, maxLen: number, _type?: number): string | number {
    const slot = this.slots[id];
    if (!slot) return SOCKET_ERR_CLOSED;
    if (slot.rx.length) {
      if (slot.kind === ST_UDP) return slot.rx.shift()!;
      let s = slot.rx.shift()!;
      if (s.length > maxLen) { slot.rx.unshift(s.substring(maxLen)); s = s.substring(0, maxLen); }
      return s;
    }
    if (slot.err < 0) return slot.err;
    if (!slot.connected) return SOCKET_ERR_NO_CONN;
    if (slot.ended) return SOCKET_ERR_CLOSED;
    return '';
  }

  /** send(id, data, type) -> bytes accepted (0: would block), or < 0 to close. */
  send(id: number, data: string, _type?: number): number {
    const slot = this.slots[id];
    if (!slot) return SOCKET_ERR_CLOSED;
    if (slot.err < 0) return slot.err;
    if (slot.kind === ST_UDP) {
      if (data.length < 8) return SOCKET_ERR_UNKNOWN;
      const ip = ((data.charCodeAt(0) << 24) | (data.charCodeAt(1) << 16) | (data.charCodeAt(2) << 8) | data.charCodeAt(3)) >>> 0;
      const port = data.charCodeAt(4) | (data.charCodeAt(5) << 8);
      const len = data.charCodeAt(6) | (data.charCodeAt(7) << 8);
      const payload = stringToBytes(data.substring(8, 8 + len));
      this.stack.iface.udpSend(slot.udpPort, ip, port, payload, 0, payload.length);
      return data.length;
    }
    const s = slot.sock;
    if (!s || !slot.connected || !s.conn) return 0;
    const room = s.conn.writable;
    if (room <= 0) return 0;
    const n = data.length < room ? data.length : room;
    s.write(n === data.length ? data : data.substring(0, n));
    return n;
  }
}

/** Makes Espruino's net/http/dgram run over this stack: require("NetworkJS").create(adapter). */
export function networkjs(stack: Stack, networkJsModule?: { create(a: unknown): unknown }): NetworkJsAdapter {
  const adapter = new NetworkJsAdapter(stack);
  // Espruino's built-in module, looked up through its `global` at run time (a bare `require`
  // would make the bundler add a shim that needs Proxy).
  const g = typeof global !== 'undefined' ? global : null;
  const mod = networkJsModule || (g && typeof g.require === 'function' ? g.require('NetworkJS') as { create(a: unknown): unknown } : null);
  if (mod) mod.create(adapter);
  return adapter;
}

declare const global: { require?: (name: string) => unknown } | undefined;
