// npm run flash -- --port /dev/ttyACM0 [--board PICO_R1_3|ESPRUINOWIFI|ESPRUINOBOARD] [--baud 115200]
//                  [--config board.json] [--dry-run [FILE]]   (npm run flash -- --help)
// Builds the bundles and writes to the board's Storage, through the `espruino` npm package
// (EspruinoTools' CLI): the bundle for the configured chip as the module "synack", the net-style
// API as "synack-net" (the stack loads it on first use) unless the configuration says
// `"net": false`, the default apps as "synack-apps" unless it says `"apps": false`, the DHCP
// client as "synack-dhcp" when the address comes by DHCP (the default), the DNS client as
// "synack-dns" (loaded when a name is first resolved), the NetworkJS adapter as "synack-networkjs"
// (loaded when Espruino's net/http/dgram first make a socket) unless it says `"networkjs": false`,
// and a boot file that starts synack with the configuration. The modules are written pretokenised (dist/*.tok, see
// tools/pretokenise.ts): smaller in Storage and quicker to lex than dist/*.js.
// --dry-run writes what would be sent into a file instead (dist/flash/upload.js unless a FILE is
// given). The command line, the port and the configuration are checked before the build: each
// mistake is one line (no such port, unknown option, ...), as are the board not answering and a
// bundle larger than that board's Storage. It reports the Storage left for the user's own
// program. FLASH_LOG=FILE keeps EspruinoTools' whole output in FILE.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { storageWrites } from './espruino.ts';

/** Storage sizes in bytes (docs/espruino.md). */
export const STORAGE: Record<string, number> = { PICO_R1_3: 48 * 1024, ESPRUINOWIFI: 64 * 1024, ESPRUINOBOARD: 20 * 1024 };

export interface FlashConfig { chip?: string; spi?: string; sck?: string; miso?: string; mosi?: string; baud?: number; cs?: string;
  /** The pin the chip's INT (INTn) is wired to, if it is: the board then wakes on frames. */
  int?: string; ip?: string; gateway?: string; dns?: string; mac?: string; hostname?: string; apps?: unknown;
  /** false: the net-style API ("synack-net") is not written, for a program that only uses
   *  Espruino's own net/http (the default apps sit on the TCP connections and do not need it). */
  net?: boolean;
  /** false: start() does not register with Espruino's NetworkJS, and its adapter
   *  ("synack-networkjs", loaded when Espruino first makes a socket) is not written. */
  networkjs?: boolean;
  /** Zero configuration (docs/zeroconf.md): "synack-mdns" (with "synack-dnssd" when the apps run)
   *  and "synack-linklocal". By default written for a board on DHCP when they fit in its Storage
   *  beside the rest (left out, and said so, when not); true writes them regardless, false never. */
  mdns?: boolean; linkLocal?: boolean }

const DEFAULTS: FlashConfig = { chip: 'enc28j60', spi: 'SPI1', sck: 'A5', miso: 'A6', mosi: 'A7', baud: 4000000, cs: 'B1', ip: 'dhcp' };

/** The boot file: sets up SPI and starts synack with the configuration. */
export function bootCode(cfg: FlashConfig): string {
  const c = { ...DEFAULTS, ...cfg };
  const opts: Record<string, unknown> = { chip: c.chip, ip: c.ip };
  for (const k of ['gateway', 'dns', 'mac', 'hostname', 'apps', 'networkjs', 'mdns', 'linkLocal'] as const) if (c[k] !== undefined) opts[k] = c[k];
  const json = JSON.stringify(opts).replace(/}$/, `,"spi":${c.spi},"cs":${c.cs}${c.int ? `,"int":${c.int}` : ''}}`);
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
export function uploadScript(bundle: string, net: string | null, boot: string, apps?: string, dhcp?: string | null, dns?: string | null, networkjs?: string | null,
  zeroconf: { [name: string]: string | null } = {}): string {
  const out = storageWrites('synack', bundle);
  if (net !== null) out.push(...storageWrites('synack-net', net));
  else out.push('require("Storage").erase("synack-net");');
  if (apps) out.push(...storageWrites('synack-apps', apps));
  else out.push('require("Storage").erase("synack-apps");');
  // Without DHCP (a static address), an earlier "synack-dhcp" is erased: its room is the program's.
  if (dhcp) out.push(...storageWrites('synack-dhcp', dhcp));
  else out.push('require("Storage").erase("synack-dhcp");');
  if (dns) out.push(...storageWrites('synack-dns', dns));
  if (networkjs) out.push(...storageWrites('synack-networkjs', networkjs));
  else out.push('require("Storage").erase("synack-networkjs");');
  // Zero configuration's modules: written, or an earlier copy erased (its room is the program's).
  for (const name of ZEROCONF) {
    const code = zeroconf[name];
    if (code) out.push(...storageWrites(name, code));
    else out.push(`require("Storage").erase(${JSON.stringify(name)});`);
  }
  out.push(`require("Storage").write(".boot0",${JSON.stringify(boot)});`, 'load();');
  return out.join('\n') + '\n';
}

