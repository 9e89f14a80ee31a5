import { useState, type FormEvent } from 'react';
import type { BudgetDetail, BudgetRead } from '../../client';
import { useChangeBudgetAmount } from './hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { errorsOf, SelectField, TextField } from '../../components/Field';
import { FieldErrors } from '../../components/FieldErrors';
import { CURRENCY, formatAmount } from '../../lib/money';
import { defaultEffectiveMonth, formatMonth, monthsOfYear } from '../../lib/months';
import { fieldErrors, otherErrors } from '../../lib/problem';

const FIELDS = ['annual_amount', 'effective_from'];

/** A new version of a budget's annual amount from the 1st of a month. */
export function ChangeAmountForm({
  budget,
  onDone,
  onCancel,
}: {
  budget: Pick<BudgetRead, 'id' | 'year' | 'product' | 'annual_amount' | 'start_date'>;
  onDone: (message: string, budget: BudgetDetail) => void;
  onCancel: () => void;
}) {
  const change = useChangeBudgetAmount();
  const [amount, setAmount] = useState(budget.annual_amount);
  const [month, setMonth] = useState(() => defaultEffectiveMonth(budget.year, new Date(), budget.start_date));
  const errors = fieldErrors(change.error);
  const unplaced = otherErrors(change.error, FIELDS);
  const id = `change-amount-${budget.id}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate(
      { id: budget.id, change: { annual_amount: amount.trim(), effective_from: month } },
      {
        onSuccess: (updated) =>
          onDone(
            `${updated.product}: ${formatAmount(amount.trim())} ${CURRENCY} from ${formatMonth(month)}; earlier months keep their amounts.`,
            updated,
          ),
      },
    );
  }

  return (
    <form className="change-amount" onSubmit={submit} aria-label={`Change the amount of ${budget.product}`}>
      <ErrorNotice error={change.error} prefix="Not saved" />
      <FieldErrors id={`${id}-other-errors`} messages={unplaced.length ? unplaced : undefined} />
      <div className="inline-fields">
        <TextField
          id={`${id}-amount`}
          label={`New annual amount (${CURRENCY})`}
          type="text"
          inputMode="decimal"
          required
          autoFocus
          value={amount}
          {...errorsOf(errors, id, 'annual_amount')}
          hint={`Now ${formatAmount(budget.annual_amount)} ${CURRENCY}`}
          onValue={setAmount}
        />
        <SelectField
          id={`${id}-month`}
          label="Effective from"
          value={month}
          {...errorsOf(errors, id, 'effective_from')}
          hint="From the 1st; earlier months keep their amount"
          onValue={setMonth}
        >
          {monthsOfYear(budget.year, budget.start_date).map((m) => (
            <option key={m.value} value={m.value} disabled={m.disabled}>
              {m.label}
            </option>
          ))}
        </SelectField>
        <div className="actions field-buttons">
          <button type="submit" disabled={change.isPending}>
            {change.isPending ? 'Saving…' : 'Save new amount'}
          </button>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </form>
  );
}
