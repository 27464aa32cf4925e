// The simulator's own network card: an EthernetDriver (firmware/drivers/driver.ts) attached to a
// port of the virtual segment, with a bounded receive queue, for boards simulated with
// `--chip none`; and SimHost, which drives a firmware stack on the virtual clock as
// firmware/board.ts does on a board: it polls when the delay that poll() returned runs out, and
// at once when woken, by the falling edge of a chip's INT pin (start({int}) on a board) or by
// the driver through EthernetDriver.setWake (this NIC's, when it queues a frame).
import type { EthernetDriver } from '../firmware/drivers/driver.ts';
import type { VirtualClock, TimerHandle } from './clock.ts';
import type { Port } from './segment.ts';
import type { IntPin } from './chips/int-pin.ts';

export class SimNic implements EthernetDriver {
  readonly mac: Uint8Array;
  linkUp = true;
  rxDrops = 0;
  rxFrames = 0;
  txFrames = 0;
  private queue: Uint8Array[] = [];
  private wake: (() => void) | null = null;

  /** Zero-copy receive, when the NIC was made with `fresh`: each frame a new array handed over
   *  for good, as the chip drivers' are (EthernetDriver.recvFrame and rxFresh). */
  recvFrame?: () => Uint8Array | null;
  readonly rxFresh: boolean;

  /** queueFrames: received frames held until polled (a chip's receive buffer), then dropped.
   *  fresh: receive as the chip drivers do (recvFrame, a new array per frame that the stack may
   *  keep) rather than by copying into the stack's buffer (recv). */
  constructor(readonly port: Port, mac: Uint8Array | number[], readonly queueFrames = 64, fresh = false) {
    this.mac = Uint8Array.from(mac);
    this.rxFresh = fresh;
    if (fresh) {
      this.recvFrame = () => {
        const f = this.queue.shift();
        if (!f) return null;
        this.rxFrames++;
        return f.slice(); // the segment's array may go to other ports too
      };
    }
    port.onFrame((f) => {
      if (!this.linkUp) return;
      // Like a chip's filter: our unicast address, broadcast and multicast.
      if (!(f[0] & 1) && !sameMac(f, this.mac)) return;
      if (this.queue.length >= this.queueFrames) { this.rxDrops++; return; }
      this.queue.push(f);
      if (this.wake) this.wake();
    });
  }

  /** EthernetDriver.setWake: called whenever a frame is queued. */
  setWake(wake: () => void): void { this.wake = wake; }

  get pending(): number { return this.queue.length; }

  /** Drops the frames held (the board restarted). */
  clear(): void { this.queue = []; }

  send(frame: Uint8Array, len: number): boolean {
    if (!this.linkUp) return false;
    this.txFrames++;
    this.port.send(frame, len);
    return true;
  }

  recv(buf: Uint8Array): number {
    const f = this.queue.shift();
    if (!f) return 0;
    const n = Math.min(f.length, buf.length);
    buf.set(f.subarray(0, n));
    this.rxFrames++;
    return n;
  }

  link(): boolean { return this.linkUp; }
}

function sameMac(f: Uint8Array, mac: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (f[i] !== mac[i]) return false;
  return true;
}

/** What SimHost drives: the firmware Interface, or anything with its poll contract. */
export interface Pollable { poll(now: number): number }

/** Longest sleep between polls when the stack reports no timer (as the board's idle timer with
 *  wake on frames). */
export const IDLE_POLL_MS = 1000;

/** What wakes a SimHost: the driver's side of EthernetDriver.setWake, a chip's INT pin, and
 *  how many frames wait (polled again at once while any). A SimNic or an AttachedChip. */
export interface WakeSource {
  setWake?(wake: () => void): void;
  int?: IntPin | null;
  readonly pending?: number;
}

export class SimHost {
  polls = 0;
  private timer: TimerHandle | null = null;
  private timerAt = Infinity;
  private stopped = false;
  private lastAt = -1;
  private sameInstant = 0;
  private unwatch: (() => void) | null = null;

  constructor(readonly clock: VirtualClock, readonly stack: Pollable, readonly nic?: WakeSource, readonly idlePollMs = IDLE_POLL_MS) {
    // As board.ts: setWatch on the INT pin's falling edge, and the same wake to the driver.
    const wake = () => this.kick();
    if (nic && nic.int) this.unwatch = nic.int.watch(wake);
    if (nic && nic.setWake) nic.setWake(wake);
    this.kick();
  }

  /** Poll as soon as possible (after the current event): a frame arrived or the app acted.
   *  Coalesced (one poll pending at most) and never a poll from inside the call. */
  kick(): void { this.schedule(this.clock.now); }

  /** Poll now, synchronously. */
  pollNow(): void {
    if (this.stopped) return;
    this.polls++;
    const delay = this.stack.poll(this.clock.now);
    let next = this.clock.now + Math.max(1, Math.min(delay, this.idlePollMs));
    // More frames waiting than one poll takes: come back at once (a few times at one instant at
    // most, so a device that cannot be drained does not stop virtual time).
    if (this.clock.now !== this.lastAt) { this.lastAt = this.clock.now; this.sameInstant = 0; }
    if (this.nic && this.nic.pending && this.sameInstant++ < 16) next = this.clock.now;
    this.schedule(next, true);
  }

  stop(): void {
    this.stopped = true;
    if (this.unwatch) this.unwatch();
    this.clock.cancel(this.timer);
    this.timer = null;
  }

  private schedule(at: number, replace = false): void {
    if (this.stopped) return;
    if (!replace && this.timer && this.timerAt <= at) return;
    this.clock.cancel(this.timer);
    this.timerAt = at;
    this.timer = this.clock.at(at, () => { this.timer = null; this.timerAt = Infinity; this.pollNow(); });
  }
}
