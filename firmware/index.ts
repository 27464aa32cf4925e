// The full bundle's entry (dist/synack.js: both chips and the default apps), what the tests and
// the simulator load. A board gets one of the chip bundles (board-enc28j60.ts, board-w5500.ts)
// and the apps module (apps/module.ts). The build is an IIFE that assigns module.exports itself, so esbuild
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
import { registerChip, start } from './board.ts';
import './apps/register.ts';
import { networkjs, NetworkJsAdapter } from './socket/networkjs.ts';
import { version } from './version.ts';

declare const module: { exports: unknown };
/** Espruino's lexer takes `of` as a keyword (for...of) everywhere: `var of=1` is a syntax error
 *  there. esbuild's minifier never gives a name that the code reads as a global, so this
 *  reference (dropped as dead code) keeps it from naming anything `of` (it did, once the bundle
 *  had enough names: "Got of expected EOF"). */
declare const of: unknown;
typeof of;

registerChip('enc28j60', Enc28j60);
registerChip('w5500', W5500);

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
