// Ladder diagrams of TCP connections from a capture: the library behind `npm run ladder`.
import { readFileSync } from 'node:fs';
import { parsePcap, PcapError } from '../../host-sim/pcap.ts';
import { decodeTcp, isDropped, type Segment } from './decode.ts';
import { ConnectionGrouper, connections, ladder, type Connection, type LadderOptions, type StateEvent } from './model.ts';
import { renderSvg, renderText } from './render.ts';

export { decodeTcp, connections, ladder, renderText, renderSvg, PcapError };
export type { Segment, Connection, StateEvent, LadderOptions };

export class LadderError extends Error {}

export function loadCapture(path: string): { conns: Connection[]; skipped: number } {
  let bytes: Buffer;
  try { bytes = readFileSync(path); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LadderError(`${path}: cannot read: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
  const pcap = parsePcap(bytes, path);
  if (![1, 101, 113, 276].includes(pcap.linkType)) throw new LadderError(`${path}: link type ${pcap.linkType} is not supported (Ethernet, raw IP, Linux cooked v1/v2 are)`);
  const d = decodeTcp(pcap);
  return { conns: connections(d.segments), skipped: d.skipped };
}

export function loadStates(path: string): StateEvent[] {
  let v: unknown;
  try { v = JSON.parse(readFileSync(path, 'utf8')); } catch (e) { throw new LadderError(`${path}: not a state trace (JSON list of {timeMs, local, remote, state}): ${(e as Error).message}`); }
  if (!Array.isArray(v) || !v.every((e) => e && typeof e.timeMs === 'number' && typeof e.local === 'string' && typeof e.remote === 'string' && typeof e.state === 'string')) {
    throw new LadderError(`${path}: not a state trace (JSON list of {timeMs, local, remote, state})`);
  }
  return v as StateEvent[];
}

/** A clock for the live printer: now in the segments' time base, and a timer. */
export interface PrinterClock { now(): number; after(ms: number, fn: () => void): void }

/** Renders a live trace: feed segments as they are captured (and, optionally, the state changes
 *  of an end that reports them, e.g. the simulated board); each connection's ladder is printed
 *  once it is really over: the capture shows a RST, or both FINs and the acknowledgment of each,
 *  every end that reports states has reached CLOSED after its first segment (a board in
 *  TIME-WAIT is printed 2 MSL later, with whatever it received meanwhile), and, given a clock,
 *  nothing more of it was captured for `quietMs` (a late duplicate and the RST that answers it
 *  belong to the story). Whatever is left is printed at end(). The text is
 *  renderText(c, ladder(c, opts)) of the connection as the capture holds it: what
 *  `npm run ladder` prints for the same capture. */
export class LadderPrinter {
  private grouper = new ConnectionGrouper();
  private waitingFor = new Set<Connection>(); // not printed yet
  private reporting = new Map<string, number[]>(); // "local remote" -> times it reached CLOSED
  private waiting = false;
  constructor(private out: (text: string) => void, private opts: LadderOptions = {}, private clock?: PrinterClock, private quietMs = 1000) {}

  state(e: StateEvent): void {
    const k = `${e.local} ${e.remote}`;
    const closed = this.reporting.get(k) ?? [];
    if (e.state === 'CLOSED') closed.push(e.timeMs);
    this.reporting.set(k, closed);
    this.flush(false);
  }

  segment(s: Segment): void {
    const c = this.grouper.add(s);
    if (c.segments.length === 1) this.waitingFor.add(c);
    this.flush(false);
  }

  /** Prints the connections not printed yet. */
  end(): void { this.flush(true); }

  /** When every reporting end of c reached CLOSED (after its first segment), or null if one has
   *  not; -Infinity when no end reports. */
  private closedAt(c: Connection): number | null {
    const since = c.segments[0].timeMs;
    let at = -Infinity;
    for (const [x, y] of [[c.a, c.b], [c.b, c.a]]) {
      const closed = this.reporting.get(`${x.ip}:${x.port} ${y.ip}:${y.port}`);
      if (!closed) continue;
      const t = closed.find((v) => v >= since);
      if (t === undefined) return null;
      at = Math.max(at, t);
    }
    return at;
  }

  private flush(final: boolean): void {
    let recheck = Infinity;
    for (const c of this.waitingFor) {
      if (!final) {
        const closed = overOnWire(c) ? this.closedAt(c) : null;
        if (closed === null) continue;
        if (this.clock) {
          const quietFrom = Math.max(closed, c.segments[c.segments.length - 1].timeMs) + this.quietMs;
          if (this.clock.now() < quietFrom) { recheck = Math.min(recheck, quietFrom); continue; }
        }
      }
      this.waitingFor.delete(c);
      this.out(renderText(c, ladder(c, this.opts)));
    }
    if (recheck < Infinity && this.clock && !this.waiting) {
      this.waiting = true;
      this.clock.after(recheck - this.clock.now(), () => { this.waiting = false; this.flush(false); });
    }
  }
}

/** The capture shows the connection over: a RST, or a FIN from each end, each acknowledged by
 *  the other end (RFC 9293 3.6). */
export function overOnWire(c: Connection): boolean {
  const fromA = (s: Segment) => s.src === c.a.ip && s.sport === c.a.port;
  const finEnd: { A: number | null; B: number | null } = { A: null, B: null };
  const acked = { A: false, B: false };
  for (const s of c.segments) {
    if (isDropped(s)) continue; // it never arrived
    if (s.flags & 0x04) return true;
    const side = fromA(s) ? 'A' : 'B', other = side === 'A' ? 'B' : 'A';
    if (s.flags & 0x01) finEnd[side] = (s.seq + s.len + ((s.flags & 0x02) ? 1 : 0) + 1) >>> 0;
    const end = finEnd[other];
    if (end !== null && (s.flags & 0x10) && ((s.ack - end) | 0) >= 0) acked[other] = true;
  }
  return acked.A && acked.B;
}
