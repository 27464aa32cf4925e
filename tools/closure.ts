// The board bundles through Google's Closure Compiler (ADVANCED): it inlines functions called
// once, devirtualizes methods, removes dead code, inlines constants and renames every property
// and global that tools/externs.js does not name. On a board each function costs 5 blocks of RAM
// plus one per parameter and each name costs Storage and lookup time (../shared/espruino.md),
// so fewer functions and shorter names are the budget.
//
// One Closure run compiles every board module as a chunk, so all of them rename each name the
// same way:
//   base   the stack and the board entry point (shared by both chips)
//   enc    the ENC28J60 driver and its entry      -> dist/synack-enc28j60.js = base + enc
//   w5500  the W5500 driver and its entry         -> dist/synack-w5500.js    = base + w5500
//   net    the net-style API                      -> dist/synack-net.js
//   apps   the default apps                       -> dist/synack-apps.js
//   dhcp   the DHCP client                        -> dist/synack-dhcp.js (loaded with ip "dhcp")
//   dns    the DNS client                         -> dist/synack-dns.js (loaded when a name is resolved)
//   networkjs  the NetworkJS adapter              -> dist/synack-networkjs.js (loaded on Espruino's first socket)
//   mdns   the mDNS responder                     -> dist/synack-mdns.js (loaded when mDNS is on)
//   dnssd  DNS-SD's records                       -> dist/synack-dnssd.js (loaded by the responder when the apps run)
//   linklocal  link-local IPv4                    -> dist/synack-linklocal.js (loaded with DHCP and linkLocal on)
// esbuild first turns the TypeScript into JavaScript modules (code splitting over the entries:
// what two of them share is a chunk of its own, which goes to base). In these bundles the stack's
// imports of the net-style API and the DHCP and DNS clients, and the board's of the NetworkJS
// adapter, are stand-ins (*-storage.ts) that load the module on first use. A name one chunk
// defines and another uses becomes a property of the stack's namespace object `_`
// (--rename_prefix_namespace): "synack" exports it as require("synack")._, and the modules beside
// it start with `var _=global.require("synack")._`. BUILD_ID, which the modules compare with the
// stack's, is a hash of everything the compiler is given.
//
// Closure declares some names in one list at the top: tools/declare.ts declares each where it is
// first assigned. Espruino has no labels; Closure writes a labeled block where it inlines a function that returns
// from inside a loop: tools/unlabel.ts rewrites those. Closure's ES5 output is not used: it needs
// its $jscomp runtime and labels loops (a `let` captured in a loop); ES2015 keeps classes, let and
// arrows, which Espruino runs. SIMPLE mode renames no property: 72.6 KB against ADVANCED's 46.8. Closure does not alias built-ins such as
// Uint8Array: tools/alias-globals.ts does (about 350 bytes of the chip bundles). The Espruino gate
// then checks the result (tools/build.ts).
import { build, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { unlabel } from './unlabel.ts';
import { aliasGlobals } from './alias-globals.ts';
import { literals } from './literals.ts';
import { declare } from './declare.ts';
import { hoist } from './hoist.ts';

const root = join(import.meta.dirname, '..');
const firmware = join(root, 'firmware');
export const EXTERNS = join(import.meta.dirname, 'externs.js');

/** The chunks: each entry's own code; what the stack's modules share is `base`. */
const ENTRIES: { chunk: string; entry: string }[] = [
  { chunk: 'enc', entry: 'board-enc28j60.ts' },
  { chunk: 'w5500', entry: 'board-w5500.ts' },
  { chunk: 'net', entry: 'socket/net-module.ts' },
  { chunk: 'apps', entry: 'apps/module.ts' },
  { chunk: 'dhcp', entry: 'iface/dhcp-module.ts' },
  { chunk: 'dns', entry: 'iface/dns-module.ts' },
  { chunk: 'networkjs', entry: 'socket/networkjs-module.ts' },
  { chunk: 'mdns', entry: 'iface/mdns-module.ts' },
  { chunk: 'dnssd', entry: 'iface/dnssd-module.ts' },
  { chunk: 'linklocal', entry: 'iface/linklocal-module.ts' },
];

/** Sources that belong to a module beside the stack, never to the stack's bundle. */
const MODULE_ONLY: [string, string][] = [
  ['socket/net.ts', 'synack-net'], ['socket/emitter.ts', 'synack-net'],
  ['iface/dhcp.ts', 'synack-dhcp'], ['wire/dhcp.ts', 'synack-dhcp'],
  ['iface/dns.ts', 'synack-dns'], ['wire/dns.ts', 'synack-dns'],
  ['socket/networkjs.ts', 'synack-networkjs'],
  ['iface/counter-names.ts', 'synack-names'],
  ['iface/mdns.ts', 'synack-mdns'], ['wire/mdns.ts', 'synack-mdns'], ['iface/dnssd.ts', 'synack-dnssd'],
  ['iface/linklocal.ts', 'synack-linklocal'], ['iface/zeroconf.ts', 'synack-mdns'],
  ['apps/index.ts', 'synack-apps'], ['apps/serve.ts', 'synack-apps'], ['apps/http-status.ts', 'synack-apps'],
];

/** The flags (kept in one place: BUILD_ID hashes them too). */
export const CLOSURE_FLAGS = [
  '--compilation_level', 'ADVANCED',
  '--env', 'CUSTOM', // ECMAScript's externs only: no browser API names kept
  '--language_in', 'ECMASCRIPT_2020',
  '--language_out', 'ECMASCRIPT_2015', // classes, let/const and arrows stay (Espruino runs them); ES5 would add helpers
  '--inject_libraries=false', '--rewrite_polyfills=false', // no $jscomp runtime, no polyfills
  '--assume_static_inheritance_is_not_used',
  '--jscomp_off', '*',
  '--rename_prefix_namespace', '_',
];

/** In the board bundles, the stack's imports of the net-style API, the DHCP client and the DNS
 *  client, and the board's of the NetworkJS adapter, become socket/net-storage.ts,
 *  iface/dhcp-storage.ts, iface/dns-storage.ts and socket/networkjs-storage.ts, which load the
 *  modules "synack-net", "synack-dhcp", "synack-dns" and "synack-networkjs" when first used. */
export const netFromStorage: Plugin = {
  name: 'modules-from-storage',
  setup(b) {
    // The module a file stands in for, and the file whose import of it is replaced.
    const stands: [string, string, string][] = [
      ['socket/net.ts', 'stack.ts', 'socket/net-storage.ts'],
      ['iface/dhcp.ts', 'stack.ts', 'iface/dhcp-storage.ts'],
      ['iface/dns.ts', 'stack.ts', 'iface/dns-storage.ts'],
      ['socket/networkjs.ts', 'board.ts', 'socket/networkjs-storage.ts'],
      ['socket/networkjs.ts', 'board-module.ts', 'socket/networkjs-storage.ts'],
      ['iface/counter-names.ts', 'iface/counters.ts', 'iface/counter-names-storage.ts'],
      ['iface/zeroconf.ts', 'stack.ts', 'iface/zeroconf-storage.ts'],
      ['iface/dnssd.ts', 'iface/mdns.ts', 'iface/dnssd-storage.ts'],
    ];
    b.onResolve({ filter: /[\\/](net|dhcp|dns|networkjs|zeroconf|dnssd|counter-names)\.ts$/ }, (args) => {
      const path = resolve(dirname(args.importer), args.path);
      const s = stands.find(([mod, importer]) => path === join(firmware, mod) && args.importer === join(firmware, importer));
      return s ? { path: join(firmware, s[2]) } : undefined;
    });
  },
};

/** The native compiler of the google-closure-compiler package (no Java needed), else its jar. */
function compiler(): { cmd: string; pre: string[] } {
  const req = createRequire(join(root, 'package.json'));
  try { return { cmd: req.resolve('google-closure-compiler-linux/compiler'), pre: [] }; } catch { /* not Linux x64 */ }
  return { cmd: 'java', pre: ['-jar', req.resolve('google-closure-compiler-java/compiler.jar')] };
}

export interface BoardChunks { base: string; enc: string; w5500: string; net: string; apps: string; dhcp: string; dns: string; networkjs: string;
  mdns: string; dnssd: string; linklocal: string; buildId: string;
  /** HOT_PATH's methods as Closure named them. */
  hot: string[] }

/** The methods a received segment runs through (Interface.input, Tcp.inputFrame, Tcp.fastAck) and
 *  the other frames' way in (Interface.demux, inputIpv4): tools/alias-globals.ts leaves their
 *  short numbers as literals, which the interpreter reads faster than a name. */
export const HOT_PATH = ['input', 'inputFrame', 'fastAck', 'demux', 'inputIpv4'];

const PLACEHOLDER = '@@SYNACK_BUILD_ID@@';

/** Compiles the board modules; returns each chunk's code (without the wrappers that join them). */
export async function compileBoard(): Promise<BoardChunks> {
  const r = await build({
    entryPoints: Object.fromEntries(ENTRIES.map((e) => [e.chunk, join(firmware, e.entry)])),
    bundle: true, splitting: true, write: false, format: 'esm', target: 'es2019', platform: 'neutral',
    outdir: '/closure-in', chunkNames: 'shared-[hash]', metafile: true,
    define: { BUILD_ID: JSON.stringify(PLACEHOLDER), BOARD: 'true' },
    plugins: [netFromStorage], legalComments: 'none', charset: 'ascii', treeShaking: true,
    tsconfig: join(root, 'tsconfig.json'), logLevel: 'silent',
  });
  // Which entries reach each output file (through its static imports).
  const outputs = r.metafile!.outputs;
  const key = (p: string) => basename(p);
  const imports: Record<string, string[]> = {};
  const chunkOf: Record<string, string> = {};
  for (const [p, o] of Object.entries(outputs)) imports[key(p)] = o.imports.filter((i) => i.kind === 'import-statement').map((i) => key(i.path));
  const reach: Record<string, Set<string>> = {};
  for (const [p, o] of Object.entries(outputs)) {
    if (!o.entryPoint) continue;
    const entry = ENTRIES.find((e) => join(firmware, e.entry).endsWith(o.entryPoint!.replace(/^firmware\//, '')))!;
    const seen = new Set<string>();
    const visit = (f: string) => { if (seen.has(f)) return; seen.add(f); (reach[f] ||= new Set()).add(entry.chunk); imports[f].forEach(visit); };
    visit(key(p));
  }
  for (const f of Object.keys(imports)) chunkOf[f] = reach[f] && reach[f].size === 1 ? [...reach[f]][0] : 'base';
  // Each chunk's files, dependencies first.
  const order: string[] = [];
  const placed = new Set<string>();
  const place = (f: string) => { if (placed.has(f)) return; placed.add(f); imports[f].forEach(place); order.push(f); };
  Object.keys(imports).sort().forEach(place);
  // What a module beside the stack holds must not come back into the stack's bundle (an import
  // of it from the stack's code would put it there, silently).
  for (const [p, o] of Object.entries(outputs)) {
    if (!['base', 'enc', 'w5500'].includes(chunkOf[key(p)])) continue;
    for (const input of Object.keys(o.inputs)) {
      const own = MODULE_ONLY.find(([file]) => input === 'firmware/' + file);
      if (own) throw new Error(`closure: firmware/${own[0]} is in the stack's bundle: it belongs to the module "${own[1]}" (import it from the stack's code through its -storage.ts stand-in)`);
    }
  }
  const text: Record<string, string> = {};
  for (const o of r.outputFiles) text[key(o.path)] = o.text;
  const chunks = ['base'].concat(ENTRIES.map((e) => e.chunk));
  for (const f of order) if (imports[f].some((d) => chunkOf[d] !== 'base' && chunkOf[d] !== chunkOf[f])) throw new Error(`closure: ${f} imports across chunks`);

  const externs = readFileSync(EXTERNS, 'utf8');
  const id = createHash('sha256').update(CLOSURE_FLAGS.join(' ')).update(externs);
  for (const f of order) id.update(f).update(text[f]);
  const buildId = id.digest('hex').slice(0, 8);

  const dir = mkdtempSync(join(tmpdir(), 'synack-closure-'));
  try {
    const args: string[] = [...CLOSURE_FLAGS, '--externs', EXTERNS, '--chunk_output_path_prefix', join(dir, 'out') + '/'];
    // What Closure renamed each property and variable to (a line `name:renamed` each): the
    // per-packet path's methods by their new names (HOT_PATH); with SYNACK_RENAMING=DIR both
    // reports are kept there, to read the bundle by.
    args.push('--property_renaming_report', join(dir, 'props.txt'), '--variable_renaming_report', join(dir, 'vars.txt'));
    for (const c of chunks) {
      const files = order.filter((f) => chunkOf[f] === c);
      if (!files.length) throw new Error(`closure: chunk ${c} is empty`);
      for (const f of files) {
        writeFileSync(join(dir, f), text[f].split(PLACEHOLDER).join(buildId));
        args.push('--js', join(dir, f));
      }
      args.push('--chunk', `${c}:${files.length}${c === 'base' ? '' : ':base'}`);
    }
    mkdirSync(join(dir, 'out'));
    const cc = compiler();
    try {
      execFileSync(cc.cmd, cc.pre.concat(args), { stdio: 'pipe', maxBuffer: 64 << 20 });
    } catch (e) {
      const err = e as { stderr?: Buffer; message: string };
      throw new Error('Closure Compiler failed: ' + (err.stderr ? err.stderr.toString().split('\n').slice(0, 20).join('\n') : err.message));
    }
    const out: Record<string, string> = {};
    for (const c of chunks) out[c] = literals(unlabel(readFileSync(join(dir, 'out', c + '.js'), 'utf8').trim()));
    const props = readFileSync(join(dir, 'props.txt'), 'utf8');
    if (process.env.SYNACK_RENAMING) for (const f of ['props.txt', 'vars.txt']) writeFileSync(join(process.env.SYNACK_RENAMING, f), readFileSync(join(dir, f)));
    const renamed = (name: string) => { const m = new RegExp('^' + name + ':(.+)$', 'm').exec(props); return m ? m[1] : name; };
    return { base: out.base, enc: out.enc, w5500: out.w5500, net: out.net, apps: out.apps, dhcp: out.dhcp, dns: out.dns, networkjs: out.networkjs,
      mdns: out.mdns, dnssd: out.dnssd, linklocal: out.linklocal, buildId, hot: HOT_PATH.map(renamed) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The chunks joined into the four board modules. */
export function boardModules(c: BoardChunks): Record<string, string> {
  // The stack's namespace `_` holds the names its modules share with it (--rename_prefix_namespace).
  // Built-ins used often get a short alias at the top (tools/alias-globals.ts: Closure does not).
  // Closure's hoisted declarations go where each name is assigned (tools/declare.ts); a `var` it
  // declares in a block and uses outside it is declared at its function's start, as Espruino does
  // not hoist (tools/hoist.ts).
  const stack = (chip: string) => aliasGlobals(declare(hoist('var _={};' + c.base + '\n' + chip + '\nmodule.exports._=_;\n')), c.hot).code;
  const beside = (code: string) => aliasGlobals(declare(hoist('var _=global.require("synack")._;' + code + '\n')), c.hot).code;
  return {
    'synack-enc28j60': stack(c.enc),
    'synack-w5500': stack(c.w5500),
    'synack-net': beside(c.net),
    'synack-apps': beside(c.apps),
    'synack-dhcp': beside(c.dhcp),
    'synack-dns': beside(c.dns),
    'synack-networkjs': beside(c.networkjs),
    'synack-mdns': beside(c.mdns),
    'synack-dnssd': beside(c.dnssd),
    'synack-linklocal': beside(c.linklocal),
  };
}
