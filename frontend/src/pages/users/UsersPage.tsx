import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { UserRead } from '../../client';
import { fetchAllUsers, useUpdateUser, useUserScope, useUsers } from './hooks';
import type { UserFilters } from '../../api/queryKeys';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { FilterBar, SelectField, TextField } from '../../components/Field';
import { Pager } from '../../components/Pager';
import type { CsvColumn } from '../../lib/csv';
import { formatDateTime } from '../../lib/format';
import { ROLE_LABELS, ROLES, roleLabel, scopeLevel } from '../../lib/roles';
import { AddUserForm } from './AddUserForm';
import { ImportUsersForm } from './ImportUsersForm';
import { ScopeDialog } from './ScopeDialog';
import { usePageTitle } from '../../lib/usePageTitle';
import { useDebounced } from '../../lib/useDebounced';

const PAGE_SIZE = 50;
const ACTIVE_OPTIONS = [
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
];

const CSV_COLUMNS: CsvColumn<UserRead>[] = [
  { header: 'id', value: (u) => u.id },
  { header: 'email', value: (u) => u.email },
  { header: 'name', value: (u) => u.name },
  { header: 'role', value: (u) => u.role },
  { header: 'role_label', value: (u) => roleLabel(u.role) },
  { header: 'active', value: (u) => u.is_active },
  { header: 'created_at', value: (u) => u.created_at },
];

export function UsersPage() {
  const [search, setSearch] = useState('');
  usePageTitle('Users');
  const [role, setRole] = useState<UserRead['role'] | ''>('');
  const [active, setActive] = useState('');
  const q = useDebounced(search.trim(), 250);
  // The page shown belongs to the filters it was chosen under: new filters start on the first.
  const filterKey = JSON.stringify([q, role, active]);
  const [page, setPage] = useState({ filterKey, offset: 0 });
  const offset = page.filterKey === filterKey ? page.offset : 0;
  const setOffset = (next: number) => setPage({ filterKey, offset: next });
  const filters: Omit<UserFilters, 'limit' | 'offset'> = {
    ...(q ? { q } : {}),
    ...(role ? { role } : {}),
    ...(active ? { active: active === 'active' } : {}),
  };
  const users = useUsers({ ...filters, limit: PAGE_SIZE, offset });

  return (
    <section>
      <h1>Users</h1>
      <p>
        <Link to="/users/integrations">Service accounts, API tokens and webhooks</Link>
      </p>
      <div className="grid-2">
        <AddUserForm />
        <ImportUsersForm />
      </div>

      <h2 id="users-list-title">All users</h2>
      <FilterBar
        label="Filter users"
        end={<DownloadCsvButton list="users" columns={CSV_COLUMNS} rows={() => fetchAllUsers(filters)} />}
      >
        <TextField
          id="users-search"
          label="Search"
          type="search"
          placeholder="Email or name"
          value={search}
          onValue={setSearch}
        />
        <SelectField
          id="users-role"
          label="Role"
          value={role}
          onValue={(v) => setRole(v as UserRead['role'] | '')}
          empty="All roles"
          options={ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] }))}
        />
        <SelectField
          id="users-active"
          label="Status"
          value={active}
          onValue={setActive}
          empty="Active and inactive"
          options={ACTIVE_OPTIONS}
        />
      </FilterBar>

      <ErrorNotice error={users.error} prefix="The users could not be loaded" />
      {users.data ? (
        <>
          <UsersTable users={users.data.items} />
          <Pager
            total={users.data.total}
            limit={PAGE_SIZE}
            offset={offset}
            onOffset={setOffset}
            label="users"
          />
        </>
      ) : users.isPending ? (
        <p className="loading">Loading users…</p>
      ) : null}
    </section>
  );
}

