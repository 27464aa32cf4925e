// The status page's data read from a running Stack, one piece at a time (StatusSource), and all at
// once (stackStatus, for tests and tools). It lives with the apps, not in the stack's bundle: a
// board without the status page carries none of it.
import type { Stack } from '../stack.ts';
import type { Status, StatusConnection, StatusSource } from './http-status.ts';
import { counterNames, nthName } from '../iface/counters.ts';
import { stateName, LIP, LPORT, RIP, RPORT } from '../tcp/tcp.ts';
import { ipToString } from '../wire/ipv4.ts';
import { macToString } from '../wire/ethernet.ts';

export class StackStatus implements StatusSource {
  constructor(readonly st: Stack) {}

  summary(): { address: string; mac: string; uptime: number; link: boolean } {
    const st = this.st, ifc = st.iface;
    return {
      address: ifc.ip ? ipToString(ifc.ip) + '/' + ifc.prefix : 'none',
      mac: macToString(ifc.mac, 0),
      uptime: st.startedAt < 0 ? 0 : Math.floor((ifc.now - st.startedAt) / 1000),
      link: st.driver.link(),
    };
  }

  /** The i-th connection, then the listeners; null past the end. */
  connection(i: number): StatusConnection | null {
    const tcp = this.st.tcp, conns = tcp.conns;
    if (i < conns.length) {
      const c = conns[i];
      return { local: ipToString(c.s[LIP]) + ':' + c.s[LPORT], remote: ipToString(c.s[RIP]) + ':' + c.s[RPORT], state: stateName(c.state) };
    }
    const l = tcp.listeners[i - conns.length];
    return l ? { local: '*:' + l.port, remote: '*', state: 'LISTEN' } : null;
  }

  /** The i-th counter's name (the interface's, then TCP's as tcp.NAME); '' past the end. */
  counterName(i: number): string {
    // Bounded by the counters' count: on a board the names' Storage file ends with the build id.
    const n = this.st.iface.cnt.length;
    if (i >= n + this.st.tcp.cnt.length) return '';
    const t = nthName(counterNames(), i);
    return i < n || !t ? t : 'tcp.' + t;
  }

  counterValue(i: number): number {
    const st = this.st, n = st.iface.cnt.length;
    return i < n ? st.iface.cnt[i] : st.tcp.cnt[i - n];
  }

  memory(): { [name: string]: number } | undefined { const m = this.st.config.memory; return m ? m() : undefined; }
}

/** Everything the page shows, at once. */
export function stackStatus(src: StatusSource): Status {
  const connections: StatusConnection[] = [];
  for (let i = 0, c = src.connection(0); c; c = src.connection(++i)) connections.push(c);
  const counters: { [k: string]: number } = {};
  for (let i = 0, n = src.counterName(0); n; n = src.counterName(++i)) counters[n] = src.counterValue(i);
  const s = src.summary();
  return { address: s.address, mac: s.mac, uptime: s.uptime, link: s.link, connections: connections, counters: counters, memory: src.memory() };
}
