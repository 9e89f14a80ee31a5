import type { HeatmapRowRead, ProductScheduleRead } from '../../client';
import { Amount } from '../../components/Amount';
import { SectionHead } from '../../components/SectionHead';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { levelLabel } from '../../lib/reports';
import { formatPercent, toneLabel, varianceTone } from '../../lib/reports';
import { monthLabel } from '../../lib/spendCards';

const money = (v: string | null | undefined) => (v === null || v === undefined ? null : csvDecimal(v));

/** The level's rows (children of the node shown) and a "Details" button that drills down.
 * The spend counts every budget below; budget and variance measure only the approved ones
 * (docs/dashboard.md, "Figures"), so their spend is shown beside them under "Approved
 * budgets": there, spend − budget = variance on every row, as in the header's total. */
export function LevelRows({
  rows,
  labels,
  currency,
  period,
  onOpen,
}: {
  rows: readonly HeatmapRowRead[];
  labels: readonly string[];
  currency: string;
  period: string;
  onOpen: (row: HeatmapRowRead) => void;
}) {
  const level = rows[0]?.level ?? 1;
  const columns: CsvColumn<HeatmapRowRead>[] = [
    { header: levelLabel(level, labels), value: (r) => r.name },
    { header: 'level', value: (r) => r.level },
    { header: `spend (${currency})`, value: (r) => money(r.spend) },
    { header: `approved_spend (${currency})`, value: (r) => money(r.approved_spend) },
    { header: `budget (${currency})`, value: (r) => money(r.budget) },
    { header: `variance (${currency})`, value: (r) => money(r.variance) },
    { header: 'variance_percent', value: (r) => money(r.variance_percent) },
    { header: 'approved_budgets', value: (r) => r.approved_budgets },
    { header: 'budgets', value: (r) => r.budgets },
  ];
  return (
    <section className="card" aria-labelledby="rows-title">
      <SectionHead
        id="rows-title"
        title={`${levelLabel(level, labels)}s, ${period}`}
        list={`heatmap-rows-${period}`}
        columns={columns}
        rows={() => rows}
      />
      <div className="table-wrap">
        <table
          className="data-table"
          aria-label={`${levelLabel(level, labels)}s with spend, budget and variance`}
        >
          <thead>
            <tr>
              <th scope="col" rowSpan={2}>
                {levelLabel(level, labels)}
              </th>
              <th scope="col" rowSpan={2} className="num">
                Spend, all budgets ({currency})
              </th>
              <th scope="colgroup" colSpan={4} className="group">
                Approved budgets
              </th>
              <th scope="col" rowSpan={2}>
                <span className="visually-hidden">Drill down</span>
              </th>
            </tr>
            <tr>
              <th scope="col" className="num">
                Count
              </th>
              <th scope="col" className="num">
                Spend ({currency})
              </th>
              <th scope="col" className="num">
                Budget ({currency})
              </th>
              <th scope="col" className="num">
                Variance ({currency})
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const tone = varianceTone(r.variance_percent);
              return (
                <tr key={r.node_id} data-testid={`row-${r.node_id}`}>
                  <th scope="row">{r.name}</th>
                  <td className="num">
                    <Amount value={r.spend} />
                  </td>
                  <td className="num">
                    {r.approved_budgets} of {r.budgets}
                  </td>
                  <td className="num">
                    <Amount value={r.approved_spend} />
                  </td>
                  <td className="num">
                    <Amount value={r.budget} />
                  </td>
                  <td className={`num variance-${tone}`} title={toneLabel(tone)}>
                    <Amount value={r.variance} />{' '}
                    <span className="muted">({formatPercent(r.variance_percent)})</span>
                  </td>
                  <td>
                    <button type="button" className="secondary" onClick={() => onOpen(r)}>
                      Details<span className="visually-hidden"> of {r.name}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted small-text">
        Budget and variance measure the approved budgets only: variance = their spend − their budget. A row
        with no approved budget has neither.
      </p>
    </section>
  );
}

/** A product's months: the schedule (as it stands and as approved), the actual spend and the
 * workloads' estimates, each with its running total. */
export function ProductMonths({ product, currency }: { product: ProductScheduleRead; currency: string }) {
  const columns: CsvColumn<ProductScheduleRead['months'][number]>[] = [
    { header: 'month', value: (m) => m.month },
    { header: `scheduled (${currency})`, value: (m) => money(m.scheduled) },
    { header: `approved (${currency})`, value: (m) => money(m.approved) },
    { header: `actual (${currency})`, value: (m) => money(m.actual) },
    { header: `workload_estimate (${currency})`, value: (m) => money(m.estimate) },
    { header: 'cumulative_scheduled', value: (m) => money(m.cumulative_scheduled) },
    { header: 'cumulative_actual', value: (m) => money(m.cumulative_actual) },
    { header: 'cumulative_estimate', value: (m) => money(m.cumulative_estimate) },
  ];
  return (
    <section className="card" aria-labelledby="product-title">
      <SectionHead
        id="product-title"
        title={`Monthly schedule (${product.status.replace(/_/g, ' ')})`}
        list={`product-${product.budget_id}-months`}
        columns={columns}
        rows={() => product.months}
      />
      <div className="table-wrap">
        <table className="data-table" aria-label="Monthly schedule with actuals and cumulative estimates">
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" className="num">
                Scheduled
              </th>
              <th scope="col" className="num">
                Approved
              </th>
              <th scope="col" className="num">
                Actual
              </th>
              <th scope="col" className="num">
                Workload estimate
              </th>
              <th scope="col" className="num">
                Cumulative scheduled
              </th>
              <th scope="col" className="num">
                Cumulative actual
              </th>
              <th scope="col" className="num">
                Cumulative estimate
              </th>
            </tr>
          </thead>
          <tbody>
            {product.months.map((m) => (
              <tr key={m.month}>
                <th scope="row">{monthLabel(m.month)}</th>
                <td className="num">
                  <Amount value={m.scheduled} />
                </td>
                <td className="num">
                  <Amount value={m.approved} />
                </td>
                <td className="num">
                  <Amount value={m.actual} />
                </td>
                <td className="num">
                  <Amount value={m.estimate} />
                </td>
                <td className="num">
                  <Amount value={m.cumulative_scheduled} />
                </td>
                <td className="num">
                  <Amount value={m.cumulative_actual} />
                </td>
                <td className="num">
                  <Amount value={m.cumulative_estimate} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
