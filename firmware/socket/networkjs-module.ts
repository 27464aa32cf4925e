// The entry of the NetworkJS adapter's own bundle (dist/synack-networkjs.js), written to a
// board's Storage as the module "synack-networkjs": the stack's bundle registers a stand-in with
// Espruino's NetworkJS (socket/networkjs-storage.ts), which loads this module the first time
// Espruino creates a socket (a program's first use of net, http or dgram) and turns itself into
// the adapter, so a board whose program never uses them never spends RAM on the adapter.
import { NetworkJsAdapter } from './networkjs.ts';
import type { Stack } from '../stack.ts';

declare const module: { exports: unknown };
/** Set by the build (tools/build.ts): the same in the stack's bundles and in this module. */
declare const BUILD_ID: string;

/** Makes `stand` (the object NetworkJS holds) the adapter: an adapter's fields on it, the
 *  adapter's methods through its prototype. Espruino looks the methods up by name on each call,
 *  so from then on it calls the adapter's own, with no call in between. */
export function adopt(stand: { [k: string]: unknown }, stack: Stack): void {
  const a = new NetworkJsAdapter(stack) as unknown as { [k: string]: unknown };
  for (const k in a) stand[k] = a[k];
  delete stand.create;
  Object.setPrototypeOf(stand, NetworkJsAdapter.prototype);
}

module.exports = { adopt: adopt, build: BUILD_ID };
