import type { BillingPeriodRead, CurEventRead, RefreshRead } from '../../client';
import { useBillingPeriods, useCurEvents, useRefreshCur, useRefreshStatus } from './hooks';
import { useCurrentUser } from '../../components/AppShell';
import { Amount } from '../../components/Amount';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice } from '../../components/ErrorNotice';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { formatCount, formatDateTime } from '../../lib/format';
import { formatMonth } from '../../lib/months';
import { describeProgress, describeRefresh } from '../../lib/refresh';
import { usePageTitle } from '../../lib/usePageTitle';

const PERIOD_COLUMNS: CsvColumn<BillingPeriodRead>[] = [
  { header: 'period', value: (p) => p.period },
  { header: 'finalized', value: (p) => p.finalized },
  { header: 'invoice_ids', value: (p) => p.invoice_ids.join(' ') },
  { header: 'rows', value: (p) => p.rows },
  { header: 'total_unblended_cost', value: (p) => csvDecimal(p.total_unblended_cost) },
  { header: 'currency', value: (p) => p.currency },
  { header: 'format', value: (p) => p.format },
  { header: 'refreshed_at', value: (p) => p.refreshed_at },
];

const EVENT_COLUMNS: CsvColumn<CurEventRead>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'event_id', value: (e) => e.event_id },
  { header: 'kind', value: (e) => e.kind },
  { header: 'status', value: (e) => e.status },
  { header: 'received_at', value: (e) => e.received_at },
  { header: 'finished_at', value: (e) => e.finished_at },
  { header: 'message', value: (e) => e.message },
];

/** The billing periods the spend store holds (from the Cost and Usage Report), a refresh on
 * demand, and the recent CUR deliveries and refreshes. */
export function BillingPeriodsPage() {
  usePageTitle('Billing periods');
  const me = useCurrentUser();
  const canRefresh = me.permissions.includes('refresh_cur');
  const periods = useBillingPeriods();
  const events = useCurEvents(canRefresh);
  const refresh = useRefreshCur();
  // While a refresh runs (ours, or one a delivery started), poll where it stands.
  const status = useRefreshStatus(canRefresh, refresh.isPending);
  const running = status.data?.state === 'running';
  const sorted = [...(periods.data ?? [])].sort((a, b) => b.period.localeCompare(a.period));

  return (
    <section>
      <div className="page-head">
        <h1>Billing periods</h1>
        {canRefresh ? (
          <button type="button" disabled={refresh.isPending} onClick={() => refresh.mutate()}>
            {refresh.isPending ? 'Refreshing…' : 'Refresh now'}
          </button>
        ) : null}
      </div>
      <p className="hint">
        A period is final once the CUR carries its invoice id. A refresh reads the configured CUR again and
        replaces every period it holds.
      </p>
      {canRefresh ? (
        <p className="hint" aria-live="polite" aria-label="Last refresh">
          {refresh.isPending || running ? (
            <>
              <strong>Refreshing:</strong>{' '}
              {status.data && running ? describeProgress(status.data) : 'starting…'}
            </>
          ) : status.data ? (
            <>
              <strong>Last refresh:</strong> {describeRefresh(status.data)}
            </>
          ) : status.isPending ? null : (
            'No refresh has run yet.'
          )}
        </p>
      ) : null}
      <ErrorNotice error={refresh.error} prefix="The refresh failed" />
      {refresh.data ? <RefreshResult result={refresh.data} /> : null}

      <SectionHead
        id="periods-title"
        title="Periods"
        list="billing-periods"
        columns={PERIOD_COLUMNS}
        rows={() => sorted}
      />
      <ErrorNotice error={periods.error} prefix="The billing periods could not be loaded" />
      {periods.isPending ? (
        <p className="loading">Loading billing periods…</p>
      ) : periods.data ? (
        <div className="table-wrap">
          <table className="data-table" aria-labelledby="periods-title">
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Final</th>
                <th scope="col">Invoice IDs</th>
                <th scope="col" className="num">
                  Rows
                </th>
                <th scope="col" className="num">
                  Total unblended cost
                </th>
                <th scope="col">Format</th>
                <th scope="col">Refreshed</th>
              </tr>
            </thead>
            <tbody>
              {sorted.length === 0 ? (
                <tr>
                  <td colSpan={7} className="empty">
                    No billing period yet: the Cost and Usage Report has not been loaded.
                    {canRefresh ? ' Use “Refresh now” once it is configured.' : ''}
                  </td>
                </tr>
              ) : (
                sorted.map((p) => (
                  <tr key={p.period}>
                    <th scope="row">{formatMonth(`${p.period}-01`)}</th>
                    <td>
                      <span className={`badge ${p.finalized ? 'badge-ok' : 'badge-off'}`}>
                        {p.finalized ? 'Final' : 'Not final'}
                      </span>
                    </td>
                    <td>
                      {p.invoice_ids.length ? p.invoice_ids.join(', ') : <span className="muted">—</span>}
                    </td>
                    <td className="num">{formatCount(p.rows)}</td>
                    <td className="num">
                      <Amount value={p.total_unblended_cost} /> {p.currency}
                    </td>
                    <td>{p.format}</td>
                    <td className="nowrap">{formatDateTime(p.refreshed_at)}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
      ) : null}

      {canRefresh ? (
        <>
          <SectionHead
            id="events-title"
            title="Recent CUR events"
            list="cur-events"
            columns={EVENT_COLUMNS}
            rows={() => events.data ?? []}
          />
          <ErrorNotice error={events.error} prefix="The CUR events could not be loaded" />
          {events.isPending ? (
            <p className="loading">Loading CUR events…</p>
          ) : events.data ? (
            <div className="table-wrap">
              <table className="data-table" aria-labelledby="events-title">
                <thead>
                  <tr>
                    <th scope="col">Received</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Status</th>
                    <th scope="col">Finished</th>
                    <th scope="col">Message</th>
                    <th scope="col">Event ID</th>
                  </tr>
                </thead>
                <tbody>
                  {events.data.length === 0 ? (
                    <tr>
                      <td colSpan={6} className="empty">
                        {status.data
                          ? `No CUR delivery or refresh recorded here; last refresh: ${describeRefresh(status.data)}.`
                          : 'No CUR delivery or refresh yet.'}
                      </td>
                    </tr>
                  ) : (
                    events.data.map((e) => (
                      <tr key={e.id}>
                        <td className="nowrap">{formatDateTime(e.received_at)}</td>
                        <td>{e.kind}</td>
                        <td>
                          <span
                            className={`badge ${e.status === 'done' ? 'badge-ok' : e.status === 'failed' ? 'badge-bad' : 'badge-off'}`}
                          >
                            {e.status}
                          </span>
                        </td>
                        <td className="nowrap">{e.finished_at ? formatDateTime(e.finished_at) : '—'}</td>
                        <td className="changes">{e.message ?? ''}</td>
                        <td>
                          <code>{e.event_id}</code>
                        </td>
                      </tr>
                    ))
                  )}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function RefreshResult({ result }: { result: RefreshRead }) {
  return (
    <div className="notice notice-success" role="status" aria-label="Refresh result">
      Refreshed {result.periods.length} period{result.periods.length === 1 ? '' : 's'} from{' '}
      <code>{result.source}</code>
      {result.periods.length
        ? `: ${result.periods
            .map((p) => p.period)
            .sort()
            .join(', ')}.`
        : '.'}
    </div>
  );
}
