// What a peer can make the board hold (issue 21), measured in the real interpreter with the chip
// bundle in Storage (ESPRUINO; blocks are a Pico's with its Pico layout). Two stacks in one
// interpreter: the peer A (198.18.0.1) makes the segments, the board B (198.18.0.2, echo-like
// listener on 7, memory watched with the default 400-block reserve) takes them; free blocks are
// process.memory().free (after a collection).
// - blocks per half-open connection: 100 SYNs from A's connections to B, B's SYN,ACKs dropped;
// - blocks per established connection at each ring size (536, 1024, 2048 bytes each way);
// - the most connections B serves at once with maxConns 64 and default 2048-byte rings, sized
//   down from what is free (the rings of the last ones);
// - two SYN floods (5000 SYNs each by default; the board test sends 20,000 in 2 s through the
//   simulator), one SYN of A's rewritten, its checksums updated: from A's address and changing
//   ports (a resolved next hop, as a flood through the gateway: cookies), then from made-up
//   addresses on the link (not answered: Interface.reachable); B's free memory before, the least
//   seen (every 1000), and after; the time a SYN takes in input() in empty-loop iterations.
import { runWithBundle } from '../../test/helpers/espruino.ts';
import { chipBundle } from './espruino.ts';

const SCRIPT = `
var s = require("synack");
function drv(mac, q) {
  return { mac: new Uint8Array(mac), q: q, recv: function () { return 0; }, link: function () { return true; },
    send: function (f, len) { if (q.drop) return true; var c = new Uint8Array(len); c.set(f.subarray(0, len)); q.push(c); return true; } };
}
var free = function () { return process.memory().free; };
var fb = function (gc) { return process.memory(gc).free; };
var ab = [], ba = [];
var A = s.createStack(drv([2,0,0,0,0,1], ab), { ip: "198.18.0.1/24", apps: false, tcp: { maxConns: 200, sndBuf: 16, rcvBuf: 16, oooRanges: 0, synRetries: 0 } });
var B = s.createStack(drv([2,0,0,0,0,2], ba), { ip: "198.18.0.2/24", apps: false, freeBlocks: fb, tcp: { maxConns: 64 } });
var user = { onConnect: function () {}, onReadable: function () {}, onEnd: function () {}, onWritable: function () {}, onClose: function () {} };
var held = [];
B.tcp.listen(7, function (c) { c.user = user; held.push(c); });
var now = 0;
function deliver(q, to) { while (q.length) { var f = q.shift(); to.iface.input(f, f.length, true); } }
function step() { now += 1; A.poll(now); B.poll(now); deliver(ab, B); deliver(ba, A); }
// ARP both ways first.
A.tcp.connect(0xc6120002, 9, user); for (var i = 0; i < 20; i++) step();
var out = {};
// One SYN of A's to B's port 7, then copies of it from other addresses and ports, the checksums
// updated (RFC 1624: the one's complement sum of the changes).
var ca = A.tcp.connect(0xc6120002, 7, user, { localPort: 20000 });
var t = ab.splice(0, ab.length)[0];
A.tcp.abort(ca); ab.splice(0, ab.length);
var sum0 = (t[50] << 8) | t[51], w0 = (t[28] << 8) | t[29], w1 = (t[34] << 8) | t[35];
function syn(i, made) {
  var hostb = made ? 20 + (i % 230) : 1, port = 1024 + ((i * 7919) % 60000);
  var x = (~sum0 & 0xffff) + (~w0 & 0xffff) + (~w1 & 0xffff) + ((t[28] << 8) | hostb) + port;
  x = (x & 0xffff) + (x >>> 16); x = (x & 0xffff) + (x >>> 16);
  var f = new Uint8Array(t.length); f.set(t);
  f[29] = hostb; f[34] = port >> 8; f[35] = port & 255;
  var ip = 0; f[24] = 0; f[25] = 0; for (var k = 14; k < 34; k += 2) ip += (f[k] << 8) | f[k + 1];
  ip = (ip & 0xffff) + (ip >>> 16); ip = (ip & 0xffff) + (ip >>> 16); ip = ~ip & 0xffff; f[24] = ip >> 8; f[25] = ip & 255;
  x = ~x & 0xffff; f[50] = x >> 8; f[51] = x & 255;
  return f;
}
// Half-open: 100 SYNs to B; its SYN,ACKs dropped.
ba.drop = true;
var f0 = free();
for (i = 0; i < 100; i++) { var g = syn(i); B.iface.input(g, g.length, true); }
g = null;
var f1 = free();
out.halfOpen = { syns: 100, kept: B.tcp.halfOpen(0), cookies: B.tcp.counters.synCookies, blocks: f0 - f1 };
// The flood: from A's address (a resolved next hop, as a flood through the gateway is: each SYN
// answered, with a cookie once the cache is full), then from made-up addresses on the link
// (unresolved: not answered, Interface.reachable).
var least = f1, N = FLOOD_N, spent = 0, spentMade = 0;
for (i = 100; i < 100 + 2 * N; i++) {
  g = syn(i, i >= 100 + N);
  var t0 = getTime();
  B.iface.input(g, g.length, true);
  if (i >= 100 + N) spentMade += getTime() - t0; else spent += getTime() - t0;
  if (i % 1000 === 999) { now += 100; B.poll(now); var fr = free(); if (fr < least) least = fr; }
}
g = null;
var f2 = free();
var L = 20000, t1 = getTime(); for (var j = 0; j < L; j++) {} var loop = (getTime() - t1) / L;
out.flood = { perSynMs: spent / N * 1000, perSynLoops: spent / N / loop, madeLoops: spentMade / N / loop, syns: N, before: f1, least: least, after: f2, kept: B.tcp.halfOpen(0), cookies: B.tcp.counters.synCookies, dropNoConn: B.tcp.counters.dropNoConn };
ba.drop = false;
// Established, at each ring size: A's own connections (the rings are allocated by connect).
out.conn = {};
[536, 1024, 2048].forEach(function (n) {
  ab.splice(0, ab.length);
  var a0 = free(), cs = [];
  for (var j = 0; j < 2; j++) cs.push(A.tcp.connect(0xc6120002, 9, user, { sndBuf: n, rcvBuf: n, localPort: 30000 + n + j }));
  var a1 = free();
  out.conn[n] = (a0 - a1) / 2;
  cs.forEach(function (c) { A.tcp.abort(c); });
  cs = null;
});
ab.splice(0, ab.length);
// The most B serves: clients until B refuses one (for memory or the table).
A.tcp.conns.slice().forEach(function (c) { A.tcp.abort(c); });
for (i = 0; i < 20; i++) step();
var before = free(), made = 0;
for (i = 0; i < 64; i++) {
  A.tcp.connect(0xc6120002, 7, user, { localPort: 40000 + i });
  for (k = 0; k < 3; k++) step();
  if (held.length === made) break;
  made = held.length;
}
var last = held[held.length - 1];
out.most = { served: held.length, refusedLowMem: B.tcp.counters.dropLowMem, tableFull: B.tcp.counters.tableFull, freeBefore: before, freeAfter: free(),
  lastRings: last ? [last.writable] : null };
var mem = process.memory();
out.total = mem.total; out.blocksize = mem.blocksize;
print("RES " + JSON.stringify(out));
quit();
`;

