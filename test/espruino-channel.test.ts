// The frame channel's driver (host-sim/espruino/boot.ts DRIVER) in the interpreter at the Pico
// layout, without the stack: the simulator's records in in/rG.K, read the way Interface.drain
// reads a driver (recvFrame if it has one, else recv into the stack's one buffer).
//
//   simulator                         driver (interpreter)            stack
//   in/r7.0: [60 B][1514 B][FFFF]  -> recv(buf) = 60, 1514          buf (allocated once)
//   in/r7.1: [100 B][len, half]    -> recv(buf) = 100, then 0 (the record is not complete)
//
// And the OUT OF MEMORY the interpreter fuzz met once in this driver (most blocks in use 4,988 of
// 5,100): a full-size frame must be received with fewer blocks free than a new 1514-byte array
// takes (about 131), since the frame comes in when memory is at its peak (and the stack goes on
// reading frames down to half its reserve, 200 blocks free). Needs ESPRUINO
// (skipped otherwise).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DRIVER } from '../host-sim/espruino/boot.ts';
import { espruinoPath, runEspruino, skipReason } from './helpers/espruino.ts';
import { crc32 } from '../tools/flash.ts';

const bin = espruinoPath();

/** A frame of `len` bytes, its bytes from `seed`. */
function frame(len: number, seed: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = (seed * 31 + i * 7 + (i >> 8)) & 255;
  return b;
}
function record(f: Buffer): Buffer { return Buffer.concat([Buffer.from([f.length >> 8, f.length & 255]), f]); }
const NEXT_FILE = Buffer.from([0xff, 0xff]);

/** A scratch directory with the channel's in/ and out/ and the given input files. */
function channelDir(files: Record<string, Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'synack-channel-'));
  mkdirSync(join(dir, 'in'));
  mkdirSync(join(dir, 'out'));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return dir;
}

/** The driver, generation 7, its output open, and the stack's side: one receive buffer and the
 *  call Interface.drain makes. */
const SETUP = DRIVER + `SYNACK_LINK.g = 7; SYNACK_LINK.out();
var RX = new Uint8Array(1514), D = SYNACK_LINK;
function take() { var f = D.recvFrame ? D.recvFrame() : null, n = f ? f.length : D.recvFrame ? 0 : D.recv(RX); return n ? [n, E.CRC32(f || new Uint8Array(RX.buffer, 0, n))] : [0, 0]; }
`;

if (!bin) {
  console.log(`espruino-channel: ${skipReason}`);
} else {
  test('frames come out byte for byte, on into the next file, and a record not yet complete is left for later', async () => {
    const a = frame(60, 1), b = frame(1514, 2), c = frame(100, 3);
    const dir = channelDir({
      'in/r7.0': Buffer.concat([record(a), record(b), NEXT_FILE]),
      'in/r7.1': Buffer.concat([record(c), Buffer.from([0x05, 0xea]), frame(700, 4)]), // 1514 announced, 700 there
    });
    try {
      const r = await runEspruino(SETUP + 'print("GOT " + JSON.stringify([take(), take(), take(), take(), take()])); quit();\n', 20000, dir);
      const m = /GOT (\[.*\])/.exec(r.out);
      assert.ok(m, r.out);
      const got = (JSON.parse(m![1]) as number[][]).map(([n, crc]) => [n, crc >>> 0]);
      assert.equal(got, [[60, crc32(a.toString('latin1'))], [1514, crc32(b.toString('latin1'))], [100, crc32(c.toString('latin1'))], [0, 0], [0, 0]]);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  test('with 100 blocks free (fewer than a new 1514-byte array takes), 20 full-size frames are received: no OUT OF MEMORY', async () => {
    // Measured: receiving a full-size frame takes about 75 blocks at its peak (the call, a 128-byte
    // piece, the memory sample); a new array per frame read in 256-byte pieces took about 265.
    const frames = Array.from({ length: 20 }, (_, i) => frame(1514, 10 + i));
    const dir = channelDir({ 'in/r7.0': Buffer.concat(frames.map(record)) });
    try {
      // Ballast: big pieces, then one block at a time, until 100 blocks are free (process.memory
      // collects garbage first).
      const script = SETUP + `var B = [], crcs = new Float64Array(20), free, i, n, f;
while (process.memory().free > 400) B.push(new Uint8Array(200));
while (process.memory().free > 100) B.push(0);
free = process.memory().free;
for (i = 0; i < 20; i++) {
  f = D.recvFrame ? D.recvFrame() : null; n = f ? f.length : D.recvFrame ? 0 : D.recv(RX);
  crcs[i] = n === 1514 ? E.CRC32(f || RX) : -1; f = undefined;
}
B = undefined;
print("FREE " + free + " CRCS " + JSON.stringify([].slice.call(crcs))); quit();
`;
      const r = await runEspruino(script, 30000, dir);
      assert.not.match(r.out, /OUT OF MEMORY/, r.out);
      const m = /FREE (\d+) CRCS (\[.*\])/.exec(r.out);
      assert.ok(m, r.out);
      const free = Number(m![1]);
      assert.ok(free <= 100 && free >= 90, `ballast left ${free} blocks free`);
      assert.equal((JSON.parse(m![2]) as number[]).map((x) => x >>> 0), frames.map((f) => crc32(f.toString('latin1'))));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
}

test.run();
