// The board's budgets (issue 6, revised by issue 16), in one place: the build, the bench and the
// tests read them. `npm run bench` prints each figure beside its limit.
/** Goal for a chip bundle (stack + one driver + the NetworkJS adapter) as flashed: pretokenised
 *  bytes in Storage (dist/synack-enc28j60.tok). */
export const BUNDLE_BUDGET = 32 * 1024;
/** What the build enforces today on the same figure: what it measures with a little room (128
 *  bytes), lowered as the bundle shrinks (a ratchet: the build fails above it). 32,088 bytes on
 *  2026-12-04, under BUNDLE_BUDGET since issue 16's second pass (41,471 before Closure Compiler,
 *  32,891 before that pass), 32,279 after the drivers stopped comparing typed arrays with
 *  !== (wire/bytes.ts sameArray) and a new connection measured free memory itself; 32,641 with
 *  zero configuration's hooks (issue 26: the stand-in that loads "synack-linklocal" and
 *  "synack-mdns", the interface's multicast group and broadcast ARP replies from 169.254/16, the
 *  ENC28J60's mcast(), the two keys). Issue 21 (connection resources) measured +2,063 on its own
 *  (32,358 -> 34,421): the reclaim policy, default keepalive and CLOSE in SYN-RECEIVED +444, the
 *  SYN cache and SYN cookies +1,379, rings sized from what is free and refusal causes +113, rings
 *  by fair share and ARP left alone by replies without a connection +142, less the passive
 *  SYN-RECEIVED branches the cache replaced; both together 34,705. Issue 25 (the stack's deadline:
 *  an idle poll that only asks the driver for frames, free memory measured before frames rather
 *  than on every poll) +182 measured on 34,705 (34,887), +176 on issue 24's 33,904 (34,080). */
export const BUNDLE_CEILING = 34080 + 128 + 1240; // + issue 21's second part (s2-21): SYNs and RSTs only to resolved next hops +~250, rings given back +~200, memory reclaim +~80, compact TIME-WAIT and its reopen rule +~820 (34,105 -> 35,439): the lead to settle
/** Blocks in use loaded from Storage, started with a static address, apps: false, idle (Pico
 *  memory layout, 5100 blocks of 13 bytes): since issue 24 counted on start(), from before
 *  require("synack"), the interpreter's stdin open (tools/bench/flashed.ts). */
export const IDLE_BLOCKS_BUDGET = 1500;
/** Storage a Pico has left beyond the program when examples/http-server.js is flashed on DHCP
 *  (`npm run flash -- --program examples/http-server.js`: the chip bundle, synack-dhcp,
 *  synack-networkjs, the boot file and the program), bytes (issue 24). */
export const STORAGE_LEFT_BUDGET = 12 * 1024;
/** What the build enforces today on that figure (a ratchet, raised as the modules shrink: the
 *  build fails below it): 11,608 bytes on 2026-12-07 once the counters' names left the chip
 *  bundle; 9,280 once zero configuration's hooks and issue 21's connection resources were merged
 *  the same day; less 256 bytes of room. */
export const STORAGE_LEFT_FLOOR = 9280 - 256 - 1300; // - issue 21's second part (s2-21, +1,334 bytes in the chip bundle: see BUNDLE_CEILING): the lead to settle
/** Blocks free for the program on a Pico as flashed by default (start() with the default apps). */
export const FREE_BLOCKS_BUDGET = 3300;
/** Blocks per extra TCP connection beyond its buffers. */
export const CONN_BLOCKS_BUDGET = 31;
/** Receiving and acknowledging one 1460-byte segment, in empty for-loop iterations (the floor of
 *  any design that keeps the frame by reference is 89: tools/bench/floor.ts). */
export const SEGMENT_COST_BUDGET = 110;
