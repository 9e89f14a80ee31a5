import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { AccountType } from '../../client';
import { useCreateAccount } from './hooks';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { errorsOf, SelectField, TextField } from '../../components/Field';
import { FieldErrors } from '../../components/FieldErrors';
import { ACCOUNT_TYPES } from '../../lib/accounts';
import { fieldErrors, otherErrors } from '../../lib/problem';

const ID = 'add-account';
const FIELDS = ['account_id', 'name', 'email', 'account_type', 'vended_date'];

/** Onboard an account by hand (source "manual"), e.g. one AWS Organizations cannot list. */
export function AddAccountForm() {
  const create = useCreateAccount();
  const [accountId, setAccountId] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [type, setType] = useState<AccountType | ''>('');
  const [vended, setVended] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const errors = fieldErrors(create.error);
  const unplaced = otherErrors(create.error, FIELDS);

  function submit(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    create.mutate(
      {
        account_id: accountId.trim(),
        name: name.trim(),
        ...(email.trim() ? { email: email.trim() } : {}),
        ...(type ? { account_type: type } : {}),
        ...(vended ? { vended_date: vended } : {}),
      },
      {
        onSuccess: (account) => {
          setAdded(account.account_id);
          setAccountId('');
          setName('');
          setEmail('');
          setType('');
          setVended('');
        },
      },
    );
  }

  const err = (field: string) => errorsOf(errors, ID, field);

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${ID}-title`}>
      <h2 id={`${ID}-title`}>Add an account</h2>
      <p className="hint">For an account that neither AWS Organizations nor the CUR shows yet.</p>
      <ErrorNotice error={create.error} prefix="The account was not added" />
      <FieldErrors id={`${ID}-other-errors`} messages={unplaced.length ? unplaced : undefined} />
      {added ? (
        <SuccessNotice>
          Added account {added}. <Link to={`/accounts/${added}`}>Allocate it to budgets</Link>
        </SuccessNotice>
      ) : null}
      <div className="options-grid">
        <TextField
          id={`${ID}-id`}
          label="Account ID"
          type="text"
          inputMode="numeric"
          required
          placeholder="12 digits"
          value={accountId}
          {...err('account_id')}
          onValue={setAccountId}
        />
        <TextField
          id={`${ID}-name`}
          label="Name"
          type="text"
          required
          maxLength={200}
          value={name}
          {...err('name')}
          onValue={setName}
        />
        <TextField
          id={`${ID}-email`}
          label="Root email (optional)"
          type="email"
          value={email}
          {...err('email')}
          onValue={setEmail}
        />
        <SelectField
          id={`${ID}-type`}
          label="Account type"
          value={type}
          {...err('account_type')}
          aria-describedby={undefined}
          onValue={(v) => setType(v as AccountType | '')}
          empty="Not classified"
          options={ACCOUNT_TYPES}
        />
        <TextField
          id={`${ID}-vended`}
          label="Vended date (optional)"
          type="date"
          value={vended}
          {...err('vended_date')}
          onValue={setVended}
        />
      </div>
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add account'}
      </button>
    </form>
  );
}
