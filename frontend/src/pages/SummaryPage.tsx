import { Link } from 'react-router-dom';
import { useCurrentUser } from '../components/AppShell';
import { navigationFor } from '../lib/navigation';
import { roleLabel } from '../lib/roles';
import { usePageTitle } from '../lib/usePageTitle';

export function SummaryPage() {
  const me = useCurrentUser();
  usePageTitle('Summary');
  const shortcuts = navigationFor(me.permissions).filter((item) => item.permission !== null);
  return (
    <section>
      <h1>Summary</h1>
      <p className="lead">Welcome, {me.name}.</p>
      <dl className="facts card">
        <dt>Email</dt>
        <dd>{me.email}</dd>
        <dt>Role</dt>
        <dd>{roleLabel(me.role)}</dd>
      </dl>
      {shortcuts.length > 0 ? (
        <>
          <h2>Administration</h2>
          <ul className="shortcuts">
            {shortcuts.map((item) => (
              <li key={item.to}>
                <Link to={item.to}>{item.label}</Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <p className="muted">
        Tasks awaiting you, account allocations and the top savings will appear here as those capabilities are
        released.
      </p>
    </section>
  );
}
