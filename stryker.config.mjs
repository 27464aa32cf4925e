// StrykerJS over the stack's protocol code (npm run mutate; see docs/mutation.md). Not part of
// npm test. Reports: reports/mutation/mutation.html and .json; incremental state in
// reports/stryker-incremental.json (a rerun tests only the mutants whose code or tests changed).
const suites = [
  'checksum', 'dhcp-dns', 'iface-arp', 'iface-arp-cache', 'iface-edges', 'iface-dns', 'iface-dhcp', 'iface-counters', 'iface-icmp', 'iface-ipv4', 'iface-poll',
  'iface-udp', 'iface-storage', 'socket-net', 'tcp-config', 'tcp-fast-path', 'tcp-sequences',
  'tcp-states', 'tcp-states-open', 'tcp-states-synchronized', 'tcp-states-closing', 'tcp-edges', 'tcp-table', 'tcp-timers', 'tcp-syncache', 'tcp-reclaim', 'tcp-resources', 'zeroconf', 'iface-mdns', 'iface-linklocal',
  'tcp-congestion', 'wire-arp', 'wire-bytes', 'wire-ethernet', 'wire-icmp', 'wire-ipv4',
  'wire-udp', 'wire-tcp', 'on-board', 'wire-dns', 'wire-dhcp', 'wire-mdns', 'networkjs', 'board-memory', 'ladder-sim',
];
import { existsSync } from 'node:fs';

export default {
  testRunner: 'uvu',
  plugins: ['./tools/mutate/uvu-runner.mjs'],
  uvu: { files: suites.map((s) => `test/${s}.test.ts`).filter((f) => existsSync(f)) },
  testRunnerNodeArgs: ['--import', 'tsx', '--import', './tools/mutate/register.mjs'],
  mutate: ['firmware/tcp/**/*.ts', 'firmware/iface/**/*.ts', 'firmware/wire/**/*.ts'],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  concurrency: Number(process.env.SYNACK_MUTATE_JOBS || 2),
  tempDirName: 'reports/.stryker-tmp',
  ignorePatterns: ['dist', 'reports', '.tmp', '*.pcap'],
  timeoutMS: 2000,
  thresholds: { high: 90, low: 85, break: null },
};
