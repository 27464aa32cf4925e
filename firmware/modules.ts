// Espruino's require of a module (a Storage file, or one built into the firmware) by name, through
// its `global` at run time: a bare `require` would make the bundler emit a shim. Undefined when
// there is no such module, or no require at all (Node).
declare const global: { require(name: string): unknown };
/** Set by the build (tools/build.ts): the same in the stack's bundles and their modules. */
declare const BUILD_ID: string;

/** The module `name`, or undefined. With `fix`, one of synack's own Storage modules, which must
 *  come from the same build as the stack (the same renamed names, BUILD_ID): when it is missing
 *  or from another build, throws one line saying to flash again, `fix` ending it (one helper for
 *  the modules loaded on first use, so that the bundle carries the sentence once). With `file`,
 *  a Storage file of data read in place (Storage.read: a string in flash), whose last characters
 *  are the build's id. */
export function espruinoModule(name: string, fix?: string, file?: boolean): any {
  let m: any;
  try { m = file ? (global.require('Storage') as { read(n: string): unknown }).read(name) : global.require(name); } catch (e) { /* none: m stays undefined */ }
  if (fix !== undefined && (!m || (file ? m.substr(m.length - BUILD_ID.length) : m.build) !== BUILD_ID)) {
    throw new Error('synack: "' + name + '" is missing from Storage or from another build: flash again (npm run flash' + fix);
  }
  return m;
}
