import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { Action, CardAction, CardStatus, TaskRead } from '../../client';
import { useFetchSchedule, useScheduleAction } from '../budgets/hooks';
import { useTasks } from './hooks';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { ScheduleBadge } from '../../components/ScheduleBadge';
import { CardStatusBadge } from '../../components/CardBadges';
import { actionLabel } from '../../lib/spendCards';
import type { CsvColumn } from '../../lib/csv';
import { scheduleStatusLabel, taskSubject } from '../../lib/schedule';

const CSV_COLUMNS: CsvColumn<TaskRead>[] = [
  { header: 'kind', value: (t) => t.kind },
  { header: 'title', value: (t) => t.title },
  { header: 'budget_id', value: (t) => t.budget_id ?? '' },
  { header: 'status', value: (t) => scheduleStatusLabel(t.status) },
  { header: 'reason', value: (t) => t.reason ?? '' },
  { header: 'actions', value: (t) => t.actions.join(' ') },
];

/** Decisions the caller can take right here; "submit" needs the editor, so it links there. */
const INLINE: Partial<Record<string, { label: string; needsReason: boolean }>> = {
  approve: { label: 'Approve', needsReason: false },
  reject: { label: 'Reject', needsReason: true },
  'grant-reschedule': { label: 'Grant', needsReason: false },
  'decline-reschedule': { label: 'Decline', needsReason: false },
};

const DONE: Record<string, string> = {
  approve: 'approved',
  reject: 'rejected',
  'grant-reschedule': 'reschedule granted',
  'decline-reschedule': 'reschedule declined',
};

/** The decisions waiting on the caller (GET /tasks), each with a way to take it. */
export function TasksPanel() {
  const tasks = useTasks();
  const [done, setDone] = useState<string | null>(null);
  return (
    <section className="card summary-card" aria-labelledby="tasks-title">
      <SectionHead
        id="tasks-title"
        title="Tasks awaiting me"
        csv={!!tasks.data && tasks.data.length > 0}
        list="tasks"
        columns={CSV_COLUMNS}
        rows={() => tasks.data ?? []}
      />
      <SuccessNotice>{done}</SuccessNotice>
      <ErrorNotice error={tasks.error} prefix="Your tasks could not be loaded" />
      {tasks.isPending ? (
        <p className="loading">Loading tasks…</p>
      ) : tasks.data && tasks.data.length === 0 ? (
        <p className="muted">Nothing is waiting for you.</p>
      ) : tasks.data ? (
        <ul className="task-list" aria-label="Tasks">
          {tasks.data.map((task) =>
            task.card_id != null ? (
              <CardTaskItem key={`card-${task.card_id}`} task={task} />
            ) : task.recommendation_id != null ? (
              <RecommendationTaskItem key={`rec-${task.recommendation_id}`} task={task} />
            ) : (
              <TaskItem key={`${task.kind}-${task.budget_id}`} task={task} onDone={setDone} />
            ),
          )}
        </ul>
      ) : null}
    </section>
  );
}

/** A spend card waiting on the caller: decided on the card's page, where its figures and
 * "why" are (a card is never approved without seeing them). */
function CardTaskItem({ task }: { task: TaskRead }) {
  return (
    <li className="task" data-card-id={task.card_id ?? undefined}>
      <div className="task-head">
        <span className="task-title">{task.title}</span>
        <CardStatusBadge status={task.status as CardStatus} />
      </div>
      {task.reason ? <p className="task-reason">Comment: {task.reason}</p> : null}
      <div className="actions">
        <Link className="button-link" to={task.link}>
          Open spend card
        </Link>
        <span className="muted">{task.actions.map((a) => actionLabel(a as CardAction)).join(' or ')}</span>
      </div>
    </li>
  );
}

/** An approved recommendation waiting on a Cloud Engineer: marked implemented on its page. */
function RecommendationTaskItem({ task }: { task: TaskRead }) {
  return (
    <li className="task" data-recommendation-id={task.recommendation_id ?? undefined}>
      <div className="task-head">
        <span className="task-title">{task.title}</span>
      </div>
      <div className="actions">
        <Link className="button-link" to={task.link}>
          Open recommendation
        </Link>
      </div>
    </li>
  );
}

function TaskItem({ task, onDone }: { task: TaskRead; onDone: (message: string) => void }) {
  const act = useScheduleAction();
  const fetchSchedule = useFetchSchedule();
  const [rejecting, setRejecting] = useState<Action | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // schedule tasks always name their budget (only recommendation tasks may not)
  const budgetId = task.budget_id ?? 0;
  const reasonId = `task-${budgetId}-reason`;

  async function run(action: Action, why?: string) {
    setError(null);
    setBusy(true);
    try {
      // Decide on the schedule as it is now: its current version goes with the decision.
      const schedule = await fetchSchedule(budgetId);
      await act.mutateAsync({ budgetId, action, version: schedule.version, reason: why });
      onDone(`${taskSubject(task.title)}: ${DONE[action] ?? action}.`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  function submitReason(event: FormEvent) {
    event.preventDefault();
    if (rejecting && reason.trim()) void run(rejecting, reason.trim());
  }

  return (
    <li className="task" data-budget-id={task.budget_id}>
      <div className="task-head">
        <span className="task-title">{task.title}</span>
        <ScheduleBadge status={task.status} />
      </div>
      {task.reason ? <p className="task-reason">Reason: {task.reason}</p> : null}
      <ErrorNotice error={error} prefix="Not done" />
      <div className="actions">
        <Link className="button-link" to={task.link}>
          Open budget
        </Link>
        {task.actions.map((action) => {
          const inline = INLINE[action];
          if (!inline) return null;
          return (
            <button
              key={action}
              type="button"
              className={inline.needsReason ? 'secondary' : undefined}
              disabled={busy}
              aria-expanded={inline.needsReason ? rejecting === action : undefined}
              onClick={() =>
                inline.needsReason
                  ? setRejecting(rejecting ? null : (action as Action))
                  : void run(action as Action)
              }
            >
              {inline.label}
            </button>
          );
        })}
      </div>
      {rejecting ? (
        <form className="inline-reason" onSubmit={submitReason} aria-label={`Reject: ${task.title}`}>
          <div className="field field-grow">
            <label htmlFor={reasonId}>Reason for rejecting</label>
            <input
              id={reasonId}
              type="text"
              required
              autoFocus
              maxLength={1000}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <button type="submit" disabled={busy || !reason.trim()}>
            Confirm reject
          </button>
        </form>
      ) : null}
    </li>
  );
}
