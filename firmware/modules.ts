// Espruino's require of a module (a Storage file, or one built into the firmware) by name, through
// its `global` at run time: a bare `require` would make the bundler emit a shim. Undefined when
// there is no such module, or no require at all (Node).
declare const global: { require(name: string): unknown };
/** Set by the build (tools/build.ts): the same in the stack's bundles and their modules. */
declare const BUILD_ID: string;

/** The module `name`, or undefined. With `fix`, one of synack's own Storage modules, which must
 *  come from the same build as the stack (the same renamed names, BUILD_ID): when it is missing
 *  or from another build, throws one line saying to flash again, `fix` ending it (one helper for
 *  the four modules loaded on first use, so that the bundle carries the sentence once). */
export function espruinoModule(name: string, fix?: string): any {
  let m: any;
  try { m = global.require(name); } catch (e) { m = undefined; }
  if (fix !== undefined && (!m || m.build !== BUILD_ID)) missingModule(name, fix);
  return m;
}

/** Throws the one line for a Storage file of synack's that is missing or from another build. */
export function missingModule(name: string, fix: string): never {
  throw new Error('synack: "' + name + '" is missing from Storage or from another build: flash again (npm run flash' + fix);
}
