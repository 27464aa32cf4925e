// The ENC28J60 driver against the register-level chip model: initialisation, frames both ways,
// the receive ring's wraparound, every erratum workaround, every fault hook (the fault happens,
// the driver recovers, the board answers again within a second of virtual time), chip absent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Enc28j60 } from '../firmware/drivers/enc28j60.ts';
import { Enc28j60Model, ECON1, ERXFCON, EIE, EIE_INTIE, EIE_PKTIE, EIR, EIR_PKTIF, MACON3, ERXSTL, ERXSTH, ERXRDPTL, ECON1_RXEN, ERXFCON_UCEN, ERXFCON_BCEN } from '../host-sim/chips/enc28j60.ts';
import { chipWorld, BOARD_MAC } from './helpers/chip-world.ts';
import { sharedFaultTests } from './helpers/chip-faults.ts';
import { zeroCopyTests } from './helpers/chip-zero-copy.ts';

function freshDriver(opts: { fullDuplex?: boolean } = {}) {
  const model = new Enc28j60Model(null);
  const driver = new Enc28j60(model, BOARD_MAC, { delayMs: (ms) => { model.now += ms; }, ...opts });
  return { model, driver };
}

test('init: ring at 0 (erratum #5), odd ERXRDPT (#14), MAC address, filters, full duplex, receive on', () => {
  const { model } = freshDriver();
  const b0 = model.banks[0];
  assert.is(b0[ERXSTL] | (b0[ERXSTH] << 8), 0);
  assert.is((b0[ERXRDPTL] & 1), 1);
  assert.equal([...model.mac()], [...BOARD_MAC]);
  assert.is(model.banks[1][ERXFCON], 0xa1);
  assert.is(model.banks[2][MACON3] & 1, 1);
  assert.ok(model.banks[0][ECON1] & ECON1_RXEN);
  assert.is(model.stats.writesWhileClockStopped, 0, 'waited after the reset (erratum #2)');
});

test('erratum #2: without the wait after reset the chip ignores the SPI and init fails clearly', () => {
  const model = new Enc28j60Model(null);
  assert.throws(() => new Enc28j60(model, BOARD_MAC, { delayMs: () => {} }), /ENC28J60 not found/);
  assert.ok(model.stats.writesWhileClockStopped > 0);
});

test('chip absent: MISO stuck high or low gives one clear error naming the wiring, no hang', () => {
  for (const v of [0xff, 0x00]) {
    const model = new Enc28j60Model(null);
    model.faults.absent = v;
    let msg = '';
    try { new Enc28j60(model, BOARD_MAC, { delayMs: (ms) => { model.now += ms; } }); } catch (e) { msg = (e as Error).message; }
    assert.match(msg, /ENC28J60 not found \(revision register reads 0x(ff|00)\): check the wiring of CS, SCK, MOSI \(SI\), MISO \(SO\)/);
    assert.ok(model.stats.spiTransactions < 10, 'gave up at once');
  }
});

test('ping through the driver and the model: 0, 1, 56, 1000, 1472 bytes byte-exact', () => {
  const w = chipWorld('enc28j60');
  for (const n of [0, 1, 56, 1000, 1472]) assert.ok(w.ping(n), `ping ${n}`);
  assert.is(w.enc.stats.ringCorruptions, 0);
  assert.is(w.enc.stats.dmaCorruptions, 0, 'erratum #15: no DMA checksum while receiving');
});

test('receive ring wraps many times, every frame byte-exact', () => {
  const w = chipWorld('enc28j60');
  for (let i = 0; i < 60; i++) assert.ok(w.ping(1000 + (i % 7) * 67), `ping ${i}`);
  // 60 requests of ~1.1 KB through a 6.6 KB ring: it wrapped about ten times.
  assert.ok(w.enc.stats.rxFrames >= 60);
  assert.is((w.chip.driver as Enc28j60).stats.rxResets, 0);
});

test('erratum #6: a packet is read even when EIR.PKTIF reads clear', () => {
  const w = chipWorld('enc28j60');
  assert.ok(w.ping(10));
  const model = w.enc;
  const origSend = model.send.bind(model);
  // From now on the flag never shows: the driver must go by EPKTCNT.
  model.send = (d: Uint8Array) => { const r = origSend(d); for (const b of model.banks) b[EIR] &= ~EIR_PKTIF; return r; };
  assert.ok(w.ping(100));
});

test('erratum #14: the model corrupts the ring after an even ERXRDPT (why the driver writes odd)', () => {
  const w = chipWorld('enc28j60');
  const model = w.enc;
  assert.ok(w.ping(10)); // the write pointer is past 0010h now
  // Write an even ERXRDPT behind the driver's back: select bank 0, WCR, restore the bank.
  const bank = model.banks[0][ECON1] & 3;
  model.send(new Uint8Array([0xa0 | 0x1f, 0x03])); // BFC ECON1 bank bits
  model.send(new Uint8Array([0x40 | 0x0c, 0x10])); // WCR ERXRDPTL (even)
  model.send(new Uint8Array([0x40 | 0x0d, 0x00])); // WCR ERXRDPTH
  if (bank) model.send(new Uint8Array([0x80 | 0x1f, bank])); // BFS ECON1 bank bits
  w.ping(10, 200);
  assert.ok(model.stats.ringCorruptions > 0);
  // The driver notices the impossible next-packet pointer, resets the receiver, and recovers.
  for (let i = 0; i < 3 && !w.ping(10); i++) { /* a ping or two lost to the reset */ }
  assert.ok((w.chip.driver as Enc28j60).stats.rxResets >= 1);
  assert.ok(w.ping(56), 'answers again');
});

