// DNS on a board: the Storage module "synack-dns" (iface/dns-module.ts), loaded the first time a
// name is resolved (Stack.dns is made on first use). The board bundles take this file in place of
// iface/dns.ts where stack.ts imports it (tools/closure.ts). The module must come from the same
// build as the stack (the same renamed names, BUILD_ID).
import type { Interface } from './interface.ts';
import type { DnsClient as Client } from './dns.ts';
import { espruinoModule } from '../modules.ts';

/** `new DnsClient(netif, server)`, as stack.ts writes it: the module's client. */
export const DnsClient = function (netif: Interface, server: number): Client {
  const m = espruinoModule('synack-dns', ')') as { DnsClient: typeof Client };
  return new m.DnsClient(netif, server);
} as unknown as typeof Client;