/** Zero configuration's Storage modules, in the order they are written. */
export const ZEROCONF = ['synack-linklocal', 'synack-mdns', 'synack-dnssd'];

/** Which of zero configuration's modules a configuration asks for, and whether it insists (a
 *  key set to true) or takes them only where Storage allows (the default for DHCP). */
export function zeroconfFor(cfg: FlashConfig): { names: string[]; insist: boolean } {
  const dhcp = (cfg.ip || DEFAULTS.ip) === 'dhcp';
  const names: string[] = [];
  if (dhcp && cfg.linkLocal !== false) names.push('synack-linklocal');
  if (cfg.mdns === true || (dhcp && cfg.mdns !== false)) {
    names.push('synack-mdns');
    if (cfg.apps !== false) names.push('synack-dnssd');
  }
  return { names, insist: cfg.mdns === true || cfg.linkLocal === true };
}

/** The files for a configuration: the chip's bundle, the net-style API unless `net: false`, the
 *  apps unless `apps: false`, the DHCP client when the address comes by DHCP, the DNS client. */
export function bundlesFor(cfg: FlashConfig): { chip: string; bundle: string; net: string | null; apps: string | null; dhcp: string | null; dns: string; networkjs: string | null } {
  const chip = cfg.chip || DEFAULTS.chip!;
  const dist = join(import.meta.dirname, '..', 'dist');
  const bundle = join(dist, `synack-${chip}.tok`);
  const ip = cfg.ip || DEFAULTS.ip;
  return { chip, bundle, net: cfg.net === false ? null : join(dist, 'synack-net.tok'), apps: cfg.apps === false ? null : join(dist, 'synack-apps.tok'),
    dhcp: ip === 'dhcp' ? join(dist, 'synack-dhcp.tok') : null, dns: join(dist, 'synack-dns.tok'),
    networkjs: cfg.networkjs === false ? null : join(dist, 'synack-networkjs.tok') };
}

export const FLASH_USAGE = `usage: npm run flash -- --port PORT [options]
  --port PORT                     the board's USB serial port (/dev/ttyACM0, /dev/ttyUSB0, ...),
                                  or tcp://HOST:PORT for a console on TCP
  --board PICO_R1_3|ESPRUINOWIFI|ESPRUINOBOARD   the board, for its Storage size (default PICO_R1_3)
  --baud N                        the serial port's speed (default 115200)
  --config board.json             chip, pins, ip, apps, net, ... (README, "On a board")
  --dry-run [FILE]                no board: write the upload script that would be sent to FILE
                                  (default dist/flash/upload.js) and report the Storage it takes
  -h, --help                      this text`;

/** Where --dry-run writes without a FILE: under dist/, which the build owns and git ignores. */
export const DRY_RUN_DEFAULT = join(import.meta.dirname, '..', 'dist', 'flash', 'upload.js');

export interface FlashArgs { port: string; board: string; baud: number; configFile: string; dryRun: string | null; help: boolean }

/** A path the user typed: `npm run` changes to the package's directory, so it is taken from where
 *  the user was (INIT_CWD). */
function userPath(p: string): string { return resolve(process.env.INIT_CWD || process.cwd(), p); }

/** The command line, checked without building anything: the arguments, or one line saying what
 *  is wrong (`code` 2 for a usage mistake, 1 for a port that is not there). */
