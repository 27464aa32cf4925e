// The bundle's entry: what `require("synack")` returns on the board (and what the tests load
// from dist/synack.js). The build is an IIFE that assigns module.exports itself, so esbuild
// emits no runtime helpers. To export a module, import it here and add it to the object.
import { Interface } from './iface/interface.ts';
import { ipFromString, ipToString } from './wire/ipv4.ts';
import { macToString } from './wire/ethernet.ts';
import { checksum } from './wire/checksum.ts';

declare const module: { exports: unknown };

export const version = '0.1.0';

module.exports = {
  version: version,
  Interface: Interface,
  ipFromString: ipFromString,
  ipToString: ipToString,
  macToString: macToString,
  checksum: checksum,
};
