// Figures in a Pico's own time (issue 25), and the idle poll.
//
// The calibration. A public measurement of a real Espruino Pico is the Leibniz loop posted on the
// Espruino forum ("Float Speed: Espruino Pico vs Pyboard", 23 December 2017): with a global `i`,
//   for (i = 2; i < iterations + 2; i++) { x = x * -1; pi = pi + (x / (2*i-1)); }
// took 458 s for 1,000,000 iterations on a Pico, 458 us an iteration (2017 firmware: approximate).
// Every interpreter run that gives a figure also runs that loop (LEIBNIZ_JS), so the figure's unit,
// an empty `for` iteration of the same run, converts to a Pico's time:
//   one empty iteration on a Pico = 458 us / (Leibniz iteration / empty iteration, this run).
// Host timings and callgrind's instruction counts are both ratios within one run; the Pico's
// milliseconds are those ratios times the forum's figure.
//
// The idle poll: stack.poll() on a board nobody talks to, counted by callgrind (instructions, so
// machine load does not move it) in the 64-bit build with the bundle in RAM, pretokenised, as on a
// board whose flash is memory-mapped (a Pico's layout cannot hold the bundle's text in RAM, and
// the Linux build reads Storage through a file: not a board's cost). The board drives it with
// start() and the driver of the memory bench (nothing received); the loop's timers are stopped
// and poll is called as the board's loop would call it, at its idle poll rate.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteStringLiteral } from '../pretokenise.ts';

const root = join(import.meta.dirname, '..', '..');

/** A Pico's Leibniz iteration, us (the forum's 458 s for 1,000,000). */
export const PICO_LEIBNIZ_US = 458;

/** The forum loop, exactly: top-level code, globals x, pi, i and iterations (declared by the
 *  script that runs it), `n` iterations. */
export const leibnizLoop = (n: number) => `iterations = ${n}; x = 1; pi = 1; for (i = 2; i < iterations + 2; i++) { x = x * -1; pi = pi + (x / (2*i-1)); }`;

/** Timed calibration, top-level statements of a script that measures with getTime: sets the
 *  global `cal` to { leibUs, loopUs }, one Leibniz and one empty iteration in us, the best of
 *  three rounds each (noise only ever adds). */
export const LEIBNIZ_JS = `var cal = { leibUs: 1e9, loopUs: 1e9 }, calR, calT, calJ, iterations, x, pi;
for (calR = 0; calR < 3; calR++) {
  calT = getTime(); ${leibnizLoop(20000)} calT = (getTime() - calT) / 20000 * 1e6; if (calT < cal.leibUs) cal.leibUs = calT;
  calT = getTime(); for (calJ = 0; calJ < 20000; calJ++) {} calT = (getTime() - calT) / 20000 * 1e6; if (calT < cal.loopUs) cal.loopUs = calT;
}
`;

/** How many empty-loop iterations one Leibniz iteration is worth, in some run. */
export interface Calibration { leibniz: number }

/** Pico milliseconds for `iterations` empty-loop iterations of a run calibrated by `cal`. */
export function picoMs(iterations: number, cal: Calibration): number {
  return iterations * (PICO_LEIBNIZ_US / cal.leibniz) / 1000;
}

/** "about N ms on a Pico" for a figure in empty-loop iterations. */
export function picoText(iterations: number, cal: Calibration | null | undefined): string {
  if (!cal) return 'Pico time: not calibrated';
  const ms = picoMs(iterations, cal);
  return `about ${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms on a Pico`;
}

/** A host duration in ms, as a Pico's (the same run's Leibniz iteration, host us). */
export function picoMsFromHost(hostMs: number, leibUs: number): number {
  return hostMs * PICO_LEIBNIZ_US / leibUs;
}

/** The binary valgrind should run for `bin`: the one a two-line wrapper script
 *  (`exec /path/espruino "$@"`, docs/espruino.md) names, else `bin` itself. */
export function callgrindBinary(bin: string): string {
  const wrapped = /^#!.*\n\s*exec\s+(\S+)\s+"\$@"\s*$/m.exec(readFileSync(bin, 'latin1').slice(0, 4096));
  return wrapped ? wrapped[1] : bin;
}

/** Runs `script` in `bin` under callgrind, collecting inside Function.call (the calls counted),
 *  Array.forEach (an empty loop of L iterations) and eval (the forum's Leibniz loop of LN
 *  iterations, run by eval at the top level: its variables are globals, as in the forum's). The script prints `CG calls L LN`. Returns the counted calls' cost and the
 *  Leibniz loop's, both in empty-loop iterations, or why it could not run. */
