// The W5500 driver in MACRAW mode against the register-level chip model: initialisation, frames
// both ways byte-exact, the receive ring's wraparound (the length header split across the end
// too), every fault hook (the fault happens, the driver recovers, the board answers again within
// a second of virtual time), chip absent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { W5500 } from '../firmware/drivers/w5500.ts';
import { W5500Model, Sn_MR, Sn_SR, Sn_IR, Sn_IMR, Sn_RXBUF_SIZE, Sn_TXBUF_SIZE, SHAR, SOCK_MACRAW, MR_MACRAW, MR_MFEN, IMR, SIMR, IR_RECV, IR_SEND_OK } from '../host-sim/chips/w5500.ts';
import { chipWorld, BOARD_MAC } from './helpers/chip-world.ts';
import { sharedFaultTests } from './helpers/chip-faults.ts';
import { zeroCopyTests } from './helpers/chip-zero-copy.ts';

test('init: MACRAW on socket 0 with the MAC filter, 16 KB each way, MAC address programmed', () => {
  const model = new W5500Model(null);
  new W5500(model, BOARD_MAC);
  const s0 = model.sockets[0];
  assert.is(s0[Sn_SR], SOCK_MACRAW);
  assert.is(s0[Sn_MR], MR_MACRAW | MR_MFEN);
  assert.is(s0[Sn_RXBUF_SIZE], 16);
  assert.is(s0[Sn_TXBUF_SIZE], 16);
  for (let n = 1; n < 8; n++) assert.is(model.sockets[n][Sn_RXBUF_SIZE] + model.sockets[n][Sn_TXBUF_SIZE], 0);
  assert.equal([...model.common.subarray(SHAR, SHAR + 6)], [...BOARD_MAC]);
});

test('chip absent: MISO stuck high or low gives one clear error naming the wiring, no hang', () => {
  for (const v of [0xff, 0x00]) {
    const model = new W5500Model(null);
    model.faults.absent = v;
    let msg = '';
    try { new W5500(model, BOARD_MAC); } catch (e) { msg = (e as Error).message; }
    assert.match(msg, /W5500 not found \(VERSIONR reads 0x(ff|00), expected 0x04\): check the wiring of CS, SCK, MOSI, MISO/);
    assert.ok(model.stats.spiTransactions < 10);
  }
});

test('ping through the driver and the model: 0, 1, 56, 1000, 1472 bytes byte-exact', () => {
  const w = chipWorld('w5500');
  for (const n of [0, 1, 56, 1000, 1472]) assert.ok(w.ping(n), `ping ${n}`);
});

test('receive ring wraps many times, every frame byte-exact', () => {
  const w = chipWorld('w5500');
  for (let i = 0; i < 120; i++) assert.ok(w.ping(700 + (i * 37) % 777), `ping ${i}`);
  assert.ok(w.w5.stats.rxFrames >= 120); // about 130 KB through a 16 KB ring
});

test('a length header split across the end of the ring, and a frame wrapping it', () => {
  const model = new W5500Model(null);
  const drv = new W5500(model, BOARD_MAC);
  // Both pointers one byte before the end: the header's first byte is the ring's last.
  const s0 = model.sockets[0];
  for (const reg of [0x28, 0x2a]) { s0[reg] = 16383 >> 8; s0[reg + 1] = 16383 & 255; }
  const frame = new Uint8Array(300);
  frame.set(BOARD_MAC, 0); frame[12] = 0x88; frame[13] = 0xb5;
  for (let i = 14; i < 300; i++) frame[i] = i & 255;
  (model as unknown as { receive(f: Uint8Array): void }).receive(frame);
  assert.is(model.rx[0][16383], 302 >> 8);
  assert.is(model.rx[0][0], 302 & 255);
  const got = drv.recvFrame();
  assert.ok(got);
  assert.equal([...got!], [...frame]);
  assert.is(got!.byteOffset % 2, 0);
  assert.is(drv.recvFrame(), null);
});

test('the MAC filter: frames for another station are not received', () => {
  const w = chipWorld('w5500');
  const other = new Uint8Array(60);
  other.set([2, 0, 0, 0, 0, 0x99], 0); other[12] = 0x88; other[13] = 0xb5;
  w.seg.attach('x').send(other);
  w.clock.runFor(5);
  assert.is(w.w5.stats.rxDropped, 1);
});

test('fault: receive overflow drops frames, then frames flow again', () => {
  const w = chipWorld('w5500');
  assert.ok(w.ping(10));
  w.w5.faults.overflowFrames = 3;
  assert.not.ok(w.ping(10, 300));
  const start = w.clock.now;
  let ok = false;
  while (!ok && w.clock.now - start < 1000) ok = w.ping(10, 200);
  assert.ok(ok);
});

