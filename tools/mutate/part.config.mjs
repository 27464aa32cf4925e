// A file-scoped mutation run for iterating on one file's tests (npm run mutate:part; see
// docs/mutation.md): PART lists the files to mutate (comma-separated globs), PART_SUITES the
// suites to run (test/<name>.test.ts, comma-separated; default: all of stryker.config.mjs's).
// Not incremental, one worker; its report goes to reports/part/mutation.json (or PART_OUT),
// apart from the full run's (read it with SYNACK_MUTATION_JSON=reports/part/mutation.json node
// tools/mutate/survivors.mjs FILE). Two at once need their own PART_OUT (the sandbox's name
// follows it).
import base from '../../stryker.config.mjs';

if (!process.env.PART) throw new Error('PART=firmware/... (the files to mutate) is needed');
const out = process.env.PART_OUT || 'reports/part/mutation.json';
const suites = process.env.PART_SUITES ? process.env.PART_SUITES.split(',').map((s) => `test/${s}.test.ts`) : base.uvu.files;
export default {
  ...base, mutate: process.env.PART.split(','), uvu: { files: suites }, concurrency: 1, incremental: false,
  tempDirName: 'reports/.stryker-tmp-' + out.replace(/\W/g, '-'), reporters: ['json', 'clear-text'],
  jsonReporter: { fileName: out },
};
