import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { CardAction, CardStatus, TaskRead } from '../../client';
import { useTasks } from './hooks';
import { ScheduleDecisionDialog } from './ScheduleDecisionDialog';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { ScheduleBadge } from '../../components/ScheduleBadge';
import { CardStatusBadge } from '../../components/CardBadges';
import { actionLabel } from '../../lib/spendCards';
import type { CsvColumn } from '../../lib/csv';
import { scheduleStatusLabel } from '../../lib/schedule';

const CSV_COLUMNS: CsvColumn<TaskRead>[] = [
  { header: 'kind', value: (t) => t.kind },
  { header: 'title', value: (t) => t.title },
  { header: 'budget_id', value: (t) => t.budget_id ?? '' },
  { header: 'status', value: (t) => scheduleStatusLabel(t.status) },
  { header: 'reason', value: (t) => t.reason ?? '' },
  { header: 'actions', value: (t) => t.actions.join(' ') },
];

/** Decisions taken in the schedule dialog; "submit" needs the editor, so it links there. */
const DECISIONS: Record<string, string> = {
  approve: 'approve',
  reject: 'reject',
  'grant-reschedule': 'grant',
  'decline-reschedule': 'decline',
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

/** A schedule waiting on the caller. A decision opens the schedule first (months, amounts,
 * who submitted it, when) with the buttons beside it: nothing is approved unseen. A
 * reschedule the amount in force calls for, or a draft to submit, is done on the budget. */
function TaskItem({ task, onDone }: { task: TaskRead; onDone: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  const decisions = task.actions.filter((a) => a in DECISIONS);
  return (
    <li className="task" data-budget-id={task.budget_id} data-task-kind={task.kind}>
      <div className="task-head">
        <span className="task-title">{task.title}</span>
        <ScheduleBadge status={task.status} />
      </div>
      {task.reason ? <p className="task-reason">Reason: {task.reason}</p> : null}
      <div className="actions">
        <Link className="button-link" to={task.link}>
          {task.kind === 'schedule.reschedule_needed' ? 'Reschedule on the budget page' : 'Open budget'}
        </Link>
        {decisions.length > 0 ? (
          <button type="button" onClick={() => setOpen(true)} aria-haspopup="dialog">
            Review and decide
          </button>
        ) : null}
        {decisions.length > 0 ? (
          <span className="muted">{decisions.map((a) => DECISIONS[a]).join(' or ')}</span>
        ) : null}
      </div>
      {open ? (
        <ScheduleDecisionDialog
          task={task}
          onClose={() => setOpen(false)}
          onDone={(message) => {
            setOpen(false);
            onDone(message);
          }}
        />
      ) : null}
    </li>
  );
}
