// npm run flash -- --port /dev/ttyACM0 [--program app.js] [--board PICO_R1_3|ESPRUINOWIFI|ESPRUINOBOARD]
//                  [--baud 115200] [--config board.json] [--dry-run [FILE]]   (npm run flash -- --help)
// With --program, the user's program goes into Storage as ".boot1" (run at boot, after ".boot0"
// has started the stack as the global `synack`), and the modules are picked from what the program
// uses (pickModules): require("http"/"net"/"dgram") the NetworkJS adapter, `stack.net` the
// net-style API, a host name DNS, "ip": "dhcp" DHCP, the apps only when the config asks for them;
// the config's "net", "networkjs", "dns" (true/false), "apps" override each. Each module's cost
// and what is left are printed; a program that does not fit is refused in one line.
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
import { basename, dirname, join, resolve } from 'node:path';
import { storageWrites } from './espruino.ts';
import { pretokenise } from './pretokenise.ts';
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

/** Storage sizes in bytes (docs/espruino.md). */
export const STORAGE: Record<string, number> = { PICO_R1_3: 48 * 1024, ESPRUINOWIFI: 64 * 1024, ESPRUINOBOARD: 20 * 1024 };

export interface FlashConfig { chip?: string; spi?: string; sck?: string; miso?: string; mosi?: string; baud?: number; cs?: string;
  /** The pin the chip's INT (INTn) is wired to, if it is: the board then wakes on frames. */
  int?: string; ip?: string; gateway?: string;
  /** The DNS server's address (a string); or true/false: write the DNS client or not, whatever
   *  the program seems to use. */
  dns?: string | boolean; mac?: string; hostname?: string; apps?: unknown;
  /** false: the net-style API ("synack-net") is not written, for a program that only uses
   *  Espruino's own net/http (the default apps sit on the TCP connections and do not need it). */
  net?: boolean;
  /** false: start() does not register with Espruino's NetworkJS, and its adapter
   *  ("synack-networkjs", loaded when Espruino first makes a socket) is not written. */
  networkjs?: boolean;
  /** true/false: the counters' names ("synack-names", read when the counters are read by name:
   *  the status page, `.counters`) written or not. */
  counters?: boolean;
  /** Zero configuration (docs/zeroconf.md): "synack-mdns" (with "synack-dnssd" when the apps run)
   *  and "synack-linklocal". By default written for a board on DHCP when they fit in its Storage
   *  beside the rest (left out, and said so, when not); true writes them regardless, false never.
   *  With --program, only when the config sets them true. */
  mdns?: boolean; linkLocal?: boolean }

const DEFAULTS: FlashConfig = { chip: 'enc28j60', spi: 'SPI1', sck: 'A5', miso: 'A6', mosi: 'A7', baud: 4000000, cs: 'B1', ip: 'dhcp' };

