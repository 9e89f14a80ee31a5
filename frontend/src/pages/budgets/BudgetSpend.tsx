import type { BudgetDetail } from '../../client';
import { useSchedule } from './hooks';
import { useSpend, useSpendQueries } from '../spend/hooks';
import { Amount } from '../../components/Amount';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice } from '../../components/ErrorNotice';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { centsToDecimal, CURRENCY, toCents } from '../../lib/money';
import { formatMonth } from '../../lib/months';
import { spendOfBudget } from '../../lib/spend';

interface MonthSpend {
  month: string;
  scheduled: string | null;
  spend: string | null;
  variance: string | null;
}

const CSV_COLUMNS: CsvColumn<MonthSpend>[] = [
  { header: 'month', value: (m) => m.month },
  { header: 'scheduled', value: (m) => (m.scheduled === null ? null : csvDecimal(m.scheduled)) },
  { header: 'spend', value: (m) => (m.spend === null ? null : csvDecimal(m.spend)) },
  { header: 'variance', value: (m) => (m.variance === null ? null : csvDecimal(m.variance)) },
  { header: 'currency', value: () => CURRENCY },
];

/** The budget's allocated spend month by month (billing periods of its year in the spend
 * store), beside the schedule. Variance only once the schedule is approved (SPEC 4). */
export function BudgetSpend({ budget }: { budget: BudgetDetail }) {
  const year = useSpend({ from: `${budget.year}-01`, to: `${budget.year}-12`, group_by: 'budget' });
  const schedule = useSchedule(budget.id);
  const periods = year.data?.periods ?? [];
  const byPeriod = useSpendQueries(periods.map((period) => ({ period, group_by: 'budget' })));
  const approved = schedule.data?.status === 'approved';
  const scheduled = new Map((schedule.data?.months ?? []).map((m) => [m.month, m.amount]));
  const months: MonthSpend[] = periods.map((period, i) => {
    const answer = byPeriod[i]?.data;
    const spend = answer ? spendOfBudget(answer.rows, budget.id) : null;
    const plan = scheduled.get(period) ?? null;
    const variance =
      approved && spend !== null && plan !== null
        ? centsToDecimal((toCents(plan) ?? 0n) - (toCents(spend) ?? 0n))
        : null;
    return { month: period, scheduled: plan, spend, variance };
  });
  const total = year.data ? spendOfBudget(year.data.rows, budget.id) : null;

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
      <ErrorNotice error={year.error} prefix="The spend could not be loaded" />
      {year.isPending ? (
        <p className="loading">Loading spend…</p>
      ) : periods.length === 0 ? (
        <p className="muted">No billing period of {budget.year} is in the spend store yet.</p>
      ) : (
        <>
          {!approved ? (
            <p className="hint">Variance shows once the schedule is approved.</p>
          ) : (
            <p className="hint">Variance: scheduled minus spend (negative: over the schedule).</p>
          )}
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
                {months.map((m) => (
                  <tr key={m.month}>
                    <th scope="row">{formatMonth(`${m.month}-01`)}</th>
                    <td className="num">
                      <Amount value={m.scheduled} />
                    </td>
                    <td className="num">
                      {m.spend === null ? <span className="muted">…</span> : <Amount value={m.spend} />}
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
      )}
    </section>
  );
}
