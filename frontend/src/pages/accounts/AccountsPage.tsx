import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { AccountRead, AccountSource, AccountType, DiscoveryRead } from '../../client';
import { useAccounts, useDiscoverAccounts, useUpdateAccount } from './hooks';
import type { AccountFilters } from '../../api/queryKeys';
import { useCurrentUser } from '../../components/AppShell';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { FilterBar, SelectField, TextField } from '../../components/Field';
import {
  ACCOUNT_CSV_COLUMNS,
  ACCOUNT_TYPES,
  discoverySummary,
  SOURCE_LABELS,
  sourceLabel,
} from '../../lib/accounts';
import { formatCount } from '../../lib/format';
import { formatDate } from '../../lib/months';
import { useDebounced } from '../../lib/useDebounced';
import { usePageTitle } from '../../lib/usePageTitle';
import { AddAccountForm } from './AddAccountForm';
import { CarryForwardPanel } from './CarryForwardPanel';

/** The AWS accounts (SPEC 3): onboarded from AWS Organizations, seen in the CUR, or added by
 * hand; each classified by type and allocated to budgets on its own page. */
export function AccountsPage() {
  usePageTitle('Accounts');
  const me = useCurrentUser();
  const canManage = me.permissions.includes('manage_accounts');
  const [search, setSearch] = useState('');
  const [type, setType] = useState<AccountType | ''>('');
  const [source, setSource] = useState<AccountSource | ''>('');
  const [adding, setAdding] = useState(false);
  const [carrying, setCarrying] = useState(false);
  const q = useDebounced(search.trim(), 250);
  const filters: AccountFilters = {
    ...(q ? { q } : {}),
    ...(type ? { account_type: type } : {}),
    ...(source ? { source } : {}),
  };
  const accounts = useAccounts(filters);
  const discover = useDiscoverAccounts();

  return (
    <section>
      <div className="page-head">
        <h1>Accounts</h1>
        {canManage ? (
          <div className="actions">
            <button
              type="button"
              className="secondary"
              aria-expanded={adding}
              onClick={() => setAdding((a) => !a)}
            >
              {adding ? 'Close the account form' : 'Add account'}
            </button>
            <button
              type="button"
              className="secondary"
              aria-expanded={carrying}
              onClick={() => setCarrying((c) => !c)}
            >
              Carry forward to next year
            </button>
            <button type="button" disabled={discover.isPending} onClick={() => discover.mutate()}>
              {discover.isPending ? 'Checking…' : 'Check for new accounts'}
            </button>
          </div>
        ) : null}
      </div>
      <p className="hint">
        Accounts come from AWS Organizations (&ldquo;Check for new accounts&rdquo;) and from the Cost and
        Usage Report; open one to split its spend across product budgets.
      </p>
      <ErrorNotice error={discover.error} prefix="The check for new accounts failed" />
      {discover.data ? <DiscoveryResult result={discover.data} /> : null}
      {adding ? <AddAccountForm /> : null}
      {carrying ? <CarryForwardPanel /> : null}

      <h2 id="accounts-list-title">All accounts</h2>
      <FilterBar
        label="Filter accounts"
        end={
          <DownloadCsvButton list="accounts" columns={ACCOUNT_CSV_COLUMNS} rows={() => accounts.data ?? []} />
        }
      >
        <TextField
          id="accounts-search"
          label="Search"
          type="search"
          placeholder="Account ID, name or email"
          value={search}
          onValue={setSearch}
        />
        <SelectField
          id="accounts-type"
          label="Type"
          value={type}
          onValue={(v) => setType(v as AccountType | '')}
          empty="All types"
          options={ACCOUNT_TYPES}
        />
        <SelectField
          id="accounts-source"
          label="Source"
          value={source}
          onValue={(v) => setSource(v as AccountSource | '')}
          empty="All sources"
          options={Object.entries(SOURCE_LABELS).map(([value, label]) => ({ value, label }))}
        />
      </FilterBar>

      <ErrorNotice error={accounts.error} prefix="The accounts could not be loaded" />
      {accounts.data ? (
        <AccountsTable
          accounts={accounts.data}
          canManage={canManage}
          filtered={Object.keys(filters).length > 0}
        />
      ) : accounts.isPending ? (
        <p className="loading">Loading accounts…</p>
      ) : null}
    </section>
  );
}

