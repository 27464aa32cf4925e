// The adapter that lets Espruino's own `net`, `http` and `dgram` run over synack through
// `require("NetworkJS").create(adapter)` (docs/espruino.md, "Networking in the firmware").
// Espruino calls create/close/accept/recv/send by name, tens of thousands of times a second
// while idle, so each is a table lookup and at most a string join. Errors map to Espruino's
// codes; nothing throws (Espruino would swallow it and close the socket).
// It sits on the TCP connections themselves, not on the net-style API (socket/net.ts): received
// data stays in the connection's receive ring until Espruino's recv takes it, so the window
// closes when Espruino stops reading, and a board using only Espruino's net/http never loads
// the net-style API.
import type { Stack } from '../stack.ts';
import type { Conn, ConnUser, Tcp } from '../tcp/tcp.ts';
import { CLOSED, RB_LEN, SB_LEN } from '../tcp/tcp.ts';
import { ipFromString } from '../wire/ipv4.ts';
import { espruinoModule } from '../modules.ts';
import { bytesToString, stringToBytes } from '../wire/bytes.ts';

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
  return SOCKET_ERR_UNKNOWN;
}

// Slot flags
const CONNECTED = 1, ENDED = 2, ORPHAN = 4;
/** A connection Espruino has closed waits at most this long, idle, for the peer to finish
 *  (FIN-WAIT-2 has no bound in RFC 9293; Linux bounds orphans the same way, tcp_fin_timeout). */
const ORPHAN_IDLE_MS = 60000;
/** Takes all of a connection's received data without a copy, discarded. */
const ALL = 0x7fffffff;

/** One of Espruino's socket ids: a TCP connection (the slot is its ConnUser), a listener with
 *  the ids of the connections it accepted and Espruino has not taken yet, or a UDP port with
 *  its datagrams (each with the 8-byte header) waiting. */
class Slot implements ConnUser {
  conn: Conn | null = null;
  /** CONNECTED, ENDED (the peer finished sending, or the connection is gone), ORPHAN (Espruino
   *  closed it; the connection finishes on its own). */
  f = 0;
  /** < 0 once failed: Espruino's code. */
  err = 0;
  /** Listener: its port and the accepted ids; UDP: its port and datagrams. Set only for those. */
  port?: number;
  accepted?: number[];
  rx?: string[];
  constructor(readonly kind: number, readonly tcp: Tcp) {}
  onConnect(): void { this.f |= CONNECTED; }
  /** Espruino's recv polls the ring; data for a socket Espruino has closed is taken and
   *  discarded, so the peer is never stuck on a closed window (a lingering close: a RST here, as
   *  RFC 2525 2.17 allows, could make the peer drop the reply it has not read yet). */
  onReadable(c: Conn): void { if (this.f & ORPHAN) this.tcp.recv(c, null, 0, ALL); }
  onEnd(): void { this.f |= ENDED; }
  onWritable(): void { /* Espruino's send polls the room */ }
  onClose(_c: Conn, err: string | null): void { this.f |= ENDED; if (err) this.err = codeOf(err); }
  /** Only set for orphans: the peer never finished. */
  onIdle(c: Conn): void { if (this.f & ORPHAN) this.tcp.abort(c); }
}

export class NetworkJsAdapter {
  readonly slots: (Slot | null)[] = [];

  constructor(readonly stack: Stack) {}

  private alloc(kind: number): Slot | null {
    for (let i = 0; i < MAX_SOCKETS; i++) if (!this.slots[i]) return (this.slots[i] = new Slot(kind, this.stack.tcp));
    return null;
  }

  /** create(host, port, type, options) -> id >= 0, or < 0 on failure. */
  create(host: string | undefined, port: number, type: number, _options?: unknown): number {
    const kind = type & 3;
    if (kind === ST_UDP) return this.createUdp(host, port);
    const slot = this.alloc(kind === ST_HTTP ? ST_HTTP : ST_TCP);
    if (!slot) return SOCKET_ERR_MAX_SOCK;
    const id = this.slots.indexOf(slot);
    const self = this;
    const tcp = this.stack.tcp;
    if (host === undefined) {
      const accepted: number[] = [];
      const l = tcp.listen(port, function (c: Conn) {
        const s = self.alloc(ST_TCP);
        if (!s) { tcp.abort(c); return; }
        s.conn = c;
        s.f = CONNECTED;
        c.user = s;
        accepted.push(self.slots.indexOf(s));
      });
      if (!l) { this.slots[id] = null; return SOCKET_ERR_UNKNOWN; } // the port is taken
      slot.port = port;
      slot.accepted = accepted;
      return id;
    }
    const start = function (ip: number): void {
      const c = tcp.connect(ip, port, slot);
      if (c) slot.conn = c;
      else slot.err = !tcp.netif.ip ? SOCKET_ERR_NO_ROUTE : tcp.refused === 2 ? SOCKET_ERR_MEM : SOCKET_ERR_MAX_SOCK;
    };
    const literal = ipFromString(host);
    if (literal >= 0) start(literal >>> 0);
    else {
      this.stack.dns.resolve(host, function (err: string | null, ip: number) {
        if (self.slots[id] !== slot) return; // closed while the name was being resolved
        if (err || !ip) slot.err = err === 'ETIMEDOUT' ? SOCKET_ERR_TIMEOUT : SOCKET_ERR_NOT_FOUND;
        else start(ip);
      });
    }
    return id;
  }

