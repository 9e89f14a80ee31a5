import { useState, type FormEvent } from 'react';
import type { BudgetDetail, WorkloadRead } from '../../client';
import { useAccounts, useAllocationSummary } from '../accounts/hooks';
import { useCreateWorkload, useWorkloads } from './hooks';
import { useCurrentUser } from '../../components/AppShell';
import { Amount } from '../../components/Amount';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { errorsOf, SelectField, TextField } from '../../components/Field';
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

  const err = (field: string) => errorsOf(errors, ID, field);

  return (
    <form className="card" onSubmit={submit} aria-label="Add a workload">
      <ErrorNotice error={create.error} prefix="The workload was not added" />
      <FieldErrors id={`${ID}-other-errors`} messages={unplaced.length ? unplaced : undefined} />
      <SuccessNotice>{added}</SuccessNotice>
      <div className="options-grid">
        <TextField
          id={`${ID}-name`}
          label="Workload name"
          type="text"
          required
          maxLength={200}
          value={name}
          {...err('name')}
          onValue={setName}
        />
        <TextField
          id={`${ID}-account`}
          label="AWS account"
          type="text"
          inputMode="numeric"
          required
          placeholder="12 digits"
          list={`${ID}-accounts`}
          value={accountId}
          {...err('account_id')}
          onValue={setAccountId}
          after={
            <datalist id={`${ID}-accounts`}>
              {suggestions.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
          }
        />
        <TextField
          id={`${ID}-url`}
          className="field field-grow"
          label="AWS Pricing Calculator link"
          type="url"
          required
          placeholder="https://calculator.aws/#/estimate?id=…"
          value={url}
          {...err('calculator_url')}
          onValue={setUrl}
        />
        <TextField
          id={`${ID}-estimate`}
          label={`Monthly estimate (${CURRENCY})`}
          type="text"
          inputMode="decimal"
          required
          value={estimate}
          {...err('monthly_estimate')}
          onValue={setEstimate}
        />
        <SelectField
          id={`${ID}-launch`}
          label="Launch month"
          value={launch}
          {...err('launch_month')}
          aria-describedby={undefined}
          onValue={setLaunch}
          options={months.map((m) => ({ value: m.value.slice(0, 7), label: m.label }))}
        />
        <SelectField
          id={`${ID}-end`}
          label="Teardown month"
          value={end}
          {...err('end_month')}
          aria-describedby={undefined}
          onValue={setEnd}
          empty="End of the year"
          options={months
            .filter((m) => m.value.slice(0, 7) >= launch)
            .map((m) => ({ value: m.value.slice(0, 7), label: m.label }))}
        />
      </div>
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add workload'}
      </button>
    </form>
  );
}
