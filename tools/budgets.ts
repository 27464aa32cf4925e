// The board's budgets (issue 6), in one place: the build, the bench and the tests read them.
/** Target for a board bundle (stack + one driver + the NetworkJS adapter), minified. */
export const BUNDLE_BUDGET = 24 * 1024;
/** What the build enforces today: the measured size with a little room, lowered as the bundle
 *  shrinks toward BUNDLE_BUDGET (a ratchet: the build fails above it). */
export const BUNDLE_CEILING = 51 * 1024 + 512;
/** Blocks in use with synack started and idle, Pico memory layout (5100 blocks of 13 bytes). */
export const IDLE_BLOCKS_BUDGET = 800;
/** Blocks per extra TCP connection beyond its buffers. */
export const CONN_BLOCKS_BUDGET = 40;
/** Receiving and acknowledging one 1460-byte segment, in empty for-loop iterations. */
export const SEGMENT_COST_BUDGET = 100;
