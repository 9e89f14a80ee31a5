import { useState, type FormEvent } from 'react';
import { useCreateUser } from '../../api/hooks';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { FieldErrors } from '../../components/FieldErrors';
import { fieldErrors, otherErrors } from '../../lib/problem';
import { ROLE_LABELS, ROLES, isRole, roleLabel } from '../../lib/roles';

const FIELDS = ['email', 'name', 'role', 'password'] as const;
type Field = (typeof FIELDS)[number];
const EMPTY: Record<Field, string> = { email: '', name: '', role: '', password: '' };

export function AddUserForm() {
  const create = useCreateUser();
  const [form, setForm] = useState(EMPTY);
  const [added, setAdded] = useState<string | null>(null);
  const errors = fieldErrors(create.error);
  const unplaced = otherErrors(create.error, FIELDS);

  function set(field: Field, value: string) {
    setForm((f) => ({ ...f, [field]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!isRole(form.role)) return;
    setAdded(null);
    create.mutate(
      {
        email: form.email.trim(),
        name: form.name,
        role: form.role,
        password: form.password === '' ? null : form.password,
      },
      {
        onSuccess: (user) => {
          setAdded(`Added ${user.email} as ${roleLabel(user.role)}.`);
          setForm(EMPTY);
        },
      },
    );
  }

  function inputProps(field: Field) {
    const invalid = Boolean(errors[field]);
    return {
      id: `add-user-${field}`,
      value: form[field],
      'aria-invalid': invalid || undefined,
      'aria-describedby': invalid ? `add-user-${field}-errors` : undefined,
    };
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="add-user-title" noValidate={false}>
      <h2 id="add-user-title">Add a user</h2>
      <ErrorNotice error={create.error} prefix="The user was not added" />
      {unplaced.length > 0 ? (
        <ul className="field-errors">
          {unplaced.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
      <SuccessNotice>{added}</SuccessNotice>
      <div className="field">
        <label htmlFor="add-user-email">Email</label>
        <input
          {...inputProps('email')}
          type="email"
          required
          autoComplete="off"
          onChange={(e) => set('email', e.target.value)}
        />
        <FieldErrors id="add-user-email-errors" messages={errors.email} />
      </div>
      <div className="field">
        <label htmlFor="add-user-name">Name</label>
        <input
          {...inputProps('name')}
          type="text"
          required
          maxLength={200}
          onChange={(e) => set('name', e.target.value)}
        />
        <FieldErrors id="add-user-name-errors" messages={errors.name} />
      </div>
      <div className="field">
        <label htmlFor="add-user-role">Role</label>
        <select {...inputProps('role')} required onChange={(e) => set('role', e.target.value)}>
          <option value="" disabled>
            Choose a role
          </option>
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
        <FieldErrors id="add-user-role-errors" messages={errors.role} />
      </div>
      <div className="field">
        <label htmlFor="add-user-password">Password</label>
        <input
          {...inputProps('password')}
          type="password"
          autoComplete="new-password"
          aria-describedby={[errors.password ? 'add-user-password-errors' : '', 'add-user-password-hint']
            .join(' ')
            .trim()}
          onChange={(e) => set('password', e.target.value)}
        />
        <p className="hint" id="add-user-password-hint">
          At least 10 characters. Leave empty for a user who logs in through single sign-on.
        </p>
        <FieldErrors id="add-user-password-errors" messages={errors.password} />
      </div>
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add user'}
      </button>
    </form>
  );
}
