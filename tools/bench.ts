// npm run bench: the figures (never asserted in tests): bundle size against its budget, TCP state
// per connection (and Espruino blocks when ESPRUINO is set), virtual-time transfer speed, and SPI
// transactions and bytes per frame for each chip driver.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { createStack } from '../firmware/stack.ts';
import '../firmware/apps/register.ts';
import { Conn, OOO } from '../firmware/tcp/tcp.ts';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimHost, SimNic } from '../host-sim/nic.ts';
import { Enc28j60Model } from '../host-sim/chips/enc28j60.ts';
import { Enc28j60 } from '../firmware/drivers/enc28j60.ts';
import { W5500Model } from '../host-sim/chips/w5500.ts';
import { W5500 } from '../firmware/drivers/w5500.ts';
import type { EthernetDriver, SpiBus } from '../firmware/drivers/driver.ts';
import { espruinoPath } from '../test/helpers/espruino.ts';
import { segmentFloor, segmentFloorCallgrind } from './bench/floor.ts';
import { chipBundle, defaultFigures, httpResponseTime, memoryFigures, networkJsRecvCost, segmentCost, segmentCostCallgrind } from './bench/espruino.ts';
import { BUNDLES } from './build.ts';
import { BUNDLE_BUDGET, BUNDLE_CEILING, CONN_BLOCKS_BUDGET, FREE_BLOCKS_BUDGET, IDLE_BLOCKS_BUDGET, SEGMENT_COST_BUDGET, STORAGE_LEFT_BUDGET } from './budgets.ts';
import { linuxFigures } from './bench/linux.ts';
import { wakeFigures, summary } from './bench/wake.ts';
import { espruinoBoardMemory } from './bench/espruino-board.ts';
import { picoFigures, picoMsFromHost, picoText, picoMs, type Calibration } from './bench/pico.ts';
import { resourceFigures } from './bench/resources.ts';
import { bootCode, bundlesFor, STORAGE, storageBytes } from './flash.ts';
import { flashedFigures } from './bench/flashed.ts';
import { budgetRow, writeBudgetsDoc } from './bench/doc.ts';
import { enduranceFigures } from './bench/endurance.ts';

const root = join(import.meta.dirname, '..');

function row(name: string, value: string): void { console.log(`  ${name.padEnd(52)} ${value}`); }
/** A figure where less is better, against its limit. */
function verdict(value: number, limit: number): string { return value <= limit ? 'met' : `OVER by ${value - limit}`; }

/** Receiving 1460-byte segments back to back at `iterations` each, in a Pico's KB/s. */
function picoKBps(iterations: number, cal: Calibration | null): string {
  return cal ? `about ${(1460 / picoMs(iterations, cal)).toFixed(0)} KB/s on a Pico` : '';
}

function bundleFigures(): void {
  console.log('bundles (npm run build; a board gets one chip bundle as "synack", the net-style API as "synack-net", the apps as "synack-apps", DHCP, DNS and the NetworkJS adapter as "synack-dhcp", "synack-dns", "synack-networkjs", pretokenised)');
  for (const b of BUNDLES) {
    const code = readFileSync(join(root, 'dist', `${b.name}.js`));
    const tok = readFileSync(join(root, 'dist', `${b.name}.tok`));
    const budget = b.chip ? ` (as flashed, pretokenised: goal ${BUNDLE_BUDGET}, ${verdict(tok.length, BUNDLE_BUDGET)}; the build fails above ${BUNDLE_CEILING})` : '';
    row(`dist/${b.name}.js, minified bytes`, `${code.length}, gzipped ${gzipSync(code).length}, pretokenised ${tok.length}${budget}`);
    if (b.chip) budgetRow(`${b.name} bundle as flashed (pretokenised)`, `${tok.length} B`, `${BUNDLE_BUDGET} B (the build fails above ${BUNDLE_CEILING})`, verdict(tok.length, BUNDLE_BUDGET));
  }
  // What npm run flash writes for the default configuration, against a Pico's Storage.
  const files = bundlesFor({});
  const boot = bootCode({});
  const size = (f: string) => storageBytes(readFileSync(f).length);
  // The DHCP client (the default address comes by DHCP), the DNS client and the NetworkJS adapter
  // are written either way.
  const modules = size(files.dhcp!) + size(files.dns!) + size(files.networkjs!);
  const need = size(files.bundle) + storageBytes(boot.length) + size(files.net!) + size(files.apps!) + modules;
  const base = size(files.bundle) + storageBytes(bootCode({ apps: false, net: false }).length) + modules;
  const left = Math.max(0, STORAGE.PICO_R1_3 - need);
  row('Storage, the default flash (all modules, boot file)', `${need} of a Pico's ${STORAGE.PICO_R1_3} bytes (${need <= STORAGE.PICO_R1_3 ? 'fits' : 'does NOT fit'}), ${left} left for the program (the budget counts a program's own flash: see the HTTP example's)`);
  row('  the same with "net": false, "apps": false', `${base} bytes, ${STORAGE.PICO_R1_3 - base} left for the program`);
}

