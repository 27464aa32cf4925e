// In the "synack-net" module: the address helpers of the stack's bundle ("synack", already loaded
// when the module is), instead of a second copy of their code in Storage and in RAM. The build
// takes this file for wire/ipv4.ts in that module only (tools/build.ts).
declare const global: { require(name: string): { ipFromString(s: string): number; ipToString(ip: number): string } };

const stack = global.require('synack');
export const ipFromString = stack.ipFromString;
export const ipToString = stack.ipToString;