/** The boot file: sets up SPI and starts synack with the configuration. */
export function bootCode(cfg: FlashConfig): string {
  const c = { ...DEFAULTS, ...cfg };
  const opts: Record<string, unknown> = { chip: c.chip, ip: c.ip };
  for (const k of ['gateway', 'dns', 'mac', 'hostname', 'apps', 'networkjs', 'mdns', 'linkLocal'] as const) if (c[k] !== undefined && (k !== 'dns' || typeof c[k] === 'string')) opts[k] = c[k];
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
  zeroconf: { [name: string]: string | null } = {}, program?: string | null, names?: string | null): string {
  const out = storageWrites('synack', bundle);
  if (net !== null) out.push(...storageWrites('synack-net', net));
  else out.push('require("Storage").erase("synack-net");');
  if (apps) out.push(...storageWrites('synack-apps', apps));
  else out.push('require("Storage").erase("synack-apps");');
  // Without DHCP (a static address), an earlier "synack-dhcp" is erased: its room is the program's.
  if (dhcp) out.push(...storageWrites('synack-dhcp', dhcp));
  else out.push('require("Storage").erase("synack-dhcp");');
  if (dns) out.push(...storageWrites('synack-dns', dns));
  else if (dns === null) out.push('require("Storage").erase("synack-dns");');
  if (names) out.push(...storageWrites('synack-names', names));
  else if (names === null) out.push('require("Storage").erase("synack-names");');
  if (program) out.push(...storageWrites('.boot1', program));
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
export function bundlesFor(cfg: FlashConfig): { chip: string; bundle: string; net: string | null; apps: string | null; dhcp: string | null; dns: string | null; networkjs: string | null; names: string | null } {
  const chip = cfg.chip || DEFAULTS.chip!;
  const dist = join(import.meta.dirname, '..', 'dist');
  const bundle = join(dist, `synack-${chip}.tok`);
  const ip = cfg.ip || DEFAULTS.ip;
  return { chip, bundle, net: cfg.net === false ? null : join(dist, 'synack-net.tok'), apps: cfg.apps === false ? null : join(dist, 'synack-apps.tok'),
    dhcp: ip === 'dhcp' ? join(dist, 'synack-dhcp.tok') : null, dns: cfg.dns === false ? null : join(dist, 'synack-dns.tok'),
    networkjs: cfg.networkjs === false ? null : join(dist, 'synack-networkjs.tok'),
    // The counters' names: for the apps' status page, or when asked; data, written as it is.
    names: cfg.counters === false || (cfg.counters !== true && cfg.apps === false) ? null : join(dist, 'synack-names.txt') };
}

/** The boot file for a program flashed with `picked` (pickModules' answer to `asked`): what
 *  start() does by default is not said (NetworkJS registered; zero configuration left out finds
 *  no module and stays off, firmware/iface/zeroconf-storage.ts). */
export function programBoot(asked: FlashConfig, picked: FlashConfig): string {
  return bootCode({ ...picked, networkjs: picked.networkjs === false ? false : undefined,
    mdns: asked.mdns ?? (picked.mdns || undefined), linkLocal: asked.linkLocal ?? (picked.linkLocal || undefined) });
}

/** A user's program as written to Storage: pretokenised with its line breaks, as latin1 bytes
 *  (characters beyond latin1 as UTF-8, which Espruino's strings hold as bytes). */
export function programBytes(source: string): string {
  const tok = pretokenise(source, true);
  return /^[\x00-\xff]*$/.test(tok) ? tok : Buffer.from(tok, 'utf8').toString('latin1');
}

/** What a program uses, each with where it was seen ("line 3: require(\"http\")"). */
export interface ProgramUse { networkjs: string[]; net: string[]; dns: string[]; counters: string[] }

/** Espruino's modules that run over the NetworkJS adapter. */
const NETWORKJS_MODULES = ['http', 'net', 'dgram', 'tls', 'https'];
/** Names with a dot that are files, not hosts ("index.html"). */
const FILE_SUFFIX = /\.(html?|js|json|txt|css|png|jpe?g|gif|ico|svg|csv|xml|bin|tok|md|log|wav|bmp)$/i;

/** True for a host name that needs resolving: letters, digits and hyphens in dot-separated
 *  labels (RFC 1123 section 2.1), at least two, the last not all digits; not a dotted quad. */
export function isHostName(s: string): boolean {
  if (s.length > 253 || !/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\.?$/.test(s)) return false;
  const labels = s.replace(/\.$/, '').split('.');
  if (labels.some((l) => l.length > 63 || l.startsWith('-') || l.endsWith('-'))) return false;
  return /[A-Za-z]/.test(labels[labels.length - 1]) && !FILE_SUFFIX.test(s);
}

/** What a program uses, read from its syntax (acorn): `require("http")`, `require("net")`,
 *  `require("dgram")` (Espruino's own, over the NetworkJS adapter); any `.net` member (the
 *  stack's net-style API, `synack.stack.net`) or `require("synack-net")`; a host name in a
 *  string (a URL's host, or a name such as "peer.example.com") or a call of `.resolve(`/`.lookup(`
 *  (DNS). Throws a one-line Error when the program does not parse. */
export function programUses(src: string, name = 'the program'): ProgramUse {
  let ast: acorn.Node;
  try { ast = acorn.parse(src, { ecmaVersion: 2020, sourceType: 'script', locations: true, allowHashBang: true }); } catch (e) {
    throw new Error(`${name} does not parse: ${(e as Error).message}`);
  }
  const u: ProgramUse = { networkjs: [], net: [], dns: [], counters: [] };
  const at = (n: acorn.Node) => `line ${n.loc!.start.line}`;
  const str = (n: acorn.Node | undefined): string | null => n && n.type === 'Literal' && typeof (n as acorn.Literal).value === 'string' ? (n as acorn.Literal).value as string : null;
  const hostIn = (s: string, n: acorn.Node) => {
    const url = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#\s]+)/i.exec(s);
    const h = url ? url[1] : s;
    if (isHostName(h)) u.dns.push(`${at(n)}: "${h}"`);
  };
  walk.full(ast, (n) => {
    if (n.type === 'CallExpression') {
      const c = n as acorn.CallExpression;
      const callee = c.callee;
      if (callee.type === 'Identifier' && callee.name === 'require') {
        const m = str(c.arguments[0] as acorn.Node);
        if (m !== null && NETWORKJS_MODULES.includes(m)) u.networkjs.push(`${at(n)}: require("${m}")`);
        if (m === 'synack-net') u.net.push(`${at(n)}: require("synack-net")`);
        if (m === 'synack-dns') u.dns.push(`${at(n)}: require("synack-dns")`);
      }
      if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' &&
        (callee.property.name === 'resolve' || callee.property.name === 'lookup') && callee.object.type === 'MemberExpression' &&
        !callee.object.computed && callee.object.property.type === 'Identifier' && callee.object.property.name === 'dns') {
        u.dns.push(`${at(n)}: .dns.${callee.property.name}()`);
      }
    } else if (n.type === 'MemberExpression') {
      const m = n as acorn.MemberExpression;
      if (!m.computed && m.property.type === 'Identifier' && m.property.name === 'net') u.net.push(`${at(n)}: .net`);
      if (!m.computed && m.property.type === 'Identifier' && m.property.name === 'counters') u.counters.push(`${at(n)}: .counters`);
    } else if (n.type === 'Literal') {
      const v = str(n);
      if (v !== null) hostIn(v, n);
    } else if (n.type === 'TemplateElement') {
      const v = (n as acorn.TemplateElement).value.cooked;
      if (v) hostIn(v, n);
    }
  });
  return u;
}

