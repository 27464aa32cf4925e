// Loaded with --import by the Stryker test runner's worker (see stryker.config.mjs): maps the bare
// specifier 'uvu' to uvu-shim.mjs so that test files register their tests instead of running them.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
const shim = ${JSON.stringify(new URL('./uvu-shim.mjs', import.meta.url).href)};
export async function resolve(specifier, context, next) {
  if (specifier === 'uvu') return { url: shim, shortCircuit: true };
  return next(specifier, context);
}`));
