// The Espruino Linux interpreter, run from Node: one script in a scratch directory, and the
// Storage writes `npm run flash` sends to a board, run in the interpreter itself. The Linux build
// keeps its Storage in `espruino.flash` in its working directory, so a directory written here
// holds what a flashed board holds. Shared by npm run flash (the statements), the tests
// (test/helpers/espruino.ts), the bench and the interpreter board (host-sim/espruino/).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byteStringLiteral } from './pretokenise.ts';
import { forgetDir, forgetProc, recordDir, recordProc } from '../host-sim/links/leftovers.ts';

export interface EspruinoRun { out: string; code: number | null; timedOut: boolean }

/** Runs `script` in a fresh interpreter `bin` with `dir` (default: a new scratch directory,
 *  removed afterwards) as its working directory, so its Storage lives there. The script must
 *  call `quit()` when done; it is killed after `timeoutMs`. Stdin stays open (at end of input the
 *  Linux REPL spins). Output is everything printed before quit, without the banner. */
export function runInterpreter(bin: string, script: string, timeoutMs = 20000, dir?: string): Promise<EspruinoRun> {
  const cwd = dir ?? mkdtempSync(join(tmpdir(), 'synack-espruino-'));
  if (!dir) recordDir(cwd);
  const file = join(cwd, 'main.js');
  writeFileSync(file, script);
  return new Promise((resolve) => {
    const child = spawn(bin, [file], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    // Recorded (host-sim/links/leftovers.ts): if this process is killed, the next one ends it.
    recordProc(child.pid, child.spawnargs);
    let out = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      forgetProc(child.pid);
      if (!dir) { rmSync(cwd, { recursive: true, force: true }); forgetDir(cwd); }
      // Drop the banner and anything after the last newline (the REPL prompt).
      const lines = out.split('\n').filter((l) => !/^\s*(_{2,}|\|)|espruino\.com|Copyright|^ *$|Donate|sales of official/.test(l));
      resolve({ out: lines.join('\n'), code, timedOut });
    });
  });
}

/** The statements that write one Storage file in pieces of `piece` bytes (a board cannot hold a
 *  whole bundle as one string): erase, then Storage.write(name, data, offset[, size]). */
export function storageWrites(name: string, data: string, piece = 2048): string[] {
  const out: string[] = [`require("Storage").erase(${JSON.stringify(name)});`];
  for (let off = 0; off < data.length; off += piece) {
    const part = byteStringLiteral(data.slice(off, off + piece));
    out.push(off === 0 ? `require("Storage").write(${JSON.stringify(name)},${part},0,${data.length});` : `require("Storage").write(${JSON.stringify(name)},${part},${off});`);
  }
  return out;
}

/** Writes Storage files (name, bytes as a latin1 string) into the interpreter's Storage in `dir`,
 *  with the statements npm run flash sends, one interpreter run per 4 KB piece: a script holding
 *  a whole bundle as one string would not fit a Pico's RAM. Boot files (".boot0"...) should come
 *  last: each run of the interpreter runs those already written. Returns null, or the failed
 *  run's output. */
export async function writeStorage(bin: string, dir: string, files: [string, string][], timeoutMs = 20000): Promise<string | null> {
  for (const [name, data] of files) {
    const stmts = storageWrites(name, data, 4096);
    stmts.splice(0, 2, stmts[0] + (stmts[1] ?? '')); // the erase goes with the first piece
    for (const stmt of stmts) {
      // Boot files already written run before the script (the Linux build runs .boot0 to .boot3
      // at start): their timers are stopped, or the run would not end.
      const w = await runInterpreter(bin, `clearInterval();${stmt}print("STORED");quit();\n`, timeoutMs, dir);
      if (!/STORED/.test(w.out)) return `writing ${name} to Storage: ${w.timedOut ? 'no answer in ' + timeoutMs + ' ms' : w.out.trim() || 'exit ' + w.code}`;
    }
  }
  return null;
}
