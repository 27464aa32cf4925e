// Imported first by a test file whose simulators are killed on purpose: their state files
// (host-sim/links/leftovers.ts) go to a directory of this test's own (SYNACK_RUN_DIR, inherited
// by the simulators it starts), so that no other process on the machine (another suite, another
// checkout's tests) sweeps what they left before the simulator under test does. Removed at exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'synack-run-test-'));
process.env.SYNACK_RUN_DIR = dir;
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
export const PRIVATE_RUN_DIR = dir;
