import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { BudgetRead } from '../../client';
import { useBudgets, useHierarchy, useYears } from './hooks';
import { useTasks } from '../summary/hooks';
import type { BudgetStatusFilter } from '../../api/queryKeys';
import { useCurrentUser } from '../../components/AppShell';
import { Amount, StatusBadge } from '../../components/Amount';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { FilterBar, SelectField, TextField } from '../../components/Field';
import { ScheduleBadge } from '../../components/ScheduleBadge';
import { YearSelect } from '../../components/YearSelect';
import { attributeNames, chooseYear, DEFAULT_LABELS, filterBudgets, sortBudgets } from '../../lib/budgets';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { formatCount } from '../../lib/format';
import { CURRENCY, sumAmounts } from '../../lib/money';
import { formatDate } from '../../lib/months';
import { usePageTitle } from '../../lib/usePageTitle';
import { AddLineItemForm } from './AddLineItemForm';
import { ChangeAmountForm } from './ChangeAmountForm';
import { HierarchyTree } from './HierarchyTree';

const STATUS_OPTIONS: { value: BudgetStatusFilter; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'retired', label: 'Retired' },
  { value: 'all', label: 'Active and retired' },
];

function csvColumns(labels: readonly string[], attributes: readonly string[]): CsvColumn<BudgetRead>[] {
  return [
    { header: 'id', value: (b) => b.id },
    { header: 'year', value: (b) => b.year },
    ...labels.map((label, level) => ({ header: label, value: (b: BudgetRead) => b.path[level] })),
    { header: 'annual_amount', value: (b) => csvDecimal(b.annual_amount) },
    { header: 'currency', value: () => CURRENCY },
    { header: 'status', value: (b) => b.status },
    { header: 'start_date', value: (b) => b.start_date },
    { header: 'retired_from', value: (b) => b.retired_from },
    { header: 'schedule_status', value: (b) => b.schedule_status ?? 'none' },
    ...attributes.map((name) => ({ header: name, value: (b: BudgetRead) => b.attributes[name] ?? '' })),
  ];
}

export function BudgetsPage() {
  usePageTitle('Budgets');
  const me = useCurrentUser();
  const canManage = me.permissions.includes('manage_budgets');
  const [params, setParams] = useSearchParams();
  const years = useYears();
  const year = years.data ? chooseYear(years.data, params.get('year')) : null;
  const labels = years.data?.find((y) => y.year === year)?.labels ?? [...DEFAULT_LABELS];
  const [status, setStatus] = useState<BudgetStatusFilter>('active');
  const [filter, setFilter] = useState('');
  const [needsAction, setNeedsAction] = useState(false);
  const [adding, setAdding] = useState(false);
  // "Requiring action": the budgets of the caller's tasks (a decision to take, a schedule to
  // submit), as the server lists them.
  const mayAct = me.permissions.includes('decide_schedules') || me.permissions.includes('edit_schedules');
  const tasks = useTasks();
  const budgets = useBudgets(year, status);
  const hierarchy = useHierarchy(year);

  function pickYear(next: number) {
    setParams({ year: String(next) });
    setAdding(false);
  }

  if (years.isPending) return <p className="loading">Loading budgets…</p>;
  if (years.isError) return <ErrorNotice error={years.error} prefix="The budget years could not be loaded" />;
  if (year === null) {
    return (
      <section>
        <h1>Budgets</h1>
        <p>No budget year is defined yet.</p>
        {me.permissions.includes('upload_chart_of_accounts') ? (
          <p>
            Load a chart of accounts or define a year&apos;s naming on the{' '}
            <Link to="/configuration">Configuration</Link> page.
          </p>
        ) : null}
      </section>
    );
  }

  const all = budgets.data?.items ?? [];
  const actionable = new Set((tasks.data ?? []).map((t) => t.budget_id));
  const shown = sortBudgets(filterBudgets(all, filter)).filter((b) => !needsAction || actionable.has(b.id));
  const attributes = attributeNames(all);

  return (
    <section>
      <div className="page-head">
        <h1>Budgets {year}</h1>
        {canManage ? (
          <button type="button" aria-expanded={adding} onClick={() => setAdding((a) => !a)}>
            {adding ? 'Close the line item form' : 'Add line item'}
          </button>
        ) : null}
      </div>
      <p className="muted levels">Levels: {labels.join(' › ')}</p>

      {adding ? <AddLineItemForm key={year} year={year} labels={labels} budgets={all} /> : null}

      <h2 id="budgets-list-title">Product budgets</h2>
      <FilterBar
        label="Filter budgets"
        end={
          <DownloadCsvButton
            list={`budgets-${year}`}
            columns={csvColumns(labels, attributes)}
            rows={() => shown}
          />
        }
      >
        <YearSelect id="budgets-year" years={years.data ?? []} value={year} onChange={pickYear} />
        <SelectField
          id="budgets-status"
          label="Status"
          value={status}
          onValue={(v) => setStatus(v as BudgetStatusFilter)}
          options={STATUS_OPTIONS}
        />
        <TextField
          id="budgets-filter"
          className="field field-grow"
          label="Filter"
          type="search"
          placeholder="Any name, status or attribute"
          value={filter}
          onValue={setFilter}
        />
        {mayAct ? (
          <div className="field checkbox-field">
            <label htmlFor="budgets-needs-action" className="checkbox-label">
              <input
                id="budgets-needs-action"
                type="checkbox"
                checked={needsAction}
                onChange={(e) => setNeedsAction(e.target.checked)}
              />
              Budgets requiring action
              {tasks.data ? <span className="count"> ({actionable.size})</span> : null}
            </label>
          </div>
        ) : null}
      </FilterBar>

      <ErrorNotice error={budgets.error} prefix="The budgets could not be loaded" />
      {budgets.data ? (
        <BudgetsTable year={year} labels={labels} budgets={shown} total={all.length} canManage={canManage} />
      ) : budgets.isPending ? (
        <p className="loading">Loading budgets…</p>
      ) : null}

      {/* SPEC 9: the treemap heat map (share of spend, spend against budget) goes here, above
          the drill-down, and reads the same `useHierarchy(year)` query. */}
      <section aria-labelledby="hierarchy-title">
        <h2 id="hierarchy-title">Hierarchy</h2>
        <p className="hint">Annual amounts of active budgets, rolled up from the products.</p>
        <ErrorNotice error={hierarchy.error} prefix="The hierarchy could not be loaded" />
        {hierarchy.data ? (
          <HierarchyTree key={hierarchy.data.year} hierarchy={hierarchy.data} />
        ) : hierarchy.isPending ? (
          <p className="loading">Loading the hierarchy…</p>
        ) : null}
      </section>
    </section>
  );
}

