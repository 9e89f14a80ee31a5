import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import type { AccountType } from '../../client';
import { useCreateAccount } from '../../api/hooks';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
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

  const invalid = (field: string) => (errors[field] ? true : undefined);
  const describedBy = (field: string) => (errors[field] ? `${ID}-${field}-errors` : undefined);

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
        <div className="field">
          <label htmlFor={`${ID}-id`}>Account ID</label>
          <input
            id={`${ID}-id`}
            type="text"
            inputMode="numeric"
            required
            placeholder="12 digits"
            value={accountId}
            aria-invalid={invalid('account_id')}
            aria-describedby={describedBy('account_id')}
            onChange={(e) => setAccountId(e.target.value)}
          />
          <FieldErrors id={`${ID}-account_id-errors`} messages={errors.account_id} />
        </div>
        <div className="field">
          <label htmlFor={`${ID}-name`}>Name</label>
          <input
            id={`${ID}-name`}
            type="text"
            required
            maxLength={200}
            value={name}
            aria-invalid={invalid('name')}
            aria-describedby={describedBy('name')}
            onChange={(e) => setName(e.target.value)}
          />
          <FieldErrors id={`${ID}-name-errors`} messages={errors.name} />
        </div>
        <div className="field">
          <label htmlFor={`${ID}-email`}>Root email (optional)</label>
          <input
            id={`${ID}-email`}
            type="email"
            value={email}
            aria-invalid={invalid('email')}
            aria-describedby={describedBy('email')}
            onChange={(e) => setEmail(e.target.value)}
          />
          <FieldErrors id={`${ID}-email-errors`} messages={errors.email} />
        </div>
        <div className="field">
          <label htmlFor={`${ID}-type`}>Account type</label>
          <select
            id={`${ID}-type`}
            value={type}
            aria-invalid={invalid('account_type')}
            onChange={(e) => setType(e.target.value as AccountType | '')}
          >
            <option value="">Not classified</option>
            {ACCOUNT_TYPES.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <FieldErrors id={`${ID}-account_type-errors`} messages={errors.account_type} />
        </div>
        <div className="field">
          <label htmlFor={`${ID}-vended`}>Vended date (optional)</label>
          <input
            id={`${ID}-vended`}
            type="date"
            value={vended}
            aria-invalid={invalid('vended_date')}
            aria-describedby={describedBy('vended_date')}
            onChange={(e) => setVended(e.target.value)}
          />
          <FieldErrors id={`${ID}-vended_date-errors`} messages={errors.vended_date} />
        </div>
      </div>
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add account'}
      </button>
    </form>
  );
}
