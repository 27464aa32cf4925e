// The Interface against the Linux kernel's own stack: a veth pair between two network namespaces
// this test creates (and always deletes), 198.18.0.0/24 only. Our side is bridged to the
// Interface by test/helpers/packet-bridge.py (an AF_PACKET socket); the Linux side runs
// test/helpers/linux-peer.py. Checked: Linux pings us (payloads 0, 1, 56, 1000, 1472), UDP echo
// both ways, ICMP port unreachable seen by Linux as "connection refused", and we ping Linux (our
// ARP request, its reply). Needs root and iproute2; without them the suite registers no test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Interface } from '../firmware/iface/interface.ts';
import type { EthernetDriver } from '../firmware/drivers/driver.ts';
import { totalDrops } from '../firmware/iface/counters.ts';

const US = '198.18.0.1', PEER = '198.18.0.2';
const nsA = `h1ifaceA${process.pid}`, nsB = `h1ifaceB${process.pid}`;
const PY = '/usr/bin/python3';

function canRun(): boolean {
  try {
    if (process.getuid && process.getuid() !== 0) return false;
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    execFileSync(PY, ['-c', 'import socket'], { stdio: 'ignore' });
    return true;
  } catch { return false; }
}

function sh(args: string[]) { execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10000 }); }

function cleanup() {
  for (const ns of [nsA, nsB]) { try { execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); } catch { /* not there */ } }
}

function peer(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', nsB, PY, join(import.meta.dirname, 'helpers', 'linux-peer.py'), ...args],
      { timeout: 30000 }, (err, stdout, stderr) => resolve((stdout + (err ? ` ${stderr} ${err.message}` : '')).trim()));
  });
}

/** An EthernetDriver over the bridge's stdin/stdout (2-byte length, frame). */
class PipeDriver implements EthernetDriver {
  mac = Uint8Array.of(2, 0, 0, 0, 0, 1);
  q: Uint8Array[] = [];
  pending = Buffer.alloc(0);
  constructor(private child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.pending = Buffer.concat([this.pending, d]);
      while (this.pending.length >= 2) {
        const n = this.pending.readUInt16BE(0);
        if (this.pending.length < 2 + n) break;
        this.q.push(new Uint8Array(this.pending.subarray(2, 2 + n)));
        this.pending = this.pending.subarray(2 + n);
      }
    });
  }
  send(f: Uint8Array, len: number): boolean {
    const h = Buffer.alloc(2);
    h.writeUInt16BE(len, 0);
    this.child.stdin!.write(Buffer.concat([h, Buffer.from(f.subarray(0, len))]));
    return true;
  }
  recv(buf: Uint8Array): number {
    const f = this.q.shift();
    if (!f) return 0;
    const n = Math.min(f.length, buf.length);
    buf.set(f.subarray(0, n));
    return n;
  }
  link(): boolean { return true; }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!canRun()) {
  test.skip('Linux interop (needs root, iproute2, /usr/bin/python3)', () => {});
} else {
  test('Linux and the Interface: ping both ways, UDP echo, port unreachable', async () => {
    let bridge: ChildProcess | undefined;
    let timer: NodeJS.Timeout | undefined;
    process.on('exit', cleanup);
    try {
      sh(['ip', 'netns', 'add', nsA]);
      sh(['ip', 'netns', 'add', nsB]);
      for (const ns of [nsA, nsB]) sh(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
      sh(['ip', '-n', nsA, 'link', 'add', 'name', 'h1a', 'type', 'veth', 'peer', 'name', 'h1b', 'netns', nsB]);
      sh(['ip', '-n', nsA, 'link', 'set', 'h1a', 'up']);
      sh(['ip', '-n', nsB, 'addr', 'add', `${PEER}/24`, 'dev', 'h1b']);
      sh(['ip', '-n', nsB, 'link', 'set', 'h1b', 'up']);
      assert.is(await peer(['nocsum', 'h1b']), 'ok nocsum');
      bridge = spawn('ip', ['netns', 'exec', nsA, PY, join(import.meta.dirname, 'helpers', 'packet-bridge.py'), 'h1a', '90'],
        { stdio: ['pipe', 'pipe', 'inherit'] });
      const drv = new PipeDriver(bridge);
      const t0 = Date.now();
      const ifc = new Interface(drv, { ip: 0xc6120001, prefix: 24, gateway: 0 });
      timer = setInterval(() => ifc.poll(Date.now() - t0), 1);
      ifc.udpBind(7, (src, sp, _dst, b, off, len) => { ifc.udpSend(7, src, sp, b, off, len); });
      await sleep(300); // the bridge's socket is bound

      for (const n of [0, 1, 56, 1000, 1472]) assert.is(await peer(['ping', US, String(n), '3']), `ok ping ${n} x 3`);
      assert.is(await peer(['udp', US, '7', '1']), 'ok udp 1');
      assert.is(await peer(['udp', US, '7', '1472']), 'ok udp 1472');
      assert.is(await peer(['closed', US, '9999']), 'ok refused');

      // we ping Linux: ARP for it (already learnt from its requests, or resolved now), then echo
      const replies: number[] = [];
      ifc.register(1, { input: (_s, _d, b, off, len) => { if (b[off] === 0) replies.push(len - 8); }, poll: () => 0x7fffffff });
      const data = new Uint8Array(100).map((_, i) => i);
      assert.ok(ifc.sendPing(0xc6120002, 0x1234, 1, data, 0, 100));
      for (let i = 0; i < 300 && replies.length === 0; i++) await sleep(10);
      assert.equal(replies, [100]);
      // the one datagram to the closed port is the only drop
      assert.is(ifc.counters.dropUdpNoPort, 1);
      assert.is(totalDrops(ifc.counters), 1, JSON.stringify(ifc.counters));
      assert.is(ifc.counters.icmpEchoTx, 15);
    } finally {
      if (timer) clearInterval(timer);
      if (bridge) { bridge.stdin!.end(); bridge.kill(); }
      cleanup();
    }
  });
}

test.run();
