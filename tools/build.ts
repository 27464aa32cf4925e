// Builds the board bundle: firmware/index.ts -> dist/synack.js (minified, a module Espruino
// loads with require("synack") from Storage) and dist/synack.debug.js (readable), type-checks the
// project, then runs the Espruino gate over the emitted code and fails on any violation.
// Usage: npm run build [-- --no-typecheck]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatViolations, gate } from './gate.ts';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');

/** The esbuild options every bundle of ours shares. IIFE format: the entry assigns
 *  module.exports itself, so no esbuild runtime helper (__export, __toCommonJS: getters via
 *  defineProperty) is emitted. Target ES2019 lowers `?.`, `??`, `**`-free code stays as written;
 *  class fields become constructor assignments (useDefineForClassFields is false). */
export async function bundle(entry: string, minify: boolean): Promise<string> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2019',
    platform: 'neutral',
    minify,
    legalComments: 'none',
    charset: 'ascii',
    treeShaking: true,
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

export interface BuildResult { code: string; bytes: number; gzip: number }

export async function buildFirmware(entry = join(root, 'firmware', 'index.ts'), name = 'synack'): Promise<BuildResult> {
  const code = await bundle(entry, true);
  const debug = await bundle(entry, false);
  const problems = gate(code).concat(gate(debug));
  if (problems.length) {
    const dbg = gate(debug);
    throw new Error(`the bundle uses what Espruino cannot run (${dbg.length || problems.length} problems):\n` +
      formatViolations(dbg.length ? dbg : problems, dbg.length ? `dist/${name}.debug.js` : `dist/${name}.js`));
  }
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, `${name}.js`), code);
  writeFileSync(join(dist, `${name}.debug.js`), debug);
  return { code, bytes: Buffer.byteLength(code), gzip: gzipSync(code).length };
}

async function main(): Promise<void> {
  if (!process.argv.includes('--no-typecheck')) {
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', root], { stdio: 'pipe' });
    } catch (e) {
      const out = String((e as { stdout?: Buffer }).stdout || '') + String((e as { stderr?: Buffer }).stderr || '');
      console.error('build: type errors (fix them, or build with -- --no-typecheck to look at the bundle anyway):\n' + out);
      process.exit(1);
    }
  }
  try {
    const r = await buildFirmware();
    console.log(`build: dist/synack.js ${r.bytes} bytes minified (${r.gzip} gzipped), passed the Espruino gate`);
  } catch (e) {
    console.error('build: ' + (e as Error).message);
    process.exit(1);
  }
}

if (process.argv[1] && /tools[\\/]build\.ts$/.test(process.argv[1])) main();
