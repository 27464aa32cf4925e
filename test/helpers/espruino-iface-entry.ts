// Bundled by test/iface-espruino.test.ts and run in the real Espruino interpreter: the checksum's
// native path against a plain reference, and two Interfaces pinging each other over an in-memory
// link, payloads 0..1472. Prints one JSON line `RESULT {...}` and quits.
import { Interface } from '../../firmware/iface/interface.ts';
import { checksum, checksumDetectNative } from '../../firmware/wire/checksum.ts';
import { pinger } from './espruino-pinger.ts';

declare const quit: () => void;
declare const print: (s: string) => void;
declare const process: any;
declare function getTime(): number;

function ref(b: Uint8Array, off: number, len: number): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += (i & 1) ? b[off + i] : b[off + i] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

class Link {
  mac: Uint8Array;
  q: Uint8Array[];
  peer: Link | null;
  constructor(last: number) {
    this.mac = new Uint8Array([2, 0, 0, 0, 0, last]);
    this.q = [];
    this.peer = null;
  }
  send(f: Uint8Array, len: number): boolean {
    if (this.peer) this.peer.q.push(f.slice(0, len));
    return true;
  }
  recv(buf: Uint8Array): number {
    const f = this.q.shift();
    if (!f) return 0;
    buf.set(f, 0);
    return f.length;
  }
  link(): boolean { return true; }
}

const res: any = {};
res.native = checksumDetectNative();
const data = new Uint8Array(1600);
for (let i = 0; i < data.length; i++) data[i] = (i * 7919 + 13) & 255;
let bad = 0;
const lens = [0, 1, 2, 3, 19, 20, 21, 1499, 1500, 1501];
for (let k = 0; k < lens.length; k++) {
  for (let off = 0; off < 4; off++) {
    if (checksum(data, off, lens[k]) !== ref(data, off, lens[k])) bad++;
  }
}
res.checksumMismatches = bad;
let t0 = getTime();
for (let i = 0; i < 100; i++) checksum(data, 0, 1460);
res.msPerChecksum1460 = (getTime() - t0) * 10;

const m0 = process.memory().usage;
const la = new Link(1);
const lb = new Link(2);
la.peer = lb;
lb.peer = la;
const A = 0xc6120001, B = 0xc6120002;
const a = new Interface(la, { ip: A, prefix: 24, gateway: 0, random32: () => 1 });
res.blocksInterface = process.memory().usage - m0;
const b = new Interface(lb, { ip: B, prefix: 24, gateway: 0, random32: () => 2 });
const pings = pinger(a);
const sizes = [0, 1, 56, 1000, 1472];
let now = 0;
t0 = getTime();
for (let k = 0; k < sizes.length; k++) {
  pings.send(B, k, sizes[k]);
  for (let r = 0; r < 4; r++) {
    now += 1;
    b.poll(now);
    a.poll(now);
  }
}
res.msPings = (getTime() - t0) * 1000;
res.replies = pings.replies.slice();
// 20 round trips of a 56-byte ping (A sends, B answers, A takes the reply): host ms each.
t0 = getTime();
for (let k = 0; k < 20; k++) {
  pings.send(B, k, 56);
  now += 1;
  b.poll(now);
  a.poll(now);
}
res.msPerPing56 = (getTime() - t0) * 1000 / 20;
res.pings56 = pings.replies.length - 5;
res.okBytes = pings.okBytes;
res.dropsA = a.counters.dropIpChecksum + a.counters.dropIcmpChecksum;
res.echoB = b.counters.icmpEchoTx;
print('RESULT ' + JSON.stringify(res));
quit();
