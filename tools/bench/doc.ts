// docs/budgets.md's table and date, written by `npm run bench` itself (never by hand): each
// budget's figure as measured in this run, its limit and whether it is met. The text around the
// table (what each budget counts, the floors, the proposals) is the document's own; the bench
// rewrites only what lies between the two markers.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const BUDGETS_DOC = join(import.meta.dirname, '..', '..', 'docs', 'budgets.md');
const BEGIN = '<!-- npm run bench writes from here -->';
const END = '<!-- npm run bench writes up to here -->';

export interface BudgetRow { budget: string; figure: string; limit: string; verdict: string }
const rows: BudgetRow[] = [];

/** One budget's figure, as measured in this run. */
export function budgetRow(budget: string, figure: string, limit: string, verdict: string): void {
  const i = rows.findIndex((r) => r.budget === budget);
  if (i >= 0) rows.splice(i, 1);
  rows.push({ budget, figure, limit, verdict });
}

/** The table between the markers, for `rows` measured with `how` (the interpreter, the date). */
export function budgetTable(how: string, list: BudgetRow[] = rows): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [BEGIN, '', `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${how}).`, '',
    '| budget | measured | limit | |', '| --- | --- | --- | --- |',
    ...list.map((r) => `| ${cell(r.budget)} | ${cell(r.figure)} | ${cell(r.limit)} | ${cell(r.verdict)} |`), '', END].join('\n');
}

/** Rewrites the table in docs/budgets.md; false (nothing written) when the markers are missing. */
export function writeBudgetsDoc(how: string): boolean {
  if (!existsSync(BUDGETS_DOC)) return false;
  const text = readFileSync(BUDGETS_DOC, 'utf8');
  const a = text.indexOf(BEGIN), b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  writeFileSync(BUDGETS_DOC, text.slice(0, a) + budgetTable(how) + text.slice(b + END.length));
  return true;
}
