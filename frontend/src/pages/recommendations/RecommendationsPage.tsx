import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { RecommendationAction, RecommendationRead, Sort, StatusFilter } from '../../client';
import type { RecommendationFilters } from '../../api/queryKeys';
import { Amount } from '../../components/Amount';
import { useCurrentUser } from '../../components/AppShell';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { FilterBar, SelectField, TextField } from '../../components/Field';
import { Pager } from '../../components/Pager';
import { useDebounced } from '../../lib/useDebounced';
import { usePageTitle } from '../../lib/usePageTitle';
import { useSelection } from '../../lib/useSelection';
import {
  STATUS_FILTERS,
  actionLabel,
  actionNeedsComment,
  applicable,
  changeLabel,
  rowStatusLabel,
  savingsOf,
  statusLabel,
} from '../../lib/recommendations';
import { ImportForm } from './ImportForm';
import { useBulkDecision, useRecommendations } from './hooks';

const LIMIT = 100;

/** Finance decides (approve, ignore with a comment, bulk); Cloud Engineers see the Approved
 * ones and mark them implemented; owners read those of their budgets. */
export function RecommendationsPage() {
  usePageTitle('Recommendations');
  const me = useCurrentUser();
  const decides = me.permissions.includes('decide_recommendations');
  const implementsThem = me.permissions.includes('implement_recommendations');
  const [status, setStatus] = useState<StatusFilter | ''>(implementsThem && !decides ? 'approved' : '');
  const [actionType, setActionType] = useState('');
  const [account, setAccount] = useState('');
  const [sort, setSort] = useState<Sort>('savings');
  const [offset, setOffset] = useState(0);
  const typed = useDebounced(actionType.trim(), 300);
  const accountId = useDebounced(account.trim(), 300);
  const filters: RecommendationFilters = {
    limit: LIMIT,
    offset,
    sort,
    ...(status ? { status } : {}),
    ...(typed ? { action_type: typed } : {}),
    ...(/^\d{12}$/.test(accountId) ? { account_id: accountId } : {}),
  };
  const recs = useRecommendations(filters);
  const rows = recs.data?.items ?? [];
  const selection = useSelection(rows, (r) => r.id);
  const filtered = Boolean(status || typed || accountId);

  function reset(fn: () => void) {
    fn();
    setOffset(0);
    selection.clear();
  }

  return (
    <section>
      <h1>Recommendations</h1>
      <p className="muted">
        Cost Optimization Hub&apos;s recommendations, mapped to budgets through their resource&apos;s claim or
        account split.{' '}
        {decides
          ? 'Approve or ignore them; Cloud Engineers implement the approved ones.'
          : implementsThem
            ? 'Finance approved these: mark each one implemented once done.'
            : 'Those of your budgets, to read.'}
      </p>
      {decides ? <ImportForm /> : null}
      <FilterBar label="Filter the recommendations">
        <SelectField
          id="recs-status"
          label="Status"
          empty="Still in the export"
          value={status}
          onValue={(v) => reset(() => setStatus(v as StatusFilter | ''))}
          options={STATUS_FILTERS.map((s) => ({ value: s, label: statusLabel(s) }))}
        />
        <TextField
          id="recs-action"
          label="Action type"
          value={actionType}
          placeholder="Rightsize"
          onValue={(v) => reset(() => setActionType(v))}
        />
        <TextField
          id="recs-account"
          label="Account id"
          value={account}
          inputMode="numeric"
          placeholder="12 digits"
          onValue={(v) => reset(() => setAccount(v))}
        />
        <SelectField
          id="recs-sort"
          label="Sort"
          value={sort}
          onValue={(v) => reset(() => setSort(v as Sort))}
          options={[
            { value: 'savings', label: 'Largest savings first' },
            { value: 'newest', label: 'Newest first' },
            { value: 'account', label: 'By account' },
          ]}
        />
        <div className="field field-end actions">
          <button
            type="button"
            className="secondary"
            disabled={!filtered}
            onClick={() =>
              reset(() => {
                setStatus('');
                setActionType('');
                setAccount('');
              })
            }
          >
            Clear filters
          </button>
        </div>
      </FilterBar>
      <ErrorNotice error={recs.error} prefix="The recommendations could not be loaded" />
      {recs.isError ? (
        <button type="button" onClick={() => void recs.refetch()}>
          Try again
        </button>
      ) : null}
      {recs.isPending ? (
        <p className="loading">Loading recommendations…</p>
      ) : recs.data ? (
        <>
          <div className="card-counts" aria-label="Savings by status">
            <p>
              Open monthly savings (New and Approved): <Amount value={recs.data.open_savings} /> USD
            </p>
            <ul className="card-counts">
              {recs.data.by_status.map((t) => (
                <li key={t.status}>
                  <button
                    type="button"
                    className="link-button"
                    aria-pressed={status === t.status}
                    onClick={() => reset(() => setStatus(status === t.status ? '' : t.status))}
                  >
                    {statusLabel(t.status)}: <strong>{t.count}</strong> (<Amount value={t.monthly_savings} />)
                  </button>
                </li>
              ))}
            </ul>
          </div>
          {rows.length === 0 ? (
            <p className="empty-state">
              {filtered
                ? 'No recommendations match these filters.'
                : decides
                  ? 'No recommendations yet: import a Cost Optimization Hub export above.'
                  : 'No recommendations for you yet.'}
            </p>
          ) : (
            <>
              {decides || implementsThem ? (
                <BulkBar
                  chosen={selection.chosen}
                  actions={decides ? ['approve', 'ignore'] : ['implement']}
                  onDone={selection.clear}
                />
              ) : null}
              <RecommendationsTable
                rows={rows}
                selectable={decides || implementsThem}
                isSelected={selection.isSelected}
                toggle={selection.toggle}
                allSelected={selection.allSelected}
                selectAll={selection.selectAll}
              />
              <Pager
                total={recs.data.total}
                limit={LIMIT}
                offset={offset}
                onOffset={(o) => reset(() => setOffset(o))}
                label="recommendations"
              />
            </>
          )}
        </>
      ) : null}
    </section>
  );
}

