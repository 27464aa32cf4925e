// Hostile segments with valid checksums, through each board bundle (the product: names shortened,
// helpers inlined by the build). Between two stacks exchanging 512 KiB each way, a stage on the
// link delivers every frame and, for half of the TCP ones, a forged copy right after it: flags
// (SYN, URG, PSH, RST with a sequence number moved off the exact one), an acknowledgment of data
// never sent or long acknowledged, another window, a bad data offset, an urgent pointer, garbage
// options, a truncated or overlong IP length, with the IPv4 and TCP checksums recomputed so the
// forgery reaches the state machine. RFC 9293 3.10.7.4 and RFC 5961 say what each gets (dropped,
// challenge ACK, ACK); none may throw, corrupt the byte stream or end the connection. (Forgeries
// that move the sequence number of data or add a FIN are left out: a stack without
// authentication must accept those, RFC 5961 only narrows the window for them.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment, type LinkStage } from '../host-sim/segment.ts';
import { SimHost, SimNic } from '../host-sim/nic.ts';
import { loadBundle } from './helpers/bundle.ts';
import { csum } from './helpers/frames.ts';
import { check, pump } from './helpers/streams.ts';

const SIZE = 512 * 1024;
const SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20;

/** xorshift32, seeded: the same forgeries every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
}

/** Rewrites the IPv4 header checksum and the TCP checksum (pseudo-header and the segment as the
 *  IP total length gives it, within the frame). */
function fixChecksums(f: Uint8Array): void {
  const ip = 14, ihl = (f[ip] & 15) * 4;
  f[ip + 10] = 0; f[ip + 11] = 0;
  const h = csum(f.subarray(ip, ip + ihl));
  f[ip + 10] = h >>> 8; f[ip + 11] = h & 255;
  const total = Math.min((f[ip + 2] << 8) | f[ip + 3], f.length - ip);
  const t = ip + ihl, len = total - ihl;
  if (len < 18) return;
  f[t + 16] = 0; f[t + 17] = 0;
  const pseudo = [...f.subarray(ip + 12, ip + 20), 0, 6, len >>> 8, len & 255];
  const s = csum(pseudo.concat([...f.subarray(t, t + len)]));
  f[t + 16] = s >>> 8; f[t + 17] = s & 255;
}

const KINDS = ['flags', 'rst', 'syn', 'ack-future', 'ack-old', 'window', 'offset', 'urgent', 'options', 'short', 'long'] as const;

/** One forged copy of a TCP frame, or null when the kind does not apply to it. */
function forge(frame: Uint8Array, kind: typeof KINDS[number], r: () => number): Uint8Array | null {
  const f = frame.slice();
  const ip = 14, t = ip + (f[ip] & 15) * 4;
  const u32 = (o: number) => ((f[o] << 24) | (f[o + 1] << 16) | (f[o + 2] << 8) | f[o + 3]) >>> 0;
  const put32 = (o: number, v: number) => { f[o] = v >>> 24; f[o + 1] = (v >>> 16) & 255; f[o + 2] = (v >>> 8) & 255; f[o + 3] = v & 255; };
  switch (kind) {
    case 'flags': f[t + 13] = (f[t + 13] & ACK) | (r() & (PSH | URG)); break;
    case 'rst': f[t + 13] = RST | (r() & 1 ? ACK : 0); put32(t + 4, (u32(t + 4) + 1 + (r() % 100000)) >>> 0); break; // never the exact sequence number
    case 'syn': f[t + 13] |= SYN; break;
    case 'ack-future': if (!(f[t + 13] & ACK)) return null; put32(t + 8, (u32(t + 8) + 70000 + (r() % 1000000)) >>> 0); break;
    case 'ack-old': if (!(f[t + 13] & ACK)) return null; put32(t + 8, (u32(t + 8) - 70000 - (r() % 1000000)) >>> 0); break;
    case 'window': f[t + 14] = r() & 255; f[t + 15] = r() & 255; break;
    case 'offset': f[t + 12] = ((r() % 16) << 4) | (f[t + 12] & 15); break;
    case 'urgent': f[t + 13] |= URG; f[t + 18] = r() & 255; f[t + 19] = r() & 255; break;
    case 'options': {
      // The header grows by 4 to 12 bytes of option garbage; the payload is not moved.
      const words = 1 + (r() % 3);
      const hl = (f[t + 12] >> 4) * 4;
      const g = new Uint8Array(f.length + words * 4);
      g.set(f.subarray(0, t + hl));
      for (let i = 0; i < words * 4; i++) g[t + hl + i] = [0, 1, 2, 3, 4, 255][r() % 6] ^ (r() & 1 ? 0 : r() & 255);
      g.set(f.subarray(t + hl), t + hl + words * 4);
      g[t + 12] = (((hl >> 2) + words) << 4) | (g[t + 12] & 15);
      const total = ((g[ip + 2] << 8) | g[ip + 3]) + words * 4;
      g[ip + 2] = total >>> 8; g[ip + 3] = total & 255;
      fixChecksums(g);
      return g;
    }
    case 'short': { const total = (f[ip + 2] << 8) | f[ip + 3]; const cut = 1 + (r() % 30); f[ip + 2] = (total - cut) >>> 8; f[ip + 3] = (total - cut) & 255; break; }
    case 'long': { const total = ((f[ip + 2] << 8) | f[ip + 3]) + 1 + (r() % 30); f[ip + 2] = total >>> 8; f[ip + 3] = total & 255; break; }
  }
  fixChecksums(f);
  return f;
}

