// The simulated board against the Linux kernel, and the kernel against itself over the same UDP
// bridge (TAP, socat, one frame per UDP datagram), side by side: MB/s one way into the discard
// port and connections per second against the echo port. Needs root and socat; real time.
import { spawn } from 'node:child_process';
import { startSim, parseArgs } from '../../host-sim/cli.ts';
import { TapNamespace, freeUdpPort } from '../../host-sim/links/tap.ts';
import { netnsUnavailable } from '../../host-sim/links/netns.ts';

const PY = '/usr/bin/python3';
const CLIENT = `
import socket, sys, time
host, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == 'bulk':
    data = b'x' * 65536
    t = time.time()
    s = socket.create_connection((host, 9), timeout=20)
    sent = 0
    while sent < n:
        s.sendall(data); sent += len(data)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
    print(sent / 1e6 / (time.time() - t))
else:
    t = time.time(); done = 0
    while done < n and time.time() - t < 20:
        s = socket.create_connection((host, 7), timeout=5)
        s.sendall(b'x'); s.recv(1); s.close(); done += 1
    print(done / (time.time() - t))
`;
const SERVER = `
import socket, threading
def serve(port, echo):
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(('0.0.0.0', port)); l.listen(64)
    while True:
        c, _ = l.accept()
        def h(c=c):
            while True:
                d = c.recv(65536)
                if not d: break
                if echo: c.sendall(d)
            c.close()
        threading.Thread(target=h, daemon=True).start()
threading.Thread(target=serve, args=(9, False), daemon=True).start()
print('ready', flush=True)
serve(7, True)
`;

function run(ns: string, args: string[], ms: number): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const t = setTimeout(() => p.kill('SIGKILL'), ms);
    p.on('close', () => { clearTimeout(t); resolve(out.trim()); });
  });
}

async function measure(ns: string, host: string): Promise<{ mbps: number; cps: number }> {
  const bulk = Number(await run(ns, [PY, '-c', CLIENT, host, 'bulk', String(4 << 20)], 60000));
  const cps = Number(await run(ns, [PY, '-c', CLIENT, host, 'conns', '200'], 60000));
  return { mbps: bulk, cps };
}

export async function linuxFigures(): Promise<void> {
  const why = netnsUnavailable(['socat']);
  if (why) { console.log(`board vs Linux: skipped (${why})`); return; }
  console.log('board vs Linux over the UDP bridge (real time; 4 MB into discard, up to 200 echo connections)');
  // The simulated board (ENC28J60 model and driver) behind the bridge.
  const sim = await startSim(parseArgs(['--link', 'tap', '--source-bytes', '0'], true), () => {});
  let board = { mbps: NaN, cps: NaN };
  try { board = await measure(sim.tap!.ns.name, '198.18.0.2'); } finally { sim.close(); }
  // Two kernels joined by the same kind of bridge: TAP - socat - UDP - socat - TAP.
  const p1 = await freeUdpPort(), p2 = await freeUdpPort();
  const t1 = await TapNamespace.create({ simPort: p2, socatPort: p1, ns: `synack-bench-a-${process.pid}`, ifname: `sba${process.pid % 10000}`, hostCidr: '198.18.0.1/24' });
  const t2 = await TapNamespace.create({ simPort: p1, socatPort: p2, ns: `synack-bench-b-${process.pid}`, ifname: `sbb${process.pid % 10000}`, hostCidr: '198.18.0.2/24' });
  let kernel = { mbps: NaN, cps: NaN };
  try {
    const srv = t2.ns.spawn(PY, ['-c', SERVER]);
    await new Promise((r) => { srv.stdout!.once('data', r); setTimeout(r, 3000); });
    kernel = await measure(t1.ns.name, '198.18.0.2');
  } finally { t1.close(); t2.close(); }
  const row = (name: string, b: number, k: number) => console.log(`  ${name.padEnd(28)} board ${b.toFixed(2).padStart(8)}   kernel ${k.toFixed(2).padStart(8)}   ratio ${(b / k).toFixed(2)} (target >= 0.5)`);
  row('MB/s into discard', board.mbps, kernel.mbps);
  row('echo connections/s', board.cps, kernel.cps);
}
