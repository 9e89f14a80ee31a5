import { useState, type FormEvent } from 'react';
import type { BudgetDetail, WorkloadRead } from '../../client';
import { useAccounts, useAllocationSummary, useCreateWorkload, useWorkloads } from '../../api/hooks';
import { useCurrentUser } from '../../components/AppShell';
import { Amount } from '../../components/Amount';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { FieldErrors } from '../../components/FieldErrors';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { CURRENCY, formatAmount, sumAmounts } from '../../lib/money';
import { formatMonth, monthsOfYear } from '../../lib/months';
import { fieldErrors, otherErrors } from '../../lib/problem';

const ID = 'workload';
const FIELDS = ['name', 'account_id', 'calculator_url', 'monthly_estimate', 'launch_month', 'end_month'];

const CSV_COLUMNS: CsvColumn<WorkloadRead>[] = [
  { header: 'id', value: (w) => w.id },
  { header: 'name', value: (w) => w.name },
  { header: 'budget_id', value: (w) => w.budget_id },
  { header: 'account_id', value: (w) => w.account_id },
  { header: 'monthly_estimate', value: (w) => csvDecimal(w.monthly_estimate) },
  { header: 'currency', value: () => CURRENCY },
  { header: 'launch_month', value: (w) => w.launch_month },
  { header: 'end_month', value: (w) => w.end_month },
  { header: 'calculator_url', value: (w) => w.calculator_url },
  { header: 'created_by', value: (w) => w.created_by },
];

/** The workloads of one product budget (what runs where, and its AWS Pricing Calculator
 * estimate), and for their owner the form that adds one. */