/** Delivers each frame, then for half of the TCP frames a forgery of it. */
class Forger implements LinkStage {
  forged: Record<string, number> = {};
  constructor(private r: () => number) {}
  pass(frame: Uint8Array, deliver: (f: Uint8Array) => void): void {
    deliver(frame);
    if (frame.length < 54 || frame[12] !== 8 || frame[13] !== 0 || frame[23] !== 6 || this.r() % 2) return;
    const kind = KINDS[this.r() % KINDS.length];
    const f = forge(frame, kind, this.r);
    if (!f) return;
    this.forged[kind] = (this.forged[kind] || 0) + 1;
    deliver(f);
  }
}

function exchange(createStack: any, seed: number) {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.5);
  const pa = seg.attach('A'), pb = seg.attach('B');
  const toB = new Forger(rng(seed)), toA = new Forger(rng(seed + 1));
  pb.ingress = toB; pa.ingress = toA;
  // A receives as the chip drivers do (fresh frames its TCP may hold), B by copying (recv).
  const nicA = new SimNic(pa, [2, 0, 0, 0, 0, 1], 256, true), nicB = new SimNic(pb, [2, 0, 0, 0, 0, 2], 256);
  const tcp = { sndBuf: 4096, rcvBuf: 4096, mslMs: 1000 };
  const A = createStack(nicA, { ip: '198.18.0.1/24', apps: false, tcp });
  const B = createStack(nicB, { ip: '198.18.0.2/24', apps: false, tcp });
  const hostA = new SimHost(clock, A, nicA), hostB = new SimHost(clock, B, nicB);
  const got = { a: { got: 0, bad: 0 }, b: { got: 0, bad: 0 }, aClosed: false, bClosed: false, errors: [] as string[] };
  B.net.createServer((s: any) => {
    got.b = check(s, 0xa1);
    s.on('error', (e: Error) => got.errors.push('b: ' + e.message));
    pump(s, { seed: 0xb2, size: SIZE }, () => hostB.kick(), 2048);
    s.on('close', () => { got.bClosed = true; });
  }).listen(5001);
  clock.runFor(5);
  const c = A.net.connect({ host: '198.18.0.2', port: 5001 });
  c.on('connect', () => pump(c, { seed: 0xa1, size: SIZE }, () => hostA.kick(), 2048));
  got.a = check(c, 0xb2);
  c.on('error', (e: Error) => got.errors.push('a: ' + e.message));
  c.on('close', () => { got.aClosed = true; });
  hostA.kick();
  clock.runUntilTrue(() => got.aClosed && got.bClosed, 600_000);
  const counters = { a: A.tcp.counters, b: B.tcp.counters };
  hostA.stop(); hostB.stop();
  const forged: Record<string, number> = {};
  for (const k of KINDS) forged[k] = (toA.forged[k] || 0) + (toB.forged[k] || 0);
  return { got, forged, counters };
}

test('forged segments with valid checksums, through each board bundle: no exception, the streams intact, both ends closed', () => {
  for (const chip of ['enc28j60', 'w5500']) {
    const synack = loadBundle(join(import.meta.dirname, '..', 'dist', `synack-${chip}.js`));
    const r = exchange(synack.createStack, chip === 'enc28j60' ? 7 : 8);
    assert.equal(r.got.errors, [], chip);
    assert.is(r.got.a.got, SIZE, chip + ': A received everything');
    assert.is(r.got.b.got, SIZE, chip + ': B received everything');
    assert.is(r.got.a.bad + r.got.b.bad, 0, chip + ': in order and intact');
    assert.ok(r.got.aClosed && r.got.bClosed, chip + ': both closed');
    for (const k of KINDS) assert.ok((r.forged[k] || 0) > 0, `${chip}: no ${k} forgery was sent`);
    const total = Object.values(r.forged).reduce((a, b) => a + b, 0);
    assert.ok(total > 500, `${chip}: ${total} forgeries`);
    // The forgeries were seen and answered as the RFCs say, not merely lost.
    const challenge = r.counters.a.challengeAcks + r.counters.b.challengeAcks;
    assert.ok(challenge > 0, `${chip}: challenge ACKs ${challenge}`);
    console.log(`${chip}: ${total} forgeries ${JSON.stringify(r.forged)}; challenge ACKs ${challenge}; dropped as malformed ${r.counters.a.dropMalformed + r.counters.b.dropMalformed}`);
  }
});

test.run();
