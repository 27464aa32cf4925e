// A virtual clock and timer scheduler: time in milliseconds that moves only when the simulation
// says so, so a 24-hour soak runs in seconds and every run is reproducible. Timers due at the
// same time run in the order they were scheduled (FIFO).

export interface TimerHandle { readonly at: number; readonly id: number }

interface Timer { at: number; id: number; fn: () => void; cancelled: boolean }

export class VirtualClock {
  now = 0;
  private heap: Timer[] = [];
  private nextId = 1;
  private live = new Map<number, Timer>();

  /** Runs fn when the clock reaches time t (at once on the next step if t <= now). */
  at(t: number, fn: () => void): TimerHandle {
    const timer: Timer = { at: Math.max(t, this.now), id: this.nextId++, fn, cancelled: false };
    this.push(timer);
    this.live.set(timer.id, timer);
    return { at: timer.at, id: timer.id };
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.at(this.now + Math.max(0, ms), fn);
  }

  cancel(h: TimerHandle | undefined | null): void {
    if (!h) return;
    const t = this.live.get(h.id);
    if (t) { t.cancelled = true; this.live.delete(h.id); }
  }

  /** Number of timers still pending. */
  get pending(): number { return this.live.size; }

  /** Time of the earliest pending timer, or Infinity. */
  nextAt(): number {
    this.dropCancelled();
    return this.heap.length ? this.heap[0].at : Infinity;
  }

  /** Runs every timer due at or before t, in time order, then sets now = t. */
  runUntil(t: number): void {
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (!top || top.at > t) break;
      this.pop();
      this.live.delete(top.id);
      this.now = top.at;
      top.fn();
    }
    if (t > this.now) this.now = t;
  }

  runFor(ms: number): void { this.runUntil(this.now + ms); }

  /** Runs timers until none is left or `limit` ms of virtual time have passed; returns whether
   *  it went idle (false: stopped at the limit). */
  runUntilIdle(limit = 3600_000): boolean {
    const end = this.now + limit;
    for (;;) {
      const next = this.nextAt();
      if (next === Infinity) return true;
      if (next > end) { this.now = end; return false; }
      this.runUntil(next);
    }
  }

  /** Runs until `cond()` holds (checked after each timer) or `limit` ms pass; returns cond(). */
  runUntilTrue(cond: () => boolean, limit = 3600_000): boolean {
    const end = this.now + limit;
    while (!cond()) {
      const next = this.nextAt();
      if (next === Infinity || next > end) { if (end > this.now) this.now = end; return cond(); }
      this.runUntil(next);
    }
    return true;
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0].cancelled) this.pop();
  }

  // A binary heap ordered by (at, id): equal times keep scheduling order.
  private less(a: Timer, b: Timer): boolean { return a.at < b.at || (a.at === b.at && a.id < b.id); }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): Timer | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
