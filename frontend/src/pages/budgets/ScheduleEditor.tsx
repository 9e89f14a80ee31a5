import { useState, type FormEvent } from 'react';
import type { Action, BudgetDetail, ScheduleMonthRead, ScheduleRead } from '../../client';
import { useSaveSchedule, useSchedule, useScheduleAction, useSpreadSchedule } from './hooks';
import { useCurrentUser } from '../../components/AppShell';
import { Amount } from '../../components/Amount';
import { SectionHead } from '../../components/SectionHead';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { ScheduleBadge } from '../../components/ScheduleBadge';
import { csvDecimal, type CsvColumn } from '../../lib/csv';
import { CURRENCY, formatAmount } from '../../lib/money';
import { formatMonth } from '../../lib/months';
import { ApiError, formatProblem } from '../../lib/problem';
import {
  basisLabel,
  editsFromSpread,
  isDirty,
  isScheduleConflict,
  rescheduleNotice,
  scheduleLines,
  scheduleRights,
  scheduleStatusLabel,
  scheduleTotal,
  scheduleWrite,
} from '../../lib/schedule';

const ID = 'schedule';

const CSV_COLUMNS = (status: string): CsvColumn<ScheduleMonthRead>[] => [
  { header: 'month', value: (m) => m.month },
  { header: 'amount', value: (m) => (m.amount === null ? null : csvDecimal(m.amount)) },
  { header: 'workload_estimate', value: (m) => csvDecimal(m.workload_estimate) },
  { header: 'closed', value: (m) => m.closed },
  { header: 'currency', value: () => CURRENCY },
  { header: 'status', value: () => status },
];

const DONE: Record<Action, string> = {
  submit: 'Submitted for approval.',
  approve: 'Schedule approved.',
  reject: 'Schedule rejected; the owner sees your reason.',
  'request-reschedule': 'Reschedule requested.',
  'grant-reschedule': 'Reschedule granted: the open months can be edited again.',
  'decline-reschedule': 'Reschedule declined: the approved schedule stays.',
};

/** The budget's monthly schedule (SPEC 4): the months from its start to year end with the
 * workload estimates beside them, the running total against the annual amount, and the
 * approval flow. Every write sends the version it was read at; a 409 asks for a reload. */
export function ScheduleEditor({ budget }: { budget: BudgetDetail }) {
  const schedule = useSchedule(budget.id);
  // Kept above the editor: the editor starts afresh with every new version it is shown.
  const [done, setDone] = useState<string | null>(null);
  return (
    <section aria-labelledby={`${ID}-title`} className="schedule-section">
      <ErrorNotice error={schedule.error} prefix="The schedule could not be loaded" />
      {schedule.data ? (
        <Editor
          key={schedule.data.version}
          schedule={schedule.data}
          budget={budget}
          done={done}
          setDone={setDone}
          reload={() => void schedule.refetch()}
        />
      ) : schedule.isPending ? (
        <p className="loading">Loading the schedule…</p>
      ) : null}
    </section>
  );
}

