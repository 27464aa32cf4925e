// The board's Storage modules, under Node: each module's entry (iface/*-module.ts, the bundle
// written to Storage as "synack-NAME") exports what its stand-in in the stack's bundle reads, and
// each stand-in (iface/*-storage.ts) loads its module through Espruino's `global.require` (or
// Storage.read), only from the same build (BUILD_ID), throwing the one line that says to flash
// again when the module is needed and missing. Espruino's `require` and `BUILD_ID` are globals the
// test puts in place; the board suites (board-espruino, flash-espruino) run the built modules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DhcpClient } from '../firmware/iface/dhcp.ts';
import { DnsClient } from '../firmware/iface/dns.ts';
import { startMdns } from '../firmware/iface/mdns.ts';
import { startLinkLocal } from '../firmware/iface/linklocal.ts';
import { sdRecords } from '../firmware/iface/dnssd.ts';
import { DhcpClient as DhcpStandIn } from '../firmware/iface/dhcp-storage.ts';
import { DnsClient as DnsStandIn } from '../firmware/iface/dns-storage.ts';
import { sdRecords as sdStandIn } from '../firmware/iface/dnssd-storage.ts';
import { zeroconf } from '../firmware/iface/zeroconf-storage.ts';
import { counterNames, ifaceCounterNames, tcpCounterNames } from '../firmware/iface/counter-names-storage.ts';

const g = globalThis as unknown as { BUILD_ID?: string; require?: (n: string) => unknown };
const BUILD = 'b-23';
g.BUILD_ID = BUILD;
// The entries are CommonJS-style (`module.exports = ...`): Node gives their exports as `default`.
const entry = async (f: string) => ((await import(f)) as { default: Record<string, unknown> }).default;
const dhcpModule = await entry('../firmware/iface/dhcp-module.ts');
const dnsModule = await entry('../firmware/iface/dns-module.ts');
const mdnsModule = await entry('../firmware/iface/mdns-module.ts');
const dnssdModule = await entry('../firmware/iface/dnssd-module.ts');
const linklocalModule = await entry('../firmware/iface/linklocal-module.ts');

/** Runs `f` on a "board" whose Storage holds `mods` (name -> module, or a file's text). */
function board<T>(mods: Record<string, unknown>, f: () => T): T {
  const required: string[] = [];
  g.BUILD_ID = BUILD;
  g.require = (n: string) => {
    required.push(n);
    if (n === 'Storage') return { read: (f: string) => mods[f] };
    if (!(n in mods)) throw new Error('Module ' + n + ' not found');
    return mods[n];
  };
  try { return f(); } finally { delete g.require; }
}

test('each module entry exports its code and the build it came from', () => {
  assert.equal(dhcpModule, { DhcpClient, build: BUILD });
  assert.is(dhcpModule.DhcpClient, DhcpClient);
  assert.equal(dnsModule, { DnsClient, build: BUILD });
  assert.is(dnsModule.DnsClient, DnsClient);
  assert.equal(mdnsModule, { start: startMdns, build: BUILD });
  assert.is(mdnsModule.start, startMdns);
  assert.equal(dnssdModule, { sdRecords, build: BUILD });
  assert.is(dnssdModule.sdRecords, sdRecords);
  assert.equal(linklocalModule, { start: startLinkLocal, build: BUILD });
  assert.is(linklocalModule.start, startLinkLocal);
});

test('dhcp-storage: `new DhcpClient` is the module\'s client; missing or from another build, one line saying to flash', () => {
  const bound: number[] = [];
  const netif = { udpBind(p: number) { bound.push(p); return true; } } as never, opts = { hostname: 'h' } as never;
  const c = board({ 'synack-dhcp': dhcpModule }, () => new DhcpStandIn(netif, opts));
  assert.instance(c, DhcpClient);
  assert.is(c.netif, netif);
  assert.is(c.opts, opts);
  assert.equal(bound, [68], 'the module\'s client bound the client port');
  assert.throws(() => board({}, () => new DhcpStandIn(netif, opts)),
    (e: Error) => e.message === 'synack: "synack-dhcp" is missing from Storage or from another build: flash again (npm run flash), or give a static ip');
  assert.throws(() => board({ 'synack-dhcp': { DhcpClient, build: 'other' } }, () => new DhcpStandIn(netif, opts)), /from another build/);
});

