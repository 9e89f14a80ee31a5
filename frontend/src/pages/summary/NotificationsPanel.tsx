import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { NotificationRead } from '../../client';
import { fetchNotifications, useMarkNotificationRead, useNotifications } from './hooks';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice } from '../../components/ErrorNotice';
import type { CsvColumn } from '../../lib/csv';
import { formatDateTime } from '../../lib/format';

const CSV_COLUMNS: CsvColumn<NotificationRead>[] = [
  { header: 'id', value: (n) => n.id },
  { header: 'created_at', value: (n) => n.created_at },
  { header: 'kind', value: (n) => n.kind },
  { header: 'message', value: (n) => n.message },
  { header: 'link', value: (n) => n.link },
  { header: 'read_at', value: (n) => n.read_at },
];

/** How many unread notifications the Summary shows before "Show all": a year of weekly cards
 * would otherwise push every other panel off the page. */
const SHOWN = 8;

/** The caller's unread notifications, newest first; the CSV holds them all, read ones too.
 * A notification is read once opened, marked read, or acted on (the server clears the notices
 * of a schedule or spend card when someone decides it). */
export function NotificationsPanel() {
  const unread = useNotifications(true);
  const markRead = useMarkNotificationRead();
  const [all, setAll] = useState(false);
  const shown = all ? unread.data : unread.data?.slice(0, SHOWN);
  return (
    <section className="card summary-card" aria-labelledby="notifications-title">
      <SectionHead
        id="notifications-title"
        title="Unread notifications"
        list="notifications"
        columns={CSV_COLUMNS}
        rows={() => fetchNotifications(false)}
      />
      <ErrorNotice error={unread.error} prefix="Your notifications could not be loaded" />
      <ErrorNotice error={markRead.error} prefix="Not marked read" />
      {unread.isPending ? (
        <p className="loading">Loading notifications…</p>
      ) : unread.data && unread.data.length === 0 ? (
        <p className="muted">No unread notifications.</p>
      ) : unread.data && shown ? (
        <>
          <ul className="notification-list" aria-label="Unread notifications">
            {shown.map((n) => (
              <li key={n.id}>
                <span className="notification-message">{n.message}</span>
                <span className="muted nowrap">{formatDateTime(n.created_at)}</span>
                <span className="actions">
                  {n.link ? (
                    // opening it is reading it
                    <Link to={n.link} onClick={() => markRead.mutate(n.id)}>
                      Open
                    </Link>
                  ) : null}
                  <button
                    type="button"
                    className="secondary small"
                    disabled={markRead.isPending && markRead.variables === n.id}
                    onClick={() => markRead.mutate(n.id)}
                  >
                    Mark read
                  </button>
                </span>
              </li>
            ))}
          </ul>
          {unread.data.length > SHOWN ? (
            <button
              type="button"
              className="secondary small"
              onClick={() => setAll(!all)}
              aria-expanded={all}
            >
              {all ? `Show the newest ${SHOWN}` : `Show all ${unread.data.length} unread`}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
