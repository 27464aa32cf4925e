// A virtual Ethernet segment: a learning switch with any number of ports. A frame sent on a port
// is copied on entry, then delivered after the propagation delay on the virtual clock to the
// port that learnt its destination MAC, or flooded to every other port (broadcast, multicast,
// unknown unicast). Each port can carry a fault injector (faults.ts) on its way into the switch
// and on its way out. Wire observers (the simulator's capture and trace) see every frame as its
// sender put it on the wire, numbered 1, 2, ..., and are told when all its faults are decided;
// frameId() gives the number of any copy of it (a fault injector's or the switch's).
import type { VirtualClock } from './clock.ts';

export type FrameSink = (frame: Uint8Array) => void;

/** Something that sits on a link direction and decides when (and whether) frames pass. */
export interface LinkStage {
  /** Takes a frame; calls `deliver` zero or more times, now or later, with what arrives. */
  pass(frame: Uint8Array, deliver: FrameSink): void;
  /** The longest it may hold a frame before delivering it, ms (0 if absent). */
  maxHoldMs?(): number;
}

/** Sees the wire: each frame as sent, and the moment every decision about it has been taken
 *  (each copy forwarded and passed, or dropped, by the stages on its way). */
export interface WireObserver {
  sent(id: number, frame: Uint8Array, from: Port): void;
  settled(id: number): void;
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
    const seg = this.segment;
    const id = seg.sent(copy, this);
    if (this.ingress) this.ingress.pass(copy, (f) => { seg.sameFrame(f, copy); seg.forward(this, f); });
    else seg.forward(this, copy);
    if (id) seg.settleLater(id, this.ingress);
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
  private observers: WireObserver[] = [];
  private ids = new WeakMap<Uint8Array, number>();
  private nextId = 1;

  /** delayMs: propagation delay from a sender to the receivers. */
  constructor(readonly clock: VirtualClock, readonly delayMs = 0.05) {}

  attach(name = `port${this.ports.length}`): Port {
    const p = new Port(this, this.ports.length, name);
    this.ports.push(p);
    return p;
  }

  tap(fn: (frame: Uint8Array, from: Port) => void): void { this.taps.push(fn); }

  observe(o: WireObserver): void { this.observers.push(o); }

  /** The number of a frame (or of any copy of it) sent while observed; undefined otherwise. */
  frameId(f: Uint8Array): number | undefined { return this.ids.get(f); }

  /** @internal a port sends a frame: number it for the observers (0 when nobody observes). */
  sent(frame: Uint8Array, from: Port): number {
    if (!this.observers.length) return 0;
    const id = this.nextId++;
    this.ids.set(frame, id);
    for (const o of this.observers) o.sent(id, frame, from);
    return id;
  }

  /** @internal `copy` is (a copy of) the frame `of`. */
  sameFrame(copy: Uint8Array, of: Uint8Array): void {
    const id = this.ids.get(of);
    if (id !== undefined && copy !== of) this.ids.set(copy, id);
  }

  /** @internal every decision about frame `id` is taken once the sender's stage has let it go
   *  (at most its hold time) and the switch has handed it to the receivers' stages (delayMs
   *  later): tell the observers then. Timers at one time run in the order they were set, so at
   *  zero delay this runs after the deliveries set by forward(). */
  settleLater(id: number, ingress: LinkStage | null): void {
    const hold = (ingress && ingress.maxHoldMs ? ingress.maxHoldMs() : 0) + this.delayMs;
    this.clock.after(hold > 0 ? hold + 1e-6 : 0, () => { for (const o of this.observers) o.settled(id); });
  }

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
      this.sameFrame(copy, frame);
      this.clock.after(this.delayMs, () => p.receive(copy));
    }
  }
}

function macKey(b: Uint8Array, off: number): string {
  return b[off] + ':' + b[off + 1] + ':' + b[off + 2] + ':' + b[off + 3] + ':' + b[off + 4] + ':' + b[off + 5];
}
