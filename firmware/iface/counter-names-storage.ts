// The counters' names on a board: the Storage file "synack-names" (npm run flash writes it with the
// apps, or for a program that reads `.counters`), the names of counter-names.ts and, last, the
// build's BUILD_ID. Storage.read gives the file in place (a string in flash: no RAM); the words
// are walked with indexOf up to the counters' count (counters.ts), so the id at the end is never
// a name. The board bundles take this file in place of iface/counter-names.ts (tools/closure.ts).
import { espruinoModule } from '../modules.ts';
export type { IFACE_NAMES, TCP_NAMES } from './counter-names.ts';

/** Every counter's name, the interface's then TCP's, as one string (and the build id after them). */
export function counterNames(): string { return espruinoModule('synack-names', ')', true); }
/** The lists apart: only the tests ask (the build leaves them out). */
export function ifaceCounterNames(): string { return counterNames(); }
export function tcpCounterNames(): string { return counterNames(); }
