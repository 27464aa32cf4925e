// Runs JavaScript in the real Espruino interpreter (its Linux build), for the checks that only
// the interpreter can answer: does the bundle load and run, how many blocks does it use.
// The binary's path comes from the ESPRUINO environment variable; without it, `espruinoPath()`
// is undefined and suites skip those tests (say so with `skipReason`). We never build or ship
// the interpreter; see docs/espruino.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runInterpreter, writeStorage, type EspruinoRun } from '../../tools/espruino.ts';
import type { Netns } from '../../host-sim/links/netns.ts';

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

/** Interpreters left running in `dir` (socat's child outlives a closed connection): ours, found
 *  by their working directory. */
export function killInterpretersIn(dir: string): void {
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cwd = '';
    try { cwd = readlinkSync(`/proc/${p}/cwd`); } catch { continue; }
    if (cwd === dir) { try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ } }
  }
}

/** `npm run flash` (tools/flash.ts main, with `cfg` written as --config, and --program when
 *  given) against a fresh interpreter's console: the interpreter (ESPRUINO) is a socat TCP
 *  listener on 198.18.9.1 inside `ns` (the caller puts that address on its loopback), working
 *  in `dir`, where its Storage (espruino.flash) lives; the flash tool runs in the namespace with
 *  a kill timer of 170 s. The Linux interpreter's console has no flow control and loses input
 *  that arrives faster than it runs (a board's USB serial is flow-controlled): its assertion on
 *  an overflowed event buffer (src/jsdevices.c), a Storage write that finds different bytes
 *  already there, a CRC32 that differs, or the connection given up are that loss, and only those
 *  get another try (3 in all), on a fresh Storage. Every
 *  interpreter is stopped when it returns; the exit code and output of the last try. */
export async function flashThroughConsole(ns: Netns, dir: string, cfg: object, program?: string, label = 'flash'):
  Promise<{ code: number | null; out: string }> {
  const bin = espruinoPath();
  if (!bin) throw new Error(skipReason);
  const port = 28000 + (process.pid % 1000);
  const cfgFile = join(dir, 'board.json');
  writeFileSync(cfgFile, JSON.stringify(cfg));
  const log = join(dir, 'espruino-tools.log');
  const args = ['--port', `tcp://198.18.9.1:${port}`, '--config', cfgFile];
  if (program) args.push('--program', program);
  const flashTs = join(import.meta.dirname, '..', '..', 'tools', 'flash.ts');
  let run = { code: null as number | null, out: '' };
  for (let attempt = 1; attempt <= 3; attempt++) {
    killInterpretersIn(dir);
    rmSync(join(dir, 'espruino.flash'), { force: true });
    rmSync(log, { force: true });
    const socat = ns.spawn('socat', [`TCP-LISTEN:${port},bind=198.18.9.1,reuseaddr`, `EXEC:${bin},pty,raw,echo=0`], { cwd: dir });
    await new Promise((r) => setTimeout(r, 500));
    run = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn('ip', ['netns', 'exec', ns.name, process.execPath, '--import', 'tsx', '-e',
        `import(${JSON.stringify(flashTs)}).then((m) => { process.exitCode = m.main(${JSON.stringify(args)}); })`],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FLASH_LOG: log } });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.stderr.on('data', (d) => (out += d));
      const timer = setTimeout(() => p.kill('SIGKILL'), 170000);
      p.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
    });
    if (socat.exitCode === null) socat.kill('SIGKILL');
    const tools = existsSync(log) ? readFileSync(log, 'utf8') : '';
    if (run.code === 0 || !/ASSERT\(|File already written with different data|holds something else|does not answer/.test(tools + run.out)) break;
    console.log(`${label}: the Linux interpreter's console lost input (attempt ${attempt}); once more`);
  }
  killInterpretersIn(dir);
  return run;
}
