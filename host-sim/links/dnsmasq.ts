// A DHCP and DNS server for the simulated board's LAN: dnsmasq (Debian package dnsmasq-base) in
// the TAP's namespace, bound to the TAP device, handing out a range of the namespace side's
// network and answering DNS for the names of its clients under synack.test (the board is
// HOSTNAME.synack.test) and for host.synack.test (the namespace side). Its pid file, lease file
// and nothing else are in a temporary directory of its own; it is started by `ip netns exec`
// (which executes it in its own place, so the child's PID is dnsmasq's), killed by that PID when
// the namespace is cleaned up (exit, Ctrl-C, errors), and written down for leftovers.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { NetnsError, netnsUnavailable, waitUntil } from './netns.ts';
import { forgetDir, forgetProc, recordDir } from './leftovers.ts';
import type { TapNamespace } from './tap.ts';

/** The domain dnsmasq answers for. */
export const DHCP_DOMAIN = 'synack.test';

export interface DnsmasqOptions {
  /** First and last address handed out, inside the TAP's network. */
  rangeStart: string;
  rangeEnd: string;
  /** Lease time as dnsmasq takes it (default 1h). */
  lease?: string;
}

function ipNum(s: string): number { return s.split('.').reduce((a, b) => a * 256 + Number(b), 0); }
function ipStr(n: number): string { return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'); }

/** The range served on a TAP network A.B.C.D/NN when the namespace side is `host`: the upper
 *  half of the network, without its broadcast address and the namespace side's. */
export function dhcpRange(hostCidr: string): { rangeStart: string; rangeEnd: string } {
  const [ip, len] = hostCidr.split('/');
  const prefix = Number(len);
  const size = 2 ** (32 - prefix);
  const net = ipNum(ip) - (ipNum(ip) % size);
  let start = net + Math.max(1, size / 2), end = net + size - 2;
  const host = ipNum(ip);
  if (host === start) start++;
  if (host === end) end--;
  return { rangeStart: ipStr(start), rangeEnd: ipStr(end) };
}

export class Dnsmasq {
  /** dnsmasq's output so far (its start, and one line per DHCP exchange). */
  log = '';
  private closed = false;

  private constructor(readonly proc: ChildProcess, readonly dir: string, readonly range: DnsmasqOptions) {}

  get pid(): number { return this.proc.pid!; }
  /** The PID in dnsmasq's own pid file ('' before it is written). */
  pidFile(): string { try { return readFileSync(join(this.dir, 'pid'), 'utf8').trim(); } catch { return ''; } }

  /** Starts dnsmasq on the TAP device of `tap` and waits until it serves DHCP; a one-line error
   *  when it cannot (and nothing left behind). */
  static async start(tap: TapNamespace, opts: DnsmasqOptions): Promise<Dnsmasq> {
    const why = netnsUnavailable(['dnsmasq']);
    if (why) throw new NetnsError(`cannot serve DHCP: dnsmasq ${why}; or give --dhcp-server external and run your own`);
    const dir = mkdtempSync(join(tmpdir(), 'synack-dnsmasq-'));
    recordDir(dir);
    const removeDir = () => { rmSync(dir, { recursive: true, force: true }); forgetDir(dir); };
    tap.ns.onCleanup(removeDir);
    const [, len] = tap.hostCidr.split('/');
    const mask = ipStr(Number(len) === 0 ? 0 : (0xffffffff << (32 - Number(len))) >>> 0);
    const proc = tap.ns.spawn('dnsmasq', ['--keep-in-foreground', '--log-facility=-', '--conf-file=/dev/null', '--no-resolv', '--no-hosts',
      '--bind-interfaces', `--interface=${tap.ifname}`, '--except-interface=lo',
      `--dhcp-range=${opts.rangeStart},${opts.rangeEnd},${mask},${opts.lease ?? '1h'}`, '--dhcp-authoritative',
      `--domain=${DHCP_DOMAIN}`, `--local=/${DHCP_DOMAIN}/`, `--host-record=host.${DHCP_DOMAIN},${tap.hostIp}`, '--log-dhcp',
      `--dhcp-leasefile=${join(dir, 'leases')}`, `--pid-file=${join(dir, 'pid')}`, '--user=root']);
    const d = new Dnsmasq(proc, dir, opts);
    const keep = (b: Buffer) => { d.log = (d.log + b.toString()).slice(-16384); };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    let spawnError = '';
    proc.on('error', (e) => (spawnError = e.message));
    const exited = () => proc.exitCode !== null || proc.signalCode !== null || spawnError !== '';
    if (!(await waitUntil(() => /DHCP, IP range/.test(d.log) || exited(), 5000)) || exited()) {
      d.close();
      const last = d.log.trim().split('\n').filter((l) => !/LOUD WARNING|compile time|started, version/.test(l)).pop();
      throw new NetnsError(`dnsmasq did not start: ${spawnError || last?.trim() || 'no answer in 5 s'}`);
    }
    return d;
  }

  /** Stops dnsmasq by its PID and removes its directory (the namespace's cleanup does the same). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.proc.exitCode === null && this.proc.signalCode === null) { try { this.proc.kill('SIGKILL'); } catch { /* gone */ } }
    forgetProc(this.proc.pid);
    rmSync(this.dir, { recursive: true, force: true });
    forgetDir(this.dir);
  }
}