export function callgrindCalls(bin: string, script: string): { perCall: number; calls: number; cal: Calibration } | string {
  const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (!have('valgrind') || !have('callgrind_annotate')) return 'valgrind not installed';
  bin = callgrindBinary(bin);
  if (/qemu/.test(bin)) return 'the interpreter runs under qemu: callgrind needs a native build';
  const dir = mkdtempSync(join(tmpdir(), 'synack-cg-'));
  try {
    const file = join(dir, 'run.js'), out = join(dir, 'cg.out');
    // The Leibniz loop first, while the interpreter has few globals: a global's lookup walks the
    // global scope, so the same loop is slower once a bundle and a stack are loaded (measured:
    // 3.5 empty iterations in a bare 64-bit interpreter, 4.1 after the board's idle script).
    writeFileSync(file, `var iterations, x, pi;\neval(${JSON.stringify(leibnizLoop(LEIBNIZ_N))});\n` + script, 'latin1');
    const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=' + out, '--toggle-collect=jswrap_function_apply_or_call',
      '--toggle-collect=jswrap_array_forEach', '--toggle-collect=jswrap_eval', bin, file], { encoding: 'latin1', timeout: 600000, cwd: dir });
    const m = /CG (\d+) (\d+) (\d+)/.exec(r.stdout || '');
    if (!m) return (r.stdout || '').slice(-400) + (r.stderr || '').slice(-400);
    const ann = spawnSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', out], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout || '';
    const count = (fn: string): number => {
      const line = ann.split('\n').find((l) => new RegExp(':' + fn + '( |$)').test(l));
      return line ? Number(line.trim().split(/\s+/)[0].replace(/,/g, '')) : NaN;
    };
    const iter = count('jswrap_array_forEach') / Number(m[2]);
    const calls = Number(m[1]);
    return { perCall: calls ? count('jswrap_function_apply_or_call') / calls / iter : 0, calls: calls, cal: { leibniz: count('jswrap_eval') / Number(m[3]) / iter } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Leibniz iterations of a callgrind run (callgrindCalls runs them first). */
const LEIBNIZ_N = 5000;

/** The units every callgrind script ends with: L empty iterations in a forEach, then
 *  `CG calls L LN` (LN: the Leibniz iterations callgrindCalls runs before the script). */
export const callgrindUnits = (calls: string, L = 20000) => `
var L = ${L};
[0].forEach(function () { for (var j = 0; j < L; j++) {} });
print("CG " + (${calls}) + " " + L + " " + ${LEIBNIZ_N});
quit();
`;

/** Callgrind's calibration alone: the Leibniz iteration in empty iterations (deterministic). */
export function callgrindCalibration(bin: string): Calibration | string {
  const r = callgrindCalls(bin, callgrindUnits('0'));
  return typeof r === 'string' ? r : r.cal;
}

const cached = (name: string, file: string) => 'Modules.addCached(' + JSON.stringify(name) + ', ' + byteStringLiteral(readFileSync(join(root, 'dist', file), 'latin1')) + ');\n';

/** The board of the memory bench, started and its loop stopped: `st` is its stack, `now` a time
 *  past start-up (a second of polls at the idle rate has run). */
function boardScript(ip: string, apps: boolean): string {
  return cached('synack', 'synack-enc28j60.tok') + cached('synack-apps', 'synack-apps.tok') + cached('synack-dhcp', 'synack-dhcp.tok') + `
var drv = { mac: new Uint8Array([2,0,0,0,0,1]), txBuf: new Uint8Array(1514), send: function () { return true; },
  recv: function () { return 0; }, recvFrame: function () { return null; }, link: function () { return true; } };
var b = require("synack").start({ driver: drv, ip: ${JSON.stringify(ip)}, apps: ${apps ? 'undefined' : 'false'}, networkjs: false });
b.stop();
var st = b.stack, now = Math.floor(getTime() * 1000), k, n = 0, next = 0;
for (k = 0; k < 10; k++) { now += 100; st.poll(now); }
`;
}

export interface IdleCase { name: string; ip: string; apps: boolean }
export const IDLE_CASES: IdleCase[] = [
  { name: 'static address, apps: false', ip: '198.18.0.2/24', apps: false },
  { name: 'static address, the default apps', ip: '198.18.0.2/24', apps: true },
  { name: 'DHCP (no server answering), apps: false', ip: 'dhcp', apps: false },
  { name: 'DHCP (no server answering), the default apps', ip: 'dhcp', apps: true },
];

/** One idle poll, `rate` ms after the last, averaged over `seconds` of idling as the board's loop
 *  polls: every `rate` ms, sooner when poll asks (a DHCP retransmission, a memory sample), so
 *  that whatever runs on a slower clock is in the average. Returns the polls made, and the
 *  average poll in empty-loop iterations. */
export function idlePollCost(bin: string, c: IdleCase, rate: number, seconds: number): { perCall: number; calls: number; cal: Calibration } | string {
  const script = boardScript(c.ip, c.apps) + `
var p = st.poll, end = now + ${seconds * 1000};
while (now < end) { now += next < ${rate} ? (next > 0 ? next : 1) : ${rate}; next = p.call(st, now); n++; }
` + callgrindUnits('n');
  return callgrindCalls(bin, script);
}

/** Where an idle poll goes (SYNACK_BENCH_PARTS=1): each part called on its own over the started
 *  board, the cost per call in empty-loop iterations. Before issue 25 every poll ran iface.poll,
 *  tcp.poll and process.memory(false); now an idle poll runs none of them. */
export const IDLE_PARTS: { name: string; call: string }[] = [
  { name: 'stack.poll, the whole idle poll', call: 'st.poll.call(st, now)' },
  { name: 'iface.poll (driver, ARP table, each handler\'s poll: the full pass)', call: 'st.iface.poll.call(st.iface, now)' },
  { name: 'tcp.poll (the connection table: the full pass)', call: 'st.tcp.poll.call(st.tcp, now)' },
  { name: 'the driver\'s recvFrame (nothing received)', call: 'drv.recvFrame.call(drv)' },
  { name: 'free memory, process.memory(false).free', call: 'st.iface.freeBlocks.call(null, false)' },
  { name: 'dhcp.poll (DHCP only: the full pass)', call: 'st.dhcp ? st.dhcp.poll.call(st.dhcp, now) : 0' },
  { name: 'an empty function, called the same way (the call itself)', call: 'nop.call(null, now)' },
];

export function idlePart(bin: string, c: IdleCase, call: string, step = 100): { perCall: number; cal: Calibration } | string {
  const script = boardScript(c.ip, c.apps) + `
var nop = function (t) {}, N = 200;
for (k = 0; k < N; k++) { now += ${step}; ${call}; }
` + callgrindUnits('N');
  return callgrindCalls(bin, script);
}

function row(name: string, value: string): void { console.log(`  ${name.padEnd(52)} ${value}`); }

/** npm run bench's section: the calibration, the idle poll's parts, the idle poll per case and
 *  as a share of a Pico's CPU at the board's idle poll rates (100 ms; 1000 ms with `int`). */
export async function picoFigures(): Promise<void> {
  const bin = process.env.ESPRUINO_LARGE || process.env.ESPRUINO;
  if (!bin) { console.log('Pico time: ESPRUINO_LARGE (or ESPRUINO) not set'); return; }
  console.log(`an idle board in a Pico's time (${bin}: callgrind, the enc28j60 bundle pretokenised in RAM; tools/bench/pico.ts)`);
  const cal = callgrindCalibration(bin);
  if (typeof cal === 'string') { row('calibration', 'did not run: ' + cal.trim().split('\n').slice(-1)[0]); return; }
  row('the forum\'s Leibniz iteration (458 us on a Pico)', `${cal.leibniz.toFixed(2)} empty-loop iterations of a bare interpreter: one empty iteration is about ${(PICO_LEIBNIZ_US / cal.leibniz).toFixed(0)} us on a Pico (each figure below is converted with its own run's loop: the unit slows as globals accumulate)`);
  if (process.env.SYNACK_BENCH_PARTS) {
    for (const c of IDLE_CASES.slice(0, 2)) {
      console.log(`  where an idle poll goes (${c.name}; each part called on its own, 100 ms apart)`);
      for (const p of IDLE_PARTS) {
        const v = idlePart(bin, c, p.call);
        row(p.name, typeof v === 'string' ? 'did not run' : `${v.perCall.toFixed(1)} iterations`);
      }
    }
  }
  for (const c of IDLE_CASES) {
    // 200 polls 5 ms apart: one second, in which nothing is due (DHCP's next try is seconds away).
    const nd = idlePart(bin, c, 'st.poll.call(st, now)', 5);
    row(`idle poll, ${c.name}, nothing due`, typeof nd === 'string' ? 'did not run: ' + nd.trim().split('\n').slice(-1)[0] : `${nd.perCall.toFixed(1)} iterations (goal 20: ${nd.perCall <= 20 ? 'met' : 'OVER'}), ${picoText(nd.perCall, nd.cal)}`);
    for (const rate of [100, 1000]) {
      const r = idlePollCost(bin, c, rate, rate === 100 ? 60 : 600);
      if (typeof r === 'string') { row(`idle poll, ${c.name}`, 'did not run: ' + r.trim().split('\n').slice(-1)[0]); continue; }
      // The CPU share: the polls made over the time idled, each the average poll.
      const seconds = rate === 100 ? 60 : 600;
      const share = picoMs(r.perCall, r.cal) * r.calls / (seconds * 1000) * 100;
      row(`  every ${rate} ms${rate === 1000 ? ' (int)' : ''}, with what comes due`, `${r.perCall.toFixed(1)} iterations a poll on average, ${picoText(r.perCall, r.cal)}; ${r.calls} polls in ${seconds} s: ${share.toFixed(2)}% of a Pico's CPU`);
    }
  }
}

if (process.argv[1] && /bench[\\/]pico\.ts$/.test(process.argv[1])) {
  picoFigures().then(() => process.exit(0));
}
