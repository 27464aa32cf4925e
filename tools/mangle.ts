// Which property names the build may shorten. On the board a property name costs flash in the
// bundle and RAM in every object that holds it (docs/espruino.md: a property of at most 4
// characters holding a small integer takes 1 block, a longer name 2), so names nobody outside
// the firmware can see are renamed by esbuild's mangleProps.
//
// A name is shortened when every member the firmware declares with it is internal, and it is not
// a property of anything built in (JavaScript's globals and prototypes, and the Espruino API the
// firmware calls). Internal means `private` or tagged `@internal` for the full bundle, whose
// internals the tests read; for the board bundles, anything outside PUBLIC_TYPES. esbuild renames
// a name everywhere, so one visible member with a name keeps it whole. Quoted accesses (`o["name"]`) are never renamed: the firmware does not use
// them for its own members.
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Properties of Espruino's own objects the firmware touches (SPI, pins, E, Storage, process,
 *  the NetworkJS adapter contract), which reflection over Node's globals does not list. */
const ESPRUINO_NAMES = [
  'send', 'setup', 'write', 'read', 'reset', 'mode', 'sum', 'hwRand', 'toString', 'toUint8Array', 'getSizeOf',
  'memory', 'free', 'usage', 'total', 'blocksize', 'create', 'close', 'accept', 'recv', 'exports', 'env',
  'mosi', 'miso', 'sck', 'baud', 'erase', 'list', 'readArrayBuffer',
];

function builtinNames(): Set<string> {
  const names = new Set<string>(ESPRUINO_NAMES);
  const seen = new Set<unknown>();
  const visit = (o: unknown, depth: number): void => {
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o) || depth > 3) return;
    seen.add(o);
    for (const k of Object.getOwnPropertyNames(o)) {
      names.add(k);
      const d = Object.getOwnPropertyDescriptor(o, k); // values only: getters may have effects
      if (d && 'value' in d) visit(d.value, depth + 1);
    }
    visit(Object.getPrototypeOf(o), depth + 1);
    if (typeof o === 'function' && (o as { prototype?: unknown }).prototype) visit((o as { prototype: unknown }).prototype, depth + 1);
  };
  visit(globalThis, 0);
  return names;
}

/** The files below `dir` whose names match `re`. */
function filesIn(dir: string, re: RegExp): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...filesIn(p, re));
    else if (re.test(n)) out.push(p);
  }
  return out;
}

function memberName(n: ts.Node): string | null {
  const name = (n as { name?: ts.Node }).name;
  if (!name) return null;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  return null; // quoted or computed names stay as written
}

/** Class and interface members, and constructor parameters that declare properties. */
function isMember(n: ts.Node): boolean {
  return ts.isPropertyDeclaration(n) || ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n) ||
    ts.isPropertySignature(n) || ts.isMethodSignature(n) ||
    (ts.isParameter(n) && ts.isConstructorDeclaration(n.parent) && (ts.getCombinedModifierFlags(n) & ts.ModifierFlags.ParameterPropertyModifier) !== 0);
}

function isInternal(n: ts.Node): boolean {
  if (ts.getCombinedModifierFlags(n as ts.Declaration) & ts.ModifierFlags.Private) return true;
  return ts.getJSDocTags(n).some((t) => t.tagName.text === 'internal');
}

/** The types a board bundle's user can see: their members keep their names in the board
 *  bundles, where every other member the firmware declares is shortened. */
export const PUBLIC_TYPES = [
  'BoardConfig', 'Board', 'EspruinoSpi', 'StackConfig', 'Stack', 'TcpConfig', 'Tcp', 'AppsConfig', 'Status', 'StatusConnection',
  'EthernetDriver', 'Enc28j60Options', 'W5500Options', 'InterfaceConfig', 'Interface', 'DnsClient', 'DhcpClient', 'DhcpOptions',
  'Emitter', 'Socket', 'Server', 'SocketOptions', 'ConnectOptions', 'NetworkJsAdapter',
];

/** The public type the member is declared in ('' for a type literal outside any named type:
 *  those describe arguments and results, kept whole), or null when it is in no public type. */
function publicTypeOf(n: ts.Node, publicTypes: string[]): string | null {
  for (let p: ts.Node | undefined = n.parent; p; p = p.parent) {
    if (ts.isClassDeclaration(p) || ts.isInterfaceDeclaration(p) || ts.isTypeAliasDeclaration(p)) {
      return !!p.name && publicTypes.includes(p.name.text) ? p.name.text : null;
    }
  }
  return '';
}

/** Public types whose every member a user writes or reads: configuration keys, the driver
 *  contract, what Espruino calls (NetworkJS), and what the board prints. */
const WHOLLY_PUBLIC = /Config$|Options$|^(EthernetDriver|EspruinoSpi|NetworkJsAdapter|Board|Status|StatusConnection)$/;

/** Every identifier in the code and documents that use the firmware from outside: the tests, the
 *  simulator, the tools (and the scripts they run in Espruino), the README and docs/. A member of the other public types
 *  (Stack, Interface, Tcp, ...) none of them names is the firmware's own, and shortened. */
function namesUsedOutside(root: string): Set<string> {
  const files = ['test', 'host-sim', 'tools', 'docs'].flatMap((d) => filesIn(join(root, d), /\.(ts|md|py)$/))
    .concat([join(root, 'README.md')]);
  const used = new Set<string>();
  for (const f of files) for (const m of readFileSync(f, 'utf8').matchAll(/[A-Za-z_$][A-Za-z0-9_$]*/g)) used.add(m[0]);
  return used;
}


/** The property names the build shortens, from the firmware's sources under `dir`: with
 *  `publicTypes`, every declared member except those of the public types (board bundles);
 *  without, only private and @internal members (the full bundle, whose internals tests read). */
export function mangleableNames(dir: string, publicTypes?: string[]): string[] {
  const internal = new Set<string>();
  const visible = new Set<string>();
  const outside = publicTypes ? namesUsedOutside(join(dir, '..')) : null;
  for (const file of filesIn(dir, /\.ts$/)) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2020, true);
    const walk = (n: ts.Node): void => {
      const name = isMember(n) ? memberName(n) : null;
      if (name) {
        const type = publicTypes ? publicTypeOf(n, publicTypes) : '';
        const own = publicTypes && (type === null || (type !== '' && !WHOLLY_PUBLIC.test(type) && !outside!.has(name)));
        (isInternal(n) || own ? internal : visible).add(name);
      }
      ts.forEachChild(n, walk);
    };
    walk(sf);
  }
  const builtins = builtinNames();
  return [...internal].filter((n) => !visible.has(n) && !builtins.has(n)).sort();
}

const regExps = new Map<string, RegExp>();

/** The esbuild option: a regular expression matching exactly those names (worked out once per
 *  build for each kind of bundle: it parses every source file). */
export function mangleRegExp(dir: string, publicTypes?: string[]): RegExp {
  const key = dir + (publicTypes ? '|' + publicTypes.join(',') : '');
  let re = regExps.get(key);
  if (!re) {
    const names = mangleableNames(dir, publicTypes);
    re = new RegExp(names.length ? '^(' + names.join('|') + ')$' : '^$');
    regExps.set(key, re);
  }
  return re;
}

if (process.argv[1] && /tools[\\/]mangle\.ts$/.test(process.argv[1])) {
  const dir = join(import.meta.dirname, '..', 'firmware');
  console.log('full bundle: ' + mangleableNames(dir).length + ' names shortened');
  const names = mangleableNames(dir, PUBLIC_TYPES);
  console.log('board bundles: ' + names.length + ' names shortened:\n' + names.join(' '));
}
