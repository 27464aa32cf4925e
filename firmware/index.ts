// The bundle's entry: what `require("synack")` returns on the board (and what the tests load
// from dist/synack.js). The build is an IIFE that assigns module.exports itself, so esbuild
// emits no runtime helpers. To export a module, import it here and add it to the object.
import { Interface } from './iface/interface.ts';
import { ipFromString, ipToString } from './wire/ipv4.ts';
import { macToString } from './wire/ethernet.ts';
import { checksum } from './wire/checksum.ts';
import { Tcp, STATE_NAMES } from './tcp/tcp.ts';
import { createNet } from './socket/net.ts';
import { DhcpClient } from './iface/dhcp.ts';
import { DnsClient } from './iface/dns.ts';
import { Enc28j60 } from './drivers/enc28j60.ts';
import { W5500 } from './drivers/w5500.ts';
import { createStack, Stack } from './stack.ts';
import { start } from './board.ts';
import { networkjs, NetworkJsAdapter } from './socket/networkjs.ts';

declare const module: { exports: unknown };

export const version = '0.1.0';

module.exports = {
  version: version,
  Interface: Interface,
  ipFromString: ipFromString,
  ipToString: ipToString,
  macToString: macToString,
  checksum: checksum,
  Tcp: Tcp,
  STATE_NAMES: STATE_NAMES,
  createNet: createNet,
  DhcpClient: DhcpClient,
  DnsClient: DnsClient,
  Enc28j60: Enc28j60,
  W5500: W5500,
  Stack: Stack,
  createStack: createStack,
  start: start,
  networkjs: networkjs,
  NetworkJsAdapter: NetworkJsAdapter,
};
