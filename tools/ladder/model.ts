// From TCP segments to ladder lines: connections grouped by 4-tuple, each end's state after every
// segment (the stack's real states when a state trace is supplied, else inferred from the
// segments as RFC 9293 3.3.2 would move them), and the marks the reader needs: (Close) where a
// side's FIN shows its user closed, "..." where a segment was still in flight when the other side
// sent (crossing segments, as in RFC 9293's simultaneous open and close figures), "-X-" where the
// capture says a segment was dropped (the simulator's fault injector), retransmissions and
// out-of-order segments.
import { ACK, FIN, isDropped, PSH, RST, SYN, URG, type Segment } from './decode.ts';

export type Side = 'A' | 'B';

export interface Endpoint { ip: string; port: number }

export interface Connection {
  index: number;          // 1-based, in order of first appearance
  a: Endpoint;            // the side that sent the first SYN (or the first segment)
  b: Endpoint;
  segments: Segment[];
}

/** An arrow's end: sent or received (-->, <--), still in flight (...), or never arrived (-X-:
 *  the capture says the segment was dropped). */
export type Mark = '-->' | '<--' | '...' | '-X-' | '';

export interface LadderLine {
  number: number | null;          // the RFC's line number, null on continuation lines
  a: string;                      // text in A's column (a state, "(Close)", "(2 MSL)" or "")
  b: string;
  arrow: '-->' | '<--' | null;    // direction of the segment on this line
  aMark: Mark;                    // what stands at A's end of the arrow
  bMark: Mark;
  segment: string;                // <SEQ=..><ACK=..><CTL=..><DATA>, or ""
  extras: string[];               // window, length, options, retransmission, out-of-order
}

/** A state change reported by the stack itself (simulator traces). */
export interface StateEvent { timeMs: number; local: string; remote: string; state: string }

const key = (e: Endpoint) => `${e.ip}:${e.port}`;

function seqLt(a: number, b: number): boolean { return ((a - b) | 0) < 0; }
function seqGe(a: number, b: number): boolean { return !seqLt(a, b); }

/** Groups segments into connections; a SYN (without ACK) after a closed connection of the same
 *  4-tuple starts a new one. */
export function connections(segments: Segment[]): Connection[] {
  const g = new ConnectionGrouper();
  for (const s of segments) g.add(s);
  return g.all;
}

/** connections(), one segment at a time (for live traces). */
export class ConnectionGrouper {
  readonly all: Connection[] = [];
  private open = new Map<string, { c: Connection; closed: boolean; finFrom: Set<string> }>();

  /** Adds a segment; returns its connection. */
  add(s: Segment): Connection {
    const src = { ip: s.src, port: s.sport }, dst = { ip: s.dst, port: s.dport };
    const k = [key(src), key(dst)].sort().join(' ');
    let cur = this.open.get(k);
    if (!cur || (cur.closed && (s.flags & (SYN | ACK)) === SYN)) {
      const c: Connection = { index: this.all.length + 1, a: src, b: dst, segments: [] };
      this.all.push(c);
      cur = { c, closed: false, finFrom: new Set() };
      this.open.set(k, cur);
    }
    cur.c.segments.push(s);
    if (s.flags & RST) cur.closed = true;
    if (s.flags & FIN) { cur.finFrom.add(key(src)); if (cur.finFrom.size === 2) cur.closed = true; }
    return cur.c;
  }
}

export function ctl(flags: number): string {
  const names: string[] = [];
  if (flags & SYN) names.push('SYN');
  if (flags & FIN) names.push('FIN');
  if (flags & RST) names.push('RST');
  if (flags & URG) names.push('URG');
  if (flags & ACK) names.push('ACK');
  return names.join(',');
}

interface EndState {
  state: string;
  passive: boolean;       // started in LISTEN
  iss: number | null;     // its initial sequence number (seq of its SYN)
  finEnd: number | null;  // sequence number just past its FIN
  sent: Map<number, number>; // seq -> end, to spot retransmissions
  sndMax: number | null;
  peerSynSeen: boolean;   // received the peer's SYN while CLOSED (simultaneous open)
}

function newEnd(state: string): EndState {
  return { state, passive: state === 'LISTEN', iss: null, finEnd: null, sent: new Map(), sndMax: null, peerSynSeen: false };
}

