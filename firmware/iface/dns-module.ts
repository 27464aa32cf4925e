// The entry of the DNS client's own bundle (dist/synack-dns.js), written to a board's Storage as
// the module "synack-dns": iface/dns-storage.ts in the stack's bundle loads it the first time a
// name (not a dotted quad) is resolved.
import { DnsClient } from './dns.ts';

declare const module: { exports: unknown };
/** Set by the build (tools/build.ts): the same in the stack's bundles and in this module. */
declare const BUILD_ID: string;

module.exports = { DnsClient: DnsClient, build: BUILD_ID };
