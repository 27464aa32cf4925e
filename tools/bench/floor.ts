// The floor under the segment-cost budget: what receiving and acknowledging one in-order
// 1460-byte TCP segment costs in this interpreter when nothing is done but what any TCP/IP stack
// must do for it, written as straight-line code in one function, with every value it compares
// against already in a local. No stack runs here; the figures bound from below what any design
// of ours could reach in the same interpreter, and say how much of it is native work.
//
// The ideal path, per segment (RFC 791, RFC 9293 3.10.7.4 for an acceptable in-order segment):
// - Ethernet: destination is our address, type IPv4;
// - IPv4: version and header length, not a fragment, protocol TCP, total length within the
//   frame, header checksum (E.sum over a Uint16Array view), source and destination addresses;
// - TCP: ports, checksum over pseudo-header and segment (E.sum), data offset, flags ACK (PSH
//   allowed), SEG.SEQ = RCV.NXT, SND.UNA <= SEG.ACK <= SND.NXT;
// - the data taken: copied into a receive ring (Uint8Array.set of a subarray), or kept by
//   reference (zero copy: the frame itself queued, as a redesign of the receive path would);
// - RCV.NXT advanced; every second segment an ACK (RFC 9293 3.8.6.3, as the stack's delayed ACK
//   does when segments arrive back to back): sequence, acknowledgment and window written into a
//   54-byte template, its TCP checksum computed (E.sum) and written, and a driver's send called.
// One empty `for` iteration timed in the same run is the unit, as for the budget.
import { runEspruino } from '../../test/helpers/espruino.ts';
import { callgrindRatio } from './espruino.ts';

const FLOOR_SETUP = `
var f = new Uint8Array(1514), i;
for (i = 0; i < 1514; i++) f[i] = i & 255;
// Ethernet: to 02:00:00:00:00:02, type 0x0800; IPv4 45 00 len 05dc, DF, TTL 64, TCP,
// 198.18.0.1 -> 198.18.0.2; TCP 5001 <- 40000, seq, ack, offset 5, ACK|PSH, window.
f.set([2,0,0,0,0,2, 2,0,0,0,0,1, 8,0, 0x45,0, 0x05,0xdc, 0,1, 0x40,0, 64,6, 0,0, 198,18,0,1, 198,18,0,2,
  0x9c,0x40, 0x13,0x89, 0,0,0,100, 0,0,1,44, 0x50,0x18, 0x10,0, 0,0, 0,0]);
function sumOf(b, off, len) { var s = E.sum(new Uint16Array(b.buffer, off, len >> 1)); while (s > 0xffff) s = (s & 0xffff) + (s >>> 16); return s; }
var ip = sumOf(f, 14, 20); ip = ~(((ip & 0xff) << 8) | (ip >>> 8)) & 0xffff; f[24] = ip >> 8; f[25] = ip & 255;
var rb = new Uint8Array(3000), tpl = new Uint8Array(54), q = [], sent = 0;
tpl.set(f.subarray(0, 54));
var drv = { send: function (b, n) { sent++; return true; } };
// Connection state, as a TCB would hold it.
var rcvNxt = 100, sndUna = 300, sndNxt = 300, rbHead = 0, rbLen = 0, pending = 0, qn = 0;
// The partial pseudo-header sum (addresses and protocol), fixed per connection, little-endian.
var pseudoLe = (0x12c6 + 0x0100 + 0x12c6 + 0x0200 + 0x0600);
function setTcpSum(len) {
  f[50] = 0; f[51] = 0;
  var s = sumOf(f, 34, len) + pseudoLe + (((len & 0xff) << 8) | (len >> 8));
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  s = ~(((s & 0xff) << 8) | (s >>> 8)) & 0xffff; f[50] = s >> 8; f[51] = s & 255;
}
setTcpSum(1480);
function rx(b, len, copy) {
  if (b[0] !== 2 || b[1] !== 0 || b[2] !== 0 || b[3] !== 0 || b[4] !== 0 || b[5] !== 2 || b[12] !== 8 || b[13] !== 0) return 0;
  var tl = (b[16] << 8) | b[17];
  if (b[14] !== 0x45 || b[23] !== 6 || ((b[20] & 0x3f) | b[21]) !== 0 || tl > len - 14) return 0;
  var s = E.sum(new Uint16Array(b.buffer, 14, 10)); s = (s & 0xffff) + (s >>> 16); s = (s & 0xffff) + (s >>> 16);
  if (s !== 0xffff) return 0;
  if (b[26] !== 198 || b[27] !== 18 || b[28] !== 0 || b[29] !== 1 || b[30] !== 198 || b[31] !== 18 || b[32] !== 0 || b[33] !== 2) return 0;
  if (b[34] !== 0x9c || b[35] !== 0x40 || b[36] !== 0x13 || b[37] !== 0x89) return 0;
  var tlen = tl - 20;
  s = E.sum(new Uint16Array(b.buffer, 34, tlen >> 1)) + pseudoLe + (((tlen & 0xff) << 8) | (tlen >> 8));
  s = (s & 0xffff) + (s >>> 16); s = (s & 0xffff) + (s >>> 16);
  if (s !== 0xffff) return 0;
  if (b[46] !== 0x50 || (b[47] & 0xf7) !== 0x10) return 0;
  var seq = ((b[38] << 24) | (b[39] << 16) | (b[40] << 8) | b[41]) >>> 0;
  var ack = ((b[42] << 24) | (b[43] << 16) | (b[44] << 8) | b[45]) >>> 0;
  if (seq !== rcvNxt || ((ack - sndUna) | 0) < 0 || ((sndNxt - ack) | 0) < 0) return 0;
  var n = tlen - 20;
  if (copy) { rb.set(b.subarray(54, 54 + n), rbHead); rbLen += n; } else { q[qn] = b; qn = (qn + 1) & 3; rbLen += n; }
  rcvNxt = (rcvNxt + n) >>> 0;
  if (++pending === 2) {
    pending = 0;
    tpl[38] = sndNxt >>> 24; tpl[39] = sndNxt >> 16; tpl[40] = sndNxt >> 8; tpl[41] = sndNxt;
    tpl[42] = rcvNxt >>> 24; tpl[43] = rcvNxt >> 16; tpl[44] = rcvNxt >> 8; tpl[45] = rcvNxt;
    var w = 3000 - rbLen; tpl[48] = w >> 8; tpl[49] = w; tpl[50] = 0; tpl[51] = 0;
    s = E.sum(new Uint16Array(tpl.buffer, 34, 10)) + pseudoLe + 0x1400;
    s = (s & 0xffff) + (s >>> 16); s = (s & 0xffff) + (s >>> 16);
    s = ~(((s & 0xff) << 8) | (s >>> 8)); tpl[50] = s >> 8; tpl[51] = s;
    drv.send(tpl, 54);
  }
  rbLen = 0;
  return n;
}
`;

