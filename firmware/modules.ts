// Espruino's require of a module (a Storage file, or one built into the firmware) by name, through
// its `global` at run time: a bare `require` would make the bundler emit a shim. Undefined when
// there is no such module, or no require at all (Node).
declare const global: { require(name: string): unknown };

export function espruinoModule(name: string): unknown {
  try { return global.require(name); } catch (e) { return undefined; }
}
