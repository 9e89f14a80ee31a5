import { useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet, useOutletContext } from 'react-router-dom';
import type { MeRead } from '../client';
import { logOut as endSession } from '../api/session';
import { navigationFor } from '../lib/navigation';
import { roleLabel } from '../lib/roles';

export function AppShell({ me }: { me: MeRead }) {
  const queryClient = useQueryClient();
  // The session guard (App.tsx) sees the token go and shows the log-in page.
  function logOut() {
    endSession();
    queryClient.clear();
  }
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">FinOps Center</span>
        <nav aria-label="Main">
          <ul className="nav-list">
            {navigationFor(me.permissions).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === '/'}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            <span className="who-name">{me.name}</span>
            <span className="who-role">{roleLabel(me.role)}</span>
          </span>
          <button type="button" className="secondary" onClick={logOut}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet context={me} />
      </main>
    </div>
  );
}

/** The logged-in user, for pages inside the shell. */
export function useCurrentUser(): MeRead {
  return useOutletContext<MeRead>();
}