/** Sender-side transition (RFC 9293 3.3.2: what sending this segment says about its sender). */
function onSend(x: EndState, s: Segment): boolean {
  let close = false;
  if (s.flags & RST) { x.state = 'CLOSED'; return false; }
  if (s.flags & SYN) {
    x.iss = s.seq;
    if (!(s.flags & ACK)) { if (x.state === 'CLOSED' || x.state === 'LISTEN') x.state = 'SYN-SENT'; }
    else if (x.state === 'LISTEN' || x.state === 'SYN-SENT' || x.state === 'CLOSED') x.state = 'SYN-RECEIVED';
  }
  if (s.flags & FIN) {
    x.finEnd = (s.seq + s.len + ((s.flags & SYN) ? 1 : 0) + 1) >>> 0;
    if (x.state === 'ESTABLISHED' || x.state === 'SYN-RECEIVED') { x.state = 'FIN-WAIT-1'; close = true; }
    else if (x.state === 'CLOSE-WAIT') { x.state = 'LAST-ACK'; close = true; }
  }
  return close;
}

/** Receiver-side transition (RFC 9293 3.10.7). */
function onReceive(y: EndState, s: Segment): void {
  if (s.flags & RST) { y.state = y.passive && y.state === 'SYN-RECEIVED' ? 'LISTEN' : 'CLOSED'; return; }
  if ((s.flags & SYN) && !(s.flags & ACK)) {
    if (y.state === 'LISTEN' || y.state === 'SYN-SENT') y.state = 'SYN-RECEIVED';
    else if (y.state === 'CLOSED') y.peerSynSeen = true;
  }
  if (s.flags & ACK) {
    if (y.iss !== null && seqGe(s.ack, (y.iss + 1) >>> 0)) {
      if (y.state === 'SYN-SENT' && (s.flags & SYN)) y.state = 'ESTABLISHED';
      else if (y.state === 'SYN-RECEIVED') y.state = 'ESTABLISHED';
    }
    if (y.finEnd !== null && seqGe(s.ack, y.finEnd)) {
      if (y.state === 'FIN-WAIT-1') y.state = 'FIN-WAIT-2';
      else if (y.state === 'CLOSING') y.state = 'TIME-WAIT';
      else if (y.state === 'LAST-ACK') y.state = 'CLOSED';
    }
  }
  if (s.flags & FIN) {
    if (y.state === 'ESTABLISHED' || y.state === 'SYN-RECEIVED') y.state = 'CLOSE-WAIT';
    else if (y.state === 'FIN-WAIT-1') y.state = 'CLOSING';
    else if (y.state === 'FIN-WAIT-2') y.state = 'TIME-WAIT';
  }
}

export interface LadderOptions {
  relative?: boolean;
  /** The stack's own state changes (simulator traces), used instead of inferred states. */
  states?: StateEvent[];
  /** One-way delay of the link the trace came from, ms (states are read at arrival). */
  stateDelayMs?: number;
}

