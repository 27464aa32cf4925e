// The real interpreter as a simulated board (`npm run sim -- --espruino PATH`): the given Espruino
// Linux binary runs in a scratch directory whose Storage (the Linux build's `espruino.flash`)
// holds what `npm run flash` writes to a board (the enc28j60 bundle as "synack", "synack-net",
// "synack-apps" unless the apps are off) plus a boot file that starts synack with a driver over
// a frame channel of files (boot.ts, channel.ts) instead of a chip, and the user's program as
// ".boot1". The interpreter runs interactively, as a board's REPL: it runs the boot files at start
// and on load(), its console is its stdin and stdout. The channel's frames enter and leave a port
// of the simulator's segment, so links, faults, pcap and trace work as for the simulated board.
//
// A restart (`restart()`, or E.reboot() on the console, which the Linux build answers by exiting)
// starts the process again on the same Storage, as a reset does; load() typed on the console is
// the interpreter's own. An interpreter that exits by itself is started again the same way, and
// counted (`exits`).
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeStorage } from '../../tools/espruino.ts';
import { bundlesFor, pickModules, programBytes, ZEROCONF, type FlashConfig } from '../../tools/flash.ts';
import { randomMac } from '../board.ts';
import type { Segment, Port } from '../segment.ts';
import type { RealTimeRunner } from '../realtime.ts';
import { FileChannel } from './channel.ts';
import { forgetDir, forgetProc, recordDir, recordProc } from '../links/leftovers.ts';
import { bootFile, DEFAULT_PROGRAM } from './boot.ts';

export interface EspruinoBoardOptions {
  /** The Espruino Linux binary (a 32-bit build with 5100 variables has a Pico's memory). */
  bin: string;
  mac?: Uint8Array;
  ip: string;
  gateway?: string;
  dns?: string;
  hostname?: string;
  /** false: no default apps (and no "synack-apps" in Storage, as npm run flash with "apps": false). */
  apps: false | { source?: number };
  /** Zero configuration (docs/zeroconf.md): its modules ("synack-linklocal", "synack-mdns",
   *  "synack-dnssd") in Storage, as npm run flash writes them where they fit; and the keys. */
  zeroconf?: boolean;
  mdns?: boolean;
  linkLocal?: boolean;
  /** The user's program beside the stack (".boot1"); null: none; default: DEFAULT_PROGRAM. */
  program?: string | null;
  /** true: Storage gets only the modules npm run flash -- --program picks for `program` (the
   *  apps as `apps` says), and the boot file registers NetworkJS only when the program uses it. */
  pick?: boolean;
  name?: string;
  /** start()'s slowest poll when idle, ms (default 50: the channel has no event to wake the
   *  board, and an idle poll costs about 25 ms on the Pico layout under qemu). */
  idlePollMs?: number;
  /** Bytes of frames the board may have unread before more are dropped (default 6654, the
   *  ENC28J60 driver's receive ring). */
  rxBufferBytes?: number;
  /** Each line the interpreter prints (its console), without the banner and prompts. */
  print?: (line: string) => void;
  /** Everything the interpreter writes to its console, as it comes (for a pty). */
  output?: (raw: string) => void;
  /** What went on with the process (started, exited, restarted). */
  log?: (line: string) => void;
}

/** Storage images already written in this process (the same files for several boards: the
 *  tests start many), by what they hold; removed at exit. */
const templates = new Map<string, string>();
process.on('exit', () => { for (const d of templates.values()) { rmSync(d, { recursive: true, force: true }); forgetDir(d); } });

/** Puts into `dir` the interpreter's Storage (espruino.flash) holding `files`, written once per
 *  process with writeStorage and copied afterwards. */
async function storageTemplate(bin: string, files: [string, string][], dir: string): Promise<void> {
  const h = createHash('sha256').update(bin + '\0' + statSync(bin).mtimeMs);
  for (const [name, data] of files) h.update('\0' + name + '\0').update(data, 'latin1');
  const key = h.digest('hex');
  let t = templates.get(key);
  if (!t || !existsSync(join(t, 'espruino.flash'))) {
    t = mkdtempSync(join(tmpdir(), 'synack-espruino-storage-'));
    recordDir(t);
    const why = await writeStorage(bin, t, files, 60000);
    if (why) { rmSync(t, { recursive: true, force: true }); forgetDir(t); throw new Error(`--espruino ${bin}: ${why}`); }
    templates.set(key, t);
  }
  copyFileSync(join(t, 'espruino.flash'), join(dir, 'espruino.flash'));
}

