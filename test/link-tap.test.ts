// The simulator's links to real Linux: a simulated Interface on the virtual segment, joined by the
// UDP link (one frame per datagram) and socat to a TAP device in a namespace this test creates and
// removes; the kernel there pings it. Needs root, socat and ping; skipped otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { Interface } from '../firmware/iface/interface.ts';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimHost, SimNic } from '../host-sim/nic.ts';
import { RealTimeRunner } from '../host-sim/realtime.ts';
import { parseUdpLink } from '../host-sim/links/udp.ts';
import { TapNamespace, openTapLink } from '../host-sim/links/tap.ts';
import dgram from 'node:dgram';
import { netnsUnavailable, run } from '../host-sim/links/netns.ts';

test('parseUdpLink accepts the documented form and names it when wrong', () => {
  assert.equal(parseUdpLink('udp:127.0.0.1:9001:127.0.0.1:9000'), { bindHost: '127.0.0.1', bindPort: 9001, peerHost: '127.0.0.1', peerPort: 9000 });
  assert.throws(() => parseUdpLink('udp:127.0.0.1:9001'), /expected udp:BIND_HOST:BIND_PORT:PEER_HOST:PEER_PORT/);
  assert.throws(() => parseUdpLink('udp:a:1:b:70000'), /expected udp:/);
});

function execIn(ns: string, cmd: string, args: string[], ms: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, cmd, ...args], { timeout: ms, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

const why = netnsUnavailable(['socat', 'ping']);
if (why) {
  console.log(`link-tap: skipped (${why})`);
} else {
  test('Linux pings the simulated board through TAP, socat and the UDP link', async () => {
    const clock = new VirtualClock();
    const seg = new Segment(clock, 0);
    const runner = new RealTimeRunner(clock);
    const { link, tap } = await openTapLink(seg.attach('udp'), runner, { ns: `synack-link-${process.pid}` });
    const nic = new SimNic(seg.attach('board'), [2, 0, 0x5e, 0, 0, 2]);
    const iface = new Interface(nic, { ip: 0xc6120002, prefix: 24 });
    const host = new SimHost(clock, iface, nic);
    runner.start();
    try {
      const r = await execIn(tap.ns.name, 'ping', ['-c', '5', '-i', '0.2', '-W', '2', '-s', '1472', '198.18.0.2'], 15000);
      assert.match(r.out, /5 packets transmitted, 5 received/, r.out);
      const small = await execIn(tap.ns.name, 'ping', ['-c', '3', '-i', '0.2', '-W', '2', '-s', '0', '198.18.0.2'], 10000);
      assert.match(small.out, /3 packets transmitted, 3 received/, small.out);
      const neigh = run('ip', ['-n', tap.ns.name, 'neigh', 'show', '198.18.0.2']);
      assert.match(neigh, /02:00:5e:00:00:02/);
      assert.ok(link.framesIn >= 8 && link.framesOut >= 8, `${link.framesIn} in, ${link.framesOut} out`);
      assert.is(iface.counters.icmpEchoTx, 8); // 5 + 3 replies
    } finally {
      runner.stop();
      host.stop();
      link.close();
      tap.close();
    }
    // Everything is gone afterwards.
    assert.not.match(run('ip', ['netns', 'list']), new RegExp(`synack-link-${process.pid}`));
  });

  test('a TAP bridge whose UDP port is taken fails with socat\'s reason in one line, and leaves nothing behind', async () => {
    // socat opens the TAP, then cannot bind its port and exits: the device it made vanishes.
    // With the port chosen by the caller there is no retry; the error says why.
    const busy = dgram.createSocket('udp4');
    await new Promise<void>((r) => busy.bind(0, '127.0.0.1', () => r()));
    const ns = `synack-busy-${process.pid}`;
    try {
      let err: Error | null = null;
      try {
        (await TapNamespace.create({ simPort: 9, socatPort: busy.address().port, ns, ifname: `sq${process.pid % 100000}` })).close();
      } catch (e) { err = e as Error; }
      assert.ok(err, 'create succeeded on a taken port');
      assert.match(err!.message, /socat|Cannot find device/);
      assert.not.match(err!.message, /\n/);
    } finally {
      busy.close();
    }
    assert.not.match(run('ip', ['netns', 'list']), new RegExp(ns));
    assert.not.match(run('ip', ['link', 'show']), new RegExp(`sq${process.pid % 100000}`));
  });
}

test.run();
