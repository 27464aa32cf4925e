// A TAP attachment: a network namespace holding a TAP device whose frames are bridged to the
// simulator's UDP link by socat (one frame per datagram), so the Linux kernel in that namespace
// is the simulated board's LAN peer; no compiled addon needed. socat creates the TAP in the root
// namespace, the device is moved into the test namespace (socat's descriptor stays valid), and
// given an address there. Everything is removed on close, exit, Ctrl-C and errors.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { Netns, NetnsError, checkTestAddress, netnsUnavailable, run, waitUntil } from './netns.ts';
import { UdpLink } from './udp.ts';
import type { Port } from '../segment.ts';
import type { RealTimeRunner } from '../realtime.ts';

export interface TapOptions {
  /** Namespace name (default synack-<pid>). */
  ns?: string;
  /** TAP device name (default st<pid>, at most 15 characters). */
  ifname?: string;
  /** The namespace side's address (default 198.18.0.1/24). */
  hostCidr?: string;
  /** The simulator's UDP link port on 127.0.0.1 that socat sends to. */
  simPort: number;
  /** socat's own port (default: a free one). */
  socatPort?: number;
  /** The namespace side's hardware address. */
  hostMac?: string;
}

export { freeUdpPort };

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

export class TapNamespace {
  readonly ns: Netns;
  readonly ifname: string;
  readonly hostCidr: string;
  socatPort = 0;
  private socat: ChildProcess | null = null;

  private constructor(ns: Netns, ifname: string, hostCidr: string) {
    this.ns = ns; this.ifname = ifname; this.hostCidr = hostCidr;
  }

  get hostIp(): string { return this.hostCidr.split('/')[0]; }

  /** Creates the namespace, the TAP and the socat bridge to 127.0.0.1:simPort. */
  static async create(opts: TapOptions): Promise<TapNamespace> {
    const why = netnsUnavailable(['socat']);
    if (why) throw new NetnsError(`cannot attach a TAP device: ${why}; use --link udp:... instead`);
    const hostCidr = opts.hostCidr ?? '198.18.0.1/24';
    checkTestAddress(hostCidr);
    const ifname = (opts.ifname ?? `st${process.pid}`).slice(0, 15);
    const ns = new Netns(opts.ns ?? `synack-${process.pid}`);
    const tap = new TapNamespace(ns, ifname, hostCidr);
    try {
      // socat opens the TAP first and binds its UDP port second: when the port, free a moment
      // ago, has been taken meanwhile, socat exits and its TAP vanishes between our seeing it and
      // moving it ("Cannot find device"). Such a failure is retried with a fresh port.
      // The port can also be taken after the move: the device is gone when it is configured.
      for (let attempt = 1; ; attempt++) {
        const why = await tap.bridge(opts.simPort, opts.socatPort) ?? await tap.configure(opts.hostMac);
        if (!why) break;
        if (attempt === 3 || opts.socatPort !== undefined) throw new NetnsError(why);
      }
      return tap;
    } catch (e) {
      tap.close();
      throw e;
    }
  }

  /** Starts socat (TAP device <-> UDP to 127.0.0.1:simPort) and moves the TAP into the namespace;
   *  returns why that failed (socat stopped and reaped), or null. */
  private async bridge(simPort: number, socatPort: number | undefined): Promise<string | null> {
    const ifname = this.ifname;
    this.socatPort = socatPort ?? await freeUdpPort();
    const socat = spawn('socat', ['-b', '65536',
      `TUN,tun-type=tap,iff-no-pi,tun-name=${ifname}`,
      `UDP-DATAGRAM:127.0.0.1:${simPort},bind=127.0.0.1:${this.socatPort}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.socat = socat;
    this.ns.track(socat);
    let err = '';
    socat.stderr!.on('data', (d) => (err += d));
    const exists = () => { try { run('ip', ['link', 'show', ifname]); return true; } catch { return false; } };
    let why: string | null = null;
    if (!(await waitUntil(() => exists() || socat.exitCode !== null, 5000)) || socat.exitCode !== null) {
      why = `socat could not create the TAP device ${ifname}: ${err.trim() || 'no answer in 5 s'}`;
    } else {
      try { run('ip', ['link', 'set', ifname, 'netns', this.ns.name]); } catch (e) { why = `${(e as Error).message}${err.trim() ? ` (socat: ${err.trim()})` : ''}`; }
    }
    if (why) {
      if (socat.exitCode === null) { try { socat.kill('SIGKILL'); } catch { /* gone */ } }
      await waitUntil(() => socat.exitCode !== null || socat.signalCode !== null, 2000);
      this.socat = null;
    }
    return why;
  }

  /** Gives the TAP, now in the namespace, its address; returns why that failed because socat
   *  stopped meanwhile (its TAP gone with it: socat then reaped), or null. Other errors throw. */
  private async configure(hostMac: string | undefined): Promise<string | null> {
    const socat = this.socat!;
    try {
      if (hostMac) run('ip', ['-n', this.ns.name, 'link', 'set', this.ifname, 'address', hostMac]);
      this.ns.exec('sysctl', ['-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
      this.ns.addr(this.ifname, this.hostCidr);
      if (socat.exitCode === null && socat.signalCode === null) return null;
      return `socat stopped after making the TAP device ${this.ifname}`;
    } catch (e) {
      if (socat.exitCode === null && socat.signalCode === null && /Cannot find device/.test((e as Error).message) === false) throw e;
      return (e as Error).message;
    } finally {
      if (socat.exitCode !== null || socat.signalCode !== null || !this.hasDevice()) {
        if (socat.exitCode === null) { try { socat.kill('SIGKILL'); } catch { /* gone */ } }
        await waitUntil(() => socat.exitCode !== null || socat.signalCode !== null, 2000);
        this.socat = null;
      }
    }
  }

  private hasDevice(): boolean { try { run('ip', ['-n', this.ns.name, 'link', 'show', this.ifname]); return true; } catch { return false; } }

  close(): void {
    if (this.socat && this.socat.exitCode === null) { try { this.socat.kill('SIGKILL'); } catch { /* gone */ } }
    this.ns.cleanup();
  }
}

/** A segment port attached to a TAP device in a new namespace: the UDP link on 127.0.0.1, then
 *  the namespace with socat, whose port the link learns last (the one setup the simulator and
 *  the Linux-peer tests share). Close both with `tap.close()` and `link.close()`. */
export async function openTapLink(port: Port, runner: RealTimeRunner, opts: Omit<TapOptions, 'simPort'> = {}): Promise<{ link: UdpLink; tap: TapNamespace }> {
  const link = new UdpLink({ bindHost: '127.0.0.1', bindPort: 0, peerHost: '127.0.0.1', peerPort: 1 }, port, runner);
  await link.open();
  try {
    const tap = await TapNamespace.create({ ...opts, simPort: link.localPort });
    (link.spec as { peerPort: number }).peerPort = tap.socatPort;
    return { link, tap };
  } catch (e) { link.close(); throw e; }
}
