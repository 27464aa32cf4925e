// Ladder diagrams (issue 7): the RFC 9293 sequences of the TCP issue reproduced line for line from
// captured frames, state inference for crossing segments (simultaneous open and close), the CLI's
// clear errors on malformed and truncated captures, SVG output, and the streaming printer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapWriter } from '../host-sim/pcap.ts';
import { connections, decodeTcp, ladder, LadderPrinter, renderSvg, renderText } from '../tools/ladder/index.ts';
import { parsePcap } from '../host-sim/pcap.ts';

const A = [198, 18, 0, 1], B = [198, 18, 0, 2];
const F = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 };

/** An Ethernet/IPv4/TCP frame; `data` bytes of payload. */
function seg(fromA: boolean, seq: number, ack: number, flags: number, data = 0, mss?: number): Uint8Array {
  const opt = mss ? 4 : 0;
  const f = new Uint8Array(14 + 20 + 20 + opt + data);
  f[12] = 8; f[14] = 0x45;
  const total = 20 + 20 + opt + data;
  f[16] = total >> 8; f[17] = total & 255; f[22] = 64; f[23] = 6;
  f.set(fromA ? A : B, 26); f.set(fromA ? B : A, 30);
  const t = 34;
  const sp = fromA ? 40000 : 80, dp = fromA ? 80 : 40000;
  f[t] = sp >> 8; f[t + 1] = sp & 255; f[t + 2] = dp >> 8; f[t + 3] = dp & 255;
  new DataView(f.buffer).setUint32(t + 4, seq >>> 0); new DataView(f.buffer).setUint32(t + 8, ack >>> 0);
  f[t + 12] = ((20 + opt) / 4) << 4; f[t + 13] = flags; f[t + 14] = 0x16; f[t + 15] = 0xd0;
  if (mss) { f[t + 20] = 2; f[t + 21] = 4; f[t + 22] = mss >> 8; f[t + 23] = mss & 255; }
  return f;
}

