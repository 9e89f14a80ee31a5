import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { AuditEventRead } from '../../client';
import { fetchAllAuditEvents, useAuditEvents } from './hooks';
import type { AuditFilters } from '../../api/queryKeys';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FilterBar, TextField } from '../../components/Field';
import { Pager } from '../../components/Pager';
import { changeLines, describeAction, describeChanges, entityHref, entityLabel } from '../../lib/audit';
import type { CsvColumn } from '../../lib/csv';
import { formatDateTime } from '../../lib/format';
import { usePageTitle } from '../../lib/usePageTitle';

const PAGE_SIZE = 50;

const CSV_COLUMNS: CsvColumn<AuditEventRead>[] = [
  { header: 'id', value: (e) => e.id },
  { header: 'occurred_at', value: (e) => e.occurred_at },
  { header: 'actor_email', value: (e) => e.actor_email },
  { header: 'actor_name', value: (e) => e.actor_name },
  { header: 'action', value: (e) => e.action },
  { header: 'entity_type', value: (e) => e.entity_type },
  { header: 'entity_id', value: (e) => e.entity_id },
  { header: 'object', value: (e) => e.entity_name ?? entityLabel(e.before, e.after) },
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
                  <th scope="col">What</th>
                  <th scope="col">Object</th>
                  <th scope="col">Change (before → after)</th>
                </tr>
              </thead>
              <tbody>
                {events.data.items.length === 0 ? (
                  <tr>
                    <td colSpan={5} className="empty">
                      No events match these filters.
                    </td>
                  </tr>
                ) : (
                  events.data.items.map((event) => <AuditRow key={event.id} event={event} />)
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

/** One event: who (by name), what in words, the object by name with a link to its page, and
 * the fields that changed, before → after. */
function AuditRow({ event }: { event: AuditEventRead }) {
  const label = entityLabel(event.before, event.after);
  const name = event.entity_name ?? label ?? '';
  const href = entityHref(event.entity_type, event.entity_id, event.before, event.after);
  const title = name || `${event.entity_type.replace(/_/g, ' ')} #${event.entity_id}`;
  const lines = changeLines(event.before, event.after);
  return (
    <tr>
      <td className="nowrap">{formatDateTime(event.occurred_at)}</td>
      <td title={event.actor_email}>{event.actor_name ?? event.actor_email}</td>
      <td>
        <span title={event.action}>{describeAction(event.action)}</span>
      </td>
      <td>
        {href ? <Link to={href}>{title}</Link> : title}
        {label && label !== name ? <span className="muted"> ({label})</span> : null}
      </td>
      <td className="audit-change">
        {lines.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <ul className="plain">
            {lines.map((line) => (
              <li key={line.field}>
                <span className="field-name">{line.field}</span>:{' '}
                {line.before !== null ? <del>{line.before}</del> : null}
                {line.before !== null && line.after !== null ? ' → ' : null}
                {line.after !== null ? <ins>{line.after}</ins> : null}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
