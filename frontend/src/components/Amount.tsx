import { formatAmount } from '../lib/money';

/** A decimal amount from the API, grouped and with cents; the column names the currency. */
export function Amount({ value }: { value: string | null | undefined }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  return <span className="amount">{formatAmount(value)}</span>;
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge ${status === 'active' ? 'badge-ok' : 'badge-off'}`}>
      {status === 'active' ? 'Active' : status === 'retired' ? 'Retired' : status}
    </span>
  );
}
