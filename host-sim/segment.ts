// A virtual Ethernet segment: a learning switch with any number of ports. A frame sent on a port
// is copied on entry, then delivered after the propagation delay on the virtual clock to the
// port that learnt its destination MAC, or flooded to every other port (broadcast, multicast,
// unknown unicast). Each port can carry a fault injector (faults.ts) on its way into the switch
// and on its way out.
import type { VirtualClock } from './clock.ts';

export type FrameSink = (frame: Uint8Array) => void;

/** Something that sits on a link direction and decides when (and whether) frames pass. */
export interface LinkStage {
  /** Takes a frame; calls `deliver` zero or more times, now or later, with what arrives. */
  pass(frame: Uint8Array, deliver: FrameSink): void;
}

export interface SegmentStats { frames: number; bytes: number; flooded: number }

export class Port {
  /** Faults on frames this port sends into the switch. */
  ingress: LinkStage | null = null;
  /** Faults on frames the switch delivers to this port. */
  egress: LinkStage | null = null;
  rxFrames = 0;
  txFrames = 0;
  private listeners: FrameSink[] = [];

  constructor(readonly segment: Segment, readonly id: number, readonly name: string) {}

  /** Transmit a frame onto the segment (the first `len` bytes of it). */
  send(frame: Uint8Array, len = frame.length): void {
    if (len < 14) return;
    this.txFrames++;
    const copy = frame.slice(0, len);
    if (this.ingress) this.ingress.pass(copy, (f) => this.segment.forward(this, f));
    else this.segment.forward(this, copy);
  }

  /** Called with every frame delivered to this port. */
  onFrame(fn: FrameSink): void { this.listeners.push(fn); }

  /** @internal the switch hands a frame to this port. */
  receive(frame: Uint8Array): void {
    const land = (f: Uint8Array) => {
      this.rxFrames++;
      for (const l of this.listeners) l(f);
    };
    if (this.egress) this.egress.pass(frame, land);
    else land(frame);
  }
}

export class Segment {
  readonly ports: Port[] = [];
  readonly stats: SegmentStats = { frames: 0, bytes: 0, flooded: 0 };
  /** Frame observers (pcap writers, tracers): see every frame as it enters the switch. */
  private taps: ((frame: Uint8Array, from: Port) => void)[] = [];
  private macTable = new Map<string, Port>();

  /** delayMs: propagation delay from a sender to the receivers. */
  constructor(readonly clock: VirtualClock, readonly delayMs = 0.05) {}

  attach(name = `port${this.ports.length}`): Port {
    const p = new Port(this, this.ports.length, name);
    this.ports.push(p);
    return p;
  }

  tap(fn: (frame: Uint8Array, from: Port) => void): void { this.taps.push(fn); }

  /** @internal a frame enters the switch from `from`. */
  forward(from: Port, frame: Uint8Array): void {
    this.stats.frames++;
    this.stats.bytes += frame.length;
    for (const t of this.taps) t(frame, from);
    const src = macKey(frame, 6);
    if (!(frame[6] & 1)) this.macTable.set(src, from);
    const dstGroup = (frame[0] & 1) !== 0;
    const out = dstGroup ? undefined : this.macTable.get(macKey(frame, 0));
    const targets = out ? (out === from ? [] : [out]) : this.ports.filter((p) => p !== from);
    if (!out) this.stats.flooded++;
    for (const p of targets) {
      const copy = targets.length > 1 ? frame.slice() : frame;
      this.clock.after(this.delayMs, () => p.receive(copy));
    }
  }
}

function macKey(b: Uint8Array, off: number): string {
  return b[off] + ':' + b[off + 1] + ':' + b[off + 2] + ':' + b[off + 3] + ':' + b[off + 4] + ':' + b[off + 5];
}