test('dns-storage: `new DnsClient` is the module\'s client with its server; missing, one line saying to flash', () => {
  const netif = {} as never;
  const c = board({ 'synack-dns': dnsModule }, () => new DnsStandIn(netif, 0xc6120035));
  assert.instance(c, DnsClient);
  assert.is(c.netif, netif);
  assert.is(c.server, 0xc6120035);
  assert.throws(() => board({}, () => new DnsStandIn(netif, 1)),
    (e: Error) => e.message === 'synack: "synack-dns" is missing from Storage or from another build: flash again (npm run flash)');
  assert.throws(() => board({ 'synack-dns': { DnsClient, build: 'other' } }, () => new DnsStandIn(netif, 1)), /from another build/);
});

test('dnssd-storage: the module\'s records; without the module or from another build, none (the name is still answered)', () => {
  const want = sdRecords('s.local', 's', true, false);
  assert.equal(board({ 'synack-dnssd': dnssdModule }, () => sdStandIn('s.local', 's', true, false)), want);
  assert.equal(board({ 'synack-dnssd': dnssdModule }, () => sdStandIn('s.local', 's', false, true)), sdRecords('s.local', 's', false, true));
  assert.is(board({}, () => sdStandIn('s.local', 's', true, true)), null);
  assert.is(board({ 'synack-dnssd': { sdRecords, build: 'other' } }, () => sdStandIn('s.local', 's', true, true)), null);
});

test('zeroconf-storage: on DHCP both modules start by default; a static address starts none; missing defaults stay off', () => {
  const started: string[] = [];
  const mod = (name: string, build = BUILD) => ({ start: (s: unknown, c: unknown) => { assert.is(s, stack); assert.is(c, cfg); started.push(name); }, build });
  const stack = {} as never;
  let cfg = {} as Record<string, unknown>;
  const all = { 'synack-linklocal': mod('linklocal'), 'synack-mdns': mod('mdns') };
  board(all, () => zeroconf(stack, cfg as never, true));
  assert.equal(started, ['linklocal', 'mdns'], 'DHCP: both');
  started.length = 0;
  board(all, () => zeroconf(stack, cfg as never, false));
  assert.equal(started, [], 'a static address: none');
  board({}, () => zeroconf(stack, cfg as never, true));
  assert.equal(started, [], 'DHCP, neither in Storage: both stay off, no error');
  board({ 'synack-linklocal': mod('linklocal', 'other'), 'synack-mdns': mod('mdns', 'other') }, () => zeroconf(stack, cfg as never, true));
  assert.equal(started, [], 'from another build: off');
});

test('zeroconf-storage: linkLocal false or mdns false turn each off; mdns true on a static address starts it, and throws when it is missing', () => {
  const started: string[] = [];
  const mod = (name: string) => ({ start: () => { started.push(name); }, build: BUILD });
  const all = { 'synack-linklocal': mod('linklocal'), 'synack-mdns': mod('mdns') };
  const stack = {} as never;
  board(all, () => zeroconf(stack, { linkLocal: false } as never, true));
  assert.equal(started, ['mdns']);
  started.length = 0;
  board(all, () => zeroconf(stack, { mdns: false } as never, true));
  assert.equal(started, ['linklocal']);
  started.length = 0;
  board(all, () => zeroconf(stack, { mdns: true, linkLocal: true } as never, false));
  assert.equal(started, ['mdns'], 'link-local only ever with DHCP');
  assert.throws(() => board({}, () => zeroconf(stack, { mdns: true } as never, false)),
    (e: Error) => e.message === 'synack: "synack-mdns" is missing from Storage or from another build: flash again (npm run flash)');
  assert.throws(() => board({ 'synack-mdns': mod('mdns') }, () => zeroconf(stack, { linkLocal: true } as never, true)),
    (e: Error) => e.message === 'synack: "synack-linklocal" is missing from Storage or from another build: flash again (npm run flash)');
});

test('counter-names-storage: the names are the Storage file "synack-names", read in place, of the same build', () => {
  const file = 'rxFrames txFrames segsIn ' + BUILD;
  assert.is(board({ 'synack-names': file }, () => counterNames()), file);
  assert.is(board({ 'synack-names': file }, () => ifaceCounterNames()), file);
  assert.is(board({ 'synack-names': file }, () => tcpCounterNames()), file);
  assert.throws(() => board({}, () => counterNames()),
    (e: Error) => e.message === 'synack: "synack-names" is missing from Storage or from another build: flash again (npm run flash)');
  assert.throws(() => board({ 'synack-names': 'rxFrames b-old' }, () => counterNames()), /from another build/);
});

test.run();
