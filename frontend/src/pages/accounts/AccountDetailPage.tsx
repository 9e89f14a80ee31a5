import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useAccount, useAccountAllocation } from './hooks';
import { useBudgetDirectory } from '../budgets/hooks';
import { useCurrentUser } from '../../components/AppShell';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { sourceLabel } from '../../lib/accounts';
import { formatDate } from '../../lib/months';
import { ApiError } from '../../lib/problem';
import { splitCsvColumns, splitShareRows } from '../../lib/splits';
import { usePageTitle } from '../../lib/usePageTitle';
import { AccountServicesPanel } from './AccountServicesPanel';
import { RemapForm } from './RemapForm';
import { SplitVersionsTable } from '../../components/SplitVersionsTable';

/** One AWS account: its details, the history of its split across budgets (the one in force
 * today marked), and the remap form. */
export function AccountDetailPage() {
  const { id = '' } = useParams();
  return <AccountDetail key={id} accountId={id} />;
}

function AccountDetail({ accountId }: { accountId: string }) {
  const me = useCurrentUser();
  const account = useAccount(accountId);
  const allocation = useAccountAllocation(accountId);
  const [done, setDone] = useState<string | null>(null);
  const history = allocation.data ?? [];
  const budgets = useBudgetDirectory(history.map((v) => Number(v.effective_from.slice(0, 4))));
  usePageTitle(account.data ? `${account.data.name} · Account` : 'Account');

  if (account.isPending) return <p className="loading">Loading the account…</p>;
  if (account.isError) {
    if (account.error instanceof ApiError && account.error.status === 404) {
      return (
        <section>
          <h1>Account not found</h1>
          <p>No account {accountId} is onboarded.</p>
          <p>
            <Link to="/accounts">Back to the accounts</Link>
          </p>
        </section>
      );
    }
    return <ErrorNotice error={account.error} prefix="The account could not be loaded" />;
  }
  const a = account.data;
  const name = (budgetId: number) => budgets.get(budgetId)?.path.join(' › ') ?? `Budget #${budgetId}`;

  return (
    <section>
      <p className="breadcrumb">
        <Link to="/accounts">Accounts</Link>
      </p>
      <h1>{a.name}</h1>
      <dl className="facts card" aria-label="Account">
        <dt>Account ID</dt>
        <dd>
          <code>{a.account_id}</code>
        </dd>
        <dt>Email</dt>
        <dd>{a.email ?? '—'}</dd>
        <dt>Type</dt>
        <dd>{a.account_type ?? 'Not classified'}</dd>
        <dt>Source</dt>
        <dd>{sourceLabel(a.source)}</dd>
        <dt>Status</dt>
        <dd>{a.status}</dd>
        <dt>Vended</dt>
        <dd>{formatDate(a.vended_date)}</dd>
      </dl>

      <SectionHead
        id="split-history-title"
        title="Split history"
        csv={history.length > 0}
        list={`account-${a.account_id}-splits`}
        columns={splitCsvColumns(name)}
        rows={() => splitShareRows(history)}
      />
      <p className="hint">
        Each remap starts a new split; the previous one ends the day before. The split in force today is
        marked Current.
      </p>
      <SuccessNotice>{done}</SuccessNotice>
      <ErrorNotice error={allocation.error} prefix="The split history could not be loaded" />
      {allocation.data ? (
        <SplitVersionsTable
          label="Split history"
          versions={history}
          budgets={budgets}
          empty="Not allocated yet: its spend goes to Unallocated."
        />
      ) : allocation.isPending ? (
        <p className="loading">Loading the split history…</p>
      ) : null}

      {me.permissions.includes('manage_accounts') && allocation.data ? (
        <RemapForm
          key={history.length}
          accountId={a.account_id}
          history={history}
          onDone={(message) => setDone(message)}
        />
      ) : null}
      <AccountServicesPanel accountId={a.account_id} />
    </section>
  );
}
