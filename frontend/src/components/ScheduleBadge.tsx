import { Link } from 'react-router-dom';
import type { BudgetRead } from '../client';
import { scheduleStatusLabel } from '../lib/schedule';

/** A budget's schedule status. Approved is green; a schedule the amount in force has left
 * behind (needs a reschedule) is flagged; every other status is gray. */
export function ScheduleBadge({ status }: { status: string | null | undefined }) {
  const approved = status === 'approved';
  const tone = approved ? 'badge-ok' : status === 'needs_reschedule' ? 'badge-warn' : 'badge-off';
  return (
    <span className={`badge ${tone} schedule-${status ?? 'none'}`} data-schedule-status={status ?? 'none'}>
      {scheduleStatusLabel(status)}
    </span>
  );
}

/** A budget named by its product, linked to its page; its path as the tooltip. Budgets the
 * caller cannot name (another year, out of scope) show their id. */
export function BudgetName({ id, budget }: { id: number; budget: BudgetRead | undefined }) {
  if (!budget) return <span className="muted">Budget #{id}</span>;
  return (
    <Link to={`/budgets/${id}`} title={budget.path.join(' › ')}>
      {budget.product}
    </Link>
  );
}
