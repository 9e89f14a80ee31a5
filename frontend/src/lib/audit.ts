// A one-line account of what an audit event changed, for the table and the CSV.

type Snapshot = Record<string, unknown> | null | undefined;

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A name a person recognises for the changed object (an e-mail, a name), when it has one. */
export function entityLabel(before: Snapshot, after: Snapshot): string {
  for (const key of ['email', 'name', 'code']) {
    const value = after?.[key] ?? before?.[key];
    if (typeof value === 'string' && value) return value;
  }
  return '';
}

export function describeChanges(before: Snapshot, after: Snapshot): string {
  if (!before && !after) return '';
  if (!before) {
    return Object.entries(after ?? {})
      .map(([key, value]) => `${key}: ${show(value)}`)
      .join('; ');
  }
  if (!after) return 'removed';
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => `${key}: ${show(before[key])} → ${show(after[key])}`)
    .join('; ');
}

const ACTIONS: Record<string, string> = {
  'user.create': 'added the user',
  'user.update': 'changed the user',
  'user.scope': 'remapped the scope of',
  'year.labels': 'named the levels of the year',
  'budget.create': 'added the budget',
  'budget.version': 'changed the annual amount of',
  'budget_import.create': 'loaded a chart of accounts',
  'account.create': 'added the account',
  'account.discover': 'discovered the account',
  'account.update': 'changed the account',
  'account.split': 'split (remapped) the account',
  'allocation.carry_forward': 'carried the allocations forward to',
  'workload.create': 'added the workload',
  'workload.update': 'changed the workload',
  'claim.create': 'claimed a resource',
  'claim.release': 'released a resource',
  'schedule.save': 'saved the schedule of',
  'schedule.submit': 'submitted the schedule of',
  'schedule.approve': 'approved the schedule of',
  'schedule.reject': 'rejected the schedule of',
  'schedule.reschedule': 'asked to reschedule',
  'schedule.grant': 'granted a reschedule of',
  'schedule.decline': 'declined a reschedule of',
  'spend_card.generate': 'generated the spend card',
  'spend_card.accept': 'accepted the spend card',
  'spend_card.dispute': 'disputed the spend card',
  'spend_card.approve': 'approved the spend card',
  'spend_card.reject': 'rejected the spend card',
  'spend_card.resolve': 'resolved the spend card',
};

/** What happened, in words ("approved the schedule of"); unknown actions read as
 * "schedule: archive" rather than a code. */
export function describeAction(action: string): string {
  const known = ACTIONS[action];
  if (known) return known;
  const [kind, verb] = action.split('.');
  return verb ? `${verb.replace(/_/g, ' ')} (${kind.replace(/_/g, ' ')})` : action.replace(/_/g, ' ');
}

/** The page of the changed object, when it has one. */
export function entityHref(
  entityType: string,
  entityId: string,
  before: Snapshot,
  after: Snapshot,
): string | null {
  const budgetOf = (after?.budget_id ?? before?.budget_id) as number | undefined;
  switch (entityType) {
    case 'budget':
    case 'schedule':
      return `/budgets/${entityId}`;
    case 'account':
      return `/accounts/${entityId}`;
    case 'spend_card':
      return `/spend-cards/${entityId}`;
    case 'workload':
    case 'claim':
      return budgetOf ? `/budgets/${budgetOf}` : null;
    case 'user':
      return '/users';
    case 'budget_import':
    case 'year':
    case 'fiscal_year':
      return '/configuration';
    default:
      return null;
  }
}

export interface ChangeLine {
  field: string;
  before: string | null;
  after: string | null;
}

/** The before → after view: one line per field that changed (every field of a created or a
 * removed object), nested values compared as JSON. */
export function changeLines(before: Snapshot, after: Snapshot): ChangeLine[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return keys
    .filter((key) => !before || !after || JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => ({
      field: key,
      before: before && key in before ? show(before[key]) : null,
      after: after && key in after ? show(after[key]) : null,
    }));
}
