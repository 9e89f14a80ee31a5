// Pure helpers of the reporting pages: the variance report and negotiated discounts.

/** How a variance reads: over budget (positive), under, or on it (within ±2%, as the spend
 * cards' black band). A row without a budget has no percent: it reads as `none`. */
export type VarianceTone = 'over' | 'under' | 'on' | 'none';

export function varianceTone(percent: string | null | undefined, band = 2): VarianceTone {
  if (percent === null || percent === undefined || percent === '') return 'none';
  const value = Number(percent);
  if (!Number.isFinite(value)) return 'none';
  if (Math.abs(value) <= band) return 'on';
  return value > 0 ? 'over' : 'under';
}

export function toneLabel(tone: VarianceTone): string {
  return { over: 'Over budget', under: 'Under budget', on: 'On budget', none: 'No budget' }[tone];
}

/** "12.50" -> "+12.50%", "-3.00" -> "−3.00%", null -> "—". */
export function formatPercent(percent: string | null | undefined): string {
  if (percent === null || percent === undefined || percent === '') return '—';
  if (percent.startsWith('-')) return `−${percent.slice(1)}%`;
  return percent === '0.00' ? '0.00%' : `+${percent}%`;
}

/** The months a variance report can be asked for in `year`: January to the current month
 * when `year` is this year, all twelve for a past year, none for a future one. */
export function reportMonths(year: number, today: string): string[] {
  const [thisYear, thisMonth] = today.split('-').map(Number);
  const last = year < thisYear ? 12 : year === thisYear ? thisMonth : 0;
  return Array.from({ length: last }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

/** The month picked by default: this month in this year, December of a past year. */
export function defaultMonth(year: number, today: string): string {
  const months = reportMonths(year, today);
  return months[months.length - 1] ?? '';
}

const LEVEL_FALLBACK = ['Business unit', 'Department', 'Portfolio', 'Product'];

/** The name of a hierarchy level (1–4) from the year's labels, else the default one. */
export function levelLabel(level: number, labels?: readonly string[] | null): string {
  return labels?.[level - 1] || LEVEL_FALLBACK[level - 1] || `Level ${level}`;
}

/** "Pro-rated: 15 of 30 days" or "Full month". */
export function basisLabel(basis: string, elapsed: number, days: number): string {
  return basis === 'pro_rated'
    ? `Month in progress: budget pro-rated to ${elapsed} of ${days} days, against month-to-date spend`
    : 'Full month';
}

/** Why a discount percent is not acceptable, or null: a number strictly between 0 and 100
 * with at most two decimals. */
export function discountPercentProblem(text: string): string | null {
  const value = text.trim();
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(value)) return 'Enter a percent between 0 and 100, at most 2 decimals';
  if (Number(value) <= 0) return 'The percent must be greater than 0';
  return null;
}

/** The discount's days in words. */
export function discountSpan(start: string, end: string | null, withdrawn: boolean): string {
  if (withdrawn) return `Withdrawn before ${start}`;
  return end ? `${start} to ${end}` : `From ${start}, open-ended`;
}
