// npm run fuzz -- --frames N --seed S [--minutes M] [--copy] [--espruino PATH] [--json]
// (--minutes: stop feeding after M minutes of wall time, then let the timers run out and report)
// The stateful fuzzer (tools/fuzz/engine.ts, docs/fuzzing.md) against the built bundle in Node, or
// with --espruino against the interpreter board (the board bundle in Espruino, fed through its
// frame channel: tools/fuzz/espruino-target.ts). Prints the report; exit status 1 on a failure
// other than issue 21's lock-out (connections of vanished peers), 2 on a bad option.
import { Fuzzer, describe, isLockOut } from './fuzz/engine.ts';
import { NodeTarget } from './fuzz/node-target.ts';

function usage(why: string): never {
  console.error(`fuzz: ${why}; usage: npm run fuzz -- --frames N --seed S [--minutes M] [--copy] [--espruino PATH] [--json]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  let frames = 20000, seed = 1, fresh = true, espruino: string | null = null, json = false, minutes = Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = () => { if (i + 1 >= a.length) usage(`${a[i]} needs a value`); return a[++i]; };
    if (a[i] === '--frames') { frames = Number(v()); if (!(frames > 0)) usage('--frames: a positive number'); }
    else if (a[i] === '--seed') { seed = Number(v()); if (!Number.isInteger(seed)) usage('--seed: an integer'); }
    else if (a[i] === '--copy') fresh = false;
    else if (a[i] === '--espruino') espruino = v();
    else if (a[i] === '--json') json = true;
    else if (a[i] === '--minutes') { minutes = Number(v()); if (!(minutes > 0)) usage('--minutes: a positive number'); }
    else usage(`unknown option ${a[i]}`);
  }
  const t0 = performance.now();
  let rep;
  if (espruino) {
    const { EspruinoTarget } = await import('./fuzz/espruino-target.ts');
    const target = await EspruinoTarget.start(espruino, (l) => console.log(l));
    try {
      rep = await new Fuzzer(target, { frames, seed, progress: (l) => console.log(l), probeWaitMs: 10000, drainMs: 120_000, wallLimitMs: minutes * 60_000 }).run();
      for (const l of target.summary()) console.log(l);
    } finally { target.close(); }
  } else {
    rep = await new Fuzzer(new NodeTarget(seed, fresh), { frames, seed, progress: (l) => console.log(l), wallLimitMs: minutes * 60_000 }).run();
  }
  const wall = performance.now() - t0;
  if (json) console.log(JSON.stringify(rep));
  for (const l of describe(rep, wall)) console.log(l);
  const real = Object.keys(rep.failureCounts).filter((k) => !isLockOut(k));
  process.exitCode = real.length ? 1 : 0;
}

main();
