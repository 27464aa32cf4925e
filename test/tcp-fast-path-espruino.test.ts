// Header prediction's native checksum path in the real interpreter, through the board bundle (its
// one native sum over the IPv4 header and the TCP segment together, modulo 65535, and the fast
// ACK's checksums folded the same way): two stacks in one interpreter, A sending B 64,000 bytes in
// pieces of odd and even lengths; after its first 20 data frames, some of A's frames are damaged
// or moved on the way:
//
//   A (198.18.0.1)  -- every 9th data frame: the IPv4 TTL changed, its checksum not -->  B
//                   -- every 9th, 4 later: a byte of the TCP text flipped            -->
//                   -- every 7th: the frame at an odd byte offset (the plain sum)      -->
//   B (198.18.0.2) reads everything, as it comes
//
// Each damaged frame must be dropped and counted by the layer that checks it (the IPv4 header by
// the interface, the segment by TCP), its data sent again by A's retransmission, and B must read
// the bytes A sent, in order, with the first 20 (none damaged) predicted and ACKed by the fast ACK.
// Runs in ESPRUINO_LARGE if set (a 64-bit build), else ESPRUINO (it fits the Pico layout too);
// skipped without either.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { runWithBundle, skipReason } from './helpers/espruino.ts';

const bin = [process.env.ESPRUINO_LARGE, process.env.ESPRUINO].find((p) => p && existsSync(p));
const bundle = join(import.meta.dirname, '..', 'dist', 'synack-enc28j60.tok');

const SCRIPT = `
var s = require("synack");
function drv(mac, q, filter) {
  return { mac: new Uint8Array(mac), macFilter: filter, recv: function () { return 0; }, link: function () { return true; },
    send: function (f, len) { var c = new Uint8Array(len); c.set(f.subarray(0, len)); q.push(c); return true; } };
}
var ab = [], ba = [];
var cfg = { sndBuf: 3000, rcvBuf: 3000, maxConns: 2, delAckMs: 100 };
var A = s.createStack(drv([2,0,0,0,0,1], ab, true), { ip: "198.18.0.1/24", apps: false, tcp: cfg });
var B = s.createStack(drv([2,0,0,0,0,2], ba, false), { ip: "198.18.0.2/24", apps: false, tcp: cfg });
var now = 0, dataFrames = 0, damaged = [0, 0, 0], cleanPredicted = -1;
function toB() {
  while (ab.length) {
    var f = ab.shift();
    if (f.length > 60 && f[23] === 6) {
      dataFrames++;
      if (dataFrames === 21) cleanPredicted = B.tcp.counters.predicted;
      if (dataFrames <= 20) {}
      else if (dataFrames % 9 === 1) { f[22] ^= 1; damaged[0]++; }
      else if (dataFrames % 9 === 5) { f[f.length - 3] ^= 0xff; damaged[1]++; }
      else if (dataFrames % 7 === 2) { var g = new Uint8Array(f.length + 1); g.set(f, 1); f = new Uint8Array(g.buffer, 1, f.length); damaged[2]++; }
    }
    B.iface.input(f, f.length, (dataFrames & 1) === 0);
  }
}
function toA() { while (ba.length) { var f = ba.shift(); A.iface.input(f, f.length, true); } }
var bc = null;
B.tcp.listen(5001, function (c) { bc = c; });
var quiet = { onConnect: function () {}, onReadable: function () {}, onEnd: function () {}, onWritable: function () {}, onClose: function () {} };
var ac = A.tcp.connect(0xc6120002, 5001, quiet);
var TOTAL = 64000, sizes = [1460, 1001, 3, 700, 1459, 2], sent = 0, got = 0, k = 0, bad = 0;
var out = new Uint8Array(3000);
for (var r = 0; r < 2000 && got < TOTAL; r++) {
  now += 20; A.poll(now); B.poll(now); toB(); toA();
  if (!bc) continue;
  for (var j = 0; j < 3; j++) {
    var n = sizes[k % sizes.length];
    if (sent + n > TOTAL) n = TOTAL - sent;
    var piece = new Uint8Array(n);
    for (var i = 0; i < n; i++) piece[i] = (sent + i) * 7 & 255;
    var took = n > 0 ? A.tcp.send(ac, piece, 0, n) : 0;
    sent += took; if (took === n) k++;
  }
  toB(); toA();
  var m;
  while ((m = B.tcp.recv(bc, out, 0, 3000)) > 0) { for (i = 0; i < m; i++) if (out[i] !== ((got + i) * 7 & 255)) bad++; got += m; }
}
var ic = B.iface.counters, tc = B.tcp.counters;
print("RESULT " + JSON.stringify({ sent: sent, got: got, bad: bad, damaged: damaged, dropIpChecksum: ic.dropIpChecksum,
  dropChecksum: tc.dropChecksum, predicted: tc.predicted, cleanPredicted: cleanPredicted, fastAcks: tc.fastAcks, dataFrames: dataFrames }));
quit();
`;

if (!bin) {
  console.log(skipReason);
  test.skip('header prediction in Espruino (ESPRUINO not set)', () => {});
} else {
  test('header prediction in Espruino: damaged frames are dropped and counted by their layer, the stream arrives intact', async () => {
    const saved = process.env.ESPRUINO;
    process.env.ESPRUINO = bin;
    let r;
    try { r = await runWithBundle(SCRIPT, 120000, bundle); } finally { process.env.ESPRUINO = saved; }
    const line = r.out.split('\n').find((l) => l.includes('RESULT {'));
    assert.ok(line, r.out.slice(-1500));
    const res = JSON.parse(line!.slice(line!.indexOf('RESULT {') + 7));
    console.log('espruino:', JSON.stringify(res));
    assert.is(res.got, 64000, 'every byte read');
    assert.is(res.bad, 0, 'in order, intact');
    assert.ok(res.damaged[0] > 0 && res.damaged[1] > 0 && res.damaged[2] > 0, 'each damage happened');
    assert.is(res.dropIpChecksum, res.damaged[0], 'each bad IPv4 header dropped by the interface');
    assert.is(res.dropChecksum, res.damaged[1], 'each bad segment dropped by TCP');
    assert.ok(res.cleanPredicted >= 15, 'most of the first 20 data frames (none damaged) predicted');
    assert.ok(res.fastAcks > 0, 'fast ACKs sent');
  });
}

test.run();