function capture(frames: Uint8Array[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'synack-ladder-'));
  try {
    const p = join(dir, 'c.pcap');
    const w = new PcapWriter(p);
    frames.forEach((f, i) => w.write(i * 10, f));
    w.close();
    return readFileSync(p);
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

function render(frames: Uint8Array[], extras = false): string {
  const conns = connections(decodeTcp(parsePcap(capture(frames))).segments);
  assert.is(conns.length, 1);
  return renderText(conns[0], ladder(conns[0]), { extras }).split('\n').slice(1).join('\n');
}

const norm = (s: string) => s.trim().split('\n').map((l) => l.trim().replace(/\s+/g, ' '));

test('the three-way handshake and data of RFC 9293, line for line (ISNs 100 and 300)', () => {
  const text = render([
    seg(true, 100, 0, F.SYN),
    seg(false, 300, 101, F.SYN | F.ACK),
    seg(true, 101, 301, F.ACK),
    seg(true, 101, 301, F.ACK, 10),
  ]);
  const expected = `
    TCP A                                                TCP B
1.  CLOSED                                               LISTEN
2.  SYN-SENT    --> <SEQ=100><CTL=SYN>               --> SYN-RECEIVED
3.  ESTABLISHED <-- <SEQ=300><ACK=101><CTL=SYN,ACK>  <-- SYN-RECEIVED
4.  ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK>       --> ESTABLISHED
5.  ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK><DATA> --> ESTABLISHED`;
  assert.equal(norm(text), norm(expected));
  // The columns are the RFC's where its figure is consistent: arrows at 16, TCP B's arrows at 54
  // and states at 58 on every line (the RFC has 54 on lines 4 and 5, where <DATA> needs it, and
  // 53 on lines 2 and 3).
  const rows = text.split('\n').slice(2, 6);
  for (const l of rows) {
    assert.is(l.slice(16, 19), l.includes('-->') ? '-->' : '<--', l);
    assert.is(l.slice(54, 57), l.slice(16, 19), l);
    assert.match(l.slice(58), /^(SYN-RECEIVED|ESTABLISHED)$/, l);
  }
});

test('the normal close sequence of RFC 9293, line for line', () => {
  const text = render([
    seg(true, 99, 299, F.ACK),            // mid-connection: both ESTABLISHED
    seg(true, 100, 300, F.FIN | F.ACK),
    seg(false, 300, 101, F.ACK),
    seg(false, 300, 101, F.FIN | F.ACK),
    seg(true, 101, 301, F.ACK),
  ]).split('\n');
  // Drop the line of the opening ACK that puts both ends in ESTABLISHED mid-capture.
  const lines = text.filter((l) => !l.includes('<SEQ=99>'));
  const expected = `
    TCP A                                                TCP B
1.  ESTABLISHED                                          ESTABLISHED
3.  (Close)
    FIN-WAIT-1  --> <SEQ=100><ACK=300><CTL=FIN,ACK>  --> CLOSE-WAIT
4.  FIN-WAIT-2  <-- <SEQ=300><ACK=101><CTL=ACK>      <-- CLOSE-WAIT
5.                                                       (Close)
    TIME-WAIT   <-- <SEQ=300><ACK=101><CTL=FIN,ACK>  <-- LAST-ACK
6.  TIME-WAIT   --> <SEQ=101><ACK=301><CTL=ACK>      --> CLOSED
7.  (2 MSL)
    CLOSED`;
  assert.equal(norm(lines.join('\n')), norm(expected));
});

test('simultaneous close: crossing FINs go through CLOSING, in-flight segments drawn with ...', () => {
  const text = render([
    seg(true, 100, 0, F.SYN), seg(false, 300, 101, F.SYN | F.ACK), seg(true, 101, 301, F.ACK),
    seg(true, 101, 301, F.FIN | F.ACK),   // A closes
    seg(false, 301, 101, F.FIN | F.ACK),  // B closes before A's FIN arrived (acks only 101)
    seg(true, 102, 302, F.ACK),
    seg(false, 302, 102, F.ACK),
  ]);
  const expected = `
    TCP A                                                TCP B
1.  CLOSED                                               LISTEN
2.  SYN-SENT    --> <SEQ=100><CTL=SYN>               --> SYN-RECEIVED
3.  ESTABLISHED <-- <SEQ=300><ACK=101><CTL=SYN,ACK>  <-- SYN-RECEIVED
4.  ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK>      --> ESTABLISHED
5.  (Close)
    FIN-WAIT-1  --> <SEQ=101><ACK=301><CTL=FIN,ACK>  ... ESTABLISHED
6.                                                       (Close)
    CLOSING     <-- <SEQ=301><ACK=101><CTL=FIN,ACK>  <-- FIN-WAIT-1
                ... <SEQ=101><ACK=301><CTL=FIN,ACK>  --> CLOSING
7.  CLOSING     --> <SEQ=102><ACK=302><CTL=ACK>      --> TIME-WAIT
8.  TIME-WAIT   <-- <SEQ=302><ACK=102><CTL=ACK>      <-- TIME-WAIT
9.  (2 MSL)
    CLOSED
10.                                                      (2 MSL)
                                                         CLOSED`;
  assert.equal(norm(text), norm(expected));
});

test('simultaneous open: both ends SYN-SENT, then SYN-RECEIVED, then ESTABLISHED', () => {
  const text = render([
    seg(true, 100, 0, F.SYN), seg(false, 300, 0, F.SYN),
    seg(true, 100, 301, F.SYN | F.ACK), seg(false, 300, 101, F.SYN | F.ACK),
  ]);
  const l = norm(text);
  assert.ok(l.some((x) => /SYN-SENT --> <SEQ=100><CTL=SYN> \.\.\. CLOSED/.test(x)), text);
  assert.ok(l.some((x) => /SYN-RECEIVED <-- <SEQ=300><CTL=SYN> <-- SYN-SENT/.test(x)), text);
  assert.ok(l.some((x) => /--> SYN-RECEIVED$/.test(x)), text);
  assert.ok(l[l.length - 1].startsWith('ESTABLISHED') || l.slice(-2).some((x) => x.includes('ESTABLISHED')), text);
  assert.not.ok(text.includes('LISTEN'), text);
});

test('extras: window, length, MSS, retransmission and out-of-order marks; relative numbers', () => {
  const frames = [
    seg(true, 1000, 0, F.SYN, 0, 536), seg(false, 5000, 1001, F.SYN | F.ACK, 0, 1460), seg(true, 1001, 5001, F.ACK),
    seg(true, 1001, 5001, F.ACK | F.PSH, 100), seg(true, 1201, 5001, F.ACK, 100), seg(true, 1101, 5001, F.ACK, 100),
    seg(true, 1001, 5001, F.ACK, 100),
  ];
  const conns = connections(decodeTcp(parsePcap(capture(frames))).segments);
  const text = renderText(conns[0], ladder(conns[0]));
  const l = text.split('\n');
  assert.match(l[3], /WIN=5840 MSS=536$/);
  assert.match(l[4], /MSS=1460$/);
  assert.match(l[6], /LEN=100 PSH$/);
  assert.match(l[8], /LEN=100 out-of-order$/);
  assert.match(l[9], /LEN=100 retransmission$/);
  const rel = renderText(conns[0], ladder(conns[0], { relative: true }));
  assert.match(rel, /<SEQ=0><CTL=SYN>/);
  assert.match(rel, /<SEQ=0><ACK=1><CTL=SYN,ACK>/);
});

test('SVG output is well-formed XML with one arrow per segment', () => {
  const frames = [seg(true, 100, 0, F.SYN), seg(false, 300, 101, F.SYN | F.ACK), seg(true, 101, 301, F.ACK)];
  const conns = connections(decodeTcp(parsePcap(capture(frames))).segments);
  const svg = renderSvg(conns[0], ladder(conns[0]));
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.is((svg.match(/marker-end=/g) || []).length, 3);
  assert.match(svg, /&lt;SEQ=300&gt;&lt;ACK=101&gt;&lt;CTL=SYN,ACK&gt;/);
  // Well-formedness: every tag closes in order.
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === '/') continue;
    if (m[1] === '/') assert.is(stack.pop(), m[2]); else stack.push(m[2]);
  }
  assert.equal(stack, []);
});

