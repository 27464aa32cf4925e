// Importing this module makes every stack created afterwards start the default apps (the
// simulator, the full bundle and the tools do; a board loads them from the "synack-apps" module).
import { useApps } from '../stack.ts';
import { startApps } from './index.ts';

useApps(startApps);
