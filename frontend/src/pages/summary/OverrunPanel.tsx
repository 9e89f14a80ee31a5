import { Link } from 'react-router-dom';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SectionHead } from '../../components/SectionHead';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { overrunRows, overrunSentence } from '../../lib/forecasts';
import { formatDate } from '../../lib/months';
import { useForecasts } from '../forecasts/hooks';

type OverrunRow = ReturnType<typeof overrunRows>[number];

const CSV_COLUMNS: CsvColumn<OverrunRow>[] = [
  { header: 'budget_id', value: (r) => r.row.budget_id },
  { header: 'name', value: (r) => r.row.name },
  { header: 'kind', value: (r) => r.overrun.kind },
  { header: 'month', value: (r) => r.overrun.month ?? null },
  { header: 'day', value: (r) => r.overrun.day },
  { header: 'scheduled', value: (r) => csvDecimal(r.overrun.scheduled) },
  { header: 'already', value: (r) => r.overrun.already },
];

/** Forecast-to-overrun: the budgets whose spend, at the rate of the last eight weeks, passes
 * their approved schedule of a month or of the year, and when (docs/forecasts.md). */
export function OverrunPanel() {
  const forecasts = useForecasts();
  const rows = forecasts.data ? overrunRows(forecasts.data.items) : [];
  return (
    <section className="card summary-card" aria-labelledby="overrun-title" data-testid="overrun-panel">
      <SectionHead
        id="overrun-title"
        title="Forecast to overrun"
        list="forecast-overruns"
        columns={CSV_COLUMNS}
        rows={() => rows}
        csv={rows.length > 0}
      />
      <ErrorNotice error={forecasts.error} prefix="The forecasts could not be loaded" />
      {forecasts.isPending ? (
        <p className="loading">Loading the forecasts…</p>
      ) : forecasts.data && rows.length === 0 ? (
        <p className="muted">
          {forecasts.data.last_day
            ? 'At the current rate no approved schedule is exceeded this year.'
            : 'No spend yet to forecast from.'}
        </p>
      ) : forecasts.data ? (
        <>
          <p className="muted">
            Spend to {formatDate(forecasts.data.last_day)}, then the weekday rate of the last eight weeks.
          </p>
          <ul aria-label="Budgets on course to overrun">
            {rows.map(({ row, overrun }) => (
              <li key={`${row.budget_id}-${overrun.kind}`}>
                <Link to={`/budgets/${row.budget_id}`}>{overrunSentence(row, overrun)}</Link> (schedule{' '}
                <Amount value={overrun.scheduled} />; year-end forecast <Amount value={row.year_end} />)
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