function BudgetsTable({
  year,
  labels,
  budgets,
  total,
  canManage,
}: {
  year: number;
  labels: readonly string[];
  budgets: BudgetRead[];
  total: number;
  canManage: boolean;
}) {
  const [changing, setChanging] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const columns = 4 + 4 + (canManage ? 1 : 0);

  return (
    <>
      <SuccessNotice>{done}</SuccessNotice>
      <div className="table-wrap">
        <table className="data-table" aria-labelledby="budgets-list-title">
          <thead>
            <tr>
              {labels.map((label) => (
                <th key={label} scope="col">
                  {label}
                </th>
              ))}
              <th scope="col" className="num">
                Annual amount ({CURRENCY})
              </th>
              <th scope="col">Status</th>
              <th scope="col">Schedule</th>
              <th scope="col">Start date</th>
              {canManage ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {budgets.length === 0 ? (
              <tr>
                <td colSpan={columns} className="empty">
                  {total === 0 ? `No product budgets in ${year}.` : 'No budgets match this filter.'}
                </td>
              </tr>
            ) : (
              budgets.map((budget) => (
                <BudgetRows
                  key={budget.id}
                  budget={budget}
                  columns={columns}
                  canManage={canManage}
                  changing={changing === budget.id}
                  onChange={() => {
                    setDone(null);
                    setChanging(budget.id);
                  }}
                  onClose={(message) => {
                    setChanging(null);
                    if (message) setDone(message);
                  }}
                />
              ))
            )}
          </tbody>
          {budgets.length > 0 ? (
            <tfoot>
              <tr>
                <th scope="row" colSpan={4}>
                  {budgets.length === total
                    ? `${formatCount(total)} product budget${total === 1 ? '' : 's'}`
                    : `${formatCount(budgets.length)} of ${formatCount(total)} product budgets`}
                </th>
                <td className="num">
                  <Amount value={sumAmounts(budgets.map((b) => b.annual_amount))} />
                </td>
                <td colSpan={columns - 5} />
              </tr>
            </tfoot>
          ) : null}
        </table>
      </div>
    </>
  );
}

function BudgetRows({
  budget,
  columns,
  canManage,
  changing,
  onChange,
  onClose,
}: {
  budget: BudgetRead;
  columns: number;
  canManage: boolean;
  changing: boolean;
  onChange: () => void;
  onClose: (message?: string) => void;
}) {
  return (
    <>
      <tr className={budget.status === 'active' ? undefined : 'inactive'}>
        <td>{budget.business_unit}</td>
        <td>{budget.department}</td>
        <td>{budget.portfolio}</td>
        <th scope="row">
          <Link to={`/budgets/${budget.id}`}>{budget.product}</Link>
        </th>
        <td className="num">
          <Amount value={budget.annual_amount} />
        </td>
        <td>
          <StatusBadge status={budget.status} />
        </td>
        <td>
          <ScheduleBadge status={budget.schedule_status} />
        </td>
        <td className="nowrap">{formatDate(budget.start_date)}</td>
        {canManage ? (
          <td>
            {budget.status === 'active' ? (
              <button
                type="button"
                className="secondary"
                aria-expanded={changing}
                onClick={changing ? () => onClose() : onChange}
              >
                Change amount<span className="visually-hidden"> of {budget.product}</span>
              </button>
            ) : null}
          </td>
        ) : null}
      </tr>
      {changing ? (
        <tr className="form-row">
          <td colSpan={columns}>
            <ChangeAmountForm
              budget={budget}
              onDone={(message) => onClose(message)}
              onCancel={() => onClose()}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}
