import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { VersionRead } from '../../client';
import { useBudget } from './hooks';
import { useCurrentUser } from '../../components/AppShell';
import { Amount, StatusBadge } from '../../components/Amount';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { monthlyAmounts, orderVersions } from '../../lib/budgetVersions';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { formatDateTime } from '../../lib/format';
import { CURRENCY } from '../../lib/money';
import { formatDate, formatMonth } from '../../lib/months';
import { ApiError } from '../../lib/problem';
import { usePageTitle } from '../../lib/usePageTitle';
import { ScheduleBadge } from '../../components/ScheduleBadge';
import { BudgetForecast } from './BudgetForecast';
import { BudgetSpend } from './BudgetSpend';
import { ChangeAmountForm } from './ChangeAmountForm';
import { ScheduleEditor } from './ScheduleEditor';
import { WorkloadsSection } from './WorkloadsSection';

const VERSION_COLUMNS: CsvColumn<VersionRead>[] = [
  { header: 'effective_from', value: (v) => v.effective_from },
  { header: 'annual_amount', value: (v) => csvDecimal(v.annual_amount) },
  { header: 'currency', value: () => CURRENCY },
  { header: 'source', value: (v) => (v.import_id === null ? 'dashboard' : `import ${v.import_id}`) },
  { header: 'created_by', value: (v) => v.created_by },
  { header: 'created_at', value: (v) => v.created_at },
];

/** One product budget: where it sits, its amount, and every version of it. */
export function BudgetDetailPage() {
  const { id } = useParams();
  const budgetId = Number(id);
  if (!Number.isInteger(budgetId) || budgetId <= 0) return <BudgetNotFound />;
  return <BudgetDetail key={budgetId} budgetId={budgetId} />;
}

function BudgetNotFound() {
  usePageTitle('Budget not found');
  return (
    <section>
      <h1>Budget not found</h1>
      <p>This budget does not exist, or it is outside your financial scope.</p>
      <p>
        <Link to="/budgets">Back to the budgets</Link>
      </p>
    </section>
  );
}

function BudgetDetail({ budgetId }: { budgetId: number }) {
  const me = useCurrentUser();
  const budget = useBudget(budgetId);
  const [changing, setChanging] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  usePageTitle(budget.data ? `${budget.data.product} · Budget ${budget.data.year}` : 'Budget');

  if (budget.isPending) return <p className="loading">Loading the budget…</p>;
  if (budget.isError) {
    if (budget.error instanceof ApiError && budget.error.status === 404) return <BudgetNotFound />;
    return <ErrorNotice error={budget.error} prefix="The budget could not be loaded" />;
  }
  const b = budget.data;
  const versions = orderVersions(b.versions);
  const months = monthlyAmounts(b.versions, {
    year: b.year,
    startDate: b.start_date,
    retiredFrom: b.retired_from,
  });
  const canChange = me.permissions.includes('manage_budgets') && b.status === 'active';

  return (
    <section>
      <p className="breadcrumb">
        <Link to={`/budgets?year=${b.year}`}>Budgets {b.year}</Link>
      </p>
      <div className="page-head">
        <h1>{b.product}</h1>
        {canChange && !changing ? (
          <button
            type="button"
            onClick={() => {
              setDone(null);
              setChanging(true);
            }}
          >
            Change amount
          </button>
        ) : null}
      </div>
      <p className="muted levels">{b.path.join(' › ')}</p>
      <SuccessNotice>{done}</SuccessNotice>
      {changing ? (
        <div className="card">
          <ChangeAmountForm
            budget={b}
            onDone={(message) => {
              setChanging(false);
              setDone(message);
            }}
            onCancel={() => setChanging(false)}
          />
        </div>
      ) : null}

      <dl className="facts card" aria-label="Budget">
        {b.labels.map((label, level) => (
          <FactRow key={label} term={label} value={b.path[level]} />
        ))}
        <dt>Annual amount ({CURRENCY})</dt>
        <dd>
          <Amount value={b.annual_amount} />
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={b.status} />
        </dd>
        <dt>Schedule</dt>
        <dd>
          <ScheduleBadge status={b.schedule_status} />
        </dd>
        <FactRow term="Start date" value={formatDate(b.start_date)} />
        {b.retired_from ? <FactRow term="Retired from" value={formatDate(b.retired_from)} /> : null}
        <FactRow term="Fiscal year" value={String(b.year)} />
        {Object.entries(b.attributes).map(([name, value]) => (
          <FactRow key={`attr-${name}`} term={name} value={value || '—'} />
        ))}
      </dl>

      <ScheduleEditor budget={b} />
      <WorkloadsSection budget={b} />
      <BudgetSpend budget={b} />
      <BudgetForecast budget={b} />

      <SectionHead
        id="versions-title"
        title="Version history"
        list={`budget-${b.id}-versions`}
        columns={VERSION_COLUMNS}
        rows={() => versions}
      />
      <p className="hint">
        Each change of the annual amount is a new version from the 1st of a month; earlier months keep the
        amount they had.
      </p>
      <div className="table-wrap">
        <table className="data-table" aria-labelledby="versions-title">
          <thead>
            <tr>
              <th scope="col">Effective from</th>
              <th scope="col" className="num">
                Annual amount ({CURRENCY})
              </th>
              <th scope="col">Source</th>
              <th scope="col">By</th>
              <th scope="col">Recorded</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v, index) => (
              <tr key={`${v.effective_from}-${v.created_at}-${index}`}>
                <th scope="row">{formatMonth(v.effective_from)}</th>
                <td className="num">
                  <Amount value={v.annual_amount} />
                </td>
                <td>{v.import_id === null ? 'Dashboard' : `Chart-of-accounts import #${v.import_id}`}</td>
                <td>{v.created_by}</td>
                <td className="nowrap">{formatDateTime(v.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="months-title">Annual amount in force, month by month</h2>
      <div className="table-wrap months-table">
        <table className="data-table" aria-labelledby="months-title">
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" className="num">
                Annual amount ({CURRENCY})
              </th>
              <th scope="col">
                <span className="visually-hidden">Change</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {months.map((m) => (
              <tr key={m.month}>
                <th scope="row">{formatMonth(m.month)}</th>
                <td className="num">
                  <Amount value={m.annual_amount} />
                </td>
                <td>
                  {m.note === 'start' ? (
                    <span className="badge badge-off">budget starts</span>
                  ) : m.note === 'version' ? (
                    <span className="badge badge-info">new version</span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function FactRow({ term, value }: { term: string; value: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{value}</dd>
    </>
  );
}
