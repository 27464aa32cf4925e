// Ladder diagrams of TCP connections from a capture: the library behind `npm run ladder`.
import { readFileSync } from 'node:fs';
import { parsePcap, PcapError } from '../../host-sim/pcap.ts';
import { decodeTcp, type Segment } from './decode.ts';
import { connections, ladder, type Connection, type LadderOptions, type StateEvent } from './model.ts';
import { renderSvg, renderText } from './render.ts';

export { decodeTcp, connections, ladder, renderText, renderSvg, PcapError };
export type { Segment, Connection, StateEvent, LadderOptions };

export class LadderError extends Error {}

export function loadCapture(path: string): { conns: Connection[]; skipped: number } {
  let bytes: Buffer;
  try { bytes = readFileSync(path); } catch (e) { throw new LadderError(`${path}: cannot read: ${(e as Error).message}`); }
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

/** Renders a live trace: feed segments (and state events) as they happen; each connection's
 *  ladder is printed as soon as the connection is over (a RST, or both FINs and the ACK after
 *  them), and whatever is left at end(). */
export class LadderPrinter {
  private segs: Segment[] = [];
  private printed = new Set<number>();
  private states: StateEvent[] = [];
  constructor(private out: (text: string) => void, private opts: LadderOptions = {}) {}

  state(e: StateEvent): void { this.states.push(e); }

  segment(s: Segment): void {
    this.segs.push(s);
    this.flush(false);
  }

  /** Prints the connections not printed yet. */
  end(): void { this.flush(true); }

  private flush(final: boolean): void {
    for (const c of connections(this.segs)) {
      if (this.printed.has(c.index)) continue;
      const last = c.segments[c.segments.length - 1];
      const rst = c.segments.some((x) => x.flags & 0x04);
      const fins = new Set(c.segments.filter((x) => x.flags & 0x01).map((x) => x.src + ':' + x.sport));
      const over = rst || (fins.size === 2 && !(last.flags & 0x01));
      if (!over && !final) continue;
      this.printed.add(c.index);
      const lines = ladder(c, { ...this.opts, states: this.states.length ? this.states : undefined });
      this.out(renderText(c, lines));
    }
  }
}
