// Whether this code is a board bundle's. The build defines BOARD for the board bundles
// (tools/closure.ts), which run only in Espruino (and in the tests' Espruino-like context,
// test/helpers/bundle.ts): there getTime, print, process.memory, E.toString and E.toUint8Array
// always exist, so the checks written for Node fold away (bytes in Storage, and time where they
// are on a path that runs often). E.sum, E.getAddressOf and E.hwRand are still looked for:
// Espruino builds made with SAVE_ON_FLASH lack them. Elsewhere (the full bundle, the TypeScript
// under tsx) BOARD is not defined and every check stays.
declare const BOARD: boolean;
export const onBoard: boolean = typeof BOARD !== 'undefined';
