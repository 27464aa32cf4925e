// The entry of the W5500 board bundle (dist/synack-w5500.js): the stack, the W5500
// driver and the NetworkJS adapter, for a board wired to a W5500. The default apps are a
// module of their own (apps/module.ts).
import { W5500 } from './drivers/w5500.ts';
import { registerChip } from './board.ts';
import { boardModule } from './board-module.ts';

declare const module: { exports: unknown };

registerChip('w5500', W5500);
module.exports = boardModule;
