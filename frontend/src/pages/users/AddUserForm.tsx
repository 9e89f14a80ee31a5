import { useState, type FormEvent } from 'react';
import { useCreateUser } from './hooks';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { errorsOf, SelectField, TextField } from '../../components/Field';
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

  function fieldProps(field: Field) {
    return {
      id: `add-user-${field}`,
      value: form[field],
      ...errorsOf(errors, 'add-user', field),
      onValue: (value: string) => set(field, value),
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
      <TextField label="Email" {...fieldProps('email')} type="email" required autoComplete="off" />
      <TextField label="Name" {...fieldProps('name')} type="text" required maxLength={200} />
      <SelectField label="Role" {...fieldProps('role')} required>
        <option value="" disabled>
          Choose a role
        </option>
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {ROLE_LABELS[role]}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Password"
        {...fieldProps('password')}
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters. Leave empty for a user who logs in through single sign-on."
        aria-describedby={[errors.password ? 'add-user-password-errors' : '', 'add-user-password-hint']
          .join(' ')
          .trim()}
      />
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Adding…' : 'Add user'}
      </button>
    </form>
  );
}
