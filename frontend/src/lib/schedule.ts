// A product budget's monthly schedule (SPEC 4): the months from the budget's start to year
// end must sum to the annual amount. Amounts are summed as integer cents (lib/money.ts).
import type {
  ApprovedScheduleRead,
  ScheduleMonthRead,
  ScheduleMonthWrite,
  ScheduleRead,
  ScheduleStatus,
} from '../client';
import { centsToDecimal, formatAmount, toCents } from './money';
import { ApiError } from './problem';

export const SCHEDULE_STATUS_LABELS: Record<ScheduleStatus, string> = {
  none: 'Not scheduled',
  draft: 'Draft',
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  reschedule_requested: 'Reschedule requested',
  needs_reschedule: 'Needs reschedule',
};

export function scheduleStatusLabel(status: string | null | undefined): string {
  if (!status) return SCHEDULE_STATUS_LABELS.none;
  return (SCHEDULE_STATUS_LABELS as Record<string, string>)[status] ?? status;
}

/** What the owner may edit: a new, draft or rejected schedule (a granted reschedule is a
 * draft again), and one the amount in force has left behind (needs a reschedule). */
export function isEditableStatus(status: string): boolean {
  return status === 'none' || status === 'draft' || status === 'rejected' || status === 'needs_reschedule';
}

/** What a schedule that needs a reschedule says: the amount in force against the schedule's
 * total and the gap ("short" when the schedule is below the amount). */
export function rescheduleNotice(
  schedule: Pick<ScheduleRead, 'annual_amount' | 'scheduled_total' | 'amount_gap'>,
): string {
  const gap = schedule.amount_gap.startsWith('-') ? schedule.amount_gap.slice(1) : schedule.amount_gap;
  const side = schedule.amount_gap.startsWith('-') ? 'over' : 'short';
  return (
    `The annual amount in force is ${formatAmount(schedule.annual_amount)}; the approved schedule ` +
    `totals ${formatAmount(schedule.scheduled_total)} (${formatAmount(gap)} ${side}). Reschedule the ` +
    'open months and submit them for approval.'
  );
}

const SHORT_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

/** "against the approved schedule of 2 Dec 2026 (version 3)": what variance is measured
 * against; `null` when no schedule was ever approved. */
export function basisLabel(
  basis: Pick<ApprovedScheduleRead, 'version' | 'approved_at'> | null | undefined,
): string | null {
  if (!basis) return null;
  const when = basis.approved_at ? new Date(basis.approved_at) : null;
  const date = when && !Number.isNaN(when.getTime()) ? `${SHORT_DATE.format(when)}, ` : '';
  return `against the approved schedule of ${date}version ${basis.version}`;
}

const MONEY_INPUT = /^\d+(?:\.\d{1,2})?$/;

/** What a person types into an amount box ("1,250.5", "$ 1250.50") → cents; `null` when it
 * is not an amount the server takes (≥ 0, at most two decimals). Empty is `null` too. */
export function parseMoneyInput(text: string): bigint | null {
  const plain = text
    .trim()
    .replace(/^\$\s*/, '')
    .replace(/[,\s]/g, '');
  if (!MONEY_INPUT.test(plain)) return null;
  return toCents(plain);
}

export interface ScheduleLine {
  month: string;
  /** What the box shows: the edit, else the saved amount, else empty. */
  text: string;
  cents: bigint | null;
  closed: boolean;
  /** The cumulative estimate of the workloads active that month (from the server). */
  estimate: string;
  /** The schedule's running total up to and including this month (invalid boxes count 0). */
  cumulative: string;
}

/** The editor's rows: server months overlaid with the user's edits (closed months are never
 * edited), each with the running total. */
export function scheduleLines(
  months: readonly ScheduleMonthRead[],
  edits: Readonly<Record<string, string>> = {},
): ScheduleLine[] {
  let running = 0n;
  return months.map((m) => {
    const text = !m.closed && m.month in edits ? edits[m.month] : (m.amount ?? '');
    const cents = parseMoneyInput(text);
    running += cents ?? 0n;
    return {
      month: m.month,
      text,
      cents,
      closed: m.closed,
      estimate: m.workload_estimate,
      cumulative: centsToDecimal(running),
    };
  });
}