function connStateFigures(): void {
  console.log('TCP state per connection (host)');
  const c = new Conn(2048, 2048, 4);
  row('control block (Uint32 variables, times, ranges)', `${OOO * 4} bytes + ${(c.s.length - OOO) * 4} bytes of out-of-order ranges`);
  row('send ring + receive ring (default sizes)', `${c.sb.length + c.rb.length} bytes, in the same ArrayBuffer`);
}

async function espruinoFigures(): Promise<void> {
  if (!espruinoPath()) { console.log('Espruino: ESPRUINO not set (an Espruino Linux build; with the Pico layout it gives blocks)'); return; }
  console.log(`Espruino (${espruinoPath()}), the enc28j60 bundle from Storage`);
  const f = await memoryFigures();
  if (typeof f === 'string') { console.log('  could not run the bundle in Espruino:\n' + f); }
  else {
    const pico = f.total === 5100 && f.blocksize === 13;
    row('memory layout', `${f.total} blocks of ${f.blocksize} bytes${pico ? ' (a Pico\'s)' : ' (not a Pico\'s: blocks differ from a board\'s)'}`);
    row('bare interpreter, blocks', String(f.base));
    row('require("synack") (code in Storage), blocks', String(f.loaded));
    row('+ createStack, idle (no apps), blocks', `${f.idle} in all, the stack alone ${f.idle - f.loaded} (the budget of ${IDLE_BLOCKS_BUDGET} counts start(): see above)`);
    row('+ the net-style API on first use ("synack-net"), blocks', String(f.net));
    const d = await defaultFigures();
    row('as flashed by default (start() with the default apps, DHCP)', typeof d === 'string' ? 'did not run' : `${d.used} blocks in use, ${d.free} left free for the program (goal ${FREE_BLOCKS_BUDGET}: ${d.free >= FREE_BLOCKS_BUDGET ? 'met' : `short by ${FREE_BLOCKS_BUDGET - d.free}`}), ${d.listening} apps listening`);
    const st = await defaultFigures(chipBundle, '198.18.0.2/24');
    row('  the same on a static address', typeof st === 'string' ? 'did not run' : `${st.used} blocks in use, ${st.free} left free for the program`);
    row('one more TCP connection (512 B rings), blocks', `${f.conn}, rings ${f.rings}; beyond buffers ${f.conn - f.rings} (budget ${CONN_BLOCKS_BUDGET}: ${verdict(f.conn - f.rings, CONN_BLOCKS_BUDGET)})`);
    budgetRow('blocks per extra TCP connection beyond its rings', String(f.conn - f.rings), String(CONN_BLOCKS_BUDGET), verdict(f.conn - f.rings, CONN_BLOCKS_BUDGET));
    if (typeof d !== 'string') budgetRow('blocks free as flashed without a program (every module, the default apps, DHCP)', String(d.free), `at least ${FREE_BLOCKS_BUDGET}`, d.free >= FREE_BLOCKS_BUDGET ? 'met' : `short by ${FREE_BLOCKS_BUDGET - d.free}`);
    row('  the same with a \'data\' listener, blocks', `beyond buffers ${f.connListening - f.rings} (the listener table)`);
  }
  // Two stacks in one interpreter need more than a Pico's memory: ESPRUINO_LARGE may name a
  // build with resizable memory for this figure.
  const large = process.env.ESPRUINO_LARGE;
  const saved = process.env.ESPRUINO;
  if (large) process.env.ESPRUINO = large;
  try {
    for (const fromRam of [false, true]) {
      const s = await segmentCost(fromRam);
      // The Linux build reads its Storage through a file (an fopen and fread per read of code,
      // targets/linux/jshardware.c jshFlashRead), where a Pico reads mapped flash: its "in
      // Storage" figure is the file's cost, not a board's.
      const where = fromRam ? 'bundle in RAM' : 'bundle in Storage; the Linux build reads Storage through a file: not a board\'s figure';
      if (typeof s === 'string') { row(`receive + ACK one 1460-byte segment (${where})`, 'did not run' + (large ? '' : ' (set ESPRUINO_LARGE to a 64-bit build: two stacks do not fit a Pico)')); continue; }
      row(`receive + ACK one 1460-byte segment (${where})`, `${s.ratio.toFixed(0)} empty-loop iterations (budget ${SEGMENT_COST_BUDGET}: ${verdict(Math.round(s.ratio), SEGMENT_COST_BUDGET)}); ${s.perSegmentMs.toFixed(2)} ms vs ${(s.loopIterMs * 1000).toFixed(2)} us per iteration; ${s.segments} segments, ${s.acks} ACKs; ${picoText(s.ratio, s)}, ${picoKBps(s.ratio, s)}`);
    }
    const cg = await segmentCostCallgrind();
    // Each callgrind run has its own Leibniz loop (the empty iteration slows as globals accumulate).
    const cgCal: Calibration | null = typeof cg === 'string' ? null : cg;
    if (typeof cg !== 'string') budgetRow('receive and ACK one 1460-byte segment, empty-loop iterations by callgrind', cg.ratio.toFixed(0), String(SEGMENT_COST_BUDGET), verdict(Math.round(cg.ratio), SEGMENT_COST_BUDGET));
    row('receive + ACK one 1460-byte segment (instruction counts)', typeof cg === 'string' ? 'did not run: ' + cg.trim().split('\n').slice(-1)[0] : `${cg.ratio.toFixed(0)} empty-loop iterations by callgrind (budget ${SEGMENT_COST_BUDGET}: ${verdict(Math.round(cg.ratio), SEGMENT_COST_BUDGET)}; deterministic, the bundle pretokenised in RAM); ${cg.segments} segments; ${picoText(cg.ratio, cgCal)}, ${picoKBps(cg.ratio, cgCal)}`);
    // The floor under that budget: an ideal receive path, nothing but the checks and work any
    // stack must do, in one function (tools/bench/floor.ts).
    const fl = segmentFloorCallgrind();
    row('  floor: an ideal straight-line receive + ACK, copy into a ring', typeof fl === 'string' ? 'did not run: ' + fl.trim().split('\n').slice(-1)[0] : `${fl.copy.toFixed(0)} empty-loop iterations by callgrind (any design that copies received data into a ring is above ${SEGMENT_COST_BUDGET}); ${picoText(fl.copy, cgCal)}, ${picoKBps(fl.copy, cgCal)}`);
    if (typeof fl !== 'string') row('  floor: the same keeping the frame by reference (zero copy)', `${fl.zeroCopy.toFixed(0)} empty-loop iterations by callgrind (leaves ${Math.max(0, SEGMENT_COST_BUDGET - Math.round(fl.zeroCopy))} for all else a stack does); ${picoText(fl.zeroCopy, cgCal)}, ${picoKBps(fl.zeroCopy, cgCal)}`);
    const ft = await segmentFloor();
    row('  of which native (timed)', typeof ft === 'string' ? 'did not run' : `copy of 1460 bytes ${ft.ringCopy.toFixed(0)}, its checksum ${ft.segmentSum.toFixed(0)}, IPv4 header checksum ${ft.headerSum.toFixed(0)}; the whole ideal path timed: ${ft.copy.toFixed(0)} with the copy, ${ft.zeroCopy.toFixed(0)} without`);
    const r = await networkJsRecvCost();
    const h = await httpResponseTime();
    row('Espruino http server, a 20 KB response (from Storage)', typeof h === 'string' ? 'did not run' : `${h.ms.toFixed(0)} ms for ${h.bytes} bytes (Espruino's own http over NetworkJS, the client a second stack); about ${picoMsFromHost(h.ms, h.leibUs).toFixed(0)} ms on a Pico if it read Storage as fast (it reads it through a file here, so the real figure is lower)`);
    row('NetworkJS recv on an idle connection (bundle in RAM)', typeof r === 'string' ? 'did not run' : !r.connected ? 'did not connect' : `${r.ratio.toFixed(1)} empty-loop iterations per call (Espruino calls it for each socket on every idle pass); ${picoText(r.ratio, r)}`);
  } finally { process.env.ESPRUINO = saved; }
}

