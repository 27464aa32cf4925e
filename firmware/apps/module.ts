// The entry of the apps bundle (dist/synack-apps.js), written to a board's Storage as the module
// "synack-apps": start(config) in the stack's bundle loads it when the configuration wants apps.
import { startApps } from './index.ts';

declare const module: { exports: unknown };
/** Set by the build (tools/build.ts): the same in the stack's bundles and in this module. */
declare const BUILD_ID: string;

module.exports = { startApps: startApps, build: BUILD_ID };
