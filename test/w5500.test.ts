// The W5500 driver in MACRAW mode against the register-level chip model: initialisation, frames
// both ways byte-exact, the receive ring's wraparound (the length header split across the end
// too), every fault hook (the fault happens, the driver recovers, the board answers again within
// a second of virtual time), chip absent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { W5500 } from '../firmware/drivers/w5500.ts';
import { W5500Model, Sn_MR, Sn_SR, Sn_RXBUF_SIZE, Sn_TXBUF_SIZE, SHAR, SOCK_MACRAW, MR_MACRAW, MR_MFEN } from '../host-sim/chips/w5500.ts';
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

sharedFaultTests('w5500');
zeroCopyTests('w5500');

test.run();
