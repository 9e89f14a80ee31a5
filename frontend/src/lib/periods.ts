// Calendar dates (`YYYY-MM-DD`) as text, like lib/months.ts: weekdays are computed in UTC from
// the three numbers, so no viewer's time zone can move a Monday to a Sunday.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The date as a UTC `Date` at midnight, or `null` when the text is not a real date. */
function utc(iso: string): Date | null {
  const match = ISO_DATE.exec(iso.trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? date
    : null;
}

function fromUtc(date: Date): string {
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

export function isIsoDate(iso: string): boolean {
  return utc(iso) !== null;
}

/** 0 = Sunday … 6 = Saturday; `null` for text that is not a date. */
export function weekday(iso: string): number | null {
  return utc(iso)?.getUTCDay() ?? null;
}

export function isMonday(iso: string): boolean {
  return weekday(iso) === 1;
}

export function isFirstOfMonth(iso: string): boolean {
  return utc(iso)?.getUTCDate() === 1;
}

/** Where a remap may start (SPEC 3): a Monday, or the 1st of a month. */
export function isPeriodStart(iso: string): boolean {
  return isMonday(iso) || isFirstOfMonth(iso);
}

/** Why a remap date is refused before it is sent; `null` when it is fine. */
export function periodStartProblem(iso: string): string | null {
  if (!iso.trim()) return 'Choose the date the new split starts.';
  if (!isIsoDate(iso)) return `${iso} is not a date (YYYY-MM-DD).`;
  if (!isPeriodStart(iso)) return `${iso} is neither a Monday nor the 1st of a month.`;
  return null;
}

export function addDays(iso: string, days: number): string {
  const date = utc(iso);
  if (!date) return iso;
  date.setUTCDate(date.getUTCDate() + days);
  return fromUtc(date);
}

/** The viewer's calendar date today (their own time zone: that is the day they mean). */
export function localIsoDate(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The latest period start on or before `iso`: this week's Monday or the 1st of this month,
 * whichever is later. A remap from there is in force today. */
export function latestPeriodStart(iso: string): string {
  const day = weekday(iso);
  if (day === null) return iso;
  const monday = addDays(iso, -((day + 6) % 7));
  const first = `${iso.slice(0, 8)}01`;
  return monday > first ? monday : first;
}

/** `2026-11` → `2026-10`. */
export function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number);
  return m === 1 ? `${year - 1}-12` : `${year}-${pad(m - 1)}`;
}

/** The first Monday or 1st of a month strictly after `iso`. */
export function nextPeriodStart(iso: string): string {
  if (!isIsoDate(iso)) return iso;
  let day = addDays(iso, 1);
  while (!isPeriodStart(day)) day = addDays(day, 1);
  return day;
}

/** Where a remap most likely starts: in force today (this week's Monday or the 1st), but
 * always after the latest split's own start, which a remap must follow. */
export function defaultRemapDate(today: string, latestStart: string | null): string {
  const now = latestPeriodStart(today);
  if (latestStart === null || now > latestStart) return now;
  return nextPeriodStart(latestStart);
}
