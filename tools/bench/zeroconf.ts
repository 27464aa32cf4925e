// npm run bench, zero configuration (issue 26, docs/zeroconf.md): what the modules cost a board.
// Storage: each module as npm run flash writes it (pretokenised, with its Storage header). RAM
// (with ESPRUINO, the Pico layout): blocks in use after start() with the module on, less the same
// start with it off, idle after half a second (mDNS: a static address, probes and announcements
// sent; link-local: DHCP, waiting for an answer).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { storageBytes } from '../flash.ts';
import { ZEROCONF } from '../flash.ts';
import { espruinoPath, runWithBundle } from '../../test/helpers/espruino.ts';
import { chipBundle, IDLE_CHIP_DRIVER } from './espruino.ts';

const root = join(import.meta.dirname, '..', '..');

function row(name: string, value: string): void { console.log(`  ${name.padEnd(52)} ${value}`); }

const SCRIPT = `
var m = function () { return process.memory().usage; };
var base = m();
${IDLE_CHIP_DRIVER}
var b = require("synack").start(Object.assign({ driver: drv, networkjs: false, apps: false, idlePollMs: 50 }, CFG));

setTimeout(function () { print("ZC " + JSON.stringify({ used: m() - base, mdns: !!b.stack.mdns, ll: !!b.stack.linkLocal })); quit(); }, 500);
`;

async function used(cfg: { [k: string]: unknown }): Promise<{ used: number; mdns: boolean; ll: boolean } | string> {
  const r = await runWithBundle('var CFG = ' + JSON.stringify(cfg) + ';' + SCRIPT, 60000, chipBundle, cfg.apps !== false && 'apps' in cfg, ZEROCONF);
  const m = /ZC (\{.*\})/.exec(r.out);
  return m ? JSON.parse(m[1]) : r.out.trim().split('\n').slice(-3).join(' / ');
}

export async function zeroconfFigures(): Promise<void> {
  console.log('zero configuration (Storage modules, loaded only when on: docs/zeroconf.md)');
  let total = 0;
  for (const n of ZEROCONF) {
    const tok = readFileSync(join(root, 'dist', n + '.tok'));
    total += storageBytes(tok.length);
    row(`${n}, Storage bytes (with its header)`, `${storageBytes(tok.length)} (pretokenised ${tok.length})`);
  }
  row('all three', `${total} bytes of Storage`);
  if (!espruinoPath()) { row('RAM', 'ESPRUINO not set (the Pico layout gives blocks)'); return; }
  const st0 = await used({ ip: '198.18.0.2/24', mdns: false });
  const st1 = await used({ ip: '198.18.0.2/24', mdns: true });
  const d0 = await used({ ip: 'dhcp', mdns: false, linkLocal: false });
  const d1 = await used({ ip: 'dhcp', mdns: false, linkLocal: true });
  const d2 = await used({ ip: 'dhcp' });
  const fig = (a: typeof st0, b: typeof st0, on: (x: { mdns: boolean; ll: boolean }) => boolean) =>
    typeof a === 'string' || typeof b === 'string' ? `did not run: ${typeof a === 'string' ? a : b}` : `${b.used - a.used} blocks (${on(b) ? 'on' : 'NOT on'})`;
  row('RAM, mDNS responder (static address, no apps)', fig(st0, st1, (x) => x.mdns));
  const sa0 = await used({ ip: '198.18.0.2/24', mdns: false, apps: {} });
  const sa1 = await used({ ip: '198.18.0.2/24', mdns: true, apps: {} });
  row('RAM, mDNS with DNS-SD for the default apps', fig(sa0, sa1, (x) => x.mdns));
  row('RAM, link-local (DHCP, waiting)', fig(d0, d1, (x) => x.ll));
  row('RAM, both, the default on DHCP', fig(d0, d2, (x) => x.mdns && x.ll));
}
