// Ladder layout (issue 17): the text figure keeps its columns with 10-digit sequence numbers, and
// in the SVG nothing overlaps. The SVG is measured from its own text: every <text> gets a box
// (monospace: characters x font size x 0.6 wide, from 1 em above the baseline to 0.3 em below),
// every <line> is a segment, an arrowhead a box at the line's end; no two text boxes may meet and
// no line or arrowhead may cross a text box.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connections, ladder, renderSvg, renderText, type Segment } from '../tools/ladder/index.ts';

const F = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 };
const A = '198.18.0.1', B = '198.18.0.2';

let clock = 0;
function s(fromA: boolean, seq: number, ack: number, flags: number, len = 0, more: Partial<Segment> = {}): Segment {
  return { timeMs: (clock += 10), src: fromA ? A : B, sport: fromA ? 40000 : 80, dst: fromA ? B : A, dport: fromA ? 80 : 40000, seq: seq >>> 0, ack: ack >>> 0, flags, win: 65535, len, ...more };
}

/** RFC 9293's handshake and data, and its normal close (ISNs 100 and 300). */
function rfcShort(base: number, baseB: number): Segment[] {
  return [
    s(true, base, 0, F.SYN, 0, { mss: 1460, wscale: 7, sackOk: true }),
    s(false, baseB, base + 1, F.SYN | F.ACK, 0, { mss: 1460, wscale: 7, sackOk: true }),
    s(true, base + 1, baseB + 1, F.ACK),
    s(true, base + 1, baseB + 1, F.ACK | F.PSH, 10),
    s(false, baseB + 1, base + 11, F.ACK),
    s(true, base + 11, baseB + 1, F.FIN | F.ACK),
    s(false, baseB + 1, base + 12, F.ACK),
    s(false, baseB + 1, base + 12, F.FIN | F.ACK),
    s(true, base + 12, baseB + 2, F.ACK),
  ];
}

/** A longer connection near the top of the sequence space: 24 data segments, one dropped (a
 *  capture comment) and retransmitted, one out of order, a simultaneous close. */
function long(base: number, baseB: number): Segment[] {
  const out = [
    s(true, base, 0, F.SYN, 0, { mss: 1460, wscale: 7, sackOk: true }),
    s(false, baseB, base + 1, F.SYN | F.ACK, 0, { mss: 1460, wscale: 7, sackOk: true }),
    s(true, base + 1, baseB + 1, F.ACK),
  ];
  let seq = base + 1;
  for (let i = 0; i < 24; i++) {
    const dropped = i === 7;
    out.push(s(false, baseB + 1, seq, F.ACK | F.PSH, 0));
    out.pop();
    out.push(s(true, seq, baseB + 1, F.ACK | (i % 5 === 4 ? F.PSH : 0), 1460, dropped ? { comments: ['fault: dropped on the way out to link'] } : {}));
    if (dropped) out.push(s(true, seq, baseB + 1, F.ACK, 1460));
    if (i === 12) { out.push(s(true, seq + 1460, baseB + 1, F.ACK, 1460)); out.push(s(true, seq, baseB + 1, F.ACK, 1460)); }
    seq += 1460;
    if (i % 2 === 1) out.push(s(false, baseB + 1, seq, F.ACK));
  }
  if (out[out.length - 1].src === A) out.push(s(false, baseB + 1, seq, F.ACK));
  out.push(s(true, seq, baseB + 1, F.FIN | F.ACK));
  out.push(s(false, baseB + 1, seq, F.FIN | F.ACK)); // crosses A's FIN
  out.push(s(true, seq + 1, baseB + 2, F.ACK));
  out.push(s(false, baseB + 2, seq + 1, F.ACK));
  return out;
}

function only(segs: Segment[]) {
  const c = connections(segs);
  assert.is(c.length, 1);
  return c[0];
}

// ---- the text figure ----