async function pingFigures(): Promise<void> {
  if (!espruinoPath()) return;
  console.log('ping round trip to an idle board (the enc28j60 bundle in the interpreter, in RAM; a peer stack answering at once; tools/bench/wake.ts)');
  const w = await wakeFigures();
  if (typeof w === 'string') { row('ping round trip', 'did not run: ' + w); return; }
  row('with wake on frames (the driver\'s setWake), round trip', `${summary(w.wake.rtts)} (goal under 10 ms)`);
  row('  the request waiting for the board\'s poll', summary(w.wake.waits));
  row('without (the 100 ms idle poll), round trip', summary(w.timer.rtts));
  row('  the request waiting for the board\'s poll', summary(w.timer.waits));
}

function transferFigures(): void {
  console.log('virtual-time transfer (two stacks on the virtual segment, 1 MiB one way, 8 KiB rings, 0.5 ms latency)');
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.5);
  const pa = seg.attach('A'), pb = seg.attach('B');
  const nA = new SimNic(pa, [2, 0, 0, 0, 0, 1], 256), nB = new SimNic(pb, [2, 0, 0, 0, 0, 2], 256);
  const cfg = { sndBuf: 8192, rcvBuf: 8192 };
  const A = createStack(nA, { ip: '198.18.0.1/24', apps: false, tcp: cfg });
  const B = createStack(nB, { ip: '198.18.0.2/24', apps: false, tcp: cfg });
  const hA = new SimHost(clock, A, nA), hB = new SimHost(clock, B, nB);
  let got = 0;
  B.net.createServer((s) => s.on('data', (d: Uint8Array) => { got += d.length; })).listen(9);
  clock.runFor(5);
  const c = A.net.connect(9, '198.18.0.2');
  const chunk = new Uint8Array(4096);
  let sent = 0;
  const more = () => { while (sent < 1 << 20) { sent += 4096; if (!c.write(chunk)) { hA.kick(); return; } } hA.kick(); };
  c.on('connect', more); c.on('drain', more);
  const wall0 = performance.now();
  const t0 = clock.now;
  clock.runUntilTrue(() => got >= 1 << 20, 600000);
  const vms = clock.now - t0, wms = performance.now() - wall0;
  row('virtual time for 1 MiB', `${vms.toFixed(1)} ms = ${((1 << 20) / 1e6 / (vms / 1000)).toFixed(2)} MB/s`);
  row('host CPU time for it', `${wms.toFixed(0)} ms (${((1 << 20) / 1e6 / (wms / 1000)).toFixed(2)} MB/s of simulation)`);
  hA.stop(); hB.stop();
}

