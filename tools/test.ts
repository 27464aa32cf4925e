// Runs every uvu suite under test/ (one file per unit), each in its own Node process so that one
// crash cannot hide another suite's result, and prints the totals as `N passed, N failed` alone on
// the last line, the line CI reads. Usage: npm test [-- PATTERN...] (substrings of file names).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const patterns = process.argv.slice(2);
const files = readdirSync(join(root, 'test'))
  .filter((f) => f.endsWith('.test.ts'))
  .filter((f) => patterns.length === 0 || patterns.some((p) => f.includes(p)))
  .sort();

interface Result { file: string; passed: number; failed: number; skipped: number; output: string; code: number | null }

function strip(s: string): string {
  // uvu colours its summary; the counts are read from the plain text.
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

function runOne(file: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('test', file)], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const limit = Number(process.env.SYNACK_TEST_TIMEOUT_S || 900) * 1000;
    const timer = setTimeout(() => { output += `\n[test runner] ${file} killed after ${limit / 1000} s\n`; child.kill('SIGKILL'); }, limit);
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = strip(output);
      let total = 0, passed = 0, skipped = 0;
      const re = /Total:\s+(\d+)\s+Passed:\s+(\d+)\s+Skipped:\s+(\d+)/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text))) { total += +m[1]; passed += +m[2]; skipped += +m[3]; }
      // uvu's Total counts the tests that ran (skipped ones are not in it).
      let failed = total - passed;
      // A suite that crashed, or exited non-zero without a summary, counts as one failure.
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ file, passed, failed, skipped, output: text, code });
    });
  });
}

async function main(): Promise<void> {
  const jobs = Math.max(1, Number(process.env.SYNACK_TEST_JOBS || 2));
  const queue = files.slice();
  const results: Result[] = [];
  async function worker(): Promise<void> {
    for (;;) {
      const f = queue.shift();
      if (!f) return;
      const r = await runOne(f);
      results.push(r);
      const mark = r.failed ? 'FAIL' : 'ok  ';
      console.log(`${mark} ${f}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`);
      if (r.failed || process.env.SYNACK_TEST_VERBOSE) console.log(r.output.split('\n').map((l) => '    ' + l).join('\n'));
    }
  }
  await Promise.all(Array.from({ length: jobs }, worker));
  const p = results.reduce((a, r) => a + r.passed, 0);
  const f = results.reduce((a, r) => a + r.failed, 0);
  const s = results.reduce((a, r) => a + r.skipped, 0);
  console.log(`${p} passed, ${f} failed` + (s ? `, ${s} skipped` : ''));
  process.exitCode = f > 0 || results.length === 0 ? 1 : 0;
}

main();
