// The board's budgets (issue 6, revised by issue 16), in one place: the build, the bench and the
// tests read them. `npm run bench` prints each figure beside its limit.
/** Goal for a chip bundle (stack + one driver + the NetworkJS adapter) as flashed: pretokenised
 *  bytes in Storage (dist/synack-enc28j60.tok). */
export const BUNDLE_BUDGET = 32 * 1024;
/** What the build enforces on the same figure: a ratchet, the build fails above it, lowered as the
 *  bundle shrinks. The figure measured plus 128 bytes of room, but never above the budget: 32,756 B
 *  on 2026-12-07 with issue 21's second part (git log has the history), so the budget itself. */
export const BUNDLE_CEILING = BUNDLE_BUDGET;
/** Blocks in use loaded from Storage, started with a static address, apps: false, idle (Pico
 *  memory layout, 5100 blocks of 13 bytes): since issue 24 counted on start(), from before
 *  require("synack"), the interpreter's stdin open (tools/bench/flashed.ts). Not met: 1723 on
 *  2026-12-07, of which the code 1213 (each function 5 blocks and 1 a parameter: 146 functions,
 *  329 parameters), the stack's state about 300, the bench's driver 147 (docs/budgets.md). */
export const IDLE_BLOCKS_BUDGET = 1500;
/** Storage a Pico has left beyond the program when examples/http-server.js is flashed on DHCP
 *  (`npm run flash -- --program examples/http-server.js`: the chip bundle, synack-dhcp,
 *  synack-networkjs, the boot file and the program), bytes (issue 24). */
export const STORAGE_LEFT_BUDGET = 12 * 1024;
/** What the build enforces on that figure: a ratchet, the build fails below it, raised as the
 *  modules shrink. The figure measured, less 256 bytes of room: 10,760 B on 2026-12-07 with issue
 *  21's second part (git log has the history). */
export const STORAGE_LEFT_FLOOR = 10760 - 256;
/** Blocks free for the program on a Pico as flashed by default (start() with the default apps). */
export const FREE_BLOCKS_BUDGET = 3300;
/** Blocks per extra TCP connection beyond its buffers. */
export const CONN_BLOCKS_BUDGET = 31;
/** Receiving and acknowledging one 1460-byte segment, in empty for-loop iterations (the floor of
 *  any design that keeps the frame by reference is 89: tools/bench/floor.ts). */
export const SEGMENT_COST_BUDGET = 110;
