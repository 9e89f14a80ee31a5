import { useState, type FormEvent } from 'react';
import type { BudgetRead, SplitVersionRead } from '../../client';
import { useSetAccountAllocation } from './hooks';
import { useBudgets } from '../budgets/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FieldErrors } from '../../components/FieldErrors';
import { sortBudgets } from '../../lib/budgets';
import { formatDate } from '../../lib/months';
import { addDays, defaultRemapDate, isIsoDate, isMonday, localIsoDate } from '../../lib/periods';
import { ApiError } from '../../lib/problem';
import {
  nameBudgetIds,
  sharesOf,
  splitProblems,
  splitToEdit,
  splitTotal,
  toSplitWrite,
  type ShareInput,
} from '../../lib/splits';

const ID = 'remap';

/** A new split of the account's spend from a Monday or the 1st of a month; the previous
 * split ends the day before (SPEC 3). Budgets are those of the year the split starts in. */
export function RemapForm({
  accountId,
  history,
  onDone,
}: {
  accountId: string;
  history: readonly SplitVersionRead[];
  onDone: (message: string) => void;
}) {
  const latest = splitToEdit(history) ?? null;
  const [date, setDate] = useState(() => defaultRemapDate(localIsoDate(), latest?.effective_from ?? null));
  const year = Number((isIsoDate(date) ? date : localIsoDate()).slice(0, 4));
  const budgets = useBudgets(year, 'active');
  const options = sortBudgets(budgets.data?.items ?? []);
  const inYear = new Set(options.map((b) => b.id));
  // Start from the newest split (after a save: the one just saved, even when it starts next
  // Monday) when its budgets are of the same year.
  const [shares, setShares] = useState<ShareInput[] | null>(null);
  const initial = sharesOf(latest ?? undefined);
  const lines: ShareInput[] =
    shares ??
    (budgets.data && initial.length > 0 && initial.every((s) => s.budgetId !== null && inYear.has(s.budgetId))
      ? initial
      : [{ budgetId: null, percent: '100' }]);
  const [attempted, setAttempted] = useState(false);
  const save = useSetAccountAllocation();
  const total = splitTotal(lines);
  const problems = splitProblems(lines, date);
  const names = new Map<number, string[]>(options.map((b) => [b.id, b.path]));

  function update(index: number, change: Partial<ShareInput>) {
    setShares(lines.map((line, i) => (i === index ? { ...line, ...change } : line)));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    if (problems.length > 0) return;
    save.mutate(
      { id: accountId, split: toSplitWrite(lines, date) },
      {
        onSuccess: () => {
          const parts = toSplitWrite(lines, date).splits.map(
            (s) => `${names.get(s.budget_id)?.at(-1) ?? `budget #${s.budget_id}`} ${s.percent}%`,
          );
          onDone(
            `New split from ${formatDate(date)}: ${parts.join(', ')}.` +
              (latest ? ` The previous split ends ${formatDate(addDays(date, -1))}.` : ''),
          );
          // back to the history's newest split: the one just saved
          setShares(null);
          setAttempted(false);
        },
      },
    );
  }

  const serverErrors =
    save.error instanceof ApiError
      ? (save.error.problem.errors ?? []).map((e) => nameBudgetIds(e.message, names))
      : [];

  return (
    <form className="card remap-form" onSubmit={submit} aria-labelledby={`${ID}-title`} noValidate>
      <h2 id={`${ID}-title`}>Remap</h2>
      <p className="hint">
        Split this account&apos;s spend across product budgets of one year, from a Monday or the 1st of a
        month. The percentages must total exactly 100.00.
      </p>
      <ErrorNotice error={save.error} prefix="The split was not saved" />
      <FieldErrors id={`${ID}-server-errors`} messages={serverErrors.length ? serverErrors : undefined} />
      <div className="field remap-date">
        <label htmlFor={`${ID}-date`}>Effective from</label>
        <input
          id={`${ID}-date`}
          type="date"
          required
          value={date}
          aria-invalid={
            attempted && problems.some((p) => p.includes(date) || p.startsWith('Choose the date'))
              ? true
              : undefined
          }
          aria-describedby={`${ID}-date-hint`}
          onChange={(e) => {
            setDate(e.target.value);
            save.reset();
          }}
        />
        <p className="hint" id={`${ID}-date-hint`}>
          {isIsoDate(date)
            ? `${isMonday(date) ? 'A Monday' : date.endsWith('-01') ? 'The 1st of the month' : 'Neither a Monday nor the 1st'}; budgets of ${year}.`
            : 'A Monday or the 1st of a month.'}
          {latest ? ` The latest split starts ${formatDate(latest.effective_from)}.` : ''}
        </p>
      </div>

      <fieldset>
        <legend>Budgets and percentages</legend>
        <ErrorNotice error={budgets.error} prefix={`The budgets of ${year} could not be loaded`} />
        {budgets.data && options.length === 0 ? (
          <p className="muted">No active product budget in {year}.</p>
        ) : null}
        <ol className="share-lines">
          {lines.map((line, index) => (
            <li key={index} className="share-line">
              <div className="field field-grow">
                <label htmlFor={`${ID}-budget-${index}`}>Budget {index + 1}</label>
                <select
                  id={`${ID}-budget-${index}`}
                  value={line.budgetId ?? ''}
                  aria-invalid={attempted && line.budgetId === null ? true : undefined}
                  onChange={(e) =>
                    update(index, { budgetId: e.target.value ? Number(e.target.value) : null })
                  }
                >
                  <option value="">Choose a budget</option>
                  {line.budgetId !== null && !inYear.has(line.budgetId) ? (
                    <option value={line.budgetId}>
                      Budget #{line.budgetId} (not in {year})
                    </option>
                  ) : null}
                  {options.map((b: BudgetRead) => (
                    <option key={b.id} value={b.id}>
                      {b.path.join(' › ')}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field percent-field">
                <label htmlFor={`${ID}-percent-${index}`}>Percent {index + 1}</label>
                <input
                  id={`${ID}-percent-${index}`}
                  type="text"
                  inputMode="decimal"
                  required
                  value={line.percent}
                  aria-invalid={total.invalid.includes(index) ? true : undefined}
                  onChange={(e) => update(index, { percent: e.target.value })}
                />
              </div>
              <div className="field field-buttons">
                <button
                  type="button"
                  className="secondary"
                  disabled={lines.length === 1}
                  onClick={() => setShares(lines.filter((_, i) => i !== index))}
                >
                  Remove<span className="visually-hidden"> budget {index + 1}</span>
                </button>
              </div>
            </li>
          ))}
        </ol>
        <div className="actions">
          <button
            type="button"
            className="secondary"
            onClick={() =>
              setShares([
                ...lines,
                { budgetId: null, percent: total.complete ? '' : nonNegative(total.remaining) },
              ])
            }
          >
            Add a budget
          </button>
          <p
            className={`running-total ${total.complete ? 'is-complete' : 'is-off'}`}
            aria-live="polite"
            data-testid="split-total"
          >
            Total {total.total}%
            {total.complete
              ? ' — complete'
              : total.remaining.startsWith('-')
                ? ` — ${total.remaining.slice(1)}% over`
                : ` — ${total.remaining}% left`}
          </p>
        </div>
      </fieldset>
      {attempted && problems.length > 0 ? (
        <ul className="field-errors" aria-label="Problems" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : 'Save the new split'}
      </button>
    </form>
  );
}

function nonNegative(remaining: string): string {
  return remaining.startsWith('-') ? '' : remaining;
}
