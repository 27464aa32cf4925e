// Builds the bundles (BUNDLES below): the full one with esbuild, minified; the board modules with
// Closure Compiler (tools/closure.ts: every name tools/externs.js does not list renamed); each
// also readable (dist/NAME.debug.js, esbuild's) and pretokenised (dist/NAME.tok, what npm run
// flash writes). Type-checks the project first, checks tools/externs.js against the public types,
// runs the Espruino gate over the emitted code, and fails on any problem or when a chip bundle is
// over its ceiling. A board's Storage holds one chip bundle as the module "synack", and beside it
// the modules loaded on first use: "synack-net", "synack-apps", "synack-dhcp", "synack-dns",
// "synack-networkjs", and zero configuration's "synack-mdns", "synack-dnssd", "synack-linklocal".
// Usage: npm run build [-- --no-typecheck]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatViolations, gate } from './gate.ts';
import { typedGate } from './typed-gate.ts';
import { boardModules, compileBoard, netFromStorage } from './closure.ts';
import { missingExterns } from './externs-check.ts';
import { pretokenise } from './pretokenise.ts';
import { counterNames } from '../firmware/iface/counter-names.ts';
import { BUNDLE_BUDGET, BUNDLE_CEILING, STORAGE_LEFT_BUDGET, STORAGE_LEFT_FLOOR } from './budgets.ts';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');

/** esbuild's bundle of one entry. CommonJS format, and the entry assigns module.exports itself:
 *  no esbuild runtime helper (__export, __toCommonJS: getters via defineProperty) is emitted, and
 *  the code is not wrapped in a function. Espruino runs a Storage module in a scope of its own; a
 *  function declared at that top level costs 5 blocks plus one per parameter, inside any function
 *  3 more (measured on the Pico layout), so an IIFE wrapper cost about 700 blocks of RAM. Target
 *  ES2019 lowers `?.` and `??`; class fields become constructor assignments
 *  (useDefineForClassFields is false). The full bundle (tests, simulator) is this, minified; a
 *  board module's readable form (NAME.debug.js) is this before Closure (tools/closure.ts). */
export async function bundle(entry: string, minify: boolean, board = false): Promise<string> {
  // A board module's readable form is compiled as its bundle is: BOARD defined (wire/on-board.ts).
  const defines: { [k: string]: string } = { BUILD_ID: JSON.stringify('host') };
  if (board) defines.BOARD = 'true';
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'cjs',
    target: 'es2019',
    platform: 'neutral',
    minify,
    define: defines,
    plugins: board ? [netFromStorage] : [],
    legalComments: 'none',
    charset: 'ascii',
    treeShaking: true,
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

export interface BuildResult { name: string; code: string; bytes: number; gzip: number; /** pretokenised, as in Storage */ storage: number }

/** The bundles: the full one the tests and the simulator load, one per chip for boards (stack and
 *  driver: the budgeted product, `chip`), and the modules beside it. `board`: through Closure
 *  Compiler, names renamed as outside code cannot see them. */
export const BUNDLES: { name: string; entry: string; board: boolean; chip?: boolean }[] = [
  { name: 'synack', entry: 'index.ts', board: false },
  { name: 'synack-enc28j60', entry: 'board-enc28j60.ts', board: true, chip: true },
  { name: 'synack-w5500', entry: 'board-w5500.ts', board: true, chip: true },
  { name: 'synack-net', entry: 'socket/net-module.ts', board: true },
  { name: 'synack-apps', entry: 'apps/module.ts', board: true },
  { name: 'synack-dhcp', entry: 'iface/dhcp-module.ts', board: true },
  { name: 'synack-dns', entry: 'iface/dns-module.ts', board: true },
  { name: 'synack-networkjs', entry: 'socket/networkjs-module.ts', board: true },
  { name: 'synack-mdns', entry: 'iface/mdns-module.ts', board: true },
  { name: 'synack-dnssd', entry: 'iface/dnssd-module.ts', board: true },
  { name: 'synack-linklocal', entry: 'iface/linklocal-module.ts', board: true },
];

/** Checks one bundle against the Espruino gate and writes dist/NAME.js, NAME.debug.js (readable)
 *  and NAME.tok (pretokenised, what npm run flash writes to Storage). */
function writeBundle(name: string, code: string, debug: string): BuildResult {
  const problems = gate(code);
  if (problems.length) {
    throw new Error(`the bundle uses what Espruino cannot run (${problems.length} problems):\n` + formatViolations(problems, `dist/${name}.js`));
  }
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, `${name}.js`), code);
  writeFileSync(join(dist, `${name}.debug.js`), debug);
  const tok = pretokenise(code);
  writeFileSync(join(dist, `${name}.tok`), tok, 'latin1');
  return { name, code, bytes: Buffer.byteLength(code), gzip: gzipSync(code).length, storage: tok.length };
}