/** Lines of the interpreter's banner and its REPL prompt, left out of `print`. */
const NOISE = /^\s*(_{2,}|\|)|espruino\.com|Copyright|\(c\) 20\d\d|Donate|sales of official|^Espruino is Open Source|^>+\s*$|^\s*$|^espruino: (Interactive mode|Size of JsVar|Added SIG)/;

export class EspruinoBoard {
  readonly mac: Uint8Array;
  readonly port: Port;
  readonly dir: string;
  readonly channel: FileChannel;
  /** `OUT OF MEMORY` reports in the interpreter's output. */
  oom = 0;
  /** Times the interpreter exited without being asked to, and each exit. */
  exits: string[] = [];
  /** Times the board was started again (restart(), E.reboot(), an exit). */
  restarts = 0;
  /** Every line printed, for tests that look for one. */
  readonly lines: string[] = [];
  private proc: ChildProcess | null = null;
  private closing = false;
  private line = '';
  private waiters: { re: RegExp; resolve: (l: string | null) => void; timer: NodeJS.Timeout }[] = [];
  /** Ctrl-C, SIGTERM and errors end the process without close(): the interpreter and the
   *  directory go with it all the same. */
  private readonly onExit = () => this.close();

  private constructor(readonly runner: RealTimeRunner, segment: Segment, readonly o: EspruinoBoardOptions, dir: string) {
    this.mac = o.mac ?? randomMac();
    this.dir = dir;
    this.port = segment.attach(o.name ?? 'board');
    this.channel = new FileChannel(dir, (f) => { runner.sync(); this.port.send(f); runner.wake(); }, () => {}, o.rxBufferBytes);
    this.port.onFrame((f) => { this.channel.toBoard(f); });
    process.on('exit', this.onExit);
  }

  /** Writes the Storage (one interpreter run per 4 KB, as npm run flash sends it), then starts
   *  the interpreter. Rejects with a one-line error naming what failed. */
  static async start(runner: RealTimeRunner, segment: Segment, o: EspruinoBoardOptions): Promise<EspruinoBoard> {
    const dir = mkdtempSync(join(tmpdir(), 'synack-espruino-board-'));
    recordDir(dir);
    let board: EspruinoBoard | null = null;
    try {
      const base: FlashConfig = { apps: o.apps === false ? false : undefined, ip: o.ip === 'dhcp' ? 'dhcp' : o.ip };
      const cfg = o.pick && o.program ? pickModules({ ...base, apps: o.apps === false ? false : true }, o.program).cfg : base;
      const files = bundlesFor(cfg);
      const storage: [string, string][] = [['synack', readFileSync(files.bundle, 'latin1')]];
      if (files.net) storage.push(['synack-net', readFileSync(files.net, 'latin1')]);
      if (files.apps) storage.push(['synack-apps', readFileSync(files.apps, 'latin1')]);
      // The modules loaded when used, as npm run flash writes them: DHCP with "dhcp", DNS, and
      // the adapter behind Espruino's own net/http.
      if (files.dhcp) storage.push(['synack-dhcp', readFileSync(files.dhcp, 'latin1')]);
      if (files.dns) storage.push(['synack-dns', readFileSync(files.dns, 'latin1')]);
      if (files.networkjs) storage.push(['synack-networkjs', readFileSync(files.networkjs, 'latin1')]);
      if (files.names) storage.push(['synack-names', readFileSync(files.names, 'latin1')]);
      if (o.zeroconf) for (const n of ZEROCONF) storage.push([n, readFileSync(join(dirname(files.bundle), n + '.tok'), 'latin1')]);
      const program = o.program === undefined ? DEFAULT_PROGRAM : o.program;
      // As npm run flash -- --program writes it: pretokenised.
      if (program) storage.push(['.boot1', o.pick ? programBytes(program) : program]);
      await storageTemplate(o.bin, storage, dir);
      board = new EspruinoBoard(runner, segment, o, dir);
      // Last: the runs that write Storage run the boot files already there, and this one would
      // announce a driver.
      const boot = bootFile({ mac: board.mac, ip: o.ip, gateway: o.gateway, dns: o.dns, hostname: o.hostname, apps: o.apps, idlePollMs: o.idlePollMs ?? 50,
        networkjs: cfg.networkjs === false ? false : undefined, mdns: o.mdns, linkLocal: o.linkLocal });
      const why = await writeStorage(o.bin, dir, [['.boot0', boot]], 60000);
      if (why) throw new Error(`--espruino ${o.bin}: ${why}`);
      board.spawn();
      return board;
    } catch (e) {
      board?.channel.close();
      rmSync(dir, { recursive: true, force: true });
      forgetDir(dir);
      throw e;
    }
  }