test('text: with 10-digit sequence numbers every column stays aligned', () => {
  const c = only(long(4294960000, 3999999000));
  const text = renderText(c, ladder(c));
  const rows = text.split('\n').slice(2).filter((l) => /<SEQ=/.test(l));
  assert.ok(rows.some((l) => /<SEQ=\d{10}><ACK=\d{10}>/.test(l)), text);
  const col = (l: string, re: RegExp) => { const m = re.exec(l); return m ? m.index : -1; };
  // A's mark at one column; B's mark at one column; B's state at one column; extras at one column.
  const aMarks = new Set(rows.map((l) => col(l, / (-->|<--|\.\.\.|-X-) </) + 1));
  const bMarks = new Set(rows.map((l) => col(l, /> +(-->|<--|\.\.\.|-X-) [A-Z]/) + l.slice(col(l, /> +(-->|<--|\.\.\.|-X-) [A-Z]/)).search(/[-.<]/)));
  const bStates = new Set(rows.map((l) => col(l, / (?:-->|<--|\.\.\.|-X-) [A-Z]/) + 5));
  const extras = new Set(rows.filter((l) => l.includes('WIN=')).map((l) => col(l, / {2}WIN=/) + 2));
  assert.is(aMarks.size, 1, `A's marks at ${[...aMarks]}\n${text}`);
  assert.is(bMarks.size, 1, `B's marks at ${[...bMarks]}\n${text}`);
  assert.is(bStates.size, 1, `B's states at ${[...bStates]}\n${text}`);
  assert.is(extras.size, 1, `extras at ${[...extras]}\n${text}`);
  // The header names TCP B above B's states.
  assert.is(text.split('\n')[1].indexOf('TCP B'), [...bStates][0]);
  // The dropped segment is marked at its receiver's end, its comment in the extras.
  assert.ok(rows.some((l) => /--> <SEQ=\d+><ACK=\d+><CTL=ACK><DATA>\s+-X- ESTABLISHED\s+WIN=65535 LEN=1460 \[fault: dropped on the way out to link\]$/.test(l)), text);
});

// ---- the SVG ----

interface Box { x0: number; y0: number; x1: number; y1: number; what: string }

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([a-zA-Z0-9-]+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}
const unescape = (t: string) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

/** Text boxes, line segments and arrowhead boxes of an SVG. */
function measure(svg: string): { texts: Box[]; lines: [number, number, number, number, string][]; heads: Box[]; width: number; height: number } {
  const root = attrs(svg.match(/<svg [^>]*>/)![0]);
  const baseFs = Number(root['font-size'] || 16);
  const texts: Box[] = [];
  for (const m of svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)) {
    const a = attrs(m[1]);
    const t = unescape(m[2]);
    const fs = Number(a['font-size'] || baseFs);
    const w = t.length * fs * 0.6;
    const x = Number(a.x), y = Number(a.y);
    const x0 = a['text-anchor'] === 'middle' ? x - w / 2 : a['text-anchor'] === 'end' ? x - w : x;
    texts.push({ x0, x1: x0 + w, y0: y - fs, y1: y + 0.3 * fs, what: t });
  }
  const lines: [number, number, number, number, string][] = [];
  const heads: Box[] = [];
  for (const m of svg.matchAll(/<line ([^>]*)\/>/g)) {
    const a = attrs(m[1]);
    const [x1, y1, x2, y2] = [a.x1, a.y1, a.x2, a.y2].map(Number);
    lines.push([x1, y1, x2, y2, m[0]]);
    if (a['marker-end']) {
      // The head: 10 long, 8 wide, its tip at the line's end.
      const len = Math.hypot(x2 - x1, y2 - y1), ux = (x2 - x1) / len, uy = (y2 - y1) / len;
      const bx = x2 - 10 * ux, by = y2 - 10 * uy;
      const px = [x2, bx - 4 * uy, bx + 4 * uy], py = [y2, by + 4 * ux, by - 4 * ux];
      heads.push({ x0: Math.min(...px), x1: Math.max(...px), y0: Math.min(...py), y1: Math.max(...py), what: `arrowhead of ${m[0]}` });
    }
  }
  return { texts, lines, heads, width: Number(root.width), height: Number(root.height) };
}

