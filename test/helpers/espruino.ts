// Runs JavaScript in the real Espruino interpreter (its Linux build), for the checks that only
// the interpreter can answer: does the bundle load and run, how many blocks does it use.
// The binary's path comes from the ESPRUINO environment variable; without it, `espruinoPath()`
// is undefined and suites skip those tests (say so with `skipReason`). We never build or ship
// the interpreter; see docs/espruino.md.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runInterpreter, writeStorage, type EspruinoRun } from '../../tools/espruino.ts';

export type { EspruinoRun };

export function espruinoPath(): string | undefined {
  const p = process.env.ESPRUINO;
  return p && existsSync(p) ? p : undefined;
}

export const skipReason = 'ESPRUINO is not set to an Espruino Linux binary: skipped';

/** Runs `script` in a fresh interpreter (ESPRUINO), in a scratch directory (its Storage lives
 *  there; `keepDir` to reuse one). See tools/espruino.ts runInterpreter. */
export function runEspruino(script: string, timeoutMs = 20000, keepDir?: string): Promise<EspruinoRun> {
  const bin = espruinoPath();
  if (!bin) return Promise.reject(new Error(skipReason));
  return runInterpreter(bin, script, timeoutMs, keepDir);
}

/** Runs `script` in an interpreter whose Storage (the Linux build keeps it in `espruino.flash`
 *  in the working directory) already holds a bundle as the module "synack", written by an earlier
 *  run as `npm run flash` would: `require("synack")` then loads it from flash and the bundle's
 *  source text costs no RAM, as on a board. By default the pretokenised full bundle
 *  (dist/synack.tok); any dist/*.js or dist/*.tok may be given. With a chip bundle, the
 *  net-style API's, DHCP's and DNS's modules go beside it ("synack-net", "synack-dhcp",
 *  "synack-dns", and the counters' names "synack-names"), as npm run flash writes them; with
 *  `apps`, the default apps as "synack-apps" too. */
export async function runWithBundle(script: string, timeoutMs = 20000,
  bundlePath = join(import.meta.dirname, '..', '..', 'dist', 'synack.tok'), apps = false, extra: string[] = []): Promise<EspruinoRun> {
  if (!espruinoPath()) throw new Error(skipReason);
  const dir = mkdtempSync(join(tmpdir(), 'synack-espruino-'));
  try {
    const files: [string, string][] = [['synack', bundlePath]];
    const chip = /synack-(enc28j60|w5500)\.(js|tok)$/.exec(bundlePath);
    if (chip) for (const m of ['synack-net', 'synack-dhcp', 'synack-dns', 'synack-networkjs']) files.push([m, join(dirname(bundlePath), m + '.' + chip[2])]);
    if (apps) files.push(['synack-apps', join(dirname(bundlePath), 'synack-apps' + (chip ? '.' + chip[2] : '.tok'))]);
    // The counters' names, read in place when the counters are read by name (a chip bundle's).
    if (chip) files.push(['synack-names', join(dirname(bundlePath), 'synack-names.txt')]);
    // More modules beside a chip bundle (zero configuration's, say), by name.
    for (const m of extra) files.push([m, join(dirname(bundlePath), m + (chip ? '.' + chip[2] : '.tok'))]);
    const why = await writeStorage(espruinoPath()!, dir, files.map(([name, path]) => [name, readFileSync(path, 'latin1')] as [string, string]), timeoutMs);
    if (why) return { out: why, code: null, timedOut: false };
    return await runEspruino(script, timeoutMs, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
