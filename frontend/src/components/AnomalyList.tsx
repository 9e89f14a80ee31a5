import { Link } from 'react-router-dom';
import type { AnomalyRead } from '../client';
import { formatDate } from '../lib/months';
import { Amount } from './Amount';

/** Spend anomalies, one item per budget, day and service, with the resources that rose most. */
export function AnomalyList({ items, showBudget }: { items: AnomalyRead[]; showBudget: boolean }) {
  return (
    <ul className="anomaly-list" aria-label="Spend anomalies" data-testid="anomaly-list">
      {items.map((a) => (
        <li key={a.id}>
          <strong>{formatDate(a.day)}</strong>
          {showBudget ? (
            <>
              {' · '}
              <Link to={`/budgets/${a.budget_id}`}>{a.name}</Link>
            </>
          ) : null}
          {' · '}
          {a.service}: <Amount value={a.service_amount} /> against a usual <Amount value={a.service_median} />{' '}
          (the day: <Amount value={a.total} />, usually <Amount value={a.median} />)
          {a.resources.length > 0 ? (
            <ul aria-label={`Resources behind ${a.service} on ${a.day}`}>
              {a.resources.map((r) => (
                <li key={r.resource_id}>
                  <code>{r.resource_id}</code> +<Amount value={r.excess} />
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
