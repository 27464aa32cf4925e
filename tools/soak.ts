// npm run soak [-- --hours H] [--seed S] [--chip enc28j60|w5500|both]
// The virtual soak (tools/soak/soak.ts, docs/fuzzing.md): 24 hours of virtual time by default,
// both chip models, seeded; prints what the issue asks (probes answered and the longest gap,
// memory, connections at the end, the counters behind every dropped frame, virtual s per wall s).
// Exit status 1 when a probe went unanswered outside the planned outages (the lock-out of issue
// 21 is reported apart), a client session failed outside them, or a frame is unexplained.
import { Soak, describeSoak } from './soak/soak.ts';
import type { ChipKind } from '../host-sim/chips/attach.ts';

function usage(why: string): never {
  console.error(`soak: ${why}; usage: npm run soak -- [--hours H] [--seed S] [--chip enc28j60|w5500|both]`);
  process.exit(2);
}

const a = process.argv.slice(2);
let hours = 24, seed = 1, chips: ChipKind[] = ['enc28j60', 'w5500'];
for (let i = 0; i < a.length; i++) {
  const v = () => { if (i + 1 >= a.length) usage(`${a[i]} needs a value`); return a[++i]; };
  if (a[i] === '--hours') { hours = Number(v()); if (!(hours > 0)) usage('--hours: a positive number'); }
  else if (a[i] === '--seed') { seed = Number(v()); if (!Number.isInteger(seed)) usage('--seed: an integer'); }
  else if (a[i] === '--chip') { const c = v(); if (c === 'both') chips = ['enc28j60', 'w5500']; else if (c === 'enc28j60' || c === 'w5500') chips = [c]; else usage(`--chip ${c}: enc28j60, w5500 or both`); }
  else usage(`unknown option ${a[i]}`);
}
let bad = false;
for (const chip of chips) {
  const r = new Soak({ chip, seed: seed + (chip === 'w5500' ? 1000 : 0), durationMs: hours * 3600_000, eventEveryMs: hours >= 2 ? 20 * 60_000 : Math.max(30_000, hours * 3600_000 / 6), progress: (l) => console.log(l) }).run();
  for (const l of describeSoak(r)) console.log(l);
  if (r.probes.unanswered || r.frames.unexplained) bad = true;
}
process.exitCode = bad ? 1 : 0;
