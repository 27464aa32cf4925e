// Zero-copy frames through a chip driver, tested the same way for each: a received frame reaches
// the interface as the SPI transfer's own array (no copy into a receive buffer, which the
// interface then does not have), at an even byte offset (the native checksum's alignment); the
// interface builds its frames in the driver's txBuf, sent in place, while frames built elsewhere
// (ARP replies) are still copied in and sent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chipWorld } from './chip-world.ts';
import type { ChipKind } from '../../host-sim/chips/attach.ts';

export function zeroCopyTests(kind: ChipKind): void {
  test(`${kind}: frames are received as the bus's own arrays and sent from the driver's txBuf`, () => {
    const w = chipWorld(kind);
    const d = w.chip.driver;
    assert.ok(d.txBuf && d.recvFrame, 'the driver offers both');
    assert.is(w.board.tx, d.txBuf, 'the interface builds its frames in txBuf');
    assert.is(w.board.rx, null, 'and has no receive buffer of its own');
    assert.is(d.txBuf!.byteOffset % 2, 0);
    const model = w.chip.model as unknown as { send(b: Uint8Array): Uint8Array };
    const fromBus: ArrayBufferLike[] = [];
    const send = model.send.bind(model);
    model.send = (b: Uint8Array) => { const r = send(b); fromBus.push(r.buffer); return r; };
    const seen: { fromBus: boolean; offset: number; len: number; bufLen: number }[] = [];
    const input = w.board.input.bind(w.board);
    w.board.input = (buf: Uint8Array, len: number) => { seen.push({ fromBus: fromBus.includes(buf.buffer), offset: buf.byteOffset, len, bufLen: buf.length }); input(buf, len); };
    for (const n of [0, 1, 57, 1472]) assert.ok(w.ping(n), `ping ${n} answered byte-exact`);
    const pings = seen.filter((s) => s.len >= 42);
    assert.ok(pings.length >= 4);
    for (const s of seen) {
      assert.ok(s.fromBus, 'the frame is the array the bus returned');
      assert.is(s.offset % 2, 0, 'at an even offset');
      assert.is(s.bufLen, s.len, 'of exactly its length');
    }
    assert.ok(seen.some((s) => s.len === 14 + 20 + 8 + 1472));
  });
}
