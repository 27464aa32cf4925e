// require("synack").start(config): configuration errors are one line naming the fix; a started
// board polls itself on a timer and answers (an ARP request here) without anyone calling poll.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { registerChip, start } from '../firmware/board.ts';
import { Enc28j60 } from '../firmware/drivers/enc28j60.ts';
import { W5500 } from '../firmware/drivers/w5500.ts';
import { loadBundleContext } from './helpers/bundle.ts';
import vm from 'node:vm';

registerChip('enc28j60', Enc28j60);
registerChip('w5500', W5500);
const dist = join(import.meta.dirname, '..', 'dist');
/** The enc28j60 bundle, every module it asks Storage for written down in `asked`. */
function watchedBundle() {
  const b = loadBundleContext(join(dist, 'synack-enc28j60.js'));
  const storage = b.context.global;
  const asked: string[] = [];
  b.context.global = { require: (name: string) => { asked.push(name); return storage.require(name); } };
  return { b, asked };
}
/** The ports a stack listens on, as the status page lists them ("*:7"). */
const listening = (st: { tcp: { listeners: { port: number }[] } }) => st.tcp.listeners.map((l) => '*:' + l.port);

test('configuration errors name the fix', () => {
  assert.throws(() => start({ chip: 'enc28j60' }), /give \{chip: "enc28j60" \| "w5500", spi: SPI1, cs: <pin>\}/);
  const spi = { send: (d: Uint8Array) => new Uint8Array(d.length).fill(0xff) };
  assert.throws(() => start({ chip: 'enc28j60', spi, cs: 1 }), /ENC28J60 not found .*check the wiring/);
  assert.throws(() => start({ chip: 'w5500', spi, cs: 1 }), /W5500 not found .*check the wiring/);
  assert.throws(() => start({ chip: 'rtl8019' as never, spi, cs: 1 }), /unknown chip "rtl8019"/);
  const driver = { mac: new Uint8Array(6), send: () => true, recv: () => 0, link: () => true };
  assert.throws(() => start({ driver, ip: '198.18.0.2' }), /use "dhcp" or an address with its prefix/);
  assert.throws(() => start({ driver, mac: 'zz' }), /bad mac "zz"/);
});

test('a chip bundle carries its one driver and says which bundle the other chip needs', () => {
  const spi = { send: (d: Uint8Array) => new Uint8Array(d.length).fill(0xff) };
  const enc = loadBundleContext(join(dist, 'synack-enc28j60.js')).exports;
  assert.throws(() => enc.start({ chip: 'enc28j60', spi, cs: 1, apps: false }), /ENC28J60 not found .*check the wiring/);
  assert.throws(() => enc.start({ chip: 'w5500', spi, cs: 1, apps: false }), /this bundle has no w5500 driver: flash the w5500 bundle/);
  const wiz = loadBundleContext(join(dist, 'synack-w5500.js')).exports;
  assert.throws(() => wiz.start({ chip: 'w5500', spi, cs: 1, apps: false }), /W5500 not found .*check the wiring/);
  assert.throws(() => wiz.start({ chip: 'enc28j60', spi, cs: 1, apps: false }), /this bundle has no enc28j60 driver/);
});

test('a chip bundle starts the default apps from the "synack-apps" module, or runs without them', () => {
  const apps = loadBundleContext(join(dist, 'synack-apps.js')).exports;
  assert.type(apps.startApps, 'function');
  const driver = { mac: new Uint8Array([2, 0, 0, 0, 0, 2]), send: () => true, recv: () => 0, link: () => true };
  const withApps = loadBundleContext(join(dist, 'synack-enc28j60.js')); // its Storage holds synack-apps
  const b1 = withApps.exports.start({ driver, ip: '198.18.0.2/24', networkjs: false });
  const ports = listening(b1.stack).sort();
  b1.stop();
  assert.is(JSON.stringify(ports), JSON.stringify(['*:19', '*:7', '*:80', '*:9']));
  const without = loadBundleContext(join(dist, 'synack-enc28j60.js'));
  const storage = without.context.global;
  without.context.global = { require: (name: string) => { if (name === 'synack-apps') throw new Error('Module synack-apps not found'); return storage.require(name); } };
  const printed: string[] = [];
  without.context.print = (s: string) => printed.push(s);
  const b2 = without.exports.start({ driver, ip: '198.18.0.2/24', networkjs: false });
  assert.is(listening(b2.stack).length + b2.stack.tcp.conns.length, 0);
  b2.stop();
  assert.ok(printed.includes('synack: "synack-apps" is missing from Storage or from another build: flash again (npm run flash, or pass apps: false); the default apps are off'), printed.join('\n'));
  // The startup line on the console (tools/hil.ts --port watches for it).
  assert.is(printed[printed.length - 1], 'synack: started, mac 02:00:00:00:00:02, 198.18.0.2/24 static');
  // Apps from another build would use other shortened names: refused with one line.
  const foreign = loadBundleContext(join(dist, 'synack-enc28j60.js'));
  const fs = foreign.context.global;
  foreign.context.global = { require: (name: string) => (name === 'synack-apps' ? { startApps: apps.startApps, build: 'other' } : fs.require(name)) };
  const said: string[] = [];
  foreign.context.print = (s: string) => said.push(s);
  const b3 = foreign.exports.start({ driver, ip: '198.18.0.2/24', networkjs: false });
  assert.is(listening(b3.stack).length + b3.stack.tcp.conns.length, 0);
  b3.stop();
  assert.ok(said.includes('synack: "synack-apps" is missing from Storage or from another build: flash again (npm run flash, or pass apps: false); the default apps are off'), said.join('\n'));
  void vm;
});

