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

/** Renders a live trace incrementally: feed segments (and state events) as they happen; each
 *  connection's lines are printed as soon as they are known. */
export class LadderPrinter {
  private segs: Segment[] = [];
  private printed = new Map<number, number>();
  private states: StateEvent[] = [];
  constructor(private out: (text: string) => void, private opts: LadderOptions = {}) {}

  state(e: StateEvent): void { this.states.push(e); }

  segment(s: Segment): void {
    this.segs.push(s);
    this.flush(false);
  }

  /** Prints what is left (the closing lines of connections). */
  end(): void { this.flush(true); }

  private flush(final: boolean): void {
    for (const c of connections(this.segs)) {
      const lines = ladder(c, { ...this.opts, states: this.states.length ? this.states : undefined });
      // The last line may still change (a crossing segment, the closing lines): hold it back.
      const ready = final ? lines.length : Math.max(0, lines.length - 2);
      const done = this.printed.get(c.index) ?? 0;
      if (ready <= done) continue;
      const text = renderText(c, lines).split('\n');
      if (done === 0) this.out(text.slice(0, 2).join('\n'));
      for (let i = done; i < ready; i++) this.out(text[i + 2]);
      this.printed.set(c.index, ready);
    }
  }
}
