import type { BudgetDetail } from '../../client';
import { Amount } from '../../components/Amount';
import { AnomalyList } from '../../components/AnomalyList';
import { Chart } from '../../components/Chart';
import { ErrorNotice } from '../../components/ErrorNotice';
import { cumulativeOption, overrunSentence } from '../../lib/forecasts';
import { formatDate } from '../../lib/months';
import { useAnomalies, useCumulative } from '../forecasts/hooks';

/** The budget's year as a picture: cumulative spend to date, the forecast to 31 December with
 * the band its back-test allows, the approved schedule and the workloads' estimates; then the
 * forecast's figures and the budget's spend anomalies (docs/forecasts.md). */
export function BudgetForecast({ budget }: { budget: BudgetDetail }) {
  const cumulative = useCumulative(budget.id, budget.year);
  const anomalies = useAnomalies({ budget_id: budget.id, limit: 20 });
  const data = cumulative.data;
  const f = data?.forecast;
  return (
    <section aria-labelledby="budget-forecast-title" data-testid="budget-forecast">
      <h2 id="budget-forecast-title">Cumulative spend and forecast</h2>
      <ErrorNotice error={cumulative.error} prefix="The forecast could not be loaded" />
      {cumulative.isPending ? (
        <p className="loading">Loading the forecast…</p>
      ) : data && data.actual.length === 0 ? (
        <p className="muted">No allocated spend in {budget.year} yet: nothing to forecast.</p>
      ) : data && f ? (
        <>
          <Chart
            option={cumulativeOption(data)}
            label={`Cumulative spend of ${budget.product} in ${budget.year} against its schedule, with the forecast to year end`}
            testId="cumulative-chart"
          />
          <dl className="facts">
            <dt>Spend to {formatDate(data.last_day)}</dt>
            <dd>
              <Amount value={f.actual_to_date} />
            </dd>
            <dt>Forecast, end of {f.month}</dt>
            <dd>
              <Amount value={f.month_end} />
              {f.month_end_low ? (
                <>
                  {' '}
                  (<Amount value={f.month_end_low} /> – <Amount value={f.month_end_high} />)
                </>
              ) : null}
            </dd>
            <dt>Forecast, end of {budget.year}</dt>
            <dd>
              <Amount value={f.year_end} />
              {f.year_end_low ? (
                <>
                  {' '}
                  (<Amount value={f.year_end_low} /> – <Amount value={f.year_end_high} />)
                </>
              ) : null}
            </dd>
            <dt>Back-test error</dt>
            <dd>
              {f.backtest_months > 0
                ? `MAPE ${f.mape} %, median ${f.median_ape} % over ${f.backtest_months} month(s)`
                : 'no whole month to test yet'}
            </dd>
          </dl>
          {f.overruns.length > 0 ? (
            <ul aria-label="Overruns">
              {f.overruns.map((o) => (
                <li key={o.kind}>{overrunSentence(f, o)}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      <h3>Spend anomalies</h3>
      <ErrorNotice error={anomalies.error} prefix="The anomalies could not be loaded" />
      {anomalies.isPending ? (
        <p className="loading">Loading anomalies…</p>
      ) : anomalies.data && anomalies.data.items.length === 0 ? (
        <p className="muted">No day of this budget has spiked against its trailing weeks.</p>
      ) : anomalies.data ? (
        <AnomalyList items={anomalies.data.items} showBudget={false} />
      ) : null}
    </section>
  );
}