export function WorkloadsSection({ budget }: { budget: BudgetDetail }) {
  const me = useCurrentUser();
  const workloads = useWorkloads({ budget_id: budget.id });
  const canCreate =
    budget.status === 'active' &&
    (me.permissions.includes('manage_workloads') || me.permissions.includes('claim_any'));
  const [adding, setAdding] = useState(false);
  const list = workloads.data ?? [];

  return (
    <section aria-labelledby="workloads-title">
      <div className="page-head">
        <h2 id="workloads-title">Workloads</h2>
        <div className="actions">
          {canCreate ? (
            <button
              type="button"
              className="secondary"
              aria-expanded={adding}
              onClick={() => setAdding((a) => !a)}
            >
              {adding ? 'Close the workload form' : 'Add workload'}
            </button>
          ) : null}
          {list.length > 0 ? (
            <DownloadCsvButton
              list={`budget-${budget.id}-workloads`}
              columns={CSV_COLUMNS}
              rows={() => list}
            />
          ) : null}
        </div>
      </div>
      {adding ? <WorkloadForm budget={budget} /> : null}
      <ErrorNotice error={workloads.error} prefix="The workloads could not be loaded" />
      {workloads.isPending ? (
        <p className="loading">Loading workloads…</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-labelledby="workloads-title">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Account</th>
                <th scope="col" className="num">
                  Monthly estimate ({CURRENCY})
                </th>
                <th scope="col">Launch</th>
                <th scope="col">Teardown</th>
                <th scope="col">Estimate</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {list.length === 0 ? (
                <tr>
                  <td colSpan={7} className="empty">
                    No workload yet.
                  </td>
                </tr>
              ) : (
                list.map((w) => (
                  <tr key={w.id}>
                    <th scope="row">{w.name}</th>
                    <td>
                      <code>{w.account_id}</code>
                    </td>
                    <td className="num">
                      <Amount value={w.monthly_estimate} />
                    </td>
                    <td className="nowrap">{formatMonth(`${w.launch_month}-01`)}</td>
                    <td className="nowrap">{formatMonth(`${w.end_month}-01`)}</td>
                    <td>
                      <a href={w.calculator_url} target="_blank" rel="noopener noreferrer">
                        Pricing Calculator<span className="visually-hidden"> estimate of {w.name}</span>
                      </a>
                    </td>
                    <td>{w.created_by}</td>
                  </tr>
                ))
              )}
            </tbody>
            {list.length > 1 ? (
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    {list.length} workloads
                  </th>
                  <td className="num">
                    <Amount value={sumAmounts(list.map((w) => w.monthly_estimate))} />
                  </td>
                  <td colSpan={4} />
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
      )}
    </section>
  );
}

/** Accounts to suggest: all of them for finance roles; for an owner, the accounts whose split
 * includes this budget (owners cannot list accounts). */
function useAccountSuggestions(budgetId: number): string[] {
  const me = useCurrentUser();
  const finance = me.permissions.includes('view_all_spend');
  const accounts = useAccounts({}, finance);
  const summary = useAllocationSummary();
  if (finance) return (accounts.data ?? []).map((a) => a.account_id);
  const versions = summary.data
    ? [...summary.data.current, ...summary.data.expiring, ...summary.data.new, ...summary.data.future]
    : [];
  return [
    ...new Set(
      versions.filter((v) => v.splits.some((s) => s.budget_id === budgetId)).map((v) => v.account_id),
    ),
  ].sort();
}

function WorkloadForm({ budget }: { budget: BudgetDetail }) {
  const create = useCreateWorkload();
  const suggestions = useAccountSuggestions(budget.id);
  const months = monthsOfYear(budget.year, budget.start_date).filter((m) => !m.disabled);
  const [name, setName] = useState('');
  const [accountId, setAccountId] = useState('');
  const [url, setUrl] = useState('');
  const [estimate, setEstimate] = useState('');
  const [launch, setLaunch] = useState(months[0]?.value.slice(0, 7) ?? `${budget.year}-01`);
  const [end, setEnd] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const errors = fieldErrors(create.error);
  const unplaced = otherErrors(create.error, FIELDS);

  function submit(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    create.mutate(
      {
        budget_id: budget.id,
        account_id: accountId.trim(),
        name: name.trim(),
        calculator_url: url.trim(),
        monthly_estimate: estimate.trim().replace(/,/g, ''),
        launch_month: launch,
        ...(end ? { end_month: end } : {}),
      },
      {
        onSuccess: (w) => {
          setAdded(
            `Added ${w.name}: ${formatAmount(w.monthly_estimate)} ${CURRENCY} a month from ${formatMonth(`${w.launch_month}-01`)} to ${formatMonth(`${w.end_month}-01`)}.`,
          );
          setName('');
          setUrl('');
          setEstimate('');
        },
      },
    );
  }

  const invalid = (field: string) => (errors[field] ? true : undefined);
  const describedBy = (field: string) => (errors[field] ? `${ID}-${field}-errors` : undefined);

  return (
    <form className="card" onSubmit={submit} aria-label="Add a workload">
      <ErrorNotice error={create.error} prefix="The workload was not added" />
      <FieldErrors id={`${ID}-other-errors`} messages={unplaced.length ? unplaced : undefined} />
      <SuccessNotice>{added}</SuccessNotice>
      <div className="options-grid">
        <div className="field">
          <label htmlFor={`${ID}-name`}>Workload name</label>
          <input
            id={`${ID}-name`}
            type="text"
            required
            maxLength={200}
            value={name}
            aria-invalid={invalid('name')}
            aria-describedby={describedBy('name')}
            onChange={(e) => setName(e.target.value)}
          />
          <FieldErrors id={`${ID}-name-errors`} messages={errors.name} />
        </div>
        <div className="field">
          <label htmlFor={`${ID}-account`}>AWS account</label>
          <input
            id={`${ID}-account`}
            type="text"
            inputMode="numeric"
            required
            placeholder="12 digits"
            list={`${ID}-accounts`}
            value={accountId}
            aria-invalid={invalid('account_id')}
            aria-describedby={describedBy('account_id')}
            onChange={(e) => setAccountId(e.target.value)}
          />
          <datalist id={`${ID}-accounts`}>
            {suggestions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <FieldErrors id={`${ID}-account_id-errors`} messages={errors.account_id} />
        </div>
        <div className="field field-grow">
          <label htmlFor={`${ID}-url`}>AWS Pricing Calculator link</label>
          <input
            id={`${ID}-url`}
            type="url"
            required
            placeholder="https://calculator.aws/#/estimate?id=…"
            value={url}
            aria-invalid={invalid('calculator_url')}
            aria-describedby={describedBy('calculator_url')}
            onChange={(e) => setUrl(e.target.value)}
          />
          <FieldErrors id={`${ID}-calculator_url-errors`} messages={errors.calculator_url} />
        </div>
        <div className="field">
          <label htmlFor={`${ID}-estimate`}>Monthly estimate ({CURRENCY})</label>
          <input
            id={`${ID}-estimate`}
            type="text"
            inputMode="decimal"
            required
            value={estimate}
            aria-invalid={invalid('monthly_estimate')}
            aria-describedby={describedBy('monthly_estimate')}
            onChange={(e) => setEstimate(e.target.value)}
          />
          <FieldErrors id={`${ID}-monthly_estimate-errors`} messages={errors.monthly_estimate} />
        </div>
        <div className="field">
          <label htmlFor={`${ID}-launch`}>Launch month</label>
          <select
            id={`${ID}-launch`}
            value={launch}
            aria-invalid={invalid('launch_month')}
            onChange={(e) => setLaunch(e.target.value)}
          >
            {months.map((m) => (
              <option key={m.value} value={m.value.slice(0, 7)}>
                {m.label}
              </option>
            ))}
          </select>
          <FieldErrors id={`${ID}-launch_month-errors`} messages={errors.launch_month} />
        </div>
        <div className="field">
          <label htmlFor={`${ID}-end`}>Teardown month</label>
          <select
            id={`${ID}-end`}
            value={end}
            aria-invalid={invalid('end_month')}
            onChange={(e) => setEnd(e.target.value)}
          >
            <option value="">End of the year</option>
            {months
              .filter((m) => m.value.slice(0, 7) >= launch)
              .map((m) => (
                <option key={m.value} value={m.value.slice(0, 7)}>
                  {m.label}
                </option>
              ))}
          </select>
          <FieldErrors id={`${ID}-end_month-errors`} messages={errors.end_month} />
        </div>
      </div>
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add workload'}
      </button>
    </form>
  );
}
