import { useMemo, useState } from 'react';
import { Amount } from '../../components/Amount';
import { useCurrentUser } from '../../components/AppShell';
import { ErrorNotice } from '../../components/ErrorNotice';
import { creditTotals } from '../../lib/credits';
import { CURRENCY } from '../../lib/money';
import { localIsoDate } from '../../lib/periods';
import { usePageTitle } from '../../lib/usePageTitle';
import { useCredits } from './hooks';
import { AddCreditForm } from './AddCreditForm';
import { CreditPanel } from './CreditPanel';
import { CreditsTable } from './CreditsTable';
import { ForecastSection } from './ForecastSection';
import { PreviewSection } from './PreviewSection';

export function CreditsPage() {
  usePageTitle('Credits');
  const me = useCurrentUser();
  const manager = me.permissions.includes('manage_credits');
  const today = localIsoDate();
  const [selected, setSelected] = useState<number | null>(null);
  const credits = useCredits({});
  const all = useMemo(() => credits.data ?? [], [credits.data]);
  const totals = useMemo(() => creditTotals(all, today), [all, today]);

  return (
    <section>
      <h1>Credits</h1>
      <p className="muted">
        AWS credits (MAP, PoC, Activate…) recorded against product budgets. At month close each budget&apos;s
        credits cover its allocated spend, oldest expiry first; a credit covers only the days it is valid on.
      </p>
      {manager ? <AddCreditForm /> : null}
      <section aria-labelledby="balances-title">
        <h2 id="balances-title">Balances</h2>
        <ErrorNotice error={credits.error} prefix="The credits could not be loaded" />
        {credits.isError ? (
          <button type="button" onClick={() => void credits.refetch()}>
            Try again
          </button>
        ) : null}
        {credits.isPending ? (
          <p className="loading">Loading credits…</p>
        ) : credits.data ? (
          all.length === 0 ? (
            <p className="empty-state">
              {manager
                ? 'No credits yet. Record one above when AWS grants a credit to a budget.'
                : 'No credits on the budgets you can see.'}
            </p>
          ) : (
            <>
              <p aria-live="polite">
                {totals.count} credit{totals.count === 1 ? '' : 's'}: <Amount value={totals.amount} />{' '}
                {CURRENCY} granted, <Amount value={totals.applied} /> applied,{' '}
                <Amount value={totals.available} /> still available.
              </p>
              <CreditsTable credits={all} today={today} selected={selected} onSelect={setSelected} />
            </>
          )
        ) : null}
      </section>
      {selected !== null ? (
        <CreditPanel id={selected} manager={manager} onClose={() => setSelected(null)} />
      ) : null}
      <ForecastSection />
      <PreviewSection manager={manager} today={today} />
    </section>
  );
}
