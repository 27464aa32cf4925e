// The entry of the W5500 board bundle (dist/synack-w5500.js): what `require("synack")`
// returns on a board wired to an W5500: the stack, the W5500 driver and the NetworkJS
// adapter. The default apps are a module of their own (apps/module.ts).
import { W5500 } from './drivers/w5500.ts';
import { registerChip, start } from './board.ts';
import { createStack } from './stack.ts';
import { networkjs } from './socket/networkjs.ts';
import { ipFromString, ipToString } from './wire/ipv4.ts';
import { version } from './version.ts';

declare const module: { exports: unknown };

registerChip('w5500', W5500);

module.exports = {
  version: version,
  start: start,
  createStack: createStack,
  networkjs: networkjs,
  ipFromString: ipFromString,
  ipToString: ipToString,
};
