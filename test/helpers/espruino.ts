// Runs JavaScript in the real Espruino interpreter (its Linux build), for the checks that only
// the interpreter can answer: does the bundle load and run, how many blocks does it use.
// The binary's path comes from the ESPRUINO environment variable; without it, `espruinoPath()`
// is undefined and suites skip those tests (say so with `skipReason`). We never build or ship
// the interpreter; see README ("Checking against the real interpreter").
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { byteStringLiteral } from '../../tools/pretokenise.ts';

export function espruinoPath(): string | undefined {
  const p = process.env.ESPRUINO;
  return p && existsSync(p) ? p : undefined;
}

export const skipReason = 'ESPRUINO is not set to an Espruino Linux binary: skipped';

export interface EspruinoRun { out: string; code: number | null; timedOut: boolean }

/** Runs `script` in a fresh interpreter, in a scratch directory (its Storage lives there).
 *  The script must call `quit()` when done; it is killed after `timeoutMs`. Stdin stays open
 *  (at end of input the Linux REPL spins). Output is everything printed before quit. */
export function runEspruino(script: string, timeoutMs = 20000, keepDir?: string): Promise<EspruinoRun> {
  const bin = espruinoPath();
  if (!bin) return Promise.reject(new Error(skipReason));
  const dir = keepDir ?? mkdtempSync(join(tmpdir(), 'synack-espruino-'));
  const file = join(dir, 'main.js');
  writeFileSync(file, script);
  return new Promise((resolve) => {
    const child = spawn(bin, [file], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
      // Drop the banner and anything after the last newline (the REPL prompt).
      const lines = out.split('\n').filter((l) => !/^\s*(_{2,}|\|)|espruino\.com|Copyright|^ *$|Donate|sales of official/.test(l));
      resolve({ out: lines.join('\n'), code, timedOut });
    });
  });
}

/** Runs `script` in an interpreter whose Storage (the Linux build keeps it in `espruino.flash`
 *  in the working directory) already holds a bundle as the module "synack", written by an earlier
 *  run as `npm run flash` would: `require("synack")` then loads it from flash and the bundle's
 *  source text costs no RAM, as on a board. By default the pretokenised full bundle
 *  (dist/synack.tok); any dist/*.js or dist/*.tok may be given. With a chip bundle, the
 *  net-style API's, DHCP's and DNS's modules go beside it ("synack-net", "synack-dhcp",
 *  "synack-dns"), as npm run flash writes them; with
 *  `apps`, the default apps as "synack-apps" too. */
export async function runWithBundle(script: string, timeoutMs = 20000,
  bundlePath = join(import.meta.dirname, '..', '..', 'dist', 'synack.tok'), apps = false): Promise<EspruinoRun> {
  const dir = mkdtempSync(join(tmpdir(), 'synack-espruino-'));
  try {
    const files: [string, string][] = [['synack', bundlePath]];
    const chip = /synack-(enc28j60|w5500)\.(js|tok)$/.exec(bundlePath);
    if (chip) for (const m of ['synack-net', 'synack-dhcp', 'synack-dns', 'synack-networkjs']) files.push([m, join(dirname(bundlePath), m + '.' + chip[2])]);
    if (apps) files.push(['synack-apps', join(dirname(bundlePath), 'synack-apps' + (chip ? '.' + chip[2] : '.tok'))]);
    for (const [name, path] of files) {
      const code = readFileSync(path, 'latin1');
      // Written in 4 KB pieces, one interpreter run each (Storage.write(name, data, offset, size)):
      // a script holding the whole bundle as one string would not fit a Pico's RAM.
      const PIECE = 4096;
      for (let off = 0; off < code.length; off += PIECE) {
        const part = code.slice(off, off + PIECE);
        const args = off === 0 ? `, 0, ${code.length}` : `, ${off}`;
        const w = await runEspruino(`require("Storage").write(${JSON.stringify(name)}, ${byteStringLiteral(part)}${args});print("STORED");quit();\n`, timeoutMs, dir);
        if (!/STORED/.test(w.out)) return w;
      }
    }
    return await runEspruino(script, timeoutMs, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
