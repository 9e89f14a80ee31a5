import { useBudgetDirectory } from '../budgets/hooks';
import { useBillingPeriods, useSpend } from '../spend/hooks';
import { useCurrentUser } from '../../components/AppShell';
import { Amount } from '../../components/Amount';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice } from '../../components/ErrorNotice';
import { BudgetName } from '../../components/ScheduleBadge';
import { CURRENCY } from '../../lib/money';
import { formatMonth } from '../../lib/months';
import { localIsoDate, previousMonth } from '../../lib/periods';
import { latestPeriod, spendCsvColumns, topSpend, UNALLOCATED } from '../../lib/spend';

const TOP = 10;

/** Which billing period is the latest. Finance roles read the billing periods; the others
 * may not, so they ask for the spend of the last two months and take the newest period the
 * answer names. */
function useLatestPeriod(finance: boolean) {
  const periods = useBillingPeriods(finance);
  const thisMonth = localIsoDate().slice(0, 7);
  const recent = useSpend({ from: previousMonth(thisMonth), group_by: 'budget' }, !finance);
  if (finance) {
    return {
      period: periods.data ? latestPeriod(periods.data.map((p) => p.period)) : null,
      isPending: periods.isPending,
      error: periods.error,
    };
  }
  return {
    period: recent.data ? latestPeriod(recent.data.periods) : null,
    isPending: recent.isPending,
    error: recent.error,
  };
}

/** Spend of the latest billing period by budget, the largest first (the Unallocated bucket
 * too, for the finance roles the server sends it to). */
export function SpendPanel() {
  const me = useCurrentUser();
  const latest = useLatestPeriod(me.permissions.includes('view_all_spend'));
  const spend = useSpend({ period: latest.period ?? '', group_by: 'budget' }, latest.period !== null);
  const year = latest.period ? Number(latest.period.slice(0, 4)) : null;
  const budgets = useBudgetDirectory(year === null ? [] : [year]);
  const names = new Map([...budgets].map(([id, b]) => [id, b.path.join(' › ')]));
  const rows = spend.data ? topSpend(spend.data.rows, spend.data.rows.length) : [];
  const shown = rows.slice(0, TOP);

  return (
    <section className="card summary-card" aria-labelledby="spend-title">
      <SectionHead
        id="spend-title"
        title={`Spend by budget${latest.period ? `, ${formatMonth(`${latest.period}-01`)}` : ''}`}
        csv={!!latest.period && rows.length > 0}
        list={`spend-${latest.period}`}
        columns={spendCsvColumns(latest.period ?? '', names, CURRENCY)}
        rows={() => rows}
      />
      <ErrorNotice error={latest.error ?? spend.error} prefix="The spend could not be loaded" />
      {latest.isPending || (latest.period !== null && spend.isPending) ? (
        <p className="loading">Loading spend…</p>
      ) : latest.period === null ? (
        <p className="muted">No billing period has been loaded from the Cost and Usage Report yet.</p>
      ) : rows.length === 0 ? (
        <p className="muted">No spend in {formatMonth(`${latest.period}-01`)} for your budgets.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-label="Spend by budget">
            <thead>
              <tr>
                <th scope="col">Budget</th>
                <th scope="col" className="num">
                  Spend ({CURRENCY})
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr
                  key={row.budget_id ?? 'unallocated'}
                  className={row.budget_id == null ? 'unallocated' : undefined}
                >
                  <th scope="row">
                    {row.budget_id == null ? (
                      <span>{UNALLOCATED}</span>
                    ) : (
                      <BudgetName id={row.budget_id} budget={budgets.get(row.budget_id)} />
                    )}
                  </th>
                  <td className="num">
                    <Amount value={row.amount} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">
                  {rows.length > TOP ? `Top ${TOP} of ${rows.length}; total` : 'Total'}
                  {spend.data ? <span className="muted"> ({spend.data.basis})</span> : null}
                </th>
                <td className="num">
                  <Amount value={spend.data?.total} />
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
