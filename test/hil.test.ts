// npm run hil against the simulated board in a namespace (as CI runs it): every scenario passes
// and the exit status is 0. Needs root and socat; skipped otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startSim, parseArgs } from '../host-sim/cli.ts';
import { netnsUnavailable } from '../host-sim/links/netns.ts';

const why = netnsUnavailable(['socat', 'ping']);
if (why) {
  console.log(`hil: skipped (${why})`);
} else {
  test('hil passes against the simulated board', async () => {
    const sim = await startSim(parseArgs(['--link', 'tap', '--source-bytes', '200000'], true), () => {});
    try {
      const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const p = spawn('ip', ['netns', 'exec', sim.tap!.ns.name, process.execPath, '--import', 'tsx', join(import.meta.dirname, '..', 'tools', 'hil.ts'), '--ip', '198.18.0.2'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (out += d));
        p.on('close', (code) => resolve({ code, out }));
      });
      assert.is(r.code, 0, r.out);
      assert.match(r.out, /\n8 passed, 0 failed/);
      assert.match(r.out, /closed port refused\s+pass/);
    } finally { sim.close(); }
  });
}

test.run();
