// npm run flash -- --port /dev/ttyACM0 [--board PICO_R1_3|ESPRUINOWIFI|ESPRUINOBOARD] [--baud 115200]
//                  [--config board.json] [--dry-run [out.js]]
// Builds the bundles and writes to the board's Storage, through the `espruino` npm package
// (EspruinoTools' CLI): the bundle for the configured chip as the module "synack", the net-style
// API as "synack-net" (the stack loads it on first use) unless the configuration says
// `"net": false`, the default apps as "synack-apps" unless it says `"apps": false`, and a boot file that starts synack with the
// configuration. The modules are written pretokenised (dist/*.tok, see
// tools/pretokenise.ts): smaller in Storage and quicker to lex than dist/*.js.
// --dry-run writes what would be sent into a file instead. One-line errors: no such port, the
// board does not answer, the bundle is larger than that board's Storage. It reports the Storage
// left for the user's own program. FLASH_LOG=FILE keeps EspruinoTools' whole output in FILE.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAll } from './build.ts';
import { storageWrites } from './espruino.ts';

/** Storage sizes in bytes (../shared/espruino.md). */
export const STORAGE: Record<string, number> = { PICO_R1_3: 48 * 1024, ESPRUINOWIFI: 64 * 1024, ESPRUINOBOARD: 20 * 1024 };

export interface FlashConfig { chip?: string; spi?: string; sck?: string; miso?: string; mosi?: string; baud?: number; cs?: string; ip?: string; gateway?: string; dns?: string; mac?: string; hostname?: string; apps?: unknown;
  /** false: the net-style API ("synack-net") is not written, for a program that only uses
   *  Espruino's own net/http (the default apps sit on the TCP connections and do not need it). */
  net?: boolean }

const DEFAULTS: FlashConfig = { chip: 'enc28j60', spi: 'SPI1', sck: 'A5', miso: 'A6', mosi: 'A7', baud: 4000000, cs: 'B1', ip: 'dhcp' };

/** The boot file: sets up SPI and starts synack with the configuration. */
export function bootCode(cfg: FlashConfig): string {
  const c = { ...DEFAULTS, ...cfg };
  const opts: Record<string, unknown> = { chip: c.chip, ip: c.ip };
  for (const k of ['gateway', 'dns', 'mac', 'hostname', 'apps'] as const) if (c[k] !== undefined) opts[k] = c[k];
  const json = JSON.stringify(opts).replace(/}$/, `,"spi":${c.spi},"cs":${c.cs}}`);
  return `${c.spi}.setup({sck:${c.sck},miso:${c.miso},mosi:${c.mosi},baud:${c.baud}});\nvar synack=require("synack").start(${json});\n`;
}

/** Room a file takes in Storage: a 32-byte header (size and a 28-byte name, src/jsflash.h) and
 *  the data, 8-byte aligned. */
export function storageBytes(len: number): number {
  return 32 + ((len + 7) & ~7);
}

/** The upload as JavaScript for the board: Storage writes in pieces, then a reset. Without
 *  `apps`, an earlier "synack-apps" is erased (start() would otherwise load it); without `net`,
 *  an earlier "synack-net" (its room is the program's). */
export function uploadScript(bundle: string, net: string | null, boot: string, apps?: string): string {
  const out = storageWrites('synack', bundle);
  if (net !== null) out.push(...storageWrites('synack-net', net));
  else out.push('require("Storage").erase("synack-net");');
  if (apps) out.push(...storageWrites('synack-apps', apps));
  else out.push('require("Storage").erase("synack-apps");');
  out.push(`require("Storage").write(".boot0",${JSON.stringify(boot)});`, 'load();');
  return out.join('\n') + '\n';
}

/** The files for a configuration: the chip's bundle, the net-style API unless `net: false`, and
 *  the apps unless `apps: false`. */
export function bundlesFor(cfg: FlashConfig): { chip: string; bundle: string; net: string | null; apps: string | null } {
  const chip = cfg.chip || DEFAULTS.chip!;
  const dist = join(import.meta.dirname, '..', 'dist');
  const bundle = join(dist, `synack-${chip}.tok`);
  return { chip, bundle, net: cfg.net === false ? null : join(dist, 'synack-net.tok'), apps: cfg.apps === false ? null : join(dist, 'synack-apps.tok') };
}

