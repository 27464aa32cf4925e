// In the modules beside the stack's bundle ("synack-net", "synack-apps"): the address and
// string helpers of the stack's bundle ("synack", already loaded when they are), instead of a
// second copy of their code in Storage and in RAM. The build takes this file for wire/ipv4.ts and
// wire/bytes.ts in those modules only (tools/build.ts); the stack is required once.
declare const global: {
  require(name: string): {
    ipFromString(s: string): number; ipToString(ip: number): string;
    stringToBytes(s: string): Uint8Array; bytesToString(b: Uint8Array): string;
  };
};

// The byte readers and writers stay as written there (the build keeps only what a module uses).
export { getU16, getU32, putU16, putU32 } from '../wire/bytes.ts';

const stack = global.require('synack');
export const ipFromString = stack.ipFromString;
export const ipToString = stack.ipToString;
export const stringToBytes = stack.stringToBytes;
export const bytesToString = stack.bytesToString;
