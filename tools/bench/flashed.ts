// The board as the issue-24 budgets count it (npm run bench prints these; docs/budgets.md gets
// them written by the bench itself):
// - idle with start(): blocks in use counted from before require("synack") (the interpreter's
//   stdin open), the bundle loaded from Storage, start() with a static address, apps: false and a
//   small chip-like driver, after a second of idle polls;
// - the HTTP example (examples/http-server.js) as `npm run flash -- --program` writes it on DHCP:
//   the Storage left beyond the program on a Pico (from the flash tool's own plan), and the
//   blocks free once it has booted (.boot0 starting the stack, .boot1 the program, in the
//   interpreter's Storage exactly as flashed, but with the driver above instead of SPI).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runEspruino } from '../../test/helpers/espruino.ts';
import { espruinoPath } from '../../test/helpers/espruino.ts';
import { writeStorage } from '../espruino.ts';
import { bundlesFor, pickModules, programBoot, programBytes, STORAGE, storageBytes, type FlashConfig } from '../flash.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const root = join(import.meta.dirname, '..', '..');
export const HTTP_EXAMPLE = join(root, 'examples', 'http-server.js');

/** A driver shaped like the chip drivers, with nothing to receive. */
const DRIVER = 'var SYNACK_DRV = { mac: new Uint8Array([2,0,0,0,0,1]), txBuf: new Uint8Array(1514), send: function () { return true; },' +
  ' recv: function () { return 0; }, recvFrame: function () { return null; }, link: function () { return true; } };';

/** The Storage files `npm run flash -- --program FILE` writes with `cfg`, as [name, bytes], and
 *  the room they leave on a Pico. */
export function flashedFiles(program: string, cfg: FlashConfig = {}): { files: [string, string][]; used: number; left: number; programBytes: number } {
  const picked = pickModules(cfg, program).cfg;
  const f = bundlesFor(picked);
  const files: [string, string][] = [['synack', readFileSync(f.bundle, 'latin1')]];
  for (const [name, p] of [['synack-net', f.net], ['synack-apps', f.apps], ['synack-dhcp', f.dhcp], ['synack-dns', f.dns], ['synack-networkjs', f.networkjs], ['synack-names', f.names]] as const) {
    if (p) files.push([name, readFileSync(p, 'latin1')]);
  }
  const prog = programBytes(program);
  files.push(['.boot1', prog]);
  files.push(['.boot0', programBoot(cfg, picked)]);
  const used = files.reduce((t, [, d]) => t + storageBytes(d.length), 0);
  return { files, used, left: STORAGE.PICO_R1_3 - used, programBytes: storageBytes(prog.length) };
}

function parse<T>(out: string, tag: string): T | string {
  const m = new RegExp(`${tag} (\\{.*\\})`).exec(out);
  return m ? JSON.parse(m[1]) as T : out;
}

