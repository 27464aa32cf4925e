// Link-local IPv4's own bundle (dist/synack-linklocal.js), written to a board's Storage as
// the module "synack-linklocal": iface/zeroconf-storage.ts loads it for a board on DHCP with linkLocal on.
import { startLinkLocal } from './linklocal.ts';

declare const module: { exports: unknown };
/** Set by the build (tools/build.ts): the same in the stack's bundles and in this module. */
declare const BUILD_ID: string;

module.exports = { start: startLinkLocal, build: BUILD_ID };
