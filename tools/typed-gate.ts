// The typed half of the Espruino gate: what only the TypeScript types of firmware/ can show, and
// the interpreter runs differently enough to hurt. Today one rule (docs/espruino.md, "Comparing
// typed arrays"):
// - `===` or `!==` between two typed arrays (or ArrayBuffers, DataViews), and `==` or `!=` with
//   one on either side. Espruino converts each typed array to a string of its numbers and
//   compares the strings: about 900 blocks and thousands of conversions for two 1514-byte frames,
//   and two arrays with the same bytes compare equal. Use `sameArray` (firmware/wire/bytes.ts).
// The bundle gate (tools/gate.ts) cannot see this: the emitted JavaScript has no types. A line
// that must compare anyway says `typed-gate: allowed` and why.
import ts from 'typescript';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface TypedViolation { file: string; line: number; text: string; message: string }

const TYPED = /^(Uint8Array|Int8Array|Uint8ClampedArray|Uint16Array|Int16Array|Uint32Array|Int32Array|Float32Array|Float64Array|ArrayBuffer|ArrayBufferLike|SharedArrayBuffer|DataView|ArrayBufferView)$/;

/** Whether a value of type t may be a typed array (a union member is enough). */
function mayBeTypedArray(t: ts.Type): boolean {
  if (t.isUnion() || t.isIntersection()) return t.types.some(mayBeTypedArray);
  const s = t.getSymbol() || t.aliasSymbol;
  return !!s && TYPED.test(s.getName());
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The violations in the given TypeScript files (default: every file under firmware/). */
export function typedGate(files?: string[]): TypedViolation[] {
  const root = join(import.meta.dirname, '..');
  const list = files || tsFiles(join(root, 'firmware'));
  const program = ts.createProgram(list, {
    target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2020.d.ts'], types: [], strict: true, allowImportingTsExtensions: true, noEmit: true, skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const wanted = new Set(list.map((f) => ts.sys.resolvePath(f)));
  const out: TypedViolation[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!wanted.has(ts.sys.resolvePath(sf.fileName))) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isBinaryExpression(n)) {
        const k = n.operatorToken.kind;
        const strict = k === ts.SyntaxKind.EqualsEqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsEqualsToken;
        const loose = k === ts.SyntaxKind.EqualsEqualsToken || k === ts.SyntaxKind.ExclamationEqualsToken;
        if (strict || loose) {
          const a = mayBeTypedArray(checker.getTypeAtLocation(n.left)), b = mayBeTypedArray(checker.getTypeAtLocation(n.right));
          const lineText = sf.text.split('\n')[sf.getLineAndCharacterOfPosition(n.getStart()).line];
          if (((strict && a && b) || (loose && (a || b))) && !lineText.includes('typed-gate: allowed')) {
            out.push({
              file: relative(root, sf.fileName), line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1, text: n.getText(),
              message: strict ? 'two typed arrays compared with ' + n.operatorToken.getText() + ': Espruino compares them as strings of their numbers; use sameArray (firmware/wire/bytes.ts)'
                : 'a typed array compared with ' + n.operatorToken.getText() + ': Espruino converts it to a string of its numbers; test it with !x or compare with ===',
            });
          }
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out;
}
