// DHCP on a board: the Storage module "synack-dhcp" (iface/dhcp-module.ts), loaded when a stack
// starts with ip "dhcp". The board bundles take this file in place of iface/dhcp.ts where
// stack.ts imports it (tools/closure.ts), so the stack's bundle does not carry the client. The
// module must come from the same build as the stack (the same renamed names, BUILD_ID).
import type { Interface } from './interface.ts';
import type { DhcpClient as Client, DhcpOptions } from './dhcp.ts';
import { espruinoModule } from '../modules.ts';

/** Set by the build (tools/build.ts): the same in the stack's bundles and in "synack-dhcp". */
declare const BUILD_ID: string;

/** `new DhcpClient(netif, opts)`, as stack.ts writes it: the module's client. */
export const DhcpClient = function (netif: Interface, opts: DhcpOptions): Client {
  const m = espruinoModule('synack-dhcp') as { DhcpClient: typeof Client; build: string } | undefined;
  if (!m || m.build !== BUILD_ID) throw new Error('synack: "synack-dhcp" is missing from Storage or from another build: flash again (npm run flash), or give a static ip');
  return new m.DhcpClient(netif, opts);
} as unknown as typeof Client;