  private createUdp(host: string | undefined, port: number): number {
    const slot = this.alloc(ST_UDP);
    if (!slot) return SOCKET_ERR_MAX_SOCK;
    const id = this.slots.indexOf(slot);
    const iface = this.stack.iface;
    const rx: string[] = [];
    let local = host === undefined ? port : 0;
    if (!local) for (let t = 0; t < 16 && !local; t++) { const p = 49152 + ((iface.random32() >>> 0) % 16384); if (iface.udpBind(p, function () {})) { iface.udpUnbind(p); local = p; } }
    const ok = iface.udpBind(local, function (src: number, srcPort: number, _dst: number, buf: Uint8Array, off: number, len: number) {
      let q = 0;
      for (let i = 0; i < rx.length; i++) q += rx[i].length;
      if (q + len + 8 > MAX_QUEUED) return; // Espruino is not reading: drop, as a UDP socket may
      // The 8-byte header Espruino expects: ip[4], port (LE), length (LE), then the payload.
      const h = String.fromCharCode(src >>> 24, (src >>> 16) & 255, (src >>> 8) & 255, src & 255,
        srcPort & 255, srcPort >> 8, len & 255, len >> 8);
      rx.push(h + bytesToString(buf.subarray(off, off + len)));
    });
    if (!ok) { this.slots[id] = null; return SOCKET_ERR_UNKNOWN; }
    slot.port = local;
    slot.rx = rx;
    slot.f = CONNECTED;
    return id;
  }

  close(id: number): void {
    const slot = this.slots[id];
    if (!slot) return;
    this.slots[id] = null;
    const c = slot.conn;
    const tcp = this.stack.tcp;
    if (c && c.state !== CLOSED) {
      // A lingering close: a FIN after what was sent; what the peer still sends (or sent and
      // Espruino did not read) is taken and discarded; the connection finishes on its own,
      // reset after ORPHAN_IDLE_MS without traffic.
      slot.f |= ORPHAN;
      tcp.recv(c, null, 0, ALL);
      tcp.close(c);
      tcp.setIdle(c, ORPHAN_IDLE_MS);
    }
    if (slot.kind === ST_UDP) this.stack.iface.udpUnbind(slot.port!);
    else if (slot.accepted) {
      tcp.unlisten(slot.port!);
      for (let i = 0; i < slot.accepted.length; i++) this.close(slot.accepted[i]);
    }
  }

  accept(serverId: number): number {
    const slot = this.slots[serverId];
    if (!slot || !slot.accepted || !slot.accepted.length) return -1;
    return slot.accepted.shift()!;
  }

  /** recv(id, maxLen, type) -> binary string ("" = nothing yet), or < 0. Data still in the ring
   *  comes before the end or the error that followed it. */
  recv(id: number, maxLen: number, _type?: number): string | number {
    const slot = this.slots[id];
    if (!slot) return SOCKET_ERR_CLOSED;
    const c = slot.conn;
    if (c) {
      // Polled constantly: the ring's fill read directly (the readable getter is a call), and
      // the idle case (connected, not ended, so no error either) answered first.
      let n = c.s[RB_LEN];
      if (n === 0 && slot.f === CONNECTED) return '';
      if (n > 0) {
        if (n > maxLen) n = maxLen;
        const b = new Uint8Array(n);
        this.stack.tcp.recv(c, b, 0, n);
        return bytesToString(b);
      }
    } else if (slot.rx && slot.rx.length) return slot.rx.shift()!;
    if (slot.err < 0) return slot.err;
    if (!(slot.f & CONNECTED)) return SOCKET_ERR_NO_CONN;
    if (slot.f & ENDED) return SOCKET_ERR_CLOSED;
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
      this.stack.iface.udpSend(slot.port!, ip, port, payload, 0, payload.length);
      return data.length;
    }
    const c = slot.conn;
    if (!c || !(slot.f & CONNECTED)) return 0;
    const room = c.sb.length - c.s[SB_LEN];
    const n = data.length < room ? data.length : room;
    if (n <= 0) return 0;
    // With room in the ring, 0 means the connection no longer sends (closing or closed).
    const sent = this.stack.tcp.send(c, stringToBytes(n === data.length ? data : data.substring(0, n)), 0, n);
    return sent > 0 ? sent : SOCKET_ERR_CLOSED;
  }
}

/** Makes Espruino's net/http/dgram run over this stack: require("NetworkJS").create(adapter). */
export function networkjs(stack: Stack, networkJsModule?: { create(a: unknown): unknown }): NetworkJsAdapter {
  const adapter = new NetworkJsAdapter(stack);
  // Espruino's built-in module.
  const mod = networkJsModule || espruinoModule('NetworkJS') as { create(a: unknown): unknown } | undefined;
  if (mod) mod.create(adapter);
  return adapter;
}