function DiscoveryResult({ result }: { result: DiscoveryRead }) {
  return (
    <div className="notice notice-success" role="status" aria-label="Check for new accounts">
      <p className="notice-line">Checked for new accounts: {discoverySummary(result)}</p>
      {result.created.length > 0 ? (
        <p className="notice-line">
          New:{' '}
          {result.created.map((id, i) => (
            <span key={id}>
              {i > 0 ? ', ' : ''}
              <Link to={`/accounts/${id}`}>{id}</Link>
            </span>
          ))}
        </p>
      ) : null}
      {result.updated.length > 0 ? <p className="notice-line">Updated: {result.updated.join(', ')}</p> : null}
    </div>
  );
}

function AccountsTable({
  accounts,
  canManage,
  filtered,
}: {
  accounts: AccountRead[];
  canManage: boolean;
  filtered: boolean;
}) {
  const update = useUpdateAccount();
  const [done, setDone] = useState<string | null>(null);
  const [failed, setFailed] = useState<{ id: string; error: unknown } | null>(null);

  function changeType(account: AccountRead, accountType: AccountType) {
    setDone(null);
    setFailed(null);
    update.mutate(
      { id: account.account_id, changes: { account_type: accountType } },
      {
        onSuccess: (a) => setDone(`${a.account_id} (${a.name}) is now ${a.account_type}.`),
        onError: (error) => setFailed({ id: account.account_id, error }),
      },
    );
  }

  return (
    <>
      <SuccessNotice>{done}</SuccessNotice>
      {failed ? <ErrorNotice error={failed.error} prefix={`${failed.id} was not changed`} /> : null}
      <div className="table-wrap">
        <table className="data-table" aria-labelledby="accounts-list-title">
          <thead>
            <tr>
              <th scope="col">Account ID</th>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Type</th>
              <th scope="col">Source</th>
              <th scope="col">Status</th>
              <th scope="col">Vended</th>
            </tr>
          </thead>
          <tbody>
            {accounts.length === 0 ? (
              <tr>
                <td colSpan={7} className="empty">
                  {filtered
                    ? 'No accounts match these filters.'
                    : 'No accounts yet: check for new accounts or add one.'}
                </td>
              </tr>
            ) : (
              accounts.map((account) => (
                <AccountRow
                  key={`${account.account_id}-${account.account_type ?? ''}`}
                  account={account}
                  canManage={canManage}
                  busy={update.isPending && update.variables?.id === account.account_id}
                  onType={(t) => changeType(account, t)}
                />
              ))
            )}
          </tbody>
          {accounts.length > 0 ? (
            <tfoot>
              <tr>
                <th scope="row" colSpan={7}>
                  {formatCount(accounts.length)} account{accounts.length === 1 ? '' : 's'}
                </th>
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
    </>
  );
}

function AccountRow({
  account,
  canManage,
  busy,
  onType,
}: {
  account: AccountRead;
  canManage: boolean;
  busy: boolean;
  onType: (type: AccountType) => void;
}) {
  const [type, setType] = useState<AccountType | ''>(account.account_type ?? '');
  const typeId = `type-of-${account.account_id}`;
  return (
    <tr data-account-id={account.account_id}>
      <th scope="row">
        <Link to={`/accounts/${account.account_id}`}>
          <code>{account.account_id}</code>
        </Link>
      </th>
      <td>{account.name}</td>
      <td>{account.email ?? <span className="muted">—</span>}</td>
      <td>
        {canManage ? (
          <div className="inline">
            <label htmlFor={typeId} className="visually-hidden">
              Type of {account.account_id}
            </label>
            <select id={typeId} value={type} onChange={(e) => setType(e.target.value as AccountType | '')}>
              {account.account_type === null ? <option value="">Not classified</option> : null}
              {ACCOUNT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="secondary small"
              disabled={busy || !type || type === account.account_type}
              onClick={() => type && onType(type)}
            >
              Change type<span className="visually-hidden"> of {account.account_id}</span>
            </button>
          </div>
        ) : (
          (account.account_type ?? <span className="muted">Not classified</span>)
        )}
      </td>
      <td>{sourceLabel(account.source)}</td>
      <td>{account.status}</td>
      <td className="nowrap">{formatDate(account.vended_date)}</td>
    </tr>
  );
}
