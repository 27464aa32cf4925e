// npm run bench's endurance section (issue 22, docs/fuzzing.md): the fuzzer's 10^6 frames against
// the built bundle, and the 24-hour virtual soak on both chip models, with how long each took.
// SYNACK_BENCH_ENDURANCE=0 leaves it out (it takes about 20 minutes on one core).
import { Fuzzer, describe } from '../fuzz/engine.ts';
import { NodeTarget } from '../fuzz/node-target.ts';
import { Soak, describeSoak } from '../soak/soak.ts';

export async function enduranceFigures(): Promise<void> {
  if (process.env.SYNACK_BENCH_ENDURANCE === '0') return;
  console.log('endurance (npm run fuzz, npm run soak): the fuzzer\'s 10^6 frames against dist/synack.js (seed 1), then 24 h of virtual soak per chip model (seed 1)');
  const t0 = performance.now();
  const rep = await new Fuzzer(new NodeTarget(1), { frames: 1_000_000, seed: 1 }).run();
  for (const l of describe(rep, performance.now() - t0)) console.log('  ' + l);
  for (const chip of ['enc28j60', 'w5500'] as const) {
    const r = new Soak({ chip, seed: chip === 'w5500' ? 1001 : 1, durationMs: 24 * 3600_000 }).run();
    for (const l of describeSoak(r)) console.log('  ' + l);
  }
}
