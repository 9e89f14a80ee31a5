import { useMemo, useState } from 'react';
import { Amount } from '../../components/Amount';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { SelectField } from '../../components/Field';
import { finishedMonths, productName } from '../../lib/credits';
import { CURRENCY } from '../../lib/money';
import { monthLabel } from '../../lib/spendCards';
import { useApplyCredits, useCreditPreview } from './hooks';

export function PreviewSection({ manager, today }: { manager: boolean; today: string }) {
  const months = useMemo(() => finishedMonths(today.slice(0, 7), 12), [today]);
  const [period, setPeriod] = useState(months[0] ?? '');
  const preview = useCreditPreview(period);
  const apply = useApplyCredits();
  const budgets = preview.data?.budgets ?? [];
  const pending = budgets.some((b) => b.credits.some((c) => !c.already_applied && c.amount !== '0.00'));
  return (
    <section aria-labelledby="preview-title">
      <h2 id="preview-title">A month&apos;s application</h2>
      <p className="muted">
        What applying the credits to a month does, per budget: each credit with the amount it applies and the
        balance left. Month close applies them; a Financial Admin may apply a finished, open month earlier.
      </p>
      <SelectField
        id="preview-month"
        label="Month"
        value={period}
        onValue={(v) => {
          setPeriod(v);
          apply.reset();
        }}
        options={months.map((m) => ({ value: m, label: monthLabel(m) }))}
      />
      <ErrorNotice error={preview.error} prefix="The preview could not be loaded" />
      <ErrorNotice error={apply.error} prefix="The credits were not applied" />
      {apply.data ? (
        <SuccessNotice>
          {apply.data.applications.length === 0
            ? `Nothing more to apply to ${monthLabel(apply.data.period)}.`
            : `${apply.data.applications.length} application(s) written for ${monthLabel(apply.data.period)}.`}
        </SuccessNotice>
      ) : null}
      {preview.isPending ? (
        <p className="loading">Computing the month…</p>
      ) : budgets.length === 0 ? (
        <p className="empty-state">No credit is valid in {monthLabel(period)}.</p>
      ) : (
        <>
          {budgets.map((b) => (
            <div className="table-wrap" key={b.budget_id}>
              <table className="data-table" aria-label={`Credits of ${productName(b.budget_path)}`}>
                <caption>
                  {b.budget_path.join(' › ')}: spend <Amount value={b.spend} /> {CURRENCY}, covered{' '}
                  <Amount value={b.applied} />
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Credit</th>
                    <th scope="col">Expires</th>
                    <th scope="col" className="num">
                      Balance before
                    </th>
                    <th scope="col" className="num">
                      Applies
                    </th>
                    <th scope="col" className="num">
                      Balance after
                    </th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {b.credits.map((c) => (
                    <tr key={c.credit_id}>
                      <th scope="row">{c.reference || `Credit ${c.credit_id}`}</th>
                      <td>{c.expires_on}</td>
                      <td className="num">
                        <Amount value={c.balance_before} />
                      </td>
                      <td className="num">
                        <Amount value={c.amount} />
                      </td>
                      <td className="num">
                        <Amount value={c.balance_after} />
                      </td>
                      <td>{c.already_applied ? 'Applied' : 'Would apply'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
          {manager ? (
            <button type="button" disabled={!pending || apply.isPending} onClick={() => apply.mutate(period)}>
              {apply.isPending ? 'Applying…' : `Apply credits to ${monthLabel(period)}`}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
