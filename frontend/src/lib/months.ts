// Budget versions take effect on the 1st of a month (SPEC 2). Dates are ISO `YYYY-MM-DD`
// strings handled as text: going through `Date` would shift them by the viewer's time zone.

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export interface MonthOption {
  /** The 1st of the month, `YYYY-MM-01`: what the API expects. */
  value: string;
  label: string;
  disabled: boolean;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2025-07`, `2025-07-15` or `2025-07-01` → `2025-07-01`; `null` when it is not a month. */
export function firstOfMonth(value: string): string | null {
  const match = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(value.trim());
  if (!match) return null;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? `${match[1]}-${match[2]}-01` : null;
}

/** `2025-07-01` → `July 2025`. */
export function formatMonth(iso: string): string {
  const match = /^(\d{4})-(\d{2})/.exec(iso);
  if (!match) return iso;
  const name = MONTH_NAMES[Number(match[2]) - 1];
  return name ? `${name} ${match[1]}` : iso;
}

/** `2025-07-01` → `1 Jul 2025` (a calendar date, no time zone involved). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  const name = MONTH_NAMES[Number(match[2]) - 1];
  return name ? `${Number(match[3])} ${name.slice(0, 3)} ${match[1]}` : iso;
}

/** The twelve months of a budget year; months before `notBefore` (a budget's start) are
 * disabled, because a version cannot take effect before its budget exists. */
export function monthsOfYear(year: number, notBefore?: string | null): MonthOption[] {
  const floor = notBefore ? firstOfMonth(notBefore) : null;
  return MONTH_NAMES.map((name, index) => {
    const value = `${year}-${pad(index + 1)}-01`;
    return { value, label: `${name} ${year}`, disabled: floor !== null && value < floor };
  });
}

/** The month a change most likely starts from: the current month in the budget's own year
 * (never before the budget starts), else the first month the budget can change. */
export function defaultEffectiveMonth(year: number, today: Date, notBefore?: string | null): string {
  const options = monthsOfYear(year, notBefore).filter((m) => !m.disabled);
  if (options.length === 0) return `${year}-01-01`;
  const current = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-01`;
  return options.find((m) => m.value >= current)?.value ?? options[0].value;
}
