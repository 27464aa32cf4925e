// Bundled by test/drivers-espruino.test.ts and run in the real Espruino interpreter: the ENC28J60
// driver over its register-level chip model (host-sim/chips/enc28j60.ts), an Interface on top,
// pinged by a plain Interface through the model, payloads 0..1472. Checks, in the interpreter
// itself, what the zero-copy path relies on: each received frame reaches the Interface as the
// SPI transfer's own array at an even byte offset (the native checksum's alignment), frames go
// out from the driver's txBuf, and every reply is byte-exact. Prints `RESULT {...}` and quits.
import { Interface } from '../../firmware/iface/interface.ts';
import { Enc28j60 } from '../../firmware/drivers/enc28j60.ts';
import { Enc28j60Model } from '../../host-sim/chips/enc28j60.ts';
import { checksumDetectNative } from '../../firmware/wire/checksum.ts';
import { pinger } from './espruino-pinger.ts';

declare const quit: () => void;
declare const print: (s: string) => void;

const res: any = { native: checksumDetectNative() };
// The model's port: what the chip transmits goes to the peer; the peer's frames arrive by deliver.
const toPeer: Uint8Array[] = [];
let deliver: ((f: Uint8Array) => void) | null = null;
const port = { onFrame: (fn: (f: Uint8Array) => void) => { deliver = fn; }, send: (f: Uint8Array) => { toPeer.push(f); } };
const model = new Enc28j60Model(port as never);
const fromBus: ArrayBuffer[] = [];
const spiSend = model.send.bind(model);
model.send = (d: Uint8Array) => { const r = spiSend(d); fromBus.push(r.buffer as ArrayBuffer); if (fromBus.length > 16) fromBus.shift(); return r; };
const mac = new Uint8Array([2, 0, 0, 0, 0, 2]);
const driver = new Enc28j60(model, mac, { delayMs: (ms: number) => { model.now += ms; } });
const board = new Interface(driver, { ip: 0xc6120002, prefix: 24, random32: () => 7 });
res.txIsDriverBuf = board.tx === driver.txBuf;
res.noRxBuf = board.rx === null;
const offsets: number[] = [];
let notFromBus = 0;
const input = board.input;
board.input = function (buf: Uint8Array, len: number) {
  if (offsets.indexOf(buf.byteOffset) < 0) offsets.push(buf.byteOffset);
  if (fromBus.indexOf(buf.buffer as ArrayBuffer) < 0 || buf.length !== len) notFromBus++;
  input.call(board, buf, len);
};
const peerLink = {
  mac: new Uint8Array([2, 0, 0, 0, 0, 1]),
  send: (f: Uint8Array, len: number) => { if (deliver) deliver(f.slice(0, len)); return true; },
  recv: (buf: Uint8Array) => { const f = toPeer.shift(); if (!f) return 0; buf.set(f, 0); return f.length; },
  link: () => true,
};
const peer = new Interface(peerLink, { ip: 0xc6120001, prefix: 24, random32: () => 9 });
const pings = pinger(peer);
const sizes = [0, 1, 56, 1000, 1472];
let now = 0;
for (let k = 0; k < sizes.length; k++) {
  pings.send(0xc6120002, k, sizes[k]);
  for (let r = 0; r < 6; r++) {
    now += 1;
    model.now = now;
    board.poll(now);
    peer.poll(now);
  }
}
res.replies = pings.replies;
res.okBytes = pings.okBytes;
res.offsets = offsets;
res.notFromBus = notFromBus;
res.drops = board.counters.dropIpChecksum + board.counters.dropIcmpChecksum + peer.counters.dropIpChecksum + peer.counters.dropIcmpChecksum;
print('RESULT ' + JSON.stringify(res));
quit();