const FLOOR_SCRIPT = FLOOR_SETUP + `
// Each round: the same frame, with its sequence number set to RCV.NXT and checksum redone
// (outside the timing), then rx() timed.
function round(copy, N) {
  var spent = 0, ok = 0;
  for (var k = 0; k < N; k++) {
    f[38] = rcvNxt >>> 24; f[39] = rcvNxt >> 16; f[40] = rcvNxt >> 8; f[41] = rcvNxt; setTcpSum(1480);
    var t0 = getTime();
    if (rx(f, 1514, copy) === 1460) ok++;
    spent += getTime() - t0;
  }
  return ok === N ? spent / N : -1;
}
var L = 20000, loop = 1e9, best = [1e9, 1e9];
for (var r = 0; r < 5; r++) {
  var t1 = getTime(); for (var j = 0; j < L; j++) {} var d = (getTime() - t1) / L; if (d < loop) loop = d;
  for (var c = 0; c < 2; c++) { var x = round(!c, 200); if (x < 0) { print("FLOOR failed"); quit(); } if (x < best[c]) best[c] = x; }
}
var nat = [function () { rb.set(f.subarray(54, 1514), 0); }, function () { E.sum(new Uint16Array(f.buffer, 34, 740)); },
  function () { E.sum(new Uint16Array(f.buffer, 14, 10)); }, function () {}];
var natBest = [1e9, 1e9, 1e9, 1e9];
for (r = 0; r < 5; r++) for (c = 0; c < 4; c++) { var t2 = getTime(); for (j = 0; j < 1000; j++) nat[c](); var e = (getTime() - t2) / 1000; if (e < natBest[c]) natBest[c] = e; }
print("FLOOR " + JSON.stringify({ copy: best[0] / loop, zeroCopy: best[1] / loop, ringCopy: (natBest[0] - natBest[3]) / loop,
  segmentSum: (natBest[1] - natBest[3]) / loop, headerSum: (natBest[2] - natBest[3]) / loop, acks: sent }));
quit();
`;


// The same under callgrind (deterministic): only rx(), called through Function.call, and an empty
// loop inside Array.forEach are counted (see callgrindRatio).
const floorCallgrindScript = (copy: boolean) => FLOOR_SETUP + `
var N = 100, ok = 0;
for (var k = 0; k < N; k++) {
  f[38] = rcvNxt >>> 24; f[39] = rcvNxt >> 16; f[40] = rcvNxt >> 8; f[41] = rcvNxt; setTcpSum(1480);
  if (rx.call(null, f, 1514, ${copy}) === 1460) ok++;
}
var L = 20000;
[0].forEach(function () { for (var j = 0; j < L; j++) {} });
print(ok === N ? "CGSEGS " + N + " " + L : "FLOOR failed");
quit();
`;

export interface Floor { copy: number; zeroCopy: number; ringCopy: number; segmentSum: number; headerSum: number; acks: number }

/** The floor figures in the interpreter ESPRUINO names, or its output when the script failed. */
export async function segmentFloor(): Promise<Floor | string> {
  const run = await runEspruino(FLOOR_SCRIPT, 120000);
  const line = run.out.split('\n').find((l) => l.includes('FLOOR {'));
  return line ? JSON.parse(line.slice(line.indexOf('FLOOR {') + 6)) as Floor : run.out.slice(-800);
}

/** The ideal path's cost by instruction counts, with the copy into a ring and without, or why not. */
export function segmentFloorCallgrind(): { copy: number; zeroCopy: number } | string {
  const a = callgrindRatio(floorCallgrindScript(true));
  if (typeof a === 'string') return a;
  const b = callgrindRatio(floorCallgrindScript(false));
  if (typeof b === 'string') return b;
  return { copy: a.ratio, zeroCopy: b.ratio };
}
