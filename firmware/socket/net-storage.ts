// The net-style API on a board: the Storage module "synack-net" (socket/net-module.ts), loaded
// when a program first uses `stack.net`. The board bundles take this file in place of net.ts
// (tools/build.ts), so the stack's bundle does not carry the API, and a board that only runs
// Espruino's own net/http never spends RAM on it. The module must come from the same build as
// the stack: both use the same shortened property names, which BUILD_ID stands for.
import type { Tcp } from '../tcp/tcp.ts';
import type { Net, Resolver } from './net.ts';
import { espruinoModule } from '../modules.ts';

/** Set by the build (tools/build.ts): the same in the stack's bundles and in "synack-net". */
declare const BUILD_ID: string;

interface NetModule { createNet(tcp: Tcp, resolve?: Resolver): Net; build: string }

export function createNet(tcp: Tcp, resolve?: Resolver): Net {
  const m = espruinoModule('synack-net') as NetModule | undefined;
  if (!m || m.build !== BUILD_ID) throw new Error('synack: "synack-net" is missing from Storage or from another build: flash again (npm run flash, without "net": false)');
  return m.createNet(tcp, resolve);
}
