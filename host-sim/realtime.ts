// Runs a virtual clock in step with wall time, for simulations linked to real hosts (the TAP and
// UDP links): timers fire when their wall time comes, and `sync()` brings virtual time up to now
// before outside input (a frame from Linux) is fed in.
import type { VirtualClock } from './clock.ts';

export class RealTimeRunner {
  private timer: NodeJS.Timeout | null = null;
  private readonly t0 = performance.now() ;
  private readonly v0: number;
  private running = false;

  constructor(readonly clock: VirtualClock, readonly maxSleepMs = 50) {
    this.v0 = clock.now;
  }

  /** Wall milliseconds since start, as virtual time. */
  wallNow(): number { return this.v0 + (performance.now() - this.t0); }

  /** Runs every timer due by now. */
  sync(): void { this.clock.runUntil(this.wallNow()); }

  start(): void {
    this.running = true;
    this.loop();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Call after scheduling something sooner than the current sleep (e.g. a frame came in). */
  wake(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.loop();
  }

  private loop(): void {
    if (!this.running) return;
    this.sync();
    const next = this.clock.nextAt();
    const sleep = Math.max(0, Math.min(this.maxSleepMs, next - this.wallNow()));
    this.timer = setTimeout(() => this.loop(), sleep);
  }
}
