// The faults both chip models share, tested the same way for each driver: a link flap, SPI reads
// corrupted for a while, the chip gone and back. Each chip's suite calls this once; its own
// faults (ENC28J60 errata, W5500 socket states) stay in its suite.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chipWorld } from './chip-world.ts';
import type { ChipKind } from '../../host-sim/chips/attach.ts';

/** What both models offer for these faults. */
interface SharedFaults { faults: { corruptReads: number; absent: number | null }; setLink(up: boolean): void }

export function sharedFaultTests(kind: ChipKind): void {
  const world = () => { const w = chipWorld(kind); return { w, model: w.chip.model as unknown as SharedFaults }; };

  test(`${kind} fault: link flap is reported by link() and traffic resumes`, () => {
    const { w, model } = world();
    assert.ok(w.chip.driver.link());
    model.setLink(false);
    w.clock.runFor(1500);
    assert.not.ok(w.chip.driver.link());
    assert.not.ok(w.ping(10, 300));
    model.setLink(true);
    w.clock.runFor(1100);
    assert.ok(w.chip.driver.link());
    assert.ok(w.ping(10));
  });

  test(`${kind} fault: corrupted SPI reads are survived: the board answers again within 1.5 s`, () => {
    const { w, model } = world();
    assert.ok(w.ping(10));
    model.faults.corruptReads = 20;
    const start = w.clock.now;
    for (let i = 0; i < 5; i++) w.ping(100, 100);
    model.faults.corruptReads = 0;
    let ok = false;
    while (!ok && w.clock.now - start < 1500) ok = w.ping(56, 200);
    assert.ok(ok);
  });

  test(`${kind} fault: chip absent after init: no hang, nothing received, recovers when back`, () => {
    const { w, model } = world();
    model.faults.absent = 0xff;
    // 0xff everywhere: an impossible header makes the driver reset its receiver, never loop.
    assert.is(w.chip.driver.recvFrame!(), null);
    assert.not.ok(w.ping(10, 300));
    model.faults.absent = null;
    let ok = false;
    for (let i = 0; i < 10 && !ok; i++) ok = w.ping(10, 200);
    assert.ok(ok);
  });
}
