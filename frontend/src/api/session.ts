// The bearer token lives in sessionStorage: it survives a reload, not the closing of the tab,
// and is never shared with other tabs. React subscribes through `useSyncExternalStore`.

const TOKEN_KEY = 'finops.token';
const NOTICE_KEY = 'finops.loginNotice';

type Listener = () => void;
const listeners = new Set<Listener>();

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

export function getToken(): string | null {
  return storage()?.getItem(TOKEN_KEY) ?? null;
}

export function setToken(token: string): void {
  storage()?.setItem(TOKEN_KEY, token);
  storage()?.removeItem(NOTICE_KEY);
  loggedOut = false;
  notify();
}

let loggedOut = false;

/** The session ended (token expired or refused); `notice` is shown once on the log-in page.
 * The log-in page then returns to the page the user was on. */
export function clearToken(notice?: string): void {
  const store = storage();
  if (!store) return;
  const had = store.getItem(TOKEN_KEY) !== null;
  store.removeItem(TOKEN_KEY);
  if (notice) store.setItem(NOTICE_KEY, notice);
  loggedOut = false;
  if (had) notify();
}

/** The user logged out: the next log-in (perhaps someone else's) starts on the summary. */
export function logOut(): void {
  clearToken();
  loggedOut = true;
}

export function endedByLogOut(): boolean {
  return loggedOut;
}

/** Why the last session ended; kept until the next log-in succeeds. */
export function loginNotice(): string | null {
  return storage()?.getItem(NOTICE_KEY) ?? null;
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
