// The counters' names on a board: the Storage file "synack-names" (npm run flash writes it with the
// apps, or for a program that reads `.counters`), the names of counter-names.ts and, last, the
// build's BUILD_ID. Storage.read gives the file in place (a string in flash: no RAM); the words
// are walked with indexOf up to the counters' count (counters.ts), so the id at the end is never
// a name. The board bundles take this file in place of iface/counter-names.ts (tools/closure.ts).
import { missingModule } from '../modules.ts';
export type { IFACE_NAMES, TCP_NAMES } from './counter-names.ts';

declare const global: { require(name: string): unknown };
declare const BUILD_ID: string;

/** Every counter's name, the interface's then TCP's, as one string (and the build id after them). */
export function counterNames(): string {
  let s: string | undefined;
  try { s = (global.require('Storage') as { read(name: string): string | undefined }).read('synack-names'); } catch (e) { s = undefined; }
  if (!s || s.substr(s.length - BUILD_ID.length) !== BUILD_ID) missingModule('synack-names', ')');
  return s!;
}
/** The lists apart: only the tests ask (the build leaves them out). */
export function ifaceCounterNames(): string { return counterNames(); }
export function tcpCounterNames(): string { return counterNames(); }
