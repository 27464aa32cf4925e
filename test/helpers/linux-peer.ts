// Running commands in the namespace of a simulator linked to Linux through a TAP device, for the
// Linux-peer suites (board-linux against the simulated board, board-espruino against the
// interpreter board): the same helpers, so both suites run the same scenarios.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSim, parseArgs, type RunningSim } from '../../host-sim/cli.ts';

export const PY = '/usr/bin/python3';

/** Runs `cmd` with sh inside namespace `ns`; killed after `ms`. Output is stdout then stderr. */
export function sh(ns: string, cmd: string, ms = 30000, input?: Buffer): Promise<{ code: number; out: string; buf: Buffer }> {
  return new Promise((resolve) => {
    // Its own process group, so that a timeout kills the command too, not only the shell.
    const p = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', cmd], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const chunks: Buffer[] = [];
    let err = '';
    p.stdin.on('error', () => { /* the command ended before reading all its input: its output says how */ });
    p.stdout.on('data', (d) => chunks.push(d));
    p.stderr.on('data', (d) => (err += d));
    const t = setTimeout(() => { try { process.kill(-p.pid!, 'SIGKILL'); } catch { p.kill('SIGKILL'); } }, ms);
    p.on('close', (code) => { clearTimeout(t); const buf = Buffer.concat(chunks); resolve({ code: code ?? -1, out: buf.toString('latin1') + err, buf }); });
    if (input) p.stdin.end(input); else p.stdin.end();
  });
}

export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const has = (t: string) => { try { execFileSync('which', [t], { stdio: 'ignore' }); return true; } catch { return false; } };

/** A simulator on a TAP link (board 198.18.0.2/24, a pcap in a scratch directory, the byte
 *  source sending 100000 bytes) with `args` added, for the length of `fn`. */
export async function withSim(args: string[], fn: (sim: RunningSim, ns: string, dir: string) => Promise<void>, log: (s: string) => void = () => {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'synack-board-'));
  const sim = await startSim(parseArgs(['--link', 'tap', '--pcap', join(dir, 'board.pcap'), '--source-bytes', '100000', ...args], true), log);
  try { await fn(sim, sim.tap!.ns.name, dir); } finally { sim.close(); rmSync(dir, { recursive: true, force: true }); }
}