function spiCost(name: string, model: SpiBus & { stats: { spiTransactions: number; spiBytes: number } }, drv: EthernetDriver, peer: { send(f: Uint8Array): void }, clock: VirtualClock): void {
  const frame = new Uint8Array(1000);
  frame.set(drv.mac, 0); frame.set([2, 0, 0, 0, 0, 1], 6); frame[12] = 0x88; frame[13] = 0xb5;
  const N = 100;
  let t0 = model.stats.spiTransactions, b0 = model.stats.spiBytes;
  for (let i = 0; i < N; i++) { peer.send(frame); clock.runFor(1); drv.recvFrame!(); }
  const rxT = (model.stats.spiTransactions - t0) / N, rxB = (model.stats.spiBytes - b0) / N;
  drv.recvFrame!();
  t0 = model.stats.spiTransactions;
  drv.recvFrame!();
  const idle = model.stats.spiTransactions - t0;
  t0 = model.stats.spiTransactions; b0 = model.stats.spiBytes;
  for (let i = 0; i < N; i++) drv.send(frame, frame.length);
  const txT = (model.stats.spiTransactions - t0) / N, txB = (model.stats.spiBytes - b0) / N;
  row(`${name}: received 1000-byte frame`, `${rxT.toFixed(1)} transactions, ${rxB.toFixed(0)} bytes`);
  row(`${name}: sent 1000-byte frame`, `${txT.toFixed(1)} transactions, ${txB.toFixed(0)} bytes`);
  row(`${name}: poll with nothing received`, `${idle} transaction(s)`);
}

