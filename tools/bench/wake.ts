// Wake on a frame (issue 15): the ping round trip to an idle board, in the real interpreter with
// the enc28j60 bundle as flashed, its board loop (start(), firmware/board.ts) on Espruino's own
// timers. Once with a driver that wakes the board when a frame is handed to it (setWake, as a
// pipe driver's data event or the INT pin's watch would), once with the same driver without
// setWake, where the frame waits for the 100 ms idle poll. Measured in the interpreter because
// what wake on frames removes is the wait in the interpreter's timer loop; the simulator's
// SimHost always woke on frames (virtual time, no sleep to measure). The peer is a second stack
// in the same interpreter that answers at once; 20 pings, each sent after a pause of 50 to 150 ms
// so they fall at every phase of the idle timer. The bundle is pretokenised in RAM: the Linux
// build's file-backed Storage makes every statement several times slower than a board's flash
// (docs/budgets.md). Besides the round trip, the wait of each request in the board's queue (from
// the peer's send to the board's poll that takes it): the part that wake on frames removes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEspruino } from '../../test/helpers/espruino.ts';
import { byteStringLiteral } from '../pretokenise.ts';

const root = join(import.meta.dirname, '..', '..');

const script = (wake: boolean) => `
var s = require("synack");
var toBoard = [], sentAt = [], waits = [], toPeer = [], boardWake = null, peerSoon = false;
function pollPeer() { peerSoon = false; peer.poll(getTime() * 1000); }
var board = s.start({ ip: "198.18.0.2/24", apps: false, networkjs: false, memReserve: 0, driver: {
  mac: new Uint8Array([2,0,0,0,0,2]), link: function () { return true; },
  send: function (f, len) { var c = new Uint8Array(len); c.set(new Uint8Array(f.buffer, f.byteOffset, len)); toPeer.push(c);
    if (!peerSoon) { peerSoon = true; setTimeout(pollPeer, 0); } return true; },
  recv: function (buf) { var f = toBoard.shift(); if (!f) return 0; if (f.length === 98) waits.push((getTime() - sentAt.shift()) * 1000); buf.set(f); return f.length; }${wake ? ',\n  setWake: function (w) { boardWake = w; }' : ''} } });
var peer = require("synack-full").createStack({ mac: new Uint8Array([2,0,0,0,0,1]), link: function () { return true; },
  send: function (f, len) { var c = new Uint8Array(len); c.set(new Uint8Array(f.buffer, f.byteOffset, len)); toBoard.push(c); if (len === 98) sentAt.push(getTime()); if (boardWake) boardWake(); return true; },
  recv: function (buf) { var f = toPeer.shift(); if (!f) return 0; buf.set(f); return f.length; } }, { ip: "198.18.0.1/24", apps: false });
var pingAt = 0, rtts = [], seq = 0, data = new Uint8Array(56);
peer.iface.register(1, { input: function (src, dst, buf, off, len) { if (buf[off] === 0 && pingAt) { rtts.push((getTime() - pingAt) * 1000); pingAt = 0; next(); } },
  poll: function () { return 0x7fffffff; } });
function ping() { pingAt = getTime(); peer.iface.sendPing(0xc6120002, 1, seq++, data, 0, 56); peer.poll(getTime() * 1000); }
function next() {
  if (rtts.length >= 21) { rtts.shift(); waits.shift(); print("WAKEBENCH " + JSON.stringify({ rtts: rtts, waits: waits })); quit(); return; }
  setTimeout(ping, 50 + (rtts.length * 37) % 100);
}
setTimeout(ping, 200);
setTimeout(function () { print("TIMEOUT " + JSON.stringify(rtts)); quit(); }, 30000);
`;

export interface PingTimes { rtts: number[]; waits: number[] }
export interface WakeFigures { wake: PingTimes; timer: PingTimes }

/** Ping round trips and the requests' waits for a poll, in ms (the first ping, with ARP, left
 *  out), with and without wake. Two stacks: needs more than a Pico's memory (ESPRUINO_LARGE,
 *  else ESPRUINO). */
export async function wakeFigures(): Promise<WakeFigures | string> {
  const bundle = readFileSync(join(root, 'dist', 'synack-enc28j60.tok'), 'latin1');
  const full = readFileSync(join(root, 'dist', 'synack.tok'), 'latin1');
  const saved = process.env.ESPRUINO;
  if (process.env.ESPRUINO_LARGE) process.env.ESPRUINO = process.env.ESPRUINO_LARGE;
  try {
    const out: PingTimes[] = [];
    for (const wake of [true, false]) {
      // The board runs the chip bundle as flashed; the peer the full bundle, whose names are
      // whole (it pings through Interface.sendPing, which the board bundle has no use for).
      const r = await runEspruino('Modules.addCached("synack", ' + byteStringLiteral(bundle) + ');\nModules.addCached("synack-full", ' + byteStringLiteral(full) + ');\n' + script(wake), 60000);
      const line = r.out.split('\n').find((l) => l.includes('WAKEBENCH {'));
      if (!line) return r.out.trim().split('\n').slice(-3).join(' / ');
      out.push(JSON.parse(line.slice(line.indexOf('WAKEBENCH {') + 10)) as PingTimes);
    }
    return { wake: out[0], timer: out[1] };
  } finally { process.env.ESPRUINO = saved; }
}

export function summary(rtts: number[]): string {
  const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
  const sorted = rtts.slice().sort((a, b) => a - b);
  return `average ${avg.toFixed(1)} ms, median ${sorted[sorted.length >> 1].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)} (${rtts.length} pings)`;
}
