// The entry of the ENC28J60 board bundle (dist/synack-enc28j60.js): what `require("synack")`
// returns on a board wired to an ENC28J60: the stack, the ENC28J60 driver and the NetworkJS
// adapter. The default apps are a module of their own (apps/module.ts).
import { Enc28j60 } from './drivers/enc28j60.ts';
import { registerChip, start } from './board.ts';
import { createStack } from './stack.ts';
import { networkjs } from './socket/networkjs.ts';
import { ipFromString, ipToString } from './wire/ipv4.ts';
import { version } from './version.ts';

declare const module: { exports: unknown };

registerChip('enc28j60', Enc28j60);

module.exports = {
  version: version,
  start: start,
  createStack: createStack,
  networkjs: networkjs,
  ipFromString: ipFromString,
  ipToString: ipToString,
};
