// DNS-SD on a board: the Storage module "synack-dnssd" (iface/dnssd-module.ts). The mDNS module
// takes this file in place of iface/dnssd.ts (tools/closure.ts). Without the module in Storage
// (a board short of room) or from another build, no service is advertised: the name still is.
import type { MdnsRecord } from './dnssd.ts';

export type { MdnsRecord };

/** Set by the build (tools/build.ts). */
declare const BUILD_ID: string;
declare const global: { require(name: string): any };

export function sdRecords(fqdn: string, host: string, http: boolean, echo: boolean): MdnsRecord[] | null {
  // Espruino's require directly (modules.ts's helper would join the stack's shared names).
  let m: any;
  try { m = global.require('synack-dnssd'); } catch (e) { m = null; }
  return m && m.build === BUILD_ID ? m.sdRecords(fqdn, host, http, echo) : null;
}
