import { useMemo } from 'react';
import { Chart } from '../../components/Chart';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SectionHead } from '../../components/SectionHead';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { stackedBarOption } from '../../lib/dashboard';
import { levelLabel } from '../../lib/reports';
import { useMonthlySpend } from './hooks';

interface MonthRow {
  name: string;
  month: string;
  amount: string;
}

/** Spend by month of the node's children, stacked (one series per child). */
export function MonthlySpendChart({
  year,
  node,
  childLevel,
  labels,
}: {
  year: number;
  node: number | null;
  childLevel: number;
  labels: readonly string[];
}) {
  const monthly = useMonthlySpend(year, node);
  const data = monthly.data;
  const option = useMemo(
    () => (data ? stackedBarOption(data.months, data.series, data.currency) : null),
    [data],
  );
  const rows: MonthRow[] = data
    ? data.series.flatMap((s) =>
        s.amounts.map((amount, i) => ({ name: s.name, month: data.months[i], amount })),
      )
    : [];
  const columns: CsvColumn<MonthRow>[] = [
    { header: levelLabel(childLevel, labels), value: (r) => r.name },
    { header: 'month', value: (r) => r.month },
    { header: `spend (${data?.currency ?? ''})`, value: (r) => csvDecimal(r.amount) },
  ];
  return (
    <section className="card" aria-labelledby="monthly-title">
      <SectionHead
        id="monthly-title"
        title={`Spend by month, ${year}, by ${levelLabel(childLevel, labels).toLowerCase()}`}
        list={`spend-by-month-${year}`}
        columns={columns}
        rows={() => rows}
        csv={rows.length > 0}
      />
      <ErrorNotice error={monthly.error} prefix="The spend by month could not be loaded" />
      {monthly.isPending ? (
        <p className="loading">Loading spend by month…</p>
      ) : !data || data.series.length === 0 ? (
        <p className="empty-state">Nothing in your scope for {year}.</p>
      ) : data.totals.every((t) => Number(t) === 0) ? (
        <p className="empty-state">No spend allocated in {year} yet.</p>
      ) : option ? (
        <Chart
          option={option}
          height={300}
          testId="monthly-spend"
          label={`Spend by month in ${year}, stacked by ${levelLabel(childLevel, labels)}`}
        />
      ) : null}
    </section>
  );
}
