// The entry of the net-style API's own bundle (dist/synack-net.js), written to a board's Storage
// as the module "synack-net": socket/net-storage.ts in the stack's bundle loads it on first use.
import { createNet } from './net.ts';

declare const module: { exports: unknown };
/** Set by the build (tools/build.ts): the same in the stack's bundles and in this module. */
declare const BUILD_ID: string;

module.exports = { createNet: createNet, build: BUILD_ID };
