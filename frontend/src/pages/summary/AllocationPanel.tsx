import type { AccountRead, BudgetRead, SplitVersionRead } from '../../client';
import { useAccounts, useAllocationSummary } from '../accounts/hooks';
import { useBudgetDirectory } from '../budgets/hooks';
import { useCurrentUser } from '../../components/AppShell';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice } from '../../components/ErrorNotice';
import { splitCsvColumns, splitShareRows, type SplitShareRow } from '../../lib/splits';
import { SplitVersionsTable } from '../../components/SplitVersionsTable';

const GROUPS = [
  { key: 'current', label: 'Current', hint: 'in force for more than 30 days' },
  { key: 'expiring', label: 'Expiring', hint: 'end within 30 days' },
  { key: 'new', label: 'New', hint: 'started within the last 30 days' },
  { key: 'past', label: 'Past', hint: 'ended' },
  { key: 'future', label: 'Future', hint: 'not started yet' },
] as const;

type GroupKey = (typeof GROUPS)[number]['key'];

/** Account allocation in the caller's scope, as Current / Expiring / New / Past / Future. */
export function AllocationPanel() {
  const me = useCurrentUser();
  const summary = useAllocationSummary();
  const finance = me.permissions.includes('view_all_spend');
  const accounts = useAccounts({}, finance);
  const all = summary.data ? GROUPS.flatMap((g) => summary.data[g.key]) : [];
  // A split's budgets belong to the year it starts in (the server checks it).
  const budgets = useBudgetDirectory(all.map((v) => Number(v.effective_from.slice(0, 4))));
  const accountsById = new Map((accounts.data ?? []).map((a) => [a.account_id, a]));
  const groupOf = new Map<number, GroupKey>();
  if (summary.data) for (const g of GROUPS) for (const v of summary.data[g.key]) groupOf.set(v.id, g.key);
  const name = (id: number) => budgets.get(id)?.path.join(' › ') ?? `Budget #${id}`;

  return (
    <section className="card summary-card summary-wide" aria-labelledby="allocation-title">
      <SectionHead
        id="allocation-title"
        title="Account allocation"
        csv={all.length > 0}
        list="account-allocation"
        columns={splitCsvColumns(name, [
          { header: 'group', value: (r: SplitShareRow) => groupOf.get(r.version.id) ?? '' },
        ])}
        rows={() => splitShareRows(all)}
      />
      <ErrorNotice error={summary.error} prefix="The account allocation could not be loaded" />
      {summary.isPending ? (
        <p className="loading">Loading the account allocation…</p>
      ) : summary.data && all.length === 0 ? (
        <p className="muted">No account is allocated to {finance ? 'any budget' : 'your budgets'} yet.</p>
      ) : summary.data ? (
        GROUPS.map((g) => (
          <AllocationGroup
            key={g.key}
            label={g.label}
            hint={g.hint}
            versions={summary.data[g.key]}
            budgets={budgets}
            accounts={accountsById}
            linkAccounts={me.permissions.includes('manage_accounts')}
          />
        ))
      ) : null}
    </section>
  );
}

function AllocationGroup({
  label,
  hint,
  versions,
  ...rest
}: {
  label: string;
  hint: string;
  versions: SplitVersionRead[];
  budgets: ReadonlyMap<number, BudgetRead>;
  accounts: ReadonlyMap<string, AccountRead>;
  linkAccounts: boolean;
}) {
  const id = `allocation-${label.toLowerCase()}`;
  return (
    <section aria-labelledby={id} className="allocation-group">
      <h3 id={id}>
        {label} <span className="count">({versions.length})</span>
      </h3>
      {versions.length === 0 ? (
        <p className="muted small-text">None ({hint}).</p>
      ) : (
        <SplitVersionsTable label={`${label} allocations`} versions={versions} showAccount {...rest} />
      )}
    </section>
  );
}
