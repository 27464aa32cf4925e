// npm run hil -- --ip A.B.C.D [--port /dev/ttyACM0]: the board scenarios from this host against a
// board on the LAN (real or simulated): ARP and ping sizes, echo integrity, a closed port refused,
// both close orders, throughput each way, concurrent connections. Progress as it goes, a summary
// table at the end, exit status 0 only if all pass. (--port: a reset and DHCP re-acquisition
// while watching the console: not written yet, reported as skipped.)
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';

interface Result { name: string; ok: boolean | null; detail: string }

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what}: no answer in ${ms / 1000} s`)), ms))]);
}

/** Connects, sends `data` (then half-closes), collects everything until the board closes. */
function exchange(ip: string, port: number, data: Buffer | null): Promise<{ got: Buffer; ms: number; error: string | null }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const chunks: Buffer[] = [];
    let error: string | null = null;
    const s = net.connect({ host: ip, port }, () => { if (data) s.end(data); });
    s.on('data', (d) => chunks.push(d));
    s.on('end', () => { if (!data) s.end(); });
    s.on('error', (e: NodeJS.ErrnoException) => { error = e.code || e.message; });
    s.on('close', () => resolve({ got: Buffer.concat(chunks), ms: Date.now() - t0, error }));
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export async function hil(ip: string, consolePort: string | null, log: (s: string) => void = console.log): Promise<Result[]> {
  const results: Result[] = [];
  const check = async (name: string, fn: () => Promise<string>) => {
    log(`.. ${name}`);
    try { const detail = await withTimeout(fn(), 60000, name); results.push({ name, ok: true, detail }); log(`ok ${name}: ${detail}`); }
    catch (e) { results.push({ name, ok: false, detail: (e as Error).message }); log(`FAIL ${name}: ${(e as Error).message}`); }
  };
  await check('ARP and ping, 0 to 1472 bytes', async () => {
    for (const n of [0, 1, 56, 1000, 1472]) {
      const r = spawnSync('ping', ['-c', '2', '-i', '0.2', '-W', '2', '-s', String(n), ip], { encoding: 'utf8' });
      if (!/2 received/.test(r.stdout || '')) throw new Error(`ping -s ${n}: ${(r.stdout || r.stderr || '').trim().split('\n').slice(-2).join(' ')}`);
    }
    return 'sizes 0, 1, 56, 1000, 1472 answered';
  });
  await check('echo integrity (256 KB through port 7)', async () => {
    const data = randomBytes(256 * 1024);
    const r = await exchange(ip, 7, data);
    if (r.error) throw new Error(r.error);
    if (sha(r.got) !== sha(data)) throw new Error(`${r.got.length} bytes back, sha256 differs`);
    return `sha256 equal, ${r.ms} ms`;
  });
  await check('closed port refused', async () => {
    const t0 = Date.now();
    const r = await exchange(ip, 1, Buffer.from('x'));
    if (r.error !== 'ECONNREFUSED') throw new Error(`expected ECONNREFUSED, got ${r.error ?? 'a connection'}`);
    return `refused in ${Date.now() - t0} ms`;
  });
  await check('we close first (echo, half-close)', async () => {
    const r = await exchange(ip, 7, Buffer.from('bye'));
    if (r.error || r.got.toString() !== 'bye') throw new Error(r.error || `got "${r.got}"`);
    return 'clean';
  });
  await check('the board closes first (source on port 19)', async () => {
    const r = await exchange(ip, 19, null);
    if (r.error) throw new Error(r.error);
    return `${r.got.length} bytes then FIN`;
  });
  await check('throughput to the board (discard, 1 MB)', async () => {
    const r = await exchange(ip, 9, randomBytes(1 << 20));
    if (r.error) throw new Error(r.error);
    return `${((1 << 20) / 1e6 / (r.ms / 1000)).toFixed(2)} MB/s`;
  });
  await check('throughput from the board (source)', async () => {
    const r = await exchange(ip, 19, null);
    if (r.error) throw new Error(r.error);
    return `${(r.got.length / 1e6 / (r.ms / 1000)).toFixed(2)} MB/s (${r.got.length} bytes)`;
  });
  await check('4 concurrent echo connections', async () => {
    const datas = [0, 1, 2, 3].map(() => randomBytes(16 * 1024));
    const rs = await Promise.all(datas.map((d) => exchange(ip, 7, d)));
    rs.forEach((r, i) => { if (r.error || sha(r.got) !== sha(datas[i])) throw new Error(`connection ${i}: ${r.error || 'data differs'}`); });
    return 'all four sha256 equal';
  });
  if (consolePort) results.push({ name: 'reset and DHCP re-acquisition (console)', ok: null, detail: 'not written yet: skipped' });
  return results;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let ip = '', port: string | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--ip') ip = args[++i] ?? '';
    else if (args[i] === '--port') port = args[++i] ?? null;
    else { console.error(`hil: unknown option ${args[i]}\nusage: npm run hil -- --ip A.B.C.D [--port /dev/ttyACM0]`); process.exit(2); }
  }
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) { console.error('hil: give the board\'s address: npm run hil -- --ip A.B.C.D'); process.exit(2); }
  const results = await hil(ip, port);
  console.log('\nscenario'.padEnd(48) + 'result  detail');
  for (const r of results) console.log(`${r.name.padEnd(47)} ${r.ok === null ? 'skip' : r.ok ? 'pass' : 'FAIL'}    ${r.detail}`);
  const failed = results.filter((r) => r.ok === false).length;
  console.log(`\n${results.filter((r) => r.ok).length} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && /tools[\\/]hil\.ts$/.test(process.argv[1])) main();
