// A StrykerJS test runner for this project's uvu suites, in one process: each worker imports the
// suites listed in stryker.config.mjs once (through uvu-shim.mjs, which registers tests rather than
// running them), then runs, per mutant, only the tests that covered it, stopping at the first
// failure. Measured against Stryker's command runner (a new Node + tsx per mutant, ~1-4 s each)
// this runs most mutants in milliseconds. Coverage is per test.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const TIMES = '.uvu-times.json'; // in the sandbox (the worker's cwd)
import { declareClassPlugin, PluginKind, tokens, commonTokens } from '@stryker-mutator/api/plugin';
import { DryRunStatus, TestStatus, toMutantRunResult, determineHitLimitReached } from '@stryker-mutator/api/test-runner';

function ns() { return (globalThis.__stryker__ = globalThis.__stryker__ || {}); }

class UvuTestRunner {
  static inject = tokens(commonTokens.options, commonTokens.logger);
  constructor(options, log) {
    this.files = (options.uvu && options.uvu.files) || [];
    this.log = log;
    this.loaded = false;
  }
  capabilities() { return { reloadEnvironment: false }; }

  async load() {
    if (this.loaded) return;
    this.loaded = true;
    const reg = (globalThis.__synackTests = globalThis.__synackTests || { file: '', tests: [] });
    for (const f of this.files) {
      reg.file = f;
      await import(pathToFileURL(join(process.cwd(), f)).href);
    }
    this.tests = reg.tests;
    if (existsSync(TIMES)) {
      const ms = JSON.parse(readFileSync(TIMES, 'utf8'));
      this.tests.sort((a, b) => (ms[a.id] ?? 0) - (ms[b.id] ?? 0));
    }
  }

  async runTests(filter, bail, perTest) {
    const results = [];
    const want = filter ? new Set(filter) : null;
    const write = process.stdout.write;
    process.stdout.write = () => true;
    try {
      for (const t of this.tests) {
        if (want && !want.has(t.id)) continue;
        if (perTest) ns().currentTestId = t.id;
        const start = Date.now();
        let status = TestStatus.Success, failureMessage;
        try { await t.run(); } catch (e) {
          status = TestStatus.Failed;
          failureMessage = (e && e.message ? e.message : String(e)).slice(0, 500);
        }
        results.push({ id: t.id, name: t.id, status, timeSpentMs: Date.now() - start, failureMessage });
        if (status === TestStatus.Failed && bail) break;
      }
    } finally {
      process.stdout.write = write;
      ns().currentTestId = undefined;
    }
    return results;
  }

  async dryRun(options) {
    try {
      await this.load();
      const perTest = options.coverageAnalysis === 'perTest';
      const tests = await this.runTests(null, false, perTest);
      // Mutant runs try the quickest covering tests first (a mutant is usually killed by one).
      const ms = new Map(tests.map((t) => [t.id, t.timeSpentMs]));
      this.tests.sort((a, b) => ms.get(a.id) - ms.get(b.id));
      // Kept for workers started later (after a timeout or for a static mutant): same order.
      try { writeFileSync(TIMES, JSON.stringify(Object.fromEntries(ms))); } catch { /* order only */ }
      return { status: DryRunStatus.Complete, tests, mutantCoverage: options.coverageAnalysis === 'off' ? undefined : ns().mutantCoverage };
    } catch (e) {
      return { status: DryRunStatus.Error, errorMessage: String(e && e.stack || e) };
    }
  }

  async mutantRun(options) {
    const n = ns();
    n.activeMutant = options.activeMutant.id;
    n.hitLimit = options.hitLimit;
    n.hitCount = options.hitLimit === undefined ? undefined : 0;
    try {
      await this.load();
      const tests = await this.runTests(options.testFilter, !options.disableBail, false);
      const timeout = determineHitLimitReached(n.hitCount, n.hitLimit);
      if (timeout) return toMutantRunResult(timeout);
      return toMutantRunResult({ status: DryRunStatus.Complete, tests });
    } catch (e) {
      return toMutantRunResult({ status: DryRunStatus.Error, errorMessage: String(e && e.stack || e) });
    } finally {
      n.activeMutant = undefined;
      n.hitLimit = undefined;
      n.hitCount = undefined;
    }
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, 'uvu', UvuTestRunner)];