/** The modules a flash writes, and why: from the program's use (programUses) when there is a
 *  program, else all of them (the board as flashed without a program: a demo with the apps);
 *  the config's "net", "networkjs", "dns" (true/false) and "apps" override either way. */
export interface ModulePick { cfg: FlashConfig; why: string[] }
export function pickModules(cfg: FlashConfig, program: string | null, name = 'the program'): ModulePick {
  const c: FlashConfig = { ...cfg };
  const why: string[] = [];
  const ip = c.ip || DEFAULTS.ip;
  // Without a program the board is the demo: the apps, and Espruino's net/http at the console
  // through the NetworkJS adapter. The net-style API (synack-net) is for programs that use
  // stack.net; left out unless the config says "net": true, the demo fits a Pico's Storage with
  // the larger TCP of issue 21.
  if (program === null) { if (typeof c.net !== 'boolean') c.net = false; return { cfg: c, why }; }
  const u = programUses(program, name);
  const first = (l: string[]) => l[0] + (l.length > 1 ? ` and ${l.length - 1} more` : '');
  const decide = (key: 'net' | 'networkjs' | 'counters', seen: string[], what: string) => {
    if (typeof c[key] === 'boolean') why.push(`${what}: ${c[key] ? 'in' : 'left out'} ("${key}": ${c[key]} in the config)`);
    else { c[key] = seen.length > 0; if (seen.length) why.push(`${what}: ${first(seen)}`); }
  };
  decide('networkjs', u.networkjs, 'the NetworkJS adapter');
  decide('net', u.net, 'the net-style API (synack-net)');
  // The apps' status page reads the counters by name: with the apps, the names go in.
  if (c.apps !== undefined && c.apps !== false && c.counters === undefined) { c.counters = true; why.push('the counters\' names (synack-names): the apps\' status page'); }
  else decide('counters', u.counters, 'the counters\' names (synack-names)');
  if (typeof c.dns === 'boolean') why.push(`DNS: ${c.dns ? 'in' : 'left out'} ("dns": ${c.dns} in the config)`);
  else if (u.dns.length) why.push(`DNS: ${first(u.dns)}`);
  else if (typeof c.dns === 'string') why.push(`DNS: "dns": "${c.dns}" in the config`); // a server given: names will be asked
  else c.dns = false;
  if (ip === 'dhcp') why.push(`DHCP: "ip": "dhcp"${cfg.ip ? '' : ' (the default)'}`);
  if (c.apps === undefined) c.apps = false;
  else if (c.apps !== false) why.push('the apps: "apps" in the config');
  // Zero configuration, like the apps, only when asked for (its modules take about 6 KB).
  for (const k of ['mdns', 'linkLocal'] as const) {
    if (c[k] === true) why.push(`${k === 'mdns' ? 'mDNS' : 'link-local'}: "${k}": true in the config`);
    else c[k] = false;
  }
  return { cfg: c, why };
}