export interface ResourceFigures {
  total: number; blocksize: number;
  halfOpen: { syns: number; kept: number; cookies: number; blocks: number };
  flood: { perSynMs: number; perSynLoops: number; madeLoops: number; syns: number; before: number; least: number; after: number; kept: number; cookies: number };
  conn: { [ring: string]: number };
  most: { served: number; refusedLowMem: number; tableFull: number; freeBefore: number; freeAfter: number; lastRings: number[] | null };
}

/** Prints the figures (a row per figure); a string when the interpreter did not finish. */
export async function resourceFigures(row: (name: string, value: string) => void, flood = 5000): Promise<void> {
  const run = await runWithBundle(SCRIPT.replace("FLOOD_N", String(flood)), 600000, chipBundle);
  const line = run.out.split('\n').find((l) => l.includes('RES {'));
  if (!line) { row("could not run", run.out.slice(-1500)); return; }
  const r = JSON.parse(line.slice(line.indexOf('RES {') + 4)) as ResourceFigures;
  const pico = r.total === 5100 && r.blocksize === 13 ? ' (a Pico\'s layout)' : ` (${r.total} blocks of ${r.blocksize} bytes: not a Pico\'s)`;
  console.log(`what a peer can make the board hold (issue 21)${pico}`);
  row('half-open connections: 100 SYNs', `${r.halfOpen.blocks} blocks in all (${(r.halfOpen.blocks / r.halfOpen.syns).toFixed(2)} per SYN): ${r.halfOpen.kept} kept in the SYN cache, ${r.halfOpen.cookies} answered with cookies`);
  for (const n of Object.keys(r.conn)) row(`an established connection, rings of ${n} bytes each way`, `${r.conn[n]} blocks`);
  row('most connections served at once (maxConns 64, rings 2048 sized down)', `${r.most.served} (then refused: ${r.most.refusedLowMem} for memory, ${r.most.tableFull} table full; the last one's send ring ${r.most.lastRings ? r.most.lastRings[0] : '-'} bytes; free ${r.most.freeBefore} -> ${r.most.freeAfter} blocks)`);
  row(`SYN flood of ${r.flood.syns} from a resolved next hop: time per SYN`, `${r.flood.perSynMs.toFixed(2)} ms on this host, ${Math.round(r.flood.perSynLoops)} empty-loop iterations (answered with a cookie; its keyed hash about a ninth of it)`);
  row(`  the same from ${r.flood.syns} made-up addresses on the link`, `${Math.round(r.flood.madeLoops)} empty-loop iterations (not answered: their next hop unresolved)`);
  row(`SYN floods of ${r.flood.syns} and ${r.flood.syns}: free blocks`, `${r.flood.before} before, least ${r.flood.least} during (lowered by ${r.flood.before - r.flood.least}; goal at most 100), ${r.flood.after} after; ${r.flood.kept} half-open kept, ${r.flood.cookies} cookies`);
}