test('a chip bundle loads the net-style API from the "synack-net" module on first use, and only one from its own build', () => {
  const driver = { mac: new Uint8Array([2, 0, 0, 0, 0, 2]), send: () => true, recv: () => 0, link: () => true };
  const { b, asked } = watchedBundle();
  const stack = b.exports.createStack(driver, { ip: '198.18.0.2/24', apps: false });
  assert.equal(asked, [], 'nothing loaded at start');
  stack.net.createServer(() => {}).listen(7);
  assert.equal(asked, ['synack-net', 'synack'], 'the module, which takes the address and string helpers from the stack\'s bundle');
  assert.is(JSON.stringify(listening(stack)), '["*:7"]');
  stack.net.connect({ host: '198.18.0.1', port: 7 });
  assert.equal(asked.length, 2, 'made once');

  const missing = loadBundleContext(join(dist, 'synack-enc28j60.js'));
  missing.context.global = { require: (name: string) => { throw new Error('Module ' + name + ' not found'); } };
  const s2 = missing.exports.createStack(driver, { ip: '198.18.0.2/24', apps: false });
  assert.throws(() => s2.net, /"synack-net" is missing from Storage or from another build: flash again \(npm run flash, without "net": false\)/);

  const foreign = loadBundleContext(join(dist, 'synack-enc28j60.js'));
  const real = foreign.context.global.require('synack-net');
  foreign.context.global = { require: () => Object.assign({}, real, Object.fromEntries(Object.entries(real).filter(([, v]) => typeof v === 'string').map(([k]) => [k, 'other']))) };
  const s3 = foreign.exports.createStack(driver, { ip: '198.18.0.2/24', apps: false });
  assert.throws(() => s3.net, /from another build/);
});

test('a chip bundle loads DHCP only with ip "dhcp" and DNS only when a name is resolved ("synack-dhcp", "synack-dns")', () => {
  const driver = { mac: new Uint8Array([2, 0, 0, 0, 0, 2]), send: () => true, recv: () => 0, link: () => true };
  const { b, asked } = watchedBundle();
  const still = b.exports.createStack(driver, { ip: '198.18.0.2/24', apps: false });
  for (let t = 0; t < 5; t++) still.poll(t * 100);
  still.net.connect({ host: '198.18.0.1', port: 7 }); // a dotted quad needs no DNS
  assert.equal(asked, ['synack-net', 'synack'], 'a static address: neither DHCP nor DNS');
  asked.length = 0;
  const dyn = b.exports.createStack(driver, { ip: 'dhcp', apps: false });
  dyn.poll(0);
  // With DHCP, link-local and mDNS are on by default: their modules are loaded when in Storage.
  assert.equal(asked, ['synack-dhcp', 'synack', 'synack-linklocal', 'synack', 'synack-mdns', 'synack'], 'DHCP loaded with ip "dhcp" (the module takes the stack\'s shared names)');
  asked.length = 0;
  let answer = '';
  still.dns.resolve('198.18.0.9', (err: string | null, ip: number) => { answer = err || b.exports.ipToString(ip); });
  still.dns.resolve('board.test', (err: string | null) => { answer += ' ' + err; });
  assert.equal(asked, ['synack-dns', 'synack'], 'DNS loaded when first used');
  assert.is(answer, '198.18.0.9 ENOSERVER');

  const missing = loadBundleContext(join(dist, 'synack-enc28j60.js'));
  missing.context.global = { require: (name: string) => { throw new Error('Module ' + name + ' not found'); } };
  assert.throws(() => missing.exports.createStack(driver, { ip: 'dhcp', apps: false }), /"synack-dhcp" is missing from Storage or from another build: flash again \(npm run flash\), or give a static ip/);
  // Zero configuration's modules missing: the defaults stay off; asked for, one line to flash again.
  missing.context.global = { require: (name: string) => { if (name === 'synack-dhcp') return b.context.global.require(name); throw new Error('Module ' + name + ' not found'); } };
  assert.throws(() => missing.exports.createStack(driver, { ip: 'dhcp', apps: false, mdns: true }), /"synack-mdns" is missing from Storage or from another build: flash again/);
  missing.context.global = { require: (name: string) => { throw new Error('Module ' + name + ' not found'); } };
  const s4 = missing.exports.createStack(driver, { ip: '198.18.0.2/24', apps: false });
  assert.throws(() => s4.dns, /"synack-dns" is missing from Storage or from another build: flash again/);
});