function BulkBar({
  chosen,
  actions,
  onDone,
}: {
  chosen: RecommendationRead[];
  actions: RecommendationAction[];
  onDone: () => void;
}) {
  const bulk = useBulkDecision();
  const [comment, setComment] = useState('');
  const [done, setDone] = useState<string | null>(null);

  function run(action: RecommendationAction) {
    const rows = applicable(chosen, action);
    if (rows.length === 0) return;
    if (actionNeedsComment(action) && !comment.trim()) return;
    setDone(null);
    bulk.mutate(
      {
        action,
        items: rows.map((r) => ({ id: r.id, version: r.version })),
        comment: comment.trim() || undefined,
      },
      {
        onSuccess: (saved) => {
          setDone(
            `${actionLabel(action)}: ${saved.length} recommendation${saved.length === 1 ? '' : 's'} done.`,
          );
          setComment('');
          onDone();
        },
      },
    );
  }

  return (
    <div className="card bulk-bar" aria-label="Act on the ticked recommendations" role="group">
      <p aria-live="polite">
        {chosen.length} ticked, <Amount value={savingsOf(chosen)} /> USD a month.
      </p>
      {actions.includes('ignore') ? (
        <TextField
          id="recs-bulk-comment"
          label="Comment (required to ignore)"
          value={comment}
          maxLength={2000}
          onValue={setComment}
        />
      ) : null}
      <div className="actions">
        {actions.map((action) => {
          const n = applicable(chosen, action).length;
          const blocked = n === 0 || (actionNeedsComment(action) && !comment.trim()) || bulk.isPending;
          return (
            <button key={action} type="button" disabled={blocked} onClick={() => run(action)}>
              {actionLabel(action)} ({n})
            </button>
          );
        })}
      </div>
      <ErrorNotice error={bulk.error} prefix="Nothing was changed" />
      <SuccessNotice>{done}</SuccessNotice>
    </div>
  );
}

function RecommendationsTable({
  rows,
  selectable,
  isSelected,
  toggle,
  allSelected,
  selectAll,
}: {
  rows: RecommendationRead[];
  selectable: boolean;
  isSelected: (row: RecommendationRead) => boolean;
  toggle: (row: RecommendationRead, on: boolean) => void;
  allSelected: boolean;
  selectAll: (on: boolean) => void;
}) {
  return (
    <table className="data-table" aria-label="Recommendations">
      <thead>
        <tr>
          {selectable ? (
            <th scope="col">
              <input
                type="checkbox"
                aria-label="Tick every recommendation shown"
                checked={allSelected}
                onChange={(e) => selectAll(e.target.checked)}
              />
            </th>
          ) : null}
          <th scope="col">Monthly savings (USD)</th>
          <th scope="col">Change</th>
          <th scope="col">Resource</th>
          <th scope="col">Account</th>
          <th scope="col">Budgets</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            {selectable ? (
              <td>
                <input
                  type="checkbox"
                  aria-label={`Tick ${changeLabel(r)} of ${r.resource_id}`}
                  checked={isSelected(r)}
                  disabled={r.actions.length === 0}
                  onChange={(e) => toggle(r, e.target.checked)}
                />
              </td>
            ) : null}
            <td className="num">
              <Amount value={r.monthly_savings} />
            </td>
            <td>
              <Link to={`/recommendations/${r.id}`}>{changeLabel(r)}</Link>
              {r.known_action_type ? null : <span className="badge badge-info"> unknown type</span>}
            </td>
            <td>
              <code>{r.resource_id}</code>
              {r.in_cur ? null : <span className="muted"> (not in the CUR)</span>}
            </td>
            <td>{r.account_name ? `${r.account_name} (${r.account_id})` : r.account_id}</td>
            <td>
              {r.budgets.length === 0
                ? '—'
                : r.budgets.map((b) => `${b.name ?? `#${b.budget_id}`} ${b.percent}% (${b.via})`).join(', ')}
            </td>
            <td>
              <span className={`badge ${r.resolved ? 'badge-off' : 'badge-ok'}`}>{rowStatusLabel(r)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
