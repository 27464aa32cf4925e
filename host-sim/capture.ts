// The simulator's view of the wire for its trace and capture: every frame as its sender put it on
// the segment (before any fault), numbered as in the capture (1, 2, ...), with what the fault
// injectors did to it on its way ("dropped on the way out to link", "corrupted (bit 3 of byte 40
// flipped) on the way in from link", ...). Faults are reported as they happen; each frame is
// handed on, with all its faults as notes, once every decision about it has been taken, in the
// order the frames were sent (so that a capture written from it is in time order).
import type { Port, Segment, WireObserver } from './segment.ts';
import { describeFault, type FaultEvent, type FaultInjector } from './faults.ts';

export interface WireFrame {
  id: number;          // 1, 2, ...: its record number in the capture
  timeMs: number;      // virtual time it was sent
  from: string;        // the sending port's name
  frame: Uint8Array;   // its bytes as sent (a copy: later faults and receivers do not change it)
  notes: string[];     // "fault: ..." for each fault on its way
}

export interface WireCaptureSinks {
  /** A frame was sent (at once). */
  sent?(f: WireFrame): void;
  /** A fault hit a frame (at once); `note` is also added to its notes. */
  fault?(f: WireFrame, note: string): void;
  /** A frame's fate is decided: it is handed on with all its notes, in sending order. */
  settled?(f: WireFrame): void;
}

export class WireCapture implements WireObserver {
  private pending = new Map<number, WireFrame>();
  private done = new Set<number>();
  private next = 0; // the next id to hand on (0: none sent yet)

  constructor(private seg: Segment, private sinks: WireCaptureSinks) { seg.observe(this); }

  /** Reports the faults of `injector`, which sits on `where` ("on the way out to link"). */
  watch(injector: FaultInjector, where: string): void {
    injector.onFault = (e: FaultEvent) => {
      const id = this.seg.frameId(e.frame);
      const f = id === undefined ? undefined : this.pending.get(id);
      if (!f) return; // sent before the capture started, or already handed on
      const note = `fault: ${describeFault(e)} ${where}`;
      f.notes.push(note);
      this.sinks.fault?.(f, note);
    };
  }

  sent(id: number, frame: Uint8Array, from: Port): void {
    const f: WireFrame = { id, timeMs: this.seg.clock.now, from: from.name, frame: frame.slice(), notes: [] };
    if (!this.next) this.next = id;
    this.pending.set(id, f);
    this.sinks.sent?.(f);
  }

  settled(id: number): void {
    this.done.add(id);
    this.drain(false);
  }

  /** Hands on every frame still pending (at the end of a run). */
  flush(): void { this.drain(true); }

  private drain(all: boolean): void {
    while (this.pending.size) {
      const f = this.pending.get(this.next);
      if (!f) { this.next++; continue; }
      if (!all && !this.done.has(this.next)) return;
      this.pending.delete(this.next);
      this.done.delete(this.next);
      this.next++;
      this.sinks.settled?.(f);
    }
  }
}
