// The board budgets measured in the real interpreter (ESPRUINO: an Espruino Linux build; the
// memory figures need its Pico layout, 5100 blocks of 13 bytes). The chip bundle is written to
// Storage as the module "synack", as `npm run flash` does, so its code stays in flash.
// - idle: blocks in use after require("synack"), a started stack (static address, no apps) and
//   polls with nothing to do, minus the blocks of the bare interpreter;
// - net: what the net-style API's module ("synack-net", beside the bundle in Storage) adds when
//   a program first uses stack.net;
// - per connection: blocks one more net-style connection adds (socket and control block),
//   minus its two rings; again for one with a 'data' listener (the listener table it makes);
// - segment cost: one stack receives 1460-byte segments from another in the same interpreter;
//   the time of the receiver's input(frame) (parse, checksums, TCP processing, the copy into
//   the ring and the ACK it sends, every second segment at once) per segment, divided by the
//   time of one empty `for` iteration timed in the same run.
import { dirname, extname, join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { runEspruino, runWithBundle } from '../../test/helpers/espruino.ts';
import { byteStringLiteral } from '../pretokenise.ts';
import { LEIBNIZ_JS, leibnizLoop, callgrindBinary } from './pico.ts';

export interface EspruinoFigures {
  total: number; blocksize: number;
  base: number; loaded: number; idle: number;
  /** The net-style API's module ("synack-net"), loaded on first use of stack.net. */
  net: number;
  conn: number; rings: number;
  /** The same with one 'data' listener on the socket (its listener table). */
  connListening: number;
}
export interface SegmentCost { perSegmentMs: number; loopIterMs: number; ratio: number; segments: number; acks: number; bytes: number;
  /** The forum's Leibniz iteration in empty iterations, the same run (tools/bench/pico.ts). */
  leibniz: number }

const root = join(import.meta.dirname, '..', '..');
/** The enc28j60 board bundle as `npm run flash` writes it (pretokenised). */
export const chipBundle = join(root, 'dist', 'synack-enc28j60.tok');

// A driver shaped like the chip drivers, with nothing to receive: its own transmit buffer the
// stack builds frames in, and zero-copy receive (so the stack keeps no buffer of its own).
export const IDLE_CHIP_DRIVER = `var drv = { mac: new Uint8Array([2,0,0,0,0,1]), txBuf: new Uint8Array(1514), send: function () { return true; },
  recv: function () { return 0; }, recvFrame: function () { return null; }, link: function () { return true; } };`;

// A driver whose sends are copied into the queue q (delivered by the script to the other stack),
// whose chip filters frames for other stations as the chip drivers' do (EthernetDriver.macFilter).
const QUEUE_DRIVER = `function drv(mac, q) {
  return { mac: new Uint8Array(mac), q: q, macFilter: true, recv: function () { return 0; }, link: function () { return true; },
    send: function (f, len) { var c = new Uint8Array(len); c.set(f.subarray(0, len)); q.push(c); return true; } };
}`;

const MEMORY_SCRIPT = `
var m = function () { return process.memory().usage; };
var base = m();
var s = require("synack");
var loaded = m();
${IDLE_CHIP_DRIVER}
var st = s.createStack(drv, { ip: "198.18.0.2/24", apps: false, tcp: { sndBuf: 512, rcvBuf: 512 } });
for (var i = 0; i < 10; i++) st.poll(i * 100);
var idle = m();
var netApi = st.net; // the net-style API: the "synack-net" module, loaded on first use
var net = m();
var a = netApi.connect({ host: "198.18.0.1", port: 80 });
st.poll(1000);
var one = m();
var b = st.net.connect({ host: "198.18.0.1", port: 81 });
st.poll(1001);
var two = m();
var onData = function () {};
var c3 = st.net.connect({ host: "198.18.0.1", port: 82 });
c3.on("data", onData);
st.poll(1002);
var three = m();
var rings = E.getSizeOf(new Uint8Array(512)) * 2; // the two rings, as the connection allocates them
var mem = process.memory();
print("FIG " + JSON.stringify({ total: mem.total, blocksize: mem.blocksize, base: base, loaded: loaded - base, idle: idle - base, net: net - idle, conn: two - one, connListening: three - two, rings: rings }));
quit();
`;

// Two stacks in one interpreter, A connected to B's port 5001 (bc is B's connection, ac A's), the
// 1460-byte segment's data and a sink for what B reads: what both segment-cost scripts start from.
// Each frame is a new array handed over for good (input's `keep`), as the chip drivers' frames are
// (EthernetDriver.rxFresh): the stack may hold a segment's data where it lies.
export const SEGMENT_SETUP = `var s = require("synack");
${QUEUE_DRIVER}
var ab = [], ba = [];
var tcpCfg = { sndBuf: 3000, rcvBuf: 3000, maxConns: 2, delAckMs: 100 };
var A = s.createStack(drv([2,0,0,0,0,1], ab), { ip: "198.18.0.1/24", apps: false, tcp: tcpCfg });
var B = s.createStack(drv([2,0,0,0,0,2], ba), { ip: "198.18.0.2/24", apps: false, tcp: tcpCfg });
var now = 0;
function deliver(q, to) { while (q.length) { var f = q.shift(); to.iface.input(f, f.length, true); } }
function step() { now += 1; A.poll(now); B.poll(now); deliver(ab, B); deliver(ba, A); }
var bc = null;
B.tcp.listen(5001, function (c) { bc = c; });
var user = { onConnect: function () {}, onReadable: function () {}, onEnd: function () {}, onWritable: function () {}, onClose: function () {} };
var ac = A.tcp.connect(0xc6120002, 5001, user);
for (var i = 0; i < 50 && !bc; i++) step();
var data = new Uint8Array(1460); for (i = 0; i < 1460; i++) data[i] = i & 255;
var sink = new Uint8Array(3000);
`;

const SEGMENT_SCRIPT = `
${LEIBNIZ_JS}
${SEGMENT_SETUP}var N = 200, spent = 0, acks = 0, bytes = 0, segs = 0;
for (var k = 0; k < N; k++) {
  A.tcp.send(ac, data, 0, 1460);
  while (ab.length) {
    var f = ab.shift();
    var before = ba.length;
    var t0 = getTime();
    B.iface.input(f, f.length, true);
    spent += getTime() - t0;
    segs++;
    acks += ba.length - before;
    bytes += B.tcp.recv(bc, sink, 0, 3000);
    deliver(ba, A);
  }
  now += 1; A.poll(now); B.poll(now); deliver(ba, A); deliver(ab, B);
}
var L = 20000, t1 = getTime(); for (var j = 0; j < L; j++) {} var loop = (getTime() - t1) / L;
print("SEG " + JSON.stringify({ perSegmentMs: spent / segs * 1000, loopIterMs: loop * 1000, ratio: (spent / segs) / loop, segments: segs, acks: acks, bytes: bytes, leibniz: cal.leibUs / cal.loopUs }));
quit();
`;

function parse<T>(out: string, tag: string): T | string {
  // The tag may follow the console's prompt on its line.
  const line = out.split('\n').find((l) => l.includes(tag + ' {'));
  return line ? JSON.parse(line.slice(line.indexOf(tag + ' {') + tag.length + 1).trim()) as T : out.slice(0, 800);
}

/** Memory figures; a string is the interpreter's output when the script did not finish. */
export async function memoryFigures(bundle = chipBundle): Promise<EspruinoFigures | string> {
  return parse<EspruinoFigures>((await runWithBundle(MEMORY_SCRIPT, 60000, bundle)).out, 'FIG');
}

/** The segment cost with the bundle in Storage (as on a board), or in RAM: the Linux build
 *  emulates flash with a file, so code run from Storage is slower there than on a board, where
 *  flash is memory-mapped; the two figures bound the board's. */
export async function segmentCost(fromRam: boolean, bundle = chipBundle): Promise<SegmentCost | string> {
  const run = fromRam
    ? await runEspruino('Modules.addCached("synack", ' + byteStringLiteral(readFileSync(bundle, 'latin1')) + ');\n' + SEGMENT_SCRIPT, 120000)
    : await runWithBundle(SEGMENT_SCRIPT, 120000, bundle);
  return parse<SegmentCost>(run.out, 'SEG');
}

// The same segment cost by instruction counts (valgrind's callgrind), which machine load does not
// move: only the receiver's input() calls (made through Function.call) and an empty loop of 20000
// iterations (run inside Array.forEach) are counted, by toggling collection on those two native
// functions. The bundle is in RAM, pretokenised, as on a board whose flash is memory-mapped.
const CALLGRIND_SCRIPT = `
${SEGMENT_SETUP}var inp = B.iface.input, segs = 0;
for (var k = 0; k < 60; k++) {
  A.tcp.send(ac, data, 0, 1460);
  while (ab.length) { var g = ab.shift(); inp.call(B.iface, g, g.length, true); segs++; B.tcp.recv(bc, sink, 0, 3000); deliver(ba, A); }
  now += 1; A.poll(now); B.poll(now); deliver(ba, A); deliver(ab, B);
}
var L = 20000;
[0].forEach(function () { for (var j = 0; j < L; j++) {} });
print("CGSEGS " + segs + " " + L);
quit();
`;

/** Instructions per received segment over instructions per empty-loop iteration, or why not. */
export async function segmentCostCallgrind(bundle = chipBundle): Promise<{ ratio: number; segments: number; leibniz: number } | string> {
  return callgrindRatio('Modules.addCached("synack", ' + byteStringLiteral(readFileSync(bundle, 'latin1')) + ');\n' + CALLGRIND_SCRIPT);
}

/** Runs `script` in ESPRUINO under callgrind, collecting only inside Function.call and
 *  Array.forEach. The script makes its counted calls through `.call`, runs an empty loop of L
 *  iterations inside a forEach, and prints `CGSEGS calls L`. Returns the instructions per
 *  counted call over those per loop iteration, or why it could not run. */
export function callgrindRatio(script: string): { ratio: number; segments: number; leibniz: number } | string {
  const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (!have('valgrind') || !have('callgrind_annotate')) return 'valgrind not installed';
  const dir = mkdtempSync(join(tmpdir(), 'synack-cg-'));
  try {
    const file = join(dir, 'seg.js'), out = join(dir, 'cg.out');
    // The forum's Leibniz loop first, in an eval (tools/bench/pico.ts): a Pico's time for the run.
    writeFileSync(file, `var iterations, x, pi;\neval(${JSON.stringify(leibnizLoop(5000))});\n` + script, 'latin1');
    const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=' + out, '--toggle-collect=jswrap_function_apply_or_call',
      '--toggle-collect=jswrap_array_forEach', '--toggle-collect=jswrap_eval', callgrindBinary(process.env.ESPRUINO!), file], { encoding: 'latin1', timeout: 600000 });
    const m = /CGSEGS (\d+) (\d+)/.exec(r.stdout || '');
    if (!m) return (r.stdout || '').slice(-400) + (r.stderr || '').slice(-400);
    const ann = spawnSync('callgrind_annotate', ['--inclusive=yes', out], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout || '';
    // CALLGRIND_ANNOTATE=FILE keeps the exclusive profile (where the interpreter spends the time).
    if (process.env.CALLGRIND_ANNOTATE) writeFileSync(process.env.CALLGRIND_ANNOTATE, spawnSync('callgrind_annotate', [out], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout || '');
    const count = (fn: string): number => {
      const line = ann.split('\n').find((l) => new RegExp(':' + fn + '( |$)').test(l));
      return line ? Number(line.trim().split(/\s+/)[0].replace(/,/g, '')) : NaN;
    };
    const perSeg = count('jswrap_function_apply_or_call') / Number(m[1]);
    const perIter = count('jswrap_array_forEach') / Number(m[2]);
    return { ratio: perSeg / perIter, segments: Number(m[1]), leibniz: count('jswrap_eval') / 5000 / perIter };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// NetworkJS polling: Espruino calls the adapter's recv for every open socket on every idle pass
// of its loop, so its cost on a connection with nothing waiting is what an idle board spends.
const RECV_SCRIPT = `
${LEIBNIZ_JS}
var s = require("synack");
${QUEUE_DRIVER}
var ab = [], ba = [];
var A = s.createStack(drv([2,0,0,0,0,1], ab), { ip: "198.18.0.1/24", apps: false });
var B = s.createStack(drv([2,0,0,0,0,2], ba), { ip: "198.18.0.2/24", apps: false });
var now = 0;
function deliver(q, to) { while (q.length) { var f = q.shift(); to.iface.input(f, f.length, true); } }
function step() { now += 1; A.poll(now); B.poll(now); deliver(ab, B); deliver(ba, A); }
B.tcp.listen(80, function (c) {});
var ad = s.networkjs(A, { create: function () {} });
var id = ad.create("198.18.0.2", 80, 0);
for (var i = 0; i < 50 && ad.recv(id, 536, 0) !== ""; i++) step();
var state = ad.recv(id, 536, 0);
// The best of five rounds each (timing noise only ever adds).
var spent = 1e9, loop = 1e9;
for (var r = 0; r < 5; r++) {
  var N = 5000, t0 = getTime();
  for (var k = 0; k < N; k++) ad.recv(id, 536, 0);
  var x = (getTime() - t0) / N; if (x < spent) spent = x;
  var L = 20000, t1 = getTime(); for (var j = 0; j < L; j++) {}
  var y = (getTime() - t1) / L; if (y < loop) loop = y;
}
print("RECV " + JSON.stringify({ ratio: spent / loop, connected: state === "", leibniz: cal.leibUs / cal.loopUs }));
quit();
`;

/** The NetworkJS adapter's recv on an idle connection, in empty-loop iterations (bundle in RAM;
 *  two stacks: needs more than a Pico's memory). */
export async function networkJsRecvCost(bundle = chipBundle): Promise<{ ratio: number; connected: boolean; leibniz: number } | string> {
  // The adapter's own module beside a chip bundle ("synack-networkjs", loaded on the first create).
  const adapter = join(dirname(bundle), 'synack-networkjs' + extname(bundle));
  const cached = (name: string, path: string) => 'Modules.addCached(' + JSON.stringify(name) + ', ' + byteStringLiteral(readFileSync(path, 'latin1')) + ');\n';
  const run = await runEspruino(cached('synack', bundle) + (/synack-(enc28j60|w5500)\./.test(bundle) ? cached('synack-networkjs', adapter) : '') + RECV_SCRIPT, 60000);
  return parse<{ ratio: number; connected: boolean; leibniz: number }>(run.out, 'RECV');
}

// Espruino's own http server over synack (NetworkJS): a second stack in the same interpreter
// fetches a 20 KB response; the time from connect to close.
const HTTP_SCRIPT = `
${LEIBNIZ_JS}
var s = require("synack");
var ab = [], ba = [];
function drv(mac, out, inq) {
  return { mac: new Uint8Array(mac), send: function (f, len) { out.push(new Uint8Array(f.buffer, f.byteOffset, len).slice()); return true; },
    recv: function (buf) { var f = inq.shift(); if (!f) return 0; buf.set(f); return f.length; }, link: function () { return true; } };
}
var board = s.start({ driver: drv([2,0,0,0,0,2], ab, ba), ip: "198.18.0.2/24", apps: false, idlePollMs: 1, memReserve: 0 });
var peer = s.createStack(drv([2,0,0,0,0,1], ba, ab), { ip: "198.18.0.1/24", apps: false, tcp: { rcvBuf: 8192 } });
setInterval(function () { peer.poll(getTime() * 1000); }, 1);
var body = ""; for (var i = 0; i < 320; i++) body += "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\\n";
require("http").createServer(function (req, res) { res.writeHead(200, {"Content-Type": "text/plain", "Content-Length": body.length}); res.end(body); }).listen(80);
setTimeout(function () {
  var t0 = getTime(), got = 0;
  var c = peer.net.connect({ host: "198.18.0.2", port: 80 });
  c.on("connect", function () { c.write("GET / HTTP/1.0\\r\\n\\r\\n"); });
  c.on("data", function (d) { got += d.length; });
  c.on("end", function () { c.end(); });
  c.on("close", function () { print("HTTPBENCH " + JSON.stringify({ bytes: got, ms: (getTime() - t0) * 1000, leibUs: cal.leibUs })); quit(); });
}, 300);
setTimeout(function () { print("TIMEOUT"); quit(); }, 60000);
`;

/** Espruino's http server sending a 20 KB response over synack, in ms (bundle in Storage; two
 *  stacks: needs more than a Pico's memory). */
export async function httpResponseTime(bundle = chipBundle): Promise<{ bytes: number; ms: number; leibUs: number } | string> {
  return parse<{ bytes: number; ms: number; leibUs: number }>((await runWithBundle(HTTP_SCRIPT, 90000, bundle)).out, 'HTTPBENCH');
}

// The board as flashed by default: start() with the default apps (echo, discard, the byte
// source, the status page), which use the net-style API, so both modules load.
const DEFAULT_SCRIPT = `
var m = function () { return process.memory().usage; };
var base = m();
${IDLE_CHIP_DRIVER}
var b = require("synack").start({ driver: drv, ip: IP, networkjs: false, idlePollMs: 50 });
setTimeout(function () {
  var mem = process.memory();
  print("DEF " + JSON.stringify({ used: m() - base, free: mem.free, listening: b.stack.tcp.listeners.length }));
  quit();
}, 500);
`;

/** Blocks in use with the default apps started (as flashed by default: the address by DHCP, which
 *  loads "synack-dhcp"; with `ip`, a static one), and blocks left free. */
export async function defaultFigures(bundle = chipBundle, ip = 'dhcp'): Promise<{ used: number; free: number; listening: number } | string> {
  return parse<{ used: number; free: number; listening: number }>((await runWithBundle('var IP = ' + JSON.stringify(ip) + ';' + DEFAULT_SCRIPT, 60000, bundle, true)).out, 'DEF');
}

if (process.argv[1] && /bench[\\/]espruino\.ts$/.test(process.argv[1])) {
  memoryFigures().then((f) => { console.log(f); return segmentCost(true); }).then((f) => console.log(f));
}
