// The interpreter board (host-sim/espruino/) against the Linux kernel, for its memory figures: the
// board bundle in the real interpreter (ESPRUINO; a Pico's memory with the 32-bit 5100-block
// build), the default apps on and the built-in program of about 600 blocks beside it, through a
// short Linux-peer scenario: pings, 256 KB through echo, the status page and /stats.json, the
// byte source, 20 connections in a row and 5 at once. Prints the most blocks in use the board saw
// (sampled as frames come and go) and the number of `OUT OF MEMORY` reports in its output (goal
// 0). Needs root and socat; real time (minutes on the Pico layout, which runs under qemu).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { netnsUnavailable } from '../../host-sim/links/netns.ts';
import { espruinoPath } from '../../test/helpers/espruino.ts';
import { PY, sh, sha, withSim } from '../../test/helpers/linux-peer.ts';

export interface BoardMemory { peak: number; total: number | null; oom: number; steps: string[]; answered: boolean }

const BOARD = '198.18.0.2';

/** The echo clients (test/helpers/echo-clients.py): 20 in a row, then 5 at once, 256 bytes each. */
const CONNS = join(import.meta.dirname, '..', '..', 'test', 'helpers', 'echo-clients.py');

export async function espruinoBoardMemory(): Promise<BoardMemory | string> {
  const bin = espruinoPath();
  if (!bin) return 'ESPRUINO not set';
  const why = netnsUnavailable(['socat', 'ping', 'nc', 'curl']);
  if (why) return why;
  let result: BoardMemory | string = 'did not start';
  await withSim(['--espruino', bin], async (sim, ns) => {
    const b = sim.espruino!;
    if (!(await b.waitFor(/^synack: started/, 120000, true))) { result = 'no startup line: ' + b.lines.slice(-5).join(' / '); return; }
    const steps: string[] = [];
    // After an OUT OF MEMORY the board may have stopped (Espruino interrupts the callback that ran
    // out, the poll loop's among them): then the steps left would only time out.
    const dead = async () => !/[1-9] received/.test((await sh(ns, `ping -c 2 -i 0.5 -W 5 ${BOARD}`, 20000)).out);
    const run: [string, () => Promise<string>][] = [
      ['ping', async () => `ping ${(/(\d+) received/.exec((await sh(ns, `ping -c 20 -i 0.1 -W 10 -q ${BOARD}`, 60000)).out) || [, '?'])[1]}/20`],
      ['echo', async () => {
        const data = randomBytes(256 * 1024);
        const e = await sh(ns, `nc -N ${BOARD} 7`, 300000, data);
        return `echo 256 KB ${sha(e.buf) === sha(data) ? 'ok' : `FAILED (${e.buf.length} bytes back)`}`;
      }],
      ['page', async () => `GET / ${(await sh(ns, `curl -s -m 60 -o /dev/null -w '%{http_code}' http://${BOARD}/`, 90000)).out.trim() || 'no answer'}`],
      ['stats', async () => `GET /stats.json ${(await sh(ns, `curl -s -m 60 -o /dev/null -w '%{http_code}' http://${BOARD}/stats.json`, 90000)).out.trim() || 'no answer'}`],
      ['source', async () => `source ${(await sh(ns, `nc ${BOARD} 19`, 300000)).buf.length} bytes`],
      ['conns', async () => {
        const c = await sh(ns, `${PY} ${CONNS} ${BOARD} 20 256 5 256`, 600000);
        const m = /^(\d+) (\d+)/.exec(c.out.trim());
        return m ? `${m[1]}/20 connections in a row, ${m[2]}/5 at once` : `connections: ${c.out.trim().slice(0, 80)}`;
      }],
    ];
    for (const [, step] of run) {
      steps.push(await step());
      if (await dead()) { steps.push(`the board stopped answering; its last lines: ${b.lines.slice(-3).join(' / ')}`); break; }
    }
    const alive = await sh(ns, `ping -c 3 -i 0.5 -W 5 ${BOARD}`, 30000);
    b.input('\x10print("MEMTOTAL", process.memory().total)\n');
    const total = await b.waitFor(/^MEMTOTAL \d+/, 20000);
    b.channel.readTx();
    result = { peak: b.channel.stats.peakBlocks, total: total ? Number(total.split(' ')[1]) : null, oom: b.oom, steps, answered: /[1-9] received/.test(alive.out) };
  });
  return result;
}
