import { useState, type FormEvent } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useToken } from '../App';
import { useLogin } from '../api/auth';
import { loginNotice } from '../api/session';
import { ErrorNotice } from '../components/ErrorNotice';
import { TextField } from '../components/Field';
import { usePageTitle } from '../lib/usePageTitle';

export function LoginPage() {
  const token = useToken();
  usePageTitle('Log in');
  const location = useLocation();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [notice] = useState(loginNotice);

  if (token) {
    const from = (location.state as { from?: string } | null)?.from;
    return <Navigate to={from && from !== '/login' ? from : '/'} replace />;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ username: email.trim(), password });
  }

  return (
    <main className="login-page">
      <form className="card login-card" onSubmit={submit} aria-labelledby="login-title">
        <p className="brand">FinOps Center</p>
        <h1 id="login-title">Log in</h1>
        {notice && !login.isError ? (
          <div className="notice notice-info" role="status">
            {notice}
          </div>
        ) : null}
        <ErrorNotice error={login.error} />
        <TextField
          id="login-email"
          label="Email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onValue={setEmail}
        />
        <TextField
          id="login-password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onValue={setPassword}
        />
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
