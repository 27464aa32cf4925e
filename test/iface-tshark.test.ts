// The frames the interface sends, dissected by tshark with checksum validation on: no malformed
// packet, no bad checksum, and the protocol tree tshark reads matches what was meant.
// Skipped when tshark is not installed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup } from './helpers/iface-setup.ts';
import { US_MAC, PEER_MAC, BCAST_MAC, ZERO_MAC, US, PEER, FAR, GW_MAC, GW, eth, arp, ipv4, echo, udp, pattern } from './helpers/frames.ts';

function hasTshark(): boolean {
  try { execFileSync('tshark', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; }
}

function pcap(frames: Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b2c3d4, 0); h.writeUInt16LE(2, 4); h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16); h.writeUInt32LE(1, 20);
  parts.push(h);
  frames.forEach((f, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(i, 0); r.writeUInt32LE(f.length, 8); r.writeUInt32LE(f.length, 12);
    parts.push(r, Buffer.from(f));
  });
  return Buffer.concat(parts);
}

if (!hasTshark()) {
  test.skip('tshark dissection (tshark not installed)', () => {});
} else {
  test('everything the interface sends dissects cleanly with checksums verified', () => {
    const { d, ifc } = setup();
    const out: Uint8Array[] = [];
    ifc.setAddress(US, 24, GW); // gratuitous ARP
    ifc.input(eth(BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, ZERO_MAC, US)), 42); // ARP reply
    for (const n of [0, 1, 56, 1000, 1472]) { const f = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 1, echo(8, 9, n, pattern(n)))); ifc.input(f, f.length); }
    const u = eth(US_MAC, PEER_MAC, 0x0800, ipv4(PEER, US, 17, udp(PEER, US, 4000, 9999, pattern(20))));
    ifc.input(u, u.length); // port unreachable
    ifc.udpSend(40000, PEER, 40001, pattern(33), 0, 33);
    ifc.udpSend(40002, 0xffffffff, 40003, pattern(300), 0, 300);
    ifc.sendPing(PEER, 1, 2, pattern(10), 0, 10);
    ifc.sendPing(FAR, 1, 3, pattern(10), 0, 10); // ARP request for the gateway
    ifc.input(eth(US_MAC, GW_MAC, 0x0806, arp(2, GW_MAC, GW, US_MAC, US)), 42); // queued ping sent
    out.push(...d.take());
    // Ethernet minimum: the driver pads; pad here as a driver would, to keep tshark quiet.
    const frames = out.map((f) => { if (f.length >= 60) return f; const p = new Uint8Array(60); p.set(f); return p; });
    assert.is(frames.length, 13);
    const dir = mkdtempSync(join(tmpdir(), 'synack-h1-'));
    try {
      const file = join(dir, 'iface.pcap');
      writeFileSync(file, pcap(frames));
      const text = execFileSync('tshark', ['-r', file, '-o', 'ip.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE',
        '-T', 'fields', '-e', 'frame.protocols', '-e', '_ws.expert.message', '-e', 'ip.checksum.status',
        '-e', 'udp.checksum.status', '-e', 'icmp.checksum.status', '-e', '_ws.malformed', '-e', 'arp.opcode', '-e', 'icmp.type'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const lines = text.trim().split('\n');
      assert.is(lines.length, 13);
      const protos = lines.map((l) => l.split('\t')[0]);
      const I = 'eth:ethertype:ip:icmp:data';
      assert.equal(protos, [
        'eth:ethertype:arp', 'eth:ethertype:arp',
        'eth:ethertype:ip:icmp', I, I, I, I,          // echo replies (0 bytes: no data layer)
        'eth:ethertype:ip:icmp:ip:udp',               // port unreachable quoting the datagram
        'eth:ethertype:ip:udp:data', 'eth:ethertype:ip:udp:data',
        I, 'eth:ethertype:arp', I,
      ]);
      const opAndType = lines.map((l) => l.split('\t').slice(6).join('/'));
      assert.equal(opAndType, ['1/', '2/', '/0', '/0', '/0', '/0', '/0', '/3', '/', '/', '/8', '1/', '/8']);
      for (const l of lines) {
        assert.not.match(l, /[Mm]alformed|incorrect|Bad checksum/, l);
        const f = l.split('\t');
        // tshark checksum status: 0 bad, 1 good, 2 unverified
        // (the UDP header quoted in an ICMP error cannot be verified: 2 is expected there)
        f.slice(2, 5).forEach((s, k) => {
          const ok = k === 1 && f[0].includes('icmp:ip:udp') ? '2' : '1';
          if (s) assert.ok(s.split(',').every((x) => x === ok), `checksum status ${s}: ${l}`);
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
