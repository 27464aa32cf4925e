// The NetworkJS adapter on a board: the Storage module "synack-networkjs"
// (socket/networkjs-module.ts). The board bundles take this file in place of socket/networkjs.ts
// (tools/closure.ts): start() registers a stand-in with Espruino's NetworkJS whose only method is
// create (Espruino calls the others only for sockets create made); the first create loads the
// module, which turns the stand-in into the adapter. The module must come from the same build
// as the stack (the same renamed names, BUILD_ID).
import type { Stack } from '../stack.ts';
import type { NetworkJsAdapter } from './networkjs.ts';
import { espruinoModule } from '../modules.ts';
import { onBoard } from '../wire/on-board.ts';

declare const print: ((s: string) => void) | undefined;

/** Espruino's code for a failure it reports as "Unable to create socket" (socketerrors.h). */
const SOCKET_ERR_UNKNOWN = -10;

/** Makes Espruino's net/http/dgram run over this stack: require("NetworkJS").create(adapter). */
export function networkjs(stack: Stack, networkJsModule?: { create(a: unknown): unknown }): NetworkJsAdapter {
  const stand: { [k: string]: unknown } = {
    create: function (host: string | undefined, port: number, type: number, options?: unknown): number {
      let m: { adopt(s: unknown, st: Stack): void };
      try { m = espruinoModule('synack-networkjs', ')'); } catch (e) {
        // Espruino swallows what create throws: the line goes to the console.
        if (onBoard || typeof print === 'function') print!((e as Error).message);
        return SOCKET_ERR_UNKNOWN;
      }
      m.adopt(stand, stack);
      return (stand as unknown as NetworkJsAdapter).create(host, port, type, options);
    },
  };
  const mod = networkJsModule || espruinoModule('NetworkJS') as { create(a: unknown): unknown } | undefined;
  if (mod) mod.create(stand);
  return stand as unknown as NetworkJsAdapter;
}