export function parseFlashArgs(argv: string[]): FlashArgs | { error: string; code: number } {
  const a: FlashArgs = { port: '', board: 'PICO_R1_3', baud: 115200, configFile: '', dryRun: null, help: false };
  const usage = (m: string) => ({ error: `flash: ${m}; see npm run flash -- --help`, code: 2 });
  for (let i = 0; i < argv.length; i++) {
    const o = argv[i];
    const value = (): string | null => { const v = argv[i + 1]; if (v === undefined || v.startsWith('--')) return null; i++; return v; };
    if (o === '-h' || o === '--help') { a.help = true; return a; }
    if (o === '--port' || o === '--board' || o === '--baud' || o === '--config') {
      const v = value();
      if (v === null) return usage(`${o} needs a value`);
      if (o === '--port') a.port = v;
      else if (o === '--board') a.board = v;
      else if (o === '--config') a.configFile = userPath(v);
      else {
        a.baud = Number(v);
        if (!Number.isSafeInteger(a.baud) || a.baud <= 0) return usage(`--baud takes a speed in bits per second such as 115200, not "${v}"`);
      }
    } else if (o === '--dry-run') {
      const v = value();
      a.dryRun = v === null ? DRY_RUN_DEFAULT : userPath(v);
    } else return usage(o.startsWith('-') ? `unknown option ${o}` : `unexpected "${o}" (options start with --)`);
  }
  if (!(a.board in STORAGE)) return usage(`unknown board ${a.board}: use one of ${Object.keys(STORAGE).join(', ')}`);
  if (a.configFile && !existsSync(a.configFile)) return usage(`--config ${a.configFile}: no such file`);
  if (a.dryRun) {
    if (a.dryRun !== DRY_RUN_DEFAULT && !existsSync(dirname(a.dryRun))) return usage(`--dry-run ${a.dryRun}: no directory ${dirname(a.dryRun)}`);
    if (existsSync(a.dryRun) && statSync(a.dryRun).isDirectory()) return usage(`--dry-run ${a.dryRun} is a directory; give a file name`);
    return a;
  }
  if (!a.port) return usage('give --port (for example /dev/ttyACM0), or --dry-run');
  if (!a.port.startsWith('tcp://') && !existsSync(a.port)) return { error: `flash: no such port ${a.port}: is the board plugged in? (ls /dev/ttyACM* /dev/ttyUSB*)`, code: 1 };
  return a;
}

/** The build, loaded only when it runs (it brings TypeScript and esbuild: seconds to load). */
async function buildBundles(): Promise<unknown> { return (await import('./build.ts')).buildAll(); }

/** `npm run flash`: the command line and the port checked first, then the build, then main(). */
export async function cli(argv: string[], build: () => Promise<unknown> = buildBundles): Promise<number> {
  const a = parseFlashArgs(argv);
  if ('error' in a) { console.error(a.error); return a.code; }
  if (a.help) { console.log(FLASH_USAGE); return 0; }
  await build();
  return main(argv);
}

