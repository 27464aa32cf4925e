// Wake on a frame (issue 15), at the board: require("synack").start() (firmware/board.ts) in real
// time, over the ENC28J60 driver and its chip model, Espruino's setWatch standing on the model's
// INT pin. With `int` the board polls on the pin's falling edge and an idle board answers a ping
// at once although its idle poll is 1000 ms; without, the ping waits for the timer. And the
// EthernetDriver.setWake contract: wakes coalesce into one poll, a wake inside a poll does not
// recurse, stop() ends the watch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { start, type Board } from '../firmware/board.ts';
import { Enc28j60 } from '../firmware/drivers/enc28j60.ts';
import type { EthernetDriver } from '../firmware/drivers/driver.ts';
import { Interface } from '../firmware/iface/interface.ts';
import { Enc28j60Model } from '../host-sim/chips/enc28j60.ts';
import type { IntPin } from '../host-sim/chips/int-pin.ts';

const BOARD_MAC = new Uint8Array([2, 0, 0x5e, 0, 0, 2]);
const BOARD_IP = 0xc6120002, PEER_IP = 0xc6120001;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Espruino's setWatch and clearWatch, over a chip model's pin: the callback on each falling edge.
const g = globalThis as unknown as { setWatch: unknown; clearWatch: unknown };
const watches: { pin: unknown; opts: unknown; id: number }[] = [];
const cleared: number[] = [];
const unwatch = new Map<number, () => void>();
let nextId = 1;
g.setWatch = (fn: (e: unknown) => void, pin: IntPin, opts: unknown) => {
  const id = nextId++;
  watches.push({ pin, opts, id });
  unwatch.set(id, pin.watch(() => fn({ state: false, time: performance.now() / 1000 })));
  return id;
};
g.clearWatch = (id: number) => { cleared.push(id); unwatch.get(id)?.(); unwatch.delete(id); };

/** A board (start()) on an ENC28J60 model, and a peer Interface on the model's wire, which
 *  answers at once (setImmediate). Polls of the board are timed. */
function world(withInt: boolean) {
  let deliver: ((f: Uint8Array) => void) | null = null;
  const toPeer: Uint8Array[] = [];
  const port = { onFrame: (fn: (f: Uint8Array) => void) => { deliver = fn; }, send: (f: Uint8Array) => { toPeer.push(f); setImmediate(() => peer.poll(performance.now())); } };
  const model = new Enc28j60Model(port as never);
  const driver = new Enc28j60(model, BOARD_MAC, { delayMs: (ms) => { model.now += ms; } });
  const polls: number[] = [];
  const service = driver.service.bind(driver);
  driver.service = (now: number) => { polls.push(performance.now()); service(now); };
  const peerLink: EthernetDriver = {
    mac: new Uint8Array([2, 0, 0, 0, 0, 1]),
    send: (f, len) => { const c = f.slice(0, len); setImmediate(() => deliver!(c)); return true; },
    recv: (buf) => { const f = toPeer.shift(); if (!f) return 0; buf.set(f); return f.length; },
    link: () => true,
  };
  const peer = new Interface(peerLink, { ip: PEER_IP, prefix: 24, random32: () => 9 });
  const replies = new Map<number, number>();
  peer.register(1, {
    input(src: number, _dst: number, buf: Uint8Array, off: number) {
      if (src === BOARD_IP && buf[off] === 0) replies.set((buf[off + 6] << 8) | buf[off + 7], performance.now());
    },
    poll() { return 0x7fffffff; },
  });
  const board: Board = start({ driver, ip: '198.18.0.2/24', apps: false, networkjs: false, ...(withInt ? { int: model.int } : { idlePollMs: 1000 }) });
  let seq = 0;
  /** Pings the board; the round trip in ms, or -1 if no answer within `ms`. */
  async function ping(ms: number): Promise<number> {
    const s = seq++;
    const t0 = performance.now();
    peer.sendPing(BOARD_IP, 1, s, new Uint8Array(56), 0, 56);
    peer.poll(t0);
    while (!replies.has(s) && performance.now() - t0 < ms) await sleep(1);
    return replies.has(s) ? replies.get(s)! - t0 : -1;
  }
  return { model, driver, board, polls, ping };
}

