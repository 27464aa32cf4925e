// What this process makes outside itself (network namespaces, the socat and dnsmasq processes
// in them, the console's socat and its pty link, the Espruino interpreters and their scratch
// directories, temporary directories; a TAP device vanishes with the socat holding it) is written
// down in a state file, RUN_DIR/<pid>.json, as soon as it is made and struck out when it is
// removed. No process is trusted to end by itself when its parent dies (the console's socat
// does, half a second after its pipes close: too late for whoever looks next). A simulator or test killed with SIGKILL runs no
// cleanup: the next one to make something reads the state files of processes that are gone (the
// PID no longer alive, or alive with another start time, that is, reused) and removes what they
// list, then the file. Only what such a file lists is touched, and a process only when its
// command line is still the one recorded: never another program's namespace or process.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Where the state files live: /run/synack as root, else a directory of the user's under the
 *  temporary directory; SYNACK_RUN_DIR overrides both. */
export const RUN_DIR = process.env.SYNACK_RUN_DIR
  || (process.getuid?.() === 0 ? '/run/synack' : join(tmpdir(), `synack-run-${process.getuid?.() ?? 'user'}`));

/** A process as recorded: its PID, the argv it was started with and its start time (field 22
 *  of /proc/PID/stat, which an exec keeps: a wrapper script that execs the interpreter is the
 *  same process). Files written before the start time was recorded have none. */
export interface RecordedProc { pid: number; argv: string[]; start?: string }

export interface RunState {
  pid: number;
  /** The process's start time (field 22 of /proc/PID/stat), telling a reused PID apart. */
  start: string;
  netns: string[];
  procs: RecordedProc[];
  /** Temporary directories (only ones under the temporary directory named synack-*). */
  dirs: string[];
  /** Symbolic links to a pty (/dev/pts/N): the console's, which a killed socat leaves. */
  links?: string[];
}

/** The start time of a process, or null when there is no such process. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces: the fields follow its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch { return null; }
}

function cmdline(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return s ? s.replace(/\0$/, '').split('\0') : null;
  } catch { return null; }
}

/** True when `pid` still runs what was recorded: the same process (its start time), or for a
 *  record without one, the argv, or (started by `ip netns exec NS`, which executes the command in
 *  its own place) the argv after those four words. A zombie (no command line) runs nothing. */
export function stillRuns(p: RecordedProc): boolean {
  const now = cmdline(p.pid);
  if (!now) return false;
  if (p.start !== undefined) return processStart(p.pid) === p.start;
  const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
  if (same(now, p.argv)) return true;
  return p.argv.length > 4 && p.argv[1] === 'netns' && p.argv[2] === 'exec' && basename(p.argv[0]) === 'ip' && same(now, p.argv.slice(4));
}

const state: RunState = { pid: process.pid, start: processStart(process.pid) ?? '', netns: [], procs: [], dirs: [], links: [] };
let swept = false;

function stateFile(pid: number): string { return join(RUN_DIR, `${pid}.json`); }

/** Writes this process's state file (atomically), or removes it when nothing is left to list.
 *  Best effort: where it cannot be written, a kill leaves things behind as before. */
function save(): void {
  try {
    const file = stateFile(process.pid);
    if (!state.netns.length && !state.procs.length && !state.dirs.length && !state.links!.length) {
      if (existsSync(file)) unlinkSync(file);
      return;
    }
    mkdirSync(RUN_DIR, { recursive: true, mode: 0o700 });
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  } catch { /* best effort */ }
}

function change(fn: () => void): void {
  if (!swept) { swept = true; removeLeftovers(); }
  fn();
  save();
}

export function recordNetns(name: string): void { change(() => { if (!state.netns.includes(name)) state.netns.push(name); }); }
export function forgetNetns(name: string): void { change(() => { state.netns = state.netns.filter((n) => n !== name); }); }
export function recordProc(pid: number | undefined, argv: string[]): void {
  // Read at once: a forked child has its start time before it execs.
  const start = pid === undefined ? null : processStart(pid);
  if (pid !== undefined) change(() => state.procs.push(start === null ? { pid, argv } : { pid, argv, start }));
}
export function forgetProc(pid: number | undefined): void { change(() => { state.procs = state.procs.filter((p) => p.pid !== pid); }); }
export function recordDir(dir: string): void { change(() => { if (!state.dirs.includes(dir)) state.dirs.push(dir); }); }
export function forgetDir(dir: string): void { change(() => { state.dirs = state.dirs.filter((d) => d !== dir); }); }
export function recordLink(path: string): void { change(() => { if (!state.links!.includes(path)) state.links!.push(path); }); }
export function forgetLink(path: string): void { change(() => { state.links = state.links!.filter((l) => l !== path); }); }

/** True when `path` is a symbolic link to a pty: what a console's socat makes. */
export function isPtyLink(path: string): boolean {
  try { return lstatSync(path).isSymbolicLink() && readlinkSync(path).startsWith('/dev/pts/'); } catch { return false; }
}

function sleepMs(ms: number): void { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); }

/** Removes what the state files of processes that are gone list; returns one line per such
 *  process saying what was removed. Safe to run while others run: a live process's file is left
 *  alone, and so is anything not recorded. */
export function removeLeftovers(): string[] {
  swept = true;
  let names: string[];
  try { names = readdirSync(RUN_DIR); } catch { return []; }
  const said: string[] = [];
  for (const name of names) {
    const half = /^(\d+)\.json\.tmp$/.exec(name); // a write cut short by a kill
    if (half && processStart(Number(half[1])) === null) { try { unlinkSync(join(RUN_DIR, name)); } catch { /* gone */ } }
    const m = /^(\d+)\.json$/.exec(name);
    if (!m) continue;
    let s: RunState;
    try { s = JSON.parse(readFileSync(join(RUN_DIR, name), 'utf8')); } catch { continue; }
    if (s.pid !== Number(m[1])) continue;
    const start = processStart(s.pid);
    if (start !== null && start === s.start) continue; // still running
    const removed: string[] = [];
    const killed = (s.procs || []).filter(stillRuns);
    for (const p of killed) {
      try { process.kill(p.pid, 'SIGKILL'); removed.push(`${basename(p.argv[p.argv[1] === 'netns' ? 4 : 0] ?? '?')} ${p.pid}`); } catch { /* gone */ }
    }
    for (let i = 0; i < 50 && killed.some((p) => processStart(p.pid) !== null && stillRuns(p)); i++) sleepMs(20);
    for (const ns of s.netns || []) {
      try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); removed.push(`namespace ${ns}`); } catch { /* gone */ }
    }
    for (const d of s.dirs || []) {
      if (dirname(d) !== tmpdir() || !basename(d).startsWith('synack-') || !existsSync(d)) continue;
      try { rmSync(d, { recursive: true, force: true }); removed.push(`directory ${d}`); } catch { /* leave it */ }
    }
    for (const l of s.links || []) {
      if (!isPtyLink(l)) continue; // socat removed it on its way out, or it is not ours any more
      try { unlinkSync(l); removed.push(`console link ${l}`); } catch { /* gone */ }
    }
    try { unlinkSync(join(RUN_DIR, name)); } catch { /* another run removed it */ }
    if (removed.length) said.push(`removed what process ${s.pid} (no longer running) left behind: ${removed.join(', ')}`);
  }
  return said;
}