/** The ladder of one connection. */
export function ladder(c: Connection, opts: LadderOptions = {}): LadderLine[] {
  const segs = c.segments;
  const fromA = (s: Segment) => s.src === c.a.ip && s.sport === c.a.port;
  const first = segs[0];
  const opening = first && (first.flags & (SYN | ACK)) === SYN;
  const bActive = segs.some((s) => !fromA(s) && (s.flags & (SYN | ACK)) === SYN);
  const A = newEnd(opening ? 'CLOSED' : 'ESTABLISHED');
  const B = newEnd(opening ? (bActive ? 'CLOSED' : 'LISTEN') : 'ESTABLISHED');
  const isn: { A: number | null; B: number | null } = { A: null, B: null };
  for (const s of segs) if (s.flags & SYN) { const side = fromA(s) ? 'A' : 'B'; if (isn[side] === null) isn[side] = s.seq; }
  if (isn.A === null && segs.find(fromA)) isn.A = segs.find(fromA)!.seq;
  if (isn.B === null && segs.find((s) => !fromA(s))) isn.B = segs.find((s) => !fromA(s))!.seq;

  // When does each segment reach the other end? Just before the receiver first sends an
  // acknowledgment that covers it; if the receiver sends before that, the segment was in flight.
  const deliverBefore: number[] = segs.map((s, i) => {
    if (isDropped(s)) return -1; // never delivered
    const consumes = s.len + ((s.flags & SYN) ? 1 : 0) + ((s.flags & FIN) ? 1 : 0);
    if (consumes === 0) return i; // delivered at once
    const end = (s.seq + consumes) >>> 0;
    const senderA = fromA(s);
    let crossed = false;
    for (let j = i + 1; j < segs.length; j++) {
      const r = segs[j];
      if (fromA(r) === senderA) continue;
      if (r.flags & RST) return i;
      if ((r.flags & ACK) && seqGe(r.ack, end)) return crossed ? j - 1 : i;
      crossed = true; // the receiver sent this before the segment reached it
    }
    return i;
  });

  const lines: LadderLine[] = [];
  let n = 1;
  const state = (side: Side, t: number, fallback: string) => (opts.states ? stateAt(opts.states, side === 'A' ? c.a : c.b, side === 'A' ? c.b : c.a, t, fallback) : fallback);
  // With a state trace, line i shows each end's state once segment i has arrived: its capture
  // time plus the link's one-way delay (opts.stateDelayMs), events at that instant included.
  const nextTime = (i: number) => segs[i].timeMs + (opts.stateDelayMs || 0);
  lines.push({ number: n++, a: state('A', first ? first.timeMs - 1e-9 : 0, A.state), b: state('B', first ? first.timeMs - 1e-9 : 0, B.state), arrow: null, aMark: '', bMark: '', segment: '', extras: [] });

  const pending: { at: number; seg: Segment; i: number }[] = [];
  /** A segment that was in flight reaches its receiver: a continuation line "... seg -->". */
  const deliver = (p: { seg: Segment }, t: number) => {
    const pa = fromA(p.seg);
    onReceive(pa ? B : A, p.seg);
    lines.push({
      number: null, a: pa ? '' : state('A', t, A.state), b: pa ? state('B', t, B.state) : '', arrow: pa ? '-->' : '<--',
      aMark: pa ? '...' : '<--', bMark: pa ? '-->' : '...',
      segment: segmentText(p.seg, opts.relative ? (pa ? isn.A : isn.B) : null, opts.relative ? (pa ? isn.B : isn.A) : null), extras: ['delivered'],
    });
  };
  segs.forEach((s, i) => {
    const senderA = fromA(s);
    const x = senderA ? A : B, y = senderA ? B : A;
    const closes = onSend(x, s);
    const extras = segmentExtras(s, x);
    const text = segmentText(s, opts.relative ? (senderA ? isn.A : isn.B) : null, opts.relative ? (senderA ? isn.B : isn.A) : null);
    const dropped = deliverBefore[i] < 0;
    const immediate = deliverBefore[i] === i;
    // Segments arrive in the order they were sent: earlier ones still in flight from this sender
    // land before this one.
    if (immediate) for (let k = 0; k < pending.length; k++) if (fromA(pending[k].seg) === senderA) { deliver(pending[k], s.timeMs); pending.splice(k--, 1); }
    if (immediate) onReceive(y, s); else if (!dropped) pending.push({ at: deliverBefore[i], seg: s, i });
    const receiverMark = dropped ? '-X-' : immediate ? (senderA ? '-->' : '<--') : '...';
    const t = nextTime(i);
    const aState = state('A', immediate ? t : s.timeMs, A.state), bState = state('B', immediate ? t : s.timeMs, B.state);
    if (closes) {
      lines.push({ number: n++, a: senderA ? '(Close)' : '', b: senderA ? '' : '(Close)', arrow: null, aMark: '', bMark: '', segment: '', extras: [] });
    }
    lines.push({
      number: closes ? null : n++, a: aState, b: bState, arrow: senderA ? '-->' : '<--',
      aMark: senderA ? '-->' : receiverMark, bMark: senderA ? receiverMark : '<--',
      segment: text, extras,
    });
    // Segments that were in flight arrive now, before this end's next segment.
    for (let k = 0; k < pending.length; k++) {
      if (pending[k].at !== i) continue;
      deliver(pending[k], t);
      pending.splice(k--, 1);
    }
  });

  // The end of the story: TIME-WAIT lasts 2 MSL, then CLOSED (RFC 9293 3.6). From a trace, the
  // stack's own later state changes are shown instead.
  const endT = segs.length ? segs[segs.length - 1].timeMs : 0;
  if (opts.states) {
    const later = opts.states.filter((e) => e.timeMs >= nextAfter(endT, segs) && (matches(e, c.a, c.b) || matches(e, c.b, c.a)));
    for (const e of later) {
      const side: Side = matches(e, c.a, c.b) ? 'A' : 'B';
      const prev = side === 'A' ? lines[lines.length - 1].a : lines[lines.length - 1].b;
      if (e.state === 'CLOSED' && /TIME-WAIT/.test(lastState(lines, side))) {
        lines.push({ number: n++, a: side === 'A' ? '(2 MSL)' : '', b: side === 'B' ? '(2 MSL)' : '', arrow: null, aMark: '', bMark: '', segment: '', extras: [] });
        lines.push({ number: null, a: side === 'A' ? 'CLOSED' : '', b: side === 'B' ? 'CLOSED' : '', arrow: null, aMark: '', bMark: '', segment: '', extras: [] });
      } else if (e.state !== prev) {
        lines.push({ number: n++, a: side === 'A' ? e.state : '', b: side === 'B' ? e.state : '', arrow: null, aMark: '', bMark: '', segment: '', extras: [] });
      }
    }
  } else {
    for (const side of ['A', 'B'] as Side[]) {
      if ((side === 'A' ? A : B).state === 'TIME-WAIT') {
        lines.push({ number: n++, a: side === 'A' ? '(2 MSL)' : '', b: side === 'B' ? '(2 MSL)' : '', arrow: null, aMark: '', bMark: '', segment: '', extras: [] });
        lines.push({ number: null, a: side === 'A' ? 'CLOSED' : '', b: side === 'B' ? 'CLOSED' : '', arrow: null, aMark: '', bMark: '', segment: '', extras: [] });
      }
    }
  }
  return lines;
}

