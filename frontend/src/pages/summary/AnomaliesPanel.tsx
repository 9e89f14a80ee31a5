import { AnomalyList } from '../../components/AnomalyList';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useAnomalies } from '../forecasts/hooks';

/** The newest spend anomalies of the budgets in the caller's scope (docs/forecasts.md). */
export function AnomaliesPanel() {
  const anomalies = useAnomalies({ limit: 10 });
  return (
    <section className="card summary-card" aria-labelledby="anomalies-title" data-testid="anomalies-panel">
      <h2 id="anomalies-title">Spend anomalies</h2>
      <ErrorNotice error={anomalies.error} prefix="The anomalies could not be loaded" />
      {anomalies.isPending ? (
        <p className="loading">Loading anomalies…</p>
      ) : anomalies.data && anomalies.data.items.length === 0 ? (
        <p className="muted">No day has spiked against its trailing weeks.</p>
      ) : anomalies.data ? (
        <AnomalyList items={anomalies.data.items} showBudget />
      ) : null}
    </section>
  );
}
