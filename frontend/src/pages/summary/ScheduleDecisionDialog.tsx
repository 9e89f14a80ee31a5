import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { Action, TaskRead } from '../../client';
import { useSchedule, useScheduleAction } from '../budgets/hooks';
import { Amount } from '../../components/Amount';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ScheduleBadge } from '../../components/ScheduleBadge';
import { CURRENCY, formatAmount } from '../../lib/money';
import { formatDateTime } from '../../lib/format';
import { formatMonth } from '../../lib/months';
import { isScheduleConflict, taskSubject } from '../../lib/schedule';

const ID = 'schedule-decision';

const BUTTONS: Partial<Record<string, { label: string; needsReason: boolean }>> = {
  approve: { label: 'Approve', needsReason: false },
  reject: { label: 'Reject', needsReason: true },
  'grant-reschedule': { label: 'Grant reschedule', needsReason: false },
  'decline-reschedule': { label: 'Decline reschedule', needsReason: false },
};

export const DECISION_DONE: Record<string, string> = {
  approve: 'approved',
  reject: 'rejected',
  'grant-reschedule': 'reschedule granted',
  'decline-reschedule': 'reschedule declined',
};

/** A schedule decision taken from the summary: the schedule as it stands (months, amounts,
 * who submitted it and when) with the decision buttons beside it. The decision carries the
 * version shown here, so a schedule changed meanwhile is refused (409), never approved
 * unseen. */
export function ScheduleDecisionDialog({
  task,
  onClose,
  onDone,
}: {
  task: TaskRead;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  // schedule tasks always name their budget (only recommendation tasks have none)
  const budgetId = task.budget_id ?? 0;
  const schedule = useSchedule(budgetId);
  const act = useScheduleAction();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const subject = taskSubject(task.title);
  const s = schedule.data;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  function decide(action: Action, why?: string) {
    if (!s) return;
    act.mutate(
      { budgetId, action, version: s.version, reason: why },
      { onSuccess: () => onDone(`${subject}: ${DECISION_DONE[action] ?? action}.`) },
    );
  }

  function submitReason(event: FormEvent) {
    event.preventDefault();
    if (reason.trim()) decide('reject', reason.trim());
  }

  const shown = s?.months.filter((m) => m.amount !== null) ?? [];

  return (
    <dialog
      ref={dialog}
      className="dialog dialog-wide"
      aria-labelledby={`${ID}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={`${ID}-title`}>Schedule of {subject}</h2>
      <ErrorNotice error={schedule.error} prefix="The schedule could not be loaded" />
      {isScheduleConflict(act.error) ? (
        <div className="notice notice-error" role="alert">
          This schedule changed since it was shown here. Look at it again before you decide.{' '}
          <button type="button" className="secondary small" onClick={() => void schedule.refetch()}>
            Reload
          </button>
        </div>
      ) : (
        <ErrorNotice error={act.error} prefix="Not done" />
      )}
      {schedule.isPending ? (
        <p className="loading">Loading the schedule…</p>
      ) : s ? (
        <div className="decision-layout">
          <div className="decision-schedule">
            <dl className="decision-facts">
              <div>
                <dt>Status</dt>
                <dd>
                  <ScheduleBadge status={s.status} /> version {s.version}
                </dd>
              </div>
              <div>
                <dt>Submitted by</dt>
                <dd data-testid="decision-submitted">
                  {s.submitted_by_name ?? (s.submitted_by_id ? `user #${s.submitted_by_id}` : '—')}
                  {s.submitted_at ? `, ${formatDateTime(s.submitted_at)}` : ''}
                </dd>
              </div>
              <div>
                <dt>Annual amount in force</dt>
                <dd>
                  {formatAmount(s.annual_amount)} {CURRENCY}
                </dd>
              </div>
              {task.reason ? (
                <div>
                  <dt>Reason given</dt>
                  <dd>{task.reason}</dd>
                </div>
              ) : null}
            </dl>
            <div className="table-wrap">
              <table className="data-table" aria-label={`Schedule of ${subject}`}>
                <thead>
                  <tr>
                    <th scope="col">Month</th>
                    <th scope="col" className="num">
                      Amount ({CURRENCY})
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((m) => (
                    <tr key={m.month} data-month={m.month}>
                      <th scope="row">
                        {formatMonth(`${m.month}-01`)}
                        {m.closed ? <span className="badge badge-off closed-badge">closed</span> : null}
                      </th>
                      <td className="num">
                        <Amount value={m.amount} />
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">Total</th>
                    <td className="num" data-testid="decision-total">
                      <Amount value={s.scheduled_total} />
                    </td>
                  </tr>
                </tfoot>
              </table>
            </div>
          </div>
          <aside className="decision-actions" aria-label="Decision">
            {task.actions.map((action) => {
              const button = BUTTONS[action];
              if (!button) return null;
              return (
                <button
                  key={action}
                  type="button"
                  className={button.needsReason ? 'secondary' : undefined}
                  disabled={act.isPending}
                  aria-expanded={button.needsReason ? rejecting : undefined}
                  onClick={() => (button.needsReason ? setRejecting(!rejecting) : decide(action as Action))}
                >
                  {button.label}
                </button>
              );
            })}
            {rejecting ? (
              <form className="inline-reason" onSubmit={submitReason} aria-label="Reject the schedule">
                <div className="field">
                  <label htmlFor={`${ID}-reason`}>Reason for rejecting</label>
                  <input
                    id={`${ID}-reason`}
                    type="text"
                    required
                    autoFocus
                    maxLength={1000}
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                  />
                </div>
                <button type="submit" disabled={act.isPending || !reason.trim()}>
                  Confirm reject
                </button>
              </form>
            ) : null}
            <Link className="button-link secondary" to={task.link}>
              Open budget
            </Link>
            <button type="button" className="secondary" onClick={onClose}>
              Close
            </button>
          </aside>
        </div>
      ) : null}
    </dialog>
  );
}
