import { formatProblem } from '../lib/problem';

/** A failed call, in words, announced to screen readers. */
export function ErrorNotice({ error, prefix }: { error: unknown; prefix?: string }) {
  if (!error) return null;
  return (
    <div className="notice notice-error" role="alert">
      {prefix ? `${prefix}: ` : ''}
      {formatProblem(error)}
    </div>
  );
}

export function SuccessNotice({ children }: { children: React.ReactNode }) {
  if (!children) return null;
  return (
    <div className="notice notice-success" role="status">
      {children}
    </div>
  );
}