function Editor({
  schedule,
  budget,
  done,
  setDone,
  reload,
}: {
  schedule: ScheduleRead;
  budget: BudgetDetail;
  done: string | null;
  setDone: (message: string | null) => void;
  reload: () => void;
}) {
  const me = useCurrentUser();
  const save = useSaveSchedule();
  const spread = useSpreadSchedule();
  const act = useScheduleAction();
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState<'reject' | 'request-reschedule' | null>(null);
  const [reason, setReason] = useState('');
  const rights = scheduleRights(schedule, me);
  const lines = scheduleLines(schedule.months, rights.edit ? edits : {});
  const total = scheduleTotal(lines, schedule.annual_amount);
  const dirty = rights.edit && isDirty(schedule.months, edits);
  const busy = save.isPending || spread.isPending || act.isPending;
  const conflict = isScheduleConflict(error);
  const closed = new Set(schedule.months.filter((m) => m.closed).map((m) => m.month));
  const fieldMessages =
    error instanceof ApiError && !conflict ? (error.problem.errors ?? []).map((e) => e.message) : [];

  async function run(work: () => Promise<string>) {
    setError(null);
    setDone(null);
    try {
      setDone(await work());
    } catch (e) {
      setError(e);
    }
  }

  // Saving answers the new version; the editor is keyed by it, so it starts clean.
  const saveDraft = () =>
    save.mutateAsync({ budgetId: budget.id, months: scheduleWrite(lines), version: schedule.version });

  function doSave() {
    void run(async () => {
      await saveDraft();
      return 'Draft saved.';
    });
  }

  function doSpread(method: 'even' | 'estimates') {
    void run(async () => {
      const result = await spread.mutateAsync({ budgetId: budget.id, method });
      setEdits(editsFromSpread(result.months, closed));
      return method === 'even'
        ? 'Spread evenly over the open months (not saved yet).'
        : 'Spread by the workload estimates (not saved yet).';
    });
  }

  function doAct(action: Action, why?: string) {
    void run(async () => {
      let version = schedule.version;
      // Submitting what is on screen: unsaved edits are saved first, as a draft.
      if (action === 'submit' && (dirty || schedule.status === 'none')) version = (await saveDraft()).version;
      await act.mutateAsync({ budgetId: budget.id, action, version, reason: why });
      return DONE[action];
    });
  }

  function submitReason(event: FormEvent) {
    event.preventDefault();
    if (asking && reason.trim()) doAct(asking, reason.trim());
  }

  const difference = total.difference.startsWith('-') ? total.difference.slice(1) : total.difference;

  return (
    <>
      <SectionHead
        id={`${ID}-title`}
        title={
          <>
            Monthly schedule <ScheduleBadge status={schedule.status} />
          </>
        }
        list={`budget-${budget.id}-schedule`}
        columns={CSV_COLUMNS(schedule.status)}
        rows={() => schedule.months}
      />
      <p className="hint">
        The months from the budget&apos;s start to year end must add up to the annual amount. Beside each
        month: the monthly estimates of the workloads running that month. Version {schedule.version}.
      </p>
      {schedule.status === 'rejected' && schedule.reason ? (
        <div className="notice notice-error" role="note" aria-label="Rejection reason">
          Rejected: {schedule.reason}
        </div>
      ) : null}
      {schedule.status === 'needs_reschedule' ? (
        <div
          className="notice notice-error"
          role="note"
          aria-label="Needs reschedule"
          data-testid="needs-reschedule"
        >
          Needs reschedule: {rescheduleNotice(schedule)}
        </div>
      ) : null}
      {schedule.approved && schedule.status !== 'approved' ? (
        <p className="hint" data-testid="schedule-approved-basis">
          Variance stays {basisLabel(schedule.approved)}
          {schedule.approved.approved_by_name
            ? ` (approved by ${schedule.approved.approved_by_name})`
            : ''}{' '}
          until a new schedule is approved.
        </p>
      ) : null}
      {schedule.status === 'reschedule_requested' && schedule.reason ? (
        <div className="notice notice-info" role="note" aria-label="Reschedule reason">
          Reschedule requested: {schedule.reason}
        </div>
      ) : null}
      {conflict ? (
        <div className="notice notice-error" role="alert">
          This schedule changed meanwhile — reload it to see the current version before you try again.{' '}
          <span className="muted">({formatProblem(error)})</span>{' '}
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              setError(null);
              reload();
            }}
          >
            Reload
          </button>
        </div>
      ) : (
        <ErrorNotice error={error} prefix="Not done" />
      )}
      {fieldMessages.length > 0 ? (
        <ul className="field-errors" aria-label="Schedule problems">
          {fieldMessages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
      <SuccessNotice>{done}</SuccessNotice>

      <div className="table-wrap schedule-table">
        <table className="data-table" aria-label="Monthly schedule">
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" className="num">
                Amount ({CURRENCY})
              </th>
              <th scope="col" className="num">
                Running total
              </th>
              <th scope="col" className="num">
                Workload estimate
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => (
              <tr key={line.month} className={line.closed ? 'closed' : undefined} data-month={line.month}>
                <th scope="row">
                  {formatMonth(`${line.month}-01`)}
                  {line.closed ? <span className="badge badge-off closed-badge">closed</span> : null}
                </th>
                <td className="num">
                  {rights.edit && !line.closed ? (
                    <input
                      className="amount-input"
                      type="text"
                      inputMode="decimal"
                      aria-label={`Amount for ${formatMonth(`${line.month}-01`)}`}
                      value={line.text}
                      aria-invalid={line.text.trim() !== '' && line.cents === null ? true : undefined}
                      onChange={(e) => setEdits({ ...edits, [line.month]: e.target.value })}
                    />
                  ) : (
                    <Amount value={line.text === '' ? null : line.text} />
                  )}
                </td>
                <td className="num">
                  <Amount value={line.cumulative} />
                </td>
                <td className="num">
                  <Amount value={line.estimate} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Scheduled</th>
              <td className="num" data-testid="schedule-total">
                <Amount value={total.total} />
              </td>
              <td colSpan={2} />
            </tr>
          </tfoot>
        </table>
      </div>
      <p
        className={`schedule-balance ${total.balanced ? 'is-complete' : 'is-off'}`}
        aria-live="polite"
        data-testid="schedule-balance"
      >
        Annual amount {formatAmount(total.annual)} {CURRENCY} · scheduled {formatAmount(total.total)} ·{' '}
        {total.balanced
          ? 'balanced'
          : total.difference === '0.00'
            ? `${total.invalidMonths.length} month${total.invalidMonths.length === 1 ? '' : 's'} without a valid amount`
            : total.difference.startsWith('-')
              ? `${formatAmount(difference)} short`
              : `${formatAmount(difference)} over`}
      </p>

      {rights.edit ? (
        <div className="actions schedule-actions">
          <button type="button" className="secondary" disabled={busy} onClick={() => doSpread('even')}>
            Spread evenly
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => doSpread('estimates')}>
            Spread by estimates
          </button>
          <button type="button" className="secondary" disabled={busy || !dirty} onClick={doSave}>
            Save draft
          </button>
          <button type="button" disabled={busy || !total.balanced} onClick={() => doAct('submit')}>
            Submit for approval
          </button>
          {!total.balanced ? (
            <span className="hint">Submit once the months add up to the annual amount.</span>
          ) : null}
        </div>
      ) : null}

      {rights.decide || rights.decideReschedule || rights.requestReschedule ? (
        <div className="actions schedule-actions">
          {rights.decide ? (
            <>
              <button type="button" disabled={busy || rights.ownRequest} onClick={() => doAct('approve')}>
                Approve
              </button>
              <button
                type="button"
                className="secondary"
                disabled={busy || rights.ownRequest}
                aria-expanded={asking === 'reject'}
                onClick={() => setAsking(asking === 'reject' ? null : 'reject')}
              >
                Reject
              </button>
            </>
          ) : null}
          {rights.decideReschedule ? (
            <>
              <button
                type="button"
                disabled={busy || rights.ownRequest}
                onClick={() => doAct('grant-reschedule')}
              >
                Grant reschedule
              </button>
              <button
                type="button"
                className="secondary"
                disabled={busy || rights.ownRequest}
                onClick={() => doAct('decline-reschedule')}
              >
                Decline reschedule
              </button>
            </>
          ) : null}
          {rights.requestReschedule ? (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              aria-expanded={asking === 'request-reschedule'}
              onClick={() => setAsking(asking === 'request-reschedule' ? null : 'request-reschedule')}
            >
              Request reschedule
            </button>
          ) : null}
          {rights.ownRequest && (rights.decide || rights.decideReschedule) ? (
            <span className="hint">You made this request: another decider decides on it.</span>
          ) : null}
        </div>
      ) : null}

      {asking ? (
        <form
          className="inline-reason"
          onSubmit={submitReason}
          aria-label={asking === 'reject' ? 'Reject the schedule' : 'Request a reschedule'}
        >
          <div className="field field-grow">
            <label htmlFor={`${ID}-reason`}>
              {asking === 'reject' ? 'Reason for rejecting' : 'Reason for the reschedule'}
            </label>
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
          <button type="submit" disabled={busy || !reason.trim()}>
            {asking === 'reject' ? 'Confirm reject' : 'Send request'}
          </button>
          <button type="button" className="secondary" onClick={() => setAsking(null)}>
            Cancel
          </button>
        </form>
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        Status: {scheduleStatusLabel(schedule.status)}
      </p>
    </>
  );
}