export interface ScheduleTotal {
  total: string;
  annual: string;
  /** total − annual: negative when short, positive when over. */
  difference: string;
  balanced: boolean;
  /** Months whose box does not hold a valid amount (empty included). */
  invalidMonths: string[];
}

export function scheduleTotal(lines: readonly ScheduleLine[], annualAmount: string): ScheduleTotal {
  const total = lines.reduce((sum, l) => sum + (l.cents ?? 0n), 0n);
  const annual = toCents(annualAmount) ?? 0n;
  const invalidMonths = lines.filter((l) => l.cents === null).map((l) => l.month);
  return {
    total: centsToDecimal(total),
    annual: centsToDecimal(annual),
    difference: centsToDecimal(total - annual),
    balanced: total === annual && invalidMonths.length === 0,
    invalidMonths,
  };
}

/** The request body's months: exactly the open months (closed ones keep their amount). */
export function scheduleWrite(lines: readonly ScheduleLine[]): ScheduleMonthWrite[] {
  return lines
    .filter((l) => !l.closed)
    .map((l) => ({ month: l.month, amount: l.cents === null ? l.text.trim() : centsToDecimal(l.cents) }));
}

/** A spread (prefill) as edits: open months only. */
export function editsFromSpread(months: readonly ScheduleMonthWrite[], closed: ReadonlySet<string>) {
  const edits: Record<string, string> = {};
  for (const m of months) if (!closed.has(m.month)) edits[m.month] = m.amount;
  return edits;
}

/** Whether the edits change anything compared with what is saved. */
export function isDirty(
  months: readonly ScheduleMonthRead[],
  edits: Readonly<Record<string, string>>,
): boolean {
  return months.some((m) => {
    if (m.closed || !(m.month in edits)) return false;
    const edited = parseMoneyInput(edits[m.month]);
    const saved = m.amount === null ? null : toCents(m.amount);
    return edited === null ? edits[m.month].trim() !== (m.amount ?? '') : edited !== saved;
  });
}

export interface ScheduleRights {
  /** Edit amounts, save a draft, submit (the owner side, while the schedule is editable). */
  edit: boolean;
  requestReschedule: boolean;
  /** Approve or reject a pending schedule. */
  decide: boolean;
  /** Grant or decline a reschedule request. */
  decideReschedule: boolean;
  /** The caller made the request that waits for a decision: someone else must decide. */
  ownRequest: boolean;
}

/** What the caller may do with the schedule now, as the server's state machine allows
 * (domain/schedules/machine.py); the server checks again. */
export function scheduleRights(
  schedule: Pick<ScheduleRead, 'status' | 'submitted_by_id' | 'reschedule_requested_by_id'>,
  me: { id: number; permissions: readonly string[] },
): ScheduleRights {
  const owner = me.permissions.includes('edit_schedules') || me.permissions.includes('manage_budgets');
  const decider = me.permissions.includes('decide_schedules');
  const status = schedule.status;
  const requester =
    status === 'pending'
      ? schedule.submitted_by_id
      : status === 'reschedule_requested'
        ? schedule.reschedule_requested_by_id
        : null;
  const ownRequest = requester !== null && requester === me.id;
  return {
    edit: owner && isEditableStatus(status),
    requestReschedule: owner && status === 'approved',
    decide: decider && status === 'pending',
    decideReschedule: decider && status === 'reschedule_requested',
    ownRequest,
  };
}

/** A 409 on a schedule: somebody changed it (a save, a decision) since it was read. */
export function isScheduleConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}

/** The budget a task is about, from its title ("Approve the schedule of A › B" → "A › B";
 * "Reschedule A › B: the amount…" → "A › B"). */
export function taskSubject(title: string): string {
  const match = /^(?:.*? the schedule of|Reschedule requested for) (.+)$/.exec(title);
  if (match) return match[1];
  const reschedule = /^Reschedule ([^:]+)(?::.*)?$/.exec(title);
  return reschedule ? reschedule[1] : title;
}
