// TcpConfig, key by key: a key left out takes its default, a value other than the default takes
// effect, 0 takes effect where it means something (no delayed-ACK delay, no RTO floor, no
// retries, no TIME-WAIT wait, no challenge ACKs, no connect timeout, no out-of-order ranges), and
// where it means nothing (a buffer of 0 bytes, an RTO of 0) the Tcp refuses it with a one-line
// error naming the key. Each is seen in what the Tcp does, not read back from its table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tcp, type TcpConfig } from '../firmware/tcp/tcp.ts';
import { FakeIface, Recorder, reach, stack, PEER_IP, OUR_IP, type Stack } from './helpers/tcp-fixture.ts';

const SYN = 2, FIN = 1, ACK = 16;

/** The times (ms) of the segments sent while polling every ms up to `end`. */
function timesTo(f: Stack, end: number): number[] {
  const t: number[] = [];
  for (let x = f.ifc.now + 1; x <= end; x++) { f.at(x); for (const s of f.ifc.take()) t.push(s.t); }
  return t;
}

/** Our SYN's retransmission times and the connection's end, for an active open. */
function synTimes(cfg: TcpConfig, end: number) {
  const f = reach.synSent(cfg);
  return { times: timesTo(f, end), events: f.rec.events };
}

// ---- refused values ----

for (const [key, min] of [['maxConns', 1], ['backlog', 1], ['sndBuf', 1], ['rcvBuf', 1], ['rtoMaxMs', 1], ['rtoInitMs', 1]] as const) {
  test(`${key}: 0 means nothing and is refused with one line naming the key`, () => {
    const ifc = new FakeIface(OUR_IP);
    try {
      new Tcp(ifc as never, { [key]: 0 } as TcpConfig);
      assert.unreachable('accepted');
    } catch (e) {
      const m = (e as Error).message;
      assert.match(m, new RegExp(`^tcp config: ${key} 0: use a number >= ${min} or leave it out \\(\\d+\\)$`));
      assert.not.ok(m.includes('\n'));
    }
  });
}

test('a negative, a non-number or NaN is refused for any key, 0-taking ones included', () => {
  for (const bad of [{ delAckMs: -1 }, { mslMs: '100' }, { oooRanges: NaN }, { challengeAcksPerSec: null }]) {
    assert.throws(() => new Tcp(new FakeIface(OUR_IP) as never, bad as never), /^tcp config: (delAckMs|mslMs|oooRanges|challengeAcksPerSec) .*: use a number >= 0 or leave it out \(\d+\)$/);
  }
});

// ---- maxConns, backlog ----

test('maxConns: default 8 connections, the 9th refused; 2 gives 2', () => {
  for (const [cfg, n] of [[{}, 8], [{ maxConns: 2 }, 2]] as const) {
    const f = stack(cfg, false);
    const made = [];
    for (let i = 0; i < n + 1; i++) made.push(f.tcp.connect(PEER_IP, 80, new Recorder(), { localPort: 6000 + i }));
    assert.is(made.filter((c) => c).length, n);
    assert.is(made[n], null);
    assert.is(f.tcp.counters.tableFull, 1);
  }
});

test('backlog: default 4 half-open per listener in the SYN cache (the others answered with cookies), 2 gives 2', () => {
  for (const [cfg, n] of [[{}, 4], [{ backlog: 2 }, 2]] as const) {
    const f = stack(cfg);
    for (let i = 0; i < 6; i++) { f.ports.peer = 41000 + i; f.send(1000 * i, 0, SYN); }
    assert.is(f.tcp.halfOpen(80), n);
    assert.is(f.tcp.conns.length, 0);
    assert.is(f.tcp.counters.synCookies, 6 - n);
  }
});

test('synCache: default 8 entries for all listeners, 0 gives none (every SYN gets a cookie)', () => {
  for (const [cfg, n] of [[{ backlog: 20 }, 8], [{ backlog: 20, synCache: 0 }, 0]] as const) {
    const f = stack(cfg);
    for (let i = 0; i < 10; i++) { f.ports.peer = 41000 + i; f.send(1000 * i, 0, SYN); }
    assert.is(f.tcp.halfOpen(0), n);
    assert.is(f.tcp.counters.synCookies, 10 - n);
    assert.is(f.out().length, 10, 'every SYN answered');
  }
});

// ---- buffers ----

