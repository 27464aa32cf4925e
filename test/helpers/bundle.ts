// Loads the built bundle (dist/synack.js) in a Node `vm` context that offers only what Espruino
// has, so tests exercise the product, not only the TypeScript sources. The context:
// - hides what Espruino lacks (docs/espruino.md and tools/gate.ts): Map, Set, WeakMap,
//   WeakSet, WeakRef, Symbol-based helpers are not removable from a V8 realm but Symbol itself
//   is hidden as a global, as are Math.imul/clz32/pow/trunc/log2/log10/cbrt/hypot/fround,
//   Number.isInteger/isSafeInteger/isFinite/isNaN, Object.freeze/seal, Array.from/of,
//   Promise.race/any/allSettled and Promise.prototype.finally, RangeError, structuredClone,
//   queueMicrotask, setImmediate, TextEncoder/Decoder, Buffer, require;
// - offers `module`/`exports` (as require() of a Storage module does), `console`, `print`,
//   `setTimeout`/`setInterval`/`clearTimeout`/`clearInterval`, `getTime()` (seconds), and an
//   `E` with `sum(typedArray)` (exact sum, as Espruino's), `hwRand()`, `toString(u8)`,
//   `toUint8Array(str)`, `getSizeOf()` (0: no block accounting in Node);
// - `process` with `memory()` (blocks are not modelled: a Pico's total, all of it free, so the stack
//   never finds memory low) and `env`;
// - `global.require(name)`: "synack" (this bundle), "synack-net", "synack-apps", "synack-dhcp" and
//   "synack-dns" from beside it in dist/.
// Anything the bundle touches that the context does not offer throws a ReferenceError.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { randomBytes } from 'node:crypto';

export const BUNDLE_PATH = join(import.meta.dirname, '..', '..', 'dist', 'synack.js');

const HIDE = `
(function () {
  var g = globalThis;
  ['Map','Set','WeakMap','WeakSet','WeakRef','FinalizationRegistry','Symbol','RangeError','structuredClone',
   'queueMicrotask','setImmediate','TextEncoder','TextDecoder','Buffer','require','Proxy','Reflect','BigInt']
    .forEach(function (n) { try { delete g[n]; } catch (e) {} if (n in g) g[n] = undefined; });
  ['imul','clz32','pow','trunc','log2','log10','cbrt','hypot','fround'].forEach(function (n) { delete Math[n]; });
  ['isInteger','isSafeInteger','isFinite','isNaN'].forEach(function (n) { delete Number[n]; });
  ['freeze','seal'].forEach(function (n) { delete Object[n]; });
  ['from','of'].forEach(function (n) { delete Array[n]; });
  ['race','any','allSettled'].forEach(function (n) { delete Promise[n]; });
  delete Promise.prototype.finally;
  delete Uint8Array.prototype.__proto__.copyWithin;
})();
`;

export interface EspruinoLikeContext { context: vm.Context; exports: any }

/** Runs the bundle in a fresh Espruino-like context and returns its module.exports. */
export function loadBundle(path = BUNDLE_PATH): any {
  return loadBundleContext(path).exports;
}

export function loadBundleContext(path = BUNDLE_PATH): EspruinoLikeContext {
  const code = readFileSync(path, 'utf8');
  const module = { exports: {} as any };
  const E = {
    sum(a: ArrayLike<number>): number { let s = 0; for (let i = 0; i < a.length; i++) s += a[i]; return s; },
    hwRand(): number { return randomBytes(4).readInt32LE(0); },
    toString(u8: Uint8Array): string { let s = ''; for (let i = 0; i < u8.length; i++) s += String.fromCharCode(u8[i]); return s; },
    toUint8Array(s: string): Uint8Array { const u = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 255; return u; },
    getSizeOf(): number { return 0; },
  };
  const sandbox: any = {
    console, print: (...a: unknown[]) => console.log(...a), E,
    setTimeout, setInterval, clearTimeout, clearInterval,
    getTime: () => Date.now() / 1000,
    process: { memory: () => ({ free: 5100, usage: 0, total: 5100, blocksize: 13 }), env: {} },
  };
  // Espruino's require of a Storage module, through its `global`: "synack" is this bundle, and
  // "synack-net", "synack-apps", "synack-dhcp", "synack-dns" load from beside it in dist/ into the same context (once, as
  // Espruino caches modules); any other name throws, as a missing module does on a board.
  const modules: { [name: string]: unknown } = { synack: module.exports };
  // Storage.read, for the files read in place: the counters' names ("synack-names").
  const Storage = { read: (name: string) => { try { return name === 'synack-names' ? readFileSync(join(dirname(path), 'synack-names.txt'), 'latin1') : undefined; } catch { return undefined; } } };
  sandbox.global = {
    require(name: string): unknown {
      if (name === 'synack') return module.exports;
      if (name === 'Storage') return Storage;
      if (!(name in modules) && /^synack-(net|apps|dhcp|dns|networkjs|mdns|dnssd|linklocal)$/.test(name)) {
        const m = { exports: {} as any };
        runModule(readFileSync(join(dirname(path), name + '.js'), 'utf8'), name + '.js', context, m);
        modules[name] = m.exports;
      }
      if (!(name in modules)) throw new Error('Module ' + name + ' not found');
      return modules[name];
    },
  };
  const context = vm.createContext(sandbox);
  vm.runInContext(HIDE, context);
  runModule(code, path, context, module);
  return { context, exports: module.exports };
}

/** Runs a module's code as Espruino's require() of a Storage module does: in a scope of its own
 *  with `exports` and `module`, so its top-level names are its own (the bundles are not wrapped
 *  in a function: on a board a function declared inside a function costs 3 more blocks). */
function runModule(code: string, filename: string, context: vm.Context, m: { exports: any }): void {
  const fn = vm.runInContext('(function (exports, module) {' + code + '\n})', context, { filename });
  fn(m.exports, m);
}
