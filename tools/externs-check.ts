// Checks tools/externs.js against the firmware's TypeScript declarations: every member of a type
// that code outside the bundle writes or Espruino calls by name (configuration and options
// objects, the driver contract, the NetworkJS adapter's methods, the status page's JSON, what
// start() returns, what the Storage modules export to each other) must be there as
// `TypeName.member`, or Closure Compiler would rename it and the board would silently ignore a
// configuration key or miss a method. The build fails with one line per missing name, so a
// member added to one of these types in the firmware cannot reach a board broken.
// Usage: npx tsx tools/externs-check.ts (prints what is missing; the build runs it too).
import ts from 'typescript';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EXTERNS } from './closure.ts';

const root = join(import.meta.dirname, '..');

/** Types whose every member keeps its name. */
const WHOLLY_PUBLIC = /Config$|Options$|^(EthernetDriver|SpiBus|EspruinoSpi|ConnUser|Board|Status|StatusConnection)$/;
/** Matched by WHOLLY_PUBLIC, but the firmware's own (none today). */
const INTERNAL = new Set<string>([]);
/** Types whose methods Espruino calls by name (their fields are the firmware's own). */
const METHODS_PUBLIC = /^(NetworkJsAdapter)$/;
/** Object literals exported to code outside the bundle: file -> the name they go by in externs.js. */
const EXPORTED_OBJECTS: Record<string, string> = {
  'firmware/board-module.ts': 'SynackModule',
  'firmware/socket/net-module.ts': 'NetModule',
  'firmware/apps/module.ts': 'AppsModule',
  'firmware/iface/dhcp-module.ts': 'DhcpModule',
  'firmware/iface/dns-module.ts': 'DnsModule',
  'firmware/socket/networkjs-module.ts': 'NetworkJsModule',
  'firmware/iface/mdns-module.ts': 'ZeroconfModule',
  'firmware/iface/linklocal-module.ts': 'ZeroconfModule',
  'firmware/iface/dnssd-module.ts': 'DnssdModule',
};

/** Espruino's globals whose members the firmware uses by name. */
const ESPRUINO_OBJECTS = new Set(['E', 'process']);

function filesIn(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...filesIn(p));
    else if (n.endsWith('.ts')) out.push(p);
  }
  return out;
}

function isHidden(n: ts.Node): boolean {
  if (ts.getCombinedModifierFlags(n as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return true;
  if (ts.isConstructorDeclaration(n)) return true;
  return ts.getJSDocTags(n).some((t) => t.tagName.text === 'internal');
}

/** `TypeName.member` for every name that must keep it, with where it is declared. */
export function requiredExterns(): { name: string; where: string }[] {
  const out: { name: string; where: string }[] = [];
  for (const file of filesIn(join(root, 'firmware'))) {
    const rel = relative(root, file);
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2020, true);
    const add = (type: string, m: ts.Node) => {
      const nm = (m as { name?: ts.Node }).name;
      if (nm && (ts.isIdentifier(nm) || ts.isStringLiteral(nm))) {
        out.push({ name: type + '.' + nm.text, where: rel + ':' + (sf.getLineAndCharacterOfPosition(m.getStart()).line + 1) });
      }
    };
    const visit = (n: ts.Node): void => {
      if ((ts.isInterfaceDeclaration(n) || ts.isClassDeclaration(n)) && n.name) {
        const type = n.name.text;
        if (INTERNAL.has(type)) return;
        const members = (n as ts.InterfaceDeclaration | ts.ClassDeclaration).members as ts.NodeArray<ts.Node>;
        if (WHOLLY_PUBLIC.test(type)) for (const m of members) { if (!isHidden(m)) add(type, m); }
        if (METHODS_PUBLIC.test(type)) for (const m of members) { if (ts.isMethodDeclaration(m) && !isHidden(m)) add(type, m); }
      }
      // Espruino's own objects: a member Closure renamed would be undefined on the board, and code
      // that looks for it (`E.getAddressOf ? native : fallback`) would quietly take the fallback.
      if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && ESPRUINO_OBJECTS.has(n.expression.text)) add(n.expression.text, n);
      if (ts.isObjectLiteralExpression(n) && EXPORTED_OBJECTS[rel.replace(/\\/g, '/')]) {
        const p = n.parent;
        const exported = (ts.isBinaryExpression(p) && p.left.getText() === 'module.exports') || (ts.isVariableDeclaration(p) && /^export /.test(p.parent.parent.getText()));
        if (exported) for (const m of n.properties) add(EXPORTED_OBJECTS[rel.replace(/\\/g, '/')], m);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}

/** One line per required name tools/externs.js (or the externs `text` given) lacks. */
export function missingExterns(text = readFileSync(EXTERNS, 'utf8')): string[] {
  const declared = new Set(text.match(/\b[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*\b/g) || []);
  return requiredExterns().filter((r) => !declared.has(r.name))
    .map((r) => `tools/externs.js lacks ${r.name} (declared at ${r.where}): add \`${r.name};\` there, or Closure Compiler renames it in the board bundles`);
}

if (process.argv[1] && /tools[\\/]externs-check\.ts$/.test(process.argv[1])) {
  const m = missingExterns();
  console.log(m.length ? m.join('\n') : `tools/externs.js names all ${requiredExterns().length} members that must keep their names`);
  process.exitCode = m.length ? 1 : 0;
}
