// End to end on the virtual segment: two stacks exchange 1 MiB each way at once through the
// net API, with initial sequence numbers just below 2^32 (the stream wraps), clean and under
// 5% loss, 25% reordering, 5% duplication and 1% corruption; every byte arrives once, in
// order, intact, and both ends reach CLOSED. Again with the stack from the built bundle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createStack as createStackSrc, type Stack } from '../firmware/stack.ts';
import '../firmware/apps/register.ts';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { FaultInjector, type FaultConfig } from '../host-sim/faults.ts';
import { SimHost, SimNic } from '../host-sim/nic.ts';
import { join } from 'node:path';
import { loadBundle } from './helpers/bundle.ts';
import { check, pump } from './helpers/streams.ts';

const MiB = 1 << 20;

interface Result { aGot: number; bGot: number; aBad: number; bBad: number; aState: string; bState: string; virtualMs: number; aClosed: boolean; bClosed: boolean; retransmits: number }

function exchange(createStack: typeof createStackSrc, faults: FaultConfig | null, seed = 1, startMs = 0): Result {
  const clock = new VirtualClock();
  clock.now = startMs;
  const seg = new Segment(clock, 0.5);
  const pa = seg.attach('A'), pb = seg.attach('B');
  if (faults) { pa.ingress = new FaultInjector(clock, faults, seed); pb.ingress = new FaultInjector(clock, faults, seed + 100); }
  // A receives as the chip drivers do (fresh frames its TCP may hold), B by copying (recv).
  const nicA = new SimNic(pa, [2, 0, 0, 0, 0, 1], 256, true), nicB = new SimNic(pb, [2, 0, 0, 0, 0, 2], 256);
  let ra = 11, rb = 22;
  const tcpCfg = { sndBuf: 8192, rcvBuf: 8192, mslMs: 1000 };
  const A: Stack = createStack(nicA, { ip: '198.18.0.1/24', apps: false, random32: () => (ra = (ra * 1103515245 + 12345) >>> 0), tcp: { ...tcpCfg, isn: () => 0xfffff000 } });
  const B: Stack = createStack(nicB, { ip: '198.18.0.2/24', apps: false, random32: () => (rb = (rb * 1103515245 + 12345) >>> 0), tcp: { ...tcpCfg, isn: () => 0xffffe000 } });
  const hostA = new SimHost(clock, A, nicA), hostB = new SimHost(clock, B, nicB);
  const r: Result = { aGot: 0, bGot: 0, aBad: 0, bBad: 0, aState: '', bState: '', virtualMs: 0, aClosed: false, bClosed: false, retransmits: 0 };
  // Each side sends 1 MiB in chunks as the send buffer drains, checks what it receives, and
  // ends after its own data; the connection closes when both have ended.
  let ca = { got: 0, bad: 0 }, cb = { got: 0, bad: 0 };
  B.net.createServer((s: any) => { cb = check(s, 0xa1); pump(s, { seed: 0xb2, size: MiB }, () => hostB.kick()); s.on('close', () => { r.bClosed = true; }); }).listen(5001);
  clock.runFor(5);
  const c = A.net.connect({ host: '198.18.0.2', port: 5001 }) as any;
  c.on('connect', () => pump(c, { seed: 0xa1, size: MiB }, () => hostA.kick()));
  ca = check(c, 0xb2);
  c.on('close', () => { r.aClosed = true; });
  c.on('error', (e: Error) => { throw e; });
  hostA.kick();
  clock.runUntilTrue(() => r.aClosed && r.bClosed && A.tcp.conns.length === 0 && B.tcp.conns.length === 0, 3_600_000);
  r.aGot = ca.got; r.aBad = ca.bad; r.bGot = cb.got; r.bBad = cb.bad;
  r.virtualMs = clock.now - startMs;
  r.aState = String(A.tcp.conns.length);
  r.bState = String(B.tcp.conns.length);
  r.retransmits = A.tcp.counters.retransmits + B.tcp.counters.retransmits;
  hostA.stop(); hostB.stop();
  return r;
}

function verify(r: Result): void {
  assert.is(r.aGot, MiB, 'A received 1 MiB');
  assert.is(r.bGot, MiB, 'B received 1 MiB');
  assert.is(r.aBad + r.bBad, 0, 'no corrupted or misordered chunk');
  assert.ok(r.aClosed && r.bClosed, 'both sockets closed');
  assert.is(r.aState, '0', 'A reached CLOSED (TIME-WAIT over)');
  assert.is(r.bState, '0', 'B reached CLOSED');
}

test('1 MiB each way, clean, sequence numbers wrapping past 2^32', () => {
  const r = exchange(createStackSrc, null);
  verify(r);
  assert.is(r.retransmits, 0);
});

test('1 MiB each way under 5% loss, 25% reordering, 5% duplication, 1% corruption', () => {
  const r = exchange(createStackSrc, { loss: 0.05, reorder: 0.25, reorderDelayMs: 3, duplicate: 0.05, corrupt: 0.01 }, 7);
  verify(r);
  assert.ok(r.retransmits > 0);
});

test('under faults while the clock crosses 2^32 ms (the TCB keeps times modulo 2^32)', () => {
  const r = exchange(createStackSrc, { loss: 0.05, reorder: 0.25, reorderDelayMs: 3, duplicate: 0.05, corrupt: 0.01 }, 11, 2 ** 32 - 3000);
  verify(r);
  assert.ok(r.retransmits > 0);
  assert.ok(r.virtualMs > 3000, `the run lasted ${r.virtualMs} ms, past the wrap`);
});

test('the same through the built bundle, clean and with faults', () => {
  const synack = loadBundle();
  verify(exchange(synack.createStack, null));
  verify(exchange(synack.createStack, { loss: 0.05, reorder: 0.25, duplicate: 0.05, corrupt: 0.01 }, 3));
});

test('the same through each board bundle (internal names shortened), with faults', () => {
  for (const chip of ['enc28j60', 'w5500']) {
    const synack = loadBundle(join(import.meta.dirname, '..', 'dist', `synack-${chip}.js`));
    verify(exchange(synack.createStack, { loss: 0.05, reorder: 0.25, duplicate: 0.05, corrupt: 0.01 }, 5));
  }
});

test.run();
