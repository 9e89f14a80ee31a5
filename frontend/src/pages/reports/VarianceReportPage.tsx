import { useMemo, useState } from 'react';
import type { VarianceRowRead } from '../../client';
import type { VarianceQuery } from '../../api/queryKeys';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FilterBar, SelectField } from '../../components/Field';
import { YearSelect } from '../../components/YearSelect';
import { localIsoDate } from '../../lib/periods';
import {
  basisLabel,
  defaultMonth,
  formatPercent,
  levelLabel,
  reportMonths,
  toneLabel,
  varianceTone,
} from '../../lib/reports';
import { monthLabel } from '../../lib/spendCards';
import { usePageTitle } from '../../lib/usePageTitle';
import { useYears } from '../budgets/hooks';
import { downloadApprovedSpending, downloadVarianceCsv, useVarianceReport } from './hooks';

function VarianceCell({ amount, percent }: { amount: string; percent: string | null }) {
  const tone = varianceTone(percent);
  return (
    <td className={`num variance-${tone}`} title={toneLabel(tone)}>
      <Amount value={amount} /> <span className="muted">({formatPercent(percent)})</span>
    </td>
  );
}

function Row({ row, total = false }: { row: VarianceRowRead; total?: boolean }) {
  const Cell = total ? 'th' : 'td';
  return (
    <tr className={total ? 'total-row' : undefined}>
      <Cell scope={total ? 'row' : undefined}>
        {total ? 'Total' : row.name}
        {!total && row.path.length > 1 ? (
          <div className="muted small">{row.path.slice(0, -1).join(' › ')}</div>
        ) : null}
      </Cell>
      <td className="num">{row.budgets}</td>
      <td className="num">
        <Amount value={row.scheduled} />
      </td>
      <td className="num">
        <Amount value={row.month_budget} />
      </td>
      <td className="num">
        <Amount value={row.month_actual} />
      </td>
      <VarianceCell amount={row.month_variance} percent={row.month_variance_percent} />
      <td className="num">
        <Amount value={row.ytd_budget} />
      </td>
      <td className="num">
        <Amount value={row.ytd_actual} />
      </td>
      <VarianceCell amount={row.ytd_variance} percent={row.ytd_variance_percent} />
    </tr>
  );
}

export function VarianceReportPage() {
  usePageTitle('Variance report');
  const today = localIsoDate();
  const years = useYears();
  const [year, setYear] = useState<number | null>(null);
  const chosenYear = year ?? Number(today.slice(0, 4));
  const months = useMemo(() => reportMonths(chosenYear, today), [chosenYear, today]);
  const [month, setMonth] = useState('');
  const period = months.includes(month) ? month : defaultMonth(chosenYear, today);
  const [level, setLevel] = useState(4);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const query: VarianceQuery = { year: chosenYear, period, level };
  const report = useVarianceReport(query, period !== '');
  const labels = years.data?.find((y) => y.year === chosenYear)?.labels;

  async function download(what: 'variance' | 'fpa') {
    setBusy(true);
    setDownloadError(null);
    try {
      if (what === 'variance') await downloadVarianceCsv(query);
      else await downloadApprovedSpending(period);
    } catch (e) {
      setDownloadError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <h1>Variance report</h1>
      <p className="muted">
        Approved budgets only. Variance = actual − budget: positive is overspend. The month in progress is
        measured against its pro-rated schedule (the daily budget times the days elapsed).
      </p>
      <FilterBar
        label="Choose the report"
        end={
          <div className="field field-end actions">
            <button
              type="button"
              className="secondary"
              disabled={busy || !period}
              onClick={() => void download('variance')}
            >
              Download CSV
            </button>
            <button
              type="button"
              className="secondary"
              disabled={busy || !period}
              onClick={() => void download('fpa')}
            >
              Approved spending file (FP&amp;A)
            </button>
          </div>
        }
      >
        <YearSelect
          id="variance-year"
          years={years.data ?? [{ year: chosenYear, labels: [] }]}
          value={chosenYear}
          onChange={(y) => {
            setYear(y);
            setMonth('');
          }}
        />
        <SelectField
          id="variance-month"
          label="Month"
          value={period}
          onValue={setMonth}
          options={months.map((m) => ({ value: m, label: monthLabel(m) }))}
        />
        <SelectField
          id="variance-level"
          label="Level"
          value={level}
          onValue={(v) => setLevel(Number(v))}
          options={[4, 3, 2, 1].map((l) => ({ value: l, label: levelLabel(l, labels) }))}
        />
      </FilterBar>
      <ErrorNotice error={downloadError} prefix="The download failed" />
      <ErrorNotice error={report.error} prefix="The report could not be loaded" />
      {report.isError ? (
        <button type="button" onClick={() => void report.refetch()}>
          Try again
        </button>
      ) : null}
      {period === '' ? (
        <p className="empty-state">{chosenYear} has not started: there is no variance yet.</p>
      ) : report.isPending ? (
        <p className="loading">Loading the variance report…</p>
      ) : report.data ? (
        report.data.rows.length === 0 ? (
          <p className="empty-state">
            No approved budget in your scope for {chosenYear}. A budget shows variance once its schedule is
            approved.
          </p>
        ) : (
          <>
            <p className="muted" aria-live="polite">
              {monthLabel(report.data.period)}:{' '}
              {basisLabel(report.data.basis, report.data.days_elapsed, report.data.days_in_month)}. Amounts in{' '}
              {report.data.currency}
              {report.isFetching ? ' (updating…)' : ''}.
            </p>
            <div className="table-wrap">
              <table className="data-table" aria-label="Variance by budget">
                <thead>
                  <tr>
                    <th scope="col">{levelLabel(report.data.level, labels)}</th>
                    <th scope="col" className="num">
                      Budgets
                    </th>
                    <th scope="col" className="num">
                      Scheduled (month)
                    </th>
                    <th scope="col" className="num">
                      Budget
                    </th>
                    <th scope="col" className="num">
                      Actual
                    </th>
                    <th scope="col" className="num">
                      Variance
                    </th>
                    <th scope="col" className="num">
                      Budget YTD
                    </th>
                    <th scope="col" className="num">
                      Actual YTD
                    </th>
                    <th scope="col" className="num">
                      Variance YTD
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.data.rows.map((r) => (
                    <Row key={`${r.level}-${r.node_id}`} row={r} />
                  ))}
                </tbody>
                {report.data.total ? (
                  <tfoot>
                    <Row row={report.data.total} total />
                  </tfoot>
                ) : null}
              </table>
            </div>
          </>
        )
      ) : null}
    </section>
  );
}
