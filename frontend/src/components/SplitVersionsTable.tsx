import { Link } from 'react-router-dom';
import type { AccountRead, BudgetRead, SplitVersionRead } from '../client';
import { BudgetName } from './ScheduleBadge';
import { formatDateTime } from '../lib/format';
import { formatDate } from '../lib/months';

/** Split versions, one row each: the budgets and their percentages, when the version is in
 * force, and who made it when. The version in force today is marked. */
export function SplitVersionsTable({
  versions,
  budgets,
  accounts,
  label,
  showAccount = false,
  linkAccounts = false,
  empty = 'No split yet.',
}: {
  versions: readonly SplitVersionRead[];
  budgets: ReadonlyMap<number, BudgetRead>;
  accounts?: ReadonlyMap<string, AccountRead>;
  label: string;
  showAccount?: boolean;
  linkAccounts?: boolean;
  empty?: string;
}) {
  const columns = showAccount ? 6 : 5;
  return (
    <div className="table-wrap">
      <table className="data-table split-table" aria-label={label}>
        <thead>
          <tr>
            {showAccount ? <th scope="col">Account</th> : null}
            <th scope="col">Budgets</th>
            <th scope="col">Effective from</th>
            <th scope="col">Effective to</th>
            <th scope="col">Changed by</th>
            <th scope="col">Changed</th>
          </tr>
        </thead>
        <tbody>
          {versions.length === 0 ? (
            <tr>
              <td colSpan={columns} className="empty">
                {empty}
              </td>
            </tr>
          ) : (
            versions.map((v) => (
              <tr
                key={v.id}
                className={v.current ? 'current' : undefined}
                aria-current={v.current ? 'true' : undefined}
              >
                {showAccount ? (
                  <td>
                    <AccountName
                      id={v.account_id}
                      account={accounts?.get(v.account_id)}
                      link={linkAccounts}
                    />
                  </td>
                ) : null}
                <td>
                  <ul className="split-shares">
                    {v.splits.map((s) => (
                      <li key={s.budget_id}>
                        <BudgetName id={s.budget_id} budget={budgets.get(s.budget_id)} />{' '}
                        <span className="amount">{s.percent}%</span>
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="nowrap">
                  {formatDate(v.effective_from)}
                  {v.current ? <span className="badge badge-ok current-badge">Current</span> : null}
                </td>
                <td className="nowrap">
                  {v.effective_to ? formatDate(v.effective_to) : <span className="muted">open</span>}
                </td>
                <td>{v.created_by}</td>
                <td className="nowrap">{formatDateTime(v.created_at)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export function AccountName({
  id,
  account,
  link,
}: {
  id: string;
  account: AccountRead | undefined;
  link: boolean;
}) {
  const text = (
    <>
      <code>{id}</code>
      {account ? <span className="account-name"> {account.name}</span> : null}
    </>
  );
  return link ? <Link to={`/accounts/${id}`}>{text}</Link> : text;
}
