import type { BudgetDetail, MonthVarianceRead } from '../../client';
import { useVariance } from './hooks';
import { Amount } from '../../components/Amount';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice } from '../../components/ErrorNotice';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { CURRENCY, sumAmounts } from '../../lib/money';
import { formatMonth } from '../../lib/months';
import { basisLabel } from '../../lib/schedule';

const decimal = (value: string | null | undefined) => (value == null ? null : csvDecimal(value));

const CSV_COLUMNS: CsvColumn<MonthVarianceRead>[] = [
  { header: 'month', value: (m) => m.month },
  { header: 'scheduled', value: (m) => decimal(m.scheduled) },
  { header: 'spend', value: (m) => decimal(m.spend) },
  { header: 'variance', value: (m) => decimal(m.variance) },
  { header: 'in_progress', value: (m) => m.in_progress },
  { header: 'days_elapsed', value: (m) => m.days_elapsed ?? null },
  { header: 'prorated', value: (m) => decimal(m.prorated) },
  { header: 'forecast', value: (m) => decimal(m.forecast) },
  { header: 'currency', value: () => CURRENCY },
];

/** The budget's allocated spend month by month against its last approved schedule (kept
 * while a reschedule is requested, needed or edited), computed by the server. The month in
 * progress compares month-to-date spend with the schedule pro-rated to the complete days
 * before today, and forecasts the month end at the run rate (docs/schedules.md). */
export function BudgetSpend({ budget }: { budget: BudgetDetail }) {
  const variance = useVariance(budget.id);
  const months = variance.data?.months ?? [];
  const withSpend = months.filter((m) => m.spend !== null);
  const basis = basisLabel(variance.data?.basis);
  const current = months.find((m) => m.in_progress);
  const total = withSpend.length > 0 ? sumAmounts(withSpend.map((m) => m.spend ?? '0')) : null;

  return (
    <section aria-labelledby="budget-spend-title">
      <SectionHead
        id="budget-spend-title"
        title="Spend"
        csv={months.length > 0}
        list={`budget-${budget.id}-spend`}
        columns={CSV_COLUMNS}
        rows={() => months}
      />
      <ErrorNotice error={variance.error} prefix="The spend could not be loaded" />
      {variance.isPending ? (
        <p className="loading">Loading spend…</p>
      ) : withSpend.length === 0 && !variance.error ? (
        <p className="muted">No billing period of {budget.year} is in the spend store yet.</p>
      ) : variance.data ? (
        <>
          {basis ? (
            <p className="hint" data-testid="variance-basis">
              Variance {basis}: scheduled minus spend (negative: over the schedule).
              {variance.data.status !== 'approved' ? ' A new schedule counts once it is approved.' : ''}
            </p>
          ) : (
            <p className="hint" data-testid="variance-basis">
              Variance shows once a schedule is approved.
            </p>
          )}
          {current && current.spend !== null ? <MonthInProgress month={current} /> : null}
          <div className="table-wrap months-table">
            <table className="data-table" aria-label="Spend by month">
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col" className="num">
                    Scheduled ({CURRENCY})
                  </th>
                  <th scope="col" className="num">
                    Spend ({CURRENCY})
                  </th>
                  <th scope="col" className="num">
                    Variance
                  </th>
                </tr>
              </thead>
              <tbody>
                {withSpend.map((m) => (
                  <tr
                    key={m.month}
                    data-month={m.month}
                    className={m.in_progress ? 'in-progress' : undefined}
                  >
                    <th scope="row">
                      {formatMonth(`${m.month}-01`)}
                      {m.in_progress ? <span className="muted"> · to date</span> : null}
                    </th>
                    <td className="num">
                      <Amount value={m.in_progress ? (m.prorated ?? null) : m.scheduled} />
                    </td>
                    <td className="num">
                      <Amount value={m.spend} />
                    </td>
                    <td className={`num ${m.variance?.startsWith('-') ? 'negative' : ''}`}>
                      <Amount value={m.variance} />
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{budget.year} so far</th>
                  <td />
                  <td className="num">
                    <Amount value={total} />
                  </td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

/** The month in progress: spend of the complete days so far against the schedule pro-rated
 * to them, and where the month ends at that rate. */
function MonthInProgress({ month }: { month: MonthVarianceRead }) {
  const name = formatMonth(`${month.month}-01`);
  const days = `${month.days_elapsed ?? 0} of ${month.days_in_month ?? '?'} days`;
  return (
    <dl className="month-in-progress" data-testid="month-in-progress" aria-label={`${name} so far`}>
      <div>
        <dt>
          {name} to date ({days})
        </dt>
        <dd>
          <Amount value={month.spend} /> spent
          {month.prorated != null ? (
            <>
              {' '}
              against <Amount value={month.prorated} /> pro-rated of <Amount value={month.scheduled} />
            </>
          ) : null}
        </dd>
      </div>
      <div>
        <dt>Month-end forecast (run rate)</dt>
        <dd data-testid="month-forecast">
          {month.forecast == null ? (
            <span className="muted">none yet: no complete day this month</span>
          ) : (
            <>
              <Amount value={month.forecast} />
              {month.forecast_variance != null ? (
                <span className={month.forecast_variance.startsWith('-') ? 'negative' : undefined}>
                  {' '}
                  (<Amount value={month.forecast_variance} /> against the month)
                </span>
              ) : null}
            </>
          )}
        </dd>
      </div>
    </dl>
  );
}