test('a chip bundle registers a stand-in with NetworkJS and loads the adapter ("synack-networkjs") on Espruino\'s first socket', () => {
  const driver = { mac: new Uint8Array([2, 0, 0, 0, 0, 2]), send: () => true, recv: () => 0, link: () => true };
  const { b, asked } = watchedBundle();
  const stack = b.exports.createStack(driver, { ip: '198.18.0.2/24', apps: false });
  const registered: unknown[] = [];
  const ad = b.exports.networkjs(stack, { create: (a: unknown) => registered.push(a) });
  assert.equal(registered, [ad]);
  assert.equal(asked, [], 'nothing loaded until a socket is made');
  const id = ad.create(undefined, 8080, 0);
  assert.equal(asked, ['synack-networkjs', 'synack']);
  assert.is(id, 0);
  assert.is(ad.accept(id), -1, 'the adapter\'s own methods from then on');
  assert.is(JSON.stringify(listening(stack)), '["*:8080"]');
  const id2 = ad.create('198.18.0.1', 80, 0);
  assert.is(id2, 1);
  assert.is(asked.length, 2, 'loaded once');

  const missing = loadBundleContext(join(dist, 'synack-enc28j60.js'));
  missing.context.global = { require: (name: string) => { throw new Error('Module ' + name + ' not found'); } };
  const said: string[] = [];
  missing.context.print = (s: string) => said.push(s);
  const s2 = missing.exports.createStack(driver, { ip: '198.18.0.2/24', apps: false });
  const ad2 = missing.exports.networkjs(s2, { create: () => {} });
  assert.is(ad2.create(undefined, 80, 0), -10);
  assert.match(said.join('\n'), /"synack-networkjs" is missing from Storage or from another build: flash again/);
});

test('a started board polls itself and answers ARP', async () => {
  const inq: Uint8Array[] = [];
  const out: Uint8Array[] = [];
  const driver = {
    mac: new Uint8Array([2, 0, 0, 0, 0, 2]),
    send: (f: Uint8Array, len: number) => { out.push(f.slice(0, len)); return true; },
    recv: (b: Uint8Array) => { const f = inq.shift(); if (!f) return 0; b.set(f); return f.length; },
    link: () => true,
  };
  const board = start({ driver, ip: '198.18.0.2/24', apps: false, networkjs: false, idlePollMs: 5 });
  try {
    await new Promise((r) => setTimeout(r, 20));
    out.length = 0; // the gratuitous ARP
    const arp = new Uint8Array(42);
    arp.fill(0xff, 0, 6); arp.set([2, 0, 0, 0, 0, 1], 6); arp[12] = 8; arp[13] = 6;
    arp.set([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 198, 18, 0, 1, 0, 0, 0, 0, 0, 0, 198, 18, 0, 2], 14);
    inq.push(arp);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(out.length, 1);
    assert.equal([...out[0].subarray(20, 22)], [0, 2], 'an ARP reply');
  } finally { board.stop(); }
});

test('an exception in a poll (a driver of the user\'s throwing) is said once and the board polls on', async () => {
  const inq: Uint8Array[] = [];
  const out: Uint8Array[] = [];
  let throws = 3;
  const driver = {
    mac: new Uint8Array([2, 0, 0, 0, 0, 2]),
    send: (f: Uint8Array, len: number) => { out.push(f.slice(0, len)); return true; },
    recv: (b: Uint8Array) => { if (throws > 0) { throws--; throw new Error('bus fault'); } const f = inq.shift(); if (!f) return 0; b.set(f); return f.length; },
    link: () => true,
  };
  const printed: string[] = [];
  const g = globalThis as { print?: (s: string) => void };
  g.print = (s: string) => printed.push(s);
  const board = start({ driver, ip: '198.18.0.2/24', apps: false, networkjs: false, idlePollMs: 5 });
  try {
    await new Promise((r) => setTimeout(r, 60));
    assert.is(throws, 0);
    out.length = 0;
    const arp = new Uint8Array(42);
    arp.fill(0xff, 0, 6); arp.set([2, 0, 0, 0, 0, 1], 6); arp[12] = 8; arp[13] = 6;
    arp.set([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 198, 18, 0, 1, 0, 0, 0, 0, 0, 0, 198, 18, 0, 2], 14);
    inq.push(arp);
    await new Promise((r) => setTimeout(r, 50));
    assert.is(out.length, 1, 'still answering');
    assert.equal(printed.filter((l) => /poll failed/.test(l)), ['synack: poll failed (Error: bus fault), polling on']);
  } finally { board.stop(); delete g.print; }
});

test.run();