test('connections are split by 4-tuple and by a new SYN after a close', () => {
  const frames = [
    seg(true, 100, 0, F.SYN), seg(false, 300, 101, F.SYN | F.ACK | F.RST),
    seg(true, 500, 0, F.SYN), seg(false, 700, 501, F.SYN | F.ACK),
  ];
  const conns = connections(decodeTcp(parsePcap(capture(frames))).segments);
  assert.is(conns.length, 2);
  assert.is(conns[1].segments[0].seq, 500);
});

test('the streaming printer prints each connection as it goes', () => {
  const out: string[] = [];
  const p = new LadderPrinter((t) => out.push(t));
  const frames = [seg(true, 100, 0, F.SYN), seg(false, 300, 101, F.SYN | F.ACK), seg(true, 101, 301, F.ACK), seg(true, 101, 301, F.ACK, 10)];
  const segs = decodeTcp(parsePcap(capture(frames))).segments;
  for (const s of segs) p.segment(s);
  assert.is(out.length, 0, 'an open connection waits');
  p.end();
  assert.is(out.length, 1);
  assert.match(out.join('\n'), /5\.\s+ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK><DATA> --> ESTABLISHED/);
});

test('dropped segments: -X- at the receiver, not delivered; a duplicate that lost one copy still arrives', () => {
  const segs = decodeTcp(parsePcap(capture([seg(true, 100, 0, F.SYN), seg(false, 300, 101, F.SYN | F.ACK), seg(true, 101, 301, F.ACK), seg(true, 101, 301, F.ACK, 10), seg(true, 101, 301, F.ACK, 10), seg(false, 301, 111, F.ACK)]))).segments;
  segs[3].comments = ['fault: dropped on the way out to link'];
  segs[4].comments = ['fault: duplicated (delivered twice) on the way out to link', 'fault: dropped in its second copy (rate-limit queue full) on the way out to link'];
  const c = connections(segs)[0];
  const l = norm(renderText(c, ladder(c)));
  assert.ok(l.some((x) => /^5\. ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK><DATA> -X- ESTABLISHED WIN=5840 LEN=10 \[fault: dropped on the way out to link\]$/.test(x)), l.join('\n'));
  assert.ok(l.some((x) => /^6\. ESTABLISHED --> <SEQ=101><ACK=301><CTL=ACK><DATA> --> ESTABLISHED WIN=5840 LEN=10 retransmission \[fault: duplicated/.test(x)), l.join('\n'));
  assert.not.ok(l.some((x) => x.endsWith(' delivered')), 'a dropped segment is never delivered later');
});

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', 'tools', 'ladder.ts'), ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the CLI gives a clear one-line error on malformed and truncated captures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synack-ladder-'));
  try {
    const good = capture([seg(true, 100, 0, F.SYN), seg(false, 300, 101, F.SYN | F.ACK)]);
    writeFileSync(join(dir, 'trunc.pcap'), good.subarray(0, good.length - 7));
    writeFileSync(join(dir, 'junk.pcap'), 'this is not a capture at all, just text');
    writeFileSync(join(dir, 'short.pcap'), good.subarray(0, 10));
    writeFileSync(join(dir, 'good.pcap'), good);
    const t = cli([join(dir, 'trunc.pcap')]);
    assert.is(t.code, 1);
    assert.match(t.err, /^ladder: .*trunc\.pcap: truncated record 2/);
    assert.is(t.err.trim().split('\n').length, 1);
    assert.match(cli([join(dir, 'junk.pcap')]).err, /not a pcap file \(bad magic/);
    assert.match(cli([join(dir, 'short.pcap')]).err, /shorter than the 24-byte header/);
    assert.match(cli([join(dir, 'missing.pcap')]).err, /cannot read/);
    assert.match(cli([join(dir, 'good.pcap'), '--conn', '3']).err, /has 1 connection\(s\); there is no --conn 3/);
    const ok = cli([join(dir, 'good.pcap'), '--svg', join(dir, 'o.svg')]);
    assert.is(ok.code, 0, ok.err);
    assert.match(ok.out, /SYN-SENT\s+--> <SEQ=100><CTL=SYN>/);
    assert.match(readFileSync(join(dir, 'o.svg'), 'utf8'), /^<svg/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('the CLI: an SVG path that cannot be written, a missing or garbled capture: one line, exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'synack-ladder-'));
  try {
    const good = join(dir, 'good.pcap');
    writeFileSync(good, capture([seg(true, 100, 0, F.SYN), seg(false, 300, 101, F.SYN | F.ACK)]));
    const oneLine = (r: { code: number | null; out: string; err: string }, re: RegExp) => {
      assert.is(r.code, 1, r.err);
      assert.is(r.out, '', 'nothing on stdout');
      assert.is(r.err.split('\n').filter(Boolean).length, 1, r.err);
      assert.not.match(r.err, /\n\s+at /);
      assert.match(r.err, re);
    };
    oneLine(cli([good, '--svg', '/nonexistent/x.svg']), /^ladder: cannot write \/nonexistent\/x\.svg: directory \/nonexistent does not exist\n$/);
    oneLine(cli([good, '--svg', dir]), /^ladder: cannot write .*: it is a directory\n$/);
    oneLine(cli([good, '--svg', join(good, 'x.svg')]), /^ladder: cannot write .*good\.pcap\/x\.svg: .*good\.pcap is not a directory\n$/);
    oneLine(cli([join(dir, 'missing.pcap'), '--svg', join(dir, 'o.svg')]), /^ladder: .*missing\.pcap: cannot read: no such file\n$/);
    oneLine(cli([dir]), /: cannot read: it is a directory\n$/);
    // Garbled: a pcap header with nonsense records; random bytes; a pcapng header with nonsense.
    const bytes = readFileSync(good);
    const garbled = Buffer.from(bytes); for (let i = 24; i < garbled.length; i++) garbled[i] = (i * 151) & 255;
    writeFileSync(join(dir, 'garbled.pcap'), garbled);
    oneLine(cli([join(dir, 'garbled.pcap')]), /^ladder: .*garbled\.pcap: (record 1 at byte 24 claims \d+ bytes: corrupt file|truncated record)/);
    writeFileSync(join(dir, 'random.pcap'), Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 89 + 7) & 255)));
    oneLine(cli([join(dir, 'random.pcap')]), /not a pcap file \(bad magic/);
    const ng = Buffer.alloc(64, 0x41); ng.writeUInt32LE(0x0a0d0d0a, 0); ng.writeUInt32LE(28, 4); ng.writeUInt32LE(0x1a2b3c4d, 8);
    writeFileSync(join(dir, 'garbled.pcapng'), ng);
    oneLine(cli([join(dir, 'garbled.pcapng')]), /^ladder: .*garbled\.pcapng: corrupt pcapng block 1 at byte 0/);
    // No file left behind by a failed run, and a good one still writes its picture.
    const ok = cli([good, '--svg', join(dir, 'fine.svg')]);
    assert.is(ok.code, 0, ok.err);
    assert.match(readFileSync(join(dir, 'fine.svg'), 'utf8'), /^<svg/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test.run();
