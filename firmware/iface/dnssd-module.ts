// The entry of DNS-SD's own bundle (dist/synack-dnssd.js), written to a board's Storage as the
// module "synack-dnssd": the mDNS responder loads it (iface/dnssd-storage.ts) when the default
// apps run, so a board without them, or without room for it, never carries it.
import { sdRecords } from './dnssd.ts';

declare const module: { exports: unknown };
/** Set by the build (tools/build.ts): the same in the stack's bundles and in this module. */
declare const BUILD_ID: string;

module.exports = { sdRecords: sdRecords, build: BUILD_ID };
