// Network namespaces for the simulator's links and the tests against real peers: create, run in,
// and always remove. Addresses come from 198.18.0.0/15 only (RFC 2544 benchmarking space), so no
// test traffic can reach a real network. Every process started here is tracked by PID and killed
// on cleanup; cleanup also runs on exit, Ctrl-C and SIGTERM. Namespaces and processes are also
// written down in a state file (leftovers.ts), so that what a process killed with SIGKILL left
// behind is removed by the next one.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { forgetNetns, forgetProc, recordNetns, recordProc } from './leftovers.ts';

export class NetnsError extends Error {}

const live = new Set<Netns>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const all = () => { for (const n of [...live]) n.cleanup(); };
  process.on('exit', all);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => { all(); process.exit(130); });
  }
}

/** Why real-network features cannot run here, or null if they can. */
export function netnsUnavailable(tools: string[] = []): string | null {
  if (process.getuid && process.getuid() !== 0) return 'needs root (network namespaces and TAP devices)';
  for (const t of ['ip', ...tools]) {
    try { execFileSync('which', [t], { stdio: 'ignore' }); } catch { return `needs ${t} (Debian package ${t === 'ip' ? 'iproute2' : t === 'nc' ? 'netcat-openbsd' : t === 'dnsmasq' ? 'dnsmasq-base' : t})`; }
  }
  if (tools.includes('socat') && !existsSync('/dev/net/tun')) return 'needs /dev/net/tun for a TAP device';
  return null;
}

export function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new NetnsError(`${cmd} ${args.join(' ')}: ${(err.stderr || err.message).trim()}`);
  }
}

/** Only 198.18.0.0/15 addresses (and link-local 169.254.0.0/16, for the zero-configuration
 *  tests) may be configured by tests and the simulator. */
export function checkTestAddress(cidr: string): void {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(\/\d+)?$/.exec(cidr);
  const linkLocal = !!m && Number(m[1]) === 169 && Number(m[2]) === 254;
  if (!m || (!linkLocal && (Number(m[1]) !== 198 || (Number(m[2]) !== 18 && Number(m[2]) !== 19)))) {
    throw new NetnsError(`${cidr}: test networks use 198.18.0.0/15 only (169.254.0.0/16 for zero configuration)`);
  }
}

export class Netns {
  private procs: ChildProcess[] = [];
  private cleanups: (() => void)[] = [];
  private removed = false;

  constructor(readonly name: string) {
    hookExit();
    recordNetns(name);
    try { execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' }); } catch { /* not there */ }
    run('ip', ['netns', 'add', name]);
    live.add(this);
    run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  }

  /** Runs a command inside the namespace and returns its output. */
  exec(cmd: string, args: string[]): string { return run('ip', ['netns', 'exec', this.name, cmd, ...args]); }

  /** Starts a long-running command inside the namespace (killed on cleanup). */
  spawn(cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
    const p = spawn('ip', ['netns', 'exec', this.name, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    this.track(p);
    return p;
  }

  /** Tracks a process started elsewhere, to kill it on cleanup. */
  track(p: ChildProcess): void {
    this.procs.push(p);
    recordProc(p.pid, p.spawnargs);
  }

  /** Runs `fn` on cleanup, after the processes are killed and before the namespace goes. */
  onCleanup(fn: () => void): void { this.cleanups.push(fn); }

  addr(dev: string, cidr: string): void {
    checkTestAddress(cidr);
    run('ip', ['-n', this.name, 'addr', 'add', cidr, 'dev', dev]);
    run('ip', ['-n', this.name, 'link', 'set', dev, 'up']);
  }

  cleanup(): void {
    if (this.removed) return;
    this.removed = true;
    live.delete(this);
    for (const p of this.procs) {
      if (p.exitCode === null && p.signalCode === null) { try { p.kill('SIGKILL'); } catch { /* gone */ } }
      forgetProc(p.pid);
    }
    for (const fn of this.cleanups) { try { fn(); } catch { /* best effort */ } }
    try { execFileSync('ip', ['netns', 'del', this.name], { stdio: 'ignore' }); } catch { /* gone */ }
    forgetNetns(this.name);
  }
}

/** Waits until `cond` holds, polling; false after `ms`. */
export async function waitUntil(cond: () => boolean, ms: number, stepMs = 20): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}
