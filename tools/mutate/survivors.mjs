// Reads reports/mutation/mutation.json (written by npm run mutate) and prints the score of each
// file and, for the files named (substrings of their paths), each surviving or uncovered mutant
// with its line: `node tools/mutate/survivors.mjs [tcp.ts ...]` (another report: SYNACK_MUTATION_JSON=path).
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.env.SYNACK_MUTATION_JSON || 'reports/mutation/mutation.json', 'utf8'));
const want = process.argv.slice(2);
const rows = [];
for (const [path, f] of Object.entries(report.files)) {
  const n = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  for (const m of f.mutants) if (m.status in n) n[m.status]++; else n.other++;
  const valid = n.Killed + n.Timeout + n.Survived + n.NoCoverage;
  rows.push([path, valid ? (100 * (n.Killed + n.Timeout)) / valid : 100, n]);
  if (want.some((w) => path.includes(w))) {
    const lines = f.source.split('\n');
    for (const m of f.mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage').sort((a, b) => a.location.start.line - b.location.start.line)) {
      const l = m.location.start.line;
      console.log(`${path}:${l}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}  | ${lines[l - 1].trim().slice(0, 110)}`);
    }
  }
}
let all = { k: 0, v: 0 };
for (const [p, s, n] of rows.sort((a, b) => a[0].localeCompare(b[0]))) {
  console.log(`${s.toFixed(1).padStart(6)}%  ${p}  killed ${n.Killed}, timeout ${n.Timeout}, survived ${n.Survived}, no coverage ${n.NoCoverage}`);
  all.k += n.Killed + n.Timeout; all.v += n.Killed + n.Timeout + n.Survived + n.NoCoverage;
}
console.log(`${((100 * all.k) / all.v).toFixed(1).padStart(6)}%  all`);