function nextAfter(t: number, _segs: Segment[]): number { return t + 1e-9; }

function lastState(lines: LadderLine[], side: Side): string {
  for (let i = lines.length - 1; i >= 0; i--) { const v = side === 'A' ? lines[i].a : lines[i].b; if (v && !v.startsWith('(')) return v; }
  return '';
}

function matches(e: StateEvent, local: Endpoint, remote: Endpoint): boolean {
  return e.local === key(local) && e.remote === key(remote);
}

/** The stack's state of `local` (talking to `remote`) at time t from a state trace. */
function stateAt(events: StateEvent[], local: Endpoint, remote: Endpoint, t: number, fallback: string): string {
  let s: string | null = null;
  for (const e of events) if (e.timeMs <= t && matches(e, local, remote)) s = e.state;
  return s ?? fallback;
}

export function segmentText(s: Segment, seqBase: number | null, ackBase: number | null): string {
  const seq = seqBase === null ? s.seq : (s.seq - seqBase) >>> 0;
  const ack = ackBase === null ? s.ack : (s.ack - ackBase) >>> 0;
  let t = `<SEQ=${seq}>`;
  if (s.flags & ACK) t += `<ACK=${ack}>`;
  t += `<CTL=${ctl(s.flags)}>`;
  if (s.len > 0) t += '<DATA>';
  return t;
}

function segmentExtras(s: Segment, x: EndState): string[] {
  const e: string[] = [`WIN=${s.win}`];
  if (s.len) e.push(`LEN=${s.len}`);
  if (s.flags & PSH) e.push('PSH');
  if (s.mss !== undefined) e.push(`MSS=${s.mss}`);
  if (s.wscale !== undefined) e.push(`WS=${s.wscale}`);
  if (s.sackOk) e.push('SACK-OK');
  const consumes = s.len + ((s.flags & SYN) ? 1 : 0) + ((s.flags & FIN) ? 1 : 0);
  if (consumes > 0) {
    const end = (s.seq + consumes) >>> 0;
    if (x.sent.has(s.seq) || (x.sndMax !== null && !seqLt(x.sndMax, end) && seqLt(s.seq, x.sndMax) && [...x.sent.entries()].some(([a, b]) => !seqLt(s.seq, a) && !seqLt(b, end)))) {
      e.push('retransmission');
    } else if (x.sndMax !== null && seqLt(s.seq, x.sndMax)) {
      e.push('out-of-order');
    }
    x.sent.set(s.seq, end);
    if (x.sndMax === null || seqLt(x.sndMax, end)) x.sndMax = end;
  }
  if (s.comments) for (const c of s.comments) e.push(`[${c}]`);
  return e;
}
