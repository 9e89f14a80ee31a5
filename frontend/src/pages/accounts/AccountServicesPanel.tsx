import { useMemo, useState } from 'react';
import { Chart } from '../../components/Chart';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SectionHead } from '../../components/SectionHead';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { servicesSeries } from '../../lib/dashboard';
import { localIsoDate } from '../../lib/periods';
import { useAccountServices } from '../dashboard/hooks';

interface ServiceMonth {
  service: string;
  month: string;
  amount: string;
}

/** An account's allocated spend by service over the year's months (for an owner, the part on
 * the budgets of their scope). */
export function AccountServicesPanel({ accountId }: { accountId: string }) {
  const thisYear = Number(localIsoDate().slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const services = useAccountServices(accountId, year);
  const data = services.data;
  const option = useMemo(() => {
    if (!data) return null;
    const lines = servicesSeries(data.series);
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v.toFixed(2)} ${data.currency}` },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 64, right: 16, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: data.months.map((m) => m.slice(5)) },
      yAxis: { type: 'value', name: data.currency },
      series: lines.map((s) => ({ name: s.name, type: 'line', data: s.amounts, showSymbol: false })),
    };
  }, [data]);
  const rows: ServiceMonth[] = data
    ? data.series.flatMap((s) =>
        s.amounts.map((amount, i) => ({ service: s.service ?? '', month: data.months[i], amount })),
      )
    : [];
  const columns: CsvColumn<ServiceMonth>[] = [
    { header: 'service', value: (r) => r.service },
    { header: 'month', value: (r) => r.month },
    { header: `spend (${data?.currency ?? ''})`, value: (r) => csvDecimal(r.amount) },
  ];
  return (
    <section className="card" aria-labelledby="services-title">
      <SectionHead
        id="services-title"
        title={`Spend by service, ${year}`}
        list={`account-${accountId}-services-${year}`}
        columns={columns}
        rows={() => rows}
        csv={rows.length > 0}
      />
      <div className="field">
        <label htmlFor="services-year">Year</label>
        <select id="services-year" value={year} onChange={(e) => setYear(Number(e.target.value))}>
          {[thisYear, thisYear - 1, thisYear - 2].map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>
      <ErrorNotice error={services.error} prefix="The spend by service could not be loaded" />
      {services.isPending ? (
        <p className="loading">Loading spend by service…</p>
      ) : !data || data.series.length === 0 ? (
        <p className="empty-state">No spend allocated from this account in {year}.</p>
      ) : option ? (
        <Chart option={option} height={300} testId="account-services" label={`Spend by service in ${year}`} />
      ) : null}
    </section>
  );
}