/** Idle with start(), as the budget counts it. */
export async function startIdleBlocks(networkjs = true): Promise<{ used: number; loaded: number } | string> {
  if (!espruinoPath()) return 'ESPRUINO not set';
  const dir = mkdtempSync(join(tmpdir(), 'synack-bench-idle-'));
  try {
    const why = await writeStorage(espruinoPath()!, dir, [['synack', readFileSync(join(root, 'dist', 'synack-enc28j60.tok'), 'latin1')]], 60000);
    if (why) return why;
    const script = `var base = process.memory().usage;
var s = require("synack");
var loaded = process.memory().usage - base;
${DRIVER}
var b = s.start({ driver: SYNACK_DRV, ip: "198.18.0.2/24", apps: false${networkjs ? '' : ', networkjs: false'} });
setTimeout(function () { print("IDLE " + JSON.stringify({ used: process.memory().usage - base, loaded: loaded })); quit(); }, 1000);
`;
    return parse<{ used: number; loaded: number }>((await runEspruino(script, 30000, dir)).out, 'IDLE');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

/** The HTTP example as flashed on DHCP, booted: blocks in use (from the bare interpreter) and
 *  free. The boot file is the flash tool's with the driver above in place of SPI. */
export async function httpExampleBlocks(): Promise<{ used: number; free: number; listening: number } | string> {
  if (!espruinoPath()) return 'ESPRUINO not set';
  const { files } = flashedFiles(readFileSync(HTTP_EXAMPLE, 'utf8'));
  const boot = files.find(([n]) => n === '.boot0')!;
  const m = /start\((\{.*\})\);/.exec(boot[1]);
  if (!m) return `no start() in the boot file: ${boot[1]}`;
  // The same options, the driver instead of chip, spi and cs.
  boot[1] = DRIVER + '\nvar synack=require("synack").start(' + m[1].replace(/,"spi":[^,}]*,"cs":[^,}]*/, '').replace(/"chip":"\w+",/, '').replace(/\}$/, ',"driver":SYNACK_DRV})') + ';\n';
  const dir = mkdtempSync(join(tmpdir(), 'synack-bench-http-'));
  try {
    // The boot files last: each later write runs those already there.
    const why = await writeStorage(espruinoPath()!, dir, files, 60000);
    if (why) return why;
    // The boot files run before this script (the Linux build runs .boot0 to .boot3 at start).
    const script = `setTimeout(function () { var mem = process.memory(); print("HTTPEX " + JSON.stringify({ used: mem.usage, free: mem.free, listening: synack.stack.tcp.listeners.length })); quit(); }, 1500);\n`;
    const base = parse<{ usage: number }>((await runEspruino('print("BASE " + JSON.stringify({usage: process.memory().usage})); quit();\n', 20000)).out, 'BASE');
    const r = parse<{ used: number; free: number; listening: number }>((await runEspruino(script, 30000, dir)).out, 'HTTPEX');
    if (typeof r === 'string' || typeof base === 'string') return typeof r === 'string' ? r : base as string;
    return { used: r.used - base.usage, free: r.free, listening: r.listening };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

if (process.argv[1] && /bench[\\/]flashed\.ts$/.test(process.argv[1])) {
  (async () => {
    const f = flashedFiles(readFileSync(HTTP_EXAMPLE, 'utf8'));
    console.log('storage', f.used, f.left, f.programBytes);
    console.log('idle start()', await startIdleBlocks(), 'networkjs false', await startIdleBlocks(false));
    console.log('http example', await httpExampleBlocks());
  })();
}

/** npm run bench's section for the board as flashed with a program (issue 24's budgets). */
export async function flashedFigures(row: (name: string, value: string) => void): Promise<void> {
  const { STORAGE_LEFT_BUDGET, IDLE_BLOCKS_BUDGET } = await import('../budgets.ts');
  const { budgetRow } = await import('./doc.ts');
  console.log('the board as flashed with a program (npm run flash -- --program examples/http-server.js, on DHCP; tools/bench/flashed.ts)');
  const f = flashedFiles(readFileSync(HTTP_EXAMPLE, 'utf8'));
  for (const [name, data] of f.files) row(`  ${name}`, `${storageBytes(data.length)} bytes with its header`);
  const met = f.left >= STORAGE_LEFT_BUDGET;
  row('Storage left beyond the program on a Pico', `${f.left} of ${STORAGE.PICO_R1_3} bytes (goal ${STORAGE_LEFT_BUDGET}: ${met ? 'met' : `short by ${STORAGE_LEFT_BUDGET - f.left}`})`);
  budgetRow('Storage left on a Pico beyond the program, examples/http-server.js flashed on DHCP', `${f.left} B`, `at least ${STORAGE_LEFT_BUDGET} B`, met ? 'met' : `short by ${STORAGE_LEFT_BUDGET - f.left} B`);
  if (!espruinoPath()) { row('blocks', 'ESPRUINO not set (an Espruino Linux build with a Pico\'s layout gives them)'); return; }
  const idle = await startIdleBlocks();
  const bare = await startIdleBlocks(false);
  if (typeof idle === 'string') row('idle with start()', 'did not run: ' + idle.trim().split('\n').slice(-1)[0]);
  else {
    const v = idle.used <= IDLE_BLOCKS_BUDGET ? 'met' : `over by ${idle.used - IDLE_BLOCKS_BUDGET}`;
    row('idle with start() (static, apps: false), blocks', `${idle.used} from before require("synack"), of which loading the code ${idle.loaded} (budget ${IDLE_BLOCKS_BUDGET}: ${v})`);
    if (typeof bare !== 'string') row('  the same with networkjs: false', `${bare.used} (a program without http, net or dgram is flashed so)`);
    budgetRow('blocks in use idle with start(): static address, apps: false, from before require("synack")', `${idle.used} (loading the code ${idle.loaded}${typeof bare === 'string' ? '' : `; ${bare.used} with networkjs: false`})`, `at most ${IDLE_BLOCKS_BUDGET}`, v);
  }
  const h = await httpExampleBlocks();
  if (typeof h === 'string') row('examples/http-server.js as flashed', 'did not run: ' + h.trim().split('\n').slice(-1)[0]);
  else {
    row('examples/http-server.js as flashed, booted (DHCP)', `${h.used} blocks in use, ${h.free} free for the program to grow into, ${h.listening} listening`);
    budgetRow('blocks free with examples/http-server.js as flashed (DHCP)', String(h.free), 'as many as can be had', 'reported');
  }
}
