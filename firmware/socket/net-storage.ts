// The net-style API on a board: the Storage module "synack-net" (socket/net-module.ts), loaded
// when a program first uses `stack.net`. The board bundles take this file in place of net.ts
// (tools/build.ts), so the stack's bundle does not carry the API, and a board that only runs
// Espruino's own net/http never spends RAM on it. The module must come from the same build as
// the stack: both use the same shortened property names, which BUILD_ID stands for.
import type { Tcp } from '../tcp/tcp.ts';
import type { Net, Resolver } from './net.ts';
import { espruinoModule } from '../modules.ts';

interface NetModule { createNet(tcp: Tcp, resolve?: Resolver): Net; build: string }

export function createNet(tcp: Tcp, resolve?: Resolver): Net {
  const m = espruinoModule('synack-net', ', without "net": false)') as NetModule;
  return m.createNet(tcp, resolve);
}
