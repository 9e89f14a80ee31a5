import { useState } from 'react';
import type { ClaimRead, ResourceRead, WorkloadRead } from '../../client';
import { useBudgetDirectory, useWorkloads } from '../budgets/hooks';
import { useClaims, useReleaseResources, useResources } from './hooks';
import type { ResourceFilters } from '../../api/queryKeys';
import { useCurrentUser } from '../../components/AppShell';
import { Amount } from '../../components/Amount';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { FilterBar, TextField } from '../../components/Field';
import { Pager } from '../../components/Pager';
import { BudgetName } from '../../components/ScheduleBadge';
import { formatDateTime } from '../../lib/format';
import { CURRENCY } from '../../lib/money';
import { formatDate, formatMonth } from '../../lib/months';
import {
  claimCsvColumns,
  filterClaims,
  formatTags,
  refusedResources,
  RESOURCE_CSV_COLUMNS,
} from '../../lib/resources';
import { useDebounced } from '../../lib/useDebounced';
import { useSelection } from '../../lib/useSelection';
import { usePageTitle } from '../../lib/usePageTitle';
import { ClaimDialog } from './ClaimDialog';

const PAGE_SIZE = 100;

/** Resources from the CUR to claim to workloads (SPEC 3): the open pool by default, or the
 * claims in force with their budget, workload, date and who made them. */
export function ResourcesPage() {
  usePageTitle('Resources');
  const me = useCurrentUser();
  const [search, setSearch] = useState('');
  const [service, setService] = useState('');
  const [tag, setTag] = useState('');
  const [claimed, setClaimed] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const q = useDebounced(search.trim(), 300);
  const serviceQ = useDebounced(service.trim(), 300);
  const tagQ = useDebounced(tag.trim(), 300);
  const claims = useClaims({ status: 'open' });
  const workloads = useWorkloads({});
  const workloadById = new Map((workloads.data ?? []).map((w) => [w.id, w]));
  // A workload's months are of its budget's year: that names the budgets.
  const budgets = useBudgetDirectory((workloads.data ?? []).map((w) => Number(w.launch_month.slice(0, 4))));
  const workloadName = (id: number) => workloadById.get(id)?.name ?? `Workload #${id}`;
  const budgetName = (id: number) => budgets.get(id)?.path.join(' › ') ?? `Budget #${id}`;

  return (
    <section>
      <h1>Resources</h1>
      <p className="hint">
        Resources the Cost and Usage Report shows in the last full month, the biggest spenders first. Claim
        them to a workload so that their whole cost goes to its budget; release them to return them to the
        account split.
        {me.permissions.includes('claim_any')
          ? ''
          : ' You see the resources of accounts allocated to your budgets.'}
      </p>
      <SuccessNotice>{done}</SuccessNotice>
      <FilterBar label="Filter resources">
        <TextField
          id="resources-search"
          className="field field-grow"
          label="Search"
          type="search"
          placeholder={claimed ? 'Resource ID, account or workload' : 'Resource ID or tag value'}
          value={search}
          onValue={setSearch}
        />
        {!claimed ? (
          <>
            <TextField
              id="resources-service"
              label="Service"
              type="search"
              placeholder="e.g. AmazonEC2"
              value={service}
              onValue={setService}
            />
            <TextField
              id="resources-tag"
              label="Tag"
              type="search"
              placeholder="key or key=value"
              value={tag}
              onValue={setTag}
            />
          </>
        ) : null}
        <div className="field checkbox-field">
          <label htmlFor="resources-claimed" className="checkbox-label">
            <input
              id="resources-claimed"
              type="checkbox"
              checked={claimed}
              onChange={(e) => {
                setClaimed(e.target.checked);
                setDone(null);
              }}
            />
            Claimed
          </label>
        </div>
      </FilterBar>
      <ErrorNotice error={workloads.error} prefix="The workloads could not be loaded" />
      {claimed ? (
        <ClaimsTable
          claims={filterClaims(claims.data ?? [], search, workloadName)}
          loading={claims.isPending}
          error={claims.error}
          workloads={workloadById}
          budgets={budgets}
          csvColumns={claimCsvColumns(workloadName, budgetName)}
          onDone={setDone}
        />
      ) : (
        <OpenResources
          key={JSON.stringify([q, serviceQ, tagQ])}
          filters={{
            ...(q ? { q } : {}),
            ...(serviceQ ? { service: serviceQ } : {}),
            ...(tagQ ? { tag: tagQ } : {}),
            limit: PAGE_SIZE,
          }}
          workloads={workloads.data ?? []}
          budgets={budgets}
          onDone={setDone}
        />
      )}
    </section>
  );
}

