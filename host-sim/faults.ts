// A seeded fault injector for any link direction of the virtual segment (a LinkStage): loss,
// duplication, reordering (a frame held back and released after later ones), delay with jitter,
// bit corruption (one random bit flipped), and a rate limit with a bounded queue. Every fault is
// counted; the same seed gives the same faults, so failures reproduce.
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

  constructor(private clock: VirtualClock, public config: FaultConfig, seed = 1) {
    this.rng = new Rng(seed);
  }

  pass(frame: Uint8Array, deliver: FrameSink): void {
    const c = this.config;
    const eligible = frame.length >= (c.minLength ?? 0);
    if (eligible && c.loss && this.rng.next() < c.loss) { this.counters.lost++; return; }
    let copies = 1;
    if (eligible && c.duplicate && this.rng.next() < c.duplicate) { copies = 2; this.counters.duplicated++; }
    for (let i = 0; i < copies; i++) {
      let f = i === 0 ? frame : frame.slice();
      if (eligible && c.corrupt && this.rng.next() < c.corrupt) {
        f = f === frame ? frame.slice() : f;
        const bit = this.rng.int(f.length * 8);
        f[bit >> 3] ^= 1 << (bit & 7);
        this.counters.corrupted++;
      }
      let delay = c.delayMs ?? 0;
      if (c.jitterMs) delay += this.rng.next() * c.jitterMs;
      if (eligible && c.reorder && this.rng.next() < c.reorder) { delay += c.reorderDelayMs ?? 3; this.counters.reordered++; }
      if (delay > 0) this.counters.delayed++;
      this.schedule(f, delay, deliver);
    }
  }

  private schedule(f: Uint8Array, delay: number, deliver: FrameSink): void {
    const rate = this.config.rateBytesPerSec;
    if (!rate) {
      this.counters.passed++;
      if (delay > 0) this.clock.after(delay, () => deliver(f));
      else deliver(f);
      return;
    }
    // Serialise frames on a link of `rate` bytes/s behind a bounded queue.
    if (this.queued >= (this.config.queueFrames ?? 64)) { this.counters.queueDrops++; return; }
    const now = this.clock.now;
    const start = Math.max(now, this.linkFreeAt);
    const done = start + (f.length * 1000) / rate;
    this.linkFreeAt = done;
    this.queued++;
    this.clock.at(done + delay, () => { this.queued--; this.counters.passed++; deliver(f); });
  }
}
