// The TCP header (RFC 9293 3.1), its options (3.2) and sequence arithmetic (3.4), byte by byte
// against the independent encoder of helpers/frames.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  tcpParse, tcpParseOptions, emitTcp, tcpChecksum, tcpHeaderLen, TCP_OK, TCP_TRUNCATED, TCP_BAD_OFFSET, TCP_BAD_CHECKSUM,
  TCP_NO_MSS, TCP_OPTIONS_BAD, SYN, ACK,
} from '../firmware/wire/tcp.ts';
import { seqAdd, seqDiff, seqLt, seqLe, seqGt, seqGe, seqInRange } from '../firmware/tcp/seq.ts';
import { tcp, hexOf } from './helpers/frames.ts';

const SRC = 0xc6120001, DST = 0xc6120002;
const seg = (o: { options?: number[]; mss?: number; data?: number[] } = {}) => tcp(SRC, DST, 40000, 80, 100, 301, ACK, { win: 1000, ...o });
/** A segment whose option bytes are exactly `opts` (a multiple of 4). */
const withOpts = (opts: number[]) => seg({ options: opts });

test('tcpParse: OK; shorter than 20 bytes truncated; data offset below 5 or past the segment bad; a flipped bit a bad checksum', () => {
  const s = seg({ data: [1, 2, 3] });
  assert.is(tcpParse(s, 0, s.length, SRC, DST), TCP_OK);
  assert.is(tcpParse(s, 0, 19, SRC, DST), TCP_TRUNCATED);
  assert.is(tcpParse(s, 0, 20, SRC, DST) === TCP_TRUNCATED, false, 'exactly 20 is long enough');
  const low = s.slice(); low[12] = 4 << 4;
  assert.is(tcpParse(low, 0, low.length, SRC, DST), TCP_BAD_OFFSET);
  const five = withOpts([]); // offset 5 is the least valid one
  assert.is(tcpParse(five, 0, five.length, SRC, DST), TCP_OK);
  const o = withOpts([1, 1, 1, 1]);
  assert.is(tcpParse(o, 0, o.length, SRC, DST), TCP_OK, 'offset 6, 24 bytes');
  assert.is(tcpParse(o, 0, 23, SRC, DST), TCP_BAD_OFFSET, 'the header past the segment');
  for (const at of [0, 13, 16, s.length - 1]) {
    const b = s.slice(); b[at] ^= 0x40;
    assert.is(tcpParse(b, 0, b.length, SRC, DST), TCP_BAD_CHECKSUM, `byte ${at}`);
  }
  assert.is(tcpParse(s, 0, s.length, SRC, DST + 1), TCP_BAD_CHECKSUM, 'the pseudo-header counts');
  assert.is(tcpParse(s, 0, s.length, SRC + 0x10000, DST), TCP_BAD_CHECKSUM, 'its high half too');
  const at5 = new Uint8Array(s.length + 5); at5.set(s, 5);
  assert.is(tcpParse(at5, 5, s.length, SRC, DST), TCP_OK, 'at an offset');
});

test('tcpParseOptions: MSS read; none gives TCP_NO_MSS; NOP and EOL; unknown kinds skipped by length', () => {
  assert.is(tcpParseOptions(seg(), 0), TCP_NO_MSS);
  assert.is(tcpParseOptions(seg({ mss: 1234 }), 0), 1234);
  assert.is(tcpParseOptions(withOpts([1, 1, 1, 2, 4, 5, 180, 0]), 0), 1460, 'after NOPs');
  assert.is(tcpParseOptions(withOpts([0, 2, 4, 5, 180, 0, 0, 0]), 0), TCP_NO_MSS, 'nothing after EOL is read');
  assert.is(tcpParseOptions(withOpts([99, 3, 7, 2, 4, 1, 0, 0]), 0), 256, 'unknown kind 99 of length 3 skipped');
  assert.is(tcpParseOptions(withOpts([3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 2, 4, 0, 100, 1]), 0), 100, 'WS, SACK-OK, TS, then MSS');
});

