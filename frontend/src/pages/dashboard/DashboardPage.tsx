import { useSearchParams } from 'react-router-dom';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FilterBar, SelectField } from '../../components/Field';
import { YearSelect } from '../../components/YearSelect';
import {
  dashboardSearch,
  defaultMonthOf,
  monthsOf,
  parseDashboardState,
  type DashboardState,
} from '../../lib/dashboard';
import { defaultYear } from '../../lib/budgets';
import { localIsoDate } from '../../lib/periods';
import { levelLabel } from '../../lib/reports';
import { monthLabel } from '../../lib/spendCards';
import { usePageTitle } from '../../lib/usePageTitle';
import { useYears } from '../budgets/hooks';
import { LevelRows, ProductMonths } from './DashboardTables';
import { HeatmapChart } from './HeatmapChart';
import { HeatmapTotal } from './HeatmapTotal';
import { MonthlySpendChart } from './MonthlySpendChart';
import { ProductCumulative } from './ProductCumulative';
import { useHeatmap } from './hooks';

/** The budget heat map (SPEC 9): tiles of the budgets in scope, the level's rows below with
 * a drill-down to a product's months, spend by month per level. The view lives in the URL
 * (`year`, `view`, `month`, `node`), so it can be shared and the back button walks it. */
export function DashboardPage() {
  usePageTitle('Heat map');
  const today = localIsoDate();
  const [params, setParams] = useSearchParams();
  const years = useYears();
  // without a year in the URL, the page opens on the server's default year (as Budgets does)
  const state = parseDashboardState(params, today, years.data ? defaultYear(years.data) : null);
  const yearKnown = params.has('year') || !years.isPending;
  const months = monthsOf(state.year, today);
  const monthly = state.view === 'monthly';
  const month = months.includes(state.month) ? state.month : (months[months.length - 1] ?? 1);
  const heatmap = useHeatmap(
    {
      year: state.year,
      level: 4,
      ...(monthly ? { month } : {}),
      ...(state.node === null ? {} : { node_id: state.node }),
    },
    yearKnown && (!monthly || months.length > 0),
  );
  const data = heatmap.data;
  const labels = data?.labels ?? years.data?.find((y) => y.year === state.year)?.labels ?? [];
  const go = (next: Partial<DashboardState>) => setParams(dashboardSearch({ ...state, month, ...next }));
  const period = monthly
    ? monthLabel(`${state.year}-${String(month).padStart(2, '0')}`)
    : `${state.year} to date`;
  const childLevel = data?.rows[0]?.level ?? (data?.node ? Math.min(data.node.level + 1, 4) : 1);

  return (
    <section className="dashboard">
      <h1>Heat map</h1>
      <p className="muted">
        Each tile is a budget in your scope: its area is its share of the spend, its colour the spend against
        its approved schedule (gray: not approved). The month in progress is measured against its schedule
        pro-rated to yesterday.
      </p>
      <FilterBar label="Choose the view" search={false}>
        <YearSelect
          id="dashboard-year"
          years={years.data ?? [{ year: state.year, labels: [] }]}
          value={state.year}
          onChange={(y) => go({ year: y, month: defaultMonthOf(y, today), node: null })}
        />
        <div className="field">
          <span className="label" id="dashboard-view-label">
            View
          </span>
          <div className="segmented" role="group" aria-labelledby="dashboard-view-label">
            {(['monthly', 'annual'] as const).map((v) => (
              <button
                key={v}
                type="button"
                className={state.view === v ? undefined : 'secondary'}
                aria-pressed={state.view === v}
                onClick={() => go({ view: v })}
              >
                {v === 'monthly' ? 'Monthly' : 'Annual'}
              </button>
            ))}
          </div>
        </div>
        {monthly ? (
          <SelectField
            id="dashboard-month"
            label="Month"
            value={month}
            onValue={(v) => go({ month: Number(v) })}
            options={months.map((m) => ({
              value: m,
              label: monthLabel(`${state.year}-${String(m).padStart(2, '0')}`),
            }))}
          />
        ) : null}
      </FilterBar>

      <nav aria-label="Breadcrumbs" className="crumbs">
        <ol>
          <li>
            {state.node === null ? (
              <span aria-current="page">All in scope</span>
            ) : (
              <button type="button" className="link" onClick={() => go({ node: null })}>
                All in scope
              </button>
            )}
          </li>
          {(data?.breadcrumbs ?? []).map((c) => (
            <li key={c.node_id}>
              {c.node_id === state.node ? (
                <span aria-current="page">
                  {c.name} <span className="muted">({levelLabel(c.level, labels)})</span>
                </span>
              ) : (
                <button type="button" className="link" onClick={() => go({ node: c.node_id })}>
                  {c.name}
                </button>
              )}
            </li>
          ))}
        </ol>
      </nav>

      <ErrorNotice error={heatmap.error} prefix="The heat map could not be loaded" />
      {heatmap.isError ? (
        <button type="button" onClick={() => void heatmap.refetch()}>
          Try again
        </button>
      ) : null}
      {monthly && months.length === 0 ? (
        <p className="empty-state">{state.year} has not started: there is no month to show yet.</p>
      ) : heatmap.isPending ? (
        <p className="loading" aria-live="polite">
          Loading the heat map…
        </p>
      ) : data ? (
        <>
          <HeatmapTotal
            period={period}
            total={data.total}
            currency={data.currency}
            updating={heatmap.isFetching}
          />
          {data.tiles.length === 0 ? (
            <p className="empty-state">
              No budget in your scope for {state.year}. Budgets appear once the year&apos;s chart of accounts
              is loaded.
            </p>
          ) : (
            <HeatmapChart tiles={data.tiles} currency={data.currency} onOpen={(id) => go({ node: id })} />
          )}
          {data.rows.length > 0 ? (
            <LevelRows
              rows={data.rows}
              labels={labels}
              currency={data.currency}
              period={period}
              onOpen={(r) => go({ node: r.node_id })}
            />
          ) : null}
          {data.product ? <ProductMonths product={data.product} currency={data.currency} /> : null}
          {data.product ? (
            <ProductCumulative
              budgetId={data.product.budget_id}
              year={state.year}
              name={data.breadcrumbs.at(-1)?.name ?? ''}
            />
          ) : null}
          {data.tiles.length > 0 ? (
            <MonthlySpendChart year={state.year} node={state.node} childLevel={childLevel} labels={labels} />
          ) : null}
        </>
      ) : null}
    </section>
  );
}
