import { Link } from 'react-router-dom';
import type { BudgetRead } from '../client';
import { scheduleStatusLabel } from '../lib/schedule';

/** A budget's schedule status. Only an approved schedule shows variance (SPEC 4), so every
 * other status is gray. */
export function ScheduleBadge({ status }: { status: string | null | undefined }) {
  const approved = status === 'approved';
  return (
    <span
      className={`badge ${approved ? 'badge-ok' : 'badge-off'} schedule-${status ?? 'none'}`}
      data-schedule-status={status ?? 'none'}
    >
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
