// Account allocation (SPEC 3): an account's spend split across product budgets by percentage,
// totalling exactly 100.00, from a Monday or the 1st of a month. Percentages are summed as
// integer hundredths, never floats, so 33.33 + 33.33 + 33.34 is exactly 100.00.
import type { SplitVersionRead, SplitWrite } from '../client';
import { csvDecimal, type CsvColumn } from './csv';
import { periodStartProblem } from './periods';

const HUNDRED = 10_000; // 100.00 in hundredths
const PERCENT = /^(\d{1,3})(?:\.(\d{1,2}))?$/;

/** "60", "60.5", "60.50" → 6050 (hundredths); `null` when it is not a percentage the server
 * takes (greater than 0, at most 100, at most two decimals). */
export function parsePercent(text: string): number | null {
  const match = PERCENT.exec(text.trim().replace(/%$/, '').trim());
  if (!match) return null;
  const hundredths = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return hundredths > 0 && hundredths <= HUNDRED ? hundredths : null;
}

/** 6050 → "60.50". */
export function formatHundredths(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const abs = Math.abs(hundredths);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export interface ShareInput {
  budgetId: number | null;
  percent: string;
}

export interface SplitTotal {
  /** The sum of the valid percentages, "100.00" when complete. */
  total: string;
  /** What is left to reach 100.00 (negative when over). */
  remaining: string;
  complete: boolean;
  /** Indexes of the rows whose percentage is not valid. */
  invalid: number[];
}

/** The running total of a split being edited. */
export function splitTotal(shares: readonly ShareInput[]): SplitTotal {
  let sum = 0;
  const invalid: number[] = [];
  shares.forEach((share, index) => {
    const value = parsePercent(share.percent);
    if (value === null) invalid.push(index);
    else sum += value;
  });
  return {
    total: formatHundredths(sum),
    remaining: formatHundredths(HUNDRED - sum),
    complete: sum === HUNDRED && invalid.length === 0,
    invalid,
  };
}

/** What stops the split from being sent, in words; empty when it can go to the server (which
 * checks again: budgets of the year, closed months, after the current split). */
export function splitProblems(shares: readonly ShareInput[], effectiveFrom: string): string[] {
  const problems: string[] = [];
  if (shares.length === 0) problems.push('Add at least one budget.');
  if (shares.some((s) => s.budgetId === null)) problems.push('Choose a budget on every line.');
  const ids = shares.map((s) => s.budgetId).filter((id): id is number => id !== null);
  if (new Set(ids).size !== ids.length) problems.push('A budget appears twice.');
  const total = splitTotal(shares);
  if (total.invalid.length > 0) {
    problems.push('Every percentage must be greater than 0 and at most 100, with up to 2 decimals.');
  } else if (shares.length > 0 && !total.complete) {
    problems.push(`The percentages total ${total.total}; they must total exactly 100.00.`);
  }
  const date = periodStartProblem(effectiveFrom);
  if (date) problems.push(date);
  return problems;
}

export function toSplitWrite(shares: readonly ShareInput[], effectiveFrom: string): SplitWrite {
  return {
    effective_from: effectiveFrom,
    splits: shares.map((s) => ({
      budget_id: s.budgetId ?? 0,
      percent: formatHundredths(parsePercent(s.percent) ?? 0),
    })),
  };
}

/** The version a remap form starts from: the newest one (a split saved to start next Monday
 * is not in force yet, but it is the one a new remap replaces), else none. */
export function splitToEdit<V extends Pick<SplitVersionRead, 'effective_from'>>(
  history: readonly V[],
): V | undefined {
  return [...history].sort((a, b) => a.effective_from.localeCompare(b.effective_from)).at(-1);
}

/** The shares of a version as editable lines (a remap starts from the newest split). */
export function sharesOf(version: Pick<SplitVersionRead, 'splits'> | undefined): ShareInput[] {
  return version
    ? version.splits.map((s) => ({
        budgetId: s.budget_id,
        percent: formatHundredths(parsePercent(s.percent) ?? 0),
      }))
    : [];
}

/** One CSV line per share of each version: what a spreadsheet can pivot. */
export interface SplitShareRow {
  version: SplitVersionRead;
  budgetId: number;
  percent: string;
}

export function splitShareRows(versions: readonly SplitVersionRead[]): SplitShareRow[] {
  return versions.flatMap((version) =>
    version.splits.map((s) => ({ version, budgetId: s.budget_id, percent: s.percent })),
  );
}

export function splitCsvColumns(
  budgetName: (id: number) => string,
  extra: CsvColumn<SplitShareRow>[] = [],
): CsvColumn<SplitShareRow>[] {
  return [
    ...extra,
    { header: 'account_id', value: (r) => r.version.account_id },
    { header: 'version_id', value: (r) => r.version.id },
    { header: 'effective_from', value: (r) => r.version.effective_from },
    { header: 'effective_to', value: (r) => r.version.effective_to },
    { header: 'current', value: (r) => r.version.current },
    { header: 'budget_id', value: (r) => r.budgetId },
    { header: 'budget', value: (r) => budgetName(r.budgetId) },
    { header: 'percent', value: (r) => csvDecimal(r.percent) },
    { header: 'changed_by', value: (r) => r.version.created_by },
    { header: 'changed_at', value: (r) => r.version.created_at },
  ];
}

/** The server names budgets by id ("budget 12 is retired"); with their paths at hand they
 * read better. Ids not known stay as they are. */
export function nameBudgetIds(message: string, pathOf: ReadonlyMap<number, readonly string[]>): string {
  return message.replace(/\bbudget (\d+)\b/g, (whole, id: string) => {
    const path = pathOf.get(Number(id));
    return path ? `budget “${path.join(' › ')}”` : whole;
  });
}
