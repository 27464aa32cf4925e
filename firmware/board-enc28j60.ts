// The entry of the ENC28J60 board bundle (dist/synack-enc28j60.js): the stack, the ENC28J60
// driver and the NetworkJS adapter, for a board wired to an ENC28J60. The default apps are a
// module of their own (apps/module.ts).
import { Enc28j60 } from './drivers/enc28j60.ts';
import { registerChip } from './board.ts';
import { boardModule } from './board-module.ts';

declare const module: { exports: unknown };

registerChip('enc28j60', Enc28j60);
module.exports = boardModule;
