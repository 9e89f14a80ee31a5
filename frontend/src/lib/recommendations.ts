// Pure helpers of the recommendations pages: labels, which rows a bulk action applies to,
// the savings of a selection, and the realized-savings sentence.
import type {
  RealizedSavingsRead,
  RecommendationAction,
  RecommendationRead,
  RecommendationStatus,
  StatusFilter,
} from '../client';
import { formatAmount, sumAmounts } from './money';

export const STATUS_FILTERS: readonly StatusFilter[] = [
  'new',
  'approved',
  'ignored',
  'implemented',
  'resolved',
];

const STATUS_LABELS: Record<StatusFilter, string> = {
  new: 'New',
  approved: 'Approved',
  ignored: 'Ignored',
  implemented: 'Implemented',
  resolved: 'Resolved (gone from the export)',
};

export function statusLabel(status: StatusFilter | RecommendationStatus): string {
  return STATUS_LABELS[status];
}

/** The badge text of a row: its status, or "Resolved" once gone from the export. */
export function rowStatusLabel(rec: Pick<RecommendationRead, 'status' | 'resolved'>): string {
  return rec.resolved
    ? `Resolved (was ${STATUS_LABELS[rec.status].toLowerCase()})`
    : STATUS_LABELS[rec.status];
}

const ACTION_LABELS: Record<RecommendationAction, string> = {
  approve: 'Approve',
  ignore: 'Ignore',
  implement: 'Mark implemented',
  reopen: 'Reopen',
};

export function actionLabel(action: RecommendationAction): string {
  return ACTION_LABELS[action];
}

/** Ignoring needs a reason (the server refuses it without one). */
export function actionNeedsComment(action: RecommendationAction): boolean {
  return action === 'ignore';
}

/** Of the ticked rows, those `action` applies to now (the server lists each row's actions). */
export function applicable(
  rows: readonly RecommendationRead[],
  action: RecommendationAction,
): RecommendationRead[] {
  return rows.filter((r) => r.actions.includes(action));
}

/** The exact monthly savings of `rows` (empty estimates count as none). */
export function savingsOf(rows: readonly Pick<RecommendationRead, 'monthly_savings'>[]): string {
  return sumAmounts(rows.map((r) => r.monthly_savings).filter((s): s is string => s !== null));
}

/** "EC2 instance i-0abc → m7g.large", short enough for a table cell. */
export function changeLabel(
  rec: Pick<RecommendationRead, 'action_type' | 'recommended_resource_summary'>,
): string {
  return rec.recommended_resource_summary
    ? `${rec.action_type} → ${rec.recommended_resource_summary}`
    : rec.action_type;
}

/** The realized-savings sentence of an Implemented recommendation. */
export function realizedSentence(r: RealizedSavingsRead): string {
  const months = `${r.before_month} against ${r.after_month}`;
  if (r.state === 'not_in_cur') return 'Not measurable: the CUR does not show this resource.';
  if (r.state === 'waiting') return `Measured once ${r.after_month} is over (${months}).`;
  if (r.realized === null) return `Not measurable yet: the CUR has not delivered ${months}.`;
  const value = formatAmount(r.realized);
  return r.realized.startsWith('-')
    ? `The resource cost ${value.slice(1)} more a month (${months}).`
    : `Saved ${value} a month (${months}).`;
}
