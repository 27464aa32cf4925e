// What `require("synack")` returns on a board, whichever chip bundle it is: the entry point, the
// stack for custom compositions, the NetworkJS adapter, and the address and string helpers (the
// modules beside it, synack-net and synack-apps, use these rather than copies of their own). Each chip's
// entry (board-enc28j60.ts, board-w5500.ts) registers its driver and exports this object.
import { start } from './board.ts';
import { createStack } from './stack.ts';
import { networkjs } from './socket/networkjs.ts';
import { ipFromString, ipToString } from './wire/ipv4.ts';
import { bytesToString, stringToBytes } from './wire/bytes.ts';
import { version } from './version.ts';

export const boardModule = {
  version: version,
  start: start,
  createStack: createStack,
  networkjs: networkjs,
  ipFromString: ipFromString,
  ipToString: ipToString,
  stringToBytes: stringToBytes,
  bytesToString: bytesToString,
};
