// The entry of the DHCP client's own bundle (dist/synack-dhcp.js), written to a board's Storage
// as the module "synack-dhcp": iface/dhcp-storage.ts in the stack's bundle loads it when a stack
// starts with ip "dhcp", so a board on a static address never spends Storage reads or RAM on it.
import { DhcpClient } from './dhcp.ts';

declare const module: { exports: unknown };
/** Set by the build (tools/build.ts): the same in the stack's bundles and in this module. */
declare const BUILD_ID: string;

module.exports = { DhcpClient: DhcpClient, build: BUILD_ID };
