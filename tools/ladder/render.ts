// Renders a ladder as the RFC 9293 text figure (numbered lines, each end's state, arrows and
// <SEQ=..><ACK=..><CTL=..>) with an optional column of extras (window, length, options,
// retransmission and out-of-order marks), or as an SVG picture of the same.
import type { Connection, LadderLine } from './model.ts';

const SEG_WIDTH = 33; // the RFC's segment column

export interface TextOptions { extras?: boolean }

export function renderText(c: Connection, lines: LadderLine[], opts: TextOptions = {}): string {
  const aWidth = Math.max(11, ...lines.map((l) => l.a.length));
  const bCol = 4 + aWidth + 1 + 4 + SEG_WIDTH + 4;
  const out: string[] = [];
  out.push(`Connection ${c.index}: TCP A = ${c.a.ip}:${c.a.port}, TCP B = ${c.b.ip}:${c.b.port}`);
  out.push(('    TCP A'.padEnd(bCol)) + 'TCP B');
  for (const l of lines) {
    const num = (l.number === null ? '' : `${l.number}.`).padEnd(4);
    let s: string;
    if (l.arrow) {
      const seg = l.segment.length >= SEG_WIDTH ? l.segment + ' ' : l.segment.padEnd(SEG_WIDTH);
      s = num + l.a.padEnd(aWidth) + ' ' + (l.aMark || '   ') + ' ' + seg + (l.bMark || '   ') + ' ' + l.b;
    } else {
      s = num + (l.b ? l.a.padEnd(bCol - 4) + l.b : l.a);
    }
    s = s.replace(/\s+$/, '');
    if (opts.extras !== false && l.extras.length) s = s.padEnd(bCol + 14) + '  ' + l.extras.join(' ');
    out.push(s);
  }
  return out.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An SVG ladder: TCP A's line on the left, TCP B's on the right, a slanted arrow per segment. */
export function renderSvg(c: Connection, lines: LadderLine[]): string {
  const xA = 170, xB = 630, top = 70, step = 34, width = 860;
  const height = top + lines.length * step + 40;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="12">`);
  parts.push('<defs><marker id="arrow" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#222"/></marker></defs>');
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${xA}" y="24" text-anchor="middle" font-weight="bold">TCP A ${esc(c.a.ip)}:${c.a.port}</text>`);
  parts.push(`<text x="${xB}" y="24" text-anchor="middle" font-weight="bold">TCP B ${esc(c.b.ip)}:${c.b.port}</text>`);
  parts.push(`<line x1="${xA}" y1="40" x2="${xA}" y2="${height - 20}" stroke="#888"/>`);
  parts.push(`<line x1="${xB}" y1="40" x2="${xB}" y2="${height - 20}" stroke="#888"/>`);
  lines.forEach((l, i) => {
    const y = top + i * step;
    if (l.number !== null) parts.push(`<text x="10" y="${y + 4}">${l.number}.</text>`);
    if (l.a) parts.push(`<text x="${xA - 8}" y="${y + 4}" text-anchor="end">${esc(l.a)}</text>`);
    if (l.b) parts.push(`<text x="${xB + 8}" y="${y + 4}">${esc(l.b)}</text>`);
    if (l.arrow) {
      const inFlight = l.aMark === '...' || l.bMark === '...';
      const [x1, x2] = l.arrow === '-->' ? [xA, xB] : [xB, xA];
      const dash = inFlight ? ' stroke-dasharray="5,4"' : '';
      const colour = l.extras.includes('retransmission') ? '#b00' : l.extras.includes('out-of-order') ? '#b60' : '#222';
      parts.push(`<line x1="${x1}" y1="${y - 8}" x2="${x2}" y2="${y + 12}" stroke="${colour}"${dash} marker-end="url(#arrow)"/>`);
      parts.push(`<text x="${(xA + xB) / 2}" y="${y - 6}" text-anchor="middle" fill="${colour}">${esc(l.segment)}</text>`);
      if (l.extras.length) parts.push(`<text x="${(xA + xB) / 2}" y="${y + 22}" text-anchor="middle" font-size="10" fill="#555">${esc(l.extras.join(' '))}</text>`);
    }
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
