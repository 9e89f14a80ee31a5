import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { BudgetRead } from '../../client';
import { useCreateBudget } from '../../api/hooks';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { FieldErrors } from '../../components/FieldErrors';
import { CURRENCY, formatAmount } from '../../lib/money';
import { formatMonth, monthsOfYear } from '../../lib/months';
import { fieldErrors, otherErrors, rowErrors } from '../../lib/problem';

const ID = 'line-item';
const FIELDS = ['path', 'path.0', 'path.1', 'path.2', 'path.3', 'annual_amount', 'start_date', 'year'];

/** "Add line item": a product budget under four names (missing nodes are created). */
export function AddLineItemForm({
  year,
  labels,
  budgets,
}: {
  year: number;
  labels: readonly string[];
  /** The year's budgets, to suggest the names already in use (same spelling, same node). */
  budgets: readonly BudgetRead[];
}) {
  const create = useCreateBudget();
  const [names, setNames] = useState(['', '', '', '']);
  const [amount, setAmount] = useState('');
  const [start, setStart] = useState('');
  const [added, setAdded] = useState<{ id: number; text: string } | null>(null);
  const errors = fieldErrors(create.error);
  // The server checks a line item with the chart-of-accounts rules; a rule about the whole
  // load (e.g. a closed month) comes back as a row error, and is shown too.
  const unplaced = [
    ...otherErrors(create.error, FIELDS),
    ...rowErrors(create.error)
      .filter((e) => e.row !== null)
      .map((e) => e.message),
  ];

  function submit(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    create.mutate(
      {
        year,
        path: names.map((n) => n.trim()),
        annual_amount: amount.trim(),
        ...(start ? { start_date: start } : {}),
      },
      {
        onSuccess: (budget) => {
          setAdded({
            id: budget.id,
            text: `Added ${budget.path.join(' › ')} with ${formatAmount(budget.annual_amount)} ${CURRENCY} from ${formatMonth(budget.start_date)}.`,
          });
          // The next line item is often a sibling: keep the levels above the product.
          setNames((n) => [n[0], n[1], n[2], '']);
          setAmount('');
        },
      },
    );
  }

  const suggestions = (level: number) =>
    [
      ...new Set(
        budgets
          .filter((b) =>
            names.slice(0, level).every((n, i) => !n || b.path[i].toLowerCase() === n.trim().toLowerCase()),
          )
          .map((b) => b.path[level]),
      ),
    ].sort();

  const invalid = (field: string) => (errors[field] ? true : undefined);
  const describedBy = (field: string) => (errors[field] ? `${ID}-${field}-errors` : undefined);

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${ID}-title`}>
      <h2 id={`${ID}-title`}>Add line item</h2>
      <p className="hint">
        A product budget for {year}. Names that do not exist yet are created; an existing name is matched
        ignoring case.
      </p>
      <ErrorNotice error={create.error} prefix="The line item was not added" />
      <FieldErrors id={`${ID}-path-errors`} messages={[...(errors.path ?? []), ...unplaced]} />
      {added ? (
        <SuccessNotice>
          {added.text} <Link to={`/budgets/${added.id}`}>Open it</Link>
        </SuccessNotice>
      ) : null}
      <div className="options-grid">
        {labels.map((label, level) => (
          <div className="field" key={level}>
            <label htmlFor={`${ID}-path-${level}`}>{label}</label>
            <input
              id={`${ID}-path-${level}`}
              type="text"
              required
              maxLength={200}
              list={`${ID}-names-${level}`}
              value={names[level]}
              aria-invalid={invalid(`path.${level}`)}
              aria-describedby={describedBy(`path.${level}`)}
              onChange={(e) => setNames((n) => n.map((x, i) => (i === level ? e.target.value : x)))}
            />
            <datalist id={`${ID}-names-${level}`}>
              {suggestions(level).map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
            <FieldErrors id={`${ID}-path.${level}-errors`} messages={errors[`path.${level}`]} />
          </div>
        ))}
        <div className="field">
          <label htmlFor={`${ID}-amount`}>Annual amount ({CURRENCY})</label>
          <input
            id={`${ID}-amount`}
            type="text"
            inputMode="decimal"
            required
            placeholder="e.g. 12,000.00"
            value={amount}
            aria-invalid={invalid('annual_amount')}
            aria-describedby={describedBy('annual_amount')}
            onChange={(e) => setAmount(e.target.value)}
          />
          <FieldErrors id={`${ID}-annual_amount-errors`} messages={errors.annual_amount} />
        </div>
        <div className="field">
          <label htmlFor={`${ID}-start`}>Start month</label>
          <select
            id={`${ID}-start`}
            value={start}
            aria-invalid={invalid('start_date')}
            aria-describedby={describedBy('start_date')}
            onChange={(e) => setStart(e.target.value)}
          >
            <option value="">Start of year</option>
            {monthsOfYear(year)
              .slice(1)
              .map((m) => (
                <option key={m.value} value={m.value}>
                  {m.label}
                </option>
              ))}
          </select>
          <FieldErrors id={`${ID}-start_date-errors`} messages={errors.start_date} />
        </div>
      </div>
      <FieldErrors id={`${ID}-year-errors`} messages={errors.year} />
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add line item'}
      </button>
    </form>
  );
}
