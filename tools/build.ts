// Builds the bundles (BUNDLES below): each minified (dist/NAME.js, with internal property names
// shortened) and readable (dist/NAME.debug.js); type-checks the project first, runs the Espruino
// gate over the emitted code, and fails on any violation or when a chip bundle is over its
// ceiling. A board's Storage holds one chip bundle as the module "synack", the net-style API as
// "synack-net" (loaded on first use) and the apps as "synack-apps".
// Usage: npm run build [-- --no-typecheck]
import { build, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatViolations, gate } from './gate.ts';
import { mangleRegExp, PUBLIC_TYPES } from './mangle.ts';
import { inlineConstants } from './inline-consts.ts';
import { inlineFunctions } from './inline-functions.ts';
import { aliasGlobals } from './alias-globals.ts';
import { pretokenise } from './pretokenise.ts';
import { BUNDLE_BUDGET, BUNDLE_CEILING } from './budgets.ts';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');

/** The esbuild options every bundle of ours shares. CommonJS format, and the entry assigns
 *  module.exports itself: no esbuild runtime helper (__export, __toCommonJS: getters via
 *  defineProperty) is emitted, and the code is not wrapped in a function. Espruino runs a Storage
 *  module in a scope of its own; a function declared at that top level costs 5 blocks plus one
 *  per parameter, inside any function 3 more (measured on the Pico layout), so an IIFE wrapper
 *  cost about 700 blocks of RAM. Target ES2019 lowers `?.`, `??`, `**`-free code stays as written;
 *  class fields become constructor assignments (useDefineForClassFields is false). */
export async function bundle(entry: string, minify: boolean, board = false, shared?: Shared): Promise<string> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'cjs',
    target: 'es2019',
    platform: 'neutral',
    minify,
    // Names only the firmware sees are shortened (tools/mangle.ts): fewer bytes in Storage and
    // fewer RAM blocks per object on the board. The readable bundle keeps them.
    mangleProps: minify ? mangleRegExp(join(root, 'firmware'), board ? PUBLIC_TYPES : undefined) : undefined,
    // The board bundles and "synack-net" shorten each name the same way: the module works with
    // either chip's bundle.
    mangleCache: minify && board && shared ? shared.names : undefined,
    define: { BUILD_ID: JSON.stringify(shared ? shared.id : 'host') },
    plugins: board ? [netFromStorage].concat(/(net-module|apps[\\/]module)\.ts$/.test(entry) ? [onlyWhatIsUsed] : []) : [],
    legalComments: 'none',
    charset: 'ascii',
    treeShaking: true,
    tsconfig: join(root, 'tsconfig.json'),
    logLevel: 'silent',
  });
  if (minify && board && shared && r.mangleCache) shared.names = r.mangleCache;
  const text = r.outputFiles[0].text;
  return minify ? aliasGlobals(inlineFunctions(inlineConstants(text).code).code).code : text;
}

/** What the board bundles share: the shortened names, and an id of them (BUILD_ID) by which the
 *  stack refuses a "synack-net" module from another build. */
export interface Shared { names: Record<string, string | false>; id: string }

/** In the chip bundles, the stack's import of the net-style API becomes socket/net-storage.ts,
 *  which loads the "synack-net" module on first use. */
const netFromStorage: Plugin = {
  name: 'net-from-storage',
  setup(b) {
    b.onResolve({ filter: /[\\/]net\.ts$/ }, (args) =>
      /[\\/]firmware[\\/]stack\.ts$/.test(args.importer) ? { path: join(root, 'firmware', 'socket', 'net-storage.ts') } : undefined);
  },
};

/** For a module that runs beside the stack's bundle ("synack-net", "synack-apps"): what it imports from the
 *  stack's sources (constants) comes without their modules' top-level code, which the stack's
 *  bundle has already run, and the address and string helpers are the stack's own. */
