// Renders a ladder as the RFC 9293 text figure (numbered lines, each end's state, arrows and
// <SEQ=..><ACK=..><CTL=..>) with an optional column of extras (window, length, options,
// retransmission and out-of-order marks, capture comments), or as an SVG picture of the same.
// Both lay out from the widest field, so 10-digit sequence numbers keep the columns aligned and
// nothing in the SVG overlaps (test/ladder-svg.test.ts measures it).
import type { Connection, LadderLine } from './model.ts';

const SEG_WIDTH = 33; // the RFC's segment column (at least)

export interface TextOptions { extras?: boolean }

export function renderText(c: Connection, lines: LadderLine[], opts: TextOptions = {}): string {
  const aWidth = Math.max(11, ...lines.map((l) => (l.arrow ? l.a.length : 0)));
  // The segment column fits the longest segment and one space, so every arrow stays aligned.
  const segWidth = Math.max(SEG_WIDTH, ...lines.map((l) => (l.arrow ? l.segment.length + 1 : 0)));
  const bCol = 4 + aWidth + 1 + 4 + segWidth + 4;
  const bWidth = Math.max(12, ...lines.map((l) => l.b.length));
  const out: string[] = [];
  out.push(`Connection ${c.index}: TCP A = ${c.a.ip}:${c.a.port}, TCP B = ${c.b.ip}:${c.b.port}`);
  out.push(('    TCP A'.padEnd(bCol)) + 'TCP B');
  for (const l of lines) {
    const num = (l.number === null ? '' : `${l.number}.`).padEnd(4);
    let s: string;
    if (l.arrow) {
      s = num + l.a.padEnd(aWidth) + ' ' + (l.aMark || '   ') + ' ' + l.segment.padEnd(segWidth) + (l.bMark || '   ') + ' ' + l.b;
    } else {
      s = num + (l.b ? l.a.padEnd(bCol - 4) + l.b : l.a);
    }
    s = s.replace(/\s+$/, '');
    if (opts.extras !== false && l.extras.length) s = s.padEnd(bCol + bWidth) + '  ' + l.extras.join(' ');
    out.push(s);
  }
  return out.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// SVG geometry. Text is monospace: a character is 0.6 em wide; a line of text at font size F
// with its baseline at y covers y - F .. y + 0.3 F (ascenders and descenders with room to spare).
const FS = 12, FS_SMALL = 10, CH = 0.6;
const PAD = 12;            // outer margin
const GAP = 10;            // between a state and its lane, and around labels
const SLANT = 10;          // how far an arrow drops from sender to receiver
const ROW_GAP = 9;         // between one line of the ladder and the next
const width = (s: string, fs: number) => s.length * fs * CH;

type Anchor = 'start' | 'middle' | 'end';

/** An SVG ladder: TCP A's line on the left, TCP B's on the right, one slanted arrow per segment
 *  with its <SEQ..> label above it and its extras below it, each end's state beside the arrow's
 *  end. Segments in flight when the other end sent are dashed (delivered on a later line, as the
 *  RFC's "..."), dropped ones (a capture comment "fault: dropped ...") end in a cross. */
export function renderSvg(c: Connection, lines: LadderLine[]): string {
  const numW = Math.max(0, ...lines.map((l) => (l.number === null ? 0 : width(`${l.number}.`, FS))));
  const aW = Math.max(width('ESTABLISHED', FS), ...lines.map((l) => width(l.a, FS)));
  const bW = Math.max(width('SYN-RECEIVED', FS), ...lines.map((l) => width(l.b, FS)));
  const headA = `TCP A ${c.a.ip}:${c.a.port}`, headB = `TCP B ${c.b.ip}:${c.b.port}`;
  const labelW = Math.max(0, ...lines.map((l) => (l.arrow ? width(l.segment, FS) : 0)));
  const extrasW = Math.max(0, ...lines.map((l) => (l.arrow ? width(l.extras.join(' '), FS_SMALL) : 0)));
  const xNum = PAD;
  const xA = xNum + numW + GAP + aW + GAP;
  // The lanes are as far apart as the widest label (plus room on each side), and the headers,
  // centred on their lanes, do not meet.
  const headAX = Math.max(xA, PAD + width(headA, FS) / 2);
  const laneGap = Math.max(300, labelW + 4 * GAP, extrasW + 4 * GAP, headAX - xA + (width(headA, FS) + width(headB, FS)) / 2 + 2 * GAP);
  const xB = xA + laneGap;
  // A legend for the marks this picture uses.
  const legend: string[] = [];
  if (lines.some((l) => l.aMark === '...' || l.bMark === '...')) legend.push('dashed: in flight when the other end sent (it arrives on a later line)');
  if (lines.some((l) => l.aMark === '-X-' || l.bMark === '-X-')) legend.push('purple, ending in a cross: dropped on the way (a comment in the capture says so)');
  if (lines.some((l) => l.extras.includes('retransmission'))) legend.push('red: retransmission');
  if (lines.some((l) => l.extras.includes('out-of-order'))) legend.push('orange: out of order');
  const right = Math.max(xB + GAP + bW + PAD, xB + width(headB, FS) / 2 + PAD, PAD + Math.max(0, ...legend.map((t) => width(t, FS_SMALL))) + PAD);

  const body: string[] = [];
  const text = (x: number, y: number, s: string, anchor: Anchor = 'start', extra = '') =>
    body.push(`<text x="${r(x)}" y="${r(y)}"${anchor === 'start' ? '' : ` text-anchor="${anchor}"`}${extra}>${esc(s)}</text>`);
  const headY = PAD + FS;
  const laneTop = headY + 0.3 * FS + GAP;
  let y = laneTop + 6;
  for (const l of lines) {
    if (!l.arrow) {
      // A state-only line ("1. CLOSED ... LISTEN", "(Close)", "(2 MSL)").
      const base = y + FS;
      if (l.number !== null) text(xNum, base, `${l.number}.`);
      if (l.a) text(xA - GAP, base, l.a, 'end');
      if (l.b) text(xB + GAP, base, l.b);
      y = base + 0.3 * FS + ROW_GAP;
      continue;
    }
    const inFlight = l.aMark === '...' || l.bMark === '...';
    const lost = l.aMark === '-X-' || l.bMark === '-X-';
    const colour = lost ? '#7a1fa2' : l.extras.includes('retransmission') ? '#b00' : l.extras.includes('out-of-order') ? '#b60' : '#222';
    const labelBase = y + FS;
    const y1 = labelBase + 0.3 * FS + 5;   // the arrow's sender end
    const y2 = y1 + SLANT;                  // its receiver end
    const rightward = l.arrow === '-->';
    const [x1, x2] = rightward ? [xA, xB] : [xB, xA];
    text((xA + xB) / 2, labelBase, l.segment, 'middle', ` fill="${colour}"`);
    // Each end's state beside its end of the arrow.
    const yAEnd = rightward ? y1 : y2, yBEnd = rightward ? y2 : y1;
    if (l.number !== null) text(xNum, y1 + 0.35 * FS, `${l.number}.`);
    if (l.a) text(xA - GAP, yAEnd + 0.35 * FS, l.a, 'end');
    if (l.b) text(xB + GAP, yBEnd + 0.35 * FS, l.b);
    const dash = inFlight ? ' stroke-dasharray="5,4"' : '';
    // A segment still in flight stops short of its receiver (it arrives on a later line); a
    // dropped one ends in a cross half-way.
    const delivered = !inFlight || l.extras.includes('delivered');
    const t = lost ? 0.6 : delivered ? 1 : 0.8;
    const xe = x1 + (x2 - x1) * t, ye = y1 + (y2 - y1) * t;
    body.push(`<line x1="${r(x1)}" y1="${r(y1)}" x2="${r(xe)}" y2="${r(ye)}" stroke="${colour}"${dash}${delivered && !lost ? ' marker-end="url(#arrow)"' : ''}/>`);
    if (lost) {
      body.push(`<line x1="${r(xe - 5)}" y1="${r(ye - 5)}" x2="${r(xe + 5)}" y2="${r(ye + 5)}" stroke="${colour}" stroke-width="2"/>`);
      body.push(`<line x1="${r(xe - 5)}" y1="${r(ye + 5)}" x2="${r(xe + 5)}" y2="${r(ye - 5)}" stroke="${colour}" stroke-width="2"/>`);
    }
    let bottom = Math.max(y2, ye + 5);
    if (l.extras.length) {
      const eb = bottom + 4 + FS_SMALL;
      text((xA + xB) / 2, eb, l.extras.join(' '), 'middle', ` font-size="${FS_SMALL}" fill="#555"`);
      bottom = eb + 0.3 * FS_SMALL;
    } else bottom = Math.max(bottom, yAEnd + 0.65 * FS, yBEnd + 0.65 * FS);
    y = bottom + ROW_GAP;
  }
  const laneBottom = y + 4;
  let legendY = laneBottom + GAP;
  const legendParts: string[] = [];
  for (const t of legend) {
    legendY += FS_SMALL;
    legendParts.push(`<text x="${PAD}" y="${r(legendY)}" font-size="${FS_SMALL}" fill="#555">${esc(t)}</text>`);
    legendY += 0.3 * FS_SMALL + 4;
  }
  const W = Math.ceil(right), H = Math.ceil(legendY + PAD);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="monospace" font-size="${FS}">`);
  parts.push('<defs><marker id="arrow" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto" markerUnits="userSpaceOnUse"><path d="M0,0 L10,4 L0,8 z" fill="#222"/></marker></defs>');
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${r(headAX)}" y="${r(headY)}" text-anchor="middle" font-weight="bold">${esc(headA)}</text>`);
  parts.push(`<text x="${r(xB)}" y="${r(headY)}" text-anchor="middle" font-weight="bold">${esc(headB)}</text>`);
  parts.push(`<line x1="${r(xA)}" y1="${r(laneTop)}" x2="${r(xA)}" y2="${r(laneBottom)}" stroke="#888"/>`);
  parts.push(`<line x1="${r(xB)}" y1="${r(laneTop)}" x2="${r(xB)}" y2="${r(laneBottom)}" stroke="#888"/>`);
  parts.push(...body, ...legendParts, '</svg>');
  return parts.join('\n') + '\n';
}

function r(v: number): string { return String(Math.round(v * 10) / 10); }
