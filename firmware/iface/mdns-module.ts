// The mDNS responder's own bundle (dist/synack-mdns.js), written to a board's Storage as
// the module "synack-mdns": iface/zeroconf-storage.ts loads it when mDNS is on.
import { startMdns } from './mdns.ts';

declare const module: { exports: unknown };
/** Set by the build (tools/build.ts): the same in the stack's bundles and in this module. */
declare const BUILD_ID: string;

module.exports = { start: startMdns, build: BUILD_ID };
