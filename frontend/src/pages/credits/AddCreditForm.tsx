import { useState, type FormEvent } from 'react';
import type { Program } from '../../client';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { errorsOf, SelectField, TextField } from '../../components/Field';
import { FieldErrors } from '../../components/FieldErrors';
import {
  EMPTY_DRAFT,
  PROGRAMS,
  draftErrors,
  normaliseAmount,
  programLabel,
  type CreditDraft,
  productName,
} from '../../lib/credits';
import { CURRENCY } from '../../lib/money';
import { fieldErrors, otherErrors } from '../../lib/problem';
import { localIsoDate } from '../../lib/periods';
import { useBudgets } from '../budgets/hooks';
import { useCreateCredit } from './hooks';

const FORM = 'credit';
const FORM_FIELDS = [
  'budget_id',
  'program',
  'amount',
  'start_date',
  'expires_on',
  'reference',
  'description',
];

export function AddCreditForm() {
  const year = Number(localIsoDate().slice(0, 4));
  const budgets = useBudgets(year, 'active');
  const create = useCreateCredit();
  const [draft, setDraft] = useState<CreditDraft>(EMPTY_DRAFT);
  const [local, setLocal] = useState<Record<string, string[]>>({});
  const [added, setAdded] = useState<string | null>(null);
  const errors = { ...fieldErrors(create.error), ...local };
  const err = (field: string) => errorsOf(errors, FORM, field);
  const set = (field: keyof CreditDraft) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    const found = draftErrors(draft);
    setLocal(found);
    if (Object.keys(found).length > 0) return;
    create.mutate(
      {
        budget_id: Number(draft.budget_id),
        program: draft.program as Program,
        amount: normaliseAmount(draft.amount),
        start_date: draft.start_date,
        expires_on: draft.expires_on,
        reference: draft.reference,
        description: draft.description,
      },
      {
        onSuccess: (credit) => {
          setAdded(`Credit ${credit.reference || credit.id} recorded on ${productName(credit.budget_path)}.`);
          setDraft(EMPTY_DRAFT);
        },
      },
    );
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${FORM}-title`} noValidate>
      <h2 id={`${FORM}-title`}>Add a credit</h2>
      <ErrorNotice error={create.error} prefix="The credit was not recorded" />
      <FieldErrors id={`${FORM}-other-errors`} messages={otherErrors(create.error, FORM_FIELDS)} />
      {added ? <SuccessNotice>{added}</SuccessNotice> : null}
      <div className="options-grid">
        <SelectField
          id={`${FORM}-budget`}
          label="Budget"
          empty={budgets.isPending ? 'Loading budgets…' : 'Choose a budget'}
          value={draft.budget_id}
          onValue={set('budget_id')}
          {...err('budget_id')}
          options={(budgets.data?.items ?? []).map((b) => ({ value: b.id, label: b.path.join(' › ') }))}
        />
        <SelectField
          id={`${FORM}-program`}
          label="Program"
          empty="Choose a program"
          value={draft.program}
          onValue={set('program')}
          {...err('program')}
          options={PROGRAMS.map((p) => ({ value: p, label: programLabel(p) }))}
        />
        <TextField
          id={`${FORM}-amount`}
          label={`Amount (${CURRENCY})`}
          type="text"
          inputMode="decimal"
          placeholder="e.g. 25,000.00"
          value={draft.amount}
          onValue={set('amount')}
          {...err('amount')}
        />
        <TextField
          id={`${FORM}-start`}
          label="Starts on"
          type="date"
          value={draft.start_date}
          onValue={set('start_date')}
          {...err('start_date')}
        />
        <TextField
          id={`${FORM}-expires`}
          label="Expires on (last day of use)"
          type="date"
          value={draft.expires_on}
          onValue={set('expires_on')}
          {...err('expires_on')}
        />
        <TextField
          id={`${FORM}-reference`}
          label="Reference"
          type="text"
          maxLength={100}
          placeholder="e.g. the AWS promotion code"
          value={draft.reference}
          onValue={set('reference')}
          {...err('reference')}
        />
        <TextField
          id={`${FORM}-description`}
          label="Description"
          type="text"
          maxLength={1000}
          value={draft.description}
          onValue={set('description')}
          {...err('description')}
        />
      </div>
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Recording…' : 'Add credit'}
      </button>
    </form>
  );
}
