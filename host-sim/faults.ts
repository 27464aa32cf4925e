// A seeded fault injector for any link direction of the virtual segment (a LinkStage): loss,
// duplication, reordering (a frame held back and released after later ones), delay with jitter,
// bit corruption (one random bit flipped), and a rate limit with a bounded queue. Every fault is
// counted and, to whoever listens (onFault: the simulator's trace and capture), reported with the
// frame it hit; the same seed gives the same faults, so failures reproduce.
import type { VirtualClock } from './clock.ts';
import type { FrameSink, LinkStage } from './segment.ts';

export interface FaultConfig {
  /** Probability that a frame is dropped. */
  loss?: number;
  /** Probability that a frame is delivered twice. */
  duplicate?: number;
  /** Probability that a frame is held back and delivered after later frames. */
  reorder?: number;
  /** How long a reordered frame is held, ms (default 3). */
  reorderDelayMs?: number;
  /** Probability that one bit of a frame is flipped. */
  corrupt?: number;
  /** Fixed delay added to every frame, ms. */
  delayMs?: number;
  /** Random extra delay in [0, jitterMs), ms; frames may overtake each other. */
  jitterMs?: number;
  /** Rate limit in bytes per second (0 or absent: unlimited). */
  rateBytesPerSec?: number;
  /** Frames queued behind the rate limit before tail drop (default 64). */
  queueFrames?: number;
  /** Frames shorter than this are never corrupted or dropped (default 0: any frame). */
  minLength?: number;
}

/** What happened to one frame. `frame` is the object given to pass(); copy 1 is the second
 *  copy of a duplicated frame. `delayMs` is how long a reordered frame was held back, or the
 *  random jitter a delayed one got; `bit` the bit flipped (byte bit >> 3, bit bit & 7). */
export interface FaultEvent {
  kind: 'dropped' | 'queue-dropped' | 'duplicated' | 'corrupted' | 'reordered' | 'delayed';
  frame: Uint8Array; copy: number; bit?: number; delayMs?: number;
}

/** A fault in a few words: "dropped", "corrupted (bit 3 of byte 40 flipped)", ... */
export function describeFault(e: FaultEvent): string {
  const which = e.copy ? ' in its second copy' : '';
  switch (e.kind) {
    case 'dropped': return 'dropped';
    case 'queue-dropped': return `dropped${which} (rate-limit queue full)`;
    case 'duplicated': return 'duplicated (delivered twice)';
    case 'corrupted': return `corrupted${which} (bit ${e.bit! & 7} of byte ${e.bit! >> 3} flipped)`;
    case 'reordered': return `held back ${round(e.delayMs!)} ms${which} (reordered behind later frames)`;
    case 'delayed': return `delayed ${round(e.delayMs!)} ms${which} (jitter)`;
  }
}

function round(ms: number): number { return Math.round(ms * 1000) / 1000; }

export interface FaultCounters { passed: number; lost: number; duplicated: number; reordered: number; corrupted: number; delayed: number; queueDrops: number }

/** xorshift32: small, fast, seeded. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = (seed >>> 0) || 0x9e3779b9; }
  u32(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
  /** Uniform in [0, 1). */
  next(): number { return this.u32() / 0x100000000; }
  int(n: number): number { return Math.floor(this.next() * n); }
}

export class FaultInjector implements LinkStage {
  readonly counters: FaultCounters = { passed: 0, lost: 0, duplicated: 0, reordered: 0, corrupted: 0, delayed: 0, queueDrops: 0 };
  private rng: Rng;
  private linkFreeAt = 0;
  private queued = 0;
  /** Told of every fault as it happens. */
  onFault: ((e: FaultEvent) => void) | null = null;

  constructor(private clock: VirtualClock, public config: FaultConfig, seed = 1) {
    this.rng = new Rng(seed);
  }

  /** The longest a frame can be held here before it is delivered (or dropped), ms. */
  maxHoldMs(): number {
    const c = this.config;
    const queue = c.rateBytesPerSec ? ((c.queueFrames ?? 64) + 1) * 1522 * 1000 / c.rateBytesPerSec : 0;
    return (c.delayMs ?? 0) + (c.jitterMs ?? 0) + (c.reorder ? c.reorderDelayMs ?? 3 : 0) + queue;
  }

  pass(frame: Uint8Array, deliver: FrameSink): void {
    const c = this.config;
    const report = (e: FaultEvent) => { if (this.onFault) this.onFault(e); };
    const eligible = frame.length >= (c.minLength ?? 0);
    if (eligible && c.loss && this.rng.next() < c.loss) { this.counters.lost++; report({ kind: 'dropped', frame, copy: 0 }); return; }
    let copies = 1;
    if (eligible && c.duplicate && this.rng.next() < c.duplicate) { copies = 2; this.counters.duplicated++; report({ kind: 'duplicated', frame, copy: 0 }); }
    for (let i = 0; i < copies; i++) {
      let f = i === 0 ? frame : frame.slice();
      if (eligible && c.corrupt && this.rng.next() < c.corrupt) {
        f = f === frame ? frame.slice() : f;
        const bit = this.rng.int(f.length * 8);
        f[bit >> 3] ^= 1 << (bit & 7);
        this.counters.corrupted++;
        report({ kind: 'corrupted', frame, copy: i, bit });
      }
      let delay = c.delayMs ?? 0;
      if (c.jitterMs) { const j = this.rng.next() * c.jitterMs; delay += j; report({ kind: 'delayed', frame, copy: i, delayMs: j }); }
      if (eligible && c.reorder && this.rng.next() < c.reorder) { delay += c.reorderDelayMs ?? 3; this.counters.reordered++; report({ kind: 'reordered', frame, copy: i, delayMs: c.reorderDelayMs ?? 3 }); }
      if (delay > 0) this.counters.delayed++;
      this.schedule(f, delay, deliver, () => report({ kind: 'queue-dropped', frame, copy: i }));
    }
  }

  private schedule(f: Uint8Array, delay: number, deliver: FrameSink, dropped: () => void): void {
    const rate = this.config.rateBytesPerSec;
    if (!rate) {
      this.counters.passed++;
      if (delay > 0) this.clock.after(delay, () => deliver(f));
      else deliver(f);
      return;
    }
    // Serialise frames on a link of `rate` bytes/s behind a bounded queue.
    if (this.queued >= (this.config.queueFrames ?? 64)) { this.counters.queueDrops++; dropped(); return; }
    const now = this.clock.now;
    const start = Math.max(now, this.linkFreeAt);
    const done = start + (f.length * 1000) / rate;
    this.linkFreeAt = done;
    this.queued++;
    this.clock.at(done + delay, () => { this.queued--; this.counters.passed++; deliver(f); });
  }
}