test('fault: transmit timeout is cleared and the next frame goes', () => {
  const w = chipWorld('w5500');
  assert.ok(w.ping(10));
  w.w5.faults.txTimeoutNext = true;
  assert.not.ok(w.ping(10, 300));
  assert.ok(w.ping(10));
  assert.is((w.chip.driver as W5500).stats.txTimeouts, 1);
});

test('fault: the socket leaves MACRAW behind the driver: reopened within a second', () => {
  const w = chipWorld('w5500');
  assert.ok(w.ping(10));
  w.w5.closeSocket(0);
  const start = w.clock.now;
  let ok = false;
  while (!ok && w.clock.now - start < 1500) ok = w.ping(10, 200);
  assert.ok(ok);
  assert.ok((w.chip.driver as W5500).stats.reopens >= 1);
});

// ---- the INTn pin, for a board that polls on its falling edge ----

function frameFor(n: number): Uint8Array {
  const f = new Uint8Array(60);
  f.set(BOARD_MAC, 0); f.set([2, 0, 0, 0, 0, 1], 6); f[12] = 0x88; f[13] = 0xb5; f[14] = n;
  return f;
}
const arrive = (model: W5500Model, f: Uint8Array) => (model as unknown as { receive(f: Uint8Array): void }).receive(f);

test('INTn: socket 0 RECV only (SIMR, Sn_IMR; IMR off); low when a frame arrives, released by the clear of RECV', () => {
  const model = new W5500Model(null);
  const drv = new W5500(model, BOARD_MAC);
  assert.is(model.common[IMR], 0);
  assert.is(model.common[SIMR], 0x01);
  assert.is(model.sockets[0][Sn_IMR], IR_RECV, 'SEND_OK and TIMEOUT masked (Sn_IMR resets to 0xFF)');
  assert.is(model.int.low, false);
  arrive(model, frameFor(1));
  assert.is(model.int.low, true);
  assert.is(model.int.falls, 1, 'one falling edge: the board wakes');
  arrive(model, frameFor(2));
  assert.is(model.int.falls, 1, 'RECV already set: no new edge');
  assert.is(drv.recvFrame()![14], 1);
  assert.is(model.sockets[0][Sn_IR] & IR_RECV, 0, 'RECV cleared (write 1 to clear) ...');
  assert.is(model.int.low, false, '... so INTn is released');
  arrive(model, frameFor(3)); // arrives during the drain
  assert.is(model.int.falls, 2, 'a frame arriving while others wait makes a new edge: RECV was cleared');
  assert.is(drv.recvFrame()![14], 2);
  assert.is(drv.recvFrame()![14], 3);
  assert.is(drv.recvFrame(), null);
  assert.is(model.int.low, false, 'nothing waiting, INTn released');
  arrive(model, frameFor(4));
  assert.is(model.int.falls, 3);
  assert.is(drv.recvFrame()![14], 4);
});

test('INTn: RECV is cleared before the size is read, so a frame landing between the two still pulls INTn low', () => {
  const model = new W5500Model(null);
  const drv = new W5500(model, BOARD_MAC);
  arrive(model, frameFor(1));
  assert.is(drv.recvFrame()![14], 1);
  // The next frame lands just after the driver's clear of RECV and before its read of RX_RSR.
  const spi = model.send.bind(model);
  let landed = false;
  model.send = (d: Uint8Array) => {
    const r = spi(d);
    if (!landed && d[2] === (0x08 | 0x04) && d[1] === Sn_IR) { landed = true; arrive(model, frameFor(2)); }
    return r;
  };
  assert.is(drv.recvFrame()![14], 2, 'seen by this call ...');
  assert.ok(landed);
  assert.is(model.int.falls, 2, '... and its edge made all the same (a wake for an empty poll at worst, never a frame left with INTn low)');
  assert.is(drv.recvFrame(), null);
  assert.is(model.int.low, false, 'released: the next frame makes the next edge');
});

test('INTn: sending does not assert it (SEND_OK masked, cleared by send itself)', () => {
  const model = new W5500Model(null);
  const drv = new W5500(model, BOARD_MAC);
  assert.ok(drv.send(frameFor(0), 60));
  assert.is(model.sockets[0][Sn_IR] & IR_SEND_OK, 0);
  assert.is(model.int.falls, 0);
});

test('INTn in the simulated board: SimHost polls on the falling edge alone, and pings are answered at once', () => {
  const w = chipWorld('w5500');
  assert.ok(w.ping(10));
  w.clock.runFor(5000);
  const falls = w.w5.int.falls, t0 = w.clock.now;
  assert.ok(w.ping(56, 5));
  assert.ok(w.clock.now - t0 < 2, `answered after ${w.clock.now - t0} ms of virtual time`);
  assert.is(w.w5.int.falls, falls + 1, 'woken by one edge');
});

sharedFaultTests('w5500');
zeroCopyTests('w5500');

test.run();
