// A UDP link: one whole Ethernet frame (no preamble, no FCS) per UDP datagram, the format of
// QEMU's `-netdev dgram`. It joins a port of the virtual segment to a peer outside the simulator
// (QEMU, socat bridging a TAP device, another simulator): frames the segment delivers to the port
// go out as datagrams to the peer, datagrams from the peer enter the segment through the port.
import dgram from 'node:dgram';
import type { Port } from '../segment.ts';
import type { RealTimeRunner } from '../realtime.ts';

export interface UdpLinkSpec { bindHost: string; bindPort: number; peerHost: string; peerPort: number }

/** Parses `udp:BIND_HOST:BIND_PORT:PEER_HOST:PEER_PORT`; throws an Error naming the format. */
export function parseUdpLink(spec: string): UdpLinkSpec {
  const m = /^udp:([^:]+):(\d+):([^:]+):(\d+)$/.exec(spec);
  const bad = () => new Error(`bad link "${spec}": expected udp:BIND_HOST:BIND_PORT:PEER_HOST:PEER_PORT, e.g. udp:127.0.0.1:9001:127.0.0.1:9000`);
  if (!m) throw bad();
  const bindPort = Number(m[2]), peerPort = Number(m[4]);
  if (bindPort > 65535 || peerPort > 65535 || peerPort === 0) throw bad();
  return { bindHost: m[1], bindPort, peerHost: m[3], peerPort };
}

export class UdpLink {
  readonly socket: dgram.Socket;
  framesIn = 0;
  framesOut = 0;
  dropped = 0;
  private closed = false;

  constructor(readonly spec: UdpLinkSpec, readonly port: Port, readonly runner?: RealTimeRunner) {
    this.socket = dgram.createSocket('udp4');
    this.socket.on('message', (msg, rinfo) => {
      // Only the configured peer may inject frames; a datagram that is no Ethernet frame is dropped.
      if (rinfo.port !== spec.peerPort || msg.length < 14 || msg.length > 1518) { this.dropped++; return; }
      this.framesIn++;
      runner?.sync();
      port.send(new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
      runner?.wake();
    });
    port.onFrame((f) => {
      if (this.closed) return;
      this.framesOut++;
      this.socket.send(f, spec.peerPort, spec.peerHost);
    });
  }

  /** Binds the socket; rejects with a one-line error if the address is taken or invalid. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(new Error(`cannot bind the UDP link to ${this.spec.bindHost}:${this.spec.bindPort}: ${e.message}`));
      this.socket.once('error', onError);
      this.socket.bind(this.spec.bindPort, this.spec.bindHost, () => {
        this.socket.off('error', onError);
        this.socket.on('error', () => { this.dropped++; });
        resolve();
      });
    });
  }

  get localPort(): number { return this.socket.address().port; }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try { this.socket.close(); } catch { /* already closed */ }
  }
}
