// The NetworkJS adapter on a board: the Storage module "synack-networkjs"
// (socket/networkjs-module.ts). The board bundles take this file in place of socket/networkjs.ts
// (tools/closure.ts): start() registers a stand-in with Espruino's NetworkJS whose only method is
// create (Espruino calls the others only for sockets create made); the first create loads the
// module, which turns the stand-in into the adapter. The module must come from the same build
// as the stack (the same renamed names, BUILD_ID).
import type { Stack } from '../stack.ts';
import type { NetworkJsAdapter } from './networkjs.ts';
import { espruinoModule } from '../modules.ts';

/** Set by the build (tools/build.ts): the same in the stack's bundles and in "synack-networkjs". */
declare const BUILD_ID: string;
declare const print: ((s: string) => void) | undefined;

/** Espruino's code for a failure it reports as "Unable to create socket" (socketerrors.h). */
const SOCKET_ERR_UNKNOWN = -10;

/** Makes Espruino's net/http/dgram run over this stack: require("NetworkJS").create(adapter). */
export function networkjs(stack: Stack, networkJsModule?: { create(a: unknown): unknown }): NetworkJsAdapter {
  const stand: { [k: string]: unknown } = {
    create: function (host: string | undefined, port: number, type: number, options?: unknown): number {
      const m = espruinoModule('synack-networkjs') as { adopt(s: unknown, st: Stack): void; build: string } | undefined;
      if (!m || m.build !== BUILD_ID) {
        if (typeof print === 'function') print('synack: "synack-networkjs" is missing from Storage or from another build: flash again (npm run flash)');
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
