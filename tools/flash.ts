// npm run flash -- --port /dev/ttyACM0 [--board PICO_R1_3|ESPRUINOWIFI|ESPRUINOBOARD] [--baud 115200]
//                  [--config board.json] [--dry-run [out.js]]
// Builds the bundle, writes it to the board's Storage as the module "synack" and a boot file that
// starts it with the configuration, through the `espruino` npm package (EspruinoTools' CLI).
// --dry-run writes what would be sent into a file instead. One-line errors: no such port, the
// board does not answer, the bundle is larger than that board's Storage.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFirmware } from './build.ts';

/** Storage sizes in bytes (../shared/espruino.md). */
export const STORAGE: Record<string, number> = { PICO_R1_3: 48 * 1024, ESPRUINOWIFI: 64 * 1024, ESPRUINOBOARD: 20 * 1024 };

export interface FlashConfig { chip?: string; spi?: string; sck?: string; miso?: string; mosi?: string; baud?: number; cs?: string; ip?: string; gateway?: string; dns?: string; mac?: string; hostname?: string; apps?: unknown }

const DEFAULTS: FlashConfig = { chip: 'enc28j60', spi: 'SPI1', sck: 'A5', miso: 'A6', mosi: 'A7', baud: 4000000, cs: 'B1', ip: 'dhcp' };

/** The boot file: sets up SPI and starts synack with the configuration. */
export function bootCode(cfg: FlashConfig): string {
  const c = { ...DEFAULTS, ...cfg };
  const opts: Record<string, unknown> = { chip: c.chip, ip: c.ip };
  for (const k of ['gateway', 'dns', 'mac', 'hostname', 'apps'] as const) if (c[k] !== undefined) opts[k] = c[k];
  const json = JSON.stringify(opts).replace(/}$/, `,"spi":${c.spi},"cs":${c.cs}}`);
  return `${c.spi}.setup({sck:${c.sck},miso:${c.miso},mosi:${c.mosi},baud:${c.baud}});\nvar synack=require("synack").start(${json});\n`;
}

/** The upload as JavaScript for the board: Storage writes in pieces, then a reset. */
export function uploadScript(bundle: string, boot: string): string {
  const out: string[] = ['require("Storage").erase("synack");'];
  const PIECE = 2048;
  for (let off = 0; off < bundle.length; off += PIECE) {
    const part = JSON.stringify(bundle.slice(off, off + PIECE));
    out.push(off === 0 ? `require("Storage").write("synack",${part},0,${bundle.length});` : `require("Storage").write("synack",${part},${off});`);
  }
  out.push(`require("Storage").write(".boot0",${JSON.stringify(boot)});`, 'load();');
  return out.join('\n') + '\n';
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
  const code = readFileSync(join(import.meta.dirname, '..', 'dist', 'synack.js'), 'utf8');
  const boot = bootCode(cfg);
  const need = code.length + boot.length;
  if (need > STORAGE[board]) {
    console.error(`flash: the bundle (${code.length} bytes) and boot file (${boot.length}) need ${need} bytes, more than ${board}'s ${STORAGE[board]}-byte Storage`);
    if (!dryRun) return 1;
  }
  if (dryRun) { writeFileSync(dryRun, uploadScript(code, boot)); console.log(`flash: wrote what would be sent to ${dryRun}`); return 0; }
  if (!port) { console.error('flash: give --port (for example /dev/ttyACM0), or --dry-run'); return 2; }
  if (!port.startsWith('tcp://') && !existsSync(port)) { console.error(`flash: no such port ${port}: is the board plugged in? (ls /dev/ttyACM* /dev/ttyUSB*)`); return 1; }
  const dir = mkdtempSync(join(tmpdir(), 'synack-flash-'));
  const bootFile = join(dir, 'boot.js');
  writeFileSync(bootFile, boot);
  const cli = join(import.meta.dirname, '..', 'node_modules', 'espruino', 'bin', 'espruino-cli.js');
  const r = spawnSync(process.execPath, [cli, '-p', port, '-b', String(baud), '--board', board, '--no-ble',
    '--storage', `synack:${join(import.meta.dirname, '..', 'dist', 'synack.js')}`, '--storage', `.boot0:${bootFile}`, '-e', 'load()'], { encoding: 'utf8', timeout: 120000 });
  const out = (r.stdout || '') + (r.stderr || '');
  if (r.status !== 0 || /Unable to connect|not found|Error/i.test(out)) {
    console.error(`flash: the board on ${port} does not answer (EspruinoTools: ${out.trim().split('\n').slice(-1)[0] || 'no output'})`);
    return 1;
  }
  console.log(`flash: wrote synack (${code.length} bytes) and .boot0 to ${board} on ${port}`);
  return 0;
}

if (process.argv[1] && /tools[\\/]flash\.ts$/.test(process.argv[1])) {
  buildFirmware().then(() => { process.exitCode = main(process.argv.slice(2)); }, (e) => { console.error(`flash: ${e.message}`); process.exitCode = 1; });
}