export const FLASH_USAGE = `usage: npm run flash -- --port PORT [options]
  --port PORT                     the board's USB serial port (/dev/ttyACM0, /dev/ttyUSB0, ...),
                                  or tcp://HOST:PORT for a console on TCP
  --program app.js                your program, written beside the stack and run at boot (the
                                  stack is the global \`synack\`); only the modules it uses go in
  --board PICO_R1_3|ESPRUINOWIFI|ESPRUINOBOARD   the board, for its Storage size (default PICO_R1_3)
  --baud N                        the serial port's speed (default 115200)
  --config board.json             chip, pins, ip, apps, net, networkjs, dns, ... (docs/board.md)
  --dry-run [FILE]                no board: write the upload script that would be sent to FILE
                                  (default dist/flash/upload.js) and report the Storage it takes
  -h, --help                      this text`;

/** Where --dry-run writes without a FILE: under dist/, which the build owns and git ignores. */
export const DRY_RUN_DEFAULT = join(import.meta.dirname, '..', 'dist', 'flash', 'upload.js');

export interface FlashArgs { port: string; board: string; baud: number; configFile: string; program: string; dryRun: string | null; help: boolean }

/** A path the user typed: `npm run` changes to the package's directory, so it is taken from where
 *  the user was (INIT_CWD). */
function userPath(p: string): string { return resolve(process.env.INIT_CWD || process.cwd(), p); }

/** The command line, checked without building anything: the arguments, or one line saying what
 *  is wrong (`code` 2 for a usage mistake, 1 for a port that is not there). */