const meet = (p: Box, q: Box) => p.x0 < q.x1 && q.x0 < p.x1 && p.y0 < q.y1 && q.y0 < p.y1;

/** Whether segment (x1,y1)-(x2,y2) passes through the inside of box b (Liang-Barsky clipping). */
function crosses(x1: number, y1: number, x2: number, y2: number, b: Box): boolean {
  let t0 = 0, t1 = 1;
  const dx = x2 - x1, dy = y2 - y1;
  for (const [p, q] of [[-dx, x1 - b.x0], [dx, b.x1 - x1], [-dy, y1 - b.y0], [dy, b.y1 - y1]]) {
    if (p === 0) { if (q <= 0) return false; continue; }
    const t = q / p;
    if (p < 0) { if (t > t0) t0 = t; } else if (t < t1) t1 = t;
    if (t0 >= t1) return false;
  }
  return true;
}

/** Everything that overlaps in an SVG, in words (empty: nothing). */
function overlaps(svg: string): string[] {
  const { texts, lines, heads, width, height } = measure(svg);
  const bad: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    if (t.x0 < 0 || t.y0 < 0 || t.x1 > width || t.y1 > height) bad.push(`"${t.what}" outside the picture`);
    for (let j = i + 1; j < texts.length; j++) if (meet(t, texts[j])) bad.push(`"${t.what}" meets "${texts[j].what}"`);
    for (const [x1, y1, x2, y2, l] of lines) if (crosses(x1, y1, x2, y2, t)) bad.push(`${l} crosses "${t.what}"`);
    for (const h of heads) if (meet(h, t)) bad.push(`${h.what} meets "${t.what}"`);
  }
  return bad;
}

test('svg: the overlap check finds a label crossed by its arrow and text running into text', () => {
  // The layout this issue is about (the old renderer's geometry): the arrow drawn through the
  // label above it (with 10-digit numbers), the extras running into the next label.
  const old = `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="200" font-family="monospace" font-size="12">
<text x="400" y="64" text-anchor="middle">&lt;SEQ=4294967000&gt;&lt;ACK=3000000001&gt;&lt;CTL=ACK&gt;</text>
<line x1="170" y1="62" x2="630" y2="82" stroke="#222" marker-end="url(#arrow)"/>
<text x="400" y="92" text-anchor="middle" font-size="10">WIN=5840 MSS=536</text>
<text x="400" y="98" text-anchor="middle">&lt;SEQ=300&gt;&lt;ACK=101&gt;&lt;CTL=SYN,ACK&gt;</text>
</svg>`;
  const bad = overlaps(old);
  assert.ok(bad.some((b) => /crosses "<SEQ=4294967000>/.test(b)), bad.join('\n'));
  assert.ok(bad.some((b) => /"WIN=5840 MSS=536" meets "<SEQ=300>/.test(b)), bad.join('\n'));
});

const cases: [string, () => Segment[]][] = [
  ['the RFC\'s handshake, data and close (ISNs 100 and 300)', () => rfcShort(100, 300)],
  ['the same with 10-digit sequence numbers', () => rfcShort(4294967000, 3000000000)],
  ['a long connection with 10-digit numbers: loss, retransmission, out of order, simultaneous close', () => long(4294960000, 3999999000)],
];
for (const [name, segs] of cases) {
  test(`svg: nothing overlaps: ${name}`, () => {
    const c = only(segs());
    const lines = ladder(c);
    const svg = renderSvg(c, lines);
    assert.equal(overlaps(svg), []);
    // Every segment has its arrow and its label; the picture is not absurdly tall for its lines.
    const arrows = lines.filter((l) => l.arrow).length;
    assert.is((svg.match(/&lt;SEQ=/g) || []).length, arrows);
    assert.ok(measure(svg).height < 60 * lines.length + 120, `height ${measure(svg).height} for ${lines.length} lines`);
  });
}

test('svg: relative numbers and the state trace variant lay out as well', () => {
  const c = only(long(4294960000, 3999999000));
  assert.equal(overlaps(renderSvg(c, ladder(c, { relative: true }))), []);
});

test.run();
