// npm run hil -- --ip A.B.C.D [--port /dev/ttyACM0]: the board scenarios from this host against a
// board on the LAN (real or simulated): ARP and ping sizes, echo integrity, a closed port refused,
// both close orders, throughput each way, concurrent connections. Progress as it goes, a summary
// table at the end, exit status 0 only if all pass.
// --port PATH (the board's serial console: a USB-CDC Espruino such as /dev/ttyACM0, or the pty of
// `npm run sim -- --console PATH`) adds a reset and DHCP re-acquisition while watching that console:
// Ctrl-C, then `\x10load()` (load() restarts the interpreter and reruns the boot code in Storage,
// our .boot0, without resetting the hardware, so the USB console stays connected; E.reboot() would
// drop and re-enumerate the USB port and the startup lines would be lost), then, each timed from
// the reset and bounded: the firmware's startup line ("synack: started, ..."; a static address
// there fails the scenario: it needs a board on DHCP), its DHCP line ("synack: A.B.C.D/NN by DHCP
// from ..."; the address must be --ip), ping answered at --ip, and an echo connection on port 7.
import net from 'node:net';
import tty from 'node:tty';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, createWriteStream, existsSync, openSync, realpathSync } from 'node:fs';

interface Result { name: string; ok: boolean | null; detail: string }

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const late = new Promise<T>((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: no answer in ${ms / 1000} s`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(t));
}

/** Connects, sends `data` (then half-closes), collects everything until the board closes. */
function exchange(ip: string, port: number, data: Buffer | null): Promise<{ got: Buffer; ms: number; error: string | null }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const chunks: Buffer[] = [];
    let error: string | null = null;
    const s = net.connect({ host: ip, port }, () => { if (data) s.end(data); });
    s.on('data', (d) => chunks.push(d));
    s.on('end', () => { if (!data) s.end(); });
    s.on('error', (e: NodeJS.ErrnoException) => { error = e.code || e.message; });
    s.on('close', () => resolve({ got: Buffer.concat(chunks), ms: Date.now() - t0, error }));
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;

/** The reset sent to the board: Ctrl-C clears any half-typed input; \x10 at the start of a line
 *  turns Espruino's echo off for it; load() reruns .boot0 (see the header). */
export const RESET_COMMAND = '\x10load()\n';

/** Bounds of each step of the console scenario, ms. */
export interface ConsoleBounds { startup: number; dhcp: number; ping: number; echo: number }
export const CONSOLE_BOUNDS: ConsoleBounds = { startup: 15000, dhcp: 30000, ping: 15000, echo: 15000 };

const STARTUP_LINE = /synack: started, .*/;
const DHCP_LINE = /synack: (\d+\.\d+\.\d+\.\d+)\/(\d+) by DHCP from (\S+), lease (\d+) s/;

/** The board's serial console: raw mode, lines as they come (prompts and colour codes dropped). */
class BoardConsole {
  readonly lines: string[] = [];
  /** When each line arrived (Date.now()). */
  readonly times: number[] = [];
  private partial = '';
  private seen = 0;
  private readonly fd: number;
  private readonly input: tty.ReadStream;
  private readonly output: NodeJS.WritableStream & { destroy(): void };

  constructor(readonly path: string) {
    if (!existsSync(path)) throw new Error(`no such port ${path}`);
    // Raw, no echo, 115200 baud (a USB-CDC port ignores the rate). A pty may refuse some of it:
    // that is fine; a real serial port that refuses is an error.
    const r = spawnSync('stty', ['-F', path, 'raw', '-echo', '115200'], { encoding: 'utf8' });
    if (r.status !== 0 && !realpathSync(path).startsWith('/dev/pts/')) throw new Error(`cannot set up ${path}: ${(r.stderr || r.error?.message || '').trim()}`);
    this.fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY);
    if (!tty.isatty(this.fd)) { closeSync(this.fd); throw new Error(`${path} is not a serial port or pty`); }
    // Read through a tty stream, not fs.createReadStream: a blocking read of a terminal stays
    // pending in the thread pool after the stream is closed and swallows the next input. Written
    // through an fs stream on the same descriptor.
    this.input = new tty.ReadStream(this.fd);
    this.output = createWriteStream('', { fd: this.fd, autoClose: false });
    this.input.on('data', (d: Buffer) => this.take(d.toString('latin1')));
    this.input.on('error', () => { /* the port went away: the steps time out and say so */ });
    this.output.on('error', () => { /* same */ });
  }

  private take(s: string): void {
    const parts = (this.partial + s).split('\n');
    this.partial = parts.pop()!;
    for (const p of parts) {
      this.lines.push(p.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '').replace(/^>+/, '').trim());
      this.times.push(Date.now());
    }
  }

  write(s: string): void { this.output.write(s); }

  /** Forgets everything received so far (what the board printed before we reset it). */
  forget(): void { this.seen = this.lines.length; this.partial = ''; }

  /** The first line after the last match (or forget()) that matches `re`, and when it arrived;
   *  null after `ms`. */
  async waitFor(re: RegExp, ms: number): Promise<{ m: RegExpExecArray; at: number } | null> {
    const end = Date.now() + ms;
    for (;;) {
      for (; this.seen < this.lines.length; this.seen++) {
        const m = re.exec(this.lines[this.seen]);
        if (m) return { m, at: this.times[this.seen++] };
      }
      if (Date.now() >= end) return null;
      await sleep(20);
    }
  }

  /** The last lines received, for an error message. */
  heard(): string {
    const l = this.lines.filter((x) => x);
    return l.length ? `last console lines: ${l.slice(-3).map((x) => JSON.stringify(x)).join(', ')}` : `nothing received on ${this.path}`;
  }

  close(): void {
    this.output.destroy();
    this.input.destroy(); // closes the descriptor
  }
}

function pingOnce(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn('ping', ['-c', '1', '-W', '1', ip], { stdio: 'ignore' });
    p.on('error', () => resolve(false));
    p.on('close', (code) => resolve(code === 0));
  });
}

/** Resets the board through its console and times its return: startup line, DHCP line, ping,
 *  echo on port 7 (each bounded). Returns the timings; throws naming the step that failed. */
export async function consoleReset(ip: string, port: string, bounds: ConsoleBounds = CONSOLE_BOUNDS): Promise<string> {
  const con = new BoardConsole(port);
  try {
    // Whatever the board printed while nobody listened arrives first: let it, then forget it.
    await sleep(300);
    con.write('\x03');
    await sleep(300);
    con.forget();
    const t0 = Date.now();
    con.write(RESET_COMMAND);
    const started = await con.waitFor(STARTUP_LINE, bounds.startup);
    if (!started) throw new Error(`reset: no startup line ("synack: started, ...") on the console within ${secs(bounds.startup)} of load() (${con.heard()})`);
    const start = started.m;
    const tStart = started.at - t0;
    const fixed = /(\d+\.\d+\.\d+\.\d+\/\d+) static/.exec(start[0]);
    if (fixed) throw new Error(`the board came up with the static address ${fixed[1]} (console: "${start[0]}"): this scenario needs a board on DHCP (ip "dhcp" in its config)`);
    const dhcp = await con.waitFor(DHCP_LINE, bounds.dhcp);
    if (!dhcp) throw new Error(`DHCP: the board started but the console showed no address bound by DHCP ("synack: A.B.C.D/NN by DHCP from ...") within ${secs(bounds.dhcp)} (${con.heard()})`);
    const bound = dhcp.m;
    const tDhcp = dhcp.at - t0;
    if (bound[1] !== ip) throw new Error(`DHCP: the board was given ${bound[1]}, not ${ip} (console: "${bound[0]}")`);
    let end = Date.now() + bounds.ping;
    while (!(await pingOnce(ip))) {
      if (Date.now() >= end) throw new Error(`ping: ${ip} did not answer within ${secs(bounds.ping)} of the DHCP line`);
      await sleep(100);
    }
    const tPing = Date.now() - t0;
    end = Date.now() + bounds.echo;
    const hello = Buffer.from(`synack after reset ${t0}`);
    for (;;) {
      const r = await withTimeout(exchange(ip, 7, hello), Math.max(1, end - Date.now()), 'echo').catch((e: Error) => ({ got: Buffer.alloc(0), error: e.message }));
      if (!r.error && r.got.equals(hello)) break;
      if (Date.now() >= end) throw new Error(`echo: no working connection to ${ip}:7 within ${secs(bounds.echo)} of the ping (${r.error || `got "${r.got}"`})`);
      await sleep(200);
    }
    const tEcho = Date.now() - t0;
    return `after load(): startup ${secs(tStart)}, DHCP ${secs(tDhcp)} (${bound[1]}/${bound[2]} from ${bound[3]}, lease ${bound[4]} s), ping ${secs(tPing)}, echo ${secs(tEcho)}`;
  } finally { con.close(); }
}

export async function hil(ip: string, consolePort: string | null, log: (s: string) => void = console.log): Promise<Result[]> {
  const results: Result[] = [];
  const check = async (name: string, fn: () => Promise<string>, ms = 60000) => {
    log(`.. ${name}`);
    try { const detail = await withTimeout(fn(), ms, name); results.push({ name, ok: true, detail }); log(`ok ${name}: ${detail}`); }
    catch (e) { results.push({ name, ok: false, detail: (e as Error).message }); log(`FAIL ${name}: ${(e as Error).message}`); }
  };
  await check('ARP and ping, 0 to 1472 bytes', async () => {
    for (const n of [0, 1, 56, 1000, 1472]) {
      const r = spawnSync('ping', ['-c', '2', '-i', '0.2', '-W', '2', '-s', String(n), ip], { encoding: 'utf8' });
      if (!/2 received/.test(r.stdout || '')) throw new Error(`ping -s ${n}: ${(r.stdout || r.stderr || '').trim().split('\n').slice(-2).join(' ')}`);
    }
    return 'sizes 0, 1, 56, 1000, 1472 answered';
  });
  await check('echo integrity (256 KB through port 7)', async () => {
    const data = randomBytes(256 * 1024);
    const r = await exchange(ip, 7, data);
    if (r.error) throw new Error(r.error);
    if (sha(r.got) !== sha(data)) throw new Error(`${r.got.length} bytes back, sha256 differs`);
    return `sha256 equal, ${r.ms} ms`;
  });
  await check('closed port refused', async () => {
    const t0 = Date.now();
    const r = await exchange(ip, 1, Buffer.from('x'));
    if (r.error !== 'ECONNREFUSED') throw new Error(`expected ECONNREFUSED, got ${r.error ?? 'a connection'}`);
    return `refused in ${Date.now() - t0} ms`;
  });
  await check('we close first (echo, half-close)', async () => {
    const r = await exchange(ip, 7, Buffer.from('bye'));
    if (r.error || r.got.toString() !== 'bye') throw new Error(r.error || `got "${r.got}"`);
    return 'clean';
  });
  await check('the board closes first (source on port 19)', async () => {
    const r = await exchange(ip, 19, null);
    if (r.error) throw new Error(r.error);
    return `${r.got.length} bytes then FIN`;
  });
  await check('throughput to the board (discard, 1 MB)', async () => {
    const r = await exchange(ip, 9, randomBytes(1 << 20));
    if (r.error) throw new Error(r.error);
    return `${((1 << 20) / 1e6 / (r.ms / 1000)).toFixed(2)} MB/s`;
  });
  await check('throughput from the board (source)', async () => {
    const r = await exchange(ip, 19, null);
    if (r.error) throw new Error(r.error);
    return `${(r.got.length / 1e6 / (r.ms / 1000)).toFixed(2)} MB/s (${r.got.length} bytes)`;
  });
  await check('4 concurrent echo connections', async () => {
    const datas = [0, 1, 2, 3].map(() => randomBytes(16 * 1024));
    const rs = await Promise.all(datas.map((d) => exchange(ip, 7, d)));
    rs.forEach((r, i) => { if (r.error || sha(r.got) !== sha(datas[i])) throw new Error(`connection ${i}: ${r.error || 'data differs'}`); });
    return 'all four sha256 equal';
  });
  if (consolePort) {
    const b = CONSOLE_BOUNDS;
    await check('reset and DHCP re-acquisition (console)', () => consoleReset(ip, consolePort), 5000 + b.startup + b.dhcp + b.ping + b.echo);
  }
  return results;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let ip = '', port: string | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--ip') ip = args[++i] ?? '';
    else if (args[i] === '--port') port = args[++i] ?? '';
    else { console.error(`hil: unknown option ${args[i]}\nusage: npm run hil -- --ip A.B.C.D [--port /dev/ttyACM0]`); process.exit(2); }
  }
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) { console.error('hil: give the board\'s address: npm run hil -- --ip A.B.C.D'); process.exit(2); }
  if (port === '') { console.error('hil: --port takes the board\'s serial console, e.g. /dev/ttyACM0'); process.exit(2); }
  if (port !== null && !existsSync(port)) { console.error(`hil: no such port ${port}`); process.exit(2); }
  const results = await hil(ip, port);
  console.log('\nscenario'.padEnd(48) + 'result  detail');
  for (const r of results) console.log(`${r.name.padEnd(47)} ${r.ok === null ? 'skip' : r.ok ? 'pass' : 'FAIL'}    ${r.detail}`);
  const failed = results.filter((r) => r.ok === false).length;
  console.log(`\n${results.filter((r) => r.ok).length} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && /tools[\\/]hil\.ts$/.test(process.argv[1])) main();
