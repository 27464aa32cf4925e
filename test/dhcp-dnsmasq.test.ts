// The DHCP and DNS clients against a real server: dnsmasq in a namespace this test creates,
// reached through the TAP device, socat and the UDP link. A lease is obtained, renewed at T1
// (dnsmasq's shortest lease, 2 minutes, makes T1 one minute), and after dnsmasq restarts with a
// different range the renewal is refused and a new address is acquired; the DHCP-given server
// resolves a name. Real time: about two minutes. Needs root, socat and dnsmasq; skipped otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Interface } from '../firmware/iface/interface.ts';
import { DhcpClient, DHCP_BOUND } from '../firmware/iface/dhcp.ts';
import { DnsClient } from '../firmware/iface/dns.ts';
import { ipToString } from '../firmware/wire/ipv4.ts';
import { VirtualClock } from '../host-sim/clock.ts';
import { Segment } from '../host-sim/segment.ts';
import { SimHost, SimNic } from '../host-sim/nic.ts';
import { RealTimeRunner } from '../host-sim/realtime.ts';
import { openTapLink } from '../host-sim/links/tap.ts';
import { netnsUnavailable, waitUntil } from '../host-sim/links/netns.ts';

const why = netnsUnavailable(['socat', 'dnsmasq']);
if (why) {
  console.log(`dhcp-dnsmasq: skipped (${why})`);
} else {
  test('lease from dnsmasq, renewed at T1, re-acquired after a restart; a name resolved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synack-dnsmasq-'));
    const clock = new VirtualClock();
    const seg = new Segment(clock, 0);
    const runner = new RealTimeRunner(clock);
    const { link, tap } = await openTapLink(seg.attach('udp'), runner, { ns: `synack-dhcp-${process.pid}` });
    const nic = new SimNic(seg.attach('board'), [2, 0, 0x5e, 0, 0, 7]);
    const iface = new Interface(nic, {});
    const changes: string[] = [];
    const dhcp = new DhcpClient(iface, { hostname: 'synack-test', onAddressChange: (o, n) => changes.push(`${ipToString(o)}->${ipToString(n)}`) });
    const dns = new DnsClient(iface, 0);
    const host = new SimHost(clock, { poll: (now) => Math.min(iface.poll(now), dhcp.poll(now), dns.poll(now)) }, nic);
    let dnsmasq: ChildProcess | null = null;
    let log = '';
    const startDnsmasq = (range: string) => {
      const p = tap.ns.spawn('dnsmasq', ['--no-daemon', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--bind-interfaces',
        `--interface=${tap.ifname}`, '--except-interface=lo', `--dhcp-range=${range},255.255.255.0,2m`, '--dhcp-authoritative',
        `--dhcp-leasefile=${join(dir, 'leases')}`, '--host-record=peer.synack.test,198.18.0.1', '--log-dhcp', '--log-queries',
        `--pid-file=${join(dir, 'pid')}`, '--user=root']);
      p.stderr!.on('data', (d) => (log += d));
      p.stdout!.on('data', (d) => (log += d));
      return p;
    };
    runner.start();
    try {
      dnsmasq = startDnsmasq('198.18.0.50,198.18.0.59');
      await new Promise((r) => setTimeout(r, 300));
      dhcp.start(clock.now);
      host.kick();
      assert.ok(await waitUntil(() => dhcp.state === DHCP_BOUND, 15000), `bound: ${log}`);
      const first = iface.ip >>> 0;
      assert.ok(first >= 0xc6120032 && first <= 0xc612003b, ipToString(first));
      assert.is(dhcp.dns >>> 0, 0xc6120001);
      assert.is(Math.round(dhcp.lease / 1000), 120);
      assert.match(log, /DHCPACK\(\S+\) 198\.18\.0\.5\d 02:00:5e:00:00:07 synack-test/);

      // DNS through the DHCP-given server.
      dns.server = dhcp.dns;
      const answer = await new Promise<[string | null, number]>((resolve) => { dns.resolve('peer.synack.test', (e, ip) => resolve([e, ip])); host.kick(); });
      assert.equal(answer, [null, 0xc6120001]);
      const missing = await new Promise<string | null>((resolve) => { dns.resolve('nothing.synack.test', (e) => resolve(e)); host.kick(); });
      assert.is(missing, 'ENOTFOUND');

      // T1 = 60 s: renewal by unicast REQUEST, ACKed, same address.
      assert.ok(await waitUntil(() => dhcp.acks >= 2, 70000), `renewed: ${log}`);
      assert.is(iface.ip >>> 0, first);
      assert.match(log, new RegExp(`DHCPREQUEST\\(\\S+\\) ${ipToString(first).replace(/\./g, '\\.')} 02:00:5e:00:00:07`));

      // dnsmasq restarts with another range and a fresh lease file: at the next renewal it NAKs
      // our address; the client starts over and is given one from the new range.
      dnsmasq.kill('SIGTERM');
      await new Promise((r) => dnsmasq!.on('exit', r));
      rmSync(join(dir, 'leases'), { force: true });
      dnsmasq = startDnsmasq('198.18.0.60,198.18.0.69');
      assert.ok(await waitUntil(() => dhcp.naks >= 1 && dhcp.state === DHCP_BOUND, 75000), `re-acquired: ${log}`);
      const second = iface.ip >>> 0;
      assert.ok(second >= 0xc612003c && second <= 0xc6120045, ipToString(second));
      assert.equal(changes, [`0.0.0.0->${ipToString(first)}`, `${ipToString(first)}->0.0.0.0`, `0.0.0.0->${ipToString(second)}`]);
      assert.match(readFileSync(join(dir, 'leases'), 'utf8'), /02:00:5e:00:00:07/);
    } finally {
      runner.stop();
      host.stop();
      link.close();
      tap.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