const onlyWhatIsUsed: Plugin = {
  name: 'only-what-is-used',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const path = resolve(dirname(args.importer), args.path);
      // The address and string helpers come from the stack's bundle (socket/from-stack.ts).
      const fromStack = join(root, 'firmware', 'socket', 'from-stack.ts');
      if ((path === join(root, 'firmware', 'wire', 'ipv4.ts') || path === join(root, 'firmware', 'wire', 'bytes.ts')) && args.importer !== fromStack) {
        return { path: fromStack };
      }
      return { path, sideEffects: false };
    });
  },
};

/** The board bundles' shared names: a first pass over them collects the names, then the id. */
async function sharedNames(): Promise<Shared> {
  const shared: Shared = { names: {}, id: '' };
  for (const b of BUNDLES) if (b.board) await bundle(join(root, 'firmware', b.entry), true, true, shared);
  const sorted = Object.keys(shared.names).sort().map((k) => k + '=' + shared.names[k]).join(',');
  shared.id = createHash('sha256').update(sorted).digest('hex').slice(0, 8);
  return shared;
}

export interface BuildResult { name: string; code: string; bytes: number; gzip: number; /** pretokenised, as in Storage */ storage: number }

/** The bundles: the full one the tests and the simulator load, one per chip for boards (stack,
 *  driver, NetworkJS adapter: the budgeted product, `chip`), the net-style API and the default
 *  apps as modules of their own. `board`: names shortened as outside code cannot see them. */
export const BUNDLES: { name: string; entry: string; board: boolean; chip?: boolean }[] = [
  { name: 'synack', entry: 'index.ts', board: false },
  { name: 'synack-enc28j60', entry: 'board-enc28j60.ts', board: true, chip: true },
  { name: 'synack-w5500', entry: 'board-w5500.ts', board: true, chip: true },
  { name: 'synack-net', entry: 'socket/net-module.ts', board: true },
  { name: 'synack-apps', entry: 'apps/module.ts', board: true },
];

/** Builds one bundle into dist/NAME.js and dist/NAME.debug.js, after the Espruino gate. */
export async function buildFirmware(entry = join(root, 'firmware', 'index.ts'), name = 'synack', board = false, shared?: Shared): Promise<BuildResult> {
  const code = await bundle(entry, true, board, shared);
  const debug = await bundle(entry, false, board);
  const problems = gate(code).concat(gate(debug));
  if (problems.length) {
    const dbg = gate(debug);
    throw new Error(`the bundle uses what Espruino cannot run (${dbg.length || problems.length} problems):\n` +
      formatViolations(dbg.length ? dbg : problems, dbg.length ? `dist/${name}.debug.js` : `dist/${name}.js`));
  }
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, `${name}.js`), code);
  writeFileSync(join(dist, `${name}.debug.js`), debug);
  // What npm run flash writes to Storage: the same code pretokenised (tools/pretokenise.ts).
  const tok = pretokenise(code);
  writeFileSync(join(dist, `${name}.tok`), tok, 'latin1');
  return { name, code, bytes: Buffer.byteLength(code), gzip: gzipSync(code).length, storage: tok.length };
}

/** Builds every bundle; fails when a board bundle is over its ceiling (tools/budgets.ts). */
export async function buildAll(): Promise<BuildResult[]> {
  const out: BuildResult[] = [];
  const shared = await sharedNames();
  for (const b of BUNDLES) out.push(await buildFirmware(join(root, 'firmware', b.entry), b.name, b.board, b.board ? shared : undefined));
  const over = out.filter((r) => BUNDLES.find((b) => b.name === r.name)!.chip && r.bytes > BUNDLE_CEILING);
  if (over.length) {
    throw new Error(over.map((r) => `dist/${r.name}.js is ${r.bytes} bytes, over the ${BUNDLE_CEILING}-byte ceiling in tools/budgets.ts`).join('\n') +
      '\n(shrink it: shorter internal names, less code on the board; the target is ' + BUNDLE_BUDGET + ' bytes)');
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