test('with int: start() watches the pin for falling edges, and an idle board answers a ping within milliseconds though it polls only once a second', async () => {
  const w = world(true);
  try {
    const mine = watches.filter((x) => x.pin === w.model.int);
    assert.is(mine.length, 1, 'one setWatch on the INT pin');
    assert.equal(mine[0].opts, { edge: 'falling', repeat: true });
    assert.ok((await w.ping(3000)) >= 0, 'first ping (with ARP) answered');
    await sleep(300);
    const idleFrom = performance.now();
    await sleep(600);
    const idlePolls = w.polls.filter((t) => t >= idleFrom).length;
    assert.ok(idlePolls <= 1, `${idlePolls} polls in 600 ms of idling: the idle poll is 1000 ms`);
    const rtts: number[] = [];
    for (let i = 0; i < 5; i++) { rtts.push(await w.ping(900)); await sleep(37 + i * 50); }
    // The board's idle timer is 1000 ms: any answer within 100 ms came from the wake.
    assert.ok(rtts.every((r) => r >= 0 && r < 100), `round trips ${rtts.map((r) => r.toFixed(1)).join(', ')} ms`);
    console.log(`  wake on INT: ping round trips ${rtts.map((r) => r.toFixed(1)).join(', ')} ms (real time, Node)`);
  } finally { w.board.stop(); }
});

test('without int: the same idle board answers only at its next timer poll', async () => {
  const w = world(false);
  try {
    assert.ok((await w.ping(5000)) >= 0, 'first ping (with ARP) answered');
    await sleep(50);
    // Ping just after a timer poll: the next one is a second away.
    const n = w.polls.length;
    while (w.polls.length === n) await sleep(1);
    const rtt = await w.ping(2000);
    assert.ok(rtt >= 500, `answered after ${rtt.toFixed(1)} ms: it waited for the timer`);
    assert.ok(rtt < 1500, `answered after ${rtt.toFixed(1)} ms: at the timer`);
  } finally { w.board.stop(); }
});

/** A driver of one's own that can wake the board (a pipe's data event, say): frames handed in
 *  with `put`, which calls the wake as such a driver would. */
function wakingDriver() {
  let wake: (() => void) | null = null;
  let depth = 0;
  const d = {
    polls: 0, maxDepth: 0, wakeInPoll: 0,
    mac: new Uint8Array([2, 0, 0, 0, 0, 2]),
    send: () => true,
    link: () => true,
    recv: (_b: Uint8Array) => {
      depth++;
      d.polls++;
      if (depth > d.maxDepth) d.maxDepth = depth;
      if (d.wakeInPoll > 0) { d.wakeInPoll--; wake!(); }
      depth--;
      return 0;
    },
    setWake: (w: () => void) => { wake = w; },
    wake: () => wake!(),
  };
  return d;
}

test('setWake: the board hands its wake to the driver; many wakes make one poll, at once', async () => {
  const d = wakingDriver();
  const board = start({ driver: d, ip: '198.18.0.2/24', apps: false, networkjs: false, idlePollMs: 5000 });
  try {
    await sleep(20);
    const n = d.polls;
    for (let i = 0; i < 50; i++) d.wake();
    assert.is(d.polls, n, 'no poll from inside the wake');
    await sleep(20);
    assert.is(d.polls, n + 1, 'fifty wakes, one poll');
    d.wake();
    await sleep(20);
    assert.is(d.polls, n + 2, 'and the next wake its own');
  } finally { board.stop(); }
});

test('setWake: a wake from inside a poll does not recurse; it runs one more poll after', async () => {
  const d = wakingDriver();
  const board = start({ driver: d, ip: '198.18.0.2/24', apps: false, networkjs: false, idlePollMs: 5000 });
  try {
    await sleep(20);
    const n = d.polls;
    d.wakeInPoll = 3; // the next three polls each call wake
    d.wake();
    await sleep(50);
    assert.is(d.maxDepth, 1, 'never a poll inside a poll');
    assert.is(d.polls, n + 4, 'the woken poll, then one more for each wake inside a poll');
  } finally { board.stop(); }
});

test('stop(): the watch is cleared and a wake after it polls no more', async () => {
  const d = wakingDriver();
  const model = new Enc28j60Model(null);
  const board = start({ driver: d, ip: '198.18.0.2/24', apps: false, networkjs: false, int: model.int });
  const id = watches[watches.length - 1].id;
  await sleep(10);
  board.stop();
  assert.ok(cleared.includes(id), 'clearWatch with setWatch\'s id');
  const n = d.polls;
  d.wake();
  await sleep(20);
  assert.is(d.polls, n);
});

test.run();