test('tcpParseOptions: malformed lists: a length below 2, past the header, a kind alone at the end, wrong lengths of known kinds', () => {
  const bad = [
    [253, 1, 0, 0], [253, 0, 0, 0], [253, 6, 0, 0], [1, 1, 1, 253],
    [2, 3, 5, 0], [2, 5, 5, 180, 0, 0, 0, 0], [3, 4, 7, 0], [3, 2, 1, 1], [4, 3, 0, 0], [8, 8, 0, 0, 0, 0, 0, 0],
    [8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  ];
  for (const o of bad) assert.is(tcpParseOptions(withOpts(o), 0), TCP_OPTIONS_BAD, JSON.stringify(o));
  assert.is(tcpParseOptions(withOpts([253, 4, 0, 0]), 0), TCP_NO_MSS, 'an option ending exactly at the header end is fine');
  assert.is(tcpParseOptions(withOpts([1, 1, 4, 2]), 0), TCP_NO_MSS, 'SACK-OK of length 2 at the end');
});

test('emitTcp + tcpChecksum: the same bytes as the independent encoder, with and without MSS; window clamped to 65535', () => {
  const b = new Uint8Array(64).fill(0xee);
  const hl = emitTcp(b, 4, 40000, 80, 100, 301, ACK, 1000, 0);
  assert.is(hl, 20);
  tcpChecksum(b, 4, 20, SRC, DST);
  assert.is(hexOf(b.subarray(4, 24)), hexOf(seg()));
  assert.is(b[3], 0xee, 'nothing before');
  const s = new Uint8Array(64);
  const hl2 = emitTcp(s, 0, 40000, 80, 100, 0, SYN, 70000, 1460);
  assert.is(hl2, 24);
  assert.is(tcpHeaderLen(s, 0), 24);
  s.set([1, 2, 3], 24);
  tcpChecksum(s, 0, 27, SRC, DST);
  assert.is(hexOf(s.subarray(0, 27)), hexOf(tcp(SRC, DST, 40000, 80, 100, 0, SYN, { win: 65535, mss: 1460, data: [1, 2, 3] })));
  assert.is(tcpParse(s, 0, 27, SRC, DST), TCP_OK);
  const d = new Uint8Array(24).fill(0xff);
  emitTcp(d, 0, 1, 2, 3, 4, ACK, 0xffff, 0);
  assert.equal([d[14], d[15], d[16], d[17], d[18], d[19]], [0xff, 0xff, 0, 0, 0, 0], 'window 65535 as is; checksum and urgent pointer zeroed');
});

test('sequence arithmetic modulo 2^32 (RFC 9293 3.4): comparisons across the wrap', () => {
  const top = 0xfffffff0;
  assert.is(seqAdd(top, 0x20), 0x10);
  assert.is(seqAdd(5, -10), 0xfffffffb);
  assert.is(seqDiff(0x10, top), 0x20);
  assert.is(seqDiff(top, 0x10), -0x20);
  assert.equal([seqLt(top, 0x10), seqLe(top, 0x10), seqGt(top, 0x10), seqGe(top, 0x10)], [true, true, false, false]);
  assert.equal([seqLt(7, 7), seqLe(7, 7), seqGt(7, 7), seqGe(7, 7)], [false, true, false, true]);
  assert.equal([seqLt(8, 7), seqLe(8, 7), seqGt(8, 7), seqGe(8, 7)], [false, false, true, true]);
  assert.equal([seqInRange(top, top, 0x10), seqInRange(0xf, top, 0x10), seqInRange(0x10, top, 0x10), seqInRange(top - 1, top, 0x10)], [true, true, false, false]);
});

test('tcpParseOptions: tiny MSS values (1, 2) are values, never read as TCP_NO_MSS or TCP_OPTIONS_BAD', () => {
  for (const v of [0, 1, 2]) {
    const r = tcpParseOptions(withOpts([2, 4, 0, v]), 0);
    assert.is(r, v);
    assert.ok(r !== TCP_NO_MSS && r !== TCP_OPTIONS_BAD, `MSS ${v}`);
  }
});

test('emitTcp without MSS writes the 20-byte header only: data already after it stays', () => {
  const b = new Uint8Array(28).fill(0xdd);
  assert.is(emitTcp(b, 0, 1, 2, 3, 4, ACK, 100, 0), 20);
  assert.equal(Array.from(b.subarray(20)), Array(8).fill(0xdd));
  assert.is(emitTcp(b, 0, 1, 2, 3, 4, ACK, 100, -1), 20);
  assert.equal(Array.from(b.subarray(20)), Array(8).fill(0xdd), 'nor with a negative MSS');
});

test.run();
