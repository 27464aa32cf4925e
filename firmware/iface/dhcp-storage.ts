// DHCP on a board: the Storage module "synack-dhcp" (iface/dhcp-module.ts), loaded when a stack
// starts with ip "dhcp". The board bundles take this file in place of iface/dhcp.ts where
// stack.ts imports it (tools/closure.ts), so the stack's bundle does not carry the client. The
// module must come from the same build as the stack (the same renamed names, BUILD_ID).
import type { Interface } from './interface.ts';
import type { DhcpClient as Client, DhcpOptions } from './dhcp.ts';
import { espruinoModule } from '../modules.ts';

/** `new DhcpClient(netif, opts)`, as stack.ts writes it: the module's client. */
export const DhcpClient = function (netif: Interface, opts: DhcpOptions): Client {
  const m = espruinoModule('synack-dhcp', '), or give a static ip') as { DhcpClient: typeof Client };
  return new m.DhcpClient(netif, opts);
} as unknown as typeof Client;