function driverFigures(): void {
  console.log('SPI cost per frame (each driver against its chip model)');
  const mac = new Uint8Array([2, 0, 0, 0, 0, 2]);
  {
    const clock = new VirtualClock();
    const seg = new Segment(clock, 0);
    const model = new Enc28j60Model(seg.attach('chip'));
    const drv = new Enc28j60(model, mac, { delayMs: (ms) => { model.now += ms; } });
    spiCost('ENC28J60', model, drv, seg.attach('peer'), clock);
  }
  {
    const clock = new VirtualClock();
    const seg = new Segment(clock, 0);
    const model = new W5500Model(seg.attach('chip'));
    const drv = new W5500(model, mac);
    spiCost('W5500', model, drv, seg.attach('peer'), clock);
  }
}

/** The interpreter board against Linux: the most blocks in use and the OUT OF MEMORY count. */
async function espruinoBoardFigures(): Promise<void> {
  if (!espruinoPath()) return;
  console.log('the interpreter board against Linux (npm run sim -- --espruino ESPRUINO: default apps, a program of about 600 blocks beside the stack)');
  const r = await espruinoBoardMemory();
  if (typeof r === 'string') { row('scenario', `skipped (${r})`); return; }
  row('scenario', r.steps.join('; ') + (r.answered ? '; answers afterwards' : '; DOES NOT ANSWER afterwards'));
  row('most blocks in use (sampled as frames are received and sent)', `${r.peak}${r.total ? ` of ${r.total}${r.total === 5100 ? ' (a Pico\'s)' : ''}` : ''}`);
  row('OUT OF MEMORY reports', `${r.oom} (goal 0)`);
}

async function main(): Promise<void> {
  bundleFigures();
  await flashedFigures(row);
  connStateFigures();
  await espruinoFigures();
  await picoFigures();
  await pingFigures();
  transferFigures();
  driverFigures();
  await linuxFigures();
  await espruinoBoardFigures();
  if (espruinoPath()) await resourceFigures(row);
  await (await import('./bench/zeroconf.ts')).zeroconfFigures();
  // docs/budgets.md's table: this run's figures (only with the interpreter: most are its).
  if (espruinoPath()) console.log(writeBudgetsDoc(`Espruino ${process.env.ESPRUINO}`) ? 'wrote docs/budgets.md\'s table' : 'docs/budgets.md: no table markers, not written');
  else console.log('docs/budgets.md not written: ESPRUINO not set');
  await enduranceFigures();
  process.exit(0);
}

main();
