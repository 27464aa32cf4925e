import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Interface, POLL_MAX_FRAMES } from '../firmware/iface/interface.ts';
import { NO_TIMER } from '../firmware/iface/types.ts';
import { totalDrops } from '../firmware/iface/counters.ts';
import { FakeDriver } from './helpers/fake-driver.ts';
import { setup } from './helpers/iface-setup.ts';
import {
  US_MAC, PEER_MAC, BCAST_MAC, ZERO_MAC, US, PEER, GW, eth, arp, ipv4, udp, echo, hexOf, pattern,
} from './helpers/frames.ts';

test('poll drains the driver, calls service, runs handler timers and returns the nearest', () => {
  const { d, ifc } = setup();
  const polled: number[] = [];
  ifc.register(6, { input() {}, poll: (now) => { polled.push(now); return 250; } });
  ifc.register(99, { input() {}, poll: () => NO_TIMER });
  for (let i = 0; i < 3; i++) d.rxq.push(eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, echo(8, 1, i, []))));
  assert.is(ifc.poll(40), 250);
  assert.is(d.rxq.length, 0);
  assert.is(d.take().length, 3);
  assert.equal(polled, [40]);
  assert.is(d.serviced[d.serviced.length - 1], 40);
  assert.is(ifc.now, 40);
});

test('with nothing to do poll returns NO_TIMER; a flood is handled POLL_MAX_FRAMES at a time', () => {
  const d = new FakeDriver(US_MAC.slice());
  const ifc = new Interface(d, { ip: US, prefix: 24, gateway: GW });
  assert.is(ifc.poll(0), NO_TIMER);
  for (let i = 0; i < POLL_MAX_FRAMES + 5; i++) d.rxq.push(eth(US_MAC, PEER_MAC, 0x9999, new Uint8Array(46)));
  assert.is(ifc.poll(1), 0);
  assert.is(d.rxq.length, 5);
  assert.is(ifc.poll(2), NO_TIMER);
  assert.is(ifc.counters.dropEthType, POLL_MAX_FRAMES + 5);
});

test('odd lengths given to input() are dropped, not thrown on', () => {
  const { d, ifc } = setup();
  const f = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, echo(8, 1, 1, [])));
  for (const len of [NaN, -1, 0, 13, 1e9, Infinity]) ifc.input(f, len as number);
  assert.is(ifc.counters.dropEthTruncated, 4);
  assert.is(d.take().length, 2); // 1e9 and Infinity are clamped to the frame: answered
  const z = eth(US_MAC, PEER_MAC, 0x0800, ipv4(0, US, 1, echo(8, 1, 1, [])));
  ifc.input(z, z.length);
  assert.is(ifc.counters.dropIpSrc, 1); // 0.0.0.0 names no host (RFC 1122 3.2.1.3): dropped by IPv4 but for UDP
  assert.is(d.take().length, 0);
});

test('register replaces the handler of the same protocol', () => {
  const { ifc } = setup();
  let a = 0, b = 0;
  ifc.register(99, { input: () => a++, poll: () => NO_TIMER });
  ifc.register(99, { input: () => b++, poll: () => NO_TIMER });
  const f = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 99, [1]));
  ifc.input(f, f.length);
  assert.equal([a, b], [0, 1]);
});

test('no input makes it throw: 30000 mutated and random frames (bounded, seeded)', () => {
  const { d, ifc } = setup();
  ifc.udpBind(7, () => {});
  ifc.register(6, { input() {}, poll: () => NO_TIMER });
  const seeds = [
    eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, echo(8, 1, 1, pattern(40)))),
    eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 17, udp(PEER, US, 1, 7, pattern(30)))),
    eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 17, udp(PEER, US, 1, 8, pattern(30)))),
    eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 6, pattern(40), { options: [1, 1, 1, 1] })),
    eth(BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, ZERO_MAC, US)),
    eth(US_MAC, PEER_MAC, 0x0806, arp(2, PEER_MAC, 0xc6120033, US_MAC, US)),
  ];
  let x = 0x9e3779b9;
  const rnd = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const N = 30000;
  for (let k = 0; k < N; k++) {
    let f: Uint8Array;
    if (k % 10 === 9) {
      f = new Uint8Array(rnd() % 80);
      for (let i = 0; i < f.length; i++) f[i] = rnd() & 255;
      if (f.length > 14 && (k & 1)) { f.set(US_MAC, 0); f[12] = 8; f[13] = rnd() & 1 ? 0 : 6; }
    } else {
      f = seeds[rnd() % seeds.length].slice();
      const flips = 1 + (rnd() % 3);
      for (let i = 0; i < flips; i++) {
        const p = 14 + (rnd() % (f.length - 14));
        f[p] ^= 1 << (rnd() % 8);
      }
    }
    const len = (rnd() & 7) === 0 ? rnd() % (f.length + 1) : f.length;
    ifc.poll(k * 3);
    ifc.input(f, len);
    if (d.sent.length > 100) d.take();
  }
  assert.ok(totalDrops(ifc.counters) > N / 2, 'most mutated frames are dropped');
  assert.is(ifc.counters.rxFrames, N + 1);
  assert.ok(hexOf(US_MAC).length === 12);
});

test.run();
