import { useState, type FormEvent } from 'react';
import type { AuditEventRead } from '../../client';
import { fetchAllAuditEvents, useAuditEvents } from './hooks';
import type { AuditFilters } from '../../api/queryKeys';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FilterBar, TextField } from '../../components/Field';
import { Pager } from '../../components/Pager';
import { describeChanges, entityLabel } from '../../lib/audit';
import type { CsvColumn } from '../../lib/csv';
import { formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/usePageTitle';

const PAGE_SIZE = 50;

const CSV_COLUMNS: CsvColumn<AuditEventRead>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'occurred_at', value: (e) => e.occurred_at },
  { header: 'actor_email', value: (e) => e.actor_email },
  { header: 'action', value: (e) => e.action },
  { header: 'entity_type', value: (e) => e.entity_type },
  { header: 'entity_id', value: (e) => e.entity_id },
  { header: 'object', value: (e) => entityLabel(e.before, e.after) },
  { header: 'changes', value: (e) => describeChanges(e.before, e.after) },
  { header: 'before', value: (e) => (e.before ? JSON.stringify(e.before) : '') },
  { header: 'after', value: (e) => (e.after ? JSON.stringify(e.after) : '') },
  { header: 'request_id', value: (e) => e.request_id },
];

export function AuditPage() {
  const [entityType, setEntityType] = useState('');
  usePageTitle('Audit log');
  const [action, setAction] = useState('');
  const [applied, setApplied] = useState<Omit<AuditFilters, 'limit' | 'offset'>>({});
  const [offset, setOffset] = useState(0);
  const events = useAuditEvents({ ...applied, limit: PAGE_SIZE, offset });

  function apply(event: FormEvent) {
    event.preventDefault();
    setOffset(0);
    setApplied({
      ...(entityType.trim() ? { entity_type: entityType.trim() } : {}),
      ...(action.trim() ? { action: action.trim() } : {}),
    });
  }

  function clear() {
    setEntityType('');
    setAction('');
    setOffset(0);
    setApplied({});
  }

  return (
    <section>
      <h1 id="audit-title">Audit log</h1>
      <p className="muted">Every change, newest first: who did what, to which object, before and after.</p>
      <FilterBar label="Filter the audit log" onSubmit={apply}>
        <TextField
          id="audit-entity-type"
          label="Entity type"
          list="audit-entity-types"
          placeholder="e.g. user"
          value={entityType}
          onValue={setEntityType}
          after={
            <datalist id="audit-entity-types">
              <option value="user" />
            </datalist>
          }
        />
        <TextField
          id="audit-action"
          label="Action"
          list="audit-actions"
          placeholder="e.g. user.update"
          value={action}
          onValue={setAction}
          after={
            <datalist id="audit-actions">
              <option value="user.create" />
              <option value="user.update" />
            </datalist>
          }
        />
        <div className="field field-end actions">
          <button type="submit">Apply filters</button>
          <button type="button" className="secondary" onClick={clear}>
            Clear filters
          </button>
          <DownloadCsvButton
            list="audit-log"
            columns={CSV_COLUMNS}
            rows={() => fetchAllAuditEvents(applied)}
          />
        </div>
      </FilterBar>

      <ErrorNotice error={events.error} prefix="The audit log could not be loaded" />
      {events.data ? (
        <>
          <div className="table-wrap">
            <table className="data-table" aria-labelledby="audit-title">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Entity type</th>
                  <th scope="col" className="num">
                    Entity id
                  </th>
                  <th scope="col">Object</th>
                  <th scope="col">Changes</th>
                </tr>
              </thead>
              <tbody>
                {events.data.items.length === 0 ? (
                  <tr>
                    <td colSpan={7} className="empty">
                      No events match these filters.
                    </td>
                  </tr>
                ) : (
                  events.data.items.map((event) => (
                    <tr key={event.id}>
                      <td className="nowrap">{formatDateTime(event.occurred_at)}</td>
                      <td>{event.actor_email}</td>
                      <td>
                        <code>{event.action}</code>
                      </td>
                      <td>{event.entity_type}</td>
                      <td className="num">{event.entity_id}</td>
                      <td>{entityLabel(event.before, event.after)}</td>
                      <td className="changes">{describeChanges(event.before, event.after)}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <Pager
            total={events.data.total}
            limit={PAGE_SIZE}
            offset={offset}
            onOffset={setOffset}
            label="events"
          />
        </>
      ) : events.isPending ? (
        <p className="loading">Loading the audit log…</p>
      ) : null}
    </section>
  );
}