/** Flashes (or, with --dry-run, writes what would be sent) from the bundles already built. */
export function main(argv: string[]): number {
  const a = parseFlashArgs(argv);
  if ('error' in a) { console.error(a.error); return a.code; }
  if (a.help) { console.log(FLASH_USAGE); return 0; }
  const { port, board, baud, configFile, dryRun } = a;
  let cfg: FlashConfig = {};
  if (configFile) {
    try { cfg = JSON.parse(readFileSync(configFile, 'utf8')); } catch (e) { console.error(`flash: cannot read ${configFile}: ${(e as Error).message.split('\n')[0]}`); return 2; }
  }
  const files = bundlesFor(cfg);
  if (files.chip !== 'enc28j60' && files.chip !== 'w5500') { console.error(`flash: unknown chip "${files.chip}" in the config: use "enc28j60" or "w5500"`); return 2; }
  const code = readFileSync(files.bundle, 'latin1');
  const net = files.net ? readFileSync(files.net, 'latin1') : null;
  const apps = files.apps ? readFileSync(files.apps, 'latin1') : '';
  const dhcp = files.dhcp ? readFileSync(files.dhcp, 'latin1') : null;
  const dns = readFileSync(files.dns, 'latin1');
  const njs = files.networkjs ? readFileSync(files.networkjs, 'latin1') : null;
  const boot = bootCode(cfg);
  let need = storageBytes(code.length) + (net !== null ? storageBytes(net.length) : 0) + (apps ? storageBytes(apps.length) : 0) +
    (dhcp !== null ? storageBytes(dhcp.length) : 0) + storageBytes(dns.length) + (njs !== null ? storageBytes(njs.length) : 0) + storageBytes(boot.length);
  // Zero configuration: written when asked for and there is room (or when insisted on).
  const zc = zeroconfFor(cfg);
  const zeroconf: { [name: string]: string | null } = {};
  let zcBytes = 0;
  for (const n of zc.names) zeroconf[n] = readFileSync(join(import.meta.dirname, '..', 'dist', n + '.tok'), 'latin1');
  for (const n of zc.names) zcBytes += storageBytes(zeroconf[n]!.length);
  let zcNote = '';
  if (zc.names.length && !zc.insist && need + zcBytes > STORAGE[board]) {
    zcNote = `; mDNS and link-local left out: they need ${zcBytes} bytes of Storage, ${need + zcBytes - STORAGE[board]} more than ${board} has left ("mdns": true or "linkLocal": true writes them anyway)`;
    for (const n of zc.names) zeroconf[n] = null;
  } else need += zcBytes;
  const zcWhat = zc.names.filter((n) => zeroconf[n]).map((n) => `, ${n} (${zeroconf[n]!.length})`).join('');
  const what = `the ${files.chip} bundle (${code.length} bytes)${net !== null ? `, the net-style API (${net.length})` : ''}${apps ? `, the apps (${apps.length})` : ''}` +
    `${dhcp !== null ? `, DHCP (${dhcp.length})` : ''}, DNS (${dns.length})${njs !== null ? `, the NetworkJS adapter (${njs.length})` : ''}${zcWhat} and boot file (${boot.length})`;
  if (need > STORAGE[board]) {
    console.error(`flash: ${what} need ${need} bytes of Storage with their headers, more than ${board}'s ${STORAGE[board]} bytes${apps ? ' (try "apps": false)' : ''}`);
    if (!dryRun) return 1;
  }
  // What is left is the program's own: save(), "Save on send" and its Storage files share it.
  const room = Math.max(0, STORAGE[board] - need);
  const netRoom = net !== null ? room + storageBytes(net.length) : 0;
  const left = `${room} bytes of ${board}'s Storage left for your program` +
    (net !== null && room < 2048 ? ` ("net": false would leave ${netRoom}, if the program does not use stack.net)` : '') + zcNote;
  if (dryRun) {
    mkdirSync(dirname(dryRun), { recursive: true });
    writeFileSync(dryRun, uploadScript(code, net, boot, apps || undefined, dhcp, dns, njs, zeroconf));
    console.log(`flash: wrote what would be sent to ${dryRun}; ${what} take ${need} bytes, ${left}`);
    return 0;
  }
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
  const crcOf = (name: string, present: boolean) => present ? `E.CRC32(require("Storage").read(${JSON.stringify(name)}))` : '0';
  const check = 'print("synack-flash",' + [crcOf('synack', true), crcOf('synack-net', net !== null), crcOf('synack-apps', !!apps),
    crcOf('synack-dhcp', dhcp !== null), crcOf('synack-dns', true), crcOf('synack-networkjs', njs !== null)].join(',') + ');' +
    (dhcp === null ? 'require("Storage").erase("synack-dhcp");' : '') + (njs === null ? 'require("Storage").erase("synack-networkjs");' : '') +
    ZEROCONF.filter((n) => !zeroconf[n]).map((n) => `require("Storage").erase(${JSON.stringify(n)});`).join('') + 'load()';
  const r = spawnSync(process.execPath, [cli, '-p', port, '-b', String(baud), '--no-ble',
    '--board', boardFile, '--storage', `synack:${files.bundle}`].concat(files.net ? ['--storage', `synack-net:${files.net}`] : []).concat(files.apps ? ['--storage', `synack-apps:${files.apps}`] : [])
    .concat(files.dhcp ? ['--storage', `synack-dhcp:${files.dhcp}`] : []).concat(['--storage', `synack-dns:${files.dns}`])
    .concat(files.networkjs ? ['--storage', `synack-networkjs:${files.networkjs}`] : [])
    .concat(...ZEROCONF.filter((n) => zeroconf[n]).map((n) => ['--storage', `${n}:${join(import.meta.dirname, '..', 'dist', n + '.tok')}`]))
    .concat(['--storage', `.boot0:${bootFile}`, '-e', check]), { encoding: 'utf8', timeout: 180000 });
  const out = (r.stdout || '') + (r.stderr || '');
  if (process.env.FLASH_LOG) writeFileSync(process.env.FLASH_LOG, out); // the whole exchange, for a failure's cause
  const m = /synack-flash\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)/.exec(out);
  if (!m) {
    const why = out.trim().split('\n').filter((l) => /Unable to connect|not found|rror/.test(l)).slice(-1)[0] || out.trim().split('\n').slice(-1)[0] || 'no output';
    console.error(`flash: the board on ${port} does not answer (EspruinoTools: ${why.trim()})`);
    return 1;
  }
  const want = [crc32(code), net !== null ? crc32(net) : 0, apps ? crc32(apps) : 0, dhcp !== null ? crc32(dhcp) : 0, crc32(dns), njs !== null ? crc32(njs) : 0];
  const got = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x) >>> 0);
  if (got.join('/') !== want.join('/')) {
    console.error(`flash: the board on ${port} holds something else than was written (CRC32 ${got.join('/')}, expected ${want.join('/')}): flash again`);
    return 1;
  }
  console.log(`flash: wrote synack (${files.chip}, ${code.length} bytes)${net !== null ? `, synack-net (${net.length})` : ''}${apps ? `, synack-apps (${apps.length})` : ''}` +
    `${dhcp !== null ? `, synack-dhcp (${dhcp.length})` : ''}, synack-dns (${dns.length})${njs !== null ? `, synack-networkjs (${njs.length})` : ''}${zcWhat} and .boot0 to ${board} on ${port}, checked by CRC32; ${left}`);
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
  cli(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => { console.error(`flash: ${e.message}`); process.exitCode = 1; });
}
