// Zero configuration on a board: link-local IPv4 and mDNS are the Storage modules
// "synack-linklocal" and "synack-mdns" (iface/linklocal-module.ts, iface/mdns-module.ts). The board
// bundles take this file in place of iface/zeroconf.ts (tools/closure.ts). On by default for a
// board on DHCP where Storage allowed them (npm run flash writes them when they fit): a default
// finds its module missing and stays off; `mdns: true` or `linkLocal: true` without the module
// throws the one line that says to flash again.
import type { Stack, StackConfig } from '../stack.ts';
import { espruinoModule } from '../modules.ts';

/** Set by the build (tools/build.ts). */
declare const BUILD_ID: string;

/** Module "synack-NAME", when `on` (undefined: the default `dflt`, and only if it is in Storage). */
function load(name: string, on: boolean | undefined, dflt: boolean, stack: Stack, c: StackConfig): void {
  if (!(on ?? dflt)) return;
  const m = espruinoModule('synack-' + name, on ? ')' : undefined);
  if (m && m.build === BUILD_ID) m.start(stack, c);
}

export function zeroconf(stack: Stack, c: StackConfig, dhcp: boolean): void {
  load('linklocal', dhcp && c.linkLocal, dhcp, stack, c);
  load('mdns', c.mdns, dhcp, stack, c);
}