test('sndBuf: default 2048 bytes taken by SEND, 100 gives 100', () => {
  for (const [cfg, n] of [[{}, 2048], [{ sndBuf: 100 }, 100]] as const) {
    const f = reach.established(cfg);
    assert.is(f.tcp.send(f.c, new Uint8Array(3000), 0, 3000), n);
  }
});

test('rcvBuf: default window 2048 in our SYN,ACK, 4096 gives 4096', () => {
  for (const [cfg, w] of [[{}, 2048], [{ rcvBuf: 4096 }, 4096]] as const) {
    const f = stack(cfg);
    f.send(100, 0, SYN, { mss: 1460 });
    assert.equal(f.out(), [`0: <SEQ=300><ACK=101><CTL=SYN,ACK> win=${w} mss=1460`]);
  }
});

test('oooRanges: default 4 ranges kept, 2 gives 2, 0 keeps none', () => {
  for (const [cfg, kept] of [[{}, 4], [{ oooRanges: 2 }, 2], [{ oooRanges: 0 }, 0]] as const) {
    const f = reach.established(cfg);
    for (let i = 0; i < 5; i++) f.send(111 + 20 * i, 301, ACK, { data: 'x' }); // five separate holes
    assert.is(f.tcp.counters.dropOoo, 5 - kept);
  }
});

// ---- timers ----

test('mslMs: default 5000 (TIME-WAIT 10 s), 1000 gives 2 s, 0 ends it at the next poll', () => {
  for (const [cfg, end] of [[{}, 10000], [{ mslMs: 1000 }, 2000], [{ mslMs: 0 }, 1]] as const) {
    const f = reach.timeWait(cfg);
    if (end > 1) { f.at(end - 1); assert.is(f.c.stateName, 'TIME-WAIT'); }
    f.at(end);
    assert.is(f.tcp.conns.length, 0, `gone at ${end}`);
  }
});

test('rtoInitMs: default 1000 before any RTT sample, 300 gives 300', () => {
  assert.equal(synTimes({ synRetries: 1 }, 1500).times.slice(0, 1), [1000]);
  assert.equal(synTimes({ synRetries: 1, rtoInitMs: 300 }, 500).times.slice(0, 1), [300]);
});

test('rtoMaxMs: default 60 s caps the backoff, 3000 caps it at 3 s', () => {
  // 1, 2, 4, 8, 16, 32, 60, 60 s apart by default; 1, 2, 3, 3 s with the cap.
  assert.equal(synTimes({ synRetries: 8, connectTimeoutMs: 0 }, 300000).times,
    [1000, 3000, 7000, 15000, 31000, 63000, 123000, 183000]);
  assert.equal(synTimes({ synRetries: 4, rtoMaxMs: 3000 }, 20000).times, [1000, 3000, 6000, 9000]);
});

test('rtoMinMs: default floor 200 ms, 50 gives 50, 0 leaves the 3 ms a 0 ms handshake gives', () => {
  // The handshake's RTT sample is 0 ms (1 ms as a sample): SRTT 1, RTTVAR 0.5, RTO = 1 + max(G, 4 * 0.5) = 3.
  for (const [cfg, rto] of [[{}, 200], [{ rtoMinMs: 50 }, 50], [{ rtoMinMs: 0 }, 3]] as const) {
    const f = reach.established(cfg);
    f.tcp.send(f.c, new Uint8Array(10), 0, 10);
    f.out();
    assert.equal(timesTo(f, rto), [rto]);
  }
});

test('maxRetries: default 8 retransmissions then RST, 2 gives 2, 0 gives the RST at the first timeout', () => {
  for (const [cfg, n] of [[{}, 8], [{ maxRetries: 2 }, 2], [{ maxRetries: 0 }, 0]] as const) {
    const f = reach.established({ ...cfg, rtoMaxMs: 1000 });
    f.tcp.send(f.c, new Uint8Array(10), 0, 10);
    f.out();
    for (let x = 1; x <= 20000; x++) f.at(x);
    const segs = f.ifc.take();
    assert.is(segs.length, n + 1);
    assert.is(segs[n].flags, 4, 'the last is the RST');
    assert.equal(f.rec.events.slice(-1), ['close:ETIMEDOUT']);
  }
});