export function main(argv: string[]): number {
  let port = '', board = 'PICO_R1_3', baud = 115200, configFile = '', dryRun: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') port = argv[++i] ?? '';
    else if (a === '--board') board = argv[++i] ?? '';
    else if (a === '--baud') baud = Number(argv[++i]);
    else if (a === '--config') configFile = argv[++i] ?? '';
    else if (a === '--dry-run') dryRun = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'flash-dry-run.js';
    else { console.error(`flash: unknown option ${a}\nusage: npm run flash -- --port /dev/ttyACM0 [--board PICO_R1_3|ESPRUINOWIFI|ESPRUINOBOARD] [--config board.json] [--dry-run [out.js]]`); return 2; }
  }
  if (!(board in STORAGE)) { console.error(`flash: unknown board ${board}: use one of ${Object.keys(STORAGE).join(', ')}`); return 2; }
  let cfg: FlashConfig = {};
  if (configFile) {
    try { cfg = JSON.parse(readFileSync(configFile, 'utf8')); } catch (e) { console.error(`flash: cannot read ${configFile}: ${(e as Error).message}`); return 2; }
  }
  const files = bundlesFor(cfg);
  if (files.chip !== 'enc28j60' && files.chip !== 'w5500') { console.error(`flash: unknown chip "${files.chip}" in the config: use "enc28j60" or "w5500"`); return 2; }
  const code = readFileSync(files.bundle, 'latin1');
  const net = files.net ? readFileSync(files.net, 'latin1') : null;
  const apps = files.apps ? readFileSync(files.apps, 'latin1') : '';
  const boot = bootCode(cfg);
  const need = storageBytes(code.length) + (net !== null ? storageBytes(net.length) : 0) + (apps ? storageBytes(apps.length) : 0) + storageBytes(boot.length);
  const what = `the ${files.chip} bundle (${code.length} bytes)${net !== null ? `, the net-style API (${net.length})` : ''}${apps ? `, the apps (${apps.length})` : ''} and boot file (${boot.length})`;
  if (need > STORAGE[board]) {
    console.error(`flash: ${what} need ${need} bytes of Storage with their headers, more than ${board}'s ${STORAGE[board]} bytes${apps ? ' (try "apps": false)' : ''}`);
    if (!dryRun) return 1;
  }
  // What is left is the program's own: save(), "Save on send" and its Storage files share it.
  const room = Math.max(0, STORAGE[board] - need);
  const netRoom = net !== null ? room + storageBytes(net.length) : 0;
  const left = `${room} bytes of ${board}'s Storage left for your program` +
    (net !== null && room < 2048 ? ` ("net": false would leave ${netRoom}, if the program does not use stack.net)` : '');
  if (dryRun) { writeFileSync(dryRun, uploadScript(code, net, boot, apps || undefined)); console.log(`flash: wrote what would be sent to ${dryRun}; ${what} take ${need} bytes, ${left}`); return 0; }
  if (!port) { console.error('flash: give --port (for example /dev/ttyACM0), or --dry-run'); return 2; }
  if (!port.startsWith('tcp://') && !existsSync(port)) { console.error(`flash: no such port ${port}: is the board plugged in? (ls /dev/ttyACM* /dev/ttyUSB*)`); return 1; }
  const dir = mkdtempSync(join(tmpdir(), 'synack-flash-'));
  const bootFile = join(dir, 'boot.js');
  writeFileSync(bootFile, boot);
  // EspruinoTools looks up the board's description (a JSON file on espruino.com) by name, from
  // --board or from what the board reports on connecting, and waits on the network for it; the
  // upload needs nothing from it. A local description ends the lookup: it works offline.
  const boardFile = join(dir, 'board.json');
  // It says Storage is built in (what the check below requires), or EspruinoTools would look for it
  // online as a module.
  writeFileSync(boardFile, JSON.stringify({ MODULES: 'Storage', info: { name: board, builtin_modules: ['Storage'] } }));
  const cli = join(import.meta.dirname, '..', 'node_modules', 'espruino', 'bin', 'espruino-cli.js');
  // Our --board sizes Storage; EspruinoTools gets the local description above instead of a name.
  // After the writes the board reports the CRC32 of what it holds, then load() runs .boot0.
  const check = 'print("synack-flash",E.CRC32(require("Storage").read("synack")),' + (net !== null ? 'E.CRC32(require("Storage").read("synack-net"))' : '0') + ',' +
    (apps ? 'E.CRC32(require("Storage").read("synack-apps"))' : '0') + ');load()';
  const r = spawnSync(process.execPath, [cli, '-p', port, '-b', String(baud), '--no-ble',
    '--board', boardFile, '--storage', `synack:${files.bundle}`].concat(files.net ? ['--storage', `synack-net:${files.net}`] : []).concat(files.apps ? ['--storage', `synack-apps:${files.apps}`] : [])
    .concat(['--storage', `.boot0:${bootFile}`, '-e', check]), { encoding: 'utf8', timeout: 180000 });
  const out = (r.stdout || '') + (r.stderr || '');
  if (process.env.FLASH_LOG) writeFileSync(process.env.FLASH_LOG, out); // the whole exchange, for a failure's cause
  const m = /synack-flash\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)/.exec(out);
  if (!m) {
    const why = out.trim().split('\n').filter((l) => /Unable to connect|not found|rror/.test(l)).slice(-1)[0] || out.trim().split('\n').slice(-1)[0] || 'no output';
    console.error(`flash: the board on ${port} does not answer (EspruinoTools: ${why.trim()})`);
    return 1;
  }
  const want = [crc32(code), net !== null ? crc32(net) : 0, apps ? crc32(apps) : 0];
  const got = [m[1], m[2], m[3]].map((x) => Number(x) >>> 0);
  if (got.join('/') !== want.join('/')) {
    console.error(`flash: the board on ${port} holds something else than was written (CRC32 ${got.join('/')}, expected ${want.join('/')}): flash again`);
    return 1;
  }
  console.log(`flash: wrote synack (${files.chip}, ${code.length} bytes)${net !== null ? `, synack-net (${net.length})` : ''}${apps ? `, synack-apps (${apps.length})` : ''} and .boot0 to ${board} on ${port}, checked by CRC32; ${left}`);
  return 0;
}

/** CRC-32 (IEEE, as Espruino's E.CRC32) of a latin1 string. */
export function crc32(bytes: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    c ^= bytes.charCodeAt(i) & 0xff;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

if (process.argv[1] && /tools[\\/]flash\.ts$/.test(process.argv[1])) {
  buildAll().then(() => { process.exitCode = main(process.argv.slice(2)); }, (e) => { console.error(`flash: ${e.message}`); process.exitCode = 1; });
}
