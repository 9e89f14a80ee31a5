import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { BudgetRead } from '../../client';
import { useCreateBudget } from './hooks';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { errorsOf, SelectField, TextField } from '../../components/Field';
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
        path: names.map((n) => n.trim()) as [string, string, string, string],
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

  const err = (field: string) => errorsOf(errors, ID, field);

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
          <TextField
            key={level}
            id={`${ID}-path-${level}`}
            label={label}
            type="text"
            required
            maxLength={200}
            list={`${ID}-names-${level}`}
            value={names[level]}
            {...err(`path.${level}`)}
            onValue={(value) => setNames((n) => n.map((x, i) => (i === level ? value : x)))}
            after={
              <datalist id={`${ID}-names-${level}`}>
                {suggestions(level).map((name) => (
                  <option key={name} value={name} />
                ))}
              </datalist>
            }
          />
        ))}
        <TextField
          id={`${ID}-amount`}
          label={`Annual amount (${CURRENCY})`}
          type="text"
          inputMode="decimal"
          required
          placeholder="e.g. 12,000.00"
          value={amount}
          {...err('annual_amount')}
          onValue={setAmount}
        />
        <SelectField
          id={`${ID}-start`}
          label="Start month"
          value={start}
          {...err('start_date')}
          onValue={setStart}
          empty="Start of year"
          options={monthsOfYear(year)
            .slice(1)
            .map((m) => ({ value: m.value, label: m.label }))}
        />
      </div>
      <FieldErrors id={`${ID}-year-errors`} messages={errors.year} />
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add line item'}
      </button>
    </form>
  );
}