/** Builds every bundle: the full one with esbuild, the board modules with Closure Compiler in one
 *  run (tools/closure.ts); fails when tools/externs.js lacks a name a user or Espruino uses
 *  (tools/externs-check.ts), on anything the Espruino gate refuses, and when a chip bundle is over
 *  its ceiling (tools/budgets.ts). */
export async function buildAll(): Promise<BuildResult[]> {
  const missing = missingExterns();
  if (missing.length) throw new Error(missing.join('\n'));
  const typed = typedGate();
  if (typed.length) {
    throw new Error(`firmware/ does what Espruino runs differently (${typed.length} problems):\n` +
      typed.map((v) => `  ${v.file}:${v.line}: ${v.text}\n    ${v.message}`).join('\n'));
  }
  const out: BuildResult[] = [];
  const full = BUNDLES.find((b) => !b.board)!;
  out.push(writeBundle(full.name, await bundle(join(root, 'firmware', full.entry), true), await bundle(join(root, 'firmware', full.entry), false)));
  const chunks = await compileBoard();
  const modules = boardModules(chunks);
  // The counters' names, a Storage file of their own on a board (iface/counter-names-storage.ts):
  // the names, then the build's id. Written as it is (data, read in place: nothing to tokenise).
  writeFileSync(join(root, 'dist', 'synack-names.txt'), counterNames() + ' ' + chunks.buildId);
  for (const b of BUNDLES) {
    if (!b.board) continue;
    out.push(writeBundle(b.name, modules[b.name], await bundle(join(root, 'firmware', b.entry), false, true)));
  }
  const over = out.filter((r) => BUNDLES.find((b) => b.name === r.name)!.chip && r.storage > BUNDLE_CEILING);
  if (over.length) {
    throw new Error(over.map((r) => `dist/${r.name}.tok is ${r.storage} bytes pretokenised, over the ${BUNDLE_CEILING}-byte ceiling in tools/budgets.ts`).join('\n') +
      '\n(shrink it: less code on the board; the goal is ' + BUNDLE_BUDGET + ' bytes)');
  }
  // The Storage the HTTP example leaves on a Pico, as npm run flash -- --program writes it.
  const { flashedFiles, HTTP_EXAMPLE } = await import('./bench/flashed.ts');
  const ex = flashedFiles(readFileSync(HTTP_EXAMPLE, 'utf8'));
  if (ex.left < STORAGE_LEFT_FLOOR) {
    throw new Error(`examples/http-server.js flashed on DHCP leaves ${ex.left} bytes of a Pico's Storage, under the ${STORAGE_LEFT_FLOOR}-byte floor in tools/budgets.ts` +
      ` (the goal is ${STORAGE_LEFT_BUDGET}: shrink the chip bundle, synack-dhcp or synack-networkjs)`);
  }
  return out;
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
    const rs = await buildAll();
    for (const r of rs) console.log(`build: dist/${r.name}.js ${r.bytes} bytes minified (${r.gzip} gzipped, ${r.storage} pretokenised for Storage), passed the Espruino gate`);
  } catch (e) {
    console.error('build: ' + (e as Error).message);
    process.exit(1);
  }
}

if (process.argv[1] && /tools[\\/]build\.ts$/.test(process.argv[1])) main();