export function parseFlashArgs(argv: string[]): FlashArgs | { error: string; code: number } {
  const a: FlashArgs = { port: '', board: 'PICO_R1_3', baud: 115200, configFile: '', program: '', dryRun: null, help: false };
  const usage = (m: string) => ({ error: `flash: ${m}; see npm run flash -- --help`, code: 2 });
  for (let i = 0; i < argv.length; i++) {
    const o = argv[i];
    const value = (): string | null => { const v = argv[i + 1]; if (v === undefined || v.startsWith('--')) return null; i++; return v; };
    if (o === '-h' || o === '--help') { a.help = true; return a; }
    if (o === '--port' || o === '--board' || o === '--baud' || o === '--config' || o === '--program') {
      const v = value();
      if (v === null) return usage(`${o} needs a value`);
      if (o === '--port') a.port = v;
      else if (o === '--program') a.program = userPath(v);
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
  if (a.program && !existsSync(a.program)) return usage(`--program ${a.program}: no such file`);
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
  const source = a.program ? readFileSync(a.program, 'utf8') : null;
  const progName = a.program ? basename(a.program) : '';
  let pick: ModulePick;
  try { pick = pickModules(cfg, source, progName); } catch (e) { console.error(`flash: ${(e as Error).message.split('\n')[0]}`); return 2; }
  // The program as Storage holds it: pretokenised (comments and spaces gone, its line breaks
  // kept), as the Web IDE's "Pretokenise code before upload" does.
  const program = source !== null ? programBytes(source) : null;
  const asked = cfg;
  cfg = pick.cfg;
  const files = bundlesFor(cfg);
  if (files.chip !== 'enc28j60' && files.chip !== 'w5500') { console.error(`flash: unknown chip "${files.chip}" in the config: use "enc28j60" or "w5500"`); return 2; }
  const code = readFileSync(files.bundle, 'latin1');
  const net = files.net ? readFileSync(files.net, 'latin1') : null;
  const apps = files.apps ? readFileSync(files.apps, 'latin1') : '';
  const dhcp = files.dhcp ? readFileSync(files.dhcp, 'latin1') : null;
  const dns = files.dns ? readFileSync(files.dns, 'latin1') : null;
  const njs = files.networkjs ? readFileSync(files.networkjs, 'latin1') : null;
  const names = files.names ? readFileSync(files.names, 'latin1') : null;
  // Zero configuration left out for a program need not be said in the boot file: start() finds
  // no module and stays off (firmware/iface/zeroconf-storage.ts).
  const boot = program !== null ? programBoot(asked, cfg) : bootCode(cfg);
  // Each Storage file with its cost (header included), in the order written.
  const costs: [string, string, number][] = [[`synack`, `the ${files.chip} stack`, code.length]];
  if (net !== null) costs.push(['synack-net', 'the net-style API', net.length]);
  if (apps) costs.push(['synack-apps', 'the default apps', apps.length]);
  if (dhcp !== null) costs.push(['synack-dhcp', 'DHCP', dhcp.length]);
  if (dns !== null) costs.push(['synack-dns', 'DNS', dns.length]);
  if (njs !== null) costs.push(['synack-networkjs', 'the NetworkJS adapter', njs.length]);
  if (names !== null) costs.push(['synack-names', 'the counters\' names', names.length]);
  costs.push(['.boot0', 'the boot file', boot.length]);
  // Zero configuration: written when asked for and there is room (or when insisted on).
  const zc = zeroconfFor(cfg);
  const zeroconf: { [name: string]: string | null } = {};
  let zcBytes = 0;
  for (const n of zc.names) zeroconf[n] = readFileSync(join(import.meta.dirname, '..', 'dist', n + '.tok'), 'latin1');
  for (const n of zc.names) zcBytes += storageBytes(zeroconf[n]!.length);
  let zcNote = '';
  const base = costs.reduce((t, c) => t + storageBytes(c[2]), 0) + (program !== null ? storageBytes(program.length) : 0);
  if (zc.names.length && !zc.insist && base + zcBytes > STORAGE[board]) {
    zcNote = `; mDNS and link-local left out: they need ${zcBytes} bytes of Storage, ${base + zcBytes - STORAGE[board]} more than ${board} has left ("mdns": true or "linkLocal": true writes them anyway)`;
    for (const n of zc.names) zeroconf[n] = null;
  } else for (const n of zc.names) costs.splice(costs.length - 1, 0, [n, n === 'synack-linklocal' ? 'link-local IPv4' : n === 'synack-mdns' ? 'mDNS' : 'DNS-SD', zeroconf[n]!.length]);
  const zcWhat = zc.names.filter((n) => zeroconf[n]).map((n) => `, ${n} (${zeroconf[n]!.length})`).join('');
  const stackNeed = costs.reduce((t, c) => t + storageBytes(c[2]), 0);
  const progNeed = program !== null ? storageBytes(program.length) : 0;
  const need = stackNeed + progNeed;
  const what = `the ${files.chip} bundle (${code.length} bytes)${net !== null ? `, the net-style API (${net.length})` : ''}${apps ? `, the apps (${apps.length})` : ''}` +
    `${dhcp !== null ? `, DHCP (${dhcp.length})` : ''}${dns !== null ? `, DNS (${dns.length})` : ''}${njs !== null ? `, the NetworkJS adapter (${njs.length})` : ''}${names !== null ? `, the counters' names (${names.length})` : ''}${zcWhat} and boot file (${boot.length})`;
  const size = STORAGE[board];
  if (program !== null) {
    for (const w of pick.why) console.log(`flash: ${progName}: ${w}`);
    for (const [n, d, len] of costs) console.log(`flash:   ${n.padEnd(17)} ${String(storageBytes(len)).padStart(6)} bytes  ${d}`);
    console.log(`flash:   ${'.boot1'.padEnd(17)} ${String(progNeed).padStart(6)} bytes  ${progName} (${source!.length} bytes as written, ${program!.length} pretokenised)`);
    if (need <= size) console.log(`flash:   ${'left'.padEnd(17)} ${String(size - need).padStart(6)} bytes  of ${board}'s ${size}`);
    if (need > size) {
      const off = !cfg.apps ? '' : ' (try "apps": false)';
      console.error(`flash: ${progName} does not fit: ${progNeed} bytes with the stack's ${stackNeed} are ${need - size} more than ${board}'s ${size} bytes of Storage${off}`);
      return 1;
    }
  } else if (need > size) {
    console.error(`flash: ${what} need ${need} bytes of Storage with their headers, more than ${board}'s ${size} bytes${apps ? ' (try "apps": false)' : ''}`);
    if (!dryRun) return 1;
  }
  // What is left is the program's own: save(), "Save on send" and its Storage files share it.
  const room = Math.max(0, size - need);
  const netRoom = net !== null ? room + storageBytes(net.length) : 0;
  const left = program !== null ? `${room} bytes of ${board}'s Storage left beyond ${progName}` : `${room} bytes of ${board}'s Storage left for your program` +
    (net !== null && room < 2048 ? ` ("net": false would leave ${netRoom}, if the program does not use stack.net)` : '') + zcNote;
  if (dryRun) {
    mkdirSync(dirname(dryRun), { recursive: true });
    writeFileSync(dryRun, uploadScript(code, net, boot, apps || undefined, dhcp, dns, njs, zeroconf, program, names));
    console.log(`flash: wrote what would be sent to ${dryRun}; ${what} take ${stackNeed} bytes${program !== null ? `, ${progName} ${progNeed}` : ''}, ${left}`);
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
  // Modules not written this time are erased: an earlier flash's would take the program's room.
  const erase = (name: string, absent: boolean) => absent ? `require("Storage").erase(${JSON.stringify(name)});` : '';
  let progFile = '';
  if (program !== null) { progFile = join(dir, 'program.js'); writeFileSync(progFile, program, 'latin1'); }
  const check = 'print("synack-flash",' + [crcOf('synack', true), crcOf('synack-net', net !== null), crcOf('synack-apps', !!apps),
    crcOf('synack-dhcp', dhcp !== null), crcOf('synack-dns', dns !== null), crcOf('synack-networkjs', njs !== null), crcOf('.boot1', program !== null), crcOf('synack-names', names !== null)].join(',') + ');' +
    erase('synack-net', net === null) + erase('synack-apps', !apps) + erase('synack-dhcp', dhcp === null) + erase('synack-dns', dns === null) +
    erase('synack-networkjs', njs === null) + erase('synack-names', names === null) +
    ZEROCONF.filter((n) => !zeroconf[n]).map((n) => erase(n, true)).join('') + 'load()';
  const r = spawnSync(process.execPath, [cli, '-p', port, '-b', String(baud), '--no-ble',
    '--board', boardFile, '--storage', `synack:${files.bundle}`].concat(files.net ? ['--storage', `synack-net:${files.net}`] : []).concat(files.apps ? ['--storage', `synack-apps:${files.apps}`] : [])
    .concat(files.dhcp ? ['--storage', `synack-dhcp:${files.dhcp}`] : []).concat(files.dns ? ['--storage', `synack-dns:${files.dns}`] : [])
    .concat(files.networkjs ? ['--storage', `synack-networkjs:${files.networkjs}`] : [])
    .concat(files.names ? ['--storage', `synack-names:${files.names}`] : [])
    .concat(...ZEROCONF.filter((n) => zeroconf[n]).map((n) => ['--storage', `${n}:${join(import.meta.dirname, '..', 'dist', n + '.tok')}`]))
    .concat(progFile ? ['--storage', `.boot1:${progFile}`] : [])
    .concat(['--storage', `.boot0:${bootFile}`, '-e', check]), { encoding: 'utf8', timeout: 180000 });
  const out = (r.stdout || '') + (r.stderr || '');
  if (process.env.FLASH_LOG) writeFileSync(process.env.FLASH_LOG, out); // the whole exchange, for a failure's cause
  const m = /synack-flash\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)/.exec(out);
  if (!m) {
    const why = out.trim().split('\n').filter((l) => /Unable to connect|not found|rror/.test(l)).slice(-1)[0] || out.trim().split('\n').slice(-1)[0] || 'no output';
    console.error(`flash: the board on ${port} does not answer (EspruinoTools: ${why.trim()})`);
    return 1;
  }
  const want = [crc32(code), net !== null ? crc32(net) : 0, apps ? crc32(apps) : 0, dhcp !== null ? crc32(dhcp) : 0, dns !== null ? crc32(dns) : 0,
    njs !== null ? crc32(njs) : 0, program !== null ? crc32(program) : 0, names !== null ? crc32(names) : 0];
  const got = [m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]].map((x) => Number(x) >>> 0);
  if (got.join('/') !== want.join('/')) {
    console.error(`flash: the board on ${port} holds something else than was written (CRC32 ${got.join('/')}, expected ${want.join('/')}): flash again`);
    return 1;
  }
  console.log(`flash: wrote synack (${files.chip}, ${code.length} bytes)${net !== null ? `, synack-net (${net.length})` : ''}${apps ? `, synack-apps (${apps.length})` : ''}` +
    `${dhcp !== null ? `, synack-dhcp (${dhcp.length})` : ''}${dns !== null ? `, synack-dns (${dns.length})` : ''}${njs !== null ? `, synack-networkjs (${njs.length})` : ''}` +
    `${names !== null ? `, synack-names (${names.length})` : ''}${zcWhat}${program !== null ? `, .boot1 (${progName}, ${program.length})` : ''} and .boot0 to ${board} on ${port}, checked by CRC32; ${left}`);
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
