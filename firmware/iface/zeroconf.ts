// Zero configuration (docs/zeroconf.md): link-local IPv4 (iface/linklocal.ts) for a board on DHCP
// that hears no server, and the mDNS responder (iface/mdns.ts, with DNS-SD) for NAME.local. The
// configuration keys `linkLocal` and `mdns`: both on by default for a board on DHCP, off on a
// static address unless `mdns: true` (link-local only ever with DHCP). In the board bundles
// iface/zeroconf-storage.ts stands in for this file and loads each from its Storage module, only
// when on.
import type { Stack, StackConfig } from '../stack.ts';
import { startLinkLocal } from './linklocal.ts';
import { startMdns } from './mdns.ts';

export function zeroconf(stack: Stack, c: StackConfig, dhcp: boolean): void {
  if (dhcp && (c.linkLocal ?? true)) startLinkLocal(stack, c);
  if (c.mdns ?? dhcp) startMdns(stack, c);
}