function UsersTable({ users }: { users: UserRead[] }) {
  const update = useUpdateUser();
  const [done, setDone] = useState<string | null>(null);
  const [failed, setFailed] = useState<{ email: string; error: unknown } | null>(null);
  const [scoping, setScoping] = useState<UserRead | null>(null);

  function change(
    user: UserRead,
    changes: { role?: UserRead['role']; is_active?: boolean },
    success: string,
  ) {
    setDone(null);
    setFailed(null);
    update.mutate(
      { id: user.id, changes },
      {
        onSuccess: () => setDone(success),
        onError: (error) => setFailed({ email: user.email, error }),
      },
    );
  }

  return (
    <>
      <SuccessNotice>{done}</SuccessNotice>
      {failed ? <ErrorNotice error={failed.error} prefix={`${failed.email} was not changed`} /> : null}
      <div className="table-wrap">
        <table className="data-table" aria-labelledby="users-list-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Scope</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.length === 0 ? (
              <tr>
                <td colSpan={7} className="empty">
                  No users match these filters.
                </td>
              </tr>
            ) : (
              users.map((user) => (
                <UserRow
                  key={`${user.id}-${user.role}`}
                  user={user}
                  busy={update.isPending && update.variables?.id === user.id}
                  onRole={(role) => change(user, { role }, `${user.email} is now ${roleLabel(role)}.`)}
                  onActive={(is_active) =>
                    change(
                      user,
                      { is_active },
                      `${user.email} is ${is_active ? 'active again' : 'deactivated'}.`,
                    )
                  }
                  onScope={() => {
                    setDone(null);
                    setFailed(null);
                    setScoping(user);
                  }}
                />
              ))
            )}
          </tbody>
        </table>
      </div>
      {scoping ? (
        <ScopeDialog
          user={scoping}
          onClose={() => setScoping(null)}
          onSaved={(message) => {
            setScoping(null);
            setDone(message);
          }}
        />
      ) : null}
    </>
  );
}

/** The nodes an owner is mapped to, as paths, and the action that changes them; other
 * roles see by role. */
function ScopeCell({ user, onScope }: { user: UserRead; onScope: () => void }) {
  const owner = scopeLevel(user.role) !== null;
  const scope = useUserScope(user.id, owner);
  if (!owner) return <span className="muted">by role</span>;
  return (
    <div className="scope-cell">
      {scope.isPending ? (
        <span className="muted">…</span>
      ) : scope.isError ? (
        <span className="muted">unavailable</span>
      ) : scope.data.nodes.length === 0 ? (
        <span className="muted">none</span>
      ) : (
        <ul className="scope-paths compact">
          {scope.data.nodes.map((node) => (
            <li key={node.id}>
              {node.path.join(' › ')} <span className="muted">({node.year})</span>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="secondary small" onClick={onScope}>
        Scope<span className="visually-hidden"> of {user.email}</span>
      </button>
    </div>
  );
}

function UserRow({
  user,
  busy,
  onRole,
  onActive,
  onScope,
}: {
  user: UserRead;
  busy: boolean;
  onRole: (role: UserRead['role']) => void;
  onActive: (active: boolean) => void;
  onScope: () => void;
}) {
  const [role, setRole] = useState(user.role);
  const roleId = `role-of-${user.id}`;
  return (
    <tr className={user.is_active ? undefined : 'inactive'}>
      <th scope="row">{user.name}</th>
      <td>{user.email}</td>
      <td>
        <div className="inline">
          <label htmlFor={roleId} className="visually-hidden">
            Role of {user.email}
          </label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as UserRead['role'])}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="secondary"
            disabled={busy || role === user.role}
            onClick={() => onRole(role)}
          >
            Change role
          </button>
        </div>
      </td>
      <td>
        <span className={user.is_active ? 'badge badge-ok' : 'badge badge-off'}>
          {user.is_active ? 'Active' : 'Inactive'}
        </span>
      </td>
      <td>
        <ScopeCell user={user} onScope={onScope} />
      </td>
      <td className="created">{formatDateTime(user.created_at)}</td>
      <td>
        <button type="button" className="secondary" disabled={busy} onClick={() => onActive(!user.is_active)}>
          {user.is_active ? 'Deactivate' : 'Reactivate'}
        </button>
      </td>
    </tr>
  );
}
