// The simulated board's serial console (`npm run sim -- --console PATH`): a pseudo-terminal at
// PATH, made by socat (`PTY,link=PATH,raw,echo=0` bridged to this process's pipes, so no native
// module is needed). The board's console lines appear there as Espruino prints them (ending in
// \r\n), and it takes input the way Espruino's REPL does, as far as tools/hil.ts needs it:
// Ctrl-C clears the line, a leading \x10 turns echo off for that line, and `load()` or
// `E.reboot()` restart the firmware. Any other command is answered with one error line.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, unlinkSync } from 'node:fs';
import { waitUntil } from './links/netns.ts';
import { forgetLink, forgetProc, isPtyLink, recordLink, recordProc } from './links/leftovers.ts';

/** What the console understands: the two commands that rerun the boot code on a board. */
export const RESTART_COMMAND = /^(load|E\.reboot)\(\)\s*;?$/;

export class SimConsole {
  private line = '';
  private echo = true;
  private closed = false;
  private readonly onExit = () => this.close();

  private constructor(readonly path: string, private readonly socat: ChildProcess, private readonly onRestart: () => void,
    raw?: (s: string) => void) {
    socat.stdin!.on('error', () => { /* socat gone: nothing left to print to */ });
    socat.stdout!.on('data', (d: Buffer) => { const s = d.toString('latin1'); if (raw) raw(s); else this.input(s); });
    process.on('exit', this.onExit);
  }

  /** Creates the pty at `path` (an existing file there is refused, a stale link replaced). */
  static async open(path: string, onRestart: () => void): Promise<SimConsole> {
    const socat = await SimConsole.pty(path);
    return new SimConsole(path, socat, onRestart);
  }

  /** A pty at `path` whose input goes to `onInput` as typed (the interpreter board's console,
   *  which is the interpreter's own REPL); `write` sends output to it as it comes. */
  static async openRaw(path: string, onInput: (s: string) => void): Promise<SimConsole> {
    const socat = await SimConsole.pty(path);
    return new SimConsole(path, socat, () => {}, onInput);
  }

  private static async pty(path: string): Promise<ChildProcess> {
    let st = null;
    try { st = lstatSync(path); } catch { /* free */ }
    if (st) {
      if (!st.isSymbolicLink() || existsSync(path) || !readlinkSync(path).startsWith('/dev/pts/')) throw new Error(`--console ${path}: that path exists; give a new one`);
      unlinkSync(path); // a link left by a console that was killed
    }
    // Recorded (leftovers.ts) before it exists: a simulator killed with SIGKILL leaves socat
    // running for a while and, when socat is killed too, its link; the next one removes both.
    recordLink(path);
    const socat = spawn('socat', [`PTY,link=${path},raw,echo=0`, 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
    recordProc(socat.pid, socat.spawnargs);
    socat.on('exit', () => forgetProc(socat.pid));
    let err = '';
    socat.stderr!.on('data', (d) => (err += d));
    socat.on('error', (e) => (err += e.message));
    if (!(await waitUntil(() => existsSync(path) || socat.exitCode !== null || err !== '', 5000)) || !existsSync(path)) {
      if (socat.exitCode === null) socat.kill('SIGKILL');
      forgetProc(socat.pid);
      if (isPtyLink(path)) unlinkSync(path);
      forgetLink(path);
      throw new Error(`--console ${path}: socat made no pty: ${err.trim() || 'no answer in 5 s'}`);
    }
    return socat;
  }

  /** Output as it comes (the raw console's). */
  write(s: string): void {
    if (!this.closed) this.socat.stdin!.write(s, 'latin1');
  }

  /** One line on the console, as the board's print() writes it. */
  print(s: string): void {
    if (!this.closed) this.socat.stdin!.write(s + '\r\n');
  }

  private input(s: string): void {
    for (const ch of s) {
      if (ch === '\x03') { this.line = ''; this.echo = true; continue; }
      if (ch === '\x10' && this.line === '') { this.echo = false; continue; }
      if (ch !== '\r' && ch !== '\n') { this.line += ch; continue; }
      const cmd = this.line.trim();
      const echo = this.echo;
      this.line = '';
      this.echo = true;
      if (!cmd) continue;
      if (echo) this.print(cmd);
      if (RESTART_COMMAND.test(cmd)) this.onRestart();
      else this.print('Uncaught Error: the simulated board\'s console runs load() and E.reboot() only');
    }
  }

  /** Stops socat (by its PID; SIGTERM so that it removes the link). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('exit', this.onExit);
    if (this.socat.exitCode === null && this.socat.signalCode === null) this.socat.kill('SIGTERM');
    forgetProc(this.socat.pid);
    try { if (lstatSync(this.path).isSymbolicLink()) unlinkSync(this.path); } catch { /* gone */ }
    forgetLink(this.path);
  }
}