  private spawn(): void {
    const p = spawn(this.o.bin, [], { cwd: this.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    // Recorded (leftovers.ts): killed with its parent, the interpreter would run on, its stdin at
    // end-of-file.
    recordProc(p.pid, p.spawnargs);
    this.proc = p;
    p.stdin!.on('error', () => { /* gone: the exit handler says so */ });
    const onData = (d: Buffer) => this.output(d.toString('latin1'));
    p.stdout!.on('data', onData);
    p.stderr!.on('data', onData);
    p.on('error', (e) => this.o.log?.(`espruino: ${e.message}`));
    p.on('exit', (code, signal) => {
      forgetProc(p.pid);
      if (this.proc !== p) return;
      this.proc = null;
      if (this.closing) return;
      const what = signal ? `signal ${signal}` : `exit code ${code}`;
      this.exits.push(what);
      this.o.log?.(`espruino: the interpreter stopped (${what}); starting it again, as a reset would`);
      // A board that keeps dying is not restarted for ever.
      if (this.exits.length > 20) { this.o.log?.('espruino: it stopped 20 times: not starting it again'); return; }
      setTimeout(() => { if (!this.closing) { this.restarts++; this.spawn(); } }, 200);
    });
  }

  private output(s: string): void {
    this.o.output?.(s);
    this.line += s;
    let nl;
    while ((nl = this.line.indexOf('\n')) >= 0) {
      const l = this.line.slice(0, nl).replace(/\r/g, '');
      this.line = this.line.slice(nl + 1);
      this.printed(l);
    }
    // Espruino prints OUT OF MEMORY without a newline of its own at times: count it at once.
    if (this.line.length > 4096) { this.printed(this.line); this.line = ''; }
  }

  private printed(l: string): void {
    const n = l.split('OUT OF MEMORY').length - 1;
    this.oom += n;
    // The prompt, and the escape sequences the REPL sends to redraw its line.
    const text = l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/^>+/, '');
    if (NOISE.test(text)) return;
    this.lines.push(text);
    if (this.lines.length > 10000) this.lines.splice(0, 5000);
    this.o.print?.(text);
    for (const w of [...this.waiters]) {
      if (w.re.test(text)) { clearTimeout(w.timer); this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(text); }
    }
  }

  /** The next line printed that matches `re` (or one already printed, with `past`); null after `ms`. */
  waitFor(re: RegExp, ms: number, past = false): Promise<string | null> {
    if (past) { const l = this.lines.find((x) => re.test(x)); if (l) return Promise.resolve(l); }
    return new Promise((resolve) => {
      const w = { re, resolve, timer: setTimeout(() => { this.waiters.splice(this.waiters.indexOf(w), 1); resolve(null); }, ms) };
      this.waiters.push(w);
    });
  }

  /** Types into the interpreter's console (its stdin), as over a board's serial port. */
  input(s: string): void {
    // E.reboot() exits the Linux build ("Not implemented"): the exit handler starts it again.
    this.proc?.stdin!.write(s);
  }

  /** Starts the interpreter again on the same Storage, as a reset does. */
  restart(): void {
    const p = this.proc;
    this.proc = null;
    if (p && p.exitCode === null) p.kill('SIGKILL');
    this.restarts++;
    this.spawn();
  }

  get running(): boolean { return this.proc !== null; }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    process.removeListener('exit', this.onExit);
    for (const w of this.waiters) { clearTimeout(w.timer); w.resolve(null); }
    this.waiters = [];
    const p = this.proc;
    this.proc = null;
    if (p && p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    if (p) forgetProc(p.pid);
    this.channel.close();
    rmSync(this.dir, { recursive: true, force: true });
    forgetDir(this.dir);
  }
}
