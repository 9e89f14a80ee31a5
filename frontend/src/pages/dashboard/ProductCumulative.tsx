import { Chart } from '../../components/Chart';
import { ErrorNotice } from '../../components/ErrorNotice';
import { cumulativeOption } from '../../lib/forecasts';
import { useCumulative } from '../forecasts/hooks';

/** At the end of the drill-down, the product's year as a picture: cumulative spend against
 * the approved schedule, the forecast to year end with its band, the workload estimates
 * (the same chart as the budget's page). */
export function ProductCumulative({
  budgetId,
  year,
  name,
}: {
  budgetId: number;
  year: number;
  name: string;
}) {
  const cumulative = useCumulative(budgetId, year);
  const data = cumulative.data;
  return (
    <section className="card" aria-labelledby="product-cumulative-title">
      <h2 id="product-cumulative-title">Cumulative spend of {name} against its schedule</h2>
      <ErrorNotice error={cumulative.error} prefix="The cumulative spend could not be loaded" />
      {cumulative.isPending ? (
        <p className="loading">Loading the cumulative spend…</p>
      ) : data && data.actual.length === 0 ? (
        <p className="muted">No allocated spend in {year} yet.</p>
      ) : data ? (
        <Chart
          option={cumulativeOption(data)}
          label={`Cumulative spend of ${name} in ${year} against its schedule, with the forecast to year end`}
          testId="product-cumulative-chart"
        />
      ) : null}
    </section>
  );
}