test('errata #10/#12: a stalled transmitter is reset and the board answers again within a second', () => {
  const w = chipWorld('enc28j60');
  assert.ok(w.ping(10));
  w.enc.faults.stallNextTx = true;
  const start = w.clock.now;
  let ok = false;
  while (!ok && w.clock.now - start < 1000) ok = w.ping(10, 200);
  assert.ok(ok);
  assert.ok((w.chip.driver as Enc28j60).stats.txStalls >= 1);
});

test('erratum #13: after a late collision (half duplex) the frame is sent again', () => {
  const { model, driver } = freshDriver({ fullDuplex: false });
  const frame = new Uint8Array(60); frame.fill(0xff, 0, 6); frame[12] = 0x88; frame[13] = 0xb5;
  model.faults.lateCollisionNextTx = true;
  assert.ok(driver.send(frame, 60));
  assert.is(model.stats.txFrames, 0, 'the collision lost it');
  driver.service(0);
  assert.is(driver.stats.txRetries, 1);
  assert.is(model.stats.txFrames, 1, 'sent again');
});

test('fault: receive overflow drops frames, then frames flow again', () => {
  const w = chipWorld('enc28j60');
  assert.ok(w.ping(10));
  w.enc.faults.overflowFrames = 3;
  assert.not.ok(w.ping(10, 300));
  const start = w.clock.now;
  let ok = false;
  while (!ok && w.clock.now - start < 1000) ok = w.ping(10, 200);
  assert.ok(ok);
  w.clock.runFor(50);
  assert.ok((w.chip.driver as Enc28j60).stats.rxOverflows >= 1);
});

// ---- the INT pin (datasheet 12.0), for a board that polls on its falling edge ----

/** A frame for the board's MAC, its payload marked with n. */
function frameFor(n: number): Uint8Array {
  const f = new Uint8Array(60);
  f.set(BOARD_MAC, 0); f.set([2, 0, 0, 0, 0, 1], 6); f[12] = 0x88; f[13] = 0xb5; f[14] = n;
  return f;
}
const arrive = (model: Enc28j60Model, f: Uint8Array) => (model as unknown as { receive(f: Uint8Array): void }).receive(f);

test('INT: the driver enables INTIE|PKTIE; INT falls when a frame arrives and rises once recvFrame has drained every frame', () => {
  const { model, driver } = freshDriver();
  assert.is(model.banks[0][EIE], EIE_INTIE | EIE_PKTIE, 'only the receive interrupt drives INT');
  assert.is(model.int.low, false, 'released (high) with nothing received');
  arrive(model, frameFor(1));
  assert.is(model.int.low, true);
  assert.is(model.int.falls, 1, 'one falling edge: the board wakes');
  arrive(model, frameFor(2));
  assert.is(model.int.falls, 1, 'a frame arriving while another waits makes no new edge: INT is already low');
  assert.is(driver.recvFrame()![14], 1);
  assert.is(model.int.low, true, 'frame 2 still waits: INT stays low (PKTIF, EPKTCNT = 1)');
  arrive(model, frameFor(3)); // arrives during the drain
  assert.is(driver.recvFrame()![14], 2);
  assert.is(driver.recvFrame()![14], 3, 'drained until empty, the frame that came during the drain too');
  assert.is(model.int.low, false, 'released when the last PKTDEC brought EPKTCNT to 0 (PKTIF clears)');
  assert.is(driver.recvFrame(), null);
  assert.is(model.int.low, false);
  arrive(model, frameFor(4));
  assert.is(model.int.falls, 2, 'the next frame makes the next edge');
  assert.is(driver.recvFrame()![14], 4);
});

test('INT: a transmission does not touch INT (TXIF is not enabled)', () => {
  const { model, driver } = freshDriver();
  assert.ok(driver.send(frameFor(0), 60));
  driver.service(0);
  assert.is(model.int.falls, 0);
  assert.is(model.int.low, false);
});

test('INT re-armed when recvFrame gives up with frames waiting: four bad frames, then a good one: a new falling edge', () => {
  const { model, driver } = freshDriver();
  // Frames with a bad CRC reach the ring only without the CRC filter (ERXFCON.CRCEN).
  model.banks[1][ERXFCON] = ERXFCON_UCEN | ERXFCON_BCEN;
  for (let i = 0; i < 4; i++) { model.faults.crcErrorNext = true; arrive(model, frameFor(10 + i)); }
  arrive(model, frameFor(20));
  assert.is(model.int.falls, 1);
  assert.is(driver.recvFrame(), null, 'four bad frames per call at most');
  assert.is(driver.stats.rxErrors, 4);
  assert.is(model.int.falls, 2, 'INTIE cleared and set again with PKTIF pending: a new falling edge, so the board polls again');
  assert.is(driver.recvFrame()![14], 20);
  assert.is(driver.recvFrame(), null);
  assert.is(model.int.low, false);
  assert.is(model.int.falls, 2, 'an empty ring makes no edge');
});

test('INT in the simulated board: SimHost polls on the falling edge alone, and pings are answered at once', () => {
  const w = chipWorld('enc28j60');
  assert.ok(w.ping(10));
  w.clock.runFor(5000); // idle: the board sleeps up to its 1000 ms idle poll
  const falls = w.enc.int.falls, t0 = w.clock.now;
  assert.ok(w.ping(56, 5));
  assert.ok(w.clock.now - t0 < 2, `answered after ${w.clock.now - t0} ms of virtual time`);
  assert.is(w.enc.int.falls, falls + 1, 'woken by one edge');
});

sharedFaultTests('enc28j60');
zeroCopyTests('enc28j60');

test.run();
