import { Link } from 'react-router-dom';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatPercent, toneLabel, varianceTone } from '../../lib/reports';
import { localIsoDate } from '../../lib/periods';
import { monthLabel } from '../../lib/spendCards';
import { useVarianceReport } from '../reports/hooks';

/** This month's spend of the approved budgets in scope against their schedule pro-rated to
 * yesterday (the variance report's total), with the way to the heat map. */
export function MonthAgainstSchedulePanel() {
  const today = localIsoDate();
  const period = today.slice(0, 7);
  const report = useVarianceReport({ year: Number(today.slice(0, 4)), period, level: 1 }, true);
  const total = report.data?.total;
  const tone = varianceTone(total?.month_variance_percent);
  return (
    <section className="card summary-card" aria-labelledby="month-title">
      <h2 id="month-title">{monthLabel(period)} against schedule</h2>
      <ErrorNotice error={report.error} prefix="This month's figures could not be loaded" />
      {report.isPending ? (
        <p className="loading">Loading this month…</p>
      ) : !total ? (
        <p className="muted">
          No approved schedule in your scope: there is nothing to measure this month against.
        </p>
      ) : (
        <dl className="figures" data-testid="month-against-schedule">
          <dt>Spend so far</dt>
          <dd>
            <Amount value={total.month_actual} /> {report.data?.currency}
          </dd>
          <dt>Schedule to yesterday</dt>
          <dd>
            <Amount value={total.month_budget} />
          </dd>
          <dt>Variance</dt>
          <dd className={`variance-${tone}`} title={toneLabel(tone)}>
            <Amount value={total.month_variance} /> ({formatPercent(total.month_variance_percent)})
          </dd>
        </dl>
      )}
      <p className="small">
        <Link to={`/dashboard?year=${today.slice(0, 4)}&view=monthly&month=${Number(today.slice(5, 7))}`}>
          Open the heat map for {monthLabel(period)}
        </Link>
      </p>
    </section>
  );
}
