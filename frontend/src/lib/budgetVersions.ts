// What a budget's version history means month by month: a version is in force from its
// effective month until the next one; earlier months keep the amount they had (SPEC 2).
import { monthsOfYear } from './months';

export interface VersionLike {
  annual_amount: string;
  effective_from: string;
  created_at: string;
}

export interface MonthAmount {
  month: string;
  /** The annual amount in force that month; `null` before the budget starts or once retired. */
  annual_amount: string | null;
  /** `start`: the budget's first month; `version`: a new version takes effect that month. */
  note: 'start' | 'version' | null;
}

/** Versions in the order they apply: by effective month, then by when they were made (a
 * later version for the same month replaces the earlier one). */
export function orderVersions<T extends VersionLike>(versions: readonly T[]): T[] {
  return [...versions].sort(
    (a, b) => a.effective_from.localeCompare(b.effective_from) || a.created_at.localeCompare(b.created_at),
  );
}

export function monthlyAmounts(
  versions: readonly VersionLike[],
  { year, startDate, retiredFrom }: { year: number; startDate: string; retiredFrom?: string | null },
): MonthAmount[] {
  const ordered = orderVersions(versions);
  const start = startDate.slice(0, 7);
  const end = retiredFrom ? retiredFrom.slice(0, 7) : null;
  return monthsOfYear(year).map(({ value }) => {
    const month = value.slice(0, 7);
    let amount: string | null = null;
    let note: MonthAmount['note'] = null;
    if (month >= start && (end === null || month < end)) {
      for (const version of ordered) {
        if (version.effective_from.slice(0, 7) <= month) amount = version.annual_amount;
      }
      if (month === start) note = 'start';
      else if (ordered.some((v) => v.effective_from.slice(0, 7) === month)) note = 'version';
    }
    return { month: value, annual_amount: amount, note };
  });
}
