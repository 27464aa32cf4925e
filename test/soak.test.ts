// The virtual soak (tools/soak/soak.ts, docs/fuzzing.md), 10 minutes of virtual time per chip
// model (npm run soak runs 24 hours): clients connecting, transferring, closing, aborting and
// vanishing, DHCP with 60 s leases (a server restart, the lease lost and found), link flaps, the
// chip's own faults, ARP storms and ping floods, all squeezed into 10 minutes. Every probe (a
// fresh ping and a fresh connection to echo, every 10 s) is answered outside the planned outages,
// every client session outside them succeeds, every frame that reached the board is accounted
// for, and at the end no connection is left.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Soak, describeSoak } from '../tools/soak/soak.ts';

/** Issue 21 (connections of vanished clients kept for ever: keepalive off on accepted
 *  connections) is merged (main 6dcc390): no such connection may be left at the end, and no
 *  probe may meet a full table. True tolerates them (as before issue 21). */
const PENDING_ISSUE_21 = false;

for (const chip of ['enc28j60', 'w5500'] as const) {
  test(`${chip}: 10 minutes of virtual soak, every planned kind of trouble, the board still answering`, () => {
    const r = new Soak({ chip, seed: chip === 'w5500' ? 2 : 1, durationMs: 600_000, eventEveryMs: 100_000 }).run();
    for (const l of describeSoak(r)) console.log(l);
    for (const e of ['link flap', 'chip fault', 'ARP storm (2000/s, 5 s)', 'ping flood (1000/s, 5 s)', 'DHCP server restart', 'lease lost and found (server away 100 s)']) assert.ok(r.events[e] > 0, `${e} happened`);
    assert.ok(r.probes.answered > r.probes.sent / 2, 'most probes answered');
    assert.is(r.probes.unanswered, 0, r.probes.failures.join('\n'));
    if (!PENDING_ISSUE_21) assert.is(r.probes.lockOut, 0, r.probes.failures.join('\n'));
    for (const [k, v] of Object.entries(r.sessions)) {
      assert.ok(v.ok > 0, `${k} sessions ran`);
      assert.is(v.failed, 0, `${k}: ${r.sessionFailures.join('\n')}`);
    }
    assert.ok(r.dhcp.naks > 0 && r.dhcp.lost > 0 && r.dhcp.bound, 'NAKed after a restart, lost, found again');
    assert.is(r.frames.unexplained, 0, 'every frame that reached the board accounted for');
    assert.is(r.memory.finalConns - (PENDING_ISSUE_21 ? r.memory.lockOut : 0), 0, `connections left: ${r.memory.finalStates.join(' ')}`);
    assert.is(r.memory.halfOpen, 0);
    assert.is(r.memory.arpQueued, 0);
  });
}

test.run();
