// Credits (SPEC 6): labels, balances, expiry and the add form's checks for the credits page.
// Pure, so tested. Amounts are decimal strings summed as integer cents (lib/money).
import type { CreditRead, ForecastRead, Program } from '../client';
import { centsToDecimal, sumAmounts, toCents } from './money';

export const PROGRAMS: readonly Program[] = ['MAP', 'PoC', 'Activate', 'Other'];

const PROGRAM_LABELS: Record<Program, string> = {
  MAP: 'MAP (Migration Acceleration)',
  PoC: 'Proof of concept',
  Activate: 'AWS Activate',
  Other: 'Other',
};

export function programLabel(program: Program): string {
  return PROGRAM_LABELS[program] ?? program;
}

/** Whole days from `today` to `day` (ISO dates; negative when past). */
export function daysUntil(day: string, today: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`);
  return Math.round(ms / 86_400_000);
}

export type ExpiryState = 'void' | 'used' | 'expired' | 'soon' | 'open';

/** Within this many days a credit with money left is flagged as expiring soon. */
export const SOON_DAYS = 60;

/** Where a credit stands on `today`: void, used up, expired, expiring within SOON_DAYS, or open. */
export function expiryState(
  credit: Pick<CreditRead, 'status' | 'balance' | 'expires_on'>,
  today: string,
): ExpiryState {
  if (credit.status === 'void') return 'void';
  if ((toCents(credit.balance) ?? 0n) <= 0n) return 'used';
  const left = daysUntil(credit.expires_on, today);
  if (left < 0) return 'expired';
  return left <= SOON_DAYS ? 'soon' : 'open';
}

export function expiryLabel(state: ExpiryState, expiresOn: string, today: string): string {
  const left = daysUntil(expiresOn, today);
  switch (state) {
    case 'void':
      return 'Void';
    case 'used':
      return 'Used up';
    case 'expired':
      return 'Expired';
    case 'soon':
      return left === 0 ? 'Expires today' : `Expires in ${left} day${left === 1 ? '' : 's'}`;
    default:
      return 'Active';
  }
}

/** The share of a credit already applied, as a whole percentage ("0%" for none). */
export function usedShare(credit: Pick<CreditRead, 'amount' | 'applied'>): string {
  const amount = toCents(credit.amount) ?? 0n;
  const applied = toCents(credit.applied) ?? 0n;
  if (amount <= 0n) return '0%';
  return `${(applied * 100n) / amount}%`;
}

export interface CreditTotals {
  amount: string;
  applied: string;
  /** What active credits still hold (void and expired ones are left out). */
  available: string;
  count: number;
}

export function creditTotals(credits: readonly CreditRead[], today: string): CreditTotals {
  const live = credits.filter((c) => ['open', 'soon'].includes(expiryState(c, today)));
  return {
    amount: sumAmounts(credits.map((c) => c.amount)),
    applied: sumAmounts(credits.map((c) => c.applied)),
    available: sumAmounts(live.map((c) => c.balance)),
    count: credits.length,
  };
}

/** The forecast's credits expiring with money left, and the total they leave unused. */
export function unusedAtExpiry(lines: readonly ForecastRead[]): { lines: ForecastRead[]; total: string } {
  const unused = lines.filter((l) => (toCents(l.unused_at_expiry) ?? 0n) > 0n);
  return { lines: unused, total: sumAmounts(unused.map((l) => l.unused_at_expiry)) };
}

export interface CreditDraft {
  budget_id: string;
  program: Program | '';
  amount: string;
  start_date: string;
  expires_on: string;
  reference: string;
  description: string;
}

export const EMPTY_DRAFT: CreditDraft = {
  budget_id: '',
  program: '',
  amount: '',
  start_date: '',
  expires_on: '',
  reference: '',
  description: '',
};

const AMOUNT = /^\d+(\.\d{1,2})?$/;

/** The add form's own checks, by field (the server checks again and has the last word). */
export function draftErrors(draft: CreditDraft): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (field: string, message: string) => (errors[field] ??= []).push(message);
  if (!draft.budget_id) add('budget_id', 'Choose the budget the credit is for.');
  if (!draft.program) add('program', 'Choose the program.');
  const amount = draft.amount.trim().replace(/,/g, '');
  if (!AMOUNT.test(amount))
    add('amount', 'Enter an amount such as 25000 or 25000.50 (at most two decimals).');
  else if ((toCents(amount) ?? 0n) <= 0n) add('amount', 'The amount must be more than zero.');
  if (!draft.start_date) add('start_date', 'Enter the first day the credit may be used.');
  if (!draft.expires_on) add('expires_on', 'Enter the expiry date.');
  else if (draft.start_date && draft.expires_on < draft.start_date)
    add('expires_on', 'The credit cannot expire before it starts.');
  return errors;
}

/** "25,000.5" → "25000.50": the plain decimal the API takes. */
export function normaliseAmount(text: string): string {
  const cents = toCents(text.trim().replace(/,/g, ''));
  return cents === null ? text.trim() : centsToDecimal(cents);
}

/** The last `count` months before `today`'s month (the months one can apply), newest first. */
export function finishedMonths(today: string, count: number): string[] {
  let [year, month] = today.split('-').map(Number);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
    out.push(`${year}-${String(month).padStart(2, '0')}`);
  }
  return out;
}

/** The product a budget path ends with ('?' for an empty path). */
export function productName(path: readonly string[]): string {
  return path[path.length - 1] ?? '?';
}
