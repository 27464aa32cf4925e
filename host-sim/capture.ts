// The simulator's view of the wire for its trace and capture: every frame as its sender put it on
// the segment (before any fault), numbered as in the capture (1, 2, ...), with what the fault
// injectors did to it on its way ("dropped on the way out to link", "corrupted (bit 3 of byte 40
// flipped) on the way in from link", ...). Faults are reported as they happen; each frame is
// handed on, with all its faults as notes, once every decision about it has been taken, in the
// order the frames were sent (so that a capture written from it is in time order).
import type { Port, Segment, WireObserver } from './segment.ts';
import { describeFault, type FaultEvent, type FaultInjector } from './faults.ts';
import { LINKTYPE_ETHERNET, PcapngWriter } from './pcap.ts';
import { Tracer } from './trace.ts';
import { decodeTcp } from '../tools/ladder/decode.ts';
import { LadderPrinter } from '../tools/ladder/index.ts';

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

export interface WireRecordingOptions {
  /** Write a pcapng capture here. */
  pcap?: string;
  /** Trace lines and ladders go here. */
  trace?: (line: string) => void;
  /** Capture times are epochMs + virtual time (default: the wall clock now, minus virtual now). */
  epochMs?: number;
  /** The fault injectors to report, each with where it sits ("on the way out to link"). */
  faults?: [FaultInjector, string][];
  /** The port whose frames the trace marks ">" (coming in); others are "<". */
  inbound?: string;
  /** A closed connection's ladder waits until nothing more of it was seen for this long, ms
   *  (default 1000: a late duplicate and the RST that answers it are part of it). */
  quietMs?: number;
}

export interface WireRecording {
  capture: WireCapture;
  /** Feed the board's TCP state changes here (the ladders wait for its side to be CLOSED). */
  state(local: string, remote: string, state: string): void;
  /** Hands on what is pending, prints the ladders not printed yet, closes the capture file. */
  close(): void;
}

/** The simulator's trace and capture of a segment: each frame a trace line when sent, each fault
 *  a trace line when it happens and a comment on the frame's record in the pcapng capture
 *  (Wireshark and tshark show it as frame.comment), capture times real (the wall clock at start
 *  plus virtual time). The trace's ladders are drawn from the very records the capture holds, so
 *  they are what `npm run ladder` prints for it; each once its connection is over on the wire, the
 *  board's side CLOSED, and nothing more of it seen for a second (LadderPrinter). */
export function recordWire(seg: Segment, o: WireRecordingOptions): WireRecording {
  const epochMs = o.epochMs ?? Date.now() - seg.clock.now;
  const pcap = o.pcap ? new PcapngWriter(o.pcap, { app: 'synack simulator', ifName: 'segment' }) : null;
  const tracer = o.trace ? new Tracer(o.trace) : null;
  const ladder = o.trace ? new LadderPrinter(o.trace, {}, { now: () => epochMs + seg.clock.now, after: (ms, fn) => seg.clock.after(ms, fn) }, o.quietMs ?? 1000) : null;
  const capture = new WireCapture(seg, {
    sent: (f) => tracer?.frame(f.timeMs, f.from === o.inbound ? '>' : '<', f.frame, f.id),
    fault: (f, note) => tracer?.fault(seg.clock.now, f.id, note, f.frame),
    settled: (f) => {
      pcap?.write(epochMs + f.timeMs, f.frame, f.notes);
      if (ladder) for (const s of decodeTcp({ linkType: LINKTYPE_ETHERNET, snapLen: 65535, records: [{ timeMs: epochMs + f.timeMs, data: f.frame, origLen: f.frame.length, comments: f.notes }] }).segments) ladder.segment(s);
    },
  });
  for (const [injector, where] of o.faults ?? []) capture.watch(injector, where);
  return {
    capture,
    state: (local, remote, state) => ladder?.state({ timeMs: epochMs + seg.clock.now, local, remote, state }),
    close: () => { capture.flush(); ladder?.end(); pcap?.close(); },
  };
}
