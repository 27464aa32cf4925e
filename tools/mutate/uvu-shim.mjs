// A stand-in for uvu's `test`/`suite` used only by `npm run mutate`: it registers each test in
// globalThis.__synackTests instead of running it, so that the Stryker runner (uvu-runner.mjs) can
// run any single test, many times, in one process, and tell Stryker which test covers which mutant.
// uvu/assert is not replaced. Hooks: before/after run around each test (the suites under mutation
// use none); before.each/after.each as in uvu.
const registry = (globalThis.__synackTests = globalThis.__synackTests || { file: '', tests: [] });

function context(state) {
  return { tests: [], only: [], before: [], after: [], bEach: [], aEach: [], state };
}

function setup(ctx, name) {
  const test = (n, handler) => ctx.tests.push({ name: n, handler });
  test.before = (h) => ctx.before.push(h);
  test.before.each = (h) => ctx.bEach.push(h);
  test.after = (h) => ctx.after.push(h);
  test.after.each = (h) => ctx.aEach.push(h);
  test.only = (n, handler) => ctx.only.push({ name: n, handler });
  test.skip = () => {};
  test.run = () => {
    const c = { ...ctx };
    Object.assign(ctx, context(c.state));
    const list = c.only.length ? c.only : c.tests;
    const seen = new Set(registry.tests.map((t) => t.id));
    for (const t of list) {
      let id = `${registry.file} > ${name ? name + ' > ' : ''}${t.name}`;
      for (let i = 2; seen.has(id); i++) id = `${registry.file} > ${name ? name + ' > ' : ''}${t.name} #${i}`;
      seen.add(id);
      registry.tests.push({
        id,
        name: t.name,
        async run() {
          const state = c.state;
          state.__test__ = t.name;
          state.__suite__ = name;
          for (const h of c.before) await h(state);
          try {
            for (const h of c.bEach) await h(state);
            await t.handler(state);
          } finally {
            for (const h of c.aEach) await h(state);
            for (const h of c.after) await h(state);
          }
        },
      });
    }
  };
  return test;
}

export const suite = (name = '', state = {}) => setup(context(state), name);
export const test = suite();
export async function exec() { return true; }