function OpenResources({
  filters,
  workloads,
  budgets,
  onDone,
}: {
  filters: ResourceFilters;
  workloads: WorkloadRead[];
  budgets: ReturnType<typeof useBudgetDirectory>;
  onDone: (message: string | null) => void;
}) {
  // One page at a time, from the server: the open pool (nobody's claim), biggest cost first.
  // (A change of filters remounts this list: it starts again on the first page.)
  const [offset, setOffset] = useState(0);
  const resources = useResources({ ...filters, status: 'open', offset });
  const [claiming, setClaiming] = useState(false);
  const open = resources.data?.items ?? [];
  const total = resources.data?.total ?? 0;
  const selection = useSelection(open, (r) => `${r.account_id}/${r.resource_id}`);
  const chosen = selection.chosen;
  const period = resources.data?.period;

  return (
    <>
      <div className="page-head">
        <h2 id="resources-title">Open resources{period ? `, ${formatMonth(`${period}-01`)}` : ''}</h2>
        <div className="actions">
          <span className="muted" aria-live="polite">
            {chosen.length} selected
          </span>
          <button
            type="button"
            disabled={chosen.length === 0}
            onClick={() => {
              onDone(null);
              setClaiming(true);
            }}
          >
            Claim to workload…
          </button>
          <DownloadCsvButton list="resources" columns={RESOURCE_CSV_COLUMNS} rows={() => open} />
        </div>
      </div>
      <ErrorNotice error={resources.error} prefix="The resources could not be loaded" />
      {resources.isPending ? (
        <p className="loading">Loading resources…</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-labelledby="resources-title">
            <thead>
              <tr>
                <th scope="col" className="select-col">
                  <input
                    type="checkbox"
                    aria-label="Select every resource shown"
                    checked={selection.allSelected}
                    disabled={open.length === 0}
                    onChange={(e) => selection.selectAll(e.target.checked)}
                  />
                </th>
                <th scope="col">Resource</th>
                <th scope="col">Service</th>
                <th scope="col">Account</th>
                <th scope="col">Region</th>
                <th scope="col">Tags</th>
                <th scope="col" className="num">
                  Cost{period ? `, ${formatMonth(`${period}-01`)}` : ''} ({CURRENCY})
                </th>
              </tr>
            </thead>
            <tbody>
              {open.length === 0 ? (
                <tr>
                  <td colSpan={7} className="empty">
                    {Object.keys(filters).length > 1
                      ? 'No resources match these filters.'
                      : 'No resources: the Cost and Usage Report has not been loaded, or none of its accounts is in your scope.'}
                  </td>
                </tr>
              ) : (
                open.map((r) => (
                  <ResourceRow
                    key={`${r.account_id}-${r.resource_id}`}
                    resource={r}
                    selected={selection.isSelected(r)}
                    onSelect={(on) => selection.toggle(r, on)}
                  />
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        total={total}
        limit={filters.limit ?? PAGE_SIZE}
        offset={offset}
        onOffset={(next) => {
          selection.clear();
          setOffset(next);
        }}
        label="open resources"
      />
      {claiming ? (
        <ClaimDialog
          resources={chosen}
          workloads={workloads}
          budgets={budgets}
          onClose={() => setClaiming(false)}
          onClaimed={(claims, workload) => {
            setClaiming(false);
            selection.clear();
            onDone(
              `Claimed ${claims.length} resource${claims.length === 1 ? '' : 's'} to ${workload.name} from ${formatDate(claims[0]?.effective_from)}.`,
            );
          }}
        />
      ) : null}
    </>
  );
}

function ResourceRow({
  resource,
  selected,
  onSelect,
}: {
  resource: ResourceRead;
  selected: boolean;
  onSelect: (on: boolean) => void;
}) {
  return (
    <tr className={selected ? 'selected' : undefined}>
      <td className="select-col">
        <input
          type="checkbox"
          aria-label={`Select ${resource.resource_id}`}
          checked={selected}
          onChange={(e) => onSelect(e.target.checked)}
        />
      </td>
      <th scope="row" className="resource-id">
        <code>{resource.resource_id}</code>
      </th>
      <td>{resource.service ?? '—'}</td>
      <td>
        <code>{resource.account_id}</code>
      </td>
      <td>{resource.region ?? '—'}</td>
      <td className="tags">{formatTags(resource.tags) || <span className="muted">—</span>}</td>
      <td className="num">
        <Amount value={resource.cost} />
      </td>
    </tr>
  );
}

function ClaimsTable({
  claims,
  loading,
  error,
  workloads,
  budgets,
  csvColumns,
  onDone,
}: {
  claims: ClaimRead[];
  loading: boolean;
  error: unknown;
  workloads: ReadonlyMap<number, WorkloadRead>;
  budgets: ReturnType<typeof useBudgetDirectory>;
  csvColumns: ReturnType<typeof claimCsvColumns>;
  onDone: (message: string | null) => void;
}) {
  const release = useReleaseResources();
  // The claimed resources' cost in the last full month, from the same list as the open pool.
  const claimed = useResources({ status: 'claimed', limit: 500 }, claims.length > 0);
  const costOf = new Map(
    (claimed.data?.items ?? []).map((r) => [`${r.account_id}/${r.resource_id}`, r.cost]),
  );
  const costPeriod = claimed.data?.period;
  const selection = useSelection(claims, (c) => c.resource_id);
  const chosen = selection.chosen.map((c) => c.resource_id);
  const refused = refusedResources(release.error, [chosen]);

  function releaseSelected() {
    onDone(null);
    release.mutate(chosen, {
      onSuccess: (released) => {
        selection.clear();
        onDone(
          `Released ${released.length} resource${released.length === 1 ? '' : 's'}; from the day after, ${released.length === 1 ? 'its' : 'their'} cost follows the account split.`,
        );
      },
    });
  }

  return (
    <>
      <div className="page-head">
        <h2 id="claims-title">Claimed resources</h2>
        <div className="actions">
          <span className="muted" aria-live="polite">
            {chosen.length} selected
          </span>
          <button type="button" disabled={chosen.length === 0 || release.isPending} onClick={releaseSelected}>
            {release.isPending ? 'Releasing…' : 'Release selected'}
          </button>
          <DownloadCsvButton list="claims" columns={csvColumns} rows={() => claims} />
        </div>
      </div>
      <ErrorNotice error={error} prefix="The claims could not be loaded" />
      <ErrorNotice error={release.error} prefix="Nothing was released" />
      {refused.length > 0 ? (
        <ul className="field-errors" aria-label="Refused releases">
          {refused.map((r, i) => (
            <li key={i}>{r.message}</li>
          ))}
        </ul>
      ) : null}
      {loading ? (
        <p className="loading">Loading claims…</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-labelledby="claims-title">
            <thead>
              <tr>
                <th scope="col" className="select-col">
                  <input
                    type="checkbox"
                    aria-label="Select every claim shown"
                    checked={selection.allSelected}
                    disabled={claims.length === 0}
                    onChange={(e) => selection.selectAll(e.target.checked)}
                  />
                </th>
                <th scope="col">Resource</th>
                <th scope="col">Account</th>
                <th scope="col">Budget</th>
                <th scope="col">Workload</th>
                <th scope="col">Claimed</th>
                <th scope="col">By</th>
                <th scope="col">Effective from</th>
                <th scope="col" className="num">
                  Cost{costPeriod ? `, ${formatMonth(`${costPeriod}-01`)}` : ''} ({CURRENCY})
                </th>
              </tr>
            </thead>
            <tbody>
              {claims.length === 0 ? (
                <tr>
                  <td colSpan={9} className="empty">
                    No resource is claimed.
                  </td>
                </tr>
              ) : (
                claims.map((c) => (
                  <tr key={c.id} className={selection.isSelected(c) ? 'selected' : undefined}>
                    <td className="select-col">
                      <input
                        type="checkbox"
                        aria-label={`Select ${c.resource_id}`}
                        checked={selection.isSelected(c)}
                        onChange={(e) => selection.toggle(c, e.target.checked)}
                      />
                    </td>
                    <th scope="row" className="resource-id">
                      <code>{c.resource_id}</code>
                    </th>
                    <td>
                      <code>{c.account_id}</code>
                    </td>
                    <td>
                      <BudgetName id={c.budget_id} budget={budgets.get(c.budget_id)} />
                    </td>
                    <td>{workloads.get(c.workload_id)?.name ?? `Workload #${c.workload_id}`}</td>
                    <td className="nowrap">{formatDateTime(c.claimed_at)}</td>
                    <td>{c.claimed_by}</td>
                    <td className="nowrap">{formatDate(c.effective_from)}</td>
                    <td className="num">
                      {costOf.has(`${c.account_id}/${c.resource_id}`) ? (
                        <Amount value={costOf.get(`${c.account_id}/${c.resource_id}`)} />
                      ) : (
                        <span className="muted" title="No cost in that month">
                          —
                        </span>
                      )}
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
