// Small rules of the budgets pages that are worth a unit test.
import type { BudgetRead } from '../client';

/** Case-insensitive match on the four names, the status and the attribute values. */
export function filterBudgets<T extends Pick<BudgetRead, 'path' | 'status' | 'attributes'>>(
  budgets: readonly T[],
  text: string,
): T[] {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...budgets];
  return budgets.filter((budget) => {
    const haystack = [...budget.path, budget.status, ...Object.values(budget.attributes)]
      .join(' ')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** In hierarchy order: by the four names, top level first, ignoring case. */
export function sortBudgets<T extends Pick<BudgetRead, 'path'>>(budgets: readonly T[]): T[] {
  return [...budgets].sort((a, b) => {
    for (let level = 0; level < Math.max(a.path.length, b.path.length); level++) {
      const order = byName.compare(a.path[level] ?? '', b.path[level] ?? '');
      if (order !== 0) return order;
    }
    return 0;
  });
}

/** The latest year (the budgets page opens on it); `null` when none is defined. */
export function latestYear(years: readonly { year: number }[]): number | null {
  return years.reduce<number | null>(
    (latest, y) => (latest === null || y.year > latest ? y.year : latest),
    null,
  );
}

/** The year the pages open on: the one the server marks `default` (the fiscal year that
 * contains today by its clock, else the newest before today), else the latest. */
export function defaultYear(years: readonly { year: number; default?: boolean }[]): number | null {
  return years.find((y) => y.default)?.year ?? latestYear(years);
}

/** The year asked for in the address when it is one of the defined years, else the default
 * year (see `defaultYear`). */
export function chooseYear(
  years: readonly { year: number; default?: boolean }[],
  asked: string | null,
): number | null {
  const wanted = asked !== null && /^\d{4}$/.test(asked) ? Number(asked) : null;
  if (wanted !== null && years.some((y) => y.year === wanted)) return wanted;
  return defaultYear(years);
}

/** The attribute columns of a list (e.g. "Cost Centre"), in first-seen order. */
export function attributeNames(budgets: readonly Pick<BudgetRead, 'attributes'>[]): string[] {
  const names: string[] = [];
  for (const budget of budgets) {
    for (const name of Object.keys(budget.attributes)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

export const DEFAULT_LABELS = ['Business Unit', 'Department', 'Portfolio', 'Product'] as const;
