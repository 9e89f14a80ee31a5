import { Link } from 'react-router-dom';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { changeLabel, rowStatusLabel } from '../../lib/recommendations';
import { useTopRecommendations } from '../recommendations/hooks';

/** The open recommendations with the largest monthly savings (SPEC 9: top optimisations). */
export function TopSavingsPanel() {
  const top = useTopRecommendations(5);
  return (
    <section className="card summary-card" aria-labelledby="top-savings-title">
      <h2 id="top-savings-title">Top optimisations</h2>
      <ErrorNotice error={top.error} prefix="The recommendations could not be loaded" />
      {top.isPending ? (
        <p className="loading">Loading recommendations…</p>
      ) : top.data && top.data.items.length === 0 ? (
        <p className="muted">No open recommendations.</p>
      ) : top.data ? (
        <>
          <p>
            Open monthly savings: <Amount value={top.data.open_savings} /> USD
          </p>
          <ol aria-label="Largest open savings">
            {top.data.items.map((r) => (
              <li key={r.id}>
                <Link to={`/recommendations/${r.id}`}>{changeLabel(r)}</Link> <code>{r.resource_id}</code>:{' '}
                <Amount value={r.monthly_savings} /> ({rowStatusLabel(r)})
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