test('synRetries: default 5 SYN retransmissions, 1 gives 1, 0 gives up at the first timeout', () => {
  assert.equal(synTimes({}, 70000), { times: [1000, 3000, 7000, 15000, 31000], events: ['close:ETIMEDOUT'] });
  assert.equal(synTimes({ synRetries: 1 }, 5000), { times: [1000], events: ['close:ETIMEDOUT'] });
  const z = synTimes({ synRetries: 0 }, 5000);
  assert.equal(z, { times: [], events: ['close:ETIMEDOUT'] });
});

test('connectTimeoutMs: default 75 s, 5000 gives 5 s, 0 leaves only the SYN retries', () => {
  const many = { synRetries: 100, rtoMaxMs: 1000 };
  let f = reach.synSent(many);
  f.runTo(74999); assert.equal(f.rec.events, []);
  f.at(75000); assert.equal(f.rec.events, ['close:ETIMEDOUT']);
  f = reach.synSent({ ...many, connectTimeoutMs: 5000 });
  f.runTo(4999); assert.equal(f.rec.events, []);
  f.at(5000); assert.equal(f.rec.events, ['close:ETIMEDOUT']);
  // No limit: the SYN goes on being retransmitted every second until its 100 retries are spent.
  f = reach.synSent({ ...many, connectTimeoutMs: 0 });
  f.runTo(90000);
  assert.equal(f.rec.events, []);
  assert.is(f.ifc.take().length, 90);
});

test('delAckMs: default 100 ms, 30 gives 30, 0 acknowledges at the next poll', () => {
  for (const [cfg, d] of [[{}, 100], [{ delAckMs: 30 }, 30], [{ delAckMs: 0 }, 0]] as const) {
    const f = reach.established(cfg);
    f.at(5);
    f.send(101, 301, ACK, { data: 'a' });
    assert.equal(f.out(), []);
    if (d > 0) { f.at(5 + d - 1); assert.equal(f.out(), []); }
    f.at(5 + d);
    assert.equal(f.out(), [`${5 + d}: <SEQ=301><ACK=102><CTL=ACK> win=2047`]); // receiver SWS: the edge moves by 1 < MSS
  }
});

test('keepIdleMs, keepIntvlMs, keepCnt: defaults 120 s, 10 s, 3 probes, on for an accepted connection; other values take effect', () => {
  const probes = (cfg: TcpConfig, ends: number[], on = false) => {
    const f = reach.established(cfg);
    if (on) f.tcp.setKeepAlive(f.c, true);
    const t: number[] = [];
    for (const x of ends) { f.at(x - 1); f.at(x); for (const s of f.ifc.take()) t.push(s.t, s.flags); }
    assert.is(f.tcp.counters.timeouts, f.rec.events.length, 'each keepalive give-up counted');
    return { t, events: f.rec.events };
  };
  const d = [0, 1, 2].map((i) => 120000 + 10000 * i);
  assert.equal(probes({}, [...d, 150000]), { t: [...d.flatMap((x) => [x, ACK]), 150000, 4], events: ['close:ETIMEDOUT'] });
  assert.equal(probes({ keepIdleMs: 1000, keepIntvlMs: 200, keepCnt: 2 }, [1000, 1200, 1400]), {
    t: [1000, ACK, 1200, ACK, 1400, 4], events: ['close:ETIMEDOUT'],
  });
  // A 0 in any of the three: off by default, setKeepAlive still turns it on.
  for (const k of ['keepIdleMs', 'keepIntvlMs', 'keepCnt']) {
    assert.equal(probes({ [k]: 0 }, [120000, 130000, 140000, 150000, 3600000]), { t: [], events: [] }, k);
  }
  assert.equal(probes({ keepCnt: 0 }, [120000, 130000], true), { t: [120000, 4], events: ['close:ETIMEDOUT'] });
});

test('challengeAcksPerSec: default 10 a second, 2 gives 2, 0 sends none', () => {
  for (const [cfg, n] of [[{}, 10], [{ challengeAcksPerSec: 2 }, 2], [{ challengeAcksPerSec: 0 }, 0]] as const) {
    const f = reach.established(cfg);
    for (let i = 0; i < 12; i++) f.send(101, 0, SYN);
    assert.is(f.out().length, n);
    assert.is(f.tcp.counters.challengeAcks, n);
  }
});

test('a FIN exchange with every key left out works (the defaults are usable together)', () => {
  const f = reach.established();
  f.send(101, 301, ACK | FIN);
  assert.is(f.c.stateName, 'CLOSE-WAIT');
});

test.run();
